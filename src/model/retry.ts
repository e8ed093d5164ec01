// The one place that retries model requests. The SDK's own retries are off
// (maxRetries: 0): an attempt client makes exactly one HTTP request, and this
// decorator sends it again after a transient failure, with exponential backoff
// and jitter (or the server's retry-after), and yields a `retry` event for each
// retry so the agent loop can tell the client (`error` with willRetry:true) and
// drop the partial output of the failed attempt.
//
// Two budgets, as in Codex's provider config:
//   request_max_retries  failures before a response started: HTTP 408/409/429/5xx,
//                        connection errors (refused, reset, no headers in time);
//   stream_max_retries   failures after it started: the body broke or went idle
//                        past stream_idle_timeout_ms, it ended before it completed,
//                        or the provider reported a transient `response.failed`.
// Never retried: 400, 401, 403, 404, 422, quota errors, aborts.

import { setTimeout as sleepFor } from 'node:timers/promises';
import { ModelError, type ModelClient, type ModelEvent, type ModelRequest } from './types.js';

/** The first retry waits about this long; every further retry of the same budget doubles it. */
export const RETRY_BASE_DELAY_MS = 200;
/** No backoff delay is longer than this. */
export const RETRY_MAX_DELAY_MS = 10_000;
/** A server's retry-after is honoured up to this long; a longer one is clamped to it. */
export const RETRY_AFTER_MAX_MS = 60_000;
/** Backoff delays are spread by up to ± this fraction, so clients that failed together do not come back together. */
export const RETRY_JITTER_RATIO = 0.2;

export interface RetryPolicy {
  /** `request_max_retries`: retries of failures before the response started. */
  requestMaxRetries: number;
  /** `stream_max_retries`: retries of failures after it started. */
  streamMaxRetries: number;
  /** Default {@link RETRY_BASE_DELAY_MS}. */
  baseDelayMs?: number;
  /** Default {@link RETRY_MAX_DELAY_MS}. */
  maxDelayMs?: number;
  /** Default {@link RETRY_AFTER_MAX_MS}. */
  retryAfterMaxMs?: number;
  /** Default {@link RETRY_JITTER_RATIO}. */
  jitterRatio?: number;
  /** Uniform in [0, 1); default Math.random. */
  random?: () => number;
  /** Waits `ms` or until `signal` aborts (never rejects); default a timer. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Exponential backoff with jitter for the `retry`-th retry (1-based) of a budget. */
export function backoffDelayMs(
  retry: number,
  opts: { baseDelayMs?: number; maxDelayMs?: number; jitterRatio?: number; random?: () => number } = {},
): number {
  const base = opts.baseDelayMs ?? RETRY_BASE_DELAY_MS;
  const max = opts.maxDelayMs ?? RETRY_MAX_DELAY_MS;
  const jitterRatio = opts.jitterRatio ?? RETRY_JITTER_RATIO;
  const random = opts.random ?? Math.random;
  const exponential = Math.min(max, base * 2 ** Math.max(0, retry - 1));
  const jitter = 1 + jitterRatio * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(max, exponential * jitter)));
}

/** How long to wait before retrying after `err`: the server's retry-after when it sent one, else backoff. */
export function retryDelayMs(err: ModelError, retry: number, policy: RetryPolicy): number {
  const after = err.details.retryAfterMs;
  if (after !== undefined && after !== null) return Math.round(Math.min(after, policy.retryAfterMaxMs ?? RETRY_AFTER_MAX_MS));
  return backoffDelayMs(retry, policy);
}

export class RetryingModelClient implements ModelClient {
  /** @param attempt makes one attempt per `stream()` call, without retrying anything itself. */
  constructor(
    private readonly attempt: ModelClient,
    private readonly policy: RetryPolicy,
  ) {}

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    const spent = { request: 0, stream: 0 };
    const sleep = this.policy.sleep ?? defaultSleep;
    for (;;) {
      try {
        for await (const ev of this.attempt.stream(request, signal)) {
          yield ev;
        }
        return;
      } catch (caught) {
        if (!(caught instanceof ModelError)) throw caught;
        const err = caught;
        if (signal.aborted || err.kind === 'aborted') throw err;
        const budget = err.budget;
        const max = budget === 'request' ? this.policy.requestMaxRetries : this.policy.streamMaxRetries;
        if (!err.retryable || spent[budget] >= max) {
          err.retries = spent.request + spent.stream;
          throw err;
        }
        spent[budget] += 1;
        const delayMs = retryDelayMs(err, spent[budget], this.policy);
        yield { type: 'retry', error: err, attempt: spent[budget], maxAttempts: max, budget, delayMs };
        await sleep(delayMs, signal);
        if (signal.aborted) throw new ModelError('aborted', 'the model request was aborted');
      }
    }
  }
}

async function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return;
  await sleepFor(ms, undefined, { signal }).catch(() => undefined);
}
