/**
 * Fault injection end to end: `dist/tern.js app-server` against the scripted model server, which
 * answers 429 (retry-after), 500, 503, resets the stream, goes idle or sends malformed SSE, then
 * succeeds; and 401. Asserted: how many requests reached the model, the `error` notifications
 * (willRetry:true for each retry, in the reference's shape), and how the turn ends. Every message
 * is checked against the 0.169.0 schema. No timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { notifications, useTernAppServers } from '../support/tern-session.js';

const tern = useTernAppServers('tern-faults-');

const ANSWER = 'Recovered after a retry.';
const OK: ScriptStep = { output: [{ type: 'message', text: ANSWER }] };

interface Budget {
  requestMaxRetries?: number;
  streamMaxRetries?: number;
  streamIdleTimeoutMs?: number;
}

/** One turn against `script`; returns the turn/completed params, the notifications of the turn and the model server. */
async function turnAgainst(script: ScriptStep[], budget: Budget = {}) {
  const extraArgs =
    budget.streamIdleTimeoutMs === undefined ? [] : ['-c', `model_providers.mock.stream_idle_timeout_ms=${budget.streamIdleTimeoutMs}`];
  const { peer, model } = await tern.start(script, {
    requestMaxRetries: budget.requestMaxRetries ?? 0,
    streamMaxRetries: budget.streamMaxRetries ?? 0,
    extraArgs,
  });
  const { thread } = await peer.request('thread/start', { cwd: tern.workRoot, approvalPolicy: 'never', sandbox: 'read-only' });
  const mark = peer.mark();
  const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hi', text_elements: [] }] });
  const done = await peer.waitFor((m) => m.method === 'turn/completed' && m.params?.turn?.id === turn.id, 60_000);
  const notes = notifications(peer, mark);
  tern.expectConforms(peer);
  const errors = notes.filter((n) => n.method === 'error').map((n) => n.params);
  const ids = (method: string) => notes.filter((n) => n.method === method).map((n) => n.params.item.id as string);
  return { turn: done.params.turn, notes, errors, model, threadId: thread.id, started: ids('item/started'), completed: ids('item/completed') };
}

/** Request ids of the scripted server: `req_` + the request's 1-based number as 24 hex digits. */
const rid = (seq: number) => `req_${seq.toString(16).padStart(24, '0')}`;

describe('model faults followed by success', () => {
  it.each([
    ['429 with retry-after', { httpError: { status: 429, headers: { 'retry-after': '1' } } }, 429],
    ['500', { httpError: { status: 500 } }, 500],
    ['503', { httpError: { status: 503, body: { error: { message: 'overloaded', type: 'server_error', code: 'server_is_overloaded' } } } }, 503],
  ] as const)('%s: one retry with error willRetry:true, then the answer', async (_name, fault, status) => {
    const r = await turnAgainst([fault as ScriptStep, OK], { requestMaxRetries: 2 });
    expect(r.model.requests).toHaveLength(2);
    expect(r.turn.status).toBe('completed');
    expect(r.turn.items).toEqual([expect.objectContaining({ type: 'agentMessage', text: ANSWER })]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      threadId: r.threadId,
      turnId: r.turn.id,
      willRetry: true,
      error: {
        message: 'Reconnecting... 1/2',
        codexErrorInfo: { responseStreamConnectionFailed: { httpStatusCode: status } },
        additionalDetails: expect.stringContaining(`unexpected status ${status}`),
      },
    });
    expect(r.errors[0].error.additionalDetails).toContain(`request id: ${rid(1)}`);
    // The same request went out again.
    expect(r.model.requests[1]!.body).toEqual(r.model.requests[0]!.body);
  });

  it('a stream reset mid-way: the partial message streams but never completes, then the retry answers', async () => {
    const r = await turnAgainst([{ cut: { after: [{ type: 'message', text: 'partial answer that never completes' }] } }, OK], {
      streamMaxRetries: 2,
    });
    expect(r.model.requests).toHaveLength(2);
    expect(r.turn.status).toBe('completed');
    expect(r.errors).toEqual([
      {
        threadId: r.threadId,
        turnId: r.turn.id,
        willRetry: true,
        error: {
          message: 'Reconnecting... 1/2',
          codexErrorInfo: { responseStreamDisconnected: { httpStatusCode: null } },
          additionalDetails: expect.stringMatching(/^stream disconnected before completion: stream closed before response\.completed/),
          misalignment: null,
        },
      },
    ]);
    const partialDeltas = r.notes.filter((n) => n.method === 'item/agentMessage/delta' && !r.completed.includes(n.params.itemId));
    expect(partialDeltas.map((n) => n.params.delta).join('')).toBe('partial answer that never completes');
    expect(r.started.filter((id) => !r.completed.includes(id))).toHaveLength(1);
    const completedMessages = r.notes.filter((n) => n.method === 'item/completed' && n.params.item.type === 'agentMessage');
    expect(completedMessages.map((n) => n.params.item.text)).toEqual([ANSWER]);
    expect(r.model.requests[1]!.body).toEqual(r.model.requests[0]!.body);
  });

  it('a stream idle past stream_idle_timeout_ms is abandoned and retried', async () => {
    const r = await turnAgainst([{ output: [{ type: 'message', text: 'too slow' }], delayMs: 60_000 }, OK], {
      streamMaxRetries: 1,
      streamIdleTimeoutMs: 300,
    });
    expect(r.model.requests).toHaveLength(2);
    expect(r.turn.status).toBe('completed');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      willRetry: true,
      error: {
        message: 'Reconnecting... 1/1',
        codexErrorInfo: { responseStreamDisconnected: { httpStatusCode: null } },
        additionalDetails: expect.stringContaining('idle timeout waiting for SSE'),
      },
    });
  });

  it('malformed SSE lines: skipped, the stream completes, no retry and no error', async () => {
    const r = await turnAgainst(
      [
        {
          output: [{ type: 'message', text: ANSWER }],
          malformedEvents: ['event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":', 'data: }}}'],
        },
      ],
      { streamMaxRetries: 2 },
    );
    expect(r.model.requests).toHaveLength(1);
    expect(r.turn.status).toBe('completed');
    expect(r.turn.items[0].text).toBe(ANSWER);
    expect(r.errors).toEqual([]);
  });
});

describe('model faults that end the turn', () => {
  it('401: no retry, a failed turn with httpConnectionFailed {401} (as codex 0.169.0 reports it), the url and the request id', async () => {
    const r = await turnAgainst([{ httpError: { status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } } } }, OK], {
      requestMaxRetries: 3,
    });
    expect(r.model.requests).toHaveLength(1);
    expect(r.turn.status).toBe('failed');
    expect(r.turn.error).toMatchObject({
      codexErrorInfo: { httpConnectionFailed: { httpStatusCode: 401 } },
      message: `unexpected status 401 Unauthorized: Incorrect API key provided, url: ${r.model.url}/responses, request id: ${rid(1)}`,
    });
    expect(r.errors).toEqual([expect.objectContaining({ willRetry: false, error: r.turn.error })]);
    const status = r.notes.filter((n) => n.method === 'thread/status/changed').at(-1)!;
    expect(status.params.status).toEqual({ type: 'systemError' });
  });

  it('429 until request_max_retries is spent: responseTooManyFailedAttempts {429}', async () => {
    const r = await turnAgainst([{ httpError: { status: 429, headers: { 'retry-after-ms': '10' } } }, { httpError: { status: 429, headers: { 'retry-after-ms': '10' } } }, { httpError: { status: 429 } }, OK], {
      requestMaxRetries: 2,
    });
    expect(r.model.requests).toHaveLength(3);
    expect(r.turn.status).toBe('failed');
    expect(r.errors.map((e) => [e.willRetry, e.error.message])).toEqual([
      [true, 'Reconnecting... 1/2'],
      [true, 'Reconnecting... 2/2'],
      [false, `exceeded retry limit, last status: 429 Too Many Requests, request id: ${rid(3)}`],
    ]);
    expect(r.turn.error).toMatchObject({ codexErrorInfo: { responseTooManyFailedAttempts: { httpStatusCode: 429 } } });
  });

  it('500 until request_max_retries is spent: responseTooManyFailedAttempts {500}', async () => {
    const r = await turnAgainst([{ httpError: { status: 500 } }, { httpError: { status: 500 } }, OK], { requestMaxRetries: 1 });
    expect(r.model.requests).toHaveLength(2);
    expect(r.turn.status).toBe('failed');
    expect(r.errors.map((e) => e.willRetry)).toEqual([true, false]);
    expect(r.turn.error.codexErrorInfo).toEqual({ responseTooManyFailedAttempts: { httpStatusCode: 500 } });
  });

  it('stream cut until stream_max_retries is spent: responseStreamDisconnected, no partial item completed', async () => {
    const cut: ScriptStep = { cut: { after: [{ type: 'message', text: 'never whole' }] } };
    const r = await turnAgainst([cut, cut, OK], { streamMaxRetries: 1 });
    expect(r.model.requests).toHaveLength(2);
    expect(r.turn.status).toBe('failed');
    expect(r.turn.error.codexErrorInfo).toEqual({ responseStreamDisconnected: { httpStatusCode: null } });
    expect(r.completed).toHaveLength(1); // the user message only
  });
});
