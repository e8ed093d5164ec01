// Answers server->client requests during `tern run`. The skeleton policy: every
// command or file-change approval is declined (the item ends `declined`, the turn
// goes on, the model is told) and recorded; any other server request gets a
// JSON-RPC error, which the reference server treats as "not granted" too, so a
// headless run never waits on a prompt nobody can answer.
// With --approval-policy never the server does not ask at all.

import { RpcError } from '../jsonrpc/connection.js';
import { ErrorCode } from '../protocol/jsonrpc.js';
import type { ServerRequestHandler } from '../client/client.js';
import type { ServerRequestParams } from '../protocol/v2.js';

export interface ApprovalRecord {
  method: string;
  itemId: string | null;
  /** The command line, for command approvals. */
  command: string | null;
  decision: 'decline' | 'error';
}

export function createServerRequestHandler(record: (entry: ApprovalRecord) => void): ServerRequestHandler {
  return async (method, params) => {
    const p = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
    const itemId = typeof p.itemId === 'string' ? p.itemId : null;
    switch (method) {
      case 'item/commandExecution/requestApproval': {
        const cp = p as Partial<ServerRequestParams['item/commandExecution/requestApproval']>;
        record({ method, itemId, command: typeof cp.command === 'string' ? cp.command : null, decision: 'decline' });
        return { decision: 'decline' };
      }
      case 'item/fileChange/requestApproval':
        record({ method, itemId, command: null, decision: 'decline' });
        return { decision: 'decline' };
      default:
        record({ method, itemId, command: null, decision: 'error' });
        throw new RpcError(ErrorCode.MethodNotFound, `tern run does not handle server request ${method}`);
    }
  };
}
