// `tern app-server`: loads the config, starts the `--listen` transport (stdio,
// WebSocket, unix socket, or none), gives each client connection its own JSON-RPC
// connection and initialize gate on one shared thread core (server/router.ts
// routes events and approvals), and serves until stdin closes (stdio) or
// SIGTERM/SIGINT arrives. Either way it shuts
// down the same: running turns are interrupted, every tool process group gets
// SIGTERM (SIGKILL after the launcher's grace period), thread logs are flushed.
// A second signal during shutdown kills the tool processes at once and exits.
// Logs go to stderr; stdout carries only protocol.

import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, resolveTernHome, type TernConfig } from '../config/index.js';
import { JsonRpcConnection } from '../jsonrpc/connection.js';
import { killAllToolProcessesNow } from '../sandbox/launcher.js';
import { ThreadManager } from '../threads/thread-manager.js';
import { defaultControlSocketPath, isLoopbackAddress, parseListenUrl, DEFAULT_LISTEN_URL, type ListenTarget } from '../transport/listen-url.js';
import type { ClientStreams, Listener } from '../transport/types.js';
import { wsAuthPolicy, type WsAuthPolicy } from '../transport/ws-auth.js';
import { TernError } from '../util/errors.js';
import { createLogger, type Logger } from '../util/log.js';
import { VERSION } from '../util/version.js';
import { MessageProcessor, userAgent } from './message-processor.js';
import { Outgoing } from './outgoing.js';
import { ThreadRouter, type ClientLink } from './router.js';

export interface AppServerIo {
  stdin: NodeJS.ReadableStream & import('node:stream').Readable;
  stdout: NodeJS.WritableStream & import('node:stream').Writable;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

const USAGE = `usage: tern app-server [--listen URL | --stdio] [-c key=value]...
         [--ws-auth capability-token (--ws-token-file PATH | --ws-token-sha256 HEX)]
         [--ws-auth signed-bearer-token --ws-shared-secret-file PATH [--ws-issuer ISS] [--ws-audience AUD] [--ws-max-clock-skew-seconds N]]
  --listen: stdio:// (default), ws://IP:PORT, unix:// ($TERN_HOME/app-server-control/app-server-control.sock), unix://PATH, off`;

const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };
/** Exit status after a fatal signal, as a shell reports it: 128 + the signal's number. */
const SIGNAL_EXIT_BASE = 128;
/** The shutdown is bounded: after this long the server kills what is left and exits. */
const SHUTDOWN_DEADLINE_MS = 20_000;
/** Period of the timer that keeps an otherwise idle server process alive (its value is irrelevant). */
const KEEP_ALIVE_INTERVAL_MS = 60 * 60_000;
/** How long an approval waits for any subscribed client before it counts as declined. */
const APPROVAL_TIMEOUT_MS = 30 * 60_000;
/** A thread nobody is subscribed to is unloaded after this long: the reference's default (60 s, observed on 0.169.0). */
const IDLE_THREAD_UNLOAD_SECS = 60;
/** The reference's config key overriding that delay, in seconds. */
const UNLOAD_DELAY_KEY = 'thread_unload_delay_secs';
const MS_PER_SECOND = 1000;

interface ServerFlags {
  overrides: string[];
  target: ListenTarget;
  auth: WsAuthPolicy;
}

/** Parses and checks the flags; a string is the message of a usage error (exit 2). */
function parseFlags(argv: string[]): ServerFlags | 'help' | string {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c', multiple: true },
        help: { type: 'boolean', short: 'h' },
        listen: { type: 'string' },
        stdio: { type: 'boolean' },
        'ws-auth': { type: 'string' },
        'ws-token-file': { type: 'string' },
        'ws-token-sha256': { type: 'string' },
        'ws-shared-secret-file': { type: 'string' },
        'ws-issuer': { type: 'string' },
        'ws-audience': { type: 'string' },
        'ws-max-clock-skew-seconds': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) return 'help';
    if (values.stdio && values.listen !== undefined && values.listen !== DEFAULT_LISTEN_URL) return '--stdio and --listen cannot be used together';
    const target = parseListenUrl(values.stdio ? DEFAULT_LISTEN_URL : (values.listen ?? DEFAULT_LISTEN_URL));
    const auth = wsAuthPolicy({
      wsAuth: values['ws-auth'],
      wsTokenFile: values['ws-token-file'],
      wsTokenSha256: values['ws-token-sha256'],
      wsSharedSecretFile: values['ws-shared-secret-file'],
      wsIssuer: values['ws-issuer'],
      wsAudience: values['ws-audience'],
      wsMaxClockSkewSeconds: values['ws-max-clock-skew-seconds'],
    });
    return { overrides: values.config ?? [], target, auth };
  } catch (err) {
    return (err as Error).message;
  }
}

/** Binding beyond loopback without auth would hand the agent to the network: refused. */
function unsafeBindMessage(target: ListenTarget, auth: WsAuthPolicy): string | null {
  if (target.kind !== 'websocket' || auth.mode !== 'none' || isLoopbackAddress(target.host)) return null;
  return (
    `refusing to start non-loopback websocket listener ${target.host}:${target.port} without auth; ` +
    'configure `--ws-auth capability-token` (with `--ws-token-file PATH` or `--ws-token-sha256 HEX`) or ' +
    '`--ws-auth signed-bearer-token` (with `--ws-shared-secret-file PATH`), or listen on 127.0.0.1'
  );
}

export async function runAppServer(argv: string[], io: AppServerIo): Promise<number> {
  const flags = parseFlags(argv);
  if (flags === 'help') {
    io.stderr.write(`${USAGE}\nServes the Codex App Server protocol (v2): over stdio one JSON message per line, over WebSocket one per text frame.\n`);
    return 0;
  }
  if (typeof flags === 'string') {
    io.stderr.write(`tern app-server: ${flags}\n${USAGE}\n`);
    return 2;
  }
  const refusal = unsafeBindMessage(flags.target, flags.auth);
  if (refusal !== null) {
    io.stderr.write(`tern app-server: ${refusal}\n`);
    return 1;
  }

  const log = createLogger(io.stderr, io.env.TERN_LOG, 'tern app-server');
  const ternHome = resolveTernHome(io.env);
  let warnings;
  let config: TernConfig;
  try {
    ({ warnings, config } = loadConfig({ ternHome, overrides: flags.overrides, env: io.env }));
    mkdirSync(ternHome, { recursive: true });
  } catch (err) {
    const msg = err instanceof ConfigError ? err.message : `cannot prepare ${ternHome}: ${(err as Error).message}`;
    io.stderr.write(`tern app-server: ${msg}\n`);
    return 1;
  }

  let client = { name: 'tern', version: VERSION };
  const router: ThreadRouter = new ThreadRouter({
    unloadAfterMs: unloadDelayMs(config, log),
    requestTimeoutMs: APPROVAL_TIMEOUT_MS,
    isTurnActive: (id) => threads.isTurnActive(id),
    unload: (id) => void threads.unloadThread(id),
    log,
  });
  const threads = new ThreadManager({
    ternHome,
    overrides: flags.overrides,
    env: io.env,
    cliVersion: VERSION,
    userAgent: () => userAgent(client.name, client.version),
    notify: (method, params, threadId) => router.notify(method, params, threadId),
    requestFromClient: (method, params, opts) => router.request(opts.threadId, method, params, opts),
    log,
  });

  const stop = new StopSignal(log);
  const serve = (streams: ClientStreams) =>
    serveConnection(streams, { threads, router, config, ternHome, log, configWarnings: warnings, onClientInfo: (info) => (client = info) }, () => {
      if (streams.origin === 'stdio') stop.inputClosed();
    });
  let listener: Listener | null;
  try {
    listener = await startTransport(flags, ternHome, io, log, serve);
  } catch (err) {
    stop.dispose();
    if (!(err instanceof TernError)) throw err;
    io.stderr.write(`tern app-server: ${err.message}\n`);
    return 1;
  }
  const signal = await stop.wait();
  await listener?.close();
  router.dispose();
  await withDeadline(threads.shutdown(), SHUTDOWN_DEADLINE_MS, () => {
    log.warn(`shutdown took longer than ${SHUTDOWN_DEADLINE_MS} ms; killing the remaining tool processes`);
    killAllToolProcessesNow();
  });
  stop.dispose();
  return signal === null ? 0 : SIGNAL_EXIT_BASE + (SIGNAL_NUMBERS[signal] ?? 0);
}

/** `thread_unload_delay_secs` (a non-negative integer), else the reference's default. */
function unloadDelayMs(config: TernConfig, log: Logger): number {
  const v = config.raw[UNLOAD_DELAY_KEY];
  if (v === undefined || v === null) return IDLE_THREAD_UNLOAD_SECS * MS_PER_SECOND;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v * MS_PER_SECOND;
  log.warn(`${UNLOAD_DELAY_KEY} must be a non-negative integer (seconds); using ${IDLE_THREAD_UNLOAD_SECS}`);
  return IDLE_THREAD_UNLOAD_SECS * MS_PER_SECOND;
}

/** Starts the `--listen` transport; stdio serves its one connection at once (no listener). */
async function startTransport(
  flags: ServerFlags,
  ternHome: string,
  io: AppServerIo,
  log: Logger,
  serve: (s: ClientStreams) => void,
): Promise<Listener | null> {
  const t = flags.target;
  if (t.kind === 'off') {
    log.info('--listen off: no transport; serving until SIGTERM/SIGINT');
    return null;
  }
  if (t.kind === 'stdio') {
    serve({ origin: 'stdio', input: io.stdin, output: io.stdout, label: 'stdio' });
    return null;
  }
  const address = t.kind === 'websocket' ? { host: t.host, port: t.port } : { socketPath: t.socketPath ?? defaultControlSocketPath(ternHome) };
  // Loaded only when listening on a socket: stdio servers never pay for the WebSocket library.
  const { startWebSocketListener } = await import('../transport/websocket.js');
  const listener = await startWebSocketListener({ address, auth: flags.auth, log, onConnection: serve });
  // The reference's banner, on stderr (stdout carries nothing in this mode); tests read the port from it.
  const http = listener.url.startsWith('ws://') ? listener.url.replace('ws://', 'http://') : null;
  io.stderr.write(`tern app-server (WebSockets)\n  listening on: ${listener.url}\n`);
  if (http) io.stderr.write(`  readyz: ${http}/readyz\n  healthz: ${http}/healthz\n`);
  return listener;
}

interface ConnectionDeps {
  threads: ThreadManager;
  config: TernConfig;
  router: ThreadRouter;
  ternHome: string;
  log: Logger;
  configWarnings: { summary: string; details: string | null; path: string | null }[];
  onClientInfo: (info: { name: string; version: string }) => void;
}

/** One client: its own JSON-RPC connection, initialize gate and opt-outs, on the shared core. */
function serveConnection(streams: ClientStreams, d: ConnectionDeps, onClosed: () => void): void {
  const conn = new JsonRpcConnection(streams.input, streams.output);
  const outgoing = new Outgoing(conn);
  const link: ClientLink = {
    label: streams.label,
    notify: (method, params) => outgoing.notify(method, params),
    request: (method, params, opts) => outgoing.request(method, params, opts),
  };
  d.router.attach(link);
  const processor = new MessageProcessor({
    threads: d.threads,
    config: d.config,
    outgoing,
    session: {
      subscribe: (id) => d.router.subscribe(link, id),
      sendPending: (id) => d.router.sendPending(link, id),
      unsubscribe: (id) => d.router.unsubscribe(link, id),
    },
    ternHome: d.ternHome,
    log: d.log,
    configWarnings: d.configWarnings,
    onClientInfo: d.onClientInfo,
  });
  conn.start({
    onRequest: (req) => processor.handleRequest(req),
    onNotification: (n) => processor.handleNotification(n),
    onMalformed: (line, reason) => d.log.warn(`${streams.label}: dropped a malformed message (${reason}): ${line.slice(0, 200)}`),
    onClose: () => {
      d.log.info(`${streams.label} closed`);
      d.router.detach(link);
      onClosed();
    },
  });
}

/** Resolves on stdio EOF (stdio transport) or the first SIGTERM/SIGINT; a second signal exits at once. */
class StopSignal {
  private signal: NodeJS.Signals | null = null;
  private stopped = false;
  private resolve: (sig: NodeJS.Signals | null) => void = () => undefined;
  private readonly stoppedPromise = new Promise<NodeJS.Signals | null>((r) => (this.resolve = r));
  private readonly onSignal = (sig: NodeJS.Signals) => this.received(sig);
  /** Keeps the process up while nothing else does (`--listen off`) until a stop arrives. */
  private readonly keepAlive = setInterval(() => undefined, KEEP_ALIVE_INTERVAL_MS);

  constructor(private readonly log: { info(m: string): void; warn(m: string): void }) {
    for (const sig of SHUTDOWN_SIGNALS) process.on(sig, this.onSignal);
  }

  wait(): Promise<NodeJS.Signals | null> {
    return this.stoppedPromise;
  }

  inputClosed(): void {
    this.stop(null);
  }

  dispose(): void {
    clearInterval(this.keepAlive);
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
