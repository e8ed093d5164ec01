// What the server sends to one connection on its own initiative: notifications
// (gated on the connection being initialized, filtered by the client's opt-outs,
// stamped with `emittedAtMs` like the reference server's) and requests to the
// client (with the id the router chose for every connection).

import type { JsonRpcConnection } from '../jsonrpc/connection.js';
import type { RequestId } from '../protocol/jsonrpc.js';

export class Outgoing {
  private initialized = false;
  private optOut = new Set<string>();

  constructor(private readonly conn: JsonRpcConnection) {}

  get isInitialized(): boolean {
    return this.initialized;
  }

  markInitialized(optOutNotificationMethods: readonly string[]): void {
    this.initialized = true;
    this.optOut = new Set(optOutNotificationMethods);
  }

  notify(method: string, params: unknown): void {
    if (!this.initialized || this.optOut.has(method)) return;
    this.conn.sendNotification(method, params, { emittedAtMs: Date.now() });
  }

  request(method: string, params: unknown, opts: { id: RequestId; signal: AbortSignal }): Promise<unknown> {
    return this.conn.sendRequest(method, params, opts);
  }
}
