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
import { parseEventsJsonl } from '../../src/artifacts/timeline.js';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tern-demo-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tern demo', () => {
  it('runs the Action on the demo repo: the tests fail, the turn fixes them, and a PR is opened on the stand-in', async () => {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(OPENAI_|TERN_|GITHUB_|INPUT_|ACTIONS_|RUNNER_)/.test(k)) env[k] = v;
    const { stdout, stderr } = await run(process.execPath, [TERN_BIN, 'demo', '--dir', dir], { env, timeout: 120_000 });
    expect(stderr).toContain('tern run: completed');
    expect(stderr).toContain('tern: success opened https://github.com/tern-demo/stats/pull/1');
    expect(stdout).toContain('-  return sum / (values.length - 1);');
    expect(stdout).toContain('+  return sum / values.length;');
    expect(stdout).toContain('--- outcome: success ---');
    expect(stdout).toMatch(/branch +tern\/nightly-fix-tests-schedule-main \(pushed to /);
    expect(stdout).toMatch(/commit +[0-9a-f]{40} by tern\[bot\]/);
    expect(stdout).toContain('pull request  #1 "Fix failing tests (node --test)"');
    expect(stdout).not.toContain('GitHub\'s API description does not allow');

    const artifacts = /Artifacts in (.+):/.exec(stdout)![1]!;
    const result = JSON.parse(readFileSync(path.join(artifacts, 'result.json'), 'utf8'));
    expect(result).toMatchObject({ outcome: 'success', turnStatus: 'completed', filesChanged: ['src/stats.js'] });

    // The demo's own test suite fails on main and passes on the pushed branch.
    const remote = path.join(dir, 'remote.git');
    const verify = path.join(dir, 'verify');
    git(dir, 'clone', '-q', remote, verify);
    expect(() => execFileSync(process.execPath, ['--test'], { cwd: verify, stdio: 'pipe' })).toThrow();
    git(verify, 'checkout', '-q', 'tern/nightly-fix-tests-schedule-main');
    expect(() => execFileSync(process.execPath, ['--test'], { cwd: verify, stdio: 'pipe' })).not.toThrow();

    // The turn really ran the failing tests first, then the passing ones.
    const commands = parseEventsJsonl(readFileSync(path.join(artifacts, 'events.jsonl'), 'utf8'))
      .events.map((e) => e.msg as any)
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
