// Answers server->client requests during `tern run`. Command and file-change
// approvals go to a decider: without --policy it declines everything (the item
// ends `declined`, the turn goes on, the model is told); with --policy the
// policy decides. Every decision is recorded with the rule that made it. Any
// other server request gets a JSON-RPC error, which the reference server treats
// as "not granted" too, so a headless run never waits on a prompt nobody answers.
// With --approval-policy never (and no --policy) the server does not ask at all.

import { RpcError } from '../jsonrpc/connection.js';
import { ErrorCode } from '../protocol/jsonrpc.js';
import type { ServerRequestHandler } from '../client/client.js';
import type { FileUpdateChange, ServerRequestParams, ThreadItem } from '../protocol/v2.js';
import type { ApprovalDecisionRecord } from '../artifacts/result.js';

export interface Decision {
  /** cancel: decline, and stop the turn (the run fails with kind `policy`). */
  decision: 'accept' | 'decline' | 'cancel';
  /** The rule that decided, e.g. `preset fix-tests: allow[3] npm test`. */
  rule: string;
  reason: string | null;
}

/** The shape of src/driver/policy's PolicyDecider. */
export interface ApprovalDecider {
  command(request: { command: string; cwd: string | null; kind?: string | null; networkApprovalContext?: unknown }): Decision;
  /** Every change of the item: both ends of a move count. */
  fileChange(request: { changes: readonly FileUpdateChange[] }): Decision;
}

/** The decider without --policy: nobody is there to approve, so nothing is approved. */
export const DECLINE_ALL: ApprovalDecider = {
  command: () => ({ decision: 'decline', rule: 'default (no --policy): decline', reason: null }),
  fileChange: () => ({ decision: 'decline', rule: 'default (no --policy): decline', reason: null }),
};

export function createServerRequestHandler(
  decider: ApprovalDecider,
  lookupItem: (itemId: string) => ThreadItem | undefined,
  record: (entry: ApprovalDecisionRecord) => void,
): ServerRequestHandler {
  return async (method, params) => {
    const p = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
    const itemId = typeof p.itemId === 'string' ? p.itemId : null;
    switch (method) {
      case 'item/commandExecution/requestApproval': {
        const cp = p as Partial<ServerRequestParams['item/commandExecution/requestApproval']>;
        const command = typeof cp.command === 'string' ? cp.command : '';
        const extra = p as { kind?: unknown; networkApprovalContext?: unknown };
        const d = decider.command({
          command,
          cwd: typeof cp.cwd === 'string' ? cp.cwd : null,
          kind: typeof extra.kind === 'string' ? extra.kind : null,
          networkApprovalContext: extra.networkApprovalContext,
        });
        record({ method, itemId, subject: command, decision: d.decision, rule: d.rule, reason: d.reason });
        return { decision: d.decision };
      }
      case 'item/fileChange/requestApproval': {
        const item = itemId ? lookupItem(itemId) : undefined;
        const changes = item?.type === 'fileChange' ? item.changes : [];
        const d = decider.fileChange({ changes });
        record({ method, itemId, subject: changes.map((c) => c.path).join(', ') || null, decision: d.decision, rule: d.rule, reason: d.reason });
        return { decision: d.decision };
      }
      default:
        record({ method, itemId, subject: null, decision: 'error', rule: 'unsupported server request', reason: null });
        throw new RpcError(ErrorCode.MethodNotFound, `tern run does not handle server request ${method}`);
    }
  };
}
