// Durable threads: thread/resume in a fresh server process (turns, items, the model history byte
// for byte), thread/read, thread/list, and SIGKILL in the middle of a turn.
import { describe, expect, it } from 'vitest';
import { HELLO_REPO, TEXT_REPLY, TEXT_SCRIPT, toolsScript } from '../fixtures/scenarios.js';
import { createTempRepo } from '../support/git-repo.js';
import type { JsonlPeer } from '../support/jsonl-peer.js';
import { useTernAppServers } from '../support/tern-session.js';

const tern = useTernAppServers('tern-e2e-resume-');

/** How many points of the tools turn the SIGKILL test kills the server at (after the k-th item/completed). */
const KILL_POINTS = 5;

const text = (t: string) => [{ type: 'text', text: t, text_elements: [] }];
const waitTurnCompleted = (peer: JsonlPeer, turnId: string) =>
  peer.waitFor((m) => m.method === 'turn/completed' && m.params?.turn?.id === turnId, 30_000);
const sameHome = (ternHome: string) => ({ env: (e: NodeJS.ProcessEnv) => ({ ...e, TERN_HOME: ternHome }) });
const inputs = (model: { requests: { path: string; body: unknown }[] }) =>
  model.requests.filter((r) => r.path.endsWith('/responses')).map((r) => (r.body as Record<string, any>).input as Record<string, any>[]);

describe('tern app-server: durable threads', () => {
  it('resumes in a new process with its turns, and the next request extends the last one byte for byte', async () => {
    const repo = createTempRepo(HELLO_REPO, tern.workRoot);
    const first = await tern.start(toolsScript());
    const started = await first.peer.request('thread/start', { cwd: repo, approvalPolicy: 'never', sandbox: 'danger-full-access' });
    const threadId: string = started.thread.id;
    const { turn } = await first.peer.request('turn/start', { threadId, input: text('do the thing') });
    expect((await waitTurnCompleted(first.peer, turn.id)).params.turn.status).toBe('completed');
    const liveItems = first.peer.transcript
      .map((e) => e.msg as Record<string, any>)
      .filter((m) => m?.method === 'item/completed')
      .map((m) => m.params.item);
    const before = inputs(first.model);
    tern.expectConforms(first.peer);
    await first.peer.close();

    const second = await tern.start(TEXT_SCRIPT, sameHome(first.cmd.ternHome));
    const resumed = await second.peer.request('thread/resume', { threadId });
    expect(resumed.thread.id).toBe(threadId);
    expect(resumed.thread.status).toEqual({ type: 'idle' });
    expect(resumed.approvalPolicy).toBe('never');
    expect(resumed.sandbox).toEqual({ type: 'dangerFullAccess' });
    expect(resumed.thread.turns).toHaveLength(1);
    expect(resumed.thread.turns[0]).toMatchObject({ id: turn.id, status: 'completed', itemsView: 'full' });
    expect(resumed.thread.turns[0].items).toEqual(liveItems);
    expect(resumed.thread.preview).toBe('do the thing');

    const next = await second.peer.request('turn/start', { threadId, input: text('and now?') });
    expect((await waitTurnCompleted(second.peer, next.turn.id)).params.turn.status).toBe('completed');
    const after = inputs(second.model);
    expect(after).toHaveLength(1);
    const prev = JSON.stringify(before.at(-1));
    expect(JSON.stringify(after[0]).startsWith(prev.slice(0, -1))).toBe(true);

    // thread/read, with and without turns; thread/list.
    const read = await second.peer.request('thread/read', { threadId, includeTurns: true });
    expect(read.thread.turns.map((t: any) => t.status)).toEqual(['completed', 'completed']);
    expect(read.thread.turns[1].items.at(-1)).toMatchObject({ type: 'agentMessage', text: TEXT_REPLY });
    expect((await second.peer.request('thread/read', { threadId })).thread.turns).toEqual([]);
    const list = await second.peer.request('thread/list', { limit: 10 });
    expect(list.data.map((t: any) => t.id)).toEqual([threadId]);
    expect(list.data[0]).toMatchObject({ preview: 'do the thing', turns: [] });
    expect(list.nextCursor).toBeNull();
    tern.expectConforms(second.peer);
  });

  it('thread/read of an unloaded thread, thread/list pagination and filters, unknown ids', async () => {
    const repo = createTempRepo(HELLO_REPO, tern.workRoot);
    const first = await tern.start([...TEXT_SCRIPT, ...TEXT_SCRIPT, ...TEXT_SCRIPT]);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await first.peer.request('thread/start', { cwd: repo, approvalPolicy: 'never' });
      ids.push(s.thread.id);
      const { turn } = await first.peer.request('turn/start', { threadId: s.thread.id, input: text(`thread ${i}`) });
      await waitTurnCompleted(first.peer, turn.id);
      await new Promise((r) => setTimeout(r, 1100)); // distinct createdAt seconds
    }
    const eph = await first.peer.request('thread/start', { cwd: repo, ephemeral: true });
    await expect(first.peer.request('thread/read', { threadId: eph.thread.id, includeTurns: true })).rejects.toMatchObject({ code: -32600 });
    await first.peer.close();

    const second = await tern.start([], sameHome(first.cmd.ternHome));
    const read = await second.peer.request('thread/read', { threadId: ids[0], includeTurns: true });
    expect(read.thread).toMatchObject({ id: ids[0], status: { type: 'notLoaded' }, preview: 'thread 0' });
    expect(read.thread.turns[0].items.map((i: any) => i.type)).toEqual(['userMessage', 'agentMessage']);

    const page1 = await second.peer.request('thread/list', { limit: 2 });
    expect(page1.data.map((t: any) => t.id)).toEqual([ids[2], ids[1]]);
    expect(typeof page1.nextCursor).toBe('string');
    const page2 = await second.peer.request('thread/list', { limit: 2, cursor: page1.nextCursor });
    expect(page2.data.map((t: any) => t.id)).toEqual([ids[0]]);
    expect(page2.nextCursor).toBeNull();
    const asc = await second.peer.request('thread/list', { sortKey: 'updated_at', sortDirection: 'asc' });
    expect(asc.data.map((t: any) => t.id)).toEqual(ids);
    expect((await second.peer.request('thread/list', { archived: true })).data).toEqual([]);
    expect((await second.peer.request('thread/list', { cwd: '/nowhere' })).data).toEqual([]);

    await expect(second.peer.request('thread/read', { threadId: 'not-a-thread' })).rejects.toMatchObject({ code: -32600 });
    await expect(second.peer.request('thread/resume', { threadId: 'not-a-thread' })).rejects.toMatchObject({ code: -32600 });
    await expect(second.peer.request('thread/list', { cursor: 'garbage!' })).rejects.toMatchObject({ code: -32600 });
    tern.expectConforms(second.peer);
  });

  it(`SIGKILL mid-turn at ${KILL_POINTS} points: no completed item lost, the turn comes back interrupted, a new turn completes`, async () => {
    for (let k = 1; k <= KILL_POINTS; k++) {
      const repo = createTempRepo(HELLO_REPO, tern.workRoot);
      const first = await tern.start(toolsScript());
      const started = await first.peer.request('thread/start', { cwd: repo, approvalPolicy: 'never', sandbox: 'danger-full-access' });
      const threadId: string = started.thread.id;
      let seen = 0;
      const killed = first.peer.waitFor((m) => m.method === 'item/completed' && ++seen === k, 30_000);
      const { turn } = await first.peer.request('turn/start', { threadId, input: text('do the thing') });
      await killed;
      process.kill(first.peer.pid!, 'SIGKILL');
      const completedIds = first.peer.transcript
        .map((e) => e.msg as Record<string, any>)
        .filter((m) => m?.method === 'item/completed')
        .map((m) => m.params.item.id as string);
      await first.peer.close();

      const second = await tern.start(TEXT_SCRIPT, sameHome(first.cmd.ternHome));
      const resumed = await second.peer.request('thread/resume', { threadId });
      const t0 = resumed.thread.turns[0];
      expect(t0.id).toBe(turn.id);
      const resumedIds = t0.items.map((i: any) => i.id);
      for (const id of completedIds) expect(resumedIds, `kill point ${k}`).toContain(id);
      if (t0.status !== 'completed') expect(t0.status).toBe('interrupted');

      const next = await second.peer.request('turn/start', { threadId, input: text('carry on') });
      expect((await waitTurnCompleted(second.peer, next.turn.id)).params.turn.status).toBe('completed');
      // The model saw a coherent history: every tool call answered, the new message last.
      const input = inputs(second.model)[0]!;
      const calls = input.filter((i) => i.type === 'function_call' || i.type === 'custom_tool_call').map((i) => i.call_id);
      const outputs = new Set(input.filter((i) => i.type === 'function_call_output' || i.type === 'custom_tool_call_output').map((i) => i.call_id));
      for (const c of calls) expect(outputs.has(c), `kill point ${k}: output for ${c}`).toBe(true);
      expect(JSON.stringify(input.at(-1))).toContain('carry on');
      const again = await second.peer.request('thread/read', { threadId, includeTurns: true });
      expect(again.thread.turns.map((t: any) => t.status)).toEqual([t0.status, 'completed']);
      tern.expectConforms(second.peer);
      await second.peer.close();
    }
  }, 120_000);
});
