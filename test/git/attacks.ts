/**
 * Real planted attacks on a checkout: each makes git run a command (creating a
 * sentinel file) when git runs with the checkout's own config. `proveAttack`
 * runs plain git in the checkout to show the plant works; tern's functions must
 * then leave the sentinel absent.
 */
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { GIT_IDENTITY_ENV, createRepoFixture, type RepoFixture } from '../support/git-repo.js';

export const ATTACKS = ['config-filter', 'gitattributes-filter', 'fsmonitor', 'hooks-path', 'git-hooks', 'diff-external', 'textconv'] as const;
export type AttackKind = (typeof ATTACKS)[number];

/** Hooks planted by the hook attacks: the ones that index writes, commits and pushes run. */
const HOOKS = ['pre-commit', 'post-commit', 'post-index-change', 'pre-push', 'reference-transaction', 'pre-auto-gc'];

export interface AttackRepo {
  repo: RepoFixture;
  sentinel: string;
  /** Plants the attack; returns what `compareGitControl` must report (one regexp per expected line). */
  plant(): Promise<RegExp[]>;
  fired(): Promise<boolean>;
  cleanup(): Promise<void>;
}

/** A committed repo (a.txt, b.txt) ready for `kind`, planted by `plant()` (after the commit: the plant is part of the "turn"). */
export async function attackRepo(kind: AttackKind): Promise<AttackRepo> {
  const repo = await createRepoFixture({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
  const side = await mkdtemp(path.join(os.tmpdir(), 'tern-sentinel-'));
  const sentinel = path.join(side, 'PWNED');
  const touch = `touch '${sentinel}'`;
  return {
    repo,
    sentinel,
    plant: () => plantAttack(repo, kind, touch, side),
    fired: async () => (await stat(sentinel).catch(() => null)) !== null,
    cleanup: async () => {
      await repo.cleanup();
      await rm(side, { recursive: true, force: true });
    },
  };
}

async function plantAttack(repo: RepoFixture, kind: AttackKind, touch: string, side: string): Promise<RegExp[]> {
  const cfg = (...kv: string[]) => repo.git('config', ...kv);
  const script = async (file: string) => {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `#!/bin/sh\n${touch}\nexit 0\n`);
    await chmod(file, 0o755);
  };
  switch (kind) {
    case 'config-filter':
      await cfg('filter.x.clean', `${touch}; cat`);
      await cfg('filter.x.smudge', `${touch}; cat`);
      await writeFile(path.join(repo.dir, '.git', 'info', 'attributes'), '* filter=x\n');
      return [/^\.git\/config changed$/, /^\.git\/info\/attributes added$/];
    case 'gitattributes-filter':
      await cfg('filter.y.clean', `${touch}; cat`);
      await repo.write('.gitattributes', '*.txt filter=y\n');
      return [/^\.git\/config changed$/, /^\.gitattributes: new filter attribute "\*\.txt filter=y"$/];
    case 'fsmonitor':
      await cfg('core.fsmonitor', `${touch}; true`);
      return [/^\.git\/config changed$/];
    case 'hooks-path':
      await cfg('core.hooksPath', 'tools/hooks');
      for (const h of HOOKS) await script(path.join(repo.dir, 'tools', 'hooks', h));
      return [/^\.git\/config changed$/, ...HOOKS.map((h) => new RegExp(`^tools/hooks/${h} added$`))];
    case 'git-hooks':
      for (const h of HOOKS) await script(path.join(repo.dir, '.git', 'hooks', h));
      return HOOKS.map((h) => new RegExp(`^\\.git/hooks/${h} added$`));
    case 'diff-external':
      await script(path.join(side, 'ext-diff'));
      await cfg('diff.external', path.join(side, 'ext-diff'));
      return [/^\.git\/config changed$/];
    case 'textconv':
      await cfg('diff.tc.textconv', `${touch}; cat`);
      await repo.write('.gitattributes', '*.txt diff=tc\n');
      return [/^\.git\/config changed$/, /^\.gitattributes: new diff attribute "\*\.txt diff=tc"$/];
  }
}

/** Runs what a careless caller would (plain git in the checkout, its own config): the plant must fire. */
export async function proveAttack(kind: AttackKind, r: AttackRepo): Promise<void> {
  const git = (...args: string[]) => execa('git', args, { cwd: r.repo.dir, env: GIT_IDENTITY_ENV, reject: false });
  await r.repo.write('a.txt', 'a changed\n');
  if (kind === 'hooks-path' || kind === 'git-hooks') await git('commit', '-q', '--allow-empty', '-m', 'x');
  else if (kind === 'fsmonitor') await git('status');
  else if (kind === 'diff-external' || kind === 'textconv') await git('diff');
  else await git('add', '-A');
}
