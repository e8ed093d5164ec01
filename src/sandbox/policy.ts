// What a tool process may do: the protocol's SandboxPolicy resolved against the
// thread's working directory. The same resolved policy drives the OS sandbox
// (bubblewrap) for commands and the write checks of apply_patch.

import path from 'node:path';
import type { SandboxMode, SandboxPolicy } from '../protocol/v2.js';
import { isInside } from './paths.js';

/** `[sandbox_workspace_write]` of the config (Codex's keys). */
export interface WorkspaceWriteSettings {
  writableRoots: string[];
  networkAccess: boolean;
  excludeTmpdirEnvVar: boolean;
  excludeSlashTmp: boolean;
}

export const DEFAULT_WORKSPACE_WRITE: WorkspaceWriteSettings = {
  writableRoots: [],
  networkAccess: false,
  excludeTmpdirEnvVar: false,
  excludeSlashTmp: false,
};

/** Directories under a writable root that stay read-only. */
export const PROTECTED_DIR_NAMES: readonly string[] = ['.git', '.codex'];

export type ToolSandboxPolicy =
  | { kind: 'read-only'; workspace: string; networkAccess: boolean }
  | { kind: 'workspace-write'; workspace: string; writableRoots: string[]; networkAccess: boolean; writableTmp: boolean }
  | { kind: 'danger-full-access' }
  | { kind: 'external-sandbox'; networkAccess: boolean };

/** The full policy a thread-level mode stands for, given the config's workspace-write settings. */
export function protocolSandboxPolicy(mode: SandboxMode, ww: WorkspaceWriteSettings = DEFAULT_WORKSPACE_WRITE): SandboxPolicy {
  switch (mode) {
    case 'read-only':
      return { type: 'readOnly', networkAccess: false };
    case 'workspace-write':
      return {
        type: 'workspaceWrite',
        writableRoots: [...ww.writableRoots],
        networkAccess: ww.networkAccess,
        excludeTmpdirEnvVar: ww.excludeTmpdirEnvVar,
        excludeSlashTmp: ww.excludeSlashTmp,
      };
    case 'danger-full-access':
      return { type: 'dangerFullAccess' };
  }
}

/** The thread-level mode of a full policy (externalSandbox enforces nothing, like danger-full-access). */
export function sandboxModeOf(policy: SandboxPolicy): SandboxMode {
  switch (policy.type) {
    case 'readOnly':
      return 'read-only';
    case 'workspaceWrite':
      return 'workspace-write';
    default:
      return 'danger-full-access';
  }
}

/** Resolves `policy` for a thread whose working directory is `cwd` (absolute). */
export function resolveToolPolicy(policy: SandboxPolicy, cwd: string): ToolSandboxPolicy {
  switch (policy.type) {
    case 'readOnly':
      return { kind: 'read-only', workspace: cwd, networkAccess: policy.networkAccess === true };
    case 'workspaceWrite': {
      const extra = (policy.writableRoots ?? []).map((r) => path.resolve(cwd, r));
      return {
        kind: 'workspace-write',
        workspace: cwd,
        writableRoots: [...new Set([cwd, ...extra])],
        networkAccess: policy.networkAccess === true,
        writableTmp: policy.excludeSlashTmp !== true,
      };
    }
    case 'dangerFullAccess':
      return { kind: 'danger-full-access' };
    case 'externalSandbox':
      return { kind: 'external-sandbox', networkAccess: policy.networkAccess === 'enabled' };
  }
}

/** Whether commands under `policy` run inside the OS sandbox. */
export function needsOsSandbox(policy: ToolSandboxPolicy): policy is Extract<ToolSandboxPolicy, { kind: 'read-only' | 'workspace-write' }> {
  return policy.kind === 'read-only' || policy.kind === 'workspace-write';
}

/**
 * Why a write to `real` (a fully resolved path) is not allowed under `policy`,
 * or null when it is. `realRoots` are the writable roots, resolved.
 */
export function writeViolation(policy: ToolSandboxPolicy, realRoots: readonly string[], real: string): string | null {
  if (policy.kind === 'read-only') return 'the sandbox is read-only, so no file can be changed';
  if (policy.kind !== 'workspace-write') return null;
  const root = realRoots.find((r) => isInside(r, real));
  if (root === undefined) {
    return `${real} is outside the writable roots of the sandbox (${realRoots.join(', ')})`;
  }
  const parts = path.relative(root, real).split(path.sep);
  const protectedPart = parts.find((p) => PROTECTED_DIR_NAMES.includes(p));
  if (protectedPart !== undefined) {
    return `${real} is inside a ${protectedPart} directory, which stays read-only in the sandbox`;
  }
  return null;
}

/** One line for the model: what the sandbox allows. */
export function describePolicy(policy: ToolSandboxPolicy): string {
  const network = 'networkAccess' in policy && policy.networkAccess ? 'network access allowed' : 'no network access';
  switch (policy.kind) {
    case 'read-only':
      return `read-only sandbox: no file can be changed, ${network}`;
    case 'workspace-write':
      return `workspace-write sandbox: writes only under ${policy.writableRoots.join(', ')} (never inside .git), ${network}`;
    case 'danger-full-access':
      return 'no sandbox';
    case 'external-sandbox':
      return `external sandbox, ${network}`;
  }
}
