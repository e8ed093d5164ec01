/**
 * ProtocolClient against the REAL reference server (`codex app-server` 0.169, offline against
 * the scripted Responses mock) and against processes that die.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProtocolClient, ServerExitedError, isNotification, spawnAppServer, type TapDirection } from '../../src/client/index.js';
import type { JsonRpcNotification } from '../../src/protocol/jsonrpc.js';
import { startModelServer, type ModelServer } from '../../src/demo/model-server/server.js';
import { codexPeerCommand, type CodexPeerCommand } from '../support/codex-peer.js';
import { createConformanceChecker } from '../support/protocol-schema.js';

const CLIENT_INFO = { name: 'tern_client_test', title: 'tern client test', version: '0.0.1' };

describe('ProtocolClient with codex app-server', () => {
  let workRoot: string;
  const models: ModelServer[] = [];
  const clients: ProtocolClient[] = [];

  beforeAll(async () => {
    workRoot = await mkdtemp(path.join(os.tmpdir(), 'tern-client-'));
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    for (const m of models) await m.close();
    await rm(workRoot, { recursive: true, force: true });
  });

  async function setup(script: Parameters<typeof startModelServer>[0]['script']) {
    const model = await startModelServer({ script });
    models.push(model);
    const peer: CodexPeerCommand = await codexPeerCommand({ modelBaseUrl: model.url, workRoot });
    const ws = await mkdtemp(path.join(workRoot, 'ws-'));
    const tapped: { dir: TapDirection; msg: Record<string, unknown> }[] = [];
    const stderr: string[] = [];
    const client = ProtocolClient.spawn(
      { command: [peer.command, ...peer.args], env: peer.env, cwd: ws, onStderr: (c) => stderr.push(c) },
      { tap: (dir, msg) => tapped.push({ dir, msg: msg as Record<string, unknown> }) },
    );
    clients.push(client);
    return { model, peer, ws, client, tapped, stderr };
  }

  function collectUntilTurnCompleted(client: ProtocolClient, threadId: string) {
    const seen: JsonRpcNotification[] = [];
    const done = new Promise<JsonRpcNotification>((resolve) => {
      client.onNotification((n) => {
        seen.push(n);
        if (isNotification(n, 'turn/completed') && n.params.threadId === threadId) resolve(n);
      });
    });
    return { seen, done };
  }

  it('initialize, thread/start, turn/start, notifications, tap both ways, clean close', async () => {
    const { client, ws, peer, tapped } = await setup([{ output: [{ type: 'message', text: 'Hello there.' }] }]);

    const init = await client.initialize(CLIENT_INFO);
    expect(init.codexHome).toBe(peer.codexHome);
    expect(init.userAgent).toMatch(/^tern_client_test\//);

    const started = await client.threadStart({ cwd: ws, approvalPolicy: 'never', sandbox: 'workspace-write' });
    expect(started.thread.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(started.sandbox.type).toBe('workspaceWrite');

    const { seen, done } = collectUntilTurnCompleted(client, started.thread.id);
    const turn = await client.turnStart({ threadId: started.thread.id, input: [{ type: 'text', text: 'hi', text_elements: [] }] });
    expect(turn.turn.status).toBe('inProgress');
    const completed = await done;
    expect(isNotification(completed, 'turn/completed') && completed.params.turn.status).toBe('completed');
    const agent = seen.find((n) => isNotification(n, 'item/completed') && n.params.item.type === 'agentMessage');
    expect(agent && isNotification(agent, 'item/completed') && agent.params.item.type === 'agentMessage' && agent.params.item.text).toBe(
      'Hello there.',
    );

    // A generic request.
    const list = await client.request<{ data: unknown[] }>('thread/loaded/list', {});
    expect(list.data).toContain(started.thread.id);
    // An error reply rejects with the JSON-RPC error object attached.
    await expect(client.request('thread/read', { threadId: 'not-a-thread' })).rejects.toMatchObject({
      name: 'RequestFailedError',
      reason: 'error-reply',
      error: { code: -32600 },
    });

    const exit = await client.close();
    expect(exit).toMatchObject({ code: 0, signal: null, spawnError: null });

    // The tap saw both directions, in order: our initialize first, then its reply, and the `initialized` notification.
    expect(tapped[0]).toMatchObject({ dir: 'c2s', msg: { method: 'initialize', id: 0 } });
    expect(tapped[1]).toMatchObject({ dir: 's2c', msg: { id: 0 } });
    expect(tapped.some((t) => t.dir === 'c2s' && t.msg.method === 'initialized' && t.msg.id === undefined)).toBe(true);
    expect(tapped.some((t) => t.dir === 's2c' && t.msg.method === 'turn/completed')).toBe(true);
    (await createConformanceChecker()).assertConforms(tapped);
  });

  it('server requests: the handler answers approvals; without a handler the server gets a JSON-RPC error', async () => {
    const script = [
      { output: [{ type: 'function_call' as const, name: 'exec_command', arguments: { cmd: 'echo one > one.txt' } }] },
      { output: [{ type: 'function_call' as const, name: 'exec_command', arguments: { cmd: 'echo two > two.txt' } }] },
      { output: [{ type: 'message' as const, text: 'Done.' }] },
    ];
    const { client, ws, tapped } = await setup(script);
    await client.initialize(CLIENT_INFO);
    const { thread } = await client.threadStart({ cwd: ws, approvalPolicy: 'untrusted', sandbox: 'workspace-write' });

    const asked: string[] = [];
    client.onServerRequest(async (method) => {
      asked.push(method);
      // Answer the first one, then unregister: the second gets an error reply.
      client.onServerRequest(undefined);
      return { decision: 'decline' };
    });
    const { seen, done } = collectUntilTurnCompleted(client, thread.id);
    await client.turnStart({ threadId: thread.id, input: [{ type: 'text', text: 'write files', text_elements: [] }] });
    await done;
    expect(asked).toEqual(['item/commandExecution/requestApproval']);

    const replies = tapped.filter((t) => t.dir === 'c2s' && t.msg.method === undefined && t.msg.id !== undefined);
    expect(replies).toHaveLength(2);
    expect(replies[0]!.msg).toMatchObject({ result: { decision: 'decline' } });
    expect(replies[1]!.msg).toMatchObject({ error: { code: -32601 } });
    // Neither command ran: codex marks the declined one `declined`, the error-answered one `failed`.
    const commands = seen.filter(
      (n) => isNotification(n, 'item/completed') && n.params.item.type === 'commandExecution',
    ) as { params: { item: { status: string } } }[];
    expect(commands.map((c) => c.params.item.status)).toEqual(['declined', 'failed']);
    expect(existsSync(path.join(ws, 'one.txt')) || existsSync(path.join(ws, 'two.txt'))).toBe(false);
    await client.close();
  });
});

describe('ProtocolClient with a dying server', () => {
  it('a request to a process that exits reports the exit code and last stderr line, fast', async () => {
    const client = ProtocolClient.spawn({
      command: [process.execPath, '-e', 'console.error("first");console.error("fatal: no config");process.exit(3)'],
      env: process.env,
    });
    const err = await client.initialize(CLIENT_INFO).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerExitedError);
    expect((err as ServerExitedError).message).toBe('app server exited with code 3 during initialize; last stderr line: fatal: no config');
    expect((err as ServerExitedError).exit.stderrTail).toEqual(['first', 'fatal: no config']);
    expect(await client.close()).toMatchObject({ code: 3 });
  });

  it('a command that cannot be started is reported, not hung on', async () => {
    const client = ProtocolClient.spawn({ command: ['/nonexistent/tern-test-server'], env: process.env });
    await expect(client.initialize(CLIENT_INFO)).rejects.toThrow(/could not be started \(spawn \/nonexistent\/tern-test-server ENOENT\)/);
    await client.close();
  });

  it('whenExitedUnexpectedly fires for a crash but not for close()', async () => {
    const crash = ProtocolClient.spawn({ command: [process.execPath, '-e', 'setTimeout(() => process.kill(process.pid, "SIGKILL"), 50)'], env: process.env });
    const e = await crash.whenExitedUnexpectedly();
    expect(e.exit.signal).toBe('SIGKILL');
    expect(e.message).toBe('app server was killed by SIGKILL');
    await crash.close();

    const calm = ProtocolClient.spawn({ command: [process.execPath, '-e', 'process.stdin.resume()'], env: process.env });
    let fired = false;
    void calm.whenExitedUnexpectedly().then(() => (fired = true));
    expect(await calm.close()).toMatchObject({ code: 0 });
    await new Promise((r) => setTimeout(r, 50));
    expect(fired).toBe(false);
  });

  it('close() escalates to SIGTERM when the server ignores stdin EOF', async () => {
    const proc = spawnAppServer({ command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'], env: process.env });
    const client = new ProtocolClient(proc);
    const exit = await client.close({ graceMs: 200, termMs: 2000 });
    expect(exit.signal).toBe('SIGTERM');
  });
});
