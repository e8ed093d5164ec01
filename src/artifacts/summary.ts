// summary.md: the run at a glance, fit for $GITHUB_STEP_SUMMARY. Outcome (and
// why it failed), files changed, commands run with their exit codes, approvals
// with the rule that decided, tokens, cost, duration. Compact: tables, long
// lists capped. Every recorded string is inline code or escaped text (the step
// summary is rendered by GitHub: no HTML, links or images may come from a model
// or a tool); the final message is shown in a fence, folded.

import {
  decisionIcon,
  formatCost,
  formatCount,
  formatDuration,
  identity,
  mdCode,
  mdFence,
  mdText,
  outcomeIcon,
  outcomeWord,
  type RenderOptions,
} from './render-util.js';
import type { RunResult } from './result.js';
import type { CommandEntry, Timeline } from './timeline.js';

export const SUMMARY_FILE = 'summary.md';
export const SUMMARY_MAX_FILES = 30;
export const SUMMARY_MAX_COMMANDS = 25;
export const SUMMARY_MAX_APPROVALS = 25;
export const SUMMARY_MAX_ERRORS = 10;
/** A command line, rule or subject in a table cell is cut to this many characters. */
export const SUMMARY_MAX_CELL_CHARS = 120;
/** The final message is cut to this many characters (the transcript has it whole). */
export const SUMMARY_MAX_MESSAGE_CHARS = 4_000;

function cut(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

function more(shown: number, total: number, what: string): string[] {
  return total > shown ? ['', `_…and ${total - shown} more ${what} (see transcript.md)._`] : [];
}

export function renderSummary(timeline: Timeline, result: RunResult, options: RenderOptions = {}): string {
  const r = options.redact ?? identity;
  const cell = (s: string) => mdCode(cut(r(s), SUMMARY_MAX_CELL_CHARS), true);
  const out: string[] = [];

  out.push(`### ${outcomeIcon(result)} tern run: ${outcomeWord(result)}`, '');
  if (result.failure) out.push(`> **${result.failure.kind}:** ${mdText(cut(r(result.failure.message), SUMMARY_MAX_MESSAGE_CHARS))}`, '');

  const total = result.tokenUsage ?? timeline.tokenUsage?.total ?? null;
  const commands = timeline.commands;
  const failedCommands = commands.filter((c) => c.status === 'failed' || (c.exitCode !== null && c.exitCode !== 0)).length;
  const approvals = result.approvals;
  const denied = approvals.filter((a) => a.decision !== 'accept').length;
  const retries = timeline.errors.filter((e) => e.willRetry).length;

  out.push('| | |', '|---|---|');
  out.push(`| Outcome | ${outcomeWord(result)} · exit ${result.exitCode}${result.turnStatus ? ` · turn ${result.turnStatus}` : ''} |`);
  out.push(`| Duration | ${formatDuration(result.durationMs)} |`);
  out.push(`| Files changed | ${result.filesChanged.length} |`);
  out.push(`| Commands | ${commands.length}${failedCommands > 0 ? ` (${failedCommands} failed)` : ''} |`);
  out.push(`| Approvals | ${approvals.length}${denied > 0 ? ` (${denied} not accepted)` : ''} |`);
  out.push(
    `| Tokens | ${
      total
        ? `${formatCount(total.totalTokens)} (input ${formatCount(total.inputTokens)}, cached ${formatCount(total.cachedInputTokens)}, output ${formatCount(total.outputTokens)})`
        : 'n/a'
    } |`,
  );
  out.push(`| Cost | ${result.budget.costUsd === null ? 'n/a (no price for the model)' : `${formatCost(result.budget.costUsd)} (estimated)`} |`);
  out.push(`| Model requests | ${result.budget.modelRequests}${retries > 0 ? ` (${retries} retried)` : ''} |`);
  out.push(`| Tool calls | ${result.budget.toolCalls} |`);
  if (result.budget.exceeded) out.push(`| Budget | **${result.budget.exceeded} budget reached** |`);
  if (timeline.model) out.push(`| Model | ${cell(timeline.model)} |`);
  out.push('');

  if (result.filesChanged.length > 0) {
    const shown = result.filesChanged.slice(0, SUMMARY_MAX_FILES);
    out.push(`#### Files changed (${result.filesChanged.length})`, '');
    for (const f of shown) out.push(`- ${mdCode(r(f))}`);
    out.push(...more(shown.length, result.filesChanged.length, 'files'), '');
  }

  if (commands.length > 0) {
    const shown = commands.slice(0, SUMMARY_MAX_COMMANDS);
    out.push(`#### Commands (${commands.length})`, '', '| # | Command | Exit | Status |', '|---:|---|---:|---|');
    shown.forEach((c, i) => out.push(`| ${i + 1} | ${cell(c.command)} | ${c.exitCode ?? '–'} | ${commandStatus(c, r)} |`));
    out.push(...more(shown.length, commands.length, 'commands'), '');
  }

  if (approvals.length > 0) {
    const shown = approvals.slice(0, SUMMARY_MAX_APPROVALS);
    out.push(`#### Approvals (${approvals.length})`, '', '| Decision | Request | Subject | Rule |', '|---|---|---|---|');
    for (const a of shown) {
      const what = a.method === 'item/commandExecution/requestApproval' ? 'command' : a.method === 'item/fileChange/requestApproval' ? 'file change' : cell(a.method);
      out.push(`| ${decisionIcon(a.decision)} ${a.decision} | ${what} | ${a.subject ? cell(a.subject) : '–'} | ${cell(a.rule)} |`);
    }
    out.push(...more(shown.length, approvals.length, 'approvals'), '');
  }

  const errors = timeline.errors;
  if (errors.length > 0) {
    const shown = errors.slice(0, SUMMARY_MAX_ERRORS);
    out.push(`#### Errors (${errors.length})`, '');
    for (const e of shown) {
      const tag = e.source === 'rpc' ? `reply to ${mdText(e.method ?? 'a request')}` : e.willRetry ? 'retried' : 'error';
      out.push(`- ${tag}${e.code ? ` ${mdCode(r(e.code))}` : ''}: ${mdText(cut(r(e.message), SUMMARY_MAX_CELL_CHARS * 2))}`);
    }
    out.push(...more(shown.length, errors.length, 'errors'), '');
  }

  if (result.finalMessage) {
    const text = r(result.finalMessage);
    const shown = text.length > SUMMARY_MAX_MESSAGE_CHARS ? text.slice(0, SUMMARY_MAX_MESSAGE_CHARS) + '\n…' : text;
    out.push('<details><summary>Final message</summary>', '', mdFence(shown, 'text'), '', '</details>', '');
  }

  return out.join('\n');
}

function commandStatus(c: CommandEntry, r: (s: string) => string): string {
  if (!c.complete) return 'did not complete';
  const approval = c.approvals.at(-1);
  if (c.status === 'declined' && approval?.rule) return `declined by ${mdCode(cut(r(approval.rule), SUMMARY_MAX_CELL_CHARS), true)}`;
  return c.status;
}
