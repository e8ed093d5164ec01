// `--policy FILE|PRESET` bound to the run's workspace: what the driver asks for each approval
// request. A preset is compiled from its built-in spec; only a file brings the YAML parser
// (file.ts, imported here when a run names one), so `tern run` without --policy, or with a
// preset (the Action's review and fix-tests runs), never loads it.

import path from 'node:path';
import type { FileUpdateChange } from '../../protocol/v2.js';
import { decideCommand, decideFileChange, type CommandRequest } from './evaluate.js';
import type { Policy, PolicyDecision } from './format.js';
import { isPresetName, presetPolicy } from './load.js';

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
 * (default: the process's cwd). Rejects with PolicyError.
 */
export async function createPolicyDecider(fileOrPreset: string, options: { workspace: string; base?: string }): Promise<PolicyDecider> {
  const policy = isPresetName(fileOrPreset) ? presetPolicy(fileOrPreset) : (await import('./file.js')).loadPolicy(fileOrPreset, options.base ?? process.cwd());
  const workspace = path.resolve(options.workspace);
  return {
    policy,
    workspace,
    command: (request) => decideCommand(policy, request),
    fileChange: (request) => decideFileChange(policy, { ...request, cwd: workspace }),
  };
}
