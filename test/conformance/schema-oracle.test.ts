/**
 * The conformance oracle (test/support/protocol-schema.ts) judged against ground truth: every
 * server->client message the real codex 0.169 app-server produced in the recorded transcripts
 * must pass, and known-bad messages must be reported.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assertConforms,
  createConformanceChecker,
  protocolSchemaDir,
  type ConformanceChecker,
  type TranscriptLine,
} from '../support/protocol-schema.js';

const TRANSCRIPTS = '/work/shared/peer/transcripts';

interface Recorded extends TranscriptLine {
  ts: number;
  t: number;
}

function load(name: string): Recorded[] {
  return readFileSync(path.join(TRANSCRIPTS, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Recorded);
}

const transcriptNames = readdirSync(TRANSCRIPTS)
  .filter((f) => f.endsWith('.jsonl') && !f.startsWith('SUMMARY-') && !f.endsWith('.mock.jsonl'))
  .sort();

type Json = Record<string, any>;
const clone = <T>(v: T): T => structuredClone(v);
const asJson = (v: unknown): Json => v as Json;

/** First recorded message (and the index) matching the predicate. */
function find(lines: Recorded[], pred: (m: Json) => boolean): { index: number; msg: Json } {
  const index = lines.findIndex((l) => typeof l.msg === 'object' && l.msg !== null && pred(asJson(l.msg)));
  if (index < 0) throw new Error('fixture message not found');
  return { index, msg: clone(asJson(lines[index]!.msg)) };
}

describe('schema oracle vs. the real codex app-server transcripts', () => {
  it('found the recorded transcripts', () => {
    expect(transcriptNames.length).toBeGreaterThanOrEqual(10);
  });

  // Note on sanitisation: the transcripts replace absolute paths with `<peer-dir>/…`
  // placeholders (codexHome, cwd, thread.path, environments[].cwd, commandExecution.cwd,
  // fileChange.changes[].path …). No special handling is needed: `AbsolutePathBuf` is a plain
  // `{"type":"string"}` in the generated schema (no `pattern`/`format`; the schema has no
  // `pattern` at all), so the placeholders validate exactly like the original paths did.
  it.each(transcriptNames)('every s2c message of %s conforms', async (name) => {
    const lines = load(name);
    expect(lines.some((l) => l.dir === 's2c')).toBe(true);
    await assertConforms(lines);
  });
});

describe('schema oracle reports violations', () => {
  let checker: ConformanceChecker;
  const lines = load('never-tools.jsonl');
  beforeAll(async () => {
    checker = await createConformanceChecker();
  });

  /** Run the conversation prefix up to (excluding) index, then check the replacement message. */
  function checkAt(index: number, msg: unknown): string[] {
    checker.reset();
    for (const l of lines.slice(0, index)) checker.check(l.dir, l.msg);
    return checker.check('s2c', msg);
  }

  it('turn/completed whose turn lacks status', () => {
    const { index, msg } = find(lines, (m) => m.method === 'turn/completed');
    expect(checkAt(index, msg)).toEqual([]);
    delete msg.params.turn.status;
    const v = checkAt(index, msg);
    expect(v.length).toBeGreaterThan(0);
    expect(v.join('\n')).toMatch(/turn\/completed.*\/params\/turn.*required property 'status'/);
  });

  it('item/started with an unknown item type', () => {
    const { index, msg } = find(lines, (m) => m.method === 'item/started');
    expect(checkAt(index, msg)).toEqual([]);
    msg.params.item.type = 'telepathy';
    const v = checkAt(index, msg);
    expect(v.join('\n')).toMatch(/item\/started.*\/params\/item.*tag "type".*telepathy/);
  });

  it('item/completed agentMessage without text', () => {
    const { index, msg } = find(lines, (m) => m.method === 'item/completed' && m.params.item.type === 'agentMessage');
    delete msg.params.item.text;
    expect(checkAt(index, msg).join('\n')).toMatch(/required property 'text'/);
  });

  it('thread/start response with sandbox {type: "bogus"}', () => {
    const start = find(lines, (m) => m.method === 'thread/start');
    const { index, msg } = find(lines, (m) => m.id === start.msg.id && 'result' in m);
    expect(checkAt(index, msg)).toEqual([]);
    msg.result.sandbox = { type: 'bogus' };
    const v = checkAt(index, msg);
    expect(v.join('\n')).toMatch(/thread\/start.*ThreadStartResponse.*\/result\/sandbox.*bogus/);
  });

  it('thread/start response missing required fields / wrong types inside thread', () => {
    const start = find(lines, (m) => m.method === 'thread/start');
    const { index, msg } = find(lines, (m) => m.id === start.msg.id && 'result' in m);
    delete msg.result.approvalsReviewer;
    msg.result.thread.createdAt = '2026-01-01';
    msg.result.thread.status = { type: 'active' }; // active requires activeFlags
    const v = checkAt(index, msg).join('\n');
    expect(v).toMatch(/required property 'approvalsReviewer'/);
    expect(v).toMatch(/\/result\/thread\/createdAt must be integer/);
    expect(v).toMatch(/\/result\/thread\/status must have required property 'activeFlags'/);
  });

  it('a message carrying "jsonrpc"', () => {
    const { index, msg } = find(lines, (m) => m.method === 'turn/started');
    msg.jsonrpc = '2.0';
    expect(checkAt(index, msg)).toEqual(['s2c: carries "jsonrpc" (the reference server never sends it)']);
  });

  it('non-object messages, unknown methods, shapeless messages', () => {
    checker.reset();
    expect(checker.check('s2c', 'not json at all')[0]).toMatch(/not a JSON object/);
    expect(checker.check('s2c', [1, 2])[0]).toMatch(/not a JSON object/);
    expect(checker.check('s2c', null)[0]).toMatch(/not a JSON object/);
    expect(checker.check('s2c', { method: 'thread/teleported', params: {} })[0]).toMatch(/unknown notification method/);
    expect(checker.check('s2c', { id: 5, method: 'item/mindRead/requestApproval', params: {} })[0]).toMatch(
      /unknown server request method/,
    );
    expect(checker.check('s2c', { params: {} })[0]).toMatch(/neither a response/);
  });

  it('responses: unknown / retyped ids, result+error, malformed errors', () => {
    checker.reset();
    expect(checker.check('s2c', { id: 99, result: {} })[0]).toMatch(/does not match any outstanding/);
    checker.check('c2s', { id: 1, method: 'thread/list', params: {} });
    expect(checker.check('s2c', { id: '1', result: { data: [], nextCursor: null } })[0]).toMatch(
      /does not match any outstanding/,
    );
    checker.check('c2s', { id: 2, method: 'thread/list', params: {} });
    expect(checker.check('s2c', { id: 2, result: {}, error: { code: 1, message: 'x' } })[0]).toMatch(/both/);
    checker.check('c2s', { id: 3, method: 'thread/list', params: {} });
    expect(checker.check('s2c', { id: 3, error: { code: '-32600', message: 'x' } }).join('\n')).toMatch(
      /\/error\/code must be integer/,
    );
    checker.check('c2s', { id: 4, method: 'thread/list', params: {} });
    expect(checker.check('s2c', { id: 4, error: { code: -32600, message: 'Not initialized' } })).toEqual([]);
    checker.check('c2s', { id: 5, method: 'thread/list', params: {} });
    expect(checker.check('s2c', { id: 5, result: { nextCursor: null } }).join('\n')).toMatch(
      /ThreadListResponse.*required property 'data'/,
    );
  });

  it('server request with a malformed payload', () => {
    const { index, msg } = find(load('onrequest-escalate.jsonl'), (m) => m.method === 'item/commandExecution/requestApproval');
    checker.reset();
    expect(checker.check('s2c', msg)).toEqual([]);
    delete msg.params.threadId;
    msg.params.startedAtMs = 1.5; // int64
    const v = checker.check('s2c', msg).join('\n');
    expect(index).toBeGreaterThan(0);
    expect(v).toMatch(/required property 'threadId'/);
    expect(v).toMatch(/\/params\/startedAtMs must match format "int64"/);
  });

  it('accepts emittedAtMs on notifications and reports nothing for results without a schema', () => {
    checker.reset();
    expect(checker.check('s2c', { method: 'warning', params: { message: 'hi' }, emittedAtMs: 1795305113668 })).toEqual([]);
    expect(checker.check('s2c', { method: 'warning', params: { message: 'hi' }, emittedAtMs: 'now' }).join()).toMatch(
      /emittedAtMs must be integer/,
    );
    checker.check('c2s', { id: 'x', method: 'foo/bar', params: {} });
    expect(checker.check('s2c', { id: 'x', result: { anything: true } })).toEqual([]);
  });

  it('maps client methods to response schema files', () => {
    expect(checker.responseSchemaFor('initialize')).toBe('v1/InitializeResponse.json');
    expect(checker.responseSchemaFor('thread/start')).toBe('v2/ThreadStartResponse.json');
    expect(checker.responseSchemaFor('turn/start')).toBe('v2/TurnStartResponse.json');
    expect(checker.responseSchemaFor('thread/name/set')).toBe('v2/ThreadSetNameResponse.json');
    expect(checker.responseSchemaFor('thread/loaded/list')).toBe('v2/ThreadLoadedListResponse.json');
    expect(checker.responseSchemaFor('thread/compact/start')).toBe('v2/ThreadCompactStartResponse.json');
    expect(checker.responseSchemaFor('command/exec')).toBe('v2/CommandExecResponse.json');
    expect(checker.responseSchemaFor('account/read')).toBe('v2/GetAccountResponse.json');
    expect(checker.responseSchemaFor('account/logout')).toBe('v2/LogoutAccountResponse.json');
    expect(checker.responseSchemaFor('model/list')).toBe('v2/ModelListResponse.json');
    expect(checker.responseSchemaFor('review/start')).toBe('v2/ReviewStartResponse.json');
    expect(checker.responseSchemaFor('config/batchWrite')).toBe('v2/ConfigWriteResponse.json');
    expect(checker.responseSchemaFor('foo/bar')).toBeUndefined();
  });

  it('maps every client method of ClientRequest.json to a response schema', async () => {
    const clientRequest = JSON.parse(readFileSync(path.join(await protocolSchemaDir(), 'ClientRequest.json'), 'utf8')) as {
      oneOf: { properties: { method: { enum: string[] } } }[];
    };
    const methods = clientRequest.oneOf.flatMap((b) => b.properties.method.enum);
    expect(methods.length).toBeGreaterThan(100);
    expect(methods.filter((m) => checker.responseSchemaFor(m) === undefined)).toEqual([]);
  });

  it('assertConforms throws with every violation and the offending message', async () => {
    const { index, msg } = find(lines, (m) => m.method === 'turn/completed');
    delete msg.params.turn.status;
    const bad = [...lines.slice(0, index), { dir: 's2c' as const, msg }, { dir: 's2c' as const, msg: { jsonrpc: '2.0', method: 'warning', params: { message: 'x' } } }];
    const err = await assertConforms(bad).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/2 non-conforming server message/);
    expect(err!.message).toMatch(/required property 'status'/);
    expect(err!.message).toMatch(/"method":"turn\/completed"/);
    expect(err!.message).toMatch(/jsonrpc/);
  });
});
