// The layers of the prompt after the base instructions: a developer message
// describing permissions, the configured developer instructions, and the
// environment context. They are appended once, at the start of the thread.

import os from 'node:os';
import type { AskForApproval, SandboxMode } from '../protocol/v2.js';
import type { ResponseItem } from '../model/types.js';

export interface InitialContext {
  cwd: string;
  approvalPolicy: AskForApproval;
  sandboxMode: SandboxMode;
  developerInstructions: string | null;
  now: Date;
  shell: string;
}

export function initialContextItems(ctx: InitialContext): ResponseItem[] {
  const items: ResponseItem[] = [developerMessage(permissionsText(ctx))];
  if (ctx.developerInstructions && ctx.developerInstructions.trim() !== '') {
    items.push(developerMessage(ctx.developerInstructions));
  }
  items.push(userMessage(environmentContext(ctx)));
  return items;
}

export function userMessage(text: string): ResponseItem {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

function developerMessage(text: string): ResponseItem {
  return { type: 'message', role: 'developer', content: [{ type: 'input_text', text }] };
}

function permissionsText(ctx: InitialContext): string {
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
        : 'When a command needs more than the sandbox allows, set `sandbox_permissions` to `require_escalated` with a one-sentence `justification`; a person decides.';
  return `<permissions>\n${sandbox[ctx.sandboxMode]}\n${approval}\n</permissions>`;
}

function environmentContext(ctx: InitialContext): string {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return [
    '<environment_context>',
    `  <cwd>${ctx.cwd}</cwd>`,
    `  <shell>${ctx.shell}</shell>`,
    `  <os>${os.platform()}</os>`,
    `  <current_date>${ctx.now.toISOString().slice(0, 10)}</current_date>`,
    `  <timezone>${tz}</timezone>`,
    '</environment_context>',
  ].join('\n');
}
