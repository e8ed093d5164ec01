// Spawning a protocol-speaking app server as a child process: stdin and stdout
// are the JSON-RPC channel, stderr is the server's log. Tracks how and when the
// process ended, with the last stderr lines, so callers can report a server that
// died with one clear line instead of waiting forever.
//
// node:child_process, not execa: three pipes and an exit are all this needs, and
// execa with its dependencies costs `tern run` a large part of its start-up before
// the server is even spawned (bench: `npm run bench:scale -- --only run-startup`).

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface SpawnAppServerOptions {
  /** argv: program then arguments. */
  command: string[];
  /** The complete environment of the child (not merged with process.env). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Every stderr chunk, as text. */
  onStderr?: (chunk: string) => void;
  /** How many trailing stderr lines to keep for error reports (default 20). */
  stderrTailLines?: number;
}

export interface ProcessExit {
  /** Exit code, or null when killed by a signal or never started. */
  code: number | null;
  signal: string | null;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  spawnError: string | null;
  /** Last non-empty stderr lines, oldest first. */
  stderrTail: string[];
}

export interface AppServerProcess {
  readonly command: string[];
  readonly pid: number | undefined;
  readonly stdin: Writable;
  readonly stdout: Readable;
  /** Resolves once the process has ended (never rejects). */
  readonly exited: Promise<ProcessExit>;
  /** The exit, once known. */
  readonly exit: ProcessExit | undefined;
  stderrTail(): string[];
  kill(signal?: NodeJS.Signals): boolean;
}

const STDERR_TAIL_LINES = 20;
/** After 'exit', how long to wait for the rest of stderr before reporting. */
const STDERR_DRAIN_MS = 300;

class ChildAppServer implements AppServerProcess {
  readonly exited: Promise<ProcessExit>;
  private exitInfo: ProcessExit | undefined;
  private readonly tail: string[] = [];
  private partial = '';

  constructor(
    readonly command: string[],
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly maxTail: number,
    onStderr: ((chunk: string) => void) | undefined,
  ) {
    const stderr = child.stderr;
    stderr.setEncoding('utf8');
    stderr.on('data', (chunk: string) => {
      this.pushStderr(chunk);
      onStderr?.(chunk);
    });
    const stderrEnded = new Promise<void>((resolve) => {
      stderr.once('end', resolve);
      stderr.once('close', resolve);
      stderr.once('error', () => resolve());
    });

    this.exited = new Promise<ProcessExit>((resolve) => {
      let done = false;
      const settle = async (code: number | null, signal: string | null, spawnError: string | null) => {
        if (done) return;
        done = true;
        await Promise.race([stderrEnded, new Promise((r) => setTimeout(r, STDERR_DRAIN_MS))]);
        this.flushPartial();
        this.exitInfo = { code, signal, spawnError, stderrTail: [...this.tail] };
        resolve(this.exitInfo);
      };
      child.once('exit', (code, signal) => void settle(code, signal, null));
      // A process that could not be started (ENOENT, EACCES) emits 'error' and never 'exit'.
      // Once it runs, an 'error' (a failed kill) changes nothing: its 'exit' will come.
      child.on('error', (err) => {
        if (child.pid === undefined) void settle(null, null, oneLine(err.message || 'spawn failed'));
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
  get stdin(): Writable {
    return this.child.stdin;
  }
  get stdout(): Readable {
    return this.child.stdout;
  }
  get exit(): ProcessExit | undefined {
    return this.exitInfo;
  }

  stderrTail(): string[] {
    const lines = [...this.tail];
    if (this.partial.trim()) lines.push(this.partial.trim());
    return lines.slice(-this.maxTail);
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.exitInfo) return false;
    return this.child.kill(signal);
  }

  private pushStderr(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    // Bound memory if a line never ends.
    if (this.partial.length > 8192) this.partial = this.partial.slice(-8192);
    for (const line of lines) this.pushLine(line);
  }

  private flushPartial(): void {
    if (this.partial) this.pushLine(this.partial);
    this.partial = '';
  }

  private pushLine(line: string): void {
    const trimmed = line.replace(/\r$/, '').trimEnd();
    if (!trimmed.trim()) return;
    this.tail.push(trimmed.length > 2000 ? trimmed.slice(0, 2000) + '…' : trimmed);
    if (this.tail.length > this.maxTail) this.tail.shift();
  }
}

export function spawnAppServer(options: SpawnAppServerOptions): AppServerProcess {
  const [file, ...args] = options.command;
  if (!file) throw new TypeError('spawnAppServer: empty command');
  // close() escalates itself (stdin EOF -> SIGTERM -> SIGKILL); nothing here kills on a timer.
  const child = spawn(file, args, { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  killOnExit(child);
  return new ChildAppServer(options.command, child, options.stderrTailLines ?? STDERR_TAIL_LINES, options.onStderr);
}

/** Servers still running, killed if this process exits first (see killOnExit). */
const live = new Set<ChildProcessWithoutNullStreams>();

function killLive(): void {
  for (const child of live) child.kill('SIGTERM');
}

/**
 * Kills the server if its client's process exits first (process.exit on a second SIGINT, an
 * uncaught error): a server whose client is gone must not linger. (A server speaking the
 * protocol also ends on stdin EOF, which covers a client killed outright.) One 'exit' listener
 * for all of them.
 */
function killOnExit(child: ChildProcessWithoutNullStreams): void {
  if (live.size === 0) process.on('exit', killLive);
  live.add(child);
  child.once('close', () => {
    live.delete(child);
    if (live.size === 0) process.removeListener('exit', killLive);
  });
}

/** One line: how the process ended, plus its last stderr line when there is one. */
export function describeExit(exit: ProcessExit, during?: string): string {
  let what: string;
  if (exit.spawnError) what = `could not be started (${exit.spawnError})`;
  else if (exit.signal) what = `was killed by ${exit.signal}`;
  else what = `exited with code ${exit.code ?? 'unknown'}`;
  if (during) what += ` during ${during}`;
  const last = exit.stderrTail.at(-1);
  return last ? `${what}; last stderr line: ${last}` : what;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
