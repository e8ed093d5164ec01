// Follows one turn through the notification stream: its completion, the last
// completed agentMessage (the final message), the latest token usage and the
// last non-retrying `error` notification.

import type { JsonRpcNotification } from '../protocol/jsonrpc.js';
import type { ServerNotificationParams, ThreadTokenUsage, Turn, TurnError } from '../protocol/v2.js';

export class TurnTracker {
  turnId: string | null = null;
  finalMessage: string | null = null;
  tokenUsage: ThreadTokenUsage['total'] | null = null;
  lastError: TurnError | null = null;
  readonly completion: Promise<Turn>;
  private resolveCompletion!: (turn: Turn) => void;
  private done = false;
  /** agentMessage texts seen before the turn id was known, keyed by turn id. */
  private readonly finalByTurn = new Map<string, string>();

  constructor(readonly threadId: string) {
    this.completion = new Promise((resolve) => (this.resolveCompletion = resolve));
  }

  get isDone(): boolean {
    return this.done;
  }

  /** The turn id from the turn/start response. */
  setTurnId(turnId: string): void {
    this.turnId = turnId;
    const early = this.finalByTurn.get(turnId);
    if (early !== undefined && this.finalMessage === null) this.finalMessage = early;
  }

  handle(n: JsonRpcNotification): void {
    const params = n.params as Record<string, unknown> | undefined;
    if (!params || typeof params !== 'object' || params.threadId !== this.threadId) return;
    switch (n.method) {
      case 'turn/started': {
        const { turn } = params as unknown as ServerNotificationParams['turn/started'];
        if (this.turnId === null && turn?.id) this.setTurnId(turn.id);
        break;
      }
      case 'item/completed': {
        const p = params as unknown as ServerNotificationParams['item/completed'];
        if (p.item?.type !== 'agentMessage') break;
        this.finalByTurn.set(p.turnId, p.item.text);
        if (this.isOurs(p.turnId)) this.finalMessage = p.item.text;
        break;
      }
      case 'thread/tokenUsage/updated': {
        const p = params as unknown as ServerNotificationParams['thread/tokenUsage/updated'];
        if (this.isOurs(p.turnId) && p.tokenUsage?.total) this.tokenUsage = p.tokenUsage.total;
        break;
      }
      case 'error': {
        const p = params as unknown as ServerNotificationParams['error'];
        if (this.isOurs(p.turnId) && !p.willRetry && p.error) this.lastError = p.error;
        break;
      }
      case 'turn/completed': {
        const { turn } = params as unknown as ServerNotificationParams['turn/completed'];
        if (!turn || !this.isOurs(turn.id) || this.done) break;
        if (this.turnId === null) this.setTurnId(turn.id);
        if (this.finalMessage === null) {
          // Fallback: the summary items of turn/completed carry the final agentMessage.
          const last = [...(turn.items ?? [])].reverse().find((i) => i.type === 'agentMessage');
          if (last && last.type === 'agentMessage') this.finalMessage = last.text;
        }
        this.done = true;
        this.resolveCompletion(turn);
        break;
      }
      default:
        break;
    }
  }

  private isOurs(turnId: unknown): boolean {
    return this.turnId === null || turnId === this.turnId;
  }
}
