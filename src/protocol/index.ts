export * from './jsonrpc.js';
export * from './v2.js';
