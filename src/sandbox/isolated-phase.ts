// Runs one phase of the Action (the agent phase, or the repository's test command)
// as a process tree that cannot see the Action's own process and cannot outlive
// the phase.
//
// With `pid-namespace` (the default) the phase runs in a new PID namespace with a
// fresh /proc (util-linux `unshare`; as a non-root user inside a user namespace
// too). Two properties follow from the kernel, not from our bookkeeping:
//  - /proc inside lists only the phase's own processes, so no process of the phase
//    can read the Action's /proc/<pid>/environ or memory;
//  - when the namespace's init exits, the kernel kills every process left in it,
//    so a command the model put in the background (even with setsid) cannot live
//    on to watch the publish phase.
// A `sh` is the namespace's init: it runs the command, reaps orphans, and exits
// with the command's status. `--kill-child` tears the namespace down if we kill
// `unshare` itself (the hard deadline).
//
// `none` runs the phase in its own process group and kills that group afterwards:
// a process that left the group (setsid) survives. It exists for runners that
// cannot create namespaces, and the caller warns about it.

import { execa } from 'execa';
import { TernError } from '../util/errors.js';

export const ISOLATION_MODES = ['pid-namespace', 'none'] as const;
export type IsolationMode = (typeof ISOLATION_MODES)[number];

export interface IsolatedPhaseOptions {
  /** argv: program then arguments. */
  command: string[];
  cwd: string;
  /** The complete environment of the phase (nothing is inherited). */
  env: Record<string, string>;
  isolation: IsolationMode;
  /** Hard deadline: the whole tree is killed after this long. */
  timeoutMs: number;
  /** Output as it arrives (stdout and stderr interleaved). */
  onOutput?: (chunk: string) => void;
  /** How much of the output's end to keep in the result. */
  tailBytes?: number;
}

export interface IsolatedPhaseResult {
  /** The command's exit code; null when it was killed or could not start. */
  exitCode: number | null;
  timedOut: boolean;
  /** The last `tailBytes` of the output. */
  outputTail: string;
}

const DEFAULT_TAIL_BYTES = 64 * 1024;
/** The namespace's init: run the command, then exit with its status (no exec, so orphans get reaped). */
const INIT_SCRIPT = '"$@"; exit $?';
const INIT_NAME = 'tern-phase-init';

const UNSHARE_AS_ROOT = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'];
const UNSHARE_AS_USER = ['unshare', '--user', '--map-current-user', '--pid', '--fork', '--mount-proc', '--kill-child'];
/** util-linux before 2.38 has no --map-current-user. */
const UNSHARE_AS_USER_OLD = ['unshare', '--user', '--map-root-user', '--pid', '--fork', '--mount-proc', '--kill-child'];

export class IsolationUnavailableError extends TernError {
  static override defaultCategory = 'sandbox' as const;
  override name = 'IsolationUnavailableError';
  constructor(message: string) {
    super('isolation_unavailable', message);
  }
}

let probed: Promise<string[]> | null = null;

/** The command prefix that puts a process tree into its own PID namespace on this machine (probed once per process). */
export function pidNamespacePrefix(): Promise<string[]> {
  probed ??= probePidNamespace().catch((err: unknown) => {
    probed = null;
    throw err;
  });
  return probed;
}

async function probePidNamespace(): Promise<string[]> {
  const candidates = process.getuid?.() === 0 ? [UNSHARE_AS_ROOT] : [UNSHARE_AS_USER, UNSHARE_AS_USER_OLD];
  let lastError = '';
  for (const prefix of candidates) {
    const probe = await execa(prefix[0]!, [...prefix.slice(1), 'true'], { reject: false, stdin: 'ignore', extendEnv: false, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    if (probe.exitCode === 0) return prefix;
    lastError = (probe.stderr || probe.shortMessage || '').toString().trim().split('\n').pop() ?? '';
  }
  throw new IsolationUnavailableError(isolationHint(lastError));
}

function isolationHint(lastError: string): string {
  const why = lastError ? ` (${lastError})` : '';
  if (/ENOENT|not found/i.test(lastError)) {
    return `cannot isolate the agent phase: \`unshare\` is not installed${why}; install util-linux, or set agent-isolation: none`;
  }
  return (
    `cannot isolate the agent phase in a PID namespace${why}. ` +
    'Unprivileged user namespaces look disabled: on Ubuntu 24.04 runners add a step ' +
    '`sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` before this one ' +
    '(elsewhere `sysctl -w kernel.unprivileged_userns_clone=1` or `user.max_user_namespaces`), or set agent-isolation: none'
  );
}

/** Runs the phase to its end (or its deadline); when this returns, no process of the phase is left. */
export async function runIsolatedPhase(opts: IsolatedPhaseOptions): Promise<IsolatedPhaseResult> {
  const prefix = opts.isolation === 'pid-namespace' ? await pidNamespacePrefix() : [];
  const argv = [...prefix, 'sh', '-c', INIT_SCRIPT, INIT_NAME, ...opts.command];
  const tailMax = opts.tailBytes ?? DEFAULT_TAIL_BYTES;
  let tail = '';

  const child = execa(argv[0]!, argv.slice(1), {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: false,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    // Its own process group, so `none` can kill the tree and a terminal's signals don't reach it.
    detached: true,
    cleanup: true,
    encoding: 'utf8',
  });
  const killTree = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const collect = (chunk: string | Buffer) => {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    opts.onOutput?.(text);
    tail = (tail + text).slice(-tailMax);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killTree();
  }, opts.timeoutMs);
  const result = await child;
  clearTimeout(timer);
  // pid-namespace: the kernel already killed whatever was left when init exited.
  // none: whatever stayed in the process group goes now.
  killTree();

  if (result.exitCode === undefined && !timedOut && result.failed && !result.signal) {
    throw new TernError('phase_spawn_failed', `cannot start ${argv[0]}: ${result.shortMessage ?? 'unknown error'}`);
  }
  return { exitCode: timedOut ? null : (result.exitCode ?? null), timedOut, outputTail: tail };
}
