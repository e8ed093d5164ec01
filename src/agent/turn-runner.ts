// One turn of the agent loop: user input -> model -> tool calls -> outputs ->
// model ... until the model answers without calling a tool. It turns model
// stream events and tool runs into protocol items (item/started -> deltas ->
// item/completed) through the TurnEmitter, the single path that notifies the
// client and records the event. Thread-level events (turn/started,
// turn/completed, status) belong to the caller (threads/).

import { InterruptedFailure } from '../util/errors.js';
import path from 'node:path';
import { launch } from '../sandbox/launcher.js';
import { ToolSandbox } from '../sandbox/tool-sandbox.js';
import { ModelError, type ModelClient, type OutputSchema, type ResponseItem } from '../model/types.js';
import type {
  AskForApproval,
  ReasoningSummary,
  SandboxMode,
  ServerNotificationMethod,
  ServerNotificationParams,
  ServerRequestMethod,
  ServerRequestParams,
  ServerRequestResults,
  ThreadItem,
  ThreadItemOf,
  TurnError,
  UserInput,
} from '../protocol/v2.js';
import {
  commandActions,
  displayCommand,
  EXEC_COMMAND,
  formatCommandOutput,
  parseExecCommandArgs,
  shellArgv,
  ToolArgumentError,
  truncateMiddle,
} from '../tools/exec-command.js';
import { APPLY_PATCH } from '../tools/apply-patch-tool.js';
import { commitPatch, parsePatch, planPatch, summarizePatch, type PlannedPatch } from '../tools/apply-patch/index.js';
import { toolSpecs } from '../tools/registry.js';
import { isKnownSafeCommand, proposedExecpolicyAmendment } from '../tools/safe-commands.js';
import { TurnDiffTracker } from '../tools/turn-diff.js';
import { parseUpdatePlanArgs, PLAN_UPDATED_OUTPUT, UPDATE_PLAN } from '../tools/update-plan.js';
import { newId } from '../util/ids.js';
import { yieldToIo } from '../util/yield-to-io.js';
import { granularRejection, granularRejectsEscalation } from './granular.js';
import { retryTurnError, turnErrorFrom } from './errors.js';
import type { ConversationHistory } from './history.js';
import { userMessage } from './prompt.js';
import type { TokenUsageTracker } from './token-usage.js';

export interface TurnEmitter {
  notify<M extends ServerNotificationMethod>(method: M, params: ServerNotificationParams[M]): void;
}

/** Asks the client; resolves to its decision (an error reply counts as `decline`). */
/**
 * Where the caller's item events go around an approval, in the reference's order: `announce` runs once,
 * after the `waitingOnApproval` flag and before the request (or at once when the answer is remembered);
 * `settle` runs with the answer after `serverRequest/resolved` and before the flag is cleared.
 */
export interface ApprovalHooks {
  announce?: () => void;
  settle?: (decision: unknown) => void;
}

export interface ApprovalGateway {
  request<M extends ServerRequestMethod>(
    method: M,
    params: ServerRequestParams[M],
    signal: AbortSignal,
    hooks?: ApprovalHooks,
  ): Promise<ServerRequestResults[M]['decision']>;
}

export interface TurnSettings {
  threadId: string;
  turnId: string;
  cwd: string;
  model: string;
  instructions: string;
  approvalPolicy: AskForApproval;
  sandboxMode: SandboxMode;
  /** Where commands run and what apply_patch may write; default: `sandboxMode` with no OS sandbox available (fails closed). */
  sandbox?: ToolSandbox;
  reasoningEffort: string | null;
  /** `reasoning.summary` of the requests (default `auto`; `none` asks for none). */
  reasoningSummary?: ReasoningSummary | null;
  /** The client's id for the turn's input (`clientUserMessageId`), echoed as the user message's `clientId`. */
  clientUserMessageId?: string | null;
  commandTimeoutMs: number;
  /** Ask the model for a final answer in this JSON shape (review turns: agent/review.ts). */
  outputSchema?: OutputSchema | null;
  /**
   * Keep the model's messages off the wire (review turns: its raw JSON answer is
   * not shown; the caller reports the rendered review). They still end the turn
   * as `lastAgentMessage` and stay in the history.
   */
  quietAgentMessages?: boolean;
  /** @deprecated Ignored: the model client owns every retry (src/model/retry.ts). */
  streamMaxRetries?: number;
}

export interface TurnDeps {
  model: ModelClient;
  history: ConversationHistory;
  emit: TurnEmitter;
  approvals: ApprovalGateway;
  usage: TokenUsageTracker;
  signal: AbortSignal;
  /** Environment that tool processes' allow-list is taken from. */
  env: NodeJS.ProcessEnv;
  /** Runs before each model request; may compact the history (agent/compaction.ts). */
  beforeSample?: (signal: AbortSignal) => Promise<void>;
  /**
   * Input the client added while the turn runs (`turn/steer`), taken at each boundary: before
   * every model request, and when the model answered without a tool call (then it samples again).
   */
  takeSteeredInput?: () => SteeredInput[];
  /**
   * Calls `listener` when input is steered in; returns the unsubscribe function. A model request
   * under way is then dropped (its items never complete) and sent again with the input, as the
   * reference does; a running tool call is not disturbed.
   */
  onSteered?: (listener: () => void) => () => void;
}

/** Input added to a running turn, with the client's id for it. */
export interface SteeredInput {
  input: UserInput[];
  clientId: string | null;
}

export interface TurnOutcome {
  status: 'completed' | 'failed' | 'interrupted';
  error: TurnError | null;
  lastAgentMessage: ThreadItemOf<'agentMessage'> | null;
}

/** Clients get at most this much of a command's output in its completed item. */
const MAX_ITEM_OUTPUT_CHARS = 64 * 1024;

type ToolCall = Extract<ResponseItem, { type: 'function_call' | 'custom_tool_call' }>;

class TurnCancelled extends InterruptedFailure {}

export async function runTurn(settings: TurnSettings, deps: TurnDeps, input: UserInput[]): Promise<TurnOutcome> {
  const runner = new TurnRunner(settings, deps);
  return runner.run(input);
}

class TurnRunner {
  private lastAgentMessage: ThreadItemOf<'agentMessage'> | null = null;
  private readonly cancel = new AbortController();
  private readonly signal: AbortSignal;
  private readonly sandbox: ToolSandbox;
  private readonly diff: TurnDiffTracker;

  constructor(
    private readonly s: TurnSettings,
    private readonly d: TurnDeps,
  ) {
    this.signal = AbortSignal.any([d.signal, this.cancel.signal]);
    this.sandbox = s.sandbox ?? ToolSandbox.withoutHost(s.sandboxMode, s.cwd);
    this.diff = new TurnDiffTracker(s.cwd);
  }

  private notify<M extends ServerNotificationMethod>(method: M, params: ServerNotificationParams[M]): void {
    this.d.emit.notify(method, params);
  }

  private ids() {
    return { threadId: this.s.threadId, turnId: this.s.turnId };
  }

  private quiet(item: ThreadItem): boolean {
    return item.type === 'agentMessage' && this.s.quietAgentMessages === true;
  }

  private started(item: ThreadItem): void {
    if (this.quiet(item)) return;
    const startedAtMs = Date.now();
    item.startedAtMs = startedAtMs;
    item.completedAtMs = null;
    this.notify('item/started', { ...this.ids(), item: structuredClone(item), startedAtMs });
  }

  /** An item whose approval was refused ends `declined` (the approval gateway calls this in order). */
  private completeIfRefused(item: ThreadItemOf<'commandExecution' | 'fileChange'>, decision: unknown): void {
    if (approves(decision)) return;
    item.status = 'declined';
    this.completed(item);
  }

  private completed(item: ThreadItem): void {
    if (this.quiet(item)) return;
    const completedAtMs = Date.now();
    item.completedAtMs = completedAtMs;
    this.notify('item/completed', { ...this.ids(), item: structuredClone(item), completedAtMs, contentTokenCount: null });
  }

  /** The user's input: a `userMessage` item, and a user message in the history. */
  private addUserInput(input: UserInput[], clientId: string | null): void {
    // Text parts carry their (possibly empty) element list, as the reference shows them.
    const content = input.map((i) => (i.type === 'text' ? { ...i, text_elements: i.text_elements ?? [] } : i));
    const userItem: ThreadItem = { type: 'userMessage', id: newId(), clientId, content };
    this.started(userItem);
    this.completed(userItem);
    this.d.history.append(userMessage(inputText(input)));
  }

  /** Adds what was steered in since the last boundary; whether there was any. */
  private takeSteered(): boolean {
    const steered = this.d.takeSteeredInput?.() ?? [];
    for (const s of steered) this.addUserInput(s.input, s.clientId);
    return steered.length > 0;
  }

  async run(input: UserInput[]): Promise<TurnOutcome> {
    this.addUserInput(input, this.s.clientUserMessageId ?? null);
    try {
      for (;;) {
        // Each phase that starts new work lets the streaming of other turns go first (util/yield-to-io.ts).
        await yieldToIo();
        await this.d.beforeSample?.(this.signal);
        this.takeSteered();
        const calls = await this.sample();
        // Steered while the model answered: that answer is dropped, the input goes in, ask again.
        if (calls === null) continue;
        for (const call of calls) {
          await yieldToIo();
          this.d.history.append(await this.runTool(call));
        }
        await yieldToIo();
        await this.resendDiff();
        if (calls.length > 0) continue;
        // An answer ends the turn, unless the client steered more input in meanwhile.
        if (this.takeSteered()) continue;
        break;
      }
      return { status: 'completed', error: null, lastAgentMessage: this.lastAgentMessage };
    } catch (err) {
      if (this.signal.aborted || err instanceof TurnCancelled || (err instanceof ModelError && err.kind === 'aborted')) {
        return { status: 'interrupted', error: null, lastAgentMessage: this.lastAgentMessage };
      }
      const error = turnErrorFrom(err);
      this.notify('error', { ...this.ids(), error, willRetry: false });
      return { status: 'failed', error, lastAgentMessage: this.lastAgentMessage };
    }
  }

  /**
   * One model request. The model client retries it (src/model/retry.ts); each
   * `retry` event voids what the failed attempt streamed. Items are started and
   * their deltas sent as they arrive, but completed only when the response
   * completes: the partial output of a failed attempt is never reported as a
   * completed item, nor added to the history. Null when input was steered in meanwhile: the
   * response is dropped the same way.
   */
  private async sample(): Promise<ToolCall[] | null> {
    const request = {
      model: this.s.model,
      instructions: this.s.instructions,
      input: this.d.history.items(),
      tools: toolSpecs(),
      promptCacheKey: this.s.threadId,
      reasoningEffort: this.s.reasoningEffort,
      reasoningSummary: this.s.reasoningSummary ?? null,
      ...(this.s.outputSchema ? { outputSchema: this.s.outputSchema } : {}),
    };
    type StreamedItem = ThreadItemOf<'agentMessage'> | ThreadItemOf<'reasoning'>;
    // The current attempt: items by id, in the order they started.
    let items = new Map<string, StreamedItem>();
    let outputs: ResponseItem[] = [];
    let calls: ToolCall[] = [];

    const openMessage = (id: string): ThreadItemOf<'agentMessage'> => {
      const existing = items.get(id);
      if (existing?.type === 'agentMessage') return existing;
      const item: ThreadItemOf<'agentMessage'> = {
        type: 'agentMessage',
        id,
        text: '',
        phase: null,
        moderation: null,
        memoryCitation: null,
        delivery: null,
        questions: null,
      };
      items.set(id, item);
      this.started(item);
      return item;
    };
    const openReasoning = (id: string): ThreadItemOf<'reasoning'> => {
      const existing = items.get(id);
      if (existing?.type === 'reasoning') return existing;
      const item: ThreadItemOf<'reasoning'> = { type: 'reasoning', id, summary: [], content: [] };
      items.set(id, item);
      this.started(item);
      return item;
    };

    const superseded = new AbortController();
    const stopListening = this.d.onSteered?.(() => superseded.abort()) ?? (() => {});
    try {
      for await (const ev of this.d.model.stream(request, AbortSignal.any([this.signal, superseded.signal]))) {
        switch (ev.type) {
          case 'output_item_added': {
            const it = ev.item;
            if (it.type === 'message' && it.id) openMessage(it.id);
            else if (it.type === 'reasoning' && it.id) openReasoning(it.id);
            break;
          }
          case 'text_delta': {
            openMessage(ev.itemId).text += ev.delta;
            if (this.s.quietAgentMessages !== true) this.notify('item/agentMessage/delta', { ...this.ids(), itemId: ev.itemId, delta: ev.delta });
            break;
          }
          case 'reasoning_summary_part_added': {
            const item = openReasoning(ev.itemId);
            while (item.summary.length <= ev.summaryIndex) item.summary.push('');
            this.notify('item/reasoning/summaryPartAdded', { ...this.ids(), itemId: ev.itemId, summaryIndex: ev.summaryIndex });
            break;
          }
          case 'reasoning_summary_delta': {
            const item = openReasoning(ev.itemId);
            while (item.summary.length <= ev.summaryIndex) item.summary.push('');
            item.summary[ev.summaryIndex] += ev.delta;
            this.notify('item/reasoning/summaryTextDelta', {
              ...this.ids(),
              itemId: ev.itemId,
              delta: ev.delta,
              summaryIndex: ev.summaryIndex,
            });
            break;
          }
          case 'reasoning_text_delta': {
            const item = openReasoning(ev.itemId);
            while (item.content.length <= ev.contentIndex) item.content.push('');
            item.content[ev.contentIndex] += ev.delta;
            this.notify('item/reasoning/textDelta', {
              ...this.ids(),
              itemId: ev.itemId,
              delta: ev.delta,
              contentIndex: ev.contentIndex,
            });
            break;
          }
          case 'output_item_done': {
            const it = ev.item;
            // With store:false the provider keeps nothing: a reasoning item can
            // only be replayed with its encrypted content, so one without it
            // stays out of the history (it is still shown to the client).
            if (it.type !== 'reasoning' || it.encrypted_content) outputs.push(it);
            if (it.type === 'message') {
              openMessage(it.id ?? newId()).text = it.content.map((c) => c.text).join('');
            } else if (it.type === 'reasoning') {
              const item = openReasoning(it.id);
              item.summary = it.summary.map((p) => p.text);
              if (it.content && it.content.length > 0) item.content = it.content.map((c) => c.text);
            } else if (it.type === 'function_call' || it.type === 'custom_tool_call') {
              calls.push(it);
            }
            break;
          }
          case 'retry': {
            this.notify('error', { ...this.ids(), error: retryTurnError(ev), willRetry: true });
            items = new Map();
            outputs = [];
            calls = [];
            break;
          }
          case 'completed': {
            stopListening(); // a complete response is kept, whatever arrives now
            for (const item of items.values()) {
              this.completed(item);
              if (item.type === 'agentMessage') this.lastAgentMessage = item;
            }
            items = new Map();
            if (ev.usage) {
              this.notify('thread/tokenUsage/updated', { ...this.ids(), tokenUsage: this.d.usage.add(ev.usage) });
            }
            break;
          }
        }
      }
    } catch (err) {
      if (superseded.signal.aborted && !this.signal.aborted) return null;
      // Interrupted: close what the client saw start, with what arrived.
      // (The items of a failed attempt stay uncompleted: see above.)
      if (this.signal.aborted) for (const item of items.values()) this.completed(item);
      throw err;
    } finally {
      stopListening();
    }
    this.d.history.append(...outputs);
    return calls;
  }

  private async runTool(call: ToolCall): Promise<ResponseItem> {
    const output = (text: string): ResponseItem =>
      call.type === 'custom_tool_call'
        ? { type: 'custom_tool_call_output', call_id: call.call_id, output: text }
        : { type: 'function_call_output', call_id: call.call_id, output: text };

    if (call.name === EXEC_COMMAND && call.type === 'function_call') {
      return output(await this.execCommand(call.call_id, call.arguments));
    }
    if (call.name === UPDATE_PLAN && call.type === 'function_call') {
      return output(this.updatePlan(call.arguments));
    }
    if (call.name === APPLY_PATCH) {
      let patch = call.type === 'custom_tool_call' ? call.input : '';
      if (call.type === 'function_call') {
        try {
          const args = JSON.parse(call.arguments) as { input?: unknown; patch?: unknown };
          patch = typeof args.input === 'string' ? args.input : typeof args.patch === 'string' ? args.patch : '';
        } catch {
          return output('apply_patch failed: the arguments are not valid JSON; send the patch text as `input`.');
        }
      }
      return output(await this.applyPatch(call.call_id, patch));
    }
    return output(`Unknown tool \`${call.name}\`. Available tools: ${toolSpecs().map((t) => t.name).join(', ')}.`);
  }

  private async execCommand(callId: string, rawArgs: string): Promise<string> {
    let args;
    try {
      args = parseExecCommandArgs(rawArgs);
    } catch (err) {
      if (err instanceof ToolArgumentError) return `exec_command failed: ${err.message}`;
      throw err;
    }
    // A policy that lets no escalation reach the client refuses it before anything starts.
    if (args.escalated && granularRejectsEscalation(this.s.approvalPolicy)) return granularRejection(this.s.approvalPolicy);
    const cwd = path.resolve(this.s.cwd, args.workdir ?? '.');
    const argv = shellArgv(args);
    const item: ThreadItemOf<'commandExecution'> = {
      type: 'commandExecution',
      id: callId,
      command: displayCommand(argv),
      cwd,
      processId: null,
      source: 'agent',
      status: 'inProgress',
      commandActions: commandActions(args.cmd, cwd),
      aggregatedOutput: null,
      exitCode: null,
      durationMs: null,
    };

    let sandbox = this.sandbox;
    if (this.commandNeedsApproval(args.escalated, argv)) {
      const amendment = proposedExecpolicyAmendment(argv);
      const params: ServerRequestParams['item/commandExecution/requestApproval'] = {
        ...this.ids(),
        itemId: callId,
        startedAtMs: Date.now(),
        approvalId: null,
        reason: args.justification,
        command: item.command,
        cwd,
        commandActions: item.commandActions,
        proposedExecpolicyAmendment: amendment,
        availableDecisions: ['accept', { acceptWithExecpolicyAmendment: { execpolicy_amendment: amendment } }, 'cancel'],
      };
      // As the reference: the waiting flag, then item/started, then the request; a refusal completes
      // the item before the flag is cleared.
      const announce = () => {
        this.started(item);
        params.startedAtMs = item.startedAtMs ?? params.startedAtMs;
      };
      const decision = await this.d.approvals.request('item/commandExecution/requestApproval', params, this.signal, {
        announce,
        settle: (answer) => this.completeIfRefused(item, answer),
      });
      if (!approves(decision)) {
        if (decision === 'cancel') this.cancelTurn();
        return 'exec_command was declined by the user: the command did not run.';
      }
      // An approved escalation runs outside the sandbox.
      if (args.escalated) sandbox = sandbox.escalated();
    } else {
      this.started(item);
    }

    const result = await launch({
      argv,
      cwd,
      timeoutMs: this.s.commandTimeoutMs,
      signal: this.signal,
      env: this.d.env,
      sandbox,
      onOutput: (delta) => this.notify('item/commandExecution/outputDelta', { ...this.ids(), itemId: callId, delta }),
    });
    item.processId = result.pid === null ? null : String(result.pid);
    item.aggregatedOutput = truncateMiddle(result.output, MAX_ITEM_OUTPUT_CHARS);
    item.exitCode = result.exitCode;
    item.durationMs = result.durationMs;
    item.status = result.exitCode === 0 ? 'completed' : 'failed';
    this.completed(item);
    if (result.sandboxError) throw result.sandboxError;
    if (result.aborted) throw new TurnCancelled();
    return formatCommandOutput({ ...result, maxOutputTokens: args.maxOutputTokens });
  }

  private async applyPatch(callId: string, patchText: string): Promise<string> {
    const item: ThreadItemOf<'fileChange'> = { type: 'fileChange', id: callId, changes: [], status: 'inProgress' };
    let plan: PlannedPatch;
    try {
      plan = await planPatch(parsePatch(patchText), this.s.cwd, this.sandbox);
    } catch (err) {
      this.started(item);
      item.status = 'failed';
      this.completed(item);
      return `apply_patch failed: ${(err as Error).message}`;
    }
    if (plan.violation !== null && granularRejectsEscalation(this.s.approvalPolicy)) {
      return `patch rejected: ${plan.violation}; rejected by user approval settings`;
    }
    item.changes = plan.changes;
    this.started(item);

    const needsApproval = this.patchNeedsApproval(plan.violation !== null);
    if (needsApproval) {
      const decision = await this.d.approvals.request(
        'item/fileChange/requestApproval',
        { ...this.ids(), itemId: callId, startedAtMs: item.startedAtMs ?? Date.now(), reason: null, grantRoot: null },
        this.signal,
      );
      // Unlike a command's, a refused file change completes after the flag is cleared (as codex).
      if (!approves(decision)) {
        this.completeIfRefused(item, decision);
        if (decision === 'cancel') this.cancelTurn();
        return 'apply_patch was declined by the user: no file was changed.';
      }
    } else if (plan.violation !== null) {
      item.status = 'failed';
      this.completed(item);
      return `apply_patch failed: the sandbox does not allow this change: ${plan.violation}. No file was changed.`;
    }

    const started = Date.now();
    this.diff.track(plan.files);
    try {
      await commitPatch(plan);
    } catch (err) {
      item.status = 'failed';
      this.completed(item);
      return `apply_patch failed: ${(err as Error).message}`;
    }
    item.status = 'completed';
    this.completed(item);
    this.notify('turn/diff/updated', { ...this.ids(), diff: await this.diff.diff() });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    return `Exit code: 0\nWall time: ${seconds} seconds\nOutput:\n${summarizePatch(plan, this.s.cwd)}`;
  }

  /**
   * After each model response (and its tool calls), once the turn has changed a file, the turn's
   * diff goes out again, as the reference re-sends it after every response.
   */
  private async resendDiff(): Promise<void> {
    if (this.diff.touched) this.notify('turn/diff/updated', { ...this.ids(), diff: await this.diff.diff() });
  }

  /** `update_plan`: the plan goes to the client as `turn/plan/updated`; no item is recorded. */
  private updatePlan(rawArgs: string): string {
    let update;
    try {
      update = parseUpdatePlanArgs(rawArgs);
    } catch (err) {
      if (err instanceof ToolArgumentError) return `update_plan failed: ${err.message}`;
      throw err;
    }
    this.notify('turn/plan/updated', { ...this.ids(), explanation: update.explanation, plan: update.plan });
    return PLAN_UPDATED_OUTPUT;
  }

  /** `untrusted` asks for everything but known-safe read-only commands (tools/safe-commands.ts) in the sandbox. */
  private commandNeedsApproval(escalated: boolean, argv: readonly string[]): boolean {
    const p = this.s.approvalPolicy;
    if (p === 'never') return false;
    if (p === 'untrusted') return escalated || !isKnownSafeCommand(argv);
    if (p === 'on-request') return escalated;
    return escalated && p.granular.sandbox_approval;
  }

  /** `outsideSandbox`: the patch writes where the sandbox does not allow (read-only, outside the roots, .git). */
  private patchNeedsApproval(outsideSandbox: boolean): boolean {
    const p = this.s.approvalPolicy;
    if (p === 'never') return false;
    if (p === 'untrusted') return true;
    if (!outsideSandbox) return false;
    return p === 'on-request' || p.granular.sandbox_approval;
  }

  private cancelTurn(): never {
    this.cancel.abort();
    throw new TurnCancelled('the user cancelled the turn');
  }
}

/**
 * Whether an approval decision lets the action run: `accept`, `acceptForSession`, or an accepting
 * amendment object. Anything else (decline, cancel, a network `deny`, or a shape the gateway
 * should have rejected) does not: fail closed.
 */
export function approves(decision: unknown): boolean {
  if (decision === 'accept' || decision === 'acceptForSession') return true;
  if (decision === null || typeof decision !== 'object' || Array.isArray(decision)) return false;
  const d = decision as Record<string, unknown>;
  const keys = Object.keys(d);
  if (keys.length !== 1) return false;
  if (keys[0] === 'acceptWithExecpolicyAmendment') return true;
  if (keys[0] === 'applyNetworkPolicyAmendment') {
    const a = (d.applyNetworkPolicyAmendment as { network_policy_amendment?: { action?: unknown } } | null)?.network_policy_amendment;
    return a?.action === 'allow';
  }
  return false;
}

function inputText(input: UserInput[]): string {
  return input
    .map((i) => (i.type === 'text' ? i.text : ''))
    .filter((t) => t !== '')
    .join('\n');
}
