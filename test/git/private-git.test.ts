import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { worktreeDiff } from '../../src/artifacts/worktree-diff.js';
import { HARDENING_CONFIG, commitPatchAndPush, hardenedGitEnv, openPrivateGit, safeSearchPath } from '../../src/git/index.js';
import { createRepoFixture } from '../support/git-repo.js';

/** Every variable a git process of tern may see (the last three are added by /bin/sh in the logging wrapper). */
const ALLOWED_ENV = new Set([
  'PATH', 'HOME', 'LC_ALL', 'GIT_CONFIG_NOSYSTEM', 'GIT_CONFIG_GLOBAL', 'GIT_ATTR_NOSYSTEM', 'GIT_TERMINAL_PROMPT',
  'GIT_NO_REPLACE_OBJECTS', 'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0',
  'GIT_TEST_DISALLOW_ABBREVIATED_OPTIONS', 'PWD', 'SHLVL', '_',
]);
const TOKEN = 'ghs_canaryTOKENvalue0123456789';

describe('hardenedGitEnv', () => {
  it('is built from nothing: none of the caller variables, git config from nowhere', () => {
    process.env.TERN_CANARY = 'canary';
    process.env.GIT_CONFIG_PARAMETERS = "'core.hookspath'='/tmp/evil'";
    try {
      const env = hardenedGitEnv({ home: '/tmp/h', gitDir: '/tmp/g', workTree: '/tmp/w', indexFile: '/tmp/i', path: '/usr/bin:/bin' });
      expect(env).toEqual({
        PATH: '/usr/bin:/bin',
        HOME: '/tmp/h',
        LC_ALL: 'C',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_ATTR_NOSYSTEM: '1',
        GIT_TERMINAL_PROMPT: '0',
        GIT_NO_REPLACE_OBJECTS: '1',
        GIT_DIR: '/tmp/g',
        GIT_WORK_TREE: '/tmp/w',
        GIT_INDEX_FILE: '/tmp/i',
      });
      expect(Object.keys(hardenedGitEnv({ home: '/h', gitDir: '/g' })).sort()).toEqual(
        ['GIT_ATTR_NOSYSTEM', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM', 'GIT_DIR', 'GIT_NO_REPLACE_OBJECTS', 'GIT_TERMINAL_PROMPT', 'HOME', 'LC_ALL', 'PATH'],
      );
    } finally {
      delete process.env.TERN_CANARY;
      delete process.env.GIT_CONFIG_PARAMETERS;
    }
  });

  it('passes extra config and identity through the environment only', () => {
    const env = hardenedGitEnv({
      home: '/h',
      gitDir: '/g',
      config: { 'http.extraheader': 'AUTHORIZATION: basic abc' },
      identity: { name: 'Bot', email: 'bot@x.invalid' },
    });
    expect(env).toMatchObject({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraheader',
      GIT_CONFIG_VALUE_0: 'AUTHORIZATION: basic abc',
      GIT_AUTHOR_NAME: 'Bot',
      GIT_COMMITTER_NAME: 'Bot',
      GIT_AUTHOR_EMAIL: 'bot@x.invalid',
      GIT_COMMITTER_EMAIL: 'bot@x.invalid',
    });
  });

  it('drops PATH entries the agent could write to (inside the checkout) and relative ones', () => {
    const p = ['/repo/node_modules/.bin', '/usr/bin', 'bin', '', '/repo', '/repository/bin', '/usr/bin', '/bin'].join(':');
    expect(safeSearchPath(p, ['/repo'])).toBe('/usr/bin:/repository/bin:/bin');
    expect(safeSearchPath('/repo/bin', ['/repo'])).toBe('/usr/local/bin:/usr/bin:/bin');
    expect(HARDENING_CONFIG).toEqual(expect.arrayContaining(['core.hooksPath=/dev/null', 'core.fsmonitor=false']));
  });
});

describe('openPrivateGit', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const repo = async (files: Record<string, string>) => {
    const r = await createRepoFixture(files);
    cleanups.push(r.cleanup);
    return r;
  };
  const tempDir = async (prefix: string) => {
    const d = await mkdtemp(path.join(os.tmpdir(), prefix));
    cleanups.push(() => rm(d, { recursive: true, force: true }));
    return d;
  };

  it('borrows the checkout objects through alternates; no hooks, no template; dispose removes it', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    const head = (await r.git('rev-parse', 'HEAD')).trim();
    const pg = await openPrivateGit(path.join(r.dir));
    try {
      expect(pg.checkout).toEqual({ workTree: r.dir, gitDir: path.join(r.dir, '.git'), commonDir: path.join(r.dir, '.git'), objectFormat: 'sha1' });
      expect(await readFile(path.join(pg.gitDir, 'objects', 'info', 'alternates'), 'utf8')).toBe(`${path.join(r.dir, '.git', 'objects')}\n`);
      expect((await readdir(pg.gitDir)).sort()).toEqual(['HEAD', 'config', 'info', 'objects', 'refs']);
      expect((await pg.git.raw(['cat-file', '-t', head])).trim()).toBe('commit');
      expect(pg.env.GIT_DIR).toBe(pg.gitDir);
      expect(pg.env.GIT_WORK_TREE).toBeUndefined();
    } finally {
      await pg.dispose();
    }
    expect(await stat(pg.scratch).catch(() => null)).toBeNull();
  });

  it('resolves the common git dir of a linked worktree', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    const wt = path.join(await tempDir('tern-wt-'), 'tree');
    await r.git('worktree', 'add', '-q', '-b', 'side', wt);
    const pg = await openPrivateGit(path.join(wt), { workTree: true });
    try {
      expect(pg.checkout.workTree).toBe(wt);
      expect(pg.checkout.gitDir).toBe(path.join(r.dir, '.git', 'worktrees', 'tree'));
      expect(pg.checkout.commonDir).toBe(path.join(r.dir, '.git'));
      expect(pg.env.GIT_WORK_TREE).toBe(wt);
    } finally {
      await pg.dispose();
    }
  });

  it('follows a relative gitdir: file (a submodule), ignoring the core.worktree it sets', async () => {
    const sub = await repo({ 's.txt': 's\n' });
    const sup = await repo({ 'top.txt': 't\n' });
    await sup.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'mod');
    await sup.commitAll('add submodule');
    const dir = path.join(sup.dir, 'mod');
    expect(await readFile(path.join(dir, '.git'), 'utf8')).toBe('gitdir: ../.git/modules/mod\n');
    await writeFile(path.join(dir, 's.txt'), 's2\n');
    const pg = await openPrivateGit(dir, { workTree: true });
    try {
      expect(pg.checkout).toMatchObject({ workTree: dir, gitDir: path.join(sup.dir, '.git', 'modules', 'mod') });
    } finally {
      await pg.dispose();
    }
    expect((await worktreeDiff(dir)).files).toEqual(['s.txt']);
    expect((await worktreeDiff(sup.dir)).files).toEqual([]); // the gitlink still points at the same commit
  });

  it.runIf(process.getuid?.() === 0)('works on a checkout owned by another user, without safe.directory', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    await r.write('a.txt', 'a2\n');
    await execa('chown', ['-R', '12345:12345', r.dir]);
    expect((await worktreeDiff(r.dir)).files).toEqual(['a.txt']);
  });

  it('fails clearly outside a work tree and inside .git', async () => {
    const d = await tempDir('tern-nogit-');
    await expect(openPrivateGit(d)).rejects.toMatchObject({ code: 'not_a_git_repo' });
    const r = await repo({ 'a.txt': 'a\n' });
    await expect(openPrivateGit(path.join(r.dir, '.git', 'refs'))).rejects.toMatchObject({ code: 'not_a_git_repo' });
  });

  describe('observed through a logging `git` wrapper on PATH', () => {
    const savedPath = process.env.PATH;
    afterEach(() => {
      process.env.PATH = savedPath;
      for (const k of ['TERN_CANARY', 'OPENAI_API_KEY', 'GIT_CONFIG_PARAMETERS', 'GIT_EXTERNAL_DIFF']) delete process.env[k];
    });

    /** Puts a `git` that logs argv and env, then runs the real git, first on PATH; returns the log reader. */
    const installWrapper = async (dir: string) => {
      const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
      const log = path.join(dir, 'calls.log');
      await mkdir(path.join(dir, 'bin'), { recursive: true });
      const wrapper = [
        '#!/bin/sh',
        `{ printf 'ARGV'; for a in "$@"; do printf '\\037%s' "$a"; done; printf '\\n'; env | sed 's/^/ENV /'; echo END; } >> '${log}'`,
        `exec '${realGit}' "$@"`,
        '',
      ].join('\n');
      await writeFile(path.join(dir, 'bin', 'git'), wrapper);
      await chmod(path.join(dir, 'bin', 'git'), 0o755);
      process.env.PATH = `${path.join(dir, 'bin')}:${savedPath}`;
      return async () =>
        (await readFile(log, 'utf8').catch(() => ''))
          .split('END\n')
          .filter((c) => c.startsWith('ARGV'))
          .map((c) => {
            const [argvLine, ...envLines] = c.trimEnd().split('\n');
            const env = Object.fromEntries(envLines.map((l) => l.slice(4)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
            return { argv: argvLine!.split('\x1f').slice(1), env: env as Record<string, string> };
          });
    };

    it("no git process sees a caller variable; the checkout's git dir gets read-only probes only; the token stays off argv", async () => {
      const r = await repo({ 'a.txt': 'a\n' });
      const base = (await r.git('rev-parse', 'HEAD')).trim();
      const remote = await tempDir('tern-remote-');
      await execa('git', ['init', '-q', '--bare', remote]);
      const calls = await installWrapper(await tempDir('tern-wrap-'));
      await r.write('a.txt', 'a2\n');

      process.env.TERN_CANARY = 'canary-value';
      process.env.OPENAI_API_KEY = 'sk-canary';
      process.env.GIT_CONFIG_PARAMETERS = "'core.hookspath'='/tmp/evil'";
      process.env.GIT_EXTERNAL_DIFF = '/tmp/evil-diff';
      const { patch } = await worktreeDiff(r.dir);
      const author = { name: 'Bot', email: 'bot@tern.invalid' };
      const opts = { checkout: r.dir, baseSha: base, patch, branch: 'tern/x', message: 'm', author };
      await commitPatchAndPush({ ...opts, remote });
      await expect(commitPatchAndPush({ ...opts, remote: 'https://127.0.0.1:1/o/r.git', token: TOKEN })).rejects.toThrow(/push to/);

      const log = await calls();
      expect(log.length).toBeGreaterThan(8);
      const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
      for (const { argv, env } of log) {
        expect(Object.keys(env).filter((k) => !ALLOWED_ENV.has(k))).toEqual([]);
        expect(JSON.stringify(env)).not.toContain('canary');
        expect(argv.slice(0, 2)).toEqual(['-c', 'core.hooksPath=/dev/null']);
        expect(argv.join(' ')).not.toContain(TOKEN);
        expect(argv.join(' ')).not.toContain(basic);
        const task = argv[argv.findIndex((a, i) => i > 0 && !argv[i - 1]!.startsWith('-c') && !a.startsWith('-'))];
        if (env.GIT_DIR === path.join(r.dir, '.git')) {
          expect(['rev-parse', 'config']).toContain(task); // probes of the checkout's own git dir
          if (task === 'config') expect(argv).toContain('--get');
        } else {
          expect(env.GIT_DIR).toMatch(/tern-git-[^/]+\/repo\.git$/);
        }
        if (env.GIT_CONFIG_VALUE_0) {
          expect(task).toBe('push');
          expect(env.GIT_CONFIG_VALUE_0).toBe(`AUTHORIZATION: basic ${basic}`);
        }
      }
      expect(log.some(({ env }) => env.GIT_CONFIG_VALUE_0)).toBe(true);
    });

    it('never runs a `git` planted on a PATH entry inside the checkout', async () => {
      const r = await repo({ 'a.txt': 'a\n', '.gitignore': 'node_modules/\n' });
      const side = await tempDir('tern-side-');
      const planted = path.join(r.dir, 'node_modules', '.bin');
      await mkdir(planted, { recursive: true });
      await writeFile(path.join(planted, 'git'), `#!/bin/sh\ntouch '${path.join(side, 'PWNED')}'\nexit 1\n`);
      await chmod(path.join(planted, 'git'), 0o755);
      process.env.PATH = `${planted}:${savedPath}`;
      await r.write('a.txt', 'a2\n');
      expect((await worktreeDiff(r.dir)).files).toEqual(['a.txt']);
      expect(await stat(path.join(side, 'PWNED')).catch(() => null)).toBeNull();
    });
  });
});
