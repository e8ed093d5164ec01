import { getOctokit } from '@actions/github';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedIssue, seedIssueComment, seedPullRequest, seedReviewComment, startGitHubStandIn, type GitHubStandIn } from '../../src/demo/github-stand-in/index.js';

const OWNER = 'octo-org';
const REPO = 'widgets';
const TOKEN = 'ghs_standintoken';
const SERVER_URL = 'https://github.example';

let standIn: GitHubStandIn;
let octokit: ReturnType<typeof getOctokit>;

beforeEach(async () => {
  standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO, defaultBranch: 'trunk', serverUrl: SERVER_URL });
  octokit = getOctokit(TOKEN, { baseUrl: standIn.url });
});
afterEach(async () => {
  await standIn.close();
});

const repo = { owner: OWNER, repo: REPO };

interface Failure {
  status: number;
  message: string;
  response: { data: unknown };
}

/** The octokit error a call ends with (fails the test if it succeeds). */
async function failure(call: Promise<unknown>): Promise<Failure> {
  try {
    await call;
  } catch (err) {
    return err as Failure;
  }
  throw new Error('expected the request to fail');
}

async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (err) {
    return (err as Failure).status;
  }
}

/** octokit.request without its parameter types: for requests GitHub's description does not allow. */
function loose(route: string, params: Record<string, unknown>): Promise<unknown> {
  return (octokit.request as unknown as (r: string, p: Record<string, unknown>) => Promise<unknown>)(route, params);
}

async function openPull(head: string, extra: { base?: string; draft?: boolean } = {}) {
  const { data } = await octokit.rest.pulls.create({ ...repo, head, base: extra.base ?? 'trunk', title: `t ${head}`, body: 'b', draft: extra.draft ?? false });
  return data;
}

describe('github stand-in: valid octokit requests', () => {
  it('serves repos/get with the default branch and records the token', async () => {
    const { data } = await octokit.rest.repos.get(repo);
    expect(data.default_branch).toBe('trunk');
    expect(data.full_name).toBe(`${OWNER}/${REPO}`);
    expect(data.html_url).toBe(`${SERVER_URL}/${OWNER}/${REPO}`);
    expect(standIn.requests).toEqual([
      { method: 'GET', path: `/repos/${OWNER}/${REPO}`, query: {}, operationId: 'repos/get', body: undefined, token: TOKEN, status: 200 },
    ]);
    expect(standIn.violations).toEqual([]);
  });

  it('creates, gets, lists and updates pull requests', async () => {
    const created = await openPull('feature', { draft: true });
    expect(created).toMatchObject({ number: 1, state: 'open', title: 't feature', body: 'b', draft: true, head: { ref: 'feature', label: `${OWNER}:feature` }, base: { ref: 'trunk' } });
    expect(created.html_url).toBe(`${SERVER_URL}/${OWNER}/${REPO}/pull/1`);

    const got = await octokit.rest.pulls.get({ ...repo, pull_number: 1 });
    expect(got.data.number).toBe(1);

    const updated = await octokit.rest.pulls.update({ ...repo, pull_number: 1, title: 'new title', body: 'new body' });
    expect(updated.data).toMatchObject({ number: 1, title: 'new title', body: 'new body' });
    expect(standIn.state.pulls).toHaveLength(1);
    expect(standIn.state.pulls[0]).toMatchObject({ title: 'new title', body: 'new body', head: 'feature', base: 'trunk', draft: true });

    const listed = await octokit.rest.pulls.list({ ...repo, state: 'open', head: `${OWNER}:feature`, base: 'trunk' });
    expect(listed.data.map((p) => p.number)).toEqual([1]);
    expect(standIn.violations).toEqual([]);
  });

  it('filters pulls/list by state, head (owner:branch) and base', async () => {
    await openPull('a');
    await openPull('b');
    await openPull('a', { base: 'release' });
    await octokit.rest.pulls.update({ ...repo, pull_number: 2, state: 'closed' });
    type Filters = { state?: 'open' | 'closed' | 'all'; head?: string; base?: string; direction?: 'asc' | 'desc' };
    const numbers = async (q: Filters) => (await octokit.rest.pulls.list({ ...repo, ...q })).data.map((p) => p.number);

    expect(await numbers({})).toEqual([3, 1]); // open, newest first
    expect(await numbers({ state: 'closed' })).toEqual([2]);
    expect(await numbers({ state: 'all', direction: 'asc' })).toEqual([1, 2, 3]);
    expect(await numbers({ head: `${OWNER}:a` })).toEqual([3, 1]);
    expect(await numbers({ head: `${OWNER}:a`, base: 'trunk' })).toEqual([1]);
    expect(await numbers({ head: `someone-else:a` })).toEqual([]);
    // Like GitHub, a head filter without the owner prefix is ignored.
    expect(await numbers({ head: 'a', base: 'trunk' })).toEqual([1]);
    expect(standIn.violations).toEqual([]);
  });

  it('paginates with a Link header octokit follows', async () => {
    for (const head of ['p1', 'p2', 'p3']) await openPull(head);
    const all = await octokit.paginate(octokit.rest.pulls.list, { ...repo, per_page: 2 });
    expect(all.map((p) => p.number)).toEqual([3, 2, 1]);
    expect(standIn.requests.filter((r) => r.operationId === 'pulls/list')).toHaveLength(2);
    expect(standIn.violations).toEqual([]);
  });

  it('adds labels and requests reviewers', async () => {
    await openPull('feature');
    const labels = await octokit.rest.issues.addLabels({ ...repo, issue_number: 1, labels: ['bug', 'tern'] });
    expect(labels.data.map((l) => l.name)).toEqual(['bug', 'tern']);
    await octokit.rest.issues.addLabels({ ...repo, issue_number: 1, labels: ['tern', 'docs'] });
    const reviewed = await octokit.rest.pulls.requestReviewers({ ...repo, pull_number: 1, reviewers: ['alice', 'bob'] });
    expect(reviewed.status).toBe(201);
    expect(reviewed.data.requested_reviewers?.map((u) => u.login)).toEqual(['alice', 'bob']);

    const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: 1 });
    expect(data.labels.map((l) => l.name)).toEqual(['bug', 'tern', 'docs']);
    expect(standIn.state.pulls[0]).toMatchObject({ labels: ['bug', 'tern', 'docs'], requested_reviewers: ['alice', 'bob'] });
    expect(standIn.violations).toEqual([]);
  });

  it('creates, lists and updates issue comments', async () => {
    await openPull('feature');
    const created = await octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: 'first' });
    expect(created.status).toBe(201);
    expect(created.data.html_url).toBe(`${SERVER_URL}/${OWNER}/${REPO}/pull/1#issuecomment-${created.data.id}`);
    await octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: 'second' });
    const updated = await octokit.rest.issues.updateComment({ ...repo, comment_id: created.data.id, body: 'first, edited' });
    expect(updated.data.body).toBe('first, edited');
    const listed = await octokit.rest.issues.listComments({ ...repo, issue_number: 1 });
    expect(listed.data.map((c) => c.body)).toEqual(['first, edited', 'second']);
    expect(standIn.state.comments.map((c) => c.body)).toEqual(['first, edited', 'second']);
    expect(standIn.violations).toEqual([]);
  });

  it('records which token each request used', async () => {
    const other = getOctokit('ghs_othertoken', { baseUrl: standIn.url });
    await octokit.rest.repos.get(repo);
    await other.rest.repos.get(repo);
    expect(standIn.requests.map((r) => r.token)).toEqual([TOKEN, 'ghs_othertoken']);
  });

  it('answers 404 for another repository or a missing pull request, as GitHub does (no violation)', async () => {
    expect(await statusOf(octokit.rest.repos.get({ owner: OWNER, repo: 'other' }))).toBe(404);
    expect(await statusOf(octokit.rest.pulls.get({ ...repo, pull_number: 99 }))).toBe(404);
    expect(await statusOf(octokit.rest.issues.createComment({ ...repo, issue_number: 99, body: 'x' }))).toBe(404);
    expect(standIn.violations).toEqual([]);
  });
});

describe('github stand-in: what GitHub would refuse', () => {
  it('refuses a second open pull request for the same head and base with GitHub 422', async () => {
    await openPull('feature');
    const err = await failure(openPull('feature'));
    expect(err).toMatchObject({ status: 422 });
    expect(err.response.data).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${OWNER}:feature.` }],
    });
    expect(err.message).toContain(`A pull request already exists for ${OWNER}:feature.`);
    // Another base, or after closing the first one, is fine.
    await openPull('feature', { base: 'release' });
    await octokit.rest.pulls.update({ ...repo, pull_number: 1, state: 'closed' });
    await openPull('feature');
    expect(standIn.state.pulls.map((p) => [p.number, p.state, p.base])).toEqual([
      [1, 'closed', 'trunk'],
      [2, 'open', 'release'],
      [3, 'open', 'trunk'],
    ]);
    // Reopening the first one would make two open pull requests for the pair.
    expect(await statusOf(octokit.rest.pulls.update({ ...repo, pull_number: 1, state: 'open' }))).toBe(422);
    expect(standIn.violations).toEqual([]);
  });

  it('refuses reviewers who are not collaborators, and the author', async () => {
    await standIn.close();
    standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO, collaborators: ['alice'] });
    octokit = getOctokit(TOKEN, { baseUrl: standIn.url });
    await openPull('feature', { base: 'main' });
    const err = await failure(octokit.rest.pulls.requestReviewers({ ...repo, pull_number: 1, reviewers: ['alice', 'mallory'] }));
    expect(err.status).toBe(422);
    expect(err.message).toContain('Reviews may only be requested from collaborators.');
    expect(await statusOf(octokit.rest.pulls.requestReviewers({ ...repo, pull_number: 1, reviewers: ['github-actions[bot]'] }))).toBe(422);
    expect(standIn.state.pulls[0]?.requested_reviewers).toEqual([]);
    expect(standIn.violations).toEqual([]);
  });

  it('rejects an unknown path', async () => {
    expect(await statusOf(octokit.request('GET /repos/{owner}/{repo}/no-such-thing', repo))).toBe(404);
    expect(standIn.violations).toEqual([`GET /repos/${OWNER}/${REPO}/no-such-thing: no path in GitHub's OpenAPI description matches`]);
    expect(standIn.requests[0]).toMatchObject({ operationId: null, status: 404, token: TOKEN });
  });

  it('rejects a method the path does not have', async () => {
    expect(await statusOf(octokit.request('DELETE /repos/{owner}/{repo}/pulls', repo))).toBe(404);
    expect(standIn.violations).toEqual([`DELETE /repos/${OWNER}/${REPO}/pulls: the path has no DELETE operation (allowed: GET, POST)`]);
  });

  it('rejects a body missing a required field', async () => {
    expect(await statusOf(loose('POST /repos/{owner}/{repo}/pulls', { ...repo, title: 't', base: 'main' }))).toBe(422);
    expect(standIn.violations).toEqual([`POST /repos/${OWNER}/${REPO}/pulls: pulls/create: body must have required property 'head'`]);
    expect(standIn.state.pulls).toEqual([]);
  });

  it('rejects a body field of the wrong type', async () => {
    const status = await statusOf(loose('POST /repos/{owner}/{repo}/pulls', { ...repo, head: 'f', base: 'main', title: 't', draft: 'yes' }));
    expect(status).toBe(422);
    expect(standIn.violations).toEqual([`POST /repos/${OWNER}/${REPO}/pulls: pulls/create: body/draft must be boolean`]);
  });

  it('rejects a query value outside its enum, and an unknown query parameter', async () => {
    expect(await statusOf(loose('GET /repos/{owner}/{repo}/pulls', { ...repo, state: 'opened' }))).toBe(422);
    expect(await statusOf(loose('GET /repos/{owner}/{repo}/pulls', { ...repo, stat: 'open' }))).toBe(422);
    expect(standIn.violations).toEqual([
      `GET /repos/${OWNER}/${REPO}/pulls?state=opened: pulls/list: query/state must be equal to one of the allowed values ("open", "closed", "all")`,
      `GET /repos/${OWNER}/${REPO}/pulls?stat=open: pulls/list: query must NOT have additional properties (stat)`,
    ]);
  });

  it('rejects a path parameter of the wrong type', async () => {
    expect(await statusOf(loose('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: 'abc' }))).toBe(404);
    expect(standIn.violations).toEqual([`GET /repos/${OWNER}/${REPO}/pulls/abc: pulls/get: path parameter/pull_number must be integer`]);
  });

  it('rejects a request without authorization', async () => {
    const res = await fetch(`${standIn.url}/repos/${OWNER}/${REPO}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: 'Requires authentication' });
    expect(standIn.violations).toEqual([`GET /repos/${OWNER}/${REPO}: no Authorization header`]);
    expect(standIn.requests[0]).toMatchObject({ token: null, status: 401 });
  });

  it('rejects a body that is not JSON', async () => {
    const res = await fetch(`${standIn.url}/repos/${OWNER}/${REPO}/pulls`, {
      method: 'POST',
      headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"title":',
    });
    expect(res.status).toBe(400);
    expect(standIn.violations).toHaveLength(1);
    expect(standIn.violations[0]).toMatch(/^POST \/repos\/octo-org\/widgets\/pulls: body is not JSON/);
  });

  it('answers 501 for a valid operation it does not implement', async () => {
    const err = await failure(octokit.rest.repos.listBranches(repo));
    expect(err.status).toBe(501);
    expect(err.message).toContain('Not implemented by the stand-in: repos/list-branches');
    expect(standIn.violations).toEqual([`GET /repos/${OWNER}/${REPO}/branches: repos/list-branches: not implemented by the stand-in`]);
    expect(standIn.requests[0]).toMatchObject({ operationId: 'repos/list-branches', status: 501 });
  });

  it('checks its own answers against the documented response schema', async () => {
    await openPull('feature');
    (standIn.state.pulls[0] as unknown as { title: unknown }).title = 42; // corrupt the record
    await octokit.rest.pulls.get({ ...repo, pull_number: 1 });
    expect(standIn.violations).toEqual([
      `GET /repos/${OWNER}/${REPO}/pulls/1: pulls/get: stand-in answer breaks the description: response 200/title must be string`,
    ]);
  });

  it('prefers literal path segments over templates', async () => {
    // /pulls/comments is its own operation, not pulls/get with pull_number "comments".
    expect(await statusOf(octokit.request('GET /repos/{owner}/{repo}/pulls/comments', repo))).toBe(501);
    expect(standIn.requests[0]?.operationId).toBe('pulls/list-review-comments-for-repo');
  });
});

describe('github stand-in: reviews, permissions, reactions, issues', () => {
  const DIFF = [
    'diff --git a/src/a.js b/src/a.js',
    'index 1111111..2222222 100644',
    '--- a/src/a.js',
    '+++ b/src/a.js',
    '@@ -1,3 +1,4 @@',
    ' one',
    '-two',
    '+TWO',
    '+two and a half',
    ' three',
    '@@ -10,2 +11,2 @@',
    ' ten',
    '-eleven',
    '+ELEVEN',
    '',
  ].join('\n');

  function seededPull() {
    return seedPullRequest(standIn.state, { title: 'Change a', body: 'body', user: 'contributor', head: 'feature', base: 'trunk', headSha: 'a'.repeat(40), baseSha: 'b'.repeat(40), diff: DIFF });
  }

  it('creates one review with inline comments on diff lines and lists both back', async () => {
    const pr = seededPull();
    const { data } = await octokit.rest.pulls.createReview({
      ...repo,
      pull_number: pr.number,
      event: 'REQUEST_CHANGES',
      body: 'Two findings.',
      comments: [
        { path: 'src/a.js', line: 3, side: 'RIGHT', start_line: 2, start_side: 'RIGHT', body: 'range' },
        { path: 'src/a.js', line: 12, side: 'RIGHT', body: 'single' },
      ],
    });
    expect(data).toMatchObject({ state: 'CHANGES_REQUESTED', body: 'Two findings.', commit_id: 'a'.repeat(40) });
    const reviews = await octokit.rest.pulls.listReviews({ ...repo, pull_number: pr.number });
    expect(reviews.data.map((r) => r.id)).toEqual([data.id]);
    const comments = await octokit.rest.pulls.listReviewComments({ ...repo, pull_number: pr.number });
    expect(comments.data.map((c) => [c.path, c.start_line, c.line, c.body, c.pull_request_review_id])).toEqual([
      ['src/a.js', 2, 3, 'range', data.id],
      ['src/a.js', null, 12, 'single', data.id],
    ]);
    expect(standIn.violations).toEqual([]);
  });

  it('refuses comments outside the diff, ranges across hunks, approval of its own PR and an empty COMMENT body, as GitHub does', async () => {
    const pr = seededPull();
    const review = (comments: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) =>
      loose('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { ...repo, pull_number: pr.number, event: 'COMMENT', body: 'b', comments, ...extra });
    expect((await failure(review([{ path: 'src/a.js', line: 7, side: 'RIGHT', body: 'x' }]))).status).toBe(422);
    expect((await failure(review([{ path: 'src/other.js', line: 1, side: 'RIGHT', body: 'x' }]))).status).toBe(422);
    expect((await failure(review([{ path: 'src/a.js', start_line: 3, line: 11, side: 'RIGHT', body: 'x' }]))).status).toBe(422);
    expect((await failure(review([], { body: '' }))).status).toBe(422);
    const own = seedPullRequest(standIn.state, { title: 't', body: null, user: standIn.state.actor, head: 'mine', base: 'trunk', headSha: 'c'.repeat(40), baseSha: 'b'.repeat(40) });
    expect((await failure(octokit.rest.pulls.createReview({ ...repo, pull_number: own.number, event: 'APPROVE' }))).status).toBe(422);
    expect(standIn.state.reviews).toEqual([]);
    expect(standIn.violations).toEqual([]);
  });

  it('reports collaborator permissions: listed roles, the owner as admin, anyone else read', async () => {
    standIn.state.permissions.writer = 'write';
    standIn.state.permissions.keeper = 'maintain';
    const of = async (username: string) => (await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username })).data;
    expect(await of('writer')).toMatchObject({ permission: 'write', role_name: 'write' });
    expect(await of('keeper')).toMatchObject({ permission: 'write', role_name: 'maintain' });
    expect(await of(OWNER)).toMatchObject({ permission: 'admin' });
    expect(await of('stranger')).toMatchObject({ permission: 'read', role_name: 'read' });
    expect(standIn.violations).toEqual([]);
  });

  it('comments on issues and records reactions on issues, issue comments and review comments', async () => {
    const issue = seedIssue(standIn.state, { title: 'Bug', body: 'It breaks', user: 'reporter' });
    const seeded = seedIssueComment(standIn.state, issue.number, { body: '@tern fix it', user: 'reporter' });
    const pr = seededPull();
    const inline = seedReviewComment(standIn.state, pr, { body: 'hm', user: 'reporter', path: 'src/a.js', line: 3 });
    const { data: comment } = await octokit.rest.issues.createComment({ ...repo, issue_number: issue.number, body: 'on it' });
    expect(comment.html_url).toBe(`${SERVER_URL}/${OWNER}/${REPO}/issues/${issue.number}#issuecomment-${comment.id}`);
    const first = await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: seeded.id, content: 'eyes' });
    const again = await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: seeded.id, content: 'eyes' });
    expect([first.status, again.status]).toEqual([201, 200]);
    await octokit.rest.reactions.createForPullRequestReviewComment({ ...repo, comment_id: inline.id, content: 'eyes' });
    await octokit.rest.reactions.createForIssue({ ...repo, issue_number: issue.number, content: 'rocket' });
    expect(standIn.state.reactions.map((r) => [r.subject, r.subject_id, r.content])).toEqual([
      ['issue_comment', seeded.id, 'eyes'],
      ['review_comment', inline.id, 'eyes'],
      ['issue', issue.number, 'rocket'],
    ]);
    expect(await statusOf(octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: 42, content: 'eyes' }))).toBe(404);
    expect(standIn.violations).toEqual([]);
  });

  it('shows a pull request from a fork with the fork as the head repository', async () => {
    const pr = seedPullRequest(standIn.state, { title: 't', body: null, user: 'outsider', head: 'patch-1', base: 'trunk', headSha: 'd'.repeat(40), baseSha: 'b'.repeat(40), headRepo: 'outsider/widgets' });
    const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: pr.number });
    expect(data.head).toMatchObject({ ref: 'patch-1', sha: 'd'.repeat(40), label: 'outsider:patch-1', repo: { full_name: 'outsider/widgets', fork: true } });
    expect(data.base.repo.full_name).toBe(`${OWNER}/${REPO}`);
    expect(standIn.violations).toEqual([]);
  });
});
