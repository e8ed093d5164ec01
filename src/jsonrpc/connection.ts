// A JSON-RPC connection over a pair of byte streams, one JSON object per line,
// used by both sides: the app server (over its stdio) and the protocol client
// (over a child's stdio). It owns framing, classification, request ids and the
// pending map for outgoing requests; it knows nothing about methods.

import { ServerFailure } from '../util/errors.js';
import type { Readable, Writable } from 'node:stream';
import {
  ErrorCode,
  type JsonRpcErrorObject,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type RequestId,
} from '../protocol/jsonrpc.js';
import { LineFramer } from './line-framer.js';

/** Thrown by a request handler to answer with a JSON-RPC error. */
export class RpcError extends Error {
  override name = 'RpcError';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }

  toJSON(): JsonRpcErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/**
 * A handler result whose `after` callback runs right after the reply is
 * written, e.g. to send `thread/started` only once the client has the
 * `thread/start` response.
 */
export class ReplyThen {
  constructor(
    readonly result: unknown,
    readonly after: () => void,
  ) {}
}

/** Rejection of a pending outgoing request. */
export class RequestFailedError extends ServerFailure {
  override name = 'RequestFailedError';
  constructor(
    readonly reason: 'error-reply' | 'timeout' | 'closed' | 'aborted',
    message: string,
    readonly error?: JsonRpcErrorObject,
  ) {
    super(message);
  }
}

export type Direction = 'in' | 'out';

export interface ConnectionHandlers {
  /** Returns the result, or throws RpcError (any other throw becomes -32603). */
  onRequest?: (request: JsonRpcRequest) => unknown | Promise<unknown>;
  onNotification?: (notification: JsonRpcNotification) => void;
  /** A line that is not a JSON-RPC message. It is dropped; the connection stays open. */
  onMalformed?: (line: string, reason: string) => void;
  /** The input ended (peer closed stdin/stdout). */
  onClose?: () => void;
  /** Sees every message both ways, in order (for recording). */
  tap?: (direction: Direction, message: object) => void;
}

export interface ConnectionOptions {
  maxLineBytes?: number;
}

interface Pending {
  method: string;
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
  cleanup: () => void;
}

const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

export class JsonRpcConnection {
  private nextId = 0;
  private readonly pending = new Map<RequestId, Pending>();
  private handlers: ConnectionHandlers = {};
  private closed = false;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly options: ConnectionOptions = {},
  ) {}

  start(handlers: ConnectionHandlers): void {
    this.handlers = handlers;
    const framer = new LineFramer({
      maxLineBytes: this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
      onLine: (line) => this.handleLine(line),
      onOversized: (length) => this.handlers.onMalformed?.(`<${length} bytes>`, 'line exceeds the size limit'),
    });
    this.input.on('data', (chunk: Buffer | string) => framer.push(chunk));
    this.input.on('end', () => {
      framer.end();
      this.shutdown();
    });
    this.input.on('close', () => this.shutdown());
    this.input.on('error', () => this.shutdown());
    this.output.on('error', () => this.shutdown());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  sendNotification(method: string, params?: unknown, extra?: Record<string, unknown>): void {
    const msg: Record<string, unknown> = { method };
    if (params !== undefined) msg.params = params;
    if (extra) Object.assign(msg, extra);
    this.write(msg);
  }

  sendRequest<R = unknown>(
    method: string,
    params?: unknown,
    opts: { timeoutMs?: number; signal?: AbortSignal; onSent?: (id: RequestId) => void } = {},
  ): Promise<R> {
    if (this.closed) return Promise.reject(new RequestFailedError('closed', `connection closed before ${method}`));
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const onAbort = () => this.settle(id, new RequestFailedError('aborted', `${method} was aborted`));
      const entry: Pending = {
        method,
        resolve: resolve as (r: unknown) => void,
        reject,
        timer: undefined,
        cleanup: () => opts.signal?.removeEventListener('abort', onAbort),
      };
      if (opts.timeoutMs !== undefined) {
        entry.timer = setTimeout(
          () => this.settle(id, new RequestFailedError('timeout', `${method} got no reply within ${opts.timeoutMs} ms`)),
          opts.timeoutMs,
        );
      }
      if (opts.signal) {
        if (opts.signal.aborted) {
          reject(new RequestFailedError('aborted', `${method} was aborted`));
          return;
        }
        opts.signal.addEventListener('abort', onAbort, { once: true });
      }
      this.pending.set(id, entry);
      const msg: Record<string, unknown> = { id, method };
      if (params !== undefined) msg.params = params;
      this.write(msg);
      opts.onSent?.(id);
    });
  }

  /** Ids of outgoing requests still waiting for a reply. */
  pendingIds(): RequestId[] {
    return [...this.pending.keys()];
  }

  /** Rejects one pending outgoing request locally (e.g. the turn it belongs to ended). */
  cancelPending(id: RequestId, reason = 'cancelled'): void {
    this.settle(id, new RequestFailedError('aborted', reason));
  }

  close(): void {
    this.shutdown();
    this.output.end();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.pending.keys()]) {
      this.settle(id, new RequestFailedError('closed', 'connection closed'));
    }
    this.handlers.onClose?.();
  }

  private settle(id: RequestId, outcome: { result: unknown } | Error): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    if (entry.timer) clearTimeout(entry.timer);
    entry.cleanup();
    if (outcome instanceof Error) entry.reject(outcome);
    else entry.resolve(outcome.result);
  }

  private write(msg: object): void {
    if (this.closed || this.output.destroyed || this.output.writableEnded) return;
    this.handlers.tap?.('out', msg);
    this.output.write(JSON.stringify(msg) + '\n');
  }

  private handleLine(line: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch (err) {
      this.handlers.onMalformed?.(line, `invalid JSON: ${(err as Error).message}`);
      return;
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      this.handlers.onMalformed?.(line, 'not a JSON object');
      return;
    }
    this.handlers.tap?.('in', msg);
    const m = msg as Record<string, unknown>;
    const id = m.id;
    const validId = typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id));
    if (typeof m.method === 'string') {
      if (id === undefined || id === null) {
        this.handlers.onNotification?.({ method: m.method, params: m.params });
      } else if (validId) {
        void this.handleRequest({ id: id as RequestId, method: m.method, params: m.params });
      } else {
        this.handlers.onMalformed?.(line, 'request id must be a string or an integer');
      }
      return;
    }
    if (validId && ('result' in m || 'error' in m)) {
      this.handleResponse(m as unknown as JsonRpcResponse);
      return;
    }
    this.handlers.onMalformed?.(line, 'neither a request, a notification nor a response');
  }

  private async handleRequest(request: JsonRpcRequest): Promise<void> {
    const handler = this.handlers.onRequest;
    let after: (() => void) | null = null;
    try {
      if (!handler) throw new RpcError(ErrorCode.MethodNotFound, `method not found: ${request.method}`);
      let result = await handler(request);
      if (result instanceof ReplyThen) {
        after = result.after;
        result = result.result;
      }
      this.write({ id: request.id, result: result ?? {} });
    } catch (err) {
      const error =
        err instanceof RpcError
          ? err.toJSON()
          : { code: ErrorCode.InternalError, message: err instanceof Error ? err.message : String(err) };
      this.write({ id: request.id, error });
      return;
    }
    // Outside the try: a failure here must not produce a second reply.
    after?.();
  }

  private handleResponse(response: JsonRpcResponse): void {
    const id = response.id as RequestId;
    const entry = this.pending.get(id);
    if (!entry) {
      this.handlers.onMalformed?.(JSON.stringify(response), `reply to unknown request id ${JSON.stringify(id)}`);
      return;
    }
    if ('error' in response) {
      const e = response.error;
      const message = typeof e?.message === 'string' ? e.message : 'error reply';
      this.settle(id, new RequestFailedError('error-reply', `${entry.method} failed: ${message}`, e));
    } else {
      this.settle(id, { result: response.result });
    }
  }
}
