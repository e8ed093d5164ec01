/**
 * Compaction: the thresholds, the size estimate, the compacted history, and the
 * whole thing driven through the turn loop with an in-memory model client.
 */
import { describe, expect, it } from 'vitest';
import {
  AUTO_COMPACT_PERCENT,
  buildCompactedHistory,
  COMPACTION_PROMPT,
  Compactor,
  contextLimits,
  EFFECTIVE_CONTEXT_WINDOW_PERCENT,
  estimateItemsTokens,
  isSummaryMessage,
  KNOWN_CONTEXT_WINDOWS,
  knownContextWindow,
  runCompactionTurn,
  SUMMARY_PREFIX,
  summaryMessage,
  type CompactionContext,
} from '../../src/agent/compaction.js';
import { ConversationHistory, rebuildHistory, type HistoryLogRecord } from '../../src/agent/history.js';
import { initialContextItems, messageText, userMessage } from '../../src/agent/prompt.js';
import { TokenUsageTracker } from '../../src/agent/token-usage.js';
import { runTurn, type TurnDeps, type TurnSettings } from '../../src/agent/turn-runner.js';
import { ModelError, type ModelClient, type ModelEvent, type ModelRequest, type ResponseItem } from '../../src/model/types.js';

describe('context window and thresholds', () => {
  it('knows the OpenAI windows by model-name prefix (longest prefix wins)', () => {
    expect(knownContextWindow('gpt-5.5')).toBe(272_000);
    expect(knownContextWindow('gpt-5.1-codex-max')).toBe(272_000);
    expect(knownContextWindow('gpt-4.1-mini')).toBe(1_047_576);
    expect(knownContextWindow('openai/gpt-4o-mini')).toBe(128_000);
    expect(knownContextWindow('o4-mini')).toBe(200_000);
    expect(knownContextWindow('llama-3.3-70b')).toBeNull();
    expect(KNOWN_CONTEXT_WINDOWS.length).toBeGreaterThan(3);
  });

  it('shows 95% of the window and compacts at 90% by default (the reference reports 258400 for gpt-5.5)', () => {
    expect(EFFECTIVE_CONTEXT_WINDOW_PERCENT).toBe(95);
    expect(AUTO_COMPACT_PERCENT).toBe(90);
    expect(contextLimits({ model: 'gpt-5.5', modelContextWindow: null, autoCompactTokenLimit: null })).toEqual({
      contextWindow: 272_000,
      effectiveContextWindow: 258_400,
      autoCompactLimit: 244_800,
    });
  });

  it('model_context_window overrides the known window', () => {
    expect(contextLimits({ model: 'gpt-5.5', modelContextWindow: 10_000, autoCompactTokenLimit: null })).toEqual({
      contextWindow: 10_000,
      effectiveContextWindow: 9_500,
      autoCompactLimit: 9_000,
    });
  });

  it('model_auto_compact_token_limit can lower the limit but never raise it', () => {
    const lim = (autoCompactTokenLimit: number) =>
      contextLimits({ model: 'm', modelContextWindow: 10_000, autoCompactTokenLimit }).autoCompactLimit;
    expect(lim(5_000)).toBe(5_000);
    expect(lim(20_000)).toBe(9_000);
  });

  it('without a known window, only model_auto_compact_token_limit enables automatic compaction', () => {
    expect(contextLimits({ model: 'local-llm', modelContextWindow: null, autoCompactTokenLimit: null })).toEqual({
      contextWindow: null,
      effectiveContextWindow: null,
      autoCompactLimit: null,
    });
    expect(contextLimits({ model: 'local-llm', modelContextWindow: null, autoCompactTokenLimit: 3_000 }).autoCompactLimit).toBe(3_000);
  });
});

const ctxItems = initialContextItems({
  cwd: '/repo',
  approvalPolicy: 'never',
  sandboxMode: 'workspace-write',
  networkAccess: false,
  shell: 'bash',
  developerInstructions: 'Be brief.',
  agentsMd: '# AGENTS.md instructions for /repo\n\n<INSTRUCTIONS>\nUse pnpm.\n</INSTRUCTIONS>',
  now: new Date('2026-01-01T00:00:00Z'),
});
const assistant = (text: string): ResponseItem => ({ type: 'message', role: 'assistant', id: `msg_${text.length}`, content: [{ type: 'output_text', text }] });
const call = (id: string): ResponseItem => ({ type: 'function_call', call_id: id, name: 'exec_command', arguments: '{"cmd":"ls"}' });
const output = (id: string, text = 'a\nb\n'): ResponseItem => ({ type: 'function_call_output', call_id: id, output: text });

describe('the compacted history', () => {
  const old = [
    ...ctxItems,
    userMessage('first task'),
    call('c1'),
    output('c1'),
    assistant('done one'),
    summaryMessage('an older summary'),
    userMessage('second task'),
    call('c2'),
    output('c2'),
  ];

  it('is the context items verbatim, the recent user messages, then the summary', () => {
    const next = buildCompactedHistory(old, 'SUMMARY TEXT');
    expect(next.slice(0, ctxItems.length)).toEqual(ctxItems);
    expect(next.slice(ctxItems.length).map(messageText)).toEqual([
      'first task',
      'second task',
      `${SUMMARY_PREFIX}\n\nSUMMARY TEXT`,
    ]);
    expect(isSummaryMessage(next.at(-1)!)).toBe(true);
    // An older summary is not carried over: the new one was written from it.
    expect(next.filter(isSummaryMessage)).toHaveLength(1);
  });

  it('keeps the newest user messages within the budget, cutting the oldest one kept', () => {
    const big = [...ctxItems, userMessage('A'.repeat(400)), userMessage('B'.repeat(600)), userMessage('C'.repeat(40))];
    const next = buildCompactedHistory(big, 'S', 100); // 100 tokens ~ 400 bytes: C (10 tokens) whole, B cut to ~90 tokens, A out
    const kept = next.slice(ctxItems.length, -1).map(messageText);
    expect(kept).toHaveLength(2);
    expect(kept[1]).toBe('C'.repeat(40));
    expect(kept[0]).toMatch(/^B+\n\[\.\.\. part of this message was left out/);
    expect(kept[0]).toMatch(/B+$/);
    expect(Buffer.byteLength(kept[0]!)).toBeLessThanOrEqual(360);
  });
});

/** A scripted in-memory model: one entry per request, recorded. */
function fakeModel(steps: ({ items: ResponseItem[]; input: number; output?: number } | ModelError)[]) {
  const requests: ModelRequest[] = [];
  const client: ModelClient = {
    async *stream(request): AsyncIterable<ModelEvent> {
      requests.push(structuredClone(request));
      const step = steps.shift();
      if (!step) throw new Error('fake model: script exhausted');
      if (step instanceof ModelError) throw step;
      for (const item of step.items) {
        yield { type: 'output_item_added', item };
        yield { type: 'output_item_done', item };
      }
      const out = step.output ?? 10;
      yield {
        type: 'completed',
        responseId: `resp_${requests.length}`,
        usage: { inputTokens: step.input, cachedInputTokens: 0, outputTokens: out, reasoningOutputTokens: 0, totalTokens: step.input + out },
      };
    },
  };
  return { client, requests };
}

function harness(limits: { modelContextWindow: number | null; autoCompactTokenLimit?: number | null }) {
  const records: HistoryLogRecord[] = [];
  const history = new ConversationHistory({
    append: (item) => records.push({ type: 'response_item', payload: structuredClone(item) }),
    replace: (record) => records.push({ type: 'compacted', payload: structuredClone(record) }),
  });
  history.append(...ctxItems);
  const lim = contextLimits({ model: 'gpt-5.5', modelContextWindow: limits.modelContextWindow, autoCompactTokenLimit: limits.autoCompactTokenLimit ?? null });
  const usage = new TokenUsageTracker(lim.effectiveContextWindow);
  const compactor = new Compactor({ limits: lim });
  const notes: { method: string; params: any }[] = [];
  const emit = { notify: (method: string, params: unknown) => void notes.push({ method, params }) };
  return { records, history, usage, compactor, notes, emit };
}

describe('the size estimate of the next request', () => {
  it('is the last response total plus ~4 bytes per token of what was appended since', () => {
    const h = harness({ modelContextWindow: 100_000 });
    h.history.append(userMessage('task'), call('c1'));
    h.usage.add({ inputTokens: 5_000, cachedInputTokens: 0, outputTokens: 20, reasoningOutputTokens: 0, totalTokens: 5_020 });
    const tail = output('c1', 'x'.repeat(4_000));
    h.history.append(tail);
    const items = h.history.items();
    expect(h.compactor.estimateNextRequest(items, h.usage, 'INSTR')).toBe(5_020 + estimateItemsTokens([tail]));
  });

  it('without any response yet, counts the bytes of instructions, tools and history', () => {
    const h = harness({ modelContextWindow: 100_000 });
    const items = h.history.items();
    const est = h.compactor.estimateNextRequest(items, h.usage, 'INSTR');
    expect(est).toBeGreaterThan(estimateItemsTokens(items));
  });
});

describe('Compactor', () => {
  function compactionCtx(h: ReturnType<typeof harness>, client: ModelClient, signal = new AbortController().signal): CompactionContext {
    return {
      threadId: 'thr',
      turnId: 'turn',
      model: 'gpt-5.5',
      instructions: 'INSTR',
      reasoningEffort: null,
      client,
      history: h.history,
      usage: h.usage,
      emit: h.emit as CompactionContext['emit'],
      signal,
    };
  }

  it('does nothing below the limit, or when the model has produced nothing yet', async () => {
    const h = harness({ modelContextWindow: 100_000 });
    const m = fakeModel([]);
    h.history.append(userMessage('task'));
    expect(await h.compactor.beforeSample(compactionCtx(h, m.client))).toBe(false);
    h.history.append(assistant('hi'));
    h.usage.add({ inputTokens: 1_000, cachedInputTokens: 0, outputTokens: 10, reasoningOutputTokens: 0, totalTokens: 1_010 });
    expect(await h.compactor.beforeSample(compactionCtx(h, m.client))).toBe(false);
    expect(m.requests).toHaveLength(0);
  });

  it('at the limit: asks for a summary as a prefix-extension, replaces the history, reports one item', async () => {
    const h = harness({ modelContextWindow: 100_000 });
    h.history.append(userMessage('task'), call('c1'));
    h.usage.add({ inputTokens: 95_000, cachedInputTokens: 0, outputTokens: 20, reasoningOutputTokens: 0, totalTokens: 95_020 });
    h.history.append(output('c1'));
    const before = h.history.items();
    const m = fakeModel([{ items: [assistant('THE SUMMARY')], input: 95_100, output: 50 }]);

    expect(await h.compactor.beforeSample(compactionCtx(h, m.client))).toBe(true);

    // The summary request: same instructions and tools, the history, then the compaction prompt.
    const req = m.requests[0]!;
    expect(req.input.slice(0, -1)).toEqual(before);
    expect(messageText(req.input.at(-1)!)).toBe(COMPACTION_PROMPT);
    expect(req.instructions).toBe('INSTR');
    expect(req.tools.map((t) => t.name)).toEqual(['exec_command', 'update_plan', 'apply_patch']);

    const after = h.history.items();
    expect(after).toEqual([...ctxItems, userMessage('task'), summaryMessage('THE SUMMARY')]);
    expect(h.notes.map((n) => n.method)).toEqual(['item/started', 'item/completed', 'thread/compacted', 'thread/tokenUsage/updated']);
    expect(h.notes[0]!.params.item).toMatchObject({ type: 'contextCompaction' });
    expect(h.notes[1]!.params.item.id).toBe(h.notes[0]!.params.item.id);
    const tu = h.notes[3]!.params.tokenUsage;
    expect(tu.last.totalTokens).toBeLessThan(10_000);
    expect(tu.total.totalTokens).toBe(95_020 + 95_150);
    expect(tu.modelContextWindow).toBe(95_000);

    // Right after, the estimate is the small new history: no second compaction.
    expect(await h.compactor.beforeSample(compactionCtx(h, m.client))).toBe(false);
    // The log rebuilds exactly the live history.
    expect(rebuildHistory(h.records)).toEqual(after);
  });

  it('drops the oldest conversation items while the provider says the summary request is too long', async () => {
    const h = harness({ modelContextWindow: 100_000 });
    h.history.append(userMessage('old'), call('c1'), output('c1'), userMessage('new'));
    const tooLong = new ModelError('http', 'Your input exceeds the context window of this model.', { status: 400, code: 'context_length_exceeded' });
    const m = fakeModel([tooLong, tooLong, { items: [assistant('S')], input: 10 }]);
    await h.compactor.compact(compactionCtx(h, m.client));
    expect(m.requests.map((r) => r.input.length - ctxItems.length - 1)).toEqual([4, 3, 1]);
    // Dropping a call drops its output with it; context items are never dropped.
    expect(m.requests[2]!.input.slice(0, ctxItems.length)).toEqual(ctxItems);
    expect(messageText(m.requests[2]!.input[ctxItems.length]!)).toBe('new');
    expect(h.history.items().map(messageText).slice(ctxItems.length)).toEqual(['old', 'new', `${SUMMARY_PREFIX}\n\nS`]);
  });

  it('a manual compaction that fails ends the turn failed, with an error notification and no completed item', async () => {
    const h = harness({ modelContextWindow: 100_000 });
    h.history.append(userMessage('task'));
    const m = fakeModel([{ items: [], input: 10 }]);
    const outcome = await runCompactionTurn(h.compactor, compactionCtx(h, m.client));
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.message).toMatch(/without any text/);
    expect(h.notes.map((n) => n.method)).toEqual(['item/started', 'error']);
    expect(h.history.items()).toEqual([...ctxItems, userMessage('task')]);
  });

  it('an interrupted compaction ends the turn interrupted', async () => {
    const h = harness({ modelContextWindow: 100_000 });
    const abort = new AbortController();
    abort.abort();
    const m = fakeModel([new ModelError('aborted', 'aborted')]);
    const outcome = await runCompactionTurn(h.compactor, compactionCtx(h, m.client, abort.signal));
    expect(outcome.status).toBe('interrupted');
  });
});

describe('compaction inside the turn loop', () => {
  it('compacts before a request that would cross the limit, then finishes the turn; later requests extend each other', async () => {
    const h = harness({ modelContextWindow: 100_000 });
    const m = fakeModel([
      { items: [assistant('first answer')], input: 92_000 },
      { items: [assistant('SUMMARY OF TURN ONE')], input: 92_100 },
      { items: [assistant('second answer')], input: 2_000 },
      { items: [assistant('third answer')], input: 2_100 },
    ]);
    // No tool runs in this script, so the tool-side settings (sandbox...) are not needed.
    const settings = (turnId: string) =>
      ({
        threadId: 'thr',
        turnId,
        cwd: '/tmp',
        model: 'gpt-5.5',
        instructions: 'INSTR',
        approvalPolicy: 'never',
        sandboxMode: 'read-only',
        reasoningEffort: null,
        commandTimeoutMs: 1_000,
      }) as TurnSettings;
    const deps = (turnId: string): TurnDeps => {
      const signal = new AbortController().signal;
      return {
        model: m.client,
        history: h.history,
        emit: h.emit as TurnDeps['emit'],
        approvals: { request: async () => 'decline' as never },
        usage: h.usage,
        signal,
        env: {},
        beforeSample: async (s) => {
          await h.compactor.beforeSample({
            threadId: 'thr',
            turnId,
            model: 'gpt-5.5',
            instructions: 'INSTR',
            reasoningEffort: null,
            client: m.client,
            history: h.history,
            usage: h.usage,
            emit: h.emit as CompactionContext['emit'],
            signal: s,
          });
        },
      };
    };

    const one = await runTurn(settings('t1'), deps('t1'), [{ type: 'text', text: 'turn one' }]);
    expect(one.status).toBe('completed');
    const two = await runTurn(settings('t2'), deps('t2'), [{ type: 'text', text: 'turn two' }]);
    expect(two.status).toBe('completed');
    expect(two.lastAgentMessage?.text).toBe('second answer');
    const three = await runTurn(settings('t3'), deps('t3'), [{ type: 'text', text: 'turn three' }]);
    expect(three.status).toBe('completed');

    expect(m.requests).toHaveLength(4);
    const [first, summary, afterCompaction, next] = m.requests.map((r) => r.input);
    // The summary request extends the request before it.
    expect(summary!.slice(0, first!.length)).toEqual(first);
    // The request after compaction is smaller and carries the summary, not the old answer.
    expect(JSON.stringify(afterCompaction).length).toBeLessThan(JSON.stringify(summary).length);
    const texts = afterCompaction!.map(messageText);
    expect(texts).toContain('turn one');
    expect(texts).toContain('turn two');
    expect(texts).not.toContain('first answer');
    expect(texts.at(-1)).toBe(`${SUMMARY_PREFIX}\n\nSUMMARY OF TURN ONE`);
    // After compaction, requests are again prefix-extensions of each other (as JSON, what goes on the wire).
    expect(JSON.stringify(next).startsWith(JSON.stringify(afterCompaction).slice(0, -1))).toBe(true);

    const items = h.notes.filter((n) => n.method === 'item/completed').map((n) => `${n.params.turnId}:${n.params.item.type}`);
    expect(items).toEqual([
      't1:userMessage',
      't1:agentMessage',
      't2:userMessage',
      't2:contextCompaction',
      't2:agentMessage',
      't3:userMessage',
      't3:agentMessage',
    ]);
  });
});
