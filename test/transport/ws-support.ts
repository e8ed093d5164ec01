/**
 * What the WebSocket suites share: `tern app-server --listen ...` (dist/tern.js) as a child
 * process whose listening URL is read from its stderr banner, and a minimal JSON-RPC client over a
 * WebSocket (TCP or unix socket) that records every message both ways for the schema oracle.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { WebSocket } from 'ws';
import type { ConformanceChecker } from '../support/protocol-schema.js';
import { TERN_BIN } from '../support/tern-server.js';

type Msg = Record<string, any>;
const WAIT_MS = 30_000;

export interface ListeningServer {
  child: ChildProcess;
  /** `ws://127.0.0.1:PORT` or `unix:///path`. */
  url: string;
  stderr: () => string;
  stop(): Promise<number | null>;
}

/** Spawns the server and waits for its `listening on:` banner line. */
export async function startListeningServer(args: string[], env: NodeJS.ProcessEnv): Promise<ListeningServer> {
  const child = spawn(process.execPath, [TERN_BIN, 'app-server', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within ${WAIT_MS} ms; stderr: ${err}`)), WAIT_MS);
    const onData = () => {
      const m = /listening on: (\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening; stderr: ${err}`));
    });
  });
  return {
    child,
    url,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The `ws` library's address for a server URL (`ws+unix:` for a unix socket). */
export function wsAddress(url: string): string {
  return url.startsWith('unix://') ? `ws+unix://${url.slice('unix://'.length)}` : url;
}

export class WsClient {
  readonly transcript: { dir: 'c2s' | 's2c'; msg: Msg }[] = [];
  private nextId = 1;
  private readonly waiters: { pred: (m: Msg) => boolean; resolve: (m: Msg) => void }[] = [];
  onServerRequest: ((req: Msg) => unknown) | null = null;
  readonly closed: Promise<void>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as Msg;
      this.transcript.push({ dir: 's2c', msg });
      if (msg.method !== undefined && msg.id !== undefined && this.onServerRequest) {
        const result = this.onServerRequest(msg);
        if (result !== undefined) this.send({ id: msg.id, result });
      }
      for (const w of [...this.waiters]) {
        if (w.pred(msg)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(msg);
        }
      }
    });
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
  }

  static async connect(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
    const ws = new WebSocket(wsAddress(url), { headers });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new WsClient(ws);
  }

  send(msg: Msg): void {
    this.transcript.push({ dir: 'c2s', msg });
    this.ws.send(JSON.stringify(msg));
  }

  async request(method: string, params: unknown): Promise<Msg> {
    const id = this.nextId++;
    const reply = this.waitFor((m) => m.id === id && m.method === undefined);
    this.send({ id, method, params });
    return reply;
  }

  /** `request`, failing on an error reply. */
  async call(method: string, params: unknown): Promise<any> {
    const reply = await this.request(method, params);
    if (reply.error) throw new Error(`${method}: ${JSON.stringify(reply.error)}`);
    return reply.result;
  }

  async initialize(name = 'tern_ws_e2e'): Promise<void> {
    await this.call('initialize', { clientInfo: { name, title: null, version: '0.0.1' }, capabilities: null });
    this.send({ method: 'initialized' });
  }

  /** The first message (already received or future) matching `pred`. */
  waitFor(pred: (m: Msg) => boolean, ms = WAIT_MS): Promise<Msg> {
    const seen = this.transcript.find((e) => e.dir === 's2c' && pred(e.msg));
    if (seen) return Promise.resolve(seen.msg);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${ms} ms; saw ${this.methods().join(', ')}`)), ms);
      this.waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  /** Server messages (notifications and requests) with `method`. */
  received(method: string): Msg[] {
    return this.transcript.filter((e) => e.dir === 's2c' && e.msg.method === method).map((e) => e.msg);
  }

  methods(): string[] {
    return this.transcript.filter((e) => e.dir === 's2c' && e.msg.method !== undefined).map((e) => e.msg.method as string);
  }

  close(): Promise<void> {
    this.ws.close();
    return this.closed;
  }

  /** Every server message this client saw, against the 0.169.0 schema. */
  violations(checker: ConformanceChecker): string[] {
    checker.reset();
    return checker.checkAll(this.transcript);
  }
}
