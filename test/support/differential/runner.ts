/**
 * Runs one {@link Scenario} against one server kind and records everything: every JSON-RPC line
 * of every connection (one per server process; restart() opens a new one on the same home), the
 * model requests, and the work tree. The model server is started once per run and shared by the
 * processes of that run, so a restarted server continues the same script.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { startModelServer, type ModelServer, type RecordedRequest } from '../../../src/demo/model-server/server.js';
import { codexPeerCommand, mockProviderFlags, MOCK_ENV_KEY, type PeerHome } from '../codex-peer.js';
import { createTempRepo } from '../git-repo.js';
import { spawnPeer, type JsonlPeer, type ServerMessage, type TranscriptEntry } from '../jsonl-peer.js';
import { TERN_BIN, ternTestEnv } from '../tern-server.js';
import type { ApprovalAnswer, Reply, Scenario, ScenarioContext, ServerKind } from './scenario.js';

/** How long a scenario step may wait for one server message (a scenario takes a few seconds). */
const WAIT_MS = 20_000;
/** How long a closing server may take to exit after stdin EOF before it is signalled. */
const CLOSE_MS = 5_000;

export const CLIENT_INFO = { name: 'tern_differential', title: 'differential harness', version: '0.0.1' };

export interface Recording {
  kind: ServerKind;
  /** One transcript per server process, in order. */
  connections: TranscriptEntry[][];
  /** Every HTTP request the servers made to the scripted model. */
  modelRequests: RecordedRequest[];
  repo: string;
  /** stderr of every process (for failure messages). */
  stderr: string[];
}

/** Launches a server process of one kind; the same home for every call of one launcher. */
type Launcher = () => Promise<JsonlPeer>;

async function codexLauncher(model: ModelServer, workRoot: string, scenario: Scenario): Promise<Launcher> {
  let home: PeerHome | undefined;
  return async () => {
    const cmd = await codexPeerCommand({
      modelBaseUrl: model.url,
      workRoot,
      reuseHome: home,
      requestMaxRetries: scenario.requestMaxRetries,
    });
    home = cmd.peerHome;
    return spawnPeer(cmd.command, cmd.args, { env: cmd.env, requestTimeoutMs: WAIT_MS });
  };
}

async function ternLauncher(model: ModelServer, workRoot: string, scenario: Scenario): Promise<Launcher> {
  const ternHome = await mkdtemp(path.join(workRoot, 'tern-home-'));
  const flags = mockProviderFlags(model.url, MOCK_ENV_KEY, { requestMaxRetries: scenario.requestMaxRetries });
  return async () =>
    spawnPeer(process.execPath, [TERN_BIN, 'app-server', ...flags], { env: ternTestEnv(ternHome), requestTimeoutMs: WAIT_MS });
}

function toReply(p: Promise<unknown>): Promise<Reply> {
  return p.then(
    (result) => ({ result }),
    (err: unknown) => {
      if (typeof err === 'object' && err !== null && 'code' in err && 'message' in err) return { error: err as Reply['error'] };
      throw err; // a timeout or a dead process, not a JSON-RPC error
    },
  );
}

class Context implements ScenarioContext {
  peer!: JsonlPeer;
  readonly peers: JsonlPeer[] = [];
  private answer: ApprovalAnswer | undefined;

  constructor(
    readonly repo: string,
    private readonly launch: Launcher,
  ) {}

  async open(): Promise<void> {
    this.peer = await this.launch();
    this.peers.push(this.peer);
    this.peer.onServerRequest((req) => {
      if (!this.answer) throw new Error(`differential: unexpected server request ${req.method}`);
      return this.answer(req);
    });
  }

  async initialize(): Promise<void> {
    await this.call('initialize', { clientInfo: CLIENT_INFO, capabilities: null });
    this.peer.notify('initialized');
  }

  request<T = any>(method: string, params?: unknown): Promise<Reply<T>> {
    return toReply(this.peer.request(method, params));
  }

  async call<T = any>(method: string, params?: unknown): Promise<T> {
    const reply = await this.request<T>(method, params);
    if (reply.error) throw new Error(`${method} failed: ${reply.error.code} ${reply.error.message}`);
    return reply.result as T;
  }

  async startThread(params: Record<string, unknown> = {}): Promise<any> {
    const { thread } = await this.call('thread/start', { cwd: this.repo, ...params });
    await this.waitFor((m) => m.method === 'thread/started' && m.params?.thread?.id === thread.id);
    return thread;
  }

  async startTurn(threadId: string, text: string, extra: Record<string, unknown> = {}): Promise<any> {
    const { turn } = await this.call('turn/start', { threadId, input: [{ type: 'text', text, text_elements: [] }], ...extra });
    return turn;
  }

  async runTurn(threadId: string, text: string, extra: Record<string, unknown> = {}): Promise<any> {
    const turn = await this.startTurn(threadId, text, extra);
    return this.turnCompleted(turn.id);
  }

  waitFor(pred: (m: ServerMessage) => boolean): Promise<ServerMessage> {
    return this.peer.waitFor(pred, WAIT_MS);
  }

  async turnCompleted(turnId: string): Promise<any> {
    const done = await this.waitFor((m) => m.method === 'turn/completed' && m.params?.turn?.id === turnId);
    return done.params.turn;
  }

  onServerRequest(answer: ApprovalAnswer): void {
    this.answer = answer;
  }

  async restart(): Promise<void> {
    await this.peer.close(CLOSE_MS);
    await this.open();
  }
}

/** Run the scenario against one server; the returned recording holds both directions of every line. */
export async function recordScenario(kind: ServerKind, scenario: Scenario, workRoot: string): Promise<Recording> {
  const root = path.join(workRoot, kind);
  await mkdir(root, { recursive: true });
  const model = await startModelServer({ script: scenario.script });
  const repo = createTempRepo(scenario.files, root);
  const launch = kind === 'codex' ? await codexLauncher(model, root, scenario) : await ternLauncher(model, root, scenario);
  const ctx = new Context(repo, launch);
  try {
    await ctx.open();
    await scenario.run(ctx);
  } catch (err) {
    const stderr = ctx.peers.map((p) => p.stderr).join('\n---\n').slice(-3000);
    throw new Error(`${scenario.name} against ${kind}: ${err instanceof Error ? err.message : String(err)}\nstderr: ${stderr}`);
  } finally {
    for (const p of ctx.peers) await p.close(CLOSE_MS);
    await model.close();
  }
  return {
    kind,
    connections: ctx.peers.map((p) => p.transcript),
    modelRequests: model.requests,
    repo,
    stderr: ctx.peers.map((p) => p.stderr),
  };
}
