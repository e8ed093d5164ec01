import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventsLog } from '../../src/artifacts/events-log.js';
import { createRedactor, encodedForms, REDACTED } from '../../src/artifacts/redact.js';

describe('EventsLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tern-events-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends to events.jsonl.partial and renames it to events.jsonl on finish', async () => {
    let now = 1000;
    const log = new EventsLog(dir, createRedactor({ MOCK_API_KEY: 'sk-test-secret-123456' }), () => now++);
    log.record('c2s', { id: 0, method: 'initialize', params: { clientInfo: { name: 'x', version: '1' } } });
    log.record('s2c', { id: 0, result: { userAgent: 'ua', note: 'key sk-test-secret-123456' } });
    expect(existsSync(path.join(dir, 'events.jsonl'))).toBe(false);
    const partial = await readFile(path.join(dir, 'events.jsonl.partial'), 'utf8');
    expect(partial.trim().split('\n')).toHaveLength(3);

    const final = await log.finish();
    expect(final).toBe(path.join(dir, 'events.jsonl'));
    expect(existsSync(path.join(dir, 'events.jsonl.partial'))).toBe(false);
    const lines = (await readFile(final, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { tern: 'events', version: 1, startedAt: new Date(1000).toISOString() },
      { ts: 1001, dir: 'c2s', msg: { id: 0, method: 'initialize', params: { clientInfo: { name: 'x', version: '1' } } } },
      { ts: 1002, dir: 's2c', msg: { id: 0, result: { userAgent: 'ua', note: 'key [REDACTED]' } } },
    ]);
    expect(log.count).toBe(3);
    // idempotent; records after finish are ignored
    log.record('c2s', { method: 'late' });
    await log.finish();
    expect((await readFile(final, 'utf8')).trim().split('\n')).toHaveLength(3);
  });

  it('records driver notes in order, redacted, after the header', async () => {
    const log = new EventsLog(dir, createRedactor({ MOCK_API_KEY: 'sk-test-secret-123456' }), () => 5);
    log.record('c2s', { id: 1, method: 'turn/start' });
    log.note('approvalDecision', { subject: 'echo sk-test-secret-123456', decision: 'decline', rule: 'fix-tests#x' });
    const lines = (await readFile(await log.finish(), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.slice(1)).toEqual([
      { ts: 5, dir: 'c2s', msg: { id: 1, method: 'turn/start' } },
      { ts: 5, note: { kind: 'approvalDecision', subject: 'echo [REDACTED]', decision: 'decline', rule: 'fix-tests#x' } },
    ]);
  });
});

// ---- streamed deltas ----------------------------------------------------------------

const CANARY = 'zq-canary-7f3a9c2e1b-X';

type Line = { ts: number; dir: string; msg: { method?: string; params?: Record<string, unknown> }; heldBack?: true };

function delta(itemId: string, text: string, method = 'item/agentMessage/delta', extra: Record<string, unknown> = {}) {
  return { method, params: { threadId: 'thr_1', turnId: 'turn_1', itemId, delta: text, ...extra } };
}

function agentCompleted(itemId: string, text: string) {
  return {
    method: 'item/completed',
    params: { threadId: 'thr_1', turnId: 'turn_1', item: { type: 'agentMessage', id: itemId, text, phase: null }, completedAtMs: 1, contentTokenCount: null },
  };
}

function commandCompleted(itemId: string, output: string) {
  return {
    method: 'item/completed',
    params: {
      threadId: 'thr_1',
      turnId: 'turn_1',
      item: { type: 'commandExecution', id: itemId, command: 'env', cwd: '/w', status: 'completed', exitCode: 0, aggregatedOutput: output, durationMs: 3 },
      completedAtMs: 1,
      contentTokenCount: null,
    },
  };
}

const turnCompleted = { method: 'turn/completed', params: { threadId: 'thr_1', turn: { id: 'turn_1', items: [], status: 'completed', error: null } } };

async function readLines(file: string): Promise<Line[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line)
    .filter((l) => 'dir' in l); // the header line
}

/** The delta text of one item (one part), joined in file order. */
function joined(lines: Line[], itemId: string, part?: { key: string; value: number }): string {
  return lines
    .filter((l) => l.msg.params?.itemId === itemId && typeof l.msg.params.delta === 'string')
    .filter((l) => !part || l.msg.params?.[part.key] === part.value)
    .map((l) => l.msg.params?.delta as string)
    .join('');
}

/** The canary, its encoded forms, and every beginning of them of 4 characters or more. */
const leaks = [...new Set(encodedForms(CANARY).flatMap((f) => Array.from({ length: f.length - 3 }, (_, i) => f.slice(0, i + 4))))];

function expectNoLeak(fileText: string, label = ''): void {
  for (const leak of leaks) expect(fileText, `${label}: ${leak}`).not.toContain(leak);
}

describe('EventsLog: secrets in streamed deltas', () => {
  let dir: string;
  const redact = createRedactor({ MY_SERVICE_TOKEN: CANARY });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tern-events-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('redacts a canary the model streams in 1-character deltas, at every moment of the partial file', async () => {
    const text = `The token is ${CANARY}, do not share it.`;
    const log = new EventsLog(dir, redact);
    log.record('s2c', { method: 'item/started', params: { threadId: 'thr_1', turnId: 'turn_1', item: { type: 'agentMessage', id: 'msg_1', text: '' } } });
    for (const c of text) {
      log.record('s2c', delta('msg_1', c));
      expectNoLeak(await readFile(log.partialPath, 'utf8'), 'partial');
    }
    log.record('s2c', agentCompleted('msg_1', text));
    const partial = await readLines(log.partialPath);
    expect(joined(partial, 'msg_1')).toBe(`The token is ${REDACTED}, do not share it.`);
    const final = await log.finish();
    const raw = await readFile(final, 'utf8');
    expectNoLeak(raw, 'final');
    const lines = await readLines(final);
    // One line per message, in order; nothing held back at the end (the text ends with '.').
    expect(lines).toHaveLength(text.length + 2);
    expect(lines.some((l) => l.heldBack)).toBe(false);
    expect(lines.map((l) => l.msg.method)).toEqual(['item/started', ...Array<string>(text.length).fill('item/agentMessage/delta'), 'item/completed']);
    expect((lines.at(-1)?.msg.params?.item as { text: string }).text).toBe(`The token is ${REDACTED}, do not share it.`);
  });

  it('redacts a canary whatever the delta boundaries: two and three pieces cut at every position', async () => {
    const text = `key=${CANARY}\n`;
    const cases: string[][] = [];
    for (let i = 0; i <= text.length; i++) {
      cases.push([text.slice(0, i), text.slice(i)]);
      for (let j = i + 1; j < text.length; j += 4) cases.push([text.slice(0, i), text.slice(i, j), text.slice(j)]);
    }
    for (const [n, pieces] of cases.entries()) {
      const sub = path.join(dir, String(n));
      await mkdir(sub);
      const log = new EventsLog(sub, redact);
      for (const p of pieces) log.record('s2c', delta('cmd_1', p, 'item/commandExecution/outputDelta'));
      log.record('s2c', commandCompleted('cmd_1', text));
      const raw = await readFile(await log.finish(), 'utf8');
      expectNoLeak(raw, JSON.stringify(pieces));
      const lines = await readLines(path.join(sub, 'events.jsonl'));
      expect(joined(lines, 'cmd_1'), JSON.stringify(pieces)).toBe(`key=${REDACTED}\n`);
      expect(lines).toHaveLength(pieces.length + 1);
    }
  });

  it('keeps two interleaved items apart: a message and a command printing the canary in base64', async () => {
    const message = `Here: ${CANARY} (that was the token)`;
    // As `printf 'xy%s' "$S" | base64` prints it: the secret at byte offset 2.
    const output = `${Buffer.from(`xy${CANARY}`).toString('base64')}\nexit 0\n`;
    const log = new EventsLog(dir, redact);
    const sent: string[] = [];
    for (let i = 0; i < Math.max(message.length, output.length); i++) {
      if (i < message.length) {
        log.record('s2c', delta('msg_1', message[i] as string));
        sent.push('msg_1');
      }
      if (i < output.length) {
        log.record('s2c', delta('cmd_1', output[i] as string, 'item/commandExecution/outputDelta'));
        sent.push('cmd_1');
      }
    }
    log.record('s2c', commandCompleted('cmd_1', output));
    log.record('s2c', agentCompleted('msg_1', message));
    const raw = await readFile(await log.finish(), 'utf8');
    expectNoLeak(raw);
    const lines = await readLines(path.join(dir, 'events.jsonl'));
    expect(joined(lines, 'msg_1')).toBe(redact(message));
    expect(joined(lines, 'cmd_1')).toBe(redact(output));
    expect(redact(output)).toContain(REDACTED);
    // Order unchanged, no line added.
    expect(lines.filter((l) => l.msg.method !== 'item/completed').map((l) => l.msg.params?.itemId)).toEqual(sent);
    expect(lines.map((l) => l.msg.method).slice(-2)).toEqual(['item/completed', 'item/completed']);
  });

  it('writes a stream that ends inside the secret as one held-back line before item/completed, the cut-off beginning redacted', async () => {
    const log = new EventsLog(dir, redact);
    for (const p of ['Your key: ', 'zq-cana', 'ry-7f3']) log.record('s2c', delta('msg_1', p));
    expect(log.count).toBe(4) // the header and three deltas;
    expectNoLeak(await readFile(log.partialPath, 'utf8'));
    log.record('s2c', agentCompleted('msg_1', 'Your key: zq-canary-7f3'));
    const raw = await readFile(await log.finish(), 'utf8');
    expectNoLeak(raw);
    const lines = await readLines(path.join(dir, 'events.jsonl'));
    expect(lines.map((l) => [l.msg.method, l.msg.params?.delta ?? null, l.heldBack ?? false])).toEqual([
      ['item/agentMessage/delta', 'Your key: ', false],
      ['item/agentMessage/delta', '', false],
      ['item/agentMessage/delta', '', false],
      ['item/agentMessage/delta', REDACTED, true],
      ['item/completed', null, false],
    ]);
    expect(lines[3]?.msg.params).toMatchObject({ threadId: 'thr_1', turnId: 'turn_1', itemId: 'msg_1' });
    // The completed item carries the same cut-off text: redacted the same way.
    expect((lines[4]?.msg.params?.item as { text: string }).text).toBe(`Your key: ${REDACTED}`);
    expect(log.count).toBe(6);
  });

  it('passes ordinary prose and code (sk, gh, eyJ inside words) through unchanged', async () => {
    const text = [
      'The risk-assessment asks: skip the task-force? const heyJude = keyJSON.parse(surveyJS);',
      'def ask(sk): return sk  # ghost_ship, xoxo, eyJ alone, to be or not to be.',
      '```ts\nconst desk = { skId: 1, ghRepo: "x" };\n```\n',
    ].join('\n');
    const log = new EventsLog(dir, redact);
    for (const c of text) log.record('s2c', delta('msg_1', c));
    log.record('s2c', agentCompleted('msg_1', text));
    await log.finish();
    const lines = await readLines(path.join(dir, 'events.jsonl'));
    expect(joined(lines, 'msg_1')).toBe(text);
    expect(lines.some((l) => l.heldBack)).toBe(false);
    expect(lines).toHaveLength(text.length + 1);
    expect((lines.at(-1)?.msg.params?.item as { text: string }).text).toBe(text);
  });

  it('redacts token shapes streamed in small deltas (sk-, ghp_, JWT) in reasoning text', async () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6y';
    const text = `I found sk-proj-AbCdEf123456_xyz and ghp_${'A1b2C3d4E5'.repeat(3)} and ${jwt} in the logs.`;
    const log = new EventsLog(dir, redact);
    for (let i = 0; i < text.length; i += 3) log.record('s2c', delta('rs_1', text.slice(i, i + 3), 'item/reasoning/textDelta', { contentIndex: 0 }));
    log.record('s2c', turnCompleted);
    const raw = await readFile(await log.finish(), 'utf8');
    for (const piece of ['sk-p', 'AbCdEf', 'ghp_', 'A1b2', 'eyJhbG', 'SflKx']) expect(raw).not.toContain(piece);
    const lines = await readLines(path.join(dir, 'events.jsonl'));
    expect(joined(lines, 'rs_1')).toBe(`I found ${REDACTED} and ${REDACTED} and ${REDACTED} in the logs.`);
  });

  it('keeps reasoning summary parts apart: held text goes out before the next part starts', async () => {
    const log = new EventsLog(dir, redact);
    const method = 'item/reasoning/summaryTextDelta';
    log.record('s2c', delta('rs_1', 'Part one ends with zq-c', method, { summaryIndex: 0 }));
    log.record('s2c', delta('rs_1', 'Part two: ', method, { summaryIndex: 1 }));
    log.record('s2c', delta('rs_1', `${CANARY.slice(0, 8)}`, method, { summaryIndex: 1 }));
    log.record('s2c', delta('rs_1', `${CANARY.slice(8)}.`, method, { summaryIndex: 1 }));
    log.record('s2c', { method: 'item/completed', params: { threadId: 'thr_1', turnId: 'turn_1', item: { type: 'reasoning', id: 'rs_1', summary: ['Part one ends with zq-c', `Part two: ${CANARY}.`], content: [] } } });
    const raw = await readFile(await log.finish(), 'utf8');
    expectNoLeak(raw);
    const lines = await readLines(path.join(dir, 'events.jsonl'));
    expect(lines.map((l) => [l.msg.params?.summaryIndex ?? null, l.msg.params?.delta ?? null, l.heldBack ?? false])).toEqual([
      [0, 'Part one ends with ', false],
      [0, REDACTED, true],
      [1, 'Part two: ', false],
      [1, '', false],
      [1, `${REDACTED}.`, false],
      [null, null, false],
    ]);
    expect(joined(lines, 'rs_1', { key: 'summaryIndex', value: 1 })).toBe(`Part two: ${REDACTED}.`);
    expect(lines.at(-1)?.msg.params?.item).toMatchObject({ summary: [`Part one ends with ${REDACTED}`, `Part two: ${REDACTED}.`] });
  });

  it('flushes held text before turn/completed and on finish(), and loses none of it', async () => {
    const log = new EventsLog(dir, redact);
    log.record('s2c', delta('cmd_1', 'MY_SERVICE_TOKEN=zq-canary', 'item/commandExecution/outputDelta'));
    log.record('s2c', delta('msg_1', 'still typing: sk'));
    log.record('c2s', { id: 7, method: 'turn/interrupt', params: { threadId: 'thr_1', turnId: 'turn_1' } });
    log.record('s2c', turnCompleted);
    log.record('s2c', delta('msg_2', 'after the turn, wait for it: g'));
    const raw = await readFile(await log.finish(), 'utf8');
    expectNoLeak(raw);
    const lines = await readLines(path.join(dir, 'events.jsonl'));
    expect(lines.map((l) => [l.msg.method, l.msg.params?.itemId ?? null, l.msg.params?.delta ?? null, l.heldBack ?? false])).toEqual([
      ['item/commandExecution/outputDelta', 'cmd_1', 'MY_SERVICE_TOKEN=', false],
      ['item/agentMessage/delta', 'msg_1', 'still typing: ', false],
      ['turn/interrupt', null, null, false],
      ['item/commandExecution/outputDelta', 'cmd_1', REDACTED, true],
      ['item/agentMessage/delta', 'msg_1', 'sk', true],
      ['turn/completed', null, null, false],
      ['item/agentMessage/delta', 'msg_2', 'after the turn, wait for it: ', false],
      ['item/agentMessage/delta', 'msg_2', 'g', true],
    ]);
    expect(log.count).toBe(9);
  });

  it('treats any *delta* notification with {itemId, delta} alike, and only those', async () => {
    const log = new EventsLog(dir, redact);
    log.record('s2c', delta('fc_1', `+token = "${CANARY.slice(0, 5)}`, 'item/fileChange/outputDelta'));
    log.record('s2c', delta('fc_1', `${CANARY.slice(5)}"\n`, 'item/fileChange/outputDelta'));
    // A request (it has an id) or a delta without an itemId is recorded as it is, redacted.
    log.record('s2c', { id: 3, method: 'item/fake/delta', params: { itemId: 'x', delta: `a ${CANARY}` } });
    log.record('s2c', { method: 'command/exec/outputDelta', params: { processId: 'p', deltaBase64: 'AAAA' } });
    log.record('c2s', delta('msg_9', 'zq-c'));
    await log.finish();
    const lines = await readLines(path.join(dir, 'events.jsonl'));
    expect(joined(lines, 'fc_1')).toBe(`+token = "${REDACTED}"\n`);
    expect(lines[2]?.msg.params).toEqual({ itemId: 'x', delta: `a ${REDACTED}` });
    expect(lines[3]?.msg.params).toEqual({ processId: 'p', deltaBase64: 'AAAA' });
    expect(lines[4]?.msg.params?.delta).toBe('zq-c');
    expect(lines).toHaveLength(5);
  });
});
