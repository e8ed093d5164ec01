/**
 * What a differential scenario is: a git work tree, a scripted model (one script, served to both
 * servers from a fresh model server each), and the client's side of the conversation as an async
 * function of a {@link ScenarioContext}. The same function drives `codex app-server` and
 * `tern app-server`; it may only use the context (never look at which server it is talking to),
 * so both servers see exactly the same client steps.
 */
import type { ScriptStep } from '../../../src/demo/model-server/types.js';
import type { JsonlPeer, ServerMessage, ServerRequest } from '../jsonl-peer.js';

export type ServerKind = 'codex' | 'tern';

/** A JSON-RPC reply as the client saw it: exactly one of result and error is set. */
export interface Reply<T = any> {
  result?: T;
  error?: { code: number; message: string; data?: unknown };
}

/** How the scripted client answers a server->client request (the return value is the `result`). */
export type ApprovalAnswer = (req: ServerRequest) => unknown;

export interface ScenarioContext {
  /** The work tree (a fresh git repo with the scenario's files). */
  readonly repo: string;
  /** The connection of the current server process (changes after restart()). */
  readonly peer: JsonlPeer;
  /** `initialize` (fixed clientInfo) + `initialized` on the current connection. */
  initialize(): Promise<void>;
  /** Send a request; never throws on a JSON-RPC error (it is in the reply). */
  request<T = any>(method: string, params?: unknown): Promise<Reply<T>>;
  /** Send a request; throws on a JSON-RPC error. */
  call<T = any>(method: string, params?: unknown): Promise<T>;
  /** `thread/start` in the repo, then wait for its `thread/started` (so later steps never race it). */
  startThread(params?: Record<string, unknown>): Promise<any>;
  /** `turn/start` with one text input; returns the turn of the response. */
  startTurn(threadId: string, text: string, extra?: Record<string, unknown>): Promise<any>;
  /** startTurn, then wait for that turn's `turn/completed`; returns its params.turn. */
  runTurn(threadId: string, text: string, extra?: Record<string, unknown>): Promise<any>;
  /** The first server message on the current connection (from its start) matching `pred`. */
  waitFor(pred: (m: ServerMessage) => boolean): Promise<ServerMessage>;
  /** Wait for `turn/completed` of this turn on the current connection; returns its params.turn. */
  turnCompleted(turnId: string): Promise<any>;
  /** How server requests (approvals) are answered from now on; default: fail the test. */
  onServerRequest(answer: ApprovalAnswer): void;
  /** Close the current process (stdin EOF) and start a new one on the same home (not initialized). */
  restart(): Promise<void>;
}

export interface Scenario {
  /** Shown in test names and failure messages. */
  name: string;
  /** Files of the work tree (committed on `main`). */
  files: Record<string, string>;
  /** The scripted model, the same for both servers. */
  script: ScriptStep[];
  /** The client's side. */
  run(ctx: ScenarioContext): Promise<void>;
  /** `model_providers.mock.request_max_retries` for both servers (default 0). */
  requestMaxRetries?: number;
}
