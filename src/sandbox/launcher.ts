// The one place that starts tool processes. The skeleton runs them as plain
// child processes with an allow-listed environment, in their own process group
// so a timeout or an interrupt kills the whole tree. The bubblewrap sandbox
// (roadmap) slots in here.

import { execa } from 'execa';
import { toolEnvironment } from './tool-env.js';

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
}

export interface LaunchResult {
  exitCode: number;
  output: string;
  outputTruncated: boolean;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  pid: number | null;
}

const DEFAULT_MAX_OUTPUT = 1024 * 1024;

export async function launch(opts: LaunchOptions): Promise<LaunchResult> {
  const started = Date.now();
  const max = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  let output = '';
  let truncated = false;
  const [file, ...args] = opts.argv;

  const child = execa(file, args, {
    cwd: opts.cwd,
    env: toolEnvironment(opts.env ?? process.env),
    extendEnv: false,
    stdin: 'ignore',
    all: false,
    buffer: false,
    reject: false,
    detached: true,
    cleanup: true,
    encoding: 'utf8',
  });

  const pid = child.pid ?? null;
  const killTree = () => {
    if (pid === null) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  let timedOut = false;
  let aborted = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killTree();
  }, opts.timeoutMs);
  const onAbort = () => {
    aborted = true;
    killTree();
  };
  opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.signal.aborted) onAbort();

  // Keep the head and a rolling tail of the output; stream deltas for the head
  // only, so a command printing gigabytes costs bounded memory and traffic.
  const headMax = Math.floor(max / 2);
  const tailMax = max - headMax;
  let tail = '';
  let dropped = 0;
  const collect = (chunk: string | Buffer) => {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (!truncated && output.length + text.length <= headMax) {
      output += text;
      opts.onOutput?.(text);
      return;
    }
    if (!truncated) {
      const fits = text.slice(0, headMax - output.length);
      output += fits;
      if (fits) opts.onOutput?.(fits);
      truncated = true;
      tail = text.slice(fits.length);
    } else {
      tail += text;
    }
    if (tail.length > tailMax) {
      dropped += tail.length - tailMax;
      tail = tail.slice(tail.length - tailMax);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const result = await child;
  clearTimeout(timer);
  if (truncated) {
    const marker = `\n[... ${dropped} characters of output omitted ...]\n`;
    opts.onOutput?.(marker);
    output += marker + tail;
  }
  opts.signal.removeEventListener('abort', onAbort);

  let exitCode = typeof result.exitCode === 'number' ? result.exitCode : -1;
  if (result.failed && result.exitCode === undefined && !timedOut && !aborted) {
    // Spawn failure (e.g. missing shell): report it like a shell would.
    output += `${result.shortMessage ?? 'failed to start the process'}\n`;
    exitCode = 127;
  }
  if (timedOut) exitCode = 124;
  return { exitCode, output, outputTruncated: truncated, timedOut, aborted, durationMs: Date.now() - started, pid };
}
