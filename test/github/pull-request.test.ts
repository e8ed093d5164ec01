import { afterEach, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn, type GitHubStandInOptions } from '../../src/demo/github-stand-in/index.js';
import { createOctokit, openOrUpdatePullRequest, type PullRequestSpec } from '../../src/github/pull-request.js';

const OWNER = 'octo-org';
const REPO = 'widgets';
const TOKEN = 'ghs_pullrequesttesttoken';
const SERVER_URL = 'https://github.example';

const standIns: GitHubStandIn[] = [];
afterEach(async () => {
  await Promise.all(standIns.splice(0).map((s) => s.close()));
});

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`rejected with a non-Error: ${String(err)}`);
  }
  throw new Error('expected the call to fail');
}

async function start(extra: Partial<GitHubStandInOptions> = {}) {
  const standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO, serverUrl: SERVER_URL, ...extra });
  standIns.push(standIn);
  return { standIn, octokit: createOctokit(TOKEN, standIn.url) };
}

function spec(overrides: Partial<PullRequestSpec> = {}): PullRequestSpec {
  return {
    owner: OWNER,
    repo: REPO,
    head: 'tern/fix-tests',
    base: 'main',
    title: 'Fix the failing tests',
    body: 'The agent fixed the tests.',
    draft: false,
    labels: [],
    reviewers: [],
    ...overrides,
  };
}

const operations = (standIn: GitHubStandIn): Array<string | null> => standIn.requests.map((r) => r.operationId);

describe('openOrUpdatePullRequest', () => {
  it('opens a draft pull request with labels and reviewers', async () => {
    const { standIn, octokit } = await start();
    const result = await openOrUpdatePullRequest(octokit, spec({ draft: true, labels: ['tern', 'automated'], reviewers: ['alice', 'bob'] }));

    expect(result).toEqual({ number: 1, url: `${SERVER_URL}/${OWNER}/${REPO}/pull/1`, created: true, warnings: [] });
    expect(standIn.state.pulls).toHaveLength(1);
    expect(standIn.state.pulls[0]).toMatchObject({
      number: 1,
      state: 'open',
      head: 'tern/fix-tests',
      base: 'main',
      title: 'Fix the failing tests',
      body: 'The agent fixed the tests.',
      draft: true,
      labels: ['tern', 'automated'],
      requested_reviewers: ['alice', 'bob'],
    });
    expect(operations(standIn)).toEqual(['pulls/list', 'pulls/create', 'issues/add-labels', 'pulls/request-reviewers']);
    expect(standIn.requests.find((r) => r.operationId === 'pulls/list')?.query).toMatchObject({ head: `${OWNER}:tern/fix-tests`, base: 'main', state: 'open' });
    expect(standIn.requests.every((r) => r.token === TOKEN)).toBe(true);
    expect(standIn.violations).toEqual([]);
  });

  it('skips labels and reviewers when there are none', async () => {
    const { standIn, octokit } = await start();
    await openOrUpdatePullRequest(octokit, spec());
    expect(operations(standIn)).toEqual(['pulls/list', 'pulls/create']);
    expect(standIn.state.pulls[0]?.draft).toBe(false);
    expect(standIn.violations).toEqual([]);
  });

  it('updates the open pull request for the same head instead of opening a second one', async () => {
    const { standIn, octokit } = await start();
    const first = await openOrUpdatePullRequest(octokit, spec({ labels: ['tern'] }));
    const second = await openOrUpdatePullRequest(octokit, spec({ title: 'Fix the tests, again', body: 'Second run.', labels: ['tern'] }));

    expect(second).toEqual({ number: first.number, url: first.url, created: false, warnings: [] });
    expect(standIn.state.pulls).toHaveLength(1);
    expect(standIn.state.pulls[0]).toMatchObject({ title: 'Fix the tests, again', body: 'Second run.', labels: ['tern'] });
    expect(operations(standIn).slice(3)).toEqual(['pulls/list', 'pulls/update', 'issues/add-labels']);
    expect(standIn.violations).toEqual([]);
  });

  it('opens a new pull request when the earlier one was closed or has another base', async () => {
    const { standIn, octokit } = await start();
    const first = await openOrUpdatePullRequest(octokit, spec());
    await octokit.rest.pulls.update({ owner: OWNER, repo: REPO, pull_number: first.number, state: 'closed' });
    const second = await openOrUpdatePullRequest(octokit, spec());
    const third = await openOrUpdatePullRequest(octokit, spec({ base: 'release' }));
    expect([second.created, third.created]).toEqual([true, true]);
    expect(standIn.state.pulls.map((p) => [p.number, p.state, p.base])).toEqual([
      [1, 'closed', 'main'],
      [2, 'open', 'main'],
      [3, 'open', 'release'],
    ]);
    expect(standIn.violations).toEqual([]);
  });

  it('turns a refused reviewer into a warning and keeps the pull request', async () => {
    const { standIn, octokit } = await start({ collaborators: ['alice'] });
    const result = await openOrUpdatePullRequest(octokit, spec({ labels: ['tern'], reviewers: ['alice', 'mallory'] }));

    expect(result.number).toBe(1);
    expect(result.created).toBe(true);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(
      /^could not request reviews from alice, mallory on pull request #1: HTTP 422: Reviews may only be requested from collaborators\./,
    );
    expect(result.warnings[0]).not.toContain('\n');
    expect(standIn.state.pulls[0]).toMatchObject({ labels: ['tern'], requested_reviewers: [] });
    expect(standIn.violations).toEqual([]);
  });

  it('throws one clear line when GitHub refuses to open the pull request', async () => {
    const { standIn, octokit } = await start();
    const err = await rejection(openOrUpdatePullRequest(octokit, spec({ head: 'main', base: 'main' })));
    expect(err.message).toBe('GitHub: could not open a pull request from main into main: HTTP 422: Validation Failed (No commits between main and main)');
    expect(err.message).not.toContain(TOKEN);
    expect(standIn.state.pulls).toEqual([]);
    expect(standIn.violations).toEqual([]);
  });

  it('throws one clear line when the pull requests cannot be listed', async () => {
    const { standIn, octokit } = await start();
    const err = await rejection(openOrUpdatePullRequest(octokit, spec({ repo: 'missing' })));
    expect(err.message).toBe(`GitHub: could not list the pull requests of ${OWNER}/missing: HTTP 404: Not Found`);
    expect(operations(standIn)).toEqual(['pulls/list']);
    expect(standIn.violations).toEqual([]);
  });

  it('throws when the server cannot be reached, without the token', async () => {
    const { standIn } = await start();
    const url = standIn.url;
    await standIn.close();
    const err = await rejection(openOrUpdatePullRequest(createOctokit(TOKEN, url), spec()));
    expect(err.message).toMatch(/^GitHub: could not list the pull requests of octo-org\/widgets: no answer from GitHub: .*ECONNREFUSED/);
    expect(err.message).not.toContain('\n');
    expect(err.message).not.toContain(TOKEN);
  });
});

describe('createOctokit', () => {
  it('talks to the given base URL with the token (a trailing slash is fine)', async () => {
    const { standIn } = await start({ defaultBranch: 'trunk' });
    const octokit = createOctokit(TOKEN, `${standIn.url}/`);
    const { data } = await octokit.rest.repos.get({ owner: OWNER, repo: REPO });
    expect(data.default_branch).toBe('trunk');
    expect(standIn.requests).toMatchObject([{ path: `/repos/${OWNER}/${REPO}`, token: TOKEN, status: 200 }]);
    expect(standIn.violations).toEqual([]);
  });
});
