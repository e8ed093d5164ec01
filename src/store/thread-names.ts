// Thread names (`thread/name/set`): an append-only side index,
// `$TERN_HOME/session_index.jsonl`, one `{"id", "thread_name", "updated_at"}`
// record per line (the shape Codex keeps); the newest record of an id wins.
// Kept out of the thread logs so naming an archived or unloaded thread never
// touches its log. Same rules as the logs: 0600, synchronous appends, torn or
// foreign lines skipped.

import { appendFileSync, chmodSync, closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';

export const NAME_INDEX_FILE = 'session_index.jsonl';

interface NameRecord {
  id: string;
  thread_name: string;
  updated_at: string;
}

/** Records a thread's name (appended; earlier names stay in the file, superseded). */
export function appendThreadName(ternHome: string, threadId: string, name: string): void {
  mkdirSync(ternHome, { recursive: true, mode: 0o700 });
  const file = path.join(ternHome, NAME_INDEX_FILE);
  const record: NameRecord = { id: threadId, thread_name: name, updated_at: new Date().toISOString() };
  // After a torn last line (a kill mid-write), start on a fresh line so this record stays whole.
  const lead = endsTorn(file) ? '\n' : '';
  appendFileSync(file, lead + JSON.stringify(record) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Every thread's current name (the newest record of each id). */
export function readThreadNames(ternHome: string): Map<string, string> {
  const names = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(path.join(ternHome, NAME_INDEX_FILE), 'utf8');
  } catch {
    return names;
  }
  for (const line of text.split('\n')) {
    const r = parseRecord(line);
    if (r) names.set(r.id, r.thread_name);
  }
  return names;
}

function parseRecord(line: string): NameRecord | null {
  if (line.trim() === '') return null;
  try {
    const r = JSON.parse(line) as Partial<NameRecord> | null;
    return r && typeof r.id === 'string' && typeof r.thread_name === 'string' ? (r as NameRecord) : null;
  } catch {
    return null; // torn or foreign line
  }
}

/** Whether the file exists, is non-empty and does not end with a newline. */
function endsTorn(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}
