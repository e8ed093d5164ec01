/**
 * Many clients on one `tern app-server --listen ws://127.0.0.1:0` (dist/tern.js): two WebSocket
 * clients share a thread and both receive its events; an approval goes to both and the answer of
 * one resolves it once; a client that disconnects mid-turn does not stop the other's turn; a
 * thread nobody uses is unloaded with `thread/closed`. Every server message validates against
 * the 0.169.0 schema. Behaviour matched: codex 0.169.0 observed with two WebSocket clients.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../src/demo/model-server/server.js';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { MOCK_ENV_KEY, mockProviderFlags } from '../support/codex-peer.js';
import { createTempRepo } from '../support/git-repo.js';
import { createConformanceChecker, type ConformanceChecker } from '../support/protocol-schema.js';
import { ternTestEnv } from '../support/tern-server.js';
import { startListeningServer, WsClient, type ListeningServer } from '../transport/ws-support.js';

/** Pause between a scripted response's events: long enough for a second client to join mid-turn. */
const SLOW_EVENT_MS = 400;

let workRoot: string;
let checker: ConformanceChecker;
const cleanups: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  workRoot = await mkdtemp(path.join(os.tmpdir(), 'tern-ws-'));
  checker = await createConformanceChecker();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await rm(workRoot, { recursive: true, force: true });
});

async function launch(script: ScriptStep[], extraArgs: string[] = []): Promise<{ server: ListeningServer; model: ModelServer }> {
  const model = await startModelServer({ script });
  cleanups.push(() => model.close());
  const home = await mkdtemp(path.join(workRoot, 'home-'));
  const server = await startListeningServer(
    ['--listen', 'ws://127.0.0.1:0', ...mockProviderFlags(model.url, MOCK_ENV_KEY), ...extraArgs],
    ternTestEnv(home),
  );
  cleanups.push(() => server.stop());
  return { server, model };
}

async function client(server: ListeningServer): Promise<WsClient> {
  const c = await WsClient.connect(server.url);
  cleanups.push(() => c.close());
  await c.initialize();
  return c;
}

const turnCompleted = (turnId: string) => (m: Record<string, any>) => m.method === 'turn/completed' && m.params.turn.id === turnId;

describe('tern app-server --listen ws://: many clients on one core', () => {
  it('two clients share a thread: both receive its events, in the same order', async () => {
    const { server } = await launch([
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'echo shared-output' } }], delayMs: SLOW_EVENT_MS },
      { output: [{ type: 'message', text: 'Both of you see this.' }], delayMs: SLOW_EVENT_MS },
    ]);
    const repo = createTempRepo({ 'a.txt': 'a\n' }, workRoot);
    const a = await client(server);
    const b = await client(server);
    const { thread } = await a.call('thread/start', { cwd: repo, approvalPolicy: 'never' });
    // thread/started goes to every initialized connection, as the reference sends it.
    await b.waitFor((m) => m.method === 'thread/started' && m.params.thread.id === thread.id);
    const { turn } = await a.call('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    const resumed = await b.call('thread/resume', { threadId: thread.id });
    expect(resumed.thread.id).toBe(thread.id);
    const [doneA, doneB] = await Promise.all([a.waitFor(turnCompleted(turn.id)), b.waitFor(turnCompleted(turn.id))]);
    expect(doneA.params.turn.status).toBe('completed');
    expect(doneB.params.turn.status).toBe('completed');
    for (const c of [a, b]) {
      const cmd = c.received('item/completed').find((m) => m.params.item.type === 'commandExecution');
      expect(cmd?.params.item.aggregatedOutput).toContain('shared-output');
      const msg = c.received('item/completed').find((m) => m.params.item.type === 'agentMessage');
      expect(msg?.params.item.text).toBe('Both of you see this.');
    }
    // The events B got after joining are the tail of what A got, in the same order.
    const completedIds = (c: WsClient) => c.received('item/completed').map((m) => m.params.item.id as string);
    expect(completedIds(a).slice(-completedIds(b).length)).toEqual(completedIds(b));
    expect(a.violations(checker)).toEqual([]);
    expect(b.violations(checker)).toEqual([]);
  });

  it('an approval goes to both subscribers with one id; the answer of one resolves it once', async () => {
    const { server } = await launch([
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'echo ran > side.txt' } }], delayMs: SLOW_EVENT_MS },
      { output: [{ type: 'message', text: 'done' }] },
    ]);
    const repo = createTempRepo({ 'a.txt': 'a\n' }, workRoot);
    const a = await client(server);
    const b = await client(server);
    a.onServerRequest = () => undefined; // A sees the request but never answers.
    b.onServerRequest = (req) => (req.method === 'item/commandExecution/requestApproval' ? { decision: 'accept' } : undefined);
    const { thread } = await a.call('thread/start', { cwd: repo, approvalPolicy: 'untrusted' });
    await b.call('thread/resume', { threadId: thread.id });
    const { turn } = await a.call('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    await Promise.all([a.waitFor(turnCompleted(turn.id)), b.waitFor(turnCompleted(turn.id))]);
    const reqA = a.received('item/commandExecution/requestApproval');
    const reqB = b.received('item/commandExecution/requestApproval');
    expect(reqA).toHaveLength(1);
    expect(reqB).toHaveLength(1);
    expect(reqA[0]!.id).toBe(reqB[0]!.id);
    for (const c of [a, b]) {
      expect(c.received('serverRequest/resolved').map((m) => m.params.requestId)).toEqual([reqA[0]!.id]);
      const cmd = c.received('item/completed').find((m) => m.params.item.type === 'commandExecution');
      expect(cmd?.params.item.status).toBe('completed');
    }
    expect(existsSync(path.join(repo, 'side.txt'))).toBe(true);
    expect(a.violations(checker)).toEqual([]);
    expect(b.violations(checker)).toEqual([]);
  });

  it('a client that disconnects mid-turn does not stop the turn the other client watches', async () => {
    const { server } = await launch([
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'echo still-running' } }], delayMs: SLOW_EVENT_MS },
      { output: [{ type: 'message', text: 'Finished without A.' }], delayMs: SLOW_EVENT_MS },
    ]);
    const repo = createTempRepo({ 'a.txt': 'a\n' }, workRoot);
    const a = await client(server);
    const b = await client(server);
    const { thread } = await a.call('thread/start', { cwd: repo, approvalPolicy: 'never' });
    await b.call('thread/resume', { threadId: thread.id });
    const { turn } = await a.call('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    await a.waitFor((m) => m.method === 'turn/started');
    await a.close();
    const done = await b.waitFor(turnCompleted(turn.id));
    expect(done.params.turn.status).toBe('completed');
    expect(b.received('item/completed').some((m) => m.params.item.type === 'agentMessage' && m.params.item.text === 'Finished without A.')).toBe(true);
    expect(a.received('turn/completed')).toEqual([]);
    // The thread stays loaded for B.
    expect((await b.call('thread/loaded/list', {})).data).toEqual([thread.id]);
    expect(a.violations(checker)).toEqual([]);
    expect(b.violations(checker)).toEqual([]);
  });

  it('an approval outlives its only client: a client that resumes gets it after the reply, answers, and the command runs', async () => {
    const { server } = await launch([
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'echo ran > side.txt' } }] },
      { output: [{ type: 'message', text: 'done' }] },
    ]);
    const repo = createTempRepo({ 'a.txt': 'a\n' }, workRoot);
    const a = await client(server);
    a.onServerRequest = () => undefined; // A leaves without answering.
    const { thread } = await a.call('thread/start', { cwd: repo, approvalPolicy: 'untrusted' });
    const { turn } = await a.call('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    const asked = await a.waitFor((m) => m.method === 'item/commandExecution/requestApproval');
    await a.close();
    const b = await client(server);
    b.onServerRequest = (req) => (req.method === 'item/commandExecution/requestApproval' ? { decision: 'accept' } : undefined);
    const resumed = await b.request('thread/resume', { threadId: thread.id });
    expect(resumed.result.thread.status).toEqual({ type: 'active', activeFlags: ['waitingOnApproval'] });
    const done = await b.waitFor(turnCompleted(turn.id));
    expect(done.params.turn.status).toBe('completed');
    const again = b.received('item/commandExecution/requestApproval');
    expect(again.map((m) => m.id)).toEqual([asked.id]); // the same request, once
    const order = b.transcript.map((e) => e.msg);
    expect(order.indexOf(resumed)).toBeLessThan(order.indexOf(again[0]!)); // after the resume reply
    expect(b.received('serverRequest/resolved').map((m) => m.params.requestId)).toEqual([asked.id]);
    expect(existsSync(path.join(repo, 'side.txt'))).toBe(true);
    expect(a.violations(checker)).toEqual([]);
    expect(b.violations(checker)).toEqual([]);
  });

  it('thread/unsubscribe: the last subscriber leaving unloads the thread with thread/closed', async () => {
    // The reference's key; 1 s instead of its default 60 s.
    const { server } = await launch([], ['-c', 'thread_unload_delay_secs=1']);
    const repo = createTempRepo({ 'a.txt': 'a\n' }, workRoot);
    const a = await client(server);
    const b = await client(server);
    const { thread } = await a.call('thread/start', { cwd: repo });
    expect(await b.call('thread/unsubscribe', { threadId: thread.id })).toEqual({ status: 'notSubscribed' });
    expect(await a.call('thread/loaded/list', {})).toEqual({ data: [thread.id], nextCursor: null });
    expect(await a.call('thread/unsubscribe', { threadId: thread.id })).toEqual({ status: 'unsubscribed' });
    expect(a.received('thread/closed')).toEqual([]); // not at once: after the delay
    // Broadcast, so B (never subscribed) hears it too.
    await b.waitFor((m) => m.method === 'thread/closed' && m.params.threadId === thread.id);
    const closedA = await a.waitFor((m) => m.method === 'thread/closed');
    expect(closedA.params).toEqual({ threadId: thread.id });
    expect(a.received('thread/status/changed').at(-1)?.params.status).toEqual({ type: 'notLoaded' });
    expect(await a.call('thread/loaded/list', {})).toEqual({ data: [], nextCursor: null });
    expect(await a.call('thread/unsubscribe', { threadId: thread.id })).toEqual({ status: 'notLoaded' });
    expect(a.violations(checker)).toEqual([]);
    expect(b.violations(checker)).toEqual([]);
  });

  it('thread/loaded/list pages with limit and an opaque cursor', async () => {
    const { server } = await launch([]);
    const repo = createTempRepo({ 'a.txt': 'a\n' }, workRoot);
    const a = await client(server);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await a.call('thread/start', { cwd: repo, ephemeral: true })).thread.id);
    const first = await a.call('thread/loaded/list', { limit: 2 });
    expect(first.data).toEqual(ids.slice(0, 2));
    expect(typeof first.nextCursor).toBe('string');
    const second = await a.call('thread/loaded/list', { limit: 2, cursor: first.nextCursor });
    expect(second).toEqual({ data: ids.slice(2), nextCursor: null });
    expect(a.violations(checker)).toEqual([]);
  });

  it('each connection initializes on its own', async () => {
    const { server } = await launch([]);
    const a = await client(server);
    const b = await WsClient.connect(server.url);
    cleanups.push(() => b.close());
    const early = await b.request('thread/start', {});
    expect(early.error).toMatchObject({ code: -32600, message: 'Not initialized' });
    await b.initialize();
    const again = await a.request('initialize', { clientInfo: { name: 'x', title: null, version: '1' } });
    expect(again.error).toMatchObject({ code: -32600, message: 'Already initialized' });
    expect(a.violations(checker)).toEqual([]);
    expect(b.violations(checker)).toEqual([]);
  });
});
