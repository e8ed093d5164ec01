import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  RETRY_AFTER_MAX_MS,
  RETRY_BASE_DELAY_MS,
  RETRY_MAX_DELAY_MS,
  RetryingModelClient,
  type RetryPolicy,
} from '../../src/model/retry.js';
import { ModelError, type ModelClient, type ModelEvent, type ModelRequest } from '../../src/model/types.js';

const REQUEST: ModelRequest = { model: 'm', instructions: 'i', input: [], tools: [], promptCacheKey: 'k', reasoningEffort: null };
const OK: ModelEvent[] = [
  { type: 'output_item_added', item: { type: 'message', role: 'assistant', id: 'msg_1', content: [] } },
  { type: 'text_delta', itemId: 'msg_1', delta: 'hi' },
  { type: 'completed', responseId: 'resp_1', usage: null },
];

type Step = ModelError | { events: ModelEvent[]; thenThrow?: ModelError };

/** An attempt client that plays one step per call. */
function scripted(steps: Step[]): ModelClient & { calls: number } {
  const client = {
    calls: 0,
    async *stream(): AsyncIterable<ModelEvent> {
      const step = steps[client.calls++];
      if (!step) throw new Error('script exhausted');
      if (step instanceof ModelError) throw step;
      yield* step.events;
      if (step.thenThrow) throw step.thenThrow;
    },
  };
  return client;
}

const http = (status: number, details: Partial<ModelError['details']> = {}) =>
  new ModelError('http', `HTTP ${status}`, { status, requestId: `req_${status}`, ...details });
const cut = () => new ModelError('stream_disconnected', 'stream closed before response.completed');

async function run(client: ModelClient, signal = new AbortController().signal) {
  const events: ModelEvent[] = [];
  try {
    for await (const ev of client.stream(REQUEST, signal)) events.push(ev);
    return { events, error: null };
  } catch (error) {
    return { events, error: error as ModelError };
  }
}

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { slept: number[] } {
  const slept: number[] = [];
  return {
    requestMaxRetries: 3,
    streamMaxRetries: 2,
    random: () => 0.5, // no jitter
    sleep: async (ms) => {
      slept.push(ms);
    },
    ...overrides,
    slept,
  };
}

describe('backoffDelayMs', () => {
  it('doubles from the base, caps at the maximum, and jitters within ±ratio', () => {
    const mid = { random: () => 0.5 };
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, mid))).toEqual([200, 400, 800, 1600].map((x) => (x / 200) * RETRY_BASE_DELAY_MS));
    expect(backoffDelayMs(30, mid)).toBe(RETRY_MAX_DELAY_MS);
    expect(backoffDelayMs(1, { baseDelayMs: 100, jitterRatio: 0.2, random: () => 0 })).toBe(80);
    expect(backoffDelayMs(1, { baseDelayMs: 100, jitterRatio: 0.2, random: () => 0.999999 })).toBe(120);
    expect(backoffDelayMs(3, { baseDelayMs: 100, maxDelayMs: 250, jitterRatio: 0.2, random: () => 0.999999 })).toBe(250);
  });
});

describe('RetryingModelClient', () => {
  it('retries a 429 after its retry-after, with a retry event naming the failure, then streams the answer', async () => {
    const p = policy();
    const attempt = scripted([http(429, { retryAfterMs: 1500 }), { events: OK }]);
    const { events, error } = await run(new RetryingModelClient(attempt, p));
    expect(error).toBeNull();
    expect(attempt.calls).toBe(2);
    expect(events[0]).toMatchObject({ type: 'retry', attempt: 1, maxAttempts: 3, budget: 'request', delayMs: 1500 });
    expect((events[0] as Extract<ModelEvent, { type: 'retry' }>).error.details).toMatchObject({ status: 429, requestId: 'req_429' });
    expect(events.slice(1)).toEqual(OK);
    expect(p.slept).toEqual([1500]);
  });

  it('clamps a long retry-after to the maximum', async () => {
    const p = policy();
    await run(new RetryingModelClient(scripted([http(503, { retryAfterMs: 3_600_000 }), { events: OK }]), p));
    expect(p.slept).toEqual([RETRY_AFTER_MAX_MS]);
  });

  it('backs off exponentially over 5xx and connection errors, counting them against request_max_retries', async () => {
    const p = policy({ baseDelayMs: 10 });
    const attempt = scripted([http(500), new ModelError('connection', 'ECONNREFUSED'), http(503), { events: OK }]);
    const { events, error } = await run(new RetryingModelClient(attempt, p));
    expect(error).toBeNull();
    expect(p.slept).toEqual([10, 20, 40]);
    expect(events.filter((e) => e.type === 'retry').map((e) => e.type === 'retry' && [e.attempt, e.maxAttempts, e.budget])).toEqual([
      [1, 3, 'request'],
      [2, 3, 'request'],
      [3, 3, 'request'],
    ]);
  });

  it('gives up when request_max_retries is spent, and the error says how many retries it took', async () => {
    const attempt = scripted([http(500), http(500), http(502)]);
    const { events, error } = await run(new RetryingModelClient(attempt, policy({ requestMaxRetries: 2 })));
    expect(attempt.calls).toBe(3);
    expect(events.map((e) => e.type)).toEqual(['retry', 'retry']);
    expect(error).toBeInstanceOf(ModelError);
    expect(error!.details.status).toBe(502);
    expect(error!.retries).toBe(2);
  });

  it('voids a broken stream with a retry event and counts it against stream_max_retries, separately', async () => {
    const partial: ModelEvent[] = OK.slice(0, 2);
    const attempt = scripted([
      { events: partial, thenThrow: cut() },
      http(500),
      { events: partial, thenThrow: new ModelError('stream_disconnected', 'idle timeout waiting for SSE') },
      { events: OK },
    ]);
    const p = policy({ requestMaxRetries: 1, streamMaxRetries: 2 });
    const { events, error } = await run(new RetryingModelClient(attempt, p));
    expect(error).toBeNull();
    expect(events.map((e) => (e.type === 'retry' ? `retry:${e.budget}:${e.attempt}/${e.maxAttempts}` : e.type))).toEqual([
      'output_item_added',
      'text_delta',
      'retry:stream:1/2',
      'retry:request:1/1',
      'output_item_added',
      'text_delta',
      'retry:stream:2/2',
      'output_item_added',
      'text_delta',
      'completed',
    ]);
  });

  it('retries a transient response.failed, but not other failures', async () => {
    const transient = new ModelError('response_failed', 'overloaded', { code: 'server_error' });
    const ok = await run(new RetryingModelClient(scripted([transient, { events: OK }]), policy()));
    expect(ok.error).toBeNull();
    const fatal = new ModelError('response_failed', 'bad prompt', { code: 'invalid_prompt' });
    const attempt = scripted([fatal, { events: OK }]);
    const res = await run(new RetryingModelClient(attempt, policy()));
    expect(res.error).toBe(fatal);
    expect(attempt.calls).toBe(1);
  });

  it.each([
    ['400', http(400)],
    ['401', http(401)],
    ['403', http(403)],
    ['404', http(404)],
    ['429 insufficient_quota', http(429, { code: 'insufficient_quota' })],
    ['429 usage_limit_reached', http(429, { code: 'usage_limit_reached' })],
  ])('never retries %s', async (_name, err) => {
    const attempt = scripted([err, { events: OK }]);
    const p = policy();
    const { events, error } = await run(new RetryingModelClient(attempt, p));
    expect(error).toBe(err);
    expect(error!.retries).toBe(0);
    expect(events).toEqual([]);
    expect(attempt.calls).toBe(1);
    expect(p.slept).toEqual([]);
  });

  it('with no budget, the first failure is final', async () => {
    const attempt = scripted([http(429), { events: OK }]);
    const { error } = await run(new RetryingModelClient(attempt, policy({ requestMaxRetries: 0 })));
    expect(error!.details.status).toBe(429);
    expect(attempt.calls).toBe(1);
  });

  it('an abort during the backoff ends the request as aborted, without another attempt', async () => {
    const ctl = new AbortController();
    const attempt = scripted([http(500), { events: OK }]);
    const p = policy({
      sleep: async () => {
        ctl.abort();
      },
    });
    const { error } = await run(new RetryingModelClient(attempt, p), ctl.signal);
    expect(error!.kind).toBe('aborted');
    expect(attempt.calls).toBe(1);
  });

  it('passes other exceptions through untouched', async () => {
    const boom = new TypeError('bug');
    const client = new RetryingModelClient(
      {
        // eslint-disable-next-line require-yield
        async *stream() {
          throw boom;
        },
      },
      policy(),
    );
    expect((await run(client)).error).toBe(boom);
  });
});
