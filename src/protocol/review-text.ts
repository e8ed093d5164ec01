// The plain-text review of `exitedReviewMode.review` (Codex App Server v2), and
// its way back to structured findings. The wire carries only this text (the
// 0.169 schema has no structured review on any v2 message), so both sides share
// the format here: the server renders it (agent/review.ts) and a client that
// wants PR review comments parses it (`parseReviewText`).
//
// Layout, as the reference server renders it:
//
//   <overall explanation>
//
//   Review comment:            ("Full review comments:" when there are several)
//
//   - [P1] <title> — <path>:<start>-<end>
//     <body line 1>
//     <body line 2>
//
//   - [P2] <title> — <path>:<start>-<end>
//     <body>
//
// The priority travels as the `[P<n>]` tag at the start of the title (the
// renderer adds it when the title lacks one). Confidence scores and the verdict
// are not in the text; tern keeps them in the thread log (`review_output`).
// Pure functions; no imports.

export interface ReviewLineRange {
  start: number;
  end: number;
}

export interface ReviewFinding {
  /** Short, imperative; starts with the `[P<priority>]` tag once rendered. */
  title: string;
  /** Markdown; one paragraph or a few. */
  body: string;
  /** 0 (drop everything) .. 3 (nit); null when the text had no tag. */
  priority: number | null;
  /** 0..1; null when unknown (the text does not carry it). */
  confidence: number | null;
  codeLocation: { file: string; lineRange: ReviewLineRange };
}

export interface ReviewText {
  overallExplanation: string;
  findings: ReviewFinding[];
}

/** What the text says when the reviewer produced nothing usable. */
export const REVIEW_FALLBACK_TEXT = 'Reviewer failed to output a response.';

const SINGLE_HEADER = 'Review comment:';
const MULTI_HEADER = 'Full review comments:';
const BODY_INDENT = '  ';
const PRIORITY_TAG = /^\[P([0-3])\]\s*/;
const BULLET = /^- (.*) — (.+):(\d+)-(\d+)$/;

/** The finding's title with its `[P<n>]` tag (added if missing), on one line. */
export function taggedTitle(f: Pick<ReviewFinding, 'title' | 'priority'>): string {
  const title = f.title.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  if (PRIORITY_TAG.test(title) || f.priority === null) return title;
  return `[P${f.priority}] ${title}`;
}

export function renderReviewText(review: ReviewText): string {
  const sections: string[] = [];
  const explanation = review.overallExplanation.trim();
  if (explanation !== '') sections.push(explanation);
  if (review.findings.length > 0) {
    const lines = [review.findings.length > 1 ? MULTI_HEADER : SINGLE_HEADER];
    for (const f of review.findings) {
      const { file, lineRange } = f.codeLocation;
      lines.push('', `- ${taggedTitle(f)} — ${file.replace(/[\r\n]+/g, ' ')}:${lineRange.start}-${lineRange.end}`);
      for (const line of f.body.replace(/\s+$/, '').split(/\r?\n/)) lines.push(`${BODY_INDENT}${line}`);
    }
    sections.push(lines.join('\n'));
  }
  return sections.length === 0 ? REVIEW_FALLBACK_TEXT : sections.join('\n\n');
}

/**
 * The explanation and findings of a rendered review. Lenient: text that is not
 * in the layout above (a model's free prose, an older server) comes back whole
 * as the explanation, with no findings. Confidence is always null.
 */
export function parseReviewText(text: string): ReviewText {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  // The header: a line of its own, preceded by a blank line (or at the top), followed by a blank line and a bullet.
  const at = lines.findIndex(
    (l, i) =>
      (l === SINGLE_HEADER || l === MULTI_HEADER) &&
      (i === 0 || lines[i - 1] === '') &&
      lines[i + 1] === '' &&
      BULLET.test(lines[i + 2] ?? ''),
  );
  if (at === -1) {
    const whole = text.trim();
    return { overallExplanation: whole === REVIEW_FALLBACK_TEXT ? '' : whole, findings: [] };
  }
  const overallExplanation = lines.slice(0, Math.max(0, at - 1)).join('\n').trim();
  const findings: ReviewFinding[] = [];
  let body: string[] | null = null;
  const close = () => {
    if (body === null) return;
    while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop();
    findings[findings.length - 1]!.body = body.join('\n');
  };
  for (const line of lines.slice(at + 1)) {
    const m = BULLET.exec(line);
    if (m) {
      close();
      const title = m[1]!.trim();
      const tag = PRIORITY_TAG.exec(title);
      findings.push({
        title,
        body: '',
        priority: tag ? Number(tag[1]) : null,
        confidence: null,
        codeLocation: { file: m[2]!, lineRange: { start: Number(m[3]), end: Number(m[4]) } },
      });
      body = [];
    } else if (body !== null) {
      body.push(line.startsWith(BODY_INDENT) ? line.slice(BODY_INDENT.length) : line.trimStart());
    }
  }
  close();
  return { overallExplanation, findings };
}
