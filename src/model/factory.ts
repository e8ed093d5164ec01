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
    if (this.wireApi === 'chat') {
      const { ChatCompletionsModelClient } = await import('./chat-client.js');
      return new ChatCompletionsModelClient(this.opts);
    }
    const { ResponsesModelClient } = await import('./responses-client.js');
    return new ResponsesModelClient(this.opts);
  }
}
