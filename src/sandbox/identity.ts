// Who tool processes run as. A server running as root must not lend root's
// file access to tools: it drops to the sandbox user *before* bwrap starts
// (spawn with uid/gid, supplementary groups cleared). A non-root server cannot
// switch users; its tools keep its uid and are separated from it by their own
// PID and user namespaces.

import { promises as fs, type Stats } from 'node:fs';
import { runProcess } from './spawner/run-process.js';
import { sandboxUserMissing, sandboxUserPrivileged } from './errors.js';

export const DEFAULT_SANDBOX_USER = 'tern-sandbox';

export interface SandboxIdentity {
  name: string;
  uid: number;
  gid: number;
}

const GETENT_TIMEOUT_MS = 5_000;
const PASSWD_FIELDS = 7;
/** The whole environment of the sandbox's own probes (getent, search checks, the bwrap probe). */
export const PROBE_ENV = { PATH: '/usr/bin:/bin' };
const SEARCH_OTHER = 0o001;
const SEARCH_GROUP = 0o010;
const SEARCH_OWNER = 0o100;

export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The account `name` from the passwd database (NSS included), or null. */
export async function lookupUser(name: string): Promise<SandboxIdentity | null> {
  const r = await runProcess({ file: 'getent', args: ['passwd', name], cwd: '/', env: PROBE_ENV, sandboxed: false }, { timeoutMs: GETENT_TIMEOUT_MS });
  const fields = r.exitCode === 0 ? r.output.trim().split('\n')[0]!.split(':') : [];
  if (fields.length < PASSWD_FIELDS) return null;
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) return null;
  return { name, uid, gid };
}

/** The identity to drop to (root), or null to keep the server's own uid (non-root). */
export async function resolveIdentity(userName: string): Promise<SandboxIdentity | null> {
  if (!runningAsRoot()) return null;
  const identity = await lookupUser(userName);
  if (identity === null) throw sandboxUserMissing(userName);
  if (identity.uid === 0) throw sandboxUserPrivileged(userName);
  return identity;
}

/** Whether `identity` may search (traverse) a directory with these stats, by its mode bits alone. */
function canSearchByMode(st: Stats, identity: SandboxIdentity): boolean {
  if (st.uid === identity.uid) return (st.mode & SEARCH_OWNER) !== 0;
  if (st.gid === identity.gid) return (st.mode & SEARCH_GROUP) !== 0;
  return (st.mode & SEARCH_OTHER) !== 0;
}

/**
 * The directories of `dirs` that `identity` cannot search. Mode bits settle most; for the rest
 * the kernel is asked as that user (so ACL entries and groups count).
 */
export async function unsearchable(identity: SandboxIdentity, dirs: string[]): Promise<string[]> {
  const doubtful: string[] = [];
  for (const dir of dirs) {
    const st = await fs.stat(dir).catch(() => null);
    if (st === null || !canSearchByMode(st, identity)) doubtful.push(dir);
  }
  if (doubtful.length === 0) return [];
  const script = 'for d; do test -x "$d" || echo "$d"; done';
  const plan = { file: 'sh', args: ['-c', script, 'sh', ...doubtful], cwd: '/', env: PROBE_ENV, uid: identity.uid, gid: identity.gid, sandboxed: false };
  const r = await runProcess(plan, { timeoutMs: GETENT_TIMEOUT_MS });
  return r.output.split('\n').filter((line) => doubtful.includes(line));
}
