import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  ServerFailure,
  UsageFailure
} from "./chunk-AXCYR7ZC.js";

// src/protocol/jsonrpc.ts
var ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Ingress queue full: "Server overloaded; retry later." */
  Overloaded: -32001
};

// src/jsonrpc/line-framer.ts
var OVERSIZED_HEAD_BYTES = 4096;
var NEWLINE = 10;
var LineFramer = class {
  constructor(opts) {
    this.opts = opts;
  }
  opts;
  chunks = [];
  size = 0;
  /** Set while discarding an oversized line: its head and the bytes seen so far. */
  discarding = null;
  push(chunk) {
    const data = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    let start = 0;
    while (start < data.length) {
      const nl = data.indexOf(NEWLINE, start);
      const end = nl === -1 ? data.length : nl;
      this.take(data.subarray(start, end));
      if (nl === -1) break;
      this.endLine();
      start = nl + 1;
    }
  }
  /** Flushes a final unterminated line (stream end). */
  end() {
    if (this.size > 0 || this.discarding) this.endLine();
  }
  take(piece) {
    if (piece.length === 0) return;
    if (this.discarding) {
      this.discarding.bytes += piece.length;
      return;
    }
    if (this.size + piece.length <= this.opts.maxLineBytes) {
      this.chunks.push(piece);
      this.size += piece.length;
      return;
    }
    const head = Buffer.concat([...this.chunks, piece.subarray(0, OVERSIZED_HEAD_BYTES)]).subarray(0, OVERSIZED_HEAD_BYTES);
    this.discarding = { head: Buffer.from(head), bytes: this.size + piece.length };
    this.chunks = [];
    this.size = 0;
  }
  endLine() {
    if (this.discarding) {
      const { head, bytes } = this.discarding;
      this.discarding = null;
      this.opts.onOversized({ bytes, head: head.toString("utf8") });
      return;
    }
    const text = Buffer.concat(this.chunks, this.size).toString("utf8");
    this.chunks = [];
    this.size = 0;
    const line = text.endsWith("\r") ? text.slice(0, -1) : text;
    if (line.trim().length > 0) this.opts.onLine(line);
  }
};

// src/jsonrpc/raw-id.ts
var STRUCTURAL = /["{}[\]]/g;
var WHITESPACE = /* @__PURE__ */ new Set([" ", "	", "\n", "\r"]);
var INTEGER_TOKEN = /^-?(?:0|[1-9][0-9]*)$/;
function scanTopLevelId(text) {
  return scanTopLevelMember(text, "id");
}
function scanTopLevelMember(text, name) {
  let i = skipWhitespace(text, 0);
  if (text[i] !== "{") return void 0;
  i++;
  for (; ; ) {
    i = skipWhitespace(text, i);
    if (text[i] !== '"') return void 0;
    const keyEnd = skipString(text, i);
    if (keyEnd < 0) return void 0;
    const isId = keyIs(text.slice(i, keyEnd), name);
    i = skipWhitespace(text, keyEnd);
    if (text[i] !== ":") return void 0;
    i = skipWhitespace(text, i + 1);
    const valueEnd = skipValue(text, i);
    if (valueEnd < 0) return void 0;
    if (isId) return text.slice(i, valueEnd);
    i = skipWhitespace(text, valueEnd);
    if (text[i] !== ",") return void 0;
    i++;
  }
}
function isRequestIdToken(raw) {
  return raw.startsWith('"') || INTEGER_TOKEN.test(raw);
}
function keyIs(rawKey, name) {
  if (rawKey === `"${name}"`) return true;
  if (!rawKey.includes("\\")) return false;
  try {
    return JSON.parse(rawKey) === name;
  } catch {
    return false;
  }
}
function skipWhitespace(text, i) {
  while (i < text.length && WHITESPACE.has(text[i])) i++;
  return i;
}
function skipString(text, i) {
  let from = i + 1;
  for (; ; ) {
    const q = text.indexOf('"', from);
    if (q < 0) return -1;
    let backslashes = 0;
    while (text[q - 1 - backslashes] === "\\") backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}
function skipValue(text, i) {
  const c = text[i];
  if (c === void 0) return -1;
  if (c === '"') return skipString(text, i);
  if (c === "{" || c === "[") return skipContainer(text, i);
  let j = i;
  while (j < text.length && !WHITESPACE.has(text[j]) && text[j] !== "," && text[j] !== "}" && text[j] !== "]") j++;
  return j === i || j === text.length ? -1 : j;
}
function skipContainer(text, i) {
  let depth = 0;
  STRUCTURAL.lastIndex = i;
  for (; ; ) {
    const m = STRUCTURAL.exec(text);
    if (!m) return -1;
    const c = m[0];
    if (c === '"') {
      const end = skipString(text, m.index);
      if (end < 0) return -1;
      STRUCTURAL.lastIndex = end;
    } else if (c === "{" || c === "[") {
      depth++;
    } else if (--depth === 0) {
      return m.index + 1;
    }
  }
}

// src/jsonrpc/connection.ts
var RpcError = class extends Error {
  constructor(code, message, data) {
    super(message);
    this.code = code;
    this.data = data;
  }
  code;
  data;
  name = "RpcError";
  toJSON() {
    return this.data === void 0 ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
  }
};
var ReplyThen = class {
  constructor(result, after) {
    this.result = result;
    this.after = after;
  }
  result;
  after;
};
var RequestFailedError = class extends ServerFailure {
  constructor(reason, message, error) {
    super(message);
    this.reason = reason;
    this.error = error;
  }
  reason;
  error;
  name = "RequestFailedError";
};
var MAX_LINE_BYTES = 16 * 1024 * 1024;
var SERVER_OUTPUT_MAX_LINE_BYTES = 64 * 1024 * 1024;
var MAX_PENDING_REQUESTS = 128;
var OVERLOADED_MESSAGE = "Server overloaded; retry later.";
var JsonRpcConnection = class {
  constructor(input, output, options = {}) {
    this.input = input;
    this.output = output;
    this.options = options;
  }
  input;
  output;
  options;
  nextId = 0;
  pending = /* @__PURE__ */ new Map();
  handlers = {};
  closed = false;
  /** Incoming requests accepted and not yet answered. */
  runningRequests = 0;
  start(handlers) {
    this.handlers = handlers;
    const framer = new LineFramer({
      maxLineBytes: this.maxLineBytes,
      onLine: (line) => this.handleLine(line),
      onOversized: (line) => this.handleOversized(line)
    });
    this.input.on("data", (chunk) => framer.push(chunk));
    this.input.on("end", () => {
      framer.end();
      this.shutdown();
    });
    this.input.on("close", () => this.shutdown());
    this.input.on("error", () => this.shutdown());
    this.output.on("error", () => this.shutdown());
  }
  get maxLineBytes() {
    return this.options.maxLineBytes ?? MAX_LINE_BYTES;
  }
  get isClosed() {
    return this.closed;
  }
  sendNotification(method, params, extra) {
    const msg = { method };
    if (params !== void 0) msg.params = params;
    if (extra) Object.assign(msg, extra);
    this.write(msg);
  }
  sendRequest(method, params, opts = {}) {
    if (this.closed) return Promise.reject(new RequestFailedError("closed", `connection closed before ${method}`));
    const id = opts.id ?? this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => this.settle(id, new RequestFailedError("aborted", `${method} was aborted`));
      const entry = {
        method,
        resolve,
        reject,
        timer: void 0,
        cleanup: () => opts.signal?.removeEventListener("abort", onAbort)
      };
      if (opts.timeoutMs !== void 0) {
        entry.timer = setTimeout(
          () => this.settle(id, new RequestFailedError("timeout", `${method} got no reply within ${opts.timeoutMs} ms`)),
          opts.timeoutMs
        );
      }
      if (opts.signal) {
        if (opts.signal.aborted) {
          reject(new RequestFailedError("aborted", `${method} was aborted`));
          return;
        }
        opts.signal.addEventListener("abort", onAbort, { once: true });
      }
      const msg = { id, method };
      if (params !== void 0) msg.params = params;
      this.pending.set(id, entry);
      this.write(msg);
      opts.onSent?.(id);
    });
  }
  /** Ids of outgoing requests still waiting for a reply. */
  pendingIds() {
    return [...this.pending.keys()];
  }
  /** Rejects one pending outgoing request locally (e.g. the turn it belongs to ended). */
  cancelPending(id, reason = "cancelled") {
    this.settle(id, new RequestFailedError("aborted", reason));
  }
  close() {
    this.shutdown();
    this.output.end();
  }
  shutdown() {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.pending.keys()]) {
      this.settle(id, new RequestFailedError("closed", "connection closed"));
    }
    this.handlers.onClose?.();
  }
  settle(id, outcome) {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    if (entry.timer) clearTimeout(entry.timer);
    entry.cleanup();
    if (outcome instanceof Error) entry.reject(outcome);
    else entry.resolve(outcome.result);
  }
  write(msg) {
    if (!this.writable()) return;
    this.handlers.tap?.("out", msg);
    this.output.write(JSON.stringify(msg) + "\n");
  }
  /** A reply whose id is the request's own id text, byte for byte (see raw-id.ts). */
  writeReply(id, rawId, body) {
    if (!this.writable()) return;
    this.handlers.tap?.("out", { id, ...body });
    this.output.write(`{"id":${rawId},${JSON.stringify(body).slice(1)}
`);
  }
  writable() {
    return !this.closed && !this.output.destroyed && !this.output.writableEnded;
  }
  handleLine(line) {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch (err) {
      this.handlers.onMalformed?.(line, `invalid JSON: ${err.message}`);
      return;
    }
    if (typeof msg !== "object" || msg === null || Array.isArray(msg)) {
      this.handlers.onMalformed?.(line, "not a JSON object");
      return;
    }
    this.handlers.tap?.("in", msg);
    const m = msg;
    const id = m.id;
    if (typeof m.method === "string") {
      if (id === void 0 || id === null) {
        this.handlers.onNotification?.({ method: m.method, params: m.params });
        return;
      }
      const rawId = scanTopLevelId(line);
      if (rawId === void 0 || !isRequestIdToken(rawId)) {
        this.handlers.onMalformed?.(line, "request id must be a string or an integer");
        return;
      }
      this.acceptRequest({ id, method: m.method, params: m.params }, rawId);
      return;
    }
    const validId = typeof id === "string" || typeof id === "number" && Number.isInteger(id);
    if (validId && ("result" in m || "error" in m)) {
      this.handleResponse(m);
      return;
    }
    this.handlers.onMalformed?.(line, "neither a request, a notification nor a response");
  }
  /** Runs a request unless too many are running already; then it is answered -32001 at once. */
  acceptRequest(request, rawId) {
    const limit = this.options.maxPendingRequests ?? MAX_PENDING_REQUESTS;
    if (this.runningRequests >= limit) {
      this.writeReply(request.id, rawId, { error: { code: ErrorCode.Overloaded, message: OVERLOADED_MESSAGE } });
      return;
    }
    this.runningRequests++;
    void this.handleRequest(request, rawId).finally(() => this.runningRequests--);
  }
  /**
   * A line over the size cap, already discarded. A request whose id and method came
   * first (as clients write them) is answered -32600; a reply to one of our requests
   * fails that request; anything else is reported as malformed.
   */
  handleOversized(line) {
    const reason = `message of ${line.bytes} bytes exceeds the limit of ${this.maxLineBytes} bytes`;
    this.handlers.onMalformed?.(`${line.head.slice(0, 200)}\u2026`, reason);
    const rawId = scanTopLevelId(line.head);
    if (rawId === void 0 || !isRequestIdToken(rawId)) return;
    const id = JSON.parse(rawId);
    if (scanTopLevelMember(line.head, "method") !== void 0) {
      this.writeReply(id, rawId, { error: { code: ErrorCode.InvalidRequest, message: `Invalid request: ${reason}` } });
    } else if (this.pending.has(id)) {
      this.settle(id, new RequestFailedError("error-reply", `reply to ${this.pending.get(id).method}: ${reason}`));
    }
  }
  async handleRequest(request, rawId) {
    const handler = this.handlers.onRequest;
    let after = null;
    try {
      if (!handler) throw new RpcError(ErrorCode.MethodNotFound, `method not found: ${request.method}`);
      let result = await handler(request);
      if (result instanceof ReplyThen) {
        after = result.after;
        result = result.result;
      }
      this.writeReply(request.id, rawId, { result: result ?? {} });
    } catch (err) {
      const error = err instanceof RpcError ? err.toJSON() : { code: ErrorCode.InternalError, message: err instanceof Error ? err.message : String(err) };
      this.writeReply(request.id, rawId, { error });
      return;
    }
    after?.();
  }
  handleResponse(response) {
    const id = response.id;
    const entry = this.pending.get(id);
    if (!entry) {
      this.handlers.onMalformed?.(JSON.stringify(response), `reply to unknown request id ${JSON.stringify(id)}`);
      return;
    }
    if ("error" in response) {
      const e = response.error;
      const message = typeof e?.message === "string" ? e.message : "error reply";
      this.settle(id, new RequestFailedError("error-reply", `${entry.method} failed: ${message}`, e));
    } else {
      this.settle(id, { result: response.result });
    }
  }
};

// src/util/shell-parse.ts
var HARMLESS_OUTPUTS = ["/dev/null", "/dev/stdout", "/dev/stderr"];
var RESERVED = /* @__PURE__ */ new Set([
  "!",
  "[[",
  "]]",
  "{",
  "}",
  "case",
  "coproc",
  "do",
  "done",
  "elif",
  "else",
  "esac",
  "fi",
  "for",
  "function",
  "if",
  "in",
  "select",
  "then",
  "time",
  "until",
  "while"
]);
var WORD_END = /* @__PURE__ */ new Set([" ", "	", "\n", ";", "&", "|", "(", ")", "<", ">"]);
var ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;
var ShellSyntaxRefusal = class extends UsageFailure {
  constructor(message, offset) {
    super(message);
    this.offset = offset;
  }
  offset;
};
function globEscape(s) {
  return s.replace(/[\\*?[\]{}]/g, (c) => `\\${c}`);
}
function dollarReason(next) {
  if (next === "(") return "command substitution `$(\u2026)` or arithmetic `$((\u2026))`";
  if (next === "{") return "parameter expansion `${\u2026}`";
  if (next === "'") return "ANSI-C quoting `$'\u2026'`";
  if (next === '"') return 'locale quoting `$"\u2026"`';
  if (next !== void 0 && /[A-Za-z0-9_@*#?$!-]/.test(next)) return `variable expansion \`$${next === "_" || /[A-Za-z]/.test(next) ? "NAME" : next}\``;
  return "a `$`";
}
var Parser = class {
  constructor(src) {
    this.src = src;
  }
  src;
  i = 0;
  parse() {
    const src = this.src;
    const commands = [];
    let cur = null;
    let pending = null;
    const finish = (at) => {
      if (cur === null) return;
      if (cur.words.length === 0) throw new ShellSyntaxRefusal("a redirection without a command", cur.start);
      cur.end = at;
      commands.push(cur);
      cur = null;
    };
    const needCommandBefore = (op) => {
      if (cur === null) throw new ShellSyntaxRefusal(`\`${op}\` without a command before it`, this.i);
    };
    while (this.i < src.length) {
      const c = src[this.i];
      const next = src[this.i + 1];
      if (c === " " || c === "	") {
        this.i++;
      } else if (c === "\\" && next === "\n") {
        this.i += 2;
      } else if (c === "\n") {
        if (pending === null) finish(this.i);
        this.i++;
      } else if (c === ";") {
        if (next === ";") throw new ShellSyntaxRefusal("`;;` (case syntax)", this.i);
        needCommandBefore(";");
        if (pending !== null) throw new ShellSyntaxRefusal(`\`;\` right after \`${pending.op}\``, this.i);
        finish(this.i);
        this.i++;
      } else if (c === "&") {
        if (next === "&") {
          needCommandBefore("&&");
          finish(this.i);
          pending = { op: "&&", at: this.i };
          this.i += 2;
        } else if (next === ">") {
          throw new ShellSyntaxRefusal("the `&>` redirection", this.i);
        } else {
          throw new ShellSyntaxRefusal("a background `&`", this.i);
        }
      } else if (c === "|") {
        if (next === "&") throw new ShellSyntaxRefusal("the `|&` pipe (bash only; `sh` reads it differently)", this.i);
        const op = next === "|" ? "||" : "|";
        needCommandBefore(op);
        finish(this.i);
        pending = { op, at: this.i };
        this.i += op.length;
      } else if (c === "(" || c === ")") {
        throw new ShellSyntaxRefusal(`a \`${c}\` (subshell, function or process substitution)`, this.i);
      } else if (c === "#") {
        while (this.i < src.length && src[this.i] !== "\n") this.i++;
      } else {
        if (cur === null) cur = { words: [], redirects: [], start: this.i, end: this.i };
        const command = cur;
        if (c === "<" || c === ">") {
          command.redirects.push(this.redirect(null));
        } else {
          const wordStart = this.i;
          const word = this.word();
          const after = src[this.i];
          if ((after === "<" || after === ">") && /^[0-9]+$/.test(word.raw)) {
            command.redirects.push(this.redirect(Number(word.raw)));
          } else {
            if (command.words.length === 0) {
              if (RESERVED.has(word.raw)) throw new ShellSyntaxRefusal(`the reserved word \`${word.raw}\``, wordStart);
              if (ASSIGNMENT.test(word.raw)) {
                throw new ShellSyntaxRefusal(`the variable assignment \`${word.raw.split("=")[0]}=\u2026\``, wordStart);
              }
            }
            command.words.push(word);
          }
        }
        pending = null;
      }
    }
    if (pending !== null) throw new ShellSyntaxRefusal(`a command is missing after \`${pending.op}\``, pending.at);
    finish(src.length);
    return commands;
  }
  word() {
    const src = this.src;
    const start = this.i;
    let value = "";
    let pattern = "";
    let glob = false;
    let lastUnquoted = "";
    while (this.i < src.length) {
      const c = src[this.i];
      if (WORD_END.has(c)) break;
      const at = this.i;
      if (c === "'") {
        const end = src.indexOf("'", at + 1);
        if (end < 0) throw new ShellSyntaxRefusal("an unterminated single quote", at);
        const text = src.slice(at + 1, end);
        value += text;
        pattern += globEscape(text);
        this.i = end + 1;
        lastUnquoted = "";
      } else if (c === '"') {
        this.i++;
        for (; ; ) {
          if (this.i >= src.length) throw new ShellSyntaxRefusal("an unterminated double quote", at);
          const d = src[this.i];
          if (d === '"') {
            this.i++;
            break;
          }
          if (d === "\\") {
            const e = src[this.i + 1];
            if (e === "\n") {
              this.i += 2;
            } else if (e === "$" || e === "`" || e === '"' || e === "\\") {
              value += e;
              pattern += globEscape(e);
              this.i += 2;
            } else {
              value += "\\";
              pattern += "\\\\";
              this.i++;
            }
          } else if (d === "$") {
            throw new ShellSyntaxRefusal(`${dollarReason(src[this.i + 1])} inside double quotes`, this.i);
          } else if (d === "`") {
            throw new ShellSyntaxRefusal("a backtick command substitution", this.i);
          } else {
            this.controlCheck(d, this.i);
            value += d;
            pattern += globEscape(d);
            this.i++;
          }
        }
        lastUnquoted = "";
      } else if (c === "\\") {
        const e = src[at + 1];
        if (e === void 0) throw new ShellSyntaxRefusal("a `\\` at the end of the script", at);
        if (e === "\n") {
          this.i += 2;
          continue;
        }
        this.controlCheck(e, at + 1);
        value += e;
        pattern += globEscape(e);
        this.i += 2;
        lastUnquoted = "";
      } else if (c === "$") {
        throw new ShellSyntaxRefusal(dollarReason(src[at + 1]), at);
      } else if (c === "`") {
        throw new ShellSyntaxRefusal("a backtick command substitution", at);
      } else if (c === "{" || c === "}") {
        throw new ShellSyntaxRefusal(`a \`${c}\` (brace expansion or command group)`, at);
      } else if (c === "~" && (at === start || lastUnquoted === "=" || lastUnquoted === ":")) {
        throw new ShellSyntaxRefusal("a `~` that bash expands to a home directory", at);
      } else {
        this.controlCheck(c, at);
        if (c === "*" || c === "?") {
          glob = true;
          pattern += c;
        } else if (c === "[" || c === "]") {
          const lone = c === "[" && at === start && (at + 1 >= src.length || WORD_END.has(src[at + 1]));
          if (!lone && c === "[") glob = true;
          pattern += lone ? "\\[" : c;
        } else {
          pattern += globEscape(c);
        }
        value += c;
        this.i++;
        lastUnquoted = c;
      }
    }
    return { value, glob, pattern, raw: src.slice(start, this.i) };
  }
  controlCheck(ch, at) {
    const code = ch.charCodeAt(0);
    if (code < 32 && ch !== "	" && ch !== "\n" || code === 127) {
      throw new ShellSyntaxRefusal(`the control character U+${code.toString(16).padStart(4, "0").toUpperCase()}`, at);
    }
  }
  redirect(fd) {
    const src = this.src;
    const at = this.i;
    const rest = src.slice(at, at + 3);
    let op;
    if (rest.startsWith("<<<")) throw new ShellSyntaxRefusal("a here-string `<<<`", at);
    if (rest.startsWith("<<")) throw new ShellSyntaxRefusal("a here-document `<<`", at);
    if (rest.startsWith("<>")) throw new ShellSyntaxRefusal("the `<>` redirection", at);
    if (rest.startsWith("<&")) throw new ShellSyntaxRefusal("the `<&` redirection", at);
    if (rest.startsWith("<(") || rest.startsWith(">(")) throw new ShellSyntaxRefusal("a process substitution", at);
    if (rest.startsWith(">>")) op = ">>";
    else if (rest.startsWith(">|")) op = ">|";
    else if (rest.startsWith(">&")) op = ">&";
    else op = rest[0] === "<" ? "<" : ">";
    this.i += op.length;
    while (src[this.i] === " " || src[this.i] === "	") this.i++;
    const c = src[this.i];
    if (c === void 0 || WORD_END.has(c)) throw new ShellSyntaxRefusal(`\`${op}\` without a target`, at);
    const target = this.word();
    if (op === ">&") {
      if (!/^[0-9]+$/.test(target.raw)) throw new ShellSyntaxRefusal(`\`>&${target.raw}\` (only \`N>&M\` between descriptors is read)`, at);
      return { fd, op, target: target.raw };
    }
    if (target.glob) throw new ShellSyntaxRefusal("a file-name pattern as a redirection target", at);
    if (op !== "<" && !HARMLESS_OUTPUTS.includes(target.value)) {
      throw new ShellSyntaxRefusal(`an output redirection to a file (\`${op}${target.raw}\`): it would write outside the file-change rules`, at);
    }
    return { fd, op, target: target.value };
  }
};
function parseShell(script) {
  try {
    return { ok: true, commands: new Parser(script).parse() };
  } catch (err) {
    if (err instanceof ShellSyntaxRefusal) return { ok: false, error: err.message, offset: err.offset };
    throw err;
  }
}
function quoteWord(word) {
  if (/^[A-Za-z0-9_\-./=:@%+,]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
function formatWords(words) {
  return words.map((w) => w.glob ? w.raw : quoteWord(w.value)).join(" ");
}
function literalWord(value) {
  return { value, glob: false, pattern: globEscape(value), raw: quoteWord(value) };
}

export {
  ErrorCode,
  RpcError,
  ReplyThen,
  RequestFailedError,
  SERVER_OUTPUT_MAX_LINE_BYTES,
  JsonRpcConnection,
  parseShell,
  formatWords,
  literalWord
};
