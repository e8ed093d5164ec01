// What one `tern run` came to: the turn's status, the final message, usage, and
// the outcome with its failure kind and exit code. Failures are recorded here
// and nowhere else; the first one wins (a timeout that then kills the server is
// a timeout, not a server crash).

import { EXIT_CODES, type FailureKind, type RunOutcome, type TurnStatus } from '../artifacts/result.js';
import type { ThreadTokenUsage, Turn } from '../protocol/v2.js';
import type { ReviewText } from '../protocol/review-text.js';

const REASON_MAX = 400;

export class RunState {
  threadId: string | null = null;
  turnId: string | null = null;
  model: string | null = null;
  turnStatus: TurnStatus = null;
  finalMessage: string | null = null;
  tokenUsage: ThreadTokenUsage['total'] | null = null;
  failure: { kind: FailureKind; message: string } | null = null;
  /** Review mode: the review as `exitedReviewMode` carried it, parsed back into findings. */
  review: ReviewText | null = null;

  /** Records a failure unless one is already recorded. */
  fail(kind: FailureKind, message: string): void {
    this.failure ??= { kind, message: oneLine(message) };
  }

  /** The turn ended: completed is not yet success (that depends on the diff); failed or interrupted is a failure. */
  turnEnded(turn: Turn, lastError: string | null): void {
    this.turnId = turn.id;
    this.turnStatus = turn.status === 'completed' || turn.status === 'failed' || turn.status === 'interrupted' ? turn.status : null;
    if (turn.status === 'failed') this.fail('model', `turn failed: ${turn.error?.message ?? lastError ?? 'no error message'}`);
    else if (turn.status === 'interrupted') this.fail('interrupted', 'the turn was interrupted');
    else if (turn.status !== 'completed') this.fail('server', `turn ended with unexpected status '${String(turn.status)}'`);
  }

  /** The outcome, once the diff is known. A review that completed is a success: the review is its product. */
  outcome(filesChanged: number, reviewing = false): { outcome: RunOutcome; exitCode: number } {
    if (this.failure) return { outcome: 'failed', exitCode: EXIT_CODES[this.failure.kind] };
    if (this.turnStatus !== 'completed') {
      this.fail('internal', 'the run ended without a completed turn or a recorded failure');
      return { outcome: 'failed', exitCode: EXIT_CODES.internal };
    }
    if (reviewing) {
      if (this.review === null) {
        this.fail('server', 'the review turn completed without an exitedReviewMode item (no review to record)');
        return { outcome: 'failed', exitCode: EXIT_CODES.server };
      }
      return { outcome: 'success', exitCode: EXIT_CODES.success };
    }
    return filesChanged > 0 ? { outcome: 'success', exitCode: EXIT_CODES.success } : { outcome: 'no_changes', exitCode: EXIT_CODES.no_changes };
  }
}

export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > REASON_MAX ? `${flat.slice(0, REASON_MAX - 1)}…` : flat;
}
