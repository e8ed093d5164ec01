/**
 * A tiny, deliberately independent JSON-RPC-over-stdio driver for end-to-end tests: it talks to
 * ANY app-server process (the real codex or tern) with one JSON object per line and records
 * every line in both directions. It does not share code with src/client on purpose, so tests
 * don't validate our implementation with our implementation.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export type Dir = 'c2s' | 's2c';

export interface TranscriptEntry {
  dir: Dir;
  /** Epoch milliseconds when the line was written / received. */
  ts: number;
  /** The parsed JSON value; for an s2c line that is not valid JSON, the raw line (a string). */
  msg: unknown;
}

/** The error object of a JSON-RPC error reply; request() rejects with exactly this object. */
export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export type RequestId = number | string;

export interface ServerRequest {
  id: RequestId;
  method: string;
  params?: any;
}

export type ServerMessage = Record<string, any>;

/**
 * Answer for a server->client request. Return the `result`; throw (or reject) to send an error
 * reply (`{code, message}` objects are sent as is, anything else as code -32603).
 */
export type ServerRequestHandler = (req: ServerRequest) => unknown;

export interface SpawnPeerOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Default timeout of request(), ms. Default 30 000. */
  requestTimeoutMs?: number;
}

export interface WaitForOptions {
  /** Only consider transcript entries at index >= from (see mark()). Default 0: the whole history. */
  from?: number;
}

export interface JsonlPeer {
  /** Send a request with the next numeric id (0, 1, …); resolves with `result`, rejects with the `error` object. */
  request<T = any>(method: string, params?: unknown, opts?: { timeoutMs?: number; id?: RequestId }): Promise<T>;
  /** Send a notification (`params` omitted when undefined). */
  notify(method: string, params?: unknown): void;
  /** Send any JSON value as one line (for protocol-error tests). */
  send(msg: unknown): void;
  /** Write a raw line (a newline is appended), e.g. garbage. Recorded in the transcript as the string. */
  sendRaw(line: string): void;
  /** Install the handler for server->client requests (replaces the previous one). */
  onServerRequest(handler: ServerRequestHandler): void;
  /**
   * Resolve with the first s2c message (notification, server request or response) matching the
   * predicate — including messages already received (from `opts.from`, default the beginning).
   */
  waitFor(predicate: (msg: ServerMessage) => boolean, timeoutMs?: number, opts?: WaitForOptions): Promise<ServerMessage>;
  /** Current transcript length; pass as `from` to waitFor to ignore what came before. */
  mark(): number;
  /** Every line both ways, in order. */
  readonly transcript: TranscriptEntry[];
  /** Everything the process wrote to stderr so far. */
  readonly stderr: string;
  readonly pid: number | undefined;
  /** Exit code once the process exited (null if killed by a signal), undefined while running. */
  readonly exitCode: number | null | undefined;
  /** Close stdin and wait for the process to exit (SIGTERM, then SIGKILL, after timeoutMs). */
  close(timeoutMs?: number): Promise<number | null>;
}

interface Pending {
  method: string;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  timer: NodeJS.Timeout;
}

interface Waiter {
  predicate(msg: ServerMessage): boolean;
  resolve(msg: ServerMessage): void;
}

function isObject(v: unknown): v is ServerMessage {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function idKey(id: unknown): string {
  return `${typeof id}:${String(id)}`;
}

export function spawnPeer(command: string, args: string[], opts: SpawnPeerOptions = {}): JsonlPeer {
  const child: ChildProcessWithoutNullStreams = spawn(command, args, {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const transcript: TranscriptEntry[] = [];
  const pending = new Map<string, Pending>();
  const waiters = new Set<Waiter>();
  let stderr = '';
  let stdoutBuf = '';
  let nextId = 0;
  let handler: ServerRequestHandler | undefined;
  let exitCode: number | null | undefined;
  let spawnError: Error | undefined;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;

  const tail = (): string => (stderr.length > 2000 ? `…${stderr.slice(-2000)}` : stderr);

  const exited = new Promise<number | null>((resolve) => {
    child.on('error', (err) => {
      spawnError = err;
      if (exitCode === undefined) exitCode = null;
      onGone();
      resolve(null);
    });
    child.on('close', (code) => {
      if (exitCode === undefined) exitCode = code;
      onGone();
      resolve(code);
    });
  });

  function onGone(): void {
    for (const [k, p] of pending) {
      clearTimeout(p.timer);
      p.reject(
        new Error(
          `app-server exited (code ${String(exitCode)}${spawnError ? `, ${spawnError.message}` : ''}) before answering ${p.method}; stderr: ${tail()}`,
        ),
      );
      pending.delete(k);
    }
  }

  const write = (line: string, recorded: unknown): void => {
    transcript.push({ dir: 'c2s', ts: Date.now(), msg: recorded });
    if (child.stdin.writable) child.stdin.write(`${line}\n`);
  };
  const send = (msg: unknown): void => write(JSON.stringify(msg), msg);

  const answer = async (req: ServerRequest): Promise<void> => {
    try {
      if (!handler) throw { code: -32601, message: `test peer: no handler for server request ${req.method}` };
      const result = await handler(req);
      send({ id: req.id, result: result === undefined ? {} : result });
    } catch (err) {
      const error =
        isObject(err) && typeof err.code === 'number' && typeof err.message === 'string'
          ? { code: err.code, message: err.message, ...(err.data === undefined ? {} : { data: err.data }) }
          : { code: -32603, message: err instanceof Error ? err.message : String(err) };
      send({ id: req.id, error });
    }
  };

  const onLine = (line: string): void => {
    if (line.trim() === '') return;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      msg = line;
    }
    transcript.push({ dir: 's2c', ts: Date.now(), msg });
    if (!isObject(msg)) return;
    if (typeof msg.method === 'string' && 'id' in msg) {
      void answer(msg as ServerRequest);
    } else if (!('method' in msg) && 'id' in msg) {
      const p = pending.get(idKey(msg.id));
      if (p) {
        pending.delete(idKey(msg.id));
        clearTimeout(p.timer);
        if ('error' in msg) p.reject(msg.error);
        else p.resolve(msg.result);
      }
    }
    for (const w of [...waiters]) {
      if (w.predicate(msg)) {
        waiters.delete(w);
        w.resolve(msg);
      }
    }
  };

  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdoutBuf += chunk;
    let nl: number;
    while ((nl = stdoutBuf.indexOf('\n')) >= 0) {
      const line = stdoutBuf.slice(0, nl);
      stdoutBuf = stdoutBuf.slice(nl + 1);
      onLine(line);
    }
  });
  child.stdout.on('end', () => {
    if (stdoutBuf !== '') onLine(stdoutBuf);
    stdoutBuf = '';
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.on('error', () => {
    // EPIPE after the process died; reported through the exit handling.
  });

  return {
    request<T>(method: string, params?: unknown, ropts: { timeoutMs?: number; id?: RequestId } = {}): Promise<T> {
      const id = ropts.id ?? nextId++;
      const msg: Record<string, unknown> = { method, id };
      if (params !== undefined) msg.params = params;
      return new Promise<T>((resolve, reject) => {
        if (exitCode !== undefined) {
          reject(new Error(`app-server already exited (code ${String(exitCode)}); cannot send ${method}; stderr: ${tail()}`));
          return;
        }
        const timeoutMs = ropts.timeoutMs ?? requestTimeoutMs;
        const timer = setTimeout(() => {
          pending.delete(idKey(id));
          reject(new Error(`no response to ${method} (id ${String(id)}) within ${timeoutMs} ms; stderr: ${tail()}`));
        }, timeoutMs);
        pending.set(idKey(id), { method, resolve: resolve as (v: unknown) => void, reject, timer });
        send(msg);
      });
    },
    notify(method: string, params?: unknown): void {
      send(params === undefined ? { method } : { method, params });
    },
    send,
    sendRaw(line: string): void {
      write(line, line);
    },
    onServerRequest(h: ServerRequestHandler): void {
      handler = h;
    },
    waitFor(predicate, timeoutMs = 30_000, wopts: WaitForOptions = {}): Promise<ServerMessage> {
      for (const e of transcript.slice(wopts.from ?? 0)) {
        if (e.dir === 's2c' && isObject(e.msg) && predicate(e.msg)) return Promise.resolve(e.msg);
      }
      return new Promise<ServerMessage>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`waitFor: no matching message within ${timeoutMs} ms (${transcript.length} lines so far); stderr: ${tail()}`));
        }, timeoutMs);
        const waiter: Waiter = {
          predicate,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        waiters.add(waiter);
        void exited.then((code) => {
          if (!waiters.has(waiter)) return;
          waiters.delete(waiter);
          clearTimeout(timer);
          reject(new Error(`waitFor: app-server exited (code ${String(code)}) before a matching message; stderr: ${tail()}`));
        });
      });
    },
    mark: () => transcript.length,
    transcript,
    get stderr() {
      return stderr;
    },
    get pid() {
      return child.pid;
    },
    get exitCode() {
      return exitCode;
    },
    async close(timeoutMs = 5_000): Promise<number | null> {
      if (exitCode !== undefined) return exitCode;
      child.stdin.end();
      const timeout = <T>(ms: number, v: T) => new Promise<T>((r) => setTimeout(r, ms, v).unref());
      const first = await Promise.race([exited, timeout(timeoutMs, 'timeout' as const)]);
      if (first !== 'timeout') return first;
      child.kill('SIGTERM');
      const second = await Promise.race([exited, timeout(2_000, 'timeout' as const)]);
      if (second !== 'timeout') return second;
      child.kill('SIGKILL');
      return exited;
    },
  };
}
