// Where a checkout's git data lives, found by reading the file system only.
//
// Git's own discovery (`rev-parse --show-toplevel`) would read the checkout's
// config first, and `core.worktree` there could move the "top level" anywhere.
// So the work tree is found here by walking up to the nearest valid `.git`
// (a directory, or a `gitdir: <path>` file as in linked worktrees and submodules),
// and git is only ever told that location explicitly (GIT_DIR / GIT_WORK_TREE).

import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { TernError } from '../util/errors.js';

/** A checkout as found on disk (real paths). */
export interface FoundWorkTree {
  workTree: string;
  /** The checkout's own git dir (`.git`, or `.git/worktrees/<name>` for a linked worktree). */
  gitDir: string;
  /** Shared git dir holding objects, config, hooks and info/ (same as gitDir except for linked worktrees). */
  commonDir: string;
}

/** Finds the work tree containing `cwd` (real paths) without running git; throws `not_a_git_repo` outside one. */
export async function findWorkTree(cwd: string): Promise<FoundWorkTree> {
  const start = await realpath(path.resolve(cwd)).catch(() => path.resolve(cwd));
  for (let dir = start; ; dir = path.dirname(dir)) {
    const gitDir = await gitDirAt(dir);
    if (gitDir) {
      const rel = path.relative(dir, start);
      // Like git: a directory inside .git is not inside the work tree.
      if (rel === '.git' || rel.startsWith(`.git${path.sep}`)) break;
      return { workTree: dir, gitDir, commonDir: await commonDirOf(gitDir) };
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new TernError('not_a_git_repo', `${start} is not inside a git work tree`);
}

/** The git dir named by `<dir>/.git` (directory or `gitdir:` file), or null when there is no valid one. */
async function gitDirAt(dir: string): Promise<string | null> {
  const dotGit = path.join(dir, '.git');
  const st = await lstat(dotGit).catch(() => null);
  if (!st) return null;
  let candidate: string;
  if (st.isDirectory()) {
    candidate = dotGit;
  } else if (st.isFile()) {
    const m = /^gitdir: *(.+?)\s*$/m.exec(await readFile(dotGit, 'utf8').catch(() => ''));
    if (!m) return null;
    candidate = path.resolve(dir, m[1]!);
  } else {
    return null;
  }
  return (await looksLikeGitDir(candidate)) ? realpath(candidate) : null;
}

/** As git does: `<gitDir>/commondir` (trailing newline dropped, relative to gitDir) when present, else gitDir. */
async function commonDirOf(gitDir: string): Promise<string> {
  const text = await readFile(path.join(gitDir, 'commondir'), 'utf8').catch(() => null);
  if (text === null) return gitDir;
  const target = path.resolve(gitDir, text.replace(/[\r\n]+$/, ''));
  return realpath(target).catch(() => target);
}

/** Git's own minimal check: a HEAD file, plus an objects dir or a `commondir` link (linked worktree). */
async function looksLikeGitDir(dir: string): Promise<boolean> {
  const isFile = async (p: string) => (await stat(p).catch(() => null))?.isFile() ?? false;
  const isDir = async (p: string) => (await stat(p).catch(() => null))?.isDirectory() ?? false;
  return (await isFile(path.join(dir, 'HEAD'))) && ((await isDir(path.join(dir, 'objects'))) || (await isFile(path.join(dir, 'commondir'))));
}
