// A throwaway git repository for tests (real git, no global config involved).
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export interface TempRepo {
  dir: string;
  git(...args: string[]): Promise<string>;
  write(rel: string, content: string | Uint8Array): Promise<void>;
  commitAll(message?: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function createTempRepo(files: Record<string, string> = {}, opts: { commit?: boolean; base?: string } = {}): Promise<TempRepo> {
  const dir = await mkdtemp(path.join(opts.base ?? os.tmpdir(), 'tern-repo-'));
  const git = async (...args: string[]) =>
    (await execa('git', args, { cwd: dir, env: GIT_ENV, stripFinalNewline: false })).stdout;
  const write = async (rel: string, content: string | Uint8Array) => {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  };
  await git('init', '-q', '-b', 'main');
  for (const [rel, content] of Object.entries(files)) await write(rel, content);
  const commitAll = async (message = 'commit') => {
    await git('add', '-A');
    await git('commit', '-q', '-m', message);
  };
  if (opts.commit !== false && Object.keys(files).length > 0) await commitAll('initial');
  return { dir, git, write, commitAll, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
