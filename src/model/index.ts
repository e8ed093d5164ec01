export * from './types.js';
export { ResponsesModelClient, type ResponsesClientOptions } from './responses-client.js';
