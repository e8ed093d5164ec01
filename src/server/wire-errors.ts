// The one mapping of errors to the wire: a JSON-RPC error code and message per
// error category (src/util/errors.ts). Like the reference server, almost every
// failure a request can meet is -32600 (invalid request) with a human message;
// -32601 is for a method the protocol knows and this server does not serve,
// -32001 for overload, -32603 for what is not the request's fault.

import { RpcError } from '../jsonrpc/connection.js';
import { ErrorCode } from '../protocol/jsonrpc.js';
import { categoryOf, errorMessage, type ErrorCategory } from '../util/errors.js';

export const WIRE_CODES: Record<ErrorCategory, number> = {
  'invalid-request': ErrorCode.InvalidRequest,
  'not-found': ErrorCode.InvalidRequest,
  usage: ErrorCode.InvalidRequest,
  config: ErrorCode.InvalidRequest,
  policy: ErrorCode.InvalidRequest,
  unsupported: ErrorCode.MethodNotFound,
  overloaded: ErrorCode.Overloaded,
  model: ErrorCode.InternalError,
  sandbox: ErrorCode.InternalError,
  tool: ErrorCode.InternalError,
  git: ErrorCode.InternalError,
  server: ErrorCode.InternalError,
  timeout: ErrorCode.InternalError,
  interrupted: ErrorCode.InternalError,
  budget: ErrorCode.InternalError,
  internal: ErrorCode.InternalError,
};

/** The JSON-RPC error for anything a handler threw (an RpcError is already one). */
export function toRpcError(err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  return new RpcError(WIRE_CODES[categoryOf(err)], errorMessage(err));
}
