// Pull request reviews as GitHub serves them: pulls/create-review (one review, its inline comments
// checked against the pull request's diff when the test seeded one), pulls/list-reviews and
// pulls/list-review-comments.
import { bodyFields, json, notFound, notImplemented, numberParam, paginated, unprocessable, type Handler } from './handler-kit.js';
import { reviewCommentJson, reviewJson } from './representations.js';
import { findPull, nextId, timestamp, type StandInState, type StoredPullRequest, type StoredReview, type StoredReviewComment } from './state.js';

const REVIEW_STATE = { COMMENT: 'COMMENTED', REQUEST_CHANGES: 'CHANGES_REQUESTED', APPROVE: 'APPROVED' } as const;
type ReviewEvent = keyof typeof REVIEW_STATE;

interface CommentSpec {
  path: string;
  body: string;
  line: number;
  side: 'LEFT' | 'RIGHT';
  start_line: number | null;
}

export const createReview: Handler = (ctx) => {
  const pr = findPull(ctx.state, numberParam(ctx, 'pull_number'));
  if (!pr) return notFound();
  const fields = bodyFields(ctx);
  const event = typeof fields.event === 'string' ? fields.event : null;
  // Without an event GitHub leaves the review PENDING; the stand-in serves submitted reviews only.
  if (event === null || !(event in REVIEW_STATE)) return notImplemented(`pulls/create-review with event ${String(event)}`);
  const body = typeof fields.body === 'string' ? fields.body : '';
  if (event !== 'APPROVE' && body.trim() === '') {
    return unprocessable(`Unprocessable Entity: "Body needs to be provided for a ${event === 'COMMENT' ? 'comment' : 'request changes'} review"`);
  }
  if (event !== 'COMMENT' && pr.user.toLowerCase() === ctx.state.actor.toLowerCase()) {
    return unprocessable(`Unprocessable Entity: "Can not ${event === 'APPROVE' ? 'approve' : 'request changes on'} your own pull request"`);
  }
  const comments = Array.isArray(fields.comments) ? fields.comments.map(commentSpec) : [];
  if (comments.some((c) => c === null)) return notImplemented('pulls/create-review comments by `position` or without `line`');
  if (pr.diff === undefined && comments.length > 0) return notImplemented('review comments on a pull request without a seeded diff (lines cannot be checked)');
  for (const c of comments as CommentSpec[]) {
    const problem = lineProblem(pr.diff ?? '', c);
    if (problem) return json(422, { message: 'Unprocessable Entity', errors: [problem], documentation_url: 'https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request', status: '422' });
  }
  const review = storeReview(ctx.state, pr, event as ReviewEvent, body, typeof fields.commit_id === 'string' ? fields.commit_id : null);
  for (const c of comments as CommentSpec[]) storeComment(ctx.state, pr, review, c);
  return json(200, reviewJson(ctx.state, review));
};

export const listReviews: Handler = (ctx) => {
  const number = numberParam(ctx, 'pull_number');
  if (!findPull(ctx.state, number)) return notFound();
  return paginated(ctx, ctx.state.reviews.filter((r) => r.pull_number === number).map((r) => reviewJson(ctx.state, r)));
};

export const listReviewComments: Handler = (ctx) => {
  const number = numberParam(ctx, 'pull_number');
  if (!findPull(ctx.state, number)) return notFound();
  return paginated(ctx, ctx.state.reviewComments.filter((c) => c.pull_number === number).map((c) => reviewCommentJson(ctx.state, c)));
};

function commentSpec(value: unknown): CommentSpec | null {
  const c = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (c.position !== undefined || typeof c.line !== 'number') return null;
  const side = c.side === 'LEFT' ? 'LEFT' : 'RIGHT';
  return { path: String(c.path), body: String(c.body), line: c.line, side, start_line: typeof c.start_line === 'number' ? c.start_line : null };
}

/** GitHub's 422 detail when a comment's lines are not in the diff (the lines of its hunks, per side). */
function lineProblem(diff: string, c: CommentSpec): string | null {
  const file = diffLines(diff).get(c.path);
  if (!file) return 'Path could not be resolved';
  const side = c.side === 'LEFT' ? file.left : file.right;
  const hunk = side.get(c.line);
  if (hunk === undefined) return 'Line could not be resolved';
  if (c.start_line !== null && (c.start_line > c.line || side.get(c.start_line) !== hunk)) return 'Start line could not be resolved';
  return null;
}

/** Per side: line number -> the hunk (counted per file) that shows it. */
interface FileLines {
  left: Map<number, number>;
  right: Map<number, number>;
}

/** path -> the lines each side of each hunk shows (a small reader of `git diff` output, independent of the Action's). */
function diffLines(diff: string): Map<string, FileLines> {
  const files = new Map<string, FileLines>();
  let file: FileLines | null = null;
  let oldLine = 0;
  let newLine = 0;
  let hunk = 0;
  for (const line of diff.split('\n')) {
    const plus = /^\+\+\+ b\/(.*)$/.exec(line);
    const header = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (line.startsWith('diff --git ')) {
      file = null;
      hunk = 0;
    } else if (plus && hunk === 0) {
      file = { left: new Map(), right: new Map() };
      files.set(plus[1]!, file);
    } else if (header && file) {
      oldLine = Number(header[1]);
      newLine = Number(header[2]);
      hunk++;
    } else if (file && hunk > 0) {
      if (line.startsWith('+') || line.startsWith(' ')) file.right.set(newLine++, hunk);
      if (line.startsWith('-') || line.startsWith(' ')) file.left.set(oldLine++, hunk);
    }
  }
  return files;
}

function storeReview(state: StandInState, pr: StoredPullRequest, event: ReviewEvent, body: string, commitId: string | null): StoredReview {
  const id = nextId(state);
  const review: StoredReview = {
    id,
    pull_number: pr.number,
    body,
    state: REVIEW_STATE[event],
    commit_id: commitId ?? pr.head_sha ?? '',
    user: state.actor,
    html_url: `${pr.html_url}#pullrequestreview-${id}`,
    submitted_at: timestamp(),
  };
  state.reviews.push(review);
  return review;
}

function storeComment(state: StandInState, pr: StoredPullRequest, review: StoredReview, c: CommentSpec): void {
  const id = nextId(state);
  const now = timestamp();
  const comment: StoredReviewComment = {
    id,
    pull_request_review_id: review.id,
    pull_number: pr.number,
    ...c,
    user: state.actor,
    commit_id: review.commit_id,
    html_url: `${pr.html_url}#discussion_r${id}`,
    created_at: now,
    updated_at: now,
  };
  state.reviewComments.push(comment);
}
