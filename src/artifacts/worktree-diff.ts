// The change a run made, as one patch: the working tree (tracked changes AND new
// untracked files, .gitignore respected) against HEAD, or against the empty tree
// in a repository without commits.
//
// The user's index is never touched: everything happens in a throwaway index
// (GIT_INDEX_FILE=<tmp>): `read-tree HEAD`, `add -A`, `diff --cached --binary HEAD`.
// The temp index starts as a copy of the real one so `read-tree -m` can reuse its
// stat cache (otherwise `add -A` re-hashes every file of a big repo). `add -A`
// writes blob objects into the object store; that is harmless (git gc prunes them).

import { copyFile, mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { TernError, errorMessage } from '../util/errors.js';

export interface WorktreeDiff {
  /** `git diff --binary` output (a/ b/ prefixes, no renames); '' when nothing changed. */
  patch: string;
  /** Changed paths relative to the repository root (added, modified, deleted), sorted. */
  files: string[];
}

// Pin the diff format regardless of the user's git config (noprefix, renames,
// external diff drivers, colour) so the patch always applies with `git apply`.
const DIFF_FORMAT = ['--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/'];

export interface WorktreeDiffOptions {
  /**
   * Paths (absolute, or relative to cwd) left out of the diff, e.g. the run's own
   * artifact directory when it lies inside the work tree. Paths outside the
   * repository are ignored.
   */
  exclude?: string[];
}

export async function worktreeDiff(cwd: string, options: WorktreeDiffOptions = {}): Promise<WorktreeDiff> {
  const dir = path.resolve(cwd);
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new TernError('not_a_directory', `cannot diff ${dir}: not an existing directory`);
  }

  const plain = simpleGit({ baseDir: dir });
  let inside = '';
  try {
    inside = (await plain.raw(['rev-parse', '--is-inside-work-tree'])).trim();
  } catch {
    inside = '';
  }
  if (inside !== 'true') {
    throw new TernError('not_a_git_repo', `cannot diff ${dir}: not inside a git work tree (run \`git init\` there first)`);
  }

  const root = (await plain.raw(['rev-parse', '--show-toplevel'])).trim();
  const realIndex = path.resolve(dir, (await plain.raw(['rev-parse', '--git-path', 'index'])).trim());
  const head = await resolveHead(plain);
  const base = head ?? (await plain.raw(['hash-object', '-t', 'tree', '/dev/null'])).trim();

  // Compare real paths: --show-toplevel resolves symlinks (e.g. macOS /tmp).
  const realPaths = await Promise.all(
    (options.exclude ?? []).map((p) => realpath(path.resolve(dir, p)).catch(() => path.resolve(dir, p))),
  );
  const excludes = realPaths
    .map((p) => path.relative(root, p))
    .filter((rel) => rel.length > 0 && !rel.startsWith('..') && !path.isAbsolute(rel))
    .map((rel) => `:(exclude,literal)${rel.split(path.sep).join('/')}`);

  const tmpDir = await mkdtemp(path.join(os.tmpdir(), 'tern-index-'));
  const tmpIndex = path.join(tmpDir, 'index');
  try {
    const git = simpleGit({ baseDir: root, allowEnvironment: ['GIT_INDEX_FILE'] }).env({
      ...gitSafeEnv(process.env),
      GIT_INDEX_FILE: tmpIndex,
    });
    if (head) {
      let seeded = false;
      try {
        await copyFile(realIndex, tmpIndex);
        seeded = true;
      } catch {
        // no index yet: plain read-tree below
      }
      try {
        // Single-tree `-m` keeps stat info of entries whose content matches HEAD.
        await git.raw(seeded ? ['read-tree', '-m', head] : ['read-tree', head]);
      } catch {
        // e.g. unmerged entries in the copied index: start from a clean index.
        await rm(tmpIndex, { force: true });
        await git.raw(['read-tree', head]);
      }
    } else {
      await git.raw(['read-tree', '--empty']);
    }
    await git.raw(['add', '-A', '--', '.', ...excludes]);
    const patch = await git.raw(['diff', '--cached', '--binary', ...DIFF_FORMAT, base, '--']);
    const names = await git.raw(['diff', '--cached', '--name-only', '-z', '--no-renames', base, '--']);
    const files = names
      .split('\0')
      .filter((f) => f.length > 0)
      .sort();
    return { patch, files };
  } catch (err) {
    if (err instanceof TernError) throw err;
    throw new TernError('git_diff_failed', `cannot diff ${dir}: ${errorMessage(err).trim()}`, { cause: err });
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}

/**
 * simple-git refuses explicitly supplied GIT_* / editor / pager variables (and
 * strips inherited ones anyway); drop them, as simple-git does by default.
 */
function gitSafeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (/^GIT_/i.test(k) || GUARDED_ENV.has(k.toUpperCase())) continue;
    out[k] = v;
  }
  return out;
}
const GUARDED_ENV = new Set(['EDITOR', 'VISUAL', 'PAGER', 'PREFIX', 'SSH_ASKPASS']);

async function resolveHead(git: SimpleGit): Promise<string | null> {
  try {
    const sha = (await git.raw(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim();
    return sha.length > 0 ? sha : null;
  } catch {
    return null; // unborn branch: no commit yet
  }
}
