// Compaction: when a thread's history grows too large for the model's context
// window, the older part is replaced by a summary the model writes itself.
//
// Thresholds (the reference's rules, tern's numbers):
// - the context window is `model_context_window` when configured, else the
//   known window of the model (KNOWN_CONTEXT_WINDOWS), else unknown;
// - clients are shown 95% of it as `modelContextWindow` (headroom for the
//   estimate's error and for the answer);
// - automatic compaction starts when the next request is estimated at 90% of
//   the window or more; `model_auto_compact_token_limit` can lower that limit,
//   never raise it. With no known window, that key alone sets the limit; with
//   neither, there is no automatic compaction.
//
// The estimate of the next request: the last response's total tokens (what
// the provider counted for its input plus what it generated, which is now in
// the history) plus ~4 bytes per token for whatever was appended since (tool
// outputs, a new user message). Before any response, and right after a
// compaction, the whole request is estimated by its bytes.
//
// The algorithm (automatic before any model request of a turn, or as a turn
// of its own on `thread/compact/start`):
// 1. a `contextCompaction` item starts;
// 2. one model request: the current history plus a user message asking for a
//    handoff summary, with the same instructions and tools as every other
//    request, so it is a prefix-extension of the last one and reuses its cache.
//    If the provider says it is too long, the oldest conversation items are
//    dropped until it fits;
// 3. the new history is: every context item of the old one, verbatim and in
//    order (permissions, developer instructions, AGENTS.md, environment
//    contexts), then the most recent user messages (within
//    COMPACT_USER_MESSAGES_MAX_TOKENS; older summaries are not carried over),
//    then the summary as a user message. It replaces the history (a
//    `compacted` record in the thread log carries it whole);
// 4. the item completes, `thread/compacted` follows, and the token usage is
//    reported with `last` set to the estimate of the new history.
// An automatic compaction happens only when the model has produced something
// since the last one, so a history that is still too large after compacting
// does not loop; the turn then goes on with the smaller history, and its later
// requests are again prefix-extensions of each other.

import { ModelError, type ModelClient, type ModelEvent, type ModelRequest, type ResponseItem, type TokenUsage } from '../model/types.js';
import type { ThreadItem } from '../protocol/v2.js';
import { toolSpecs } from '../tools/registry.js';
import { newId } from '../util/ids.js';
import { retryTurnError, turnErrorFrom } from './errors.js';
import type { ConversationHistory } from './history.js';
import { isContextItem, messageText, userMessage } from './prompt.js';
import type { TokenUsageTracker } from './token-usage.js';
import type { TurnEmitter, TurnOutcome } from './turn-runner.js';

/** Context windows of OpenAI models, by model-name prefix (the longest matching prefix wins). */
export const KNOWN_CONTEXT_WINDOWS: readonly (readonly [prefix: string, tokens: number])[] = [
  ['gpt-5', 272_000],
  ['gpt-4.1', 1_047_576],
  ['gpt-4o', 128_000],
  ['o1', 200_000],
  ['o3', 200_000],
  ['o4-mini', 200_000],
  ['codex-mini', 200_000],
  ['gpt-oss', 96_000],
];

/** Share of the context window shown to clients as usable. */
export const EFFECTIVE_CONTEXT_WINDOW_PERCENT = 95;
/** Share of the context window at which automatic compaction starts. */
export const AUTO_COMPACT_PERCENT = 90;
/** Budget for the recent user messages kept verbatim after a compaction. */
export const COMPACT_USER_MESSAGES_MAX_TOKENS = 20_000;
/** Rough size of a token, for estimates. */
export const BYTES_PER_TOKEN = 4;

export const COMPACTION_PROMPT = `Context checkpoint: this conversation is about to be shortened. Everything before this message will be replaced by what you write now, together with the most recent user messages. Write a handoff note for the agent who will carry on the task from here, knowing nothing else about it.

Include:
- the task, and every constraint, preference or instruction the user gave;
- what has been done: files read or changed (and how), commands run and what they showed;
- the current state: what works, what still fails, open questions;
- decisions made and the reasons for them;
- the next concrete steps.

Be specific and brief: name files, functions, commands and error messages; leave out anything that no longer matters. Do not call any tool; reply with the note only.`;

/** Opens the summary message in the compacted history. */
export const SUMMARY_PREFIX =
  'An earlier part of this conversation was compacted. The user messages just above are the most recent ones, kept as they were; everything else that happened before this point is known only through the handoff note below, written by the agent that worked on it:';

export interface ContextLimits {
  /** The model's context window in tokens, or null when unknown. */
  contextWindow: number | null;
  /** What clients are shown as `modelContextWindow`. */
  effectiveContextWindow: number | null;
  /** Estimated request size at which automatic compaction starts; null: never. */
  autoCompactLimit: number | null;
}

export function knownContextWindow(model: string): number | null {
  const name = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  let best: readonly [string, number] | null = null;
  for (const entry of KNOWN_CONTEXT_WINDOWS) {
    if (name.startsWith(entry[0]) && (best === null || entry[0].length > best[0].length)) best = entry;
  }
  return best === null ? null : best[1];
}

export function contextLimits(opts: {
  model: string;
  /** Config `model_context_window`. */
  modelContextWindow: number | null;
  /** Config `model_auto_compact_token_limit`. */
  autoCompactTokenLimit: number | null;
}): ContextLimits {
  const contextWindow = opts.modelContextWindow ?? knownContextWindow(opts.model);
  if (contextWindow === null) {
    return { contextWindow: null, effectiveContextWindow: null, autoCompactLimit: opts.autoCompactTokenLimit };
  }
  const byWindow = Math.floor((contextWindow * AUTO_COMPACT_PERCENT) / 100);
  return {
    contextWindow,
    effectiveContextWindow: Math.floor((contextWindow * EFFECTIVE_CONTEXT_WINDOW_PERCENT) / 100),
    autoCompactLimit: opts.autoCompactTokenLimit === null ? byWindow : Math.min(byWindow, opts.autoCompactTokenLimit),
  };
}

export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / BYTES_PER_TOKEN);
}

export function estimateItemsTokens(items: readonly ResponseItem[]): number {
  return items.reduce((n, item) => n + estimateTokens(JSON.stringify(item)), 0);
}

/** Items the model produced (as opposed to inputs: messages from people, tool outputs, context). */
export function isModelGenerated(item: ResponseItem): boolean {
  return (
    item.type === 'reasoning' ||
    item.type === 'function_call' ||
    item.type === 'custom_tool_call' ||
    (item.type === 'message' && item.role === 'assistant')
  );
}

export function isSummaryMessage(item: ResponseItem): boolean {
  return item.type === 'message' && item.role === 'user' && messageText(item).startsWith(SUMMARY_PREFIX);
}

export function summaryMessage(summary: string): ResponseItem {
  return userMessage(`${SUMMARY_PREFIX}\n\n${summary}`);
}

/**
 * The history after a compaction: the context items, the most recent user
 * messages within `userMessageBudgetTokens` (the oldest one kept may be cut in
 * the middle), and the summary.
 */
export function buildCompactedHistory(
  items: readonly ResponseItem[],
  summary: string,
  userMessageBudgetTokens = COMPACT_USER_MESSAGES_MAX_TOKENS,
): ResponseItem[] {
  const context = items.filter(isContextItem);
  const userMessages = items.filter(
    (i) => i.type === 'message' && i.role === 'user' && !isContextItem(i) && !isSummaryMessage(i),
  );
  const kept: ResponseItem[] = [];
  let remaining = userMessageBudgetTokens;
  for (let i = userMessages.length - 1; i >= 0 && remaining > 0; i--) {
    const item = userMessages[i]!;
    const text = messageText(item);
    const tokens = estimateTokens(text);
    if (tokens <= remaining) {
      kept.unshift(item);
      remaining -= tokens;
    } else {
      kept.unshift(userMessage(cutMiddle(text, remaining * BYTES_PER_TOKEN)));
      remaining = 0;
    }
  }
  return [...context, ...kept, summaryMessage(summary)];
}

/** `text` cut to about `maxBytes`, keeping its beginning and end. */
function cutMiddle(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const keep = Math.max(0, Math.floor(maxBytes / 2) - 40);
  // Characters, not bytes: a little conservative for multi-byte text, never splits a character.
  const chars = [...text];
  const head = chars.slice(0, keep).join('');
  const tail = chars.slice(Math.max(keep, chars.length - keep)).join('');
  return `${head}\n[... part of this message was left out to fit the compacted history ...]\n${tail}`;
}

/** Removes the oldest conversation item (with its tool output, for a tool call); false when there is none. */
function dropOldest(items: ResponseItem[]): boolean {
  const i = items.findIndex((item) => !isContextItem(item));
  if (i < 0) return false;
  const [removed] = items.splice(i, 1);
  if (removed && (removed.type === 'function_call' || removed.type === 'custom_tool_call')) {
    const out = items.findIndex(
      (item) => (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') && item.call_id === removed.call_id,
    );
    if (out >= 0) items.splice(out, 1);
  }
  return true;
}

/** Everything one compaction needs from the thread and the turn it runs in. */
export interface CompactionContext {
  threadId: string;
  turnId: string;
  model: string;
  instructions: string;
  reasoningEffort: string | null;
  client: ModelClient;
  history: ConversationHistory;
  usage: TokenUsageTracker;
  emit: TurnEmitter;
  signal: AbortSignal;
}

export interface CompactorOptions {
  limits: ContextLimits;
  /** Config `compact_prompt`; COMPACTION_PROMPT when null. */
  prompt?: string | null;
  userMessageBudgetTokens?: number;
}

/** Per-thread compaction state: the size baseline of the next request, and the compaction itself. */
export class Compactor {
  private baseline: { tokens: number; length: number } | null = null;
  private seenUsage = -1;

  constructor(private readonly o: CompactorOptions) {}

  get limits(): ContextLimits {
    return this.o.limits;
  }

  /** A turn may switch the model, and with it the window. */
  set limits(limits: ContextLimits) {
    this.o.limits = limits;
  }

  /** Estimated input tokens of the next request made from `items`. */
  estimateNextRequest(items: readonly ResponseItem[], usage: TokenUsageTracker, instructions: string): number {
    if (usage.updates !== this.seenUsage && usage.updates > 0) {
      // A response arrived since the last look: its total covers the history up
      // to (and including) the last item the model produced.
      this.seenUsage = usage.updates;
      let end = items.length;
      for (let i = items.length - 1; i >= 0; i--) {
        if (isModelGenerated(items[i]!)) {
          end = i + 1;
          break;
        }
      }
      this.baseline = { tokens: usage.lastTotalTokens, length: end };
    }
    if (this.baseline && this.baseline.length <= items.length) {
      return this.baseline.tokens + estimateItemsTokens(items.slice(this.baseline.length));
    }
    return estimateFullRequest(items, instructions);
  }

  /**
   * The turn runner's hook before each model request: compacts when the
   * request would reach the limit. True when it compacted.
   */
  async beforeSample(ctx: CompactionContext): Promise<boolean> {
    const limit = this.o.limits.autoCompactLimit;
    if (limit === null) return false;
    const items = ctx.history.items();
    if (!items.some(isModelGenerated)) return false; // nothing new to summarize: compacting cannot help
    if (this.estimateNextRequest(items, ctx.usage, ctx.instructions) < limit) return false;
    await this.compact(ctx);
    return true;
  }

  /** Compacts the history now; emits the `contextCompaction` item. Throws when the summary request fails. */
  async compact(ctx: CompactionContext): Promise<void> {
    const ids = { threadId: ctx.threadId, turnId: ctx.turnId };
    const item: ThreadItem = { type: 'contextCompaction', id: newId() };
    const startedAtMs = Date.now();
    ctx.emit.notify('item/started', { ...ids, item: { ...item, startedAtMs, completedAtMs: null }, startedAtMs });

    const items = ctx.history.items();
    const summary = await this.summarize(ctx, items);
    const replacement = buildCompactedHistory(items, summary, this.o.userMessageBudgetTokens);
    ctx.history.replace({ summary, replacement_history: replacement });

    const tokens = estimateFullRequest(replacement, ctx.instructions);
    this.baseline = { tokens, length: replacement.length };
    const tokenUsage = ctx.usage.setLastEstimate(tokens);
    this.seenUsage = ctx.usage.updates;

    const completedAtMs = Date.now();
    ctx.emit.notify('item/completed', {
      ...ids,
      item: { ...item, startedAtMs, completedAtMs },
      completedAtMs,
      contentTokenCount: null,
    });
    ctx.emit.notify('thread/compacted', ids);
    ctx.emit.notify('thread/tokenUsage/updated', { ...ids, tokenUsage });
  }

  /** The summary request; drops the oldest items while the provider says the input is too long. */
  private async summarize(ctx: CompactionContext, history: readonly ResponseItem[]): Promise<string> {
    const items = history.slice();
    const prompt = userMessage(this.o.prompt && this.o.prompt.trim() !== '' ? this.o.prompt : COMPACTION_PROMPT);
    for (;;) {
      const request: ModelRequest = {
        model: ctx.model,
        instructions: ctx.instructions,
        input: [...items, prompt],
        tools: toolSpecs(),
        promptCacheKey: ctx.threadId,
        reasoningEffort: ctx.reasoningEffort,
      };
      try {
        const { text, usage } = await collectText(ctx.client, request, ctx.signal, (ev) => {
          ctx.emit.notify('error', { threadId: ctx.threadId, turnId: ctx.turnId, error: retryTurnError(ev), willRetry: true });
        });
        if (usage) ctx.usage.add(usage);
        if (text.trim() === '') throw new Error('compaction failed: the model answered the summary request without any text');
        return text.trim();
      } catch (err) {
        const tooLong = err instanceof ModelError && turnErrorFrom(err).codexErrorInfo === 'contextWindowExceeded';
        if (!tooLong || ctx.signal.aborted || !dropOldest(items)) throw err;
      }
    }
  }
}

function estimateFullRequest(items: readonly ResponseItem[], instructions: string): number {
  return estimateTokens(instructions) + estimateTokens(JSON.stringify(toolSpecs())) + estimateItemsTokens(items);
}

/**
 * Streams one response and returns the text of its assistant messages (tool
 * calls are ignored). A `retry` from the client voids what came before it.
 */
async function collectText(
  client: ModelClient,
  request: ModelRequest,
  signal: AbortSignal,
  onRetry: (ev: Extract<ModelEvent, { type: 'retry' }>) => void,
): Promise<{ text: string; usage: TokenUsage | null }> {
  let texts: string[] = [];
  let usage: TokenUsage | null = null;
  for await (const ev of client.stream(request, signal)) {
    if (ev.type === 'output_item_done' && ev.item.type === 'message' && ev.item.role === 'assistant') {
      texts.push(ev.item.content.map((c) => c.text).join(''));
    } else if (ev.type === 'completed') {
      usage = ev.usage;
    } else if (ev.type === 'retry') {
      texts = [];
      usage = null;
      onRetry(ev);
    }
  }
  return { text: texts.join('\n\n'), usage };
}

/**
 * A compaction that is a turn of its own (`thread/compact/start`): the same
 * item, and the turn's outcome. Failures are reported like a failed turn's.
 */
export async function runCompactionTurn(compactor: Compactor, ctx: CompactionContext): Promise<TurnOutcome> {
  try {
    await compactor.compact(ctx);
    return { status: 'completed', error: null, lastAgentMessage: null };
  } catch (err) {
    if (ctx.signal.aborted || (err instanceof ModelError && err.kind === 'aborted')) {
      return { status: 'interrupted', error: null, lastAgentMessage: null };
    }
    const error = turnErrorFrom(err);
    ctx.emit.notify('error', { threadId: ctx.threadId, turnId: ctx.turnId, error, willRetry: false });
    return { status: 'failed', error, lastAgentMessage: null };
  }
}
