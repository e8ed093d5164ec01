/** Model failures as TurnErrors: the codexErrorInfo kind, the reference's wording, the request id kept. */
import { describe, expect, it } from 'vitest';
import {
  CONTEXT_WINDOW_EXCEEDED_MESSAGE,
  INTERNAL_SERVER_ERROR_MESSAGE,
  retryTurnError,
  SERVER_OVERLOADED_MESSAGE,
  turnErrorFrom,
  USAGE_LIMIT_MESSAGE,
} from '../../src/agent/errors.js';
import { ModelError, type ModelErrorDetails } from '../../src/model/types.js';

const RID = 'req_abc';
function http(status: number, details: ModelErrorDetails = {}, retries = 0): ModelError {
  const err = new ModelError('http', `HTTP ${status}`, { status, requestId: RID, providerMessage: 'provider says no', ...details });
  err.retries = retries;
  return err;
}

describe('turnErrorFrom: final failures', () => {
  // As codex 0.169.0 reports them (request_max_retries=0, observed against the scripted model).
  it.each([401, 403, 422, 502, 404])('HTTP %i -> httpConnectionFailed {status}, "unexpected status" with the provider message, url and request id', (status) => {
    const e = turnErrorFrom(http(status, { url: 'http://127.0.0.1:1/v1/responses' }));
    expect(e.codexErrorInfo).toEqual({ httpConnectionFailed: { httpStatusCode: status } });
    expect(e.message).toMatch(new RegExp(`^unexpected status ${status} [A-Z].*: provider says no, url: http://127.0.0.1:1/v1/responses, request id: ${RID}$`));
  });

  it('HTTP 400 -> other, the raw error body as the message', () => {
    const body = '{"error":{"message":"provider says no","type":"invalid_request_error","param":null,"code":null}}';
    expect(turnErrorFrom(http(400, { body }))).toEqual({ message: body, codexErrorInfo: 'other', additionalDetails: null, misalignment: null });
  });

  it('HTTP 429: responseTooManyFailedAttempts {429} in the reference words, provider message as details', () => {
    const e = turnErrorFrom(http(429, {}, 3));
    expect(e).toEqual({
      message: `exceeded retry limit, last status: 429 Too Many Requests, request id: ${RID}`,
      codexErrorInfo: { responseTooManyFailedAttempts: { httpStatusCode: 429 } },
      additionalDetails: 'provider says no',
      misalignment: null,
    });
    // Even without a retry budget, as the reference reports a 429.
    expect(turnErrorFrom(http(429)).codexErrorInfo).toEqual({ responseTooManyFailedAttempts: { httpStatusCode: 429 } });
  });

  it('quota errors -> usageLimitExceeded, in the reference words', () => {
    for (const code of ['insufficient_quota', 'usage_limit_reached', 'usage_not_included']) {
      expect(turnErrorFrom(http(429, { code }))).toMatchObject({ codexErrorInfo: 'usageLimitExceeded', message: USAGE_LIMIT_MESSAGE });
    }
  });

  it('5xx after retries -> responseTooManyFailedAttempts {status}', () => {
    expect(turnErrorFrom(http(500, {}, 2))).toMatchObject({
      message: `exceeded retry limit, last status: 500 Internal Server Error, request id: ${RID}`,
      codexErrorInfo: { responseTooManyFailedAttempts: { httpStatusCode: 500 } },
    });
    expect(turnErrorFrom(http(503, {}, 1)).codexErrorInfo).toEqual({ responseTooManyFailedAttempts: { httpStatusCode: 503 } });
  });

  it('HTTP 500 with no retry budget: internalServerError, the reference message and no details', () => {
    expect(turnErrorFrom(http(500))).toEqual({ message: INTERNAL_SERVER_ERROR_MESSAGE, codexErrorInfo: 'internalServerError', additionalDetails: null, misalignment: null });
  });

  it('HTTP 503 server_is_overloaded with no retry budget: serverOverloaded', () => {
    expect(turnErrorFrom(http(503, { code: 'server_is_overloaded' })).codexErrorInfo).toBe('serverOverloaded');
  });

  it('context_length_exceeded -> contextWindowExceeded; model_not_found -> modelNotFound with the provider message', () => {
    const ctx = { message: CONTEXT_WINDOW_EXCEEDED_MESSAGE, codexErrorInfo: 'contextWindowExceeded', additionalDetails: null, misalignment: null };
    expect(turnErrorFrom(http(400, { code: 'context_length_exceeded' }))).toEqual(ctx);
    expect(turnErrorFrom(new ModelError('response_failed', 'too long', { code: 'context_length_exceeded' }))).toEqual(ctx);
    expect(turnErrorFrom(http(404, { code: 'model_not_found' }))).toMatchObject({ codexErrorInfo: 'modelNotFound', message: 'provider says no' });
  });

  it('stream and connection failures', () => {
    expect(turnErrorFrom(new ModelError('stream_disconnected', 'stream closed before response.completed', { requestId: RID }))).toEqual({
      message: `stream disconnected before completion: stream closed before response.completed, request id: ${RID}`,
      codexErrorInfo: { responseStreamDisconnected: { httpStatusCode: null } },
      additionalDetails: null,
      misalignment: null,
    });
    expect(turnErrorFrom(new ModelError('connection', 'fetch failed: connect ECONNREFUSED'))).toMatchObject({
      message: 'Connection failed: fetch failed: connect ECONNREFUSED',
      codexErrorInfo: { httpConnectionFailed: { httpStatusCode: null } },
    });
  });

  it('response.failed: "stream disconnected before completion: <message>", kind by code', () => {
    const failed = (code: string | null) => new ModelError('response_failed', 'mock: response.failed event', { code });
    expect(turnErrorFrom(failed('server_error'))).toEqual({
      message: 'stream disconnected before completion: mock: response.failed event',
      codexErrorInfo: 'other',
      additionalDetails: null,
      misalignment: null,
    });
    expect(turnErrorFrom(failed(null)).message).toBe('stream disconnected before completion: mock: response.failed event');
    expect(turnErrorFrom(failed('server_is_overloaded'))).toMatchObject({ codexErrorInfo: 'serverOverloaded', message: SERVER_OVERLOADED_MESSAGE });
    expect(turnErrorFrom(failed('rate_limit_exceeded'))).toMatchObject({
      codexErrorInfo: 'rateLimitExceeded',
      message: 'rate limit exceeded: mock: response.failed event',
    });
    expect(turnErrorFrom(failed('insufficient_quota'))).toMatchObject({ codexErrorInfo: 'usageLimitExceeded', message: USAGE_LIMIT_MESSAGE });
    // A code the reference has no class for: the provider's message as is.
    expect(turnErrorFrom(failed('invalid_prompt'))).toMatchObject({ codexErrorInfo: 'other', message: 'mock: response.failed event' });
  });

  it('anything else -> other with its message', () => {
    expect(turnErrorFrom(new Error('boom'))).toEqual({ message: 'boom', codexErrorInfo: 'other', additionalDetails: null, misalignment: null });
  });
});

describe('retryTurnError: the willRetry:true notification', () => {
  const notice = (error: ModelError, attempt = 1, maxAttempts = 2) =>
    retryTurnError({ error, attempt, maxAttempts, budget: error.budget, delayMs: 0 });

  it('a dropped stream, exactly as the reference words it', () => {
    expect(notice(new ModelError('stream_disconnected', 'stream closed before response.completed'))).toEqual({
      message: 'Reconnecting... 1/2',
      codexErrorInfo: { responseStreamDisconnected: { httpStatusCode: null } },
      additionalDetails: 'stream disconnected before completion: stream closed before response.completed',
      misalignment: null,
    });
  });

  it('an HTTP status: responseStreamConnectionFailed with the status, the request id in the details', () => {
    expect(notice(http(429), 2, 4)).toEqual({
      message: 'Reconnecting... 2/4',
      codexErrorInfo: { responseStreamConnectionFailed: { httpStatusCode: 429 } },
      additionalDetails: `unexpected status 429 Too Many Requests: provider says no, request id: ${RID}`,
      misalignment: null,
    });
  });

  it('a connection failure: httpConnectionFailed', () => {
    expect(notice(new ModelError('connection', 'ECONNRESET')).codexErrorInfo).toEqual({ httpConnectionFailed: { httpStatusCode: null } });
  });
});
