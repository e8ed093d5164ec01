// The finish phase of `tern run`: close the server, take the diff, write every
// artifact (atomically, redacted), work out the outcome, print the summary.
// Never throws: an artifact that cannot be written is reported and turns a
// success into an internal failure.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EVENTS_FILE } from '../artifacts/events-log.js';
import { REPORT_FILE, renderReport } from '../artifacts/report-html.js';
import { SUMMARY_FILE, renderSummary } from '../artifacts/summary.js';
import { buildTimeline, type Timeline } from '../artifacts/timeline.js';
import { TRANSCRIPT_FILE, renderTranscript } from '../artifacts/transcript.js';
import type { ProtocolClient } from '../client/client.js';
import { writeFileAtomic } from '../artifacts/atomic-write.js';
import type { EventsLog } from '../artifacts/events-log.js';
import type { Redactor } from '../artifacts/redact.js';
import { DIFF_FILE, EXIT_CODES, RESULT_SCHEMA_VERSION, writeResult, type ApprovalDecisionRecord, type RunResult } from '../artifacts/result.js';
import { worktreeDiff } from '../artifacts/worktree-diff.js';
import { errorMessage } from '../util/errors.js';
import type { ReviewText } from '../protocol/review-text.js';
import type { RunOptions } from './args.js';
import type { BudgetTracker } from './budgets.js';
import type { RunState } from './outcome.js';
import type { Progress } from './progress.js';
import type { RunIo } from './run.js';
import { formatSeconds } from './turn.js';

export const SERVER_STDERR_FILE = 'server-stderr.log';
const MESSAGE_PREVIEW = 200;
const FILES_SHOWN = 10;

export interface FinishInput {
  options: RunOptions;
  io: RunIo;
  redact: Redactor;
  client: ProtocolClient;
  events: EventsLog;
  state: RunState;
  approvals: ApprovalDecisionRecord[];
  budgets: BudgetTracker;
  progress: Progress;
  baseCommit: string | null;
  startedAtMs: number;
  serverStderr: () => string;
}

export async function finishRun(f: FinishInput): Promise<number> {
  await f.client.close().catch(() => undefined);
  const { patch, files } = await takeDiff(f);
  const artifactErrors = await writeLogs(f);
  const { outcome, exitCode } = f.state.outcome(files.length, f.options.review !== null);
  if (f.state.failure?.kind === 'timeout') f.budgets.markWallTime();
  const finishedAtMs = Date.now();
  const result: RunResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    outcome,
    failure: f.state.failure,
    exitCode,
    turnStatus: f.state.turnStatus,
    threadId: f.state.threadId,
    turnId: f.state.turnId,
    finalMessage: f.state.finalMessage,
    filesChanged: files,
    review: f.options.review !== null ? { base: f.options.review, ...relativePaths(f.state.review ?? { overallExplanation: '', findings: [] }, f.options.cwd) } : null,
    tokenUsage: f.state.tokenUsage,
    budget: f.budgets.usage(),
    approvals: f.approvals,
    durationMs: finishedAtMs - f.startedAtMs,
    server: { command: f.options.serverCommand },
    startedAt: new Date(f.startedAtMs).toISOString(),
    finishedAt: new Date(finishedAtMs).toISOString(),
  };
  try {
    await writeResult(f.options.outDir, result, f.redact);
  } catch (err) {
    artifactErrors.push(`result.json: ${errorMessage(err)}`);
  }
  artifactErrors.push(...(await writeReadable(f, result, patch)));
  printSummary(result, f);
  if (f.options.json) f.io.stdout.write(JSON.stringify(result, null, 2).replace(/[^\n]+/g, (l) => f.redact(l)) + '\n');
  if (artifactErrors.length > 0) {
    f.progress.line(`tern run: failed: cannot write artifacts: ${artifactErrors.join('; ')}`);
    return result.exitCode === EXIT_CODES.success ? EXIT_CODES.internal : result.exitCode;
  }
  if (result.failure) f.progress.line(`tern run: failed (${result.failure.kind}): ${result.failure.message}`);
  return result.exitCode;
}

/** transcript.md, summary.md and report.html, built from the finished (redacted) events.jsonl. */
async function writeReadable(f: FinishInput, result: RunResult, patch: string): Promise<string[]> {
  const errors: string[] = [];
  let timeline: Timeline;
  try {
    timeline = buildTimeline(await readFile(path.join(f.options.outDir, EVENTS_FILE), 'utf8'), result);
  } catch (err) {
    return [`${EVENTS_FILE} unreadable for the readable artifacts: ${errorMessage(err)}`];
  }
  const options = { redact: f.redact };
  const writers: Array<[string, () => string]> = [
    [TRANSCRIPT_FILE, () => renderTranscript(timeline, result, options)],
    [SUMMARY_FILE, () => renderSummary(timeline, result, options)],
    [REPORT_FILE, () => renderReport(timeline, result, redactPatch(patch, f.redact), options)],
  ];
  for (const [file, render] of writers) {
    try {
      await writeFileAtomic(path.join(f.options.outDir, file), f.redact(render()));
    } catch (err) {
      errors.push(`${file}: ${errorMessage(err)}`);
    }
  }
  return errors;
}

async function takeDiff(f: FinishInput): Promise<{ patch: string; files: string[] }> {
  try {
    // The artifact dir may sit inside the work tree (default ./tern-out): not part of the change.
    const diff = await worktreeDiff(f.options.cwd, { exclude: [f.options.outDir], ...(f.baseCommit ? { base: f.baseCommit } : {}) });
    await writeFileAtomic(path.join(f.options.outDir, DIFF_FILE), redactPatch(diff.patch, f.redact));
    return { patch: diff.patch, files: diff.files };
  } catch (err) {
    f.progress.line(`tern run: warning: no ${DIFF_FILE}: ${errorMessage(err)}`);
    return { patch: '', files: [] };
  }
}

async function writeLogs(f: FinishInput): Promise<string[]> {
  const errors: string[] = [];
  try {
    await f.events.finish();
  } catch (err) {
    errors.push(`events.jsonl: ${errorMessage(err)}`);
  }
  try {
    await writeFileAtomic(path.join(f.options.outDir, SERVER_STDERR_FILE), f.redact(f.serverStderr()));
  } catch (err) {
    errors.push(`${SERVER_STDERR_FILE}: ${errorMessage(err)}`);
  }
  return errors;
}

/**
 * Redacts a git patch except the base85 payload of binary hunks: that text is
 * compressed data (a plaintext secret cannot show up in it), and a token-shaped
 * false positive there would corrupt the patch.
 */
export function redactPatch(patch: string, redact: Redactor): string {
  if (!patch) return patch;
  const lines = patch.split('\n');
  let binary = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('diff --git ')) binary = false;
    else if (line === 'GIT binary patch') {
      binary = true;
      continue;
    }
    if (!binary) lines[i] = redact(line);
  }
  return lines.join('\n');
}

function printSummary(result: RunResult, f: FinishInput): void {
  const say = (line: string) => f.progress.line(line);
  const turn = result.turnId ? ` (turn ${result.turnId})` : '';
  const status = result.outcome === 'failed' ? `failed` : result.turnStatus ?? result.outcome;
  say(`tern run: ${status}${turn} in ${formatSeconds(result.durationMs)} -> ${result.outcome}`);
  if (result.finalMessage) {
    const first = result.finalMessage.split('\n').find((l) => l.trim().length > 0) ?? '';
    say(`  message: ${truncate(first.trim(), MESSAGE_PREVIEW)}`);
  }
  if (result.filesChanged.length > 0) {
    const shown = result.filesChanged.slice(0, FILES_SHOWN).join(', ');
    const more = result.filesChanged.length > FILES_SHOWN ? `, … (+${result.filesChanged.length - FILES_SHOWN})` : '';
    say(`  files changed (${result.filesChanged.length}): ${shown}${more}`);
  } else {
    say('  files changed: none');
  }
  if (result.tokenUsage) say(`  tokens: ${result.tokenUsage.totalTokens} (input ${result.tokenUsage.inputTokens}, output ${result.tokenUsage.outputTokens})`);
  if (result.budget.costUsd !== null) say(`  cost: about $${result.budget.costUsd.toFixed(4)}`);
  const declined = result.approvals.filter((a) => a.decision === 'decline').length;
  const accepted = result.approvals.filter((a) => a.decision === 'accept').length;
  const refused = result.approvals.length - declined - accepted;
  if (accepted > 0) say(`  approvals accepted: ${accepted}`);
  if (declined > 0) say(`  approvals declined: ${declined}`);
  if (refused > 0) say(`  server requests refused: ${refused}`);
  say(`  artifacts: ${f.options.outDir}`);
}

/**
 * Findings name files relative to the working directory: the reference server's reviewer reports
 * `absolute_file_path`, tern's a relative path. An absolute path outside the directory stays as is.
 */
export function relativePaths(review: ReviewText, cwd: string): ReviewText {
  const findings = review.findings.map((f) => {
    const file = f.codeLocation.file;
    const rel = path.isAbsolute(file) ? path.relative(cwd, file) : file;
    const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    return inside && rel !== file ? { ...f, codeLocation: { ...f.codeLocation, file: rel.split(path.sep).join('/') } } : f;
  });
  return { ...review, findings };
}

function truncate(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}
