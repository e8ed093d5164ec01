/** The turn's aggregated diff: baselines kept from the first touch, compared with the files now. */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TurnDiffTracker } from '../../src/tools/turn-diff.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Records the file's current state as the tracker's baseline (what the patch planner reports). */
function touch(tracker: TurnDiffTracker, file: string): void {
  let original: Buffer | null = null;
  try {
    original = readFileSync(file);
  } catch {
    original = null;
  }
  tracker.track([{ ioPath: file, original, originalMode: original ? 0o644 : null }]);
}

/** A tracker over a fresh directory holding one file `name` with `content`, already touched. */
function trackedFile(name: string, content: string): { t: TurnDiffTracker; file: string } {
  dir = mkdtempSync(path.join(os.tmpdir(), 'turn-diff-'));
  const file = path.join(dir, name);
  writeFileSync(file, content);
  const t = new TurnDiffTracker(dir);
  touch(t, file);
  return { t, file };
}

describe('TurnDiffTracker', () => {
  it('paths are relative to the repository root; a file back to its first state drops out', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'turn-diff-'));
    mkdirSync(path.join(dir, '.git'));
    writeFileSync(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    mkdirSync(path.join(dir, 'sub'));
    const a = path.join(dir, 'sub', 'a.txt');
    writeFileSync(a, 'one\n');
    const t = new TurnDiffTracker(path.join(dir, 'sub'));
    expect(t.touched).toBe(false);
    touch(t, a);
    writeFileSync(a, 'two\n');
    expect(await t.diff()).toContain('diff --git a/sub/a.txt b/sub/a.txt\n');
    expect(await t.diff()).toContain('@@ -1 +1 @@\n-one\n+two\n');
    // A second touch does not move the baseline.
    touch(t, a);
    writeFileSync(a, 'one\n');
    expect(await t.diff()).toBe('');
  });

  it('a lost final newline is marked; an owner execute bit is a mode change', async () => {
    const { t, file: a } = trackedFile('a.sh', 'echo hi\n');
    writeFileSync(a, 'echo hi');
    chmodSync(a, 0o755);
    const diff = await t.diff();
    expect(diff).toContain('old mode 100644\nnew mode 100755\n');
    expect(diff).toContain('-echo hi\n+echo hi\n\\ No newline at end of file\n');
  });

  it('a file created and deleted within the turn leaves no trace', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'turn-diff-'));
    const a = path.join(dir, 'tmp.txt');
    const t = new TurnDiffTracker(dir);
    touch(t, a);
    writeFileSync(a, 'x\n');
    expect(await t.diff()).toContain('new file mode 100644');
    rmSync(a);
    expect(await t.diff()).toBe('');
  });

  it('every diff sees each change since the last one, whatever it is: same size, mode only, deleted, back again', async () => {
    const { t, file: a } = trackedFile('a.txt', 'aaaa\n');
    writeFileSync(a, 'bbbb\n');
    expect(await t.diff()).toContain('-aaaa\n+bbbb\n');
    expect(await t.diff()).toContain('-aaaa\n+bbbb\n');
    writeFileSync(a, 'cccc\n');
    expect(await t.diff()).toContain('-aaaa\n+cccc\n');
    writeFileSync(a, 'aaaa\n');
    chmodSync(a, 0o755);
    expect(await t.diff()).toBe(`diff --git a/a.txt b/a.txt\nold mode 100644\nnew mode 100755\n`);
    rmSync(a);
    expect(await t.diff()).toContain('deleted file mode 100644');
    writeFileSync(a, 'aaaa\n');
    chmodSync(a, 0o644);
    expect(await t.diff()).toBe('');
  });
});
