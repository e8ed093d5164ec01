/**
 * Differential: one client script of thread methods (two turns, name/set, fork through a turn,
 * list, archive, read, resume of an archived thread, unarchive, resume, a third turn, and their
 * errors) run against the real `codex app-server` 0.169.0 (offline) and against `tern app-server`.
 * Step by step, the normalised server messages must be the same: notification methods (with
 * item types and turn/thread statuses), replies, error codes; ids and timestamps masked, and the
 * notifications only one side sends (usage, rate limits, deprecation notices, goals) left out.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../src/demo/model-server/server.js';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { codexPeerCommand } from '../support/codex-peer.js';
import { createTempRepo } from '../support/git-repo.js';
import { spawnPeer, type JsonlPeer, type ServerMessage } from '../support/jsonl-peer.js';
import { repeatsStatus } from '../support/differential/normalise.js';
import { createConformanceChecker, type ConformanceChecker } from '../support/protocol-schema.js';
import { ternServerCommand } from '../support/tern-server.js';
import { initialize } from '../support/tern-session.js';

/** Sent by one server only, or carrying nothing this comparison is about. */
const IGNORED = new Set([
  'deprecationNotice',
  'thread/tokenUsage/updated',
  'account/rateLimits/updated',
  'thread/goal/cleared',
  'remoteControl/status/changed',
  'configWarning',
  'warning',
  'item/agentMessage/delta',
]);
const SCRIPT: ScriptStep[] = ['one', 'two', 'three', 'four'].map((t) => ({ output: [{ type: 'message', text: t }] }));
const text = (t: string) => [{ type: 'text', text: t, text_elements: [] }];

let workRoot: string;
let checker: ConformanceChecker;
const cleanup: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  workRoot = await mkdtemp(path.join(os.tmpdir(), 'tern-thread-diff-'));
  checker = await createConformanceChecker();
});
afterAll(async () => {
  for (const c of cleanup.splice(0)) await c();
  await rm(workRoot, { recursive: true, force: true });
});

/** One server message as the comparison sees it. */
function normalise(m: ServerMessage): string {
  if (m.method === 'item/started' || m.method === 'item/completed') return `${m.method}:${m.params.item.type}`;
  if (m.method === 'turn/completed') return `turn/completed:${m.params.turn.status}`;
  if (m.method === 'thread/status/changed') return `thread/status/changed:${m.params.status.type}`;
  if (typeof m.method === 'string') return m.id === undefined ? m.method : `request:${m.method}`;
  return 'error' in m ? `error:${m.error.code}` : 'reply';
}

/** A status change repeating the previous message's thread and status is left out (normalise.ts `repeatsStatus`). */
function notRepeatedStatus(m: ServerMessage, i: number, all: ServerMessage[]): boolean {
  return !repeatsStatus(m, all[i - 1]);
}

interface Recorder {
  peer: JsonlPeer;
  steps: Record<string, string[]>;
  results: Record<string, unknown>;
}

/** Runs a request as a named step, waits for `until` (if any), and records what the server sent meanwhile. */
async function step(r: Recorder, name: string, method: string, params: unknown, until?: (m: ServerMessage) => boolean) {
  const from = r.peer.mark();
  const result = await r.peer.request(method, params).catch((e: unknown) => ({ rejected: e }));
  if (until) await r.peer.waitFor(until, 30_000, { from });
  // Let notifications that follow a reply arrive (thread/started, thread/archived, ...).
  await new Promise((res) => setTimeout(res, 300));
  r.steps[name] = r.peer.transcript
    .slice(from)
    .filter((e) => e.dir === 's2c')
    .map((e) => e.msg as ServerMessage)
    .filter((m) => !IGNORED.has(m.method))
    .filter(notRepeatedStatus)
    .map(normalise);
  r.results[name] = result;
  return result as any;
}

const turnDone = (m: ServerMessage) => m.method === 'turn/completed';

async function scenario(peer: JsonlPeer, repo: string): Promise<Recorder> {
  const r: Recorder = { peer, steps: {}, results: {} };
  await initialize(peer);
  const { thread } = await step(r, 'thread/start', 'thread/start', { cwd: repo, approvalPolicy: 'never', sandbox: 'read-only' }, (m) => m.method === 'thread/started');
  const id: string = thread.id;
  const t1 = await step(r, 'turn 1', 'turn/start', { threadId: id, input: text('first') }, turnDone);
  await step(r, 'turn 2', 'turn/start', { threadId: id, input: text('second') }, turnDone);
  await step(r, 'name/set', 'thread/name/set', { threadId: id, name: 'Diff Name' }, (m) => m.method === 'thread/name/updated');
  const fork = await step(r, 'fork', 'thread/fork', { threadId: id, lastTurnId: t1.turn.id }, (m) => m.method === 'thread/started');
  r.results.forkShape = { turns: fork.thread.turns.length, name: fork.thread.name, forked: fork.thread.forkedFromId === id };
  await step(r, 'fork unknown turn', 'thread/fork', { threadId: id, lastTurnId: 'nope' });
  const list = await step(r, 'list', 'thread/list', {});
  r.results.listShape = list.data.map((t: any) => (t.id === id ? 'source' : t.id === fork.thread.id ? 'fork' : 'other'));
  await step(r, 'archive', 'thread/archive', { threadId: id }, (m) => m.method === 'thread/archived');
  const archived = await step(r, 'list archived', 'thread/list', { archived: true });
  r.results.archivedShape = archived.data.map((t: any) => [t.id === id, t.status.type, t.name]);
  const read = await step(r, 'read archived', 'thread/read', { threadId: id, includeTurns: true });
  r.results.readShape = read.thread.turns.map((t: any) => [t.status, t.items.map((i: any) => i.type)]);
  await step(r, 'resume archived', 'thread/resume', { threadId: id });
  await step(r, 'archive again', 'thread/archive', { threadId: id });
  await step(r, 'unarchive', 'thread/unarchive', { threadId: id }, (m) => m.method === 'thread/unarchived');
  await step(r, 'unarchive again', 'thread/unarchive', { threadId: id });
  const resumed = await step(r, 'resume', 'thread/resume', { threadId: id });
  r.results.resumeShape = resumed.thread.turns.map((t: any) => t.status);
  await step(r, 'turn 3', 'turn/start', { threadId: id, input: text('third') }, turnDone);
  await step(r, 'empty name', 'thread/name/set', { threadId: id, name: '' });
  return r;
}

/** A turn waiting on a command approval: fork it (with and without lastTurnId), resume it, answer once. */
async function pendingApprovalScenario(peer: JsonlPeer, repo: string): Promise<Recorder> {
  const r: Recorder = { peer, steps: {}, results: {} };
  const asked: { id: unknown }[] = [];
  let answer: (v: unknown) => void = () => undefined;
  peer.onServerRequest((req) => {
    asked.push(req);
    return new Promise((resolve) => (answer = resolve));
  });
  await initialize(peer);
  const { thread } = await step(r, 'thread/start', 'thread/start', { cwd: repo, approvalPolicy: 'untrusted', sandbox: 'workspace-write' });
  const id: string = thread.id;
  const { turn } = await step(r, 'turn/start', 'turn/start', { threadId: id, input: text('write it') }, (m) => m.method === 'item/commandExecution/requestApproval');
  await step(r, 'fork running turn', 'thread/fork', { threadId: id, lastTurnId: turn.id });
  const fork = await step(r, 'fork', 'thread/fork', { threadId: id }, (m) => m.method === 'thread/started');
  r.results.forkShape = fork.thread.turns.map((t: any) => [t.status, t.items.map((i: any) => i.type)]);
  const resumed = await step(r, 'resume', 'thread/resume', { threadId: id });
  r.results.resumeShape = [resumed.thread.status, resumed.thread.turns.map((t: any) => t.status)];
  r.results.askedAgain = asked.length === 2 && asked[0]!.id === asked[1]!.id;
  const from = peer.mark();
  answer({ decision: 'accept' });
  await peer.waitFor(turnDone, 30_000, { from });
  const resolved = peer.transcript.slice(from).map((e) => e.msg as ServerMessage).filter((m) => m.method === 'serverRequest/resolved');
  r.results.resolvedOnce = resolved.length;
  return r;
}

const APPROVAL_SCRIPT: ScriptStep[] = [
  { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'echo ran > side.txt', yield_time_ms: 1000 } }] },
  { output: [{ type: 'message', text: 'done' }] },
];

async function runAgainst(server: 'codex' | 'tern', scenarioOf = scenario, script = SCRIPT): Promise<Recorder> {
  const model: ModelServer = await startModelServer({ script });
  cleanup.push(() => model.close());
  const repo = createTempRepo({ 'a.txt': 'a\n' }, workRoot);
  const cmd = server === 'codex' ? await codexPeerCommand({ modelBaseUrl: model.url, workRoot }) : await ternServerCommand({ modelBaseUrl: model.url, workRoot });
  const peer = spawnPeer(cmd.command, cmd.args, { env: cmd.env });
  cleanup.push(() => peer.close());
  const r = await scenarioOf(peer, repo);
  checker.reset();
  checker.assertConforms(peer.transcript.map((e) => ({ dir: e.dir, msg: e.msg })));
  return r;
}

describe('thread methods: tern app-server against codex app-server 0.169.0', () => {
  it('the same client script gets the same normalised messages, step by step', async () => {
    const codex = await runAgainst('codex');
    const tern = await runAgainst('tern');
    for (const name of Object.keys(codex.steps)) expect(tern.steps[name], `step ${name}`).toEqual(codex.steps[name]);
    for (const key of ['forkShape', 'listShape', 'archivedShape', 'readShape', 'resumeShape']) {
      expect(tern.results[key], key).toEqual(codex.results[key]);
    }
  }, 180_000);

  it('a turn waiting on an approval: fork errors and snapshot, the request sent again on resume, one answer resolves it', async () => {
    const codex = await runAgainst('codex', pendingApprovalScenario, APPROVAL_SCRIPT);
    const tern = await runAgainst('tern', pendingApprovalScenario, APPROVAL_SCRIPT);
    // The thread-method steps. (Within turn/start, tern sends item/started before the
    // waitingOnApproval status, codex the other way round: a turn-loop difference, not compared here.)
    for (const name of ['fork running turn', 'fork', 'resume']) expect(tern.steps[name], `step ${name}`).toEqual(codex.steps[name]);
    expect(codex.results.askedAgain).toBe(true);
    for (const key of ['forkShape', 'resumeShape', 'askedAgain', 'resolvedOnce']) expect(tern.results[key], key).toEqual(codex.results[key]);
  }, 180_000);
});
