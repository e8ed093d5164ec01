// What a thread log says about its thread: the session's settings, the turns
// and their completed items (from the logged `turn/started`, `item/completed`
// and `turn/completed` events), and the model history (`rebuildHistory`).
// A turn with no `turn/completed` record never finished: it comes back
// `interrupted`. Items that started but never completed are not part of it.

import { rebuildHistory } from '../agent/history.js';
import type { ResponseItem } from '../model/types.js';
import type { SandboxPolicy, Thread, ThreadItem, ThreadTokenUsage, Turn } from '../protocol/v2.js';
import type { ThreadLogRecord } from '../store/thread-log.js';

export interface SessionMeta {
  id: string;
  cwd: string;
  originator: string | null;
  cli_version: string;
  model_provider: string;
  model: string;
  approval_policy: unknown;
  sandbox_mode: string;
  base_instructions: string;
  created_at?: number;
  reasoning_effort?: string | null;
  /** Set on a fork: the thread it was forked from. */
  forked_from_id?: string | null;
}

export interface TurnContextRecord {
  turn_id: string;
  cwd: string;
  model: string;
  approval_policy: unknown;
  sandbox_mode: string;
  sandbox_policy?: SandboxPolicy;
}

export interface ReplayedThread {
  meta: SessionMeta;
  /** The `thread` of the logged `thread/started`, when it made it to the log. */
  startedThread: Thread | null;
  createdAt: number;
  updatedAt: number;
  preview: string;
  turns: Turn[];
  /** The id of a turn that never finished (now reported as interrupted), if any. */
  unfinishedTurnId: string | null;
  lastTurnContext: TurnContextRecord | null;
  history: ResponseItem[];
  /** The last `thread/tokenUsage/updated` logged (totals so far), if any. */
  lastTokenUsage: { turnId: string; tokenUsage: ThreadTokenUsage } | null;
}

const seconds = (iso: string | undefined): number | null => {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
};

export function replayThread(records: ThreadLogRecord[]): ReplayedThread | null {
  const metaRecord = records.find((r) => r.type === 'session_meta');
  if (!metaRecord) return null;
  const meta = metaRecord.payload as SessionMeta;
  let startedThread: Thread | null = null;
  const turns: Turn[] = [];
  const byId = new Map<string, Turn>();
  const done = new Set<string>();
  let lastTurnContext: TurnContextRecord | null = null;
  let preview = '';
  let lastTokenUsage: ReplayedThread['lastTokenUsage'] = null;
  for (const r of records) {
    if (r.type === 'turn_context') lastTurnContext = r.payload as TurnContextRecord;
    if (r.type !== 'event') continue;
    const { method, params } = r.payload as { method: string; params: any };
    if (method === 'thread/started' && params?.thread) startedThread = params.thread as Thread;
    else if (method === 'thread/tokenUsage/updated' && params?.tokenUsage) {
      lastTokenUsage = { turnId: params.turnId as string, tokenUsage: params.tokenUsage as ThreadTokenUsage };
    } else if (method === 'turn/started' && params?.turn?.id) {
      const turn: Turn = { ...(params.turn as Turn), items: [], itemsView: 'full' };
      byId.set(turn.id, turn);
      turns.push(turn);
    } else if (method === 'item/completed' && params?.item) {
      const turn = byId.get(params.turnId as string);
      const item = params.item as ThreadItem;
      if (!turn) continue;
      turn.items.push(item);
      if (preview === '' && item.type === 'userMessage') {
        const text = item.content.find((c) => c.type === 'text');
        if (text && text.type === 'text') preview = text.text;
      }
    } else if (method === 'turn/completed' && params?.turn?.id) {
      const turn = byId.get(params.turn.id as string);
      if (!turn) continue;
      const t = params.turn as Turn;
      Object.assign(turn, { status: t.status, error: t.error, completedAt: t.completedAt, durationMs: t.durationMs });
      done.add(turn.id);
    }
  }
  let unfinishedTurnId: string | null = null;
  for (const turn of turns) {
    if (done.has(turn.id)) continue;
    turn.status = 'interrupted';
    unfinishedTurnId = turn.id;
  }
  const createdAt = meta.created_at ?? startedThread?.createdAt ?? seconds(metaRecord.timestamp) ?? 0;
  const updatedAt = seconds(records.at(-1)?.timestamp) ?? createdAt;
  return {
    meta,
    startedThread,
    createdAt,
    updatedAt,
    preview: preview || startedThread?.preview || '',
    turns,
    unfinishedTurnId,
    lastTurnContext,
    history: rebuildHistory(records),
    lastTokenUsage,
  };
}

/** The wire thread a log describes (status `notLoaded`, no turns); `name` comes from the name index. */
export function threadFromReplay(r: ReplayedThread, file: string | null, name: string | null): Thread {
  const s = r.startedThread;
  return {
    id: r.meta.id,
    sessionId: s?.sessionId ?? r.meta.id,
    forkedFromId: r.meta.forked_from_id ?? s?.forkedFromId ?? null,
    parentThreadId: s?.parentThreadId ?? null,
    preview: r.preview,
    ephemeral: false,
    projectId: s?.projectId ?? null,
    modelProvider: r.meta.model_provider,
    model: r.lastTurnContext?.model ?? r.meta.model,
    reasoningEffort: r.meta.reasoning_effort ?? s?.reasoningEffort ?? null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    recencyAt: r.updatedAt,
    status: { type: 'notLoaded' },
    path: file,
    cwd: r.lastTurnContext?.cwd ?? r.meta.cwd,
    cliVersion: r.meta.cli_version,
    originator: r.meta.originator ?? null,
    source: s?.source ?? 'appServer',
    threadSource: null,
    agentNickname: null,
    agentRole: null,
    gitInfo: s?.gitInfo ?? null,
    name,
    turns: [],
  };
}
