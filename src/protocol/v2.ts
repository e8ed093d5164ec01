// Wire types of the Codex App Server protocol v2 (as of Codex 0.169.0) for the
// methods tern implements. Names and shapes follow the protocol's JSON Schema,
// which tests use as the oracle (test/support/protocol-schema.ts). Optional
// fields are emitted as explicit `null`, as the reference server does.
// Pure types; no imports.

export type AbsolutePath = string;

// ---- shared values --------------------------------------------------------

export type SandboxMode = 'read-only' | 'workspace-write' | 'danger-full-access';

export type SandboxPolicy =
  | { type: 'readOnly'; networkAccess: boolean }
  | {
      type: 'workspaceWrite';
      writableRoots: AbsolutePath[];
      networkAccess: boolean;
      excludeTmpdirEnvVar: boolean;
      excludeSlashTmp: boolean;
    }
  | { type: 'dangerFullAccess' }
  | { type: 'externalSandbox'; networkAccess: 'restricted' | 'enabled' };

export type AskForApproval =
  | 'untrusted'
  | 'on-request'
  | 'never'
  | { granular: { sandbox_approval: boolean; rules: boolean; mcp_elicitations: boolean; skill_approval?: boolean; request_permissions?: boolean } };

export interface TextElement {
  byteRange: { start: number; end: number };
  placeholder?: string | null;
}

export type UserInput =
  | { type: 'text'; text: string; text_elements?: TextElement[] }
  | { type: 'image'; url?: string; fileId?: string; detail?: string | null }
  | { type: 'localImage'; path: string; detail?: string | null }
  | { type: 'skill'; name: string; path: string }
  | { type: 'mention'; name: string; path: string };

// ---- errors inside turns ---------------------------------------------------

export type CodexErrorInfo =
  | 'contextWindowExceeded'
  | 'usageLimitExceeded'
  | 'rateLimitExceeded'
  | 'serverOverloaded'
  | 'modelNotFound'
  | 'internalServerError'
  | 'unauthorized'
  | 'badRequest'
  | 'sandboxError'
  | 'other'
  | { httpConnectionFailed: { httpStatusCode: number | null } }
  | { responseStreamConnectionFailed: { httpStatusCode: number | null } }
  | { responseStreamDisconnected: { httpStatusCode: number | null } }
  | { responseTooManyFailedAttempts: { httpStatusCode: number | null } }
  | { activeTurnNotSteerable: { turnKind: 'review' | 'compact' } };

export interface TurnError {
  message: string;
  codexErrorInfo: CodexErrorInfo | null;
  additionalDetails: string | null;
  /** Sent as null by the reference server (misalignment reports are not produced here). */
  misalignment?: null;
}

// ---- threads ---------------------------------------------------------------

export type ThreadStatus =
  | { type: 'notLoaded' }
  | { type: 'idle' }
  | { type: 'systemError' }
  | { type: 'active'; activeFlags: ('waitingOnApproval' | 'waitingOnUserInput')[] };

export type SessionSource = 'cli' | 'vscode' | 'exec' | 'appServer' | 'unknown' | { custom: string };

export interface GitInfo {
  sha: string | null;
  branch: string | null;
  originUrl: string | null;
}

export interface Thread {
  id: string;
  sessionId: string;
  forkedFromId: string | null;
  parentThreadId: string | null;
  preview: string;
  ephemeral: boolean;
  projectId: string | null;
  modelProvider: string;
  model: string | null;
  reasoningEffort: string | null;
  createdAt: number;
  updatedAt: number;
  recencyAt: number | null;
  status: ThreadStatus;
  path: string | null;
  cwd: AbsolutePath;
  cliVersion: string;
  originator: string | null;
  source: SessionSource;
  threadSource: null;
  agentNickname: string | null;
  agentRole: string | null;
  gitInfo: GitInfo | null;
  name: string | null;
  turns: Turn[];
}

// ---- turns -----------------------------------------------------------------

export type TurnStatus = 'inProgress' | 'completed' | 'interrupted' | 'failed';

export interface Turn {
  id: string;
  rootTurnId: string | null;
  items: ThreadItem[];
  itemsView: 'notLoaded' | 'summary' | 'full';
  status: TurnStatus;
  error: TurnError | null;
  startedAt: number | null;
  completedAt: number | null;
  durationMs: number | null;
}

// ---- items -----------------------------------------------------------------

export type CommandAction =
  | { type: 'read'; command: string; name: string; path: string }
  | { type: 'listFiles'; command: string; path: string | null }
  | { type: 'search'; command: string; query: string | null; path: string | null }
  | { type: 'unknown'; command: string };

export type CommandExecutionStatus = 'inProgress' | 'completed' | 'failed' | 'declined';
export type PatchApplyStatus = 'inProgress' | 'completed' | 'failed' | 'declined';

export type PatchChangeKind = { type: 'add' } | { type: 'delete' } | { type: 'update'; move_path: string | null };

export interface FileUpdateChange {
  path: string;
  kind: PatchChangeKind;
  diff: string;
}

interface ItemTimes {
  startedAtMs?: number | null;
  completedAtMs?: number | null;
}

export type ThreadItem = ItemTimes &
  (
    | { type: 'userMessage'; id: string; clientId: string | null; content: UserInput[] }
    | {
        type: 'agentMessage';
        id: string;
        text: string;
        phase: 'commentary' | 'final_answer' | null;
        moderation: null;
        memoryCitation: null;
        delivery: null;
        questions: null;
      }
    | { type: 'reasoning'; id: string; summary: string[]; content: string[] }
    | {
        type: 'commandExecution';
        id: string;
        command: string;
        cwd: AbsolutePath;
        processId: string | null;
        source: 'agent' | 'userShell' | 'unifiedExecStartup' | 'unifiedExecInteraction';
        status: CommandExecutionStatus;
        commandActions: CommandAction[];
        aggregatedOutput: string | null;
        exitCode: number | null;
        durationMs: number | null;
      }
    | { type: 'fileChange'; id: string; changes: FileUpdateChange[]; status: PatchApplyStatus }
    /** The history was replaced by a summary (automatic or `thread/compact/start`). */
    | { type: 'contextCompaction'; id: string }
    /** A review turn began; `review` is the target's short label ("current changes"). */
    | { type: 'enteredReviewMode'; id: string; review: string }
    /** A review turn ended; `review` is the plain-text review (protocol/review-text.ts). */
    | { type: 'exitedReviewMode'; id: string; review: string }
  );

export type ThreadItemOf<T extends ThreadItem['type']> = Extract<ThreadItem, { type: T }>;

// ---- token usage -----------------------------------------------------------

export interface TokenUsageBreakdown {
  totalTokens: number;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteInputTokens: number;
  outputTokens: number;
  reasoningOutputTokens: number;
}

export interface ThreadTokenUsage {
  total: TokenUsageBreakdown;
  last: TokenUsageBreakdown;
  modelContextWindow: number | null;
}

// ---- methods: params and results ------------------------------------------

export interface ClientInfo {
  name: string;
  title?: string | null;
  version: string;
}

export interface InitializeParams {
  clientInfo: ClientInfo;
  capabilities?: { experimentalApi?: boolean; optOutNotificationMethods?: string[] | null } | null;
}

export interface InitializeResponse {
  userAgent: string;
  codexHome: AbsolutePath;
  platformFamily: string;
  platformOs: string;
}

/** The settings thread/start, thread/resume and thread/fork may each set for their thread. */
export interface ThreadSettingsParams {
  model?: string | null;
  modelProvider?: string | null;
  cwd?: string | null;
  approvalPolicy?: AskForApproval | null;
  sandbox?: SandboxMode | null;
  config?: Record<string, unknown> | null;
  baseInstructions?: string | null;
  developerInstructions?: string | null;
}

export interface ThreadStartParams extends ThreadSettingsParams {
  ephemeral?: boolean | null;
}

export interface ThreadResumeParams extends ThreadSettingsParams {
  threadId: string;
  excludeTurns?: boolean | null;
}

/** Same as thread/start's, with `thread.turns` filled (unless `excludeTurns`). */
export type ThreadResumeResponse = ThreadStartResponse;

export interface ThreadReadParams {
  threadId: string;
  includeTurns?: boolean | null;
}

export interface ThreadReadResponse {
  thread: Thread;
}

export type ThreadSortKey = 'created_at' | 'updated_at' | 'recency_at' | 'section_position';

export interface ThreadListParams {
  cursor?: string | null;
  limit?: number | null;
  sortKey?: ThreadSortKey | null;
  sortDirection?: 'asc' | 'desc' | null;
  archived?: boolean | null;
  cwd?: string | string[] | null;
  sourceKinds?: string[] | null;
  modelProviders?: string[] | null;
  /** Substring (case-sensitive) of the thread's name or preview. */
  searchTerm?: string | null;
  /** Left out before the page is cut (at most 100 ids). */
  excludedThreadIds?: string[] | null;
}

export interface ThreadForkParams extends ThreadSettingsParams {
  threadId: string;
  /** Fork through this turn, inclusive (default: every turn). It must not be in progress. */
  lastTurnId?: string | null;
  ephemeral?: boolean | null;
  excludeTurns?: boolean | null;
}

/** Same as thread/start's; `thread.forkedFromId` set, `thread.turns` filled (unless `excludeTurns`). */
export type ThreadForkResponse = ThreadStartResponse;

export interface ThreadArchiveParams {
  threadId: string;
}

export type ThreadArchiveResponse = Record<string, never>;

export interface ThreadUnarchiveParams {
  threadId: string;
}

export interface ThreadUnarchiveResponse {
  thread: Thread;
}

export interface ThreadSetNameParams {
  threadId: string;
  name: string;
}

export type ThreadSetNameResponse = Record<string, never>;

export interface ThreadListResponse {
  data: Thread[];
  nextCursor: string | null;
  backwardsCursor: string | null;
}

export interface ThreadStartResponse {
  thread: Thread;
  model: string;
  modelProvider: string;
  serviceTier: string | null;
  cwd: AbsolutePath;
  instructionSources: AbsolutePath[];
  approvalPolicy: AskForApproval;
  approvalsReviewer: 'user';
  sandbox: SandboxPolicy;
  reasoningEffort: string | null;
}

export interface TurnStartParams {
  threadId: string;
  input: UserInput[];
  cwd?: string | null;
  approvalPolicy?: AskForApproval | null;
  sandboxPolicy?: SandboxPolicy | null;
  model?: string | null;
  effort?: string | null;
  summary?: ReasoningSummary | null;
  /** A JSON Schema the final answer of this turn (only) must match. */
  outputSchema?: Record<string, unknown> | null;
  /** The client's id for this input, echoed as the user message item's `clientId`. */
  clientUserMessageId?: string | null;
}

export interface TurnStartResponse {
  turn: Turn;
}

export interface ThreadCompactStartParams {
  threadId: string;
}

/** Empty: the compaction runs as a turn, reported by notifications. */
export type ThreadCompactStartResponse = Record<string, never>;

/** What `review/start` reviews (tag `type`). */
export type ReviewTarget =
  /** The working tree: staged, unstaged and untracked files. */
  | { type: 'uncommittedChanges' }
  /** The current branch against the merge base with `branch`. */
  | { type: 'baseBranch'; branch: string }
  /** The changes of one commit; `title` is a label for UIs (e.g. its subject). */
  | { type: 'commit'; sha: string; title?: string | null }
  /** Free-form review instructions. */
  | { type: 'custom'; instructions: string };

/** 0.169 knows only `inline`: the review runs as a turn of `threadId`. */
export type ReviewDelivery = 'inline';

export interface ReviewStartParams {
  threadId: string;
  target: ReviewTarget;
  delivery?: ReviewDelivery | null;
}

export interface ReviewStartResponse {
  turn: Turn;
  /** The thread the review runs on: `threadId` (inline delivery). */
  reviewThreadId: string;
}

// ---- notifications ----------------------------------------------------------

export interface ServerNotificationParams {
  'thread/started': { thread: Thread };
  'thread/status/changed': { threadId: string; status: ThreadStatus };
  'thread/archived': { threadId: string };
  'thread/unarchived': { threadId: string };
  'thread/name/updated': { threadId: string; threadName: string | null };
  'thread/tokenUsage/updated': { threadId: string; turnId: string; tokenUsage: ThreadTokenUsage };
  'turn/started': { threadId: string; turn: Turn };
  'turn/completed': { threadId: string; turn: Turn };
  'turn/diff/updated': { threadId: string; turnId: string; diff: string };
  /** Deprecated by the `contextCompaction` item; still sent after it for older clients. */
  'thread/compacted': { threadId: string; turnId: string };
  'item/started': { threadId: string; turnId: string; item: ThreadItem; startedAtMs: number };
  'item/completed': { threadId: string; turnId: string; item: ThreadItem; completedAtMs: number; contentTokenCount: number | null };
  'item/agentMessage/delta': { threadId: string; turnId: string; itemId: string; delta: string };
  'item/reasoning/summaryPartAdded': { threadId: string; turnId: string; itemId: string; summaryIndex: number };
  'item/reasoning/summaryTextDelta': { threadId: string; turnId: string; itemId: string; delta: string; summaryIndex: number };
  'item/reasoning/textDelta': { threadId: string; turnId: string; itemId: string; delta: string; contentIndex: number };
  'item/commandExecution/outputDelta': { threadId: string; turnId: string; itemId: string; delta: string };
  'serverRequest/resolved': { threadId: string; requestId: string | number };
  error: { threadId: string; turnId: string; error: TurnError; willRetry: boolean };
  warning: { threadId: string | null; message: string };
  configWarning: { summary: string; details: string | null; path?: string | null };
  'turn/plan/updated': TurnPlanUpdatedParams;
}

export type ServerNotificationMethod = keyof ServerNotificationParams;

// ---- server -> client requests (approvals) ----------------------------------

export type CommandApprovalDecision = 'accept' | 'acceptForSession' | 'decline' | 'cancel' | Record<string, unknown>;
export type FileChangeApprovalDecision = 'accept' | 'acceptForSession' | 'decline' | 'cancel';

export interface ServerRequestParams {
  'item/commandExecution/requestApproval': {
    threadId: string;
    turnId: string;
    itemId: string;
    startedAtMs: number;
    approvalId: string | null;
    reason: string | null;
    command: string | null;
    cwd: string | null;
    commandActions: CommandAction[] | null;
    /** The argv prefix an `acceptWithExecpolicyAmendment` would allow from now on. */
    proposedExecpolicyAmendment?: string[] | null;
    /** The decisions the client should offer, as the reference sends them. */
    availableDecisions?: CommandApprovalDecision[] | null;
  };
  'item/fileChange/requestApproval': {
    threadId: string;
    turnId: string;
    itemId: string;
    startedAtMs: number;
    reason: string | null;
    grantRoot: string | null;
  };
}

export interface ServerRequestResults {
  'item/commandExecution/requestApproval': { decision: CommandApprovalDecision };
  'item/fileChange/requestApproval': { decision: FileChangeApprovalDecision };
}

export type ServerRequestMethod = keyof ServerRequestParams;

// ---- turn control (turn/steer, turn/start overrides, plans) -------------------

/** How much of its reasoning the model summarises (`turn/start` `summary`). */
export type ReasoningSummary = 'auto' | 'concise' | 'detailed' | 'none';

export interface TurnSteerParams {
  threadId: string;
  input: UserInput[];
  /** The turn the client believes is running; the request fails when another one is. */
  expectedTurnId: string;
  clientUserMessageId?: string | null;
}

export interface TurnSteerResponse {
  turnId: string;
}

/** One step of `turn/plan/updated` (from the `update_plan` tool). */
export interface TurnPlanStep {
  step: string;
  status: 'pending' | 'inProgress' | 'completed';
}

export interface TurnPlanUpdatedParams {
  threadId: string;
  turnId: string;
  explanation: string | null;
  plan: TurnPlanStep[];
}
