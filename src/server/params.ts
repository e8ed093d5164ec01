// Checks of incoming params, with the reference server's error wording
// ("Invalid request: missing field `x`", "unknown variant `v`, expected one of ...").
// Hand-written rather than schema-driven: tern implements a handful of methods, and the
// messages must match serde's wording, which no schema validator produces.

import { RpcError } from '../jsonrpc/connection.js';
import { ErrorCode } from '../protocol/jsonrpc.js';

export function invalid(message: string): RpcError {
  return new RpcError(ErrorCode.InvalidRequest, message);
}

export function objectParams(params: unknown, optional: boolean): Record<string, unknown> {
  if (params === undefined || params === null) {
    if (optional) return {};
    throw invalid('Invalid request: missing field `params`');
  }
  if (typeof params !== 'object' || Array.isArray(params)) {
    throw invalid(`Invalid request: invalid type: ${describe(params)}, expected a params object`);
  }
  return params as Record<string, unknown>;
}

type FieldType = 'string' | 'boolean' | 'array' | 'object';

function matches(value: unknown, type: FieldType): boolean {
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  return typeof value === type;
}

const article = (type: FieldType) => (type === 'array' ? 'a sequence' : type === 'object' ? 'a map' : `a ${type}`);

export function requireField(obj: Record<string, unknown>, field: string, type: FieldType): void {
  const value = obj[field];
  if (value === undefined || value === null) throw invalid(`Invalid request: missing field \`${field}\``);
  if (!matches(value, type)) throw invalid(`Invalid request: invalid type: ${describe(value)}, expected ${article(type)}`);
}

/** An optional field: absent or null is fine, anything else must have the type. */
export function optionalField(obj: Record<string, unknown>, field: string, type: FieldType): void {
  const value = obj[field];
  if (value === undefined || value === null) return;
  if (!matches(value, type)) throw invalid(`Invalid request: invalid type: ${describe(value)}, expected ${article(type)}`);
}

/**
 * An optional enum field. serde's words: the variants as the reference lists them
 * (`listed`, default `variants`), and "string or map" for a value of another type.
 */
export function optionalEnum(obj: Record<string, unknown>, field: string, variants: readonly string[], listed: readonly string[] = variants): void {
  const value = obj[field];
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') throw invalid(`Invalid request: invalid type: ${describe(value)}, expected string or map`);
  if (!variants.includes(value)) {
    throw invalid(`Invalid request: unknown variant \`${value}\`, expected one of ${listed.map((v) => `\`${v}\``).join(', ')}`);
  }
}

/** An optional list of strings (each one of `variants`, when given). */
export function optionalStringList(obj: Record<string, unknown>, field: string, variants?: readonly string[]): void {
  optionalField(obj, field, 'array');
  for (const v of (obj[field] as unknown[] | null | undefined) ?? []) {
    if (typeof v !== 'string') throw invalid(`Invalid request: invalid type: ${describe(v)}, expected a string for \`${field}\``);
    if (variants) optionalEnum({ [field]: v }, field, variants);
  }
}

/** ThreadSourceKind (thread/list `sourceKinds`). */
export const THREAD_SOURCE_KINDS = [
  'cli',
  'vscode',
  'exec',
  'appServer',
  'subAgent',
  'subAgentReview',
  'subAgentCompact',
  'subAgentThreadSpawn',
  'subAgentOther',
  'unknown',
] as const;

export const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
export const APPROVAL_POLICIES = ['untrusted', 'on-request', 'never'] as const;
/** AskForApproval's variants as the reference lists them (`granular` is the map form). */
const APPROVAL_POLICY_VARIANTS = ['untrusted', 'on-request', 'granular', 'never'] as const;

/**
 * `approvalPolicy`: one of the string policies or `{granular: {...}}`. `on-failure` (gone from
 * the 0.169 schema, still sent by older clients) is accepted and rewritten in place to
 * `on-request`; it is never emitted. `granular` is an experimental variant: without the
 * connection's `experimentalApi` capability it is refused, as the reference does; with it, it is
 * completed with its optional flags' defaults (false), in the reference's order.
 */
export function optionalApprovalPolicy(obj: Record<string, unknown>, field: string): void {
  if (obj[field] === 'on-failure') obj[field] = 'on-request';
  const value = obj[field];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const g = (value as Record<string, unknown>).granular;
    if (Object.keys(value).length === 1 && g !== null && typeof g === 'object' && !Array.isArray(g)) {
      obj[field] = { granular: granularFlags(g as Record<string, unknown>) };
      return;
    }
  }
  optionalEnum(obj, field, APPROVAL_POLICIES, APPROVAL_POLICY_VARIANTS);
}

const GRANULAR_REQUIRED = ['sandbox_approval', 'rules', 'mcp_elicitations'] as const;
const GRANULAR_OPTIONAL = ['skill_approval', 'request_permissions'] as const;

function granularFlags(g: Record<string, unknown>): Record<string, boolean> {
  for (const k of GRANULAR_REQUIRED) {
    if (g[k] === undefined || g[k] === null) throw invalid(`Invalid request: missing field \`${k}\``);
    if (typeof g[k] !== 'boolean') throw invalid(`Invalid request: invalid type: ${describe(g[k])}, expected a boolean for \`${k}\``);
  }
  for (const k of GRANULAR_OPTIONAL) {
    if (g[k] != null && typeof g[k] !== 'boolean') throw invalid(`Invalid request: invalid type: ${describe(g[k])}, expected a boolean for \`${k}\``);
  }
  return {
    sandbox_approval: g.sandbox_approval as boolean,
    rules: g.rules as boolean,
    skill_approval: g.skill_approval === true,
    request_permissions: g.request_permissions === true,
    mcp_elicitations: g.mcp_elicitations as boolean,
  };
}

/** SandboxPolicy's tags, in the reference's order of listing. */
const SANDBOX_POLICY_TYPES = ['dangerFullAccess', 'readOnly', 'externalSandbox', 'workspaceWrite'] as const;
const NETWORK_ACCESS_LEVELS = ['restricted', 'enabled'] as const;

/**
 * `sandboxPolicy` (turn/start): a SandboxPolicy tagged by `type`; checked, and
 * completed with the protocol's defaults, in place.
 */
export function optionalSandboxPolicy(obj: Record<string, unknown>, field: string): void {
  const value = obj[field];
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`Invalid request: invalid type: ${describe(value)}, expected internally tagged enum SandboxPolicyDeserialize`);
  const p = value as Record<string, unknown>;
  if (p.type === undefined) throw invalid('Invalid request: missing field `type`');
  optionalEnum(p, 'type', SANDBOX_POLICY_TYPES);
  if (p.type === 'externalSandbox') {
    optionalEnum(p, 'networkAccess', NETWORK_ACCESS_LEVELS);
    obj[field] = { type: p.type, networkAccess: p.networkAccess ?? 'restricted' };
    return;
  }
  for (const f of ['networkAccess', 'excludeTmpdirEnvVar', 'excludeSlashTmp']) optionalField(p, f, 'boolean');
  optionalField(p, 'writableRoots', 'array');
  const roots = (p.writableRoots as unknown[] | undefined | null) ?? [];
  if (roots.some((r) => typeof r !== 'string' || !r.startsWith('/'))) throw invalid('Invalid request: `writableRoots` must be absolute paths');
  obj[field] =
    p.type === 'workspaceWrite'
      ? { type: p.type, writableRoots: roots, networkAccess: p.networkAccess === true, excludeTmpdirEnvVar: p.excludeTmpdirEnvVar === true, excludeSlashTmp: p.excludeSlashTmp === true }
      : p.type === 'readOnly'
        ? { type: p.type, networkAccess: p.networkAccess === true }
        : { type: p.type };
}

export const REASONING_SUMMARIES = ['auto', 'concise', 'detailed', 'none'] as const;

/**
 * turn/start's settings for this and later turns (`cwd`, `model`, `effort`, `summary`,
 * `approvalPolicy`, `sandboxPolicy`) and for this turn only (`outputSchema`, a JSON Schema object).
 */
export function checkTurnOverrides(raw: Record<string, unknown>): void {
  optionalField(raw, 'cwd', 'string');
  optionalField(raw, 'model', 'string');
  optionalField(raw, 'effort', 'string');
  if (raw.effort === '') throw invalid('Invalid request: `effort` must not be empty');
  optionalEnum(raw, 'summary', REASONING_SUMMARIES);
  optionalField(raw, 'outputSchema', 'object');
  optionalField(raw, 'clientUserMessageId', 'string');
  optionalApprovalPolicy(raw, 'approvalPolicy');
  optionalSandboxPolicy(raw, 'sandboxPolicy');
}

const REVIEW_TARGET_TYPES = ['uncommittedChanges', 'baseBranch', 'commit', 'custom'] as const;

/**
 * `review/start`'s `target` (a ReviewTarget tagged by `type`) and `delivery`
 * (only `inline` in 0.169), with the reference's wording: serde's for the
 * shape, then its own checks that the branch, sha and instructions are not blank.
 */
export function checkReviewStart(obj: Record<string, unknown>): void {
  requireField(obj, 'target', 'object');
  const target = obj.target as Record<string, unknown>;
  if (target.type === undefined || target.type === null) throw invalid('Invalid request: missing field `type`');
  if (typeof target.type !== 'string' || !(REVIEW_TARGET_TYPES as readonly string[]).includes(target.type)) {
    const got = typeof target.type === 'string' ? `unknown variant \`${target.type}\`` : `invalid type: ${describe(target.type)}`;
    throw invalid(`Invalid request: ${got}, expected one of ${REVIEW_TARGET_TYPES.map((v) => `\`${v}\``).join(', ')}`);
  }
  const nonBlank = (field: string) => {
    requireField(target, field, 'string');
    if ((target[field] as string).trim() === '') throw invalid(`${field} must not be empty`);
  };
  if (target.type === 'baseBranch') nonBlank('branch');
  if (target.type === 'commit') {
    nonBlank('sha');
    optionalField(target, 'title', 'string');
  }
  if (target.type === 'custom') nonBlank('instructions');
  const delivery = obj.delivery;
  if (delivery !== undefined && delivery !== null && delivery !== 'inline') {
    const got = typeof delivery === 'string' ? `unknown variant \`${delivery}\`` : `invalid type: ${describe(delivery)}`;
    throw invalid(`Invalid request: ${got}, expected \`inline\``);
  }
}

/** UserInput's tags (0.169), in the reference's order of listing. */
const USER_INPUT_TYPES: readonly string[] = ['text', 'image', 'localImage', 'audio', 'localAudio', 'skill', 'mention'];

/** Each input item must be a map with a known string `type`. */
export function checkUserInput(input: unknown[]): void {
  input.forEach((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw invalid(`Invalid request: invalid type: ${describe(item)}, expected internally tagged enum UserInput`);
    }
    const t = (item as Record<string, unknown>).type;
    if (typeof t !== 'string') throw invalid('Invalid request: missing field `type`');
    if (!USER_INPUT_TYPES.includes(t)) {
      throw invalid(`Invalid request: unknown variant \`${t}\`, expected one of ${USER_INPUT_TYPES.map((v) => `\`${v}\``).join(', ')}`);
    }
    if (t === 'text' && typeof (item as Record<string, unknown>).text !== 'string') throw invalid('Invalid request: missing field `text`');
  });
}

export function describe(v: unknown): string {
  if (Array.isArray(v)) return 'sequence';
  if (v === null) return 'null';
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `integer \`${v}\`` : `floating point \`${v}\``;
  if (typeof v === 'boolean') return `boolean \`${v}\``;
  return 'map';
}
