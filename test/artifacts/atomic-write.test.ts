import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/artifacts/atomic-write.js';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tern-atomic-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes strings and bytes and replaces an existing file', async () => {
    const file = path.join(dir, 'result.json');
    await writeFileAtomic(file, '{"a":1}\n');
    expect(await readFile(file, 'utf8')).toBe('{"a":1}\n');
    await writeFileAtomic(file, new Uint8Array([104, 105]));
    expect(await readFile(file, 'utf8')).toBe('hi');
    expect(await readdir(dir)).toEqual(['result.json']);
  });

  it('fails cleanly into a missing directory and leaves nothing behind', async () => {
    const file = path.join(dir, 'missing', 'result.json');
    await expect(writeFileAtomic(file, 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('never leaves a partial file when the write fails midway', async () => {
    const file = path.join(dir, 'diff.patch');
    await writeFile(file, 'old content');
    // A value the file handle cannot write: the failure happens after the temp file was created.
    const bad = { length: 3 } as unknown as string;
    await expect(writeFileAtomic(file, bad)).rejects.toThrow();
    expect(await readFile(file, 'utf8')).toBe('old content');
    expect(await readdir(dir)).toEqual(['diff.patch']);
  });

  it('fails when the target is a directory, keeping it intact and no temp file', async () => {
    const target = path.join(dir, 'events.jsonl');
    await writeFile(path.join(dir, 'keep'), '');
    await import('node:fs/promises').then((fs) => fs.mkdir(target));
    await writeFile(path.join(target, 'inner'), 'x');
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['events.jsonl', 'keep']);
    expect(await readFile(path.join(target, 'inner'), 'utf8')).toBe('x');
  });
});
