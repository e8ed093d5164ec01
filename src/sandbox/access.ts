// File access for the sandbox user when the server runs as root.
//
// The checkout belongs to root, and the sandbox user must read it (and write
// the writable roots) without tern taking it over: ownership and mode bits
// stay as they are (git would otherwise see other owners or mode changes), and
// POSIX ACL entries for that one user are added instead:
//  - writable roots: rwX, inherited by new files (default ACL), except .git
//    (and .codex), which get rX: git must read them, bwrap keeps them read-only;
//  - the workspace of a read-only thread: rX;
//  - each directory above those that the user cannot traverse: search (x)
//    only, no listing, so bwrap (which runs as that user) can reach them.
// setfacl walks physically (-P): symlinks in the checkout are never followed,
// so a link to /etc/shadow does not carry a grant there.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runInAclShell } from './acl-shell.js';
import { aclFailed, homeNotSearchable, rootTooBroad, setfaclMissing } from './errors.js';
import { unsearchable, type SandboxIdentity } from './identity.js';
import { ancestorsOf, errnoCode, isInside } from './paths.js';
import { PROTECTED_DIR_NAMES } from './policy.js';

export type AccessLevel = 'rwX' | 'rX';

const SETFACL_TIMEOUT_MS = 10 * 60_000;
/** Paths per setfacl invocation. */
const SETFACL_BATCH = 500;

/** Directories tern never hands to the sandbox user as a whole, nor anything below the second list. */
const TOO_BROAD_EXACT = ['/', '/root', '/home', '/var', '/opt', '/srv', '/tmp', '/run', '/mnt', '/media'];
const TOO_BROAD_WITHIN = ['/etc', '/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/boot', '/proc', '/sys', '/dev'];

export function assertGrantable(root: string): void {
  if (TOO_BROAD_EXACT.includes(root) || TOO_BROAD_WITHIN.some((d) => isInside(d, root))) throw rootTooBroad(root);
}

/** One `setfacl ARGS -- PATHS` of a grant. */
interface SetfaclStep {
  args: string[];
  paths: string[];
}

/** `sh`'s exit status when a command is not found. */
const EXIT_NOT_FOUND = 127;

/**
 * Runs the steps in order, stopping at the first failure, in the server's setfacl shell
 * (acl-shell.ts): the server does not fork for a grant.
 */
async function setfacl(identity: SandboxIdentity, steps: SetfaclStep[]): Promise<void> {
  const batches = steps.filter((s) => s.paths.length > 0).flatMap((s) => inBatches(s.paths).map((paths) => ({ args: s.args, paths })));
  if (batches.length === 0) return;
  const r = await runInAclShell(setfaclScript(batches), SETFACL_TIMEOUT_MS).catch((err: Error) => ({ exitCode: -1, output: err.message }));
  if (r.exitCode === 0) return;
  if (r.exitCode === EXIT_NOT_FOUND) throw setfaclMissing();
  const target = batches.flatMap((b) => b.paths).join(', ');
  throw aclFailed(target, r.output.split('\n')[0] || `user ${identity.name}`);
}

function inBatches(paths: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < paths.length; i += SETFACL_BATCH) out.push(paths.slice(i, i + SETFACL_BATCH));
  return out;
}

/** A POSIX sh word for `s`: single-quoted, each `'` written as `'\''`. */
function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** One setfacl line per batch. */
function setfaclScript(batches: SetfaclStep[]): string {
  return batches.map((b) => ['setfacl', ...b.args, '--', ...b.paths].map(shQuote).join(' ')).join('\n');
}

function entry(identity: SandboxIdentity, level: AccessLevel): string {
  return `u:${identity.uid}:${level},d:u:${identity.uid}:${level}`;
}

/**
 * Per directory: settles once it is known searchable by the sandbox user (found so, or given
 * search access); rejected entries are dropped, so the next grant asks again.
 */
export type SearchCache = Map<string, Promise<void>>;

/**
 * Gives `identity` `level` access to the tree at `root` (protected directories: rX only), after
 * search-only access on the directories above it it cannot traverse (see searchBlocked); all
 * in one script. Returns the directories given search access.
 */
export async function grantTree(identity: SandboxIdentity, root: string, level: AccessLevel, searchable: SearchCache = new Map()): Promise<string[]> {
  assertGrantable(root);
  const { blocked, settle } = await searchBlocked(identity, root, searchable);
  try {
    await setfacl(identity, [{ args: ['-m', `u:${identity.uid}:x`], paths: blocked }, ...(await treeSteps(identity, root, level))]);
    settle(null);
  } catch (err) {
    settle(err as Error);
    throw err;
  }
  return blocked;
}

async function treeSteps(identity: SandboxIdentity, root: string, level: AccessLevel): Promise<SetfaclStep[]> {
  if (level === 'rX') return [{ args: ['-R', '-P', '-m', entry(identity, 'rX')], paths: [root] }];
  const names = await fs.readdir(root);
  const open = names.filter((n) => !PROTECTED_DIR_NAMES.includes(n)).map((n) => path.join(root, n));
  const closed = names.filter((n) => PROTECTED_DIR_NAMES.includes(n)).map((n) => path.join(root, n));
  return [
    { args: ['-P', '-m', entry(identity, 'rwX')], paths: [root] },
    { args: ['-R', '-P', '-m', entry(identity, 'rwX')], paths: open },
    { args: ['-R', '-P', '-m', entry(identity, 'rX')], paths: closed },
  ];
}

interface Deferred {
  resolve(): void;
  reject(err: Error): void;
}

/** Claims `dir` in the cache: later callers wait for this one's verdict. */
function claim(cache: SearchCache, dir: string): Deferred {
  let d!: Deferred;
  const p = new Promise<void>((resolve, reject) => (d = { resolve, reject }));
  p.catch(() => {
    if (cache.get(dir) === p) cache.delete(dir);
  });
  cache.set(dir, p);
  return d;
}

/**
 * The directories above `target` that `identity` cannot traverse, which then get search-only
 * access (the caller calls `settle` once it has given it, or failed). Never a home directory
 * (root's, or one under /home): search access there would let the sandbox user open any file
 * below it whose own mode allows and whose name it guesses. Directories in `cache` are not asked
 * again (concurrent grants share one check); losing such a grant later only makes the sandboxed
 * command fail (bwrap cannot reach its directories), it never widens access.
 */
async function searchBlocked(identity: SandboxIdentity, target: string, cache: SearchCache): Promise<{ blocked: string[]; settle: (err: Error | null) => void }> {
  const ancestors = ancestorsOf(target);
  const waits = ancestors.filter((d) => cache.has(d)).map((d) => cache.get(d)!);
  const mine = new Map(ancestors.filter((d) => !cache.has(d)).map((d) => [d, claim(cache, d)] as const));
  try {
    await Promise.all(waits);
    const blocked = await unsearchable(identity, [...mine.keys()]);
    const home = blocked.find(isHomeDirectory);
    if (home !== undefined) throw homeNotSearchable(home, target, identity.name);
    for (const [dir, d] of mine) if (!blocked.includes(dir)) d.resolve();
    return {
      blocked,
      settle: (err) => {
        for (const dir of blocked) (err === null ? mine.get(dir)!.resolve() : mine.get(dir)!.reject(err));
      },
    };
  } catch (err) {
    for (const d of mine.values()) d.reject(err as Error);
    throw err;
  }
}

function isHomeDirectory(dir: string): boolean {
  return dir === '/root' || path.dirname(dir) === '/home';
}

/**
 * Restores the sandbox user's access to files the server itself rewrote
 * (apply_patch renames a new file into place and restores the old mode, which
 * resets the ACL mask).
 */
export async function regrantFiles(identity: SandboxIdentity, files: string[], level: AccessLevel): Promise<void> {
  const present: string[] = [];
  for (const f of files) {
    try {
      const st = await fs.lstat(f);
      if (st.isFile() && st.nlink === 1) present.push(f);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
    }
  }
  await setfacl(identity, [{ args: ['-P', '-m', `u:${identity.uid}:${level}`], paths: present }]);
}
