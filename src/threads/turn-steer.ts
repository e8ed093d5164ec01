// `turn/steer` (and `turn/start` while a turn runs): input added to the running
// turn. Each turn/start turn has an inbox; the turn runner takes what is in it at
// its next boundary (agent/turn-runner.ts `takeSteeredInput`). Review and
// compaction turns have none: they cannot be steered. Errors are the
// reference's (codex 0.169.0) codes and words.

import { RpcError } from '../jsonrpc/connection.js';
import { ErrorCode } from '../protocol/jsonrpc.js';
import type { SteeredInput } from '../agent/turn-runner.js';
import type { TurnError, UserInput } from '../protocol/v2.js';
import { TernError } from '../util/errors.js';

/** What a running turn does, as far as steering goes. */
export type SteerKind = 'turn' | 'review' | 'compact';

/** The reference's spelling of a turn kind inside its internal error text. */
const KIND_DEBUG_NAME: Record<Exclude<SteerKind, 'turn'>, string> = { review: 'Review', compact: 'Compact' };

export class SteerInbox {
  private readonly kinds = new Map<string, SteerKind>();
  private readonly queues = new Map<string, SteeredInput[]>();
  private readonly listeners = new Map<string, Set<() => void>>();

  /** A turn was registered; only plain turns accept input. */
  open(turnId: string, kind: SteerKind): void {
    this.kinds.set(turnId, kind);
    if (kind === 'turn') this.queues.set(turnId, []);
  }

  /** The turn ended: input nobody took is dropped with it. */
  close(turnId: string): void {
    this.kinds.delete(turnId);
    this.queues.delete(turnId);
    this.listeners.delete(turnId);
  }

  /** Calls `listener` each time input is added to the turn; returns the unsubscribe function. */
  subscribe(turnId: string, listener: () => void): () => void {
    let set = this.listeners.get(turnId);
    if (!set) this.listeners.set(turnId, (set = new Set()));
    set.add(listener);
    return () => void this.listeners.get(turnId)?.delete(listener);
  }

  /** Everything steered in since the last call, oldest first. */
  take(turnId: string): SteeredInput[] {
    const queue = this.queues.get(turnId);
    if (!queue || queue.length === 0) return [];
    return queue.splice(0);
  }

  /**
   * `turn/steer`: adds `input` to the running turn `activeTurnId` (null: none), which must be
   * `expectedTurnId`. Returns the turn's id.
   */
  steer(activeTurnId: string | null, expectedTurnId: string, input: UserInput[], clientId: string | null): string {
    if (input.length === 0) throw new TernError('invalid_params', 'input must not be empty');
    if (activeTurnId === null) throw new TernError('no_active_turn', 'no active turn to steer');
    if (activeTurnId !== expectedTurnId) {
      throw new TernError('turn_mismatch', `expected active turn id \`${expectedTurnId}\` but found \`${activeTurnId}\``);
    }
    const kind = this.kinds.get(activeTurnId) ?? 'turn';
    if (kind !== 'turn') throw notSteerable(kind);
    this.push(activeTurnId, { input, clientId });
    return activeTurnId;
  }

  /**
   * Whether a `turn/start` may join the running turn: a review or compaction turn refuses it with
   * the reference's internal error.
   */
  assertJoinable(activeTurnId: string): void {
    const kind = this.kinds.get(activeTurnId) ?? 'turn';
    if (kind !== 'turn') {
      throw new RpcError(ErrorCode.InternalError, `failed to submit turn input: ActiveTurnNotSteerable { turn_kind: ${KIND_DEBUG_NAME[kind]} }`);
    }
  }

  /** `turn/start` while a turn runs: the input goes to that turn, as the reference does. */
  addToActive(activeTurnId: string, input: UserInput[], clientId: string | null): void {
    this.assertJoinable(activeTurnId);
    this.push(activeTurnId, { input, clientId });
  }

  private push(turnId: string, input: SteeredInput): void {
    let queue = this.queues.get(turnId);
    if (!queue) this.queues.set(turnId, (queue = []));
    queue.push(input);
    for (const listener of [...(this.listeners.get(turnId) ?? [])]) listener();
  }
}

/** -32600 with the TurnError as `data`, as the reference answers a steer of a review or compaction. */
function notSteerable(kind: Exclude<SteerKind, 'turn'>): RpcError {
  const message = `cannot steer a ${kind} turn`;
  const data: TurnError = { message, codexErrorInfo: { activeTurnNotSteerable: { turnKind: kind } }, additionalDetails: null, misalignment: null };
  return new RpcError(ErrorCode.InvalidRequest, message, data);
}
