// The one place that starts tool processes. Each command gets a spawn plan
// from its ToolSandbox (bwrap as the sandbox user, or a plain process for
// danger-full-access), an allow-listed environment, and its own process group,
// so a timeout, an interrupt or the server's shutdown ends the whole tree:
// SIGTERM first, SIGKILL after a grace period.
//  - Plain: both go to the command's process group.
//  - Sandboxed: bwrap reports its sandbox's init (--info-fd); SIGTERM goes to
//    that init's process group (the command's), SIGKILL to the init itself,
//    which tears the whole PID namespace down. The outer bwrap is not
//    signalled: killed early, it could die before its child armed
//    --die-with-parent, and the sandbox would live on as an orphan.

import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { SandboxUnavailableError } from './errors.js';
import type { SpawnPlan } from './host.js';
import { loadExeca } from './load-execa.js';
import { ToolSandbox } from './tool-sandbox.js';

export interface LaunchOptions {
  argv: [string, ...string[]];
  cwd: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Output chunks (stdout and stderr interleaved as they arrive). */
  onOutput?: (chunk: string) => void;
  /** Cap on the output kept in memory (head + tail); the middle is dropped and marked. */
  maxOutputBytes?: number;
  env?: NodeJS.ProcessEnv;
  /** Where and as whom the command runs; default: no sandbox. */
  sandbox?: ToolSandbox;
}

export interface LaunchResult {
  exitCode: number;
  output: string;
  outputTruncated: boolean;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  pid: number | null;
  /** Whether the command ran inside the OS sandbox. */
  sandboxed: boolean;
  /** For the model: the failure looks like a sandbox denial (null otherwise). */
  sandboxNote: string | null;
  /** The sandbox could not be set up, so the command did not run (fail closed). */
  sandboxError: SandboxUnavailableError | null;
}

const DEFAULT_MAX_OUTPUT = 1024 * 1024;
/** Between SIGTERM and SIGKILL of a command's process group. */
export const KILL_GRACE_MS = 2_000;
const EXIT_TIMED_OUT = 124;
const EXIT_NOT_STARTED = 127;
/** Exit code reported for a command the sandbox did not let start. */
const EXIT_NO_SANDBOX = -1;

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

export async function launch(opts: LaunchOptions): Promise<LaunchResult> {
  const started = Date.now();
  const sandbox = opts.sandbox ?? ToolSandbox.unrestricted();
  let plan: SpawnPlan;
  try {
    plan = await sandbox.spawnPlan(opts.argv, opts.cwd, opts.env ?? process.env);
  } catch (err) {
    if (err instanceof SandboxUnavailableError) return notStarted(err, started);
    throw err;
  }
  if (opts.signal.aborted) return notStarted(null, started, { aborted: true });
  const run = await runPlan(plan, opts);
  const sandboxNote = plan.sandboxed && !run.timedOut && !run.aborted ? sandbox.denialNote(run.exitCode, run.output) : null;
  return { ...run, durationMs: Date.now() - started, sandboxed: plan.sandboxed, sandboxNote, sandboxError: null };
}

type PlanRun = Pick<LaunchResult, 'exitCode' | 'output' | 'outputTruncated' | 'timedOut' | 'aborted' | 'pid'>;

/** Runs a spawn plan to its end, its timeout or its abort; whichever comes first ends the whole tree. */
async function runPlan(plan: SpawnPlan, opts: LaunchOptions): Promise<PlanRun> {
  const out = new OutputCollector(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT, opts.onOutput);
  const { execa } = await loadExeca();
  const child = spawnPlanned(execa, plan);
  const pid = child.pid ?? null;
  const infoStream = plan.infoFd === undefined ? undefined : (child.stdio[plan.infoFd] as Readable | undefined);
  const killer: TreeKiller = infoStream ? new SandboxKiller(pid, infoStream) : new GroupKiller(pid);
  const ended = { timedOut: false, aborted: false };
  const timer = setTimeout(() => {
    ended.timedOut = true;
    killer.terminate();
  }, opts.timeoutMs);
  const onAbort = () => {
    ended.aborted = true;
    killer.terminate();
  };
  opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.signal.aborted) onAbort();
  child.stdout?.on('data', (c: string | Buffer) => out.collect(c));
  child.stderr?.on('data', (c: string | Buffer) => out.collect(c));

  const entry = { terminate: () => killer.terminate(), kill: () => killer.kill(), done: child.catch(() => undefined) };
  running.add(entry);
  const result = await child;
  running.delete(entry);
  clearTimeout(timer);
  killer.settled();
  opts.signal.removeEventListener('abort', onAbort);

  let output = out.finish();
  let exitCode = typeof result.exitCode === 'number' ? result.exitCode : -1;
  if (result.failed && result.exitCode === undefined && !ended.timedOut && !ended.aborted && !result.signal) {
    // Spawn failure (e.g. missing shell): report it like a shell would.
    output += `${result.shortMessage ?? 'failed to start the process'}\n`;
    exitCode = EXIT_NOT_STARTED;
  }
  if (ended.timedOut) exitCode = EXIT_TIMED_OUT;
  return { exitCode, output, outputTruncated: out.truncated, ...ended, pid };
}

/** A command that never started: the sandbox could not be set up, or the turn was aborted meanwhile. */
function notStarted(err: SandboxUnavailableError | null, started: number, o: { aborted?: boolean } = {}): LaunchResult {
  return {
    exitCode: EXIT_NO_SANDBOX,
    output: err ? `${err.message}\n` : '',
    outputTruncated: false,
    timedOut: false,
    aborted: o.aborted === true,
    durationMs: Date.now() - started,
    pid: null,
    sandboxed: false,
    sandboxNote: null,
    sandboxError: err,
  };
}

function spawnPlanned(execa: typeof import('execa').execa, plan: SpawnPlan) {
  const stdio = plan.infoFd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe', 'pipe'];
  return execa(plan.file, plan.args, {
    cwd: plan.cwd,
    env: plan.env,
    extendEnv: false,
    stdio: stdio as ['ignore', 'pipe', 'pipe'],
    all: false,
    buffer: false,
    reject: false,
    // Its own process group: the whole tree can be signalled at once.
    detached: true,
    cleanup: true,
    encoding: 'utf8',
    ...(plan.uid !== undefined ? { uid: plan.uid, gid: plan.gid } : {}),
  });
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
    info: Readable,
  ) {
    let text = '';
    info.setEncoding('utf8');
    info.on('data', (chunk: string) => (text += chunk));
    info.on('end', () => this.learned(text));
    info.on('error', () => undefined);
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
    const pid = Number((/"child-pid"\s*:\s*(\d+)/.exec(text) ?? [])[1]);
    if (!Number.isInteger(pid) || pid <= 0) return;
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

/**
 * Keeps the head and a rolling tail of the output; streams deltas for the head
 * only, so a command printing gigabytes costs bounded memory and traffic. The tail
 * is a list of chunks, dropped whole from the front once the rest covers the tail
 * budget and cut once at the end: no per-chunk copy of the kept tail. Bytes are
 * decoded as one UTF-8 stream, so a character split between two reads survives.
 */
class OutputCollector {
  truncated = false;
  private head = '';
  private readonly tail: string[] = [];
  private tailLength = 0;
  private dropped = 0;
  private readonly headMax: number;
  private readonly tailMax: number;
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    max: number,
    private readonly onOutput?: (chunk: string) => void,
  ) {
    this.headMax = Math.floor(max / 2);
    this.tailMax = max - this.headMax;
  }

  collect(chunk: string | Buffer): void {
    this.add(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
  }

  finish(): string {
    this.add(this.decoder.end());
    if (!this.truncated) return this.head;
    let tail = this.tail.join('');
    if (tail.length > this.tailMax) {
      this.dropped += tail.length - this.tailMax;
      tail = tail.slice(tail.length - this.tailMax);
    }
    const marker = `\n[... ${this.dropped} characters of output omitted ...]\n`;
    this.onOutput?.(marker);
    return this.head + marker + tail;
  }

  private add(text: string): void {
    if (text === '') return;
    if (this.truncated) return this.keepTail(text);
    const room = this.headMax - this.head.length;
    if (text.length <= room) {
      this.head += text;
      this.onOutput?.(text);
      return;
    }
    const fits = text.slice(0, room);
    this.head += fits;
    if (fits) this.onOutput?.(fits);
    this.truncated = true;
    this.keepTail(text.slice(room));
  }

  private keepTail(text: string): void {
    this.tail.push(text);
    this.tailLength += text.length;
    while (this.tail.length > 1 && this.tailLength - this.tail[0]!.length >= this.tailMax) {
      const first = this.tail.shift()!;
      this.tailLength -= first.length;
      this.dropped += first.length;
    }
  }
}
