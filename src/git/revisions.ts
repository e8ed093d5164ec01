// Reading commits and settings: HEAD and config of the checkout (read-only probes,
// nothing they read can run) and commit ids inside a private git dir.

import type { SimpleGit } from 'simple-git';
import { TernError } from '../util/errors.js';
import { oneLine } from './hardened-env.js';
import { openCheckoutProbe, type CheckoutLocation, type CheckoutProbe } from './private-git.js';

/** Id of the empty tree, per object format. */
export const EMPTY_TREE: Readonly<Record<CheckoutLocation['objectFormat'], string>> = {
  sha1: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  sha256: '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321',
};

/** A full or abbreviated object id: the only revision syntax accepted from callers. */
const HEX_ID = /^[0-9a-f]{4,64}$/i;

/** The commit the checkout's HEAD points at, or null on an unborn branch; throws `git_failed` when git cannot tell. */
export async function checkoutHead(probe: Pick<CheckoutProbe, 'inspect'>): Promise<string | null> {
  let sha: string;
  try {
    // --quiet: an unborn HEAD exits 1 with no output (simple-git counts that as success).
    sha = (await probe.inspect.raw(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim();
  } catch (err) {
    throw new TernError('git_failed', `cannot read HEAD: ${oneLine(err)}`, { cause: err });
  }
  return sha.length > 0 ? sha : null;
}

/** One config value of the checkout as its own files set it (includes honoured; our `-c` overrides skipped), or null. */
export async function checkoutConfig(probe: Pick<CheckoutProbe, 'inspect'>, key: string): Promise<string | null> {
  let out = '';
  try {
    out = await probe.inspect.raw(['config', '--show-scope', '--get-all', key]);
  } catch {
    return null;
  }
  const values = out
    .split('\n')
    .map((line) => /^([a-z]+)\t(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && m[1] !== 'command')
    .map((m) => m[2]!);
  const last = values.at(-1);
  return last !== undefined && last.length > 0 ? last : null;
}

/** Full id of commit `id` (hex, full or abbreviated) as seen from `git`; throws `bad_revision` otherwise. */
export async function resolveCommit(git: SimpleGit, id: string): Promise<string> {
  if (!HEX_ID.test(id)) throw new TernError('bad_revision', `${JSON.stringify(id)} is not a commit id (hex expected)`);
  let sha = '';
  try {
    sha = (await git.raw(['rev-parse', '--verify', '--quiet', `${id}^{commit}`])).trim();
  } catch (err) {
    throw new TernError('bad_revision', `${id} is not a commit of this repository: ${oneLine(err)}`, { cause: err });
  }
  if (!sha) throw new TernError('bad_revision', `${id} is not a commit of this repository`);
  return sha;
}

/** The commit checked out in `cwd` (null: not a repository, or an unborn branch), read through a throwaway probe. */
export async function currentCommit(cwd: string): Promise<string | null> {
  let probe: CheckoutProbe;
  try {
    probe = await openCheckoutProbe(cwd);
  } catch {
    return null;
  }
  try {
    return await checkoutHead(probe);
  } catch {
    return null;
  } finally {
    await probe.dispose();
  }
}
