// One turn as an async iterator of typed events: the client library's way to
// follow a turn. It filters the notification stream down to one thread and
// turn, types each message once (here, not in every caller), and ends after
// `turn/completed`. Events that arrive before the caller starts iterating are
// buffered, so nothing between turn/start's reply and the first `next()` is lost.

import type { JsonRpcNotification } from '../protocol/jsonrpc.js';
import type { ServerNotificationParams, ThreadItem, ThreadTokenUsage, Turn, TurnError } from '../protocol/v2.js';

export type TurnEvent =
  | { type: 'turnStarted'; turn: Turn }
  | { type: 'itemStarted'; item: ThreadItem }
  | { type: 'itemCompleted'; item: ThreadItem }
  | { type: 'agentMessageDelta'; itemId: string; delta: string }
  | { type: 'commandOutputDelta'; itemId: string; delta: string }
  | { type: 'tokenUsage'; usage: ThreadTokenUsage }
  | { type: 'error'; error: TurnError; willRetry: boolean }
  | { type: 'turnCompleted'; turn: Turn };

type Params<M extends keyof ServerNotificationParams> = ServerNotificationParams[M];

/** How each notification method becomes a TurnEvent (protocol as data: one table). */
const EVENT_OF: { [M in keyof ServerNotificationParams]?: (p: Params<M>) => TurnEvent } = {
  'turn/started': (p) => ({ type: 'turnStarted', turn: p.turn }),
  'item/started': (p) => ({ type: 'itemStarted', item: p.item }),
  'item/completed': (p) => ({ type: 'itemCompleted', item: p.item }),
  'item/agentMessage/delta': (p) => ({ type: 'agentMessageDelta', itemId: p.itemId, delta: p.delta }),
  'item/commandExecution/outputDelta': (p) => ({ type: 'commandOutputDelta', itemId: p.itemId, delta: p.delta }),
  'thread/tokenUsage/updated': (p) => ({ type: 'tokenUsage', usage: p.tokenUsage }),
  error: (p) => ({ type: 'error', error: p.error, willRetry: p.willRetry }),
  'turn/completed': (p) => ({ type: 'turnCompleted', turn: p.turn }),
};

/** The turn id a notification belongs to (turn/started and turn/completed carry the turn itself). */
function turnIdOf(params: Record<string, unknown>): string | null {
  if (typeof params.turnId === 'string') return params.turnId;
  const turn = params.turn as { id?: unknown } | undefined;
  return typeof turn?.id === 'string' ? turn.id : null;
}

export class TurnStream implements AsyncIterable<TurnEvent> {
  /** Set from turn/start's reply, or from the first event that names it. */
  turnId: string | null = null;
  /** The latest version of each item of the turn, by id, updated as messages arrive (before iteration). */
  readonly items = new Map<string, ThreadItem>();
  private readonly buffer: TurnEvent[] = [];
  private waiting: ((r: IteratorResult<TurnEvent>) => void) | null = null;
  private ended = false;
  private failure: Error | null = null;
  private rejectWaiting: ((err: Error) => void) | null = null;

  /** `onEnd` runs once when the stream ends (completed, failed or abandoned), e.g. to unsubscribe. */
  constructor(
    readonly threadId: string,
    private onEnd: (() => void) | null = null,
  ) {}

  private end(): void {
    this.ended = true;
    const hook = this.onEnd;
    this.onEnd = null;
    hook?.();
  }

  /** Feeds one server notification; the client calls this for every notification. */
  accept(n: JsonRpcNotification): void {
    const toEvent = EVENT_OF[n.method as keyof ServerNotificationParams] as ((p: unknown) => TurnEvent) | undefined;
    const params = n.params as Record<string, unknown> | undefined;
    if (!toEvent || !params || typeof params !== 'object' || params.threadId !== this.threadId || this.ended) return;
    const turnId = turnIdOf(params);
    if (this.turnId !== null && turnId !== null && turnId !== this.turnId) return;
    if (this.turnId === null && turnId !== null) this.turnId = turnId;
    const event = toEvent(params);
    if (event.type === 'itemStarted' || event.type === 'itemCompleted') this.items.set(event.item.id, event.item);
    this.push(event);
  }

  /** Ends the stream with an error (e.g. the server died); a pending `next()` rejects. */
  fail(err: Error): void {
    if (this.ended) return;
    this.end();
    this.failure = err;
    this.rejectWaiting?.(err);
    this.waiting = null;
    this.rejectWaiting = null;
  }

  private push(event: TurnEvent): void {
    if (event.type === 'turnCompleted') this.end();
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      this.rejectWaiting = null;
      resolve({ value: event, done: false });
    } else {
      this.buffer.push(event);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<TurnEvent> {
    return {
      next: () => {
        const event = this.buffer.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (this.failure) return Promise.reject(this.failure);
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.waiting = resolve;
          this.rejectWaiting = reject;
        });
      },
      return: () => {
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
