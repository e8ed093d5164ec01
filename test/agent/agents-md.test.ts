/** AGENTS.md discovery: which files, in which order, under which cap. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentsMdText,
  discoverAgentsMd,
  findRepoRoot,
  PROJECT_DOC_MAX_BYTES_DEFAULT,
  searchDirs,
  truncateUtf8,
  type AgentsMdOptions,
} from '../../src/agent/agents-md.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'tern-agents-md-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A directory tree under a fresh folder; `.git` marks the repository root. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(root, 't-'));
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    if (rel.endsWith('/')) mkdirSync(p, { recursive: true });
    else writeFileSync(p, content);
  }
  return dir;
}

const opts = (cwd: string, extra: Partial<AgentsMdOptions> = {}): AgentsMdOptions => ({
  cwd,
  globalDir: null,
  maxBytes: PROJECT_DOC_MAX_BYTES_DEFAULT,
  fallbackFilenames: [],
  ...extra,
});

describe('AGENTS.md discovery', () => {
  it('the default cap is 32 KiB', () => {
    expect(PROJECT_DOC_MAX_BYTES_DEFAULT).toBe(32 * 1024);
  });

  it('walks from the repository root down to cwd, root first and nearest last', async () => {
    const dir = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'AGENTS.md': 'root rules\n',
      'pkg/README.md': 'not an instruction file',
      'pkg/sub/AGENTS.md': 'sub rules\n',
    });
    const cwd = path.join(dir, 'pkg', 'sub');
    expect(await searchDirs(cwd)).toEqual([dir, path.join(dir, 'pkg'), cwd]);
    const r = await discoverAgentsMd(opts(cwd));
    expect(r.files.map((f) => [path.relative(dir, f.path), f.text])).toEqual([
      ['AGENTS.md', 'root rules\n'],
      ['pkg/sub/AGENTS.md', 'sub rules\n'],
    ]);
    expect(r.truncated).toBe(false);
  });

  it('ignores AGENTS.md above the repository root', async () => {
    const outer = tree({ 'AGENTS.md': 'outside the repo', 'repo/.git/': '', 'repo/AGENTS.md': 'inside' });
    const r = await discoverAgentsMd(opts(path.join(outer, 'repo')));
    expect(r.files.map((f) => f.text)).toEqual(['inside']);
  });

  it('without a repository, reads cwd only', async () => {
    const outer = tree({ 'AGENTS.md': 'parent', 'work/AGENTS.md': 'here' });
    const cwd = path.join(outer, 'work');
    // The temp dir is not inside a git repository.
    expect(await searchDirs(cwd)).toEqual([cwd]);
    expect((await discoverAgentsMd(opts(cwd))).files.map((f) => f.text)).toEqual(['here']);
  });

  it('an empty .git directory (a sandbox mount point, say) does not make a repository root', async () => {
    const outer = tree({ '.git/': '', 'AGENTS.md': 'not a repo', 'work/AGENTS.md': 'here' });
    const cwd = path.join(outer, 'work');
    expect(await findRepoRoot(cwd)).not.toBe(outer);
    expect((await discoverAgentsMd(opts(cwd))).files.map((f) => f.text)).not.toContain('not a repo');
    writeFileSync(path.join(outer, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    expect(await findRepoRoot(cwd)).toBe(outer);
  });

  it('takes one file per directory: AGENTS.override.md, else AGENTS.md, else a fallback name; empty files are skipped', async () => {
    const dir = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'AGENTS.override.md': 'override wins',
      'AGENTS.md': 'shadowed',
      'a/AGENTS.md': '  \n\n',
      'a/CLAUDE.md': 'fallback used because AGENTS.md is empty',
      'a/b/AGENTS.md': 'plain',
      'a/b/CLAUDE.md': 'not read: AGENTS.md exists',
    });
    const r = await discoverAgentsMd(opts(path.join(dir, 'a', 'b'), { fallbackFilenames: ['CLAUDE.md'] }));
    expect(r.files.map((f) => path.relative(dir, f.path))).toEqual(['AGENTS.override.md', 'a/CLAUDE.md', 'a/b/AGENTS.md']);
    expect(r.files.map((f) => f.text)).toEqual(['override wins', 'fallback used because AGENTS.md is empty', 'plain']);
  });

  it('reads the global file from the tern home first', async () => {
    const home = tree({ 'AGENTS.md': 'global rules' });
    const dir = tree({ '.git/HEAD': 'ref: refs/heads/main\n', 'AGENTS.md': 'repo rules' });
    const r = await discoverAgentsMd(opts(dir, { globalDir: home }));
    expect(r.files.map((f) => f.text)).toEqual(['global rules', 'repo rules']);
  });

  it('spends the cap nearest first: the outermost file is cut, then left out', async () => {
    const dir = tree({ '.git/HEAD': 'ref: refs/heads/main\n', 'AGENTS.md': 'R'.repeat(100), 'x/AGENTS.md': 'N'.repeat(60) });
    const cwd = path.join(dir, 'x');
    const cut = await discoverAgentsMd(opts(cwd, { maxBytes: 100 }));
    expect(cut.truncated).toBe(true);
    expect(cut.files.map((f) => [f.text, f.truncated])).toEqual([
      ['R'.repeat(40), true],
      ['N'.repeat(60), false],
    ]);
    const dropped = await discoverAgentsMd(opts(cwd, { maxBytes: 50 }));
    expect(dropped.files.map((f) => [f.text, f.truncated])).toEqual([['N'.repeat(50), true]]);
    expect(dropped.truncated).toBe(true);
  });

  it('project_doc_max_bytes = 0 turns AGENTS.md off', async () => {
    const dir = tree({ '.git/HEAD': 'ref: refs/heads/main\n', 'AGENTS.md': 'rules' });
    expect((await discoverAgentsMd(opts(dir, { maxBytes: 0 }))).files).toEqual([]);
  });

  it('follows a symlink only inside the repository', async () => {
    const secret = tree({ 'secret.txt': 'TOKEN=abc' });
    const dir = tree({ '.git/HEAD': 'ref: refs/heads/main\n', 'docs/agents.md': 'linked rules', 'sub/': '' });
    symlinkSync(path.join(secret, 'secret.txt'), path.join(dir, 'AGENTS.md'));
    symlinkSync(path.join(dir, 'docs', 'agents.md'), path.join(dir, 'sub', 'AGENTS.md'));
    const r = await discoverAgentsMd(opts(path.join(dir, 'sub')));
    expect(r.files.map((f) => f.text)).toEqual(['linked rules']);
  });

  it('never cuts a UTF-8 character in half', () => {
    const buf = Buffer.from('aé€', 'utf8'); // 1 + 2 + 3 bytes
    expect(truncateUtf8(buf, 2)).toBe('a');
    expect(truncateUtf8(buf, 3)).toBe('aé');
    expect(truncateUtf8(buf, 5)).toBe('aé');
    expect(truncateUtf8(buf, 6)).toBe('aé€');
  });
});

describe('the AGENTS.md message', () => {
  it('wraps the files in the Codex wrapper, each under its path, nearest last', async () => {
    const dir = tree({ '.git/HEAD': 'ref: refs/heads/main\n', 'AGENTS.md': 'Use pnpm.\n', 'web/AGENTS.md': 'Run the web tests.\n' });
    const cwd = path.join(dir, 'web');
    const text = agentsMdText(cwd, await discoverAgentsMd(opts(cwd)));
    expect(text).toBe(
      [
        `# AGENTS.md instructions for ${cwd}`,
        '',
        '<INSTRUCTIONS>',
        `## ${path.join(dir, 'AGENTS.md')}`,
        '',
        'Use pnpm.',
        '',
        `## ${path.join(dir, 'web', 'AGENTS.md')}`,
        '',
        'Run the web tests.',
        '</INSTRUCTIONS>',
      ].join('\n'),
    );
  });

  it('says when a file was cut, and is null when there is nothing', async () => {
    const dir = tree({ '.git/HEAD': 'ref: refs/heads/main\n', 'AGENTS.md': 'x'.repeat(20) });
    const text = agentsMdText(dir, await discoverAgentsMd(opts(dir, { maxBytes: 10 })))!;
    expect(text).toContain(`${'x'.repeat(10)}\n[... the rest of this file was left out: AGENTS.md size limit reached]`);
    expect(agentsMdText(dir, { files: [], truncated: false })).toBeNull();
  });
});
