// transcript.md: the run as a person reads it. The conversation in order,
// commands and their output (the tail) in code fences, file changes as
// ```diff fences, approvals with the deciding rule, errors and retries.
// Model and tool text is made inert (no raw HTML, no images) and kept inside
// blockquotes and fences, so it cannot pass itself off as tern's own words.

import {
  decisionIcon,
  formatCost,
  formatCount,
  formatDuration,
  formatOffset,
  identity,
  mdCode,
  mdFence,
  mdQuote,
  mdText,
  outcomeIcon,
  outcomeWord,
  safeMarkdown,
  tail,
  type RenderOptions,
} from './render-util.js';
import type { RunResult } from './result.js';
import type { Timeline, TimelineEntry } from './timeline.js';

export const TRANSCRIPT_FILE = 'transcript.md';
/** A command's output is shown by its last lines… */
export const TRANSCRIPT_OUTPUT_TAIL_LINES = 60;
/** …and at most this many characters of them. */
export const TRANSCRIPT_OUTPUT_TAIL_CHARS = 6_000;
/** A single file's diff beyond this many lines is cut (diff.patch has it whole). */
export const TRANSCRIPT_DIFF_MAX_LINES = 400;

export function renderTranscript(timeline: Timeline, result: RunResult, options: RenderOptions = {}): string {
  const r = options.redact ?? identity;
  const out: string[] = [];
  const start = timeline.firstTs;

  out.push(`# ${outcomeIcon(result)} tern run transcript: ${outcomeWord(result)}`, '');
  const facts: string[] = [`exit ${result.exitCode}`];
  if (result.turnStatus) facts.push(`turn ${result.turnStatus}`);
  facts.push(formatDuration(result.durationMs));
  const total = result.tokenUsage ?? timeline.tokenUsage?.total ?? null;
  if (total) facts.push(`${formatCount(total.totalTokens)} tokens`);
  if (result.budget.costUsd !== null) facts.push(`${formatCost(result.budget.costUsd)} (estimated)`);
  out.push(facts.join(' · '), '');
  const ids: string[] = [];
  if (timeline.model) ids.push(`model ${mdCode(r(timeline.model))}`);
  if (result.threadId ?? timeline.threadId) ids.push(`thread ${mdCode(r(result.threadId ?? timeline.threadId ?? ''))}`);
  if (result.turnId) ids.push(`turn ${mdCode(r(result.turnId))}`);
  ids.push(`started ${result.startedAt}`);
  out.push(ids.join(' · '), '');
  if (result.failure) out.push(`**Failure (${result.failure.kind}):** ${mdText(r(result.failure.message))}`, '');
  if (timeline.malformedLines > 0 || timeline.unreadableMessages > 0) {
    out.push(`_The event log had ${timeline.malformedLines} unreadable line(s) and ${timeline.unreadableMessages} unreadable message(s); they are left out._`, '');
  }
  out.push('---', '');

  // An approval for a known command or file change is shown on that item, not twice.
  const attached = new Set([...timeline.commands, ...timeline.fileChanges].flatMap((i) => i.approvals));
  for (const entry of timeline.entries) {
    if (entry.kind === 'approval' && attached.has(entry)) continue;
    const block = renderEntry(entry, r, start);
    if (block !== null) out.push(block, '');
  }

  if (timeline.entries.length === 0) out.push('_No protocol events were recorded._', '');
  if (timeline.unmatchedApprovals.length > 0) {
    out.push('### Approvals without a recorded request', '');
    for (const a of timeline.unmatchedApprovals) {
      out.push(`- ${decisionIcon(a.decision)} **${a.decision}** ${a.subject ? mdCode(r(a.subject)) : mdText(a.method)} · rule ${mdCode(r(a.rule))}`);
    }
    out.push('');
  }
  if (total) {
    out.push(
      '---',
      '',
      `Tokens: ${formatCount(total.totalTokens)} total (input ${formatCount(total.inputTokens)}, cached ${formatCount(total.cachedInputTokens)}, output ${formatCount(total.outputTokens)}, reasoning ${formatCount(total.reasoningOutputTokens)}) · model requests ${result.budget.modelRequests} · tool calls ${result.budget.toolCalls} · cost ${formatCost(result.budget.costUsd)}`,
      '',
    );
  }
  return out.join('\n');
}

function heading(title: string, ts: number | null, start: number | null): string {
  const at = formatOffset(ts, start);
  return `### ${title}${at ? ` · ${at}` : ''}`;
}

function renderEntry(e: TimelineEntry, r: (s: string) => string, start: number | null): string | null {
  switch (e.kind) {
    case 'message': {
      const who = e.role === 'user' ? '👤 User' : '🤖 Agent';
      const note = e.complete ? '' : ' (incomplete)';
      const text = r(e.text);
      return [heading(`${who}${note}`, e.ts, start), '', text.trim() === '' ? '_(empty)_' : mdQuote(safeMarkdown(text))].join('\n');
    }
    case 'reasoning': {
      const parts = (e.summary.length > 0 ? e.summary : e.content).filter((s) => s.trim() !== '');
      if (parts.length === 0) return null;
      return [heading('💭 Reasoning', e.ts, start), '', mdQuote(safeMarkdown(r(parts.join('\n\n'))))].join('\n');
    }
    case 'command': {
      const facts: string[] = [];
      if (e.exitCode !== null) facts.push(`exit ${e.exitCode}`);
      facts.push(e.complete ? e.status : 'did not complete');
      if (e.durationMs !== null) facts.push(formatDuration(e.durationMs));
      const lines = [heading(`▶ Command (${facts.join(', ')})`, e.ts, start), '', mdFence(r(e.command), 'sh')];
      for (const a of e.approvals) lines.push('', approvalLine(a.decision, a.rule, a.policyReason ?? a.serverReason, r));
      if (e.output !== '') {
        const t = tail(r(e.output), TRANSCRIPT_OUTPUT_TAIL_LINES, TRANSCRIPT_OUTPUT_TAIL_CHARS);
        lines.push('', t.omittedLines > 0 ? `Output (last ${t.totalLines - t.omittedLines} of ${t.totalLines} lines):` : 'Output:', '', mdFence(t.text, 'text'));
      } else if (e.complete && e.status !== 'declined') {
        lines.push('', '_No output._');
      }
      return lines.join('\n');
    }
    case 'fileChange': {
      const lines = [heading(`✏️ File change (${e.complete ? e.status : 'did not complete'})`, e.ts, start)];
      for (const a of e.approvals) lines.push('', approvalLine(a.decision, a.rule, a.policyReason ?? a.serverReason, r));
      for (const c of e.changes) {
        const name = c.movePath ? `${mdCode(r(c.path))} → ${mdCode(r(c.movePath))}` : mdCode(r(c.path));
        lines.push('', `${name} (${c.kind})`, '');
        const diffLines = r(c.diff).replace(/\n$/, '').split('\n');
        const shown = diffLines.slice(0, TRANSCRIPT_DIFF_MAX_LINES).join('\n');
        lines.push(diffLines.length > 0 && c.diff !== '' ? mdFence(shown, 'diff') : '_(empty)_');
        if (diffLines.length > TRANSCRIPT_DIFF_MAX_LINES) lines.push('', `_${diffLines.length - TRANSCRIPT_DIFF_MAX_LINES} more diff lines; see diff.patch._`);
      }
      return lines.join('\n');
    }
    case 'approval': {
      const what = e.target === 'command' ? 'command' : e.target === 'fileChange' ? 'file change' : mdText(e.method);
      const lines = [heading(`${decisionIcon(e.decision)} Approval for ${what}: ${e.decision ?? 'no reply'}`, e.ts, start), ''];
      if (e.subject) lines.push(e.target === 'command' ? mdFence(r(e.subject), 'sh') : mdCode(r(e.subject)), '');
      lines.push(`Rule: ${e.rule ? mdCode(r(e.rule)) : '_not recorded_'}`);
      if (e.policyReason) lines.push('', `Reason: ${mdText(r(e.policyReason))}`);
      if (e.serverReason) lines.push('', `Server asked: ${mdText(r(e.serverReason))}`);
      return lines.join('\n');
    }
    case 'error': {
      const title = e.source === 'rpc' ? `⚠️ Error reply to ${mdText(e.method ?? 'a request')}` : e.willRetry ? '🔁 Error, retrying' : '⚠️ Error';
      const lines = [heading(title, e.ts, start), '', `${e.code ? `${mdCode(r(e.code))} ` : ''}${mdText(r(e.message))}`];
      if (e.detail) lines.push('', mdFence(r(e.detail), 'text'));
      return lines.join('\n');
    }
    case 'warning':
      return [heading('⚠️ Warning', e.ts, start), '', mdText(r(e.message)), ...(e.detail ? ['', mdText(r(e.detail))] : [])].join('\n');
    case 'compaction':
      return heading('🗜 Context compacted: the history so far was replaced by a summary', e.ts, start);
    case 'interrupt':
      return [heading('⏹ tern run interrupted the turn', e.ts, start)].join('\n');
    case 'turnCompleted': {
      const lines = [heading(`Turn ${e.status}${e.durationMs !== null ? ` after ${formatDuration(e.durationMs)}` : ''}`, e.ts, start)];
      if (e.error) lines.push('', mdText(r(e.error.message)));
      return lines.join('\n');
    }
    case 'tokenUsage':
      return null;
  }
}

function approvalLine(decision: string | null, rule: string | null, reason: string | null, r: (s: string) => string): string {
  const parts = [`${decisionIcon(decision)} Approval: **${decision ?? 'no reply'}**`];
  parts.push(rule ? `rule ${mdCode(r(rule))}` : 'rule not recorded');
  if (reason) parts.push(mdText(r(reason)));
  return parts.join(' · ');
}
