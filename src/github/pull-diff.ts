// The pull request's diff as GitHub shows it (merge base of base and head, to head), taken from
// the checkout's objects through a private git dir: the checkout's config, attributes and hooks
// play no part. Taken before the agent phase, so nothing the agent does can change it.

import { openPrivateGit, resolveCommit } from '../git/index.js';
import { TernError } from '../util/errors.js';

export interface PullDiff {
  mergeBase: string;
  head: string;
  patch: string;
}

export async function pullRequestDiff(checkout: string, baseSha: string, headSha: string): Promise<PullDiff> {
  const pg = await openPrivateGit(checkout);
  try {
    const base = await present(() => resolveCommit(pg.git, baseSha), `the base commit ${baseSha}`);
    const head = await present(() => resolveCommit(pg.git, headSha), `the head commit ${headSha}`);
    const mergeBase = (await pg.git.raw(['merge-base', base, head])).trim();
    if (!mergeBase) throw new TernError('no_merge_base', `${base} and ${head} have no common ancestor in the checkout; check out with fetch-depth: 0`);
    const patch = await pg.git.raw(['diff', '--no-color', '--no-ext-diff', '--no-textconv', '-M', mergeBase, head]);
    return { mergeBase, head, patch };
  } finally {
    await pg.dispose();
  }
}

async function present(resolve: () => Promise<string>, what: string): Promise<string> {
  try {
    return await resolve();
  } catch {
    throw new TernError('missing_commit', `the checkout lacks ${what}; check the pull request out with fetch-depth: 0 so both sides are there`);
  }
}
