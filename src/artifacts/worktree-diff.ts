// The change a run made, as one patch: the working tree (tracked changes AND new
// untracked files, .gitignore respected) against a base commit (default: HEAD),
// or against the empty tree in a repository without commits.
//
// Git never runs with the checkout's own config here: the agent may have written
// `.git/config`, hooks or attributes that make git run commands (a clean filter
// runs on `git add`). Everything happens in a private git dir (src/git): a temp
// bare repo that borrows the checkout's objects, with the checkout as work tree,
// its own index (`read-tree <base>`, `add -A`, `diff --cached --binary <base>`),
// and an environment built from nothing. The user's index and git dir are never
// written. Ignore rules: `.gitignore` files of the work tree and the checkout's
// `info/exclude` (copied: patterns only); global excludes (core.excludesFile) are
// not read. The fresh index has no stat cache, so every file is hashed once.
// LFS-tracked files whose content matches the base's pointer count as unchanged.

import { stat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { EMPTY_TREE, checkoutHead, openPrivateGit, resolveCommit, unstageSmudgedLfs, type PrivateGit } from '../git/index.js';
import { TernError, errorMessage } from '../util/errors.js';

export interface WorktreeDiff {
  /** `git diff --binary` output (a/ b/ prefixes, no renames); '' when nothing changed. */
  patch: string;
  /** Changed paths relative to the repository root (added, modified, deleted), sorted. */
  files: string[];
}

// Pin the diff format (noprefix, renames, external diff drivers, colour) so the
// patch always applies with `git apply`.
const DIFF_FORMAT = ['--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/'];

export interface WorktreeDiffOptions {
  /**
   * Paths (absolute, or relative to cwd) left out of the diff, e.g. the run's own
   * artifact directory when it lies inside the work tree. Paths outside the
   * repository are ignored.
   */
  exclude?: string[];
  /**
   * Commit to diff against (hex id), e.g. HEAD as it was before the turn, so
   * commits the model made during the turn are part of the diff. Default: the
   * current HEAD (the empty tree when there is none).
   */
  base?: string;
}

/** The working tree against `base` (default HEAD) as one binary patch, computed in a private git dir. */
export async function worktreeDiff(cwd: string, options: WorktreeDiffOptions = {}): Promise<WorktreeDiff> {
  const dir = path.resolve(cwd);
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new TernError('not_a_directory', `cannot diff ${dir}: not an existing directory`);
  }

  let pg: PrivateGit;
  try {
    pg = await openPrivateGit(dir, { workTree: true });
  } catch (err) {
    if (err instanceof TernError && err.code === 'not_a_git_repo') {
      throw new TernError('not_a_git_repo', `cannot diff ${dir}: not inside a git work tree (run \`git init\` there first)`);
    }
    throw new TernError('git_diff_failed', `cannot diff ${dir}: ${errorMessage(err).trim()}`, { cause: err });
  }
  try {
    const base = options.base !== undefined ? await resolveCommit(pg.git, options.base) : await checkoutHead(pg);
    const excludes = await excludePathspecs(dir, pg.checkout.workTree, options.exclude ?? []);
    const { git } = pg;
    await git.raw(base ? ['read-tree', base] : ['read-tree', '--empty']);
    await git.raw(['add', '-A', '--', '.', ...excludes]);
    const against = base ?? EMPTY_TREE[pg.checkout.objectFormat];
    if (base) await unstageSmudgedLfs(git, base, pg.checkout);
    const patch = await git.raw(['diff', '--cached', '--binary', ...DIFF_FORMAT, against, '--']);
    const names = await git.raw(['diff', '--cached', '--name-only', '-z', '--no-renames', against, '--']);
    const files = names
      .split('\0')
      .filter((f) => f.length > 0)
      .sort();
    return { patch, files };
  } catch (err) {
    throw new TernError('git_diff_failed', `cannot diff ${dir}: ${errorMessage(err).trim()}`, { cause: err });
  } finally {
    await pg.dispose();
  }
}

/** `:(exclude,literal)` pathspecs for the excluded paths that lie inside the work tree. */
async function excludePathspecs(dir: string, root: string, exclude: string[]): Promise<string[]> {
  // Compare real paths: the work tree root is a real path (e.g. macOS /tmp is a symlink).
  const realPaths = await Promise.all(exclude.map((p) => realpath(path.resolve(dir, p)).catch(() => path.resolve(dir, p))));
  return realPaths
    .map((p) => path.relative(root, p))
    .filter((rel) => rel.length > 0 && !rel.startsWith('..') && !path.isAbsolute(rel))
    .map((rel) => `:(exclude,literal)${rel.split(path.sep).join('/')}`);
}
