// Budgets of one `tern run`: model requests, tool calls, tokens and cost (wall
// time is --timeout). The driver feeds every turn event in; the first budget
// reached is reported once, and the driver interrupts the turn.

import { readFileSync } from 'node:fs';
import type { TurnEvent } from '../client/turn-stream.js';
import type { BudgetUsage } from '../artifacts/result.js';
import type { TokenUsageBreakdown } from '../protocol/v2.js';
import { TernError } from '../util/errors.js';

/** USD per one million tokens. */
export interface ModelPrice {
  input: number;
  cachedInput: number;
  output: number;
}
export type PriceTable = Record<string, ModelPrice>;

const TOKENS_PER_PRICE_UNIT = 1_000_000;

/**
 * List prices (USD per 1M tokens) of common OpenAI models, for the cost estimate.
 * Prices change: override or extend with --price-table FILE.
 */
export const DEFAULT_PRICES: PriceTable = {
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
  'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4 },
};

export interface BudgetLimits {
  maxRequests: number | null;
  maxToolCalls: number | null;
  maxTokens: number | null;
  maxCostUsd: number | null;
}

export type BudgetName = NonNullable<BudgetUsage['exceeded']>;

export class BudgetTracker {
  private modelRequests = 0;
  private toolCalls = 0;
  private tokens: TokenUsageBreakdown | null = null;
  private exceeded: BudgetName | null = null;

  constructor(
    private readonly limits: BudgetLimits,
    private readonly price: ModelPrice | null,
  ) {}

  /** Counts one event; returns the budget it made the run exceed, once. */
  observe(event: TurnEvent): BudgetName | null {
    if (event.type === 'tokenUsage') {
      // The server reports usage after each model response: one per request.
      this.modelRequests++;
      this.tokens = event.usage.total;
    } else if (event.type === 'itemCompleted' && (event.item.type === 'commandExecution' || event.item.type === 'fileChange')) {
      this.toolCalls++;
    }
    if (this.exceeded) return null;
    this.exceeded = this.firstExceeded();
    return this.exceeded;
  }

  /** Marks the wall-time budget (the --timeout deadline) as the one that stopped the run. */
  markWallTime(): void {
    this.exceeded ??= 'wallTime';
  }

  usage(): BudgetUsage {
    return { exceeded: this.exceeded, modelRequests: this.modelRequests, toolCalls: this.toolCalls, costUsd: this.cost() };
  }

  describe(name: BudgetName): string {
    const u = this.usage();
    switch (name) {
      case 'requests':
        return `the model-request budget (${this.limits.maxRequests}) was reached after ${u.modelRequests} requests`;
      case 'toolCalls':
        return `the tool-call budget (${this.limits.maxToolCalls}) was reached after ${u.toolCalls} tool calls`;
      case 'tokens':
        return `the token budget (${this.limits.maxTokens}) was reached: ${this.tokens?.totalTokens ?? 0} tokens used`;
      case 'cost':
        return `the cost budget ($${this.limits.maxCostUsd}) was reached: about $${(u.costUsd ?? 0).toFixed(4)} spent`;
      case 'wallTime':
        return 'the wall-time budget (--timeout) was reached';
    }
  }

  private firstExceeded(): BudgetName | null {
    const { maxRequests, maxToolCalls, maxTokens, maxCostUsd } = this.limits;
    if (maxRequests !== null && this.modelRequests >= maxRequests) return 'requests';
    if (maxToolCalls !== null && this.toolCalls >= maxToolCalls) return 'toolCalls';
    if (maxTokens !== null && (this.tokens?.totalTokens ?? 0) >= maxTokens) return 'tokens';
    const cost = this.cost();
    if (maxCostUsd !== null && cost !== null && cost >= maxCostUsd) return 'cost';
    return null;
  }

  private cost(): number | null {
    if (!this.price || !this.tokens) return this.price ? 0 : null;
    const cached = this.tokens.cachedInputTokens;
    const fresh = Math.max(0, this.tokens.inputTokens - cached);
    const usd = fresh * this.price.input + cached * this.price.cachedInput + this.tokens.outputTokens * this.price.output;
    return usd / TOKENS_PER_PRICE_UNIT;
  }
}

/** The price of a model: exact name first, then the longest known prefix (e.g. dated snapshots). */
export function priceOf(model: string | null, table: PriceTable): ModelPrice | null {
  if (!model) return null;
  if (table[model]) return table[model]!;
  const prefix = Object.keys(table)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ? table[prefix]! : null;
}

/** Reads a price table file (JSON: {"model": {"input": USD, "cachedInput": USD, "output": USD}} per 1M tokens) over the defaults. */
export function loadPriceTable(file: string | null): PriceTable {
  if (!file) return DEFAULT_PRICES;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TernError('bad_price_table', `cannot read --price-table ${file}: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TernError('bad_price_table', `--price-table ${file} must be a JSON object of model names`);
  }
  const table: PriceTable = { ...DEFAULT_PRICES };
  for (const [model, price] of Object.entries(parsed as Record<string, unknown>)) {
    const p = price as Partial<ModelPrice> | null;
    const ok = p !== null && typeof p === 'object' && [p.input, p.output].every((v) => typeof v === 'number' && v >= 0);
    if (!ok) throw new TernError('bad_price_table', `--price-table ${file}: "${model}" needs numeric "input" and "output" (USD per 1M tokens)`);
    table[model] = { input: p.input!, cachedInput: typeof p.cachedInput === 'number' ? p.cachedInput : p.input!, output: p.output! };
  }
  return table;
}
