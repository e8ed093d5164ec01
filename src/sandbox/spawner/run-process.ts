// Runs one process through the spawn helper (./spawn-helper.ts) to its end, its
// timeout or its abort, in its own process group, so a timeout, an interrupt or the
// server's shutdown ends the whole tree: SIGTERM first, SIGKILL after a grace
// period. Signals are sent from here, by pid.
//  - Plain: both go to the process group.
//  - Sandboxed: bwrap reports its sandbox's init (--info-fd); SIGTERM goes to
//    that init's process group (the command's), SIGKILL to the init itself,
//    which tears the whole PID namespace down. The outer bwrap is not
//    signalled: killed early, it could die before its child armed
//    --die-with-parent, and the sandbox would live on as an orphan.
// Tool commands (../launcher.ts) and the sandbox's own probes (getent, the bwrap
// probe, search checks) all run here: the server never forks a process itself.

import type { SpawnPlan } from '../host.js';
import { sandboxInitPid } from './messages.js';
import { SpawnHelper } from './spawn-helper.js';

export interface RunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Output chunks (stdout and stderr interleaved as they arrive). */
  onOutput?: (chunk: string) => void;
  /** Cap on the output kept in memory (head + tail); the middle is dropped and marked. */
  maxOutputBytes?: number;
}

export interface ProcessRun {
  exitCode: number;
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
  outputTruncated: boolean;
  timedOut: boolean;
  aborted: boolean;
  pid: number | null;
}

const DEFAULT_MAX_OUTPUT = 1024 * 1024;
/** Between SIGTERM and SIGKILL of a command's process group. */
export const KILL_GRACE_MS = 2_000;
const EXIT_TIMED_OUT = 124;
/** What a shell reports for a command it could not start. */
const EXIT_NOT_STARTED = 127;
/** Exit code reported for a process ended by a signal (it has none of its own). */
const EXIT_BY_SIGNAL = -1;

/** Every running command, so the server can end them all at shutdown. */
const running = new Set<{ terminate: () => void; kill: () => void; done: Promise<unknown> }>();

/** Ends every running tool process tree (SIGTERM, SIGKILL after the grace period) and waits for them. */
export async function terminateAllToolProcesses(): Promise<void> {
  const all = [...running];
  for (const r of all) r.terminate();
  await Promise.allSettled(all.map((r) => r.done));
}

/** Last resort (the server is exiting now): SIGKILL to every running tool process group. */
export function killAllToolProcessesNow(): void {
  for (const r of running) r.kill();
}

/** Starts processes for the whole server: one helper process, forked on first use. */
let helper: SpawnHelper | undefined;

/**
 * Forks the spawn helper now if it is not running: a turn is starting, and the helper's own start-up
 * (a Node process, ~100 ms) then overlaps the model's first response instead of delaying the first command.
 */
export function prepareToolProcesses(): void {
  spawnHelper().warm();
}

function spawnHelper(): SpawnHelper {
  helper ??= new SpawnHelper();
  return helper;
}

/** Runs a spawn plan to its end, its timeout or its abort; whichever comes first ends the whole tree. */
export async function runProcess(plan: SpawnPlan, opts: RunOptions): Promise<ProcessRun> {
  const start = await spawnHelper().start(plan, { maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT, onOutput: opts.onOutput });
  if (!start.ok) {
    // Spawn failure (e.g. missing shell): report it like a shell would.
    return { exitCode: EXIT_NOT_STARTED, output: `${start.startError}\n`, outputTruncated: false, timedOut: false, aborted: false, pid: null };
  }
  const proc = start.process;
  const killer: TreeKiller = plan.infoFd === undefined ? new GroupKiller(proc.pid) : new SandboxKiller(proc.pid, proc.info);
  const ended = { timedOut: false, aborted: false };
  const timer = setTimeout(() => {
    ended.timedOut = true;
    killer.terminate();
  }, opts.timeoutMs);
  const onAbort = () => {
    ended.aborted = true;
    killer.terminate();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();

  const entry = { terminate: () => killer.terminate(), kill: () => killer.kill(), done: proc.ended };
  running.add(entry);
  const end = await proc.ended;
  running.delete(entry);
  clearTimeout(timer);
  killer.settled();
  opts.signal?.removeEventListener('abort', onAbort);
  // The helper died under it: nothing reads its pipes any more, so nothing of the tree may stay.
  if (end.lost) killer.kill();

  const exitCode = ended.timedOut ? EXIT_TIMED_OUT : (end.exitCode ?? EXIT_BY_SIGNAL);
  return { exitCode, output: end.output, outputTruncated: end.truncated, ...ended, pid: proc.pid };
}

interface TreeKiller {
  /** SIGTERM now, SIGKILL after KILL_GRACE_MS. */
  terminate(): void;
  /** SIGKILL now. */
  kill(): void;
  /** The launched process exited. */
  settled(): void;
}

function signal(target: number | null, sig: NodeJS.Signals): void {
  if (target === null) return;
  try {
    process.kill(target, sig);
  } catch {
    // already gone
  }
}

/** A plain command: SIGTERM to its process group, then SIGKILL after KILL_GRACE_MS unless it is already gone. */
class GroupKiller implements TreeKiller {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly pgid: number | null) {}

  terminate(): void {
    if (this.timer !== null) return;
    this.signal('SIGTERM');
    this.timer = setTimeout(() => this.signal('SIGKILL'), KILL_GRACE_MS);
    this.timer.unref();
  }

  kill(): void {
    this.signal('SIGKILL');
  }

  /** The leader exited: whatever is left in its group gets SIGKILL now if a kill was under way. */
  settled(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.signal('SIGKILL');
  }

  private signal(sig: NodeJS.Signals): void {
    signal(this.pgid === null ? null : -this.pgid, sig);
  }
}

/**
 * A sandboxed command: waits for bwrap to name the sandbox's init, then SIGTERM to
 * its process group and SIGKILL to the init after KILL_GRACE_MS. If bwrap never
 * gets that far within the grace period, its own group gets SIGKILL.
 */
class SandboxKiller implements TreeKiller {
  private init: number | null = null;
  private wanted = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly outerPgid: number | null,
    info: Promise<string>,
  ) {
    void info.then((text) => this.learned(text));
  }

  terminate(): void {
    if (this.wanted) return;
    this.wanted = true;
    if (this.init !== null) this.termInit();
    else this.arm(() => signal(this.outerPgid === null ? null : -this.outerPgid, 'SIGKILL'));
  }

  kill(): void {
    signal(this.init, 'SIGKILL');
    signal(this.outerPgid === null ? null : -this.outerPgid, 'SIGKILL');
  }

  settled(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private learned(text: string): void {
    const pid = sandboxInitPid(text);
    if (pid === null) return;
    this.init = pid;
    if (this.wanted) {
      this.settled();
      this.termInit();
    }
  }

  private termInit(): void {
    signal(-this.init!, 'SIGTERM');
    this.arm(() => signal(this.init, 'SIGKILL'));
  }

  private arm(action: () => void): void {
    this.timer = setTimeout(action, KILL_GRACE_MS);
    this.timer.unref();
  }
}
