import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventsLog } from '../../src/artifacts/events-log.js';
import { createRedactor } from '../../src/artifacts/redact.js';
import { renderReport } from '../../src/artifacts/report-html.js';
import { renderSummary } from '../../src/artifacts/summary.js';
import { renderTranscript } from '../../src/artifacts/transcript.js';
import { buildTimeline, decisionName, errorCodeName, parseEventsJsonl, type CommandEntry, type FileChangeEntry, type MessageEntry } from '../../src/artifacts/timeline.js';
import { CWD, fixTestsRun, RunScript, THREAD_ID, TURN_ID, update } from '../fixtures/artifacts/synthetic-run.js';

const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'artifacts');
/** Recorded by `node dist/tern.js demo`: tern's own server, fix-tests, no approvals. */
const demo = readFileSync(path.join(FIXTURES, 'demo-fix-tests.events.jsonl'), 'utf8');
/** Recorded from `codex app-server` 0.169.0 under `untrusted` (../shared/peer/transcripts/untrusted-tools.jsonl). */
const codex = readFileSync(path.join(FIXTURES, 'codex-untrusted-tools.events.jsonl'), 'utf8');

describe('buildTimeline: a recorded tern run (demo)', () => {
  const t = buildTimeline(demo, null);

  it('reads the thread, the model, the cwd and the turn', () => {
    expect(t.threadId).toBe('01a22a10-d594-71c0-93ba-c7f0e3b1e474');
    expect(t.model).toBe('gpt-5.5');
    expect(t.cwd).toBe('/tmp/demo-x/repo');
    expect(t.turns).toEqual([expect.objectContaining({ id: '01a22a10-d5af-7438-8e24-fbda85f3eb03', status: 'completed', error: null })]);
    expect(t.malformedLines).toBe(0);
    expect(t.unreadableMessages).toBe(0);
  });

  it('puts the turn in order', () => {
    expect(t.entries.filter((e) => e.kind !== 'tokenUsage').map((e) => e.kind)).toEqual([
      'message',
      'reasoning',
      'command',
      'command',
      'reasoning',
      'fileChange',
      'command',
      'message',
      'turnCompleted',
    ]);
    expect(t.entries.map((e) => e.seq)).toEqual(t.entries.map((_, i) => i));
    expect(t.entries.every((e, i) => i === 0 || (e.ts ?? 0) >= (t.entries[i - 1]!.ts ?? 0))).toBe(true);
  });

  it('has the commands with their output and exit codes', () => {
    expect(t.commands.map((c) => [c.command, c.exitCode, c.status])).toEqual([
      ["bash -c 'node --test'", 1, 'failed'],
      ["bash -c 'cat src/stats.js'", 0, 'completed'],
      ["bash -c 'node --test'", 0, 'completed'],
    ]);
    expect(t.commands[0]!.output).toContain('not ok 1 - mean of three numbers');
    expect(t.commands[2]!.output).toContain('# pass 2');
    expect(t.commands.every((c) => c.complete && c.durationMs !== null && c.approvals.length === 0)).toBe(true);
  });

  it('has the file change with its diff, the path relative to the cwd', () => {
    const [change] = t.fileChanges;
    expect(change!.status).toBe('completed');
    expect(change!.changes).toEqual([
      expect.objectContaining({ path: 'src/stats.js', absolutePath: '/tmp/demo-x/repo/src/stats.js', kind: 'update', movePath: null }),
    ]);
    expect(change!.changes[0]!.diff).toContain('-  return sum / (values.length - 1);\n+  return sum / values.length;');
  });

  it('has the messages, the reasoning and the token usage', () => {
    const messages = t.entries.filter((e): e is MessageEntry => e.kind === 'message');
    expect(messages.map((m) => m.role)).toEqual(['user', 'agent']);
    expect(messages[0]!.text).toMatch(/^The test command `node --test` fails/);
    expect(messages[1]!.text).toBe('Fixed `mean` in src/stats.js: it divided the sum by `values.length - 1` instead of `values.length`. `node --test` now passes (2 tests).');
    expect(messages.every((m) => m.complete)).toBe(true);
    expect(t.entries.find((e) => e.kind === 'reasoning')).toMatchObject({ summary: ['**Reproducing the failure**\n\nRun the test suite first to see what breaks.'] });
    expect(t.entries.filter((e) => e.kind === 'tokenUsage')).toHaveLength(5);
    expect(t.tokenUsage?.total.totalTokens).toBe(10783);
  });

  it('reads the in-memory event array exactly as the file', () => {
    expect(buildTimeline(parseEventsJsonl(demo).events, null)).toEqual(t);
  });
});

describe('buildTimeline: a recorded codex app-server run with approvals', () => {
  const recorded = buildTimeline(codex, null);
  const approvalsInResult = recorded.approvals.map((a, i) => ({
    method: a.method,
    itemId: a.itemId,
    subject: a.subject,
    decision: 'accept' as const,
    rule: `policy: allow[${i}]`,
    reason: null,
  }));
  const t = buildTimeline(codex, { approvals: approvalsInResult });

  it('pairs each approval request with its reply and its item', () => {
    expect(t.approvals.map((a) => [a.target, a.decision, a.requestId])).toEqual([
      ['command', 'accept', 0],
      ['fileChange', 'accept', 1],
      ['command', 'accept', 2],
    ]);
    expect(t.approvals[0]!.subject).toBe("/bin/bash -lc 'cat hello.txt'");
    expect(t.approvals[1]!.subject).toBe('hello.txt, notes.txt');
    const [cat] = t.commands;
    expect(cat!.approvals).toEqual([t.approvals[0]]);
    expect(t.fileChanges[0]!.approvals).toEqual([t.approvals[1]]);
  });

  it('joins the deciding rule from the result by itemId', () => {
    expect(t.approvals.map((a) => a.rule)).toEqual(['policy: allow[0]', 'policy: allow[1]', 'policy: allow[2]']);
    expect(t.unmatchedApprovals).toEqual([]);
    expect(recorded.approvals.every((a) => a.rule === null)).toBe(true);
  });

  it('shows an added file as + lines', () => {
    const notes = t.fileChanges[0]!.changes.find((c) => c.path === 'notes.txt');
    expect(notes).toMatchObject({ kind: 'add', diff: '@@ -0,0 +1,1 @@\n+created by apply_patch\n' });
  });

  it('reads codex extras: configWarning as a warning, unknown notifications ignored', () => {
    expect(t.entries.filter((e) => e.kind === 'warning')).toHaveLength(1);
    expect(t.unreadableMessages).toBe(0);
    expect(t.turns.at(-1)?.status).toBe('completed');
  });
});

describe('buildTimeline: hand-made edge cases', () => {
  it('a declined approval carries its rule and the command ends declined', () => {
    const run = fixTestsRun();
    const t = buildTimeline(run.events, run.result());
    const push = t.commands.find((c) => c.command.includes('git push'))!;
    expect(push.status).toBe('declined');
    expect(push.output).toBe('');
    expect(push.approvals).toEqual([
      expect.objectContaining({
        decision: 'decline',
        rule: 'preset fix-tests: deny[0] git push --force*',
        policyReason: 'pushing is the publish phase’s job',
        subject: "bash -lc 'git push --force origin HEAD'",
      }),
    ]);
    expect(t.approvals.map((a) => a.decision)).toEqual(['accept', 'accept', 'accept', 'decline', 'accept']);
    expect(t.approvals.every((a) => a.rule !== null)).toBe(true);
  });

  it('an error reply to an approval counts as error; an unanswered one has no decision', () => {
    const run = new RunScript()
      .start('go')
      .command('rm -rf /', { approval: { decision: 'error', rule: 'default' } })
      .command('sleep 100', { approval: { decision: 'decline', rule: 'default', unanswered: true } });
    const t = buildTimeline(run.events, { approvals: [] });
    expect(t.approvals.map((a) => [a.decision, a.rule])).toEqual([
      ['error', null],
      [null, null],
    ]);
    expect(t.commands[1]!.complete).toBe(false);
  });

  it('result records without a recorded request are kept as unmatched', () => {
    const run = new RunScript().start('go').command('ls', { output: 'a\n' });
    const extra = { method: 'item/commandExecution/requestApproval', itemId: 'call_gone', subject: 'ls', decision: 'accept' as const, rule: 'allow[0] ls', reason: null };
    const t = buildTimeline(run.events, { approvals: [extra] });
    expect(t.unmatchedApprovals).toEqual([extra]);
  });

  it('a failed turn after a retry: both errors, the turn failed with its error', () => {
    const error = { message: 'We are overloaded', codexErrorInfo: 'serverOverloaded' as const, additionalDetails: null };
    const run = new RunScript()
      .start('go')
      .error('Reconnecting... 1/2', { willRetry: true, code: { responseStreamDisconnected: { httpStatusCode: 502 } }, details: 'stream closed' })
      .error('We are overloaded', { willRetry: false, code: 'serverOverloaded' })
      .end('failed', error);
    const t = buildTimeline(run.events, null);
    expect(t.errors.map((e) => [e.source, e.willRetry, e.code, e.message])).toEqual([
      ['turn', true, 'responseStreamDisconnected 502', 'Reconnecting... 1/2'],
      ['turn', false, 'serverOverloaded', 'We are overloaded'],
    ]);
    expect(t.errors[0]!.detail).toBe('stream closed');
    expect(t.turns[0]).toMatchObject({ id: TURN_ID, status: 'failed', error });
    expect(t.entries.at(-1)).toMatchObject({ kind: 'turnCompleted', status: 'failed', error });
  });

  it('an error reply to a client request names the method', () => {
    const t = buildTimeline(
      [
        { ts: 1, dir: 'c2s', msg: { id: 7, method: 'turn/start', params: { threadId: THREAD_ID, input: [] } } },
        { ts: 2, dir: 's2c', msg: { id: 7, error: { code: -32600, message: 'thread not found' } } },
      ],
      null,
    );
    expect(t.errors).toEqual([expect.objectContaining({ source: 'rpc', method: 'turn/start', code: '-32600', message: 'thread not found' })]);
  });

  it('a run killed mid-item: text and output from the deltas, marked incomplete; a truncated last line is skipped', () => {
    const run = new RunScript()
      .start('go')
      .command('npm test', { output: 'line 1\nline 2\nline 3\n', chunks: 3, incomplete: true })
      .agentMessage('I was saying some', { chunk: 4, incomplete: true });
    const text = run.jsonl() + '{"ts":1796000009999,"dir":"s2c","msg":{"method":"item/agentMe';
    const t = buildTimeline(text, null);
    expect(t.malformedLines).toBe(1);
    const cmd = t.entries.find((e): e is CommandEntry => e.kind === 'command')!;
    expect(cmd).toMatchObject({ complete: false, status: 'inProgress', output: 'line 1\nline 2\nline 3\n', exitCode: null });
    const msg = t.entries.filter((e): e is MessageEntry => e.kind === 'message').at(-1)!;
    expect(msg).toMatchObject({ role: 'agent', complete: false, text: 'I was saying some' });
    expect(t.turns[0]!.status).toBe('inProgress');
  });

  it('the client interrupt is an entry', () => {
    const run = new RunScript().start('go').interrupt().end('interrupted');
    const t = buildTimeline(run.events, null);
    expect(t.entries.slice(-2).map((e) => e.kind)).toEqual(['interrupt', 'turnCompleted']);
    expect(t.turns[0]!.status).toBe('interrupted');
  });

  it('a header line is kept apart; non-JSON and non-event lines are counted', () => {
    const header = { format: 'tern-events', version: 1 };
    const run = new RunScript().start('go');
    const parsed = parseEventsJsonl(`${JSON.stringify(header)}\n${run.jsonl()}not json\n[1,2]\n`);
    expect(parsed.header).toEqual(header);
    expect(parsed.events).toHaveLength(run.events.length);
    expect(parsed.malformedLines).toBe(2);
    expect(buildTimeline(`${JSON.stringify(header)}\n${run.jsonl()}`, null).header).toEqual(header);
  });

  it('garbage messages are counted, never thrown', () => {
    const t = buildTimeline(
      [
        { ts: 1, dir: 's2c', msg: 42 },
        { ts: 2, dir: 's2c', msg: { method: 'item/completed', params: { item: { type: 'commandExecution', id: 5 } } } },
        { ts: 3, dir: 's2c', msg: { method: 'item/completed', params: { item: { type: 'fileChange', id: 'x', changes: [null, { path: 7 }] } } } },
        { ts: 4, dir: 's2c', msg: { method: 'thread/tokenUsage/updated', params: { tokenUsage: 'lots' } } },
      ],
      null,
    );
    expect(t.unreadableMessages).toBe(1);
    expect(t.fileChanges[0]!.changes).toEqual([{ path: '', absolutePath: '', kind: 'update', movePath: null, diff: '' }]);
    expect(t.tokenUsage).toBeNull();
  });

  it('moves and deletes are shown relative to the cwd; a deleted file as - lines', () => {
    const run = new RunScript().start('go').fileChange([
      { path: `${CWD}/old.js`, kind: { type: 'update', move_path: `${CWD}/lib/new.js` }, diff: '@@ -1 +1 @@\n-a\n+b\n' },
      { path: `${CWD}/gone.txt`, kind: { type: 'delete' }, diff: 'x\ny\n' },
      { path: '/elsewhere/abs.txt', kind: { type: 'add' }, diff: 'z' },
      update('same.txt', ''),
    ]);
    const [change] = buildTimeline(run.events, null).fileChanges as [FileChangeEntry];
    expect(change.changes.map((c) => [c.path, c.kind, c.movePath, c.diff])).toEqual([
      ['old.js', 'update', 'lib/new.js', '@@ -1 +1 @@\n-a\n+b\n'],
      ['gone.txt', 'delete', null, '@@ -1,2 +0,0 @@\n-x\n-y\n'],
      ['/elsewhere/abs.txt', 'add', null, '@@ -0,0 +1,1 @@\n+z\n'],
      ['same.txt', 'update', null, ''],
    ]);
  });
});

describe('helpers', () => {
  it('decisionName', () => {
    expect(decisionName('acceptForSession')).toBe('acceptForSession');
    expect(decisionName({ acceptWithExecpolicyAmendment: { execpolicy_amendment: ['ls'] } })).toBe('acceptWithExecpolicyAmendment');
    expect(decisionName(undefined)).toBe('unknown');
  });

  it('errorCodeName', () => {
    expect(errorCodeName('contextWindowExceeded')).toBe('contextWindowExceeded');
    expect(errorCodeName({ httpConnectionFailed: { httpStatusCode: null } })).toBe('httpConnectionFailed');
    expect(errorCodeName({ responseTooManyFailedAttempts: { httpStatusCode: 429 } })).toBe('responseTooManyFailedAttempts 429');
    expect(errorCodeName(null)).toBeNull();
  });
});

describe('buildTimeline: newer item kinds', () => {
  it('a contextCompaction item is an entry; reasoning content deltas fill an unfinished reasoning item', () => {
    const t = buildTimeline(
      [
        { ts: 1, dir: 's2c', msg: { method: 'item/completed', params: { threadId: THREAD_ID, turnId: TURN_ID, item: { type: 'contextCompaction', id: 'c1' } } } },
        { ts: 2, dir: 's2c', msg: { method: 'item/started', params: { threadId: THREAD_ID, turnId: TURN_ID, item: { type: 'reasoning', id: 'r1', summary: [], content: [] } } } },
        { ts: 3, dir: 's2c', msg: { method: 'item/reasoning/textDelta', params: { threadId: THREAD_ID, turnId: TURN_ID, itemId: 'r1', delta: 'thin', contentIndex: 0 } } },
        { ts: 4, dir: 's2c', msg: { method: 'item/reasoning/textDelta', params: { threadId: THREAD_ID, turnId: TURN_ID, itemId: 'r1', delta: 'king', contentIndex: 0 } } },
        { ts: 5, dir: 's2c', msg: { method: 'item/reasoning/summaryTextDelta', params: { threadId: THREAD_ID, turnId: TURN_ID, itemId: 'r1', delta: 'second', summaryIndex: 1 } } },
      ],
      null,
    );
    expect(t.entries.map((e) => e.kind)).toEqual(['compaction', 'reasoning']);
    expect(t.entries[1]).toMatchObject({ complete: false, content: ['thinking'], summary: ['', 'second'] });
  });
});

describe('buildTimeline: a log written by EventsLog', () => {
  it('reads held-back delta lines; a secret streamed in pieces reaches no rendered artifact', async () => {
    const canary = 'tern-canary-3f9a1c77d2';
    const redact = createRedactor({ TERN_CANARY_TOKEN: canary });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tern-timeline-'));
    try {
      const run = new RunScript()
        .start('print the token')
        .command('printenv TERN_CANARY_TOKEN', { output: `${canary}\nnext line\n`, chunks: 7 })
        .agentMessage(`The token is ${canary}, and then`, { chunk: 3 })
        .agentMessage(`Killed while saying ${canary.slice(0, 14)}`, { chunk: 2, incomplete: true });
      const log = new EventsLog(dir, redact);
      for (const e of run.events) log.record(e.dir, e.msg);
      const file = await log.finish();
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain(canary);

      const t = buildTimeline(text, null);
      expect(t.malformedLines).toBe(0);
      expect(t.commands[0]!.output).toBe('[REDACTED]\nnext line\n');
      const messages = t.entries.filter((e): e is MessageEntry => e.kind === 'message');
      expect(messages[1]).toMatchObject({ complete: true, text: 'The token is [REDACTED], and then' });
      expect(messages[2]!.complete).toBe(false);
      expect(messages[2]!.text.startsWith('Killed while saying ')).toBe(true);

      const result = run.result();
      for (const out of [renderTranscript(t, result, { redact }), renderSummary(t, result, { redact }), renderReport(t, result, null, { redact })]) {
        expect(out).not.toContain(canary);
        expect(out).not.toContain(canary.slice(0, 14));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
