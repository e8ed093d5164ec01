// `--listen URL`: where `tern app-server` accepts clients, with the reference
// server's values: `stdio://` (the default), `ws://IP:PORT`, `unix://` (a
// socket under the server's home) or `unix://PATH`, and `off` (no listener).

import { isIP } from 'node:net';
import path from 'node:path';
import { TernError } from '../util/errors.js';

export type ListenTarget =
  | { kind: 'stdio' }
  | { kind: 'websocket'; host: string; port: number }
  | { kind: 'unix'; socketPath: string | null }
  | { kind: 'off' };

export const DEFAULT_LISTEN_URL = 'stdio://';

/** Directory and file of the socket behind a bare `unix://` (under $TERN_HOME), named as the reference names them. */
const CONTROL_SOCKET_DIR = 'app-server-control';
const CONTROL_SOCKET_FILE = 'app-server-control.sock';
const MAX_PORT = 65_535;

export function parseListenUrl(url: string): ListenTarget {
  if (url === DEFAULT_LISTEN_URL) return { kind: 'stdio' };
  if (url === 'off') return { kind: 'off' };
  if (url.startsWith('unix://')) {
    const raw = url.slice('unix://'.length);
    return { kind: 'unix', socketPath: raw === '' ? null : path.resolve(raw) };
  }
  if (url.startsWith('ws://')) return { kind: 'websocket', ...parseSocketAddress(url, url.slice('ws://'.length)) };
  throw new TernError(
    'invalid_listen_url',
    `unsupported --listen URL \`${url}\`; expected \`stdio://\`, \`unix://\`, \`unix://PATH\`, \`ws://IP:PORT\`, or \`off\``,
  );
}

/** `IP:PORT` or `[IPv6]:PORT`: an address, not a host name (as the reference requires). */
function parseSocketAddress(url: string, text: string): { host: string; port: number } {
  const bad = () => new TernError('invalid_listen_url', `invalid websocket --listen URL \`${url}\`; expected \`ws://IP:PORT\``);
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!m) throw bad();
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  if (isIP(host) === 0 || (m[1] !== undefined && isIP(host) !== 6) || port > MAX_PORT) throw bad();
  return { host, port };
}

/** The socket of a bare `unix://`: `$TERN_HOME/app-server-control/app-server-control.sock`. */
export function defaultControlSocketPath(ternHome: string): string {
  return path.join(ternHome, CONTROL_SOCKET_DIR, CONTROL_SOCKET_FILE);
}

/** Loopback: 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackAddress(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  const h = host.toLowerCase();
  return h === '::1' || h.startsWith('::ffff:127.');
}
