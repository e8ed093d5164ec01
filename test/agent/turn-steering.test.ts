/**
 * Steered input in the agent loop (fake ModelClient, no HTTP), as the reference handles it: a model
 * request under way is dropped and sent again with the input; input that arrives after a complete
 * answer makes the model be asked again; it shows as user messages of the same turn.
 */
import { describe, expect, it } from 'vitest';
import { ConversationHistory } from '../../src/agent/history.js';
import { TokenUsageTracker } from '../../src/agent/token-usage.js';
import { runTurn, type SteeredInput, type TurnSettings } from '../../src/agent/turn-runner.js';
import { ModelError, type ModelClient, type ModelEvent, type ModelRequest, type ResponseItem } from '../../src/model/types.js';

const SETTINGS: TurnSettings = {
  threadId: 'thread-1',
  turnId: 'turn-1',
  cwd: process.cwd(),
  model: 'fake-model',
  instructions: 'Be brief.',
  approvalPolicy: 'never',
  sandboxMode: 'read-only',
  reasoningEffort: 'high',
  reasoningSummary: 'concise',
  commandTimeoutMs: 10_000,
};

function answer(id: string, text: string): ModelEvent[] {
  return [
    { type: 'output_item_added', item: { type: 'message', role: 'assistant', id, content: [] } },
    { type: 'output_item_done', item: { type: 'message', role: 'assistant', id, content: [{ type: 'output_text', text }] } },
    { type: 'completed', responseId: `resp_${id}`, usage: null },
  ];
}

const lastTextOf = (i: ResponseItem) => (i.type === 'message' ? `${i.role}:${i.content.map((c) => c.text).join('')}` : i.type);
const lastText = (r: ModelRequest) => lastTextOf(r.input.at(-1)!);

/** A turn's inbox as the thread manager keeps it: a queue, and listeners told of each addition. */
function inbox() {
  const queue: SteeredInput[] = [];
  const listeners = new Set<() => void>();
  return {
    steer(text: string) {
      queue.push({ input: [{ type: 'text', text }], clientId: `client-${text}` });
      for (const l of [...listeners]) l();
    },
    deps: {
      takeSteeredInput: () => queue.splice(0),
      onSteered: (l: () => void) => {
        listeners.add(l);
        return () => void listeners.delete(l);
      },
    },
  };
}

async function runWith(model: ModelClient, steering: ReturnType<typeof inbox>) {
  const notes: { method: string; params: any }[] = [];
  const outcome = await runTurn(
    SETTINGS,
    {
      model,
      history: new ConversationHistory(),
      emit: { notify: (method, params) => notes.push({ method, params }) },
      approvals: { request: async () => 'decline' },
      usage: new TokenUsageTracker(null),
      signal: new AbortController().signal,
      env: {},
      ...steering.deps,
    },
    [{ type: 'text', text: 'hello' }],
  );
  const userItems = notes.filter((n) => n.method === 'item/completed' && n.params.item.type === 'userMessage').map((n) => n.params.item);
  return { outcome, notes, users: userItems.map((i) => i.content[0].text), userItems };
}

describe('steered input in the turn loop', () => {
  it('arriving while the model answers: that answer is dropped (never completed), the model is asked again with the input', async () => {
    const steering = inbox();
    const requests: ModelRequest[] = [];
    const model: ModelClient = {
      async *stream(request, signal) {
        requests.push(structuredClone(request));
        if (requests.length === 1) {
          yield { type: 'output_item_added', item: { type: 'reasoning', id: 'rs_1', summary: [] } };
          steering.steer('one more thing');
          if (signal.aborted) throw new ModelError('aborted', 'the model request was aborted');
        }
        yield* answer(`msg_${requests.length}`, `answer ${requests.length}`);
      },
    };
    const { outcome, notes, users } = await runWith(model, steering);
    expect(outcome.status).toBe('completed');
    expect(outcome.lastAgentMessage?.text).toBe('answer 2');
    expect(requests.map(lastText)).toEqual(['user:hello', 'user:one more thing']);
    expect(requests[1]!.input.map((i) => (i.type === 'message' ? i.role : i.type))).toEqual(['user', 'user']);
    // The dropped attempt's item started and never completed, as with the reference.
    expect(notes.filter((n) => n.params?.item?.id === 'rs_1').map((n) => n.method)).toEqual(['item/started']);
    expect(users).toEqual(['hello', 'one more thing']);
    // The turn's settings reach every request.
    expect(requests.every((r) => r.reasoningEffort === 'high' && r.reasoningSummary === 'concise')).toBe(true);
  });

  it('arriving after the response completed: the answer stays, then the model is asked again', async () => {
    const steering = inbox();
    const requests: ModelRequest[] = [];
    const model: ModelClient = {
      async *stream(request) {
        requests.push(structuredClone(request));
        yield* answer(`msg_${requests.length}`, `answer ${requests.length}`);
        if (requests.length === 1) steering.steer('late');
      },
    };
    const { outcome, users, userItems } = await runWith(model, steering);
    expect(outcome.lastAgentMessage?.text).toBe('answer 2');
    // The client's ids come back as clientId; text parts always carry text_elements.
    expect(userItems.map((i) => [i.clientId, i.content])).toEqual([
      [null, [{ type: 'text', text: 'hello', text_elements: [] }]],
      ['client-late', [{ type: 'text', text: 'late', text_elements: [] }]],
    ]);
    expect(requests[1]!.input.map(lastTextOf)).toEqual(['user:hello', 'assistant:answer 1', 'user:late']);
    expect(users).toEqual(['hello', 'late']);
  });

  it('with nothing steered, an answer ends the turn after one request', async () => {
    const requests: ModelRequest[] = [];
    const model: ModelClient = {
      async *stream(request) {
        requests.push(request);
        yield* answer('msg_1', 'only');
      },
    };
    const { outcome } = await runWith(model, inbox());
    expect(outcome.status).toBe('completed');
    expect(requests).toHaveLength(1);
  });
});
