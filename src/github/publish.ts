// The publish phase: the recorded patch becomes one commit on a branch (pushed
// with the token, through a private git dir that never reads the checkout's
// config), and that branch becomes one pull request, opened or updated.

import { commitPatchAndPush } from '../git/index.js';
import { TernError } from '../util/errors.js';
import { createOctokit, openOrUpdatePullRequest } from './pull-request.js';

export interface PublishRequest {
  checkout: string;
  /** The commit that was HEAD before the turn: the new commit's parent. */
  baseSha: string;
  patch: string;
  branch: string;
  /** The PR's base branch; null asks GitHub for the repository's default branch. */
  base: string | null;
  commitMessage: string;
  author: { name: string; email: string };
  /** Where to push: the checkout's origin as it was before the turn, or a local path. */
  remote: string;
  token: string;
  pr: { title: string; body: string; draft: boolean; labels: string[]; reviewers: string[] } | null;
  github: { apiUrl: string; serverUrl: string; owner: string; repo: string };
}

export interface PublishResult {
  branch: string;
  commitSha: string;
  pr: { number: number; url: string; created: boolean } | null;
  warnings: string[];
}

/** Pushes the branch, then opens or updates the PR (when `pr` is set). */
export async function publishChange(req: PublishRequest): Promise<PublishResult> {
  const octokit = req.pr ? createOctokit(req.token, req.github.apiUrl) : null;
  const base = req.pr ? (req.base ?? (await defaultBranch(octokit!, req.github.owner, req.github.repo))) : null;
  const pushed = await commitAndPush({ ...req, serverUrl: req.github.serverUrl }, true);
  if (!req.pr || !octokit || !base) return { branch: pushed.branch, commitSha: pushed.commitSha, pr: null, warnings: [] };
  const pr = await openOrUpdatePullRequest(octokit, {
    owner: req.github.owner,
    repo: req.github.repo,
    head: req.branch,
    base,
    ...req.pr,
  });
  return { branch: pushed.branch, commitSha: pushed.commitSha, pr: { number: pr.number, url: pr.url, created: pr.created }, warnings: pr.warnings };
}

export interface BranchPushRequest {
  checkout: string;
  /** The branch's tip the patch was made on (the checkout's HEAD): the new commit's parent. */
  baseSha: string;
  patch: string;
  branch: string;
  commitMessage: string;
  author: { name: string; email: string };
  remote: string;
  token: string;
  serverUrl: string;
}

/**
 * One commit on someone's pull request branch (in this repository): a plain push, so it only
 * fast-forwards; if the branch moved since the checkout, the push is refused, never forced.
 */
export async function pushToBranch(req: BranchPushRequest): Promise<{ commitSha: string }> {
  const pushed = await commitAndPush(req, false);
  return { commitSha: pushed.commitSha };
}

/** The patch as one commit on `branch`, pushed (forced only for tern's own branches). */
function commitAndPush(req: BranchPushRequest, force: boolean): ReturnType<typeof commitPatchAndPush> {
  return commitPatchAndPush({
    checkout: req.checkout,
    baseSha: req.baseSha,
    patch: req.patch,
    branch: req.branch,
    message: req.commitMessage,
    author: req.author,
    remote: req.remote,
    force,
    ...tokenFor(req.remote, req.serverUrl, req.token),
  });
}

async function defaultBranch(octokit: ReturnType<typeof createOctokit>, owner: string, repo: string): Promise<string> {
  try {
    const { data } = await octokit.rest.repos.get({ owner, repo });
    return data.default_branch;
  } catch (err) {
    throw new TernError('github_api', `cannot read ${owner}/${repo}'s default branch: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * The token goes only to the GitHub server the run belongs to, over HTTPS: never to
 * another host a repository (or a model) may have named as its origin.
 */
export function tokenFor(remote: string, serverUrl: string, token: string): { token?: string } {
  let url: URL;
  try {
    url = new URL(remote);
  } catch {
    return {}; // a local path or scp-style remote: no HTTP credential applies
  }
  const server = new URL(serverUrl);
  return url.protocol === 'https:' && url.host === server.host && token ? { token } : {};
}
