// The session phase of `tern run`: spawn the app server, initialize, and start
// (or resume) the thread. Every failure here is mapped to one kind and one line.

import { ProtocolClient, ServerExitedError, type TapListener } from '../client/client.js';
import { RequestFailedError } from '../jsonrpc/connection.js';
import { VERSION } from '../util/version.js';
import { errorMessage, ServerFailure } from '../util/errors.js';
import type { FailureKind } from '../artifacts/result.js';
import type { RunOptions } from './args.js';

/** initialize and thread/start must answer within this (or --timeout, if shorter). */
const SETUP_REQUEST_TIMEOUT_MS = 120_000;
const SERVER_STDERR_CAP = 1024 * 1024;
const CLIENT_INFO = { name: 'tern_run', title: 'tern run', version: VERSION };

export class SessionError extends ServerFailure {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message, { category: kind });
  }
}

export function serverEnvironment(options: RunOptions, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!options.threadStore) return env;
  return { ...env, TERN_HOME: options.threadStore, CODEX_HOME: options.threadStore };
}

/** Spawns the server. The client is returned even when a later step fails, so the caller can close it. */
export function spawnServer(options: RunOptions, env: NodeJS.ProcessEnv, tap: TapListener): { client: ProtocolClient; stderr: () => string } {
  let log = '';
  const client = ProtocolClient.spawn(
    {
      command: options.serverCommand,
      env: serverEnvironment(options, env),
      cwd: options.cwd,
      onStderr: (chunk) => {
        log += chunk;
        if (log.length > 2 * SERVER_STDERR_CAP) log = log.slice(-SERVER_STDERR_CAP);
      },
    },
    { tap },
  );
  return { client, stderr: () => log.slice(-SERVER_STDERR_CAP) };
}

/** initialize, then thread/start or thread/resume. */
export async function openThread(client: ProtocolClient, options: RunOptions, guard: <T>(p: Promise<T>) => Promise<T>): Promise<{ threadId: string; model: string | null }> {
  const timeoutMs = Math.min(SETUP_REQUEST_TIMEOUT_MS, options.timeoutMs);
  await step('initialize', () => guard(client.initialize(CLIENT_INFO, null, { timeoutMs })));
  const approvalPolicy = options.policy ? 'untrusted' : options.approvalPolicy;
  const settings = { cwd: options.cwd, approvalPolicy, sandbox: options.sandbox, ...(options.model ? { model: options.model } : {}) };
  if (options.resume) {
    const resumed = await step('thread/resume', () =>
      guard(client.request<{ thread: { id: string }; model?: string }>('thread/resume', { threadId: options.resume, ...settings }, { timeoutMs })),
    );
    return { threadId: resumed.thread.id, model: resumed.model ?? options.model };
  }
  const started = await step('thread/start', () => guard(client.threadStart(settings, { timeoutMs })));
  return { threadId: started.thread.id, model: started.model ?? options.model };
}

/** Runs one setup request, turning its failure into a SessionError with one line. */
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw setupFailure(name, err);
  }
}

export function setupFailure(step: string, err: unknown): Error {
  if (err instanceof SessionError) return err.kind === 'timeout' ? new SessionError('timeout', `${err.message} waiting for ${step}`) : err;
  if (err instanceof ServerExitedError) return new SessionError('server', err.during ? err.message : new ServerExitedError(err.exit, step).message);
  if (err instanceof RequestFailedError) {
    const detail = err.error ? `${err.error.message} (code ${err.error.code})` : err.message;
    const unsupported = step === 'thread/resume' && err.error !== undefined && /unknown|not (supported|implemented)|unrecognized/i.test(err.error.message);
    if (unsupported) return new SessionError('usage', `this app server cannot resume threads yet (${detail})`);
    return new SessionError('server', `${step} failed: ${detail}`);
  }
  return new SessionError('server', `${step} failed: ${errorMessage(err)}`);
}
