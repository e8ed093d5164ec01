/**
 * The compile cache directory: only a real directory of this user that no one else can write is
 * used (compiled code read from elsewhere would run as ours); a missing one is created 0700.
 */
import { chmodSync, mkdirSync, statSync, symlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCacheDir, isPrivateDir } from '../../src/cli/compile-cache.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'tern-compile-cache-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('compile cache directory', () => {
  it('is per user under the temp dir', () => {
    expect(compileCacheDir('/tmp', 1234)).toBe('/tmp/tern-compile-cache-1234');
  });

  it('creates a missing directory with mode 0700 and accepts it', () => {
    const dir = path.join(root, 'fresh');
    expect(isPrivateDir(dir)).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('refuses a directory others can write, a symlink, one owned by someone else, and a file', () => {
    const open = path.join(root, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(isPrivateDir(open)).toBe(false);

    const target = path.join(root, 'target');
    mkdirSync(target, { mode: 0o700 });
    const link = path.join(root, 'link');
    symlinkSync(target, link);
    expect(isPrivateDir(link)).toBe(false);

    const mine = path.join(root, 'mine');
    mkdirSync(mine, { mode: 0o700 });
    expect(isPrivateDir(mine, (process.getuid?.() ?? 0) + 1)).toBe(false);

    expect(isPrivateDir(path.join(root, 'no', 'such', 'parent'))).toBe(false);
  });
});
