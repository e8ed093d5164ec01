// Owns the loaded threads: the thread methods (creation and loading live in
// thread-lifecycle.ts, forks in thread-fork.ts, listing in thread-listing.ts),
// one turn at a time per thread, and one place (`publish`) through which every
// event of a thread is both recorded in its log and sent to the client.

import { Compactor, contextLimits, runCompactionTurn, type CompactionContext } from '../agent/compaction.js';
import { ConversationHistory } from '../agent/history.js';
import { contextUpdateItems, type PromptSettings } from '../agent/prompt.js';
import { TokenUsageTracker } from '../agent/token-usage.js';
import { reviewHistoryItems, reviewTargetLabel, runReviewTurn } from '../agent/review.js';
import { runTurn, type ApprovalGateway, type ApprovalHooks, type TurnEmitter, type TurnOutcome, type TurnSettings } from '../agent/turn-runner.js';
import type { TernConfig } from '../config/index.js';
import { createModelClient, preloadModelClient } from '../model/factory.js';
import type { ModelClient } from '../model/types.js';
import { SandboxHost } from '../sandbox/host.js';
import { prepareToolProcesses, terminateAllToolProcesses } from '../sandbox/launcher.js';
import { resolveToolPolicy } from '../sandbox/policy.js';
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
  ThreadForkParams,
  ThreadForkResponse,
  ThreadListParams,
  ThreadListResponse,
  ThreadReadResponse,
  ThreadResumeParams,
  ThreadResumeResponse,
  ThreadStartParams,
  ThreadStartResponse,
  ThreadUnarchiveResponse,
  Turn,
  TurnStartParams,
  TurnSteerParams,
  TurnSteerResponse,
} from '../protocol/v2.js';
import { archiveThreadLog, findThreadLog, readThreadLog, unarchiveThreadLog, type ThreadLog } from '../store/thread-log.js';
import { appendThreadName, readThreadNames } from '../store/thread-names.js';
import { applyTurnOverrides, outputSchemaOf, reasoningSummaryOf, restoredOnce, turnContextExtras } from './turn-overrides.js';
import { SteerInbox } from './turn-steer.js';
import { TernError } from '../util/errors.js';
import { newId } from '../util/ids.js';
import { yieldToIo } from '../util/yield-to-io.js';
import type { Logger } from '../util/log.js';
import { nowSeconds } from '../util/time.js';
import { sessionApprovalsOf, validApprovalDecision } from './approval-decisions.js';
import { createFork } from './thread-fork.js';
import { createThread, loadThread, networkAccess, threadResponse } from './thread-lifecycle.js';
import { findStoredThread, listThreads, readStoredThread, type StoredThread } from './thread-listing.js';
import { replayThread } from './thread-replay.js';

/**
 * Sends a request to the clients subscribed to `threadId` (server/router.ts);
 * `onSent` learns its JSON-RPC id. Settles with the first answer; rejects on an error reply.
 */
export type ClientRequester = (
  method: string,
  params: unknown,
  opts: { signal: AbortSignal; onSent: (id: string | number) => void; threadId: string },
) => Promise<unknown>;

export interface ThreadManagerOptions {
  ternHome: string;
  /** `-c` flags the server was started with. */
  overrides: string[];
  env: NodeJS.ProcessEnv;
  cliVersion: string;
  userAgent: () => string;
  /** Routes a notification: to the subscribers of `threadId`, or to every client (server/router.ts). */
  notify: (method: string, params: unknown, threadId?: string) => void;
  requestFromClient: ClientRequester;
  log: Logger;
  /** Longest a single tool command may run. */
  commandTimeoutMs?: number;
}

/** A thread this process has loaded (started, resumed or forked). */
export interface LoadedThread {
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
  /** Set when `usage` was restored from the log and not yet announced: the turn that last reported it. */
  restoredUsageTurnId?: string | null;
  compactor: Compactor;
  /** The settings the model was last told about (initial context or the last context update). */
  announced: PromptSettings;
  log: ThreadLog;
  activeTurn: { turn: Turn; abort: AbortController; done: Promise<void> } | null;
  /** Requests sent to the client and not answered yet, by JSON-RPC id (re-sent on resume). */
}

export class ThreadManager {
  private readonly threads = new Map<string, LoadedThread>();
  /** bwrap, the sandbox user, the tools' private /tmp: shared by every thread of this server. */
  private readonly sandboxHost: SandboxHost;
  /** Input steered into running turns (turn-steer.ts). */
  private readonly steering = new SteerInbox();

  constructor(private readonly o: ThreadManagerOptions) {
    this.sandboxHost = new SandboxHost({ env: o.env, log: o.log });
  }

  async startThread(params: ThreadStartParams, originator: string): Promise<ThreadStartResponse> {
    const { loaded, response } = await createThread(this.o, params, originator);
    this.adopt(loaded);
    return response;
  }

  /**
   * A thread is loaded: it will make model requests and run tools soon, so the model client is
   * loaded in the background and the tools' helper processes are started now, before any turn streams.
   */
  private adopt(loaded: LoadedThread): void {
    this.threads.set(loaded.thread.id, loaded);
    preloadModelClient(loaded.config.modelProvider.wireApi);
    this.sandboxHost.prepare(loaded.sandboxMode !== 'danger-full-access');
  }

  /**
   * After a resume or fork reply that loaded a log: the token totals restored from it, as the
   * reference sends them (once).
   */
  announceRestoredUsage(threadId: string): void {
    const t = this.threads.get(threadId);
    const turnId = t?.restoredUsageTurnId;
    if (!t || !turnId) return;
    t.restoredUsageTurnId = null;
    this.o.notify('thread/tokenUsage/updated', { threadId, turnId, tokenUsage: t.usage.snapshot() }, threadId);
  }

  /** Announces a new (or forked) thread, after the thread/start or thread/fork reply went out. */
  announceThread(threadId: string): void {
    const t = this.get(threadId);
    this.publish(t, 'thread/started', { thread: { ...t.thread } });
  }

  /**
   * `thread/resume`: a loaded thread is rejoined; otherwise its log is read back
   * (thread-lifecycle.ts `loadThread`) and new records go to the same file.
   */
  async resumeThread(params: ThreadResumeParams, originator: string): Promise<ThreadResumeResponse> {
    const loadedAlready = this.threads.get(params.threadId);
    if (loadedAlready) return threadResponse(loadedAlready, params.excludeTurns === true ? [] : this.turnsOf(loadedAlready), []);
    const stored = this.storedForLoad(params.threadId);
    const name = readThreadNames(this.o.ternHome).get(params.threadId) ?? null;
    const { loaded, instructionSources } = await loadThread(this.o, { replay: stored.replay, file: stored.file, name }, params, originator);
    this.adopt(loaded);
    restoredOnce(loaded); // the saved effort and summary show in the reply already
    // Loaded: the reference announces the status before its reply.
    this.publish(loaded, 'thread/status/changed', { threadId: loaded.thread.id, status: loaded.thread.status });
    return threadResponse(loaded, params.excludeTurns === true ? [] : stored.replay.turns, instructionSources);
  }

  /** A live (not archived) stored thread, for resume and fork; the reference's errors otherwise. */
  private storedForLoad(threadId: string): StoredThread {
    const stored = findStoredThread(this.o.ternHome, threadId);
    if (!stored) throw new TernError('thread_not_found', `no rollout found for thread id ${threadId}`);
    if (stored.archived) throw new TernError('thread_archived', `session ${threadId} is archived. Unarchive it (thread/unarchive) first.`);
    return stored;
  }

  /**
   * `thread/fork`: a new thread from a copy of the source's records through
   * `lastTurnId` (thread-fork.ts), loaded like a resumed one. Its name is the
   * source's. `thread/started` follows the reply (`announceThread`).
   */
  async forkThread(params: ThreadForkParams, originator: string): Promise<ThreadForkResponse> {
    const ephemeral = params.ephemeral === true;
    if (ephemeral && params.excludeTurns !== true) throw new TernError('invalid_params', 'ephemeral thread/fork requires `excludeTurns: true`');
    const source = this.threads.get(params.threadId);
    const file = source ? source.log.path : this.storedForLoad(params.threadId).file;
    if (file === null) throw new TernError('thread_not_found', `no rollout found for thread id ${params.threadId}`);
    const sourceName = source ? source.thread.name : (readThreadNames(this.o.ternHome).get(params.threadId) ?? null);
    const fork = createFork(this.o, { file, lastTurnId: params.lastTurnId ?? null, activeTurnId: source?.activeTurn?.turn.id ?? null, name: sourceName, ephemeral });
    const { loaded, instructionSources } = await loadThread(this.o, fork, params, originator);
    this.adopt(loaded);
    restoredOnce(loaded);
    return threadResponse(loaded, params.excludeTurns === true ? [] : fork.replay.turns, instructionSources);
  }

  /**
   * `thread/archive`: a loaded thread is unloaded first (its running turn
   * interrupted; `thread/status/changed` notLoaded), then its log is moved to
   * `archived_sessions/`. `thread/archived` follows the reply.
   */
  async archiveThread(threadId: string): Promise<void> {
    const t = this.threads.get(threadId);
    const file = t ? t.log.path : findThreadLog(this.o.ternHome, threadId);
    if (!file) throw new TernError('thread_not_found', `no rollout found for thread id ${threadId}`);
    if (t) await this.unload(t);
    archiveThreadLog(this.o.ternHome, file);
  }

  private async unload(t: LoadedThread): Promise<void> {
    const active = t.activeTurn;
    active?.abort.abort();
    await active?.done;
    t.thread.status = { type: 'notLoaded' };
    this.publish(t, 'thread/status/changed', { threadId: t.thread.id, status: t.thread.status });
    t.log.close();
    this.threads.delete(t.thread.id);
  }

  /** `thread/unarchive`: the log moves back to `sessions/`; the thread stays unloaded. */
  unarchiveThread(threadId: string): ThreadUnarchiveResponse {
    const file = findThreadLog(this.o.ternHome, threadId, true);
    if (!file) throw new TernError('thread_not_found', `no archived rollout found for thread id ${threadId}`);
    unarchiveThreadLog(this.o.ternHome, file);
    return readStoredThread(this.o.ternHome, threadId, false);
  }

  /** `thread/name/set`: recorded in the name index (thread-names.ts), loaded or not. */
  setThreadName(threadId: string, name: string): void {
    if (name.trim() === '') throw new TernError('invalid_params', 'thread name must not be empty');
    const t = this.threads.get(threadId);
    if (!t && !findThreadLog(this.o.ternHome, threadId)) throw new TernError('thread_not_found', `no rollout found for thread id ${threadId}`);
    if (t?.thread.ephemeral) throw new TernError('invalid_params', `ephemeral thread does not support metadata updates: ${threadId}`);
    if (t) t.thread.name = name;
    appendThreadName(this.o.ternHome, threadId, name);
  }

  /** Sends a notification about a thread that may not be loaded (archive, unarchive, name). */
  notifyThreadEvent<M extends 'thread/archived' | 'thread/unarchived' | 'thread/name/updated'>(method: M, params: ServerNotificationParams[M]): void {
    this.o.notify(method, params);
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

  /** `thread/read`: a loaded thread as it is, or a stored one from its log (`notLoaded`). */
  readThread(threadId: string, includeTurns: boolean): ThreadReadResponse {
    const t = this.threads.get(threadId);
    if (!t) return readStoredThread(this.o.ternHome, threadId, includeTurns);
    if (includeTurns && t.thread.ephemeral) throw new TernError('invalid_params', 'ephemeral threads do not support includeTurns');
    return { thread: { ...t.thread, turns: includeTurns ? this.turnsOf(t) : [] } };
  }

  /** `thread/list` (thread-listing.ts), loaded threads with their live status. */
  listThreads(params: ThreadListParams): ThreadListResponse {
    return listThreads(this.o.ternHome, params, (id) => this.threads.get(id)?.thread.status ?? null);
  }

  /** Validates and registers a turn; `begin()` starts it (after the reply went out). */
  prepareTurn(params: TurnStartParams): { turn: Turn; begin: () => void } {
    const t = this.get(params.threadId);
    if (params.input.length === 0) throw new TernError('invalid_params', 'turn/start needs at least one input item');
    if (t.activeTurn) {
      // As the reference does: the input joins the running turn; the overrides hold from the next turn on.
      this.steering.assertJoinable(t.activeTurn.turn.id);
      applyTurnOverrides(t, params);
      this.steering.addToActive(t.activeTurn.turn.id, params.input, params.clientUserMessageId ?? null);
      return { turn: unstartedView(t.activeTurn.turn), begin: () => {} };
    }
    applyTurnOverrides(t, params);
    const { turn, begin } = this.registerTurn(t, 'turn', params);
    if (t.thread.preview === '') {
      const first = params.input.find((i) => i.type === 'text');
      if (first && first.type === 'text') t.thread.preview = first.text;
    }
    return { turn: { ...turn }, begin };
  }

  /** `turn/steer`: the input reaches the running turn's model at its next boundary. */
  steerTurn(params: TurnSteerParams): TurnSteerResponse {
    const t = this.get(params.threadId);
    const clientId = params.clientUserMessageId ?? null;
    return { turnId: this.steering.steer(t.activeTurn?.turn.id ?? null, params.expectedTurnId, params.input, clientId) };
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
    this.steering.open(turnId, work === null ? 'compact' : 'review' in work ? 'review' : 'turn');
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
    if (!t.activeTurn) throw new TernError('no_active_turn', 'no active turn to interrupt');
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

  /** Ids of the threads loaded in memory, in load order (`thread/loaded/list`). */
  loadedThreadIds(): string[] {
    return [...this.threads.keys()];
  }

  isLoaded(threadId: string): boolean {
    return this.threads.has(threadId);
  }

  isTurnActive(threadId: string): boolean {
    return this.threads.get(threadId)?.activeTurn != null;
  }

  /**
   * Drops an idle loaded thread from memory (no client uses it any more), as the
   * reference does: `thread/status/changed(notLoaded)`, then `thread/closed`.
   * Its log stays on disk; `thread/resume` loads it again. Not logged: status only.
   */
  unloadThread(threadId: string): boolean {
    const t = this.threads.get(threadId);
    if (!t || t.activeTurn) return false;
    this.threads.delete(threadId);
    t.log.close();
    this.o.notify('thread/status/changed', { threadId, status: { type: 'notLoaded' } }, threadId);
    this.o.notify('thread/closed', { threadId }, threadId);
    return true;
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
    this.o.notify(method, params, t.thread.id);
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
    // Starting a turn is new work: the streaming of running turns goes first (util/yield-to-io.ts).
    await yieldToIo();
    const startedMs = Date.now();
    restoredOnce(t);
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
      ...turnContextExtras(t),
    });
    if (work !== null) this.announceSettings(t);

    // As the reference: a turn's fatal error flips the thread to systemError before the error goes out.
    const emit: TurnEmitter = {
      notify: (method, p) => {
        if (method === 'error' && !(p as { willRetry?: boolean }).willRetry) this.markSystemError(t);
        this.publish(t, method, p);
      },
    };
    let outcome;
    try {
      const model = this.modelClient(t);
      prepareToolProcesses();
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
        reasoningSummary: reasoningSummaryOf(t),
        clientUserMessageId: params?.clientUserMessageId ?? null,
        outputSchema: outputSchemaOf(params),
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
          takeSteeredInput: () => this.steering.take(turn.id),
          onSteered: (listener) => this.steering.subscribe(turn.id, listener),
        },
        params.input,
      );
    } catch (err) {
      const error = { message: (err as Error).message, codexErrorInfo: 'other' as const, additionalDetails: null };
      emit.notify('error', { threadId, turnId: turn.id, error, willRetry: false });
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
    this.steering.close(turn.id);
    t.activeTurn = null;
    if (outcome.status === 'failed') this.markSystemError(t);
    else {
      t.thread.status = { type: 'idle' };
      this.publish(t, 'thread/status/changed', { threadId, status: t.thread.status });
    }
    this.publish(t, 'turn/completed', { threadId, turn: { ...turn } });
  }

  /** The thread's status becomes systemError, announced once. */
  private markSystemError(t: LoadedThread): void {
    if (t.thread.status.type === 'systemError') return;
    t.thread.status = { type: 'systemError' };
    this.publish(t, 'thread/status/changed', { threadId: t.thread.id, status: t.thread.status });
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
        hooks: ApprovalHooks = {},
      ): Promise<ServerRequestResults[M]['decision']> => {
        const memory = sessionApprovalsOf(t);
        const cmd = method === 'item/commandExecution/requestApproval' ? (params as ServerRequestParams['item/commandExecution/requestApproval']) : null;
        const key = cmd ? `${cmd.cwd ?? ''}\0${cmd.command ?? ''}` : null;
        // Approved for the session (acceptForSession, or an accepted exec-policy prefix): not asked again.
        if (cmd && key !== null && (memory.commands.has(key) || memory.allows(cmd.proposedExecpolicyAmendment ?? null))) {
          hooks.announce?.();
          return 'acceptForSession' as ServerRequestResults[M]['decision'];
        }
        let requestId: string | number | null = null;
        let decided: unknown = 'decline';
        setFlags(['waitingOnApproval']);
        hooks.announce?.();
        try {
          decided = await this.askClient(t, method, params, signal, (id) => (requestId = id));
          if (decided === 'acceptForSession' && key !== null) memory.commands.add(key);
          if (decided !== null && typeof decided === 'object' && 'acceptWithExecpolicyAmendment' in decided) {
            memory.prefixes.push((decided.acceptWithExecpolicyAmendment as { execpolicy_amendment: string[] }).execpolicy_amendment);
          }
          return decided as ServerRequestResults[M]['decision'];
        } finally {
          if (requestId !== null) this.publish(t, 'serverRequest/resolved', { threadId, requestId });
          hooks.settle?.(decided);
          // An interrupted turn goes straight to idle (the reference sends no active-without-flags first).
          if (!signal.aborted) setFlags([]);
        }
      },
    };
  }

  /** The client's answer to one approval request; an error reply, a malformed answer or a timeout declines. */
  private async askClient<M extends ServerRequestMethod>(
    t: LoadedThread,
    method: M,
    params: ServerRequestParams[M],
    signal: AbortSignal,
    onSent: (id: string | number) => void,
  ): Promise<unknown> {
    try {
      const result = (await this.o.requestFromClient(method, params, { signal, onSent, threadId: t.thread.id })) as {
        decision?: unknown;
      } | null;
      const decision = validApprovalDecision(method, result);
      if (decision !== null) return decision;
      this.o.log.warn(`approval reply without a valid decision: ${JSON.stringify(result)}; treating it as decline`);
      return 'decline';
    } catch (err) {
      if (signal.aborted) return 'cancel';
      this.o.log.warn(`approval request ${method} failed (${(err as Error).message}); treating it as decline`);
      return 'decline';
    }
  }
}

/** What a turn does: a `turn/start` (its params), a `thread/compact/start` (null) or a `review/start` ({review}). */
type TurnWork = TurnStartParams | { review: ReviewTarget } | null;

/** A thread runs one turn at a time. */
function ensureIdle(t: LoadedThread): void {
  if (t.activeTurn) {
    throw new TernError('turn_active', `thread ${t.thread.id} already has a turn in progress (${t.activeTurn.turn.id})`);
  }
}

/** The running turn as the reference shows it to a turn/start that joined it: not started, no items. */
function unstartedView(turn: Turn): Turn {
  return { ...turn, items: [], itemsView: 'notLoaded', status: 'inProgress', error: null, startedAt: null, completedAt: null, durationMs: null };
}
