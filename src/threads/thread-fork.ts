// `thread/fork`: a new thread whose log starts as a copy of its source's records
// through the chosen turn (`lastTurnId`, inclusive; default: all of them).
// The copy gets its own `session_meta` (new id, `forked_from_id`); the source's
// `thread/started` is left out (the fork announces itself). A turn the source is
// still running is copied as far as it got and closed as interrupted when the
// fork is loaded (thread-lifecycle.ts `loadThread`), so the fork's history is
// the source's, byte for byte, up to that point.

import { readThreadLog, threadLogPath, writeNewThreadLog, type ThreadLogRecord } from '../store/thread-log.js';
import { appendThreadName } from '../store/thread-names.js';
import { TernError } from '../util/errors.js';
import { newId } from '../util/ids.js';
import type { LifecycleDeps, LoadSource } from './thread-lifecycle.js';
import { replayThread, type SessionMeta } from './thread-replay.js';

const isEvent = (r: ThreadLogRecord, method: string) => r.type === 'event' && (r.payload as { method?: string } | null)?.method === method;
const startedTurnId = (r: ThreadLogRecord): string | undefined =>
  isEvent(r, 'turn/started') ? (r.payload as { params?: { turn?: { id?: string } } }).params?.turn?.id : undefined;

/**
 * The source's records a fork through `lastTurnId` keeps: everything before the
 * next turn's `turn/started` (so the turn's late records, such as the outputs a
 * resume added for its unanswered calls, come along).
 */
export function recordsThrough(records: ThreadLogRecord[], lastTurnId: string | null, activeTurnId: string | null): ThreadLogRecord[] {
  const body = records.filter((r) => r.type !== 'session_meta' && !isEvent(r, 'thread/started'));
  if (lastTurnId === null) return body;
  const at = body.findIndex((r) => startedTurnId(r) === lastTurnId);
  if (at === -1) throw new TernError('turn_not_found', `turn not found: ${lastTurnId}`);
  if (lastTurnId === activeTurnId) throw new TernError('invalid_params', `lastTurnId '${lastTurnId}' identifies an in-progress turn`);
  const next = body.findIndex((r, i) => i > at && startedTurnId(r) !== undefined);
  return next === -1 ? body : body.slice(0, next);
}

/** The fork's `session_meta`: the source's settings under a new id and creation time. */
export function forkMeta(source: SessionMeta, forkId: string, created: Date): SessionMeta {
  return { ...source, id: forkId, created_at: Math.floor(created.getTime() / 1000), forked_from_id: source.id };
}

/** The fork's records: its meta first, then the copied ones. */
export function forkRecords(meta: SessionMeta, copied: ThreadLogRecord[], created: Date): ThreadLogRecord[] {
  return [{ timestamp: created.toISOString(), type: 'session_meta', payload: meta }, ...copied];
}

/** What to fork: the source's log, where to stop, its running turn, its name. */
export interface ForkRequest {
  file: string;
  lastTurnId: string | null;
  activeTurnId: string | null;
  name: string | null;
  ephemeral: boolean;
}

/**
 * Creates a fork: its records (written to a new log, with the source's name in
 * the name index, unless ephemeral) and what `loadThread` needs to load it.
 */
export function createFork(d: LifecycleDeps, req: ForkRequest): LoadSource {
  const sourceRecords = readThreadLog(req.file);
  const copied = recordsThrough(sourceRecords, req.lastTurnId, req.activeTurnId);
  const sourceMeta = replayThread(sourceRecords)?.meta;
  if (!sourceMeta) throw new TernError('thread_not_found', `no rollout found for ${req.file}`);
  const created = new Date();
  const forkId = newId();
  const records = forkRecords(forkMeta(sourceMeta, forkId, created), copied, created);
  const file = req.ephemeral ? null : threadLogPath(d.ternHome, forkId, created);
  if (file !== null) {
    writeNewThreadLog(file, records);
    if (req.name !== null) appendThreadName(d.ternHome, forkId, req.name);
  }
  return { replay: replayThread(records)!, file, name: req.name };
}
