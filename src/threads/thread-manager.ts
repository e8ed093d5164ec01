// Owns the loaded threads: creates them, resolves their settings from config
// and thread/start params, runs one turn at a time per thread, and routes every
// event of a thread through one place (`publish`) that both records it in the
// thread's log and notifies the client.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { agentsMdText, discoverAgentsMd, PROJECT_DOC_MAX_BYTES_DEFAULT } from '../agent/agents-md.js';
import { BASE_INSTRUCTIONS } from '../agent/base-instructions.js';
import { Compactor, contextLimits, runCompactionTurn, type CompactionContext } from '../agent/compaction.js';
import { ConversationHistory } from '../agent/history.js';
import { contextUpdateItems, initialContextItems, type PromptSettings } from '../agent/prompt.js';
import { TokenUsageTracker } from '../agent/token-usage.js';
import { reviewHistoryItems, reviewTargetLabel, runReviewTurn } from '../agent/review.js';
import { runTurn, type ApprovalGateway, type TurnEmitter, type TurnOutcome, type TurnSettings } from '../agent/turn-runner.js';
import { loadConfig, type ConfigOverride, type TernConfig } from '../config/index.js';
import { createModelClient } from '../model/factory.js';
import type { ModelClient } from '../model/types.js';
import { SandboxHost } from '../sandbox/host.js';
import { terminateAllToolProcesses } from '../sandbox/launcher.js';
import { protocolSandboxPolicy, resolveToolPolicy, sandboxModeOf } from '../sandbox/policy.js';
import { ToolSandbox } from '../sandbox/tool-sandbox.js';
import type {
  AskForApproval,
  ReviewStartParams,
  ReviewStartResponse,
  ReviewTarget,
  SandboxMode,
  SandboxPolicy,
  ServerNotificationMethod,
  ServerNotificationParams,
  ServerRequestMethod,
  ServerRequestParams,
  ServerRequestResults,
  Thread,
  ThreadListParams,
  ThreadListResponse,
  ThreadReadResponse,
  ThreadResumeParams,
  ThreadResumeResponse,
  ThreadStartParams,
  ThreadStartResponse,
  Turn,
  TurnStartParams,
} from '../protocol/v2.js';
import { findThreadLog, listThreadLogFiles, nullThreadLog, openThreadLog, readThreadLog, threadLogPath, type ThreadLog } from '../store/thread-log.js';
import { replayThread, threadFromReplay, type ReplayedThread } from './thread-replay.js';
import type { ResponseItem } from '../model/types.js';
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
  /** The full policy behind `sandboxMode` (config's [sandbox_workspace_write], or turn/start's sandboxPolicy). */
  sandboxPolicy: SandboxPolicy;
  instructions: string;
  history: ConversationHistory;
  usage: TokenUsageTracker;
  compactor: Compactor;
  /** The settings the model was last told about (initial context or the last context update). */
  announced: PromptSettings;
  log: ThreadLog;
  activeTurn: { turn: Turn; abort: AbortController; done: Promise<void> } | null;
}

export class ThreadManager {
  private readonly threads = new Map<string, LoadedThread>();
  /** bwrap, the sandbox user, the tools' private /tmp: shared by every thread of this server. */
  private readonly sandboxHost: SandboxHost;

  constructor(private readonly o: ThreadManagerOptions) {
    this.sandboxHost = new SandboxHost({ env: o.env, log: o.log });
  }

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
    const sandbox = protocolSandboxPolicy(sandboxMode, config.sandboxWorkspaceWrite);
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
    const history = new ConversationHistory({
      append: (item) => log.append('response_item', item),
      replace: (record) => log.append('compacted', record),
    });
    const limits = contextLimits({
      model,
      modelContextWindow: config.modelContextWindow,
      autoCompactTokenLimit: config.modelAutoCompactTokenLimit,
    });
    const settings: PromptSettings = {
      cwd,
      approvalPolicy,
      sandboxMode,
      networkAccess: networkAccess(sandbox),
      shell: 'bash',
    };
    const agentsMd = await this.agentsMdFor(cwd, config);
    const loaded: LoadedThread = {
      thread,
      config,
      model,
      approvalPolicy,
      sandboxMode,
      sandboxPolicy: sandbox,
      instructions: params.baseInstructions ?? config.baseInstructions ?? BASE_INSTRUCTIONS,
      history,
      usage: new TokenUsageTracker(limits.effectiveContextWindow),
      compactor: new Compactor({ limits, prompt: config.compactPrompt }),
      announced: settings,
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
      created_at: createdAt,
      reasoning_effort: config.modelReasoningEffort,
    });
    history.append(
      ...initialContextItems({
        ...settings,
        developerInstructions: params.developerInstructions ?? config.developerInstructions,
        agentsMd: agentsMdText(cwd, agentsMd),
        now: created,
      }),
    );
    this.threads.set(id, loaded);

    return {
      thread: { ...thread },
      model,
      modelProvider: provider.id,
      serviceTier: null,
      cwd,
      instructionSources: agentsMd.files.map((f) => f.path),
      approvalPolicy,
      approvalsReviewer: 'user',
      sandbox,
      reasoningEffort: config.modelReasoningEffort,
    };
  }

  /** Announces a new thread (after the thread/start reply went out). */
  announceThread(threadId: string): void {
    const t = this.get(threadId);
    this.publish(t, 'thread/started', { thread: { ...t.thread } });
  }

  /**
   * `thread/resume`: a loaded thread is rejoined; otherwise its log is read
   * back (store/thread-replay.ts): turns and items for the client, the model
   * history verbatim (so the next request extends the last one byte for byte),
   * the last turn's settings unless overridden. New records go to the same file.
   */
  async resumeThread(params: ThreadResumeParams, originator: string): Promise<ThreadResumeResponse> {
    const loadedAlready = this.threads.get(params.threadId);
    if (loadedAlready) return this.resumeResponse(loadedAlready, params.excludeTurns === true ? [] : this.turnsOf(loadedAlready), []);
    const file = findThreadLog(this.o.ternHome, params.threadId);
    const replay = file ? replayThread(readThreadLog(file)) : null;
    if (!file || !replay) throw new TernError('thread_not_found', `no rollout found for thread id ${params.threadId}`);
    const meta = replay.meta;
    const ctx = replay.lastTurnContext;
    const extra: ConfigOverride[] = Object.entries(params.config ?? {}).map(([key, value]) => ({ path: key.split('.'), value }));
    let config: TernConfig;
    try {
      config = loadConfig({ ternHome: this.o.ternHome, overrides: this.o.overrides, extraOverrides: extra, env: this.o.env }).config;
    } catch (err) {
      throw new TernError('invalid_config', (err as Error).message, { cause: err });
    }
    const providerId = params.modelProvider ?? meta.model_provider;
    const provider = config.modelProviders[providerId];
    if (!provider) throw new TernError('invalid_params', `unknown model provider: ${providerId}`);
    config = { ...config, modelProvider: provider };
    const lastCwd = ctx?.cwd ?? meta.cwd;
    const cwd = path.resolve(params.cwd ?? lastCwd);
    const st = await stat(cwd).catch(() => null);
    if (!st?.isDirectory()) throw new TernError('invalid_params', `cwd is not a directory: ${cwd}`);
    const lastMode = (ctx?.sandbox_mode ?? meta.sandbox_mode) as SandboxMode;
    const lastPolicy = ctx?.sandbox_policy ?? protocolSandboxPolicy(lastMode, config.sandboxWorkspaceWrite);
    const lastApproval = (ctx?.approval_policy ?? meta.approval_policy) as AskForApproval;
    const model = params.model ?? ctx?.model ?? meta.model;
    const approvalPolicy = (params.approvalPolicy ?? lastApproval) as AskForApproval;
    const sandboxMode = params.sandbox ?? lastMode;
    const sandbox = params.sandbox ? protocolSandboxPolicy(params.sandbox, config.sandboxWorkspaceWrite) : lastPolicy;

    const id = meta.id;
    const log = openThreadLog(file, (err) => this.o.log.error(`thread ${id}: could not write the thread log: ${err.message}`));
    if (replay.unfinishedTurnId !== null) {
      // The process died mid-turn: the log says so once, so later loads agree.
      const turn = replay.turns.find((x) => x.id === replay.unfinishedTurnId)!;
      log.append('event', { method: 'turn/completed', params: { threadId: id, turn: { ...turn, items: [], itemsView: 'notLoaded' } } });
    }
    let seeding = true;
    const history = new ConversationHistory({
      append: (item) => {
        if (!seeding) log.append('response_item', item);
      },
      replace: (record) => log.append('compacted', record),
    });
    history.append(...replay.history);
    seeding = false;
    const dangling = danglingToolOutputs(replay.history);
    if (dangling.length > 0) history.append(...dangling);

    const thread: Thread = { ...threadFromReplay(replay, file), model, cwd, status: { type: 'idle' }, originator: meta.originator ?? originator };
    const limits = contextLimits({ model, modelContextWindow: config.modelContextWindow, autoCompactTokenLimit: config.modelAutoCompactTokenLimit });
    const agentsMd = await this.agentsMdFor(cwd, config);
    const loaded: LoadedThread = {
      thread,
      config,
      model,
      approvalPolicy,
      sandboxMode,
      sandboxPolicy: sandbox,
      instructions: params.baseInstructions ?? meta.base_instructions ?? config.baseInstructions ?? BASE_INSTRUCTIONS,
      history,
      usage: new TokenUsageTracker(limits.effectiveContextWindow),
      compactor: new Compactor({ limits, prompt: config.compactPrompt }),
      // What the model was last told: the last turn's settings (or the session's).
      announced: { cwd: lastCwd, approvalPolicy: lastApproval, sandboxMode: lastMode, networkAccess: networkAccess(lastPolicy), shell: 'bash' },
      log,
      activeTurn: null,
    };
    this.threads.set(id, loaded);
    return this.resumeResponse(loaded, params.excludeTurns === true ? [] : replay.turns, agentsMd.files.map((f) => f.path));
  }

  /** The AGENTS.md files that apply in `cwd` (global file first, nearest last), within the configured budget. */
  private agentsMdFor(cwd: string, config: LoadedThread['config']) {
    return discoverAgentsMd({
      cwd,
      globalDir: this.o.ternHome,
      maxBytes: config.projectDocMaxBytes ?? PROJECT_DOC_MAX_BYTES_DEFAULT,
      fallbackFilenames: config.projectDocFallbackFilenames,
    });
  }

  private resumeResponse(t: LoadedThread, turns: Turn[], instructionSources: string[]): ThreadResumeResponse {
    return {
      thread: { ...t.thread, turns },
      model: t.model,
      modelProvider: t.config.modelProvider.id,
      serviceTier: null,
      cwd: t.thread.cwd,
      instructionSources,
      approvalPolicy: t.approvalPolicy,
      approvalsReviewer: 'user',
      sandbox: t.sandboxPolicy,
      reasoningEffort: t.config.modelReasoningEffort,
    };
  }

  /** After a resume's reply: the thread's status, as the reference sends it. */
  announceResumed(threadId: string): void {
    const t = this.get(threadId);
    this.publish(t, 'thread/status/changed', { threadId, status: t.thread.status });
  }

  /** A loaded thread's turns, from its log (the running turn stays inProgress). */
  private turnsOf(t: LoadedThread): Turn[] {
    if (!t.log.path) return [];
    const replay = replayThread(readThreadLog(t.log.path));
    const turns = replay?.turns ?? [];
    const active = t.activeTurn?.turn.id;
    for (const turn of turns) if (turn.id === active) turn.status = 'inProgress';
    return turns;
  }

  /** `thread/read`: a loaded thread as it is, or an unloaded one from its log (`notLoaded`). */
  readThread(threadId: string, includeTurns: boolean): ThreadReadResponse {
    if (typeof threadId !== 'string') throw new TernError('invalid_params', 'threadId must be a string');
    const t = this.threads.get(threadId);
    if (t) {
      if (includeTurns && t.thread.ephemeral) throw new TernError('invalid_params', 'ephemeral threads do not support includeTurns');
      return { thread: { ...t.thread, turns: includeTurns ? this.turnsOf(t) : [] } };
    }
    const file = findThreadLog(this.o.ternHome, threadId);
    const replay = file ? replayThread(readThreadLog(file)) : null;
    if (!file || !replay) throw new TernError('thread_not_found', `thread not found: ${threadId}`);
    return { thread: { ...threadFromReplay(replay, file), turns: includeTurns ? replay.turns : [] } };
  }

  /** `thread/list`: threads with a log, newest first by default, pages behind an opaque cursor. */
  listThreads(params: ThreadListParams): ThreadListResponse {
    if (params.archived === true) return { data: [], nextCursor: null, backwardsCursor: null };
    const cwds = params.cwd == null ? null : Array.isArray(params.cwd) ? params.cwd : [params.cwd];
    const kinds = params.sourceKinds ?? null;
    const all: Thread[] = [];
    for (const file of listThreadLogFiles(this.o.ternHome)) {
      let replay: ReplayedThread | null = null;
      try {
        replay = replayThread(readThreadLog(file));
      } catch {
        continue;
      }
      if (!replay) continue;
      const thread = threadFromReplay(replay, file);
      const loaded = this.threads.get(thread.id);
      if (loaded) thread.status = loaded.thread.status;
      if (cwds && !cwds.includes(thread.cwd)) continue;
      if (kinds && !(typeof thread.source === 'string' && kinds.includes(thread.source))) continue;
      all.push(thread);
    }
    const key = params.sortKey === 'updated_at' ? 'updatedAt' : 'createdAt';
    const dir = params.sortDirection === 'asc' ? 1 : -1;
    all.sort((a, b) => dir * (a[key] - b[key]) || dir * a.id.localeCompare(b.id));
    const offset = decodeCursor(params.cursor);
    const limit = Math.max(1, Math.min(params.limit ?? 25, 100));
    const data = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? encodeCursor(offset + limit) : null;
    const back = offset > 0 ? encodeCursor(Math.max(0, offset - limit)) : null;
    return { data, nextCursor: next, backwardsCursor: back };
  }

  /** Validates and registers a turn; `begin()` starts it (after the reply went out). */
  prepareTurn(params: TurnStartParams): { turn: Turn; begin: () => void } {
    const t = this.get(params.threadId);
    ensureIdle(t);
    if (params.input.length === 0) throw new TernError('invalid_params', 'turn/start needs at least one input item');
    const { turn, begin } = this.registerTurn(t, 'turn', params);
    if (t.thread.preview === '') {
      const first = params.input.find((i) => i.type === 'text');
      if (first && first.type === 'text') t.thread.preview = first.text;
    }
    if (params.model) t.model = params.model;
    if (params.approvalPolicy) t.approvalPolicy = params.approvalPolicy;
    if (params.sandboxPolicy) {
      t.sandboxPolicy = params.sandboxPolicy;
      t.sandboxMode = sandboxModeOf(params.sandboxPolicy);
    }
    return { turn: { ...turn }, begin };
  }

  /**
   * Registers a new turn as the thread's active one (there is at most one) and
   * returns it with `begin`, which runs it once the reply has gone out.
   */
  private registerTurn(t: LoadedThread, kind: string, work: TurnWork): { turn: Turn; begin: () => void } {
    ensureIdle(t);
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
    const active = { turn, abort: new AbortController(), done: Promise.resolve() };
    t.activeTurn = active;
    const begin = () => {
      active.done = this.executeTurn(t, work, active).catch((err: unknown) => {
        // executeTurn reports turn failures itself; reaching here is a bug, but
        // it must not take the server (and every other thread) down with it.
        this.o.log.error(`${kind} ${turnId} crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        t.activeTurn = null;
      });
    };
    return { turn, begin };
  }

  /**
   * `thread/compact/start`: registers a turn whose only work is a compaction;
   * `begin()` runs it (after the `{}` reply went out). It reports like any
   * turn: turn/started, one `contextCompaction` item, turn/completed.
   */
  prepareCompaction(threadId: string): { begin: () => void } {
    const { begin } = this.registerTurn(this.get(threadId), 'compaction turn', null);
    return { begin };
  }

  /**
   * `review/start` (inline delivery): registers a review turn on the thread;
   * `begin()` runs it after the reply went out (agent/review.ts). The reply's
   * turn carries the review label as a user message, as the reference's does.
   */
  prepareReview(params: ReviewStartParams): { result: ReviewStartResponse; begin: () => void } {
    const t = this.get(params.threadId);
    const { turn, begin } = this.registerTurn(t, 'review turn', { review: params.target });
    const turnId = turn.id;
    const label = reviewTargetLabel(params.target);
    const result: ReviewStartResponse = {
      turn: {
        ...turn,
        rootTurnId: null,
        items: [{ type: 'userMessage', id: turnId, clientId: null, content: [{ type: 'text', text: label, text_elements: [] }], startedAtMs: null, completedAtMs: null }],
      },
      reviewThreadId: t.thread.id,
    };
    return { result, begin };
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

  /**
   * Aborts running turns (their tool process groups get SIGTERM, then SIGKILL
   * after the launcher's grace period) and waits for them, ends any tool
   * process still running, flushes the thread logs, and removes the tools' /tmp.
   */
  async shutdown(): Promise<void> {
    const running = [...this.threads.values()].map((t) => {
      t.activeTurn?.abort.abort();
      return t.activeTurn?.done ?? Promise.resolve();
    });
    await Promise.allSettled(running);
    await terminateAllToolProcesses();
    await Promise.allSettled([...this.threads.values()].map((t) => t.log.flush()));
    await this.sandboxHost.dispose();
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
    work: TurnWork,
    active: { turn: Turn; abort: AbortController },
  ): Promise<void> {
    const threadId = t.thread.id;
    const turn = active.turn;
    const params = work !== null && 'input' in work ? work : null;
    const review = work !== null && 'review' in work ? work.review : null;
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
      sandbox_policy: t.sandboxPolicy,
    });
    if (work !== null) this.announceSettings(t);

    const emit: TurnEmitter = { notify: (method, p) => this.publish(t, method, p) };
    let outcome;
    try {
      const model = this.modelClient(t);
      const compaction = (signal: AbortSignal): CompactionContext => ({
        threadId,
        turnId: turn.id,
        model: t.model,
        instructions: t.instructions,
        reasoningEffort: t.config.modelReasoningEffort,
        client: model,
        history: t.history,
        usage: t.usage,
        emit,
        signal,
      });
      const settings: TurnSettings = {
        threadId,
        turnId: turn.id,
        cwd: t.thread.cwd,
        model: t.model,
        instructions: t.instructions,
        approvalPolicy: t.approvalPolicy,
        sandboxMode: t.sandboxMode,
        sandbox: this.toolSandbox(t),
        reasoningEffort: t.config.modelReasoningEffort,
        commandTimeoutMs: this.o.commandTimeoutMs ?? 10 * 60_000,
      };
      const deps = { model, emit, approvals: this.approvalGateway(t), usage: t.usage, signal: active.abort.signal, env: this.o.env };
      if (review !== null) outcome = await this.runReview(t, settings, deps, review);
      else if (params === null) outcome = await runCompactionTurn(t.compactor, compaction(active.abort.signal));
      else outcome = await runTurn(
        settings,
        {
          ...deps,
          history: t.history,
          beforeSample: async (signal) => void (await t.compactor.beforeSample(compaction(signal))),
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

  /**
   * A review turn (agent/review.ts) on its own history. The structured review
   * goes to the thread log as a `review_output` record (the wire has only its
   * text); a completed review is appended to the thread's history.
   */
  private async runReview(
    t: LoadedThread,
    settings: TurnSettings,
    deps: Parameters<typeof runReviewTurn>[1],
    target: ReviewTarget,
  ): Promise<TurnOutcome> {
    const { outcome, output, text } = await runReviewTurn(settings, deps, t.history.items(), target);
    t.log.append('review_output', { turn_id: settings.turnId, target, status: outcome.status, review_output: output, text });
    if (outcome.status === 'completed') t.history.append(...reviewHistoryItems(target, text));
    return outcome;
  }

  /**
   * Tells the model about settings changed since it was last told (turn/start
   * overrides), by appending context messages; and follows a model switch with
   * the compaction limits.
   */
  private announceSettings(t: LoadedThread): void {
    const now: PromptSettings = {
      ...t.announced,
      cwd: t.thread.cwd,
      approvalPolicy: t.approvalPolicy,
      sandboxMode: t.sandboxMode,
      networkAccess: networkAccess(t.sandboxPolicy),
    };
    const items = contextUpdateItems(t.announced, now, new Date());
    if (items.length > 0) t.history.append(...items);
    t.announced = now;
    const limits = contextLimits({
      model: t.model,
      modelContextWindow: t.config.modelContextWindow,
      autoCompactTokenLimit: t.config.modelAutoCompactTokenLimit,
    });
    t.compactor.limits = limits;
    t.usage.setContextWindow(limits.effectiveContextWindow);
  }

  /** The sandbox of this turn's tools: the thread's policy, resolved against its cwd. */
  private toolSandbox(t: LoadedThread): ToolSandbox {
    const p = t.approvalPolicy;
    const canEscalate = p === 'on-request' || p === 'untrusted' || (typeof p === 'object' && p.granular.sandbox_approval);
    return new ToolSandbox({
      policy: resolveToolPolicy(t.sandboxPolicy, t.thread.cwd),
      host: this.sandboxHost,
      sandboxUser: t.config.sandboxUser,
      canEscalate,
    });
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
    // Responses or Chat Completions (wire_api), with the one retry layer of src/model.
    return createModelClient(p, { apiKey: apiKey ?? 'unused', userAgent: this.o.userAgent() });
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
        const memory = sessionApprovalsOf(t);
        const cmd = method === 'item/commandExecution/requestApproval' ? (params as ServerRequestParams['item/commandExecution/requestApproval']) : null;
        const key = cmd ? `${cmd.cwd ?? ''}\0${cmd.command ?? ''}` : null;
        // Approved for the session (acceptForSession, or an accepted exec-policy prefix): not asked again.
        if (cmd && key !== null && (memory.commands.has(key) || memory.allows(cmd.proposedExecpolicyAmendment ?? null))) {
          return 'acceptForSession' as ServerRequestResults[M]['decision'];
        }
        let requestId: string | number | null = null;
        setFlags(['waitingOnApproval']);
        try {
          const result = (await this.o.requestFromClient(method, params, {
            signal,
            onSent: (id) => (requestId = id),
          })) as { decision?: unknown } | null;
          const decision = validApprovalDecision(method, result);
          if (decision === 'acceptForSession' && key !== null) memory.commands.add(key);
          if (decision !== null && typeof decision === 'object' && 'acceptWithExecpolicyAmendment' in decision) {
            memory.prefixes.push((decision.acceptWithExecpolicyAmendment as { execpolicy_amendment: string[] }).execpolicy_amendment);
          }
          if (decision !== null) return decision as ServerRequestResults[M]['decision'];
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

/** What a loaded thread's client approved for the session (kept in memory, per process, as Codex does). */
class SessionApprovals {
  /** `cwd\0command` of commands answered `acceptForSession`. */
  readonly commands = new Set<string>();
  /** argv prefixes accepted with `acceptWithExecpolicyAmendment`. */
  readonly prefixes: string[][] = [];
  allows(argv: readonly string[] | null): boolean {
    if (argv === null) return false;
    return this.prefixes.some((p) => p.length <= argv.length && p.every((w, i) => argv[i] === w));
  }
}
const sessionApprovals = new WeakMap<LoadedThread, SessionApprovals>();
function sessionApprovalsOf(t: LoadedThread): SessionApprovals {
  let m = sessionApprovals.get(t);
  if (!m) sessionApprovals.set(t, (m = new SessionApprovals()));
  return m;
}

/**
 * The decision of an approval reply, or null when the reply is malformed (which counts as a
 * decline): one of the four strings, or, for commands only, an amendment object of exactly the
 * reference's shapes (`{acceptWithExecpolicyAmendment: {execpolicy_amendment: string[]}}`,
 * `{applyNetworkPolicyAmendment: {network_policy_amendment: {host, action}}}`). An array, `{}`,
 * an unknown key or a wrong inner shape is malformed.
 */
export function validApprovalDecision(method: ServerRequestMethod, result: unknown): string | Record<string, unknown> | null {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return null;
  const decision = (result as { decision?: unknown }).decision;
  if (typeof decision === 'string') {
    return ['accept', 'acceptForSession', 'decline', 'cancel'].includes(decision) ? decision : null;
  }
  if (method !== 'item/commandExecution/requestApproval') return null;
  if (decision === null || typeof decision !== 'object' || Array.isArray(decision)) return null;
  const keys = Object.keys(decision);
  if (keys.length !== 1) return null;
  const inner = (decision as Record<string, unknown>)[keys[0]!];
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return null;
  if (keys[0] === 'acceptWithExecpolicyAmendment') {
    const a = (inner as { execpolicy_amendment?: unknown }).execpolicy_amendment;
    return Array.isArray(a) && a.length > 0 && a.every((w) => typeof w === 'string') ? (decision as Record<string, unknown>) : null;
  }
  if (keys[0] === 'applyNetworkPolicyAmendment') {
    const a = (inner as { network_policy_amendment?: unknown }).network_policy_amendment as { host?: unknown; action?: unknown } | null;
    return a && typeof a === 'object' && typeof a.host === 'string' && (a.action === 'allow' || a.action === 'deny')
      ? (decision as Record<string, unknown>)
      : null;
  }
  return null;
}

/** Whether tool commands may use the network under `policy`. */
export function networkAccess(policy: SandboxPolicy): boolean {
  switch (policy.type) {
    case 'dangerFullAccess':
      return true;
    case 'externalSandbox':
      return policy.networkAccess === 'enabled';
    default:
      return policy.networkAccess;
  }
}

/** Opaque thread/list cursors. */
function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string | null | undefined): number {
  if (cursor == null) return 0;
  try {
    const o = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // falls through
  }
  throw new TernError('invalid_params', `invalid cursor: ${cursor}`);
}

/**
 * Outputs for tool calls a killed process never answered: the model must see
 * an output for every call. Appended after the history, never inserted.
 */
function danglingToolOutputs(items: ResponseItem[]): ResponseItem[] {
  const answered = new Set<string>();
  for (const i of items) if (i.type === 'function_call_output' || i.type === 'custom_tool_call_output') answered.add(i.call_id);
  const out: ResponseItem[] = [];
  for (const i of items) {
    if (i.type === 'function_call' && !answered.has(i.call_id)) out.push({ type: 'function_call_output', call_id: i.call_id, output: 'aborted' });
    if (i.type === 'custom_tool_call' && !answered.has(i.call_id)) out.push({ type: 'custom_tool_call_output', call_id: i.call_id, output: 'aborted' });
  }
  return out;
}

/** What a turn does: a `turn/start` (its params), a `thread/compact/start` (null) or a `review/start` ({review}). */
type TurnWork = TurnStartParams | { review: ReviewTarget } | null;

/** A thread runs one turn at a time. */
function ensureIdle(t: LoadedThread): void {
  if (t.activeTurn) {
    throw new TernError('turn_active', `thread ${t.thread.id} already has a turn in progress (${t.activeTurn.turn.id})`);
  }
}
