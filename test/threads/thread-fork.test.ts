import { describe, expect, it } from 'vitest';
import type { ThreadLogRecord } from '../../src/store/thread-log.js';
import { forkMeta, forkRecords, recordsThrough } from '../../src/threads/thread-fork.js';
import { replayThread, type SessionMeta } from '../../src/threads/thread-replay.js';

const ts = '2025-01-01T00:00:00.000Z';
const meta: SessionMeta = {
  id: 'src',
  cwd: '/w',
  originator: 'x',
  cli_version: '0',
  model_provider: 'mock',
  model: 'm',
  approval_policy: 'never',
  sandbox_mode: 'read-only',
  base_instructions: 'b',
  created_at: 1,
};
const rec = (type: string, payload: unknown): ThreadLogRecord => ({ timestamp: ts, type, payload });
const ev = (method: string, params: unknown) => rec('event', { method, params });
const turn = (id: string, status = 'inProgress') => ({ id, rootTurnId: id, items: [], itemsView: 'notLoaded', status, error: null, startedAt: 1, completedAt: null, durationMs: null });
const user = (id: string, text: string) => ({ type: 'userMessage', id, clientId: null, content: [{ type: 'text', text, text_elements: [] }] });
const msg = (role: string, text: string) => rec('response_item', { type: 'message', role, content: [{ type: 'input_text', text }] });

/** Two finished turns (the first ends with a call a resume answered late) and a third still running. */
const LOG: ThreadLogRecord[] = [
  rec('session_meta', meta),
  msg('developer', 'context'),
  ev('thread/started', { thread: { id: 'src' } }),
  ev('thread/status/changed', { threadId: 'src', status: { type: 'active', activeFlags: [] } }),
  ev('turn/started', { threadId: 'src', turn: turn('t1') }),
  msg('user', 'one'),
  ev('item/completed', { threadId: 'src', turnId: 't1', item: user('u1', 'one') }),
  rec('response_item', { type: 'function_call', call_id: 'c1', name: 'exec_command', arguments: '{}' }),
  ev('turn/completed', { threadId: 'src', turn: turn('t1', 'interrupted') }),
  rec('response_item', { type: 'function_call_output', call_id: 'c1', output: 'aborted' }),
  ev('thread/status/changed', { threadId: 'src', status: { type: 'active', activeFlags: [] } }),
  ev('turn/started', { threadId: 'src', turn: turn('t2') }),
  msg('user', 'two'),
  ev('turn/completed', { threadId: 'src', turn: turn('t2', 'completed') }),
  ev('turn/started', { threadId: 'src', turn: turn('t3') }),
  msg('user', 'three'),
];

describe('thread/fork records', () => {
  it('through a turn: everything before the next turn/started, without the source meta and thread/started', () => {
    const kept = recordsThrough(LOG, 't1', 't3');
    expect(kept).toEqual(LOG.slice(1, 11).filter((r) => (r.payload as { method?: string }).method !== 'thread/started'));
    // The late output of t1's call comes along, so the fork's history answers every call.
    expect(kept.some((r) => (r.payload as { output?: string }).output === 'aborted')).toBe(true);
    expect(recordsThrough(LOG, 't2', 't3').at(-1)).toEqual(LOG[13]);
  });

  it('without lastTurnId: every record, a running turn included (the fork closes it as interrupted)', () => {
    const kept = recordsThrough(LOG, null, 't3');
    expect(kept).toHaveLength(LOG.length - 2);
    const created = new Date('2025-02-02T00:00:00Z');
    const replay = replayThread(forkRecords(forkMeta(meta, 'fork', created), kept, created))!;
    expect(replay.meta).toMatchObject({ id: 'fork', forked_from_id: 'src', created_at: Math.floor(created.getTime() / 1000), model: 'm' });
    expect(replay.turns.map((t) => [t.id, t.status])).toEqual([
      ['t1', 'interrupted'],
      ['t2', 'completed'],
      ['t3', 'interrupted'],
    ]);
    expect(replay.unfinishedTurnId).toBe('t3');
    expect(replay.startedThread).toBeNull();
  });

  it('refuses an unknown turn and the running one, with the reference messages', () => {
    expect(() => recordsThrough(LOG, 'nope', null)).toThrow('turn not found: nope');
    expect(() => recordsThrough(LOG, 't3', 't3')).toThrow("lastTurnId 't3' identifies an in-progress turn");
  });
});
