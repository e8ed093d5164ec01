// `tern app-server`: wires stdio to a JSON-RPC connection, loads the config,
// and serves until stdin closes or SIGTERM/SIGINT arrives. Either way it shuts
// down the same: running turns are interrupted, every tool process group gets
// SIGTERM (SIGKILL after the launcher's grace period), thread logs are flushed.
// A second signal during shutdown kills the tool processes at once and exits.
// Logs go to stderr; stdout carries only protocol.

import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, resolveTernHome } from '../config/index.js';
import { JsonRpcConnection } from '../jsonrpc/connection.js';
import { killAllToolProcessesNow } from '../sandbox/launcher.js';
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

const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };
/** Exit status after a fatal signal, as a shell reports it: 128 + the signal's number. */
const SIGNAL_EXIT_BASE = 128;
/** The shutdown is bounded: after this long the server kills what is left and exits. */
const SHUTDOWN_DEADLINE_MS = 20_000;

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
    resendToClient: (id) => outgoing.resend(id),
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

  const stop = new StopSignal(log);
  conn.start({
    onRequest: (req) => processor.handleRequest(req),
    onNotification: (n) => processor.handleNotification(n),
    onMalformed: (line, reason) => log.warn(`dropped a malformed message (${reason}): ${line.slice(0, 200)}`),
    onClose: () => stop.stdinClosed(),
  });
  const signal = await stop.wait();
  await withDeadline(threads.shutdown(), SHUTDOWN_DEADLINE_MS, () => {
    log.warn(`shutdown took longer than ${SHUTDOWN_DEADLINE_MS} ms; killing the remaining tool processes`);
    killAllToolProcessesNow();
  });
  stop.dispose();
  return signal === null ? 0 : SIGNAL_EXIT_BASE + (SIGNAL_NUMBERS[signal] ?? 0);
}

/** Resolves on stdin EOF or the first SIGTERM/SIGINT; a second signal exits at once. */
class StopSignal {
  private signal: NodeJS.Signals | null = null;
  private stopped = false;
  private resolve: (sig: NodeJS.Signals | null) => void = () => undefined;
  private readonly stoppedPromise = new Promise<NodeJS.Signals | null>((r) => (this.resolve = r));
  private readonly onSignal = (sig: NodeJS.Signals) => this.received(sig);

  constructor(private readonly log: { info(m: string): void; warn(m: string): void }) {
    for (const sig of SHUTDOWN_SIGNALS) process.on(sig, this.onSignal);
  }

  wait(): Promise<NodeJS.Signals | null> {
    return this.stoppedPromise;
  }

  stdinClosed(): void {
    this.stop(null);
  }

  dispose(): void {
    for (const sig of SHUTDOWN_SIGNALS) process.off(sig, this.onSignal);
  }

  private received(sig: NodeJS.Signals): void {
    if (this.stopped) {
      this.log.warn(`${sig} again during shutdown: killing tool processes and exiting now`);
      killAllToolProcessesNow();
      process.exit(SIGNAL_EXIT_BASE + (SIGNAL_NUMBERS[sig] ?? 0));
    }
    this.log.info(`${sig}: shutting down (interrupting turns, ending tool processes)`);
    this.signal = sig;
    this.stop(sig);
  }

  private stop(sig: NodeJS.Signals | null): void {
    if (this.stopped) return;
    this.stopped = true;
    this.resolve(sig ?? this.signal);
  }
}

async function withDeadline(work: Promise<void>, ms: number, onLate: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      onLate();
      resolve();
    }, ms);
  });
  await Promise.race([work, late]);
  clearTimeout(timer);
}
