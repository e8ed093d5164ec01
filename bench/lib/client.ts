/**
 * The bench's own minimal JSON-RPC client of an app server: requests, notifications with their
 * arrival time (performance.now(), the same clock as the model tap), and nothing retained unless
 * a listener keeps it (a 200 MB command's deltas pass through). Servers are reached through a
 * `ClientFactory`, so a bench can spread its threads over several connections: the server's
 * stdio (one connection per process) or `--listen ws://127.0.0.1:PORT` (a WebSocket client per
 * `connect()`, with the `ws` library; issue 10: 10 WS clients for the 100-thread bench).
 */
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';

export type Json = Record<string, any>;
/** `emittedAtMs`: the server's wall-clock stamp on the notification (both servers send one), if any. */
export type NotificationListener = (method: string, params: Json, atMs: number, emittedAtMs?: number) => void;

export interface BenchClient {
  request<T = Json>(method: string, params?: unknown): Promise<T>;
  notify(method: string, params?: unknown): void;
  /** Every notification from now on (several listeners allowed); returns the unsubscribe. */
  onNotification(listener: NotificationListener): () => void;
  /** Wait for the first notification matching `pred` from now on. */
  waitFor(pred: (method: string, params: Json) => boolean, timeoutMs: number): Promise<{ params: Json; atMs: number }>;
}

/** A running server process and what the bench reads from it. */
export interface BenchServer {
  readonly pid: number;
  /** stderr so far (for failure messages). */
  readonly stderr: () => string;
  /** A client of this server; with stdio every call returns the one connection, with WebSocket a new one. */
  connect(): Promise<BenchClient>;
  /** Close stdin and wait for the exit (SIGKILL after `timeoutMs`). */
  close(timeoutMs?: number): Promise<void>;
}

export interface ServerCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** Clients of a server, `count` of them (over stdio: the same connection `count` times). */
export type ClientFactory = (server: BenchServer, count: number) => Promise<BenchClient[]>;

/** `count` connections, opened one after another (the same one `count` times over stdio). */
export const serverClients: ClientFactory = async (server, count) => {
  const out: BenchClient[] = [];
  for (let i = 0; i < count; i += 1) out.push(await server.connect());
  return out;
};

const STDERR_KEEP_CHARS = 20_000;

/** Spawn a server speaking JSONL on stdio. */
export function spawnStdioServer(cmd: ServerCommand, cwd: string): BenchServer {
  const child: ChildProcessWithoutNullStreams = spawn(cmd.command, cmd.args, { env: cmd.env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    stderr = (stderr + d).slice(-STDERR_KEEP_CHARS);
  });
  child.stdin.on('error', () => undefined);
  const client = new LineClient((line) => child.stdin.write(`${line}\n`));
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => client.receive(line, performance.now()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => client.failAll(new Error(`server exited (code ${code}, signal ${signal})\n${stderr.slice(-2000)}`)));
  return {
    pid: child.pid!,
    stderr: () => stderr,
    connect: async () => client,
    async close(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** How long a `--listen ws://` server may take to accept its first connection. */
const WS_READY_TIMEOUT_MS = 30_000;
/** Pause between connection attempts while the server starts. */
const WS_RETRY_MS = 25;

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the server to bind). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const addr = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (addr === null || typeof addr !== 'object') throw new Error('no port from the kernel');
  return addr.port;
}

/**
 * Spawn a server with `--listen ws://127.0.0.1:PORT` (a port picked here, so tern and codex are
 * started the same way); each `connect()` opens a new WebSocket client, retrying until the
 * server listens. `close()` sends SIGTERM.
 */
export async function spawnWsServer(cmd: ServerCommand, cwd: string): Promise<BenchServer> {
  const url = `ws://127.0.0.1:${await freePort()}`;
  const child: ChildProcess = spawn(cmd.command, [...cmd.args, '--listen', url], { env: cmd.env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    stderr = (stderr + d).slice(-STDERR_KEEP_CHARS);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const clients = new Set<{ ws: WebSocket; client: LineClient }>();
  child.once('exit', (code, signal) => {
    for (const c of clients) c.client.failAll(new Error(`server exited (code ${code}, signal ${signal})\n${stderr.slice(-2000)}`));
  });
  return {
    pid: child.pid!,
    stderr: () => stderr,
    async connect() {
      const ws = await openWebSocket(url, () => child.exitCode !== null || child.signalCode !== null);
      const client = new LineClient((line) => ws.send(line));
      ws.on('message', (data, isBinary) => {
        if (!isBinary) client.receive(String(data), performance.now());
      });
      ws.on('close', () => client.failAll(new Error(`websocket closed\n${stderr.slice(-2000)}`)));
      clients.add({ ws, client });
      return client;
    },
    async close(timeoutMs = 10_000) {
      for (const c of clients) c.ws.terminate();
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Connect to `url`, retrying while the server starts (until it exits or the timeout). */
async function openWebSocket(url: string, gone: () => boolean): Promise<WebSocket> {
  const deadline = performance.now() + WS_READY_TIMEOUT_MS;
  for (;;) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const opened = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('error', () => resolve(false));
    });
    if (opened) return ws;
    ws.terminate();
    if (gone() || performance.now() > deadline) throw new Error(`could not connect to ${url}`);
    await sleep(WS_RETRY_MS);
  }
}

interface Pending {
  resolve(v: any): void;
  reject(e: Error): void;
  method: string;
}

/** JSON-RPC over lines: ids, pending requests, notification listeners; server requests are declined. */
class LineClient implements BenchClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<NotificationListener>();

  constructor(private readonly send: (line: string) => void) {}

  request<T>(method: string, params?: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.send(JSON.stringify({ id, method, params }));
    });
  }

  notify(method: string, params?: unknown): void {
    this.send(JSON.stringify(params === undefined ? { method } : { method, params }));
  }

  onNotification(listener: NotificationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  waitFor(pred: (method: string, params: Json) => boolean, timeoutMs: number): Promise<{ params: Json; atMs: number }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for a notification`));
      }, timeoutMs);
      // A bench that failed elsewhere must still exit: the timer alone keeps nothing alive.
      timer.unref();
      const off = this.onNotification((method, params, atMs) => {
        if (!pred(method, params)) return;
        clearTimeout(timer);
        off();
        resolve({ params, atMs });
      });
    });
  }

  receive(line: string, atMs: number): void {
    let msg: Json;
    try {
      msg = JSON.parse(line) as Json;
    } catch {
      return;
    }
    if ('id' in msg && 'method' in msg) {
      // A server request (e.g. an approval): the benches run with approvalPolicy "never".
      this.send(JSON.stringify({ id: msg.id, error: { code: -32600, message: 'bench client: no server requests expected' } }));
      return;
    }
    if ('id' in msg) {
      const p = this.pending.get(msg.id as number);
      if (!p) return;
      this.pending.delete(msg.id as number);
      if (msg.error) p.reject(new Error(`${p.method}: ${JSON.stringify(msg.error)}`));
      else p.resolve(msg.result);
      return;
    }
    if (typeof msg.method !== 'string') return;
    const emitted = typeof msg.emittedAtMs === 'number' ? msg.emittedAtMs : undefined;
    for (const l of [...this.listeners]) l(msg.method, (msg.params ?? {}) as Json, atMs, emitted);
  }

  failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

export const CLIENT_INFO = { clientInfo: { name: 'tern_bench', title: 'tern bench', version: '0.0.1' }, capabilities: null };

/** `initialize` + `initialized`. */
export async function initializeClient(client: BenchClient): Promise<void> {
  await client.request('initialize', CLIENT_INFO);
  client.notify('initialized');
}
