// Code review (`review/start`): the reviewer's prompt for each target, the JSON
// shape its final answer must have (sent as structured output), the lenient
// reading of that answer, and the review turn itself: enteredReviewMode -> the
// reviewer's items (commands, reasoning) -> exitedReviewMode with the plain-text
// review -> an agentMessage with the same text.
//
// The reviewer works on its own history: the thread's context messages
// (permissions, AGENTS.md, environment), then the review request. The thread's
// own conversation is neither sent nor changed; the caller appends the outcome
// to it afterwards (`reviewHistoryItems`), so later turns know what was found.
//
// The wire carries only the plain text (protocol/review-text.ts renders it and
// parses it back); the structured review goes to the thread log.

import type { OutputSchema, ResponseItem } from '../model/types.js';
import {
  REVIEW_FALLBACK_TEXT,
  renderReviewText,
  type ReviewFinding,
  type ReviewText,
} from '../protocol/review-text.js';
import type { ReviewTarget, ThreadItem, ThreadItemOf, UserInput } from '../protocol/v2.js';
import { newId } from '../util/ids.js';
import { ConversationHistory } from './history.js';
import { isContextItem, userMessage } from './prompt.js';
import { runTurn, type TurnDeps, type TurnOutcome, type TurnSettings } from './turn-runner.js';

export type ReviewVerdict = 'patch is correct' | 'patch is incorrect';

/** The reviewer's structured answer, normalised. */
export interface ReviewOutput extends ReviewText {
  verdict: ReviewVerdict | null;
  overallConfidence: number | null;
}

// ---- the prompt --------------------------------------------------------------

/** The request's `instructions` for a review turn (instead of the thread's base instructions). */
export const REVIEW_INSTRUCTIONS = `You review code changes written by someone else, the way a careful senior colleague would before approving a pull request.

What to report:
- Real defects the author would want to fix: wrong behaviour, crashes, data loss, security holes, races, broken error handling, API misuse, tests that do not test what they claim, changes that break existing callers.
- Only problems introduced by the change under review, not old code it merely touches.
- Each finding once, at the smallest line range that shows it (a few lines at most), in a file the change touches.
- Nothing speculative: if you cannot say how it goes wrong, leave it out. Style nits only when they obscure meaning.

How to work:
- Look at the change with read-only commands (git diff, git show, git log, cat, sed -n, rg). Read enough of the surrounding code to be sure.
- Do not modify files, commit, or change the repository state in any way.

Priority of a finding: 0 = must fix before anything else (breaks the build, data loss, security); 1 = should fix before merging; 2 = should fix eventually; 3 = minor.
Confidence: how sure you are, from 0 to 1.

Your final answer is a JSON object, and nothing else:
{
  "findings": [
    {
      "title": "[P<priority>] imperative summary, at most 80 characters",
      "body": "why it is a problem and when it happens; markdown, one short paragraph",
      "confidence_score": 0.0-1.0,
      "priority": 0-3,
      "code_location": { "file": "path relative to the repository root", "line_range": { "start": 1, "end": 1 } }
    }
  ],
  "overall_correctness": "patch is correct" | "patch is incorrect",
  "overall_explanation": "one to three sentences on the change as a whole",
  "overall_confidence_score": 0.0-1.0
}
No findings is a fine answer for a good change: an empty list and "patch is correct".`;

/** The JSON Schema of the reviewer's final answer (strict structured output). */
export const REVIEW_OUTPUT_SCHEMA: OutputSchema = {
  name: 'code_review',
  strict: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['findings', 'overall_correctness', 'overall_explanation', 'overall_confidence_score'],
    properties: {
      findings: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['title', 'body', 'confidence_score', 'priority', 'code_location'],
          properties: {
            title: { type: 'string', description: '[P<priority>] imperative summary, at most 80 characters' },
            body: { type: 'string', description: 'Why it is a problem; markdown' },
            confidence_score: { type: 'number', description: '0 to 1' },
            priority: { type: 'integer', description: '0 (blocker) to 3 (minor)' },
            code_location: {
              type: 'object',
              additionalProperties: false,
              required: ['file', 'line_range'],
              properties: {
                file: { type: 'string', description: 'Path relative to the repository root' },
                line_range: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['start', 'end'],
                  properties: { start: { type: 'integer' }, end: { type: 'integer' } },
                },
              },
            },
          },
        },
      },
      overall_correctness: { type: 'string', enum: ['patch is correct', 'patch is incorrect'] },
      overall_explanation: { type: 'string' },
      overall_confidence_score: { type: 'number' },
    },
  },
};

/** The short label of `enteredReviewMode.review` (the reference's wording). */
export function reviewTargetLabel(target: ReviewTarget): string {
  switch (target.type) {
    case 'uncommittedChanges':
      return 'current changes';
    case 'baseBranch':
      return `changes against '${target.branch}'`;
    case 'commit': {
      const short = target.sha.slice(0, 7);
      return target.title ? `commit ${short}: ${target.title}` : `commit ${short}`;
    }
    case 'custom':
      return target.instructions.trim();
  }
}

/** The review request (the reviewer's user message) for a target. */
export function reviewPrompt(target: ReviewTarget): string {
  switch (target.type) {
    case 'uncommittedChanges':
      return [
        'Review the uncommitted changes in this repository: staged, unstaged and untracked files.',
        'See them with `git status --short`, `git diff --cached` (staged) and `git diff` (unstaged); read untracked files whole.',
      ].join('\n');
    case 'baseBranch': {
      const b = shellQuote(target.branch);
      return [
        `Review the changes of the current branch against the base branch \`${target.branch}\`.`,
        `Diff against the merge base: \`git diff $(git merge-base HEAD ${b})\` (use \`@{upstream}\` of ${b}, e.g. \`origin/${target.branch}\`, if the local branch is missing or stale).`,
        `\`git log --oneline $(git merge-base HEAD ${b})..HEAD\` lists the commits.`,
      ].join('\n');
    }
    case 'commit': {
      const title = target.title ? ` ("${target.title.replace(/\s+/g, ' ').trim()}")` : '';
      return [
        `Review the changes introduced by commit ${target.sha}${title}.`,
        `See them with \`git show --stat --patch ${shellQuote(target.sha)}\`; review only what this commit changes.`,
      ].join('\n');
    }
    case 'custom':
      return target.instructions.trim();
  }
}

function shellQuote(s: string): string {
  return /^[\w./@:^~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

// ---- the answer --------------------------------------------------------------

/**
 * The reviewer's final message as a review. Accepts the JSON alone, inside a
 * ```json fence, or with prose around it; tolerates missing or mistyped fields
 * (a finding without a title or location is dropped, not the review). Text that
 * holds no JSON object is the review's explanation, with no findings. Never throws.
 */
export function parseReviewOutput(text: string): ReviewOutput {
  const value = extractJsonObject(text);
  if (value === null) {
    return { overallExplanation: text.trim(), findings: [], verdict: null, overallConfidence: null };
  }
  const findings = Array.isArray(value.findings) ? value.findings.flatMap(toFinding) : [];
  const verdictRaw = value.overall_correctness ?? value.verdict;
  const verdict = verdictRaw === 'patch is correct' || verdictRaw === 'patch is incorrect' ? verdictRaw : null;
  const explanation = str(value.overall_explanation) ?? str(value.explanation) ?? '';
  return { overallExplanation: explanation.trim(), findings, verdict, overallConfidence: num(value.overall_confidence_score) };
}

function extractJsonObject(text: string): Record<string, unknown> | null {
  const candidates = [text.trim()];
  const fence = /```(?:json)?\s*\n([\s\S]*?)```/.exec(text);
  if (fence) candidates.push(fence[1]!.trim());
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first !== -1 && last > first) candidates.push(text.slice(first, last + 1));
  for (const c of candidates) {
    try {
      const v: unknown = JSON.parse(c);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // the next candidate
    }
  }
  return null;
}

function toFinding(raw: unknown): ReviewFinding[] {
  if (raw === null || typeof raw !== 'object') return [];
  const f = raw as Record<string, unknown>;
  const loc = (f.code_location ?? {}) as Record<string, unknown>;
  const range = (loc.line_range ?? {}) as Record<string, unknown>;
  const title = str(f.title)?.trim();
  const file = str(loc.file) ?? str(loc.absolute_file_path) ?? str(loc.path);
  if (!title || !file) return [];
  const start = int(range.start) ?? int(range.end) ?? 1;
  const end = Math.max(start, int(range.end) ?? start);
  const p = int(f.priority);
  return [
    {
      title,
      body: str(f.body) ?? '',
      priority: p !== null && p >= 0 && p <= 3 ? p : null,
      confidence: num(f.confidence_score ?? f.confidence),
      codeLocation: { file, lineRange: { start, end } },
    },
  ];
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const int = (v: unknown): number | null => {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
};

/** The plain text of `exitedReviewMode.review`. */
export function reviewText(output: ReviewOutput | null): string {
  return output === null ? REVIEW_FALLBACK_TEXT : renderReviewText(output);
}

// ---- the turn ----------------------------------------------------------------

export interface ReviewTurnResult {
  outcome: TurnOutcome;
  /** The structured review; null when the turn did not complete. */
  output: ReviewOutput | null;
  /** What `exitedReviewMode.review` said. */
  text: string;
}

/**
 * Runs a review turn on `settings` (the thread's sandbox, approvals, model),
 * with its own history: the context messages of `threadHistory`, then the
 * review request. The caller publishes turn/started before and turn/completed after.
 */
export async function runReviewTurn(
  settings: TurnSettings,
  deps: Omit<TurnDeps, 'history' | 'beforeSample'>,
  threadHistory: readonly ResponseItem[],
  target: ReviewTarget,
): Promise<ReviewTurnResult> {
  const ids = { threadId: settings.threadId, turnId: settings.turnId };
  const emitItem = <T extends ThreadItem>(item: T): T => {
    const startedAtMs = Date.now();
    deps.emit.notify('item/started', { ...ids, item: { ...item, startedAtMs, completedAtMs: null }, startedAtMs });
    const completedAtMs = Date.now();
    const done = { ...item, startedAtMs, completedAtMs };
    deps.emit.notify('item/completed', { ...ids, item: { ...done }, completedAtMs, contentTokenCount: null });
    return done;
  };
  emitItem({ type: 'enteredReviewMode', id: newId(), review: reviewTargetLabel(target) });

  const history = new ConversationHistory();
  history.append(...threadHistory.filter(isContextItem));
  const input: UserInput[] = [{ type: 'text', text: reviewPrompt(target), text_elements: [] }];
  const outcome = await runTurn(
    { ...settings, instructions: REVIEW_INSTRUCTIONS, outputSchema: REVIEW_OUTPUT_SCHEMA, quietAgentMessages: true },
    { ...deps, history },
    input,
  );

  const output = outcome.status === 'completed' ? parseReviewOutput(outcome.lastAgentMessage?.text ?? '') : null;
  const text = reviewText(output);
  emitItem({ type: 'exitedReviewMode', id: newId(), review: text });
  if (outcome.status !== 'completed') return { outcome, output, text };

  const message: ThreadItemOf<'agentMessage'> = {
    type: 'agentMessage',
    id: newId(),
    text,
    phase: null,
    moderation: null,
    memoryCitation: null,
    delivery: null,
    questions: null,
  };
  return { outcome: { ...outcome, lastAgentMessage: emitItem(message) }, output, text };
}

/** What the thread's own history keeps of a review: who asked for what, and the review. */
export function reviewHistoryItems(target: ReviewTarget, text: string): ResponseItem[] {
  return [
    userMessage(`Review requested (${reviewTargetLabel(target)}):\n${reviewPrompt(target)}`),
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] },
  ];
}
