// Methods the Codex terminal client (`codex --remote`) calls around start-up
// besides starting threads and turns: the account, the model catalog, config,
// hooks, skills, collaboration modes, read state, a thread's last turns. tern has no ChatGPT account,
// no hooks, skills or plugins and one configured model, so each answers with the
// reference's shape (observed on codex 0.169.0) and tern's facts: empty lists,
// null account, the configured model as the only (default) model.

import type { TernConfig } from '../config/index.js';
import type { Turn } from '../protocol/v2.js';
import type { ThreadManager } from '../threads/thread-manager.js';
import { newId } from '../util/ids.js';
import { invalid, objectParams, optionalEnum, optionalField, requireField } from './params.js';

export interface ClientMethodContext {
  config: TernConfig;
  threads: ThreadManager;
}

/** The efforts tern passes through to the model (Responses `reasoning.effort`). */
const REASONING_EFFORTS = [
  { reasoningEffort: 'low', description: 'Fast responses with lighter reasoning' },
  { reasoningEffort: 'medium', description: 'Balances speed and reasoning depth' },
  { reasoningEffort: 'high', description: 'Greater reasoning depth for complex problems' },
];
const DEFAULT_REASONING_EFFORT = 'medium';

/** `cwds` of hooks/list and skills/list: a list of strings, or none. */
function cwdsOf(rawParams: unknown): string[] {
  const raw = objectParams(rawParams, true);
  optionalField(raw, 'cwds', 'array');
  return ((raw.cwds as unknown[] | null | undefined) ?? []).filter((c): c is string => typeof c === 'string');
}

export const CLIENT_METHODS = {
  /** No ChatGPT account: models are reached with an API key from the environment. */
  'account/read': () => ({ account: null, userId: null, requiresOpenaiAuth: false, workspaceRouting: null }),
  'account/bedrock/checkGovCloudRequirements': () => ({ isGovCloud: false, shouldWarn: false }),
  'model/list': ({ config }: ClientMethodContext) => ({
    data: [
      {
        id: config.model,
        model: config.model,
        upgrade: null,
        upgradeInfo: null,
        availabilityNux: null,
        displayName: config.model,
        description: `${config.model} via ${config.modelProvider.name}`,
        modelSpecialty: null,
        hidden: false,
        supportedReasoningEfforts: REASONING_EFFORTS,
        defaultReasoningEffort: config.modelReasoningEffort ?? DEFAULT_REASONING_EFFORT,
        inputModalities: ['text'],
        supportsPersonality: false,
        multiAgentVersion: null,
        additionalSpeedTiers: [],
        serviceTiers: [],
        defaultServiceTier: null,
        availableAccessPrograms: null,
        isDefault: true,
      },
    ],
    nextCursor: null,
  }),
  /** The effective settings a client shows; never provider headers or keys. */
  'config/read': ({ config }: ClientMethodContext, rawParams: unknown) => {
    const raw = objectParams(rawParams, true);
    return {
      config: {
        model: config.model,
        model_provider: config.modelProvider.id,
        approval_policy: config.approvalPolicy,
        sandbox_mode: config.sandboxMode,
        model_reasoning_effort: config.modelReasoningEffort,
        model_context_window: config.modelContextWindow,
        model_auto_compact_token_limit: config.modelAutoCompactTokenLimit,
        developer_instructions: config.developerInstructions,
        compact_prompt: config.compactPrompt,
        analytics: { enabled: false },
      },
      origins: {},
      layers: raw.includeLayers === true ? [] : null,
    };
  },
  'configRequirements/read': () => ({ requirements: null, supportsIndependentSpeedModes: false }),
  'collaborationMode/list': () => ({ data: [{ name: 'Default', mode: 'default', model: null, reasoning_effort: null }] }),
  'hooks/list': (_ctx: ClientMethodContext, rawParams: unknown) => ({
    data: cwdsOf(rawParams).map((cwd) => ({ cwd, hooks: [], warnings: [], errors: [] })),
  }),
  'skills/list': (_ctx: ClientMethodContext, rawParams: unknown) => ({
    data: cwdsOf(rawParams).map((cwd) => ({ cwd, skills: [], errors: [] })),
  }),
  /** A thread's turns, newest first by default, in pages behind an opaque cursor. */
  'thread/turns/list': ({ threads }: ClientMethodContext, rawParams: unknown) => {
    const raw = objectParams(rawParams, false);
    requireField(raw, 'threadId', 'string');
    optionalField(raw, 'cursor', 'string');
    optionalEnum(raw, 'sortDirection', ['asc', 'desc']);
    if (raw.limit != null && (typeof raw.limit !== 'number' || !Number.isInteger(raw.limit) || raw.limit < 0)) {
      throw invalid(`Invalid request: invalid type: ${JSON.stringify(raw.limit)}, expected u32 for \`limit\``);
    }
    const turns = threads.readThread(raw.threadId as string, true).thread.turns;
    if (raw.sortDirection !== 'asc') turns.reverse();
    return turnsPage(turns, (raw.cursor as string | null | undefined) ?? null, (raw.limit as number | null | undefined) ?? null);
  },
  /** Read state is a client convenience tern does not keep: every update gets a fresh revision. */
  'thread/readState/update': (_ctx: ClientMethodContext, rawParams: unknown) => {
    const raw = objectParams(rawParams, false);
    optionalField(raw, 'threadId', 'string');
    return { readState: { firstUnread: null, revision: newId() } };
  },
};

/** One page of turns; cursors are the offset of the page's first turn (opaque to clients). */
function turnsPage(turns: Turn[], cursor: string | null, limit: number | null) {
  const start = cursor === null ? 0 : Number.parseInt(Buffer.from(cursor, 'base64url').toString('utf8'), 10);
  if (!Number.isInteger(start) || start < 0) throw invalid(`invalid cursor: ${cursor}`);
  const end = limit === null ? turns.length : Math.min(turns.length, start + limit);
  const data = turns.slice(start, end);
  const at = (offset: number) => Buffer.from(String(offset), 'utf8').toString('base64url');
  return { data, nextCursor: end < turns.length ? at(end) : null, backwardsCursor: data.length > 0 && start > 0 ? at(start) : null };
}
