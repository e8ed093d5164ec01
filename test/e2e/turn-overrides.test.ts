/**
 * turn/start overrides through the real server (dist/tern.js app-server): `cwd`, `model`,
 * `effort`, `summary`, `approvalPolicy` and `sandboxPolicy` hold for that turn and every later one,
 * also after a resume in a new process (they are in the thread log's `turn_context`);
 * `outputSchema` holds for its turn only and reaches the model as the reference sends it
 * (`text.format` json_schema named `codex_output_schema`, strict).
 */
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTempRepo } from '../support/git-repo.js';
import type { JsonlPeer } from '../support/jsonl-peer.js';
import { initialize, useTernAppServers } from '../support/tern-session.js';

const tern = useTernAppServers('tern-turn-overrides-');
const { expectConforms } = tern;

const text = (t: string) => [{ type: 'text', text: t }];
const waitTurnCompleted = (peer: JsonlPeer, turnId: string) =>
  peer.waitFor((m) => m.method === 'turn/completed' && m.params?.turn?.id === turnId, 30_000);
const sameHome = (ternHome: string) => ({ env: (e: NodeJS.ProcessEnv) => ({ ...e, TERN_HOME: ternHome }) });

const SCHEMA = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };

function logRecords(ternHome: string): { type: string; payload: any }[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.jsonl')) files.push(path.join(d, e.name));
    }
  };
  walk(path.join(ternHome, 'sessions'));
  return files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
}

describe('turn/start overrides', () => {
  it('persist to later turns and across a resume in a new process; outputSchema is for its turn only', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const sub = path.join(repo, 'sub');
    mkdirSync(sub);
    const first = await tern.start([
      { output: [{ type: 'message', text: '{"answer":"x"}' }] },
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'pwd > where.txt' } }] },
      { output: [{ type: 'message', text: 'two' }] },
    ]);
    const { peer, model, cmd } = first;
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'never', sandbox: 'read-only' });
    const t1 = await peer.request('turn/start', {
      threadId: thread.id,
      input: text('one'),
      cwd: sub,
      model: 'gpt-5.5-mini',
      effort: 'high',
      summary: 'detailed',
      sandboxPolicy: { type: 'workspaceWrite' },
      outputSchema: SCHEMA,
    });
    const done1 = await waitTurnCompleted(peer, t1.turn.id);
    expect(done1.params.turn.items[0].text).toBe('{"answer":"x"}');
    const t2 = await peer.request('turn/start', { threadId: thread.id, input: text('two') });
    expect((await waitTurnCompleted(peer, t2.turn.id)).params.turn.status).toBe('completed');

    const bodies = model.requests.map((r) => r.body as any);
    expect(bodies).toHaveLength(3);
    expect(bodies[0].text).toEqual({ format: { type: 'json_schema', name: 'codex_output_schema', schema: SCHEMA, strict: true } });
    for (const b of bodies) {
      expect(b.model).toBe('gpt-5.5-mini');
      expect(b.reasoning).toEqual({ summary: 'detailed', effort: 'high' });
    }
    expect(bodies[1].text).toBeUndefined();
    expect(bodies[2].text).toBeUndefined();
    // The new cwd and sandbox are told to the model by appended context, never by editing the first.
    const envs = (bodies[0].input as any[]).filter((i) => i.type === 'message' && i.content[0].text.startsWith('<environment_context>'));
    expect(envs.map((e) => /<cwd>(.*)<\/cwd>/.exec(e.content[0].text)![1])).toEqual([repo, sub]);
    // The second turn's command ran in the new cwd, with the new (writable) sandbox.
    expect(readFileSync(path.join(sub, 'where.txt'), 'utf8').trim()).toBe(sub);
    expect((await peer.request('thread/read', { threadId: thread.id })).thread).toMatchObject({ cwd: sub, model: 'gpt-5.5-mini', reasoningEffort: 'high' });

    const contexts = logRecords(cmd.ternHome).filter((r) => r.type === 'turn_context').map((r) => r.payload);
    expect(contexts).toHaveLength(2);
    for (const c of contexts) {
      expect(c).toMatchObject({ cwd: sub, model: 'gpt-5.5-mini', effort: 'high', summary: 'detailed', sandbox_mode: 'workspace-write' });
    }
    expectConforms(peer);
    await peer.close();

    // A new process resumes the thread: the overrides still hold.
    const second = await tern.launch([{ output: [{ type: 'message', text: 'three' }] }], sameHome(cmd.ternHome));
    await initialize(second.peer);
    const resumed = await second.peer.request('thread/resume', { threadId: thread.id });
    expect(resumed).toMatchObject({ cwd: sub, model: 'gpt-5.5-mini', sandbox: { type: 'workspaceWrite' } });
    const t3 = await second.peer.request('turn/start', { threadId: thread.id, input: text('three') });
    expect((await waitTurnCompleted(second.peer, t3.turn.id)).params.turn.status).toBe('completed');
    const b3 = second.model.requests[0]!.body as any;
    expect(b3).toMatchObject({ model: 'gpt-5.5-mini', reasoning: { summary: 'detailed', effort: 'high' } });
    expect(b3.text).toBeUndefined();
    expectConforms(second.peer);
  });

  it('summary `none` asks for no reasoning summary', async () => {
    const { peer, model } = await tern.start([{ output: [{ type: 'message', text: 'ok' }] }]);
    const { thread } = await peer.request('thread/start', { cwd: tern.workRoot });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: text('hi'), summary: 'none', effort: 'low' });
    await waitTurnCompleted(peer, turn.id);
    expect((model.requests[0]!.body as any).reasoning).toEqual({ effort: 'low' });
    expectConforms(peer);
  });

  it('refuses bad overrides without starting a turn: a cwd that is not a directory, an unknown summary, a non-object outputSchema', async () => {
    const { peer, model } = await tern.start([]);
    const { thread } = await peer.request('thread/start', { cwd: tern.workRoot });
    const start = (extra: Record<string, unknown>) => peer.request('turn/start', { threadId: thread.id, input: text('hi'), ...extra }).catch((e) => e);
    const missing = path.join(tern.workRoot, 'no-such-dir');
    expect(await start({ cwd: missing })).toEqual({ code: -32600, message: `cwd is not a directory: ${missing}` });
    expect(await start({ summary: 'verbose' })).toMatchObject({ code: -32600, message: expect.stringContaining('unknown variant `verbose`') });
    expect(await start({ outputSchema: 'json' })).toEqual({ code: -32600, message: 'Invalid request: invalid type: string "json", expected a map' });
    expect(model.requests).toHaveLength(0);
    expect(peer.transcript.some((e) => (e.msg as any)?.method === 'turn/started')).toBe(false);
    expectConforms(peer);
  });
});
