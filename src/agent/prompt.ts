// The layers of the prompt. The request's `instructions` carry the base
// instructions (base-instructions.ts); the history then starts with, in order:
//   1. developer: permissions (sandbox mode, approval policy);
//   2. developer: the thread's developer instructions, when there are any;
//   3. user: the AGENTS.md files, root first, nearest last (agents-md.ts);
//   4. user: the environment context (cwd, shell, sandbox, approval, network, ...).
// They are computed once, when the thread starts, and live in the history from
// then on: later requests, compaction and a resume reuse the items instead of
// recomputing them. A setting changed mid-thread is told to the model by
// appending new context messages (`contextUpdateItems`), never by editing the
// first ones, so every request stays a prefix-extension of the previous one.

import os from 'node:os';
import type { AskForApproval, SandboxMode } from '../protocol/v2.js';
import { systemTimeZone } from '../util/time-zone.js';
import type { ResponseItem } from '../model/types.js';
import { isAgentsMdMessageText } from './agents-md.js';

/** The settings the model is told about; a change of one of them is appended as a context update. */
export interface PromptSettings {
  cwd: string;
  approvalPolicy: AskForApproval;
  sandboxMode: SandboxMode;
  networkAccess: boolean;
  shell: string;
}

export interface InitialContext extends PromptSettings {
  developerInstructions: string | null;
  /** The AGENTS.md message text (agentsMdText), or null. */
  agentsMd: string | null;
  now: Date;
}

export const ENVIRONMENT_CONTEXT_OPEN = '<environment_context>';

export function initialContextItems(ctx: InitialContext): ResponseItem[] {
  const items: ResponseItem[] = [developerMessage(permissionsText(ctx))];
  if (ctx.developerInstructions && ctx.developerInstructions.trim() !== '') {
    items.push(developerMessage(ctx.developerInstructions));
  }
  if (ctx.agentsMd) items.push(userMessage(ctx.agentsMd));
  items.push(userMessage(environmentContext(ctx, ctx.now)));
  return items;
}

/**
 * What to append when settings change between turns: a new permissions
 * message when the sandbox or approval policy changed, and a new environment
 * context when anything the environment context shows changed. Empty when
 * nothing changed.
 */
export function contextUpdateItems(prev: PromptSettings, next: PromptSettings, now: Date): ResponseItem[] {
  const approvalChanged = JSON.stringify(prev.approvalPolicy) !== JSON.stringify(next.approvalPolicy);
  const permissionsChanged = approvalChanged || prev.sandboxMode !== next.sandboxMode || prev.cwd !== next.cwd;
  const environmentChanged = permissionsChanged || prev.networkAccess !== next.networkAccess || prev.shell !== next.shell;
  const items: ResponseItem[] = [];
  if (permissionsChanged) items.push(developerMessage(permissionsText(next)));
  if (environmentChanged) items.push(userMessage(environmentContext(next, now)));
  return items;
}

/**
 * Items that describe the session rather than the conversation: developer
 * messages, the AGENTS.md message and environment contexts. Compaction keeps
 * them verbatim, in order, at the head of the new history.
 */
export function isContextItem(item: ResponseItem): boolean {
  if (item.type !== 'message') return false;
  if (item.role === 'developer' || item.role === 'system') return true;
  if (item.role !== 'user') return false;
  const text = messageText(item);
  return text.startsWith(ENVIRONMENT_CONTEXT_OPEN) || isAgentsMdMessageText(text);
}

export function messageText(item: ResponseItem): string {
  return item.type === 'message' ? item.content.map((c) => c.text).join('') : '';
}

export function userMessage(text: string): ResponseItem {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

export function developerMessage(text: string): ResponseItem {
  return { type: 'message', role: 'developer', content: [{ type: 'input_text', text }] };
}

function permissionsText(ctx: PromptSettings): string {
  const sandbox: Record<SandboxMode, string> = {
    'read-only': 'The workspace is read-only: do not try to modify files.',
    'workspace-write': `You may modify files inside the workspace (${ctx.cwd}). Leave files outside it alone.`,
    'danger-full-access': 'There is no filesystem sandbox: act with care outside the workspace.',
  };
  const approval =
    ctx.approvalPolicy === 'never'
      ? 'No one will approve actions during this run: never wait for confirmation; if something is not allowed, find another way or report it.'
      : ctx.approvalPolicy === 'untrusted'
        ? 'Commands and file edits are shown to a person for approval before they run; a declined action was not performed.'
        : typeof ctx.approvalPolicy === 'object' && !ctx.approvalPolicy.granular.sandbox_approval
          ? 'Requests to run outside the sandbox are refused without asking anyone: stay within the sandbox.'
          : 'When a command needs more than the sandbox allows, set `sandbox_permissions` to `require_escalated` with a one-sentence `justification`; a person decides.';
  return `<permissions>\n${sandbox[ctx.sandboxMode]}\n${approval}\n</permissions>`;
}

function environmentContext(ctx: PromptSettings, now: Date): string {
  const tz = systemTimeZone();
  const approval = typeof ctx.approvalPolicy === 'string' ? ctx.approvalPolicy : 'granular';
  return [
    ENVIRONMENT_CONTEXT_OPEN,
    `  <cwd>${escapeXml(ctx.cwd)}</cwd>`,
    `  <shell>${escapeXml(ctx.shell)}</shell>`,
    `  <sandbox_mode>${ctx.sandboxMode}</sandbox_mode>`,
    `  <approval_policy>${approval}</approval_policy>`,
    `  <network_access>${ctx.networkAccess ? 'enabled' : 'restricted'}</network_access>`,
    `  <os>${os.platform()}</os>`,
    `  <current_date>${now.toISOString().slice(0, 10)}</current_date>`,
    `  <timezone>${escapeXml(tz)}</timezone>`,
    '</environment_context>',
  ].join('\n');
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
