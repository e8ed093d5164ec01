// The turn's aggregated diff (`turn/diff/updated`): every file an `apply_patch`
// of the turn touched, from its state before the turn first touched it to its
// state on disk now, as one git-style unified diff (`diff --git`, `index
// <blob sha1>..<blob sha1>`, `new file mode`, `--- /dev/null`, ...), files in
// path order, paths relative to the repository root (else the turn's cwd).
// A file created then changed shows as one new file; one changed then deleted
// shows as deleted with its original content; one back to its original state
// drops out.

import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { lstatSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { structuredPatch } from 'diff';
import { hasGitMarker } from '../util/git-marker.js';

/** Lines of context around each change, as git shows by default. */
const CONTEXT_LINES = 3;
/** The all-zero blob id git writes for a side that does not exist. */
const NULL_BLOB = '0'.repeat(40);
const REGULAR_MODE = '100644';
const EXECUTABLE_MODE = '100755';
/** Git records a file as executable when its owner may execute it (group bits may be an ACL mask). */
const OWNER_EXECUTE_BIT = 0o100;

/** One file's state: its bytes and git mode, or null when it does not exist. */
type FileState = { content: Buffer; mode: string } | null;

/** What the planner knows of a file before a patch writes it (see apply-patch/apply.ts PlannedFile). */
export interface TouchedFile {
  /** The fully resolved path read and written. */
  ioPath: string;
  original: Buffer | null;
  originalMode: number | null;
}

export class TurnDiffTracker {
  /** Resolved path -> state before the turn first touched it. */
  private readonly baselines = new Map<string, FileState>();
  /** Resolved path -> its diff, computed for the file as `lstat` last saw it. */
  private readonly lastDiffs = new Map<string, { stamp: string; diff: string }>();
  private readonly root: string;

  constructor(cwd: string) {
    this.root = displayRoot(cwd);
  }

  /** Before a patch is committed: remembers the original state of files not seen yet this turn. */
  track(files: readonly TouchedFile[]): void {
    for (const f of files) {
      if (this.baselines.has(f.ioPath)) continue;
      this.baselines.set(f.ioPath, f.original === null ? null : { content: f.original, mode: gitMode(f.originalMode ?? 0o644) });
    }
  }

  /** Whether any file was touched this turn. */
  get touched(): boolean {
    return this.baselines.size > 0;
  }

  /** The aggregated diff, baselines against the files as they are now ('' when nothing differs). */
  async diff(): Promise<string> {
    const files = [...this.baselines.keys()].map((p) => ({ abs: p, rel: toPosix(path.relative(this.root, p)) }));
    files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    let out = '';
    for (const f of files) out += await this.fileDiff(f.abs, f.rel);
    return out;
  }

  /**
   * One file's part. The diff is sent again after every model response, and most files have not
   * changed since the last one: a file whose stat stamp is the same is not read or diffed again.
   */
  private async fileDiff(abs: string, rel: string): Promise<string> {
    // Synchronous, as the tool path's other metadata lookups (why: sandbox/paths.ts realpathNow).
    const st = lstatOrNull(abs);
    const stamp = st === null ? 'absent' : statStamp(st);
    const last = this.lastDiffs.get(abs);
    if (last?.stamp === stamp) return last.diff;
    const diff = fileDiff(rel, this.baselines.get(abs) ?? null, await currentState(abs, st));
    this.lastDiffs.set(abs, { stamp, diff });
    return diff;
  }
}

function lstatOrNull(abs: string): BigIntStats | null {
  try {
    return lstatSync(abs, { bigint: true });
  } catch {
    return null;
  }
}

/**
 * What identifies a file's version without reading it, as git's index does: inode, size, mode and
 * the nanosecond change and modification times (any write changes ctime).
 */
function statStamp(st: BigIntStats): string {
  return `${st.ino}:${st.size}:${st.mode}:${st.mtimeNs}:${st.ctimeNs}`;
}

async function currentState(file: string, st: BigIntStats | null): Promise<FileState> {
  if (st === null || !st.isFile()) return null;
  try {
    return { content: await readFile(file), mode: gitMode(Number(st.mode)) };
  } catch {
    return null;
  }
}

function fileDiff(rel: string, before: FileState, after: FileState): string {
  if (before === null && after === null) return '';
  if (before && after && before.mode === after.mode && before.content.equals(after.content)) return '';
  const head = [`diff --git a/${rel} b/${rel}`];
  if (before === null) head.push(`new file mode ${after!.mode}`);
  else if (after === null) head.push(`deleted file mode ${before.mode}`);
  else if (before.mode !== after.mode) head.push(`old mode ${before.mode}`, `new mode ${after.mode}`);
  const sameContent = before !== null && after !== null && before.content.equals(after.content);
  if (sameContent) return `${head.join('\n')}\n`;
  head.push(`index ${blobId(before)}..${blobId(after)}`);
  const oldText = before?.content ?? Buffer.alloc(0);
  const newText = after?.content ?? Buffer.alloc(0);
  if (isBinary(oldText) || isBinary(newText)) {
    head.push(`Binary files ${before ? `a/${rel}` : '/dev/null'} and ${after ? `b/${rel}` : '/dev/null'} differ`);
    return `${head.join('\n')}\n`;
  }
  head.push(before ? `--- a/${rel}` : '--- /dev/null', after ? `+++ b/${rel}` : '+++ /dev/null');
  return `${head.join('\n')}\n${hunks(oldText.toString('utf8'), newText.toString('utf8'))}`;
}

function hunks(oldText: string, newText: string): string {
  const patch = structuredPatch('a', 'b', oldText, newText, '', '', { context: CONTEXT_LINES });
  let out = '';
  for (const h of patch.hunks) {
    out += `@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@\n`;
    for (const line of h.lines) out += `${line}\n`;
  }
  return out;
}

/** A hunk range as git writes it: the count left out when 1, the start before the hunk when empty. */
function range(start: number, lines: number): string {
  if (lines === 0) return `${start - 1},0`;
  return lines === 1 ? String(start) : `${start},${lines}`;
}

/** The git blob id (sha1 of `blob <size>\0<bytes>`). */
function blobId(state: FileState): string {
  if (state === null) return NULL_BLOB;
  return createHash('sha1').update(`blob ${state.content.length}\0`).update(state.content).digest('hex');
}

function gitMode(mode: number): string {
  return mode & OWNER_EXECUTE_BIT ? EXECUTABLE_MODE : REGULAR_MODE;
}

function isBinary(b: Buffer): boolean {
  return b.includes(0);
}

/** The nearest directory at or above cwd holding a repository (resolved), else cwd itself. */
function displayRoot(cwd: string): string {
  let dir: string;
  try {
    dir = realpathSync(cwd);
  } catch {
    return path.resolve(cwd);
  }
  for (let d = dir; ; d = path.dirname(d)) {
    if (hasGitMarker(d)) return d;
    if (path.dirname(d) === d) return dir;
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
