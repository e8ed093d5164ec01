import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { worktreeDiff } from '../../src/artifacts/worktree-diff.js';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { ATTACKS, attackRepo, proveAttack, type AttackRepo } from '../git/attacks.js';
import { GIT_IDENTITY_ENV, createRepoFixture, type RepoFixture } from '../support/git-repo.js';

describe('worktreeDiff', () => {
  const repos: RepoFixture[] = [];
  const dirs: string[] = [];
  const attacked: AttackRepo[] = [];
  afterEach(async () => {
    for (const a of attacked.splice(0)) await a.cleanup();
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

  it.each(ATTACKS)('runs nothing a planted %s names, and still diffs the work tree', async (kind) => {
    const proof = await attackRepo(kind);
    attacked.push(proof);
    await proof.plant();
    await proveAttack(kind, proof);
    expect(await proof.fired()).toBe(true); // the plant is real

    const a = await attackRepo(kind);
    attacked.push(a);
    await a.plant();
    await a.repo.write('a.txt', 'a changed\n');
    await a.repo.write('new.txt', 'new\n');
    const { patch, files } = await worktreeDiff(a.repo.dir);
    expect(await a.fired()).toBe(false);
    expect(files).toEqual(expect.arrayContaining(['a.txt', 'new.txt']));
    expect(files).not.toContain('b.txt');
    expect(patch).toContain('+a changed'); // raw content: no filter, no textconv
    expect(patch).toMatch(/^diff --git a\/a.txt b\/a.txt$/m); // no external diff
  });

  it('diffs against a base commit, so commits made during the turn are part of the diff', async () => {
    const r = await repo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const before = (await r.git('rev-parse', 'HEAD')).trim();
    await r.write('a.txt', 'a committed by the model\n');
    await r.commitAll('model commit');
    await r.write('b.txt', 'b uncommitted\n');

    const sinceTurn = await worktreeDiff(r.dir, { base: before });
    expect(sinceTurn.files).toEqual(['a.txt', 'b.txt']);
    expect(sinceTurn.patch).toContain('+a committed by the model');
    expect((await worktreeDiff(r.dir)).files).toEqual(['b.txt']); // default: current HEAD

    await expect(worktreeDiff(r.dir, { base: 'HEAD~1' })).rejects.toThrow(/not a commit id/);
    await expect(worktreeDiff(r.dir, { base: 'f'.repeat(40) })).rejects.toThrow(/not a commit of this repository/);
  });

  it('still diffs against a given base when the turn made the checkout config unreadable', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    const base = (await r.git('rev-parse', 'HEAD')).trim();
    await writeFile(path.join(r.dir, '.git', 'config'), '[core\n\tgarbage ===\n');
    await r.write('a.txt', 'a2\n');
    expect((await worktreeDiff(r.dir, { base })).files).toEqual(['a.txt']);
    await expect(worktreeDiff(r.dir)).rejects.toThrow(/cannot diff .*: cannot read HEAD: .*config/);
  });

  it("keeps honouring the checkout's info/exclude (patterns only)", async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    await writeFile(path.join(r.dir, '.git', 'info', 'exclude'), '.env.local\n');
    await r.write('.env.local', 'SECRET=1\n');
    await r.write('c.txt', 'c\n');
    const { patch, files } = await worktreeDiff(r.dir);
    expect(files).toEqual(['c.txt']);
    expect(patch).not.toContain('SECRET');
  });

  it('works in a sha256 repository, with and without commits', async () => {
    const d = await mkdtemp(path.join(os.tmpdir(), 'tern-sha256-'));
    dirs.push(d);
    const git = (...args: string[]) => execa('git', args, { cwd: d, env: GIT_IDENTITY_ENV });
    await git('init', '-q', '--object-format=sha256');
    await writeFile(path.join(d, 'a.txt'), 'a\n');
    expect((await worktreeDiff(d)).files).toEqual(['a.txt']);
    await git('add', '-A');
    await git('commit', '-q', '-m', 'init');
    await writeFile(path.join(d, 'a.txt'), 'a2\n');
    const { patch, files } = await worktreeDiff(d);
    expect(files).toEqual(['a.txt']);
    expect(patch).toMatch(/^index [0-9a-f]{7,}\.\.[0-9a-f]{7,} 100644$/m);
  });

  it('works in a linked worktree (git dir named by a gitdir: file)', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    const wt = await mkdtemp(path.join(os.tmpdir(), 'tern-wt-'));
    dirs.push(wt);
    await r.git('worktree', 'add', '-q', '-b', 'side', path.join(wt, 'tree'));
    const tree = path.join(wt, 'tree');
    await writeFile(path.join(tree, 'a.txt'), 'a in worktree\n');
    await writeFile(path.join(tree, 'w.txt'), 'w\n');
    const { patch, files } = await worktreeDiff(tree);
    expect(files).toEqual(['a.txt', 'w.txt']);
    expect(patch).toContain('+a in worktree');
    expect((await worktreeDiff(r.dir)).files).toEqual([]);
  });

  it('ignores core.worktree in the checkout config (it cannot widen the diff)', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'tern-elsewhere-'));
    dirs.push(elsewhere);
    await writeFile(path.join(elsewhere, 'private.key'), 'secret\n');
    await r.git('config', 'core.worktree', elsewhere);
    await writeFile(path.join(r.dir, 'a.txt'), 'a2\n');
    expect((await worktreeDiff(r.dir)).files).toEqual(['a.txt']);
  });

  it('treats an LFS-tracked file whose content matches its committed pointer as unchanged', async () => {
    const big = 'pretend this is a large binary asset\n';
    const big2 = 'another asset\n';
    const pointer = (content: string) =>
      `version https://git-lfs.github.com/spec/v1\noid sha256:${createHash('sha256').update(content).digest('hex')}\nsize ${Buffer.byteLength(content)}\n`;
    // Committed as git-lfs would (pointers), checked out as git-lfs would (smudged content).
    const r = await repo({ '.gitattributes': '*.bin filter=lfs diff=lfs merge=lfs -text\n', 'asset.bin': pointer(big), 'other.bin': pointer(big2), 'plain.txt': pointer(big) });
    await r.write('asset.bin', big);
    await r.write('other.bin', 'edited asset\n');
    await r.write('plain.txt', big); // not LFS-tracked: a real change
    const { files, patch } = await worktreeDiff(r.dir);
    expect(files).toEqual(['other.bin', 'plain.txt']);
    expect(patch).toContain('+edited asset');
  });
});
