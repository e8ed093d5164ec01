/**
 * wire_api = "chat": the tools scenario (reasoning + exec_command, apply_patch, exec_command,
 * answer) through `tern run` + `dist/tern.js app-server` against the scripted model server's Chat
 * Completions route, and the same scenario on the Responses API: both leave the same diff.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type RecordedRequest } from '../../src/demo/model-server/server.js';
import { HELLO_REPO, TOOLS_EXPECTED_FILES, TOOLS_FINAL_MESSAGE, toolsScript } from '../fixtures/scenarios.js';
import { mockProviderFlags, MOCK_API_KEY, MOCK_ENV_KEY } from '../support/codex-peer.js';
import { createTempRepo } from '../support/git-repo.js';
import { createConformanceChecker } from '../support/protocol-schema.js';
import { TERN_BIN, ternTestEnv } from '../support/tern-server.js';
import { parseEventsJsonl } from '../../src/artifacts/timeline.js';

const run = promisify(execFile);

let workRoot: string;
beforeAll(async () => {
  workRoot = await mkdtemp(path.join(os.tmpdir(), 'tern-chat-'));
});
afterAll(async () => {
  await rm(workRoot, { recursive: true, force: true });
});

async function ternRun(wireApi: 'responses' | 'chat') {
  const model = await startModelServer({ script: toolsScript() });
  try {
    const repo = createTempRepo(HELLO_REPO, workRoot);
    const out = path.join(workRoot, `out-${wireApi}`);
    const args = [TERN_BIN, 'run', '--cwd', repo, '--prompt', 'Read hello.txt, patch it, and write out.txt', '--out', out];
    args.push(...mockProviderFlags(model.url, MOCK_ENV_KEY), '-c', `model_providers.mock.wire_api="${wireApi}"`);
    const env = ternTestEnv(await mkdtemp(path.join(workRoot, 'home-')));
    const child = await run(process.execPath, args, { env, timeout: 60_000 }).catch((e: { code: number; stderr: string }) => e);
    return {
      repo,
      out,
      code: 'code' in child && typeof child.code === 'number' ? child.code : 0,
      stderr: String(child.stderr),
      diff: readFileSync(path.join(out, 'diff.patch'), 'utf8'),
      result: JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')) as Record<string, any>,
      events: parseEventsJsonl(readFileSync(path.join(out, 'events.jsonl'), 'utf8')).events as Array<{ dir: 'c2s' | 's2c'; msg: any }>,
      requests: [...model.requests] as RecordedRequest[],
    };
  } finally {
    await model.close();
  }
}

describe('tern run with wire_api = "chat"', () => {
  it('runs the tools scenario and leaves the same diff as the Responses API', async () => {
    const responses = await ternRun('responses');
    const chat = await ternRun('chat');
    for (const r of [responses, chat]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.result).toMatchObject({ outcome: 'success', turnStatus: 'completed', finalMessage: TOOLS_FINAL_MESSAGE });
      expect(r.requests).toHaveLength(4);
      for (const [file, content] of Object.entries(TOOLS_EXPECTED_FILES)) {
        expect(readFileSync(path.join(r.repo, file), 'utf8')).toBe(content);
      }
    }
    expect(chat.diff).toContain('+hello from the test repo (patched)');
    expect(chat.diff).toBe(responses.diff);
    expect([...chat.result.filesChanged].sort()).toEqual([...responses.result.filesChanged].sort());

    // What the chat model saw: the Chat Completions route, the same tools, and each request's messages
    // extending the previous request's.
    expect(chat.requests.map((r) => r.path)).toEqual(Array(4).fill('/v1/chat/completions'));
    const bodies = chat.requests.map((r) => r.body as Record<string, any>);
    expect(bodies[0]!.stream_options).toEqual({ include_usage: true });
    expect(bodies[0]!.tools.map((t: any) => [t.type, t.function.name])).toEqual([
      ['function', 'exec_command'],
      ['function', 'update_plan'],
      ['function', 'apply_patch'],
    ]);
    for (let i = 1; i < bodies.length; i++) {
      const prev = JSON.stringify(bodies[i - 1]!.messages);
      expect(JSON.stringify(bodies[i]!.messages).startsWith(prev.slice(0, -1))).toBe(true);
      expect(bodies[i]!.tools).toEqual(bodies[0]!.tools);
    }
    const last = bodies[3]!.messages as any[];
    expect(last[0]).toMatchObject({ role: 'system' });
    const toolMessages = last.filter((m) => m.role === 'tool');
    expect(toolMessages).toHaveLength(3);
    expect(toolMessages[0].content).toContain('hello from the test repo');
    expect(toolMessages[1].content).toContain('A notes.txt');

    // The same items reached the client on both wire APIs; reasoning arrives as raw text on chat.
    const completedTypes = (events: { dir: string; msg: any }[]) =>
      events.filter((e) => e.dir === 's2c' && e.msg.method === 'item/completed').map((e) => e.msg.params.item.type);
    expect(completedTypes(chat.events)).toEqual(completedTypes(responses.events));
    const reasoning = chat.events.find((e) => e.dir === 's2c' && e.msg.method === 'item/completed' && e.msg.params.item.type === 'reasoning')!;
    expect(reasoning.msg.params.item.content).toEqual(['**Reading**\n\nLook at hello.txt first.']);
    const usage = chat.events.filter((e) => e.dir === 's2c' && e.msg.method === 'thread/tokenUsage/updated');
    expect(usage).toHaveLength(4);
    expect(usage.at(-1)!.msg.params.tokenUsage.total.totalTokens).toBeGreaterThan(0);

    const checker = await createConformanceChecker();
    checker.assertConforms(chat.events);
    for (const f of ['events.jsonl', 'diff.patch', 'result.json']) {
      expect(readFileSync(path.join(chat.out, f), 'utf8')).not.toContain(MOCK_API_KEY);
    }
  });
});
