/** Real temporary git repositories for tests, with their own identity (no global git config needed). */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export const GIT_IDENTITY_ENV = {
  GIT_AUTHOR_NAME: 'tern test',
  GIT_AUTHOR_EMAIL: 'test@tern.invalid',
  GIT_COMMITTER_NAME: 'tern test',
  GIT_COMMITTER_EMAIL: 'test@tern.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/** Runs git synchronously in `cwd` with the test identity. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_IDENTITY_ENV } });
}

/** A new repo under `parent` (or the OS temp dir) with `files` committed on `main`; returns its path. */
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

export interface RepoFixture {
  dir: string;
  git(...args: string[]): Promise<string>;
  write(rel: string, content: string | Uint8Array): Promise<void>;
  commitAll(message?: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** An async repo handle for tests that edit, stage and commit step by step; `commit: false` leaves it without a commit. */
export async function createRepoFixture(
  files: Record<string, string> = {},
  opts: { commit?: boolean; base?: string } = {},
): Promise<RepoFixture> {
  const dir = await mkdtemp(path.join(opts.base ?? os.tmpdir(), 'tern-repo-'));
  const run = async (...args: string[]) =>
    (await execa('git', args, { cwd: dir, env: GIT_IDENTITY_ENV, stripFinalNewline: false })).stdout;
  const write = async (rel: string, content: string | Uint8Array) => {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  };
  await run('init', '-q', '-b', 'main');
  for (const [rel, content] of Object.entries(files)) await write(rel, content);
  const commitAll = async (message = 'commit') => {
    await run('add', '-A');
    await run('commit', '-q', '-m', message);
  };
  if (opts.commit !== false && Object.keys(files).length > 0) await commitAll('initial');
  return { dir, git: run, write, commitAll, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
