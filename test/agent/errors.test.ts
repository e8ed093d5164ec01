/** Model failures as TurnErrors: the codexErrorInfo kind, the reference's wording, the request id kept. */
import { describe, expect, it } from 'vitest';
import { INTERNAL_SERVER_ERROR_MESSAGE, retryTurnError, turnErrorFrom } from '../../src/agent/errors.js';
import { ModelError, type ModelErrorDetails } from '../../src/model/types.js';

const RID = 'req_abc';
function http(status: number, details: ModelErrorDetails = {}, retries = 0): ModelError {
  const err = new ModelError('http', `HTTP ${status}`, { status, requestId: RID, providerMessage: 'provider says no', ...details });
  err.retries = retries;
  return err;
}

describe('turnErrorFrom: final failures', () => {
  it.each([
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [400, 'badRequest'],
    [422, 'badRequest'],
    [404, 'other'],
    [502, 'other'],
  ])('HTTP %i -> %s, "unexpected status" with the provider message and the request id', (status, kind) => {
    const e = turnErrorFrom(http(status));
    expect(e.codexErrorInfo).toBe(kind);
    expect(e.message).toMatch(new RegExp(`^unexpected status ${status} [A-Z].*: provider says no, request id: ${RID}$`));
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

  it('quota errors -> usageLimitExceeded', () => {
    for (const code of ['insufficient_quota', 'usage_limit_reached', 'usage_not_included']) {
      expect(turnErrorFrom(http(429, { code })).codexErrorInfo).toBe('usageLimitExceeded');
    }
  });

  it('5xx after retries -> responseTooManyFailedAttempts {status}', () => {
    expect(turnErrorFrom(http(500, {}, 2))).toMatchObject({
      message: `exceeded retry limit, last status: 500 Internal Server Error, request id: ${RID}`,
      codexErrorInfo: { responseTooManyFailedAttempts: { httpStatusCode: 500 } },
    });
    expect(turnErrorFrom(http(503, {}, 1)).codexErrorInfo).toEqual({ responseTooManyFailedAttempts: { httpStatusCode: 503 } });
  });

  it('HTTP 500 with no retry budget: internalServerError, the reference message, the request id in the details', () => {
    const e = turnErrorFrom(http(500));
    expect(e.codexErrorInfo).toBe('internalServerError');
    expect(e.message).toBe(INTERNAL_SERVER_ERROR_MESSAGE);
    expect(e.additionalDetails).toContain(RID);
  });

  it('HTTP 503 server_is_overloaded with no retry budget: serverOverloaded', () => {
    expect(turnErrorFrom(http(503, { code: 'server_is_overloaded' })).codexErrorInfo).toBe('serverOverloaded');
  });

  it('context_length_exceeded -> contextWindowExceeded; model_not_found -> modelNotFound', () => {
    expect(turnErrorFrom(http(400, { code: 'context_length_exceeded' })).codexErrorInfo).toBe('contextWindowExceeded');
    const failed = new ModelError('response_failed', 'too long', { code: 'context_length_exceeded' });
    expect(turnErrorFrom(failed).codexErrorInfo).toBe('contextWindowExceeded');
    expect(turnErrorFrom(http(404, { code: 'model_not_found' })).codexErrorInfo).toBe('modelNotFound');
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
    expect(turnErrorFrom(failed('server_is_overloaded')).codexErrorInfo).toBe('serverOverloaded');
    expect(turnErrorFrom(failed('rate_limit_exceeded')).codexErrorInfo).toBe('rateLimitExceeded');
    expect(turnErrorFrom(failed('insufficient_quota')).codexErrorInfo).toBe('usageLimitExceeded');
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
