// Typed protocol client for a Codex-compatible app server running as a child
// process. Thin layer over JsonRpcConnection: typed wrappers for the calls a
// runner needs, fan-out of notifications, one handler for server->client
// requests (approvals), a tap for recording, and process lifecycle: a request
// cut short by the server dying rejects with ServerExitedError (exit code and
// last stderr line), never hangs.

import {
  JsonRpcConnection,
  SERVER_OUTPUT_MAX_LINE_BYTES,
  RequestFailedError,
  RpcError,
  type Direction,
} from '../jsonrpc/connection.js';
import { ErrorCode, type JsonRpcNotification, type JsonRpcRequest } from '../protocol/jsonrpc.js';
import type {
  ReviewStartParams,
  ReviewStartResponse,
  ClientInfo,
  InitializeParams,
  InitializeResponse,
  ServerNotificationMethod,
  ServerNotificationParams,
  ThreadStartParams,
  ThreadStartResponse,
  TurnStartParams,
  TurnStartResponse,
} from '../protocol/v2.js';
import { TernError } from '../util/errors.js';
import { TurnStream } from './turn-stream.js';
import { describeExit, spawnAppServer, type AppServerProcess, type ProcessExit, type SpawnAppServerOptions } from './process.js';

/** c2s = client to server, s2c = server to client (the events.jsonl vocabulary). */
export type TapDirection = 'c2s' | 's2c';
export type TapListener = (dir: TapDirection, message: object) => void;
export type NotificationListener = (notification: JsonRpcNotification) => void;
/** Returns the result for the server's request, or throws RpcError for an error reply. */
export type ServerRequestHandler = (method: string, params: unknown, id: JsonRpcRequest['id']) => Promise<unknown>;

export interface ProtocolClientOptions {
  /** Default timeout of each request, in ms (default: none). */
  requestTimeoutMs?: number;
  tap?: TapListener;
  /** A line from the server that is not JSON-RPC. */
  onMalformed?: (line: string, reason: string) => void;
}

export interface RequestOptions {
  /** Overrides ProtocolClientOptions.requestTimeoutMs for this request. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface CloseOptions {
  /** How long to wait for a voluntary exit after stdin EOF (default 5000 ms). */
  graceMs?: number;
  /** How long to wait after SIGTERM before SIGKILL (default 3000 ms). */
  termMs?: number;
}

/** The server process ended while the client still needed it. */
export class ServerExitedError extends TernError {
  static override defaultCategory = 'server' as const;
  override name = 'ServerExitedError';
  constructor(
    readonly exit: ProcessExit,
    readonly during?: string,
  ) {
    super('server_exited', `app server ${describeExit(exit, during)}`);
  }
}

export class ProtocolClient {
  private readonly connection: JsonRpcConnection;
  private readonly notificationListeners = new Set<NotificationListener>();
  private readonly tapListeners = new Set<TapListener>();
  private serverRequestHandler: ServerRequestHandler | undefined;
  private closing = false;
  private readonly unexpectedExit: Promise<ServerExitedError>;

  constructor(
    readonly process: AppServerProcess,
    private readonly options: ProtocolClientOptions = {},
  ) {
    if (options.tap) this.tapListeners.add(options.tap);
    this.connection = new JsonRpcConnection(process.stdout, process.stdin, { maxLineBytes: SERVER_OUTPUT_MAX_LINE_BYTES });
    this.connection.start({
      onRequest: (req) => this.handleServerRequest(req),
      onNotification: (n) => {
        for (const l of this.notificationListeners) l(n);
      },
      onMalformed: options.onMalformed,
      tap: (dir: Direction, msg: object) => {
        const d: TapDirection = dir === 'out' ? 'c2s' : 's2c';
        for (const l of this.tapListeners) l(d, msg);
      },
    });
    // A pending promise that settles only if the process dies before close().
    this.unexpectedExit = process.exited.then(
      (exit) => (this.closing ? new Promise<never>(() => {}) : new ServerExitedError(exit)),
    );
  }

  /** Spawns the server and wraps it. */
  static spawn(spawn: SpawnAppServerOptions, options?: ProtocolClientOptions): ProtocolClient {
    return new ProtocolClient(spawnAppServer(spawn), options);
  }

  // ---- typed calls -----------------------------------------------------------

  /** `initialize`, then the `initialized` notification. */
  async initialize(
    clientInfo: ClientInfo,
    capabilities?: InitializeParams['capabilities'],
    opts?: RequestOptions,
  ): Promise<InitializeResponse> {
    const params: InitializeParams = { clientInfo, capabilities: capabilities ?? null };
    const result = await this.request<InitializeResponse>('initialize', params, opts);
    this.connection.sendNotification('initialized');
    return result;
  }

  threadStart(params: ThreadStartParams, opts?: RequestOptions): Promise<ThreadStartResponse> {
    return this.request<ThreadStartResponse>('thread/start', params, opts);
  }

  turnStart(params: TurnStartParams, opts?: RequestOptions): Promise<TurnStartResponse> {
    return this.request<TurnStartResponse>('turn/start', params, opts);
  }

  /**
   * `turn/start`, returning the turn as an async iterator of typed events that ends
   * after `turn/completed` (or rejects if the server dies first).
   */
  async startTurn(params: TurnStartParams, opts?: RequestOptions): Promise<{ response: TurnStartResponse; events: TurnStream }> {
    return this.followed(params.threadId, () => this.turnStart(params, opts));
  }

  /**
   * `review/start` (inline delivery: the review is a turn of the same thread), returning
   * the review turn as an async iterator of typed events, like `startTurn`.
   */
  async startReview(params: ReviewStartParams, opts?: RequestOptions): Promise<{ response: ReviewStartResponse; events: TurnStream }> {
    return this.followed(params.threadId, () => this.request<ReviewStartResponse>('review/start', params, opts));
  }

  /** Subscribes a TurnStream of `threadId` before `start` runs, so no event after its reply is lost. */
  private async followed<R extends { turn: { id: string } }>(threadId: string, start: () => Promise<R>): Promise<{ response: R; events: TurnStream }> {
    let unsubscribe = () => {};
    const events = new TurnStream(threadId, () => unsubscribe());
    unsubscribe = this.onNotification((n) => events.accept(n));
    void this.unexpectedExit.then((err) => events.fail(err));
    try {
      const response = await start();
      events.turnId ??= response.turn.id;
      return { response, events };
    } catch (err) {
      events.fail(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }

  turnInterrupt(params: { threadId: string; turnId: string }, opts?: RequestOptions): Promise<Record<string, never>> {
    return this.request('turn/interrupt', params, opts);
  }

  /**
   * Any request. Rejects with RequestFailedError for an error reply (`.error` holds
   * code/message) or a timeout, and with ServerExitedError when the server died first.
   */
  async request<R = unknown>(method: string, params?: unknown, opts: RequestOptions = {}): Promise<R> {
    const timeoutMs = opts.timeoutMs ?? this.options.requestTimeoutMs;
    try {
      return await this.connection.sendRequest<R>(method, params, { timeoutMs, signal: opts.signal });
    } catch (err) {
      if (err instanceof RequestFailedError && err.reason === 'closed' && !this.closing) {
        // stdout closed: almost always the process died. Report how.
        const exit = await Promise.race([
          this.process.exited,
          new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000).unref()),
        ]);
        if (exit) throw new ServerExitedError(exit, method);
      }
      throw err;
    }
  }

  notify(method: string, params?: unknown): void {
    this.connection.sendNotification(method, params);
  }

  // ---- listeners -------------------------------------------------------------

  /** Every server notification. Returns an unsubscribe function. */
  onNotification(listener: NotificationListener): () => void {
    this.notificationListeners.add(listener);
    return () => this.notificationListeners.delete(listener);
  }

  /**
   * The one handler for server->client requests (approvals etc.). Without a
   * handler, every server request gets a JSON-RPC error reply.
   */
  onServerRequest(handler: ServerRequestHandler | undefined): void {
    this.serverRequestHandler = handler;
  }

  /** Sees every message both ways, in wire order. Returns an unsubscribe function. */
  tap(listener: TapListener): () => void {
    this.tapListeners.add(listener);
    return () => this.tapListeners.delete(listener);
  }

  // ---- lifecycle -------------------------------------------------------------

  /** Resolves with a ServerExitedError if the server process ends before close() was called. */
  whenExitedUnexpectedly(): Promise<ServerExitedError> {
    return this.unexpectedExit;
  }

  get exited(): Promise<ProcessExit> {
    return this.process.exited;
  }

  /**
   * Ends stdin (the protocol's shutdown signal), waits for the process to exit,
   * then escalates to SIGTERM and SIGKILL. Idempotent.
   */
  async close(opts: CloseOptions = {}): Promise<ProcessExit> {
    this.closing = true;
    this.connection.close();
    const exit = await waitFor(this.process.exited, opts.graceMs ?? 5000);
    if (exit) return exit;
    this.process.kill('SIGTERM');
    const termed = await waitFor(this.process.exited, opts.termMs ?? 3000);
    if (termed) return termed;
    this.process.kill('SIGKILL');
    return this.process.exited;
  }

  private async handleServerRequest(req: JsonRpcRequest): Promise<unknown> {
    const handler = this.serverRequestHandler;
    if (!handler) throw new RpcError(ErrorCode.MethodNotFound, `client does not handle server request ${req.method}`);
    return handler(req.method, req.params, req.id);
  }
}

async function waitFor<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Type guard for known server notifications. */
export function isNotification<M extends ServerNotificationMethod>(
  n: JsonRpcNotification,
  method: M,
): n is { method: M; params: ServerNotificationParams[M] } {
  return n.method === method && typeof n.params === 'object' && n.params !== null;
}
