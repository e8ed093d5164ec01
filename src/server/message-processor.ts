// Connection lifecycle and routing: the initialize gate ("Not initialized",
// "Already initialized"), per-method params checks, and the mapping of errors
// to JSON-RPC error replies. Domain work is delegated to the ThreadManager.
//
// Quirks matched on purpose: the reference server answers unknown methods and
// malformed params with -32600 (invalid request), not -32601/-32602; it parses a
// request whole (method, then params) before its initialize gate; and it names a
// bad thread id with its uuid crate's diagnosis. Error-to-wire mapping: wire-errors.ts.

import os from 'node:os';
import { ReplyThen } from '../jsonrpc/connection.js';
import { REFERENCE_CLIENT_METHODS } from '../protocol/client-methods.js';
import type { JsonRpcNotification, JsonRpcRequest } from '../protocol/jsonrpc.js';
import { parseUuid } from '../protocol/thread-id.js';
import type {
  InitializeParams,
  InitializeResponse,
  ReviewStartParams,
  ThreadCompactStartParams,
  ThreadCompactStartResponse,
  ThreadForkParams,
  ThreadListParams,
  ThreadResumeParams,
  ThreadStartParams,
  TurnStartParams,
  TurnSteerParams,
} from '../protocol/v2.js';
import type { TernConfig } from '../config/index.js';
import type { ThreadManager } from '../threads/thread-manager.js';
import { UnsupportedFailure } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { VERSION } from '../util/version.js';
import { CLIENT_METHODS } from './client-methods.js';
import type { Outgoing } from './outgoing.js';
import { toRpcError } from './wire-errors.js';
import {
  checkReviewStart,
  checkTurnOverrides,
  checkUserInput,
  describe,
  invalid,
  optionalApprovalPolicy,
  optionalEnum,
  optionalField,
  optionalStringList,
  requireField,
  SANDBOX_MODES,
  THREAD_SOURCE_KINDS,
} from './params.js';

/** What a method handler gets: the thread manager, the client's name (the originator) and its subscriptions. */
interface MethodContext {
  threads: ThreadManager;
  originator: string;
  session: ConnectionSession;
  /** The server's configuration (config.toml + `-c`), as loaded at start-up. */
  config: TernConfig;
}

/** This connection's subscriptions to threads (server/router.ts). */
export interface ConnectionSession {
  /** From now on this connection receives the thread's events and server requests. */
  subscribe(threadId: string): void;
  /** Sends this connection the thread's server requests still waiting for an answer. */
  sendPending(threadId: string): void;
  unsubscribe(threadId: string): 'unsubscribed' | 'notSubscribed';
}

/** thread/list `excludedThreadIds`: longer lists are refused, never truncated (as the reference documents). */
const MAX_EXCLUDED_THREAD_IDS = 100;
/** A one-function row: it checks its params and works, after the initialize gate. */
type MethodHandler = (ctx: MethodContext, rawParams: unknown) => unknown;

/**
 * A row in two phases, in the reference server's order: `check` runs before the
 * initialize gate (it parses a request whole, params included, before asking whether
 * the connection is initialized), `run` after it.
 */
interface MethodRow<P> {
  /** The reference's params struct as serde names it, and its number of fields in 0.169. */
  struct: readonly [name: string, fields: number];
  check: (params: Record<string, unknown>) => P;
  run: (ctx: MethodContext, params: P) => unknown;
}

/** A two-phase row; its params type is checked here and erased in the table (check feeds run). */
function row<P>(struct: readonly [string, number], check: (params: Record<string, unknown>) => P, run: (ctx: MethodContext, params: P) => unknown): MethodRow<unknown> {
  return { struct, check, run } as unknown as MethodRow<unknown>;
}

const THREAD_SETTING_STRINGS = ['cwd', 'model', 'modelProvider', 'baseInstructions', 'developerInstructions'];

function checkThreadSettings(raw: Record<string, unknown>): void {
  for (const f of THREAD_SETTING_STRINGS) optionalField(raw, f, 'string');
  optionalField(raw, 'config', 'object');
  optionalEnum(raw, 'sandbox', SANDBOX_MODES);
  optionalApprovalPolicy(raw, 'approvalPolicy');
}

/**
 * The protocol as data: every method the server implements (besides `initialize`,
 * which gates the connection), each with its params check and its handler, in
 * the reference server's order of listing. A new method is a new row.
 */
const METHODS = {
  'thread/start': row(
    ['ThreadStartParams', 27],
    (raw) => {
      checkThreadSettings(raw);
      optionalField(raw, 'ephemeral', 'boolean');
      return raw as ThreadStartParams;
    },
    async ({ threads, originator, session }, params) => {
      const result = await threads.startThread(params, originator);
      session.subscribe(result.thread.id);
      return new ReplyThen(result, () => threads.announceThread(result.thread.id));
    },
  ),
  'turn/start': row(
    ['TurnStartParams', 28],
    (raw) => {
      requireField(raw, 'threadId', 'string');
      requireField(raw, 'input', 'array');
      checkUserInput(raw.input as unknown[]);
      checkTurnOverrides(raw);
      return raw as unknown as TurnStartParams;
    },
    ({ threads }, params) => {
      const { turn, begin } = threads.prepareTurn({ ...params, threadId: threadIdParam(params.threadId) });
      return new ReplyThen({ turn }, begin);
    },
  ),
  'turn/steer': row(
    ['TurnSteerParams', 7],
    (raw) => {
      requireField(raw, 'threadId', 'string');
      requireField(raw, 'input', 'array');
      requireField(raw, 'expectedTurnId', 'string');
      optionalField(raw, 'clientUserMessageId', 'string');
      checkUserInput(raw.input as unknown[]);
      return raw as unknown as TurnSteerParams;
    },
    ({ threads }, params) => threads.steerTurn({ ...params, threadId: threadIdParam(params.threadId) }),
  ),
  'turn/interrupt': row(
    ['TurnInterruptParams', 2],
    (raw) => {
      requireField(raw, 'threadId', 'string');
      requireField(raw, 'turnId', 'string');
      return raw as { threadId: string; turnId: string };
    },
    ({ threads }, params) => {
      threads.interruptTurn(threadIdParam(params.threadId), params.turnId);
      return {};
    },
  ),
  'thread/compact/start': row(
    ['ThreadCompactStartParams', 1],
    (raw) => {
      requireField(raw, 'threadId', 'string');
      return raw as unknown as ThreadCompactStartParams;
    },
    ({ threads }, params) => {
      const { begin } = threads.prepareCompaction(threadIdParam(params.threadId));
      const result: ThreadCompactStartResponse = {};
      return new ReplyThen(result, begin);
    },
  ),
  'review/start': row(
    ['ReviewStartParams', 3],
    (raw) => {
      requireField(raw, 'threadId', 'string');
      checkReviewStart(raw);
      return raw as unknown as ReviewStartParams;
    },
    ({ threads }, params) => {
      const { result, begin } = threads.prepareReview({ ...params, threadId: threadIdParam(params.threadId) });
      return new ReplyThen(result, begin);
    },
  ),
  'thread/resume': row(
    ['ThreadResumeParams', 18],
    (raw) => {
      requireField(raw, 'threadId', 'string');
      checkThreadSettings(raw);
      optionalField(raw, 'excludeTurns', 'boolean');
      return raw as unknown as ThreadResumeParams;
    },
    async ({ threads, originator, session }, params) => {
      // The reference reads this id as a session id, and says so when it is not a UUID.
      const result = await threads.resumeThread({ ...params, threadId: threadIdParam(params.threadId, 'session id') }, originator);
      session.subscribe(result.thread.id);
      // Approvals still waiting go to the resuming client again, after its reply (router.ts).
      return new ReplyThen(result, () => {
        threads.announceRestoredUsage(result.thread.id);
        session.sendPending(result.thread.id);
      });
    },
  ),
  'thread/read': row(
    ['ThreadReadParams', 2],
    (raw) => {
      requireField(raw, 'threadId', 'string');
      optionalField(raw, 'includeTurns', 'boolean');
      return raw as { threadId: string; includeTurns?: boolean | null };
    },
    ({ threads }, params) => threads.readThread(threadIdParam(params.threadId), params.includeTurns === true),
  ),
  'thread/list': row(
    ['ThreadListParams', 19],
    (raw) => {
      optionalField(raw, 'cursor', 'string');
      optionalField(raw, 'archived', 'boolean');
      optionalField(raw, 'searchTerm', 'string');
      optionalStringList(raw, 'sourceKinds', THREAD_SOURCE_KINDS);
      optionalStringList(raw, 'modelProviders');
      optionalStringList(raw, 'excludedThreadIds');
      if (((raw.excludedThreadIds as unknown[] | null | undefined) ?? []).length > MAX_EXCLUDED_THREAD_IDS) {
        throw invalid(`excludedThreadIds accepts at most ${MAX_EXCLUDED_THREAD_IDS} ids`);
      }
      optionalEnum(raw, 'sortKey', ['created_at', 'updated_at', 'recency_at', 'section_position']);
      optionalEnum(raw, 'sortDirection', ['asc', 'desc']);
      checkU32(raw.limit);
      if (raw.cwd != null && typeof raw.cwd !== 'string' && !Array.isArray(raw.cwd)) {
        throw invalid('Invalid request: data did not match any variant of untagged enum ThreadListCwdFilter');
      }
      return raw as ThreadListParams;
    },
    ({ threads }, params) => threads.listThreads(params),
  ),
  'thread/fork': row(
    ['ThreadForkParams', 23],
    (raw) => {
      requireField(raw, 'threadId', 'string');
      checkThreadSettings(raw);
      optionalField(raw, 'lastTurnId', 'string');
      for (const f of ['ephemeral', 'excludeTurns']) optionalField(raw, f, 'boolean');
      return raw as unknown as ThreadForkParams;
    },
    async ({ threads, originator, session }, params) => {
      const result = await threads.forkThread({ ...params, threadId: threadIdParam(params.threadId, 'session id') }, originator);
      session.subscribe(result.thread.id);
      return new ReplyThen(result, () => {
        threads.announceRestoredUsage(result.thread.id);
        threads.announceThread(result.thread.id);
      });
    },
  ),
  'thread/archive': row(['ThreadArchiveParams', 1], sessionIdOnly, async ({ threads }, { threadId }) => {
    await threads.archiveThread(threadId);
    return new ReplyThen({}, () => threads.notifyThreadEvent('thread/archived', { threadId }));
  }),
  'thread/unarchive': row(['ThreadUnarchiveParams', 1], sessionIdOnly, ({ threads }, { threadId }) => {
    const result = threads.unarchiveThread(threadId);
    return new ReplyThen(result, () => threads.notifyThreadEvent('thread/unarchived', { threadId }));
  }),
  'thread/name/set': row(
    ['ThreadSetNameParams', 2],
    (raw) => {
      requireField(raw, 'threadId', 'string');
      requireField(raw, 'name', 'string');
      return raw as { threadId: string; name: string };
    },
    ({ threads }, { threadId: rawId, name }) => {
      const threadId = threadIdParam(rawId);
      threads.setThreadName(threadId, name);
      return new ReplyThen({}, () => threads.notifyThreadEvent('thread/name/updated', { threadId, threadName: name }));
    },
  ),
  'thread/loaded/list': row(
    ['ThreadLoadedListParams', 2],
    (raw) => {
      optionalField(raw, 'cursor', 'string');
      checkU32(raw.limit);
      return raw as { cursor?: string | null; limit?: number | null };
    },
    ({ threads }, params) => loadedListPage(threads.loadedThreadIds(), params.cursor ?? null, params.limit ?? null),
  ),
  'thread/unsubscribe': row(['ThreadUnsubscribeParams', 1], threadIdOnly, ({ threads, session }, { threadId }) => ({
    status: threads.isLoaded(threadId) ? session.unsubscribe(threadId) : 'notLoaded',
  })),
  // What the Codex terminal client asks besides threads and turns (client-methods.ts).
  ...CLIENT_METHODS,
} satisfies Record<string, MethodHandler | MethodRow<unknown>>;

type MethodName = keyof typeof METHODS;
type MethodEntry = MethodHandler | MethodRow<unknown>;

export const IMPLEMENTED_METHODS = ['initialize', ...(Object.keys(METHODS) as MethodName[])] as const;

/** The reference's answer to a method it does not know, listing every method it does. */
const UNKNOWN_METHOD_TAIL = `expected one of ${REFERENCE_CLIENT_METHODS.map((m) => `\`${m}\``).join(', ')}`;

/** The check of a request whose params are only `threadId`. */
function threadIdOnly(raw: Record<string, unknown>): { threadId: string } {
  requireField(raw, 'threadId', 'string');
  return { threadId: threadIdParam(raw.threadId as string) };
}

/** The same, for the methods the reference reads the id of as a session id (archive, unarchive). */
function sessionIdOnly(raw: Record<string, unknown>): { threadId: string } {
  requireField(raw, 'threadId', 'string');
  return { threadId: threadIdParam(raw.threadId as string, 'session id') };
}

/** serde's words for a u32 that is not one. */
function checkU32(value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (value >= 0 && value <= 0xffff_ffff) return;
    throw invalid(`Invalid request: invalid value: ${describe(value)}, expected u32`);
  }
  throw invalid(`Invalid request: invalid type: ${describe(value)}, expected u32`);
}

/** A thread id in its canonical form, or the reference's error for a string that is not a UUID. */
function threadIdParam(value: string, what = 'thread id'): string {
  const parsed = parseUuid(value);
  if (!parsed.ok) throw invalid(`invalid ${what}: ${parsed.error}`);
  return parsed.id;
}

/** The params object of a request whose params are the struct `name` (serde's errors otherwise). */
function structParams(raw: unknown, struct: readonly [string, number]): Record<string, unknown> {
  if (raw === undefined || raw === null) throw invalid('Invalid request: missing field `params`');
  return structValue(raw, struct);
}

/** A value that must be the struct `name` with `fields` fields, in serde's words when it is not a map. */
function structValue(raw: unknown, [name, fields]: readonly [string, number]): Record<string, unknown> {
  if (Array.isArray(raw) && raw.length === 0) {
    throw invalid(`Invalid request: invalid length 0, expected struct ${name} with ${fields} element${fields === 1 ? '' : 's'}`);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid(`Invalid request: invalid type: ${describe(raw)}, expected struct ${name}`);
  return raw as Record<string, unknown>;
}

/** How `initialize` is checked: serde's errors for its params, in the order it meets them. */
function checkInitializeParams(rawParams: unknown): InitializeParams {
  const raw = structParams(rawParams, ['InitializeParams', 2]);
  if (raw.clientInfo === undefined || raw.clientInfo === null) throw invalid('Invalid request: missing field `clientInfo`');
  const info = structValue(raw.clientInfo, ['ClientInfo', 3]);
  requireField(info, 'name', 'string');
  optionalField(info, 'title', 'string');
  requireField(info, 'version', 'string');
  const caps = raw.capabilities;
  if (caps !== undefined && caps !== null) {
    if (typeof caps !== 'object' || Array.isArray(caps)) throw invalid(`Invalid request: invalid type: ${describe(caps)}, expected struct InitializeCapabilities`);
    const c = caps as Record<string, unknown>;
    optionalField(c, 'experimentalApi', 'boolean');
    optionalField(c, 'optOutNotificationMethods', 'array');
    for (const m of (c.optOutNotificationMethods as unknown[] | null | undefined) ?? []) {
      if (typeof m !== 'string') throw invalid(`Invalid request: invalid type: ${describe(m)}, expected a string`);
    }
  }
  return raw as unknown as InitializeParams;
}

export interface ProcessorOptions {
  threads: ThreadManager;
  config: TernConfig;
  session: ConnectionSession;
  outgoing: Outgoing;
  ternHome: string;
  log: Logger;
  /** Sent as `configWarning` notifications right after a successful initialize. */
  configWarnings: { summary: string; details: string | null; path: string | null }[];
  onClientInfo: (info: { name: string; version: string }) => void;
}

export class MessageProcessor {
  private initialized = false;
  private experimentalApi = false;
  private originator = 'tern';

  constructor(private readonly o: ProcessorOptions) {}

  async handleRequest(req: JsonRpcRequest): Promise<unknown> {
    try {
      return await this.dispatch(req);
    } catch (err) {
      throw toRpcError(err);
    }
  }

  handleNotification(n: JsonRpcNotification): void {
    this.o.log.debug(`client notification: ${n.method}`);
  }

  /** Parse (method, then params), then the initialize gate, then the handler: the reference's order. */
  private dispatch(req: JsonRpcRequest): unknown {
    if (req.method === 'initialize') return this.initialize(checkInitializeParams(req.params));
    // Own keys only: a method named `toString` or `__proto__` is unknown, not Object.prototype's.
    const entry: MethodEntry | undefined = Object.hasOwn(METHODS, req.method) ? (METHODS[req.method as MethodName] as MethodEntry) : undefined;
    if (!entry) {
      if (!REFERENCE_CLIENT_METHODS.includes(req.method)) throw invalid(`Invalid request: unknown variant \`${req.method}\`, ${UNKNOWN_METHOD_TAIL}`);
      if (!this.initialized) throw invalid('Not initialized');
      throw new UnsupportedFailure(`${req.method} is not supported yet`);
    }
    const ctx: MethodContext = { threads: this.o.threads, originator: this.originator, session: this.o.session, config: this.o.config };
    if (typeof entry === 'function') {
      if (!this.initialized) throw invalid('Not initialized');
      this.experimentalGate(req.params);
      return entry(ctx, req.params);
    }
    const params = entry.check(structParams(req.params, entry.struct));
    if (!this.initialized) throw invalid('Not initialized');
    this.experimentalGate(params);
    return entry.run(ctx, params);
  }

  /**
   * Experimental protocol surface is refused unless the client asked for it at initialize
   * (`capabilities.experimentalApi`), in the reference's words. Of what tern serves, only the
   * `granular` approval policy is experimental in 0.169.
   */
  private experimentalGate(params: unknown): void {
    if (this.experimentalApi || typeof params !== 'object' || params === null) return;
    const policy = (params as Record<string, unknown>).approvalPolicy;
    if (typeof policy === 'object' && policy !== null && 'granular' in policy) {
      throw invalid('askForApproval.granular requires experimentalApi capability');
    }
  }

  private initialize(params: InitializeParams): ReplyThen {
    if (this.initialized) throw invalid('Already initialized');
    const info = params.clientInfo;
    // A header value: visible ASCII and spaces/tabs only.
    if (!/^[\t\x20-\x7e]*$/.test(info.name)) {
      throw invalid(`Invalid clientInfo.name: '${info.name}'. Must be a valid HTTP header value.`);
    }
    this.initialized = true;
    this.experimentalApi = params.capabilities?.experimentalApi === true;
    this.originator = info.name;
    this.o.onClientInfo({ name: info.name, version: info.version });
    this.o.outgoing.markInitialized(params.capabilities?.optOutNotificationMethods ?? []);
    const result: InitializeResponse = {
      userAgent: userAgent(info.name, info.version),
      codexHome: this.o.ternHome,
      platformFamily: process.platform === 'win32' ? 'windows' : 'unix',
      platformOs: process.platform === 'darwin' ? 'macos' : process.platform,
    };
    return new ReplyThen(result, () => {
      for (const w of this.o.configWarnings) this.o.outgoing.notify('configWarning', w);
    });
  }
}

/**
 * One page of loaded thread ids. The cursor is the last id of the previous page
 * (opaque to clients); without a limit every id comes back in one page.
 */
function loadedListPage(ids: string[], cursor: string | null, limit: number | null): { data: string[]; nextCursor: string | null } {
  let start = 0;
  if (cursor !== null) {
    const at = ids.indexOf(Buffer.from(cursor, 'base64url').toString('utf8'));
    start = at === -1 ? ids.length : at + 1;
  }
  const end = limit === null ? ids.length : Math.min(ids.length, start + limit);
  const data = ids.slice(start, end);
  const nextCursor = end < ids.length && data.length > 0 ? Buffer.from(data[data.length - 1]!, 'utf8').toString('base64url') : null;
  return { data, nextCursor };
}

export function userAgent(clientName: string, clientVersion: string): string {
  return `${clientName}/${VERSION} (${os.type()} ${os.release()}; ${os.arch()}) tern (${clientName}; ${clientVersion})`;
}
