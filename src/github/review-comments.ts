// A review's findings as one GitHub review: each finding whose lines show in the pull request's
// diff becomes an inline comment on those lines (clipped to one hunk, the right-hand side);
// every other finding goes into the review body, where GitHub cannot refuse it. Each carries a
// hidden marker with a fingerprint (file + title), so a rerun or a new push does not repeat it.
// The diff is read with jsdiff's parsePatch (the `diff` package), which knows git's dialect.

import { createHash } from 'node:crypto';
import { parsePatch } from 'diff';
import type { ReviewFinding } from '../protocol/review-text.js';

export interface LineSpan {
  start: number;
  end: number;
}

export interface InlineComment {
  path: string;
  line: number;
  side: 'RIGHT';
  start_line?: number;
  start_side?: 'RIGHT';
  body: string;
}

export interface PlannedReview {
  comments: InlineComment[];
  /** Findings that are not on a diff line, with their fingerprints. */
  outside: Array<{ finding: ReviewFinding; fingerprint: string }>;
  /** Findings already posted (their marker was found). */
  duplicates: number;
}

const FINGERPRINT_HEX = 16;
const MARKER_PREFIX = 'tern-finding:';
const MARKER_PATTERN = /<!-- tern-finding:([0-9a-f]{16}) -->/g;
/** Marks the body of every review tern posts. */
export const REVIEW_MARKER = '<!-- tern-review -->';

/** path (new side) -> the line spans its hunks show on the right-hand side. */
export function rightSideSpans(patch: string): Map<string, LineSpan[]> {
  const spans = new Map<string, LineSpan[]>();
  let files: ReturnType<typeof parsePatch>;
  try {
    files = parsePatch(patch);
  } catch {
    return spans; // an unreadable diff: every finding goes into the body, where GitHub cannot refuse it
  }
  for (const file of files) {
    const name = file.newFileName;
    if (!name || name === '/dev/null') continue;
    const path = name.replace(/^b\//, '');
    const list = file.hunks.filter((h) => h.newLines > 0).map((h) => ({ start: h.newStart, end: h.newStart + h.newLines - 1 }));
    if (list.length > 0) spans.set(path, list);
  }
  return spans;
}

/** The finding's lines clipped to the first hunk they overlap, or null when none. */
export function placeOnDiff(spans: Map<string, LineSpan[]>, file: string, range: LineSpan): LineSpan | null {
  const start = Math.min(range.start, range.end);
  const end = Math.max(range.start, range.end);
  for (const span of spans.get(file.replace(/^\.\//, '')) ?? []) {
    const from = Math.max(start, span.start);
    const to = Math.min(end, span.end);
    if (from <= to) return { start: from, end: to };
  }
  return null;
}

/** Stable across reruns and pushes that move lines: the file and the title without its priority tag. */
export function fingerprint(f: ReviewFinding): string {
  const title = f.title.replace(/^\[P\d\]\s*/, '').replace(/\s+/g, ' ').trim().toLowerCase();
  return createHash('sha256').update(`${f.codeLocation.file}\n${title}`).digest('hex').slice(0, FINGERPRINT_HEX);
}

export function marker(fp: string): string {
  return `<!-- ${MARKER_PREFIX}${fp} -->`;
}

/** Every fingerprint marked in these texts (bodies of earlier reviews and comments). */
export function markedFingerprints(texts: Iterable<string>): Set<string> {
  const found = new Set<string>();
  for (const text of texts) for (const m of text.matchAll(MARKER_PATTERN)) found.add(m[1]!);
  return found;
}

export function planReview(findings: ReviewFinding[], patch: string, posted: Set<string>): PlannedReview {
  const spans = rightSideSpans(patch);
  const plan: PlannedReview = { comments: [], outside: [], duplicates: 0 };
  const seen = new Set(posted);
  for (const finding of findings) {
    const fp = fingerprint(finding);
    if (seen.has(fp)) {
      plan.duplicates += posted.has(fp) ? 1 : 0;
      continue;
    }
    seen.add(fp);
    const place = placeOnDiff(spans, finding.codeLocation.file, finding.codeLocation.lineRange);
    if (!place) {
      plan.outside.push({ finding, fingerprint: fp });
      continue;
    }
    const body = `**${finding.title}**\n\n${finding.body.trim()}\n\n${marker(fp)}`;
    const range = place.start < place.end ? { start_line: place.start, start_side: 'RIGHT' as const } : {};
    plan.comments.push({ path: finding.codeLocation.file.replace(/^\.\//, ''), line: place.end, side: 'RIGHT', ...range, body });
  }
  return plan;
}

/** The review's body: the summary, the findings outside the diff, a link to the run, the marker. */
export function reviewBody(summary: string, plan: PlannedReview, runUrl: string | null): string {
  const lines = ['### tern review', ''];
  if (summary.trim()) lines.push(summary.trim(), '');
  const total = plan.comments.length + plan.outside.length;
  const counts = total === 0 ? 'No new findings.' : `${total} new finding${total === 1 ? '' : 's'}: ${plan.comments.length} inline, ${plan.outside.length} below (outside the diff).`;
  lines.push(plan.duplicates > 0 ? `${counts} ${plan.duplicates} posted earlier ${plan.duplicates === 1 ? 'is' : 'are'} not repeated.` : counts, '');
  if (plan.outside.length > 0) {
    lines.push('#### Outside the diff', '');
    for (const { finding, fingerprint: fp } of plan.outside) {
      const { file, lineRange } = finding.codeLocation;
      lines.push(`- **${finding.title}** — \`${file}:${lineRange.start}-${lineRange.end}\``);
      for (const l of finding.body.trim().split('\n')) lines.push(`  ${l}`);
      lines.push(`  ${marker(fp)}`, '');
    }
  }
  if (runUrl) lines.push(`[workflow run](${runUrl})`, '');
  lines.push(REVIEW_MARKER);
  return lines.join('\n') + '\n';
}
