// Token accounting for one thread: the last response's usage and the running total.

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

  constructor(private readonly contextWindow: number | null) {}

  add(u: TokenUsage): ThreadTokenUsage {
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

  snapshot(): ThreadTokenUsage {
    return { total: { ...this.total }, last: { ...this.last }, modelContextWindow: this.contextWindow };
  }
}
