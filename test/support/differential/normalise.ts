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
 * is also listed in docs/compatibility.md. Order is strict except for one rule
 * ({@link floatConcurrent}): token usage and turn diffs may move among a response's tool events.
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
  deprecationNotice:
    'codex-only advisory about its own roadmap (full-history hydration of paginated threads on resume/fork/read); tern has no paginated history mode',
  'thread/goal/cleared': 'codex-only feature (thread goals, `thread/goal/*`); tern has no goals',
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

/**
 * The method list of the unknown-method error. Each server lists the methods it implements (codex
 * 0.169: 200+, many of them experimental or account/desktop features tern does not serve); the
 * message up to the list and the code are compared.
 */
const METHOD_LIST = /(unknown variant `[^`]*`, expected one of ).*$/s;

/** Mask what a server chooses freely inside an error message: ids, absolute paths, its method list. */
export function maskMessage(message: string, paths: readonly string[] = []): string {
  let s = message;
  for (const p of paths) s = s.split(p).join('<path>');
  return s.replace(UUID, '<id>').replace(METHOD_LIST, '$1<methods>');
}

/**
 * The shell wrapper inside a proposed exec-policy amendment: codex runs model commands through
 * the user's login shell (`/bin/bash -lc SCRIPT`), tern through a plain `bash -c SCRIPT` (no
 * profile scripts: see docs/compatibility.md). The script itself is compared.
 */
function maskShellWrapper(value: unknown): unknown {
  if (Array.isArray(value)) {
    if (value.length === 3 && typeof value[0] === 'string' && /(^|\/)(ba|z)?sh$/.test(value[0]) && /^-l?c$/.test(String(value[1]))) {
      return ['<shell>', value[2]];
    }
    return value.map(maskShellWrapper);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskShellWrapper(v)]));
  }
  return value;
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
      // Sorted: codex lists a patch's changes in hash-map order (it varies between processes).
      parts.push(`changes=${(item.changes ?? []).map((c: Json) => String(c.kind?.type)).sort().join(',')}`);
      break;
  }
  return parts.join(' ');
}

function turnFacts(turn: Json | undefined, withItems: boolean): string {
  if (!turn) return '<no turn>';
  const parts = [`turn=${turn.status}`];
  if (turn.error) parts.push(`error=${JSON.stringify(turn.error.codexErrorInfo ?? null)} ${JSON.stringify(turn.error.message)}`);
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
      return `${JSON.stringify(p.error?.codexErrorInfo ?? null)} willRetry=${p.willRetry} ${JSON.stringify(p.error?.message)}`;
    case 'item/commandExecution/requestApproval':
      return `decisions=${JSON.stringify(maskShellWrapper(p.availableDecisions ?? null))}`;
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

/**
 * A command cut by `turn/interrupt`: tern kills it and completes its item (`failed`); codex 0.169
 * leaves the process running as a background terminal and never sends the item's
 * `item/completed`. Between the client's `turn/interrupt` and the turn's `turn/completed`, such
 * an `item/completed` is therefore dropped.
 */
const INTERRUPTED_COMMAND = /^item\/completed commandExecution (failed|completed)\b/;

/**
 * A `thread/status/changed` repeating the previous message's thread and status says nothing new:
 * codex sometimes sends `notLoaded` twice when it archives a loaded thread (seen in CI runs), so a
 * repeat right after the same thread's same status is left out. Another thread, another status, or
 * anything in between still counts.
 */
export function repeatsStatus(msg: ServerMessage, previous: ServerMessage | undefined): boolean {
  if (msg.method !== 'thread/status/changed' || previous?.method !== 'thread/status/changed') return false;
  const [now, before] = [msg.params as Json, previous.params as Json];
  return now?.threadId === before?.threadId && now?.status?.type === before?.status?.type;
}

/** One connection's transcript as compared lines. */
export function normaliseConnection(transcript: readonly TranscriptEntry[], paths: readonly string[] = []): string[] {
  const requests = new Map<string, string>();
  const out: Line[] = [];
  let interrupting = false;
  let previous: ServerMessage | undefined;
  for (const e of transcript) {
    const msg = e.msg as ServerMessage;
    if (typeof msg !== 'object' || msg === null) {
      if (e.dir === 's2c') out.push({ text: `raw ${JSON.stringify(msg)}` });
      continue;
    }
    if (e.dir === 'c2s') {
      if (typeof msg.method === 'string' && 'id' in msg) requests.set(JSON.stringify(msg.id), msg.method);
      if (msg.method === 'turn/interrupt') interrupting = true;
      continue;
    }
    const repeat = repeatsStatus(msg, previous);
    previous = msg;
    if (repeat) continue;
    const line = lineFor(msg, requests, paths);
    if (!line) continue;
    if (interrupting && INTERRUPTED_COMMAND.test(line.text)) continue;
    if (line.text.startsWith('turn/completed')) interrupting = false;
    const last = out.at(-1);
    if (line.deltaKey !== undefined && last?.deltaKey === line.deltaKey) {
      last.delta += line.delta ?? '';
      continue;
    }
    out.push(line);
  }
  return out.map((l) => (l.deltaKey !== undefined ? `${l.text} ${JSON.stringify(l.delta)}` : l.text));
}

/**
 * Notifications that are concurrent with tool execution. Codex emits token usage (and, once the
 * turn has a diff, `turn/diff/updated`) when it reads `response.completed`, on the stream's task,
 * while the response's tool calls run on their own tasks: run to run, the same codex puts them
 * before or after a command's `item/completed` (seen with TERN_DIFF_CODEX_RUNS=3). tern emits
 * usage when the stream completes, before it starts the tools.
 */
const FLOATING = [/^thread\/tokenUsage\/updated$/, /^turn\/diff\/updated$/];

/** What a floating notification may move across: tool items and their approval exchanges. */
const TOOL_WINDOW = [
  /^item\/(started|completed) (commandExecution|fileChange)\b/,
  /^request item\/(commandExecution|fileChange)\/requestApproval\b/,
  /^serverRequest\/resolved$/,
  /^thread\/status\/changed active\[/,
];

/**
 * Within each maximal run of tool-window and floating lines, keep the tool lines in order and
 * move the floating ones, sorted, to the end of the run: their number is still compared, their
 * position among the tool events is not.
 */
export function floatConcurrent(lines: readonly string[]): string[] {
  const out: string[] = [];
  let tools: string[] = [];
  let floating: string[] = [];
  const flush = (): void => {
    out.push(...tools, ...floating.sort());
    tools = [];
    floating = [];
  };
  for (const line of lines) {
    if (FLOATING.some((re) => re.test(line))) floating.push(line);
    else if (TOOL_WINDOW.some((re) => re.test(line))) tools.push(line);
    else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out;
}

/**
 * A declined command settles two ways at once: its item completes `declined` and the thread's
 * `waitingOnApproval` flag is cleared. Codex does both on separate tasks after
 * `serverRequest/resolved`, and its order varies run to run (usually the item first, once in a
 * CI run the flag first); tern completes the item first. Right after `serverRequest/resolved`,
 * exactly this pair is put in tern's order; nothing else moves.
 */
const DECLINED_COMMAND = /^item\/completed commandExecution declined\b/;
const FLAG_CLEARED = 'thread/status/changed active[]';

export function settleDeclinedCommand(lines: readonly string[]): string[] {
  const out = [...lines];
  for (let i = 0; i + 2 < out.length; i++) {
    if (out[i] === 'serverRequest/resolved' && out[i + 1] === FLAG_CLEARED && DECLINED_COMMAND.test(out[i + 2]!)) {
      [out[i + 1], out[i + 2]] = [out[i + 2]!, out[i + 1]!];
    }
  }
  return out;
}

/** Every connection of a recording, separated by a `--- process N ---` line. */
export function normaliseConnections(connections: readonly (readonly TranscriptEntry[])[], paths: readonly string[] = []): string[] {
  return connections.flatMap((c, i) => [`--- process ${i + 1} ---`, ...floatConcurrent(settleDeclinedCommand(normaliseConnection(c, paths)))]);
}

/** The lines of command approval exchanges (status flag, request, resolution, flag cleared). */
const COMMAND_APPROVAL_LINES = [
  /^thread\/status\/changed active\["waitingOnApproval"\]$/,
  /^request item\/commandExecution\/requestApproval\b/,
  /^serverRequest\/resolved$/,
  /^thread\/status\/changed active\[\]$/,
];

/**
 * Remove every command approval exchange. Used only where the servers intentionally disagree on
 * whether to ask: under `untrusted`, tern runs known-safe read-only commands without asking, while
 * codex 0.169 asks for every `exec_command`, `ls` included (docs/compatibility.md). The scenario
 * separately asserts that tern asked nothing.
 */
export function withoutCommandApprovals(lines: readonly string[]): string[] {
  return lines.filter((l) => !COMMAND_APPROVAL_LINES.some((re) => re.test(l)));
}
