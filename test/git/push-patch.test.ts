import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { worktreeDiff } from '../../src/artifacts/worktree-diff.js';
import { commitPatch, commitPatchAndPush, openPrivateGit, pushCommit, type PushPatchOptions } from '../../src/git/index.js';
import { GIT_IDENTITY_ENV, createRepoFixture, type RepoFixture } from '../support/git-repo.js';
import { ATTACKS, attackRepo } from './attacks.js';

const AUTHOR = { name: 'Tern Bot', email: 'bot@tern.invalid' };
const TOKEN = 'ghs_pushTOKENcanary9876543210';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');

describe('commitPatchAndPush', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const tempDir = async (prefix: string) => {
    const d = await mkdtemp(path.join(os.tmpdir(), prefix));
    cleanups.push(() => rm(d, { recursive: true, force: true }));
    return d;
  };
  const bareRemote = async () => {
    const d = await tempDir('tern-remote-');
    await execa('git', ['init', '-q', '--bare', '-b', 'main', d], { env: GIT_IDENTITY_ENV });
    return d;
  };
  const git = async (cwd: string, ...args: string[]) => (await execa('git', args, { cwd, env: GIT_IDENTITY_ENV })).stdout;
  /** A checkout with a base commit, and a patch made from edits that are then undone (the push must not need the work tree). */
  const checkoutWithPatch = async (r?: RepoFixture) => {
    const repo = r ?? (await createRepoFixture({ 'a.txt': 'a\n', 'gone.txt': 'bye\n', 'dir/b.txt': 'b\n' }));
    if (!r) cleanups.push(repo.cleanup);
    const baseSha = (await repo.git('rev-parse', 'HEAD')).trim();
    await repo.write('a.txt', 'a patched\n');
    await repo.write('dir/new.bin', new Uint8Array([0, 1, 2, 255]));
    await rm(path.join(repo.dir, 'gone.txt'), { force: true });
    const { patch } = await worktreeDiff(repo.dir);
    await repo.git('checkout', '--', '.');
    await rm(path.join(repo.dir, 'dir', 'new.bin'));
    return { repo, baseSha, patch };
  };
  const clone = async (remote: string, branch: string) => {
    const d = path.join(await tempDir('tern-clone-'), 'c');
    await execa('git', ['clone', '-q', '-b', branch, remote, d], { env: GIT_IDENTITY_ENV });
    return d;
  };

  it('commits base + patch with the given author and force-pushes one branch; the checkout is untouched', async () => {
    const { repo, baseSha, patch } = await checkoutWithPatch();
    const remote = await bareRemote();
    const statusBefore = await repo.git('status', '--porcelain');
    const indexBefore = await readFile(path.join(repo.dir, '.git', 'index'));
    const refsBefore = await repo.git('for-each-ref');

    const o: PushPatchOptions = { checkout: repo.dir, baseSha, patch, branch: 'tern/fix-1', message: 'Fix a\n\nBody.\n', author: AUTHOR, remote };
    const res = await commitPatchAndPush(o);
    expect(res).toEqual({ commitSha: expect.stringMatching(/^[0-9a-f]{40}$/), branch: 'tern/fix-1', remote });

    const c = await clone(remote, 'tern/fix-1');
    expect(await readFile(path.join(c, 'a.txt'), 'utf8')).toBe('a patched\n');
    expect([...(await readFile(path.join(c, 'dir', 'new.bin')))]).toEqual([0, 1, 2, 255]);
    expect(await readFile(path.join(c, 'dir', 'b.txt'), 'utf8')).toBe('b\n');
    expect(await stat(path.join(c, 'gone.txt')).catch(() => null)).toBeNull();
    expect(await git(c, 'log', '-1', '--format=%H|%P|%an|%ae|%cn|%ce|%B')).toBe(`${res.commitSha}|${baseSha}|Tern Bot|bot@tern.invalid|Tern Bot|bot@tern.invalid|Fix a\n\nBody.\n`);

    expect(await repo.git('status', '--porcelain')).toBe(statusBefore);
    expect((await readFile(path.join(repo.dir, '.git', 'index'))).equals(indexBefore)).toBe(true);
    expect(await repo.git('for-each-ref')).toBe(refsBefore);
    expect(await repo.git('cat-file', '-t', res.commitSha).catch(() => 'missing')).toBe('missing'); // objects stayed private

    // Pushing again with another patch replaces the branch: one branch, a new commit on the same base.
    await repo.write('a.txt', 'second try\n');
    const second = await worktreeDiff(repo.dir);
    await repo.git('checkout', '--', '.');
    const res2 = await commitPatchAndPush({ ...o, patch: second.patch, message: 'Second' });
    expect(res2.commitSha).not.toBe(res.commitSha);
    expect(await git(remote, 'for-each-ref', '--format=%(refname) %(objectname)')).toBe(`refs/heads/tern/fix-1 ${res2.commitSha}`);
    expect(await git(remote, 'log', '-1', '--format=%P', 'tern/fix-1')).toBe(baseSha);
    expect(await git(remote, 'show', 'tern/fix-1:a.txt')).toBe('second try');
  });

  it.each(ATTACKS)('runs nothing a planted %s names (nor planted push hooks or URL rewrites)', async (kind) => {
    const a = await attackRepo(kind);
    cleanups.push(a.cleanup);
    const { baseSha, patch } = await checkoutWithPatch(a.repo);
    await a.plant();
    const remote = await bareRemote();
    const evil = await bareRemote();
    await a.repo.git('config', `url.${evil}.insteadOf`, remote);
    await a.repo.git('config', 'core.sshCommand', `touch '${a.sentinel}'`);
    await a.repo.git('config', 'credential.helper', `!touch '${a.sentinel}'`);
    await a.repo.write('a.txt', 'dirty work tree\n');
    const res = await commitPatchAndPush({ checkout: a.repo.dir, baseSha, patch, branch: 'b', message: 'm', author: AUTHOR, remote });
    expect(await a.fired()).toBe(false);
    expect(await git(remote, 'rev-parse', 'refs/heads/b')).toBe(res.commitSha);
    expect(await git(evil, 'for-each-ref')).toBe('');
    expect(await git(remote, 'show', 'b:a.txt')).toBe('a patched');
  });

  it('keeps the token out of error messages and out of every file of the private dir', async () => {
    const { repo, baseSha, patch } = await checkoutWithPatch();
    const o = { checkout: repo.dir, baseSha, patch, branch: 'tern/t', message: 'm', author: AUTHOR, token: TOKEN };

    const err = await commitPatchAndPush({ ...o, remote: 'https://127.0.0.1:1/o/r.git' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'push_failed', message: expect.stringMatching(/^push to https:\/\/127\.0\.0\.1:1\/o\/r\.git failed: .+/) });
    const text = `${(err as Error).message} ${String((err as Error).cause)} ${(err as Error).stack}`;
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(BASIC);
    expect((err as Error).message).not.toContain('\n');

    // Same steps with the private dir kept open: nothing written there holds the token.
    const pg = await openPrivateGit(repo.dir);
    try {
      const commitSha = await commitPatch(pg, o);
      await expect(pushCommit(pg, { ...o, commitSha, remote: 'https://127.0.0.1:1/o/r.git' })).rejects.toThrow(/failed/);
      const files = await readdir(pg.scratch, { recursive: true, withFileTypes: true });
      const contents = await Promise.all(files.filter((f) => f.isFile()).map((f) => readFile(path.join(f.parentPath, f.name))));
      expect(contents.length).toBeGreaterThan(3);
      for (const c of contents) {
        expect(c.includes(TOKEN)).toBe(false);
        expect(c.includes(BASIC)).toBe(false);
      }
    } finally {
      await pg.dispose();
    }
  });

  it('accepts a local remote path relative to the caller cwd', async () => {
    const { repo, baseSha, patch } = await checkoutWithPatch();
    const remote = await bareRemote();
    const relative = path.relative(process.cwd(), remote);
    const res = await commitPatchAndPush({ checkout: repo.dir, baseSha, patch, branch: 'rel', message: 'm', author: AUTHOR, remote: relative });
    expect(res.remote).toBe(relative);
    expect(await git(remote, 'rev-parse', 'refs/heads/rel')).toBe(res.commitSha);
  });

  it('hides credentials in the remote URL and refuses a token over plain http', async () => {
    const { repo, baseSha, patch } = await checkoutWithPatch();
    const o = { checkout: repo.dir, baseSha, patch, branch: 'x', message: 'm', author: AUTHOR };
    const err = await commitPatchAndPush({ ...o, remote: `https://user:${TOKEN}@127.0.0.1:1/o/r.git` }).then(() => new Error('pushed'), (e: Error) => e);
    expect(err.message).toMatch(/^push to https:\/\/127\.0\.0\.1:1\/o\/r\.git failed/);
    expect(err.message).not.toContain(TOKEN);
    await expect(commitPatchAndPush({ ...o, remote: 'http://127.0.0.1:1/o/r.git', token: TOKEN })).rejects.toMatchObject({
      code: 'bad_remote',
      message: 'refusing to send a token to a plain http:// remote',
    });
  });

  it('rejects an empty patch, a bad branch name, a bad base and a patch that does not apply, clearly', async () => {
    const { repo, baseSha, patch } = await checkoutWithPatch();
    const remote = await bareRemote();
    const o: PushPatchOptions = { checkout: repo.dir, baseSha, patch, branch: 'ok', message: 'm', author: AUTHOR, remote };
    await expect(commitPatchAndPush({ ...o, patch: ' \n' })).rejects.toMatchObject({ code: 'empty_patch', message: 'nothing to commit: the patch is empty' });
    for (const branch of ['', 'a..b', '-f', 'a b', 'x.lock', '@{-1}', 'refs/heads/../x']) {
      await expect(commitPatchAndPush({ ...o, branch })).rejects.toMatchObject({ code: 'invalid_branch' });
    }
    await expect(commitPatchAndPush({ ...o, baseSha: 'HEAD' })).rejects.toMatchObject({ code: 'bad_revision' });
    await expect(commitPatchAndPush({ ...o, baseSha: 'e'.repeat(40) })).rejects.toMatchObject({ code: 'bad_revision' });
    const other = patch.replace(/^-a$/m, '-not what is there');
    await expect(commitPatchAndPush({ ...o, patch: other })).rejects.toMatchObject({
      code: 'patch_failed',
      message: expect.stringMatching(new RegExp(`^the patch does not apply to ${baseSha}: .*a\\.txt`)),
    });
    expect(await git(remote, 'for-each-ref')).toBe('');
  });
});
