// The stand-in's memory: one repository, its issues and pull requests, their comments, reviews and
// reactions, the repo's labels and who holds which permission.
// Records keep GitHub's field names where they mirror a field of the API (tests read them directly);
// `head` and `base` are branch names of this repository, `labels` and `requested_reviewers` names/logins.

export interface StoredPullRequest {
  id: number;
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string | null;
  head: string;
  base: string;
  draft: boolean;
  labels: string[];
  requested_reviewers: string[];
  requested_teams: string[];
  html_url: string;
  user: string; // author login
  maintainer_can_modify: boolean;
  /** Commit ids when the test seeded real ones (otherwise derived from the branch name). */
  head_sha?: string;
  base_sha?: string;
  /** `owner/name` of the head's repository when it is a fork; undefined: this repository. */
  head_repo?: string;
  /** The pull request's unified diff (`git diff base...head`), when seeded: review comments are checked against it. */
  diff?: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface StoredComment {
  id: number;
  issue_number: number;
  body: string;
  user: string;
  html_url: string;
  created_at: string;
  updated_at: string;
}

/** An issue that is not a pull request (pull requests live in `pulls`). */
export interface StoredIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  user: string;
  state: 'open' | 'closed';
  html_url: string;
  created_at: string;
  updated_at: string;
}

export interface StoredReview {
  id: number;
  pull_number: number;
  body: string;
  state: 'COMMENTED' | 'CHANGES_REQUESTED' | 'APPROVED';
  commit_id: string;
  user: string;
  html_url: string;
  submitted_at: string;
}

/** A review comment on a diff line (`line` on `side`, optionally from `start_line`). */
export interface StoredReviewComment {
  id: number;
  pull_request_review_id: number | null;
  pull_number: number;
  path: string;
  line: number;
  start_line: number | null;
  side: 'LEFT' | 'RIGHT';
  body: string;
  user: string;
  commit_id: string;
  html_url: string;
  created_at: string;
  updated_at: string;
}

export interface StoredReaction {
  id: number;
  subject: 'issue' | 'issue_comment' | 'review_comment';
  subject_id: number; // issue number or comment id
  content: string;
  user: string;
  created_at: string;
}

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface StoredLabel {
  id: number;
  name: string;
  color: string;
}

export interface StandInState {
  owner: string;
  repo: string;
  defaultBranch: string;
  serverUrl: string; // web origin, for html_url values
  apiUrl: string; // REST base URL, set once the server listens
  actor: string; // login the token belongs to: author of what the stand-in creates
  collaborators: string[] | null; // who may be requested as reviewer; null: anyone
  pulls: StoredPullRequest[];
  issues: StoredIssue[];
  comments: StoredComment[];
  reviews: StoredReview[];
  reviewComments: StoredReviewComment[];
  reactions: StoredReaction[];
  /** login -> permission on the repository; anyone not listed has `read` (a public repository). */
  permissions: Record<string, Permission>;
  labels: StoredLabel[];
  lastNumber: number; // issues and pull requests share one number sequence, as on GitHub
  lastId: number;
}

export interface StateOptions {
  owner: string;
  repo: string;
  defaultBranch?: string;
  serverUrl?: string;
  actor?: string;
  collaborators?: string[];
  permissions?: Record<string, Permission>;
}

const FIRST_ID = 1_000_000;
const DEFAULT_LABEL_COLOR = 'ededed';
export const DEFAULT_ACTOR = 'github-actions[bot]';

export function createState(opts: StateOptions): StandInState {
  return {
    owner: opts.owner,
    repo: opts.repo,
    defaultBranch: opts.defaultBranch ?? 'main',
    serverUrl: (opts.serverUrl ?? 'https://github.com').replace(/\/+$/, ''),
    apiUrl: '',
    actor: opts.actor ?? DEFAULT_ACTOR,
    collaborators: opts.collaborators ? [...opts.collaborators] : null,
    pulls: [],
    issues: [],
    comments: [],
    reviews: [],
    reviewComments: [],
    reactions: [],
    permissions: { [opts.owner]: 'admin', ...opts.permissions },
    labels: [],
    lastNumber: 0,
    lastId: FIRST_ID,
  };
}

export function nextId(state: StandInState): number {
  return ++state.lastId;
}

export function nextNumber(state: StandInState): number {
  return ++state.lastNumber;
}

/** GitHub's timestamps: ISO 8601, whole seconds, UTC. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** What a new pull request is made of; the rest (number, urls, times, empty lists) is the stand-in's. */
export type NewPullRequest = Pick<StoredPullRequest, 'title' | 'body' | 'head' | 'base' | 'draft' | 'user' | 'maintainer_can_modify'> &
  Partial<Pick<StoredPullRequest, 'head_sha' | 'base_sha' | 'head_repo' | 'diff'>>;

/** Stores an open pull request under the next issue number, as GitHub would make it. */
export function addPullRequest(state: StandInState, fields: NewPullRequest): StoredPullRequest {
  const number = nextNumber(state);
  const now = timestamp();
  const pr: StoredPullRequest = {
    id: nextId(state),
    number,
    state: 'open',
    labels: [],
    requested_reviewers: [],
    requested_teams: [],
    html_url: webUrl(state, `/pull/${number}`),
    ...fields,
    created_at: now,
    updated_at: now,
    closed_at: null,
  };
  state.pulls.push(pr);
  return pr;
}

export function findPull(state: StandInState, number: number): StoredPullRequest | undefined {
  return state.pulls.find((p) => p.number === number);
}

export function openPullFor(state: StandInState, head: string, base: string): StoredPullRequest | undefined {
  return state.pulls.find((p) => p.state === 'open' && p.head === head && p.base === base);
}

/** An issue or pull request by number (they share one sequence), or undefined. */
export function findIssueOrPull(state: StandInState, number: number): StoredIssue | StoredPullRequest | undefined {
  return state.issues.find((i) => i.number === number) ?? findPull(state, number);
}

/** Labels come into existence when first added to an issue, as on GitHub. */
export function ensureLabel(state: StandInState, name: string): StoredLabel {
  const existing = state.labels.find((l) => l.name.toLowerCase() === name.toLowerCase());
  if (existing) return existing;
  const label = { id: nextId(state), name, color: DEFAULT_LABEL_COLOR };
  state.labels.push(label);
  return label;
}

export function webUrl(state: StandInState, suffix = ''): string {
  return `${state.serverUrl}/${state.owner}/${state.repo}${suffix}`;
}

export function apiRepoUrl(state: StandInState, suffix = ''): string {
  return `${state.apiUrl}/repos/${state.owner}/${state.repo}${suffix}`;
}
