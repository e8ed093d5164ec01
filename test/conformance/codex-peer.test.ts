/**
 * Smoke test of the reference peer: the real `codex app-server` (pinned @openai/codex), fully
 * offline against the scripted Responses mock on 127.0.0.1, runs one text turn; its whole
 * transcript must satisfy the conformance oracle.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../src/demo/model-server/server.js';
import { MOCK_API_KEY, MOCK_ENV_KEY, codexPeerCommand, mockProviderFlags } from '../support/codex-peer.js';
import { spawnPeer, type JsonlPeer, type ServerMessage } from '../support/jsonl-peer.js';
import { createConformanceChecker } from '../support/protocol-schema.js';

const REPLY = 'Hello from the mock model. Nothing to do.';

describe('mockProviderFlags', () => {
  it('produces the -c overrides of FINDINGS.md §1', () => {
    const flags = mockProviderFlags('http://127.0.0.1:1234/v1', 'MY_KEY');
    expect(flags.filter((_, i) => i % 2 === 0).every((f) => f === '-c')).toBe(true);
    expect(flags.filter((_, i) => i % 2 === 1)).toEqual([
      'model_provider="mock"',
      'model="gpt-5.5"',
      'model_providers.mock.name="Mock Responses"',
      'model_providers.mock.base_url="http://127.0.0.1:1234/v1"',
      'model_providers.mock.env_key="MY_KEY"',
      'model_providers.mock.wire_api="responses"',
      'model_providers.mock.request_max_retries=0',
      'model_providers.mock.stream_max_retries=0',
      'features.plugins=false',
      'analytics.enabled=false',
      'check_for_update_on_startup=false',
    ]);
    expect(mockProviderFlags('http://x/v1', 'K', { offlineKnobs: false, streamMaxRetries: 2 })).not.toContain(
      'features.plugins=false',
    );
  });
});

describe('real codex app-server as an offline reference peer', () => {
  let workRoot: string;
  let model: ModelServer;
  let peer: JsonlPeer | undefined;

  beforeAll(async () => {
    workRoot = await mkdtemp(path.join(os.tmpdir(), 'tern-codex-peer-'));
    model = await startModelServer({ script: [{ output: [{ type: 'message', text: REPLY }] }] });
  });
  afterAll(async () => {
    await peer?.close();
    await model?.close();
    if (workRoot) await rm(workRoot, { recursive: true, force: true });
  });

  it('runs initialize → thread/start → turn/start → turn/completed, and every s2c message conforms', async () => {
    const checker = await createConformanceChecker(); // warm the schema cache before timing
    const t0 = Date.now();
    const cmd = await codexPeerCommand({ modelBaseUrl: model.url, workRoot });
    expect(cmd.codexHome.startsWith(cmd.env.TMPDIR!)).toBe(false);
    expect(cmd.env.OPENAI_API_KEY).toBeUndefined();
    expect(cmd.env.CODEX_API_KEY).toBeUndefined();
    const ws = path.join(workRoot, 'workspace');
    await mkdir(ws);

    peer = spawnPeer(cmd.command, cmd.args, { env: cmd.env, cwd: ws });
    const init = await peer.request('initialize', {
      clientInfo: { name: 'tern_conformance', title: 'tern conformance', version: '0.0.1' },
      capabilities: null,
    });
    expect(init.codexHome).toBe(cmd.codexHome);
    expect(init.userAgent).toMatch(/^tern_conformance\//);
    peer.notify('initialized');

    const started = await peer.request('thread/start', { cwd: ws, approvalPolicy: 'never', sandbox: 'workspace-write' });
    const threadId: string = started.thread.id;
    expect(started.sandbox.type).toBe('workspaceWrite');
    expect(started.model).toBe('gpt-5.5');

    const mark = peer.mark();
    const turnStart = await peer.request('turn/start', {
      threadId,
      input: [{ type: 'text', text: 'Say hello.', text_elements: [] }],
    });
    expect(turnStart.turn.status).toBe('inProgress');
    const isTurnCompleted = (m: ServerMessage) => m.method === 'turn/completed' && m.params?.threadId === threadId;
    const completed = await peer.waitFor(isTurnCompleted, 30_000, { from: mark });
    const tTurn = Date.now();
    expect(completed.params.turn.status).toBe('completed');
    expect(completed.params.turn.id).toBe(turnStart.turn.id);

    const s2c = peer.transcript.filter((e) => e.dir === 's2c').map((e) => e.msg as ServerMessage);
    const agentDone = s2c.find((m) => m.method === 'item/completed' && m.params.item.type === 'agentMessage');
    expect(agentDone?.params.item.text).toBe(REPLY);
    const deltas = s2c.filter((m) => m.method === 'item/agentMessage/delta').map((m) => m.params.delta as string);
    expect(deltas.join('')).toBe(REPLY);
    expect(s2c.some((m) => m.method === 'thread/started' && m.params.thread.id === threadId)).toBe(true);

    // The mock saw exactly one model call, authenticated with the fake key from env_key.
    const calls = model.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses'));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.headers.authorization).toBe(`Bearer ${MOCK_API_KEY}`);
    expect(cmd.env[MOCK_ENV_KEY]).toBe(MOCK_API_KEY);

    const code = await peer.close();
    const tEnd = Date.now();
    expect(code).toBe(0);
    console.log(
      `codex peer smoke: spawn→turn/completed ${tTurn - t0} ms, total incl. exit ${tEnd - t0} ms, ${peer.transcript.length} lines`,
    );

    checker.assertConforms(peer.transcript);
  });

  it('jsonl-peer: error replies reject with the error object, garbage lines get no reply', async () => {
    const cmd = await codexPeerCommand({ modelBaseUrl: model.url, workRoot });
    const p = spawnPeer(cmd.command, cmd.args, { env: cmd.env, cwd: workRoot });
    try {
      await expect(p.request('thread/list', {})).rejects.toEqual({ code: -32600, message: 'Not initialized' });
      p.sendRaw('this is not json');
      await p.request('initialize', { clientInfo: { name: 'tern_conformance', version: '0.0.1' } });
      p.notify('initialized');
      await expect(p.request('initialize', { clientInfo: { name: 'x', version: '1' } })).rejects.toMatchObject({
        code: -32600,
        message: 'Already initialized',
      });
      await expect(p.request('foo/bar', {}, { id: 'str-id' })).rejects.toMatchObject({ code: -32600 });
      const list = await p.request('thread/list', { limit: 1 });
      expect(Array.isArray(list.data)).toBe(true);
    } finally {
      expect(await p.close()).toBe(0);
    }
    expect(p.transcript.filter((e) => e.dir === 's2c' && (e.msg as ServerMessage).id === undefined).length).toBeGreaterThan(0);
    (await createConformanceChecker()).assertConforms(p.transcript);
  });
});
