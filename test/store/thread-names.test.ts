import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendThreadName, NAME_INDEX_FILE, readThreadNames } from '../../src/store/thread-names.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const home = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'tern-names-'));
  dirs.push(d);
  return d;
};

describe('thread name index', () => {
  it('appends one record per name; the newest record of an id wins; the file is 0600', () => {
    const h = home();
    expect(readThreadNames(h).size).toBe(0);
    appendThreadName(h, 'a', 'first');
    appendThreadName(h, 'b', 'other');
    appendThreadName(h, 'a', 'second');
    expect(Object.fromEntries(readThreadNames(h))).toEqual({ a: 'second', b: 'other' });
    const file = path.join(h, NAME_INDEX_FILE);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!)).toMatchObject({ id: 'a', thread_name: 'first', updated_at: expect.any(String) });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('skips a torn line, and the next name after it starts on a line of its own', () => {
    const h = home();
    appendThreadName(h, 'a', 'kept');
    appendFileSync(path.join(h, NAME_INDEX_FILE), '{"id":"a","thread_na');
    expect(readThreadNames(h).get('a')).toBe('kept');
    appendThreadName(h, 'a', 'after the tear');
    expect(readThreadNames(h).get('a')).toBe('after the tear');
  });
});
