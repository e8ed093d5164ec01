// result.json: the machine-readable outcome of one `tern run`, read by the
// publish phase and by CI scripts. Written atomically and redacted.

import path from 'node:path';
import type { ThreadTokenUsage } from '../protocol/v2.js';
import { writeFileAtomic } from './atomic-write.js';
import { redactDeep, type Redactor } from './redact.js';

export const RESULT_FILE = 'result.json';
export const DIFF_FILE = 'diff.patch';

export type RunStatus = 'completed' | 'failed' | 'interrupted' | 'error';

export interface RunResult {
  /**
   * completed: the turn completed. failed: the turn ended with status failed (e.g. a
   * model error). interrupted: the turn was interrupted (e.g. --timeout). error: the
   * run broke outside a turn (server exited, initialize/thread start failed, …).
   */
  status: RunStatus;
  /** The driver's process exit code for this run. */
  exitCode: number;
  /** One-line reason when status is not `completed`. */
  reason: string | null;
  threadId: string | null;
  turnId: string | null;
  /** Text of the last agentMessage item completed in the turn. */
  finalMessage: string | null;
  /** Paths changed in the working tree, relative to the repository root. */
  filesChanged: string[];
  tokenUsage: ThreadTokenUsage['total'] | null;
  durationMs: number;
  server: { command: string[] };
  /** ISO 8601. */
  startedAt: string;
  finishedAt: string;
}

export async function writeResult(outDir: string, result: RunResult, redact: Redactor): Promise<string> {
  const file = path.join(outDir, RESULT_FILE);
  await writeFileAtomic(file, JSON.stringify(redactDeep(result, redact), null, 2) + '\n');
  return file;
}
