// `approvalPolicy: {granular: {...}}`: each flag says whether one class of
// prompt may reach the client; a class that may not is refused at once, as if
// declined, without asking and without starting anything. tern has one such
// class: `sandbox_approval` (a command asking for escalated permissions, or a
// patch writing where the sandbox does not allow). With it set, granular
// behaves as `on-request`. `rules` (exec-policy prompt rules), `skill_approval`,
// `request_permissions` and `mcp_elicitations` govern prompts tern never makes.

import type { AskForApproval } from '../protocol/v2.js';

/** Whether the policy refuses requests to leave the sandbox without asking. */
export function granularRejectsEscalation(policy: AskForApproval): boolean {
  return typeof policy === 'object' && !policy.granular.sandbox_approval;
}

/** What the model is told when an escalated command is refused by the policy. */
export function granularRejection(policy: AskForApproval): string {
  const flags = typeof policy === 'object' ? JSON.stringify(policy.granular) : String(policy);
  return (
    `exec_command was rejected without running: the approval policy is granular (${flags}) ` +
    'and lets no request for escalated permissions through. Run the command within the sandbox, or do without it.'
  );
}
