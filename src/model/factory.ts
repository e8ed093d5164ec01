// The model client for a provider: the attempt client of its wire API, wrapped
// in the one retry layer (retry.ts) with the provider's retry budgets.

import type { ModelProviderInfo } from '../config/types.js';
import { ChatCompletionsModelClient } from './chat-client.js';
import { ResponsesModelClient, type AttemptClientOptions } from './responses-client.js';
import { RetryingModelClient, type RetryPolicy } from './retry.js';
import type { ModelClient } from './types.js';

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
  const attempt = provider.wireApi === 'chat' ? new ChatCompletionsModelClient(attemptOpts) : new ResponsesModelClient(attemptOpts);
  return new RetryingModelClient(attempt, {
    ...opts.retry,
    requestMaxRetries: provider.requestMaxRetries,
    streamMaxRetries: provider.streamMaxRetries,
  });
}
