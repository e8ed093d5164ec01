/**
 * The agent loop with a fake ModelClient (no HTTP): how model events, retries and failures
 * become protocol notifications and history.
 */
import { describe, expect, it } from 'vitest';
import { ConversationHistory } from '../../src/agent/history.js';
import { TokenUsageTracker } from '../../src/agent/token-usage.js';
import { runTurn, type TurnSettings } from '../../src/agent/turn-runner.js';
import { ModelError, type ModelClient, type ModelEvent, type ModelRequest, type ResponseItem } from '../../src/model/types.js';

type Script = { events: ModelEvent[]; thenThrow?: ModelError }[];

function fakeModel(script: Script): ModelClient & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  return {
    requests,
    async *stream(request) {
      requests.push(structuredClone(request));
      const step = script[requests.length - 1];
      if (!step) throw new Error(`no scripted response for request ${requests.length}`);
      yield* step.events;
      if (step.thenThrow) throw step.thenThrow;
    },
  };
}

const msg = (id: string, text: string): ResponseItem => ({ type: 'message', role: 'assistant', id, content: [{ type: 'output_text', text }] });
const usage = { inputTokens: 10, cachedInputTokens: 0, outputTokens: 2, reasoningOutputTokens: 0, totalTokens: 12 };

function message(id: string, text: string): ModelEvent[] {
  return [
    { type: 'output_item_added', item: { type: 'message', role: 'assistant', id, content: [] } },
    { type: 'text_delta', itemId: id, delta: text },
    { type: 'output_item_done', item: msg(id, text) },
  ];
}

const SETTINGS: TurnSettings = {
  threadId: 'thread-1',
  turnId: 'turn-1',
  cwd: process.cwd(),
  model: 'fake-model',
  instructions: 'Be brief.',
  approvalPolicy: 'never',
  sandboxMode: 'read-only',
  reasoningEffort: null,
  commandTimeoutMs: 10_000,
};

async function turn(model: ModelClient, signal = new AbortController().signal) {
  const notes: { method: string; params: any }[] = [];
  const history = new ConversationHistory();
  const outcome = await runTurn(
    SETTINGS,
    {
      model,
      history,
      emit: { notify: (method, params) => notes.push({ method, params }) },
      approvals: {
        request: async () => {
          throw new Error('no approval expected');
        },
      },
      usage: new TokenUsageTracker(null),
      signal,
      env: {},
    },
    [{ type: 'text', text: 'hello', text_elements: [] }],
  );
  const ids = (method: string) => notes.filter((n) => n.method === method).map((n) => n.params.item.id as string);
  return { outcome, notes, history: history.items(), started: ids('item/started'), completed: ids('item/completed') };
}

const cut = () => new ModelError('stream_disconnected', 'stream closed before response.completed');

describe('turn loop with a fake model client', () => {
  it('a retry voids the partial attempt: told with error willRetry:true, never completed, never in the history', async () => {
    const partial: ModelEvent[] = [
      { type: 'output_item_added', item: { type: 'reasoning', id: 'rs_1', summary: [] } },
      { type: 'reasoning_summary_delta', itemId: 'rs_1', summaryIndex: 0, delta: 'thinking' },
      { type: 'output_item_done', item: { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'thinking' }], encrypted_content: 'enc' } },
      ...message('msg_partial', 'partial answer'),
    ];
    const model = fakeModel([
      {
        events: [
          ...partial,
          { type: 'retry', error: cut(), attempt: 1, maxAttempts: 2, budget: 'stream', delayMs: 200 },
          ...message('msg_final', 'full answer'),
          { type: 'completed', responseId: 'resp_2', usage },
        ],
      },
    ]);
    const { outcome, notes, history, started, completed } = await turn(model);

    expect(outcome.status).toBe('completed');
    expect(outcome.lastAgentMessage).toMatchObject({ id: 'msg_final', text: 'full answer' });
    // The client saw the partial items start and stream...
    expect(started.slice(1)).toEqual(['rs_1', 'msg_partial', 'msg_final']);
    // ...then the retry notice, and only the final message completed.
    expect(completed.slice(1)).toEqual(['msg_final']);
    const retry = notes.find((n) => n.method === 'error')!;
    expect(retry.params).toEqual({
      threadId: 'thread-1',
      turnId: 'turn-1',
      willRetry: true,
      error: {
        message: 'Reconnecting... 1/2',
        codexErrorInfo: { responseStreamDisconnected: { httpStatusCode: null } },
        additionalDetails: 'stream disconnected before completion: stream closed before response.completed',
        misalignment: null,
      },
    });
    const order = notes.map((n) => (n.method === 'item/completed' ? `completed:${n.params.item.id}` : n.method));
    expect(order.indexOf('error')).toBeLessThan(order.indexOf('completed:msg_final'));
    expect(notes.filter((n) => n.method === 'thread/tokenUsage/updated')).toHaveLength(1);
    // The history holds the user message and the final answer only.
    expect(history.map((i) => (i.type === 'message' ? `${i.role}:${i.content[0]!.text}` : i.type))).toEqual([
      'user:hello',
      'assistant:full answer',
    ]);
  });

  it('items complete only when the response completes, in the order they started', async () => {
    const model = fakeModel([
      {
        events: [
          { type: 'output_item_added', item: { type: 'reasoning', id: 'rs_1', summary: [] } },
          { type: 'reasoning_text_delta', itemId: 'rs_1', contentIndex: 0, delta: 'raw thought' },
          { type: 'output_item_done', item: { type: 'reasoning', id: 'rs_1', summary: [], content: [{ type: 'reasoning_text', text: 'raw thought' }] } },
          ...message('msg_1', 'answer'),
          { type: 'completed', responseId: 'resp_1', usage: null },
        ],
      },
    ]);
    const { notes, completed, history } = await turn(model);
    const firstCompletion = notes.findIndex((n) => n.method === 'item/completed' && n.params.item.id === 'rs_1');
    const lastDelta = notes.map((n) => n.method).lastIndexOf('item/agentMessage/delta');
    expect(firstCompletion).toBeGreaterThan(lastDelta);
    expect(completed.slice(1)).toEqual(['rs_1', 'msg_1']);
    const reasoning = notes.find((n) => n.method === 'item/completed' && n.params.item.id === 'rs_1')!.params.item;
    expect(reasoning).toMatchObject({ type: 'reasoning', summary: [], content: ['raw thought'] });
    expect(notes.find((n) => n.method === 'item/reasoning/textDelta')!.params).toMatchObject({ itemId: 'rs_1', contentIndex: 0, delta: 'raw thought' });
    // Reasoning without encrypted content cannot be replayed: it stays out of the history.
    expect(history.map((i) => i.type)).toEqual(['message', 'message']);
  });

  it('tool calls go round the loop; every request extends the previous one', async () => {
    const call: ResponseItem = { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'no_such_tool', arguments: '{}' };
    const model = fakeModel([
      { events: [{ type: 'output_item_done', item: call }, { type: 'completed', responseId: 'r1', usage }] },
      { events: [...message('msg_1', 'done'), { type: 'completed', responseId: 'r2', usage }] },
    ]);
    const { outcome } = await turn(model);
    expect(outcome.status).toBe('completed');
    expect(model.requests).toHaveLength(2);
    const [a, b] = model.requests.map((r) => JSON.stringify(r.input));
    expect(b!.startsWith(a!.slice(0, -1))).toBe(true);
    expect(model.requests[1]!.input.slice(-2)).toEqual([
      call,
      { type: 'function_call_output', call_id: 'call_1', output: expect.stringContaining('Unknown tool `no_such_tool`') },
    ]);
  });

  it('a final failure fails the turn with the mapped error; the partial output is never completed', async () => {
    const err = cut();
    err.retries = 2;
    const model = fakeModel([{ events: message('msg_partial', 'half'), thenThrow: err }]);
    const { outcome, notes, started, completed, history } = await turn(model);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatchObject({ codexErrorInfo: { responseStreamDisconnected: { httpStatusCode: null } } });
    expect(outcome.lastAgentMessage).toBeNull();
    expect(started).toContain('msg_partial');
    expect(completed).not.toContain('msg_partial');
    const errors = notes.filter((n) => n.method === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.params).toMatchObject({ willRetry: false, error: outcome.error });
    expect(history.map((i) => i.type)).toEqual(['message']);
  });

  it('an HTTP 401 fails the turn as httpConnectionFailed {401}, as the reference reports it', async () => {
    const model = fakeModel([{ events: [], thenThrow: new ModelError('http', 'HTTP 401', { status: 401, requestId: 'req_9', providerMessage: 'bad key' }) }]);
    const { outcome } = await turn(model);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toEqual({
      message: 'unexpected status 401 Unauthorized: bad key, request id: req_9',
      codexErrorInfo: { httpConnectionFailed: { httpStatusCode: 401 } },
      additionalDetails: null,
      misalignment: null,
    });
  });

  it('an interrupt mid-stream ends the turn as interrupted and closes what the client saw start', async () => {
    const ctl = new AbortController();
    const model: ModelClient = {
      async *stream(_request, signal) {
        yield { type: 'output_item_added', item: { type: 'message', role: 'assistant', id: 'msg_1', content: [] } };
        yield { type: 'text_delta', itemId: 'msg_1', delta: 'so far' };
        ctl.abort();
        if (signal.aborted) throw new ModelError('aborted', 'the model request was aborted');
      },
    };
    const { outcome, completed, notes } = await turn(model, ctl.signal);
    expect(outcome.status).toBe('interrupted');
    expect(completed).toContain('msg_1');
    expect(notes.find((n) => n.method === 'item/completed' && n.params.item.id === 'msg_1')!.params.item.text).toBe('so far');
    expect(notes.filter((n) => n.method === 'error')).toEqual([]);
  });
});
