import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);

// src/protocol/review-text.ts
var REVIEW_FALLBACK_TEXT = "Reviewer failed to output a response.";
var SINGLE_HEADER = "Review comment:";
var MULTI_HEADER = "Full review comments:";
var BODY_INDENT = "  ";
var PRIORITY_TAG = /^\[P([0-3])\]\s*/;
var BULLET = /^- (.*) — (.+):(\d+)-(\d+)$/;
function taggedTitle(f) {
  const title = f.title.replace(/\s*[\r\n]+\s*/g, " ").trim();
  if (PRIORITY_TAG.test(title) || f.priority === null) return title;
  return `[P${f.priority}] ${title}`;
}
function renderReviewText(review) {
  const sections = [];
  const explanation = review.overallExplanation.trim();
  if (explanation !== "") sections.push(explanation);
  if (review.findings.length > 0) {
    const lines = [review.findings.length > 1 ? MULTI_HEADER : SINGLE_HEADER];
    for (const f of review.findings) {
      const { file, lineRange } = f.codeLocation;
      lines.push("", `- ${taggedTitle(f)} \u2014 ${file.replace(/[\r\n]+/g, " ")}:${lineRange.start}-${lineRange.end}`);
      for (const line of f.body.replace(/\s+$/, "").split(/\r?\n/)) lines.push(`${BODY_INDENT}${line}`);
    }
    sections.push(lines.join("\n"));
  }
  return sections.length === 0 ? REVIEW_FALLBACK_TEXT : sections.join("\n\n");
}
function parseReviewText(text) {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const at = lines.findIndex(
    (l, i) => (l === SINGLE_HEADER || l === MULTI_HEADER) && (i === 0 || lines[i - 1] === "") && lines[i + 1] === "" && BULLET.test(lines[i + 2] ?? "")
  );
  if (at === -1) {
    const whole = text.trim();
    return { overallExplanation: whole === REVIEW_FALLBACK_TEXT ? "" : whole, findings: [] };
  }
  const overallExplanation = lines.slice(0, Math.max(0, at - 1)).join("\n").trim();
  const findings = [];
  let body = null;
  const close = () => {
    if (body === null) return;
    while (body.length > 0 && body[body.length - 1].trim() === "") body.pop();
    findings[findings.length - 1].body = body.join("\n");
  };
  for (const line of lines.slice(at + 1)) {
    const m = BULLET.exec(line);
    if (m) {
      close();
      const title = m[1].trim();
      const tag = PRIORITY_TAG.exec(title);
      findings.push({
        title,
        body: "",
        priority: tag ? Number(tag[1]) : null,
        confidence: null,
        codeLocation: { file: m[2], lineRange: { start: Number(m[3]), end: Number(m[4]) } }
      });
      body = [];
    } else if (body !== null) {
      body.push(line.startsWith(BODY_INDENT) ? line.slice(BODY_INDENT.length) : line.trimStart());
    }
  }
  close();
  return { overallExplanation, findings };
}

export {
  REVIEW_FALLBACK_TEXT,
  renderReviewText,
  parseReviewText
};
