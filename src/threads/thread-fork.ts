// `thread/fork`: a new thread whose log starts as a copy of its source's records
// through the chosen turn (`lastTurnId`, inclusive; default: all of them).
// The copy gets its own `session_meta` (new id, `forked_from_id`); the source's
// `thread/started` is left out (the fork announces itself). A turn the source is
// still running is copied as far as it got and closed as interrupted when the
// fork is loaded (thread-lifecycle.ts `loadThread`), so the fork's history is
// the source's, byte for byte, up to that point.

import { threadLogPath, type ThreadLogRecord } from '../store/thread-log.js';
import { TernError } from '../util/errors.js';
import type { SessionMeta } from './thread-replay.js';

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

/** Where a (non-ephemeral) fork's log goes. */
export function forkLogPath(ternHome: string, forkId: string, created: Date): string {
  return threadLogPath(ternHome, forkId, created);
}
