// The turn phase of `tern run`: turn/start, then the turn's events until
// turn/completed. Three things can stop a turn early, and all go the same way:
// the wall-time deadline, a budget, and SIGINT/SIGTERM. Each records its
// failure, asks the server to interrupt the turn, and gives it a grace period
// to say so before the turn is abandoned.

import { ServerFailure } from '../util/errors.js';
import type { ProtocolClient } from '../client/client.js';
import type { TurnEvent, TurnStream } from '../client/turn-stream.js';
import type { FailureKind } from '../artifacts/result.js';
import type { BudgetTracker } from './budgets.js';
import type { RunState } from './outcome.js';
import { parseReviewText } from '../protocol/review-text.js';

/** After turn/interrupt: how long the server gets to report the turn's end. */
export const INTERRUPT_GRACE_MS = 10_000;

export interface TurnDeps {
  client: ProtocolClient;
  state: RunState;
  budgets: BudgetTracker;
  /** Every event, for progress output. */
  onEvent(event: TurnEvent): void;
  /** The turn's stream, as soon as the turn has started (approvals look items up in it). */
  onStream?(stream: TurnStream): void;
  /** Fires when SIGINT/SIGTERM arrives. */
  stopSignal: AbortSignal;
  /** Epoch ms of the wall-time deadline, and the --timeout it came from. */
  deadlineMs: number;
  timeoutMs: number;
}

class TurnAbandoned extends ServerFailure {
  override name = 'TurnAbandoned';
}

/** What the turn does: a task (`turn/start`) or a review of the branch against a base (`review/start`). */
export type TurnRequest = { kind: 'task'; prompt: string } | { kind: 'review'; base: string };

function startRequest(client: ProtocolClient, threadId: string, request: TurnRequest) {
  if (request.kind === 'review') return client.startReview({ threadId, target: { type: 'baseBranch', branch: request.base }, delivery: 'inline' });
  return client.startTurn({ threadId, input: [{ type: 'text', text: request.prompt, text_elements: [] }] });
}

/** Runs the turn to its end; failures are recorded in `state`, never thrown (except a dying server). */
export async function followTurn(deps: TurnDeps, threadId: string, request: TurnRequest): Promise<void> {
  const { client, state } = deps;
  const { response, events } = await startRequest(client, threadId, request);
  state.turnId = response.turn.id;
  deps.onStream?.(events);
  const stopper = new TurnStopper(deps, threadId, response.turn.id, events);
  let lastError: string | null = null;
  try {
    for await (const event of events) {
      deps.onEvent(event);
      if (event.type === 'error' && !event.willRetry) lastError = event.error.message;
      absorb(state, event);
      const budget = deps.budgets.observe(event);
      if (budget) stopper.stop('budget', deps.budgets.describe(budget));
      if (event.type === 'turnCompleted') state.turnEnded(event.turn, lastError);
    }
  } catch (err) {
    if (!(err instanceof TurnAbandoned)) throw err;
  } finally {
    stopper.dispose();
  }
}

function absorb(state: RunState, event: TurnEvent): void {
  if (event.type === 'itemCompleted' && event.item.type === 'agentMessage') state.finalMessage = event.item.text;
  if (event.type === 'itemCompleted' && event.item.type === 'exitedReviewMode') state.review = parseReviewText(event.item.review);
  if (event.type === 'tokenUsage') state.tokenUsage = event.usage.total;
  if (event.type === 'turnCompleted' && state.finalMessage === null) {
    const last = [...event.turn.items].reverse().find((i) => i.type === 'agentMessage');
    if (last?.type === 'agentMessage') state.finalMessage = last.text;
  }
}

/** The one way a turn is stopped early: record why, interrupt, abandon after a grace period. */
class TurnStopper {
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping = false;
  private readonly onSignal = () => this.stop('interrupted', 'tern run was interrupted (SIGINT/SIGTERM)');

  constructor(
    private readonly deps: TurnDeps,
    private readonly threadId: string,
    private readonly turnId: string,
    private readonly events: TurnStream,
  ) {
    const untilDeadline = Math.max(0, deps.deadlineMs - Date.now());
    this.timers.push(setTimeout(() => {
      deps.budgets.markWallTime();
      this.stop('timeout', `timed out after ${formatSeconds(deps.timeoutMs)}`);
    }, untilDeadline));
    if (deps.stopSignal.aborted) this.onSignal();
    else deps.stopSignal.addEventListener('abort', this.onSignal, { once: true });
  }

  stop(kind: FailureKind, message: string): void {
    this.deps.state.fail(kind, message);
    if (this.stopping) return;
    this.stopping = true;
    this.deps.client.turnInterrupt({ threadId: this.threadId, turnId: this.turnId }).catch(() => undefined);
    this.timers.push(setTimeout(() => this.events.fail(new TurnAbandoned('the turn did not end after turn/interrupt')), INTERRUPT_GRACE_MS));
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.deps.stopSignal.removeEventListener('abort', this.onSignal);
  }
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
