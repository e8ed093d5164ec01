// `tern app-server`: wires stdio to a JSON-RPC connection, loads the config,
// and serves until stdin closes. Logs go to stderr; stdout carries only protocol.

import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, resolveTernHome } from '../config/index.js';
import { JsonRpcConnection } from '../jsonrpc/connection.js';
import { ThreadManager } from '../threads/thread-manager.js';
import { createLogger } from '../util/log.js';
import { VERSION } from '../util/version.js';
import { MessageProcessor, userAgent } from './message-processor.js';
import { Outgoing } from './outgoing.js';

export interface AppServerIo {
  stdin: NodeJS.ReadableStream & import('node:stream').Readable;
  stdout: NodeJS.WritableStream & import('node:stream').Writable;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

const USAGE = 'usage: tern app-server [-c key=value]...';

export async function runAppServer(argv: string[], io: AppServerIo): Promise<number> {
  let overrides: string[];
  try {
    const { values } = parseArgs({
      args: argv,
      options: { config: { type: 'string', short: 'c', multiple: true }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      io.stderr.write(`${USAGE}\nServes the Codex App Server protocol (v2) over stdio, one JSON message per line.\n`);
      return 0;
    }
    overrides = values.config ?? [];
  } catch (err) {
    io.stderr.write(`tern app-server: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }

  const log = createLogger(io.stderr, io.env.TERN_LOG, 'tern app-server');
  const ternHome = resolveTernHome(io.env);
  let warnings;
  try {
    warnings = loadConfig({ ternHome, overrides, env: io.env }).warnings;
    mkdirSync(ternHome, { recursive: true });
  } catch (err) {
    const msg = err instanceof ConfigError ? err.message : `cannot prepare ${ternHome}: ${(err as Error).message}`;
    io.stderr.write(`tern app-server: ${msg}\n`);
    return 1;
  }

  const conn = new JsonRpcConnection(io.stdin, io.stdout);
  const outgoing = new Outgoing(conn, 30 * 60_000);
  let client = { name: 'tern', version: VERSION };
  const threads = new ThreadManager({
    ternHome,
    overrides,
    env: io.env,
    cliVersion: VERSION,
    userAgent: () => userAgent(client.name, client.version),
    notify: (method, params) => outgoing.notify(method, params),
    requestFromClient: (method, params, opts) => outgoing.request(method, params, opts),
    log,
  });
  const processor = new MessageProcessor({
    threads,
    outgoing,
    ternHome,
    log,
    configWarnings: warnings,
    onClientInfo: (info) => (client = info),
  });

  const closed = new Promise<void>((resolve) => {
    conn.start({
      onRequest: (req) => processor.handleRequest(req),
      onNotification: (n) => processor.handleNotification(n),
      onMalformed: (line, reason) => log.warn(`dropped a malformed message (${reason}): ${line.slice(0, 200)}`),
      onClose: () => resolve(),
    });
  });
  await closed;
  await threads.shutdown();
  return 0;
}
