// Token accounting for one thread: the last response's usage and the running total.
// `modelContextWindow` is the usable window the client is shown (see
// compaction.ts: 95% of the model's context window, as the reference reports).

import type { TokenUsage } from '../model/types.js';
import type { ThreadTokenUsage, TokenUsageBreakdown } from '../protocol/v2.js';

const zero = (): TokenUsageBreakdown => ({
  totalTokens: 0,
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  outputTokens: 0,
  reasoningOutputTokens: 0,
});

export class TokenUsageTracker {
  private total = zero();
  private last = zero();
  private changes = 0;

  constructor(private contextWindow: number | null) {}

  /** A turn may switch the model, and with it the window. */
  setContextWindow(tokens: number | null): void {
    this.contextWindow = tokens;
  }

  /** Counts every change of `last`, so an observer can tell a new response from one it has seen. */
  get updates(): number {
    return this.changes;
  }

  /** Tokens of the last response (input + output), or of the estimate set after a compaction. */
  get lastTotalTokens(): number {
    return this.last.totalTokens;
  }

  /**
   * After a compaction, `last` no longer describes the history: it becomes an
   * estimate of the new history's size (input tokens only). The total keeps
   * everything actually spent.
   */
  setLastEstimate(tokens: number): ThreadTokenUsage {
    this.last = { ...zero(), totalTokens: tokens, inputTokens: tokens };
    this.changes++;
    return this.snapshot();
  }

  add(u: TokenUsage): ThreadTokenUsage {
    this.changes++;
    this.last = {
      totalTokens: u.totalTokens,
      inputTokens: u.inputTokens,
      cachedInputTokens: u.cachedInputTokens,
      cacheWriteInputTokens: 0,
      outputTokens: u.outputTokens,
      reasoningOutputTokens: u.reasoningOutputTokens,
    };
    const t = this.total;
    this.total = {
      totalTokens: t.totalTokens + u.totalTokens,
      inputTokens: t.inputTokens + u.inputTokens,
      cachedInputTokens: t.cachedInputTokens + u.cachedInputTokens,
      cacheWriteInputTokens: 0,
      outputTokens: t.outputTokens + u.outputTokens,
      reasoningOutputTokens: t.reasoningOutputTokens + u.reasoningOutputTokens,
    };
    return this.snapshot();
  }

  /** The totals a thread's log recorded last (resume, fork): counting goes on from there. */
  restore(u: ThreadTokenUsage): void {
    this.total = { ...u.total };
    this.last = { ...u.last };
    this.changes++;
  }

  snapshot(): ThreadTokenUsage {
    return { total: { ...this.total }, last: { ...this.last }, modelContextWindow: this.contextWindow };
  }
}
