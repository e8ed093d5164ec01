// Connection lifecycle and routing: the initialize gate ("Not initialized",
// "Already initialized"), per-method params checks, and the mapping of errors
// to JSON-RPC error replies. Domain work is delegated to the ThreadManager.
//
// Quirk matched on purpose: the reference server answers unknown methods and
// malformed params with -32600 (invalid request), not -32601/-32602.

import os from 'node:os';
import { ReplyThen, RpcError } from '../jsonrpc/connection.js';
import { ErrorCode, type JsonRpcNotification, type JsonRpcRequest } from '../protocol/jsonrpc.js';
import type {
  InitializeParams,
  InitializeResponse,
  ReviewStartParams,
  ThreadCompactStartParams,
  ThreadCompactStartResponse,
  ThreadListParams,
  ThreadResumeParams,
  ThreadStartParams,
  TurnStartParams,
  TurnSteerParams,
} from '../protocol/v2.js';
import type { ThreadManager } from '../threads/thread-manager.js';
import { TernError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { VERSION } from '../util/version.js';
import type { Outgoing } from './outgoing.js';
import {
  checkReviewStart,
  checkTurnOverrides,
  checkUserInput,
  invalid,
  objectParams,
  optionalApprovalPolicy,
  optionalEnum,
  optionalField,
  requireField,
  SANDBOX_MODES,
} from './params.js';

/** What a method handler gets: the thread manager and the client's name (the originator). */
interface MethodContext {
  threads: ThreadManager;
  originator: string;
  /** The connection's `experimentalApi` capability (experimental fields and variants allowed). */
  experimentalApi: boolean;
}
type MethodHandler = (ctx: MethodContext, rawParams: unknown) => unknown;

const THREAD_SETTING_STRINGS = ['cwd', 'model', 'modelProvider', 'baseInstructions', 'developerInstructions'];

/**
 * The protocol as data: every method the server implements (besides `initialize`,
 * which gates the connection), each with its params check and its handler, in
 * the reference server's order of listing. A new method is a new row.
 */
const METHODS = {
  'thread/start': async ({ threads, originator, experimentalApi }, rawParams) => {
    const raw = objectParams(rawParams, true);
    for (const f of THREAD_SETTING_STRINGS) optionalField(raw, f, 'string');
    optionalField(raw, 'ephemeral', 'boolean');
    optionalField(raw, 'config', 'object');
    optionalEnum(raw, 'sandbox', SANDBOX_MODES);
    optionalApprovalPolicy(raw, 'approvalPolicy', experimentalApi);
    const result = await threads.startThread(raw as ThreadStartParams, originator);
    return new ReplyThen(result, () => threads.announceThread(result.thread.id));
  },
  'turn/start': ({ threads, experimentalApi }, rawParams) => {
    const raw = objectParams(rawParams, false);
    requireField(raw, 'threadId', 'string');
    requireField(raw, 'input', 'array');
    checkUserInput(raw.input as unknown[]);
    checkTurnOverrides(raw, experimentalApi);
    const { turn, begin } = threads.prepareTurn(raw as unknown as TurnStartParams);
    return new ReplyThen({ turn }, begin);
  },
  'turn/steer': ({ threads }, rawParams) => {
    const raw = objectParams(rawParams, false);
    requireField(raw, 'threadId', 'string');
    requireField(raw, 'input', 'array');
    requireField(raw, 'expectedTurnId', 'string');
    optionalField(raw, 'clientUserMessageId', 'string');
    checkUserInput(raw.input as unknown[]);
    return threads.steerTurn(raw as unknown as TurnSteerParams);
  },
  'turn/interrupt': ({ threads }, rawParams) => {
    const raw = objectParams(rawParams, false);
    requireField(raw, 'threadId', 'string');
    requireField(raw, 'turnId', 'string');
    threads.interruptTurn(raw.threadId as string, raw.turnId as string);
    return {};
  },
  'thread/compact/start': ({ threads }, rawParams) => {
    const raw = objectParams(rawParams, false);
    requireField(raw, 'threadId', 'string');
    const { begin } = threads.prepareCompaction((raw as unknown as ThreadCompactStartParams).threadId);
    const result: ThreadCompactStartResponse = {};
    return new ReplyThen(result, begin);
  },
  'review/start': ({ threads }, rawParams) => {
    const raw = objectParams(rawParams, false);
    requireField(raw, 'threadId', 'string');
    checkReviewStart(raw);
    const { result, begin } = threads.prepareReview(raw as unknown as ReviewStartParams);
    return new ReplyThen(result, begin);
  },
  'thread/resume': async ({ threads, originator, experimentalApi }, rawParams) => {
    const raw = objectParams(rawParams, false);
    requireField(raw, 'threadId', 'string');
    for (const f of THREAD_SETTING_STRINGS) optionalField(raw, f, 'string');
    optionalField(raw, 'config', 'object');
    optionalField(raw, 'excludeTurns', 'boolean');
    optionalEnum(raw, 'sandbox', SANDBOX_MODES);
    optionalApprovalPolicy(raw, 'approvalPolicy', experimentalApi);
    const result = await threads.resumeThread(raw as unknown as ThreadResumeParams, originator);
    return new ReplyThen(result, () => threads.announceResumed(result.thread.id));
  },
  'thread/read': ({ threads }, rawParams) => {
    const raw = objectParams(rawParams, false);
    requireField(raw, 'threadId', 'string');
    optionalField(raw, 'includeTurns', 'boolean');
    return threads.readThread(raw.threadId as string, raw.includeTurns === true);
  },
  'thread/list': ({ threads }, rawParams) => {
    const raw = objectParams(rawParams, true);
    optionalField(raw, 'cursor', 'string');
    optionalField(raw, 'archived', 'boolean');
    optionalField(raw, 'sourceKinds', 'array');
    optionalEnum(raw, 'sortKey', ['created_at', 'updated_at']);
    optionalEnum(raw, 'sortDirection', ['asc', 'desc']);
    if (raw.limit != null && (typeof raw.limit !== 'number' || !Number.isInteger(raw.limit) || raw.limit < 0)) {
      throw invalid(`Invalid request: invalid type: ${JSON.stringify(raw.limit)}, expected u32 for \`limit\``);
    }
    if (raw.cwd != null && typeof raw.cwd !== 'string' && !Array.isArray(raw.cwd)) {
      throw invalid('Invalid request: invalid type for `cwd`, expected a string or a sequence');
    }
    return threads.listThreads(raw as ThreadListParams);
  },
} satisfies Record<string, MethodHandler>;

type MethodName = keyof typeof METHODS;

export const IMPLEMENTED_METHODS = ['initialize', ...(Object.keys(METHODS) as MethodName[])] as const;

export interface ProcessorOptions {
  threads: ThreadManager;
  outgoing: Outgoing;
  ternHome: string;
  log: Logger;
  /** Sent as `configWarning` notifications right after a successful initialize. */
  configWarnings: { summary: string; details: string | null; path: string | null }[];
  onClientInfo: (info: { name: string; version: string }) => void;
}

export class MessageProcessor {
  private initialized = false;
  private originator = 'tern';
  private experimentalApi = false;

  constructor(private readonly o: ProcessorOptions) {}

  async handleRequest(req: JsonRpcRequest): Promise<unknown> {
    // Own keys only: a method named `toString` or `__proto__` is unknown, not Object.prototype's.
    const handler: MethodHandler | undefined = Object.hasOwn(METHODS, req.method) ? METHODS[req.method as MethodName] : undefined;
    if (req.method === 'initialize') return this.initialize(req.params);
    if (!handler) {
      const expected = IMPLEMENTED_METHODS.map((m) => `\`${m}\``).join(', ');
      throw invalid(`Invalid request: unknown variant \`${req.method}\`, expected one of ${expected}`);
    }
    if (!this.initialized) throw invalid('Not initialized');
    try {
      return await handler({ threads: this.o.threads, originator: this.originator, experimentalApi: this.experimentalApi }, req.params);
    } catch (err) {
      throw toRpcError(err);
    }
  }

  handleNotification(n: JsonRpcNotification): void {
    this.o.log.debug(`client notification: ${n.method}`);
  }

  private initialize(rawParams: unknown): ReplyThen {
    if (this.initialized) throw invalid('Already initialized');
    const raw = objectParams(rawParams, false);
    requireField(raw, 'clientInfo', 'object');
    const params = raw as unknown as InitializeParams;
    const info = params.clientInfo;
    if (typeof info.name !== 'string') throw invalid('Invalid request: missing field `name`');
    if (typeof info.version !== 'string') throw invalid('Invalid request: missing field `version`');
    // A header value: visible ASCII and spaces/tabs only.
    if (!/^[\t\x20-\x7e]*$/.test(info.name)) {
      throw invalid(`Invalid clientInfo.name: '${info.name}'. Must be a valid HTTP header value.`);
    }
    this.initialized = true;
    this.originator = info.name;
    this.experimentalApi = params.capabilities?.experimentalApi === true;
    this.o.onClientInfo({ name: info.name, version: info.version });
    const optOut = params.capabilities?.optOutNotificationMethods ?? [];
    this.o.outgoing.markInitialized(Array.isArray(optOut) ? optOut.filter((m) => typeof m === 'string') : []);
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

export function userAgent(clientName: string, clientVersion: string): string {
  return `${clientName}/${VERSION} (${os.type()} ${os.release()}; ${os.arch()}) tern (${clientName}; ${clientVersion})`;
}

function toRpcError(err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  if (err instanceof TernError) return invalid(err.message);
  return new RpcError(ErrorCode.InternalError, err instanceof Error ? err.message : String(err));
}
