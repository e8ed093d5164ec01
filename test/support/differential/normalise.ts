/**
 * Normalisation of a recorded conversation into the lines the differential suite compares.
 *
 * Only server->client messages are compared (the client steps are the same by construction).
 * Each message becomes one line holding only what must agree between two compatible servers:
 * the method (responses are named after the request they answer), item types and statuses,
 * turn statuses, thread statuses, error codes and masked error messages, and the text the
 * scripted model produced. Ids, timestamps, paths, durations, token counts and every other
 * value a server is free to choose are left out (= masked).
 *
 * Every rule that makes the comparison less strict is a named entry below with its reason, and
 * is also listed in docs/compatibility.md. Order is strict: no rule reorders messages.
 */
import type { ServerMessage, TranscriptEntry } from '../jsonl-peer.js';

type Json = Record<string, any>;

/**
 * Notifications dropped before comparing, each with the reason. They carry no protocol state a
 * client depends on and are sent by only one of the servers, or at a time that depends on the
 * environment rather than on the conversation.
 */
export const DROPPED_NOTIFICATIONS: Readonly<Record<string, string>> = {
  configWarning:
    'environment-specific: codex warns that bubblewrap is not on PATH (it then uses its bundled copy); tern reports its own config problems',
  'remoteControl/status/changed': 'codex-only feature (remote control of a desktop session); always "disabled" here',
  'account/rateLimits/updated':
    'account feature: codex relays ChatGPT-plan rate limits after every model response (all null with an API key); tern has no account',
  'item/commandExecution/outputDelta':
    'timing-dependent: codex streams command output only when a command runs long enough; the completed item carries aggregatedOutput either way',
};

/** Delta notifications whose consecutive runs (same method, same item) collapse into one line. */
export const COLLAPSED_DELTAS: ReadonlySet<string> = new Set([
  'item/agentMessage/delta',
  'item/reasoning/summaryTextDelta',
  'item/reasoning/textDelta',
]);
// Reason: how the model's stream is cut into deltas is the server's business (codex forwards the
// SSE chunks, tern may merge or split them); what a client can rely on is the concatenation, which
// the collapsed line keeps.

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Mask what a server chooses freely inside an error message: ids and absolute paths. */
export function maskMessage(message: string, paths: readonly string[] = []): string {
  let s = message;
  for (const p of paths) s = s.split(p).join('<path>');
  return s.replace(UUID, '<id>');
}

function itemFacts(item: Json | undefined): string {
  if (!item) return '<no item>';
  const parts = [String(item.type)];
  if (typeof item.status === 'string') parts.push(item.status);
  switch (item.type) {
    case 'userMessage':
      parts.push(JSON.stringify((item.content ?? []).map((c: Json) => c.text ?? c.type)));
      break;
    case 'agentMessage':
      parts.push(JSON.stringify(item.text));
      break;
    case 'reasoning':
      parts.push(JSON.stringify(item.summary ?? []));
      break;
    case 'commandExecution':
      if (item.exitCode !== null && item.exitCode !== undefined) parts.push(`exit=${item.exitCode}`);
      break;
    case 'fileChange':
      parts.push(`changes=${(item.changes ?? []).map((c: Json) => c.kind?.type).join(',')}`);
      break;
  }
  return parts.join(' ');
}

function turnFacts(turn: Json | undefined, withItems: boolean): string {
  if (!turn) return '<no turn>';
  const parts = [`turn=${turn.status}`];
  if (turn.error) parts.push(`error=${JSON.stringify(turn.error.codexErrorInfo ?? null)}`);
  if (withItems) parts.push(`items=[${(turn.items ?? []).map((i: Json) => itemFacts(i)).join('; ')}]`);
  return parts.join(' ');
}

function statusFacts(status: Json | undefined): string {
  if (!status) return '<no status>';
  return status.type === 'active' ? `active${JSON.stringify(status.activeFlags ?? [])}` : String(status.type);
}

function threadFacts(thread: Json | undefined): string {
  if (!thread) return '<no thread>';
  const parts = [`status=${statusFacts(thread.status)}`];
  if (thread.forkedFromId) parts.push('forked');
  if (thread.ephemeral) parts.push('ephemeral');
  if (thread.name) parts.push(`name=${JSON.stringify(thread.name)}`);
  parts.push(`turns=[${(thread.turns ?? []).map((t: Json) => turnFacts(t, true)).join(' | ')}]`);
  return parts.join(' ');
}

/** The facts of a successful response, by the method of the request it answers. */
function resultFacts(method: string, result: Json): string {
  switch (method) {
    case 'thread/start':
    case 'thread/resume':
    case 'thread/fork':
    case 'thread/unarchive':
    case 'thread/read':
      return threadFacts(result.thread);
    case 'turn/start':
      return turnFacts(result.turn, false);
    case 'thread/list':
      return `data=[${(result.data ?? []).map((t: Json) => `${statusFacts(t.status)}${t.forkedFromId ? ' forked' : ''}`).join(', ')}] more=${result.nextCursor != null}`;
    case 'thread/loaded/list':
      return `data=${(result.data ?? []).length}`;
    case 'initialize':
      return '';
    default:
      return `keys=${Object.keys(result).sort().join(',')}`;
  }
}

/** The facts of a notification or server request. */
function notificationFacts(method: string, p: Json): string {
  switch (method) {
    case 'thread/started':
      return threadFacts(p.thread);
    case 'thread/status/changed':
      return statusFacts(p.status);
    case 'turn/started':
      return turnFacts(p.turn, false);
    case 'turn/completed':
      return turnFacts(p.turn, true);
    case 'item/started':
    case 'item/completed':
      return itemFacts(p.item);
    case 'error':
      return `${JSON.stringify(p.error?.codexErrorInfo ?? null)} willRetry=${p.willRetry}`;
    case 'item/commandExecution/requestApproval':
      return `decisions=${JSON.stringify(p.availableDecisions ?? null)}`;
    default:
      return '';
  }
}

interface Line {
  text: string;
  /** Set for collapsible deltas: `method itemId`. */
  deltaKey?: string;
  delta?: string;
}

function lineFor(msg: ServerMessage, requests: Map<string, string>, paths: readonly string[]): Line | undefined {
  const method = typeof msg.method === 'string' ? msg.method : undefined;
  if (method !== undefined && 'id' in msg) return { text: `request ${method} ${notificationFacts(method, msg.params ?? {})}`.trim() };
  if (method !== undefined) {
    if (method in DROPPED_NOTIFICATIONS) return undefined;
    const p = msg.params ?? {};
    if (COLLAPSED_DELTAS.has(method)) return { text: method, deltaKey: `${method} ${p.itemId}`, delta: String(p.delta ?? '') };
    return { text: `${method} ${notificationFacts(method, p)}`.trim() };
  }
  const req = requests.get(JSON.stringify(msg.id)) ?? '?';
  if (msg.error) return { text: `error ${req} ${msg.error.code} ${JSON.stringify(maskMessage(String(msg.error.message), paths))}` };
  return { text: `result ${req} ${resultFacts(req, msg.result ?? {})}`.trim() };
}

/** One connection's transcript as compared lines. */
export function normaliseConnection(transcript: readonly TranscriptEntry[], paths: readonly string[] = []): string[] {
  const requests = new Map<string, string>();
  const out: Line[] = [];
  for (const e of transcript) {
    const msg = e.msg as ServerMessage;
    if (typeof msg !== 'object' || msg === null) {
      out.push({ text: `raw ${JSON.stringify(msg)}` });
      continue;
    }
    if (e.dir === 'c2s') {
      if (typeof msg.method === 'string' && 'id' in msg) requests.set(JSON.stringify(msg.id), msg.method);
      continue;
    }
    const line = lineFor(msg, requests, paths);
    if (!line) continue;
    const last = out.at(-1);
    if (line.deltaKey !== undefined && last?.deltaKey === line.deltaKey) {
      last.delta += line.delta ?? '';
      continue;
    }
    out.push(line);
  }
  return out.map((l) => (l.deltaKey !== undefined ? `${l.text} ${JSON.stringify(l.delta)}` : l.text));
}

/** Every connection of a recording, separated by a `--- process N ---` line. */
export function normaliseConnections(connections: readonly (readonly TranscriptEntry[])[], paths: readonly string[] = []): string[] {
  return connections.flatMap((c, i) => [`--- process ${i + 1} ---`, ...normaliseConnection(c, paths)]);
}
