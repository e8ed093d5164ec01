// Append-only JSONL log of one thread: one record per line,
// `{"timestamp": ISO, "type": kind, "payload": {...}}`, written in order.
//
// Durability: every record is written synchronously (`writeSync` on an fd
// opened with O_APPEND) before `append` returns, so a record appended before a
// notification is sent is in the file (the kernel's page cache) before the
// client can see that notification: a SIGKILL of the server cannot lose it.
// `flush()` additionally fsyncs. Files are 0600 in 0700 directories (they hold
// tool output). No file is ever rewritten: a resumed thread appends to its
// file, after a newline if the last line was torn (the torn fragment then
// stands on a line of its own, and loading skips it as it skips any line that
// is not a JSON record).

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, chmodSync, fstatSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * `compacted`: the history was replaced (payload: summary + replacement_history, see agent/history.ts).
 * `review_output`: the structured result of a review turn (payload: turn_id, target, status,
 * review_output, text; see threads/thread-manager.ts `runReview`).
 */
export type ThreadLogRecordType = 'session_meta' | 'turn_context' | 'response_item' | 'compacted' | 'event' | 'review_output';

export interface ThreadLogRecord {
  timestamp: string;
  type: ThreadLogRecordType | string;
  payload: unknown;
}

export interface ThreadLog {
  readonly path: string | null;
  append(type: ThreadLogRecordType, payload: unknown): void;
  /** Resolves when everything appended so far is on disk (fsync). */
  flush(): Promise<void>;
  /** Syncs and closes the file (an unloaded thread keeps no descriptor); a later append opens it again. */
  close(): void;
}

export const SESSIONS_DIR = 'sessions';
/** Archived threads' logs, flat (as Codex keeps `archived_sessions/`). */
export const ARCHIVED_DIR = 'archived_sessions';

/** Where a thread's log lives: `$TERN_HOME/sessions/YYYY/MM/DD/thread-<stamp>-<id>.jsonl`. */
export function threadLogPath(ternHome: string, threadId: string, created: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const y = created.getFullYear();
  const m = pad(created.getMonth() + 1);
  const d = pad(created.getDate());
  const stamp = `${y}-${m}-${d}T${pad(created.getHours())}-${pad(created.getMinutes())}-${pad(created.getSeconds())}`;
  return path.join(ternHome, SESSIONS_DIR, String(y), m, d, `thread-${stamp}-${threadId}.jsonl`);
}

/** The `sessions/YYYY/MM/DD` directory a log file name's stamp (`thread-YYYY-MM-DDT…`) belongs in. */
function datedDirOf(ternHome: string, file: string): string {
  const m = /^thread-(\d{4})-(\d{2})-(\d{2})T/.exec(path.basename(file));
  if (!m) throw new Error(`not a thread log name: ${path.basename(file)}`);
  return path.join(ternHome, SESSIONS_DIR, m[1]!, m[2]!, m[3]!);
}

/** mkdir -p with 0700 for every directory it creates, and the leaf forced to 0700. */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Whether a non-empty file ends without a newline (its last line was torn). */
function endsTorn(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return false;
  const buf = Buffer.alloc(1);
  readSync(fd, buf, 0, 1, size - 1);
  return buf[0] !== 0x0a;
}

/**
 * Opens (creating it if needed) a thread log for appending. The file is
 * opened on the first append; write errors go to `onError` and the thread
 * goes on without its log.
 */
export function openThreadLog(file: string, onError: (err: Error) => void): ThreadLog {
  let fd: number | null = null;
  let failed = false;
  const open = (): number | null => {
    if (fd !== null || failed) return fd;
    try {
      privateDir(path.dirname(file));
      fd = openSync(file, 'a+', 0o600);
      chmodSync(file, 0o600);
      if (endsTorn(fd)) writeSync(fd, '\n');
    } catch (err) {
      failed = true;
      onError(err as Error);
    }
    return fd;
  };
  return {
    path: file,
    append(type, payload) {
      const f = open();
      if (f === null) return;
      const line = JSON.stringify({ timestamp: new Date().toISOString(), type, payload }) + '\n';
      try {
        writeSync(f, line);
      } catch (err) {
        onError(err as Error);
      }
    },
    flush() {
      if (fd !== null) {
        try {
          fsyncSync(fd);
        } catch (err) {
          onError(err as Error);
        }
      }
      return Promise.resolve();
    },
    close() {
      if (fd === null) return;
      try {
        fsyncSync(fd);
        closeSync(fd);
      } catch (err) {
        onError(err as Error);
      }
      fd = null;
    },
  };
}

/**
 * Creates a new log holding `records` (a fork's copy), in one synchronous write
 * to a file that must not exist yet (`wx`): nothing is ever overwritten.
 */
export function writeNewThreadLog(file: string, records: { type: string; payload: unknown }[]): void {
  privateDir(path.dirname(file));
  const fd = openSync(file, 'wx', 0o600);
  try {
    const stamp = new Date().toISOString();
    writeSync(fd, records.map((r) => JSON.stringify({ timestamp: stamp, type: r.type, payload: r.payload }) + '\n').join(''));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Ephemeral threads never touch disk. */
export const nullThreadLog: ThreadLog = {
  path: null,
  append() {},
  flush: () => Promise.resolve(),
  close() {},
};

/**
 * The records of a thread log. Lines that are not a JSON record (a torn last
 * line, a torn line followed by a resumed thread's appends, garbage) are skipped.
 */
export function readThreadLog(file: string): ThreadLogRecord[] {
  const text = readFileSync(file, 'utf8');
  const out: ThreadLogRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as ThreadLogRecord;
      if (r && typeof r === 'object' && typeof r.type === 'string' && 'payload' in r) out.push(r);
    } catch {
      // torn or foreign line: skipped
    }
  }
  return out;
}

/** Every thread log under `$TERN_HOME/sessions` (any depth), or the archived ones. */
export function listThreadLogFiles(ternHome: string, archived = false): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.startsWith('thread-') && e.name.endsWith('.jsonl')) out.push(p);
    }
  };
  walk(path.join(ternHome, archived ? ARCHIVED_DIR : SESSIONS_DIR));
  return out;
}

/**
 * The log of a thread id (a live one, or with `archived` an archived one), or null. The id is
 * only compared with file names, never joined into a path.
 */
export function findThreadLog(ternHome: string, threadId: string, archived = false): string | null {
  const suffix = `-${threadId}.jsonl`;
  return listThreadLogFiles(ternHome, archived).find((f) => path.basename(f).endsWith(suffix)) ?? null;
}

/**
 * Archives a thread's log: renamed (never copied or rewritten) into `archived_sessions/`.
 * Returns the new path.
 */
export function archiveThreadLog(ternHome: string, file: string): string {
  const dir = path.join(ternHome, ARCHIVED_DIR);
  privateDir(dir);
  return moveWithoutClobbering(file, path.join(dir, path.basename(file)));
}

/** rename(2), refusing to replace a file already at the destination. */
function moveWithoutClobbering(from: string, to: string): string {
  if (existsSync(to)) throw new Error(`${to} already exists; not replacing it`);
  renameSync(from, to);
  return to;
}

/** Moves an archived log back to the `sessions/YYYY/MM/DD` directory of its creation date. */
export function unarchiveThreadLog(ternHome: string, file: string): string {
  const dir = datedDirOf(ternHome, file);
  privateDir(dir);
  return moveWithoutClobbering(file, path.join(dir, path.basename(file)));
}
