// Maps model failures to the protocol's TurnError (message + codexErrorInfo +
// additionalDetails), as the reference server words them, keeping the request id.
//
// Final failures (`error` willRetry:false, then the failed turn), as the reference
// (0.169.0, request_max_retries=0) reports them:
//   HTTP 400                     other, the raw error body as the message
//   context_length_exceeded      contextWindowExceeded (HTTP 400 or response.failed)
//   quota codes                  usageLimitExceeded ("Quota exceeded. ...") (HTTP 429 or response.failed)
//   HTTP 404 model_not_found     modelNotFound, the provider's message
//   HTTP 429 otherwise           responseTooManyFailedAttempts {429}  ("exceeded retry limit, last status: 429 ...")
//   HTTP 5xx after retries       responseTooManyFailedAttempts {status}
//   HTTP 500, no retry budget    internalServerError ("We’re currently experiencing high demand, ...")
//   HTTP 503 overloaded codes    serverOverloaded
//   other HTTP statuses          httpConnectionFailed {status} ("unexpected status 401 Unauthorized: ..., url: ..., request id: ...")
//   connection failure           httpConnectionFailed {null}
//   stream broke / went idle     responseStreamDisconnected {null}
//   response.failed              serverOverloaded / rateLimitExceeded ("rate limit exceeded: <message>") by code;
//                                other: "<message>" with a code, "stream disconnected before completion: <message>" without
// Retries (`error` willRetry:true, "Reconnecting... n/max"):
//   HTTP status                  responseStreamConnectionFailed {status}
//   connection failure           httpConnectionFailed {null}
//   stream failure               responseStreamDisconnected {null}

import { ModelError, QUOTA_ERROR_CODES, TRANSIENT_FAILURE_CODES, type RetryNotice } from '../model/types.js';
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
/** What the reference server says when the quota is spent. */
export const USAGE_LIMIT_MESSAGE = 'Quota exceeded. Check your plan and billing details.';
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
  const info = (codexErrorInfo: CodexErrorInfo, message = describe(err), additionalDetails: string | null = null): TurnError => ({
    message,
    codexErrorInfo,
    additionalDetails,
    misalignment: null,
  });
  if (code !== null && CONTEXT_WINDOW_CODES.has(code)) return info('contextWindowExceeded', CONTEXT_WINDOW_EXCEEDED_MESSAGE);
  if (code !== null && QUOTA_ERROR_CODES.has(code)) return info('usageLimitExceeded', USAGE_LIMIT_MESSAGE);
  switch (err.kind) {
    case 'connection':
      return info({ httpConnectionFailed: { httpStatusCode: null } });
    case 'stream_disconnected':
      return info({ responseStreamDisconnected: { httpStatusCode: null } });
    case 'response_failed':
      return responseFailedError(err, info);
    case 'aborted':
      return info('other');
    case 'http':
      return httpError(err, status, code, info);
  }
}

type InfoFn = (codexErrorInfo: CodexErrorInfo, message?: string, additionalDetails?: string | null) => TurnError;

/** `response.failed` (or an error event) inside a stream that had started. */
function responseFailedError(err: ModelError, info: InfoFn): TurnError {
  const code = err.details.code ?? null;
  if (code !== null && OVERLOADED_CODES.has(code)) return info('serverOverloaded', SERVER_OVERLOADED_MESSAGE);
  if (code === 'rate_limit_exceeded') return info('rateLimitExceeded', `rate limit exceeded: ${err.message}`);
  // A non-transient provider code the reference has no class for (e.g. invalid_prompt): its message as is.
  if (code !== null && !TRANSIENT_FAILURE_CODES.has(code)) return info('other', err.message);
  return info('other');
}

function httpError(err: ModelError, status: number | null, code: string | null, info: InfoFn): TurnError {
  if (status === 400) return info('other', err.details.body?.trim() || describe(err));
  if (status === 404 && code === 'model_not_found') return info('modelNotFound', providerText(err));
  if (status === 429) return info({ responseTooManyFailedAttempts: { httpStatusCode: 429 } }, retryLimitMessage(err), providerDetails(err));
  if (status !== null && status >= 500) {
    if (err.retries > 0) {
      return info({ responseTooManyFailedAttempts: { httpStatusCode: status } }, retryLimitMessage(err), providerDetails(err));
    }
    if (status === 500) return info('internalServerError', INTERNAL_SERVER_ERROR_MESSAGE);
    if (code !== null && OVERLOADED_CODES.has(code)) return info('serverOverloaded', SERVER_OVERLOADED_MESSAGE);
  }
  return info({ httpConnectionFailed: { httpStatusCode: status } });
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
    case 'http': {
      const url = err.details.url ? `, url: ${err.details.url}` : '';
      return `unexpected status ${statusLine(err.details.status)}: ${providerText(err)}${url}${rid}`;
    }
    case 'connection':
      return `Connection failed: ${err.message}${rid}`;
    case 'stream_disconnected':
      return `stream disconnected before completion: ${err.message}${rid}`;
    case 'response_failed':
      // The reference quotes the provider's failure without a request id.
      return `stream disconnected before completion: ${err.message}`;
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
