// The JSON GitHub answers with, built from the stand-in's records. Shapes follow the description's
// response schemas (`full-repository`, `pull-request`, `pull-request-simple`, `issue-comment`,
// `label`, `simple-user`, `validation-error`); the server checks every answer against them.
import { createHash } from 'node:crypto';
import {
  apiRepoUrl,
  findPull,
  type StandInState,
  type Permission,
  type StoredComment,
  type StoredLabel,
  type StoredPullRequest,
  type StoredReaction,
  type StoredReview,
  type StoredReviewComment,
} from './state.js';

type Json = Record<string, unknown>;

const DOCS_URL = 'https://docs.github.com/rest';
const REPO_CREATED_AT = '2024-01-01T00:00:00Z';
const USER_ID_MODULUS = 100_000_000;
const SHA_HEX_LENGTH = 40;

/** Stable fake ids and SHAs derived from names, so the same name always gets the same value. */
function digest(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function nodeId(kind: string, id: number): string {
  return Buffer.from(`${kind}:${id}`).toString('base64');
}

const USER_URLS: Array<[string, string]> = [
  ['followers_url', '/followers'],
  ['following_url', '/following{/other_user}'],
  ['gists_url', '/gists{/gist_id}'],
  ['starred_url', '/starred{/owner}{/repo}'],
  ['subscriptions_url', '/subscriptions'],
  ['organizations_url', '/orgs'],
  ['repos_url', '/repos'],
  ['events_url', '/events{/privacy}'],
  ['received_events_url', '/received_events'],
];

export function userJson(state: StandInState, login: string): Json {
  const id = Number.parseInt(digest(login).slice(0, 8), 16) % USER_ID_MODULUS;
  const url = `${state.apiUrl}/users/${encodeURIComponent(login)}`;
  const user: Json = {
    login,
    id,
    node_id: nodeId('User', id),
    avatar_url: `${state.serverUrl}/${encodeURIComponent(login)}.png`,
    gravatar_id: '',
    url,
    html_url: `${state.serverUrl}/${encodeURIComponent(login)}`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false,
  };
  for (const [key, suffix] of USER_URLS) user[key] = `${url}${suffix}`;
  return user;
}

const REPO_API_URLS: Array<[string, string]> = [
  ['archive_url', '/{archive_format}{/ref}'],
  ['assignees_url', '/assignees{/user}'],
  ['blobs_url', '/git/blobs{/sha}'],
  ['branches_url', '/branches{/branch}'],
  ['collaborators_url', '/collaborators{/collaborator}'],
  ['comments_url', '/comments{/number}'],
  ['commits_url', '/commits{/sha}'],
  ['compare_url', '/compare/{base}...{head}'],
  ['contents_url', '/contents/{+path}'],
  ['contributors_url', '/contributors'],
  ['deployments_url', '/deployments'],
  ['downloads_url', '/downloads'],
  ['events_url', '/events'],
  ['forks_url', '/forks'],
  ['git_commits_url', '/git/commits{/sha}'],
  ['git_refs_url', '/git/refs{/sha}'],
  ['git_tags_url', '/git/tags{/sha}'],
  ['hooks_url', '/hooks'],
  ['issue_comment_url', '/issues/comments{/number}'],
  ['issue_events_url', '/issues/events{/number}'],
  ['issues_url', '/issues{/number}'],
  ['keys_url', '/keys{/key_id}'],
  ['labels_url', '/labels{/name}'],
  ['languages_url', '/languages'],
  ['merges_url', '/merges'],
  ['milestones_url', '/milestones{/number}'],
  ['notifications_url', '/notifications{?since,all,participating}'],
  ['pulls_url', '/pulls{/number}'],
  ['releases_url', '/releases{/id}'],
  ['stargazers_url', '/stargazers'],
  ['statuses_url', '/statuses/{sha}'],
  ['subscribers_url', '/subscribers'],
  ['subscription_url', '/subscription'],
  ['tags_url', '/tags'],
  ['teams_url', '/teams'],
  ['trees_url', '/git/trees{/sha}'],
];

/** The stand-in's repository, or (given `fullName`) a fork of it that only exists as a PR's head. */
export function repositoryJson(state: StandInState, fullName?: string): Json {
  const [owner, name] = fullName ? fullName.split('/') as [string, string] : [state.owner, state.repo];
  const id = Number.parseInt(digest(`${owner}/${name}`).slice(0, 8), 16) % USER_ID_MODULUS;
  const openIssues = fullName ? 0 : state.pulls.filter((p) => p.state === 'open').length + state.issues.filter((i) => i.state === 'open').length;
  const host = new URL(state.serverUrl).host;
  const web = `${state.serverUrl}/${owner}/${name}`;
  const api = `${state.apiUrl}/repos/${owner}/${name}`;
  const repo: Json = {
    id,
    node_id: nodeId('Repository', id),
    name,
    full_name: `${owner}/${name}`,
    owner: userJson(state, owner),
    private: false,
    html_url: web,
    description: null,
    fork: fullName !== undefined,
    url: api,
    git_url: `git://${host}/${owner}/${name}.git`,
    ssh_url: `git@${host}:${owner}/${name}.git`,
    clone_url: `${web}.git`,
    svn_url: web,
    mirror_url: null,
    homepage: null,
    language: null,
    ...counts(openIssues),
    default_branch: state.defaultBranch,
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: 'public',
    license: null,
    topics: [],
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    pushed_at: REPO_CREATED_AT,
    created_at: REPO_CREATED_AT,
    updated_at: REPO_CREATED_AT,
  };
  for (const [key, suffix] of REPO_API_URLS) repo[key] = `${api}${suffix}`;
  return repo;
}

function counts(openIssues: number): Json {
  return {
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 0,
    open_issues: openIssues,
    open_issues_count: openIssues,
    network_count: 0,
    subscribers_count: 0,
  };
}

export function labelJson(state: StandInState, label: StoredLabel): Json {
  return {
    id: label.id,
    node_id: nodeId('Label', label.id),
    url: apiRepoUrl(state, `/labels/${encodeURIComponent(label.name)}`),
    name: label.name,
    description: '', // `pull-request-simple` documents a string here, `label` a nullable one
    color: label.color,
    default: false,
  };
}

function labelsOf(state: StandInState, names: string[]): Json[] {
  return names.flatMap((name) => {
    const label = state.labels.find((l) => l.name === name);
    return label ? [labelJson(state, label)] : [];
  });
}

/** Stand-in SHA of a branch tip (no git behind the API). */
export function branchSha(state: StandInState, branch: string): string {
  return digest(`${state.owner}/${state.repo}@${branch}`).slice(0, SHA_HEX_LENGTH);
}

function branchJson(state: StandInState, branch: string, sha: string | undefined, repo: Json): Json {
  const owner = (repo.owner as Json).login as string;
  return { label: `${owner}:${branch}`, ref: branch, sha: sha ?? branchSha(state, branch), user: userJson(state, owner), repo };
}

function pullLinks(state: StandInState, pr: StoredPullRequest): Json {
  const href = (h: string): Json => ({ href: h });
  return {
    self: href(apiRepoUrl(state, `/pulls/${pr.number}`)),
    html: href(pr.html_url),
    issue: href(apiRepoUrl(state, `/issues/${pr.number}`)),
    comments: href(apiRepoUrl(state, `/issues/${pr.number}/comments`)),
    review_comments: href(apiRepoUrl(state, `/pulls/${pr.number}/comments`)),
    review_comment: href(apiRepoUrl(state, '/pulls/comments{/number}')),
    commits: href(apiRepoUrl(state, `/pulls/${pr.number}/commits`)),
    statuses: href(apiRepoUrl(state, `/statuses/${branchSha(state, pr.head)}`)),
  };
}

/** `pull-request-simple` (lists, request-reviewers) */
export function pullSimpleJson(state: StandInState, pr: StoredPullRequest): Json {
  const repo = repositoryJson(state);
  const links = pullLinks(state, pr);
  const hrefOf = (key: string): unknown => (links[key] as Json).href;
  return {
    url: hrefOf('self'),
    id: pr.id,
    node_id: nodeId('PullRequest', pr.id),
    html_url: pr.html_url,
    diff_url: `${pr.html_url}.diff`,
    patch_url: `${pr.html_url}.patch`,
    issue_url: hrefOf('issue'),
    commits_url: hrefOf('commits'),
    review_comments_url: hrefOf('review_comments'),
    review_comment_url: hrefOf('review_comment'),
    comments_url: hrefOf('comments'),
    statuses_url: hrefOf('statuses'),
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: userJson(state, pr.user),
    body: pr.body,
    labels: labelsOf(state, pr.labels),
    milestone: null,
    active_lock_reason: null,
    created_at: pr.created_at,
    updated_at: pr.updated_at,
    closed_at: pr.closed_at,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: pr.requested_reviewers.map((login) => userJson(state, login)),
    requested_teams: [],
    head: branchJson(state, pr.head, pr.head_sha, pr.head_repo ? repositoryJson(state, pr.head_repo) : repo),
    base: branchJson(state, pr.base, pr.base_sha, repo),
    _links: links,
    author_association: pr.user === state.owner ? 'OWNER' : 'CONTRIBUTOR',
    auto_merge: null,
    draft: pr.draft,
  };
}

/** `pull-request` (create, get, update) */
export function pullJson(state: StandInState, pr: StoredPullRequest): Json {
  return {
    ...pullSimpleJson(state, pr),
    merged: false,
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: null,
    comments: state.comments.filter((c) => c.issue_number === pr.number).length,
    review_comments: 0,
    maintainer_can_modify: pr.maintainer_can_modify,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

function association(state: StandInState, login: string): string {
  if (login === state.owner) return 'OWNER';
  const permission = state.permissions[login];
  return permission === 'admin' || permission === 'maintain' || permission === 'write' ? 'COLLABORATOR' : 'NONE';
}

/** `pull-request-review` */
export function reviewJson(state: StandInState, review: StoredReview): Json {
  const pullUrl = apiRepoUrl(state, `/pulls/${review.pull_number}`);
  return {
    id: review.id,
    node_id: nodeId('PullRequestReview', review.id),
    user: userJson(state, review.user),
    body: review.body,
    state: review.state,
    html_url: review.html_url,
    pull_request_url: pullUrl,
    _links: { html: { href: review.html_url }, pull_request: { href: pullUrl } },
    submitted_at: review.submitted_at,
    commit_id: review.commit_id,
    author_association: association(state, review.user),
  };
}

/** `pull-request-review-comment` */
export function reviewCommentJson(state: StandInState, c: StoredReviewComment): Json {
  const url = apiRepoUrl(state, `/pulls/comments/${c.id}`);
  const pullUrl = apiRepoUrl(state, `/pulls/${c.pull_number}`);
  return {
    url,
    id: c.id,
    node_id: nodeId('PullRequestReviewComment', c.id),
    pull_request_review_id: c.pull_request_review_id,
    diff_hunk: '',
    path: c.path,
    commit_id: c.commit_id,
    original_commit_id: c.commit_id,
    user: userJson(state, c.user),
    body: c.body,
    created_at: c.created_at,
    updated_at: c.updated_at,
    html_url: c.html_url,
    pull_request_url: pullUrl,
    author_association: association(state, c.user),
    _links: { self: { href: url }, html: { href: c.html_url }, pull_request: { href: pullUrl } },
    start_line: c.start_line,
    original_start_line: c.start_line,
    start_side: c.start_line === null ? null : c.side,
    line: c.line,
    original_line: c.line,
    side: c.side,
    subject_type: 'line',
  };
}

/** `reaction` */
export function reactionJson(state: StandInState, r: StoredReaction): Json {
  return { id: r.id, node_id: nodeId('Reaction', r.id), user: userJson(state, r.user), content: r.content, created_at: r.created_at };
}

/** `repository-collaborator-permission` */
export function permissionJson(state: StandInState, login: string, permission: Permission): Json {
  const pushes = permission === 'admin' || permission === 'maintain' || permission === 'write';
  const user = permission === 'none' ? null : {
    ...userJson(state, login),
    permissions: { pull: true, triage: pushes || permission === 'triage', push: pushes, maintain: permission === 'admin' || permission === 'maintain', admin: permission === 'admin' },
    role_name: permission,
  };
  // GitHub reports maintain as write and triage as read in `permission`; `role_name` keeps the role.
  const legacy = permission === 'maintain' ? 'write' : permission === 'triage' ? 'read' : permission;
  return { permission: legacy, role_name: permission, user };
}

export function commentJson(state: StandInState, comment: StoredComment): Json {
  const isPull = findPull(state, comment.issue_number) !== undefined;
  return {
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    url: apiRepoUrl(state, `/issues/comments/${comment.id}`),
    html_url: comment.html_url,
    body: comment.body,
    user: userJson(state, comment.user),
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    issue_url: apiRepoUrl(state, `/issues/${comment.issue_number}`),
    author_association: comment.user === state.owner ? 'OWNER' : isPull ? 'CONTRIBUTOR' : association(state, comment.user),
  };
}

export interface ValidationErrorDetail {
  resource: string;
  code: string;
  field?: string;
  message?: string;
}

/** GitHub's error body (`basic-error`, or `validation-error` when there are details). */
export function errorJson(status: number, message: string, errors?: ValidationErrorDetail[]): Json {
  return { message, ...(errors ? { errors } : {}), documentation_url: DOCS_URL, status: String(status) };
}
