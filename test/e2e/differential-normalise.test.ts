/**
 * The differential harness's normalisation, on hand-written transcripts: each documented rule
 * does what docs/compatibility.md says, and nothing else is relaxed (a reordering or a changed
 * status still shows).
 */
import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../support/jsonl-peer.js';
import { floatConcurrent, maskMessage, normaliseConnection, settleDeclinedCommand, withoutCommandApprovals } from '../support/differential/normalise.js';

const T = 'thread-1';
const s2c = (msg: unknown): TranscriptEntry => ({ dir: 's2c', ts: 0, msg });
const c2s = (msg: unknown): TranscriptEntry => ({ dir: 'c2s', ts: 0, msg });
const note = (method: string, params: Record<string, unknown> = {}) => s2c({ method, params: { threadId: T, ...params }, emittedAtMs: 1 });
const delta = (itemId: string, d: string) => note('item/agentMessage/delta', { itemId, delta: d });
const cmd = (method: string, status: string, id = 'call_1') =>
  note(method, { item: { type: 'commandExecution', id, status, exitCode: status === 'completed' ? 0 : null } });

describe('normaliseConnection', () => {
  it('names a response after its request and masks ids and paths in error messages', () => {
    const lines = normaliseConnection(
      [
        c2s({ id: 7, method: 'thread/read', params: {} }),
        s2c({ id: 7, error: { code: -32600, message: 'thread not found: 01a20086-2d34-79e2-b9b1-8494c084c91b in /work/x' } }),
        c2s({ id: 'a', method: 'foo/bar' }),
        s2c({ id: 'a', error: { code: -32600, message: 'Invalid request: unknown variant `foo/bar`, expected one of `a`, `b`' } }),
      ],
      ['/work/x'],
    );
    expect(lines).toEqual([
      'error thread/read -32600 "thread not found: <id> in <path>"',
      'error foo/bar -32600 "Invalid request: unknown variant `foo/bar`, expected one of <methods>"',
    ]);
  });

  it('leaves out a status change repeating the previous message\'s thread and status, and nothing else', () => {
    const status = (threadId: string, type: string) => s2c({ method: 'thread/status/changed', params: { threadId, status: { type } } });
    expect(normaliseConnection([status('a', 'notLoaded'), status('a', 'notLoaded')])).toEqual(['thread/status/changed notLoaded']);
    // Another thread, another status, or a message in between: every line stays.
    expect(normaliseConnection([status('a', 'notLoaded'), status('b', 'notLoaded')])).toHaveLength(2);
    expect(normaliseConnection([status('a', 'idle'), status('a', 'notLoaded')])).toHaveLength(2);
    expect(normaliseConnection([status('a', 'idle'), s2c({ method: 'thread/archived', params: { threadId: 'a' } }), status('a', 'idle')])).toHaveLength(3);
  });

  it('collapses consecutive deltas of one item into their concatenation, but not across items', () => {
    const lines = normaliseConnection([delta('m1', 'Hel'), delta('m1', 'lo'), delta('m2', '!'), delta('m1', '?')]);
    expect(lines).toEqual(['item/agentMessage/delta "Hello"', 'item/agentMessage/delta "!"', 'item/agentMessage/delta "?"']);
  });

  it('drops the documented codex-only notifications and keeps every other one', () => {
    const lines = normaliseConnection([note('configWarning'), note('account/rateLimits/updated'), note('thread/archived'), note('deprecationNotice')]);
    expect(lines).toEqual(['thread/archived']);
  });

  it('drops a command completion only between turn/interrupt and turn/completed', () => {
    const turn = { id: 't', status: 'interrupted', items: [] };
    const lines = normaliseConnection([
      cmd('item/completed', 'failed', 'call_0'),
      c2s({ id: 3, method: 'turn/interrupt', params: {} }),
      cmd('item/completed', 'failed'),
      note('turn/completed', { turn }),
      cmd('item/completed', 'failed', 'call_2'),
    ]);
    expect(lines).toEqual(['item/completed commandExecution failed', 'turn/completed turn=interrupted items=[]', 'item/completed commandExecution failed']);
  });

  it('sorts fileChange kinds and masks only the shell wrapper of an amendment', () => {
    const change = (type: string) => ({ path: `/r/${type}`, kind: { type }, diff: '' });
    const lines = normaliseConnection([
      note('item/started', { item: { type: 'fileChange', id: 'c', status: 'inProgress', changes: [change('update'), change('add')] } }),
      s2c({
        id: 0,
        method: 'item/commandExecution/requestApproval',
        params: { availableDecisions: ['accept', { acceptWithExecpolicyAmendment: { execpolicy_amendment: ['/bin/bash', '-lc', 'echo hi > x'] } }] },
      }),
      s2c({
        id: 1,
        method: 'item/commandExecution/requestApproval',
        params: { availableDecisions: [{ acceptWithExecpolicyAmendment: { execpolicy_amendment: ['cat', 'x'] } }] },
      }),
    ]);
    expect(lines).toEqual([
      'item/started fileChange inProgress changes=add,update',
      'request item/commandExecution/requestApproval decisions=["accept",{"acceptWithExecpolicyAmendment":{"execpolicy_amendment":["<shell>","echo hi > x"]}}]',
      'request item/commandExecution/requestApproval decisions=[{"acceptWithExecpolicyAmendment":{"execpolicy_amendment":["cat","x"]}}]',
    ]);
  });
});

describe('floatConcurrent', () => {
  const usage = 'thread/tokenUsage/updated';
  const started = 'item/started commandExecution inProgress';
  const done = 'item/completed commandExecution completed exit=0';

  it('moves token usage to the end of a run of tool events, whichever side of them it came', () => {
    expect(floatConcurrent([usage, started, done, 'item/started agentMessage ""'])).toEqual([started, done, usage, 'item/started agentMessage ""']);
    expect(floatConcurrent([started, usage, done])).toEqual([started, done, usage]);
  });

  it('keeps the order of tool events, the number of floating lines, and every other line in place', () => {
    expect(floatConcurrent([done, started])).toEqual([done, started]);
    expect(floatConcurrent([started, usage, done, usage])).not.toEqual(floatConcurrent([started, usage, done]));
    // A floating line never crosses a line outside the tool run (here: an agent message).
    expect(floatConcurrent([usage, 'item/completed agentMessage "x"', started])).toEqual([usage, 'item/completed agentMessage "x"', started]);
  });
});

describe('settleDeclinedCommand', () => {
  const resolved = 'serverRequest/resolved';
  const cleared = 'thread/status/changed active[]';
  const declined = 'item/completed commandExecution declined';

  it('puts a declined command before the cleared flag right after the resolution, either way they came', () => {
    expect(settleDeclinedCommand([resolved, cleared, declined, 'x'])).toEqual([resolved, declined, cleared, 'x']);
    expect(settleDeclinedCommand([resolved, declined, cleared, 'x'])).toEqual([resolved, declined, cleared, 'x']);
  });

  it('moves nothing else: not without the resolution, not another status, not a completed command', () => {
    expect(settleDeclinedCommand([cleared, declined])).toEqual([cleared, declined]);
    expect(settleDeclinedCommand([resolved, 'thread/status/changed idle', declined])).toEqual([resolved, 'thread/status/changed idle', declined]);
    const done = 'item/completed commandExecution completed exit=0';
    expect(settleDeclinedCommand([resolved, cleared, done])).toEqual([resolved, cleared, done]);
    expect(settleDeclinedCommand([resolved, 'y', cleared, declined])).toEqual([resolved, 'y', cleared, declined]);
  });
});

describe('withoutCommandApprovals', () => {
  it('removes the approval exchange lines and nothing else', () => {
    const lines = [
      'thread/status/changed active["waitingOnApproval"]',
      'item/started commandExecution inProgress',
      'request item/commandExecution/requestApproval decisions=["accept"]',
      'serverRequest/resolved',
      'thread/status/changed active[]',
      'item/completed commandExecution completed exit=0',
      'thread/status/changed idle',
    ];
    expect(withoutCommandApprovals(lines)).toEqual([
      'item/started commandExecution inProgress',
      'item/completed commandExecution completed exit=0',
      'thread/status/changed idle',
    ]);
  });
});

describe('maskMessage', () => {
  it('leaves a message without ids, paths or method lists unchanged', () => {
    expect(maskMessage('Not initialized')).toBe('Not initialized');
  });
});
