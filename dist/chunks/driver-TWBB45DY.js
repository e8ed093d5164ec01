import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  followTurn,
  formatSeconds
} from "./chunk-HVG3BROI.js";
import {
  EventsLog
} from "./chunk-YE2624SS.js";
import {
  EXIT_CODES,
  createRedactor
} from "./chunk-ZBMWM6FK.js";
import {
  ErrorCode,
  JsonRpcConnection,
  RequestFailedError,
  RpcError,
  SERVER_OUTPUT_MAX_LINE_BYTES,
  formatWords,
  literalWord,
  parseShell
} from "./chunk-EDGIGQO7.js";
import "./chunk-VI3CY5FY.js";
import {
  distDir
} from "./chunk-YWNJ4DDG.js";
import {
  VERSION
} from "./chunk-5AQLY3C7.js";
import {
  BUILTIN,
  compileWordGlob,
  isPresetName,
  literalPrefix,
  presetPolicy
} from "./chunk-DBC3BAJD.js";
import {
  ServerFailure,
  TernError,
  UsageFailure,
  errorMessage,
  userFailure
} from "./chunk-AXCYR7ZC.js";
import "./chunk-4S2FJ4XZ.js";

// src/driver/run.ts
import { mkdir } from "node:fs/promises";

// src/client/turn-stream.ts
var EVENT_OF = {
  "turn/started": (p) => ({ type: "turnStarted", turn: p.turn }),
  "item/started": (p) => ({ type: "itemStarted", item: p.item }),
  "item/completed": (p) => ({ type: "itemCompleted", item: p.item }),
  "item/agentMessage/delta": (p) => ({ type: "agentMessageDelta", itemId: p.itemId, delta: p.delta }),
  "item/commandExecution/outputDelta": (p) => ({ type: "commandOutputDelta", itemId: p.itemId, delta: p.delta }),
  "thread/tokenUsage/updated": (p) => ({ type: "tokenUsage", usage: p.tokenUsage }),
  error: (p) => ({ type: "error", error: p.error, willRetry: p.willRetry }),
  "turn/completed": (p) => ({ type: "turnCompleted", turn: p.turn })
};
function turnIdOf(params) {
  if (typeof params.turnId === "string") return params.turnId;
  const turn = params.turn;
  return typeof turn?.id === "string" ? turn.id : null;
}
var TurnStream = class {
  /** `onEnd` runs once when the stream ends (completed, failed or abandoned), e.g. to unsubscribe. */
  constructor(threadId, onEnd = null) {
    this.threadId = threadId;
    this.onEnd = onEnd;
  }
  threadId;
  onEnd;
  /** Set from turn/start's reply, or from the first event that names it. */
  turnId = null;
  /** The latest version of each item of the turn, by id, updated as messages arrive (before iteration). */
  items = /* @__PURE__ */ new Map();
  buffer = [];
  waiting = null;
  ended = false;
  failure = null;
  rejectWaiting = null;
  end() {
    this.ended = true;
    const hook = this.onEnd;
    this.onEnd = null;
    hook?.();
  }
  /** Feeds one server notification; the client calls this for every notification. */
  accept(n) {
    const toEvent = EVENT_OF[n.method];
    const params = n.params;
    if (!toEvent || !params || typeof params !== "object" || params.threadId !== this.threadId || this.ended) return;
    const turnId = turnIdOf(params);
    if (this.turnId !== null && turnId !== null && turnId !== this.turnId) return;
    if (this.turnId === null && turnId !== null) this.turnId = turnId;
    const event = toEvent(params);
    if (event.type === "itemStarted" || event.type === "itemCompleted") this.items.set(event.item.id, event.item);
    this.push(event);
  }
  /** Ends the stream with an error (e.g. the server died); a pending `next()` rejects. */
  fail(err) {
    if (this.ended) return;
    this.end();
    this.failure = err;
    this.rejectWaiting?.(err);
    this.waiting = null;
    this.rejectWaiting = null;
  }
  push(event) {
    if (event.type === "turnCompleted") this.end();
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      this.rejectWaiting = null;
      resolve({ value: event, done: false });
    } else {
      this.buffer.push(event);
    }
  }
  [Symbol.asyncIterator]() {
    return {
      next: () => {
        const event = this.buffer.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (this.failure) return Promise.reject(this.failure);
        if (this.ended) return Promise.resolve({ value: void 0, done: true });
        return new Promise((resolve, reject) => {
          this.waiting = resolve;
          this.rejectWaiting = reject;
        });
      },
      return: () => {
        this.end();
        return Promise.resolve({ value: void 0, done: true });
      }
    };
  }
};

// src/client/process.ts
import { spawn } from "node:child_process";
var STDERR_TAIL_LINES = 20;
var STDERR_DRAIN_MS = 300;
var ChildAppServer = class {
  constructor(command, child, maxTail, onStderr) {
    this.command = command;
    this.child = child;
    this.maxTail = maxTail;
    const stderr = child.stderr;
    stderr.setEncoding("utf8");
    stderr.on("data", (chunk) => {
      this.pushStderr(chunk);
      onStderr?.(chunk);
    });
    const stderrEnded = new Promise((resolve) => {
      stderr.once("end", resolve);
      stderr.once("close", resolve);
      stderr.once("error", () => resolve());
    });
    this.exited = new Promise((resolve) => {
      let done = false;
      const settle = async (code, signal, spawnError) => {
        if (done) return;
        done = true;
        await Promise.race([stderrEnded, new Promise((r) => setTimeout(r, STDERR_DRAIN_MS))]);
        this.flushPartial();
        this.exitInfo = { code, signal, spawnError, stderrTail: [...this.tail] };
        resolve(this.exitInfo);
      };
      child.once("exit", (code, signal) => void settle(code, signal, null));
      child.on("error", (err) => {
        if (child.pid === void 0) void settle(null, null, oneLine(err.message || "spawn failed"));
      });
    });
  }
  command;
  child;
  maxTail;
  exited;
  exitInfo;
  tail = [];
  partial = "";
  get pid() {
    return this.child.pid;
  }
  get stdin() {
    return this.child.stdin;
  }
  get stdout() {
    return this.child.stdout;
  }
  get exit() {
    return this.exitInfo;
  }
  stderrTail() {
    const lines = [...this.tail];
    if (this.partial.trim()) lines.push(this.partial.trim());
    return lines.slice(-this.maxTail);
  }
  kill(signal = "SIGTERM") {
    if (this.exitInfo) return false;
    return this.child.kill(signal);
  }
  pushStderr(chunk) {
    const text = this.partial + chunk;
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    if (this.partial.length > 8192) this.partial = this.partial.slice(-8192);
    for (const line of lines) this.pushLine(line);
  }
  flushPartial() {
    if (this.partial) this.pushLine(this.partial);
    this.partial = "";
  }
  pushLine(line) {
    const trimmed = line.replace(/\r$/, "").trimEnd();
    if (!trimmed.trim()) return;
    this.tail.push(trimmed.length > 2e3 ? trimmed.slice(0, 2e3) + "\u2026" : trimmed);
    if (this.tail.length > this.maxTail) this.tail.shift();
  }
};
function spawnAppServer(options) {
  const [file, ...args] = options.command;
  if (!file) throw new TypeError("spawnAppServer: empty command");
  const child = spawn(file, args, { env: options.env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
  killOnExit(child);
  return new ChildAppServer(options.command, child, options.stderrTailLines ?? STDERR_TAIL_LINES, options.onStderr);
}
var live = /* @__PURE__ */ new Set();
function killLive() {
  for (const child of live) child.kill("SIGTERM");
}
function killOnExit(child) {
  if (live.size === 0) process.on("exit", killLive);
  live.add(child);
  child.once("close", () => {
    live.delete(child);
    if (live.size === 0) process.removeListener("exit", killLive);
  });
}
function describeExit(exit, during) {
  let what;
  if (exit.spawnError) what = `could not be started (${exit.spawnError})`;
  else if (exit.signal) what = `was killed by ${exit.signal}`;
  else what = `exited with code ${exit.code ?? "unknown"}`;
  if (during) what += ` during ${during}`;
  const last = exit.stderrTail.at(-1);
  return last ? `${what}; last stderr line: ${last}` : what;
}
function oneLine(text) {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

// src/client/client.ts
var ServerExitedError = class extends TernError {
  constructor(exit, during) {
    super("server_exited", `app server ${describeExit(exit, during)}`);
    this.exit = exit;
    this.during = during;
  }
  exit;
  during;
  static defaultCategory = "server";
  name = "ServerExitedError";
};
var ProtocolClient = class _ProtocolClient {
  constructor(process2, options = {}) {
    this.process = process2;
    this.options = options;
    if (options.tap) this.tapListeners.add(options.tap);
    this.connection = new JsonRpcConnection(process2.stdout, process2.stdin, { maxLineBytes: SERVER_OUTPUT_MAX_LINE_BYTES });
    this.connection.start({
      onRequest: (req) => this.handleServerRequest(req),
      onNotification: (n) => {
        for (const l of this.notificationListeners) l(n);
      },
      onMalformed: options.onMalformed,
      tap: (dir, msg) => {
        const d = dir === "out" ? "c2s" : "s2c";
        for (const l of this.tapListeners) l(d, msg);
      }
    });
    this.unexpectedExit = process2.exited.then(
      (exit) => this.closing ? new Promise(() => {
      }) : new ServerExitedError(exit)
    );
  }
  process;
  options;
  connection;
  notificationListeners = /* @__PURE__ */ new Set();
  tapListeners = /* @__PURE__ */ new Set();
  serverRequestHandler;
  closing = false;
  unexpectedExit;
  /** Spawns the server and wraps it. */
  static spawn(spawn2, options) {
    return new _ProtocolClient(spawnAppServer(spawn2), options);
  }
  // ---- typed calls -----------------------------------------------------------
  /** `initialize`, then the `initialized` notification. */
  async initialize(clientInfo, capabilities, opts) {
    const params = { clientInfo, capabilities: capabilities ?? null };
    const result = await this.request("initialize", params, opts);
    this.connection.sendNotification("initialized");
    return result;
  }
  threadStart(params, opts) {
    return this.request("thread/start", params, opts);
  }
  turnStart(params, opts) {
    return this.request("turn/start", params, opts);
  }
  /**
   * `turn/start`, returning the turn as an async iterator of typed events that ends
   * after `turn/completed` (or rejects if the server dies first).
   */
  async startTurn(params, opts) {
    return this.followed(params.threadId, () => this.turnStart(params, opts));
  }
  /**
   * `review/start` (inline delivery: the review is a turn of the same thread), returning
   * the review turn as an async iterator of typed events, like `startTurn`.
   */
  async startReview(params, opts) {
    return this.followed(params.threadId, () => this.request("review/start", params, opts));
  }
  /** Subscribes a TurnStream of `threadId` before `start` runs, so no event after its reply is lost. */
  async followed(threadId, start) {
    let unsubscribe = () => {
    };
    const events = new TurnStream(threadId, () => unsubscribe());
    unsubscribe = this.onNotification((n) => events.accept(n));
    void this.unexpectedExit.then((err) => events.fail(err));
    try {
      const response = await start();
      events.turnId ??= response.turn.id;
      return { response, events };
    } catch (err) {
      events.fail(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }
  turnInterrupt(params, opts) {
    return this.request("turn/interrupt", params, opts);
  }
  /**
   * Any request. Rejects with RequestFailedError for an error reply (`.error` holds
   * code/message) or a timeout, and with ServerExitedError when the server died first.
   */
  async request(method, params, opts = {}) {
    const timeoutMs = opts.timeoutMs ?? this.options.requestTimeoutMs;
    try {
      return await this.connection.sendRequest(method, params, { timeoutMs, signal: opts.signal });
    } catch (err) {
      if (err instanceof RequestFailedError && err.reason === "closed" && !this.closing) {
        const exit = await Promise.race([
          this.process.exited,
          new Promise((r) => setTimeout(() => r(void 0), 2e3).unref())
        ]);
        if (exit) throw new ServerExitedError(exit, method);
      }
      throw err;
    }
  }
  notify(method, params) {
    this.connection.sendNotification(method, params);
  }
  // ---- listeners -------------------------------------------------------------
  /** Every server notification. Returns an unsubscribe function. */
  onNotification(listener) {
    this.notificationListeners.add(listener);
    return () => this.notificationListeners.delete(listener);
  }
  /**
   * The one handler for server->client requests (approvals etc.). Without a
   * handler, every server request gets a JSON-RPC error reply.
   */
  onServerRequest(handler) {
    this.serverRequestHandler = handler;
  }
  /** Sees every message both ways, in wire order. Returns an unsubscribe function. */
  tap(listener) {
    this.tapListeners.add(listener);
    return () => this.tapListeners.delete(listener);
  }
  // ---- lifecycle -------------------------------------------------------------
  /** Resolves with a ServerExitedError if the server process ends before close() was called. */
  whenExitedUnexpectedly() {
    return this.unexpectedExit;
  }
  get exited() {
    return this.process.exited;
  }
  /**
   * Ends stdin (the protocol's shutdown signal), waits for the process to exit,
   * then escalates to SIGTERM and SIGKILL. Idempotent.
   */
  async close(opts = {}) {
    this.closing = true;
    this.connection.close();
    const exit = await waitFor(this.process.exited, opts.graceMs ?? 5e3);
    if (exit) return exit;
    this.process.kill("SIGTERM");
    const termed = await waitFor(this.process.exited, opts.termMs ?? 3e3);
    if (termed) return termed;
    this.process.kill("SIGKILL");
    return this.process.exited;
  }
  async handleServerRequest(req) {
    const handler = this.serverRequestHandler;
    if (!handler) throw new RpcError(ErrorCode.MethodNotFound, `client does not handle server request ${req.method}`);
    return handler(req.method, req.params, req.id);
  }
};
async function waitFor(promise, ms) {
  let timer;
  try {
    return await Promise.race([promise, new Promise((r) => timer = setTimeout(() => r(void 0), ms))]);
  } finally {
    clearTimeout(timer);
  }
}

// src/driver/args.ts
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
var APPROVAL_POLICIES = ["never", "on-request", "untrusted"];
var SANDBOX_MODES = ["read-only", "workspace-write", "danger-full-access"];
var DEFAULT_TIMEOUT_SECONDS = 1800;
var DEFAULT_OUT_DIR = "tern-out";
var REVIEW_POLICY_PRESET = "read-only-review";
var USAGE = `Usage: tern run (--prompt TEXT | --prompt-file FILE | --review BASE) [options]

Runs one agent turn against a Codex-compatible app server and records it.

Options:
  --prompt TEXT               the task for the agent
  --prompt-file FILE          read the task from FILE
  --review BASE               review the current branch against BASE (a branch, ref or commit) with
                              review/start instead of a task; the findings go to result.json (review).
                              Implies --sandbox read-only and --policy read-only-review unless given
  --cwd DIR                   working directory of the agent (default: current dir)
  --out DIR                   artifact directory (default: ./${DEFAULT_OUT_DIR})
  --server-command "CMD"      app server to spawn (default: tern app-server),
                              e.g. "codex app-server"; split on spaces (escape a space as "\\ ")
  -c, --config key=value      config override passed to the server as -c key=value (repeatable)
  --model NAME                model for the thread
  --approval-policy POLICY    never | on-request | untrusted (default: never)
  --policy FILE|PRESET        decide approval requests by a policy file or a preset
                              (read-only-review, fix-tests, trusted); runs the server under untrusted
  --sandbox MODE              read-only | workspace-write | danger-full-access (default: workspace-write)
  --timeout SECONDS           wall-time budget: interrupt the turn after this long (default: ${DEFAULT_TIMEOUT_SECONDS})
  --max-requests N            interrupt the turn after N model requests
  --max-tool-calls N          interrupt the turn after N tool calls (commands and patches)
  --max-tokens N              interrupt the turn once it has used N tokens
  --max-cost USD              interrupt the turn once its estimated cost reaches USD
  --price-table FILE          JSON prices per model, USD per 1M tokens: {"m": {"input", "cachedInput", "output"}}
  --secret-env NAME           treat the value of $NAME as a secret to redact (repeatable)
  --resume THREAD_ID          continue a thread from the thread store
  --thread-store DIR          where the server keeps threads (sets TERN_HOME and CODEX_HOME)
  --json                      print result.json on stdout
  -h, --help                  show this help

Artifacts written to --out: events.jsonl, transcript.md, summary.md, report.html,
diff.patch, result.json, server-stderr.log.

Outcomes and exit codes:
  0  success (the turn completed and changed files) or no_changes (completed, nothing changed)
  1  failed: the turn failed (model or API error)      5  failed: a budget was reached
  2  usage error (flags, files)                        6  failed: interrupted (SIGINT/SIGTERM)
  3  failed: the app server crashed or misbehaved      7  failed: internal error in tern run
  4  failed: --timeout                                  8  failed: the --policy cancelled the turn

Examples:
  tern run --prompt "Fix the failing test" --out ./tern-out
  tern run --prompt-file task.md --policy fix-tests --max-cost 2 --json
  tern run --prompt "Review" --sandbox read-only --server-command "codex app-server"
  tern run --review origin/main --json`;
var USAGE_HINT = "usage: tern run (--prompt TEXT | --prompt-file FILE | --review BASE) [--cwd DIR] [--out DIR] [options]; see tern run --help";
var UsageError = class extends UsageFailure {
  name = "UsageError";
};
function defaultServerCommand() {
  return [process.execPath, path.join(distDir(import.meta.url), "tern.js"), "app-server"];
}
function parseRunArgs(argv, baseDir = process.cwd()) {
  let values;
  try {
    values = parse(argv).values;
  } catch (err) {
    throw new UsageError(cleanParseError(err));
  }
  if (values.help) return { help: true };
  const review = reviewBase(values.review, values.prompt !== void 0 || values["prompt-file"] !== void 0);
  const prompt = review === null ? readTask(values.prompt, values["prompt-file"], baseDir) : "";
  const cwd = path.resolve(baseDir, values.cwd ?? ".");
  let isDir = false;
  try {
    isDir = statSync(cwd).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new UsageError(`--cwd ${cwd} is not an existing directory`);
  const outDir = path.resolve(baseDir, values.out ?? DEFAULT_OUT_DIR);
  const approvalPolicy = oneOf("--approval-policy", values["approval-policy"] ?? "never", APPROVAL_POLICIES);
  const sandbox = oneOf("--sandbox", values.sandbox ?? (review !== null ? "read-only" : "workspace-write"), SANDBOX_MODES);
  if (review !== null && sandbox !== "read-only") throw new UsageError(`--review runs under --sandbox read-only; got '${sandbox}'`);
  let timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1e3;
  if (values.timeout !== void 0) {
    const seconds = Number(values.timeout);
    if (!/^\s*\d+(\.\d+)?\s*$/.test(values.timeout) || !Number.isFinite(seconds) || seconds <= 0) {
      throw new UsageError(`--timeout must be a positive number of seconds, got '${values.timeout}'`);
    }
    timeoutMs = Math.round(seconds * 1e3);
  }
  const configOverrides = values.config ?? [];
  for (const kv of configOverrides) {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw new UsageError(`-c/--config expects key=value, got '${kv}'`);
  }
  let serverCommand;
  if (values["server-command"] !== void 0) {
    serverCommand = splitCommand(values["server-command"]);
    if (serverCommand.length === 0) throw new UsageError("--server-command is empty");
  } else {
    serverCommand = defaultServerCommand();
  }
  serverCommand = [...serverCommand, ...configOverrides.flatMap((kv) => ["-c", kv])];
  const model = values.model !== void 0 ? values.model.trim() : null;
  if (model === "") throw new UsageError("--model is empty");
  const budgets = {
    maxRequests: countFlag("--max-requests", values["max-requests"]),
    maxToolCalls: countFlag("--max-tool-calls", values["max-tool-calls"]),
    maxTokens: countFlag("--max-tokens", values["max-tokens"]),
    maxCostUsd: amountFlag("--max-cost", values["max-cost"])
  };
  const secretEnv = values["secret-env"] ?? [];
  for (const name of secretEnv) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--secret-env takes a variable name, got '${name}'`);
  }
  const optionalPath = (v) => v === void 0 ? null : path.resolve(baseDir, v);
  return {
    help: false,
    options: {
      cwd,
      prompt,
      review,
      outDir,
      serverCommand,
      configOverrides,
      model,
      approvalPolicy,
      sandbox,
      timeoutMs,
      budgets,
      priceTable: optionalPath(values["price-table"]),
      secretEnv,
      json: values.json ?? false,
      policy: values.policy ?? (review !== null ? REVIEW_POLICY_PRESET : null),
      resume: values.resume ?? null,
      threadStore: optionalPath(values["thread-store"])
    }
  };
}
function parse(argv) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      cwd: { type: "string" },
      prompt: { type: "string" },
      "prompt-file": { type: "string" },
      review: { type: "string" },
      out: { type: "string" },
      "server-command": { type: "string" },
      config: { type: "string", short: "c", multiple: true },
      model: { type: "string" },
      "approval-policy": { type: "string" },
      sandbox: { type: "string" },
      timeout: { type: "string" },
      "max-requests": { type: "string" },
      "max-tool-calls": { type: "string" },
      "max-tokens": { type: "string" },
      "max-cost": { type: "string" },
      "price-table": { type: "string" },
      "secret-env": { type: "string", multiple: true },
      json: { type: "boolean" },
      policy: { type: "string" },
      resume: { type: "string" },
      "thread-store": { type: "string" },
      help: { type: "boolean", short: "h" }
    }
  });
}
function splitCommand(text) {
  const words = [];
  const trimmed = text.trim();
  if (trimmed === "") return words;
  for (const piece of trimmed.split(/ +/)) {
    const last = words.at(-1);
    if (last !== void 0 && last.endsWith("\\")) words[words.length - 1] = `${last.slice(0, -1)} ${piece}`;
    else words.push(piece);
  }
  return words;
}
function readTask(promptFlag, promptFile, baseDir) {
  if (promptFlag !== void 0 && promptFile !== void 0) throw new UsageError("use either --prompt or --prompt-file, not both");
  let prompt;
  if (promptFlag !== void 0) {
    prompt = promptFlag;
  } else if (promptFile !== void 0) {
    const file = path.resolve(baseDir, promptFile);
    try {
      prompt = readFileSync(file, "utf8");
    } catch (err) {
      throw new UsageError(`cannot read --prompt-file ${file}: ${err.code ?? err.message}`);
    }
  } else {
    throw new UsageError("missing the task: pass --prompt TEXT, --prompt-file FILE or --review BASE");
  }
  if (prompt.trim().length === 0) throw new UsageError("the prompt is empty");
  return prompt;
}
function reviewBase(value, hasTask) {
  if (value === void 0) return null;
  if (hasTask) throw new UsageError("--review takes no --prompt or --prompt-file: the review request is built in");
  const base = value.trim();
  if (base === "" || base.startsWith("-") || /[\s\x00-\x1f~^:?*[\\]|\.\.|@\{/.test(base)) {
    throw new UsageError(`--review takes a branch, ref or commit id, got '${value}'`);
  }
  return base;
}
function countFlag(flag, value) {
  if (value === void 0) return null;
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`${flag} must be a positive whole number, got '${value}'`);
  return Number(value);
}
function amountFlag(flag, value) {
  if (value === void 0) return null;
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new UsageError(`${flag} must be a positive amount in USD, got '${value}'`);
  return Number(value);
}
function oneOf(flag, value, allowed) {
  if (allowed.includes(value)) return value;
  throw new UsageError(`${flag} must be one of ${allowed.join(", ")}; got '${value}'`);
}
function cleanParseError(err) {
  const e = err;
  const first = (e.message ?? String(err)).split("\n")[0].trim();
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return first.replace(/\. To specify a positional argument.*$/, "");
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `${first} (quote the prompt: --prompt "\u2026")`;
    default:
      return first;
  }
}

// src/driver/approvals.ts
var DECLINE_ALL = {
  command: () => ({ decision: "decline", rule: "default (no --policy): decline", reason: null }),
  fileChange: () => ({ decision: "decline", rule: "default (no --policy): decline", reason: null })
};
function createServerRequestHandler(decider, lookupItem, record) {
  return async (method, params) => {
    const p = typeof params === "object" && params !== null ? params : {};
    const itemId = typeof p.itemId === "string" ? p.itemId : null;
    switch (method) {
      case "item/commandExecution/requestApproval": {
        const cp = p;
        const command = typeof cp.command === "string" ? cp.command : "";
        const extra = p;
        const d = decider.command({
          command,
          cwd: typeof cp.cwd === "string" ? cp.cwd : null,
          kind: typeof extra.kind === "string" ? extra.kind : null,
          networkApprovalContext: extra.networkApprovalContext
        });
        record({ method, itemId, subject: command, decision: d.decision, rule: d.rule, reason: d.reason });
        return { decision: d.decision };
      }
      case "item/fileChange/requestApproval": {
        const item = itemId ? lookupItem(itemId) : void 0;
        const changes = item?.type === "fileChange" ? item.changes : [];
        const d = decider.fileChange({ changes });
        record({ method, itemId, subject: changes.map((c) => c.path).join(", ") || null, decision: d.decision, rule: d.rule, reason: d.reason });
        return { decision: d.decision };
      }
      default:
        record({ method, itemId, subject: null, decision: "error", rule: "unsupported server request", reason: null });
        throw new RpcError(ErrorCode.MethodNotFound, `tern run does not handle server request ${method}`);
    }
  };
}

// src/driver/budgets.ts
import { readFileSync as readFileSync2 } from "node:fs";
var TOKENS_PER_PRICE_UNIT = 1e6;
var DEFAULT_PRICES = {
  "gpt-5": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
  "gpt-5-nano": { input: 0.05, cachedInput: 5e-3, output: 0.4 },
  "gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
  "gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
  "gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
  "gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
  "o4-mini": { input: 1.1, cachedInput: 0.275, output: 4.4 }
};
var BudgetTracker = class {
  constructor(limits, price) {
    this.limits = limits;
    this.price = price;
  }
  limits;
  price;
  modelRequests = 0;
  toolCalls = 0;
  tokens = null;
  exceeded = null;
  /** Counts one event; returns the budget it made the run exceed, once. */
  observe(event) {
    if (event.type === "tokenUsage") {
      this.modelRequests++;
      this.tokens = event.usage.total;
    } else if (event.type === "itemCompleted" && (event.item.type === "commandExecution" || event.item.type === "fileChange")) {
      this.toolCalls++;
    }
    if (this.exceeded) return null;
    this.exceeded = this.firstExceeded();
    return this.exceeded;
  }
  /** Marks the wall-time budget (the --timeout deadline) as the one that stopped the run. */
  markWallTime() {
    this.exceeded ??= "wallTime";
  }
  usage() {
    return { exceeded: this.exceeded, modelRequests: this.modelRequests, toolCalls: this.toolCalls, costUsd: this.cost() };
  }
  describe(name) {
    const u = this.usage();
    switch (name) {
      case "requests":
        return `the model-request budget (${this.limits.maxRequests}) was reached after ${u.modelRequests} requests`;
      case "toolCalls":
        return `the tool-call budget (${this.limits.maxToolCalls}) was reached after ${u.toolCalls} tool calls`;
      case "tokens":
        return `the token budget (${this.limits.maxTokens}) was reached: ${this.tokens?.totalTokens ?? 0} tokens used`;
      case "cost":
        return `the cost budget ($${this.limits.maxCostUsd}) was reached: about $${(u.costUsd ?? 0).toFixed(4)} spent`;
      case "wallTime":
        return "the wall-time budget (--timeout) was reached";
    }
  }
  firstExceeded() {
    const { maxRequests, maxToolCalls, maxTokens, maxCostUsd } = this.limits;
    if (maxRequests !== null && this.modelRequests >= maxRequests) return "requests";
    if (maxToolCalls !== null && this.toolCalls >= maxToolCalls) return "toolCalls";
    if (maxTokens !== null && (this.tokens?.totalTokens ?? 0) >= maxTokens) return "tokens";
    const cost = this.cost();
    if (maxCostUsd !== null && cost !== null && cost >= maxCostUsd) return "cost";
    return null;
  }
  cost() {
    if (!this.price || !this.tokens) return this.price ? 0 : null;
    const cached = this.tokens.cachedInputTokens;
    const fresh = Math.max(0, this.tokens.inputTokens - cached);
    const usd = fresh * this.price.input + cached * this.price.cachedInput + this.tokens.outputTokens * this.price.output;
    return usd / TOKENS_PER_PRICE_UNIT;
  }
};
function priceOf(model, table) {
  if (!model) return null;
  if (table[model]) return table[model];
  const prefix = Object.keys(table).filter((name) => model.startsWith(`${name}-`)).sort((a, b) => b.length - a.length)[0];
  return prefix ? table[prefix] : null;
}
function loadPriceTable(file) {
  if (!file) return DEFAULT_PRICES;
  let parsed;
  try {
    parsed = JSON.parse(readFileSync2(file, "utf8"));
  } catch (err) {
    throw new TernError("bad_price_table", `cannot read --price-table ${file}: ${err.message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new TernError("bad_price_table", `--price-table ${file} must be a JSON object of model names`);
  }
  const table = { ...DEFAULT_PRICES };
  for (const [model, price] of Object.entries(parsed)) {
    const p = price;
    const ok = p !== null && typeof p === "object" && [p.input, p.output].every((v) => typeof v === "number" && v >= 0);
    if (!ok) throw new TernError("bad_price_table", `--price-table ${file}: "${model}" needs numeric "input" and "output" (USD per 1M tokens)`);
    table[model] = { input: p.input, cachedInput: typeof p.cachedInput === "number" ? p.cachedInput : p.input, output: p.output };
  }
  return table;
}

// src/driver/outcome.ts
var REASON_MAX = 400;
var RunState = class {
  threadId = null;
  turnId = null;
  model = null;
  turnStatus = null;
  finalMessage = null;
  tokenUsage = null;
  failure = null;
  /** Review mode: the review as `exitedReviewMode` carried it, parsed back into findings. */
  review = null;
  /** Records a failure unless one is already recorded. */
  fail(kind, message) {
    this.failure ??= { kind, message: oneLine2(message) };
  }
  /** The turn ended: completed is not yet success (that depends on the diff); failed or interrupted is a failure. */
  turnEnded(turn, lastError) {
    this.turnId = turn.id;
    this.turnStatus = turn.status === "completed" || turn.status === "failed" || turn.status === "interrupted" ? turn.status : null;
    if (turn.status === "failed") this.fail("model", `turn failed: ${turn.error?.message ?? lastError ?? "no error message"}`);
    else if (turn.status === "interrupted") this.fail("interrupted", "the turn was interrupted");
    else if (turn.status !== "completed") this.fail("server", `turn ended with unexpected status '${String(turn.status)}'`);
  }
  /** The outcome, once the diff is known. A review that completed is a success: the review is its product. */
  outcome(filesChanged, reviewing = false) {
    if (this.failure) return { outcome: "failed", exitCode: EXIT_CODES[this.failure.kind] };
    if (this.turnStatus !== "completed") {
      this.fail("internal", "the run ended without a completed turn or a recorded failure");
      return { outcome: "failed", exitCode: EXIT_CODES.internal };
    }
    if (reviewing) {
      if (this.review === null) {
        this.fail("server", "the review turn completed without an exitedReviewMode item (no review to record)");
        return { outcome: "failed", exitCode: EXIT_CODES.server };
      }
      return { outcome: "success", exitCode: EXIT_CODES.success };
    }
    return filesChanged > 0 ? { outcome: "success", exitCode: EXIT_CODES.success } : { outcome: "no_changes", exitCode: EXIT_CODES.no_changes };
  }
};
function oneLine2(text) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > REASON_MAX ? `${flat.slice(0, REASON_MAX - 1)}\u2026` : flat;
}

// src/driver/progress.ts
var STATUS_WIDTH = 100;
var SNIPPET = 120;
var Progress = class {
  constructor(sink, redact, env) {
    this.sink = sink;
    this.redact = redact;
    this.live = sink.isTTY === true && env.CI !== "true" && !env.GITHUB_ACTIONS;
  }
  sink;
  redact;
  live;
  lastStatus = "";
  /** A line that stays (also on a terminal). */
  line(text) {
    this.clearStatus();
    this.sink.write(`${this.redact(text)}
`);
  }
  event(event) {
    const text = describe(event);
    if (text === null) return;
    if (this.live) this.status(text);
    else this.sink.write(`[${(/* @__PURE__ */ new Date()).toISOString().slice(11, 19)}] ${this.redact(text)}
`);
  }
  status(text) {
    const shown = this.redact(text).slice(0, STATUS_WIDTH);
    this.sink.write(`\r\x1B[2K${shown}`);
    this.lastStatus = shown;
  }
  clearStatus() {
    if (this.live && this.lastStatus) this.sink.write("\r\x1B[2K");
    this.lastStatus = "";
  }
};
function describe(event) {
  switch (event.type) {
    case "turnStarted":
      return "turn started";
    case "itemStarted":
      return event.item.type === "commandExecution" ? `running: ${snippet(event.item.command)}` : null;
    case "itemCompleted":
      return describeItem(event.item);
    case "error":
      return `${event.willRetry ? "retrying after" : "error"}: ${snippet(event.error.message)}`;
    case "turnCompleted":
      return `turn ${event.turn.status}`;
    default:
      return null;
  }
}
function describeItem(item) {
  switch (item.type) {
    case "commandExecution":
      return `$ ${snippet(item.command)} -> exit ${item.exitCode ?? item.status}`;
    case "fileChange":
      return `patch ${item.status}: ${item.changes.map((c) => c.path).join(", ")}`;
    case "agentMessage":
      return `message: ${snippet(item.text)}`;
    default:
      return null;
  }
}
function snippet(text) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET - 1)}\u2026` : flat;
}

// src/driver/session.ts
var SETUP_REQUEST_TIMEOUT_MS = 12e4;
var SERVER_STDERR_CAP = 1024 * 1024;
var CLIENT_INFO = { name: "tern_run", title: "tern run", version: VERSION };
var SessionError = class extends ServerFailure {
  constructor(kind, message) {
    super(message, { category: kind });
    this.kind = kind;
  }
  kind;
};
function serverEnvironment(options, env) {
  if (!options.threadStore) return env;
  return { ...env, TERN_HOME: options.threadStore, CODEX_HOME: options.threadStore };
}
function spawnServer(options, env, tap) {
  let log = "";
  const client = ProtocolClient.spawn(
    {
      command: options.serverCommand,
      env: serverEnvironment(options, env),
      cwd: options.cwd,
      onStderr: (chunk) => {
        log += chunk;
        if (log.length > 2 * SERVER_STDERR_CAP) log = log.slice(-SERVER_STDERR_CAP);
      }
    },
    { tap }
  );
  return { client, stderr: () => log.slice(-SERVER_STDERR_CAP) };
}
async function openThread(client, options, guard) {
  const timeoutMs = Math.min(SETUP_REQUEST_TIMEOUT_MS, options.timeoutMs);
  await step("initialize", () => guard(client.initialize(CLIENT_INFO, null, { timeoutMs })));
  const approvalPolicy = options.policy ? "untrusted" : options.approvalPolicy;
  const settings = { cwd: options.cwd, approvalPolicy, sandbox: options.sandbox, ...options.model ? { model: options.model } : {} };
  if (options.resume) {
    const resumed = await step(
      "thread/resume",
      () => guard(client.request("thread/resume", { threadId: options.resume, ...settings }, { timeoutMs }))
    );
    return { threadId: resumed.thread.id, model: resumed.model ?? options.model };
  }
  const started = await step("thread/start", () => guard(client.threadStart(settings, { timeoutMs })));
  return { threadId: started.thread.id, model: started.model ?? options.model };
}
async function step(name, run) {
  try {
    return await run();
  } catch (err) {
    throw setupFailure(name, err);
  }
}
function setupFailure(step2, err) {
  if (err instanceof SessionError) return err.kind === "timeout" ? new SessionError("timeout", `${err.message} waiting for ${step2}`) : err;
  if (err instanceof ServerExitedError) return new SessionError("server", err.during ? err.message : new ServerExitedError(err.exit, step2).message);
  if (err instanceof RequestFailedError) {
    const detail = err.error ? `${err.error.message} (code ${err.error.code})` : err.message;
    const unsupported = step2 === "thread/resume" && err.error !== void 0 && /unknown|not (supported|implemented)|unrecognized/i.test(err.error.message);
    if (unsupported) return new SessionError("usage", `this app server cannot resume threads yet (${detail})`);
    return new SessionError("server", `${step2} failed: ${detail}`);
  }
  return new SessionError("server", `${step2} failed: ${errorMessage(err)}`);
}

// src/driver/policy/decider.ts
import path3 from "node:path";

// src/driver/policy/evaluate.ts
import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import path2 from "node:path";

// src/driver/policy/analyze.ts
var MAX_SHELL_DEPTH = 3;
var UNWRAPPED_SHELLS = /* @__PURE__ */ new Set([
  "bash",
  "sh",
  "dash",
  "/bin/bash",
  "/usr/bin/bash",
  "/usr/local/bin/bash",
  "/bin/sh",
  "/usr/bin/sh",
  "/bin/dash",
  "/usr/bin/dash"
]);
var SHELLS = /* @__PURE__ */ new Set([
  "bash",
  "sh",
  "dash",
  "rbash",
  "zsh",
  "ksh",
  "mksh",
  "pdksh",
  "ash",
  "yash",
  "posh",
  "fish",
  "csh",
  "tcsh",
  "busybox",
  "toybox",
  "pwsh",
  "powershell",
  "elvish",
  "nu",
  "xonsh"
]);
var RUNNERS = /* @__PURE__ */ new Set([
  // run another command
  "eval",
  "exec",
  "env",
  "xargs",
  "sudo",
  "doas",
  "su",
  "runuser",
  "pkexec",
  "nohup",
  "timeout",
  "nice",
  "ionice",
  "stdbuf",
  "time",
  "command",
  "builtin",
  "source",
  ".",
  "setsid",
  "chroot",
  "unshare",
  "nsenter",
  "flock",
  "watch",
  "parallel",
  "strace",
  "ltrace",
  "script",
  "expect",
  "fakeroot",
  "firejail",
  "bwrap",
  "systemd-run",
  "at",
  "batch",
  "crontab",
  "chrt",
  "taskset",
  "prlimit",
  "numactl",
  "setpriv",
  "capsh",
  "sg",
  "newgrp",
  "xvfb-run",
  "catchsegv",
  "valgrind",
  "gdb",
  "lldb",
  "perf",
  "entr",
  "nodemon",
  "tmux",
  "screen",
  // shell state for the rest of the script
  "trap",
  "alias",
  "unalias",
  "export",
  "declare",
  "typeset",
  "local",
  "readonly",
  "set",
  "shopt",
  "enable",
  "hash",
  "fc",
  "let",
  "unset",
  "bind",
  "complete",
  "compgen"
]);
var FIND_ACTIONS = /* @__PURE__ */ new Set(["-exec", "-execdir", "-ok", "-okdir", "-delete", "-fprint", "-fprint0", "-fprintf", "-fls"]);
var GIT_VALUE_OPTIONS = /* @__PURE__ */ new Set(["-C", "--git-dir", "--work-tree", "--namespace", "--super-prefix", "--list-cmds", "--attr-source"]);
function basename(name) {
  const i = name.lastIndexOf("/");
  return i < 0 ? name : name.slice(i + 1);
}
function posixShellScript(words) {
  if (!UNWRAPPED_SHELLS.has(words[0].value) || words[0].glob || words.length < 3) return null;
  let sawC = false;
  for (let k = 1; k < words.length - 1; k++) {
    const w = words[k];
    if (w.glob) return null;
    const v = w.value;
    if (/^-[eluvx]*c[eluvx]*$/.test(v) && !sawC) sawC = true;
    else if (/^-[eluvx]+$/.test(v) || v === "--login" || v === "--noprofile" || v === "--norc") continue;
    else if (v === "-o" && k + 1 < words.length - 1 && /^(pipefail|errexit|nounset|xtrace)$/.test(words[k + 1].value)) k++;
    else return null;
  }
  const script = words[words.length - 1];
  return sawC && !script.glob ? script.value : null;
}
function mayBeOneOf(w, candidates) {
  if (!w.glob) return candidates.has(w.value);
  let re;
  try {
    re = compileWordGlob(w.pattern);
  } catch {
    return true;
  }
  return [...candidates].some((c) => re.test(c));
}
function opaqueReason(words) {
  const name = words[0];
  if (name.glob) return "the command name is a file-name pattern";
  const base = basename(name.value);
  if (SHELLS.has(base)) return `\`${base}\` runs shell code that is not given as \`${base} -c '<script>'\``;
  if (base === "command" && words.length >= 2 && /^-[vV]+$/.test(words[1].value) && !words[1].glob) return null;
  if (RUNNERS.has(base)) return `\`${base}\` runs another command, or changes how later ones run`;
  if (base === "find") {
    const action = words.slice(1).find((w) => mayBeOneOf(w, FIND_ACTIONS));
    if (action) return `\`find ${action.glob ? action.raw : action.value}\` runs a command or writes a file`;
  }
  if (base === "git") {
    for (let k = 1; k < words.length; k++) {
      const w = words[k];
      if (w.glob) return "a file-name pattern before the git subcommand";
      const v = w.value;
      if (!v.startsWith("-")) break;
      if (v === "-c" || v === "--config-env" || v.startsWith("--config-env=") || v.startsWith("--exec-path=")) {
        return `\`git ${v.split("=")[0]}\` sets configuration (pagers, hooks, ssh and diff commands) for this command`;
      }
      if (GIT_VALUE_OPTIONS.has(v)) k++;
    }
  }
  return null;
}
function refusal(error, offset, script, depth) {
  const where = depth === 0 ? "" : ` in the script \`${script.length > 200 ? `${script.slice(0, 200)}\u2026` : script}\``;
  return `${error} at offset ${offset}${where}`;
}
function unitsOf(commands, depth, out) {
  for (const cmd of commands) {
    const script = posixShellScript(cmd.words);
    if (script !== null) {
      if (depth >= MAX_SHELL_DEPTH) return `shells nested more than ${MAX_SHELL_DEPTH} deep`;
      const inner = parseShell(script);
      if (!inner.ok) return refusal(inner.error, inner.offset, script, depth + 1);
      if (inner.commands.length === 0) return `an empty script in \`${formatWords(cmd.words)}\``;
      const err = unitsOf(inner.commands, depth + 1, out);
      if (err !== null) return err;
      continue;
    }
    out.push({ words: cmd.words, text: formatWords(cmd.words), opaque: opaqueReason(cmd.words) });
  }
  return null;
}
function analyzeCommand(command) {
  let commands;
  if (typeof command === "string") {
    const parsed = parseShell(command);
    if (!parsed.ok) return { ok: false, error: refusal(parsed.error, parsed.offset, command, 0) };
    commands = parsed.commands;
  } else {
    commands = command.length === 0 ? [] : [{ words: command.map(literalWord), redirects: [], start: 0, end: 0 }];
  }
  if (commands.length === 0) return { ok: false, error: "an empty command" };
  const units = [];
  const err = unitsOf(commands, 0, units);
  return err === null ? { ok: true, units } : { ok: false, error: err };
}

// src/driver/policy/evaluate.ts
function mayMatch(w, m) {
  let re;
  try {
    re = compileWordGlob(w.pattern);
  } catch {
    re = null;
  }
  const p = literalPrefix(w.pattern);
  return m.alternatives.some((alt) => {
    if (alt.literal !== null && re !== null) return re.test(alt.literal);
    return p.startsWith(alt.prefix) || alt.prefix.startsWith(p);
  });
}
function matchSequence(words, elems, deny) {
  const n = words.length;
  const e = elems.length;
  const seen = /* @__PURE__ */ new Set();
  const stack = [[0, 0, 0]];
  while (stack.length > 0) {
    const [i, j, c] = stack.pop();
    const key = (i * (e + 1) + j) * 2 + c;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === n && j === e && c === 0) return true;
    if (c === 1) stack.push([i + 1, j, 0]);
    if (j === e) continue;
    const el = elems[j];
    if (el.kind === "rest") {
      stack.push([i, j + 1, c]);
      if (c === 0 && i < n) stack.push([i + 1, j, 0]);
      continue;
    }
    if (el.kind === "repeat") stack.push([i, j + 1, c]);
    if (i >= n) continue;
    const w = words[i];
    const nextJ = el.kind === "word" ? j + 1 : j;
    if (!w.glob) {
      if (c === 0 && el.m.re.test(w.value)) stack.push([i + 1, nextJ, 0]);
    } else if (deny && mayMatch(w, el.m)) {
      stack.push([i, nextJ, 1]);
    }
  }
  return false;
}
function matchesCommand(rule, words, viaGlobs = rule.list === "deny") {
  const first = rule.elements[0];
  const name = words[0];
  if (first === void 0 || first.kind !== "word" || name === void 0) return false;
  const deny = rule.list === "deny";
  if (name.glob) {
    if (!deny || !viaGlobs || !mayMatch(name, first.m)) return false;
  } else if (rule.nameHasSlash) {
    if (!first.m.re.test(name.value)) return false;
  } else if (deny) {
    if (!first.m.re.test(basename(name.value))) return false;
  } else if (name.value.includes("/") || !first.m.re.test(name.value)) {
    return false;
  }
  return matchSequence(words.slice(1), rule.elements.slice(1), deny && viaGlobs);
}
var SEVERITY = { accept: 0, decline: 1, cancel: 2 };
function clip(text, max = 300) {
  const oneLine3 = text.replace(/\n/g, "\u23CE");
  return oneLine3.length > max ? `${oneLine3.slice(0, max)}\u2026` : oneLine3;
}
function single(decision, rule, reason, subject) {
  return { decision, rule, reason, origin: null, subjects: [{ subject, decision, rule, reason }] };
}
function because(rule, list) {
  const what = rule.display ?? `\`${rule.pattern}\``;
  return `${list} rule ${what}${rule.reason ? `: ${rule.reason}` : ""}`;
}
function combine(verdicts, whole, noun) {
  const subjects = verdicts.map(({ origin: _origin, ...s }) => s);
  let worst = verdicts[0];
  for (const v of verdicts) if (SEVERITY[v.decision] > SEVERITY[worst.decision]) worst = v;
  if (worst.decision !== "accept") {
    const reason2 = verdicts.length > 1 ? `${worst.reason} (${noun} ${verdicts.indexOf(worst) + 1} of ${verdicts.length} in ${whole})` : worst.reason;
    return { decision: worst.decision, rule: worst.rule, reason: reason2, origin: worst.origin, subjects };
  }
  if (verdicts.length === 1) return { decision: "accept", rule: worst.rule, reason: worst.reason, origin: worst.origin, subjects };
  const rules = [...new Set(verdicts.map((v) => v.rule))];
  const reason = `all ${verdicts.length} ${noun}s are allowed: ${verdicts.map((v) => `\`${clip(v.subject, 80)}\` by ${v.rule}`).join("; ")}`;
  return { decision: "accept", rule: rules.join(", "), reason, origin: verdicts[0].origin, subjects };
}
function judgeUnit(policy, unit) {
  const text = clip(unit.text);
  const deny = policy.commands.deny.find((r) => matchesCommand(r, unit.words));
  if (deny) {
    const globs = unit.words.filter((w) => w.glob).map((w) => `\`${w.raw}\``);
    const note = matchesCommand(deny, unit.words, false) ? "" : ` (${globs.join(", ")} may expand to file names that match)`;
    return { subject: unit.text, decision: deny.decision, rule: deny.ref, reason: `\`${text}\` matches ${because(deny, "deny")}${note}`, origin: deny.origin };
  }
  if (unit.opaque !== null) {
    return { subject: unit.text, decision: "decline", rule: BUILTIN.opaque, reason: `\`${text}\` is never allowed: ${unit.opaque}`, origin: null };
  }
  const allow = policy.commands.allow.find((r) => matchesCommand(r, unit.words));
  if (allow) {
    return { subject: unit.text, decision: "accept", rule: allow.ref, reason: `\`${text}\` matches ${because(allow, "allow")}`, origin: allow.origin };
  }
  const d = policy.commands.default;
  return { subject: unit.text, decision: d.decision, rule: d.ref, reason: `no rule matches \`${text}\`: the default is ${d.decision}`, origin: d.origin };
}
function decideCommand(policy, req) {
  const command = req.command;
  const shown = command == null ? "" : typeof command === "string" ? command : formatWords(command.map(literalWord));
  if (req.kind != null && req.kind !== "command") {
    return single("decline", BUILTIN.otherRequest, `a \`${req.kind}\` approval is not a command a policy can read`, shown);
  }
  if (req.networkApprovalContext != null) {
    return single("decline", BUILTIN.otherRequest, "network access requests are declined: a policy decides commands and files only", shown);
  }
  if (command == null || (typeof command === "string" ? command.trim() === "" : command.length === 0)) {
    return single("decline", BUILTIN.noCommand, "the request names no command", shown);
  }
  const analysis = analyzeCommand(command);
  if (!analysis.ok) {
    return single("decline", BUILTIN.unreadable, `\`${clip(shown)}\` cannot be read completely: ${analysis.error}`, shown);
  }
  return combine(analysis.units.map((u) => judgeUnit(policy, u)), `\`${clip(shown)}\``, "command");
}
function fileChangePaths(changes) {
  const out = [];
  for (const c of changes) {
    out.push(c.path);
    if (c.kind.type === "update" && c.kind.move_path) out.push(c.kind.move_path);
  }
  return out;
}
function realpathDeep(abs, hops = 0) {
  const tail = [];
  let cur = abs;
  for (; ; ) {
    try {
      return path2.join(realpathSync(cur), ...tail);
    } catch {
      try {
        if (hops < 40 && lstatSync(cur).isSymbolicLink()) {
          return path2.join(realpathDeep(path2.resolve(path2.dirname(cur), readlinkSync(cur)), hops + 1), ...tail);
        }
      } catch {
      }
      const parent = path2.dirname(cur);
      if (parent === cur) return path2.join(cur, ...tail);
      tail.unshift(path2.basename(cur));
      cur = parent;
    }
  }
}
function toRelative(root, abs) {
  const rel = path2.relative(root, abs);
  if (rel === "" || rel === ".." || rel.startsWith(`..${path2.sep}`) || path2.isAbsolute(rel)) return null;
  return rel.split(path2.sep).join("/");
}
function pathForms(p, cwd, resolveSymlinks) {
  if (p === "") return { outside: "an empty path" };
  if (cwd === null) {
    if (path2.isAbsolute(p)) return { outside: `\`${p}\` is absolute and no workspace was given` };
    const rel2 = toRelative("/w", path2.posix.join("/w", p));
    return rel2 === null ? { outside: `\`${p}\` leaves the workspace` } : { forms: [rel2] };
  }
  const root = path2.resolve(cwd);
  const abs = path2.resolve(root, p);
  const rel = toRelative(root, abs);
  if (rel === null) return { outside: `\`${p}\` is outside the workspace ${root}` };
  const forms = [rel];
  if (resolveSymlinks) {
    let realRoot;
    try {
      realRoot = realpathSync(root);
    } catch {
      return { forms };
    }
    const real = realpathDeep(abs);
    const realRel = toRelative(realRoot, real);
    if (realRel === null) return { outside: `\`${rel}\` resolves through a symlink to ${real}, outside the workspace` };
    if (realRel !== rel) forms.push(realRel);
  }
  return { forms };
}
function judgePath(policy, p, cwd, resolveSymlinks) {
  const where = pathForms(p, cwd, resolveSymlinks);
  if ("outside" in where) return { subject: p, decision: "decline", rule: BUILTIN.outside, reason: `${where.outside}: never allowed`, origin: null };
  const [rel, ...resolved] = where.forms;
  const label = (form) => form === rel ? `\`${rel}\`` : `\`${rel}\` (through a symlink: \`${form}\`)`;
  for (const form of where.forms) {
    const deny = policy.files.deny.find((r) => r.re.test(form));
    if (deny) return { subject: rel, decision: deny.decision, rule: deny.ref, reason: `${label(form)} matches ${because(deny, "deny")}`, origin: deny.origin };
  }
  let first = null;
  for (const form of [rel, ...resolved]) {
    const allow = policy.files.allow.find((r) => r.re.test(form));
    if (!allow) {
      const d = policy.files.default;
      return { subject: rel, decision: d.decision, rule: d.ref, reason: `no rule matches ${label(form)}: the default is ${d.decision}`, origin: d.origin };
    }
    first ??= allow;
  }
  return { subject: rel, decision: "accept", rule: first.ref, reason: `\`${rel}\` matches ${because(first, "allow")}`, origin: first.origin };
}
function decideFileChange(policy, req) {
  const paths = [...req.paths ?? [], ...fileChangePaths(req.changes ?? [])];
  if (paths.length === 0) return single("decline", BUILTIN.noPaths, "the change names no path (its fileChange item was not seen)", "");
  const cwd = req.cwd ?? null;
  const resolve = req.resolveSymlinks ?? cwd !== null;
  return combine(paths.map((p) => judgePath(policy, p, cwd, resolve)), `a change of ${paths.length} paths`, "path");
}

// src/driver/policy/decider.ts
async function createPolicyDecider(fileOrPreset, options) {
  const policy = isPresetName(fileOrPreset) ? presetPolicy(fileOrPreset) : (await import("./file-GQZHCEYO.js")).loadPolicy(fileOrPreset, options.base ?? process.cwd());
  const workspace = path3.resolve(options.workspace);
  return {
    policy,
    workspace,
    command: (request) => decideCommand(policy, request),
    fileChange: (request) => decideFileChange(policy, { ...request, cwd: workspace })
  };
}

// src/driver/run.ts
var EXIT = { completed: EXIT_CODES.success, failed: EXIT_CODES.model, usage: EXIT_CODES.usage, error: EXIT_CODES.server, timeout: EXIT_CODES.timeout };
async function runCommand(argv, io) {
  const out = { stdout: io?.stdout ?? process.stdout, stderr: io?.stderr ?? process.stderr, env: io?.env ?? process.env, stopSignal: io?.stopSignal };
  let redact = createRedactor(out.env);
  const say = (line) => out.stderr.write(redact(line) + "\n");
  let prepared;
  try {
    const parsed = parseRunArgs(argv);
    if (parsed.help) {
      out.stdout.write(USAGE + "\n");
      return 0;
    }
    prepared = await prepare(parsed.options, out);
    redact = prepared.redact;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    say(`tern run: ${err.message}`);
    say(USAGE_HINT);
    return EXIT_CODES.usage;
  }
  try {
    return await execute(prepared, out);
  } catch (err) {
    const failure = userFailure(err);
    say(`tern run: failed: ${failure.line}`);
    return EXIT_CODES[failure.kind];
  }
}
async function prepare(options, io) {
  const named = options.secretEnv.map((name) => io.env[name]).filter((v) => typeof v === "string");
  const providerKeys = providerEnvKeys(options.configOverrides).map((name) => io.env[name]).filter((v) => typeof v === "string");
  const redact = createRedactor(io.env, [...named, ...providerKeys]);
  let prices;
  try {
    prices = loadPriceTable(options.priceTable);
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
  let decider = DECLINE_ALL;
  if (options.policy) {
    try {
      decider = await createPolicyDecider(options.policy, { workspace: options.cwd });
    } catch (err) {
      throw new UsageError(errorMessage(err));
    }
  }
  try {
    await mkdir(options.outDir, { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create --out ${options.outDir}: ${errorMessage(err)}`);
  }
  return { options, redact, prices, decider };
}
function providerEnvKeys(overrides) {
  return overrides.flatMap((kv) => {
    const m = /^model_providers\.[^.=]+\.env_key\s*=\s*"?([A-Za-z_][A-Za-z0-9_]*)"?\s*$/.exec(kv);
    return m ? [m[1]] : [];
  });
}
async function execute(p, io) {
  const { options, redact } = p;
  const startedAtMs = Date.now();
  const deadlineMs = startedAtMs + options.timeoutMs;
  const events = new EventsLog(options.outDir, redact);
  const progress = new Progress(io.stderr, redact, io.env);
  const state = new RunState();
  const approvals = [];
  const budgets = new BudgetTracker(options.budgets, null);
  const stopSignal = io.stopSignal ?? new AbortController().signal;
  let currentTurn = null;
  const { client, stderr } = spawnServer(options, io.env, (dir, msg) => events.record(dir, msg));
  const baseCommit = settled(import("./revisions-KLR3MO2W.js").then((git) => git.currentCommit(options.cwd)));
  let finishing;
  const recordDecision = (entry) => {
    approvals.push(entry);
    events.note("approvalDecision", { ...entry });
    if (entry.decision === "cancel") state.fail("policy", `the approval policy cancelled the turn (${entry.rule}): ${entry.reason ?? entry.subject ?? ""}`);
  };
  client.onServerRequest(createServerRequestHandler(p.decider, (id) => currentTurn?.items.get(id), recordDecision));
  let tracker = budgets;
  try {
    const guard = guardWith(client, deadlineMs, options.timeoutMs, stopSignal);
    const thread = await openThread(client, options, guard);
    state.threadId = thread.threadId;
    state.model = thread.model;
    tracker = new BudgetTracker(options.budgets, priceOf(thread.model, p.prices));
    await baseCommit;
    await followTurn(
      {
        client,
        state,
        budgets: tracker,
        stopSignal,
        deadlineMs,
        timeoutMs: options.timeoutMs,
        onEvent: (e) => progress.event(e),
        onStream: (s) => {
          currentTurn = s;
          finishing = settled(loadFinish());
        }
      },
      thread.threadId,
      options.review !== null ? { kind: "review", base: options.review } : { kind: "task", prompt: options.prompt }
    );
  } catch (err) {
    recordFailure(state, err);
  }
  const { finishRun } = await (finishing ?? loadFinish());
  return finishRun({ options, io, redact, client, events, state, approvals, budgets: tracker, progress, baseCommit: await baseCommit, startedAtMs, serverStderr: stderr });
}
function loadFinish() {
  return import("./finish-EKH33Z26.js");
}
function settled(promise) {
  promise.catch(() => void 0);
  return promise;
}
function guardWith(client, deadlineMs, timeoutMs, stop) {
  return (work) => {
    let timer;
    let onAbort;
    const stopped = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new SessionError("timeout", `timed out after ${formatSeconds(timeoutMs)}`)), Math.max(0, deadlineMs - Date.now()));
      onAbort = () => reject(new SessionError("interrupted", "tern run was interrupted (SIGINT/SIGTERM)"));
      if (stop.aborted) onAbort();
      else stop.addEventListener("abort", onAbort, { once: true });
    });
    const died = client.whenExitedUnexpectedly().then((e) => Promise.reject(e));
    return Promise.race([work, died, stopped]).finally(() => {
      clearTimeout(timer);
      if (onAbort) stop.removeEventListener("abort", onAbort);
    });
  };
}
function recordFailure(state, err) {
  const shown = err instanceof ServerExitedError && state.turnId ? new ServerExitedError(err.exit, "the turn") : err;
  const failure = userFailure(shown);
  state.fail(failure.kind, failure.line);
}
export {
  EXIT,
  USAGE,
  UsageError,
  parseRunArgs,
  runCommand
};
