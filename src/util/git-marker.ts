// Where a git repository starts, as git itself sees it.

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Whether `dir` holds a repository: a `.git` file (the pointer of a worktree or a submodule) or
 * a `.git` directory with a `HEAD`. An empty `.git` directory is not one (git agrees): sandboxes
 * leave such directories behind as mount points, e.g. in a shared /tmp.
 */
export function hasGitMarker(dir: string): boolean {
  const dotGit = path.join(dir, '.git');
  const st = statSync(dotGit, { throwIfNoEntry: false });
  if (!st) return false;
  return st.isFile() || (st.isDirectory() && existsSync(path.join(dotGit, 'HEAD')));
}
