// The model client for a provider: the attempt client of its wire API, wrapped
// in the one retry layer (retry.ts) with the provider's retry budgets.
//
// The attempt clients (and with them the `openai` SDK, the largest part of the
// server's code) are imported on the first model request, not at start-up: a
// server that only answers `initialize`, lists or reads threads never loads them.

import type { ModelProviderInfo } from '../config/types.js';
import type { AttemptClientOptions } from './responses-client.js';
import { RetryingModelClient, type RetryPolicy } from './retry.js';
import type { ModelClient, ModelEvent, ModelRequest } from './types.js';

export interface ModelClientOptions {
  apiKey: string;
  userAgent: string;
  /** Backoff tuning and test hooks; the budgets always come from the provider. */
  retry?: Omit<RetryPolicy, 'requestMaxRetries' | 'streamMaxRetries'>;
  /** For tests: the fetch the SDK uses. */
  fetch?: typeof fetch;
}

export function createModelClient(provider: ModelProviderInfo, opts: ModelClientOptions): ModelClient {
  const attemptOpts: AttemptClientOptions = {
    baseUrl: provider.baseUrl,
    apiKey: opts.apiKey,
    idleTimeoutMs: provider.streamIdleTimeoutMs,
    headers: provider.httpHeaders,
    query: provider.queryParams,
    userAgent: opts.userAgent,
    fetch: opts.fetch,
  };
  return new RetryingModelClient(new LazyAttemptClient(provider.wireApi, attemptOpts), {
    ...opts.retry,
    requestMaxRetries: provider.requestMaxRetries,
    streamMaxRetries: provider.streamMaxRetries,
  });
}

/** The attempt client's module of each wire API, imported once (the module system caches it too). */
function importAttemptClient(wireApi: ModelProviderInfo['wireApi']) {
  return wireApi === 'chat' ? import('./chat-client.js') : import('./responses-client.js');
}

/**
 * Imports the attempt client of `wireApi` in the background, once the current work is done: a
 * server that has loaded a thread will make a model request soon, and compiling the SDK's chunk
 * (tens of ms) then happens before the first request rather than in its way.
 */
export function preloadModelClient(wireApi: ModelProviderInfo['wireApi']): void {
  setImmediate(() => void importAttemptClient(wireApi).catch(() => undefined));
}

/** The attempt client of a wire API, imported and built on its first request. */
class LazyAttemptClient implements ModelClient {
  private client: Promise<ModelClient> | null = null;

  constructor(
    private readonly wireApi: ModelProviderInfo['wireApi'],
    private readonly opts: AttemptClientOptions,
  ) {}

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    this.client ??= this.load();
    yield* (await this.client).stream(request, signal);
  }

  private async load(): Promise<ModelClient> {
    const module = await importAttemptClient(this.wireApi);
    return 'ChatCompletionsModelClient' in module ? new module.ChatCompletionsModelClient(this.opts) : new module.ResponsesModelClient(this.opts);
  }
}
