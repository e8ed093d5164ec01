// Commit a patch on top of a base commit and force-push it to one branch, without
// touching the checkout: all in a private git dir that borrows the checkout's
// objects (`read-tree <base>`, `apply --cached`, `write-tree`, `commit-tree`).
// The push token travels only in the environment (GIT_CONFIG_COUNT/KEY/VALUE:
// http.extraheader), never on a command line or in a file, and is scrubbed from
// every error message.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TernError } from '../util/errors.js';
import { oneLine } from './hardened-env.js';
import { openPrivateGit, type PrivateGit } from './private-git.js';
import { resolveCommit } from './revisions.js';

export interface PushPatchOptions {
  checkout: string;
  baseSha: string;
  patch: string;
  branch: string;
  message: string;
  author: { name: string; email: string };
  /** URL or local path. */
  remote: string;
  /** Sent (as an HTTP basic auth header) only to an https:// remote. */
  token?: string;
  /** false: a plain push, refused unless it fast-forwards the branch (someone else's branch). Default true. */
  force?: boolean;
}

export interface PushPatchResult {
  commitSha: string;
  branch: string;
  remote: string;
}

/** A push that makes no progress for this long is abandoned. */
const PUSH_SILENCE_TIMEOUT_MS = 5 * 60 * 1000;

/** Commits `patch` on `baseSha` (author = committer = `author`) and force-pushes it to `refs/heads/<branch>` of `remote`. */
export async function commitPatchAndPush(o: PushPatchOptions): Promise<PushPatchResult> {
  const pg = await openPrivateGit(o.checkout);
  try {
    const commitSha = await commitPatch(pg, o);
    await pushCommit(pg, { ...o, commitSha });
    return { commitSha, branch: o.branch, remote: o.remote };
  } finally {
    await pg.dispose();
  }
}

/** Builds the commit (base tree + patch, parent = base) in the private dir; returns its id. */
export async function commitPatch(pg: PrivateGit, o: Omit<PushPatchOptions, 'checkout' | 'remote' | 'token'>): Promise<string> {
  if (o.patch.trim().length === 0) throw new TernError('empty_patch', 'nothing to commit: the patch is empty');
  await validateBranch(pg, o.branch);
  const base = await resolveCommit(pg.git, o.baseSha);
  const patchFile = path.join(pg.scratch, 'change.patch');
  const messageFile = path.join(pg.scratch, 'message.txt');
  await writeFile(patchFile, o.patch.endsWith('\n') ? o.patch : `${o.patch}\n`);
  await writeFile(messageFile, o.message);
  try {
    await pg.git.raw(['read-tree', base]);
    await pg.git.raw(['apply', '--cached', '--binary', '--whitespace=nowarn', patchFile]);
  } catch (err) {
    throw new TernError('patch_failed', `the patch does not apply to ${base}: ${oneLine(err)}`, { cause: err });
  }
  try {
    const tree = (await pg.git.raw(['write-tree'])).trim();
    const git = pg.gitWith({ identity: o.author });
    const sha = (await git.raw(['commit-tree', tree, '-p', base, '-F', messageFile])).trim();
    if (!/^[0-9a-f]{40,64}$/.test(sha)) throw new Error(`commit-tree printed ${JSON.stringify(sha)}`);
    return sha;
  } catch (err) {
    throw new TernError('commit_failed', `cannot create the commit: ${oneLine(err)}`, { cause: err });
  }
}

/** Force-pushes (unless `force: false`) `commitSha` to `refs/heads/<branch>` of `remote`; the token (https only) goes in the environment only. */
export async function pushCommit(
  pg: PrivateGit,
  o: { commitSha: string; branch: string; remote: string; token?: string; force?: boolean },
): Promise<void> {
  await validateBranch(pg, o.branch);
  const shown = displayRemote(o.remote);
  if (o.remote.length === 0 || o.remote.startsWith('-')) throw new TernError('bad_remote', `invalid remote ${JSON.stringify(shown)}`);
  const { config, secrets } = authConfig(o.remote, o.token);
  secrets.push(...urlCredentials(o.remote));
  const git = pg.gitWith({ config }, { timeoutMs: PUSH_SILENCE_TIMEOUT_MS });
  try {
    const force = o.force === false ? [] : ['--force'];
    await git.raw(['push', ...force, '--no-verify', '--quiet', '--', pushTarget(o.remote), `${o.commitSha}:refs/heads/${o.branch}`]);
  } catch (err) {
    throw new TernError('push_failed', `push to ${shown} failed: ${oneLine(err, secrets)}`, { cause: scrubbed(err, secrets) });
  }
}

/** http.extraheader for an https remote with a token; refuses to send a token in clear text. */
function authConfig(remote: string, token: string | undefined): { config: Record<string, string>; secrets: string[] } {
  if (!token) return { config: {}, secrets: [] };
  if (/^http:\/\//i.test(remote)) throw new TernError('bad_remote', 'refusing to send a token to a plain http:// remote');
  if (!/^https:\/\//i.test(remote)) return { config: {}, secrets: [token] };
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return { config: { 'http.extraheader': `AUTHORIZATION: basic ${basic}` }, secrets: [token, basic] };
}

async function validateBranch(pg: PrivateGit, branch: string): Promise<void> {
  const bad = () => new TernError('invalid_branch', `invalid branch name ${JSON.stringify(branch)}`);
  if (branch.length === 0 || branch.startsWith('-') || branch.includes('@{')) throw bad();
  try {
    const normalised = (await pg.git.raw(['check-ref-format', '--branch', branch])).trim();
    if (normalised !== branch) throw bad();
  } catch {
    throw bad();
  }
}

/** A URL or scp-like `host:path` as is; a local path made absolute (git runs in a temp dir, not the caller's cwd). */
function pushTarget(remote: string): string {
  const urlLike = /^[a-z][a-z0-9+.-]*:\/\//i.test(remote) || /^[^/]+:/.test(remote);
  return urlLike ? remote : path.resolve(remote);
}

/** Secrets written into a URL's user:password@ part (the password, or a lone token). */
function urlCredentials(remote: string): string[] {
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(remote)?.[1];
  if (!userinfo) return [];
  const colon = userinfo.indexOf(':');
  return colon < 0 ? [userinfo] : [userinfo, userinfo.slice(colon + 1)];
}

/** The remote as shown in messages: without any user:password@ part. */
function displayRemote(remote: string): string {
  return remote.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** The cause kept on a push error, with the secrets removed from its message too. */
function scrubbed(err: unknown, secrets: readonly string[]): Error {
  return new Error(oneLine(err, secrets));
}
