// Turns what the openai SDK (and the body of a streaming response) throws into
// a ModelError: one attempt's failure, classified, with the request id and the
// server's retry-after kept for the retry policy and the error report.

import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { ModelError } from './types.js';
import { SseIdleTimeoutError } from './sse.js';

/**
 * A failure before the response headers arrived (HTTP status or connection).
 * @param url the endpoint that was called, quoted in the error report as the reference does.
 */
export function requestError(err: unknown, signal: AbortSignal, url: string | null = null): ModelError {
  if (err instanceof ModelError) return err;
  if (err instanceof APIUserAbortError || signal.aborted) {
    return new ModelError('aborted', 'the model request was aborted', {}, { cause: err });
  }
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return new ModelError('connection', `${err.message}${cause}`, {}, { cause: err });
  }
  if (err instanceof APIError) {
    const error = errorObject(err.error);
    const headers = err.headers;
    return new ModelError(
      'http',
      `the model provider answered HTTP ${err.status ?? '?'}: ${error.message ?? err.message}`,
      {
        status: err.status,
        code: err.code ?? error.code ?? err.type ?? error.type ?? null,
        providerMessage: error.message ?? null,
        // The SDK keeps only the body's `error` member: the body is rebuilt around it.
        body: err.error === undefined ? undefined : JSON.stringify(typeof err.error === 'object' && err.error !== null ? { error: err.error } : err.error),
        requestId: err.requestID ?? headers?.get('x-oai-request-id') ?? null,
        retryAfterMs: headers ? retryAfterMs(headers) : null,
        url,
      },
      { cause: err },
    );
  }
  return new ModelError('connection', err instanceof Error ? err.message : String(err), {}, { cause: err });
}

/**
 * A failure while reading the body of a response that started fine.
 * @param closed what a stream that ended too early is called, e.g. "stream closed before response.completed".
 */
export function streamError(err: unknown, signal: AbortSignal, requestId: string | null, closed: string): ModelError {
  if (err instanceof ModelError) return err;
  if (signal.aborted) return new ModelError('aborted', 'the model request was aborted', { requestId }, { cause: err });
  if (err instanceof SseIdleTimeoutError) return new ModelError('stream_disconnected', err.message, { requestId }, { cause: err });
  const reason = err instanceof Error ? errorText(err) : String(err);
  return new ModelError('stream_disconnected', `${closed} (${reason})`, { requestId }, { cause: err });
}

/** A provider error reported inside the stream (`response.failed`, `error`, a chat `{error}` chunk). */
export function streamFailure(
  error: { message?: unknown; code?: unknown; type?: unknown } | null | undefined,
  requestId: string | null,
): ModelError {
  const message = typeof error?.message === 'string' && error.message !== '' ? error.message : 'the model response failed';
  const code = typeof error?.code === 'string' ? error.code : typeof error?.type === 'string' ? error.type : null;
  return new ModelError('response_failed', message, { code, providerMessage: message, requestId });
}

/**
 * The server's requested delay: `retry-after-ms` (milliseconds), else
 * `retry-after` (seconds, or an HTTP date). Null when absent or unreadable.
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | null {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return null;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : null;
  const date = Date.parse(after);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function errorObject(v: unknown): { message?: string; code?: string; type?: string } {
  if (typeof v !== 'object' || v === null) return {};
  // The SDK hands over the body's `error` member (or the whole body when it has none).
  const inner = 'error' in v && typeof v.error === 'object' && v.error !== null ? v.error : v;
  const pick = (k: string): string | undefined => {
    const value: unknown = Reflect.get(inner, k);
    return typeof value === 'string' ? value : undefined;
  };
  return { message: pick('message'), code: pick('code'), type: pick('type') };
}

function errorText(err: Error): string {
  // A cut connection: node:http says "aborted"; undici (a test's own fetch) says "terminated", the socket error as its cause.
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
