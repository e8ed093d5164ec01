/**
 * The Chat Completions model client (wire_api = "chat") against the scripted model server's
 * `/chat/completions` route: text, reasoning_content, tool calls (apply_patch as a function with
 * one string argument), usage, faults and retries through the same retry layer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelServer } from '../../src/demo/model-server/server.js';
import { chatParams, FREEFORM_ARGUMENT, toChatTool, toMessages } from '../../src/model/chat-client.js';
import type { ModelEvent, ModelRequest, ResponseItem } from '../../src/model/types.js';
import { toolSpecs } from '../../src/tools/registry.js';
import { collect, finalText, harness, REQUEST, retries } from './helpers.js';

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const CHAT = { wireApi: 'chat' as const };
const doneItems = (events: ModelEvent[]) =>
  events.flatMap((e) => (e.type === 'output_item_done' ? [e.item] : []));

describe('Chat Completions client: streaming', () => {
  it('streams text as one assistant message, with usage from the last chunk', async () => {
    const { server, client } = await harness(
      [{ output: [{ type: 'message', text: 'Hello from chat.' }], usage: { input_tokens: 40, output_tokens: 5 } }],
      CHAT,
      servers,
    );
    const { events, error } = await collect(client);
    expect(error).toBeNull();
    expect(server.requests[0]!.path).toBe('/v1/chat/completions');
    expect(events.map((e) => e.type)).toEqual(['output_item_added', 'text_delta', 'text_delta', 'text_delta', 'output_item_done', 'completed']);
    expect(finalText(events)).toBe('Hello from chat.');
    const [msg] = doneItems(events);
    expect(msg).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello from chat.' }] });
    expect(events.at(-1)).toEqual({
      type: 'completed',
      responseId: expect.stringMatching(/^chatcmpl_/),
      usage: { inputTokens: 40, cachedInputTokens: 0, outputTokens: 5, reasoningOutputTokens: 0, totalTokens: 45 },
    });
  });

  it('streams reasoning_content as raw reasoning text, closed before the answer starts', async () => {
    const { client } = await harness(
      [{ output: [{ type: 'reasoning', summary: 'Let me think.' }, { type: 'message', text: 'Answer.' }] }],
      CHAT,
      servers,
    );
    const { events } = await collect(client);
    const types = events.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['output_item_added', 'reasoning_text_delta']);
    const reasoningDone = types.indexOf('output_item_done');
    expect(reasoningDone).toBeLessThan(types.indexOf('text_delta'));
    const deltas = events.flatMap((e) => (e.type === 'reasoning_text_delta' ? [e.delta] : [])).join('');
    expect(deltas).toBe('Let me think.');
    const [reasoning, message] = doneItems(events);
    expect(reasoning).toEqual({ type: 'reasoning', id: expect.any(String), summary: [], content: [{ type: 'reasoning_text', text: 'Let me think.' }] });
    expect(message).toMatchObject({ type: 'message', content: [{ text: 'Answer.' }] });
  });

  it('accumulates tool calls; a freeform tool call arrives as a function call with its text in `input`', async () => {
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+a\n*** End Patch\n';
    const { client } = await harness(
      [
        {
          output: [
            { type: 'function_call', name: 'exec_command', arguments: { cmd: 'cat a.txt' }, callId: 'call_a' },
            { type: 'custom_tool_call', name: 'apply_patch', input: patch, callId: 'call_b' },
          ],
        },
      ],
      CHAT,
      servers,
    );
    const { events } = await collect(client);
    expect(doneItems(events)).toEqual([
      { type: 'function_call', call_id: 'call_a', name: 'exec_command', arguments: '{"cmd":"cat a.txt"}' },
      { type: 'function_call', call_id: 'call_b', name: 'apply_patch', arguments: JSON.stringify({ input: patch }) },
    ]);
  });

  it('skips malformed chunks; the stream still completes', async () => {
    const { server, client } = await harness(
      [{ output: [{ type: 'message', text: 'Still here.' }], malformedEvents: ['data: {"choices":[{"delta":', 'data: 42'] }],
      CHAT,
      servers,
    );
    const { events, error } = await collect(client);
    expect(error).toBeNull();
    expect(server.requests).toHaveLength(1);
    expect(finalText(events)).toBe('Still here.');
  });
});

describe('Chat Completions client: faults and retries', () => {
  it('429 with retry-after, then a cut stream, then success: one retry of each budget', async () => {
    const { server, client, slept } = await harness(
      [
        { httpError: { status: 429, headers: { 'retry-after': '1' } } },
        { cut: { after: [{ type: 'message', text: 'partial' }] } },
        { output: [{ type: 'message', text: 'Recovered.' }] },
      ],
      { ...CHAT, requestMaxRetries: 1, streamMaxRetries: 1 },
      servers,
    );
    const { events, error } = await collect(client);
    expect(error).toBeNull();
    expect(server.requests).toHaveLength(3);
    expect(retries(events).map((r) => [r.budget, r.error.kind, r.error.details.status ?? null])).toEqual([
      ['request', 'http', 429],
      ['stream', 'stream_disconnected', null],
    ]);
    expect(retries(events)[1]!.error.message).toMatch(/^stream closed before \[DONE\]/);
    expect(slept[0]).toBe(1000);
    expect(finalText(events)).toBe('Recovered.');
  });

  it('an error chunk inside the stream fails the attempt with the provider code', async () => {
    const { client } = await harness([{ failed: { message: 'model crashed', code: 'invalid_prompt' } }], CHAT, servers);
    const { error } = await collect(client);
    expect(error).toMatchObject({ kind: 'response_failed', message: 'model crashed' });
    expect(error!.details.code).toBe('invalid_prompt');
  });

  it('401 is final at once', async () => {
    const { server, client } = await harness([{ httpError: { status: 401 } }], { ...CHAT, requestMaxRetries: 3 }, servers);
    const { error } = await collect(client);
    expect(server.requests).toHaveLength(1);
    expect(error!.details.status).toBe(401);
  });
});

describe('Chat Completions client: the request', () => {
  const history: ResponseItem[] = [
    { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<permissions>...</permissions>' }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'fix it' }] },
    { type: 'reasoning', id: 'rs_1', summary: [], content: [{ type: 'reasoning_text', text: 'hmm' }] },
    { type: 'message', role: 'assistant', id: 'msg_1', content: [{ type: 'output_text', text: 'Looking.' }] },
    { type: 'function_call', call_id: 'c1', name: 'exec_command', arguments: '{"cmd":"ls"}' },
    { type: 'function_call', call_id: 'c2', name: 'exec_command', arguments: '{"cmd":"pwd"}' },
    { type: 'function_call_output', call_id: 'c1', output: 'a.txt' },
    { type: 'function_call_output', call_id: 'c2', output: '/w' },
    { type: 'custom_tool_call', call_id: 'c3', name: 'apply_patch', input: 'PATCH' },
    { type: 'custom_tool_call_output', call_id: 'c3', output: 'Done' },
    { type: 'message', role: 'assistant', id: 'msg_2', content: [{ type: 'output_text', text: 'Fixed.' }] },
  ];

  it('maps the history to messages: system first, one assistant message per response, tool results', () => {
    expect(toMessages({ ...REQUEST, input: history })).toEqual([
      { role: 'system', content: REQUEST.instructions },
      { role: 'system', content: '<permissions>...</permissions>' },
      { role: 'user', content: 'fix it' },
      {
        role: 'assistant',
        content: 'Looking.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'exec_command', arguments: '{"cmd":"ls"}' } },
          { id: 'c2', type: 'function', function: { name: 'exec_command', arguments: '{"cmd":"pwd"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'a.txt' },
      { role: 'tool', tool_call_id: 'c2', content: '/w' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c3', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"PATCH"}' } }],
      },
      { role: 'tool', tool_call_id: 'c3', content: 'Done' },
      { role: 'assistant', content: 'Fixed.' },
    ]);
  });

  it('every longer history serializes to an extension of the shorter one', () => {
    // Histories grow a response at a time: cut only where a response and its tool outputs are complete.
    const cuts = [2, 8, 10, 11];
    const bodies = cuts.map((n) => JSON.stringify(chatParams({ ...REQUEST, input: history.slice(0, n) }).messages));
    for (let i = 1; i < bodies.length; i++) expect(bodies[i]!.startsWith(bodies[i - 1]!.slice(0, -1))).toBe(true);
  });

  it('offers function tools as they are and a freeform tool as a function with one string argument', () => {
    const [exec, plan, patch] = toolSpecs().map(toChatTool);
    expect(plan).toMatchObject({ type: 'function', function: { name: 'update_plan' } });
    expect(exec).toMatchObject({ type: 'function', function: { name: 'exec_command' } });
    expect(exec!.function).not.toHaveProperty('strict');
    expect(patch).toMatchObject({
      type: 'function',
      function: {
        name: 'apply_patch',
        parameters: {
          type: 'object',
          properties: { [FREEFORM_ARGUMENT]: { type: 'string' } },
          required: [FREEFORM_ARGUMENT],
          additionalProperties: false,
        },
      },
    });
    expect(patch!.function.parameters!.properties).toHaveProperty('input.description', expect.stringContaining('*** Begin Patch'));
  });

  it('asks for usage in the stream, and sends a known reasoning effort only', () => {
    const req: ModelRequest = { ...REQUEST, tools: toolSpecs(), reasoningEffort: 'low' };
    expect(chatParams(req)).toMatchObject({ stream: true, stream_options: { include_usage: true }, tool_choice: 'auto', reasoning_effort: 'low' });
    expect(chatParams({ ...req, reasoningEffort: 'turbo' })).not.toHaveProperty('reasoning_effort');
    expect(chatParams({ ...req, tools: [] })).not.toHaveProperty('tools');
  });
});
