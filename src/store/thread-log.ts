// Append-only JSONL log of one thread: one record per line,
// `{"timestamp": ISO, "type": kind, "payload": {...}}`, written in order and
// flushed per record. The skeleton writes it; reading it back (resume, list,
// repair of a torn last line) is roadmap item 1.

import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * `compacted`: the history was replaced (payload: summary + replacement_history, see agent/history.ts).
 * `review_output`: the structured result of a review turn (payload: turn_id, target, status,
 * review_output, text; see threads/thread-manager.ts `runReview`).
 */
export type ThreadLogRecordType = 'session_meta' | 'turn_context' | 'response_item' | 'compacted' | 'event' | 'review_output';

export interface ThreadLog {
  readonly path: string | null;
  append(type: ThreadLogRecordType, payload: unknown): void;
  /** Resolves when everything appended so far is on disk. */
  flush(): Promise<void>;
}

/** Where a thread's log lives: `$TERN_HOME/sessions/YYYY/MM/DD/thread-<stamp>-<id>.jsonl`. */
export function threadLogPath(ternHome: string, threadId: string, created: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const y = created.getFullYear();
  const m = pad(created.getMonth() + 1);
  const d = pad(created.getDate());
  const stamp = `${y}-${m}-${d}T${pad(created.getHours())}-${pad(created.getMinutes())}-${pad(created.getSeconds())}`;
  return path.join(ternHome, 'sessions', String(y), m, d, `thread-${stamp}-${threadId}.jsonl`);
}

export function openThreadLog(file: string, onError: (err: Error) => void): ThreadLog {
  // Appends are chained so records land in order even though each is async.
  let chain: Promise<void> = mkdir(path.dirname(file), { recursive: true }).then(() => undefined);
  return {
    path: file,
    append(type, payload) {
      const line = JSON.stringify({ timestamp: new Date().toISOString(), type, payload }) + '\n';
      chain = chain.then(() => appendFile(file, line)).catch((err: Error) => onError(err));
    },
    flush() {
      return chain;
    },
  };
}

/** Ephemeral threads never touch disk. */
export const nullThreadLog: ThreadLog = {
  path: null,
  append() {},
  flush: () => Promise.resolve(),
};
