import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { worktreeDiff } from '../../src/artifacts/worktree-diff.js';
import { createRepoFixture, type RepoFixture } from '../support/git-repo.js';

describe('worktreeDiff', () => {
  const repos: RepoFixture[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const r of repos.splice(0)) await r.cleanup();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  const repo = async (...args: Parameters<typeof createRepoFixture>) => {
    const r = await createRepoFixture(...args);
    repos.push(r);
    return r;
  };

  it('diffs modified, deleted and new untracked files against HEAD, respecting .gitignore, index untouched', async () => {
    const r = await repo({
      'hello.txt': 'hello\n',
      'gone.txt': 'bye\n',
      'keep.txt': 'same\n',
      '.gitignore': 'build/\n*.log\n',
      'staged.txt': 'one\n',
    });
    await r.write('hello.txt', 'hello, world\n');
    await unlink(path.join(r.dir, 'gone.txt'));
    await r.write('src/new.ts', 'export const x = 1;\n');
    await r.write('bin.dat', new Uint8Array([0, 1, 2, 3, 255, 0, 10]));
    await r.write('build/out.js', 'ignored\n');
    await r.write('debug.log', 'ignored\n');
    // The user has something staged and something half-staged: must stay exactly so.
    await r.write('staged.txt', 'two\n');
    await r.git('add', 'staged.txt');
    await r.write('staged.txt', 'three\n');

    const statusBefore = await r.git('status', '--porcelain');
    const indexBefore = await readFile(path.join(r.dir, '.git', 'index'));

    const { patch, files } = await worktreeDiff(r.dir);

    expect(files).toEqual(['bin.dat', 'gone.txt', 'hello.txt', 'src/new.ts', 'staged.txt']);
    expect(patch).toContain('diff --git a/hello.txt b/hello.txt');
    expect(patch).toContain('+hello, world');
    expect(patch).toContain('deleted file mode 100644');
    expect(patch).toMatch(/diff --git a\/src\/new.ts b\/src\/new.ts\nnew file mode 100644/);
    expect(patch).toContain('GIT binary patch');
    expect(patch).toContain('+three'); // the working tree, not the index
    expect(patch).not.toContain('build/out.js');
    expect(patch).not.toContain('debug.log');
    expect(patch).not.toContain('keep.txt');

    expect(await r.git('status', '--porcelain')).toBe(statusBefore);
    expect((await readFile(path.join(r.dir, '.git', 'index'))).equals(indexBefore)).toBe(true);

    // The patch reproduces the working tree on a clean checkout of HEAD.
    const clone = await mkdtemp(path.join(os.tmpdir(), 'tern-clone-'));
    dirs.push(clone);
    await execa('git', ['clone', '-q', r.dir, clone]);
    await execa('git', ['apply', '--index', '-'], { cwd: clone, input: patch });
    expect(await readFile(path.join(clone, 'hello.txt'), 'utf8')).toBe('hello, world\n');
    expect(await readFile(path.join(clone, 'src/new.ts'), 'utf8')).toBe('export const x = 1;\n');
    expect([...(await readFile(path.join(clone, 'bin.dat')))]).toEqual([0, 1, 2, 3, 255, 0, 10]);
  });

  it('returns an empty patch for a clean tree and works from a subdirectory', async () => {
    const r = await repo({ 'a/b.txt': 'b\n', 'c.txt': 'c\n' });
    expect(await worktreeDiff(r.dir)).toEqual({ patch: '', files: [] });
    await r.write('c.txt', 'c2\n');
    const sub = await worktreeDiff(path.join(r.dir, 'a'));
    expect(sub.files).toEqual(['c.txt']); // paths relative to the repository root
  });

  it('diffs against the empty tree in a repository without commits', async () => {
    const r = await repo({ 'first.txt': 'first\n', '.gitignore': 'secret.env\n', 'secret.env': 'X=1\n' }, { commit: false });
    const statusBefore = await r.git('status', '--porcelain');
    const { patch, files } = await worktreeDiff(r.dir);
    expect(files).toEqual(['.gitignore', 'first.txt']);
    expect(patch).toContain('new file mode 100644');
    expect(patch).toContain('+first');
    expect(await r.git('status', '--porcelain')).toBe(statusBefore);
    // still no index file created by us
    await expect(readFile(path.join(r.dir, '.git', 'index'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('can exclude a directory inside the work tree (the artifact dir)', async () => {
    const r = await repo({ 'x.txt': 'x\n' });
    await r.write('tern-out/result.json', '{}');
    await r.write('y.txt', 'y\n');
    expect((await worktreeDiff(r.dir, { exclude: [path.join(r.dir, 'tern-out')] })).files).toEqual(['y.txt']);
    expect((await worktreeDiff(r.dir)).files).toEqual(['tern-out/result.json', 'y.txt']);
  });

  it('fails clearly outside a git repository', async () => {
    const d = await mkdtemp(path.join(os.tmpdir(), 'tern-nogit-'));
    dirs.push(d);
    await expect(worktreeDiff(d)).rejects.toThrow(/not inside a git work tree/);
    await expect(worktreeDiff(path.join(d, 'missing'))).rejects.toThrow(/not an existing directory/);
  });
});
