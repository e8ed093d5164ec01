export * from './types.js';
export { isReasoningModel, ResponsesModelClient, type ResponsesClientOptions } from './responses-client.js';
