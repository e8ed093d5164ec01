// What the server sends on its own initiative: notifications (gated on the
// connection being initialized, filtered by the client's opt-outs, stamped with
// `emittedAtMs` like the reference server's) and requests to the client.

import type { JsonRpcConnection } from '../jsonrpc/connection.js';

export class Outgoing {
  private initialized = false;
  private optOut = new Set<string>();

  constructor(
    private readonly conn: JsonRpcConnection,
    private readonly approvalTimeoutMs: number,
  ) {}

  markInitialized(optOutNotificationMethods: readonly string[]): void {
    this.initialized = true;
    this.optOut = new Set(optOutNotificationMethods);
  }

  notify(method: string, params: unknown): void {
    if (!this.initialized || this.optOut.has(method)) return;
    this.conn.sendNotification(method, params, { emittedAtMs: Date.now() });
  }

  /** Sends a pending request again (a resumed thread's approval), under its id. */
  resend(id: string | number): void {
    this.conn.resendPending(id);
  }

  request(method: string, params: unknown, opts: { signal: AbortSignal; onSent: (id: string | number) => void }): Promise<unknown> {
    return this.conn.sendRequest(method, params, { ...opts, timeoutMs: this.approvalTimeoutMs });
  }
}
