import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  createStreamRedactor,
  cutTailOf,
  fsyncDir,
  redactCutTails,
  redactDeep
} from "./chunk-ZBMWM6FK.js";

// src/artifacts/events-log.ts
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { rename } from "node:fs/promises";
import path from "node:path";
var EVENTS_FILE = "events.jsonl";
var EVENTS_HEADER = { tern: "events", version: 1 };
var PARTIAL_SUFFIX = ".partial";
function isRecord(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function asDelta(msg) {
  if (!isRecord(msg) || "id" in msg || typeof msg.method !== "string" || !/delta/i.test(msg.method)) return null;
  const params = msg.params;
  if (!isRecord(params) || typeof params.itemId !== "string" || typeof params.delta !== "string") return null;
  const parts = [msg.method, params.itemId];
  for (const k of Object.keys(params).sort()) if (k.endsWith("Index")) parts.push(`${k}=${String(params[k])}`);
  return { msg, params, itemId: params.itemId, delta: params.delta, key: parts.join("\0") };
}
function notification(msg, method) {
  if (!isRecord(msg) || "id" in msg || msg.method !== method) return null;
  return isRecord(msg.params) ? msg.params : {};
}
var EventsLog = class {
  constructor(outDir, redact, now = Date.now) {
    this.redact = redact;
    this.now = now;
    this.finalPath = path.join(outDir, EVENTS_FILE);
    this.partialPath = this.finalPath + PARTIAL_SUFFIX;
    this.fd = openSync(this.partialPath, "w", 420);
    this.writeRaw({ ...EVENTS_HEADER, startedAt: new Date(this.now()).toISOString() });
  }
  redact;
  now;
  finalPath;
  partialPath;
  fd;
  lines = 0;
  error;
  /** Open delta streams by key (method + itemId + part), in order of their first delta. */
  streams = /* @__PURE__ */ new Map();
  /** itemId -> key of the stream its latest delta went to. */
  currentKey = /* @__PURE__ */ new Map();
  /** itemId -> cut-off secret tails its ended streams redacted (for its item/completed). */
  cutTails = /* @__PURE__ */ new Map();
  /** Records a driver note (redacted), in order with the messages. */
  note(kind, data) {
    if (this.fd === void 0 || this.error) return;
    const line = { ts: this.now(), note: redactDeep({ kind, ...data }, this.redact) };
    this.writeRaw(line);
  }
  /** Number of lines recorded so far (held-back lines included). */
  get count() {
    return this.lines;
  }
  record(dir, msg) {
    if (this.fd === void 0 || this.error) return;
    if (dir === "s2c") {
      const delta = asDelta(msg);
      if (delta) {
        this.recordDelta(delta);
        return;
      }
      const completed = notification(msg, "item/completed");
      if (completed) {
        const item = completed.item;
        const itemId = isRecord(item) && typeof item.id === "string" ? item.id : null;
        if (itemId !== null) {
          this.endItem(itemId);
          const tails = this.cutTails.get(itemId) ?? [];
          this.cutTails.delete(itemId);
          this.write({ ts: this.now(), dir, msg: this.redactMessage(msg, tails) });
          return;
        }
      }
      if (notification(msg, "turn/completed")) {
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
  async finish() {
    if (this.fd !== void 0) {
      for (const itemId of [...this.currentKey.keys()]) this.endItem(itemId);
      const fd = this.fd;
      this.fd = void 0;
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
  recordDelta(d) {
    const previous = this.currentKey.get(d.itemId);
    if (previous !== void 0 && previous !== d.key) this.endStream(previous);
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
  endItem(itemId) {
    for (const [key, s] of [...this.streams]) if (s.itemId === itemId) this.endStream(key);
    this.currentKey.delete(itemId);
  }
  endStream(key) {
    const s = this.streams.get(key);
    if (!s) return;
    this.streams.delete(key);
    if (this.currentKey.get(s.itemId) === key) this.currentKey.delete(s.itemId);
    if (s.stream.held === 0) return;
    const text = s.stream.end();
    const tail = cutTailOf(s.stream);
    if (tail !== null) this.cutTails.set(s.itemId, [...this.cutTails.get(s.itemId) ?? [], tail]);
    this.writeDelta(s.last, text, true);
  }
  /** A delta message with its text replaced by `text` (already redacted), the rest redacted. */
  writeDelta(d, text, heldBack) {
    const msg = redactDeep({ ...d.msg, params: { ...d.params, delta: "" } }, this.redact);
    msg.params.delta = text;
    const line = { ts: this.now(), dir: "s2c", msg };
    if (heldBack) line.heldBack = true;
    this.write(line);
  }
  redactMessage(msg, tails) {
    if (tails.length === 0) return redactDeep(msg, this.redact);
    return redactDeep(msg, (text) => redactCutTails(text, tails, this.redact));
  }
  write(line) {
    this.writeRaw(line);
  }
  writeRaw(line) {
    if (this.fd === void 0 || this.error) return;
    try {
      writeSync(this.fd, JSON.stringify(line) + "\n");
      this.lines++;
    } catch (err) {
      this.error = err;
    }
  }
};

export {
  EVENTS_FILE,
  PARTIAL_SUFFIX,
  EventsLog
};
