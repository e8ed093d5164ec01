// Approval policy files for `tern run --policy FILE|PRESET` (docs/approval-policy.md).
//
//   const policy = loadPolicy('fix-tests');                  // or a .yml/.json file; throws PolicyError
//   decideCommand(policy, { command, cwd })                   // item/commandExecution/requestApproval
//   decideFileChange(policy, { changes, cwd })                // item/fileChange/requestApproval
//   -> { decision: 'accept'|'decline'|'cancel', rule, reason, origin, subjects }
//
// decideApprovalRequest does both from a request's method and params; createPolicyDecider
// binds a policy to the run's workspace for the driver.

import path from 'node:path';
import type { FileUpdateChange } from '../../protocol/v2.js';
import { decideCommand, decideFileChange, type CommandRequest } from './evaluate.js';
import type { Policy, PolicyDecision } from './format.js';
import { loadPolicy } from './load.js';

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
export { formatProblem, isPresetName, loadPolicy, parsePolicy, PolicyError, presetPolicy, type PolicyProblem } from './load.js';
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

/** A policy bound to a workspace: what the driver calls for each approval request. */
export interface PolicyDecider {
  readonly policy: Policy;
  /** The workspace file paths are judged against. */
  readonly workspace: string;
  command(request: CommandRequest): PolicyDecision;
  /** Give the fileChange item's `changes` (both ends of a move count), or plain paths. */
  fileChange(request: { paths?: readonly string[]; changes?: readonly FileUpdateChange[] }): PolicyDecision;
}

/**
 * `--policy FILE|PRESET` for a run in `workspace` (the thread's cwd: the server reports
 * absolute paths, which are judged relative to it). A file is read relative to `base`
 * (default: the process's cwd). Throws PolicyError.
 */
export function createPolicyDecider(fileOrPreset: string, options: { workspace: string; base?: string }): PolicyDecider {
  const policy = loadPolicy(fileOrPreset, options.base ?? process.cwd());
  const workspace = path.resolve(options.workspace);
  return {
    policy,
    workspace,
    command: (request) => decideCommand(policy, request),
    fileChange: (request) => decideFileChange(policy, { ...request, cwd: workspace }),
  };
}
