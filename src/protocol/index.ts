export * from './jsonrpc.js';
export * from './v2.js';
export * from './review-text.js';
