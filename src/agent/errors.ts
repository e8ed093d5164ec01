// Maps model failures to the protocol's TurnError (message + codexErrorInfo +
// additionalDetails), as the reference server words them, keeping the request id.
//
// Final failures (`error` willRetry:false, then the failed turn):
//   HTTP 401/403                 unauthorized
//   HTTP 400/422                 badRequest (contextWindowExceeded for context_length_exceeded)
//   HTTP 404 model_not_found     modelNotFound
//   HTTP 429 quota codes         usageLimitExceeded (insufficient_quota, usage_limit_reached, usage_not_included)
//   HTTP 429 otherwise           responseTooManyFailedAttempts {429}  ("exceeded retry limit, last status: 429 ...")
//   HTTP 5xx after retries       responseTooManyFailedAttempts {status}
//   HTTP 500, no retry budget    internalServerError ("We’re currently experiencing high demand, ...")
//   HTTP 503 overloaded codes    serverOverloaded
//   other HTTP statuses          other ("unexpected status 502 Bad Gateway: ..., request id: ...")
//   connection failure           httpConnectionFailed {null}
//   stream broke / went idle     responseStreamDisconnected {null}
//   response.failed              contextWindowExceeded / usageLimitExceeded / serverOverloaded /
//                                rateLimitExceeded by code, else other
//                                ("stream disconnected before completion: <message>")
// Retries (`error` willRetry:true, "Reconnecting... n/max"):
//   HTTP status                  responseStreamConnectionFailed {status}
//   connection failure           httpConnectionFailed {null}
//   stream failure               responseStreamDisconnected {null}

import { ModelError, QUOTA_ERROR_CODES, type RetryNotice } from '../model/types.js';
import { httpStatusText } from '../util/http-status.js';
import type { CodexErrorInfo, TurnError } from '../protocol/v2.js';
import { SANDBOX_ERROR_CODE } from '../sandbox/errors.js';
import { TernError } from '../util/errors.js';

/** What the reference server says for an HTTP 500 (its wording, apostrophe included). */
export const INTERNAL_SERVER_ERROR_MESSAGE = 'We’re currently experiencing high demand, which may cause temporary errors.';
/** What the reference server says when the model is at capacity. */
export const SERVER_OVERLOADED_MESSAGE = 'Selected model is at capacity. Please try a different model.';
/** What the reference server says when the context window is full. */
export const CONTEXT_WINDOW_EXCEEDED_MESSAGE =
  "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.";
/** Error bodies quoted in messages are cut to this many characters. */
const MAX_QUOTED_BODY_CHARS = 1_000;

const OVERLOADED_CODES: ReadonlySet<string> = new Set(['server_is_overloaded', 'slow_down']);
const CONTEXT_WINDOW_CODES: ReadonlySet<string> = new Set(['context_length_exceeded']);

/** The error a turn fails with. */
export function turnErrorFrom(err: unknown): TurnError {
  if (err instanceof ModelError) return finalError(err);
  // The sandbox a command needed could not be set up: the command did not run (fail closed).
  if (err instanceof TernError && err.code === SANDBOX_ERROR_CODE) return { message: err.message, codexErrorInfo: 'sandboxError', additionalDetails: null };
  return { message: err instanceof Error ? err.message : String(err), codexErrorInfo: 'other', additionalDetails: null, misalignment: null };
}

/** The `error` notification (willRetry:true) for one retry. */
export function retryTurnError(retry: RetryNotice): TurnError {
  return {
    message: `Reconnecting... ${retry.attempt}/${retry.maxAttempts}`,
    codexErrorInfo: transientInfo(retry.error),
    additionalDetails: describe(retry.error),
    misalignment: null,
  };
}

function finalError(err: ModelError): TurnError {
  const status = err.details.status ?? null;
  const code = err.details.code ?? null;
  const described = describe(err);
  const info = (codexErrorInfo: CodexErrorInfo, message = described, additionalDetails: string | null = null): TurnError => ({
    message,
    codexErrorInfo,
    additionalDetails,
    misalignment: null,
  });
  if (code !== null && CONTEXT_WINDOW_CODES.has(code)) return info('contextWindowExceeded', CONTEXT_WINDOW_EXCEEDED_MESSAGE, described);
  if (code !== null && QUOTA_ERROR_CODES.has(code)) return info('usageLimitExceeded', described);
  switch (err.kind) {
    case 'connection':
      return info({ httpConnectionFailed: { httpStatusCode: null } });
    case 'stream_disconnected':
      return info({ responseStreamDisconnected: { httpStatusCode: null } });
    case 'response_failed':
      if (code !== null && OVERLOADED_CODES.has(code)) return info('serverOverloaded', described);
      if (code === 'rate_limit_exceeded') return info('rateLimitExceeded', described);
      return info('other');
    case 'aborted':
      return info('other');
    case 'http':
      break;
  }
  if (status === 401 || status === 403) return info('unauthorized');
  if (status === 400 || status === 422) return info('badRequest');
  if (status === 404 && code === 'model_not_found') return info('modelNotFound');
  if (status === 429) return info({ responseTooManyFailedAttempts: { httpStatusCode: 429 } }, retryLimitMessage(err), providerDetails(err));
  if (status !== null && status >= 500) {
    if (err.retries > 0) {
      return info({ responseTooManyFailedAttempts: { httpStatusCode: status } }, retryLimitMessage(err), providerDetails(err));
    }
    if (status === 500) return info('internalServerError', INTERNAL_SERVER_ERROR_MESSAGE, described);
    if (code !== null && OVERLOADED_CODES.has(code)) return info('serverOverloaded', SERVER_OVERLOADED_MESSAGE, described);
  }
  return info('other');
}

function transientInfo(err: ModelError): CodexErrorInfo {
  switch (err.kind) {
    case 'http':
      return { responseStreamConnectionFailed: { httpStatusCode: err.details.status ?? null } };
    case 'connection':
      return { httpConnectionFailed: { httpStatusCode: null } };
    default:
      return { responseStreamDisconnected: { httpStatusCode: null } };
  }
}

/** One line about the failure in the reference server's words, with the request id when there is one. */
export function describe(err: ModelError): string {
  const rid = requestIdSuffix(err);
  switch (err.kind) {
    case 'http':
      return `unexpected status ${statusLine(err.details.status)}: ${providerText(err)}${rid}`;
    case 'connection':
      return `Connection failed: ${err.message}${rid}`;
    case 'stream_disconnected':
    case 'response_failed':
      return `stream disconnected before completion: ${err.message}${rid}`;
    case 'aborted':
      return err.message;
  }
}

function retryLimitMessage(err: ModelError): string {
  return `exceeded retry limit, last status: ${statusLine(err.details.status)}${requestIdSuffix(err)}`;
}

/** The provider's own words, for additionalDetails next to a message that does not carry them. */
function providerDetails(err: ModelError): string | null {
  const text = providerText(err);
  return text === '' ? null : text;
}

function providerText(err: ModelError): string {
  const message = err.details.providerMessage?.trim();
  if (message) return message;
  const body = err.details.body?.trim();
  if (body) return body.length > MAX_QUOTED_BODY_CHARS ? `${body.slice(0, MAX_QUOTED_BODY_CHARS)}...` : body;
  return 'Unknown error';
}

function requestIdSuffix(err: ModelError): string {
  return err.details.requestId ? `, request id: ${err.details.requestId}` : '';
}

function statusLine(status: number | undefined): string {
  if (status === undefined) return 'unknown';
  const reason = httpStatusText(status);
  return reason ? `${status} ${reason}` : String(status);
}
