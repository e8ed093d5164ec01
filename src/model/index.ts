export * from './types.js';
export { ChatCompletionsModelClient } from './chat-client.js';
export { createModelClient, type ModelClientOptions } from './factory.js';
export { isReasoningModel, ResponsesModelClient, type AttemptClientOptions } from './responses-client.js';
export {
  backoffDelayMs,
  RETRY_AFTER_MAX_MS,
  RETRY_BASE_DELAY_MS,
  RETRY_JITTER_RATIO,
  RETRY_MAX_DELAY_MS,
  RetryingModelClient,
  type RetryPolicy,
} from './retry.js';
