// Formatting shared by the readable artifacts (transcript.md, summary.md,
// report.html): numbers, durations, cost, outcome words, output tails, and the
// markdown escapes that keep model and tool text inert.

import type { Redactor } from './redact.js';
import type { RunResult } from './result.js';

export interface RenderOptions {
  /**
   * Applied to every piece of recorded text *before* it is escaped, so a secret that contains
   * characters the escaping changes (`&`, `<`, `|`, …) is still caught. The writer redacts the
   * whole output again; this is the belt to those braces.
   */
  redact?: Redactor;
}

export const identity: Redactor = (s) => s;

const NUMBER = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return NUMBER.format(n);
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'n/a';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(s).padStart(2, '0')} s`;
}

/** Seconds since the start, for timeline stamps: `+1.23 s`. */
export function formatOffset(ts: number | null, start: number | null): string {
  if (ts === null || start === null) return '';
  return `+${((ts - start) / 1000).toFixed(2)} s`;
}

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return 'n/a';
  if (usd === 0) return '$0.00';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 1) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(2)}`;
}

export function outcomeWord(result: Pick<RunResult, 'outcome' | 'failure'>): string {
  if (result.outcome === 'failed') return result.failure ? `failed (${result.failure.kind})` : 'failed';
  return result.outcome === 'no_changes' ? 'no changes' : 'success';
}

export function outcomeIcon(result: Pick<RunResult, 'outcome'>): string {
  return result.outcome === 'success' ? '✅' : result.outcome === 'no_changes' ? '⚪' : '❌';
}

/** accept, acceptForSession → allowed; decline, cancel → denied; error; null → no reply. */
export function decisionClass(decision: string | null): 'allow' | 'deny' | 'error' | 'pending' {
  if (decision === null) return 'pending';
  if (decision === 'error') return 'error';
  if (decision.startsWith('accept')) return 'allow';
  return 'deny';
}

export function decisionIcon(decision: string | null): string {
  return { allow: '✅', deny: '⛔', error: '⚠️', pending: '⏳' }[decisionClass(decision)];
}

export interface Tail {
  text: string;
  /** Lines dropped from the start. */
  omittedLines: number;
  totalLines: number;
}

/** The last `maxLines` lines of `text`, and at most its last `maxChars` characters. */
export function tail(text: string, maxLines: number, maxChars: number): Tail {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const lines = body === '' ? [] : body.split('\n');
  let kept = lines.slice(Math.max(0, lines.length - maxLines));
  let joined = kept.join('\n');
  if (joined.length > maxChars) {
    joined = joined.slice(joined.length - maxChars);
    const nl = joined.indexOf('\n');
    if (nl >= 0 && nl < joined.length - 1) joined = joined.slice(nl + 1);
    kept = joined.split('\n');
  }
  return { text: joined, omittedLines: lines.length - kept.length, totalLines: lines.length };
}

// ---- markdown -----------------------------------------------------------------

/** A fenced code block whose fence is longer than any backtick run inside. */
export function mdFence(text: string, lang = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const body = text.endsWith('\n') ? text : text + '\n';
  return `${fence}${lang}\n${body}${fence}`;
}

/** Inline code on one line; `table` also escapes `|` (GFM tables split cells on it even in code). */
export function mdCode(text: string, table = false): string {
  let t = text.replace(/\r?\n/g, ' ⏎ ');
  if (table) t = t.replace(/\|/g, '\\|');
  if (t === '') return '';
  const longest = Math.max(0, ...[...t.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || (t.startsWith(' ') && t.endsWith(' ')) ? ' ' : '';
  return `${ticks}${pad}${t}${pad}${ticks}`;
}

/**
 * Plain text for a markdown line: no HTML, no links or images, no emphasis, no table breaks.
 * `_` and `-` are left alone (token shapes contain them; the redactor must still see them).
 */
export function mdText(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*[\]<>|~!#]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;');
}

/**
 * Model-written markdown, kept readable but made inert: raw HTML tags are escaped and image
 * syntax is defused (an image would be fetched when the page is viewed), outside code.
 * An unclosed fence is closed so it cannot swallow what follows.
 */
export function safeMarkdown(text: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === null) {
      if (m) {
        fence = m[1]!;
        out.push(line);
      } else {
        out.push(inertInline(line));
      }
    } else {
      if (m && m[1]![0] === fence[0] && m[1]!.length >= fence.length && line.trim() === m[1]) fence = null;
      out.push(line);
    }
  }
  if (fence !== null) out.push(fence);
  return out.join('\n');
}

function inertInline(line: string): string {
  // Split into code spans (kept) and the rest (escaped).
  let result = '';
  let rest = line;
  for (;;) {
    const open = /`+/.exec(rest);
    if (!open) break;
    const ticks = open[0];
    const after = rest.slice(open.index + ticks.length);
    const close = new RegExp(`(?<!\`)${ticks}(?!\`)`).exec(after);
    if (!close) {
      // No closing run: the backticks are literal text.
      result += inertText(rest.slice(0, open.index + ticks.length));
      rest = after;
      continue;
    }
    result += inertText(rest.slice(0, open.index)) + ticks + after.slice(0, close.index) + ticks;
    rest = after.slice(close.index + ticks.length);
  }
  return result + inertText(rest);
}

function inertText(s: string): string {
  return s.replace(/</g, '&lt;').replace(/!\[/g, '!\\[');
}

/** Prefixes every line with `> ` (a blockquote keeps model text visibly apart from ours). */
export function mdQuote(text: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? '>' : `> ${l}`))
    .join('\n');
}
