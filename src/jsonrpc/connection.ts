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
import { LineFramer, type OversizedLine } from './line-framer.js';
import { isRequestIdToken, scanTopLevelId, scanTopLevelMember } from './raw-id.js';

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
  /** Longest accepted message line, in bytes (default {@link MAX_LINE_BYTES}). */
  maxLineBytes?: number;
  /** Incoming requests running at once before `-32001` (default {@link MAX_PENDING_REQUESTS}). */
  maxPendingRequests?: number;
}

/**
 * The longest message line accepted: the reference server's WebSocket frame limit
 * (tungstenite's default `max_frame_size`, 16 MiB; measured: a 17 MB frame closes the
 * connection, a 10 MB one is served). Its stdio reader has no limit at all (a 300 MB
 * line was served, at 688 MiB RSS); tern caps every transport the same way.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * The line cap of a client reading the server it spawned (tern run): that peer is
 * trusted, and one reply (a long thread's turns) may be large. The reference has none.
 */
export const SERVER_OUTPUT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Requests of one connection accepted and not yet answered; one more is answered
 * `-32001`. The reference server's ingress channel holds CHANNEL_CAPACITY = 128
 * messages (codex-rs/app-server/src/transport/mod.rs) and answers a request that
 * finds it full with the same error.
 */
export const MAX_PENDING_REQUESTS = 128;

/** The reference server's overload message, verbatim. */
export const OVERLOADED_MESSAGE = 'Server overloaded; retry later.';

interface Pending {
  method: string;
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
  cleanup: () => void;
}

export class JsonRpcConnection {
  private nextId = 0;
  private readonly pending = new Map<RequestId, Pending>();
  private handlers: ConnectionHandlers = {};
  private closed = false;
  /** Incoming requests accepted and not yet answered. */
  private runningRequests = 0;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly options: ConnectionOptions = {},
  ) {}

  start(handlers: ConnectionHandlers): void {
    this.handlers = handlers;
    const framer = new LineFramer({
      maxLineBytes: this.maxLineBytes,
      onLine: (line) => this.handleLine(line),
      onOversized: (line) => this.handleOversized(line),
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

  private get maxLineBytes(): number {
    return this.options.maxLineBytes ?? MAX_LINE_BYTES;
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
    opts: { timeoutMs?: number; signal?: AbortSignal; onSent?: (id: RequestId) => void; id?: RequestId } = {},
  ): Promise<R> {
    if (this.closed) return Promise.reject(new RequestFailedError('closed', `connection closed before ${method}`));
    // A caller-chosen id: the server numbers its requests once for all connections.
    const id = opts.id ?? this.nextId++;
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
      const msg: Record<string, unknown> = { id, method };
      if (params !== undefined) msg.params = params;
      this.pending.set(id, entry);
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
    if (!this.writable()) return;
    this.handlers.tap?.('out', msg);
    this.output.write(JSON.stringify(msg) + '\n');
  }

  /** A reply whose id is the request's own id text, byte for byte (see raw-id.ts). */
  private writeReply(id: RequestId, rawId: string, body: { result: unknown } | { error: JsonRpcErrorObject }): void {
    if (!this.writable()) return;
    this.handlers.tap?.('out', { id, ...body });
    this.output.write(`{"id":${rawId},${JSON.stringify(body).slice(1)}\n`);
  }

  private writable(): boolean {
    return !this.closed && !this.output.destroyed && !this.output.writableEnded;
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
    if (typeof m.method === 'string') {
      if (id === undefined || id === null) {
        this.handlers.onNotification?.({ method: m.method, params: m.params });
        return;
      }
      // Like the reference server: an id that is neither a string nor an integer
      // literal (1.5, 1e3, 2.0, true, {}) makes the line malformed.
      const rawId = scanTopLevelId(line);
      if (rawId === undefined || !isRequestIdToken(rawId)) {
        this.handlers.onMalformed?.(line, 'request id must be a string or an integer');
        return;
      }
      this.acceptRequest({ id: id as RequestId, method: m.method, params: m.params }, rawId);
      return;
    }
    const validId = typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id));
    if (validId && ('result' in m || 'error' in m)) {
      this.handleResponse(m as unknown as JsonRpcResponse);
      return;
    }
    this.handlers.onMalformed?.(line, 'neither a request, a notification nor a response');
  }

  /** Runs a request unless too many are running already; then it is answered -32001 at once. */
  private acceptRequest(request: JsonRpcRequest, rawId: string): void {
    const limit = this.options.maxPendingRequests ?? MAX_PENDING_REQUESTS;
    if (this.runningRequests >= limit) {
      this.writeReply(request.id, rawId, { error: { code: ErrorCode.Overloaded, message: OVERLOADED_MESSAGE } });
      return;
    }
    this.runningRequests++;
    void this.handleRequest(request, rawId).finally(() => this.runningRequests--);
  }

  /**
   * A line over the size cap, already discarded. A request whose id and method came
   * first (as clients write them) is answered -32600; a reply to one of our requests
   * fails that request; anything else is reported as malformed.
   */
  private handleOversized(line: OversizedLine): void {
    const reason = `message of ${line.bytes} bytes exceeds the limit of ${this.maxLineBytes} bytes`;
    this.handlers.onMalformed?.(`${line.head.slice(0, 200)}…`, reason);
    const rawId = scanTopLevelId(line.head);
    if (rawId === undefined || !isRequestIdToken(rawId)) return;
    const id = JSON.parse(rawId) as RequestId;
    if (scanTopLevelMember(line.head, 'method') !== undefined) {
      this.writeReply(id, rawId, { error: { code: ErrorCode.InvalidRequest, message: `Invalid request: ${reason}` } });
    } else if (this.pending.has(id)) {
      this.settle(id, new RequestFailedError('error-reply', `reply to ${this.pending.get(id)!.method}: ${reason}`));
    }
  }

  private async handleRequest(request: JsonRpcRequest, rawId: string): Promise<void> {
    const handler = this.handlers.onRequest;
    let after: (() => void) | null = null;
    try {
      if (!handler) throw new RpcError(ErrorCode.MethodNotFound, `method not found: ${request.method}`);
      let result = await handler(request);
      if (result instanceof ReplyThen) {
        after = result.after;
        result = result.result;
      }
      this.writeReply(request.id, rawId, { result: result ?? {} });
    } catch (err) {
      const error =
        err instanceof RpcError
          ? err.toJSON()
          : { code: ErrorCode.InternalError, message: err instanceof Error ? err.message : String(err) };
      this.writeReply(request.id, rawId, { error });
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
