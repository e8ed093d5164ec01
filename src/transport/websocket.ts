// The WebSocket listener of `--listen ws://IP:PORT` and `--listen unix://[PATH]`
// (the unix socket speaks the same HTTP upgrade, as the reference's does).
// `GET /readyz` and `/healthz` answer 200; an upgrade is authorized first (see
// ws-auth.ts) and refused with 401 and a plain-text reason before any frame.

import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { TernError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { webSocketStreams } from './message-streams.js';
import type { ClientStreams, ConnectionOrigin, Listener } from './types.js';
import { authorizeUpgrade, type WsAuthPolicy } from './ws-auth.js';

/** Largest accepted message (one frame or a fragmented message), as the reference advertises it. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** The reference's upgrade-response header announcing that limit (clients may read it). */
const MAX_MESSAGE_HEADER = 'x-codex-websocket-max-unfragmented-message-bytes';
/** The socket file is the client's only credential on a unix listener: owner only. */
const SOCKET_FILE_MODE = 0o600;
const SOCKET_DIR_MODE = 0o700;

export type ListenAddress = { host: string; port: number } | { socketPath: string };

export interface WebSocketListenerOptions {
  address: ListenAddress;
  auth: WsAuthPolicy;
  log: Logger;
  onConnection: (client: ClientStreams) => void;
}

export async function startWebSocketListener(o: WebSocketListenerOptions): Promise<Listener> {
  const origin: ConnectionOrigin = 'socketPath' in o.address ? 'unix' : 'websocket';
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  wss.on('headers', (headers) => headers.push(`${MAX_MESSAGE_HEADER}: ${MAX_MESSAGE_BYTES}`));
  const http = createServer((req, res) => {
    const probe = req.method === 'GET' && (req.url === '/readyz' || req.url === '/healthz');
    res.writeHead(probe ? 200 : 400, probe ? {} : { 'content-type': 'text/plain; charset=utf-8' });
    res.end(probe ? '' : 'expected a websocket upgrade');
  });
  let seq = 0;
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A unix socket is guarded by its file mode; a TCP one by the auth policy.
    const verdict = origin === 'unix' ? { ok: true as const } : authorizeUpgrade(req.headers.authorization, o.auth, Math.floor(Date.now() / 1000));
    if (!verdict.ok) {
      o.log.warn(`refused a websocket upgrade: ${verdict.message}`);
      refuse(socket, verdict.status, verdict.message);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const label = `${origin} connection ${++seq}`;
      o.log.info(`${label} opened`);
      o.onConnection(webSocketStreams(ws, origin, label, o.log));
    });
  });
  const url = 'socketPath' in o.address ? await listenUnix(http, o.address.socketPath) : await listenTcp(http, o.address);
  return {
    url,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      if ('socketPath' in o.address) removeQuietly(o.address.socketPath);
    },
  };
}

function refuse(socket: Duplex, status: number, message: string): void {
  const reason = status === 401 ? 'Unauthorized' : 'Bad Request';
  const body = Buffer.from(message, 'utf8');
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${message}`,
  );
}

async function listenTcp(http: Server, a: { host: string; port: number }): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(a.port, a.host, () => {
      http.off('error', reject);
      resolve();
    });
  }).catch((err: Error) => {
    throw new TernError('listen_failed', `cannot listen on ${a.host}:${a.port}: ${err.message}`);
  });
  const addr = http.address();
  const port = addr !== null && typeof addr === 'object' ? addr.port : a.port;
  return `ws://${a.host.includes(':') ? `[${a.host}]` : a.host}:${port}`;
}

async function listenUnix(http: Server, socketPath: string): Promise<string> {
  mkdirSync(path.dirname(socketPath), { recursive: true, mode: SOCKET_DIR_MODE });
  await clearStaleSocket(socketPath);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(socketPath, () => {
      http.off('error', reject);
      resolve();
    });
  }).catch((err: Error) => {
    throw new TernError('listen_failed', `cannot listen on unix socket ${socketPath}: ${err.message}`);
  });
  chmodSync(socketPath, SOCKET_FILE_MODE);
  return `unix://${socketPath}`;
}

/** A socket file nobody answers on is left over from a dead server: removed. A live one, or a non-socket, is an error. */
async function clearStaleSocket(socketPath: string): Promise<void> {
  const st = (() => {
    try {
      return lstatSync(socketPath);
    } catch {
      return null;
    }
  })();
  if (st === null) return;
  if (!st.isSocket()) throw new TernError('listen_failed', `app-server control socket path exists and is not a socket: ${socketPath}`);
  const live = await new Promise<boolean>((resolve) => {
    const s: Socket = connect(socketPath);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
  if (live) throw new TernError('listen_failed', `app-server control socket is already in use at ${socketPath}`);
  unlinkSync(socketPath);
}

function removeQuietly(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    // already gone
  }
}
