// events.jsonl: every protocol message of a run, both directions, one JSON line each:
//   {"ts": <epoch ms>, "dir": "c2s" | "s2c", "msg": {…}}   (msg redacted)
//
// While the run goes, lines are appended (synchronously, so order is exactly the
// order the messages were seen and nothing is lost if the driver dies) to
// `events.jsonl.partial`; finish() fsyncs it and renames it to `events.jsonl`.
// So `events.jsonl` only ever exists complete, and a crashed run leaves an
// `events.jsonl.partial` behind for post-mortems.
//
// Streamed deltas. A secret the model echoes in small deltas, or a command prints across
// output chunks, is in no single message, so redacting message by message would miss it.
// Every server notification whose method contains "delta" and whose params carry
// `{itemId: string, delta: string}` (item/agentMessage/delta,
// item/commandExecution/outputDelta, item/reasoning/summaryTextDelta,
// item/reasoning/textDelta, item/fileChange/outputDelta, …) goes through a StreamRedactor
// per item and part (method, itemId and any `*Index` param such as summaryIndex): the
// tail of the text that could be the beginning of a secret is held back and written
// merged into the item's next delta line. What is still held back is written as one last
// delta line, a copy of the item's last delta with `"heldBack": true` on the line:
//   - before the item's `item/completed`;
//   - before `turn/completed` (every item);
//   - when the same item's deltas move to another part (summaryIndex 0 -> 1);
//   - on finish().
// A stream that ends inside a secret loses the cut-off beginning too when it is at least
// MIN_CUT_PREFIX (4) characters long, and so does the same tail at the end of any string
// of the completed item (its text or aggregatedOutput). Every delta line is still written
// (its delta may be '' when all of it is held back); only the held-back lines are added.
// A driver that dies without finish() loses what was held back (at most the longest
// secret form, or a token beginning, per item), never a message.

import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir } from './atomic-write.js';
import { createStreamRedactor, cutTailOf, redactCutTails, redactDeep, type Redactor, type StreamRedactor } from './redact.js';

export type EventDirection = 'c2s' | 's2c';

export interface EventLine {
  ts: number;
  dir: EventDirection;
  msg: unknown;
  /**
   * Only on a delta line the log wrote itself: text held back from the item's earlier
   * delta lines (it could have been the beginning of a secret) that no later delta took.
   */
  heldBack?: true;
}

export const EVENTS_FILE = 'events.jsonl';
/** The first line of events.jsonl: what the file is and which version of its format. */
export const EVENTS_HEADER = { tern: 'events', version: 1 } as const;
/** A line the driver adds (not a protocol message): `{ts, note: {kind, ...}}`, e.g. an approval decision with its rule. */
export interface NoteLine {
  ts: number;
  note: { kind: string } & Record<string, unknown>;
}
export const PARTIAL_SUFFIX = '.partial';

type Json = Record<string, unknown>;

interface DeltaMessage {
  msg: Json;
  params: Json;
  itemId: string;
  delta: string;
  key: string;
}

interface DeltaStream {
  itemId: string;
  stream: StreamRedactor;
  /** The item's last delta message (raw): the template of a held-back line. */
  last: DeltaMessage;
}

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A server notification carrying `{itemId, delta}` text, or null. */
function asDelta(msg: unknown): DeltaMessage | null {
  if (!isRecord(msg) || 'id' in msg || typeof msg.method !== 'string' || !/delta/i.test(msg.method)) return null;
  const params = msg.params;
  if (!isRecord(params) || typeof params.itemId !== 'string' || typeof params.delta !== 'string') return null;
  const parts = [msg.method, params.itemId];
  for (const k of Object.keys(params).sort()) if (k.endsWith('Index')) parts.push(`${k}=${String(params[k])}`);
  return { msg, params, itemId: params.itemId, delta: params.delta, key: parts.join('\u0000') };
}

function notification(msg: unknown, method: string): Json | null {
  if (!isRecord(msg) || 'id' in msg || msg.method !== method) return null;
  return isRecord(msg.params) ? msg.params : {};
}

export class EventsLog {
  readonly finalPath: string;
  readonly partialPath: string;
  private fd: number | undefined;
  private lines = 0;
  private error: Error | undefined;
  /** Open delta streams by key (method + itemId + part), in order of their first delta. */
  private readonly streams = new Map<string, DeltaStream>();
  /** itemId -> key of the stream its latest delta went to. */
  private readonly currentKey = new Map<string, string>();
  /** itemId -> cut-off secret tails its ended streams redacted (for its item/completed). */
  private readonly cutTails = new Map<string, string[]>();

  constructor(
    outDir: string,
    private readonly redact: Redactor,
    private readonly now: () => number = Date.now,
  ) {
    this.finalPath = path.join(outDir, EVENTS_FILE);
    this.partialPath = this.finalPath + PARTIAL_SUFFIX;
    // 'w': a leftover .partial from an earlier crashed run is truncated.
    this.fd = openSync(this.partialPath, 'w', 0o644);
    this.writeRaw({ ...EVENTS_HEADER, startedAt: new Date(this.now()).toISOString() });
  }

  /** Records a driver note (redacted), in order with the messages. */
  note(kind: string, data: Record<string, unknown>): void {
    if (this.fd === undefined || this.error) return;
    const line: NoteLine = { ts: this.now(), note: redactDeep({ kind, ...data }, this.redact) };
    this.writeRaw(line);
  }

  /** Number of lines recorded so far (held-back lines included). */
  get count(): number {
    return this.lines;
  }

  record(dir: EventDirection, msg: unknown): void {
    if (this.fd === undefined || this.error) return;
    if (dir === 's2c') {
      const delta = asDelta(msg);
      if (delta) {
        this.recordDelta(delta);
        return;
      }
      const completed = notification(msg, 'item/completed');
      if (completed) {
        const item = completed.item;
        const itemId = isRecord(item) && typeof item.id === 'string' ? item.id : null;
        if (itemId !== null) {
          this.endItem(itemId);
          const tails = this.cutTails.get(itemId) ?? [];
          this.cutTails.delete(itemId);
          this.write({ ts: this.now(), dir, msg: this.redactMessage(msg, tails) });
          return;
        }
      }
      if (notification(msg, 'turn/completed')) {
        for (const itemId of [...this.currentKey.keys()]) this.endItem(itemId);
        const tails = [...this.cutTails.values()].flat();
        this.cutTails.clear();
        this.write({ ts: this.now(), dir, msg: this.redactMessage(msg, tails) });
        return;
      }
    }
    this.write({ ts: this.now(), dir, msg: redactDeep(msg, this.redact) });
  }

  /** Writes what every open delta stream still holds back, closes the log and renames it to events.jsonl. Idempotent. */
  async finish(): Promise<string> {
    if (this.fd !== undefined) {
      for (const itemId of [...this.currentKey.keys()]) this.endItem(itemId);
      const fd = this.fd;
      this.fd = undefined;
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      if (this.error) throw this.error;
      await rename(this.partialPath, this.finalPath);
      await fsyncDir(path.dirname(this.finalPath));
    }
    return this.finalPath;
  }

  private recordDelta(d: DeltaMessage): void {
    const previous = this.currentKey.get(d.itemId);
    if (previous !== undefined && previous !== d.key) this.endStream(previous);
    let s = this.streams.get(d.key);
    if (!s) {
      s = { itemId: d.itemId, stream: createStreamRedactor(this.redact), last: d };
      this.streams.set(d.key, s);
    }
    s.last = d;
    this.currentKey.set(d.itemId, d.key);
    this.writeDelta(d, s.stream.push(d.delta), false);
  }

  /** Ends every open stream of the item (writing held-back lines). */
  private endItem(itemId: string): void {
    for (const [key, s] of [...this.streams]) if (s.itemId === itemId) this.endStream(key);
    this.currentKey.delete(itemId);
  }

  private endStream(key: string): void {
    const s = this.streams.get(key);
    if (!s) return;
    this.streams.delete(key);
    if (this.currentKey.get(s.itemId) === key) this.currentKey.delete(s.itemId);
    if (s.stream.held === 0) return;
    const text = s.stream.end();
    const tail = cutTailOf(s.stream);
    if (tail !== null) this.cutTails.set(s.itemId, [...(this.cutTails.get(s.itemId) ?? []), tail]);
    this.writeDelta(s.last, text, true);
  }

  /** A delta message with its text replaced by `text` (already redacted), the rest redacted. */
  private writeDelta(d: DeltaMessage, text: string, heldBack: boolean): void {
    const msg = redactDeep({ ...d.msg, params: { ...d.params, delta: '' } }, this.redact);
    (msg.params as Json).delta = text;
    const line: EventLine = { ts: this.now(), dir: 's2c', msg };
    if (heldBack) line.heldBack = true;
    this.write(line);
  }

  private redactMessage(msg: unknown, tails: readonly string[]): unknown {
    if (tails.length === 0) return redactDeep(msg, this.redact);
    return redactDeep(msg, (text) => redactCutTails(text, tails, this.redact));
  }

  private write(line: EventLine): void {
    this.writeRaw(line);
  }

  private writeRaw(line: object): void {
    if (this.fd === undefined || this.error) return;
    try {
      writeSync(this.fd, JSON.stringify(line) + '\n');
      this.lines++;
    } catch (err) {
      // Keep the run going; finish() reports the failure.
      this.error = err as Error;
    }
  }
}
