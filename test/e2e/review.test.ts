/**
 * End-to-end `review/start`: the bundled `dist/tern.js app-server` against the scripted Responses
 * server. The reviewer runs a command, answers with the structured JSON review, and the server
 * reports it as the reference does (inline delivery): turn/started -> enteredReviewMode ->
 * the reviewer's items -> exitedReviewMode (plain text) -> agentMessage -> turn/completed.
 * Every server message is checked against the codex 0.169.0 JSON Schema.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../src/demo/model-server/server.js';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { parseReviewText } from '../../src/protocol/review-text.js';
import { createTempRepo } from '../support/git-repo.js';
import { spawnPeer, type JsonlPeer, type ServerMessage } from '../support/jsonl-peer.js';
import { createConformanceChecker, type ConformanceChecker } from '../support/protocol-schema.js';
import { ternServerCommand } from '../support/tern-server.js';

let workRoot: string;
let checker: ConformanceChecker;
const open: { peer: JsonlPeer; model: ModelServer }[] = [];

beforeAll(async () => {
  workRoot = await mkdtemp(path.join(os.tmpdir(), 'tern-e2e-review-'));
  checker = await createConformanceChecker();
});
afterEach(async () => {
  for (const { peer, model } of open.splice(0)) {
    await peer.close();
    await model.close();
  }
});
afterAll(async () => {
  await rm(workRoot, { recursive: true, force: true });
});

async function start(script: ScriptStep[]) {
  const model = await startModelServer({ script });
  const cmd = await ternServerCommand({ modelBaseUrl: model.url, workRoot });
  const peer = spawnPeer(cmd.command, cmd.args, { env: cmd.env });
  open.push({ peer, model });
  await peer.request('initialize', { clientInfo: { name: 'tern_e2e', title: 'e2e', version: '0.0.1' }, capabilities: null });
  peer.notify('initialized');
  return { peer, model };
}

function notifications(peer: JsonlPeer, from = 0): ServerMessage[] {
  return peer.transcript
    .slice(from)
    .filter((e) => e.dir === 's2c' && typeof e.msg === 'object' && e.msg !== null && 'method' in e.msg && !('id' in e.msg))
    .map((e) => e.msg as ServerMessage);
}

function expectConforms(peer: JsonlPeer) {
  checker.reset();
  checker.assertConforms(peer.transcript.map((e) => ({ dir: e.dir, msg: e.msg })));
}

const bodies = (model: ModelServer) =>
  model.requests.filter((r) => r.path.endsWith('/responses')).map((r) => r.body as Record<string, any>);

/** The thread log's records of a type, once one is there (the log is written asynchronously). */
async function logRecords(file: string, type: string): Promise<any[]> {
  for (let i = 0; i < 100; i++) {
    const records = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l))
      .filter((r) => r.type === type);
    if (records.length > 0) return records.map((r) => r.payload);
    await new Promise((r) => setTimeout(r, 50));
  }
  return [];
}

const REVIEW = {
  findings: [
    {
      title: '[P1] Loop drops the last element',
      body: 'The bound changed from `<=` to `<`.\nEvery call loses its last item.',
      confidence_score: 0.9,
      priority: 1,
      code_location: { file: 'src/sum.js', line_range: { start: 2, end: 3 } },
    },
    {
      title: 'Name the magic number',
      body: 'Use a constant for 42.',
      confidence_score: 0.4,
      priority: 3,
      code_location: { file: 'src/sum.js', line_range: { start: 5, end: 5 } },
    },
  ],
  overall_correctness: 'patch is incorrect',
  overall_explanation: 'The change breaks summing.',
  overall_confidence_score: 0.8,
};

const EXPECTED_TEXT = [
  'The change breaks summing.',
  '',
  'Full review comments:',
  '',
  '- [P1] Loop drops the last element — src/sum.js:2-3',
  '  The bound changed from `<=` to `<`.',
  '  Every call loses its last item.',
  '',
  '- [P3] Name the magic number — src/sum.js:5-5',
  '  Use a constant for 42.',
].join('\n');

describe('review/start', () => {
  it('reviews uncommitted changes: the reference item sequence, the plain text, structured output asked, findings in the thread log', async () => {
    const repo = createTempRepo({ 'src/sum.js': 'for (let i = 0; i <= n; i++) s += a[i];\n' }, workRoot);
    await writeFile(path.join(repo, 'src/sum.js'), 'for (let i = 0; i < n; i++) s += a[i];\nconst k = 42;\n');
    const { peer, model } = await start([
      { output: [{ type: 'reasoning', summary: 'Look at the diff first.' }, { type: 'function_call', name: 'exec_command', arguments: { cmd: 'git diff' } }] },
      { output: [{ type: 'message', text: JSON.stringify(REVIEW) }] },
      { output: [{ type: 'message', text: 'Fixed nothing yet.' }] },
      { output: [{ type: 'message', text: 'No JSON here: the change looks fine to me.' }] },
    ]);
    const started = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'never', sandbox: 'read-only' });
    const threadId: string = started.thread.id;
    await peer.waitFor((m) => m.method === 'thread/started');

    const mark = peer.mark();
    const res = await peer.request('review/start', { threadId, target: { type: 'uncommittedChanges' } });
    expect(res.reviewThreadId).toBe(threadId);
    expect(res.turn).toMatchObject({ status: 'inProgress', items: [{ type: 'userMessage', content: [{ type: 'text', text: 'current changes' }] }] });
    const done = await peer.waitFor((m) => m.method === 'turn/completed' && m.params.turn.id === res.turn.id, 30_000);
    expect(done.params.turn.status).toBe('completed');
    expect(done.params.turn.items).toEqual([expect.objectContaining({ type: 'agentMessage', text: EXPECTED_TEXT })]);

    // The sequence (deltas and token usage aside).
    const seq = notifications(peer, mark)
      .filter((n) => !/delta|Delta|summaryPartAdded|tokenUsage/.test(n.method))
      .map((n) => (n.params.item ? `${n.method} ${n.params.item.type}` : n.method === 'thread/status/changed' ? `${n.method} ${n.params.status.type}` : n.method));
    expect(seq).toEqual([
      'thread/status/changed active',
      'turn/started',
      'item/started enteredReviewMode',
      'item/completed enteredReviewMode',
      'item/started userMessage',
      'item/completed userMessage',
      'item/started reasoning',
      'item/completed reasoning',
      'item/started commandExecution',
      'item/completed commandExecution',
      'item/started exitedReviewMode',
      'item/completed exitedReviewMode',
      'item/started agentMessage',
      'item/completed agentMessage',
      'thread/status/changed idle',
      'turn/completed',
    ]);
    const notes = notifications(peer, mark);
    // Every item of the turn carries the turn id the reply gave.
    expect(notes.filter((n) => n.method.startsWith('item/')).every((n) => n.params.turnId === res.turn.id)).toBe(true);
    const entered = notes.find((n) => n.method === 'item/completed' && n.params.item.type === 'enteredReviewMode')!;
    expect(entered.params.item.review).toBe('current changes');
    const exited = notes.find((n) => n.method === 'item/completed' && n.params.item.type === 'exitedReviewMode')!;
    expect(exited.params.item.review).toBe(EXPECTED_TEXT);
    // The reviewer's raw JSON answer never reaches the client.
    expect(JSON.stringify(notes)).not.toContain('overall_correctness');
    // The command really ran and saw the diff.
    const cmd = notes.find((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution')!;
    expect(cmd.params.item.aggregatedOutput).toContain('-for (let i = 0; i <= n; i++)');

    // A client gets the findings back from the text.
    const parsed = parseReviewText(exited.params.item.review);
    expect(parsed.overallExplanation).toBe(REVIEW.overall_explanation);
    expect(parsed.findings.map((f) => [f.title, f.priority, f.codeLocation.file, f.codeLocation.lineRange])).toEqual([
      ['[P1] Loop drops the last element', 1, 'src/sum.js', { start: 2, end: 3 }],
      ['[P3] Name the magic number', 3, 'src/sum.js', { start: 5, end: 5 }],
    ]);

    // What the model was asked: review instructions, the JSON schema, the thread context + the review prompt.
    const [first, second] = bodies(model);
    expect(first!.text).toMatchObject({ format: { type: 'json_schema', name: 'code_review', strict: true } });
    expect(first!.text.format.schema.required).toEqual(['findings', 'overall_correctness', 'overall_explanation', 'overall_confidence_score']);
    expect(first!.instructions).toContain('You review code changes');
    const lastInput = first!.input.at(-1);
    expect(lastInput).toMatchObject({ type: 'message', role: 'user' });
    expect(lastInput.content[0].text).toContain('git diff --cached');
    expect(second!.text.format.name).toBe('code_review');
    expect(JSON.stringify(second!.input).startsWith(JSON.stringify(first!.input).slice(0, -1))).toBe(true);

    // The structured review is in the thread log.
    const [record] = await logRecords(started.thread.path, 'review_output');
    expect(record).toMatchObject({ turn_id: res.turn.id, target: { type: 'uncommittedChanges' }, status: 'completed', text: EXPECTED_TEXT });
    expect(record.review_output).toMatchObject({ verdict: 'patch is incorrect', overallConfidence: 0.8 });
    expect(record.review_output.findings[0]).toMatchObject({ priority: 1, confidence: 0.9, codeLocation: { file: 'src/sum.js', lineRange: { start: 2, end: 3 } } });

    // A later turn sees the review in the thread's history, and asks for no JSON.
    const { turn } = await peer.request('turn/start', { threadId, input: [{ type: 'text', text: 'Fix it', text_elements: [] }] });
    await peer.waitFor((m) => m.method === 'turn/completed' && m.params.turn.id === turn.id, 30_000);
    const third = bodies(model)[2]!;
    expect(third.text).toBeUndefined();
    expect(JSON.stringify(third.input)).toContain(JSON.stringify(EXPECTED_TEXT));

    // A custom review whose model answer is not JSON: the prose is the review.
    const custom = await peer.request('review/start', { threadId, target: { type: 'custom', instructions: 'Check the error handling.' }, delivery: 'inline' });
    await peer.waitFor((m) => m.method === 'turn/completed' && m.params.turn.id === custom.turn.id, 30_000);
    const customNotes = notifications(peer).filter((n) => n.method === 'item/completed' && n.params.turnId === custom.turn.id);
    expect(customNotes.map((n) => [n.params.item.type, n.params.item.review ?? null])).toEqual([
      ['enteredReviewMode', 'Check the error handling.'],
      ['userMessage', null],
      ['exitedReviewMode', 'No JSON here: the change looks fine to me.'],
      ['agentMessage', null],
    ]);
    expect(bodies(model)[3]!.input.at(-1).content[0].text).toBe('Check the error handling.');

    expectConforms(peer);
  });

  it('rejects invalid params with -32600 and the reference wording', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, workRoot);
    const { peer } = await start([]);
    const { thread } = await peer.request('thread/start', { cwd: repo });
    const threadId = thread.id;
    const cases: [unknown, string][] = [
      [{}, 'Invalid request: missing field `threadId`'],
      [{ threadId }, 'Invalid request: missing field `target`'],
      [{ threadId, target: {} }, 'Invalid request: missing field `type`'],
      [{ threadId, target: { type: 'nope' } }, 'Invalid request: unknown variant `nope`, expected one of `uncommittedChanges`, `baseBranch`, `commit`, `custom`'],
      [{ threadId, target: { type: 'baseBranch' } }, 'Invalid request: missing field `branch`'],
      [{ threadId, target: { type: 'baseBranch', branch: ' ' } }, 'branch must not be empty'],
      [{ threadId, target: { type: 'commit', sha: '' } }, 'sha must not be empty'],
      [{ threadId, target: { type: 'custom', instructions: '  ' } }, 'instructions must not be empty'],
      [{ threadId, target: { type: 'uncommittedChanges' }, delivery: 'detached' }, 'Invalid request: unknown variant `detached`, expected `inline`'],
    ];
    for (const [params, message] of cases) {
      await expect(peer.request('review/start', params)).rejects.toEqual({ code: -32600, message });
    }
    await expect(peer.request('review/start', { threadId: 'nope', target: { type: 'uncommittedChanges' } })).rejects.toMatchObject({ code: -32600 });
    expectConforms(peer);
  });
});
