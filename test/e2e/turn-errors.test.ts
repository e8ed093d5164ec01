/**
 * Failed turns carry a TurnError with codexErrorInfo, through the real server (dist/tern.js
 * app-server) and the scripted model, for the failures whose report codex 0.169.0 was seen to give
 * (request_max_retries=0): the `error` notification (willRetry:false) and turn/completed carry the
 * same error, and the thread ends in systemError.
 */
import { describe, expect, it } from 'vitest';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { notifications, useTernAppServers } from '../support/tern-session.js';

const tern = useTernAppServers('tern-turn-errors-');

const CONTEXT_MESSAGE = "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.";
const providerError = (status: number, code: string | null, message = 'mock problem') => ({
  httpError: { status, body: { error: { message, type: 'invalid_request_error', param: null, code } } },
});

async function failedTurn(step: ScriptStep) {
  const { peer, model } = await tern.start([step]);
  const { thread } = await peer.request('thread/start', { cwd: tern.workRoot, approvalPolicy: 'never', sandbox: 'read-only' });
  const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hi' }] });
  const done = await peer.waitFor((m) => m.method === 'turn/completed' && m.params?.turn?.id === turn.id, 30_000);
  const notes = notifications(peer);
  expect(done.params.turn.status).toBe('failed');
  expect(notes.filter((n) => n.method === 'error').map((n) => n.params)).toEqual([
    { threadId: thread.id, turnId: turn.id, error: done.params.turn.error, willRetry: false },
  ]);
  expect(notes.filter((n) => n.method === 'thread/status/changed').at(-1)!.params.status).toEqual({ type: 'systemError' });
  tern.expectConforms(peer);
  return { error: done.params.turn.error, model };
}

describe('failed turns: TurnError with codexErrorInfo, as the reference reports them', () => {
  it('HTTP 400: other, with the raw error body as the message', async () => {
    const { error } = await failedTurn(providerError(400, null));
    expect(error).toEqual({
      message: '{"error":{"message":"mock problem","type":"invalid_request_error","param":null,"code":null}}',
      codexErrorInfo: 'other',
      additionalDetails: null,
      misalignment: null,
    });
  });

  it('HTTP 400 context_length_exceeded: contextWindowExceeded', async () => {
    const { error } = await failedTurn(providerError(400, 'context_length_exceeded', 'too long'));
    expect(error).toEqual({ message: CONTEXT_MESSAGE, codexErrorInfo: 'contextWindowExceeded', additionalDetails: null, misalignment: null });
  });

  it('response.failed context_length_exceeded: contextWindowExceeded', async () => {
    const { error } = await failedTurn({ failed: { message: 'ctx', code: 'context_length_exceeded' } });
    expect(error).toMatchObject({ message: CONTEXT_MESSAGE, codexErrorInfo: 'contextWindowExceeded' });
  });

  it('HTTP 403: httpConnectionFailed {403} with the status line, the url and the request id', async () => {
    const { error, model } = await failedTurn(providerError(403, null));
    expect(error).toEqual({
      message: `unexpected status 403 Forbidden: mock problem, url: ${model.url}/responses, request id: req_${'1'.padStart(24, '0')}`,
      codexErrorInfo: { httpConnectionFailed: { httpStatusCode: 403 } },
      additionalDetails: null,
      misalignment: null,
    });
  });

  it('HTTP 404 model_not_found: modelNotFound with the provider message', async () => {
    const { error } = await failedTurn(providerError(404, 'model_not_found', 'no such model'));
    expect(error).toMatchObject({ message: 'no such model', codexErrorInfo: 'modelNotFound' });
  });

  it('HTTP 429 insufficient_quota: usageLimitExceeded', async () => {
    const { error } = await failedTurn(providerError(429, 'insufficient_quota'));
    expect(error).toMatchObject({ message: 'Quota exceeded. Check your plan and billing details.', codexErrorInfo: 'usageLimitExceeded' });
  });

  it('response.failed rate_limit_exceeded: rateLimitExceeded; without a code: other, "stream disconnected before completion"', async () => {
    expect((await failedTurn({ failed: { message: 'slow down', code: 'rate_limit_exceeded' } })).error).toMatchObject({
      message: 'rate limit exceeded: slow down',
      codexErrorInfo: 'rateLimitExceeded',
    });
    expect((await failedTurn({ failed: { message: 'plain' } })).error).toMatchObject({
      message: 'stream disconnected before completion: plain',
      codexErrorInfo: 'other',
    });
  });
});
