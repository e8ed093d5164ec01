// Approval policy files for `tern run --policy FILE|PRESET` (docs/approval-policy.md).
//
//   const policy = loadPolicy('fix-tests');                  // or a .yml/.json file; throws PolicyError
//   decideCommand(policy, { command, cwd })                   // item/commandExecution/requestApproval
//   decideFileChange(policy, { changes, cwd })                // item/fileChange/requestApproval
//   -> { decision: 'accept'|'decline'|'cancel', rule, reason, origin, subjects }
//
// decideApprovalRequest does both from a request's method and params; createPolicyDecider
// (decider.ts) binds a policy to the run's workspace for the driver. The driver imports
// decider.ts, not this index: the index brings the YAML parser (file.ts) with loadPolicy.

import type { FileUpdateChange } from '../../protocol/v2.js';
import { decideCommand, decideFileChange } from './evaluate.js';
import type { Policy, PolicyDecision } from './format.js';

export { analyzeCommand, type Analysis, type CommandUnit } from './analyze.js';
export { decideCommand, decideFileChange, fileChangePaths, type CommandRequest, type FileChangeRequest } from './evaluate.js';
export {
  BUILTIN,
  POLICY_VERSION,
  type Decision,
  type Policy,
  type PolicyDecision,
  type PolicySpec,
  type RuleOrigin,
  type SubjectDecision,
} from './format.js';
export { formatProblem, isPresetName, PolicyError, presetPolicy, type PolicyProblem } from './load.js';
export { loadPolicy, parsePolicy } from './file.js';
export { createPolicyDecider, type PolicyDecider } from './decider.js';
export { PRESET_NAMES, PRESETS, type PresetName } from './presets.js';
export { parseShell, type ParseResult, type SimpleCommand, type Word } from '../../util/shell-parse.js';

export const COMMAND_APPROVAL = 'item/commandExecution/requestApproval';
export const FILE_CHANGE_APPROVAL = 'item/fileChange/requestApproval';

export interface ApprovalContext {
  /** The thread's cwd: the workspace file paths are judged against. */
  cwd: string | null;
  /** The `changes` of the fileChange item with this id (from its `item/started`). */
  fileChanges(itemId: string): readonly FileUpdateChange[] | undefined;
}

/**
 * Decides a server request under the policy: command and file-change approvals; null for any
 * other method (the caller answers those as before). Reads params defensively.
 */
export function decideApprovalRequest(policy: Policy, method: string, params: unknown, ctx: ApprovalContext): PolicyDecision | null {
  const p = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  if (method === COMMAND_APPROVAL) {
    const command = Array.isArray(p.command) && p.command.every((w) => typeof w === 'string') ? (p.command as string[]) : str(p.command);
    return decideCommand(policy, {
      command,
      cwd: str(p.cwd) ?? ctx.cwd,
      kind: str(p.kind),
      networkApprovalContext: p.networkApprovalContext ?? null,
    });
  }
  if (method === FILE_CHANGE_APPROVAL) {
    const itemId = str(p.itemId);
    return decideFileChange(policy, { changes: itemId === null ? [] : (ctx.fileChanges(itemId) ?? []), cwd: ctx.cwd });
  }
  return null;
}
