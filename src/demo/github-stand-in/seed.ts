// What a test (or the demo) puts into the stand-in before the Action runs: the issue, pull request
// or comment an event is about, as if someone had made them on GitHub. Returns the stored records,
// whose ids and numbers the event payload then names.
import {
  addPullRequest,
  nextId,
  nextNumber,
  timestamp,
  webUrl,
  type StandInState,
  type StoredComment,
  type StoredIssue,
  type StoredPullRequest,
  type StoredReviewComment,
} from './state.js';

export function seedIssue(state: StandInState, spec: { title: string; body: string | null; user: string }): StoredIssue {
  const number = nextNumber(state);
  const now = timestamp();
  const issue: StoredIssue = { id: nextId(state), number, state: 'open', html_url: webUrl(state, `/issues/${number}`), created_at: now, updated_at: now, ...spec };
  state.issues.push(issue);
  return issue;
}

export interface PullSeed {
  title: string;
  body: string | null;
  user: string;
  head: string;
  base: string;
  headSha: string;
  baseSha: string;
  /** `owner/name` of a fork holding the head branch. */
  headRepo?: string;
  /** `git diff base...head`, for checking review comment lines. */
  diff?: string;
}

export function seedPullRequest(state: StandInState, spec: PullSeed): StoredPullRequest {
  return addPullRequest(state, {
    title: spec.title,
    body: spec.body,
    head: spec.head,
    base: spec.base,
    draft: false,
    user: spec.user,
    maintainer_can_modify: false,
    head_sha: spec.headSha,
    base_sha: spec.baseSha,
    ...(spec.headRepo ? { head_repo: spec.headRepo } : {}),
    ...(spec.diff !== undefined ? { diff: spec.diff } : {}),
  });
}

export function seedIssueComment(state: StandInState, issueNumber: number, spec: { body: string; user: string }): StoredComment {
  const id = nextId(state);
  const now = timestamp();
  const kind = state.pulls.some((p) => p.number === issueNumber) ? 'pull' : 'issues';
  const comment: StoredComment = { id, issue_number: issueNumber, html_url: webUrl(state, `/${kind}/${issueNumber}#issuecomment-${id}`), created_at: now, updated_at: now, ...spec };
  state.comments.push(comment);
  return comment;
}

export function seedReviewComment(
  state: StandInState,
  pr: StoredPullRequest,
  spec: { body: string; user: string; path: string; line: number },
): StoredReviewComment {
  const id = nextId(state);
  const now = timestamp();
  const comment: StoredReviewComment = {
    id,
    pull_request_review_id: null,
    pull_number: pr.number,
    start_line: null,
    side: 'RIGHT',
    commit_id: pr.head_sha ?? '',
    html_url: webUrl(state, `/pull/${pr.number}#discussion_r${id}`),
    created_at: now,
    updated_at: now,
    ...spec,
  };
  state.reviewComments.push(comment);
  return comment;
}
