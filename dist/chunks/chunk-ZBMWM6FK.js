import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);

// src/artifacts/atomic-write.ts
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
async function writeFileAtomic(target, data) {
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  let handle;
  try {
    handle = await fs.open(tmp, "wx", 420);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = void 0;
    await fs.rename(tmp, target);
  } catch (err) {
    await handle?.close().catch(() => {
    });
    await fs.rm(tmp, { force: true }).catch(() => {
    });
    throw err;
  }
  await fsyncDir(dir);
}
async function fsyncDir(dir) {
  let handle;
  try {
    handle = await fs.open(dir, "r");
    await handle.sync();
  } catch {
  } finally {
    await handle?.close().catch(() => {
    });
  }
}

// src/artifacts/result.ts
import path2 from "node:path";

// src/artifacts/redact.ts
var REDACTED = "[REDACTED]";
var MIN_SECRET_LENGTH = 6;
var MIN_ENCODED_LENGTH = 7;
var MIN_CUT_PREFIX = 4;
var PATTERN_HOLD_CAP = 2048;
var SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASS|CREDENTIAL|AUTH)/i;
var NOT_SECRET_NAME = /^GIT_(AUTHOR|COMMITTER)_(NAME|EMAIL|DATE)$/i;
function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
function prefixesOf(word) {
  const alts = [];
  for (let n = word.length; n >= 1; n--) alts.push(escapeRegExp(word.slice(0, n)));
  return `(?:${alts.join("|")})`;
}
var TOKEN_SHAPES = [
  // OpenAI / Anthropic-style API keys: sk-…, sk-proj-…, sk-ant-…
  {
    full: /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{6,}/g,
    partial: /(?<![A-Za-z0-9_-])(?:sk?|sk-[A-Za-z0-9_-]{0,5})$/g,
    tail: /[A-Za-z0-9_-]/
  },
  // GitHub tokens: classic PATs, OAuth, app installation, user-to-server, refresh.
  {
    full: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{10,}/g,
    partial: /(?<![A-Za-z0-9_])(?:gh?|gh[pousr]|gh[pousr]_[A-Za-z0-9]{0,9})$/g,
    tail: /[A-Za-z0-9]/
  },
  // GitHub fine-grained PATs.
  {
    full: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{10,}/g,
    partial: new RegExp(`(?<![A-Za-z0-9_])(?:${prefixesOf("github_pat_")}|github_pat_[A-Za-z0-9_]{0,9})$`, "g"),
    tail: /[A-Za-z0-9_]/
  },
  // Slack tokens: bot, user, app-level, legacy workspace, refresh.
  {
    full: /(?<![A-Za-z0-9_-])xox[abposr]-[A-Za-z0-9-]{10,}/g,
    partial: /(?<![A-Za-z0-9_-])(?:xo?|xox[abposr]?|xox[abposr]-[A-Za-z0-9-]{0,9})$/g,
    tail: /[A-Za-z0-9-]/
  },
  // JWTs: base64url JSON header and payload (both `{"…` = `eyJ…`), signature (may be empty: alg none).
  {
    full: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
    partial: /(?<![A-Za-z0-9_-])(?:ey?|eyJ[A-Za-z0-9_-]*(?:\.(?:ey?|eyJ[A-Za-z0-9_-]*)?)?)$/g,
    tail: /[A-Za-z0-9_-]/
  },
  // `Bearer <token>` (any case): keep the scheme word, drop the credential.
  {
    full: /\b(Bearer)(\s+)[A-Za-z0-9._~+/=-]{4,}/gi,
    partial: /\b(?:b(?:e(?:a(?:r(?:e(?:r)?)?)?)?)?|bearer\s+[A-Za-z0-9._~+/=-]{0,3})$/gi,
    tail: /[A-Za-z0-9._~+/=-]/,
    keep: (m) => (m[1] ?? "").length + (m[2] ?? "").length
  }
];
function base64Aligned(bytes, shift) {
  const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString("base64");
  const first = Math.ceil(8 * shift / 6);
  const end = Math.floor(8 * (shift + bytes.length) / 6);
  return end > first ? encoded.slice(first, end) : "";
}
function jsonEscapeAscii(s) {
  return JSON.stringify(s).slice(1, -1).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
function literalForms(secret) {
  const forms = /* @__PURE__ */ new Map();
  const add = (text, base64, min) => {
    if (text.length >= min && !forms.has(text)) forms.set(text, { text, base64 });
  };
  add(secret, false, MIN_SECRET_LENGTH);
  const encoded = [
    JSON.stringify(secret).slice(1, -1),
    jsonEscapeAscii(secret),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())
  ];
  for (const e of encoded) if (e !== secret) add(e, false, MIN_ENCODED_LENGTH);
  const bytes = Buffer.from(secret, "utf8");
  for (const shift of [0, 1, 2]) add(base64Aligned(bytes, shift), true, MIN_ENCODED_LENGTH);
  return [...forms.values()];
}
function secretVariants(value) {
  const out = /* @__PURE__ */ new Set();
  const add = (s) => {
    if (s.length >= MIN_SECRET_LENGTH) out.add(s);
  };
  add(value);
  add(value.trim());
  if (/[\r\n]/.test(value)) for (const line of value.split(/\r?\n|\r/)) add(line.trim());
  return [...out];
}
var Engine = class {
  maxFormLength;
  forms;
  byFirstChar = /* @__PURE__ */ new Map();
  constructor(secrets) {
    const forms = /* @__PURE__ */ new Map();
    for (const secret of secrets) for (const v of secretVariants(secret)) for (const f of literalForms(v)) if (!forms.has(f.text)) forms.set(f.text, f);
    const sorted = [...forms.values()].sort((a, b) => b.text.length - a.text.length);
    this.forms = sorted;
    this.maxFormLength = sorted.reduce((m, f) => Math.max(m, f.text.length), 0);
    for (const f of sorted) {
      const first = f.text[0];
      const list = this.byFirstChar.get(first) ?? [];
      list.push(f);
      this.byFirstChar.set(first, list);
    }
  }
  /**
   * Redacts `text`, which follows the character `ctx` in its stream ('' at a start): every
   * literal secret, encoded form and token is found in the raw text, overlapping ones are
   * merged, and each merged stretch becomes one REDACTED.
   */
  redact(text, ctx = "") {
    if (text.length === 0) return text;
    const { merged } = this.spans(text, ctx);
    if (merged.length === 0) return text;
    let out = "";
    let at = 0;
    for (const s of merged) {
      out += text.slice(at, s.start) + REDACTED;
      at = s.end;
    }
    return out + text.slice(at);
  }
  /**
   * Where literal secrets and complete tokens lie in `text` (overlapping ones merged):
   * `merged` is what gets redacted, `whole` the complete matches (a `Bearer ` scheme
   * included: a stream must not cut between the scheme and its credential).
   */
  spans(text, ctx) {
    const literal = this.literalSpans(text);
    const redacted = [...literal];
    const whole = [...literal];
    let tokenAtEnd = null;
    const subject = ctx + text;
    for (const shape of TOKEN_SHAPES) {
      const re = shape.full;
      re.lastIndex = 0;
      for (let m = re.exec(subject); m !== null; m = re.exec(subject)) {
        if (m.index < ctx.length) {
          re.lastIndex = m.index + 1;
          continue;
        }
        const start = m.index - ctx.length;
        const end = start + m[0].length;
        redacted.push({ start: start + (shape.keep ? shape.keep(m) : 0), end });
        whole.push({ start, end });
        if (end === text.length && (!tokenAtEnd || start < tokenAtEnd.start)) tokenAtEnd = { shape, start };
      }
    }
    return { merged: mergeSpans(redacted), whole: mergeSpans(whole), tokenAtEnd };
  }
  /**
   * Every occurrence of every literal form in `text`, overlapping ones merged (so two
   * overlapping secrets are redacted together). Base64 forms are also looked for with the
   * line breaks of `text` skipped, as `base64` wraps its output.
   */
  literalSpans(text) {
    if (this.forms.length === 0 || text.length === 0) return [];
    const spans = [];
    let stripped;
    for (const form of this.forms) {
      for (let i = text.indexOf(form.text); i >= 0; i = text.indexOf(form.text, i + 1)) spans.push({ start: i, end: i + form.text.length });
      if (!form.base64) continue;
      if (stripped === void 0) stripped = stripLineBreaks(text);
      if (stripped === null) continue;
      const { text: flat, index } = stripped;
      for (let i = flat.indexOf(form.text); i >= 0; i = flat.indexOf(form.text, i + 1)) {
        spans.push({ start: index[i], end: index[i + form.text.length - 1] + 1 });
      }
    }
    return mergeSpans(spans);
  }
  /**
   * Length of the longest tail of `text` that is a proper beginning of a literal secret
   * or of one of its encoded forms (line breaks inside a base64 form skipped).
   */
  literalHold(text) {
    if (this.maxFormLength === 0) return 0;
    const window = this.maxFormLength - 1 + 2 * Math.ceil(this.maxFormLength / 64);
    for (let p = Math.max(0, text.length - window); p < text.length; p++) {
      const candidates = this.byFirstChar.get(text[p]);
      if (!candidates) continue;
      for (const form of candidates) if (isProperPrefixAt(text, p, form)) return text.length - p;
    }
    return 0;
  }
  /** Length of the longest tail of `text` that is the beginning of a token shape. */
  partialHold(text, ctx) {
    const truncated = text.length > PATTERN_HOLD_CAP;
    const window = truncated ? text.slice(-PATTERN_HOLD_CAP - 1) : ctx + text;
    const lead = truncated ? 1 : ctx.length;
    let hold = 0;
    for (const shape of TOKEN_SHAPES) {
      const re = shape.partial;
      re.lastIndex = 0;
      let m = re.exec(window);
      while (m && m.index < lead) {
        re.lastIndex = m.index + 1;
        m = re.exec(window);
      }
      if (!m) continue;
      if (truncated && m.index === lead) continue;
      hold = Math.max(hold, m[0].length);
    }
    return hold;
  }
};
function mergeSpans(spans) {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}
function stripLineBreaks(text) {
  if (!/[\r\n]/.test(text)) return null;
  const index = new Int32Array(text.length);
  let flat = "";
  let n = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      if (i > run) flat += text.slice(run, i);
      run = i + 1;
      continue;
    }
    index[n++] = i;
  }
  flat += text.slice(run);
  return { text: flat, index };
}
function isProperPrefixAt(text, p, form) {
  let j = 0;
  for (let i = p; i < text.length; i++) {
    const c = text[i];
    if (form.base64 && j > 0 && (c === "\n" || c === "\r")) continue;
    if (j >= form.text.length || c !== form.text[j]) return false;
    j++;
  }
  return j > 0 && j < form.text.length;
}
var engines = /* @__PURE__ */ new WeakMap();
function secretEnvValues(env) {
  const values = [];
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) continue;
    if (!SECRET_NAME.test(name) || NOT_SECRET_NAME.test(name)) continue;
    values.push(value);
  }
  return values;
}
function createRedactor(env, extraSecrets = []) {
  const engine = new Engine([...secretEnvValues(env), ...extraSecrets]);
  const redact = (text) => engine.redact(text);
  engines.set(redact, engine);
  return redact;
}
function redactDeep(value, redact) {
  return walk(value, redact);
}
function walk(value, redact) {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, redact));
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[redact(k)] = walk(v, redact);
    return out;
  }
  return value;
}
var HoldBackStream = class {
  constructor(engine, redactor) {
    this.engine = engine;
    this.redactor = redactor;
  }
  engine;
  redactor;
  pending = "";
  ctx = "";
  cont = null;
  /** Raw text of the cut-off secret beginning the last end() redacted (never printed). */
  cutTail = null;
  get held() {
    return this.pending.length;
  }
  push(chunk) {
    let text = this.pending + chunk;
    this.pending = "";
    if (this.cont) {
      let i = 0;
      while (i < text.length && this.cont.test(text[i])) i++;
      if (i > 0) this.ctx = text[i - 1];
      text = text.slice(i);
      if (text.length > 0) this.cont = null;
    }
    if (text.length === 0) return "";
    const engine = this.engine;
    const hold = Math.max(engine.literalHold(text), engine.partialHold(text, this.ctx));
    let cut = text.length - hold;
    const { whole, tokenAtEnd } = engine.spans(text, this.ctx);
    if (tokenAtEnd && text.length - tokenAtEnd.start <= PATTERN_HOLD_CAP) cut = Math.min(cut, tokenAtEnd.start);
    const crossing = whole.find((s) => s.start < cut && cut < s.end);
    if (crossing) {
      const tooLong = crossing.end === text.length && text.length - crossing.start > PATTERN_HOLD_CAP + engine.maxFormLength;
      cut = tooLong ? text.length : crossing.start;
    }
    const out = this.engine.redact(text.slice(0, cut), this.ctx);
    this.pending = text.slice(cut);
    if (cut > 0) this.ctx = text[cut - 1];
    this.cont = cut === text.length && tokenAtEnd ? tokenAtEnd.shape.tail : null;
    return out;
  }
  end() {
    const text = this.pending;
    const ctx = this.ctx;
    this.pending = "";
    this.ctx = "";
    this.cont = null;
    this.cutTail = null;
    if (text.length === 0) return "";
    const tail = this.engine.literalHold(text);
    if (tail >= MIN_CUT_PREFIX) {
      this.cutTail = text.slice(text.length - tail);
      return this.engine.redact(text.slice(0, text.length - tail), ctx) + REDACTED;
    }
    return this.engine.redact(text, ctx);
  }
  redactCompleted(text) {
    return redactCutTails(text, this.cutTail ? [this.cutTail] : [], this.redactor);
  }
};
var PassThroughStream = class {
  constructor(redactor) {
    this.redactor = redactor;
  }
  redactor;
  held = 0;
  push(chunk) {
    return this.redactor(chunk);
  }
  end() {
    return "";
  }
  redactCompleted(text) {
    return this.redactor(text);
  }
};
function createStreamRedactor(redact) {
  const engine = engines.get(redact);
  return engine ? new HoldBackStream(engine, redact) : new PassThroughStream(redact);
}
function cutTailOf(stream) {
  return stream instanceof HoldBackStream ? stream.cutTail : null;
}
function redactCutTails(text, tails, redact) {
  for (const tail of tails) if (text.endsWith(tail)) return redact(text.slice(0, text.length - tail.length)) + REDACTED;
  return redact(text);
}

// src/artifacts/result.ts
var RESULT_FILE = "result.json";
var DIFF_FILE = "diff.patch";
var RESULT_SCHEMA_VERSION = 1;
var EXIT_CODES = {
  success: 0,
  no_changes: 0,
  model: 1,
  usage: 2,
  server: 3,
  timeout: 4,
  budget: 5,
  interrupted: 6,
  internal: 7,
  policy: 8
};
async function writeResult(outDir, result, redact) {
  const file = path2.join(outDir, RESULT_FILE);
  await writeFileAtomic(file, JSON.stringify(redactDeep(result, redact), null, 2) + "\n");
  return file;
}

export {
  writeFileAtomic,
  fsyncDir,
  createRedactor,
  redactDeep,
  createStreamRedactor,
  cutTailOf,
  redactCutTails,
  RESULT_FILE,
  DIFF_FILE,
  RESULT_SCHEMA_VERSION,
  EXIT_CODES,
  writeResult
};
