/**
 * The Responses model client (one SDK request per attempt, SDK retries off) wrapped in the
 * retry layer, against the scripted model server over real HTTP: faults, then success.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelServer } from '../../src/demo/model-server/server.js';
import { responsesParams, responsesRequest } from '../../src/model/responses-client.js';
import type { ModelRequest } from '../../src/model/types.js';
import { createModelClient } from '../../src/model/factory.js';
import { collect, finalText, harness, provider, REQUEST, retries } from './helpers.js';

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const ANSWER = { output: [{ type: 'message' as const, text: 'Recovered after a retry.' }] };

describe('Responses client: faults before the stream (request_max_retries)', () => {
  it('429 with retry-after: waits what the server asked, says so in a retry event, then succeeds', async () => {
    const { server, client, slept } = await harness(
      [{ httpError: { status: 429, headers: { 'retry-after': '2' } } }, ANSWER],
      { requestMaxRetries: 2 },
      servers,
    );
    const { events, error } = await collect(client);
    expect(error).toBeNull();
    expect(server.requests).toHaveLength(2);
    const [r] = retries(events);
    expect(r).toMatchObject({ attempt: 1, maxAttempts: 2, budget: 'request', delayMs: 2000 });
    expect(r!.error.kind).toBe('http');
    expect(r!.error.details).toMatchObject({ status: 429, retryAfterMs: 2000, requestId: 'req_000000000000000000000001' });
    expect(slept).toEqual([2000]);
    expect(finalText(events)).toBe('Recovered after a retry.');
    expect(events.at(-1)?.type).toBe('completed');
  });

  it('honours retry-after-ms over retry-after', async () => {
    const { slept, client } = await harness(
      [{ httpError: { status: 429, headers: { 'retry-after-ms': '25', 'retry-after': '9' } } }, ANSWER],
      { requestMaxRetries: 1 },
      servers,
    );
    expect((await collect(client)).error).toBeNull();
    expect(slept).toEqual([25]);
  });

  it('500 then 503: two retries with exponential backoff, then success; the SDK itself never retried', async () => {
    const { server, client, slept } = await harness(
      [{ httpError: { status: 500 } }, { httpError: { status: 503 } }, ANSWER],
      { requestMaxRetries: 4 },
      servers,
    );
    const { events, error } = await collect(client);
    expect(error).toBeNull();
    expect(server.requests).toHaveLength(3);
    expect(retries(events).map((r) => r.error.details.status)).toEqual([500, 503]);
    expect(slept).toHaveLength(2);
    expect(slept[1]!).toBeGreaterThan(slept[0]!);
    expect(server.requests.map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '0', '0']);
  });

  it('a refused connection is retried as a connection error', async () => {
    const slept: number[] = [];
    // Port 1 on loopback: nothing listens there.
    const refused = createModelClient(provider('http://127.0.0.1:1/v1', { requestMaxRetries: 1 }), {
      apiKey: 'k',
      userAgent: 'u',
      retry: { sleep: async (ms) => void slept.push(ms) },
    });
    const { events, error } = await collect(refused);
    expect(retries(events).map((r) => r.error.kind)).toEqual(['connection']);
    expect(error?.kind).toBe('connection');
    expect(error?.retries).toBe(1);
    expect(slept).toHaveLength(1);
  });

  it('exhausted retries: the last HTTP error, with its status, request id and retry count', async () => {
    const { server, client } = await harness(
      [{ httpError: { status: 429 } }, { httpError: { status: 429 } }, { httpError: { status: 429 } }],
      { requestMaxRetries: 2 },
      servers,
    );
    const { events, error } = await collect(client);
    expect(server.requests).toHaveLength(3);
    expect(retries(events)).toHaveLength(2);
    expect(error).toMatchObject({ kind: 'http', retries: 2 });
    expect(error!.details).toMatchObject({ status: 429, requestId: 'req_000000000000000000000003' });
  });

  it.each([400, 401, 403])('HTTP %i is final at once, whatever the budget', async (status) => {
    const { server, client, slept } = await harness([{ httpError: { status } }, ANSWER], { requestMaxRetries: 5 }, servers);
    const { events, error } = await collect(client);
    expect(events).toEqual([]);
    expect(server.requests).toHaveLength(1);
    expect(slept).toEqual([]);
    expect(error).toMatchObject({ kind: 'http', retries: 0 });
    expect(error!.details.status).toBe(status);
    expect(error!.details.providerMessage).toBe(`model-server: scripted HTTP ${status}`);
  });
});

describe('Responses client: faults inside the stream (stream_max_retries)', () => {
  it('a stream reset mid-way is retried; the retry event follows the partial output', async () => {
    const { server, client } = await harness(
      [{ cut: { after: [{ type: 'message', text: 'partial answer that never completes' }] } }, ANSWER],
      { streamMaxRetries: 1 },
      servers,
    );
    const { events, error } = await collect(client);
    expect(error).toBeNull();
    expect(server.requests).toHaveLength(2);
    const types = events.map((e) => e.type);
    expect(types.indexOf('retry')).toBeGreaterThan(types.indexOf('text_delta'));
    const [r] = retries(events);
    expect(r!.budget).toBe('stream');
    expect(r!.error.kind).toBe('stream_disconnected');
    expect(r!.error.details.requestId).toBe('req_000000000000000000000001');
    expect(finalText(events)).toBe('Recovered after a retry.');
  });

  it('a stream idle past stream_idle_timeout_ms is abandoned and retried', async () => {
    const { server, client } = await harness(
      [{ output: [{ type: 'message', text: 'too slow' }], delayMs: 60_000 }, ANSWER],
      { streamMaxRetries: 1, streamIdleTimeoutMs: 200 },
      servers,
    );
    const { events, error } = await collect(client);
    expect(error).toBeNull();
    expect(server.requests).toHaveLength(2);
    expect(retries(events)[0]!.error.message).toMatch(/idle timeout waiting for SSE/);
    expect(finalText(events)).toBe('Recovered after a retry.');
  });

  it('malformed SSE lines are skipped: the same stream completes, no retry', async () => {
    const { server, client } = await harness(
      [
        {
          output: [{ type: 'message', text: 'Survived the garbage.' }],
          malformedEvents: [
            'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":',
            'data: not json at all',
            'data: {"no_type": true}',
            'data: [1,2,3]',
          ],
        },
      ],
      {},
      servers,
    );
    const { events, error } = await collect(client);
    expect(error).toBeNull();
    expect(server.requests).toHaveLength(1);
    expect(retries(events)).toEqual([]);
    expect(finalText(events)).toBe('Survived the garbage.');
  });

  it('events the agent does not use are skipped by their `event:` name, unparsed; without a name the data decides', async () => {
    const { server, client } = await harness(
      [
        {
          output: [{ type: 'message', text: 'Still one answer.' }],
          malformedEvents: [
            // Named as unused: skipped before parsing (parsed, its data would fail the response).
            'event: response.in_progress\ndata: {"type":"response.failed","response":{"error":{"message":"never parsed"}}}',
            // No name: parsed, and an unknown type is dropped.
            'data: {"type":"response.some_future_event"}',
          ],
        },
      ],
      {},
      servers,
    );
    const { events, error } = await collect(client);
    expect(error).toBeNull();
    expect(server.requests).toHaveLength(1);
    expect(finalText(events)).toBe('Still one answer.');
  });

  it('response.failed with a transient code is retried; the final failure keeps code and request id', async () => {
    const { server, client } = await harness(
      [{ failed: { message: 'mock: response.failed event', code: 'server_error' } }, { failed: { message: 'again', code: 'server_error' } }],
      { streamMaxRetries: 1 },
      servers,
    );
    const { events, error } = await collect(client);
    expect(server.requests).toHaveLength(2);
    expect(retries(events)).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'response_failed', message: 'again', retries: 1 });
    expect(error!.details).toMatchObject({ code: 'server_error', requestId: 'req_000000000000000000000002' });
  });

  it('stream retries exhausted: the stream error', async () => {
    const cut = { cut: { after: [{ type: 'message' as const, text: 'partial' }] } };
    const { server, client } = await harness([cut, cut], { streamMaxRetries: 1 }, servers);
    const { error } = await collect(client);
    expect(server.requests).toHaveLength(2);
    expect(error).toMatchObject({ kind: 'stream_disconnected', retries: 1 });
    // node:http (http-fetch.ts) reports the connection cut mid-body as "aborted".
    expect(error!.message).toMatch(/^stream closed before response\.completed \(aborted/);
  });
});

describe('Responses client: request and events', () => {
  it('sends stable, SDK-typed params; reasoning, tool calls and usage arrive as model events', async () => {
    const { server, client } = await harness(
      [
        {
          output: [
            { type: 'reasoning', summary: 'Thinking.' },
            { type: 'function_call', name: 'exec_command', arguments: { cmd: 'ls' }, callId: 'call_1' },
            { type: 'custom_tool_call', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch\n', callId: 'call_2' },
          ],
          usage: { input_tokens: 100, output_tokens: 7 },
        },
      ],
      {},
      servers,
    );
    const request: ModelRequest = { ...REQUEST, model: 'gpt-5.5', reasoningEffort: 'high' };
    const { events, error } = await collect(client, request);
    expect(error).toBeNull();
    const body = server.requests[0]!.body as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'model',
      'instructions',
      'input',
      'tools',
      'tool_choice',
      'parallel_tool_calls',
      'store',
      'stream',
      'prompt_cache_key',
      'reasoning',
      'include',
    ]);
    expect(body).toMatchObject({ store: false, stream: true, reasoning: { summary: 'auto', effort: 'high' } });
    const done = events.filter((e) => e.type === 'output_item_done').map((e) => e.type === 'output_item_done' && e.item);
    expect(done).toEqual([
      { type: 'reasoning', id: expect.any(String), summary: [{ type: 'summary_text', text: 'Thinking.' }], encrypted_content: expect.stringMatching(/^enc_/) },
      { type: 'function_call', id: expect.any(String), call_id: 'call_1', name: 'exec_command', arguments: '{"cmd":"ls"}' },
      { type: 'custom_tool_call', id: expect.any(String), call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch\n' },
    ]);
    expect(events.at(-1)).toEqual({
      type: 'completed',
      responseId: expect.any(String),
      usage: { inputTokens: 100, cachedInputTokens: 0, outputTokens: 7, reasoningOutputTokens: 0, totalTokens: 107 },
    });
  });

  it('replays history items in a shape whose serialization only grows', () => {
    const first: ModelRequest = REQUEST;
    const second: ModelRequest = {
      ...REQUEST,
      input: [
        ...REQUEST.input,
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 's' }], encrypted_content: 'enc' },
        { type: 'message', role: 'assistant', id: 'msg_1', content: [{ type: 'output_text', text: 'ok' }] },
        { type: 'function_call', id: 'fc_1', call_id: 'c1', name: 'exec_command', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'out' },
      ],
    };
    const a = JSON.stringify(responsesParams(first).input);
    const b = JSON.stringify(responsesParams(second).input);
    expect(b.startsWith(a.slice(0, -1))).toBe(true);
    expect(responsesParams(second).input).toContainEqual({
      type: 'message',
      role: 'assistant',
      id: 'msg_1',
      status: 'completed',
      content: [{ type: 'output_text', text: 'ok', annotations: [] }],
    });
  });

  it('the body sent is exactly the params\' JSON, request after request, with item JSON cached', () => {
    const tricky: ModelRequest = {
      ...REQUEST,
      // A value holding the text of the input key must not be mistaken for it.
      instructions: 'say "input":[] and {"input":[1]} (naïve → ⟦x⟧)',
      reasoningEffort: 'high',
      outputSchema: { name: 'review', schema: { type: 'object', properties: { input: { type: 'array' } } }, strict: true },
    };
    const grown: ModelRequest = {
      ...tricky,
      input: [
        ...tricky.input,
        { type: 'function_call', id: 'fc_1', call_id: 'c1', name: 'exec_command', arguments: '{"cmd":"ls"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'größe: 3 → ok 🙂' },
      ],
    };
    for (const request of [REQUEST, tricky, grown, grown, { ...grown, input: [] }]) {
      const { params, body } = responsesRequest(request);
      expect(body.toString('utf8')).toBe(JSON.stringify(responsesParams(request)));
      expect(params.input).toEqual([]);
      expect(params.stream).toBe(true);
    }
  });

  it('the server receives that body', async () => {
    const { server, client } = await harness([{ output: [{ type: 'message', text: 'ok' }] }], {}, servers);
    await collect(client);
    expect(server.requests[0]!.body).toEqual(JSON.parse(JSON.stringify(responsesParams(REQUEST))));
    expect(server.requests[0]!.headers['content-type']).toBe('application/json');
  });
});
