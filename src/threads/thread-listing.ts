// `thread/list` and the stored side of `thread/read`: threads as their logs
// (and the name index) describe them, filtered, sorted, and paged behind an
// opaque keyset cursor (the sort value and id of the last thread seen), so a
// thread created between two pages neither repeats nor hides another one.

import type { Thread, ThreadListParams, ThreadListResponse, ThreadStatus, Turn } from '../protocol/v2.js';
import { findThreadLog, listThreadLogFiles, readThreadLog } from '../store/thread-log.js';
import { readThreadNames } from '../store/thread-names.js';
import { TernError } from '../util/errors.js';
import { replayThread, threadFromReplay, type ReplayedThread } from './thread-replay.js';

/** Page size when the client sends no `limit`, and the largest page served. */
const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;

/**
 * Source kinds listed when the client names none. Codex lists its interactive
 * sources (`cli`, `vscode`); tern's own threads are `appServer`, so that is in too.
 */
const DEFAULT_SOURCE_KINDS = ['cli', 'vscode', 'appServer'];

/** A thread's log, read back. */
export interface StoredThread {
  file: string;
  archived: boolean;
  replay: ReplayedThread;
}

/** The stored thread of an id (live first, then archived), or null. */
export function findStoredThread(ternHome: string, threadId: string): StoredThread | null {
  for (const archived of [false, true]) {
    const file = findThreadLog(ternHome, threadId, archived);
    const replay = file ? replayThread(readThreadLog(file)) : null;
    if (file && replay) return { file, archived, replay };
  }
  return null;
}

/** `thread/read` of a thread that is not loaded: `notLoaded`, turns from its log. */
export function readStoredThread(ternHome: string, threadId: string, includeTurns: boolean): { thread: Thread } {
  const stored = findStoredThread(ternHome, threadId);
  // The reference's words for a well-formed id it knows nothing about.
  if (!stored) throw new TernError('thread_not_found', `thread not loaded: ${threadId}`);
  const name = readThreadNames(ternHome).get(threadId) ?? null;
  const turns: Turn[] = includeTurns ? stored.replay.turns : [];
  return { thread: { ...threadFromReplay(stored.replay, stored.file, name), turns } };
}

/** Every readable thread log (live or archived) as a wire thread. */
function storedThreads(ternHome: string, archived: boolean): Thread[] {
  const names = readThreadNames(ternHome);
  const out: Thread[] = [];
  for (const file of listThreadLogFiles(ternHome, archived)) {
    let replay: ReplayedThread | null = null;
    try {
      replay = replayThread(readThreadLog(file));
    } catch {
      continue; // unreadable (removed meanwhile): not listed
    }
    if (replay) out.push(threadFromReplay(replay, file, names.get(replay.meta.id) ?? null));
  }
  return out;
}

/** Whether a thread passes the list filters. */
function filterOf(params: ThreadListParams): (t: Thread) => boolean {
  const cwds = params.cwd == null ? null : Array.isArray(params.cwd) ? params.cwd : [params.cwd];
  const kinds = params.sourceKinds && params.sourceKinds.length > 0 ? params.sourceKinds : DEFAULT_SOURCE_KINDS;
  const providers = params.modelProviders && params.modelProviders.length > 0 ? params.modelProviders : null;
  const term = params.searchTerm ?? null;
  const excluded = new Set(params.excludedThreadIds ?? []);
  return (t) =>
    !excluded.has(t.id) &&
    (cwds === null || cwds.includes(t.cwd)) &&
    kinds.includes(sourceKind(t.source)) &&
    (providers === null || providers.includes(t.modelProvider)) &&
    (term === null || t.preview.includes(term) || (t.name ?? '').includes(term));
}

/** The ThreadSourceKind of a SessionSource. */
function sourceKind(source: Thread['source']): string {
  if (typeof source === 'string') return source;
  if (source && typeof source === 'object' && 'subAgent' in source) return 'subAgent';
  return 'unknown';
}

type SortField = 'createdAt' | 'updatedAt' | 'recencyAt';
const sortValue = (t: Thread, f: SortField): number => t[f] ?? t.createdAt;
// tern keeps no sidebar sections: `section_position` (which the Codex terminal client sends) sorts by creation.
const SORT_FIELDS: Record<string, SortField> = {
  created_at: 'createdAt',
  updated_at: 'updatedAt',
  recency_at: 'recencyAt',
  section_position: 'createdAt',
};

/** Where a page starts: after (or, `inclusive`, at) the thread with this sort value and id. */
interface Cursor {
  v: number;
  id: string;
  inclusive: boolean;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof c.v === 'number' && typeof c.id === 'string' && typeof c.inclusive === 'boolean') return c as Cursor;
  } catch {
    // falls through
  }
  throw new TernError('invalid_params', `invalid cursor: ${cursor}`);
}

/** `thread/list`: stored threads (a loaded one with its live status), newest first by default. */
export function listThreads(
  ternHome: string,
  params: ThreadListParams,
  loadedStatus: (threadId: string) => ThreadStatus | null,
): ThreadListResponse {
  const field = SORT_FIELDS[params.sortKey ?? 'created_at'];
  if (!field) throw new TernError('invalid_params', `unsupported sortKey: ${params.sortKey}`);
  const dir = params.sortDirection === 'asc' ? 1 : -1;
  const cursor = params.cursor == null ? null : decodeCursor(params.cursor);
  const order = (a: Thread, b: Thread) => dir * (sortValue(a, field) - sortValue(b, field)) || dir * a.id.localeCompare(b.id);
  const all = storedThreads(ternHome, params.archived === true).filter(filterOf(params)).sort(order);
  const start = cursor === null ? 0 : firstAfter(all, cursor, field, order);
  const limit = Math.max(1, Math.min(params.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE));
  const data = all.slice(start, start + limit);
  for (const t of data) t.status = loadedStatus(t.id) ?? t.status;
  const last = data.at(-1);
  const first = data[0];
  return {
    data,
    nextCursor: last && start + limit < all.length ? encodeCursor({ v: sortValue(last, field), id: last.id, inclusive: false }) : null,
    backwardsCursor: first ? encodeCursor({ v: sortValue(first, field), id: first.id, inclusive: true }) : null,
  };
}

/** Index of the first thread at or after the cursor in the sorted list. */
function firstAfter(sorted: Thread[], c: Cursor, field: SortField, order: (a: Thread, b: Thread) => number): number {
  const anchor = { createdAt: c.v, [field]: c.v, id: c.id } as unknown as Thread;
  const i = sorted.findIndex((t) => {
    const cmp = order(t, anchor);
    return c.inclusive ? cmp >= 0 : cmp > 0;
  });
  return i === -1 ? sorted.length : i;
}
