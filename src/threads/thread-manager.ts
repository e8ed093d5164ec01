// Owns the loaded threads: creates them, resolves their settings from config
// and thread/start params, runs one turn at a time per thread, and routes every
// event of a thread through one place (`publish`) that both records it in the
// thread's log and notifies the client.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { BASE_INSTRUCTIONS } from '../agent/base-instructions.js';
import { ConversationHistory } from '../agent/history.js';
import { initialContextItems } from '../agent/prompt.js';
import { TokenUsageTracker } from '../agent/token-usage.js';
import { runTurn, type ApprovalGateway, type TurnEmitter } from '../agent/turn-runner.js';
import { loadConfig, type ConfigOverride, type TernConfig } from '../config/index.js';
import { ResponsesModelClient, type ModelClient } from '../model/index.js';
import type {
  AskForApproval,
  SandboxMode,
  SandboxPolicy,
  ServerNotificationMethod,
  ServerNotificationParams,
  ServerRequestMethod,
  ServerRequestParams,
  ServerRequestResults,
  Thread,
  ThreadStartParams,
  ThreadStartResponse,
  Turn,
  TurnStartParams,
} from '../protocol/v2.js';
import { nullThreadLog, openThreadLog, threadLogPath, type ThreadLog } from '../store/thread-log.js';
import { TernError } from '../util/errors.js';
import { newId } from '../util/ids.js';
import type { Logger } from '../util/log.js';
import { nowSeconds } from '../util/time.js';

/** Sends a request to the client; `onSent` learns its JSON-RPC id. Rejects on an error reply. */
export type ClientRequester = (
  method: string,
  params: unknown,
  opts: { signal: AbortSignal; onSent: (id: string | number) => void },
) => Promise<unknown>;

export interface ThreadManagerOptions {
  ternHome: string;
  /** `-c` flags the server was started with. */
  overrides: string[];
  env: NodeJS.ProcessEnv;
  cliVersion: string;
  userAgent: () => string;
  notify: (method: string, params: unknown) => void;
  requestFromClient: ClientRequester;
  log: Logger;
  /** Longest a single tool command may run. */
  commandTimeoutMs?: number;
}

interface LoadedThread {
  thread: Thread;
  config: TernConfig;
  model: string;
  approvalPolicy: AskForApproval;
  sandboxMode: SandboxMode;
  instructions: string;
  history: ConversationHistory;
  usage: TokenUsageTracker;
  log: ThreadLog;
  activeTurn: { turn: Turn; abort: AbortController; done: Promise<void> } | null;
}

export class ThreadManager {
  private readonly threads = new Map<string, LoadedThread>();

  constructor(private readonly o: ThreadManagerOptions) {}

  async startThread(params: ThreadStartParams, originator: string): Promise<ThreadStartResponse> {
    const extra: ConfigOverride[] = Object.entries(params.config ?? {}).map(([key, value]) => ({
      path: key.split('.'),
      value,
    }));
    let config: TernConfig;
    try {
      config = loadConfig({ ternHome: this.o.ternHome, overrides: this.o.overrides, extraOverrides: extra, env: this.o.env }).config;
    } catch (err) {
      throw new TernError('invalid_config', (err as Error).message, { cause: err });
    }
    const providerId = params.modelProvider ?? config.modelProvider.id;
    const provider = config.modelProviders[providerId];
    if (!provider) throw new TernError('invalid_params', `unknown model provider: ${providerId}`);
    config = { ...config, modelProvider: provider };
    if (provider.wireApi !== 'responses') {
      throw new TernError(
        'invalid_config',
        `wire_api = "${provider.wireApi}" (provider ${provider.id}) is not supported yet; set model_providers.${provider.id}.wire_api = "responses"`,
      );
    }

    const cwd = path.resolve(params.cwd ?? process.cwd());
    const st = await stat(cwd).catch(() => null);
    if (!st?.isDirectory()) throw new TernError('invalid_params', `cwd is not a directory: ${cwd}`);

    const id = newId();
    const created = new Date();
    const ephemeral = params.ephemeral === true;
    const log = ephemeral
      ? nullThreadLog
      : openThreadLog(threadLogPath(this.o.ternHome, id, created), (err) =>
          this.o.log.error(`thread ${id}: could not write the thread log: ${err.message}`),
        );
    const model = params.model ?? config.model;
    const approvalPolicy = (params.approvalPolicy ?? config.approvalPolicy) as AskForApproval;
    const sandboxMode = params.sandbox ?? config.sandboxMode;
    const createdAt = Math.floor(created.getTime() / 1000);
    const thread: Thread = {
      id,
      sessionId: id,
      forkedFromId: null,
      parentThreadId: null,
      preview: '',
      ephemeral,
      projectId: null,
      modelProvider: provider.id,
      model,
      reasoningEffort: config.modelReasoningEffort,
      createdAt,
      updatedAt: createdAt,
      recencyAt: createdAt,
      status: { type: 'idle' },
      path: log.path,
      cwd,
      cliVersion: this.o.cliVersion,
      originator,
      source: 'appServer',
      threadSource: null,
      agentNickname: null,
      agentRole: null,
      gitInfo: null,
      name: null,
      turns: [],
    };
    const history = new ConversationHistory((item) => log.append('response_item', item));
    const loaded: LoadedThread = {
      thread,
      config,
      model,
      approvalPolicy,
      sandboxMode,
      instructions: params.baseInstructions ?? config.baseInstructions ?? BASE_INSTRUCTIONS,
      history,
      usage: new TokenUsageTracker(config.modelContextWindow),
      log,
      activeTurn: null,
    };
    log.append('session_meta', {
      id,
      cwd,
      originator,
      cli_version: this.o.cliVersion,
      model_provider: provider.id,
      model,
      approval_policy: approvalPolicy,
      sandbox_mode: sandboxMode,
      base_instructions: loaded.instructions,
    });
    history.append(
      ...initialContextItems({
        cwd,
        approvalPolicy,
        sandboxMode,
        developerInstructions: params.developerInstructions ?? config.developerInstructions,
        now: created,
        shell: 'bash',
      }),
    );
    this.threads.set(id, loaded);

    return {
      thread: { ...thread },
      model,
      modelProvider: provider.id,
      serviceTier: null,
      cwd,
      instructionSources: [],
      approvalPolicy,
      approvalsReviewer: 'user',
      sandbox: sandboxPolicy(sandboxMode),
      reasoningEffort: config.modelReasoningEffort,
    };
  }

  /** Announces a new thread (after the thread/start reply went out). */
  announceThread(threadId: string): void {
    const t = this.get(threadId);
    this.publish(t, 'thread/started', { thread: { ...t.thread } });
  }

  /** Validates and registers a turn; `begin()` starts it (after the reply went out). */
  prepareTurn(params: TurnStartParams): { turn: Turn; begin: () => void } {
    const t = this.get(params.threadId);
    if (t.activeTurn) {
      throw new TernError('turn_active', `thread ${t.thread.id} already has a turn in progress (${t.activeTurn.turn.id})`);
    }
    if (params.input.length === 0) throw new TernError('invalid_params', 'turn/start needs at least one input item');
    const turnId = newId();
    const turn: Turn = {
      id: turnId,
      rootTurnId: turnId,
      items: [],
      itemsView: 'notLoaded',
      status: 'inProgress',
      error: null,
      startedAt: null,
      completedAt: null,
      durationMs: null,
    };
    const abort = new AbortController();
    const active = { turn, abort, done: Promise.resolve() };
    t.activeTurn = active;
    if (t.thread.preview === '') {
      const first = params.input.find((i) => i.type === 'text');
      if (first && first.type === 'text') t.thread.preview = first.text;
    }
    if (params.model) t.model = params.model;
    if (params.approvalPolicy) t.approvalPolicy = params.approvalPolicy;
    return {
      turn: { ...turn },
      begin: () => {
        active.done = this.executeTurn(t, params, active).catch((err: unknown) => {
          // executeTurn reports turn failures itself; reaching here is a bug, but
          // it must not take the server (and every other thread) down with it.
          this.o.log.error(`turn ${turnId} crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
          t.activeTurn = null;
        });
      },
    };
  }

  /**
   * Interrupts the running turn: its model request and tool processes are
   * aborted, and it ends with `turn/completed` status `interrupted`.
   */
  interruptTurn(threadId: string, turnId: string): void {
    const t = this.get(threadId);
    if (!t.activeTurn) throw new TernError('no_active_turn', `no active turn to interrupt on thread ${threadId}`);
    if (t.activeTurn.turn.id !== turnId) {
      throw new TernError('turn_mismatch', `expected active turn id ${t.activeTurn.turn.id} but found ${turnId}`);
    }
    t.activeTurn.abort.abort();
  }

  /** Aborts running turns and waits for them and for pending log writes. */
  async shutdown(): Promise<void> {
    const running = [...this.threads.values()].map((t) => {
      t.activeTurn?.abort.abort();
      return t.activeTurn?.done ?? Promise.resolve();
    });
    await Promise.allSettled(running);
    await Promise.allSettled([...this.threads.values()].map((t) => t.log.flush()));
  }

  private get(threadId: string): LoadedThread {
    if (typeof threadId !== 'string') throw new TernError('invalid_params', 'threadId must be a string');
    const t = this.threads.get(threadId);
    if (!t) throw new TernError('thread_not_found', `thread not found: ${threadId}`);
    return t;
  }

  private publish<M extends ServerNotificationMethod>(t: LoadedThread, method: M, params: ServerNotificationParams[M]): void {
    // Deltas are not persisted: the completed item is authoritative.
    if (!method.endsWith('/delta') && !method.endsWith('Delta') && method !== 'item/reasoning/summaryPartAdded') {
      t.log.append('event', { method, params });
    }
    this.o.notify(method, params);
  }

  private async executeTurn(
    t: LoadedThread,
    params: TurnStartParams,
    active: { turn: Turn; abort: AbortController },
  ): Promise<void> {
    const threadId = t.thread.id;
    const turn = active.turn;
    const startedMs = Date.now();
    turn.startedAt = nowSeconds();
    t.thread.status = { type: 'active', activeFlags: [] };
    this.publish(t, 'thread/status/changed', { threadId, status: t.thread.status });
    this.publish(t, 'turn/started', { threadId, turn: { ...turn } });
    t.log.append('turn_context', {
      turn_id: turn.id,
      cwd: t.thread.cwd,
      model: t.model,
      approval_policy: t.approvalPolicy,
      sandbox_mode: t.sandboxMode,
    });

    const emit: TurnEmitter = { notify: (method, p) => this.publish(t, method, p) };
    let outcome;
    try {
      const model = this.modelClient(t);
      outcome = await runTurn(
        {
          threadId,
          turnId: turn.id,
          cwd: t.thread.cwd,
          model: t.model,
          instructions: t.instructions,
          approvalPolicy: t.approvalPolicy,
          sandboxMode: t.sandboxMode,
          reasoningEffort: t.config.modelReasoningEffort,
          streamMaxRetries: t.config.modelProvider.streamMaxRetries,
          commandTimeoutMs: this.o.commandTimeoutMs ?? 10 * 60_000,
        },
        {
          model,
          history: t.history,
          emit,
          approvals: this.approvalGateway(t),
          usage: t.usage,
          signal: active.abort.signal,
          env: this.o.env,
        },
        params.input,
      );
    } catch (err) {
      const error = { message: (err as Error).message, codexErrorInfo: 'other' as const, additionalDetails: null };
      this.publish(t, 'error', { threadId, turnId: turn.id, error, willRetry: false });
      outcome = { status: 'failed' as const, error, lastAgentMessage: null };
    }

    turn.status = outcome.status;
    turn.error = outcome.error;
    turn.completedAt = nowSeconds();
    turn.durationMs = Date.now() - startedMs;
    if (outcome.status === 'completed' && outcome.lastAgentMessage) {
      turn.items = [outcome.lastAgentMessage];
      turn.itemsView = 'summary';
    }
    t.thread.updatedAt = nowSeconds();
    t.activeTurn = null;
    t.thread.status = outcome.status === 'failed' ? { type: 'systemError' } : { type: 'idle' };
    this.publish(t, 'thread/status/changed', { threadId, status: t.thread.status });
    this.publish(t, 'turn/completed', { threadId, turn: { ...turn } });
  }

  private modelClient(t: LoadedThread): ModelClient {
    const p = t.config.modelProvider;
    const apiKey = p.envKey ? this.o.env[p.envKey] : undefined;
    if (p.envKey && !apiKey) {
      throw new TernError(
        'missing_api_key',
        `no API key for model provider "${p.id}": set the environment variable ${p.envKey}`,
      );
    }
    return new ResponsesModelClient({
      baseUrl: p.baseUrl,
      apiKey: apiKey ?? 'unused',
      maxRetries: p.requestMaxRetries,
      timeoutMs: p.streamIdleTimeoutMs,
      headers: p.httpHeaders,
      query: p.queryParams,
      userAgent: this.o.userAgent(),
    });
  }

  private approvalGateway(t: LoadedThread): ApprovalGateway {
    const threadId = t.thread.id;
    const setFlags = (flags: ('waitingOnApproval' | 'waitingOnUserInput')[]) => {
      t.thread.status = { type: 'active', activeFlags: flags };
      this.publish(t, 'thread/status/changed', { threadId, status: t.thread.status });
    };
    return {
      request: async <M extends ServerRequestMethod>(
        method: M,
        params: ServerRequestParams[M],
        signal: AbortSignal,
      ): Promise<ServerRequestResults[M]['decision']> => {
        let requestId: string | number | null = null;
        setFlags(['waitingOnApproval']);
        try {
          const result = (await this.o.requestFromClient(method, params, {
            signal,
            onSent: (id) => (requestId = id),
          })) as { decision?: unknown } | null;
          const decision = result?.decision;
          const valid = ['accept', 'acceptForSession', 'decline', 'cancel'];
          if (typeof decision === 'string' && valid.includes(decision)) return decision as ServerRequestResults[M]['decision'];
          if (decision && typeof decision === 'object') return decision as ServerRequestResults[M]['decision'];
          this.o.log.warn(`approval reply without a valid decision: ${JSON.stringify(result)}; treating it as decline`);
          return 'decline';
        } catch (err) {
          if (signal.aborted) return 'cancel';
          this.o.log.warn(`approval request ${method} failed (${(err as Error).message}); treating it as decline`);
          return 'decline';
        } finally {
          if (requestId !== null) this.publish(t, 'serverRequest/resolved', { threadId, requestId });
          setFlags([]);
        }
      },
    };
  }
}

export function sandboxPolicy(mode: SandboxMode): SandboxPolicy {
  switch (mode) {
    case 'read-only':
      return { type: 'readOnly', networkAccess: false };
    case 'workspace-write':
      return { type: 'workspaceWrite', writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false };
    case 'danger-full-access':
      return { type: 'dangerFullAccess' };
  }
}
