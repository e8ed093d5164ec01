// `turn/start` settings that hold for that turn and every later one: `cwd`,
// `approvalPolicy`, `sandboxPolicy`, `model`, `effort`, `summary`; and the one
// that holds for that turn only: `outputSchema`. Every turn's settings are
// written to the thread log (`turn_context`), so a resumed thread goes on with
// them. `effort` and `summary` are new in that record: a thread loaded by this
// process reads them back once, from its log's last `turn_context`, before its
// first turn here (`restoredOnce`).

import { statSync } from 'node:fs';
import path from 'node:path';
import type { OutputSchema } from '../model/types.js';
import type { AskForApproval, ReasoningSummary, SandboxMode, SandboxPolicy, TurnStartParams } from '../protocol/v2.js';
import { sandboxModeOf } from '../sandbox/policy.js';
import { readThreadLog } from '../store/thread-log.js';
import { TernError } from '../util/errors.js';

/** The name the structured-output format is given on the model request (the reference's). */
export const OUTPUT_SCHEMA_NAME = 'codex_output_schema';

const REASONING_SUMMARIES: readonly ReasoningSummary[] = ['auto', 'concise', 'detailed', 'none'];

/** The parts of a loaded thread (thread-manager.ts LoadedThread) the overrides change. */
export interface OverridableThread {
  thread: { id: string; cwd: string; model: string | null; reasoningEffort: string | null };
  config: { modelReasoningEffort: string | null; raw: Record<string, unknown> };
  model: string;
  approvalPolicy: AskForApproval;
  sandboxMode: SandboxMode;
  sandboxPolicy: SandboxPolicy;
  log: { path: string | null };
}

/** `summary` per loaded thread (the thread object has no field for it). */
const summaries = new WeakMap<object, ReasoningSummary | null>();
/** Loaded threads whose persisted effort/summary were read back already. */
const restored = new WeakSet<object>();

/** The reasoning summary the thread's requests ask for (null: the default). */
export function reasoningSummaryOf(t: OverridableThread): ReasoningSummary | null {
  if (summaries.has(t)) return summaries.get(t) ?? null;
  const configured = t.config.raw.model_reasoning_summary;
  return REASONING_SUMMARIES.find((s) => s === configured) ?? null;
}

/**
 * Checks the overrides of a `turn/start`, then applies them to the thread. Nothing changes when
 * one is invalid (e.g. a cwd that is not a directory).
 */
export function applyTurnOverrides(t: OverridableThread, params: TurnStartParams): void {
  restoredOnce(t);
  const cwd = params.cwd == null ? null : path.resolve(t.thread.cwd, params.cwd);
  if (cwd !== null && !isDirectory(cwd)) throw new TernError('invalid_params', `cwd is not a directory: ${cwd}`);
  if (cwd !== null) t.thread.cwd = cwd;
  if (params.model) {
    t.model = params.model;
    t.thread.model = params.model;
  }
  if (params.approvalPolicy) t.approvalPolicy = params.approvalPolicy;
  if (params.sandboxPolicy) {
    t.sandboxPolicy = params.sandboxPolicy;
    t.sandboxMode = sandboxModeOf(params.sandboxPolicy);
  }
  if (params.effort) setEffort(t, params.effort);
  if (params.summary) summaries.set(t, params.summary);
}

/** What the `turn_context` record carries besides cwd, model, approval and sandbox. */
export function turnContextExtras(t: OverridableThread): { effort: string | null; summary: ReasoningSummary | null } {
  return { effort: t.config.modelReasoningEffort, summary: reasoningSummaryOf(t) };
}

/** The structured-output request of a turn/start, for that turn only. */
export function outputSchemaOf(params: TurnStartParams | null): OutputSchema | null {
  const schema = params?.outputSchema;
  if (schema == null) return null;
  return { name: OUTPUT_SCHEMA_NAME, schema, strict: true };
}

/**
 * Before the first turn this process runs on a thread it loaded from a log: the effort and summary
 * of the log's last turn, unless this process changed them already.
 */
export function restoredOnce(t: OverridableThread): void {
  if (restored.has(t)) return;
  restored.add(t);
  if (t.log.path === null) return;
  type Persisted = { effort?: unknown; summary?: unknown };
  let found: Persisted | null = null;
  try {
    for (const r of readThreadLog(t.log.path)) if (r.type === 'turn_context') found = r.payload as Persisted;
  } catch {
    return;
  }
  const last: Persisted | null = found;
  if (last === null) return;
  if (typeof last.effort === 'string') setEffort(t, last.effort);
  const summary = REASONING_SUMMARIES.find((s) => s === last.summary);
  if (summary && !summaries.has(t)) summaries.set(t, summary);
}

function setEffort(t: OverridableThread, effort: string): void {
  t.config = { ...t.config, modelReasoningEffort: effort };
  t.thread.reasoningEffort = effort;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
