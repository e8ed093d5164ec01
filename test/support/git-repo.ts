/** Real temporary git repositories for tests (no global git identity needed). */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const GIT_IDENTITY_ENV = {
  GIT_AUTHOR_NAME: 'tern test',
  GIT_AUTHOR_EMAIL: 'test@tern.invalid',
  GIT_COMMITTER_NAME: 'tern test',
  GIT_COMMITTER_EMAIL: 'test@tern.invalid',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_IDENTITY_ENV } });
}

/** A new repo under `parent` (or the OS temp dir) with `files` committed on `main`. */
export function createTempRepo(files: Record<string, string>, parent = os.tmpdir()): string {
  const dir = mkdtempSync(path.join(parent, 'repo-'));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}
