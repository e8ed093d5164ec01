import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { archiveThreadLog, openThreadLog, threadLogPath } from '../../src/store/thread-log.js';
import { appendThreadName } from '../../src/store/thread-names.js';
import { findStoredThread, listThreads, readStoredThread } from '../../src/threads/thread-listing.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A home with threads `t0`..`t{n-1}`, created one second apart, `t{i}` with prompt `prompt i`. */
function homeWith(n: number, cwdOf: (i: number) => string = () => '/w'): { home: string; files: string[] } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'tern-listing-'));
  dirs.push(home);
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `t${i}`;
    const file = threadLogPath(home, id, new Date(2025, 0, 1, 0, 0, i));
    const log = openThreadLog(file, (e) => {
      throw e;
    });
    const base = { id, cwd: cwdOf(i), originator: 'x', cli_version: '0', model_provider: i === 0 ? 'other' : 'mock', model: 'm' };
    log.append('session_meta', { ...base, approval_policy: 'never', sandbox_mode: 'read-only', base_instructions: 'b', created_at: 1000 + i });
    const item = { type: 'userMessage', id: `u${i}`, clientId: null, content: [{ type: 'text', text: `prompt ${i}`, text_elements: [] }] };
    log.append('event', { method: 'turn/started', params: { threadId: id, turn: { id: `turn${i}`, items: [], status: 'inProgress' } } });
    log.append('event', { method: 'item/completed', params: { threadId: id, turnId: `turn${i}`, item } });
    log.append('event', { method: 'turn/completed', params: { threadId: id, turn: { id: `turn${i}`, items: [], status: 'completed' } } });
    files.push(file);
  }
  return { home, files };
}

const ids = (r: { data: { id: string }[] }) => r.data.map((t) => t.id);
const notLoaded = () => null;

describe('thread/list', () => {
  it('pages newest first behind opaque cursors; the backwards cursor pages back from the start of a page', () => {
    const { home } = homeWith(5);
    const p1 = listThreads(home, { limit: 2 }, notLoaded);
    expect(ids(p1)).toEqual(['t4', 't3']);
    const p2 = listThreads(home, { limit: 2, cursor: p1.nextCursor }, notLoaded);
    expect(ids(p2)).toEqual(['t2', 't1']);
    const p3 = listThreads(home, { limit: 2, cursor: p2.nextCursor }, notLoaded);
    expect(ids(p3)).toEqual(['t0']);
    expect(p3.nextCursor).toBeNull();
    expect(ids(listThreads(home, { limit: 10, cursor: p2.backwardsCursor, sortDirection: 'asc' }, notLoaded))).toEqual(['t2', 't3', 't4']);
    expect(ids(listThreads(home, { sortDirection: 'asc', limit: 0 }, notLoaded))).toEqual(['t0']);
    expect(() => listThreads(home, { cursor: 'garbage!' }, notLoaded)).toThrow('invalid cursor');
    // codex accepts section_position (the Codex terminal client sends it); tern has no sections: creation order.
    expect(ids(listThreads(home, { sortKey: 'section_position' }, notLoaded))).toEqual(['t4', 't3', 't2', 't1', 't0']);
    expect(() => listThreads(home, { sortKey: 'bogus' as never }, notLoaded)).toThrow('unsupported sortKey');
  });

  it('filters by cwd, provider, source kind and search term (name or preview, case-sensitive); loaded threads show their status', () => {
    const { home } = homeWith(4, (i) => (i % 2 === 0 ? '/even' : '/odd'));
    appendThreadName(home, 't3', 'Release Notes');
    expect(ids(listThreads(home, { cwd: '/even' }, notLoaded))).toEqual(['t2', 't0']);
    expect(ids(listThreads(home, { cwd: ['/even', '/odd'] }, notLoaded))).toHaveLength(4);
    expect(ids(listThreads(home, { modelProviders: ['other'] }, notLoaded))).toEqual(['t0']);
    expect(ids(listThreads(home, { modelProviders: [] }, notLoaded))).toHaveLength(4);
    expect(ids(listThreads(home, { sourceKinds: ['cli', 'exec'] }, notLoaded))).toEqual([]);
    expect(ids(listThreads(home, { sourceKinds: [] }, notLoaded))).toHaveLength(4);
    expect(ids(listThreads(home, { searchTerm: 'Release' }, notLoaded))).toEqual(['t3']);
    expect(ids(listThreads(home, { searchTerm: 'release' }, notLoaded))).toEqual([]);
    expect(ids(listThreads(home, { searchTerm: 'prompt 1' }, notLoaded))).toEqual(['t1']);
    expect(ids(listThreads(home, { excludedThreadIds: ['t3', 't1'], limit: 1 }, notLoaded))).toEqual(['t2']);
    const listed = listThreads(home, {}, (id) => (id === 't2' ? { type: 'idle' } : null)).data;
    expect(listed.map((t) => [t.id, t.status.type, t.name])).toEqual([
      ['t3', 'notLoaded', 'Release Notes'],
      ['t2', 'idle', null],
      ['t1', 'notLoaded', null],
      ['t0', 'notLoaded', null],
    ]);
  });

  it('archived threads are listed only with archived: true, and read from either place', () => {
    const { home, files } = homeWith(3);
    archiveThreadLog(home, files[1]!);
    expect(ids(listThreads(home, {}, notLoaded))).toEqual(['t2', 't0']);
    expect(ids(listThreads(home, { archived: true }, notLoaded))).toEqual(['t1']);
    expect(findStoredThread(home, 't1')).toMatchObject({ archived: true });
    const read = readStoredThread(home, 't1', true);
    expect(read.thread).toMatchObject({ id: 't1', preview: 'prompt 1', status: { type: 'notLoaded' } });
    expect(read.thread.turns.map((t) => t.status)).toEqual(['completed']);
    expect(() => readStoredThread(home, 'nope', false)).toThrow('thread not loaded: nope');
  });
});
