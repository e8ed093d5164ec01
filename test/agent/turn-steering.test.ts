/**
 * Steered input in the agent loop (fake ModelClient, no HTTP): taken at boundaries only, shown as
 * user messages of the same turn, and an answer is followed by another model request when input
 * arrived while it streamed.
 */
import { describe, expect, it } from 'vitest';
import { ConversationHistory } from '../../src/agent/history.js';
import { TokenUsageTracker } from '../../src/agent/token-usage.js';
import { runTurn, type TurnSettings } from '../../src/agent/turn-runner.js';
import type { ModelClient, ModelEvent, ModelRequest } from '../../src/model/types.js';
import type { UserInput } from '../../src/protocol/v2.js';

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

const lastText = (r: ModelRequest) => {
  const last = r.input.at(-1)!;
  return last.type === 'message' ? `${last.role}:${last.content.map((c) => c.text).join('')}` : last.type;
};

describe('steered input in the turn loop', () => {
  it('arriving while an answer streams: the answer completes, then the model is asked again with the input', async () => {
    const queue: UserInput[][] = [];
    const requests: ModelRequest[] = [];
    const model: ModelClient = {
      async *stream(request) {
        requests.push(structuredClone(request));
        // The client steers while the first answer streams.
        if (requests.length === 1) queue.push([{ type: 'text', text: 'one more thing' }]);
        yield* answer(`msg_${requests.length}`, `answer ${requests.length}`);
      },
    };
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
        takeSteeredInput: () => queue.splice(0),
      },
      [{ type: 'text', text: 'hello' }],
    );
    expect(outcome.status).toBe('completed');
    expect(outcome.lastAgentMessage?.text).toBe('answer 2');
    expect(requests.map(lastText)).toEqual(['user:hello', 'user:one more thing']);
    expect(requests[1]!.input.map((i) => (i.type === 'message' ? i.role : i.type))).toEqual(['user', 'assistant', 'user']);
    // The turn's settings reach every request.
    expect(requests.every((r) => r.reasoningEffort === 'high' && r.reasoningSummary === 'concise')).toBe(true);
    const users = notes.filter((n) => n.method === 'item/completed' && n.params.item.type === 'userMessage');
    expect(users.map((n) => n.params.item.content[0].text)).toEqual(['hello', 'one more thing']);
  });

  it('with nothing steered, an answer ends the turn after one request', async () => {
    const requests: ModelRequest[] = [];
    const model: ModelClient = {
      async *stream(request) {
        requests.push(request);
        yield* answer('msg_1', 'only');
      },
    };
    const outcome = await runTurn(
      SETTINGS,
      {
        model,
        history: new ConversationHistory(),
        emit: { notify: () => {} },
        approvals: { request: async () => 'decline' },
        usage: new TokenUsageTracker(null),
        signal: new AbortController().signal,
        env: {},
        takeSteeredInput: () => [],
      },
      [{ type: 'text', text: 'hello' }],
    );
    expect(outcome.status).toBe('completed');
    expect(requests).toHaveLength(1);
  });
});
