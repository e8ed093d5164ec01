// The bubblewrap command line for one tool command. Pure: the caller has
// already resolved every path it passes in.
//
// The sandbox: own user, PID, IPC, UTS, cgroup and (unless network access is
// allowed) network namespaces; `/` read-only; a fresh /proc (only the
// sandbox's own processes are visible, so no /proc/<pid>/environ or mem of the
// server); a minimal /dev; an empty /run (no host daemon sockets, such as
// docker's); /tmp private; the writable roots bound read-write with their .git
// bound read-only again on top. `--die-with-parent` and the PID namespace make
// sure nothing the command starts outlives it; `--new-session` keeps it off
// the server's terminal.

import type { ToolSandboxPolicy } from './policy.js';

export type OsSandboxPolicy = Extract<ToolSandboxPolicy, { kind: 'read-only' | 'workspace-write' }>;

export interface BwrapLayout {
  policy: OsSandboxPolicy;
  /** Host directory bound at /tmp (persists across commands), or null for an empty tmpfs. */
  scratch: string | null;
  /** workspace-write: the writable roots, resolved, existing. */
  realRoots: string[];
  /** Resolved protected directories (or files, e.g. a worktree's .git) inside the roots. */
  protectedPaths: string[];
  /** read-only: the workspace, resolved. */
  workspace: string;
  /** Where the command starts. */
  cwd: string;
  /** Whether the host has a /run to hide (a mount point cannot be made on the read-only /). */
  hasRun: boolean;
}

/**
 * bwrap writes `{"child-pid": N}` here once the sandbox exists: N is the sandbox's init, whose
 * process group holds the command. The launcher signals that group directly (see launcher.ts).
 */
export const INFO_FD = 3;

/** Kept reachable inside the empty /run: on systemd-resolved hosts /etc/resolv.conf points here. */
const RESOLVER_DIR = '/run/systemd/resolve';

/** The bwrap options (without the trailing `--` and command). */
export function bwrapArgs(l: BwrapLayout): string[] {
  const args = ['--unshare-all'];
  if (l.policy.networkAccess) args.push('--share-net');
  args.push('--die-with-parent', '--new-session', '--info-fd', String(INFO_FD));
  args.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc');
  if (l.hasRun) args.push('--tmpfs', '/run', '--ro-bind-try', RESOLVER_DIR, RESOLVER_DIR);
  args.push(...(l.scratch === null ? ['--tmpfs', '/tmp'] : ['--bind', l.scratch, '/tmp']));
  if (l.policy.kind === 'workspace-write') {
    for (const root of [...l.realRoots].sort(byDepth)) args.push('--bind', root, root);
    for (const p of [...l.protectedPaths].sort(byDepth)) args.push('--ro-bind', p, p);
    if (!l.policy.writableTmp) args.push('--remount-ro', '/tmp');
  } else {
    args.push('--ro-bind', l.workspace, l.workspace);
  }
  args.push('--chdir', l.cwd);
  return args;
}

function byDepth(a: string, b: string): number {
  return a.split('/').length - b.split('/').length || a.localeCompare(b);
}

/** The environment inside the sandbox: the tool allow-list, plus what the sandbox itself decides. */
export function sandboxEnvironment(toolEnv: Record<string, string>, sandboxUser: string | null): Record<string, string> {
  const env: Record<string, string> = { ...toolEnv, TMPDIR: '/tmp' };
  if (sandboxUser === null) return env;
  // The server's HOME (root's) is not the sandbox user's to read.
  env.HOME = '/tmp';
  env.USER = sandboxUser;
  env.LOGNAME = sandboxUser;
  // git refuses a repository owned by another user ("dubious ownership"); the
  // checkout is root's. Nothing is protected by that check here: the tool runs
  // whatever it likes already. Command-scope config, so it counts as protected config.
  env.GIT_CONFIG_COUNT = '1';
  env.GIT_CONFIG_KEY_0 = 'safe.directory';
  env.GIT_CONFIG_VALUE_0 = '*';
  return env;
}
