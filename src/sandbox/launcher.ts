// The one place that starts tool commands. Each command gets a spawn plan from
// its ToolSandbox (bwrap as the sandbox user, or a plain process for
// danger-full-access) and an allow-listed environment; spawner/run-process.ts
// runs it through the spawn helper process (the server never forks), in its own
// process group, and ends the whole tree on a timeout, an interrupt or shutdown.

import { SandboxUnavailableError } from './errors.js';
import type { SpawnPlan } from './host.js';
import { runProcess } from './spawner/run-process.js';
import { ToolSandbox } from './tool-sandbox.js';

export { KILL_GRACE_MS, killAllToolProcessesNow, prepareToolProcesses, terminateAllToolProcesses } from './spawner/run-process.js';

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

/** Exit code reported for a command the sandbox did not let start. */
const EXIT_NO_SANDBOX = -1;

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
  const run = await runProcess(plan, opts);
  const sandboxNote = plan.sandboxed && !run.timedOut && !run.aborted ? sandbox.denialNote(run.exitCode, run.output) : null;
  return { ...run, durationMs: Date.now() - started, sandboxed: plan.sandboxed, sandboxNote, sandboxError: null };
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

