/**
 * End-to-end compaction: the bundled `dist/tern.js app-server` against the scripted Responses
 * server, driven over stdio. Automatic compaction in the middle of a turn (the model reports a
 * usage past a small configured context window) and `thread/compact/start`, each followed by
 * more turns. Every server message is checked against the codex 0.169.0 JSON Schema.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPACTION_PROMPT, SUMMARY_PREFIX } from '../../src/agent/compaction.js';
import { rebuildHistory, type HistoryLogRecord } from '../../src/agent/history.js';
import type { ModelServer } from '../../src/demo/model-server/server.js';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { createTempRepo } from '../support/git-repo.js';
import type { JsonlPeer, ServerMessage } from '../support/jsonl-peer.js';
import { notifications, useTernAppServers } from '../support/tern-session.js';

const tern = useTernAppServers('tern-e2e-compaction-');
const { expectConforms } = tern;

/** A server whose model has a 100k-token window: automatic compaction starts at 90k. */
const start = (script: ScriptStep[]) => tern.start(script, { extraArgs: ['-c', 'model_context_window=100000'] });

const waitTurnCompleted = (peer: JsonlPeer, turnId: string) =>
  peer.waitFor((m) => m.method === 'turn/completed' && m.params?.turn?.id === turnId, 30_000);

async function turn(peer: JsonlPeer, threadId: string, text: string) {
  const { turn: t } = await peer.request('turn/start', { threadId, input: [{ type: 'text', text, text_elements: [] }] });
  const done = await waitTurnCompleted(peer, t.id);
  return { id: t.id as string, status: done.params.turn.status as string };
}

const bodies = (model: ModelServer) =>
  model.requests.filter((r) => r.path.endsWith('/responses')).map((r) => r.body as Record<string, any>);
const text = (item: Record<string, any>): string =>
  item.type === 'message' ? (item.content as { text: string }[]).map((c) => c.text).join('') : '';
/** `next` sends everything `prev` sent, byte for byte, and more (compared as serialized JSON, as on the wire). */
const extendsPrefix = (prev: unknown[], next: unknown[]) =>
  next.length > prev.length && JSON.stringify(next).startsWith(JSON.stringify(prev).slice(0, -1));

function readLog(file: string): HistoryLogRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as HistoryLogRecord);
}

describe('automatic compaction past a small context window', () => {
  it('compacts in the middle of a turn, finishes the turn, and keeps requests prefix-extensions afterwards', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' }, tern.workRoot);
    const { peer, model } = await start([
      // The model reports a prompt of 95k tokens: past the 90k limit of the 100k window.
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'ls' } }], usage: { input_tokens: 95_000, output_tokens: 40 } },
      { output: [{ type: 'message', text: 'HANDOFF: listed the repo, it holds a.txt and b.txt; next: report the count.' }] },
      { output: [{ type: 'message', text: 'There are 2 files.' }] },
      { output: [{ type: 'message', text: 'Still 2 files.' }] },
    ]);
    const started = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'never', sandbox: 'workspace-write' });
    const threadId: string = started.thread.id;

    const mark = peer.mark();
    const one = await turn(peer, threadId, 'How many files are there?');
    expect(one.status).toBe('completed');
    const notes = notifications(peer, mark);
    const completed = notes.filter((n) => n.method === 'item/completed').map((n) => n.params.item.type);
    expect(completed).toEqual(['userMessage', 'commandExecution', 'contextCompaction', 'agentMessage']);
    const compaction = notes.find((n) => n.method === 'item/started' && n.params.item.type === 'contextCompaction')!;
    expect(compaction.params).toMatchObject({ threadId, turnId: one.id, item: { type: 'contextCompaction' } });
    const methods = notes.map((n) => n.method);
    const at = (m: string, pred: (n: ServerMessage) => boolean = () => true) => notes.findIndex((n) => n.method === m && pred(n));
    const isCompaction = (n: ServerMessage) => n.params.item?.type === 'contextCompaction';
    expect(at('item/started', isCompaction)).toBeGreaterThan(at('item/completed', (n) => n.params.item.type === 'commandExecution'));
    expect(at('item/completed', isCompaction)).toBeLessThan(at('thread/compacted'));
    expect(at('thread/compacted')).toBeLessThan(at('item/started', (n) => n.params.item.type === 'agentMessage'));
    expect(notes[at('thread/compacted')]!.params).toEqual({ threadId, turnId: one.id });
    expect(methods.at(-1)).toBe('turn/completed');

    // Token usage: the window shown is 95% of the configured one; after compaction `last` is the small new history.
    const usage = notes.filter((n) => n.method === 'thread/tokenUsage/updated').map((n) => n.params.tokenUsage);
    expect(usage.every((u) => u.modelContextWindow === 95_000)).toBe(true);
    expect(usage[0]!.last.inputTokens).toBe(95_000);
    // [the 95k response, the estimate after compaction, the final answer]
    expect(usage).toHaveLength(3);
    expect(usage[1]!.last.totalTokens).toBeLessThan(20_000);
    expect(usage[2]!.last.inputTokens).toBeLessThan(20_000);

    const two = await turn(peer, threadId, 'And now?');
    expect(two.status).toBe('completed');

    const [first, summary, post, next] = bodies(model).map((b) => b.input as Record<string, any>[]);
    expect(bodies(model)).toHaveLength(4);
    // The summary request: the history so far (call + output included) plus the compaction prompt.
    expect(extendsPrefix(first!, summary!)).toBe(true);
    expect(summary!.slice(first!.length).map((i) => i.type)).toEqual(['function_call', 'function_call_output', 'message']);
    expect(summary!.at(-1)).toMatchObject({ type: 'message', role: 'user' });
    expect(text(summary!.at(-1)!)).toBe(COMPACTION_PROMPT);
    // After compaction: the same initial context, the user's message, then the summary; no tool call.
    const contextLength = first!.length - 1;
    expect(post!.slice(0, contextLength)).toEqual(first!.slice(0, contextLength));
    expect(post!.slice(contextLength).map(text)).toEqual([
      'How many files are there?',
      `${SUMMARY_PREFIX}\n\nHANDOFF: listed the repo, it holds a.txt and b.txt; next: report the count.`,
    ]);
    expect(post!.some((i) => i.type === 'function_call' || i.type === 'function_call_output')).toBe(false);
    expect(JSON.stringify(post).length).toBeLessThan(JSON.stringify(summary).length);
    // The turn after compaction extends the compacted history.
    expect(extendsPrefix(post!, next!)).toBe(true);
    expect(next!.slice(post!.length).map((i) => [i.role, text(i)])).toEqual([
      ['assistant', 'There are 2 files.'],
      ['user', 'And now?'],
    ]);
    for (const b of bodies(model)) {
      expect(b.tools).toEqual(bodies(model)[0]!.tools);
      expect(b.instructions).toBe(bodies(model)[0]!.instructions);
      expect(b.prompt_cache_key).toBe(threadId);
    }

    expectConforms(peer);

    // The thread log holds what a resume needs: replaying it gives the history the last request was built from.
    await peer.close();
    const records = readLog(started.thread.path as string);
    expect(records.filter((r) => r.type === 'compacted')).toHaveLength(1);
    const rebuilt = rebuildHistory(records) as unknown as Record<string, any>[];
    const shape = (items: Record<string, any>[]) => items.map((i) => [i.type, i.role ?? null, text(i)]);
    expect(shape(rebuilt.slice(0, next!.length))).toEqual(shape(next!));
    expect(shape(rebuilt.slice(next!.length))).toEqual([['message', 'assistant', 'Still 2 files.']]);
  });
});

describe('thread/compact/start', () => {
  it('runs as a turn with one contextCompaction item, and later turns build on the summary', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const { peer, model } = await start([
      { output: [{ type: 'message', text: 'Hello there.' }] },
      { output: [{ type: 'message', text: 'HANDOFF: the user said hello; nothing else happened.' }] },
      { output: [{ type: 'message', text: 'Ready.' }] },
    ]);
    const { thread } = await peer.request('thread/start', { cwd: repo });
    const threadId: string = thread.id;
    expect((await turn(peer, threadId, 'Say hello')).status).toBe('completed');

    const mark = peer.mark();
    const result = await peer.request('thread/compact/start', { threadId });
    expect(result).toEqual({});
    const turnStarted = await peer.waitFor((m) => m.method === 'turn/started' && m.params.threadId === threadId, 30_000, { from: mark });
    const turnId: string = turnStarted.params.turn.id;
    const done = await waitTurnCompleted(peer, turnId);
    expect(done.params.turn.status).toBe('completed');
    expect(done.params.turn.error).toBeNull();

    const notes = notifications(peer, mark);
    expect(notes.map((n) => n.method)).toEqual([
      'thread/status/changed',
      'turn/started',
      'item/started',
      'item/completed',
      'thread/compacted',
      'thread/tokenUsage/updated',
      'thread/status/changed',
      'turn/completed',
    ]);
    expect(notes[0]!.params.status).toEqual({ type: 'active', activeFlags: [] });
    expect(notes[6]!.params.status).toEqual({ type: 'idle' });
    for (const n of notes.slice(2, 4)) {
      expect(n.params).toMatchObject({ threadId, turnId, item: { type: 'contextCompaction' } });
    }
    expect(notes[3]!.params.item.id).toBe(notes[2]!.params.item.id);
    // The reply came before the turn started.
    const replyAt = peer.transcript.findIndex((e, i) => i >= mark && e.dir === 's2c' && (e.msg as ServerMessage)?.result !== undefined);
    const startedAt = peer.transcript.findIndex((e) => (e.msg as ServerMessage)?.method === 'turn/started' && (e.msg as ServerMessage).params.turn.id === turnId);
    expect(replyAt).toBeLessThan(startedAt);

    expect((await turn(peer, threadId, 'Again')).status).toBe('completed');
    const [first, summaryReq, after] = bodies(model).map((b) => b.input as Record<string, any>[]);
    expect(extendsPrefix(first!, summaryReq!)).toBe(true);
    expect(summaryReq!.slice(first!.length).map((i) => [i.role, text(i)])).toEqual([
      ['assistant', 'Hello there.'],
      ['user', COMPACTION_PROMPT],
    ]);
    expect(after!.slice(first!.length - 1).map(text)).toEqual([
      'Say hello',
      `${SUMMARY_PREFIX}\n\nHANDOFF: the user said hello; nothing else happened.`,
      'Again',
    ]);

    expectConforms(peer);
  });

  it('rejects a missing thread id, an unknown thread, and a thread with a turn in progress', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const { peer } = await start([{ output: [{ type: 'message', text: 'slow' }], delayMs: 60_000 }]);
    const { thread } = await peer.request('thread/start', { cwd: repo });

    await expect(peer.request('thread/compact/start', {})).rejects.toMatchObject({ code: -32600, message: expect.stringContaining('missing field `threadId`') });
    await expect(peer.request('thread/compact/start', { threadId: 'nope' })).rejects.toMatchObject({ code: -32600, message: expect.stringContaining('invalid thread id') });
    await expect(peer.request('thread/compact/start', { threadId: '00000000-0000-0000-0000-000000000000' })).rejects.toMatchObject({ code: -32600, message: expect.stringContaining('thread not found') });

    const { turn: t } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    await peer.waitFor((m) => m.method === 'turn/started');
    await expect(peer.request('thread/compact/start', { threadId: thread.id })).rejects.toMatchObject({
      code: -32600,
      message: expect.stringContaining('in progress'),
    });
    await peer.request('turn/interrupt', { threadId: thread.id, turnId: t.id });
    expect((await waitTurnCompleted(peer, t.id)).params.turn.status).toBe('interrupted');

    expectConforms(peer);
  });
});
