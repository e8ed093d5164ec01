// How a thread comes to be loaded: created by `thread/start`, or loaded from
// records (`thread/resume` from its log, `thread/fork` from a copy of its
// source's). Both resolve their settings (config file < `-c` < params), check
// the cwd, find the AGENTS.md files, and build the LoadedThread the manager
// keeps; this file knows nothing about turns.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { discoverAgentsMd, agentsMdText, PROJECT_DOC_MAX_BYTES_DEFAULT } from '../agent/agents-md.js';
import { BASE_INSTRUCTIONS } from '../agent/base-instructions.js';
import { Compactor, contextLimits } from '../agent/compaction.js';
import { ConversationHistory } from '../agent/history.js';
import { initialContextItems, type PromptSettings } from '../agent/prompt.js';
import { TokenUsageTracker } from '../agent/token-usage.js';
import { loadConfig, type ConfigOverride, type TernConfig } from '../config/index.js';
import type { ResponseItem } from '../model/types.js';
import type { AskForApproval, SandboxMode, SandboxPolicy, Thread, ThreadSettingsParams, ThreadStartParams, ThreadStartResponse, Turn } from '../protocol/v2.js';
import { protocolSandboxPolicy } from '../sandbox/policy.js';
import { nullThreadLog, openThreadLog, threadLogPath, type ThreadLog } from '../store/thread-log.js';
import { TernError } from '../util/errors.js';
import { newId } from '../util/ids.js';
import type { Logger } from '../util/log.js';
import type { LoadedThread } from './thread-manager.js';
import { threadFromReplay, type ReplayedThread } from './thread-replay.js';

/** What creating and loading threads needs from the server. */
export interface LifecycleDeps {
  ternHome: string;
  overrides: string[];
  env: NodeJS.ProcessEnv;
  cliVersion: string;
  log: Logger;
}

/** Settings a thread/start, thread/resume or thread/fork may override. */
export type ThreadOverrides = ThreadSettingsParams;

/** The config (file < `-c` < params' dotted `config`), with the chosen model provider. */
export function resolveConfig(d: LifecycleDeps, params: ThreadOverrides, defaultProvider?: string): TernConfig {
  const extra: ConfigOverride[] = Object.entries(params.config ?? {}).map(([key, value]) => ({ path: key.split('.'), value }));
  let config: TernConfig;
  try {
    config = loadConfig({ ternHome: d.ternHome, overrides: d.overrides, extraOverrides: extra, env: d.env }).config;
  } catch (err) {
    throw new TernError('invalid_config', (err as Error).message, { cause: err });
  }
  const providerId = params.modelProvider ?? defaultProvider ?? config.modelProvider.id;
  const provider = config.modelProviders[providerId];
  if (!provider) throw new TernError('invalid_params', `unknown model provider: ${providerId}`);
  return { ...config, modelProvider: provider };
}

/** The absolute cwd, which must be a directory. */
async function checkedCwd(cwd: string): Promise<string> {
  const abs = path.resolve(cwd);
  const st = await stat(abs).catch(() => null);
  if (!st?.isDirectory()) throw new TernError('invalid_params', `cwd is not a directory: ${abs}`);
  return abs;
}

/** The AGENTS.md files that apply in `cwd` (global file first, nearest last), within the configured budget. */
export function agentsMdFor(d: LifecycleDeps, cwd: string, config: TernConfig) {
  return discoverAgentsMd({
    cwd,
    globalDir: d.ternHome,
    maxBytes: config.projectDocMaxBytes ?? PROJECT_DOC_MAX_BYTES_DEFAULT,
    fallbackFilenames: config.projectDocFallbackFilenames,
  });
}

/** A thread's log, opened on first write; write errors are logged and the thread goes on. */
export function openLog(d: LifecycleDeps, threadId: string, file: string): ThreadLog {
  return openThreadLog(file, (err) => d.log.error(`thread ${threadId}: could not write the thread log: ${err.message}`));
}

/** Whether tool commands may use the network under `policy`. */
export function networkAccess(policy: SandboxPolicy): boolean {
  switch (policy.type) {
    case 'dangerFullAccess':
      return true;
    case 'externalSandbox':
      return policy.networkAccess === 'enabled';
    default:
      return policy.networkAccess;
  }
}

/** The pieces of a LoadedThread that follow from its model and config. */
function modelState(model: string, config: TernConfig) {
  const limits = contextLimits({ model, modelContextWindow: config.modelContextWindow, autoCompactTokenLimit: config.modelAutoCompactTokenLimit });
  return {
    usage: new TokenUsageTracker(limits.effectiveContextWindow),
    compactor: new Compactor({ limits, prompt: config.compactPrompt }),
  };
}

/** `thread/start`: a new thread, its `session_meta` and initial context logged (unless ephemeral). */
export async function createThread(
  d: LifecycleDeps,
  params: ThreadStartParams,
  originator: string,
): Promise<{ loaded: LoadedThread; response: ThreadStartResponse }> {
  const config = resolveConfig(d, params);
  const cwd = await checkedCwd(params.cwd ?? process.cwd());
  const id = newId();
  const created = new Date();
  const ephemeral = params.ephemeral === true;
  const log = ephemeral ? nullThreadLog : openLog(d, id, threadLogPath(d.ternHome, id, created));
  const model = params.model ?? config.model;
  const approvalPolicy = (params.approvalPolicy ?? config.approvalPolicy) as AskForApproval;
  const sandboxMode = params.sandbox ?? config.sandboxMode;
  const sandbox = protocolSandboxPolicy(sandboxMode, config.sandboxWorkspaceWrite);
  const createdAt = Math.floor(created.getTime() / 1000);
  const thread = newThreadObject({ id, createdAt, ephemeral, path: log.path, cwd, model, originator, cliVersion: d.cliVersion, config });
  const settings: PromptSettings = { cwd, approvalPolicy, sandboxMode, networkAccess: networkAccess(sandbox), shell: 'bash' };
  const agentsMd = await agentsMdFor(d, cwd, config);
  const loaded: LoadedThread = {
    thread,
    config,
    model,
    approvalPolicy,
    sandboxMode,
    sandboxPolicy: sandbox,
    instructions: params.baseInstructions ?? config.baseInstructions ?? BASE_INSTRUCTIONS,
    history: new ConversationHistory({ append: (item) => log.append('response_item', item), replace: (record) => log.append('compacted', record) }),
    ...modelState(model, config),
    announced: settings,
    log,
    activeTurn: null,
  };
  log.append('session_meta', {
    id,
    cwd,
    originator,
    cli_version: d.cliVersion,
    model_provider: config.modelProvider.id,
    model,
    approval_policy: approvalPolicy,
    sandbox_mode: sandboxMode,
    base_instructions: loaded.instructions,
    created_at: createdAt,
    reasoning_effort: config.modelReasoningEffort,
  });
  loaded.history.append(
    ...initialContextItems({
      ...settings,
      developerInstructions: params.developerInstructions ?? config.developerInstructions,
      agentsMd: agentsMdText(cwd, agentsMd),
      now: created,
    }),
  );
  return { loaded, response: threadResponse(loaded, [], agentsMd.files.map((f) => f.path)) };
}

function newThreadObject(f: {
  id: string;
  createdAt: number;
  ephemeral: boolean;
  path: string | null;
  cwd: string;
  model: string;
  originator: string;
  cliVersion: string;
  config: TernConfig;
}): Thread {
  return {
    id: f.id,
    sessionId: f.id,
    forkedFromId: null,
    parentThreadId: null,
    preview: '',
    ephemeral: f.ephemeral,
    projectId: null,
    modelProvider: f.config.modelProvider.id,
    model: f.model,
    reasoningEffort: f.config.modelReasoningEffort,
    createdAt: f.createdAt,
    updatedAt: f.createdAt,
    recencyAt: f.createdAt,
    status: { type: 'idle' },
    path: f.path,
    cwd: f.cwd,
    cliVersion: f.cliVersion,
    originator: f.originator,
    source: 'appServer',
    threadSource: null,
    agentNickname: null,
    agentRole: null,
    gitInfo: null,
    name: null,
    turns: [],
  };
}

/** The reply of thread/start, thread/resume and thread/fork for a loaded thread. */
export function threadResponse(t: LoadedThread, turns: Turn[], instructionSources: string[]): ThreadStartResponse {
  return {
    thread: { ...t.thread, turns },
    model: t.model,
    modelProvider: t.config.modelProvider.id,
    serviceTier: null,
    cwd: t.thread.cwd,
    instructionSources,
    approvalPolicy: t.approvalPolicy,
    approvalsReviewer: 'user',
    sandbox: t.sandboxPolicy,
    reasoningEffort: t.config.modelReasoningEffort,
  };
}

/** Where a thread is loaded from: its replayed records, and the log new records go to (null: ephemeral). */
export interface LoadSource {
  replay: ReplayedThread;
  file: string | null;
  name: string | null;
}

/**
 * Loads a thread from its records (resume, fork): the model history verbatim (so
 * the next request extends the last one byte for byte), the last turn's settings
 * unless overridden. A turn the log never saw finish is closed as `interrupted`
 * once, in the log, and tool calls it left unanswered get an "aborted" output
 * at the end of the history.
 */
export async function loadThread(
  d: LifecycleDeps,
  src: LoadSource,
  params: ThreadOverrides,
  originator: string,
): Promise<{ loaded: LoadedThread; instructionSources: string[] }> {
  const { replay, file } = src;
  const meta = replay.meta;
  const ctx = replay.lastTurnContext;
  const config = resolveConfig(d, params, meta.model_provider);
  const lastCwd = ctx?.cwd ?? meta.cwd;
  const cwd = await checkedCwd(params.cwd ?? lastCwd);
  const lastMode = (ctx?.sandbox_mode ?? meta.sandbox_mode) as SandboxMode;
  const lastPolicy = ctx?.sandbox_policy ?? protocolSandboxPolicy(lastMode, config.sandboxWorkspaceWrite);
  const lastApproval = (ctx?.approval_policy ?? meta.approval_policy) as AskForApproval;
  const model = params.model ?? ctx?.model ?? meta.model;
  const log = file === null ? nullThreadLog : openLog(d, meta.id, file);
  closeUnfinishedTurn(replay, log);
  const thread: Thread = {
    ...threadFromReplay(replay, file, src.name),
    ephemeral: file === null,
    model,
    cwd,
    status: { type: 'idle' },
    originator: meta.originator ?? originator,
  };
  const loaded: LoadedThread = {
    thread,
    config,
    model,
    approvalPolicy: (params.approvalPolicy ?? lastApproval) as AskForApproval,
    sandboxMode: params.sandbox ?? lastMode,
    sandboxPolicy: params.sandbox ? protocolSandboxPolicy(params.sandbox, config.sandboxWorkspaceWrite) : lastPolicy,
    instructions: params.baseInstructions ?? meta.base_instructions ?? config.baseInstructions ?? BASE_INSTRUCTIONS,
    history: historyFromLog(replay.history, log),
    ...modelState(model, config),
    // What the model was last told: the last turn's settings (or the session's).
    announced: { cwd: lastCwd, approvalPolicy: lastApproval, sandboxMode: lastMode, networkAccess: networkAccess(lastPolicy), shell: 'bash' },
    log,
    activeTurn: null,
  };
  if (replay.lastTokenUsage) {
    loaded.usage.restore(replay.lastTokenUsage.tokenUsage);
    loaded.restoredUsageTurnId = replay.lastTokenUsage.turnId;
  }
  const agentsMd = await agentsMdFor(d, cwd, config);
  return { loaded, instructionSources: agentsMd.files.map((f) => f.path) };
}

/** The process died mid-turn: the log says so once (a `turn/completed`, interrupted), so later loads agree. */
function closeUnfinishedTurn(replay: ReplayedThread, log: ThreadLog): void {
  if (replay.unfinishedTurnId === null) return;
  const turn = replay.turns.find((x) => x.id === replay.unfinishedTurnId)!;
  const threadId = replay.meta.id;
  log.append('event', { method: 'turn/completed', params: { threadId, turn: { ...turn, items: [], itemsView: 'notLoaded' } } });
}

/** The replayed history (not logged again), then outputs for calls left unanswered (logged). */
function historyFromLog(items: ResponseItem[], log: ThreadLog): ConversationHistory {
  let seeding = true;
  const history = new ConversationHistory({
    append: (item) => {
      if (!seeding) log.append('response_item', item);
    },
    replace: (record) => log.append('compacted', record),
  });
  history.append(...items);
  seeding = false;
  const dangling = danglingToolOutputs(items);
  if (dangling.length > 0) history.append(...dangling);
  return history;
}

/**
 * Outputs for tool calls a killed process never answered: the model must see
 * an output for every call. Appended after the history, never inserted.
 */
export function danglingToolOutputs(items: ResponseItem[]): ResponseItem[] {
  const answered = new Set<string>();
  for (const i of items) if (i.type === 'function_call_output' || i.type === 'custom_tool_call_output') answered.add(i.call_id);
  const out: ResponseItem[] = [];
  for (const i of items) {
    if (i.type === 'function_call' && !answered.has(i.call_id)) out.push({ type: 'function_call_output', call_id: i.call_id, output: 'aborted' });
    if (i.type === 'custom_tool_call' && !answered.has(i.call_id)) out.push({ type: 'custom_tool_call_output', call_id: i.call_id, output: 'aborted' });
  }
  return out;
}
