// result.json: the machine-readable outcome of one `tern run`, read by the
// publish phase, by CI scripts and by the other artifact writers. Written
// atomically and redacted. Its JSON Schema is schemas/run-result.schema.json
// (a test keeps the two in step).

import path from 'node:path';
import type { ThreadTokenUsage } from '../protocol/v2.js';
import type { ReviewText } from '../protocol/review-text.js';
import { writeFileAtomic } from './atomic-write.js';
import { redactDeep, type Redactor } from './redact.js';

export const RESULT_FILE = 'result.json';
export const DIFF_FILE = 'diff.patch';
export const RESULT_SCHEMA_VERSION = 1;

/**
 * success: the turn completed and changed files. no_changes: the turn completed and
 * changed nothing. failed: anything else; `failure` says why.
 */
export type RunOutcome = 'success' | 'no_changes' | 'failed';

/**
 * Why a run failed. model: the turn failed (model or API error). budget: a budget
 * was reached and the turn interrupted. timeout: --timeout. interrupted: SIGINT/SIGTERM,
 * or the turn was interrupted by someone else. server: the app server crashed, exited
 * or broke the protocol. usage: bad flags or files. internal: a bug in tern run.
 * policy: the approval policy cancelled the turn.
 */
export type FailureKind = 'model' | 'budget' | 'timeout' | 'interrupted' | 'server' | 'usage' | 'internal' | 'policy';

/** Exit codes of `tern run`, one per outcome and failure kind (documented in --help and the README). */
export const EXIT_CODES = {
  success: 0,
  no_changes: 0,
  model: 1,
  usage: 2,
  server: 3,
  timeout: 4,
  budget: 5,
  interrupted: 6,
  internal: 7,
  policy: 8,
} as const satisfies Record<Exclude<RunOutcome, 'failed'> | FailureKind, number>;

/** The turn's own status as the server reported it (null: no turn ended). */
export type TurnStatus = 'completed' | 'failed' | 'interrupted' | null;

export interface ApprovalDecisionRecord {
  method: string;
  itemId: string | null;
  /** The command line (command approvals) or the paths (file changes). */
  subject: string | null;
  decision: 'accept' | 'decline' | 'cancel' | 'error';
  /** The rule that decided, e.g. `preset fix-tests: deny[2] git push --force*`, or `default`. */
  rule: string;
  reason: string | null;
}

export interface BudgetUsage {
  /** Which budget stopped the run, or null. */
  exceeded: 'wallTime' | 'requests' | 'toolCalls' | 'tokens' | 'cost' | null;
  modelRequests: number;
  toolCalls: number;
  /** Estimated from the token usage and the price table; null when the model has no price. */
  costUsd: number | null;
}

export interface RunResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  outcome: RunOutcome;
  failure: { kind: FailureKind; message: string } | null;
  /** The driver's process exit code for this run. */
  exitCode: number;
  turnStatus: TurnStatus;
  threadId: string | null;
  turnId: string | null;
  /** Text of the last agentMessage item completed in the turn. */
  finalMessage: string | null;
  /** Paths changed in the working tree, relative to the repository root. */
  filesChanged: string[];
  /** `tern run --review`: what was reviewed and the findings (null for a task turn; absent in older files). */
  review?: RunReview | null;
  tokenUsage: ThreadTokenUsage['total'] | null;
  budget: BudgetUsage;
  approvals: ApprovalDecisionRecord[];
  durationMs: number;
  server: { command: string[] };
  /** ISO 8601. */
  startedAt: string;
  finishedAt: string;
}

/** The review of `tern run --review BASE`, as `exitedReviewMode` carried it (protocol/review-text.ts). */
export interface RunReview extends ReviewText {
  /** The base the branch was reviewed against. */
  base: string;
}

export async function writeResult(outDir: string, result: RunResult, redact: Redactor): Promise<string> {
  const file = path.join(outDir, RESULT_FILE);
  await writeFileAtomic(file, JSON.stringify(redactDeep(result, redact), null, 2) + '\n');
  return file;
}
