import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventsLog } from '../../src/artifacts/events-log.js';
import { createRedactor } from '../../src/artifacts/redact.js';

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
    expect(partial.trim().split('\n')).toHaveLength(2);

    const final = await log.finish();
    expect(final).toBe(path.join(dir, 'events.jsonl'));
    expect(existsSync(path.join(dir, 'events.jsonl.partial'))).toBe(false);
    const lines = (await readFile(final, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { ts: 1000, dir: 'c2s', msg: { id: 0, method: 'initialize', params: { clientInfo: { name: 'x', version: '1' } } } },
      { ts: 1001, dir: 's2c', msg: { id: 0, result: { userAgent: 'ua', note: 'key [REDACTED]' } } },
    ]);
    expect(log.count).toBe(2);
    // idempotent; records after finish are ignored
    log.record('c2s', { method: 'late' });
    await log.finish();
    expect((await readFile(final, 'utf8')).trim().split('\n')).toHaveLength(2);
  });
});
