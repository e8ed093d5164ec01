// Many clients on one core: which connection hears what. Threads belong to the
// server; a connection that starts or resumes a thread subscribes to it.
//   - Thread lifecycle notifications (started, status, closed, ...) go to every
//     initialized connection; every other thread event goes to its subscribers.
//   - A server request (an approval) goes to every subscriber with one id; the
//     first answer from any of them resolves it, once. A client that resumes
//     the thread while it is pending gets it too, after the resume reply. One
//     that goes away does not answer for the others: the request waits for a
//     remaining subscriber or a new one, even when none is left.
//   - A thread left without subscribers is unloaded after an idle delay, unless
//     a turn is running (then after that turn), with `thread/closed`.
// This is what the reference server does (observed on codex 0.169.0).

import { RequestFailedError } from '../jsonrpc/connection.js';
import type { RequestId } from '../protocol/jsonrpc.js';
import type { Logger } from '../util/log.js';

/** One client connection as the router sees it. */
export interface ClientLink {
  readonly label: string;
  /** Sends a notification if the connection is initialized and has not opted out of it. */
  notify(method: string, params: unknown): void;
  /** Sends a request with the given id; settles with the client's answer, or rejects (error reply, closed, aborted). */
  request(method: string, params: unknown, opts: { id: RequestId; signal: AbortSignal }): Promise<unknown>;
}

export interface RouterOptions {
  /** How long a thread without subscribers stays loaded (the reference: 60 s by default). */
  unloadAfterMs: number;
  /** How long a server request waits for any answer before it fails as a timeout (a decline). */
  requestTimeoutMs: number;
  isTurnActive: (threadId: string) => boolean;
  unload: (threadId: string) => void;
  log: Logger;
}

export type UnsubscribeStatus = 'unsubscribed' | 'notSubscribed';

/** Notifications every initialized connection receives, subscribed or not. */
const BROADCAST = new Set([
  'thread/started',
  'thread/status/changed',
  'thread/closed',
  'thread/archived',
  'thread/unarchived',
  'thread/name/updated',
]);

interface PendingRequest {
  threadId: string;
  method: string;
  params: unknown;
  /** Subscribers it was sent to and not yet withdrawn from. */
  targets: Map<ClientLink, AbortController>;
  settle: (outcome: { result: unknown } | Error) => void;
}

export class ThreadRouter {
  private readonly links = new Set<ClientLink>();
  private readonly subscribers = new Map<string, Set<ClientLink>>();
  private readonly pending = new Map<RequestId, PendingRequest>();
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>();
  /** Server request ids: one counter for the process, from 0, as the reference numbers them. */
  private nextRequestId = 0;

  constructor(private readonly o: RouterOptions) {}

  attach(link: ClientLink): void {
    this.links.add(link);
  }

  /** The connection closed: it leaves every thread and every pending request. */
  detach(link: ClientLink): void {
    this.links.delete(link);
    for (const [threadId, subs] of this.subscribers) {
      if (subs.delete(link)) this.afterLeave(threadId);
    }
    for (const p of this.pending.values()) this.withdraw(p, link);
  }

  subscribe(link: ClientLink, threadId: string): void {
    let subs = this.subscribers.get(threadId);
    if (!subs) this.subscribers.set(threadId, (subs = new Set()));
    subs.add(link);
    this.cancelUnload(threadId);
  }

  /**
   * After a resume's reply: the thread's still-pending requests to the resuming
   * client, under their original ids, even if it got them before (the reference
   * sends them again: the client may have lost them with its connection state).
   */
  sendPending(link: ClientLink, threadId: string): void {
    if (!this.subscribers.get(threadId)?.has(link)) return;
    for (const [id, p] of this.pending) if (p.threadId === threadId) this.sendTo(id, p, link);
  }

  unsubscribe(link: ClientLink, threadId: string): UnsubscribeStatus {
    const subs = this.subscribers.get(threadId);
    if (!subs?.delete(link)) return 'notSubscribed';
    this.afterLeave(threadId);
    return 'unsubscribed';
  }

  /** The thread was unloaded: nobody is subscribed any more. */
  forget(threadId: string): void {
    this.subscribers.delete(threadId);
    this.cancelUnload(threadId);
  }

  notify(method: string, params: unknown, threadId?: string): void {
    if (threadId === undefined || BROADCAST.has(method)) {
      for (const link of this.links) link.notify(method, params);
    } else {
      for (const link of this.subscribers.get(threadId) ?? []) link.notify(method, params);
    }
    if (method === 'turn/completed' && threadId !== undefined && this.subscriberCount(threadId) === 0) this.scheduleUnload(threadId);
  }

  /** Sends a server request to the thread's subscribers; resolves with the first answer. */
  request(threadId: string, method: string, params: unknown, opts: { signal: AbortSignal; onSent: (id: RequestId) => void }): Promise<unknown> {
    const id = this.nextRequestId++;
    return new Promise<unknown>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => p.settle(new RequestFailedError('aborted', `${method} was aborted`));
      const p: PendingRequest = {
        threadId,
        method,
        params,
        targets: new Map(),
        settle: (outcome) => {
          if (!this.pending.delete(id)) return;
          clearTimeout(timer);
          opts.signal.removeEventListener('abort', onAbort);
          for (const ac of p.targets.values()) ac.abort();
          p.targets.clear();
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome.result);
        },
      };
      if (opts.signal.aborted) {
        reject(new RequestFailedError('aborted', `${method} was aborted`));
        return;
      }
      this.pending.set(id, p);
      opts.signal.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(
        () => p.settle(new RequestFailedError('timeout', `${method} got no reply within ${this.o.requestTimeoutMs} ms`)),
        this.o.requestTimeoutMs,
      );
      for (const link of this.subscribers.get(threadId) ?? []) this.sendTo(id, p, link);
      if (p.targets.size === 0) this.o.log.warn(`${method} for thread ${threadId}: no client is subscribed; waiting for one to resume it`);
      opts.onSent(id);
    });
  }

  private sendTo(id: RequestId, p: PendingRequest, link: ClientLink): void {
    const ac = new AbortController();
    p.targets.set(link, ac);
    link.request(p.method, p.params, { id, signal: ac.signal }).then(
      (result) => p.settle({ result }),
      (err: unknown) => {
        // A client that went away (or was withdrawn) leaves the answer to the others.
        if (err instanceof RequestFailedError && (err.reason === 'closed' || err.reason === 'aborted')) {
          p.targets.delete(link);
          return;
        }
        p.settle(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  private withdraw(p: PendingRequest, link: ClientLink): void {
    const ac = p.targets.get(link);
    if (!ac) return;
    p.targets.delete(link);
    ac.abort();
  }

  private subscriberCount(threadId: string): number {
    return this.subscribers.get(threadId)?.size ?? 0;
  }

  private afterLeave(threadId: string): void {
    if (this.subscriberCount(threadId) === 0) this.scheduleUnload(threadId);
  }

  private scheduleUnload(threadId: string): void {
    this.cancelUnload(threadId);
    const timer = setTimeout(() => {
      this.unloadTimers.delete(threadId);
      // A running turn keeps the thread; its turn/completed schedules the unload again.
      if (this.subscriberCount(threadId) > 0 || this.o.isTurnActive(threadId)) return;
      this.forget(threadId);
      this.o.unload(threadId);
    }, this.o.unloadAfterMs);
    timer.unref();
    this.unloadTimers.set(threadId, timer);
  }

  private cancelUnload(threadId: string): void {
    const t = this.unloadTimers.get(threadId);
    if (t) clearTimeout(t);
    this.unloadTimers.delete(threadId);
  }

  /** Stops the unload timers (server shutdown). */
  dispose(): void {
    for (const t of this.unloadTimers.values()) clearTimeout(t);
    this.unloadTimers.clear();
  }
}
