// What a client's approval replies mean: the decision of a reply (anything
// malformed declines), and what a thread's client approved for the session.

import type { ServerRequestMethod } from '../protocol/v2.js';
import type { LoadedThread } from './thread-manager.js';

/** What a loaded thread's client approved for the session (kept in memory, per process, as Codex does). */
class SessionApprovals {
  /** `cwd\0command` of commands answered `acceptForSession`. */
  readonly commands = new Set<string>();
  /** argv prefixes accepted with `acceptWithExecpolicyAmendment`. */
  readonly prefixes: string[][] = [];
  allows(argv: readonly string[] | null): boolean {
    if (argv === null) return false;
    return this.prefixes.some((p) => p.length <= argv.length && p.every((w, i) => argv[i] === w));
  }
}
const sessionApprovals = new WeakMap<LoadedThread, SessionApprovals>();
export function sessionApprovalsOf(t: LoadedThread): SessionApprovals {
  let m = sessionApprovals.get(t);
  if (!m) sessionApprovals.set(t, (m = new SessionApprovals()));
  return m;
}

/**
 * The decision of an approval reply, or null when the reply is malformed (which counts as a
 * decline): one of the four strings, or, for commands only, an amendment object of exactly the
 * reference's shapes (`{acceptWithExecpolicyAmendment: {execpolicy_amendment: string[]}}`,
 * `{applyNetworkPolicyAmendment: {network_policy_amendment: {host, action}}}`). An array, `{}`,
 * an unknown key or a wrong inner shape is malformed.
 */
export function validApprovalDecision(method: ServerRequestMethod, result: unknown): string | Record<string, unknown> | null {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return null;
  const decision = (result as { decision?: unknown }).decision;
  if (typeof decision === 'string') {
    return ['accept', 'acceptForSession', 'decline', 'cancel'].includes(decision) ? decision : null;
  }
  if (method !== 'item/commandExecution/requestApproval') return null;
  if (decision === null || typeof decision !== 'object' || Array.isArray(decision)) return null;
  const keys = Object.keys(decision);
  if (keys.length !== 1) return null;
  const inner = (decision as Record<string, unknown>)[keys[0]!];
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return null;
  if (keys[0] === 'acceptWithExecpolicyAmendment') {
    const a = (inner as { execpolicy_amendment?: unknown }).execpolicy_amendment;
    return Array.isArray(a) && a.length > 0 && a.every((w) => typeof w === 'string') ? (decision as Record<string, unknown>) : null;
  }
  if (keys[0] === 'applyNetworkPolicyAmendment') {
    const a = (inner as { network_policy_amendment?: unknown }).network_policy_amendment as { host?: unknown; action?: unknown } | null;
    return a && typeof a === 'object' && typeof a.host === 'string' && (a.action === 'allow' || a.action === 'deny')
      ? (decision as Record<string, unknown>)
      : null;
  }
  return null;
}
