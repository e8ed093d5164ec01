/**
 * Differential: the same `tern run` scenario, with the same scripted model, driven against the real
 * `codex app-server` (0.169.0, offline) and against `tern app-server`. Both must leave the same diff.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer } from '../../src/demo/model-server/server.js';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { codexPeerCommand, mockProviderFlags, MOCK_API_KEY, MOCK_ENV_KEY } from '../support/codex-peer.js';
import { createTempRepo } from '../support/git-repo.js';
import { createConformanceChecker } from '../support/protocol-schema.js';
import { TERN_BIN, ternTestEnv } from '../support/tern-server.js';
import { parseEventsJsonl } from '../../src/artifacts/timeline.js';

const run = promisify(execFile);

const PATCH = [
  '*** Begin Patch',
  '*** Add File: notes.txt',
  '+created by apply_patch',
  '*** Update File: src/greet.js',
  '@@ export function greet(name) {',
  "-  return 'Hello ' + name;",
  "+  return `Hello, ${name}!`;",
  ' }',
  '*** End Patch',
  '',
].join('\n');

const SCRIPT: ScriptStep[] = [
  {
    output: [
      { type: 'reasoning', summary: 'Look first.' },
      { type: 'function_call', name: 'exec_command', arguments: { cmd: 'cat src/greet.js', yield_time_ms: 1000 } },
    ],
  },
  { output: [{ type: 'custom_tool_call', name: 'apply_patch', input: PATCH }] },
  { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'echo generated > out.txt && rm README.md', yield_time_ms: 1000 } }] },
  { output: [{ type: 'message', text: 'Greeting fixed, notes added, README removed.' }] },
];

const FILES = {
  'README.md': '# greet\n',
  'src/greet.js': "export function greet(name) {\n  return 'Hello ' + name;\n}\n",
};

let workRoot: string;
beforeAll(async () => {
  workRoot = await mkdtemp(path.join(os.tmpdir(), 'tern-diff-'));
});
afterAll(async () => {
  await rm(workRoot, { recursive: true, force: true });
});

async function ternRun(server: 'tern' | 'codex') {
  const model = await startModelServer({ script: SCRIPT });
  try {
    const repo = createTempRepo(FILES, workRoot);
    const out = path.join(workRoot, `out-${server}-${Date.now()}`);
    let env: NodeJS.ProcessEnv;
    const args = [TERN_BIN, 'run', '--cwd', repo, '--prompt', 'Fix the greeting', '--out', out];
    if (server === 'codex') {
      const peer = await codexPeerCommand({ modelBaseUrl: model.url, workRoot });
      env = peer.env;
      args.push('--server-command', `${peer.command} app-server`);
    } else {
      env = ternTestEnv(await mkdtemp(path.join(workRoot, 'home-')));
    }
    // The same -c flags configure either server.
    args.push(...mockProviderFlags(model.url, MOCK_ENV_KEY));
    const child = await run(process.execPath, args, { env, timeout: 60_000 }).catch((e: { code: number; stderr: string }) => e);
    return {
      out,
      repo,
      code: 'code' in child && typeof child.code === 'number' ? child.code : 0,
      stderr: String(child.stderr),
      diff: readFileSync(path.join(out, 'diff.patch'), 'utf8'),
      result: JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')) as Record<string, any>,
      events: parseEventsJsonl(readFileSync(path.join(out, 'events.jsonl'), 'utf8')).events as Array<{ dir: 'c2s' | 's2c'; msg: unknown }>,
      requests: model.requests.length,
    };
  } finally {
    await model.close();
  }
}

describe('tern run against codex app-server and tern app-server', () => {
  it('leaves the same diff with the same scripted model', async () => {
    const codex = await ternRun('codex');
    const tern = await ternRun('tern');
    for (const r of [codex, tern]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.result).toMatchObject({ outcome: 'success', turnStatus: 'completed' });
      expect(r.requests).toBe(4);
      expect(r.result.finalMessage).toBe('Greeting fixed, notes added, README removed.');
    }
    expect(codex.diff).toContain('+  return `Hello, ${name}!`;');
    expect(codex.diff).toContain('new file mode 100644');
    expect(codex.diff).toContain('deleted file mode 100644');
    expect(tern.diff).toBe(codex.diff);
    expect([...tern.result.filesChanged].sort()).toEqual([...codex.result.filesChanged].sort());
    expect([...tern.result.filesChanged].sort()).toEqual(['README.md', 'notes.txt', 'out.txt', 'src/greet.js']);

    // Both conversations conform to the protocol schema, and no secret reached the artifacts.
    const checker = await createConformanceChecker();
    checker.assertConforms(tern.events);
    checker.reset();
    checker.assertConforms(codex.events);
    for (const r of [codex, tern]) {
      for (const f of ['events.jsonl', 'diff.patch', 'result.json']) {
        expect(readFileSync(path.join(r.out, f), 'utf8')).not.toContain(MOCK_API_KEY);
      }
    }
  });
});

describe('tern run --timeout against tern app-server', () => {
  it('interrupts the turn, kills its command, and exits 4 with status interrupted', async () => {
    const model = await startModelServer({
      script: [{ output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'sleep 60' } }] }],
    });
    try {
      const repo = createTempRepo(FILES, workRoot);
      const out = path.join(workRoot, 'out-timeout');
      const env = ternTestEnv(await mkdtemp(path.join(workRoot, 'home-')));
      const args = [TERN_BIN, 'run', '--cwd', repo, '--prompt', 'wait', '--out', out, '--timeout', '6', ...mockProviderFlags(model.url, MOCK_ENV_KEY)];
      const err = (await run(process.execPath, args, { env, timeout: 60_000 }).catch((e: unknown) => e)) as { code: number; stderr: string };
      expect(err.code, err.stderr).toBe(4);
      const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'));
      expect(result).toMatchObject({ outcome: 'failed', turnStatus: 'interrupted', failure: { kind: 'timeout' } });
    } finally {
      await model.close();
    }
  });
});
