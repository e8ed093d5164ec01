// The Action's isolated phases: the agent phase (`tern run` as a child process,
// with the model key and no GitHub credential) and the test phase of fix-tests
// (the repository's test command, with no secret at all). Each runs through
// sandbox/isolated-phase, so when it returns no process it started is left.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DIFF_FILE, RESULT_FILE, type RunResult } from '../artifacts/result.js';
import { runIsolatedPhase, type IsolationMode } from '../sandbox/isolated-phase.js';
import { openInertBlock, type LogSink } from './untrusted-log.js';
import { modelConfigFlags, phaseEnvironment, type ModelFlagsOptions } from './phase-env.js';

/** After `tern run`'s own --timeout has interrupted the turn, how long it gets to record and exit. */
const AGENT_DEADLINE_GRACE_MS = 90_000;
const SECONDS_PER_MINUTE = 60;
const MS_PER_SECOND = 1000;
/** How much of the test output the model and the summary see. */
export const TEST_OUTPUT_TAIL_BYTES = 12 * 1024;

export interface AgentPhaseOptions extends ModelFlagsOptions {
  /** dist/tern.js. */
  ternScript: string;
  checkout: string;
  /** The task; ignored when `review` is set. */
  prompt: string;
  /** Review the checkout's HEAD against this commit (`tern run --review`) instead of a task. */
  review?: string;
  outDir: string;
  tmpDir: string;
  ternHome: string;
  modelKey: string;
  approvalPolicy: string;
  sandbox: string;
  timeoutMinutes: number;
  isolation: IsolationMode;
  sourceEnv: NodeJS.ProcessEnv;
  log: LogSink;
}

export interface AgentPhaseResult {
  /** `tern run`'s exit code (null: killed at the hard deadline). */
  exitCode: number | null;
  timedOut: boolean;
  /** result.json as recorded, or null when the run left none. */
  result: RunResult | null;
  /** diff.patch as recorded ('' when absent or empty). */
  patch: string;
}

export async function runAgentPhase(o: AgentPhaseOptions): Promise<AgentPhaseResult> {
  const task = o.review !== undefined ? ['--review', o.review] : ['--prompt-file', await writePrompt(o.tmpDir, o.prompt)];
  const timeoutSeconds = Math.round(o.timeoutMinutes * SECONDS_PER_MINUTE);
  const command = [
    process.execPath, o.ternScript, 'run',
    '--cwd', o.checkout,
    ...task,
    '--out', o.outDir,
    '--approval-policy', o.approvalPolicy,
    '--sandbox', o.sandbox,
    '--timeout', String(timeoutSeconds),
    ...modelConfigFlags(o),
  ];
  const env = phaseEnvironment(o.sourceEnv, { tmpDir: o.tmpDir, ternHome: o.ternHome, modelKey: o.modelKey });
  const block = openInertBlock(o.log);
  try {
    const phase = await runIsolatedPhase({
      command,
      cwd: o.checkout,
      env,
      isolation: o.isolation,
      timeoutMs: timeoutSeconds * MS_PER_SECOND + AGENT_DEADLINE_GRACE_MS,
      onOutput: (chunk) => block.write(chunk),
    });
    return { exitCode: phase.exitCode, timedOut: phase.timedOut, result: await readResult(o.outDir), patch: await readText(path.join(o.outDir, DIFF_FILE)) };
  } finally {
    block.end();
  }
}

async function writePrompt(tmpDir: string, prompt: string): Promise<string> {
  const file = path.join(tmpDir, 'prompt.md');
  await writeFile(file, prompt, { mode: 0o600 });
  return file;
}

export interface TestPhaseOptions {
  checkout: string;
  testCommand: string;
  tmpDir: string;
  timeoutMinutes: number;
  isolation: IsolationMode;
  sourceEnv: NodeJS.ProcessEnv;
  log: LogSink;
}

export interface TestPhaseResult {
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  /** The end of the combined output. */
  outputTail: string;
}

/** Runs the repository's test command (bash -c) with no secret in reach. */
export async function runTestPhase(o: TestPhaseOptions): Promise<TestPhaseResult> {
  const block = openInertBlock(o.log);
  try {
    const phase = await runIsolatedPhase({
      command: ['bash', '-c', o.testCommand],
      cwd: o.checkout,
      env: phaseEnvironment(o.sourceEnv, { tmpDir: o.tmpDir }),
      isolation: o.isolation,
      timeoutMs: o.timeoutMinutes * SECONDS_PER_MINUTE * MS_PER_SECOND,
      onOutput: (chunk) => block.write(chunk),
      tailBytes: TEST_OUTPUT_TAIL_BYTES,
    });
    return { passed: phase.exitCode === 0, exitCode: phase.exitCode, timedOut: phase.timedOut, outputTail: phase.outputTail };
  } finally {
    block.end();
  }
}

async function readResult(outDir: string): Promise<RunResult | null> {
  const text = await readText(path.join(outDir, RESULT_FILE));
  if (!text) return null;
  try {
    return JSON.parse(text) as RunResult;
  } catch {
    return null;
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}
