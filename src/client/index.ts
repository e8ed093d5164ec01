export * from './client.js';
export * from './process.js';
export { RequestFailedError, RpcError } from '../jsonrpc/connection.js';
export * from './turn-stream.js';
