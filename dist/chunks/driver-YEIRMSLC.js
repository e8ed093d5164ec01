import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  distDir,
  require_dist
} from "./chunk-LEGMPE4U.js";
import {
  EMPTY_TREE,
  EVENTS_FILE,
  EventsLog,
  checkoutHead,
  currentCommit,
  openPrivateGit,
  resolveCommit,
  unstageSmudgedLfs
} from "./chunk-EYQ3JY4Q.js";
import {
  DIFF_FILE,
  EXIT_CODES,
  RESULT_SCHEMA_VERSION,
  createRedactor,
  writeFileAtomic,
  writeResult
} from "./chunk-XDISATMY.js";
import {
  execa,
  parseCommandString
} from "./chunk-R4VQEMWY.js";
import {
  ErrorCode,
  JsonRpcConnection,
  RequestFailedError,
  RpcError,
  SERVER_OUTPUT_MAX_LINE_BYTES,
  formatWords,
  literalWord,
  parseReviewText,
  parseShell
} from "./chunk-FRTHVZ57.js";
import {
  VERSION
} from "./chunk-5AQLY3C7.js";
import {
  ServerFailure,
  TernError,
  UsageFailure,
  errorMessage,
  userFailure
} from "./chunk-AXCYR7ZC.js";
import {
  __toESM
} from "./chunk-4S2FJ4XZ.js";

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
var STDERR_TAIL_LINES = 20;
var STDERR_DRAIN_MS = 300;
var ChildAppServer = class {
  constructor(command, child, maxTail, onStderr) {
    this.command = command;
    this.child = child;
    this.maxTail = maxTail;
    const stderr = child.stderr;
    let stderrEnded = Promise.resolve();
    if (stderr) {
      stderr.setEncoding("utf8");
      stderr.on("data", (chunk) => {
        this.pushStderr(chunk);
        onStderr?.(chunk);
      });
      stderrEnded = new Promise((resolve) => {
        stderr.once("end", resolve);
        stderr.once("close", resolve);
        stderr.once("error", () => resolve());
      });
    }
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
      void child.then(
        (r) => {
          const neverStarted = r.failed && r.exitCode === void 0 && r.signal === void 0;
          void settle(r.exitCode ?? null, r.signal ?? null, neverStarted ? oneLine(r.originalMessage || r.shortMessage || "spawn failed") : null);
        },
        (err) => void settle(null, null, oneLine(err instanceof Error ? err.message : String(err)))
      );
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
  const child = execa(file, args, {
    env: options.env,
    extendEnv: false,
    cwd: options.cwd,
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
    buffer: false,
    reject: false,
    // close() escalates itself (stdin EOF -> SIGTERM -> SIGKILL).
    forceKillAfterDelay: false,
    // Kill the server if the driver itself exits.
    cleanup: true,
    windowsHide: true
  });
  return new ChildAppServer(options.command, child, options.stderrTailLines ?? STDERR_TAIL_LINES, options.onStderr);
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
  static spawn(spawn, options) {
    return new _ProtocolClient(spawnAppServer(spawn), options);
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
    serverCommand = parseCommandString(values["server-command"].trim());
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

// src/driver/finish.ts
import { readFile } from "node:fs/promises";
import path3 from "node:path";

// src/artifacts/report-html.ts
import { createHash } from "node:crypto";

// src/artifacts/render-util.ts
var identity = (s) => s;
var NUMBER = new Intl.NumberFormat("en-US");
function formatCount(n) {
  return NUMBER.format(n);
}
function formatDuration(ms) {
  if (ms === null || ms === void 0 || !Number.isFinite(ms)) return "n/a";
  if (ms < 1e3) return `${Math.round(ms)} ms`;
  if (ms < 6e4) return `${(ms / 1e3).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1e3);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor(totalSeconds % 3600 / 60);
  const s = totalSeconds % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, "0")} min` : `${m} min ${String(s).padStart(2, "0")} s`;
}
function formatOffset(ts, start) {
  if (ts === null || start === null) return "";
  return `+${((ts - start) / 1e3).toFixed(2)} s`;
}
function formatCost(usd) {
  if (usd === null || usd === void 0 || !Number.isFinite(usd)) return "n/a";
  if (usd === 0) return "$0.00";
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 1) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(2)}`;
}
function outcomeWord(result) {
  if (result.outcome === "failed") return result.failure ? `failed (${result.failure.kind})` : "failed";
  return result.outcome === "no_changes" ? "no changes" : "success";
}
function outcomeIcon(result) {
  return result.outcome === "success" ? "\u2705" : result.outcome === "no_changes" ? "\u26AA" : "\u274C";
}
function decisionClass(decision) {
  if (decision === null) return "pending";
  if (decision === "error") return "error";
  if (decision.startsWith("accept")) return "allow";
  return "deny";
}
function decisionIcon(decision) {
  return { allow: "\u2705", deny: "\u26D4", error: "\u26A0\uFE0F", pending: "\u23F3" }[decisionClass(decision)];
}
function tail(text, maxLines, maxChars) {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  const lines = body === "" ? [] : body.split("\n");
  let kept = lines.slice(Math.max(0, lines.length - maxLines));
  let joined = kept.join("\n");
  if (joined.length > maxChars) {
    joined = joined.slice(joined.length - maxChars);
    const nl = joined.indexOf("\n");
    if (nl >= 0 && nl < joined.length - 1) joined = joined.slice(nl + 1);
    kept = joined.split("\n");
  }
  return { text: joined, omittedLines: lines.length - kept.length, totalLines: lines.length };
}
function mdFence(text, lang = "") {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  const body = text.endsWith("\n") ? text : text + "\n";
  return `${fence}${lang}
${body}${fence}`;
}
function mdCode(text, table = false) {
  let t = text.replace(/\r?\n/g, " \u23CE ");
  if (table) t = t.replace(/\|/g, "\\|");
  if (t === "") return "";
  const longest = Math.max(0, ...[...t.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  const pad = t.startsWith("`") || t.endsWith("`") || t.startsWith(" ") && t.endsWith(" ") ? " " : "";
  return `${ticks}${pad}${t}${pad}${ticks}`;
}
function mdText(text) {
  return text.replace(/\r?\n/g, " ").replace(/[\\`*[\]<>|~!#]/g, (c) => `\\${c}`).replace(/&/g, "&amp;");
}
function safeMarkdown(text) {
  const out = [];
  let fence = null;
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === null) {
      if (m) {
        fence = m[1];
        out.push(line);
      } else {
        out.push(inertInline(line));
      }
    } else {
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]) fence = null;
      out.push(line);
    }
  }
  if (fence !== null) out.push(fence);
  return out.join("\n");
}
function inertInline(line) {
  let result = "";
  let rest = line;
  for (; ; ) {
    const open = /`+/.exec(rest);
    if (!open) break;
    const ticks = open[0];
    const after = rest.slice(open.index + ticks.length);
    const close = new RegExp(`(?<!\`)${ticks}(?!\`)`).exec(after);
    if (!close) {
      result += inertText(rest.slice(0, open.index + ticks.length));
      rest = after;
      continue;
    }
    result += inertText(rest.slice(0, open.index)) + ticks + after.slice(0, close.index) + ticks;
    rest = after.slice(close.index + ticks.length);
  }
  return result + inertText(rest);
}
function inertText(s) {
  return s.replace(/</g, "&lt;").replace(/!\[/g, "!\\[");
}
function mdQuote(text) {
  return text.split("\n").map((l) => l === "" ? ">" : `> ${l}`).join("\n");
}

// src/artifacts/report-html.ts
var REPORT_FILE = "report.html";
var REPORT_MAX_OUTPUT_CHARS = 1e5;
var REPORT_OPEN_OUTPUT_MAX_LINES = 40;
var REPORT_MAX_DIFF_LINES = 3e3;
var REPORT_FOLD_MESSAGE_LINES = 12;
var REPORT_MAX_HIGHLIGHT_LINE = 2e3;
var HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}
var SCRIPT = `(function () {
  var body = document.body;
  var boxes = document.querySelectorAll('input[data-filter]');
  for (var i = 0; i < boxes.length; i++) {
    boxes[i].addEventListener('change', function (ev) {
      var cb = ev.target;
      body.classList.toggle('hide-' + cb.getAttribute('data-filter'), !cb.checked);
    });
  }
  function setAll(open) {
    var all = document.querySelectorAll('main details');
    for (var j = 0; j < all.length; j++) all[j].open = open;
  }
  document.getElementById('expand-all').addEventListener('click', function () { setAll(true); });
  document.getElementById('collapse-all').addEventListener('click', function () { setAll(false); });
  body.setAttribute('data-script', 'ran');
})();`;
var SCRIPT_HASH = createHash("sha256").update(SCRIPT, "utf8").digest("base64");
var REPORT_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  `script-src 'sha256-${SCRIPT_HASH}'`,
  "img-src 'none'",
  "font-src 'none'",
  "connect-src 'none'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "manifest-src 'none'",
  "base-uri 'none'",
  "form-action 'none'"
].join("; ");
var KINDS = [
  { kind: "message", label: "Messages" },
  { kind: "reasoning", label: "Reasoning" },
  { kind: "command", label: "Commands" },
  { kind: "fileChange", label: "File changes" },
  { kind: "approval", label: "Approvals" },
  { kind: "error", label: "Errors" },
  { kind: "warning", label: "Warnings" },
  { kind: "tokenUsage", label: "Token usage" }
];
var STYLE = `
:root {
  --bg: #f6f8fa; --fg: #1f2328; --muted: #59636e; --card: #ffffff; --border: #d1d9e0; --line: #d1d9e0;
  --ok: #1a7f37; --ok-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; --warn: #9a6700; --warn-bg: #fff8c5;
  --none: #59636e; --none-bg: #eaeef2; --accent: #0969da; --accent-bg: #ddf4ff; --purple: #8250df; --purple-bg: #fbefff;
  --add-bg: #e6ffec; --add-fg: #116329; --del-bg: #ffebe9; --del-fg: #82071e; --hunk-bg: #ddf4ff; --hunk-fg: #0550ae;
  --code-bg: #f6f8fa; --tok-kw: #cf222e; --tok-str: #0a3069; --tok-com: #6e7781; --tok-num: #0550ae; --tok-fn: #8250df;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace;
  --sans: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", Helvetica, Arial, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --card: #151b23; --border: #3d444d; --line: #3d444d;
    --ok: #3fb950; --ok-bg: #12261e; --fail: #f85149; --fail-bg: #2d1214; --warn: #d29922; --warn-bg: #272115;
    --none: #9198a1; --none-bg: #212830; --accent: #4493f8; --accent-bg: #121d2f; --purple: #ab7df8; --purple-bg: #1f1630;
    --add-bg: #12261e; --add-fg: #7ee787; --del-bg: #2d1214; --del-fg: #ffa198; --hunk-bg: #121d2f; --hunk-fg: #79c0ff;
    --code-bg: #0d1117; --tok-kw: #ff7b72; --tok-str: #a5d6ff; --tok-com: #8b949e; --tok-num: #79c0ff; --tok-fn: #d2a8ff;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.5 var(--sans); }
code, pre, .mono { font-family: var(--mono); font-size: 12.5px; }
header.run { background: var(--card); border-bottom: 1px solid var(--border); padding: 20px 0 16px; border-top: 6px solid var(--none); }
.wrap { max-width: 1180px; margin: 0 auto; padding: 0 32px; }
header.run.success { border-top-color: var(--ok); }
header.run.failed { border-top-color: var(--fail); }
header.run h1 { margin: 0; font-size: 22px; display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.badge { display: inline-block; border-radius: 999px; padding: 1px 10px; font-size: 12px; font-weight: 600; border: 1px solid transparent; white-space: nowrap; }
h1 .badge { font-size: 14px; padding: 3px 14px; }
.b-success, .b-allow, .b-completed { background: var(--ok-bg); color: var(--ok); border-color: var(--ok); }
.b-failed, .b-deny, .b-declined, .b-fail { background: var(--fail-bg); color: var(--fail); border-color: var(--fail); }
.b-no_changes, .b-pending, .b-neutral, .b-inProgress { background: var(--none-bg); color: var(--none); border-color: var(--none); }
.b-error, .b-retry, .b-interrupted, .b-warn { background: var(--warn-bg); color: var(--warn); border-color: var(--warn); }
.meta { color: var(--muted); margin-top: 6px; display: flex; flex-wrap: wrap; gap: 4px 18px; }
.meta b { color: var(--fg); font-weight: 600; }
.failure { margin-top: 12px; background: var(--fail-bg); border: 1px solid var(--fail); border-radius: 6px; padding: 8px 12px; white-space: pre-wrap; }
.failure b { color: var(--fail); }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(128px, 1fr)); gap: 10px; margin: 18px 0; }
.stat { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: 10px 14px; }
.stat .v { font-size: 20px; font-weight: 600; }
.stat .k { color: var(--muted); font-size: 12px; }
.stat .s { color: var(--muted); font-size: 11.5px; }
main { max-width: 1180px; margin: 0 auto; padding: 0 32px 40px; }
nav.toolbar { position: sticky; top: 0; z-index: 2; background: var(--bg); border-bottom: 1px solid var(--border); padding: 8px 0; font-size: 13px; }
nav.toolbar .wrap { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; }
nav.toolbar label { display: inline-flex; gap: 4px; align-items: center; color: var(--muted); cursor: pointer; }
nav.toolbar button { font: inherit; background: var(--card); color: var(--fg); border: 1px solid var(--border); border-radius: 6px; padding: 2px 10px; cursor: pointer; }
nav.toolbar .spacer { flex: 1; }
h2 { font-size: 16px; margin: 26px 0 10px; }
section.box { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
table.list { border-collapse: collapse; width: 100%; }
table.list th, table.list td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--border); vertical-align: top; }
table.list th { color: var(--muted); font-weight: 600; font-size: 12px; }
ul.files { margin: 0; padding-left: 18px; columns: 2; }
ol.timeline { list-style: none; margin: 0; padding: 0; position: relative; }
ol.timeline::before { content: ""; position: absolute; left: 87px; top: 0; bottom: 0; width: 2px; background: var(--line); }
li.entry { display: grid; grid-template-columns: 72px 32px 1fr; align-items: start; margin: 10px 0; }
li.entry .when { color: var(--muted); font-size: 11.5px; text-align: right; padding-top: 9px; font-variant-numeric: tabular-nums; }
li.entry .dot { width: 14px; height: 14px; border-radius: 50%; margin: 10px auto 0; background: var(--card); border: 3px solid var(--none); position: relative; z-index: 1; }
.k-message .dot { border-color: var(--accent); } .k-reasoning .dot { border-color: var(--purple); }
.k-command .dot { border-color: var(--fg); } .k-fileChange .dot { border-color: var(--ok); }
.k-approval .dot { border-color: var(--warn); } .k-error .dot, .k-turnCompleted.failed .dot { border-color: var(--fail); }
.k-tokenUsage .dot { width: 8px; height: 8px; border-width: 2px; margin-top: 7px; }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: 8px 12px; min-width: 0; }
.card.user { border-left: 4px solid var(--accent); }
.card.agent { border-left: 4px solid var(--ok); }
.card.reasoning { border-left: 4px solid var(--purple); color: var(--muted); font-style: italic; }
.card.err { border-color: var(--fail); background: var(--fail-bg); }
.card.retry, .card.warn { border-color: var(--warn); background: var(--warn-bg); }
.head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; }
.kind { font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin-top: 4px; }
.text pre { white-space: pre; overflow-x: auto; background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: 8px; font-style: normal; }
.text code { background: var(--code-bg); border: 1px solid var(--border); border-radius: 4px; padding: 0 4px; }
.text pre code { border: 0; padding: 0; }
.cmd { font-family: var(--mono); font-size: 13px; white-space: pre-wrap; overflow-wrap: anywhere; }
.cmd::before { content: "$ "; color: var(--muted); }
.dim { color: var(--muted); font-size: 12px; }
.tokens { color: var(--muted); font-size: 12px; padding-top: 6px; }
details { margin-top: 6px; }
details > summary { cursor: pointer; color: var(--muted); font-size: 12.5px; }
pre.out { margin: 6px 0 0; background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: 8px 10px; overflow: auto; max-height: 480px; white-space: pre-wrap; overflow-wrap: anywhere; }
.approval { margin-top: 6px; padding: 6px 10px; border-radius: 6px; border: 1px dashed var(--border); display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center; }
.approval.deny { border-color: var(--fail); } .approval.allow { border-color: var(--ok); }
.approval code, .rule { font-family: var(--mono); font-size: 12px; background: var(--code-bg); border: 1px solid var(--border); border-radius: 4px; padding: 0 5px; overflow-wrap: anywhere; }
.change { margin-top: 8px; }
.change .path { font-family: var(--mono); font-weight: 600; }
.diff { margin-top: 4px; border: 1px solid var(--border); border-radius: 6px; overflow: auto; font-family: var(--mono); font-size: 12.5px; background: var(--code-bg); }
.dl { display: grid; grid-template-columns: 44px 44px 1fr; min-width: max-content; }
.dl .n { color: var(--muted); text-align: right; padding: 0 6px; user-select: none; border-right: 1px solid var(--border); }
.dl .c { white-space: pre; padding: 0 10px; }
.dl.add { background: var(--add-bg); } .dl.add .c { color: var(--add-fg); }
.dl.del { background: var(--del-bg); } .dl.del .c { color: var(--del-fg); }
.dl.hunk { background: var(--hunk-bg); } .dl.hunk .c { color: var(--hunk-fg); }
.dl.meta .c { color: var(--muted); font-weight: 600; }
.dl.add .c .sign, .dl.del .c .sign { user-select: none; }
.t-kw { color: var(--tok-kw); } .t-str { color: var(--tok-str); } .t-com { color: var(--tok-com); font-style: italic; } .t-num { color: var(--tok-num); } .t-fn { color: var(--tok-fn); }
.dl.add .c .t-kw, .dl.del .c .t-kw { font-weight: 600; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 20px; }
${KINDS.map(({ kind }) => `body.hide-${kind} li.k-${kind}`).join(", ")} { display: none; }
`;
var words = (s) => new Set(s.split(/\s+/).filter(Boolean));
var JS_KW = words(`break case catch class const continue debugger default delete do else export extends false finally for from function
  if import in instanceof let new null of return static super switch this throw true try typeof undefined var void while with yield async await
  interface type enum implements declare readonly private protected public abstract as satisfies keyof namespace`);
var PY_KW = words(`False None True and as assert async await break class continue def del elif else except finally for from global if import
  in is lambda nonlocal not or pass raise return try while with yield self match case`);
var SH_KW = words(`if then else elif fi for while until do done case esac in function return local export set unset echo exit source trap shift readonly`);
var GO_KW = words(`break case chan const continue default defer else fallthrough for func go goto if import interface map package range return
  select struct switch type var nil true false`);
var RS_KW = words(`as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut pub ref
  return self Self static struct super trait true type unsafe use where while Some None Ok Err`);
var C_KW = words(`auto break case char const continue default do double else enum extern float for goto if int long register return short
  signed sizeof static struct switch typedef union unsigned void volatile while class public private protected new delete this true false null
  namespace template typename using virtual override final import package extends implements interface throws throw try catch finally boolean
  string var val fun object when`);
var RB_KW = words(`alias and begin break case class def defined do else elsif end ensure false for if in module next nil not or redo rescue retry
  return self super then true undef unless until when while yield require`);
var DATA_KW = words(`true false null yes no on off`);
var SLASH = /\/\/.*$/;
var HASH = /#.*$/;
var LANGS = {};
for (const ext of ["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"]) LANGS[ext] = { comment: SLASH, keywords: JS_KW, backtick: true };
LANGS.json = { comment: null, keywords: DATA_KW, backtick: false };
LANGS.py = { comment: HASH, keywords: PY_KW, backtick: false };
for (const ext of ["sh", "bash", "zsh"]) LANGS[ext] = { comment: HASH, keywords: SH_KW, backtick: true };
LANGS.go = { comment: SLASH, keywords: GO_KW, backtick: true };
LANGS.rs = { comment: SLASH, keywords: RS_KW, backtick: false };
for (const ext of ["c", "h", "cc", "cpp", "hpp", "cs", "java", "kt", "swift", "scala"]) LANGS[ext] = { comment: SLASH, keywords: C_KW, backtick: false };
LANGS.rb = { comment: HASH, keywords: RB_KW, backtick: false };
for (const ext of ["yml", "yaml", "toml"]) LANGS[ext] = { comment: HASH, keywords: DATA_KW, backtick: false };
function languageOf(path7) {
  const base = path7.split("/").pop() ?? "";
  if (base === "Makefile" || base === "Dockerfile") return { comment: HASH, keywords: SH_KW, backtick: false };
  const dot = base.lastIndexOf(".");
  return dot < 0 ? null : LANGS[base.slice(dot + 1).toLowerCase()] ?? null;
}
var TOKEN = /("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`(?:[^`\\]|\\.)*`?)|(\b\d[\w.]*)|([A-Za-z_$][\w$]*)(\s*\()?/g;
function highlightLine(code, lang, r = identity) {
  if (!lang || code.length > REPORT_MAX_HIGHLIGHT_LINE) return escapeHtml(r(code));
  let line = r(code);
  let comment = "";
  if (lang.comment) {
    const m = findComment(line, lang.comment);
    if (m >= 0) {
      comment = line.slice(m);
      line = line.slice(0, m);
    }
  }
  let out = "";
  let last = 0;
  for (const m of line.matchAll(TOKEN)) {
    const [whole, str2, numTok, ident, call] = m;
    out += escapeHtml(line.slice(last, m.index));
    last = m.index + whole.length;
    if (str2 !== void 0) {
      if (str2.startsWith("`") && !lang.backtick) {
        out += escapeHtml(str2);
      } else {
        out += `<span class="t-str">${escapeHtml(str2)}</span>`;
      }
    } else if (numTok !== void 0) {
      out += `<span class="t-num">${escapeHtml(numTok)}</span>`;
    } else if (ident !== void 0) {
      if (lang.keywords.has(ident)) out += `<span class="t-kw">${escapeHtml(ident)}</span>`;
      else if (call !== void 0) out += `<span class="t-fn">${escapeHtml(ident)}</span>`;
      else out += escapeHtml(ident);
      if (call !== void 0) out += escapeHtml(call);
    }
  }
  out += escapeHtml(line.slice(last));
  if (comment) out += `<span class="t-com">${escapeHtml(comment)}</span>`;
  return out;
}
function findComment(line, marker) {
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      quote = c;
      continue;
    }
    if (marker === HASH ? c === "#" && (i === 0 || /\s/.test(line[i - 1])) : c === "/" && line[i + 1] === "/") {
      return marker.test(line.slice(i)) ? i : -1;
    }
  }
  return -1;
}
function renderDiff(diff, path7, r = identity) {
  const lang = languageOf(path7);
  const lines = diff.replace(/\n$/, "").split("\n");
  const shown = lines.slice(0, REPORT_MAX_DIFF_LINES);
  let oldNo = 0;
  let newNo = 0;
  const rows = [];
  for (const line of shown) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      oldNo = Number(hunk[1]);
      newNo = Number(hunk[2]);
      rows.push(row("hunk", "", "", escapeHtml(r(line))));
    } else if (/^(diff --git |index |--- |\+\+\+ |new file mode|deleted file mode|old mode|new mode|similarity index|rename |Binary files)/.test(line)) {
      rows.push(row("meta", "", "", escapeHtml(r(line))));
    } else if (line.startsWith("+")) {
      rows.push(row("add", "", String(newNo++), `<span class="sign">+</span>${highlightLine(line.slice(1), lang, r)}`));
    } else if (line.startsWith("-")) {
      rows.push(row("del", String(oldNo++), "", `<span class="sign">-</span>${highlightLine(line.slice(1), lang, r)}`));
    } else if (line.startsWith("\\")) {
      rows.push(row("meta", "", "", escapeHtml(r(line))));
    } else {
      rows.push(row("ctx", String(oldNo++), String(newNo++), ` ${highlightLine(line.slice(1), lang, r)}`));
    }
  }
  if (lines.length > shown.length) rows.push(row("meta", "", "", escapeHtml(`\u2026 ${lines.length - shown.length} more lines (see diff.patch)`)));
  return `<div class="diff">${rows.join("")}</div>`;
}
function row(cls, oldNo, newNo, html) {
  return `<div class="dl ${cls}"><span class="n">${oldNo}</span><span class="n">${newNo}</span><span class="c">${html}</span></div>`;
}
function splitPatch(patch) {
  const files = [];
  const chunks = patch.split(/^(?=diff --git )/m).filter((c) => c.trim() !== "");
  for (const text of chunks) {
    const plus = /^\+\+\+ (?:b\/)?(.+)$/m.exec(text)?.[1];
    const minus = /^--- (?:a\/)?(.+)$/m.exec(text)?.[1];
    const git = /^diff --git a\/(.+?) b\/(.+)$/m.exec(text);
    const path7 = (plus && plus !== "/dev/null" ? plus : minus && minus !== "/dev/null" ? minus : git?.[2]) ?? "(patch)";
    let added = 0;
    let deleted = 0;
    for (const l of text.split("\n")) {
      if (l.startsWith("+") && !l.startsWith("+++")) added++;
      else if (l.startsWith("-") && !l.startsWith("---")) deleted++;
    }
    files.push({ path: path7, text, added, deleted });
  }
  return files;
}
function withoutFileHeader(text) {
  const lines = text.split("\n");
  const firstHunk = lines.findIndex((l) => l.startsWith("@@"));
  const headerEnd = firstHunk < 0 ? lines.length : firstHunk;
  return lines.filter((l, i) => i >= headerEnd || !/^(diff --git |index |--- |\+\+\+ )/.test(l)).join("\n");
}
function renderMessageText(text, r = identity) {
  const parts = r(text).split(/^ {0,3}(```+|~~~+)[^\n]*\n([\s\S]*?)^ {0,3}\1[ \t]*$/m);
  let html = "";
  for (let i = 0; i < parts.length; i += 3) {
    html += inlineMarkdown(escapeHtml(parts[i] ?? ""));
    if (i + 2 < parts.length) html += `<pre><code>${escapeHtml((parts[i + 2] ?? "").replace(/\n$/, ""))}</code></pre>`;
  }
  return html.replace(/<\/pre>\n/g, "</pre>");
}
function inlineMarkdown(escaped) {
  return escaped.replace(/(`+)([^`\n]|[^`\n][\s\S]*?[^`\n])\1(?!`)/g, (_m, _t, code) => `<code>${code}</code>`).replace(/\*\*([^*\n][^*]*?)\*\*/g, "<strong>$1</strong>");
}
function renderReport(timeline, result, patch, options = {}) {
  const r = options.redact ?? identity;
  const t = (s) => escapeHtml(r(s));
  const start = timeline.firstTs;
  const total = result.tokenUsage ?? timeline.tokenUsage?.total ?? null;
  const word = outcomeWord(result);
  const head = [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>tern run: ${escapeHtml(word)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>"
  ].join("\n");
  const facts = [
    `<span>exit <b>${result.exitCode}</b></span>`,
    result.turnStatus ? `<span>turn <b>${escapeHtml(result.turnStatus)}</b></span>` : "",
    `<span>duration <b>${escapeHtml(formatDuration(result.durationMs))}</b></span>`,
    timeline.model ? `<span>model <b class="mono">${t(timeline.model)}</b></span>` : "",
    result.threadId ?? timeline.threadId ? `<span>thread <span class="mono">${t(result.threadId ?? timeline.threadId ?? "")}</span></span>` : "",
    result.turnId ? `<span>turn id <span class="mono">${t(result.turnId)}</span></span>` : "",
    `<span>started <b>${t(result.startedAt)}</b></span>`
  ].filter(Boolean);
  const header = [
    `<header class="run ${escapeHtml(result.outcome)}" id="outcome"><div class="wrap">`,
    `<h1>tern run <span class="badge b-${escapeHtml(result.outcome)}" data-testid="outcome">${escapeHtml(word)}</span></h1>`,
    `<div class="meta">${facts.join("")}</div>`,
    result.failure ? `<div class="failure" data-testid="failure"><b>${escapeHtml(result.failure.kind)}:</b> ${t(result.failure.message)}</div>` : "",
    "</div></header>"
  ].join("\n");
  const counts = /* @__PURE__ */ new Map();
  for (const e of timeline.entries) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  const attached = new Set([...timeline.commands, ...timeline.fileChanges].flatMap((i) => i.approvals));
  const filters = KINDS.filter(({ kind }) => (counts.get(kind) ?? 0) > 0).map(({ kind, label }) => `<label><input type="checkbox" checked data-filter="${kind}"> ${label} (${counts.get(kind)})</label>`).join("");
  const toolbar = `<nav class="toolbar"><div class="wrap"><span class="kind">Show</span>${filters}<span class="spacer"></span><button type="button" id="expand-all">Expand all</button><button type="button" id="collapse-all">Collapse all</button></div></nav>`;
  const failedCommands = timeline.commands.filter((c) => c.status === "failed" || c.exitCode !== null && c.exitCode !== 0).length;
  const notAccepted = result.approvals.filter((a) => a.decision !== "accept").length;
  const retries = timeline.errors.filter((e) => e.willRetry).length;
  const stat2 = (k, v, s = "") => `<div class="stat"><div class="k">${k}</div><div class="v">${v}</div>${s ? `<div class="s">${s}</div>` : ""}</div>`;
  const stats = [
    '<section class="stats" data-testid="stats">',
    stat2("Files changed", String(result.filesChanged.length)),
    stat2("Commands", String(timeline.commands.length), failedCommands ? `${failedCommands} failed` : ""),
    stat2("Approvals", String(result.approvals.length), notAccepted ? `${notAccepted} not accepted` : ""),
    stat2("Tokens", total ? formatCount(total.totalTokens) : "n/a", total ? `in ${formatCount(total.inputTokens)} \xB7 cached ${formatCount(total.cachedInputTokens)} \xB7 out ${formatCount(total.outputTokens)}` : ""),
    stat2("Cost", escapeHtml(formatCost(result.budget.costUsd)), result.budget.costUsd === null ? "no price for the model" : "estimated"),
    stat2("Model requests", String(result.budget.modelRequests), retries ? `${retries} retried` : ""),
    stat2("Tool calls", String(result.budget.toolCalls)),
    stat2("Duration", escapeHtml(formatDuration(result.durationMs)), result.budget.exceeded ? `<b>${escapeHtml(result.budget.exceeded)} budget reached</b>` : ""),
    "</section>"
  ].join("\n");
  const files = result.filesChanged.length > 0 ? `<section class="box"><h2 style="margin-top:0">Files changed</h2><ul class="files mono">${result.filesChanged.map((f) => `<li>${t(f)}</li>`).join("")}</ul></section>` : "";
  const approvalsTable = result.approvals.length > 0 ? [
    '<section class="box" data-testid="approvals"><h2 style="margin-top:0">Approvals</h2><table class="list"><thead><tr><th>Decision</th><th>Request</th><th>Subject</th><th>Rule</th><th>Reason</th></tr></thead><tbody>',
    ...result.approvals.map(
      (a) => `<tr><td><span class="badge b-${decisionClass(a.decision)}">${escapeHtml(a.decision)}</span></td><td>${escapeHtml(approvalTarget(a.method))}</td><td class="mono">${a.subject ? t(a.subject) : "\u2013"}</td><td><span class="rule">${t(a.rule)}</span></td><td>${a.reason ? t(a.reason) : ""}</td></tr>`
    ),
    "</tbody></table></section>"
  ].join("\n") : "";
  const entries = timeline.entries.filter((e) => !(e.kind === "approval" && attached.has(e))).map((e) => renderEntry(e, r, start)).filter((s) => s !== null);
  const timelineHtml = [
    "<h2>Timeline</h2>",
    timeline.malformedLines || timeline.unreadableMessages ? `<p class="dim">The event log had ${timeline.malformedLines} unreadable line(s) and ${timeline.unreadableMessages} unreadable message(s); they are left out.</p>` : "",
    entries.length > 0 ? `<ol class="timeline" data-testid="timeline">
${entries.join("\n")}
</ol>` : '<p class="dim">No protocol events were recorded.</p>'
  ].join("\n");
  let patchHtml = "";
  if (patch && patch.trim() !== "") {
    const pfiles = splitPatch(patch);
    patchHtml = [
      `<h2>Diff <span class="dim">(diff.patch: ${pfiles.length} file${pfiles.length === 1 ? "" : "s"})</span></h2>`,
      '<section data-testid="patch">',
      ...pfiles.map(
        (f) => `<details open class="box"><summary><span class="path mono">${t(f.path)}</span> <span class="dim">+${f.added} \u2212${f.deleted}</span></summary>${renderDiff(withoutFileHeader(f.text), f.path, r)}</details>`
      ),
      "</section>"
    ].join("\n");
  }
  const footer = `<footer>Generated by tern run${timeline.firstTs !== null ? ` from ${timeline.entries.length} timeline entries` : ""}. This page is self-contained: it loads nothing and runs only its own script.</footer>`;
  return [
    head,
    "<body>",
    header,
    toolbar,
    "<main>",
    stats,
    files,
    approvalsTable,
    timelineHtml,
    patchHtml,
    "</main>",
    footer,
    `<script>${SCRIPT}</script>`,
    "</body>",
    "</html>",
    ""
  ].filter((s) => s !== "").join("\n");
}
function approvalTarget(method) {
  if (method === "item/commandExecution/requestApproval") return "command";
  if (method === "item/fileChange/requestApproval") return "file change";
  return method;
}
function li(kind, ts, start, card, extraClass = "") {
  return `<li class="entry k-${kind}${extraClass ? " " + extraClass : ""}" data-kind="${kind}"><div class="when">${escapeHtml(formatOffset(ts, start))}</div><div class="dot"></div>${card}</li>`;
}
function approvalHtml(a, r) {
  const cls = decisionClass(a.decision);
  return [
    `<div class="approval ${cls}" data-testid="approval">`,
    `<span class="kind">Approval</span>`,
    `<span class="badge b-${cls}">${escapeHtml(a.decision ?? "no reply")}</span>`,
    a.rule ? `<span>rule <code>${escapeHtml(r(a.rule))}</code></span>` : '<span class="dim">rule not recorded</span>',
    a.policyReason ? `<span>${escapeHtml(r(a.policyReason))}</span>` : "",
    a.serverReason ? `<span class="dim">server asked: ${escapeHtml(r(a.serverReason))}</span>` : "",
    "</div>"
  ].join("");
}
function statusBadge(status, complete) {
  if (!complete) return '<span class="badge b-warn">did not complete</span>';
  return `<span class="badge b-${escapeHtml(status)}">${escapeHtml(status)}</span>`;
}
function renderCommand(e, r, start) {
  const failed = e.status === "failed" || e.exitCode !== null && e.exitCode !== 0;
  const head = [
    '<div class="head">',
    '<span class="kind">Command</span>',
    statusBadge(e.status, e.complete),
    e.exitCode !== null ? `<span class="badge ${e.exitCode === 0 ? "b-completed" : "b-fail"}">exit ${e.exitCode}</span>` : "",
    e.durationMs !== null ? `<span class="dim">${escapeHtml(formatDuration(e.durationMs))}</span>` : "",
    "</div>"
  ].join("");
  let output = "";
  if (e.output !== "") {
    const out = tail(r(e.output), Number.MAX_SAFE_INTEGER, REPORT_MAX_OUTPUT_CHARS);
    const open = failed && out.totalLines <= REPORT_OPEN_OUTPUT_MAX_LINES ? " open" : "";
    const cut2 = out.omittedLines > 0 ? ` (last ${out.totalLines - out.omittedLines} of ${out.totalLines} lines)` : "";
    output = `<details${open}><summary>Output: ${out.totalLines} line${out.totalLines === 1 ? "" : "s"}${cut2}</summary><pre class="out" data-testid="output">${escapeHtml(out.text)}</pre></details>`;
  } else if (e.complete && e.status !== "declined") {
    output = '<div class="dim">No output.</div>';
  }
  const card = `<div class="card command${failed ? " failed" : ""}">${head}<div class="cmd" data-testid="command">${escapeHtml(r(e.command))}</div>${e.approvals.map((a) => approvalHtml(a, r)).join("")}${output}</div>`;
  return li("command", e.ts, start, card);
}
function renderFileChange(e, r, start) {
  const head = `<div class="head"><span class="kind">File change</span>${statusBadge(e.status, e.complete)}<span class="dim">${e.changes.length} file${e.changes.length === 1 ? "" : "s"}</span></div>`;
  const changes = e.changes.map((c) => {
    const name = c.movePath ? `${escapeHtml(r(c.path))} \u2192 ${escapeHtml(r(c.movePath))}` : escapeHtml(r(c.path));
    const body = c.diff === "" ? '<div class="dim">(empty)</div>' : renderDiff(c.diff, c.movePath ?? c.path, r);
    return `<div class="change"><span class="path">${name}</span> <span class="badge b-neutral">${escapeHtml(c.kind)}</span><details open><summary>diff</summary>${body}</details></div>`;
  }).join("");
  return li("fileChange", e.ts, start, `<div class="card filechange">${head}${e.approvals.map((a) => approvalHtml(a, r)).join("")}${changes}</div>`);
}
function renderEntry(e, r, start) {
  switch (e.kind) {
    case "message": {
      const label = e.role === "user" ? "User" : e.phase === "commentary" ? "Agent (commentary)" : "Agent";
      const lines = e.text.split("\n").length;
      let text = `<div class="text" data-testid="message">${renderMessageText(e.text, r)}</div>`;
      if (e.role === "user" && lines > REPORT_FOLD_MESSAGE_LINES) {
        const first = e.text.split("\n", 1)[0] ?? "";
        text = `<details><summary>${escapeHtml(r(first))} <span class="dim">(${lines} lines)</span></summary>${text}</details>`;
      }
      const card = `<div class="card ${e.role}"><div class="head"><span class="kind">${label}</span>${e.complete ? "" : '<span class="badge b-warn">incomplete</span>'}</div>${text}</div>`;
      return li("message", e.ts, start, card);
    }
    case "reasoning": {
      const parts = (e.summary.length > 0 ? e.summary : e.content).filter((s) => s.trim() !== "");
      if (parts.length === 0) return null;
      return li("reasoning", e.ts, start, `<div class="card reasoning"><div class="head"><span class="kind">Reasoning</span></div><div class="text">${renderMessageText(parts.join("\n\n"), r)}</div></div>`);
    }
    case "command":
      return renderCommand(e, r, start);
    case "fileChange":
      return renderFileChange(e, r, start);
    case "approval": {
      const subject = e.subject ? `<div class="${e.target === "command" ? "cmd" : "mono"}">${escapeHtml(r(e.subject))}</div>` : "";
      const what = e.target === "command" ? "command" : e.target === "fileChange" ? "file change" : e.method;
      return li("approval", e.ts, start, `<div class="card"><div class="head"><span class="kind">Approval request</span><span class="dim">${escapeHtml(what)}</span></div>${subject}${approvalHtml(e, r)}</div>`);
    }
    case "error": {
      const title = e.source === "rpc" ? `Error reply to ${e.method ?? "a request"}` : e.willRetry ? "Error, retrying" : "Error";
      const cls = e.willRetry ? "retry" : "err";
      const body = `<div class="text">${e.code ? `<code>${escapeHtml(r(e.code))}</code> ` : ""}${escapeHtml(r(e.message))}</div>${e.detail ? `<details><summary>details</summary><pre class="out">${escapeHtml(r(e.detail))}</pre></details>` : ""}`;
      return li("error", e.ts, start, `<div class="card ${cls}"><div class="head"><span class="kind">${escapeHtml(title)}</span></div>${body}</div>`);
    }
    case "warning":
      return li("warning", e.ts, start, `<div class="card warn"><div class="head"><span class="kind">Warning</span></div><div class="text">${escapeHtml(r(e.message))}${e.detail ? "\n" + escapeHtml(r(e.detail)) : ""}</div></div>`);
    case "tokenUsage": {
      const l = e.last;
      const text = `model response: ${formatCount(l.totalTokens)} tokens (in ${formatCount(l.inputTokens)} \xB7 cached ${formatCount(l.cachedInputTokens)} \xB7 out ${formatCount(l.outputTokens)}) \xB7 total ${formatCount(e.total.totalTokens)}`;
      return li("tokenUsage", e.ts, start, `<div class="tokens">${escapeHtml(text)}</div>`);
    }
    case "compaction":
      return li("compaction", e.ts, start, '<div class="card"><div class="head"><span class="kind">Context compacted</span><span class="dim">the history so far was replaced by a summary</span></div></div>');
    case "interrupt":
      return li("interrupt", e.ts, start, '<div class="card warn"><div class="head"><span class="kind">Interrupted</span><span>tern run interrupted the turn</span></div></div>');
    case "turnCompleted": {
      const cls = e.status === "completed" ? "b-completed" : e.status === "failed" ? "b-failed" : "b-interrupted";
      const body = e.error ? `<div class="text">${escapeHtml(r(e.error.message))}</div>` : "";
      return li(
        "turnCompleted",
        e.ts,
        start,
        `<div class="card"><div class="head"><span class="kind">Turn ended</span><span class="badge ${cls}">${escapeHtml(e.status)}</span>${e.durationMs !== null ? `<span class="dim">${escapeHtml(formatDuration(e.durationMs))}</span>` : ""}</div>${body}</div>`,
        e.status
      );
    }
  }
}

// src/artifacts/summary.ts
var SUMMARY_FILE = "summary.md";
var SUMMARY_MAX_FILES = 30;
var SUMMARY_MAX_COMMANDS = 25;
var SUMMARY_MAX_APPROVALS = 25;
var SUMMARY_MAX_ERRORS = 10;
var SUMMARY_MAX_CELL_CHARS = 120;
var SUMMARY_MAX_MESSAGE_CHARS = 4e3;
function cut(text, max) {
  return text.length <= max ? text : text.slice(0, max - 1) + "\u2026";
}
function more(shown, total, what) {
  return total > shown ? ["", `_\u2026and ${total - shown} more ${what} (see transcript.md)._`] : [];
}
function renderSummary(timeline, result, options = {}) {
  const r = options.redact ?? identity;
  const cell = (s) => mdCode(cut(r(s), SUMMARY_MAX_CELL_CHARS), true);
  const out = [];
  out.push(`### ${outcomeIcon(result)} tern run: ${outcomeWord(result)}`, "");
  if (result.failure) out.push(`> **${result.failure.kind}:** ${mdText(cut(r(result.failure.message), SUMMARY_MAX_MESSAGE_CHARS))}`, "");
  const total = result.tokenUsage ?? timeline.tokenUsage?.total ?? null;
  const commands = timeline.commands;
  const failedCommands = commands.filter((c) => c.status === "failed" || c.exitCode !== null && c.exitCode !== 0).length;
  const approvals = result.approvals;
  const denied = approvals.filter((a) => a.decision !== "accept").length;
  const retries = timeline.errors.filter((e) => e.willRetry).length;
  out.push("| | |", "|---|---|");
  out.push(`| Outcome | ${outcomeWord(result)} \xB7 exit ${result.exitCode}${result.turnStatus ? ` \xB7 turn ${result.turnStatus}` : ""} |`);
  out.push(`| Duration | ${formatDuration(result.durationMs)} |`);
  out.push(`| Files changed | ${result.filesChanged.length} |`);
  out.push(`| Commands | ${commands.length}${failedCommands > 0 ? ` (${failedCommands} failed)` : ""} |`);
  out.push(`| Approvals | ${approvals.length}${denied > 0 ? ` (${denied} not accepted)` : ""} |`);
  out.push(
    `| Tokens | ${total ? `${formatCount(total.totalTokens)} (input ${formatCount(total.inputTokens)}, cached ${formatCount(total.cachedInputTokens)}, output ${formatCount(total.outputTokens)})` : "n/a"} |`
  );
  out.push(`| Cost | ${result.budget.costUsd === null ? "n/a (no price for the model)" : `${formatCost(result.budget.costUsd)} (estimated)`} |`);
  out.push(`| Model requests | ${result.budget.modelRequests}${retries > 0 ? ` (${retries} retried)` : ""} |`);
  out.push(`| Tool calls | ${result.budget.toolCalls} |`);
  if (result.budget.exceeded) out.push(`| Budget | **${result.budget.exceeded} budget reached** |`);
  if (timeline.model) out.push(`| Model | ${cell(timeline.model)} |`);
  out.push("");
  if (result.filesChanged.length > 0) {
    const shown = result.filesChanged.slice(0, SUMMARY_MAX_FILES);
    out.push(`#### Files changed (${result.filesChanged.length})`, "");
    for (const f of shown) out.push(`- ${mdCode(r(f))}`);
    out.push(...more(shown.length, result.filesChanged.length, "files"), "");
  }
  if (commands.length > 0) {
    const shown = commands.slice(0, SUMMARY_MAX_COMMANDS);
    out.push(`#### Commands (${commands.length})`, "", "| # | Command | Exit | Status |", "|---:|---|---:|---|");
    shown.forEach((c, i) => out.push(`| ${i + 1} | ${cell(c.command)} | ${c.exitCode ?? "\u2013"} | ${commandStatus(c, r)} |`));
    out.push(...more(shown.length, commands.length, "commands"), "");
  }
  if (approvals.length > 0) {
    const shown = approvals.slice(0, SUMMARY_MAX_APPROVALS);
    out.push(`#### Approvals (${approvals.length})`, "", "| Decision | Request | Subject | Rule |", "|---|---|---|---|");
    for (const a of shown) {
      const what = a.method === "item/commandExecution/requestApproval" ? "command" : a.method === "item/fileChange/requestApproval" ? "file change" : cell(a.method);
      out.push(`| ${decisionIcon(a.decision)} ${a.decision} | ${what} | ${a.subject ? cell(a.subject) : "\u2013"} | ${cell(a.rule)} |`);
    }
    out.push(...more(shown.length, approvals.length, "approvals"), "");
  }
  const errors = timeline.errors;
  if (errors.length > 0) {
    const shown = errors.slice(0, SUMMARY_MAX_ERRORS);
    out.push(`#### Errors (${errors.length})`, "");
    for (const e of shown) {
      const tag = e.source === "rpc" ? `reply to ${mdText(e.method ?? "a request")}` : e.willRetry ? "retried" : "error";
      out.push(`- ${tag}${e.code ? ` ${mdCode(r(e.code))}` : ""}: ${mdText(cut(r(e.message), SUMMARY_MAX_CELL_CHARS * 2))}`);
    }
    out.push(...more(shown.length, errors.length, "errors"), "");
  }
  if (result.finalMessage) {
    const text = r(result.finalMessage);
    const shown = text.length > SUMMARY_MAX_MESSAGE_CHARS ? text.slice(0, SUMMARY_MAX_MESSAGE_CHARS) + "\n\u2026" : text;
    out.push("<details><summary>Final message</summary>", "", mdFence(shown, "text"), "", "</details>", "");
  }
  return out.join("\n");
}
function commandStatus(c, r) {
  if (!c.complete) return "did not complete";
  const approval = c.approvals.at(-1);
  if (c.status === "declined" && approval?.rule) return `declined by ${mdCode(cut(r(approval.rule), SUMMARY_MAX_CELL_CHARS), true)}`;
  return c.status;
}

// src/artifacts/timeline.ts
function isRecord(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function isEventLine(v) {
  return isRecord(v) && (v.dir === "c2s" || v.dir === "s2c") && "msg" in v;
}
function parseEventsJsonl(text) {
  const events = [];
  let header = null;
  let malformedLines = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let value;
    try {
      value = JSON.parse(line);
    } catch {
      malformedLines++;
      continue;
    }
    if (isEventLine(value)) {
      events.push({ ts: typeof value.ts === "number" ? value.ts : 0, dir: value.dir, msg: value.msg });
    } else if (isRecord(value) && isRecord(value.note)) {
      continue;
    } else if (header === null && events.length === 0 && isRecord(value)) {
      header = value;
    } else {
      malformedLines++;
    }
  }
  return { events, header, malformedLines };
}
function isRequestId(v) {
  return typeof v === "string" || typeof v === "number";
}
function classify(msg) {
  if (!isRecord(msg)) return { type: "other" };
  if (typeof msg.method === "string") {
    return isRequestId(msg.id) ? { type: "request", id: msg.id, method: msg.method, params: msg.params } : { type: "notification", method: msg.method, params: msg.params };
  }
  if ("result" in msg && isRequestId(msg.id)) return { type: "response", id: msg.id, result: msg.result };
  if (isRecord(msg.error)) {
    const e = msg.error;
    return {
      type: "errorResponse",
      id: isRequestId(msg.id) ? msg.id : null,
      error: { code: typeof e.code === "number" ? e.code : null, message: typeof e.message === "string" ? e.message : "error" }
    };
  }
  return { type: "other" };
}
var str = (v) => typeof v === "string" ? v : null;
var num = (v) => typeof v === "number" && Number.isFinite(v) ? v : null;
function decisionName(decision) {
  if (typeof decision === "string") return decision;
  if (isRecord(decision)) return Object.keys(decision)[0] ?? "unknown";
  return "unknown";
}
function errorCodeName(info) {
  if (typeof info === "string") return info;
  if (isRecord(info)) {
    const [key, value] = Object.entries(info)[0] ?? [];
    if (key === void 0) return null;
    const status = isRecord(value) ? num(value.httpStatusCode) : null;
    return status === null ? key : `${key} ${status}`;
  }
  return null;
}
function userText(content) {
  return content.map((c) => {
    switch (c.type) {
      case "text":
        return c.text;
      case "image":
        return "[image]";
      case "localImage":
        return `[image ${c.path}]`;
      case "skill":
        return `[skill ${c.name}]`;
      case "mention":
        return `[mention ${c.name}]`;
      default:
        return "";
    }
  }).join("\n");
}
function contentAsDiff(content, sign) {
  if (content === "") return "";
  const lines = content.endsWith("\n") ? content.slice(0, -1).split("\n") : content.split("\n");
  const range = sign === "+" ? `@@ -0,0 +1,${lines.length} @@` : `@@ -1,${lines.length} +0,0 @@`;
  return [range, ...lines.map((l) => sign + l)].join("\n") + "\n";
}
function relativeTo(cwd, p) {
  if (cwd && p.startsWith(cwd.endsWith("/") ? cwd : cwd + "/")) return p.slice(cwd.length).replace(/^\/+/, "");
  return p;
}
var Builder = class {
  t = {
    threadId: null,
    model: null,
    cwd: null,
    turns: [],
    entries: [],
    commands: [],
    fileChanges: [],
    approvals: [],
    errors: [],
    tokenUsage: null,
    unmatchedApprovals: [],
    firstTs: null,
    lastTs: null,
    header: null,
    malformedLines: 0,
    unreadableMessages: 0
  };
  /** Requests the client sent, by id: what a server reply answers. */
  clientRequests = /* @__PURE__ */ new Map();
  /** Server requests (approvals), by id: what a client reply answers. */
  serverRequests = /* @__PURE__ */ new Map();
  items = /* @__PURE__ */ new Map();
  deltas = /* @__PURE__ */ new Map();
  reasoningParts = /* @__PURE__ */ new Map();
  reasoningContent = /* @__PURE__ */ new Map();
  ts = 0;
  turnId = null;
  push(entry) {
    const full = { seq: this.t.entries.length, ts: this.ts, turnId: this.turnId, ...entry };
    this.t.entries.push(full);
    return full;
  }
  event(e) {
    this.ts = e.ts;
    this.t.firstTs ??= e.ts;
    this.t.lastTs = e.ts;
    try {
      this.message(e.dir, classify(e.msg));
    } catch {
      this.t.unreadableMessages++;
    }
  }
  message(dir, m) {
    switch (m.type) {
      case "request":
        if (dir === "c2s") {
          this.clientRequests.set(m.id, m.method);
          if (m.method === "turn/interrupt") this.push({ kind: "interrupt" });
        } else {
          this.serverRequest(m.id, m.method, m.params);
        }
        return;
      case "notification":
        if (dir === "s2c") this.notification(m.method, m.params);
        return;
      case "response":
        if (dir === "s2c") this.clientRequestAnswered(m.id, m.result);
        else this.serverRequestAnswered(m.id, m.result);
        return;
      case "errorResponse":
        if (dir === "s2c") {
          const method = m.id === null ? null : this.clientRequests.get(m.id) ?? null;
          this.error({ source: "rpc", message: m.error.message, code: m.error.code === null ? null : String(m.error.code), detail: null, willRetry: false, method });
        } else if (m.id !== null) {
          const approval = this.serverRequests.get(m.id);
          if (approval) {
            approval.decision = "error";
            approval.decidedTs = this.ts;
          }
        }
        return;
      case "other":
        this.t.unreadableMessages++;
        return;
    }
  }
  clientRequestAnswered(id, result) {
    const method = this.clientRequests.get(id);
    if (!isRecord(result)) return;
    if (method === "thread/start" || method === "thread/resume") {
      const r = result;
      this.t.threadId = str(r.thread?.id) ?? this.t.threadId;
      this.t.model = str(r.model) ?? this.t.model;
      this.t.cwd = str(r.cwd) ?? this.t.cwd;
    } else if (method === "turn/start") {
      const r = result;
      const id2 = str(r.turn?.id);
      if (id2) this.turn(id2);
    }
  }
  turn(id) {
    this.turnId = id;
    let turn = this.t.turns.find((t) => t.id === id);
    if (!turn) {
      turn = { id, status: "inProgress", error: null, startedTs: this.ts, completedTs: null, durationMs: null };
      this.t.turns.push(turn);
    }
    return turn;
  }
  serverRequest(id, method, params) {
    const p = isRecord(params) ? params : {};
    const itemId = str(p.itemId);
    let target = "other";
    let subject = null;
    if (method === "item/commandExecution/requestApproval") {
      const cp = p;
      target = "command";
      subject = str(cp.command);
    } else if (method === "item/fileChange/requestApproval") {
      target = "fileChange";
      const item2 = itemId ? this.items.get(itemId) : void 0;
      if (item2?.kind === "fileChange") subject = item2.changes.map((c) => c.path).join(", ") || null;
    }
    const entry = this.push({
      kind: "approval",
      requestId: id,
      method,
      target,
      itemId,
      subject,
      serverReason: str(p.reason),
      decision: null,
      decidedTs: null,
      rule: null,
      policyReason: null,
      turnId: str(p.turnId) ?? this.turnId
    });
    this.serverRequests.set(id, entry);
    this.t.approvals.push(entry);
    const item = itemId ? this.items.get(itemId) : void 0;
    if (item && (item.kind === "command" || item.kind === "fileChange")) item.approvals.push(entry);
  }
  serverRequestAnswered(id, result) {
    const approval = this.serverRequests.get(id);
    if (!approval || !isRecord(result)) return;
    const r = result;
    approval.decision = decisionName(r.decision);
    approval.decidedTs = this.ts;
  }
  notification(method, params) {
    if (!isRecord(params)) return;
    const n = params;
    switch (method) {
      case "thread/started": {
        const p = n;
        this.t.threadId ??= str(p.thread?.id);
        this.t.model ??= str(p.thread?.model);
        this.t.cwd ??= str(p.thread?.cwd);
        return;
      }
      case "turn/started": {
        const p = n;
        const id = str(p.turn?.id);
        if (id) this.turn(id);
        return;
      }
      case "turn/completed": {
        const p = n;
        const id = str(p.turn?.id);
        if (!id) return;
        const turn = this.turn(id);
        turn.status = p.turn.status;
        turn.error = p.turn.error ?? null;
        turn.completedTs = this.ts;
        turn.durationMs = num(p.turn.durationMs);
        this.push({ kind: "turnCompleted", status: turn.status, error: turn.error, durationMs: turn.durationMs });
        return;
      }
      case "item/started":
      case "item/completed": {
        const p = n;
        if (isRecord(p.item)) this.item(p.item, method === "item/completed", str(p.turnId));
        return;
      }
      case "item/agentMessage/delta":
      case "item/commandExecution/outputDelta": {
        const p = n;
        const itemId = str(p.itemId);
        const delta = str(p.delta);
        if (itemId === null || delta === null) return;
        const parts = this.deltas.get(itemId) ?? [];
        parts.push(delta);
        this.deltas.set(itemId, parts);
        return;
      }
      case "item/reasoning/summaryTextDelta":
      case "item/reasoning/textDelta": {
        const summary = method === "item/reasoning/summaryTextDelta";
        const p = n;
        const itemId = str(p.itemId);
        const delta = str(p.delta);
        const index = num(summary ? p.summaryIndex : p.contentIndex) ?? 0;
        if (itemId === null || delta === null) return;
        const store = summary ? this.reasoningParts : this.reasoningContent;
        const parts = store.get(itemId) ?? [];
        parts[index] = (parts[index] ?? "") + delta;
        store.set(itemId, parts);
        return;
      }
      case "thread/tokenUsage/updated": {
        const p = n;
        const usage = p.tokenUsage;
        if (!isRecord(usage) || !isRecord(usage.total)) return;
        this.t.tokenUsage = usage;
        this.push({
          kind: "tokenUsage",
          total: usage.total,
          last: usage.last,
          modelContextWindow: num(usage.modelContextWindow),
          turnId: str(p.turnId) ?? this.turnId
        });
        return;
      }
      case "error": {
        const p = n;
        const e = isRecord(p.error) ? p.error : {};
        this.error({
          source: "turn",
          message: str(e.message) ?? "error",
          code: errorCodeName(e.codexErrorInfo),
          detail: str(e.additionalDetails),
          willRetry: p.willRetry === true,
          method: null
        });
        return;
      }
      case "warning": {
        const p = n;
        this.push({ kind: "warning", message: str(p.message) ?? "", detail: null });
        return;
      }
      case "configWarning": {
        const p = n;
        this.push({ kind: "warning", message: str(p.summary) ?? "", detail: str(p.details) });
        return;
      }
      default:
        return;
    }
  }
  error(e) {
    this.t.errors.push(this.push({ kind: "error", ...e }));
  }
  item(raw, completed, turnId) {
    const item = raw;
    const id = str(item.id);
    if (id === null) return;
    const existing = this.items.get(id);
    const base = { turnId: turnId ?? this.turnId };
    switch (item.type) {
      case "userMessage":
      case "agentMessage": {
        const text = item.type === "userMessage" ? userText(Array.isArray(item.content) ? item.content : []) : str(item.text) ?? "";
        const entry = existing?.kind === "message" ? existing : this.push({ ...base, kind: "message", role: item.type === "userMessage" ? "user" : "agent", itemId: id, text: "", phase: null, complete: false });
        if (item.type === "agentMessage") entry.phase = item.phase ?? null;
        if (completed || text !== "") entry.text = text;
        if (completed) entry.complete = true;
        this.items.set(id, entry);
        return;
      }
      case "reasoning": {
        const entry = existing?.kind === "reasoning" ? existing : this.push({ ...base, kind: "reasoning", itemId: id, summary: [], content: [], complete: false });
        if (completed) {
          entry.summary = Array.isArray(item.summary) ? item.summary.filter((s) => typeof s === "string") : entry.summary;
          entry.content = Array.isArray(item.content) ? item.content.filter((s) => typeof s === "string") : [];
          entry.complete = true;
        }
        this.items.set(id, entry);
        return;
      }
      case "commandExecution": {
        const c = item;
        const entry = existing?.kind === "command" ? existing : this.push({
          ...base,
          kind: "command",
          itemId: id,
          command: "",
          cwd: null,
          status: "inProgress",
          exitCode: null,
          output: "",
          durationMs: null,
          complete: false,
          approvals: this.approvalsFor(id)
        });
        entry.command = str(c.command) ?? entry.command;
        entry.cwd = str(c.cwd) ?? entry.cwd;
        entry.status = c.status ?? entry.status;
        entry.exitCode = num(c.exitCode) ?? entry.exitCode;
        entry.durationMs = num(c.durationMs) ?? entry.durationMs;
        if (completed) {
          entry.output = str(c.aggregatedOutput) ?? (this.deltas.get(id) ?? []).join("");
          entry.complete = true;
        }
        if (!existing) this.t.commands.push(entry);
        this.items.set(id, entry);
        return;
      }
      case "fileChange": {
        const f = item;
        const entry = existing?.kind === "fileChange" ? existing : this.push({ ...base, kind: "fileChange", itemId: id, status: "inProgress", changes: [], complete: false, approvals: this.approvalsFor(id) });
        entry.status = f.status ?? entry.status;
        if (Array.isArray(f.changes) && (completed || entry.changes.length === 0)) {
          entry.changes = f.changes.filter(isRecord).map((ch) => {
            const absolutePath = str(ch.path) ?? "";
            const kind = ch.kind?.type === "add" || ch.kind?.type === "delete" ? ch.kind.type : "update";
            const movePath = ch.kind?.type === "update" ? str(ch.kind.move_path) : null;
            const diff = str(ch.diff) ?? "";
            return {
              path: relativeTo(this.t.cwd, absolutePath),
              absolutePath,
              kind,
              movePath: movePath === null ? null : relativeTo(this.t.cwd, movePath),
              diff: kind === "update" ? diff : contentAsDiff(diff, kind === "add" ? "+" : "-")
            };
          });
          for (const a of entry.approvals) if (a.subject === null) a.subject = entry.changes.map((c) => c.path).join(", ") || null;
        }
        if (completed) entry.complete = true;
        if (!existing) this.t.fileChanges.push(entry);
        this.items.set(id, entry);
        return;
      }
      case "contextCompaction": {
        if (!existing) this.items.set(id, this.push({ ...base, kind: "compaction", itemId: id }));
        return;
      }
      default:
        return;
    }
  }
  /** Approval requests that arrived before their item (so the item still lists them). */
  approvalsFor(itemId) {
    return this.t.approvals.filter((a) => a.itemId === itemId);
  }
  /** Items that never completed (the run ended first) get their text from the deltas. */
  finish() {
    for (const [id, item] of this.items) {
      if (item.kind === "compaction" || item.complete) continue;
      const deltas = this.deltas.get(id);
      if (item.kind === "message" && deltas) item.text = deltas.join("");
      else if (item.kind === "command" && deltas) item.output = deltas.join("");
      else if (item.kind === "reasoning") {
        const summary = this.reasoningParts.get(id);
        const content = this.reasoningContent.get(id);
        if (summary) item.summary = Array.from(summary, (s) => s ?? "");
        if (content) item.content = Array.from(content, (s) => s ?? "");
      }
    }
  }
  /** Joins RunResult.approvals (the deciding rule) onto the recorded requests, by itemId and method, in order. */
  joinResult(records) {
    const unused = [...records];
    for (const approval of this.t.approvals) {
      const i = unused.findIndex((r) => r.itemId === approval.itemId && (r.method === approval.method || !r.method));
      if (i < 0) continue;
      const [record] = unused.splice(i, 1);
      if (!record) continue;
      approval.rule = record.rule;
      approval.policyReason = record.reason;
      approval.decision ??= record.decision;
      approval.subject ??= record.subject;
    }
    this.t.unmatchedApprovals = unused;
  }
};
function buildTimeline(events, result) {
  const b = new Builder();
  let lines;
  if (typeof events === "string") {
    const parsed = parseEventsJsonl(events);
    lines = parsed.events;
    b.t.header = parsed.header;
    b.t.malformedLines = parsed.malformedLines;
  } else {
    lines = events;
  }
  for (const e of lines) b.event(e);
  b.finish();
  b.joinResult(result?.approvals ?? []);
  return b.t;
}

// src/artifacts/transcript.ts
var TRANSCRIPT_FILE = "transcript.md";
var TRANSCRIPT_OUTPUT_TAIL_LINES = 60;
var TRANSCRIPT_OUTPUT_TAIL_CHARS = 6e3;
var TRANSCRIPT_DIFF_MAX_LINES = 400;
function renderTranscript(timeline, result, options = {}) {
  const r = options.redact ?? identity;
  const out = [];
  const start = timeline.firstTs;
  out.push(`# ${outcomeIcon(result)} tern run transcript: ${outcomeWord(result)}`, "");
  const facts = [`exit ${result.exitCode}`];
  if (result.turnStatus) facts.push(`turn ${result.turnStatus}`);
  facts.push(formatDuration(result.durationMs));
  const total = result.tokenUsage ?? timeline.tokenUsage?.total ?? null;
  if (total) facts.push(`${formatCount(total.totalTokens)} tokens`);
  if (result.budget.costUsd !== null) facts.push(`${formatCost(result.budget.costUsd)} (estimated)`);
  out.push(facts.join(" \xB7 "), "");
  const ids = [];
  if (timeline.model) ids.push(`model ${mdCode(r(timeline.model))}`);
  if (result.threadId ?? timeline.threadId) ids.push(`thread ${mdCode(r(result.threadId ?? timeline.threadId ?? ""))}`);
  if (result.turnId) ids.push(`turn ${mdCode(r(result.turnId))}`);
  ids.push(`started ${result.startedAt}`);
  out.push(ids.join(" \xB7 "), "");
  if (result.failure) out.push(`**Failure (${result.failure.kind}):** ${mdText(r(result.failure.message))}`, "");
  if (timeline.malformedLines > 0 || timeline.unreadableMessages > 0) {
    out.push(`_The event log had ${timeline.malformedLines} unreadable line(s) and ${timeline.unreadableMessages} unreadable message(s); they are left out._`, "");
  }
  out.push("---", "");
  const attached = new Set([...timeline.commands, ...timeline.fileChanges].flatMap((i) => i.approvals));
  for (const entry of timeline.entries) {
    if (entry.kind === "approval" && attached.has(entry)) continue;
    const block = renderEntry2(entry, r, start);
    if (block !== null) out.push(block, "");
  }
  if (timeline.entries.length === 0) out.push("_No protocol events were recorded._", "");
  if (timeline.unmatchedApprovals.length > 0) {
    out.push("### Approvals without a recorded request", "");
    for (const a of timeline.unmatchedApprovals) {
      out.push(`- ${decisionIcon(a.decision)} **${a.decision}** ${a.subject ? mdCode(r(a.subject)) : mdText(a.method)} \xB7 rule ${mdCode(r(a.rule))}`);
    }
    out.push("");
  }
  if (total) {
    out.push(
      "---",
      "",
      `Tokens: ${formatCount(total.totalTokens)} total (input ${formatCount(total.inputTokens)}, cached ${formatCount(total.cachedInputTokens)}, output ${formatCount(total.outputTokens)}, reasoning ${formatCount(total.reasoningOutputTokens)}) \xB7 model requests ${result.budget.modelRequests} \xB7 tool calls ${result.budget.toolCalls} \xB7 cost ${formatCost(result.budget.costUsd)}`,
      ""
    );
  }
  return out.join("\n");
}
function heading(title, ts, start) {
  const at = formatOffset(ts, start);
  return `### ${title}${at ? ` \xB7 ${at}` : ""}`;
}
function renderEntry2(e, r, start) {
  switch (e.kind) {
    case "message": {
      const who = e.role === "user" ? "\u{1F464} User" : "\u{1F916} Agent";
      const note = e.complete ? "" : " (incomplete)";
      const text = r(e.text);
      return [heading(`${who}${note}`, e.ts, start), "", text.trim() === "" ? "_(empty)_" : mdQuote(safeMarkdown(text))].join("\n");
    }
    case "reasoning": {
      const parts = (e.summary.length > 0 ? e.summary : e.content).filter((s) => s.trim() !== "");
      if (parts.length === 0) return null;
      return [heading("\u{1F4AD} Reasoning", e.ts, start), "", mdQuote(safeMarkdown(r(parts.join("\n\n"))))].join("\n");
    }
    case "command": {
      const facts = [];
      if (e.exitCode !== null) facts.push(`exit ${e.exitCode}`);
      facts.push(e.complete ? e.status : "did not complete");
      if (e.durationMs !== null) facts.push(formatDuration(e.durationMs));
      const lines = [heading(`\u25B6 Command (${facts.join(", ")})`, e.ts, start), "", mdFence(r(e.command), "sh")];
      for (const a of e.approvals) lines.push("", approvalLine(a.decision, a.rule, a.policyReason ?? a.serverReason, r));
      if (e.output !== "") {
        const t = tail(r(e.output), TRANSCRIPT_OUTPUT_TAIL_LINES, TRANSCRIPT_OUTPUT_TAIL_CHARS);
        lines.push("", t.omittedLines > 0 ? `Output (last ${t.totalLines - t.omittedLines} of ${t.totalLines} lines):` : "Output:", "", mdFence(t.text, "text"));
      } else if (e.complete && e.status !== "declined") {
        lines.push("", "_No output._");
      }
      return lines.join("\n");
    }
    case "fileChange": {
      const lines = [heading(`\u270F\uFE0F File change (${e.complete ? e.status : "did not complete"})`, e.ts, start)];
      for (const a of e.approvals) lines.push("", approvalLine(a.decision, a.rule, a.policyReason ?? a.serverReason, r));
      for (const c of e.changes) {
        const name = c.movePath ? `${mdCode(r(c.path))} \u2192 ${mdCode(r(c.movePath))}` : mdCode(r(c.path));
        lines.push("", `${name} (${c.kind})`, "");
        const diffLines = r(c.diff).replace(/\n$/, "").split("\n");
        const shown = diffLines.slice(0, TRANSCRIPT_DIFF_MAX_LINES).join("\n");
        lines.push(diffLines.length > 0 && c.diff !== "" ? mdFence(shown, "diff") : "_(empty)_");
        if (diffLines.length > TRANSCRIPT_DIFF_MAX_LINES) lines.push("", `_${diffLines.length - TRANSCRIPT_DIFF_MAX_LINES} more diff lines; see diff.patch._`);
      }
      return lines.join("\n");
    }
    case "approval": {
      const what = e.target === "command" ? "command" : e.target === "fileChange" ? "file change" : mdText(e.method);
      const lines = [heading(`${decisionIcon(e.decision)} Approval for ${what}: ${e.decision ?? "no reply"}`, e.ts, start), ""];
      if (e.subject) lines.push(e.target === "command" ? mdFence(r(e.subject), "sh") : mdCode(r(e.subject)), "");
      lines.push(`Rule: ${e.rule ? mdCode(r(e.rule)) : "_not recorded_"}`);
      if (e.policyReason) lines.push("", `Reason: ${mdText(r(e.policyReason))}`);
      if (e.serverReason) lines.push("", `Server asked: ${mdText(r(e.serverReason))}`);
      return lines.join("\n");
    }
    case "error": {
      const title = e.source === "rpc" ? `\u26A0\uFE0F Error reply to ${mdText(e.method ?? "a request")}` : e.willRetry ? "\u{1F501} Error, retrying" : "\u26A0\uFE0F Error";
      const lines = [heading(title, e.ts, start), "", `${e.code ? `${mdCode(r(e.code))} ` : ""}${mdText(r(e.message))}`];
      if (e.detail) lines.push("", mdFence(r(e.detail), "text"));
      return lines.join("\n");
    }
    case "warning":
      return [heading("\u26A0\uFE0F Warning", e.ts, start), "", mdText(r(e.message)), ...e.detail ? ["", mdText(r(e.detail))] : []].join("\n");
    case "compaction":
      return heading("\u{1F5DC} Context compacted: the history so far was replaced by a summary", e.ts, start);
    case "interrupt":
      return [heading("\u23F9 tern run interrupted the turn", e.ts, start)].join("\n");
    case "turnCompleted": {
      const lines = [heading(`Turn ${e.status}${e.durationMs !== null ? ` after ${formatDuration(e.durationMs)}` : ""}`, e.ts, start)];
      if (e.error) lines.push("", mdText(r(e.error.message)));
      return lines.join("\n");
    }
    case "tokenUsage":
      return null;
  }
}
function approvalLine(decision, rule, reason, r) {
  const parts = [`${decisionIcon(decision)} Approval: **${decision ?? "no reply"}**`];
  parts.push(rule ? `rule ${mdCode(r(rule))}` : "rule not recorded");
  if (reason) parts.push(mdText(r(reason)));
  return parts.join(" \xB7 ");
}

// src/artifacts/worktree-diff.ts
import { stat, realpath } from "node:fs/promises";
import path2 from "node:path";
var DIFF_FORMAT = ["--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--src-prefix=a/", "--dst-prefix=b/"];
async function worktreeDiff(cwd, options = {}) {
  const dir = path2.resolve(cwd);
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error("not a directory");
  } catch {
    throw new TernError("not_a_directory", `cannot diff ${dir}: not an existing directory`);
  }
  let pg;
  try {
    pg = await openPrivateGit(dir, { workTree: true });
  } catch (err) {
    if (err instanceof TernError && err.code === "not_a_git_repo") {
      throw new TernError("not_a_git_repo", `cannot diff ${dir}: not inside a git work tree (run \`git init\` there first)`);
    }
    throw new TernError("git_diff_failed", `cannot diff ${dir}: ${errorMessage(err).trim()}`, { cause: err });
  }
  try {
    const base = options.base !== void 0 ? await resolveCommit(pg.git, options.base) : await checkoutHead(pg);
    const excludes = await excludePathspecs(dir, pg.checkout.workTree, options.exclude ?? []);
    const { git } = pg;
    await git.raw(base ? ["read-tree", base] : ["read-tree", "--empty"]);
    await git.raw(["add", "-A", "--", ".", ...excludes]);
    const against = base ?? EMPTY_TREE[pg.checkout.objectFormat];
    if (base) await unstageSmudgedLfs(git, base, pg.checkout);
    const patch = await git.raw(["diff", "--cached", "--binary", ...DIFF_FORMAT, against, "--"]);
    const names = await git.raw(["diff", "--cached", "--name-only", "-z", "--no-renames", against, "--"]);
    const files = names.split("\0").filter((f) => f.length > 0).sort();
    return { patch, files };
  } catch (err) {
    throw new TernError("git_diff_failed", `cannot diff ${dir}: ${errorMessage(err).trim()}`, { cause: err });
  } finally {
    await pg.dispose();
  }
}
async function excludePathspecs(dir, root, exclude) {
  const realPaths = await Promise.all(exclude.map((p) => realpath(path2.resolve(dir, p)).catch(() => path2.resolve(dir, p))));
  return realPaths.map((p) => path2.relative(root, p)).filter((rel) => rel.length > 0 && !rel.startsWith("..") && !path2.isAbsolute(rel)).map((rel) => `:(exclude,literal)${rel.split(path2.sep).join("/")}`);
}

// src/driver/turn.ts
var INTERRUPT_GRACE_MS = 1e4;
var TurnAbandoned = class extends ServerFailure {
  name = "TurnAbandoned";
};
function startRequest(client, threadId, request) {
  if (request.kind === "review") return client.startReview({ threadId, target: { type: "baseBranch", branch: request.base }, delivery: "inline" });
  return client.startTurn({ threadId, input: [{ type: "text", text: request.prompt, text_elements: [] }] });
}
async function followTurn(deps, threadId, request) {
  const { client, state } = deps;
  const { response, events } = await startRequest(client, threadId, request);
  state.turnId = response.turn.id;
  deps.onStream?.(events);
  const stopper = new TurnStopper(deps, threadId, response.turn.id, events);
  let lastError = null;
  try {
    for await (const event of events) {
      deps.onEvent(event);
      if (event.type === "error" && !event.willRetry) lastError = event.error.message;
      absorb(state, event);
      const budget = deps.budgets.observe(event);
      if (budget) stopper.stop("budget", deps.budgets.describe(budget));
      if (event.type === "turnCompleted") state.turnEnded(event.turn, lastError);
    }
  } catch (err) {
    if (!(err instanceof TurnAbandoned)) throw err;
  } finally {
    stopper.dispose();
  }
}
function absorb(state, event) {
  if (event.type === "itemCompleted" && event.item.type === "agentMessage") state.finalMessage = event.item.text;
  if (event.type === "itemCompleted" && event.item.type === "exitedReviewMode") state.review = parseReviewText(event.item.review);
  if (event.type === "tokenUsage") state.tokenUsage = event.usage.total;
  if (event.type === "turnCompleted" && state.finalMessage === null) {
    const last = [...event.turn.items].reverse().find((i) => i.type === "agentMessage");
    if (last?.type === "agentMessage") state.finalMessage = last.text;
  }
}
var TurnStopper = class {
  constructor(deps, threadId, turnId, events) {
    this.deps = deps;
    this.threadId = threadId;
    this.turnId = turnId;
    this.events = events;
    const untilDeadline = Math.max(0, deps.deadlineMs - Date.now());
    this.timers.push(setTimeout(() => {
      deps.budgets.markWallTime();
      this.stop("timeout", `timed out after ${formatSeconds(deps.timeoutMs)}`);
    }, untilDeadline));
    if (deps.stopSignal.aborted) this.onSignal();
    else deps.stopSignal.addEventListener("abort", this.onSignal, { once: true });
  }
  deps;
  threadId;
  turnId;
  events;
  timers = [];
  stopping = false;
  onSignal = () => this.stop("interrupted", "tern run was interrupted (SIGINT/SIGTERM)");
  stop(kind, message) {
    this.deps.state.fail(kind, message);
    if (this.stopping) return;
    this.stopping = true;
    this.deps.client.turnInterrupt({ threadId: this.threadId, turnId: this.turnId }).catch(() => void 0);
    this.timers.push(setTimeout(() => this.events.fail(new TurnAbandoned("the turn did not end after turn/interrupt")), INTERRUPT_GRACE_MS));
  }
  dispose() {
    for (const t of this.timers) clearTimeout(t);
    this.deps.stopSignal.removeEventListener("abort", this.onSignal);
  }
};
function formatSeconds(ms) {
  return `${(ms / 1e3).toFixed(ms < 1e4 ? 1 : 0)} s`;
}

// src/driver/finish.ts
var SERVER_STDERR_FILE = "server-stderr.log";
var MESSAGE_PREVIEW = 200;
var FILES_SHOWN = 10;
async function finishRun(f) {
  await f.client.close().catch(() => void 0);
  const { patch, files } = await takeDiff(f);
  const artifactErrors = await writeLogs(f);
  const { outcome, exitCode } = f.state.outcome(files.length, f.options.review !== null);
  if (f.state.failure?.kind === "timeout") f.budgets.markWallTime();
  const finishedAtMs = Date.now();
  const result = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    outcome,
    failure: f.state.failure,
    exitCode,
    turnStatus: f.state.turnStatus,
    threadId: f.state.threadId,
    turnId: f.state.turnId,
    finalMessage: f.state.finalMessage,
    filesChanged: files,
    review: f.options.review !== null ? { base: f.options.review, ...relativePaths(f.state.review ?? { overallExplanation: "", findings: [] }, f.options.cwd) } : null,
    tokenUsage: f.state.tokenUsage,
    budget: f.budgets.usage(),
    approvals: f.approvals,
    durationMs: finishedAtMs - f.startedAtMs,
    server: { command: f.options.serverCommand },
    startedAt: new Date(f.startedAtMs).toISOString(),
    finishedAt: new Date(finishedAtMs).toISOString()
  };
  try {
    await writeResult(f.options.outDir, result, f.redact);
  } catch (err) {
    artifactErrors.push(`result.json: ${errorMessage(err)}`);
  }
  artifactErrors.push(...await writeReadable(f, result, patch));
  printSummary(result, f);
  if (f.options.json) f.io.stdout.write(JSON.stringify(result, null, 2).replace(/[^\n]+/g, (l) => f.redact(l)) + "\n");
  if (artifactErrors.length > 0) {
    f.progress.line(`tern run: failed: cannot write artifacts: ${artifactErrors.join("; ")}`);
    return result.exitCode === EXIT_CODES.success ? EXIT_CODES.internal : result.exitCode;
  }
  if (result.failure) f.progress.line(`tern run: failed (${result.failure.kind}): ${result.failure.message}`);
  return result.exitCode;
}
async function writeReadable(f, result, patch) {
  const errors = [];
  let timeline;
  try {
    timeline = buildTimeline(await readFile(path3.join(f.options.outDir, EVENTS_FILE), "utf8"), result);
  } catch (err) {
    return [`${EVENTS_FILE} unreadable for the readable artifacts: ${errorMessage(err)}`];
  }
  const options = { redact: f.redact };
  const writers = [
    [TRANSCRIPT_FILE, () => renderTranscript(timeline, result, options)],
    [SUMMARY_FILE, () => renderSummary(timeline, result, options)],
    [REPORT_FILE, () => renderReport(timeline, result, redactPatch(patch, f.redact), options)]
  ];
  for (const [file, render] of writers) {
    try {
      await writeFileAtomic(path3.join(f.options.outDir, file), f.redact(render()));
    } catch (err) {
      errors.push(`${file}: ${errorMessage(err)}`);
    }
  }
  return errors;
}
async function takeDiff(f) {
  try {
    const diff = await worktreeDiff(f.options.cwd, { exclude: [f.options.outDir], ...f.baseCommit ? { base: f.baseCommit } : {} });
    await writeFileAtomic(path3.join(f.options.outDir, DIFF_FILE), redactPatch(diff.patch, f.redact));
    return { patch: diff.patch, files: diff.files };
  } catch (err) {
    f.progress.line(`tern run: warning: no ${DIFF_FILE}: ${errorMessage(err)}`);
    return { patch: "", files: [] };
  }
}
async function writeLogs(f) {
  const errors = [];
  try {
    await f.events.finish();
  } catch (err) {
    errors.push(`events.jsonl: ${errorMessage(err)}`);
  }
  try {
    await writeFileAtomic(path3.join(f.options.outDir, SERVER_STDERR_FILE), f.redact(f.serverStderr()));
  } catch (err) {
    errors.push(`${SERVER_STDERR_FILE}: ${errorMessage(err)}`);
  }
  return errors;
}
function redactPatch(patch, redact) {
  if (!patch) return patch;
  const lines = patch.split("\n");
  let binary = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith("diff --git ")) binary = false;
    else if (line === "GIT binary patch") {
      binary = true;
      continue;
    }
    if (!binary) lines[i] = redact(line);
  }
  return lines.join("\n");
}
function printSummary(result, f) {
  const say = (line) => f.progress.line(line);
  const turn = result.turnId ? ` (turn ${result.turnId})` : "";
  const status = result.outcome === "failed" ? `failed` : result.turnStatus ?? result.outcome;
  say(`tern run: ${status}${turn} in ${formatSeconds(result.durationMs)} -> ${result.outcome}`);
  if (result.finalMessage) {
    const first = result.finalMessage.split("\n").find((l) => l.trim().length > 0) ?? "";
    say(`  message: ${truncate(first.trim(), MESSAGE_PREVIEW)}`);
  }
  if (result.filesChanged.length > 0) {
    const shown = result.filesChanged.slice(0, FILES_SHOWN).join(", ");
    const more2 = result.filesChanged.length > FILES_SHOWN ? `, \u2026 (+${result.filesChanged.length - FILES_SHOWN})` : "";
    say(`  files changed (${result.filesChanged.length}): ${shown}${more2}`);
  } else {
    say("  files changed: none");
  }
  if (result.tokenUsage) say(`  tokens: ${result.tokenUsage.totalTokens} (input ${result.tokenUsage.inputTokens}, output ${result.tokenUsage.outputTokens})`);
  if (result.budget.costUsd !== null) say(`  cost: about $${result.budget.costUsd.toFixed(4)}`);
  const declined = result.approvals.filter((a) => a.decision === "decline").length;
  const accepted = result.approvals.filter((a) => a.decision === "accept").length;
  const refused = result.approvals.length - declined - accepted;
  if (accepted > 0) say(`  approvals accepted: ${accepted}`);
  if (declined > 0) say(`  approvals declined: ${declined}`);
  if (refused > 0) say(`  server requests refused: ${refused}`);
  say(`  artifacts: ${f.options.outDir}`);
}
function relativePaths(review, cwd) {
  const findings = review.findings.map((f) => {
    const file = f.codeLocation.file;
    const rel = path3.isAbsolute(file) ? path3.relative(cwd, file) : file;
    const inside = rel !== "" && !rel.startsWith("..") && !path3.isAbsolute(rel);
    return inside && rel !== file ? { ...f, codeLocation: { ...f.codeLocation, file: rel.split(path3.sep).join("/") } } : f;
  });
  return { ...review, findings };
}
function truncate(text, max) {
  return text.length > max ? text.slice(0, max - 1) + "\u2026" : text;
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

// src/driver/policy/index.ts
import path6 from "node:path";

// src/driver/policy/evaluate.ts
import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import path4 from "node:path";

// src/driver/policy/glob.ts
var GlobSyntaxError = class extends UsageFailure {
  name = "GlobSyntaxError";
};
var META = /* @__PURE__ */ new Set(["*", "?", "[", "{", "\\"]);
function literalPrefix(pattern) {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      if (i + 1 >= pattern.length) break;
      out += pattern[++i];
      continue;
    }
    if (META.has(ch)) break;
    out += ch;
  }
  return out;
}
function escapeRe(ch) {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}
function fragment(pattern, mode, inBrace = false) {
  const star = mode === "word" ? "[^]*" : "[^/]*";
  const one = mode === "word" ? "[^]" : "[^/]";
  let src = "";
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (inBrace && (ch === "," || ch === "}")) return { src, end: i };
    if (ch === "\\") {
      if (i + 1 >= pattern.length) throw new GlobSyntaxError("a `\\` at the end escapes nothing");
      src += escapeRe(pattern[i + 1]);
      i += 2;
    } else if (ch === "*") {
      src += star;
      i++;
    } else if (ch === "?") {
      src += one;
      i++;
    } else if (ch === "[") {
      let j = i + 1;
      let negate = false;
      if (pattern[j] === "!" || pattern[j] === "^") {
        negate = true;
        j++;
      }
      let body = "";
      let first = true;
      while (j < pattern.length && (pattern[j] !== "]" || first)) {
        const c = pattern[j];
        if (c === "\\") {
          if (j + 1 >= pattern.length) break;
          body += escapeRe(pattern[j + 1]);
          j += 2;
        } else if (c === "-" && !first && j + 1 < pattern.length && pattern[j + 1] !== "]") {
          body += "-";
          j++;
        } else {
          body += escapeRe(c);
          j++;
        }
        first = false;
      }
      if (j >= pattern.length) throw new GlobSyntaxError("a `[` class is not closed with `]`");
      if (body === "") throw new GlobSyntaxError("an empty `[]` class matches nothing");
      const slash = mode === "path" ? "\\/" : "";
      src += negate ? `[^${body}${slash}]` : mode === "path" ? `(?![/])[${body}]` : `[${body}]`;
      i = j + 1;
    } else if (ch === "{") {
      if (inBrace) throw new GlobSyntaxError("`{...}` alternatives cannot be nested");
      const alts = [];
      let j = i + 1;
      for (; ; ) {
        const part = fragment(pattern.slice(j), mode, true);
        alts.push(part.src);
        j += part.end;
        if (j >= pattern.length) throw new GlobSyntaxError("a `{` is not closed with `}`");
        if (pattern[j] === "}") break;
        j++;
      }
      if (alts.length < 2) throw new GlobSyntaxError("`{...}` needs at least two alternatives separated by `,`");
      src += `(?:${alts.join("|")})`;
      i = j + 1;
    } else if (ch === "}" || ch === "]") {
      throw new GlobSyntaxError(`a \`${ch}\` without its opening bracket (write \`\\${ch}\` for the character)`);
    } else {
      src += escapeRe(ch);
      i++;
    }
  }
  if (inBrace) throw new GlobSyntaxError("a `{` is not closed with `}`");
  return { src, end: i };
}
function compileWordGlob(pattern, flags = "") {
  return new RegExp(`^(?:${fragment(pattern, "word").src})$`, flags);
}
function compilePathGlob(pattern, flags = "") {
  if (pattern === "") throw new GlobSyntaxError("the pattern is empty");
  if (pattern.startsWith("/")) throw new GlobSyntaxError("patterns are relative to the workspace: drop the leading `/`");
  let p = pattern.endsWith("/") ? `${pattern}**` : pattern;
  const segs = p.split("/").filter((s, i, all) => !(s === "**" && all[i - 1] === "**"));
  if (segs.some((s) => s === "")) throw new GlobSyntaxError("the pattern has an empty segment (`//`)");
  if (segs.some((s) => s === "." || s === "..")) throw new GlobSyntaxError("`.` and `..` segments are not allowed: paths are normalised before matching");
  let src = "";
  segs.forEach((seg, idx) => {
    const last = idx === segs.length - 1;
    if (seg === "**") {
      src += last ? idx === 0 ? "[^]*" : "(?:/[^]*)?" : idx === 0 ? "(?:[^/]+/)*" : "/(?:[^/]+/)*";
      return;
    }
    if (seg.includes("**")) throw new GlobSyntaxError("`**` must be a whole segment (`a/**/b`), not part of one");
    const prevDoubleStar = idx > 0 && segs[idx - 1] === "**";
    if (idx > 0 && !prevDoubleStar) src += "/";
    src += fragment(seg, "path").src;
  });
  p = src;
  return new RegExp(`^(?:${p})$`, flags);
}
function expandBraces(pattern, limit = 256) {
  let open = -1;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      i++;
    } else if (inClass) {
      if (ch === "]") inClass = false;
    } else if (ch === "[") {
      inClass = true;
      if (pattern[i + 1] === "!" || pattern[i + 1] === "^") i++;
      if (pattern[i + 1] === "]") i++;
    } else if (ch === "{") {
      open = i;
      break;
    }
  }
  if (open < 0) return [pattern];
  const alts = [];
  let start = open + 1;
  let close = -1;
  for (let i = open + 1; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      i++;
    } else if (ch === "," || ch === "}") {
      alts.push(pattern.slice(start, i));
      start = i + 1;
      if (ch === "}") {
        close = i;
        break;
      }
    }
  }
  if (close < 0) return [pattern];
  const rest = expandBraces(pattern.slice(close + 1), limit);
  if (rest === null) return null;
  const out = [];
  for (const a of alts) {
    for (const r of rest) {
      out.push(pattern.slice(0, open) + a + r);
      if (out.length > limit) return null;
    }
  }
  return out;
}
function globLiteral(pattern) {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      if (i + 1 >= pattern.length) return null;
      out += pattern[++i];
    } else if (META.has(ch) || ch === "}" || ch === "]") {
      return null;
    } else {
      out += ch;
    }
  }
  return out;
}

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
function posixShellScript(words2) {
  if (!UNWRAPPED_SHELLS.has(words2[0].value) || words2[0].glob || words2.length < 3) return null;
  let sawC = false;
  for (let k = 1; k < words2.length - 1; k++) {
    const w = words2[k];
    if (w.glob) return null;
    const v = w.value;
    if (/^-[eluvx]*c[eluvx]*$/.test(v) && !sawC) sawC = true;
    else if (/^-[eluvx]+$/.test(v) || v === "--login" || v === "--noprofile" || v === "--norc") continue;
    else if (v === "-o" && k + 1 < words2.length - 1 && /^(pipefail|errexit|nounset|xtrace)$/.test(words2[k + 1].value)) k++;
    else return null;
  }
  const script = words2[words2.length - 1];
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
function opaqueReason(words2) {
  const name = words2[0];
  if (name.glob) return "the command name is a file-name pattern";
  const base = basename(name.value);
  if (SHELLS.has(base)) return `\`${base}\` runs shell code that is not given as \`${base} -c '<script>'\``;
  if (base === "command" && words2.length >= 2 && /^-[vV]+$/.test(words2[1].value) && !words2[1].glob) return null;
  if (RUNNERS.has(base)) return `\`${base}\` runs another command, or changes how later ones run`;
  if (base === "find") {
    const action = words2.slice(1).find((w) => mayBeOneOf(w, FIND_ACTIONS));
    if (action) return `\`find ${action.glob ? action.raw : action.value}\` runs a command or writes a file`;
  }
  if (base === "git") {
    for (let k = 1; k < words2.length; k++) {
      const w = words2[k];
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

// src/driver/policy/format.ts
var POLICY_VERSION = 1;
var REST = "...";
var BUILTIN = {
  /** The command could not be read completely (shell syntax outside the subset). */
  unreadable: "builtin#unreadable",
  /** A command that runs code not in its own words (sudo, eval, xargs, find -exec, …). */
  opaque: "builtin#opaque-command",
  /** The request carried no command. */
  noCommand: "builtin#no-command",
  /** Not a plain command approval (writeStdin, a network access request, …). */
  otherRequest: "builtin#not-a-command",
  /** The file change named no path. */
  noPaths: "builtin#no-paths",
  /** A path outside the workspace (or resolving outside it through a symlink). */
  outside: "builtin#outside-workspace"
};

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
function matchSequence(words2, elems, deny) {
  const n = words2.length;
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
    const w = words2[i];
    const nextJ = el.kind === "word" ? j + 1 : j;
    if (!w.glob) {
      if (c === 0 && el.m.re.test(w.value)) stack.push([i + 1, nextJ, 0]);
    } else if (deny && mayMatch(w, el.m)) {
      stack.push([i, nextJ, 1]);
    }
  }
  return false;
}
function matchesCommand(rule, words2, viaGlobs = rule.list === "deny") {
  const first = rule.elements[0];
  const name = words2[0];
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
  return matchSequence(words2.slice(1), rule.elements.slice(1), deny && viaGlobs);
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
  const tail2 = [];
  let cur = abs;
  for (; ; ) {
    try {
      return path4.join(realpathSync(cur), ...tail2);
    } catch {
      try {
        if (hops < 40 && lstatSync(cur).isSymbolicLink()) {
          return path4.join(realpathDeep(path4.resolve(path4.dirname(cur), readlinkSync(cur)), hops + 1), ...tail2);
        }
      } catch {
      }
      const parent = path4.dirname(cur);
      if (parent === cur) return path4.join(cur, ...tail2);
      tail2.unshift(path4.basename(cur));
      cur = parent;
    }
  }
}
function toRelative(root, abs) {
  const rel = path4.relative(root, abs);
  if (rel === "" || rel === ".." || rel.startsWith(`..${path4.sep}`) || path4.isAbsolute(rel)) return null;
  return rel.split(path4.sep).join("/");
}
function pathForms(p, cwd, resolveSymlinks) {
  if (p === "") return { outside: "an empty path" };
  if (cwd === null) {
    if (path4.isAbsolute(p)) return { outside: `\`${p}\` is absolute and no workspace was given` };
    const rel2 = toRelative("/w", path4.posix.join("/w", p));
    return rel2 === null ? { outside: `\`${p}\` leaves the workspace` } : { forms: [rel2] };
  }
  const root = path4.resolve(cwd);
  const abs = path4.resolve(root, p);
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

// src/driver/policy/load.ts
var import_yaml = __toESM(require_dist(), 1);
import { readFileSync as readFileSync3 } from "node:fs";
import path5 from "node:path";

// src/driver/policy/presets.ts
var REST2 = "...";
var OPERANDS = { repeat: "[!-]*" };
var DESTRUCTIVE = [
  {
    id: "no-push",
    argv: ["git", REST2, "push", REST2],
    reason: "the agent never pushes (tern publishes the change itself)"
  },
  {
    id: "rm-outside",
    argv: ["rm", REST2, { re: "/.*|(\\./*)+|(.*/)?\\.\\.(/.*)?|\\*|--no-preserve-root" }, REST2],
    reason: "rm of an absolute path, the workspace itself, a parent directory or everything"
  },
  {
    id: "disk-wipe",
    argv: ["{mkfs,mkfs.*,wipefs,shred,fdisk,sfdisk,parted}", REST2],
    reason: "formats or wipes disks"
  },
  { id: "dd-device", argv: ["dd", REST2, "of=/dev/*", REST2], reason: "writes to a device" },
  { id: "power", argv: ["{shutdown,reboot,halt,poweroff,init,telinit}", REST2], reason: "stops the machine" },
  {
    id: "chmod-outside",
    argv: ["{chmod,chown,chgrp}", REST2, "/*", REST2],
    reason: "changes owners or modes outside the workspace"
  },
  { id: "kill-all", argv: ["kill", REST2, "-1", REST2], reason: "kill -1 signals every process" },
  { id: "kill-by-name", argv: ["{pkill,killall}", REST2], reason: "kills processes by name (the app server among them)" }
];
var NO_NETWORK = [
  {
    id: "no-network",
    argv: ["{curl,wget,nc,ncat,netcat,socat,ssh,scp,sftp,rsync,ftp,telnet,aria2c,http,https,httpie,xh,lynx,w3m}", REST2],
    reason: "no network tools"
  },
  {
    id: "no-git-network",
    argv: ["git", REST2, "{fetch,pull,clone,ls-remote,submodule,archive,request-pull,send-email}", REST2],
    reason: "git commands that reach a remote"
  },
  {
    id: "no-install",
    argv: ["{npm,pnpm,yarn,bun}", REST2, "{install,i,ci,add,update,upgrade,up,publish,exec,x,dlx,create,init}", REST2],
    reason: "installs or runs packages from the registry"
  },
  { id: "no-pip-install", argv: ["{pip,pip3,uv,pipx,poetry}", REST2, "{install,download,add,sync,run}", REST2], reason: "installs packages" },
  { id: "no-python-pip", argv: ["{python,python3}", "-m", "{pip,venv,ensurepip}", REST2], reason: "installs packages" },
  { id: "no-go-get", argv: ["go", "{get,install,mod}", REST2], reason: "downloads modules" },
  { id: "no-cargo-install", argv: ["cargo", "{install,add,update,publish,fetch}", REST2], reason: "downloads crates" }
];
var READ_TOOL_FLAGS = [
  {
    id: "git-write-flags",
    argv: ["git", REST2, "{--ou*,--op*,-O*,--ext*}", REST2],
    reason: "git --output writes a file; --open-files-in-pager and --ext-diff run programs"
  },
  { id: "rg-pre", argv: ["rg", REST2, "{--pre,--pre=*,--hostname-bin*}", REST2], reason: "rg --pre and --hostname-bin run programs" },
  { id: "sort-output", argv: ["sort", REST2, "{-o*,-[!-]*o*,--o*,--c*}", REST2], reason: "sort -o writes a file, --compress-program runs one" },
  { id: "tree-output", argv: ["tree", REST2, "{-o*,-[!-]*o*,--o*}", REST2], reason: "tree -o writes a file" }
];
var READ_COMMANDS = [
  { id: "ls", argv: ["{ls,tree,du,stat,pwd,realpath,readlink,basename,dirname}", REST2] },
  { id: "cat", argv: ["{cat,head,tail,wc,nl,od,hexdump,cut,tr,column,diff,cmp,comm,sha256sum,sha1sum,md5sum,cksum}", REST2] },
  { id: "grep", argv: ["{grep,egrep,fgrep,rg}", REST2] },
  { id: "find", argv: ["find", REST2], reason: "find actions that run commands or write files are never allowed" },
  { id: "sort", argv: ["sort", REST2] },
  { id: "uniq", argv: ["uniq", { repeat: "-*" }], reason: "uniq with options, reading stdin" },
  { id: "uniq-file", argv: ["uniq", { repeat: "-*" }, "[!-]*"], reason: "uniq with one input file (a second operand would be written)" },
  { id: "sed-print", argv: ["sed", "-n", { re: "[0-9]+(,([0-9]+|\\$))?p|\\$p" }, OPERANDS], reason: "sed -n printing a line range" },
  { id: "jq", argv: ["jq", REST2] },
  { id: "echo", argv: ["{echo,printf,true,false,test,\\[}", REST2] },
  { id: "cd", argv: ["cd", { repeat: "[!-]*" }] },
  { id: "which", argv: ["{which,type}", REST2] },
  { id: "command-v", argv: ["command", "{-v,-V}", REST2] },
  { id: "info", argv: ["{uname,whoami,id,nproc}", REST2] },
  { id: "date", argv: ["date", { repeat: "+*" }], reason: "date, without setting the clock" },
  // Only --version: `python -v` and `ruby -v` go on to run a script read from stdin (`echo … | ruby -v`).
  { id: "versions", argv: ["{node,npm,npx,pnpm,yarn,python,python3,pip,pip3,cargo,rustc,java,ruby,git,make,tsc}", "--version"] },
  { id: "go-version", argv: ["go", "version"] },
  {
    id: "git-read",
    argv: ["git", "{status,diff,log,show,blame,ls-files,ls-tree,rev-parse,rev-list,cat-file,describe,shortlog,grep,merge-base,name-rev,for-each-ref,show-ref,count-objects,check-ignore}", REST2]
  },
  { id: "git-branch-list", argv: ["git", "branch", { repeat: "{-a,-r,-v,-vv,-l,--list,--all,--remotes,--show-current,--no-color}" }] },
  { id: "git-tag-list", argv: ["git", "tag", { repeat: "{-l,--list,-n,-n[0-9]*}" }] },
  { id: "git-remote-list", argv: ["git", "remote", { repeat: "{-v,--verbose}" }] }
];
var TEST_COMMANDS = [
  { id: "npm-test", argv: ["npm", "{test,t}"] },
  { id: "npm-test-args", argv: ["npm", "{test,t}", "--", REST2], reason: "arguments after -- go to the test script" },
  { id: "npm-run-test", argv: ["npm", "run", { re: "test(:[A-Za-z0-9:_-]+)?" }] },
  { id: "npm-run-test-args", argv: ["npm", "run", { re: "test(:[A-Za-z0-9:_-]+)?" }, "--", REST2] },
  { id: "yarn-pnpm-test", argv: ["{yarn,pnpm}", "test", OPERANDS] },
  { id: "yarn-pnpm-run-test", argv: ["{yarn,pnpm}", "run", { re: "test(:[A-Za-z0-9:_-]+)?" }, OPERANDS] },
  { id: "npx-runner", argv: ["npx", "{vitest,jest,mocha,ava,tap}", REST2] },
  { id: "npx-tsc", argv: ["npx", "tsc", "--noEmit", { repeat: "{-p,--project,[!-]*}" }] },
  { id: "npx-tsc-p", argv: ["npx", "tsc", "{-p,--project}", "[!-]*", "--noEmit"] },
  { id: "node-test", argv: ["node", "--test", REST2] },
  { id: "pytest", argv: ["{pytest,py.test}", REST2] },
  { id: "python-pytest", argv: ["{python,python3}", "-m", "{pytest,unittest}", REST2] },
  { id: "go-test", argv: ["go", "{test,vet}", REST2] },
  { id: "cargo-test", argv: ["cargo", "{test,check,clippy}", REST2] },
  { id: "make-test", argv: ["make", "{test,check,tests}"] },
  { id: "jvm-test", argv: ["{mvn,./mvnw,gradle,./gradlew}", "{test,check}"] },
  { id: "dotnet-test", argv: ["dotnet", "test", REST2] },
  { id: "rspec", argv: ["bundle", "exec", "rspec", OPERANDS] },
  { id: "rake-test", argv: ["bundle", "exec", "rake", "{test,spec}"] },
  { id: "rspec-bare", argv: ["rspec", REST2] },
  { id: "ctest", argv: ["ctest", REST2] }
];
var TEST_FLAGS = [
  { id: "go-exec", argv: ["go", REST2, "{-exec*,--exec*,-toolexec*,--toolexec*,-o,-o=*,--o,--o=*,-*profile*,--*profile*,-trace*,--trace*,-outputdir*,--outputdir*}", REST2], reason: "go -exec/-toolexec run a program; -o and profiles write files" },
  { id: "pytest-basetemp", argv: ["{pytest,py.test,python,python3}", REST2, "{--basetemp*,--junitxml*,--junit-xml*,--result-log*,--rootdir*}", REST2], reason: "pytest --basetemp deletes a directory; the others write files" },
  { id: "output-file", argv: ["npx", REST2, "{--outputFile*,--output-file*,--outDir*,--outFile*}", REST2], reason: "writes a report or output to a chosen path" }
];
var WORKFLOWS = [
  { id: "no-workflows", path: ".github/workflows/**", reason: "workflows run with the repository\u2019s secrets" },
  { id: "no-actions", path: ".github/actions/**", reason: "local actions run inside workflows" }
];
var GIT_DIRS = [
  // `a/**` also matches `a` itself: a `.git` file (which points git at another directory) too.
  { id: "no-git-dir", path: "**/.git/**", reason: "git metadata: its config and hooks are code that git runs" }
];
var PRESETS = {
  "read-only-review": {
    version: 1,
    description: "Reading the repository: listings, contents, searches, git history. No file changes, no network, nothing else.",
    default: "decline",
    commands: {
      deny: [...DESTRUCTIVE, ...NO_NETWORK, ...READ_TOOL_FLAGS],
      allow: READ_COMMANDS
    },
    files: {
      deny: [{ id: "read-only", path: "**", reason: "a read-only review changes no file" }]
    }
  },
  "fix-tests": {
    version: 1,
    description: "Fixing failing tests: the read-only commands, common test runners, and file changes anywhere but workflows and git metadata. No network, no push.",
    default: "decline",
    commands: {
      deny: [...DESTRUCTIVE, ...NO_NETWORK, ...READ_TOOL_FLAGS, ...TEST_FLAGS],
      allow: [...READ_COMMANDS, ...TEST_COMMANDS]
    },
    files: {
      deny: [...WORKFLOWS, ...GIT_DIRS],
      allow: [{ id: "workspace", path: "**" }]
    }
  },
  trusted: {
    version: 1,
    description: "Any command the policy can read completely and any file change, except a short deny-list: push, disk wipes, rm outside the workspace, git config, workflows and git metadata.",
    default: "decline",
    commands: {
      deny: [
        ...DESTRUCTIVE,
        { id: "git-config", argv: ["git", REST2, "config", REST2], reason: "git config can set aliases, hooks and pagers that later git commands run" }
      ],
      allow: [
        { id: "any-command", argv: ["*", REST2], reason: "trusted: any command on PATH" },
        { id: "any-path-command", argv: ["*/*", REST2], reason: "trusted: any program given by path" }
      ]
    },
    files: {
      deny: [...WORKFLOWS, ...GIT_DIRS],
      allow: [{ id: "workspace", path: "**" }]
    }
  }
};
var PRESET_NAMES = Object.keys(PRESETS);

// src/driver/policy/load.ts
function formatProblem(p) {
  const pos = p.line === null ? p.file : `${p.file}:${p.line}${p.col === null ? "" : `:${p.col}`}`;
  return `${pos}: ${p.at === "" ? "" : `${p.at}: `}${p.message}`;
}
var PolicyError = class extends TernError {
  static defaultCategory = "usage";
  name = "PolicyError";
  problems;
  constructor(problems) {
    const sorted = [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
    super("policy_invalid", sorted.map(formatProblem).join("\n"));
    this.problems = sorted;
  }
  /** The first problem's position. */
  get file() {
    return this.problems[0]?.file ?? "";
  }
  get line() {
    return this.problems[0]?.line ?? null;
  }
  get col() {
    return this.problems[0]?.col ?? null;
  }
};
function pathText(p) {
  let out = "";
  for (const k of p) out += typeof k === "number" ? `[${k}]` : out === "" ? k : `.${k}`;
  return out;
}
var DECISIONS = ["accept", "decline", "cancel"];
var DENY_DECISIONS = ["decline", "cancel"];
var ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
var TOP_KEYS = ["$schema", "version", "description", "extends", "default", "commands", "files"];
var SECTION_KEYS = ["default", "deny", "allow"];
var COMMAND_RULE_KEYS = ["id", "argv", "reason", "decision"];
var FILE_RULE_KEYS = ["id", "path", "reason", "decision"];
function editDistance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}
function unknownKey(key, allowed) {
  const close = allowed.filter((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
  return `unknown key \`${key}\`${close.length > 0 ? ` (did you mean \`${close[0]}\`?)` : ""}; allowed here: ${allowed.join(", ")}`;
}
function typeName(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return "a string";
  if (typeof v === "number") return "a number";
  if (typeof v === "boolean") return "a boolean";
  return typeof v;
}
function isObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
var Compiler = class {
  constructor(file, policyName, locate) {
    this.file = file;
    this.policyName = policyName;
    this.locate = locate;
  }
  file;
  policyName;
  locate;
  problems = [];
  ids = /* @__PURE__ */ new Map();
  problem(p, message, key = false) {
    if (this.problems.length >= 50) return;
    const pos = this.locate(p, key);
    this.problems.push({ file: this.file, line: pos?.line ?? null, col: pos?.col ?? null, at: pathText(p), message });
  }
  origin(p) {
    const pos = this.locate(p);
    return { policy: this.policyName, file: this.file.startsWith("preset:") ? null : this.file, line: pos?.line ?? null };
  }
  string(v, p, what) {
    if (typeof v === "string") return true;
    const hint = typeof v === "number" || typeof v === "boolean" || v === null ? `; quote it (${JSON.stringify(String(v))}) to make it a string` : "";
    this.problem(p, `${what} must be a string, not ${typeName(v)}${hint}`);
    return false;
  }
  keys(obj, allowed, p) {
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) this.problem([...p, k], unknownKey(k, allowed), true);
  }
  decision(v, p, allowed) {
    if (typeof v === "string" && allowed.includes(v)) return v;
    this.problem(p, `must be one of ${allowed.map((d) => `\`${d}\``).join(", ")}, not ${typeof v === "string" ? `\`${v}\`` : typeName(v)}`);
    return null;
  }
  id(v, p) {
    if (v === void 0) return null;
    if (!this.string(v, p, "an id")) return null;
    if (!ID.test(v)) {
      this.problem(p, `the id \`${v}\` must start with a letter or digit and use only letters, digits, \`.\`, \`_\` and \`-\``);
      return null;
    }
    const seen = this.ids.get(v);
    if (seen !== void 0) {
      this.problem(p, `the id \`${v}\` is already used by ${seen}`);
      return null;
    }
    this.ids.set(v, pathText(p.slice(0, -1)));
    return v;
  }
  reason(v, p) {
    if (v === void 0) return null;
    return this.string(v, p, "a reason") ? v : null;
  }
  wordMatcher(v, p) {
    if (typeof v === "string") {
      try {
        const re = compileWordGlob(v);
        const expanded = expandBraces(v);
        const alternatives = expanded === null ? [{ literal: null, prefix: "" }] : expanded.map((alt) => ({ literal: globLiteral(alt), prefix: literalPrefix(alt) }));
        return { source: v, re, alternatives };
      } catch (err) {
        if (err instanceof GlobSyntaxError) {
          this.problem(p, `bad word glob \`${v}\`: ${err.message}`);
          return null;
        }
        throw err;
      }
    }
    if (isObject(v) && "re" in v) {
      this.keys(v, ["re"], p);
      if (!this.string(v.re, [...p, "re"], "`re`")) return null;
      try {
        return { source: `{re: ${JSON.stringify(v.re)}}`, re: new RegExp(`^(?:${v.re})$`, "u"), alternatives: [{ literal: null, prefix: "" }] };
      } catch (err) {
        this.problem([...p, "re"], `bad regular expression: ${err.message}`);
        return null;
      }
    }
    this.problem(p, `a word pattern must be a glob string or {re: "<regex>"}, not ${typeName(v)}`);
    return null;
  }
  element(v, p, first) {
    if (v === REST) {
      if (first) this.problem(p, "the first element names the command: it cannot be `...`");
      return first ? null : { kind: "rest" };
    }
    if (isObject(v) && "repeat" in v) {
      if (first) {
        this.problem(p, "the first element names the command: it cannot be a `repeat`");
        return null;
      }
      this.keys(v, ["repeat"], p);
      if (v.repeat === REST) {
        this.problem([...p, "repeat"], 'write `...` instead of {repeat: "..."}');
        return null;
      }
      const m2 = this.wordMatcher(v.repeat, [...p, "repeat"]);
      return m2 === null ? null : { kind: "repeat", m: m2 };
    }
    if (first && isObject(v)) {
      this.problem(p, "the first element names the command: it must be a word glob string (such as `git` or `./gradlew`)");
      return null;
    }
    if (typeof v !== "string" && !isObject(v)) {
      this.string(v, p, "an argv element");
      return null;
    }
    const m = this.wordMatcher(v, p);
    return m === null ? null : { kind: "word", m };
  }
  commandRule(v, p, list, index) {
    let argv;
    let id = null;
    let reason = null;
    let decision = list === "allow" ? "accept" : "decline";
    let argvPath = p;
    if (Array.isArray(v)) {
      argv = v;
    } else if (isObject(v)) {
      this.keys(v, COMMAND_RULE_KEYS, p);
      id = this.id(v.id, [...p, "id"]);
      reason = this.reason(v.reason, [...p, "reason"]);
      if (v.decision !== void 0) {
        if (list === "allow") this.problem([...p, "decision"], "allow rules always accept: `decision` is for deny rules (`decline` or `cancel`)");
        else decision = this.decision(v.decision, [...p, "decision"], DENY_DECISIONS) ?? decision;
      }
      if (!("argv" in v)) {
        this.problem(p, "a command rule needs `argv`: the argv pattern, such as [git, status]");
        return null;
      }
      argv = v.argv;
      argvPath = [...p, "argv"];
    } else {
      this.problem(p, `a command rule is an argv pattern (a list such as [git, status]) or {argv: [...], id, reason}, not ${typeName(v)}`);
      return null;
    }
    if (!Array.isArray(argv) || argv.length === 0) {
      this.problem(argvPath, `the argv pattern must be a non-empty list of words, not ${Array.isArray(argv) ? "an empty list" : typeName(argv)}`);
      return null;
    }
    const elements = [];
    let ok = true;
    argv.forEach((el, k) => {
      const e = this.element(el, [...argvPath, k], k === 0);
      if (e === null) ok = false;
      else elements.push(e);
    });
    if (!ok) return null;
    const name = argv[0];
    const display = `[${argv.map((el) => typeof el === "string" ? /^[A-Za-z0-9_\-./=:@%+*?]+$/.test(el) ? el : JSON.stringify(el) : JSON.stringify(el)).join(", ")}]`;
    return {
      ref: `${this.policyName}#${id ?? `commands.${list}[${index}]`}`,
      id,
      list,
      index,
      nameHasSlash: name.includes("/"),
      elements,
      display,
      reason,
      decision,
      origin: this.origin(p)
    };
  }
  fileRule(v, p, list, index) {
    let pattern;
    let id = null;
    let reason = null;
    let decision = list === "allow" ? "accept" : "decline";
    let patternPath = p;
    if (isObject(v)) {
      this.keys(v, FILE_RULE_KEYS, p);
      id = this.id(v.id, [...p, "id"]);
      reason = this.reason(v.reason, [...p, "reason"]);
      if (v.decision !== void 0) {
        if (list === "allow") this.problem([...p, "decision"], "allow rules always accept: `decision` is for deny rules (`decline` or `cancel`)");
        else decision = this.decision(v.decision, [...p, "decision"], DENY_DECISIONS) ?? decision;
      }
      if (!("path" in v)) {
        this.problem(p, "a file rule needs `path`: a path glob such as `.github/workflows/**`");
        return null;
      }
      pattern = v.path;
      patternPath = [...p, "path"];
    } else {
      pattern = v;
    }
    if (!this.string(pattern, patternPath, "a file rule (a path glob, or {path, id, reason})")) return null;
    let re;
    try {
      re = compilePathGlob(pattern, list === "deny" ? "i" : "");
    } catch (err) {
      if (err instanceof GlobSyntaxError) {
        this.problem(patternPath, `bad path glob \`${pattern}\`: ${err.message}`);
        return null;
      }
      throw err;
    }
    return {
      ref: `${this.policyName}#${id ?? `files.${list}[${index}]`}`,
      id,
      list,
      index,
      pattern,
      re,
      reason,
      decision,
      origin: this.origin(p)
    };
  }
  rules(section, list, p, one) {
    const v = section[list];
    if (v === void 0) return [];
    if (!Array.isArray(v)) {
      this.problem([...p, list], `must be a list of rules${v === null ? " (write [] for none)" : `, not ${typeName(v)}`}`);
      return [];
    }
    const out = [];
    v.forEach((r, i) => {
      const rule = one.call(this, r, [...p, list, i], list, i);
      if (rule !== null) out.push(rule);
    });
    return out;
  }
  compile(doc, preset) {
    if (!isObject(doc)) {
      this.problem([], `a policy is a mapping with \`version: ${POLICY_VERSION}\`, not ${typeName(doc)}`);
      return null;
    }
    this.keys(doc, TOP_KEYS, []);
    if (!("version" in doc)) this.problem([], `\`version: ${POLICY_VERSION}\` is missing`);
    else if (doc.version !== POLICY_VERSION) this.problem(["version"], `only version ${POLICY_VERSION} exists, not ${JSON.stringify(doc.version)}`);
    if (doc.$schema !== void 0) this.string(doc.$schema, ["$schema"], "`$schema`");
    const description = doc.description === void 0 ? null : this.string(doc.description, ["description"], "`description`") ? doc.description : null;
    let base = null;
    if (doc.extends !== void 0 && this.string(doc.extends, ["extends"], "`extends`")) {
      if (Object.hasOwn(PRESETS, doc.extends)) base = preset(doc.extends);
      else this.problem(["extends"], `\`${doc.extends}\` is not a preset; presets: ${Object.keys(PRESETS).join(", ")}`);
    }
    const topDefault = doc.default === void 0 ? null : this.decision(doc.default, ["default"], DECISIONS);
    const section = (key) => {
      const v = doc[key];
      if (v === void 0) return {};
      if (!isObject(v)) {
        this.problem([key], `must be a mapping with \`deny\`, \`allow\` and \`default\`, not ${typeName(v)}`);
        return {};
      }
      this.keys(v, SECTION_KEYS, [key]);
      return v;
    };
    const commands = section("commands");
    const files = section("files");
    const defaultFor = (key, sec) => {
      if (sec.default !== void 0) {
        const d = this.decision(sec.default, [key, "default"], DECISIONS);
        if (d !== null) return { ref: `${this.policyName}#${key}.default`, decision: d, origin: this.origin([key, "default"]) };
      }
      if (topDefault !== null) return { ref: `${this.policyName}#default`, decision: topDefault, origin: this.origin(["default"]) };
      if (base !== null) return base[key].default;
      return { ref: `${this.policyName}#default`, decision: "decline", origin: this.origin([]) };
    };
    const policy = {
      name: this.policyName,
      description,
      extends: base?.name ?? null,
      commands: {
        default: defaultFor("commands", commands),
        deny: [...this.rules(commands, "deny", ["commands"], this.commandRule), ...base?.commands.deny ?? []],
        allow: [...this.rules(commands, "allow", ["commands"], this.commandRule), ...base?.commands.allow ?? []]
      },
      files: {
        default: defaultFor("files", files),
        deny: [...this.rules(files, "deny", ["files"], this.fileRule), ...base?.files.deny ?? []],
        allow: [...this.rules(files, "allow", ["files"], this.fileRule), ...base?.files.allow ?? []]
      }
    };
    return this.problems.length === 0 ? policy : null;
  }
};
var presetCache = /* @__PURE__ */ new Map();
function presetPolicy(name) {
  const cached = presetCache.get(name);
  if (cached) return cached;
  const c = new Compiler(`preset:${name}`, name, () => null);
  const policy = c.compile(PRESETS[name], presetPolicy);
  if (policy === null) throw new PolicyError(c.problems);
  presetCache.set(name, policy);
  return policy;
}
function documentLocator(doc, lines) {
  return (p, key) => {
    let node = doc.contents;
    let keyNode = null;
    for (const k of p) {
      if ((0, import_yaml.isMap)(node)) {
        const pair = node.items.find((it) => (0, import_yaml.isPair)(it) && (0, import_yaml.isScalar)(it.key) && it.key.value === k);
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value;
      } else if ((0, import_yaml.isSeq)(node) && typeof k === "number") {
        keyNode = null;
        node = node.items[k];
      } else {
        break;
      }
    }
    const empty = (0, import_yaml.isScalar)(node) && node.value === null && keyNode !== null;
    const target = (key || empty) && keyNode !== null ? keyNode : node;
    if (!(0, import_yaml.isNode)(target) || !target.range) return null;
    const pos = lines.linePos(target.range[0]);
    return { line: pos.line, col: pos.col };
  };
}
function parsePolicy(text, file) {
  const lines = new import_yaml.LineCounter();
  const doc = (0, import_yaml.parseDocument)(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, version: "1.2" });
  const problems = [];
  const at = (offset, message) => {
    const pos = offset === void 0 ? null : lines.linePos(offset);
    problems.push({ file, line: pos?.line ?? null, col: pos?.col ?? null, at: "", message });
  };
  for (const e of [...doc.errors, ...doc.warnings]) {
    const hint = e.code === "BAD_ALIAS" ? ' (a `*` starts a YAML alias: quote globs, e.g. "*" or "*.ts")' : "";
    at(e.pos[0], `${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}${hint}`);
  }
  if (problems.length > 0) throw new PolicyError(problems);
  if (doc.contents === null) throw new PolicyError([{ file, line: null, col: null, at: "", message: `the file is empty; a policy needs at least \`version: ${POLICY_VERSION}\`` }]);
  (0, import_yaml.visit)(doc, {
    Node(_key, node) {
      if ((0, import_yaml.isAlias)(node)) {
        at(node.range?.[0], `\`*${node.source}\` is a YAML alias; aliases are not supported (a glob such as \`*\` or \`*.ts\` must be quoted: "*")`);
      } else if (node.anchor) {
        at(node.range?.[0], `\`&${node.anchor}\` is a YAML anchor; anchors and aliases are not supported`);
      } else if (node.tag && !node.tag.startsWith("tag:yaml.org,2002:")) {
        at(node.range?.[0], `the tag \`${node.tag}\` is not supported`);
      }
    }
  });
  if (problems.length > 0) throw new PolicyError(problems);
  const data = doc.toJS();
  const c = new Compiler(file, file, documentLocator(doc, lines));
  const policy = c.compile(data, presetPolicy);
  if (policy === null) throw new PolicyError(c.problems);
  return policy;
}
function isPresetName(name) {
  return Object.hasOwn(PRESETS, name);
}
function loadPolicy(fileOrPreset, cwd = process.cwd()) {
  if (isPresetName(fileOrPreset)) return presetPolicy(fileOrPreset);
  let text;
  try {
    text = readFileSync3(path5.resolve(cwd, fileOrPreset), "utf8");
  } catch (err) {
    const code = err.code;
    const hint = !fileOrPreset.includes("/") && !fileOrPreset.includes(".") ? `; presets: ${Object.keys(PRESETS).join(", ")}` : "";
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory, not a file" : err.message;
    throw new PolicyError([{ file: fileOrPreset, line: null, col: null, at: "", message: `cannot read the policy: ${why}${hint}` }]);
  }
  return parsePolicy(text, fileOrPreset);
}

// src/driver/policy/index.ts
function createPolicyDecider(fileOrPreset, options) {
  const policy = loadPolicy(fileOrPreset, options.base ?? process.cwd());
  const workspace = path6.resolve(options.workspace);
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
      decider = createPolicyDecider(options.policy, { workspace: options.cwd });
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
  const baseCommit = await currentCommit(options.cwd);
  const events = new EventsLog(options.outDir, redact);
  const progress = new Progress(io.stderr, redact, io.env);
  const state = new RunState();
  const approvals = [];
  const budgets = new BudgetTracker(options.budgets, null);
  const stopSignal = io.stopSignal ?? new AbortController().signal;
  let currentTurn = null;
  const { client, stderr } = spawnServer(options, io.env, (dir, msg) => events.record(dir, msg));
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
    await followTurn(
      {
        client,
        state,
        budgets: tracker,
        stopSignal,
        deadlineMs,
        timeoutMs: options.timeoutMs,
        onEvent: (e) => progress.event(e),
        onStream: (s) => currentTurn = s
      },
      thread.threadId,
      options.review !== null ? { kind: "review", base: options.review } : { kind: "task", prompt: options.prompt }
    );
  } catch (err) {
    recordFailure(state, err);
  }
  return finishRun({ options, io, redact, client, events, state, approvals, budgets: tracker, progress, baseCommit, startedAtMs, serverStderr: stderr });
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
  redactPatch,
  runCommand
};
