// The one place that reads recorded protocol messages into types. events.jsonl
// (or the driver's in-memory copy of it) becomes a Timeline: the turn in the
// order things happened: messages, reasoning, commands with their output and
// exit code, file changes with their diffs, approvals with the reply and, joined
// from RunResult.approvals by itemId, the rule that decided, errors and retries,
// token usage. transcript.md, summary.md and report.html are rendered from it.
//
// Reading is forgiving on purpose: a run killed mid-turn leaves a truncated last
// line, an item that never completed, a request nobody answered. Such a
// message is skipped or shown as incomplete, never a reason to lose the rest.

import type { EventDirection, EventLine } from './events-log.js';
import type { ApprovalDecisionRecord, RunResult } from './result.js';
import type { RequestId } from '../protocol/jsonrpc.js';
import type {
  CommandExecutionStatus,
  PatchApplyStatus,
  ServerNotificationParams,
  ServerRequestMethod,
  ServerRequestParams,
  ServerRequestResults,
  ThreadItem,
  ThreadItemOf,
  ThreadStartResponse,
  ThreadTokenUsage,
  TokenUsageBreakdown,
  TurnError,
  TurnStartResponse,
  TurnStatus,
  UserInput,
} from '../protocol/v2.js';

// ---- the timeline -----------------------------------------------------------

interface EntryBase {
  /** Position in the timeline (0-based). */
  seq: number;
  /** Epoch ms of the event that created the entry (null for entries with no event). */
  ts: number | null;
  turnId: string | null;
}

/** A user (the prompt) or agent message. */
export interface MessageEntry extends EntryBase {
  kind: 'message';
  role: 'user' | 'agent';
  itemId: string;
  text: string;
  phase: 'commentary' | 'final_answer' | null;
  /** False when the item never completed (text assembled from deltas). */
  complete: boolean;
}

export interface ReasoningEntry extends EntryBase {
  kind: 'reasoning';
  itemId: string;
  summary: string[];
  content: string[];
  complete: boolean;
}

export interface CommandEntry extends EntryBase {
  kind: 'command';
  itemId: string;
  command: string;
  cwd: string | null;
  status: CommandExecutionStatus;
  exitCode: number | null;
  /** aggregatedOutput of the completed item, else the output deltas joined. */
  output: string;
  durationMs: number | null;
  complete: boolean;
  /** The approval requests for this item, in order (usually none or one). */
  approvals: ApprovalEntry[];
}

export interface FileChangeView {
  /** Relative to the thread's cwd when inside it, else as sent. */
  path: string;
  absolutePath: string;
  kind: 'add' | 'delete' | 'update';
  movePath: string | null;
  /** Unified-diff lines: an update's hunks as sent; an added or deleted file's content as +/- lines. */
  diff: string;
}

export interface FileChangeEntry extends EntryBase {
  kind: 'fileChange';
  itemId: string;
  status: PatchApplyStatus;
  changes: FileChangeView[];
  complete: boolean;
  approvals: ApprovalEntry[];
}

/** The server asked the client to approve something (a server request) and what came of it. */
export interface ApprovalEntry extends EntryBase {
  kind: 'approval';
  requestId: RequestId;
  method: string;
  target: 'command' | 'fileChange' | 'other';
  itemId: string | null;
  /** The command line, or the paths of the file change, when known. */
  subject: string | null;
  /** The server's reason for asking. */
  serverReason: string | null;
  /**
   * The decision as answered on the wire (`accept`, `decline`, `acceptForSession`, `cancel`,
   * the key of an object decision such as `acceptWithExecpolicyAmendment`), `error` for an
   * error reply, or null when no reply was recorded.
   */
  decision: string | null;
  decidedTs: number | null;
  /** The deciding rule from RunResult.approvals (null when the result does not name one). */
  rule: string | null;
  /** The policy's reason from RunResult.approvals. */
  policyReason: string | null;
}

/** An `error` notification (willRetry: a retry follows) or an error reply to one of the client's requests. */
export interface ErrorEntry extends EntryBase {
  kind: 'error';
  source: 'turn' | 'rpc';
  message: string;
  /** codexErrorInfo flattened to a word (e.g. `internalServerError`, `responseStreamDisconnected 502`), or the JSON-RPC code. */
  code: string | null;
  detail: string | null;
  willRetry: boolean;
  /** For rpc errors: the method of the request that failed. */
  method: string | null;
}

export interface WarningEntry extends EntryBase {
  kind: 'warning';
  message: string;
  detail: string | null;
}

/** A `thread/tokenUsage/updated`: one per model response. */
export interface TokenUsageEntry extends EntryBase {
  kind: 'tokenUsage';
  total: TokenUsageBreakdown;
  last: TokenUsageBreakdown;
  modelContextWindow: number | null;
}

/** The client sent `turn/interrupt` (budget, timeout, signal). */
export interface InterruptEntry extends EntryBase {
  kind: 'interrupt';
}

/** The history was replaced by a summary (a `contextCompaction` item). */
export interface CompactionEntry extends EntryBase {
  kind: 'compaction';
  itemId: string;
}

export interface TurnCompletedEntry extends EntryBase {
  kind: 'turnCompleted';
  status: TurnStatus;
  error: TurnError | null;
  durationMs: number | null;
}

export type TimelineEntry =
  | MessageEntry
  | ReasoningEntry
  | CommandEntry
  | FileChangeEntry
  | ApprovalEntry
  | ErrorEntry
  | WarningEntry
  | TokenUsageEntry
  | InterruptEntry
  | CompactionEntry
  | TurnCompletedEntry;

export type TimelineEntryKind = TimelineEntry['kind'];

export interface TimelineTurn {
  id: string;
  status: TurnStatus;
  error: TurnError | null;
  startedTs: number | null;
  completedTs: number | null;
  durationMs: number | null;
}

export interface Timeline {
  threadId: string | null;
  model: string | null;
  cwd: string | null;
  turns: TimelineTurn[];
  /** Everything, in the order it happened. */
  entries: TimelineEntry[];
  /** Views onto `entries` (same objects). */
  commands: CommandEntry[];
  fileChanges: FileChangeEntry[];
  approvals: ApprovalEntry[];
  errors: ErrorEntry[];
  /** The latest token usage reported. */
  tokenUsage: ThreadTokenUsage | null;
  /** Approval records in the result that no recorded request matched. */
  unmatchedApprovals: ApprovalDecisionRecord[];
  /** Epoch ms of the first and last event. */
  firstTs: number | null;
  lastTs: number | null;
  /** events.jsonl's header line, if it had one (any line that is not an event). */
  header: Record<string, unknown> | null;
  /** Lines that were not JSON (e.g. the truncated last line of a killed run). */
  malformedLines: number;
  /** Messages that were JSON but could not be read as the protocol message they claim to be. */
  unreadableMessages: number;
}

// ---- events.jsonl -----------------------------------------------------------

export interface ParsedEvents {
  events: EventLine[];
  header: Record<string, unknown> | null;
  malformedLines: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEventLine(v: unknown): v is EventLine {
  return isRecord(v) && (v.dir === 'c2s' || v.dir === 's2c') && 'msg' in v;
}

/** Splits events.jsonl text into event lines; a first line that is not an event is the header. */
export function parseEventsJsonl(text: string): ParsedEvents {
  const events: EventLine[] = [];
  let header: Record<string, unknown> | null = null;
  let malformedLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      malformedLines++;
      continue;
    }
    if (isEventLine(value)) {
      events.push({ ts: typeof value.ts === 'number' ? value.ts : 0, dir: value.dir, msg: value.msg });
    } else if (isRecord(value) && isRecord(value.note)) {
      // A driver note (e.g. an approval decision with its rule): the rules come from result.json.
      continue;
    } else if (header === null && events.length === 0 && isRecord(value)) {
      header = value;
    } else {
      malformedLines++;
    }
  }
  return { events, header, malformedLines };
}

// ---- reading messages -------------------------------------------------------

type Classified =
  | { type: 'request'; id: RequestId; method: string; params: unknown }
  | { type: 'notification'; method: string; params: unknown }
  | { type: 'response'; id: RequestId; result: unknown }
  | { type: 'errorResponse'; id: RequestId | null; error: { code: number | null; message: string } }
  | { type: 'other' };

function isRequestId(v: unknown): v is RequestId {
  return typeof v === 'string' || typeof v === 'number';
}

function classify(msg: unknown): Classified {
  if (!isRecord(msg)) return { type: 'other' };
  if (typeof msg.method === 'string') {
    return isRequestId(msg.id)
      ? { type: 'request', id: msg.id, method: msg.method, params: msg.params }
      : { type: 'notification', method: msg.method, params: msg.params };
  }
  if ('result' in msg && isRequestId(msg.id)) return { type: 'response', id: msg.id, result: msg.result };
  if (isRecord(msg.error)) {
    const e = msg.error;
    return {
      type: 'errorResponse',
      id: isRequestId(msg.id) ? msg.id : null,
      error: { code: typeof e.code === 'number' ? e.code : null, message: typeof e.message === 'string' ? e.message : 'error' },
    };
  }
  return { type: 'other' };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A decision as a word: strings as they are, `{acceptWithExecpolicyAmendment: …}` as its key. */
export function decisionName(decision: unknown): string {
  if (typeof decision === 'string') return decision;
  if (isRecord(decision)) return Object.keys(decision)[0] ?? 'unknown';
  return 'unknown';
}

/** `internalServerError`, `responseStreamDisconnected 502`, … */
export function errorCodeName(info: unknown): string | null {
  if (typeof info === 'string') return info;
  if (isRecord(info)) {
    const [key, value] = Object.entries(info)[0] ?? [];
    if (key === undefined) return null;
    const status = isRecord(value) ? num(value.httpStatusCode) : null;
    return status === null ? key : `${key} ${status}`;
  }
  return null;
}

function userText(content: readonly UserInput[]): string {
  return content
    .map((c) => {
      switch (c.type) {
        case 'text':
          return c.text;
        case 'image':
          return '[image]';
        case 'localImage':
          return `[image ${c.path}]`;
        case 'skill':
          return `[skill ${c.name}]`;
        case 'mention':
          return `[mention ${c.name}]`;
        default:
          return '';
      }
    })
    .join('\n');
}

/** An added/deleted file's content as diff lines, so every change renders as a diff. */
function contentAsDiff(content: string, sign: '+' | '-'): string {
  if (content === '') return '';
  const lines = content.endsWith('\n') ? content.slice(0, -1).split('\n') : content.split('\n');
  const range = sign === '+' ? `@@ -0,0 +1,${lines.length} @@` : `@@ -1,${lines.length} +0,0 @@`;
  return [range, ...lines.map((l) => sign + l)].join('\n') + '\n';
}

function relativeTo(cwd: string | null, p: string): string {
  if (cwd && p.startsWith(cwd.endsWith('/') ? cwd : cwd + '/')) return p.slice(cwd.length).replace(/^\/+/, '');
  return p;
}

// ---- building ---------------------------------------------------------------

type ResultForTimeline = Pick<RunResult, 'approvals'> | null | undefined;

class Builder {
  readonly t: Timeline = {
    threadId: null,
    model: null,
    cwd: null,
    turns: [],
    entries: [],
    commands: [],
    fileChanges: [],
    approvals: [],
    errors: [],
    tokenUsage: null,
    unmatchedApprovals: [],
    firstTs: null,
    lastTs: null,
    header: null,
    malformedLines: 0,
    unreadableMessages: 0,
  };
  /** Requests the client sent, by id: what a server reply answers. */
  private readonly clientRequests = new Map<RequestId, string>();
  /** Server requests (approvals), by id: what a client reply answers. */
  private readonly serverRequests = new Map<RequestId, ApprovalEntry>();
  private readonly items = new Map<string, MessageEntry | ReasoningEntry | CommandEntry | FileChangeEntry | CompactionEntry>();
  private readonly deltas = new Map<string, string[]>();
  private readonly reasoningParts = new Map<string, string[]>();
  private readonly reasoningContent = new Map<string, string[]>();
  private ts = 0;
  private turnId: string | null = null;

  private push<E extends TimelineEntry>(entry: Omit<E, 'seq' | 'ts' | 'turnId'> & Partial<Pick<E, 'turnId'>>): E {
    const full = { seq: this.t.entries.length, ts: this.ts, turnId: this.turnId, ...entry } as E;
    this.t.entries.push(full);
    return full;
  }

  event(e: EventLine): void {
    this.ts = e.ts;
    this.t.firstTs ??= e.ts;
    this.t.lastTs = e.ts;
    try {
      this.message(e.dir, classify(e.msg));
    } catch {
      this.t.unreadableMessages++;
    }
  }

  private message(dir: EventDirection, m: Classified): void {
    switch (m.type) {
      case 'request':
        if (dir === 'c2s') {
          this.clientRequests.set(m.id, m.method);
          if (m.method === 'turn/interrupt') this.push<InterruptEntry>({ kind: 'interrupt' });
        } else {
          this.serverRequest(m.id, m.method, m.params);
        }
        return;
      case 'notification':
        if (dir === 's2c') this.notification(m.method, m.params);
        return;
      case 'response':
        if (dir === 's2c') this.clientRequestAnswered(m.id, m.result);
        else this.serverRequestAnswered(m.id, m.result);
        return;
      case 'errorResponse':
        if (dir === 's2c') {
          const method = m.id === null ? null : (this.clientRequests.get(m.id) ?? null);
          this.error({ source: 'rpc', message: m.error.message, code: m.error.code === null ? null : String(m.error.code), detail: null, willRetry: false, method });
        } else if (m.id !== null) {
          const approval = this.serverRequests.get(m.id);
          if (approval) {
            approval.decision = 'error';
            approval.decidedTs = this.ts;
          }
        }
        return;
      case 'other':
        this.t.unreadableMessages++;
        return;
    }
  }

  private clientRequestAnswered(id: RequestId, result: unknown): void {
    const method = this.clientRequests.get(id);
    if (!isRecord(result)) return;
    if (method === 'thread/start' || method === 'thread/resume') {
      const r = result as unknown as ThreadStartResponse;
      this.t.threadId = str(r.thread?.id) ?? this.t.threadId;
      this.t.model = str(r.model) ?? this.t.model;
      this.t.cwd = str(r.cwd) ?? this.t.cwd;
    } else if (method === 'turn/start') {
      const r = result as unknown as TurnStartResponse;
      const id = str(r.turn?.id);
      if (id) this.turn(id);
    }
  }

  private turn(id: string): TimelineTurn {
    this.turnId = id;
    let turn = this.t.turns.find((t) => t.id === id);
    if (!turn) {
      turn = { id, status: 'inProgress', error: null, startedTs: this.ts, completedTs: null, durationMs: null };
      this.t.turns.push(turn);
    }
    return turn;
  }

  private serverRequest(id: RequestId, method: string, params: unknown): void {
    const p = isRecord(params) ? params : {};
    const itemId = str(p.itemId);
    let target: ApprovalEntry['target'] = 'other';
    let subject: string | null = null;
    if (method === ('item/commandExecution/requestApproval' satisfies ServerRequestMethod)) {
      const cp = p as Partial<ServerRequestParams['item/commandExecution/requestApproval']>;
      target = 'command';
      subject = str(cp.command);
    } else if (method === ('item/fileChange/requestApproval' satisfies ServerRequestMethod)) {
      target = 'fileChange';
      const item = itemId ? this.items.get(itemId) : undefined;
      if (item?.kind === 'fileChange') subject = item.changes.map((c) => c.path).join(', ') || null;
    }
    const entry = this.push<ApprovalEntry>({
      kind: 'approval',
      requestId: id,
      method,
      target,
      itemId,
      subject,
      serverReason: str(p.reason),
      decision: null,
      decidedTs: null,
      rule: null,
      policyReason: null,
      turnId: str(p.turnId) ?? this.turnId,
    });
    this.serverRequests.set(id, entry);
    this.t.approvals.push(entry);
    const item = itemId ? this.items.get(itemId) : undefined;
    if (item && (item.kind === 'command' || item.kind === 'fileChange')) item.approvals.push(entry);
  }

  private serverRequestAnswered(id: RequestId, result: unknown): void {
    const approval = this.serverRequests.get(id);
    if (!approval || !isRecord(result)) return;
    const r = result as Partial<ServerRequestResults[ServerRequestMethod]>;
    approval.decision = decisionName(r.decision);
    approval.decidedTs = this.ts;
  }

  private notification(method: string, params: unknown): void {
    if (!isRecord(params)) return;
    const n = params as unknown as ServerNotificationParams[keyof ServerNotificationParams];
    switch (method) {
      case 'thread/started': {
        const p = n as ServerNotificationParams['thread/started'];
        this.t.threadId ??= str(p.thread?.id);
        this.t.model ??= str(p.thread?.model);
        this.t.cwd ??= str(p.thread?.cwd);
        return;
      }
      case 'turn/started': {
        const p = n as ServerNotificationParams['turn/started'];
        const id = str(p.turn?.id);
        if (id) this.turn(id);
        return;
      }
      case 'turn/completed': {
        const p = n as ServerNotificationParams['turn/completed'];
        const id = str(p.turn?.id);
        if (!id) return;
        const turn = this.turn(id);
        turn.status = p.turn.status;
        turn.error = p.turn.error ?? null;
        turn.completedTs = this.ts;
        turn.durationMs = num(p.turn.durationMs);
        this.push<TurnCompletedEntry>({ kind: 'turnCompleted', status: turn.status, error: turn.error, durationMs: turn.durationMs });
        return;
      }
      case 'item/started':
      case 'item/completed': {
        const p = n as ServerNotificationParams['item/started'];
        if (isRecord(p.item)) this.item(p.item, method === 'item/completed', str(p.turnId));
        return;
      }
      case 'item/agentMessage/delta':
      case 'item/commandExecution/outputDelta': {
        const p = n as ServerNotificationParams['item/agentMessage/delta'];
        const itemId = str(p.itemId);
        const delta = str(p.delta);
        if (itemId === null || delta === null) return;
        // Joined once, in finish() or when the item completes without its full text.
        const parts = this.deltas.get(itemId) ?? [];
        parts.push(delta);
        this.deltas.set(itemId, parts);
        return;
      }
      case 'item/reasoning/summaryTextDelta':
      case 'item/reasoning/textDelta': {
        const summary = method === 'item/reasoning/summaryTextDelta';
        const p = n as Partial<ServerNotificationParams['item/reasoning/summaryTextDelta'] & ServerNotificationParams['item/reasoning/textDelta']>;
        const itemId = str(p.itemId);
        const delta = str(p.delta);
        const index = num(summary ? p.summaryIndex : p.contentIndex) ?? 0;
        if (itemId === null || delta === null) return;
        const store = summary ? this.reasoningParts : this.reasoningContent;
        const parts = store.get(itemId) ?? [];
        parts[index] = (parts[index] ?? '') + delta;
        store.set(itemId, parts);
        return;
      }
      case 'thread/tokenUsage/updated': {
        const p = n as ServerNotificationParams['thread/tokenUsage/updated'];
        const usage = p.tokenUsage;
        if (!isRecord(usage) || !isRecord(usage.total)) return;
        this.t.tokenUsage = usage;
        this.push<TokenUsageEntry>({
          kind: 'tokenUsage',
          total: usage.total,
          last: usage.last,
          modelContextWindow: num(usage.modelContextWindow),
          turnId: str(p.turnId) ?? this.turnId,
        });
        return;
      }
      case 'error': {
        const p = n as ServerNotificationParams['error'];
        const e = isRecord(p.error) ? p.error : ({} as Partial<TurnError>);
        this.error({
          source: 'turn',
          message: str(e.message) ?? 'error',
          code: errorCodeName(e.codexErrorInfo),
          detail: str(e.additionalDetails),
          willRetry: p.willRetry === true,
          method: null,
        });
        return;
      }
      case 'warning': {
        const p = n as ServerNotificationParams['warning'];
        this.push<WarningEntry>({ kind: 'warning', message: str(p.message) ?? '', detail: null });
        return;
      }
      case 'configWarning': {
        const p = n as ServerNotificationParams['configWarning'];
        this.push<WarningEntry>({ kind: 'warning', message: str(p.summary) ?? '', detail: str(p.details) });
        return;
      }
      default:
        return;
    }
  }

  private error(e: Omit<ErrorEntry, 'kind' | 'seq' | 'ts' | 'turnId'>): void {
    this.t.errors.push(this.push<ErrorEntry>({ kind: 'error', ...e }));
  }

  private item(raw: Record<string, unknown>, completed: boolean, turnId: string | null): void {
    const item = raw as unknown as ThreadItem;
    const id = str(item.id);
    if (id === null) return;
    const existing = this.items.get(id);
    const base = { turnId: turnId ?? this.turnId };
    switch (item.type) {
      case 'userMessage':
      case 'agentMessage': {
        const text = item.type === 'userMessage' ? userText(Array.isArray(item.content) ? item.content : []) : (str(item.text) ?? '');
        const entry =
          existing?.kind === 'message'
            ? existing
            : this.push<MessageEntry>({ ...base, kind: 'message', role: item.type === 'userMessage' ? 'user' : 'agent', itemId: id, text: '', phase: null, complete: false });
        if (item.type === 'agentMessage') entry.phase = item.phase ?? null;
        if (completed || text !== '') entry.text = text;
        if (completed) entry.complete = true;
        this.items.set(id, entry);
        return;
      }
      case 'reasoning': {
        const entry =
          existing?.kind === 'reasoning'
            ? existing
            : this.push<ReasoningEntry>({ ...base, kind: 'reasoning', itemId: id, summary: [], content: [], complete: false });
        if (completed) {
          entry.summary = Array.isArray(item.summary) ? item.summary.filter((s): s is string => typeof s === 'string') : entry.summary;
          entry.content = Array.isArray(item.content) ? item.content.filter((s): s is string => typeof s === 'string') : [];
          entry.complete = true;
        }
        this.items.set(id, entry);
        return;
      }
      case 'commandExecution': {
        const c = item as ThreadItemOf<'commandExecution'>;
        const entry =
          existing?.kind === 'command'
            ? existing
            : this.push<CommandEntry>({
                ...base,
                kind: 'command',
                itemId: id,
                command: '',
                cwd: null,
                status: 'inProgress',
                exitCode: null,
                output: '',
                durationMs: null,
                complete: false,
                approvals: this.approvalsFor(id),
              });
        entry.command = str(c.command) ?? entry.command;
        entry.cwd = str(c.cwd) ?? entry.cwd;
        entry.status = c.status ?? entry.status;
        entry.exitCode = num(c.exitCode) ?? entry.exitCode;
        entry.durationMs = num(c.durationMs) ?? entry.durationMs;
        if (completed) {
          entry.output = str(c.aggregatedOutput) ?? (this.deltas.get(id) ?? []).join('');
          entry.complete = true;
        }
        if (!existing) this.t.commands.push(entry);
        this.items.set(id, entry);
        return;
      }
      case 'fileChange': {
        const f = item as ThreadItemOf<'fileChange'>;
        const entry =
          existing?.kind === 'fileChange'
            ? existing
            : this.push<FileChangeEntry>({ ...base, kind: 'fileChange', itemId: id, status: 'inProgress', changes: [], complete: false, approvals: this.approvalsFor(id) });
        entry.status = f.status ?? entry.status;
        if (Array.isArray(f.changes) && (completed || entry.changes.length === 0)) {
          entry.changes = f.changes.filter(isRecord).map((ch) => {
            const absolutePath = str(ch.path) ?? '';
            const kind = ch.kind?.type === 'add' || ch.kind?.type === 'delete' ? ch.kind.type : 'update';
            const movePath = ch.kind?.type === 'update' ? str(ch.kind.move_path) : null;
            const diff = str(ch.diff) ?? '';
            return {
              path: relativeTo(this.t.cwd, absolutePath),
              absolutePath,
              kind,
              movePath: movePath === null ? null : relativeTo(this.t.cwd, movePath),
              diff: kind === 'update' ? diff : contentAsDiff(diff, kind === 'add' ? '+' : '-'),
            };
          });
          for (const a of entry.approvals) if (a.subject === null) a.subject = entry.changes.map((c) => c.path).join(', ') || null;
        }
        if (completed) entry.complete = true;
        if (!existing) this.t.fileChanges.push(entry);
        this.items.set(id, entry);
        return;
      }
      case 'contextCompaction': {
        if (!existing) this.items.set(id, this.push<CompactionEntry>({ ...base, kind: 'compaction', itemId: id }));
        return;
      }
      default:
        return;
    }
  }

  /** Approval requests that arrived before their item (so the item still lists them). */
  private approvalsFor(itemId: string): ApprovalEntry[] {
    return this.t.approvals.filter((a) => a.itemId === itemId);
  }

  /** Items that never completed (the run ended first) get their text from the deltas. */
  finish(): void {
    for (const [id, item] of this.items) {
      if (item.kind === 'compaction' || item.complete) continue;
      const deltas = this.deltas.get(id);
      if (item.kind === 'message' && deltas) item.text = deltas.join('');
      else if (item.kind === 'command' && deltas) item.output = deltas.join('');
      else if (item.kind === 'reasoning') {
        const summary = this.reasoningParts.get(id);
        const content = this.reasoningContent.get(id);
        if (summary) item.summary = Array.from(summary, (s) => s ?? '');
        if (content) item.content = Array.from(content, (s) => s ?? '');
      }
    }
  }

  /** Joins RunResult.approvals (the deciding rule) onto the recorded requests, by itemId and method, in order. */
  joinResult(records: readonly ApprovalDecisionRecord[]): void {
    const unused = [...records];
    for (const approval of this.t.approvals) {
      const i = unused.findIndex((r) => r.itemId === approval.itemId && (r.method === approval.method || !r.method));
      if (i < 0) continue;
      const [record] = unused.splice(i, 1);
      if (!record) continue;
      approval.rule = record.rule;
      approval.policyReason = record.reason;
      approval.decision ??= record.decision;
      approval.subject ??= record.subject;
    }
    this.t.unmatchedApprovals = unused;
  }
}

/**
 * Reads a run's recorded messages (the EventLine array, or events.jsonl's text) into a Timeline.
 * `result` supplies the deciding rule of each approval (joined by itemId).
 */
export function buildTimeline(events: readonly EventLine[] | string, result?: ResultForTimeline): Timeline {
  const b = new Builder();
  let lines: readonly EventLine[];
  if (typeof events === 'string') {
    const parsed = parseEventsJsonl(events);
    lines = parsed.events;
    b.t.header = parsed.header;
    b.t.malformedLines = parsed.malformedLines;
  } else {
    lines = events;
  }
  for (const e of lines) b.event(e);
  b.finish();
  b.joinResult(result?.approvals ?? []);
  return b.t;
}
