/**
 * turn/steer through the real server (dist/tern.js app-server) and the scripted model: the errors
 * codex 0.169.0 answers (observed against it), and where steered input reaches the model as it
 * does there: after the running tool call, or at once when the model is answering (that request
 * is dropped and sent again with the input).
 * A turn/start while a turn runs joins that turn, as the reference does.
 */
import { describe, expect, it } from 'vitest';
import type { JsonlPeer } from '../support/jsonl-peer.js';
import { createTempRepo } from '../support/git-repo.js';
import { notifications, useTernAppServers } from '../support/tern-session.js';

const tern = useTernAppServers('tern-turn-steer-');
const { expectConforms } = tern;

const text = (t: string) => [{ type: 'text', text: t }];
const waitTurnCompleted = (peer: JsonlPeer, turnId: string) =>
  peer.waitFor((m) => m.method === 'turn/completed' && m.params?.turn?.id === turnId, 30_000);
const userTexts = (peer: JsonlPeer) =>
  notifications(peer)
    .filter((n) => n.method === 'item/completed' && n.params.item.type === 'userMessage')
    .map((n) => n.params.item.content[0].text);
/** The model-visible items of a request after the initial context, reduced to role/type and text. */
function tail(body: any, from: number): string[] {
  return (body.input as any[]).slice(from).map((i) =>
    i.type === 'message' ? `${i.role}:${i.content.map((c: any) => c.text).join('')}` : i.type === 'function_call_output' ? `output:${i.call_id}` : `${i.type}:${i.call_id}`,
  );
}

describe('turn/steer: errors, as the reference answers them', () => {
  it('no active turn, a turn id mismatch, empty input, a missing expectedTurnId, a finished turn', async () => {
    const { peer } = await tern.start([{ output: [{ type: 'message', text: 'slowly', chunks: 4 }], delayMs: 300 }]);
    const { thread } = await peer.request('thread/start', { cwd: tern.workRoot });
    const steer = (params: Record<string, unknown>) => peer.request('turn/steer', { threadId: thread.id, input: text('x'), ...params }).catch((e) => e);

    expect(await steer({ expectedTurnId: 'nope' })).toEqual({ code: -32600, message: 'no active turn to steer' });
    expect(await steer({})).toEqual({ code: -32600, message: 'Invalid request: missing field `expectedTurnId`' });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: text('hi') });
    expect(await steer({ expectedTurnId: 'wrong-id' })).toEqual({
      code: -32600,
      message: `expected active turn id \`wrong-id\` but found \`${turn.id}\``,
    });
    expect(await steer({ expectedTurnId: turn.id, input: [] })).toEqual({ code: -32600, message: 'input must not be empty' });
    expect(await steer({ threadId: 'no-such-thread', expectedTurnId: turn.id })).toMatchObject({ code: -32600, message: expect.stringMatching(/^invalid thread id: /) });
    const unknown = '0199a213-81c0-7800-8aa1-bbab2a035a53';
    expect(await steer({ threadId: unknown, expectedTurnId: turn.id })).toMatchObject({ code: -32600, message: `thread not found: ${unknown}` });
    await waitTurnCompleted(peer, turn.id);
    expect(await steer({ expectedTurnId: turn.id })).toEqual({ code: -32600, message: 'no active turn to steer' });
    expectConforms(peer);
  });

  it('a review turn cannot be steered: -32600 with the TurnError as data; turn/start then fails with -32603', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const { peer } = await tern.start([{ output: [{ type: 'message', text: '{"findings":[]}', chunks: 6 }], delayMs: 300 }]);
    const { thread } = await peer.request('thread/start', { cwd: repo });
    const { turn } = await peer.request('review/start', { threadId: thread.id, target: { type: 'uncommittedChanges' } });
    const err = await peer.request('turn/steer', { threadId: thread.id, expectedTurnId: turn.id, input: text('x') }).catch((e) => e);
    expect(err).toEqual({
      code: -32600,
      message: 'cannot steer a review turn',
      data: { message: 'cannot steer a review turn', codexErrorInfo: { activeTurnNotSteerable: { turnKind: 'review' } }, additionalDetails: null, misalignment: null },
    });
    expect(await peer.request('turn/start', { threadId: thread.id, input: text('x') }).catch((e) => e)).toEqual({
      code: -32603,
      message: 'failed to submit turn input: ActiveTurnNotSteerable { turn_kind: Review }',
    });
    await waitTurnCompleted(peer, turn.id);
    expectConforms(peer);
  });
});

describe('turn/steer: a compaction turn', () => {
  it('cannot be steered either: turnKind compact, and turn/start fails with -32603', async () => {
    const { peer } = await tern.start([
      { output: [{ type: 'message', text: 'first' }] },
      { output: [{ type: 'message', text: 'summary of the conversation', chunks: 6 }], delayMs: 300 },
    ]);
    const { thread } = await peer.request('thread/start', { cwd: tern.workRoot });
    const first = await peer.request('turn/start', { threadId: thread.id, input: text('hi') });
    await waitTurnCompleted(peer, first.turn.id);
    await peer.request('thread/compact/start', { threadId: thread.id });
    const started = await peer.waitFor((m) => m.method === 'turn/started' && m.params.turn.id !== first.turn.id);
    const compactId = started.params.turn.id;
    expect(await peer.request('turn/steer', { threadId: thread.id, expectedTurnId: compactId, input: text('x') }).catch((e) => e)).toEqual({
      code: -32600,
      message: 'cannot steer a compact turn',
      data: { message: 'cannot steer a compact turn', codexErrorInfo: { activeTurnNotSteerable: { turnKind: 'compact' } }, additionalDetails: null, misalignment: null },
    });
    expect(await peer.request('turn/start', { threadId: thread.id, input: text('x') }).catch((e) => e)).toEqual({
      code: -32603,
      message: 'failed to submit turn input: ActiveTurnNotSteerable { turn_kind: Compact }',
    });
    await waitTurnCompleted(peer, compactId);
    expectConforms(peer);
  });
});

describe('turn/steer: where the input reaches the model', () => {
  it('during a tool call: after the call and its output, in the next request of the same turn', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const { peer, model } = await tern.start([
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'sleep 1; echo slept' }, callId: 'call_sleep' }] },
      { output: [{ type: 'message', text: 'after the tool' }] },
    ]);
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'never' });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: text('hi'), clientUserMessageId: 'client-1' });
    await peer.waitFor((m) => m.method === 'item/started' && m.params.item.type === 'commandExecution');
    const steer = { threadId: thread.id, expectedTurnId: turn.id, input: text('steered in'), clientUserMessageId: 'client-2' };
    expect(await peer.request('turn/steer', steer)).toEqual({ turnId: turn.id });
    const done = await waitTurnCompleted(peer, turn.id);
    expect(done.params.turn.status).toBe('completed');
    expect(model.requests).toHaveLength(2);
    const [first, second] = model.requests.map((r) => r.body as any);
    const n = first.input.length;
    expect(tail(second, n - 1)).toEqual(['user:hi', 'function_call:call_sleep', 'output:call_sleep', 'user:steered in']);
    // The client sees the steered input as a user message of the same turn, once.
    expect(userTexts(peer)).toEqual(['hi', 'steered in']);
    const users = notifications(peer).filter((n) => n.method === 'item/completed' && n.params.item.type === 'userMessage');
    expect(users.map((n) => [n.params.item.clientId, n.params.item.content])).toEqual([
      ['client-1', [{ type: 'text', text: 'hi', text_elements: [] }]],
      ['client-2', [{ type: 'text', text: 'steered in', text_elements: [] }]],
    ]);
    expect(notifications(peer).filter((m) => m.method === 'turn/started')).toHaveLength(1);
    expectConforms(peer);
  });

  it('while the model answers: that answer is dropped (it never completes) and the model is asked again with the input', async () => {
    const { peer, model } = await tern.start([
      { output: [{ type: 'message', text: 'first answer, slowly', chunks: 5 }], delayMs: 250 },
      { output: [{ type: 'message', text: 'second answer' }] },
    ]);
    const { thread } = await peer.request('thread/start', { cwd: tern.workRoot });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: text('hi') });
    const delta = await peer.waitFor((m) => m.method === 'item/agentMessage/delta');
    await peer.request('turn/steer', { threadId: thread.id, expectedTurnId: turn.id, input: text('also this') });
    const done = await waitTurnCompleted(peer, turn.id);
    expect(done.params.turn.items.map((i: any) => i.text)).toEqual(['second answer']);
    const [first, second] = model.requests.map((r) => r.body as any);
    expect(tail(second, first.input.length - 1)).toEqual(['user:hi', 'user:also this']);
    const dropped = delta.params.itemId;
    expect(notifications(peer).filter((n) => n.method === 'item/completed' && n.params.item.id === dropped)).toEqual([]);
    expect(userTexts(peer)).toEqual(['hi', 'also this']);
    expectConforms(peer);
  });

  it('turn/start while a turn runs joins it: the same turn id, no second turn, the input in the next request; its overrides hold from the next turn on', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const { peer, model } = await tern.start([
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'sleep 1' }, callId: 'call_1' }] },
      { output: [{ type: 'message', text: 'done' }] },
      { output: [{ type: 'message', text: 'next turn' }] },
    ]);
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'never' });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: text('one') });
    await peer.waitFor((m) => m.method === 'item/started' && m.params.item.type === 'commandExecution');
    const joined = await peer.request('turn/start', { threadId: thread.id, input: text('two'), model: 'gpt-5.5-other', effort: 'high' });
    expect(joined.turn).toMatchObject({ id: turn.id, status: 'inProgress', startedAt: null, items: [] });
    await waitTurnCompleted(peer, turn.id);
    expect(model.requests).toHaveLength(2);
    expect(tail(model.requests[1]!.body, (model.requests[0]!.body as any).input.length)).toEqual(['function_call:call_1', 'output:call_1', 'user:two']);
    expect(notifications(peer).filter((m) => m.method === 'turn/started' || m.method === 'turn/completed')).toHaveLength(2);
    const next = await peer.request('turn/start', { threadId: thread.id, input: text('three') });
    await waitTurnCompleted(peer, next.turn.id);
    // As codex 0.169.0 does: the joined turn kept its settings, the next turn has the overrides.
    expect(model.requests.map((r) => [(r.body as any).model, (r.body as any).reasoning?.effort ?? null])).toEqual([
      ['gpt-5.5', null],
      ['gpt-5.5', null],
      ['gpt-5.5-other', 'high'],
    ]);
    expectConforms(peer);
  });

});
