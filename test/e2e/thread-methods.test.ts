/**
 * The thread methods beyond start/resume through the real server (dist/tern.js app-server):
 * thread/fork (lastTurnId, a running source, ephemeral), thread/archive and thread/unarchive
 * (files moved, never rewritten; notifications in the reference's order), thread/name/set, the
 * thread/list filters and cursors, and a pending approval sent again on thread/resume. Every
 * message is checked against the 0.169.0 schema.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { HELLO_REPO, TEXT_SCRIPT } from '../fixtures/scenarios.js';
import { createTempRepo } from '../support/git-repo.js';
import type { JsonlPeer } from '../support/jsonl-peer.js';
import { initialize, useTernAppServers } from '../support/tern-session.js';

const tern = useTernAppServers('tern-e2e-thread-methods-');

const text = (t: string) => [{ type: 'text', text: t, text_elements: [] }];
const reply = (t: string): ScriptStep => ({ output: [{ type: 'message', text: t }] });
const inputs = (model: { requests: { path: string; body: unknown }[] }) =>
  model.requests.filter((r) => r.path.endsWith('/responses')).map((r) => (r.body as Record<string, any>).input as Record<string, any>[]);
const bodies = (model: { requests: { path: string; body: unknown }[] }) =>
  model.requests.filter((r) => r.path.endsWith('/responses')).map((r) => r.body as Record<string, any>);

async function runTurn(peer: JsonlPeer, threadId: string, prompt: string): Promise<string> {
  const { turn } = await peer.request('turn/start', { threadId, input: text(prompt) });
  const done = await peer.waitFor((m) => m.method === 'turn/completed' && m.params?.turn?.id === turn.id, 30_000);
  expect(done.params.turn.status).toBe('completed');
  return turn.id as string;
}

/** The server messages after transcript index `from`, as `method` (notifications, requests) or `reply:<id>`. */
function sequence(peer: JsonlPeer, from: number): string[] {
  return peer.transcript
    .slice(from)
    .filter((e) => e.dir === 's2c')
    .map((e) => e.msg as Record<string, any>)
    .map((m) => (m.method ? m.method : `reply:${m.id}`));
}

describe('tern app-server: thread methods', () => {
  it('thread/fork through lastTurnId: its turns, its name, its history byte for byte, and the errors', async () => {
    const repo = createTempRepo(HELLO_REPO, tern.workRoot);
    const { peer, model } = await tern.start([reply('one'), reply('two'), reply('forked'), reply('four')]);
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'never' });
    const t1 = await runTurn(peer, thread.id, 'first message');
    await runTurn(peer, thread.id, 'second message');
    await peer.request('thread/name/set', { threadId: thread.id, name: 'Source Name' });
    await peer.waitFor((m) => m.method === 'thread/name/updated', 10_000);

    const mark = peer.mark();
    const fork = await peer.request('thread/fork', { threadId: thread.id, lastTurnId: t1 });
    await peer.waitFor((m) => m.method === 'thread/started' && m.params.thread.id === fork.thread.id, 10_000, { from: mark });
    // As codex (differential "fork"): the reply, the token totals the fork inherits, then thread/started.
    expect(sequence(peer, mark)).toEqual([expect.stringMatching(/^reply:/), 'thread/tokenUsage/updated', 'thread/started']);
    const usage = peer.transcript.slice(mark).find((e) => (e.msg as any).method === 'thread/tokenUsage/updated')!.msg as any;
    // Restored from the copied records: the totals as of the last turn kept (t1), counted once.
    expect(usage.params).toMatchObject({ threadId: fork.thread.id, turnId: t1 });
    expect(usage.params.tokenUsage.total.totalTokens).toBe(usage.params.tokenUsage.last.totalTokens);
    expect(fork.thread).toMatchObject({ forkedFromId: thread.id, name: 'Source Name', preview: 'first message', ephemeral: false });
    expect(fork.thread.id).not.toBe(thread.id);
    expect(fork.thread.turns.map((t: any) => [t.id, t.status])).toEqual([[t1, 'completed']]);
    expect(fork.thread.turns[0].items.map((i: any) => i.type)).toEqual(['userMessage', 'agentMessage']);
    expect(existsSync(fork.thread.path)).toBe(true);

    // The fork's first request extends the source's request of turn 1 (plus its answer), byte for byte.
    await runTurn(peer, fork.thread.id, 'on the fork');
    const all = inputs(model);
    const sourceTurn1 = JSON.stringify(all[0]);
    const forkFirst = all[2]!;
    expect(JSON.stringify(forkFirst).startsWith(sourceTurn1.slice(0, -1))).toBe(true);
    expect(JSON.stringify(forkFirst)).not.toContain('second message');
    expect(JSON.stringify(forkFirst.at(-1))).toContain('on the fork');
    expect(bodies(model)[2]!.prompt_cache_key).toBe(fork.thread.id);
    // The source goes on untouched.
    await runTurn(peer, thread.id, 'source again');
    expect(JSON.stringify(inputs(model)[3])).toContain('second message');

    const list = await peer.request('thread/list', {});
    expect(list.data.map((t: any) => t.id).sort()).toEqual([thread.id, fork.thread.id].sort());
    const read = await peer.request('thread/read', { threadId: fork.thread.id, includeTurns: true });
    expect(read.thread.turns.map((t: any) => t.id)).toEqual([t1, expect.any(String)]);

    await expect(peer.request('thread/fork', { threadId: thread.id, lastTurnId: 'nope' })).rejects.toEqual({ code: -32600, message: 'turn not found: nope' });
    await expect(peer.request('thread/fork', { threadId: 'not-a-thread' })).rejects.toMatchObject({ code: -32600 });
    await expect(peer.request('thread/fork', { threadId: thread.id, ephemeral: true })).rejects.toMatchObject({ code: -32600 });
    await expect(peer.request('thread/fork', {})).rejects.toEqual({ code: -32600, message: 'Invalid request: missing field `threadId`' });
    const eph = await peer.request('thread/fork', { threadId: thread.id, ephemeral: true, excludeTurns: true });
    expect(eph.thread).toMatchObject({ ephemeral: true, path: null, turns: [], forkedFromId: thread.id });
    // An ephemeral thread has no log: no fork, no archive, no name (the reference's messages).
    const noRollout = { code: -32600, message: `no rollout found for thread id ${eph.thread.id}` };
    await expect(peer.request('thread/fork', { threadId: eph.thread.id })).rejects.toEqual(noRollout);
    await expect(peer.request('thread/archive', { threadId: eph.thread.id })).rejects.toEqual(noRollout);
    await expect(peer.request('thread/name/set', { threadId: eph.thread.id, name: 'x' })).rejects.toEqual({
      code: -32600,
      message: `ephemeral thread does not support metadata updates: ${eph.thread.id}`,
    });
    expect((await peer.request('thread/read', { threadId: eph.thread.id })).thread.status).toEqual({ type: 'idle' });
    tern.expectConforms(peer);
  });

  it('thread/archive and thread/unarchive move the log (never rewrite it), with the reference notifications and errors', async () => {
    const repo = createTempRepo(HELLO_REPO, tern.workRoot);
    const first = await tern.start([reply('one'), reply('two')]);
    const { peer, cmd } = first;
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'never' });
    await runTurn(peer, thread.id, 'keep me');
    const livePath: string = thread.path;
    const bytes = readFileSync(livePath);

    let mark = peer.mark();
    expect(await peer.request('thread/archive', { threadId: thread.id })).toEqual({});
    await peer.waitFor((m) => m.method === 'thread/archived', 10_000, { from: mark });
    expect(sequence(peer, mark)).toEqual(['thread/status/changed', expect.stringMatching(/^reply:/), 'thread/archived']);
    expect(existsSync(livePath)).toBe(false);
    const archivedPath = path.join(cmd.ternHome, 'archived_sessions', path.basename(livePath));
    // The archived file is the live one plus the unload's status record, appended.
    expect(readFileSync(archivedPath).subarray(0, bytes.length).equals(bytes)).toBe(true);

    expect((await peer.request('thread/list', {})).data).toEqual([]);
    const archived = await peer.request('thread/list', { archived: true });
    expect(archived.data.map((t: any) => [t.id, t.path, t.status.type])).toEqual([[thread.id, archivedPath, 'notLoaded']]);
    const read = await peer.request('thread/read', { threadId: thread.id, includeTurns: true });
    expect(read.thread.turns).toHaveLength(1);
    await expect(peer.request('turn/start', { threadId: thread.id, input: text('x') })).rejects.toEqual({ code: -32600, message: `thread not found: ${thread.id}` });
    await expect(peer.request('thread/resume', { threadId: thread.id })).rejects.toMatchObject({ code: -32600, message: expect.stringContaining('is archived') });
    await expect(peer.request('thread/fork', { threadId: thread.id })).rejects.toMatchObject({ code: -32600, message: expect.stringContaining('is archived') });
    await expect(peer.request('thread/archive', { threadId: thread.id })).rejects.toEqual({ code: -32600, message: `no rollout found for thread id ${thread.id}` });

    mark = peer.mark();
    const un = await peer.request('thread/unarchive', { threadId: thread.id });
    await peer.waitFor((m) => m.method === 'thread/unarchived', 10_000, { from: mark });
    expect(sequence(peer, mark)).toEqual([expect.stringMatching(/^reply:/), 'thread/unarchived']);
    expect(un.thread).toMatchObject({ id: thread.id, path: livePath, status: { type: 'notLoaded' }, turns: [] });
    expect(existsSync(archivedPath)).toBe(false);
    await expect(peer.request('thread/unarchive', { threadId: thread.id })).rejects.toEqual({
      code: -32600,
      message: `no archived rollout found for thread id ${thread.id}`,
    });
    const resumed = await peer.request('thread/resume', { threadId: thread.id });
    expect(resumed.thread.turns.map((t: any) => t.status)).toEqual(['completed']);
    await runTurn(peer, thread.id, 'after unarchive');
    tern.expectConforms(peer);
  });

  it('thread/name/set and the thread/list filters (searchTerm, sourceKinds, modelProviders, cwd) and cursors', async () => {
    const repoA = createTempRepo(HELLO_REPO, tern.workRoot);
    const repoB = createTempRepo(HELLO_REPO, tern.workRoot);
    const { peer } = await tern.start([reply('a'), reply('b'), reply('c'), reply('d')]);
    const ids: string[] = [];
    for (const [repo, prompt] of [[repoA, 'alpha apples'], [repoB, 'beta bananas'], [repoA, 'gamma grapes']] as const) {
      const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'never' });
      ids.push(thread.id);
      await runTurn(peer, thread.id, prompt);
    }
    const [a, b, c] = ids as [string, string, string];
    const mark = peer.mark();
    expect(await peer.request('thread/name/set', { threadId: b, name: 'Named Zebra' })).toEqual({});
    const updated = await peer.waitFor((m) => m.method === 'thread/name/updated', 10_000, { from: mark });
    expect(updated.params).toEqual({ threadId: b, threadName: 'Named Zebra' });
    expect(sequence(peer, mark)).toEqual([expect.stringMatching(/^reply:/), 'thread/name/updated']);
    await expect(peer.request('thread/name/set', { threadId: b, name: '  ' })).rejects.toEqual({ code: -32600, message: 'thread name must not be empty' });
    const unknown = '0199a213-81c0-7800-8aa1-bbab2a035a53';
    await expect(peer.request('thread/name/set', { threadId: unknown, name: 'x' })).rejects.toEqual({ code: -32600, message: `no rollout found for thread id ${unknown}` });
    await expect(peer.request('thread/name/set', { threadId: 'nope', name: 'x' })).rejects.toMatchObject({ code: -32600, message: expect.stringMatching(/^invalid thread id: /) });
    await expect(peer.request('thread/archive', { threadId: 'nope' })).rejects.toMatchObject({ code: -32600, message: expect.stringMatching(/^invalid session id: /) });
    expect((await peer.request('thread/read', { threadId: b })).thread.name).toBe('Named Zebra');

    const ids_ = async (p: unknown) => (await peer.request('thread/list', p)).data.map((t: any) => t.id);
    expect(await ids_({ searchTerm: 'Zebra' })).toEqual([b]);
    expect(await ids_({ searchTerm: 'zebra' })).toEqual([]);
    expect(await ids_({ searchTerm: 'apples' })).toEqual([a]);
    expect(await ids_({ sourceKinds: ['cli'] })).toEqual([]);
    expect((await ids_({ sourceKinds: ['appServer'] })).sort()).toEqual([...ids].sort());
    expect(await ids_({ modelProviders: ['elsewhere'] })).toEqual([]);
    expect((await ids_({ modelProviders: ['mock'] })).length).toBe(3);
    expect((await ids_({ cwd: repoA })).sort()).toEqual([a, c].sort());
    expect((await ids_({ cwd: [repoA, repoB] })).length).toBe(3);
    await expect(peer.request('thread/list', { sourceKinds: ['nope'] })).rejects.toMatchObject({ code: -32600 });
    await expect(peer.request('thread/list', { searchTerm: 5 })).rejects.toMatchObject({ code: -32600 });
    expect(await ids_({ excludedThreadIds: [b, c] })).toEqual([a]);
    await expect(peer.request('thread/list', { excludedThreadIds: Array.from({ length: 101 }, (_, i) => `id-${i}`) })).rejects.toMatchObject({ code: -32600 });

    // Pages: one thread each, newest first; a thread created between pages neither repeats nor hides one.
    const all = await ids_({ sortKey: 'created_at' });
    const p1 = await peer.request('thread/list', { limit: 1 });
    expect(p1.data.map((t: any) => t.id)).toEqual([all[0]]);
    const { thread: late } = await peer.request('thread/start', { cwd: repoA, approvalPolicy: 'never' });
    await runTurn(peer, late.id, 'late arrival');
    const p2 = await peer.request('thread/list', { limit: 1, cursor: p1.nextCursor });
    expect(p2.data.map((t: any) => t.id)).toEqual([all[1]]);
    const p3 = await peer.request('thread/list', { limit: 5, cursor: p2.nextCursor });
    expect(p3.data.map((t: any) => t.id)).toEqual([all[2]]);
    expect(p3.nextCursor).toBeNull();
    // The backwards cursor, with the direction reversed, pages back from the start of a page (inclusive).
    const back = await peer.request('thread/list', { limit: 5, cursor: p3.backwardsCursor, sortDirection: 'asc' });
    expect(back.data.map((t: any) => t.id)).toEqual([all[2], all[1], all[0], late.id]);
    tern.expectConforms(peer);
  });

  it('a thread resumed while an approval is pending gets the request again, under its id; one answer resolves it', async () => {
    const repo = createTempRepo(HELLO_REPO, tern.workRoot);
    const script: ScriptStep[] = [
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'echo ran > side.txt' } }] },
      reply('done'),
    ];
    const { peer } = await tern.launch(script);
    const asked: any[] = [];
    let answer: (v: unknown) => void = () => undefined;
    peer.onServerRequest((req) => {
      asked.push(req);
      return new Promise((resolve) => (answer = resolve));
    });
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'untrusted', sandbox: 'danger-full-access' });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: text('write it') });
    await peer.waitFor((m) => m.method === 'item/commandExecution/requestApproval', 30_000);

    await expect(peer.request('thread/fork', { threadId: thread.id, lastTurnId: turn.id })).rejects.toEqual({
      code: -32600,
      message: `lastTurnId '${turn.id}' identifies an in-progress turn`,
    });
    const fork = await peer.request('thread/fork', { threadId: thread.id });
    // The fork's thread/started follows its reply: let it arrive before marking the resume's messages.
    await peer.waitFor((m) => m.method === 'thread/started' && m.params.thread.id === fork.thread.id, 10_000);
    expect(fork.thread.turns.map((t: any) => [t.id, t.status])).toEqual([[turn.id, 'interrupted']]);
    expect(fork.thread.turns[0].items.map((i: any) => i.type)).toEqual(['userMessage']);
    // The fork's notifications (token totals, thread/started) follow its reply: let them pass first.
    await peer.waitFor((m) => m.method === 'thread/started' && m.params.thread.id === fork.thread.id, 10_000);

    const mark = peer.mark();
    const resumed = await peer.request('thread/resume', { threadId: thread.id });
    expect(resumed.thread.status).toEqual({ type: 'active', activeFlags: ['waitingOnApproval'] });
    expect(resumed.thread.turns.map((t: any) => t.status)).toEqual(['inProgress']);
    await expect.poll(() => asked.length, { timeout: 10_000 }).toBe(2);
    expect(sequence(peer, mark)).toEqual([expect.stringMatching(/^reply:/), 'item/commandExecution/requestApproval']);
    expect(asked[1]).toEqual(asked[0]);

    answer({ decision: 'accept' });
    const done = await peer.waitFor((m) => m.method === 'turn/completed' && m.params.turn.id === turn.id, 30_000);
    expect(done.params.turn.status).toBe('completed');
    expect(existsSync(path.join(repo, 'side.txt'))).toBe(true);
    const resolved = peer.transcript.map((e) => e.msg as Record<string, any>).filter((m) => m?.method === 'serverRequest/resolved');
    expect(resolved.map((m) => m.params.requestId)).toEqual([asked[0].id]);
    tern.expectConforms(peer);
  });

  it('thread/archive of a running thread interrupts its turn (a pending approval resolved, the command never run) first', async () => {
    const repo = createTempRepo(HELLO_REPO, tern.workRoot);
    const { peer } = await tern.launch([{ output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'echo ran > side.txt' } }] }]);
    peer.onServerRequest(() => new Promise(() => undefined));
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'untrusted', sandbox: 'danger-full-access' });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: text('write it') });
    const asked = await peer.waitFor((m) => m.method === 'item/commandExecution/requestApproval', 30_000);
    const mark = peer.mark();
    await peer.request('thread/archive', { threadId: thread.id });
    await peer.waitFor((m) => m.method === 'thread/archived', 10_000, { from: mark });
    const after = peer.transcript.slice(mark).filter((e) => e.dir === 's2c').map((e) => e.msg as Record<string, any>);
    const completed = after.find((m) => m.method === 'turn/completed');
    expect(completed?.params.turn).toMatchObject({ id: turn.id, status: 'interrupted' });
    expect(after.filter((m) => m.method === 'serverRequest/resolved').map((m) => m.params.requestId)).toEqual([asked.id]);
    expect(sequence(peer, mark).slice(-3)).toEqual(['thread/status/changed', expect.stringMatching(/^reply:/), 'thread/archived']);
    expect(after.filter((m) => m.method === 'thread/status/changed').at(-1)!.params.status).toEqual({ type: 'notLoaded' });
    expect(existsSync(path.join(repo, 'side.txt'))).toBe(false);
    const read = await peer.request('thread/read', { threadId: thread.id, includeTurns: true });
    expect(read.thread.turns.map((t: any) => t.status)).toEqual(['interrupted']);
    tern.expectConforms(peer);
  });

  it('forks a stored thread from a fresh process, and forks the fork', async () => {
    const repo = createTempRepo(HELLO_REPO, tern.workRoot);
    const first = await tern.start([reply('one')]);
    const { thread } = await first.peer.request('thread/start', { cwd: repo, approvalPolicy: 'never' });
    const t1 = await runTurn(first.peer, thread.id, 'origin');
    await first.peer.close();

    const second = await tern.start([...TEXT_SCRIPT], { env: (e) => ({ ...e, TERN_HOME: first.cmd.ternHome }) });
    const fork = await second.peer.request('thread/fork', { threadId: thread.id });
    const forkOfFork = await second.peer.request('thread/fork', { threadId: fork.thread.id, lastTurnId: t1 });
    expect(forkOfFork.thread).toMatchObject({ forkedFromId: fork.thread.id, preview: 'origin' });
    await runTurn(second.peer, forkOfFork.thread.id, 'grandchild');
    const input = inputs(second.model)[0]!;
    expect(input.filter((i) => i.role === 'user').map((i) => JSON.stringify(i.content)).join()).toContain('origin');
    tern.expectConforms(second.peer);
  });
});
