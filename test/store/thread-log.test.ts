import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { archiveThreadLog, findThreadLog, listThreadLogFiles, openThreadLog, readThreadLog, threadLogPath, unarchiveThreadLog } from '../../src/store/thread-log.js';
import { replayThread } from '../../src/threads/thread-replay.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const home = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'tern-store-'));
  dirs.push(d);
  return d;
};
const meta = { id: 't1', cwd: '/tmp', originator: 'x', cli_version: '0', model_provider: 'mock', model: 'm', approval_policy: 'never', sandbox_mode: 'read-only', base_instructions: 'b' };

describe('thread log', () => {
  it('writes synchronously, 0600 files in 0700 directories', () => {
    const h = home();
    const file = threadLogPath(h, 't1', new Date());
    const log = openThreadLog(file, (e) => {
      throw e;
    });
    log.append('session_meta', meta);
    // No await: the record is already in the file.
    expect(readThreadLog(file)).toHaveLength(1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(h, 'sessions')).mode & 0o777).toBe(0o700);
    expect(findThreadLog(h, 't1')).toBe(file);
    expect(findThreadLog(h, 'nope')).toBeNull();
    expect(listThreadLogFiles(h)).toEqual([file]);
  });

  it('close releases the descriptor (an unloaded thread keeps none); a later append opens the file again', () => {
    const file = threadLogPath(home(), 't1', new Date());
    const log = openThreadLog(file, (e) => {
      throw e;
    });
    // The directory listing's own descriptor is gone by the time it is read: such entries do not count.
    const target = (fd: string) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`, { encoding: 'utf8' });
      } catch {
        return null;
      }
    };
    const openOnFile = () => readdirSync('/proc/self/fd').filter((fd) => target(fd) === file).length;
    log.append('session_meta', meta);
    expect(openOnFile()).toBe(1);
    log.close();
    expect(openOnFile()).toBe(0);
    log.append('event', { method: 'thread/closed' });
    expect(readThreadLog(file).map((r) => r.type)).toEqual(['session_meta', 'event']);
    log.close();
  });

  it('ignores a torn last line, and a reopened log appends after it on a new line', () => {
    const h = home();
    const file = threadLogPath(h, 't1', new Date());
    const log = openThreadLog(file, (e) => {
      throw e;
    });
    log.append('session_meta', meta);
    log.append('response_item', { type: 'message', role: 'user', content: [] });
    appendFileSync(file, '{"timestamp":"2025-01-01T00:00:00Z","type":"response_it');
    expect(readThreadLog(file).map((r) => r.type)).toEqual(['session_meta', 'response_item']);
    const again = openThreadLog(file, (e) => {
      throw e;
    });
    again.append('response_item', { type: 'message', role: 'assistant', content: [] });
    expect(readThreadLog(file).map((r) => r.type)).toEqual(['session_meta', 'response_item', 'response_item']);
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
  });

  it('replays turns: completed items kept, an unfinished turn comes back interrupted', () => {
    const h = home();
    const file = threadLogPath(h, 't1', new Date());
    const log = openThreadLog(file, (e) => {
      throw e;
    });
    const turn = (id: string) => ({ id, rootTurnId: id, items: [], itemsView: 'notLoaded', status: 'inProgress', error: null, startedAt: 1, completedAt: null, durationMs: null });
    const user = (id: string, text: string) => ({ type: 'userMessage', id, clientId: null, content: [{ type: 'text', text, text_elements: [] }] });
    log.append('session_meta', meta);
    log.append('event', { method: 'turn/started', params: { threadId: 't1', turn: turn('a') } });
    log.append('event', { method: 'item/started', params: { threadId: 't1', turnId: 'a', item: user('u1', 'first') } });
    log.append('event', { method: 'item/completed', params: { threadId: 't1', turnId: 'a', item: user('u1', 'first') } });
    log.append('event', { method: 'turn/completed', params: { threadId: 't1', turn: { ...turn('a'), status: 'completed', completedAt: 2 } } });
    log.append('event', { method: 'turn/started', params: { threadId: 't1', turn: turn('b') } });
    log.append('event', { method: 'item/completed', params: { threadId: 't1', turnId: 'b', item: user('u2', 'second') } });
    log.append('event', { method: 'item/started', params: { threadId: 't1', turnId: 'b', item: user('u3', 'lost') } });
    const r = replayThread(readThreadLog(file))!;
    expect(r.preview).toBe('first');
    expect(r.turns.map((t) => [t.id, t.status, t.items.map((i) => i.id), t.itemsView])).toEqual([
      ['a', 'completed', ['u1'], 'full'],
      ['b', 'interrupted', ['u2'], 'full'],
    ]);
    expect(r.unfinishedTurnId).toBe('b');
  });

  it('archives by moving the file (same inode, same bytes) into archived_sessions/, and back into its dated directory', () => {
    const h = home();
    const created = new Date(2024, 1, 29, 13, 5, 7);
    const file = threadLogPath(h, 't1', created);
    openThreadLog(file, (e) => {
      throw e;
    }).append('session_meta', meta);
    const bytes = readFileSync(file);
    const inode = statSync(file).ino;

    const archived = archiveThreadLog(h, file);
    expect(archived).toBe(path.join(h, 'archived_sessions', path.basename(file)));
    expect(statSync(archived).ino).toBe(inode);
    expect(readFileSync(archived).equals(bytes)).toBe(true);
    expect(statSync(path.dirname(archived)).mode & 0o777).toBe(0o700);
    expect(findThreadLog(h, 't1')).toBeNull();
    expect(findThreadLog(h, 't1', true)).toBe(archived);
    expect(listThreadLogFiles(h)).toEqual([]);
    expect(listThreadLogFiles(h, true)).toEqual([archived]);

    const back = unarchiveThreadLog(h, archived);
    expect(back).toBe(file);
    expect(path.dirname(back)).toBe(path.join(h, 'sessions', '2024', '02', '29'));
    expect(statSync(back).ino).toBe(inode);
    expect(findThreadLog(h, 't1', true)).toBeNull();
    expect(findThreadLog(h, 't1')).toBe(file);
  });

  it('never replaces a file when moving a log: a clash leaves both files as they were', () => {
    const h = home();
    const file = threadLogPath(h, 't1', new Date());
    openThreadLog(file, (e) => {
      throw e;
    }).append('session_meta', meta);
    const clash = path.join(h, 'archived_sessions', path.basename(file));
    mkdirSync(path.dirname(clash), { recursive: true });
    writeFileSync(clash, 'someone else\n');
    expect(() => archiveThreadLog(h, file)).toThrow('already exists');
    expect(readThreadLog(file)).toHaveLength(1);
    expect(readFileSync(clash, 'utf8')).toBe('someone else\n');
  });
});
