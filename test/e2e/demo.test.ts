/** `tern demo` (the README's first command) as a newcomer runs it: the bundled binary, no API key. */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../support/git-repo.js';
import { TERN_BIN } from '../support/tern-server.js';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tern-demo-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tern demo', () => {
  it('fixes the demo repo through a real tern run + tern app-server, and prints the diff and artifacts', async () => {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(OPENAI_|TERN_)/.test(k)) env[k] = v;
    const { stdout, stderr } = await run(process.execPath, [TERN_BIN, 'demo', '--dir', dir], { env, timeout: 60_000 });
    expect(stderr).toContain('tern run: completed');
    expect(stdout).toContain('-  return sum / (values.length - 1);');
    expect(stdout).toContain('+  return sum / values.length;');
    expect(stdout).toContain(path.join(dir, 'artifacts'));

    const result = JSON.parse(readFileSync(path.join(dir, 'artifacts', 'result.json'), 'utf8'));
    expect(result).toMatchObject({ status: 'completed', filesChanged: ['src/stats.js'] });
    // The demo's own test suite passes after the turn (it failed before).
    const repo = path.join(dir, 'repo');
    git(repo, 'stash', '-q');
    expect(() => execFileSync(process.execPath, ['--test'], { cwd: repo, stdio: 'pipe' })).toThrow();
    git(repo, 'stash', 'pop', '-q');
    expect(() => execFileSync(process.execPath, ['--test'], { cwd: repo, stdio: 'pipe' })).not.toThrow();

    // The turn really ran the failing tests first, then the passing ones.
    const commands = readFileSync(path.join(dir, 'artifacts', 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).msg)
      .filter((m) => m.method === 'item/completed' && m.params.item.type === 'commandExecution')
      .map((m) => [m.params.item.command, m.params.item.exitCode]);
    expect(commands).toEqual([
      ["bash -c 'node --test'", 1],
      ["bash -c 'cat src/stats.js'", 0],
      ["bash -c 'node --test'", 0],
    ]);
  });

  it('rejects an unknown flag with a usage line', async () => {
    const err = await run(process.execPath, [TERN_BIN, 'demo', '--bogus']).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toContain('usage: tern demo');
  });
});
