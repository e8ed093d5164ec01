/**
 * Planning and committing `apply_patch` operations.
 *
 * `planPatch` reads every file the patch touches and computes all new contents in
 * memory without writing anything, so a patch that fails anywhere leaves the disk
 * untouched. `commitPatch` then writes the result (temp file + rename per file) and
 * rolls back what it already changed if a later write fails.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { diffArrays, structuredPatch } from 'diff';
import { errnoCode, isInside, resolveReal } from '../../sandbox/paths.js';
import { TernError } from '../../util/errors.js';
import { parsePatch, type PatchChunk, type PatchOperation } from './parse.js';

export interface FileChange {
  /** Absolute path of the file the operation names. */
  path: string;
  kind: { type: 'add' } | { type: 'delete' } | { type: 'update'; move_path: string | null };
  /** add: the new content; delete: the old content; update: a unified diff body (hunks only). */
  diff: string;
}

/** Final on-disk state of one file after the patch. Internal to the planner/committer. */
export interface PlannedFile {
  /** Fully resolved path the bytes are read from / written to. */
  ioPath: string;
  /** Content before the patch, or null if the file did not exist. */
  original: Buffer | null;
  /** Mode bits of the original file, if it existed. */
  originalMode: number | null;
  /** Content after the patch, or null if the file is to be deleted. */
  next: string | null;
  /** Mode bits to give the written file (null: default for new files). */
  nextMode: number | null;
}

export interface PlannedPatch {
  changes: FileChange[];
  /** Every file whose final state differs from (or may differ from) its original state. */
  files: PlannedFile[];
  /** Why the sandbox does not allow these writes (the first reason found), or null. */
  violation: string | null;
  guard: WriteGuard | null;
}

export class PatchApplyError extends TernError {
  static override defaultCategory = 'tool' as const;
  override name = 'PatchApplyError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('patch_apply_failed', message, options);
  }
}

// ---------------------------------------------------------------------------
// Paths

/** What the sandbox says about writes (implemented by sandbox/tool-sandbox.ts). */
export interface WriteGuard {
  /** Why writing `real` (a fully resolved path) is not allowed, or null. */
  writeViolation(real: string): Promise<string | null>;
  /** Writable roots besides the working directory (resolved). */
  extraRoots(): Promise<string[]>;
  /** Called with the files the commit wrote. */
  afterHostWrite(files: string[]): Promise<void>;
}

interface ResolvedPath {
  /** Absolute path as named by the patch (normalised, symlinks kept). */
  abs: string;
  /** Fully resolved path used for I/O. */
  real: string;
}

class PathResolver {
  private realCwd: string | null = null;
  private readonly absCwd: string;

  /** `extraRoots`: resolved directories outside the working directory that may also be written. */
  constructor(
    cwd: string,
    private readonly extraRoots: readonly string[] = [],
  ) {
    this.absCwd = path.resolve(cwd);
  }

  async resolve(p: string): Promise<ResolvedPath> {
    const abs = path.resolve(this.absCwd, p);
    const inExtra = (candidate: string) => this.extraRoots.some((r) => isInside(r, candidate) && candidate !== r);
    if (!isInside(this.absCwd, abs) && !inExtra(abs)) {
      throw new PatchApplyError(
        `Refusing to touch '${p}': it is outside the working directory ${this.absCwd}`,
      );
    }
    if (this.realCwd === null) this.realCwd = await resolveReal(this.absCwd);
    const real = await resolveReal(abs);
    if (!isInside(this.realCwd, real) && !inExtra(real)) {
      throw new PatchApplyError(
        `Refusing to touch '${p}': it resolves (through a symlink) to ${real}, outside the working directory ${this.absCwd}`,
      );
    }
    if (real === this.realCwd) {
      throw new PatchApplyError(`Refusing to touch '${p}': it is the working directory itself`);
    }
    return { abs, real };
  }

  display(abs: string): string {
    return path.relative(this.absCwd, abs) || abs;
  }
}

// ---------------------------------------------------------------------------
// In-memory view of the files touched by the patch

interface Entry {
  ioPath: string;
  original: Buffer | null;
  originalMode: number | null;
  current: string | null;
  currentMode: number | null;
}

class Overlay {
  private readonly entries = new Map<string, Entry>();

  /** Loads (once) the on-disk state of `real`. */
  async entry(real: string, display: string): Promise<Entry> {
    const existing = this.entries.get(real);
    if (existing) return existing;
    let original: Buffer | null = null;
    let mode: number | null = null;
    try {
      const stat = await fs.stat(real);
      if (stat.isDirectory()) {
        throw new PatchApplyError(`'${display}' is a directory, not a file`);
      }
      original = await fs.readFile(real);
      mode = stat.mode & 0o7777;
    } catch (err) {
      if (err instanceof PatchApplyError) throw err;
      const code = errnoCode(err);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        throw new PatchApplyError(`Cannot read '${display}': ${(err as Error).message}`, {
          cause: err,
        });
      }
    }
    const entry: Entry = {
      ioPath: real,
      original,
      originalMode: mode,
      current: original === null ? null : original.toString('utf8'),
      currentMode: mode,
    };
    this.entries.set(real, entry);
    return entry;
  }

  files(): PlannedFile[] {
    const out: PlannedFile[] = [];
    for (const e of this.entries.values()) {
      const unchanged =
        (e.original === null && e.current === null) ||
        (e.original !== null &&
          e.current !== null &&
          e.original.equals(Buffer.from(e.current, 'utf8')) &&
          e.originalMode === e.currentMode);
      if (unchanged) continue;
      out.push({
        ioPath: e.ioPath,
        original: e.original,
        originalMode: e.originalMode,
        next: e.current,
        nextMode: e.currentMode,
      });
    }
    return out;
  }
}

// ---------------------------------------------------------------------------
// Hunk matching

type Normalizer = (s: string) => string;
const NORMALIZERS: Normalizer[] = [(s) => s, (s) => s.trimEnd(), (s) => s.trim()];

function matchesAt(lines: string[], pattern: string[], at: number, norm: Normalizer): boolean {
  for (let j = 0; j < pattern.length; j++) {
    if (norm(lines[at + j] ?? '') !== norm(pattern[j] ?? '')) return false;
  }
  return true;
}

/**
 * Finds `pattern` in `lines` at or after `from`, trying exact, then trailing-whitespace-
 * insensitive, then surrounding-whitespace-insensitive comparison. With `atEnd`, only the
 * position that puts the pattern at the end of the file is considered.
 */
function findSequence(lines: string[], pattern: string[], from: number, atEnd: boolean): number {
  const lastStart = lines.length - pattern.length;
  if (lastStart < from) return -1;
  for (const norm of NORMALIZERS) {
    if (atEnd) {
      if (matchesAt(lines, pattern, lastStart, norm)) return lastStart;
      continue;
    }
    for (let i = from; i <= lastStart; i++) {
      if (matchesAt(lines, pattern, i, norm)) return i;
    }
  }
  return -1;
}

function quoteLines(lines: string[], max = 5): string {
  const shown = lines.slice(0, max).map((l) => `  ${l}`);
  if (lines.length > max) shown.push(`  ... (${lines.length - max} more lines)`);
  return shown.join('\n');
}

/**
 * Builds the replacement lines for a matched hunk. Lines the hunk keeps (context)
 * are taken from the file as it is, so a whitespace-tolerant match does not rewrite
 * the indentation or trailing whitespace of the surrounding context.
 */
function keepFileContext(matched: string[], oldLines: string[], newLines: string[]): string[] {
  if (matched.every((l, k) => l === oldLines[k])) return newLines;
  const out: string[] = [];
  let o = 0;
  for (const part of diffArrays(oldLines, newLines)) {
    const n = part.count;
    if (part.added) {
      out.push(...part.value);
    } else if (part.removed) {
      o += n;
    } else {
      for (let k = 0; k < n; k++) out.push(matched[o + k] ?? part.value[k] ?? '');
      o += n;
    }
  }
  return out;
}

interface Replacement {
  start: number;
  deleteCount: number;
  insert: string[];
}

function applyChunks(content: string, chunks: PatchChunk[], display: string): string {
  const eol = /\r\n/.test(content.slice(0, content.indexOf('\n') + 1)) ? '\r\n' : '\n';
  const endsWithEol = content === '' || content.endsWith('\n');
  const lines = content === '' ? [] : content.split(eol);
  if (content !== '' && content.endsWith(eol)) lines.pop();

  const replacements: Replacement[] = [];
  let cursor = 0;
  for (const [index, chunk] of chunks.entries()) {
    for (const anchor of chunk.anchors) {
      const at = findSequence(lines, [anchor], cursor, false);
      if (at < 0) {
        throw new PatchApplyError(
          `Failed to apply hunk ${index + 1} to '${display}': could not find the line '${anchor}' (from '@@ ${anchor}')`,
        );
      }
      cursor = at + 1;
    }

    if (chunk.oldLines.length === 0) {
      // Pure insertion: right after the anchor if there is one, otherwise at the end.
      const at = chunk.anchors.length > 0 && !chunk.isEndOfFile ? cursor : lines.length;
      replacements.push({ start: at, deleteCount: 0, insert: chunk.newLines });
      cursor = at;
      continue;
    }

    let oldLines = chunk.oldLines;
    let newLines = chunk.newLines;
    let at = findSequence(lines, oldLines, cursor, chunk.isEndOfFile);
    if (at < 0 && oldLines.length > 1 && oldLines[oldLines.length - 1] === '') {
      // A trailing empty context line often stands for the file's final newline.
      oldLines = oldLines.slice(0, -1);
      if (newLines[newLines.length - 1] === '') newLines = newLines.slice(0, -1);
      at = findSequence(lines, oldLines, cursor, chunk.isEndOfFile);
    }
    if (at < 0) {
      const where = chunk.isEndOfFile ? ' at the end of the file' : '';
      throw new PatchApplyError(
        `Failed to apply hunk ${index + 1} to '${display}': could not find the expected lines${where}:\n${quoteLines(chunk.oldLines)}`,
      );
    }
    replacements.push({
      start: at,
      deleteCount: oldLines.length,
      insert: keepFileContext(lines.slice(at, at + oldLines.length), oldLines, newLines),
    });
    cursor = at + oldLines.length;
  }

  for (let r = replacements.length - 1; r >= 0; r--) {
    const { start, deleteCount, insert } = replacements[r]!;
    lines.splice(start, deleteCount, ...insert);
  }
  if (lines.length === 0) return '';
  return lines.join(eol) + (endsWithEol ? eol : '');
}

// ---------------------------------------------------------------------------
// Diffs

function formatRange(start: number, count: number): string {
  if (count === 1) return String(start);
  return `${count === 0 ? start - 1 : start},${count}`;
}

/** Unified diff hunks (no file headers) between two contents, with 3 lines of context. */
export function unifiedDiffBody(oldContent: string, newContent: string): string {
  const patch = structuredPatch('a', 'b', oldContent, newContent, undefined, undefined, {
    context: 3,
  });
  let out = '';
  for (const hunk of patch.hunks) {
    out += `@@ -${formatRange(hunk.oldStart, hunk.oldLines)} +${formatRange(hunk.newStart, hunk.newLines)} @@\n`;
    for (const line of hunk.lines) out += line + '\n';
  }
  return out;
}

// ---------------------------------------------------------------------------
// Public API

/**
 * Resolves and reads every file the patch touches and computes all new contents in
 * memory. Writes nothing. Throws `PatchApplyError` if any operation cannot be applied.
 * With a `guard`, the plan also says whether the sandbox allows its writes (`violation`);
 * the caller decides (refuse, or ask for approval).
 */
export async function planPatch(ops: PatchOperation[], cwd: string, guard: WriteGuard | null = null): Promise<PlannedPatch> {
  const resolver = new PathResolver(cwd, guard ? await guard.extraRoots() : []);
  const overlay = new Overlay();
  const changes: FileChange[] = [];

  for (const op of ops) {
    const target = await resolver.resolve(op.path);
    const display = resolver.display(target.abs);
    const entry = await overlay.entry(target.real, display);

    switch (op.type) {
      case 'add': {
        entry.current = op.contents;
        changes.push({ path: target.abs, kind: { type: 'add' }, diff: op.contents });
        break;
      }
      case 'delete': {
        if (entry.current === null) {
          throw new PatchApplyError(`Cannot delete '${display}': file does not exist`);
        }
        changes.push({ path: target.abs, kind: { type: 'delete' }, diff: entry.current });
        entry.current = null;
        break;
      }
      case 'update': {
        if (entry.current === null) {
          throw new PatchApplyError(`Cannot update '${display}': file does not exist`);
        }
        const before = entry.current;
        const after = applyChunks(before, op.chunks, display);
        let movedTo: string | null = null;
        if (op.movePath !== null) {
          const dest = await resolver.resolve(op.movePath);
          movedTo = dest.abs;
          if (dest.real !== target.real) {
            const destEntry = await overlay.entry(dest.real, resolver.display(dest.abs));
            destEntry.current = after;
            destEntry.currentMode = entry.currentMode;
            entry.current = null;
          } else {
            entry.current = after;
          }
        } else {
          entry.current = after;
        }
        changes.push({
          path: target.abs,
          kind: { type: 'update', move_path: movedTo },
          diff: unifiedDiffBody(before, after),
        });
        break;
      }
    }
  }

  const files = overlay.files();
  return { changes, files, violation: await firstViolation(files, guard), guard };
}

async function firstViolation(files: PlannedFile[], guard: WriteGuard | null): Promise<string | null> {
  if (guard === null) return null;
  for (const f of files) {
    const why = await guard.writeViolation(f.ioPath);
    if (why !== null) return why;
  }
  return null;
}

async function writeAtomically(file: string, content: string | Buffer, mode: number | null): Promise<void> {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await fs.writeFile(tmp, content, { flag: 'wx' });
    if (mode !== null) await fs.chmod(tmp, mode);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/** Directories created by `mkdir -p` of `dir`, outermost first. */
async function makeParents(dir: string): Promise<string[]> {
  const first = await fs.mkdir(dir, { recursive: true });
  if (first === undefined) return [];
  const created: string[] = [];
  let d = dir;
  for (;;) {
    created.unshift(d);
    if (d === first) break;
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
  }
  return created;
}

/**
 * Writes a planned patch to disk. Each file is written to a temporary file in its
 * directory and renamed into place; deletions happen after all writes. If anything
 * fails, files already changed are restored (best effort) and the error is rethrown
 * as a `PatchApplyError`.
 */
export async function commitPatch(plan: PlannedPatch): Promise<void> {
  await writePlan(plan);
  // Best effort: the files are written either way; only the sandbox user's later access is at stake.
  await plan.guard?.afterHostWrite(plan.files.filter((f) => f.next !== null).map((f) => f.ioPath)).catch(() => undefined);
}

async function writePlan(plan: PlannedPatch): Promise<void> {
  const done: PlannedFile[] = [];
  const createdDirs: string[] = [];
  const writes = plan.files.filter((f) => f.next !== null);
  const deletes = plan.files.filter((f) => f.next === null);

  try {
    for (const f of writes) {
      createdDirs.push(...(await makeParents(path.dirname(f.ioPath))));
      await writeAtomically(f.ioPath, f.next!, f.nextMode);
      done.push(f);
    }
    for (const f of deletes) {
      await fs.rm(f.ioPath, { force: true });
      done.push(f);
    }
  } catch (err) {
    for (const f of done.reverse()) {
      try {
        if (f.original === null) {
          await fs.rm(f.ioPath, { force: true });
        } else {
          await fs.mkdir(path.dirname(f.ioPath), { recursive: true });
          await writeAtomically(f.ioPath, f.original, f.originalMode);
        }
      } catch {
        // best effort
      }
    }
    for (const dir of createdDirs.reverse()) {
      await fs.rmdir(dir).catch(() => undefined);
    }
    throw new PatchApplyError(`Failed to write patch: ${(err as Error).message}`, { cause: err });
  }
}

/** "Success. Updated the following files:" followed by one `A|M|D <path>` line per file. */
export function summarizePatch(plan: PlannedPatch, cwd: string): string {
  const absCwd = path.resolve(cwd);
  const seen = new Set<string>();
  let out = 'Success. Updated the following files:\n';
  for (const change of plan.changes) {
    let letter: string;
    let file = change.path;
    if (change.kind.type === 'add') letter = 'A';
    else if (change.kind.type === 'delete') letter = 'D';
    else {
      letter = 'M';
      if (change.kind.move_path !== null) file = change.kind.move_path;
    }
    const line = `${letter} ${path.relative(absCwd, file) || file}\n`;
    if (seen.has(line)) continue;
    seen.add(line);
    out += line;
  }
  return out;
}

/** Parses, plans and commits a patch; returns the changes and the summary text. */
export async function applyPatchText(
  text: string,
  cwd: string,
): Promise<{ changes: FileChange[]; summary: string }> {
  const ops = parsePatch(text);
  const plan = await planPatch(ops, cwd);
  await commitPatch(plan);
  return { changes: plan.changes, summary: summarizePatch(plan, cwd) };
}
