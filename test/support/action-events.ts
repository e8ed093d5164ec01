/**
 * Event payloads in GitHub's shapes (the fields of the webhook payloads a workflow receives in
 * GITHUB_EVENT_PATH), built from what the test seeded in the GitHub stand-in so ids and numbers agree.
 */
import type { StandInState, StoredComment, StoredIssue, StoredPullRequest, StoredReviewComment } from '../../src/demo/github-stand-in/index.js';

type Json = Record<string, unknown>;

function user(login: string): Json {
  return { login, id: login.length * 1000 + 7, type: login.endsWith('[bot]') ? 'Bot' : 'User', html_url: `https://github.com/${login}` };
}

function repository(full: string, fork = false): Json {
  const [owner, name] = full.split('/');
  return { id: full.length, name, full_name: full, owner: user(owner!), private: false, fork, default_branch: 'main', html_url: `https://github.com/${full}` };
}

function pullRequest(state: StandInState, pr: StoredPullRequest): Json {
  const own = `${state.owner}/${state.repo}`;
  const headRepo = pr.head_repo ?? own;
  return {
    url: `${state.apiUrl}/repos/${own}/pulls/${pr.number}`,
    id: pr.id,
    number: pr.number,
    state: pr.state,
    title: pr.title,
    body: pr.body,
    html_url: pr.html_url,
    user: user(pr.user),
    draft: pr.draft,
    author_association: 'CONTRIBUTOR',
    head: { label: `${headRepo.split('/')[0]}:${pr.head}`, ref: pr.head, sha: pr.head_sha, user: user(headRepo.split('/')[0]!), repo: repository(headRepo, headRepo !== own) },
    base: { label: `${state.owner}:${pr.base}`, ref: pr.base, sha: pr.base_sha, user: user(state.owner), repo: repository(own) },
  };
}

function issue(state: StandInState, i: StoredIssue | StoredPullRequest): Json {
  const isPull = 'head' in i;
  return {
    id: i.id,
    number: i.number,
    title: i.title,
    body: i.body,
    user: user(i.user),
    state: i.state,
    html_url: i.html_url,
    author_association: 'NONE',
    ...(isPull ? { pull_request: { url: `${state.apiUrl}/repos/${state.owner}/${state.repo}/pulls/${i.number}`, html_url: i.html_url } } : {}),
  };
}

function comment(c: StoredComment | StoredReviewComment): Json {
  return { id: c.id, body: c.body, user: user(c.user), html_url: c.html_url, created_at: c.created_at, updated_at: c.updated_at, author_association: 'NONE' };
}

export function pullRequestEvent(state: StandInState, pr: StoredPullRequest, action = 'opened', sender = pr.user): Json {
  return { action, number: pr.number, pull_request: pullRequest(state, pr), repository: repository(`${state.owner}/${state.repo}`), sender: user(sender) };
}

export function issueCommentEvent(state: StandInState, on: StoredIssue | StoredPullRequest, c: StoredComment, action = 'created'): Json {
  return { action, issue: issue(state, on), comment: comment(c), repository: repository(`${state.owner}/${state.repo}`), sender: user(c.user) };
}

export function reviewCommentEvent(state: StandInState, pr: StoredPullRequest, c: StoredReviewComment, action = 'created'): Json {
  return {
    action,
    comment: { ...comment(c), path: c.path, line: c.line, side: c.side, pull_request_review_id: c.pull_request_review_id, commit_id: c.commit_id },
    pull_request: pullRequest(state, pr),
    repository: repository(`${state.owner}/${state.repo}`),
    sender: user(c.user),
  };
}

export function issuesEvent(state: StandInState, i: StoredIssue, action = 'opened', sender = i.user): Json {
  return { action, issue: issue(state, i), repository: repository(`${state.owner}/${state.repo}`), sender: user(sender) };
}

export function dispatchEvent(state: StandInState, inputs: Record<string, string>): Json {
  return { inputs, ref: 'refs/heads/main', repository: repository(`${state.owner}/${state.repo}`), sender: user(state.owner), workflow: '.github/workflows/tern.yml' };
}
