// Durable threads: thread/resume in a fresh server process (turns, items, the model history byte
// for byte), thread/read, thread/list, and SIGKILL in the middle of a turn at 20 points.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { HELLO_REPO, TEXT_REPLY, TEXT_SCRIPT, toolsScript } from '../fixtures/scenarios.js';
import { createTempRepo } from '../support/git-repo.js';
import type { JsonlPeer, ServerMessage } from '../support/jsonl-peer.js';
import { notifications, useTernAppServers, type StartedTernServer } from '../support/tern-session.js';

const tern = useTernAppServers('tern-e2e-resume-');


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
    const usageOf = (peer: typeof first.peer) =>
      peer.transcript.map((e) => e.msg as Record<string, any>).filter((m) => m?.method === 'thread/tokenUsage/updated').map((m) => m.params);
    const lastUsage = usageOf(first.peer).at(-1);
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
    // As codex: the restored token totals follow the reply, and counting goes on from them.
    await second.peer.waitFor((m) => m.method === 'thread/tokenUsage/updated', 10_000);
    expect(usageOf(second.peer)).toEqual([{ threadId, turnId: turn.id, tokenUsage: lastUsage.tokenUsage }]);

    const next = await second.peer.request('turn/start', { threadId, input: text('and now?') });
    expect((await waitTurnCompleted(second.peer, next.turn.id)).params.turn.status).toBe('completed');
    const nextUsage = usageOf(second.peer).at(-1)!.tokenUsage;
    expect(nextUsage.total.totalTokens).toBe(lastUsage.tokenUsage.total.totalTokens + nextUsage.last.totalTokens);
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

  it(`SIGKILL mid-turn at ${KILL_POINTS.length} points: no completed item lost, coherent history, a new turn completes`, async () => {
    // One TERN_HOME for the chain: server k resumes the thread server k-1 was killed in (and runs a
    // turn on it), then starts the next kill point's turn and is killed in it.
    const ternHome = await mkdtemp(path.join(tern.workRoot, 'kill-chain-'));
    let killed: KilledTurn | null = null;
    for (const point of [...KILL_POINTS, null]) {
      const script = [...(killed ? TEXT_SCRIPT : []), ...(point ? point.script() : [])];
      const server = await tern.start(script, sameHome(ternHome));
      if (killed) await expectCoherentResume(server, killed);
      killed = point ? await killMidTurn(server, point) : null;
    }
  }, 600_000);
});

/** Where a kill point kills: a scenario (script, policy) and the server message after which SIGKILL goes. */
interface KillPoint {
  name: string;
  script: () => ScriptStep[];
  approvalPolicy: 'never' | 'untrusted';
  /** The command the scenario must never have run when killed (its side-effect file). */
  sideEffect?: string;
  /** The status the resumed turn must have, where the kill point decides it. */
  status?: 'completed' | 'interrupted';
  at: (msg: ServerMessage, seen: (method: string) => number) => boolean;
}

interface KilledTurn {
  point: KillPoint;
  repo: string;
  threadId: string;
  turnId: string;
  /** Whether the client saw `turn/started` before the kill (the reply alone does not make a turn durable). */
  sawTurnStarted: boolean;
  completedIds: string[];
}

/** A command that runs long enough to be killed in, writing output as it goes. */
const SLOW_COMMAND = 'for i in 1 2 3; do echo tick $i; sleep 0.2; done; sleep 5';
const SLOW_STREAM_DELAY_MS = 150;
const slowCommandScript = (): ScriptStep[] => [
  { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: SLOW_COMMAND, yield_time_ms: 10_000 } }] },
  { output: [{ type: 'message', text: 'slow done' }] },
];
const slowMessageScript = (): ScriptStep[] => [{ output: [{ type: 'message', text: 'a long, slowly streamed answer', chunks: 6 }], delayMs: SLOW_STREAM_DELAY_MS }];
const sideEffectScript = (): ScriptStep[] => [
  { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'echo ran > side.txt' } }] },
  { output: [{ type: 'message', text: 'wrote it' }] },
];
const patchScript = (): ScriptStep[] => [
  { output: [{ type: 'custom_tool_call', name: 'apply_patch', input: '*** Begin Patch\n*** Add File: side.txt\n+patched\n*** End Patch\n' }] },
  { output: [{ type: 'message', text: 'patched' }] },
];

const method = (name: string) => (m: ServerMessage) => m.method === name;
const nth = (name: string, n: number) => (m: ServerMessage, seen: (method: string) => number) => m.method === name && seen(name) === n;
const itemStarted = (type: string) => (m: ServerMessage) => m.method === 'item/started' && m.params?.item?.type === type;
const tools = (name: string, at: KillPoint['at']): KillPoint => ({ name, script: () => toolsScript(), approvalPolicy: 'never', at });

const KILL_POINTS: KillPoint[] = [
  tools('thread active', method('thread/status/changed')),
  tools('turn/started', method('turn/started')),
  ...[1, 2, 3, 4, 5].map((k) => tools(`after item/completed #${k}`, nth('item/completed', k))),
  tools('streaming the reasoning summary', method('item/reasoning/summaryTextDelta')),
  tools('command started', itemStarted('commandExecution')),
  tools('apply_patch started', itemStarted('fileChange')),
  tools('after the first token usage', nth('thread/tokenUsage/updated', 1)),
  tools('after the third token usage', nth('thread/tokenUsage/updated', 3)),
  tools('after 11 notifications', (_m, seen) => seen('*') === 11),
  tools('answer started', itemStarted('agentMessage')),
  { ...tools('turn/completed', method('turn/completed')), status: 'completed' },
  { name: 'during a running command', script: slowCommandScript, approvalPolicy: 'never', status: 'interrupted', at: itemStarted('commandExecution') },
  { name: 'while a command streams output', script: slowCommandScript, approvalPolicy: 'never', status: 'interrupted', at: method('item/commandExecution/outputDelta') },
  { name: 'while the answer streams', script: slowMessageScript, approvalPolicy: 'never', at: nth('item/agentMessage/delta', 2) },
  {
    name: 'waiting on a command approval',
    script: sideEffectScript,
    approvalPolicy: 'untrusted',
    sideEffect: 'side.txt',
    status: 'interrupted',
    at: method('item/commandExecution/requestApproval'),
  },
  {
    name: 'waiting on a patch approval',
    script: patchScript,
    approvalPolicy: 'untrusted',
    sideEffect: 'side.txt',
    status: 'interrupted',
    at: method('item/fileChange/requestApproval'),
  },
];

/** Starts the point's turn on a new thread and SIGKILLs the server at the point. */
async function killMidTurn(server: StartedTernServer, point: KillPoint): Promise<KilledTurn> {
  const { peer } = server;
  peer.onServerRequest(() => new Promise(() => undefined)); // approvals stay pending
  const repo = createTempRepo(HELLO_REPO, tern.workRoot);
  const started = await peer.request('thread/start', { cwd: repo, approvalPolicy: point.approvalPolicy, sandbox: 'danger-full-access' });
  const threadId: string = started.thread.id;
  const counts = new Map<string, number>();
  const seen = (m: string) => counts.get(m) ?? 0;
  const from = peer.mark();
  const reached = peer.waitFor(
    (m) => {
      if (typeof m.method !== 'string') return false;
      counts.set(m.method, seen(m.method) + 1);
      counts.set('*', seen('*') + 1);
      return point.at(m, seen);
    },
    30_000,
    { from },
  );
  const { turn } = await peer.request('turn/start', { threadId, input: text('do the thing') });
  await reached;
  process.kill(peer.pid!, 'SIGKILL');
  await peer.close();
  const seenByClient = notifications(peer).filter((m) => m.params?.threadId === threadId);
  const completedIds = seenByClient.filter((m) => m.method === 'item/completed').map((m) => m.params.item.id as string);
  const sawTurnStarted = seenByClient.some((m) => m.method === 'turn/started');
  tern.expectConforms(peer);
  return { point, repo, threadId, turnId: turn.id, sawTurnStarted, completedIds };
}

/** A new server resumes the killed thread: every completed item there, the turn closed, a new turn completes on a coherent history. */
async function expectCoherentResume(server: StartedTernServer, k: KilledTurn): Promise<void> {
  const { peer, model } = server;
  const where = `kill point "${k.point.name}"`;
  const resumed = await peer.request('thread/resume', { threadId: k.threadId });
  expect(resumed.thread.turns.length, where).toBe(k.sawTurnStarted ? 1 : resumed.thread.turns.length);
  expect(resumed.thread.turns.length, where).toBeLessThanOrEqual(1);
  const t0 = resumed.thread.turns[0] ?? { id: k.turnId, status: 'interrupted', items: [] };
  expect(t0.id, where).toBe(k.turnId);
  const resumedIds = t0.items.map((i: any) => i.id);
  for (const id of k.completedIds) expect(resumedIds, where).toContain(id);
  expect(new Set(resumedIds).size, `${where}: no item twice`).toBe(resumedIds.length);
  expect(['completed', 'interrupted'], where).toContain(t0.status);
  if (k.point.status) expect(t0.status, where).toBe(k.point.status);
  if (k.point.sideEffect) expect(existsSync(path.join(k.repo, k.point.sideEffect)), `${where}: the unapproved tool never ran`).toBe(false);

  const before = inputs(model).length;
  const next = await peer.request('turn/start', { threadId: k.threadId, input: text('carry on') });
  expect((await waitTurnCompleted(peer, next.turn.id)).params.turn.status, where).toBe('completed');
  // The model saw a coherent history: every tool call answered once, the new message last.
  const input = inputs(model)[before]!;
  const calls = input.filter((i) => i.type === 'function_call' || i.type === 'custom_tool_call').map((i) => i.call_id);
  const outputs = input.filter((i) => i.type === 'function_call_output' || i.type === 'custom_tool_call_output').map((i) => i.call_id);
  expect([...outputs].sort(), `${where}: one output per call`).toEqual([...calls].sort());
  expect(JSON.stringify(input.at(-1)), where).toContain('carry on');
  const again = await peer.request('thread/read', { threadId: k.threadId, includeTurns: true });
  const earlier = resumed.thread.turns.length === 1 ? [t0.status] : [];
  expect(again.thread.turns.map((t: any) => t.status), where).toEqual([...earlier, 'completed']);
}
