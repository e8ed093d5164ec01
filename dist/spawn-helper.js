#!/usr/bin/env node
import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  sandboxInitPid
} from "./chunks/chunk-HA6G4EO6.js";
import "./chunks/chunk-4S2FJ4XZ.js";

// src/sandbox/spawner/helper-main.ts
import { spawn } from "node:child_process";

// src/sandbox/spawner/output-collector.ts
var OutputCollector = class {
  constructor(max, onOutput) {
    this.onOutput = onOutput;
    this.headMax = Math.floor(max / 2);
    this.tailMax = max - this.headMax;
  }
  onOutput;
  truncated = false;
  head = "";
  tail = [];
  tailLength = 0;
  dropped = 0;
  headMax;
  tailMax;
  /** The next decoded text of stdout or stderr (each stream decodes its own UTF-8: a split character survives). */
  collect(text) {
    this.add(text);
  }
  finish() {
    if (!this.truncated) return this.head;
    let tail = this.tail.join("");
    if (tail.length > this.tailMax) {
      this.dropped += tail.length - this.tailMax;
      tail = tail.slice(tail.length - this.tailMax);
    }
    const marker = `
[... ${this.dropped} characters of output omitted ...]
`;
    this.onOutput?.(marker);
    return this.head + marker + tail;
  }
  add(text) {
    if (text === "") return;
    if (this.truncated) return this.keepTail(text);
    const room = this.headMax - this.head.length;
    if (text.length <= room) {
      this.head += text;
      this.onOutput?.(text);
      return;
    }
    const fits = text.slice(0, room);
    this.head += fits;
    if (fits) this.onOutput?.(fits);
    this.truncated = true;
    this.keepTail(text.slice(room));
  }
  keepTail(text) {
    this.tail.push(text);
    this.tailLength += text.length;
    while (this.tail.length > 1 && this.tailLength - this.tail[0].length >= this.tailMax) {
      const first = this.tail.shift();
      this.tailLength -= first.length;
      this.dropped += first.length;
    }
  }
};

// src/sandbox/spawner/priority.ts
import { getPriority, setPriority } from "node:os";
var TOOL_NICENESS_INCREMENT = 10;
var MAX_NICENESS = 19;
function lowerPriority() {
  try {
    setPriority(Math.min(MAX_NICENESS, getPriority() + TOOL_NICENESS_INCREMENT));
  } catch {
  }
}

// src/sandbox/spawner/helper-main.ts
var live = /* @__PURE__ */ new Map();
function send(message) {
  if (process.connected) process.send(message);
}
function stdioFor(infoFd) {
  const stdio = ["ignore", "pipe", "pipe"];
  if (infoFd !== void 0) {
    while (stdio.length < infoFd) stdio.push("ignore");
    stdio[infoFd] = "pipe";
  }
  return stdio;
}
function start(req) {
  const out = new OutputCollector(req.maxOutputBytes, (text) => send({ type: "output", id: req.id, text }));
  let ended = false;
  const end = (e) => {
    if (ended) return;
    ended = true;
    live.delete(req.id);
    const output = e.startError === null ? out.finish() : "";
    send({ type: "exit", id: req.id, ...e, output, truncated: out.truncated });
  };
  let child;
  try {
    child = spawn(req.file, req.args, {
      cwd: req.cwd,
      env: req.env,
      stdio: stdioFor(req.infoFd),
      // Its own process group: the server ends the whole tree with one signal.
      detached: true,
      ...req.uid !== void 0 ? { uid: req.uid, gid: req.gid } : {}
    });
  } catch (err) {
    return end({ exitCode: null, signal: null, startError: err.message });
  }
  const entry = { child, init: null };
  child.once("spawn", () => {
    live.set(req.id, entry);
    send({ type: "spawned", id: req.id, pid: child.pid });
  });
  child.once("error", (err) => {
    if (!live.has(req.id)) end({ exitCode: null, signal: null, startError: err.message });
  });
  for (const stream of [child.stdout, child.stderr]) stream?.setEncoding("utf8").on("data", (text) => out.collect(text));
  const info = req.infoFd === void 0 ? void 0 : child.stdio[req.infoFd];
  if (info) readInfo(info, req.id, entry);
  child.once("close", (code, signal) => end({ exitCode: code, signal, startError: null }));
}
function readInfo(info, id, entry) {
  let text = "";
  info.setEncoding("utf8");
  info.on("data", (chunk) => text += chunk);
  info.on("error", () => void 0);
  info.on("end", () => {
    entry.init = sandboxInitPid(text);
    send({ type: "info", id, text });
  });
}
function kill(pid, group) {
  if (pid === void 0) return;
  try {
    process.kill(group ? -pid : pid, "SIGKILL");
  } catch {
  }
}
function killEverything() {
  for (const { child, init } of live.values()) {
    if (init !== null) kill(init, false);
    kill(child.pid, true);
  }
  process.exit(0);
}
lowerPriority();
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => void 0);
process.on("disconnect", killEverything);
process.on("message", (req) => start(req));
