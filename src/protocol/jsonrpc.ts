// JSON-RPC 2.0 envelopes as the Codex app-server puts them on the wire: the
// `"jsonrpc":"2.0"` member is never sent (an incoming one is tolerated), ids are
// strings or integers and are echoed verbatim. Pure types and constants; no imports.

export type RequestId = string | number;

export interface JsonRpcRequest {
  id: RequestId;
  method: string;
  params?: unknown;
  trace?: unknown;
}

export interface JsonRpcNotification {
  method: string;
  params?: unknown;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface JsonRpcSuccess {
  id: RequestId;
  result: unknown;
}

export interface JsonRpcFailure {
  id: RequestId | null;
  error: JsonRpcErrorObject;
}

export type JsonRpcResponse = JsonRpcSuccess | JsonRpcFailure;
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

/**
 * Error codes. The real server answers unknown methods and bad params with
 * -32600 (not -32601/-32602); we match it on the wire.
 */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Ingress queue full: "Server overloaded; retry later." */
  Overloaded: -32001,
} as const;
