/**
 * End-to-end: the bundled `dist/tern.js app-server` as a real child process, driven over stdio by
 * an independent JSONL peer, against the scripted Responses API server on 127.0.0.1. Every
 * message the server sends is checked against the JSON Schema of the pinned codex 0.169.0.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { HELLO_REPO, HELLO_TEXT, TOOLS_EXPECTED_FILES, TOOLS_FINAL_MESSAGE, toolsScript } from '../fixtures/scenarios.js';
import { MOCK_API_KEY } from '../support/codex-peer.js';
import { createTempRepo } from '../support/git-repo.js';
import type { JsonlPeer, ServerMessage } from '../support/jsonl-peer.js';
import { initialize, notifications, useTernAppServers } from '../support/tern-session.js';

const tern = useTernAppServers('tern-e2e-');
const { expectConforms } = tern;

const waitTurnCompleted = (peer: JsonlPeer, turnId: string) =>
  peer.waitFor((m) => m.method === 'turn/completed' && m.params?.turn?.id === turnId, 30_000);

const TOOLS_SCRIPT = toolsScript('echo hi > out.txt && cat out.txt && exit 3');

describe('tern app-server: a turn with a command and a patch', () => {
  it('streams every item lifecycle, edits the repo, and conforms to the 0.169.0 schema', async () => {
    const repo = createTempRepo(HELLO_REPO, tern.workRoot);
    const { peer, model } = await tern.launch(TOOLS_SCRIPT);
    const init = await initialize(peer);
    expect(init.userAgent).toMatch(/^tern_e2e\//);
    expect(init.platformFamily).toBe('unix');

    const started = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'never', sandbox: 'workspace-write' });
    const threadId: string = started.thread.id;
    expect(started.sandbox).toMatchObject({ type: 'workspaceWrite' });
    expect(started.model).toBe('gpt-5.5');
    expect(started.modelProvider).toBe('mock');
    const threadStarted = await peer.waitFor((m) => m.method === 'thread/started');
    expect(threadStarted.params.thread.id).toBe(threadId);
    expect(threadStarted.params.thread.status).toEqual({ type: 'idle' });
    // thread/started comes after the thread/start response.
    const idxResponse = peer.transcript.findIndex((e) => (e.msg as ServerMessage)?.result?.thread?.id === threadId);
    const idxStarted = peer.transcript.findIndex((e) => (e.msg as ServerMessage)?.method === 'thread/started');
    expect(idxResponse).toBeLessThan(idxStarted);

    const mark = peer.mark();
    const { turn } = await peer.request('turn/start', {
      threadId,
      input: [{ type: 'text', text: 'Read hello.txt, patch it, and write out.txt', text_elements: [] }],
    });
    expect(turn.status).toBe('inProgress');
    const completed = await waitTurnCompleted(peer, turn.id);
    expect(completed.params.turn.status).toBe('completed');
    expect(completed.params.turn.items).toEqual([expect.objectContaining({ type: 'agentMessage' })]);

    const notes = notifications(peer, mark);
    const methods = notes.map((n) => n.method);
    expect(methods[0]).toBe('thread/status/changed');
    expect(notes[0]!.params.status).toEqual({ type: 'active', activeFlags: [] });
    expect(methods[1]).toBe('turn/started');
    expect(methods.at(-1)).toBe('turn/completed');
    expect(notes.at(-2)!.params.status).toEqual({ type: 'idle' });

    // Every item that started also completed, in order, and nothing completed without starting.
    const startedIds = notes.filter((n) => n.method === 'item/started').map((n) => n.params.item.id);
    const completedIds = notes.filter((n) => n.method === 'item/completed').map((n) => n.params.item.id);
    expect(completedIds).toEqual(startedIds);
    const types = notes.filter((n) => n.method === 'item/completed').map((n) => n.params.item.type);
    expect(types).toEqual(['userMessage', 'reasoning', 'commandExecution', 'fileChange', 'commandExecution', 'agentMessage']);

    const items = Object.fromEntries(
      notes.filter((n) => n.method === 'item/completed').map((n, i) => [`${i}:${n.params.item.type}`, n.params.item]),
    );
    expect(items['1:reasoning'].summary).toEqual(['**Reading**\n\nLook at hello.txt first.']);
    const cat = items['2:commandExecution'];
    expect(cat).toMatchObject({ status: 'completed', exitCode: 0, aggregatedOutput: HELLO_TEXT, cwd: repo });
    expect(cat.commandActions).toEqual([{ type: 'read', command: 'cat hello.txt', name: 'hello.txt', path: path.join(repo, 'hello.txt') }]);
    const failing = items['4:commandExecution'];
    expect(failing).toMatchObject({ status: 'failed', exitCode: 3, aggregatedOutput: 'hi\n' });
    const patch = items['3:fileChange'];
    expect(patch.status).toBe('completed');
    expect(patch.changes).toEqual([
      { path: path.join(repo, 'notes.txt'), kind: { type: 'add' }, diff: 'created by apply_patch\n' },
      {
        path: path.join(repo, 'hello.txt'),
        kind: { type: 'update', move_path: null },
        diff: '@@ -1 +1 @@\n-hello from the test repo\n+hello from the test repo (patched)\n',
      },
    ]);
    const deltas = notes
      .filter((n) => n.method === 'item/agentMessage/delta')
      .map((n) => n.params.delta)
      .join('');
    expect(deltas).toBe(items['5:agentMessage'].text);
    expect(deltas).toBe(TOOLS_FINAL_MESSAGE);
    expect(
      notes
        .filter((n) => n.method === 'item/commandExecution/outputDelta' && n.params.itemId === cat.id)
        .map((n) => n.params.delta)
        .join(''),
    ).toBe(HELLO_TEXT);
    const usage = notes.filter((n) => n.method === 'thread/tokenUsage/updated');
    expect(usage).toHaveLength(4);
    expect(usage.at(-1)!.params.tokenUsage.total.totalTokens).toBeGreaterThan(usage[0]!.params.tokenUsage.total.totalTokens);

    // The repo changed on disk.
    for (const [file, content] of Object.entries(TOOLS_EXPECTED_FILES)) {
      expect(readFileSync(path.join(repo, file), 'utf8')).toBe(content);
    }

    // What the model saw: the Codex tool names and shapes, and each request extends the last.
    const bodies = model.requests.filter((r) => r.path.endsWith('/responses')).map((r) => r.body as Record<string, any>);
    expect(bodies).toHaveLength(4);
    const tools = bodies[0]!.tools as { type: string; name: string }[];
    expect(tools.map((t) => [t.type, t.name])).toEqual([
      ['function', 'exec_command'],
      ['function', 'update_plan'],
      ['custom', 'apply_patch'],
    ]);
    for (let i = 1; i < bodies.length; i++) {
      const prev = JSON.stringify(bodies[i - 1]!.input);
      const next = JSON.stringify(bodies[i]!.input);
      expect(next.startsWith(prev.slice(0, -1))).toBe(true);
      expect(bodies[i]!.prompt_cache_key).toBe(threadId);
      expect(bodies[i]!.tools).toEqual(bodies[0]!.tools);
    }
    const second = bodies[1]!.input as Record<string, any>[];
    expect(second.at(-1)).toMatchObject({ type: 'function_call_output', call_id: cat.id });
    expect(second.at(-1)!.output).toContain('hello from the test repo');
    const third = bodies[2]!.input as Record<string, any>[];
    expect(third.at(-1)).toMatchObject({ type: 'custom_tool_call_output', call_id: patch.id });
    expect(third.at(-1)!.output).toContain('A notes.txt');
    expect(model.requests[0]!.headers.authorization).toBe(`Bearer ${MOCK_API_KEY}`);

    expectConforms(peer);
  });

  it('never hands the model API key to tool processes', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const { peer } = await tern.launch([
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'env' } }] },
      { output: [{ type: 'message', text: 'ok' }] },
    ]);
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: repo });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'env' }] });
    await waitTurnCompleted(peer, turn.id);
    const cmd = notifications(peer).find((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution')!;
    expect(cmd.params.item.aggregatedOutput).toContain('PATH=');
    expect(cmd.params.item.aggregatedOutput).not.toContain(MOCK_API_KEY);
    expectConforms(peer);
  });
});

describe('tern app-server: reasoning across stateless requests', () => {
  const script: ScriptStep[] = [
    { output: [{ type: 'reasoning', summary: 'think' }, { type: 'function_call', name: 'exec_command', arguments: { cmd: 'true' } }] },
    { output: [{ type: 'message', text: 'ok' }] },
  ];

  async function twoRequests(model?: string) {
    const { peer, model: server } = await tern.launch(script);
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: tern.workRoot, ...(model ? { model } : {}) });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    expect((await waitTurnCompleted(peer, turn.id)).params.turn.status).toBe('completed');
    return server.requests.map((r) => r.body as Record<string, any>);
  }

  it('asks a reasoning model for encrypted reasoning and replays it (store:false)', async () => {
    const [first, second] = await twoRequests();
    expect(first!.store).toBe(false);
    expect(first!.include).toEqual(['reasoning.encrypted_content']);
    expect(first!.reasoning).toMatchObject({ summary: 'auto' });
    const replayed = (second!.input as Record<string, any>[]).find((i) => i.type === 'reasoning');
    expect(replayed?.encrypted_content).toMatch(/^enc_/);
  });

  it('sends no reasoning options to other models, and does not replay reasoning it cannot carry', async () => {
    const [first, second] = await twoRequests('gpt-4.1');
    expect(first!.include).toBeUndefined();
    expect(first!.reasoning).toBeUndefined();
    expect((second!.input as Record<string, any>[]).some((i) => i.type === 'reasoning')).toBe(false);
  });
});

describe('tern app-server: the thread log', () => {
  it('records session meta, every model-visible item and every non-delta event, append-only', async () => {
    const repo = createTempRepo(HELLO_REPO, tern.workRoot);
    const { peer, model, cmd } = await tern.launch(TOOLS_SCRIPT);
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: repo });
    expect(thread.path.startsWith(path.join(cmd.ternHome, 'sessions'))).toBe(true);
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    await waitTurnCompleted(peer, turn.id);
    await peer.close();

    const records = readFileSync(thread.path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { timestamp: string; type: string; payload: Record<string, any> });
    expect(records[0]!.type).toBe('session_meta');
    expect(records[0]!.payload.id).toBe(thread.id);
    expect(JSON.stringify(records)).not.toContain(MOCK_API_KEY);
    // The persisted model items are exactly the last request's input plus the final answer.
    const lastInput = (model.requests.at(-1)!.body as Record<string, any>).input;
    const items = records.filter((r) => r.type === 'response_item').map((r) => r.payload);
    expect(items.slice(0, -1)).toEqual(lastInput);
    expect(items.at(-1)).toMatchObject({ type: 'message', role: 'assistant' });
    // Every notification except deltas, in the order the client saw them.
    const events = records.filter((r) => r.type === 'event').map((r) => r.payload.method);
    const seen = notifications(peer)
      .map((n) => n.method)
      .filter((m) => !/delta$|Delta$|summaryPartAdded$/.test(m));
    expect(events).toEqual(seen);
  });

  it('keeps ephemeral threads off disk', async () => {
    const { peer, cmd } = await tern.launch([{ output: [{ type: 'message', text: 'ok' }] }]);
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: tern.workRoot, ephemeral: true });
    expect(thread.path).toBeNull();
    expect(thread.ephemeral).toBe(true);
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hi' }] });
    await waitTurnCompleted(peer, turn.id);
    expect(existsSync(path.join(cmd.ternHome, 'sessions'))).toBe(false);
  });
});

describe('tern app-server: protocol errors', () => {
  it('answers like the reference server and survives malformed input', async () => {
    const { peer } = await tern.launch([]);
    await expect(peer.request('thread/start', {})).rejects.toMatchObject({ code: -32600, message: 'Not initialized' });
    await expect(peer.request('foo/bar', {})).rejects.toMatchObject({
      code: -32600,
      message: expect.stringContaining('unknown variant `foo/bar`'),
    });
    // The method table is a plain object: inherited keys are not methods.
    for (const method of ['toString', '__proto__', 'constructor']) {
      await expect(peer.request(method, {})).rejects.toMatchObject({ code: -32600, message: expect.stringContaining(`unknown variant \`${method}\``) });
    }
    peer.sendRaw('this is not json');
    peer.sendRaw('{"no":"method"}');
    peer.sendRaw('[1,2,3]');
    await initialize(peer);
    await expect(peer.request('initialize', { clientInfo: { name: 'x', version: '1' } })).rejects.toMatchObject({
      code: -32600,
      message: 'Already initialized',
    });
    await expect(peer.request('turn/start', { input: [] })).rejects.toMatchObject({
      code: -32600,
      message: 'Invalid request: missing field `threadId`',
    });
    await expect(peer.request('turn/start', { threadId: 'nope', input: [{ type: 'text', text: 'x' }] })).rejects.toMatchObject({
      code: -32600,
      message: 'invalid thread id: invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1',
    });
    const unknown = '00000000-0000-0000-0000-000000000000';
    await expect(peer.request('turn/start', { threadId: unknown, input: [{ type: 'text', text: 'x' }] })).rejects.toMatchObject({
      code: -32600,
      message: `thread not found: ${unknown}`,
    });
    await expect(peer.request('thread/start', { cwd: path.join(tern.workRoot, 'does-not-exist') })).rejects.toMatchObject({
      code: -32600,
      message: expect.stringContaining('cwd is not a directory'),
    });
    // String ids are echoed verbatim; the server still answers after all of the above.
    const res = await peer.request('thread/start', { cwd: tern.workRoot }, { id: 'abc' });
    expect(res.thread.cwd).toBe(tern.workRoot);
    expect(peer.transcript.some((e) => e.dir === 's2c' && (e.msg as ServerMessage).id === 'abc')).toBe(true);
    expect(peer.exitCode).toBeUndefined();
    expectConforms(peer);
    // stdin EOF ends the process cleanly.
    expect(await peer.close()).toBe(0);
  });

  it('rejects ill-typed params with -32600 and the reference wording', async () => {
    const { peer } = await tern.launch([]);
    await initialize(peer);
    await expect(peer.request('thread/start', { sandbox: 'workspaceWrite' })).rejects.toMatchObject({
      code: -32600,
      message: expect.stringContaining('unknown variant `workspaceWrite`, expected one of `read-only`, `workspace-write`, `danger-full-access`'),
    });
    await expect(peer.request('thread/start', { approvalPolicy: 'onFailure' })).rejects.toMatchObject({ code: -32600 }); // on-failure itself is an accepted alias (test/e2e/approvals.test.ts)
    await expect(peer.request('thread/start', { cwd: 5 })).rejects.toMatchObject({
      code: -32600,
      message: 'Invalid request: invalid type: integer `5`, expected a string',
    });
    await expect(peer.request('thread/start', [])).rejects.toMatchObject({ code: -32600 });
    const granular = { granular: { sandbox_approval: true, rules: true, mcp_elicitations: false } };
    // `granular` is experimental in 0.169: refused until the client opts in at initialize.
    await expect(peer.request('thread/start', { cwd: tern.workRoot, approvalPolicy: granular })).rejects.toEqual({
      code: -32600,
      message: 'askForApproval.granular requires experimentalApi capability',
    });
    const opted = await tern.launch([]);
    await initialize(opted.peer, { experimentalApi: true });
    // Echoed with its optional flags completed (false), as the reference does.
    const echoed = { granular: { ...granular.granular, skill_approval: false, request_permissions: false } };
    expect((await opted.peer.request('thread/start', { cwd: tern.workRoot, approvalPolicy: granular })).approvalPolicy).toEqual(echoed);
    const { thread } = await peer.request('thread/start', { cwd: tern.workRoot });
    await expect(peer.request('turn/start', { threadId: thread.id, input: [5] })).rejects.toMatchObject({ code: -32600 });
    await expect(peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text' }] })).rejects.toMatchObject({
      code: -32600,
      message: 'Invalid request: missing field `text`',
    });
    await expect(peer.request('turn/start', { threadId: thread.id, input: 'hi' })).rejects.toMatchObject({ code: -32600 });
    expectConforms(peer);
  });

  it('a second turn/start while a turn is running joins that turn, as the reference does', async () => {
    const { peer } = await tern.launch([{ output: [{ type: 'message', text: 'slow' }], delayMs: 300 }, { output: [{ type: 'message', text: 'again' }] }]);
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: tern.workRoot });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'one' }] });
    const second = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'two' }] });
    expect(second.turn.id).toBe(turn.id);
    expect((await waitTurnCompleted(peer, turn.id)).params.turn.status).toBe('completed');
    expectConforms(peer);
  });

  it('survives a burst of random garbage lines and still answers', async () => {
    const { peer } = await tern.launch([]);
    // Deterministic pseudo-random lines: bytes, JSON scalars, arrays, objects with odd ids/methods.
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
    const values = [null, true, 0, -1, 1.5, '', 'x', [], {}, { id: {} }, { id: null, method: 5 }, { result: 1 }, { id: 99, result: {} }, { id: 3, error: {} }];
    for (let i = 0; i < 300; i++) {
      const kind = rand();
      if (kind < 0.4) peer.sendRaw(Array.from({ length: 1 + Math.floor(rand() * 40) }, () => String.fromCharCode(32 + Math.floor(rand() * 95))).join(''));
      else if (kind < 0.8) peer.send(pick(values));
      else peer.send({ id: `g${i}`, method: pick(['initialize', 'thread/start', 'turn/start', 'x/y']), params: pick(values) });
    }
    const init = await initialize(peer).catch((e) => e);
    // Whether or not a garbage initialize got in first, the connection is alive and answers.
    expect(init).toBeTruthy();
    const res = await peer.request('thread/start', { cwd: tern.workRoot }).catch((e) => e);
    expect(res.thread?.id ?? res.code).toBeTruthy();
    expect(peer.exitCode).toBeUndefined();
    expect(peer.stderr).not.toMatch(/TypeError|at .*\.js:\d+/);
    expectConforms(peer);
  });

  it('rejects a clientInfo.name that is not a valid header value', async () => {
    const { peer } = await tern.launch([]);
    await expect(peer.request('initialize', { clientInfo: { name: 'bad\nname', version: '1' } })).rejects.toMatchObject({
      code: -32600,
      message: expect.stringContaining('Must be a valid HTTP header value'),
    });
  });

  it('sends configWarning for an unknown config key, and exits 1 with a clear message for a bad one', async () => {
    const { peer } = await tern.launch([], { extraArgs: ['-c', 'no_such_key=1'] });
    await initialize(peer);
    const warning = await peer.waitFor((m) => m.method === 'configWarning');
    expect(warning.params.summary).toContain('no_such_key');
    expectConforms(peer);

    const bad = await tern.launch([], { extraArgs: ['-c', 'sandbox_mode="everything"'] });
    const code = await bad.peer.close(10_000);
    expect(code).toBe(1);
    expect(bad.peer.stderr).toMatch(/sandbox_mode/);
    expect(bad.peer.transcript.filter((e) => e.dir === 's2c')).toEqual([]);
  });

  it('honours optOutNotificationMethods', async () => {
    const { peer } = await tern.launch([{ output: [{ type: 'message', text: 'one two three four five six' }] }]);
    await initialize(peer, { optOutNotificationMethods: ['item/agentMessage/delta'] });
    const { thread } = await peer.request('thread/start', { cwd: tern.workRoot });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hi' }] });
    await waitTurnCompleted(peer, turn.id);
    const methods = notifications(peer).map((n) => n.method);
    expect(methods).not.toContain('item/agentMessage/delta');
    expect(methods).toContain('item/completed');
  });
});

describe('tern app-server: model failures', () => {
  it('fails the turn on an HTTP error with an error notification and a typed codexErrorInfo', async () => {
    const { peer } = await tern.launch([{ httpError: { status: 400, body: { error: { message: 'bad input', type: 'invalid_request_error' } } } }]);
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: tern.workRoot });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hi' }] });
    const done = await waitTurnCompleted(peer, turn.id);
    expect(done.params.turn.status).toBe('failed');
    // As codex 0.169.0 reports an HTTP 400: `other`, the error body as the message.
    expect(done.params.turn.error.codexErrorInfo).toBe('other');
    expect(done.params.turn.error.message).toContain('bad input');
    const error = notifications(peer).find((n) => n.method === 'error')!;
    expect(error.params).toMatchObject({ threadId: thread.id, turnId: turn.id, willRetry: false });
    const status = notifications(peer).filter((n) => n.method === 'thread/status/changed').at(-1)!;
    expect(status.params.status).toEqual({ type: 'systemError' });
    expectConforms(peer);
  });

  it('retries a stream cut mid-way (willRetry:true), then completes', async () => {
    const { peer, model } = await tern.launch(
      [{ cut: { after: [{ type: 'message', text: 'partial answer' }] } }, { output: [{ type: 'message', text: 'full answer' }] }],
      { streamMaxRetries: 1 },
    );
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: tern.workRoot });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hi' }] });
    const done = await waitTurnCompleted(peer, turn.id);
    expect(done.params.turn.status).toBe('completed');
    expect(done.params.turn.items[0].text).toBe('full answer');
    const retry = notifications(peer).find((n) => n.method === 'error')!;
    expect(retry.params.willRetry).toBe(true);
    expect(retry.params.error.codexErrorInfo).toEqual({ responseStreamDisconnected: { httpStatusCode: null } });
    // The retried request is the same request: nothing of the broken attempt entered the history.
    const bodies = model.requests.map((r) => r.body as Record<string, any>);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]!.input).toEqual(bodies[0]!.input);
    expectConforms(peer);
  });

  it('fails with a missing-key message when the provider key is not set', async () => {
    const { peer, model } = await tern.launch([], {
      env: (base) => {
        const env = { ...base };
        delete env.TERN_MOCK_API_KEY;
        return env;
      },
    });
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: tern.workRoot });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hi' }] });
    const done = await waitTurnCompleted(peer, turn.id);
    expect(done.params.turn.status).toBe('failed');
    expect(done.params.turn.error.message).toContain('TERN_MOCK_API_KEY');
    expect(model.requests).toHaveLength(0);
    expectConforms(peer);
  });
});

describe('tern app-server: turn/interrupt', () => {
  it('kills the running command and ends the turn as interrupted', async () => {
    const marker = `tern-interrupt-${process.pid}-${Date.now()}`;
    const { peer } = await tern.launch([
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: `bash -c 'sleep 60; true' ${marker}` } }] },
    ]);
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: tern.workRoot });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'wait' }] });
    await peer.waitFor((m) => m.method === 'item/started' && m.params.item.type === 'commandExecution');
    await expect(peer.request('turn/interrupt', { threadId: thread.id, turnId: 'not-the-turn' })).rejects.toMatchObject({ code: -32600 });
    expect(await peer.request('turn/interrupt', { threadId: thread.id, turnId: turn.id })).toEqual({});
    const done = await waitTurnCompleted(peer, turn.id);
    expect(done.params.turn.status).toBe('interrupted');
    const cmd = notifications(peer).find((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution')!;
    expect(cmd.params.item.status).toBe('failed');
    expect(() => execFileSync('pgrep', ['-f', marker])).toThrow();
    await expect(peer.request('turn/interrupt', { threadId: thread.id, turnId: turn.id })).rejects.toMatchObject({
      code: -32600,
      message: expect.stringContaining('no active turn'),
    });
    expectConforms(peer);
  });
});

describe('tern app-server: approvals (server -> client requests)', () => {
  it('asks before each command under `untrusted`, honours accept and decline, and resolves each request', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const { peer, model } = await tern.launch([
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'echo accepted > yes.txt' } }] },
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'echo declined > no.txt' } }] },
      { output: [{ type: 'message', text: 'done' }] },
    ]);
    const decisions = ['accept', 'decline'];
    peer.onServerRequest((req) => {
      expect(req.method).toBe('item/commandExecution/requestApproval');
      return { decision: decisions.shift() };
    });
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'untrusted' });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    const done = await waitTurnCompleted(peer, turn.id);
    expect(done.params.turn.status).toBe('completed');
    expect(existsSync(path.join(repo, 'yes.txt'))).toBe(true);
    expect(existsSync(path.join(repo, 'no.txt'))).toBe(false);

    const cmds = notifications(peer).filter((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution');
    expect(cmds.map((c) => c.params.item.status)).toEqual(['completed', 'declined']);
    const requests = peer.transcript.filter((e) => e.dir === 's2c' && 'id' in (e.msg as object) && 'method' in (e.msg as object));
    expect(requests.map((e) => (e.msg as ServerMessage).id)).toEqual([0, 1]);
    const resolved = notifications(peer).filter((n) => n.method === 'serverRequest/resolved');
    expect(resolved.map((n) => n.params.requestId)).toEqual([0, 1]);
    const flags = notifications(peer)
      .filter((n) => n.method === 'thread/status/changed')
      .map((n) => n.params.status.activeFlags ?? n.params.status.type);
    expect(flags).toContainEqual(['waitingOnApproval']);
    const declinedOutput = (model.requests[2]!.body as Record<string, any>).input.at(-1);
    expect(declinedOutput.output).toContain('declined');
    expectConforms(peer);
  });

  it('treats an error reply to an approval request as decline', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const { peer } = await tern.launch([
      { output: [{ type: 'custom_tool_call', name: 'apply_patch', input: '*** Begin Patch\n*** Delete File: a.txt\n*** End Patch\n' }] },
      { output: [{ type: 'message', text: 'done' }] },
    ]);
    peer.onServerRequest(() => {
      throw { code: -32000, message: 'no human here' };
    });
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'untrusted' });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    await waitTurnCompleted(peer, turn.id);
    const change = notifications(peer).find((n) => n.method === 'item/completed' && n.params.item.type === 'fileChange')!;
    expect(change.params.item.status).toBe('declined');
    expect(existsSync(path.join(repo, 'a.txt'))).toBe(true);
    expectConforms(peer);
  });
});
