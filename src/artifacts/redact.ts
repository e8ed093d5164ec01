// Secret redaction for everything tern writes or prints: artifacts, summaries,
// error reasons, progress lines. What counts as a secret:
//  1. literal secrets: values of environment variables whose *names* look secret
//     (KEY, TOKEN, SECRET, PASSWORD, PASS, CREDENTIAL, AUTH), plus the extra values the
//     caller names (`--secret-env NAME`, provider `env_key`s, the Action's inputs). At least
//     MIN_SECRET_LENGTH (6) characters; a value with surrounding whitespace also counts
//     trimmed, and each line of a multi-line value (a PEM key) counts on its own.
//  2. every *encoded form* of a literal secret, as the GitHub Actions runner's masker does:
//     - base64 in its three alignments: the encoding of the secret preceded by 0, 1 or 2
//       unknown bytes, trimmed of the characters that depend on the unknown neighbouring
//       bytes at both ends (so it is found inside any longer base64 text, e.g. `user:password`
//       encoded for Basic auth); line breaks as `base64` wraps at 76 columns are tolerated;
//     - URL encoding (encodeURIComponent, and the same with lowercase hex);
//     - JSON string escaping (JSON.stringify(s).slice(1, -1), and the `\uXXXX` form of
//       non-ASCII characters that Python's json.dumps writes).
//     A form counts only when it differs from the plain secret and has at least
//     MIN_ENCODED_LENGTH (7) characters. Every form of a secret of 6 or more bytes reaches
//     that (a 6-byte secret's shifted base64 forms are 7 characters, about 42 bits), so the
//     minimum only keeps pathological short forms out; the encoded forms of a secret are as
//     distinctive as the secret, they do not match ordinary text.
//  3. well-known token *shapes*, wherever they come from (model output, command output):
//     OpenAI-style `sk-…`, GitHub `ghp_`/`gho_`/`ghs_`/`ghu_`/`ghr_`/`github_pat_…`,
//     Slack `xox[abposr]-…`, JWTs (`eyJ….eyJ….signature`) and `Bearer <token>` headers.
//
// Streams. A secret that arrives in pieces (streamed model deltas, command output chunks)
// is still a leak, so createStreamRedactor() holds back the tail of the text that could be
// the beginning of a secret (see HoldBackStream below) and EventsLog uses one per item.

export const REDACTED = '[REDACTED]';

export type Redactor = (text: string) => string;

/** Literal secrets shorter than this are ignored (they would garble ordinary text). */
export const MIN_SECRET_LENGTH = 6;
/** Encoded forms of a secret shorter than this are not matched. */
export const MIN_ENCODED_LENGTH = 7;
/**
 * When a stream ends with a cut-off beginning of a literal secret (or of an encoded form)
 * at least this long, that tail is redacted too. Shorter tails pass: 1 to 3 characters
 * reveal next to nothing and are far too common (`sk-`, `ghp`) to hide.
 */
export const MIN_CUT_PREFIX = 4;
/**
 * Longest token a stream holds back: a beginning of a token *shape* (in practice the
 * header and payload of a JWT before its last dot), or a complete token that may still
 * grow. A longer beginning is let through (the plain redactor does not redact it either
 * until it is complete); a longer complete token is let out redacted, and the characters
 * that continue it are dropped.
 */
export const PATTERN_HOLD_CAP = 2048;

const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASS|CREDENTIAL|AUTH)/i;
/** Names that match SECRET_NAME but hold no secret; redacting them would only garble output. */
const NOT_SECRET_NAME = /^GIT_(AUTHOR|COMMITTER)_(NAME|EMAIL|DATE)$/i;

// ---- token shapes -------------------------------------------------------------

interface TokenShape {
  /** A complete token (global). */
  full: RegExp;
  /** A proper beginning of a token at the very end of a text (not yet a complete one; global). */
  partial: RegExp;
  /** One character that continues a complete token (what makes the match grow). */
  tail: RegExp;
  /** Characters of the match kept before the redacted part (the `Bearer ` of a header). */
  keep?: (m: RegExpExecArray) => number;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `(?:w|wo|wor|word)`, longest first: any non-empty prefix of `word`. */
function prefixesOf(word: string): string {
  const alts: string[] = [];
  for (let n = word.length; n >= 1; n--) alts.push(escapeRegExp(word.slice(0, n)));
  return `(?:${alts.join('|')})`;
}

const TOKEN_SHAPES: TokenShape[] = [
  // OpenAI / Anthropic-style API keys: sk-…, sk-proj-…, sk-ant-…
  {
    full: /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{6,}/g,
    partial: /(?<![A-Za-z0-9_-])(?:sk?|sk-[A-Za-z0-9_-]{0,5})$/g,
    tail: /[A-Za-z0-9_-]/,
  },
  // GitHub tokens: classic PATs, OAuth, app installation, user-to-server, refresh.
  {
    full: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{10,}/g,
    partial: /(?<![A-Za-z0-9_])(?:gh?|gh[pousr]|gh[pousr]_[A-Za-z0-9]{0,9})$/g,
    tail: /[A-Za-z0-9]/,
  },
  // GitHub fine-grained PATs.
  {
    full: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{10,}/g,
    partial: new RegExp(`(?<![A-Za-z0-9_])(?:${prefixesOf('github_pat_')}|github_pat_[A-Za-z0-9_]{0,9})$`, 'g'),
    tail: /[A-Za-z0-9_]/,
  },
  // Slack tokens: bot, user, app-level, legacy workspace, refresh.
  {
    full: /(?<![A-Za-z0-9_-])xox[abposr]-[A-Za-z0-9-]{10,}/g,
    partial: /(?<![A-Za-z0-9_-])(?:xo?|xox[abposr]?|xox[abposr]-[A-Za-z0-9-]{0,9})$/g,
    tail: /[A-Za-z0-9-]/,
  },
  // JWTs: base64url JSON header and payload (both `{"…` = `eyJ…`), signature (may be empty: alg none).
  {
    full: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
    partial: /(?<![A-Za-z0-9_-])(?:ey?|eyJ[A-Za-z0-9_-]*(?:\.(?:ey?|eyJ[A-Za-z0-9_-]*)?)?)$/g,
    tail: /[A-Za-z0-9_-]/,
  },
  // `Bearer <token>` (any case): keep the scheme word, drop the credential.
  {
    full: /\b(Bearer)(\s+)[A-Za-z0-9._~+/=-]{4,}/gi,
    partial: /\b(?:b(?:e(?:a(?:r(?:e(?:r)?)?)?)?)?|bearer\s+[A-Za-z0-9._~+/=-]{0,3})$/gi,
    tail: /[A-Za-z0-9._~+/=-]/,
    keep: (m) => (m[1] ?? '').length + (m[2] ?? '').length,
  },
];

// ---- literal secrets and their encoded forms -------------------------------------

interface LiteralForm {
  text: string;
  /** A base64 form: line breaks between its characters are tolerated. */
  base64: boolean;
}

/**
 * The part of base64(<shift unknown bytes> + bytes) that depends only on `bytes`: characters
 * whose 6 bits all fall inside the secret's bits. Preceding bytes decide the first
 * ceil(8·shift/6) characters, following bytes (or padding) the last partial one.
 */
function base64Aligned(bytes: Buffer, shift: number): string {
  const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
  const first = Math.ceil((8 * shift) / 6);
  const end = Math.floor((8 * (shift + bytes.length)) / 6);
  return end > first ? encoded.slice(first, end) : '';
}

function jsonEscapeAscii(s: string): string {
  return JSON.stringify(s)
    .slice(1, -1)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The secret and its encoded forms (deduplicated). */
export function encodedForms(secret: string): string[] {
  return literalForms(secret).map((f) => f.text);
}

function literalForms(secret: string): LiteralForm[] {
  const forms = new Map<string, LiteralForm>();
  const add = (text: string, base64: boolean, min: number) => {
    if (text.length >= min && !forms.has(text)) forms.set(text, { text, base64 });
  };
  add(secret, false, MIN_SECRET_LENGTH);
  const encoded = [
    JSON.stringify(secret).slice(1, -1),
    jsonEscapeAscii(secret),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
  ];
  for (const e of encoded) if (e !== secret) add(e, false, MIN_ENCODED_LENGTH);
  const bytes = Buffer.from(secret, 'utf8');
  for (const shift of [0, 1, 2]) add(base64Aligned(bytes, shift), true, MIN_ENCODED_LENGTH);
  return [...forms.values()];
}

/** A value as given, trimmed, and line by line: each at least MIN_SECRET_LENGTH long. */
function secretVariants(value: string): string[] {
  const out = new Set<string>();
  const add = (s: string) => {
    if (s.length >= MIN_SECRET_LENGTH) out.add(s);
  };
  add(value);
  add(value.trim());
  if (/[\r\n]/.test(value)) for (const line of value.split(/\r?\n|\r/)) add(line.trim());
  return [...out];
}

// ---- the engine behind a redactor -------------------------------------------------

interface Span {
  start: number;
  end: number;
}

class Engine {
  readonly maxFormLength: number;
  private readonly forms: LiteralForm[];
  private readonly byFirstChar = new Map<string, LiteralForm[]>();

  constructor(secrets: string[]) {
    const forms = new Map<string, LiteralForm>();
    for (const secret of secrets) for (const v of secretVariants(secret)) for (const f of literalForms(v)) if (!forms.has(f.text)) forms.set(f.text, f);
    // Longest first (within a first character too): the hold-back finds the longest form quickly.
    const sorted = [...forms.values()].sort((a, b) => b.text.length - a.text.length);
    this.forms = sorted;
    this.maxFormLength = sorted.reduce((m, f) => Math.max(m, f.text.length), 0);
    for (const f of sorted) {
      const first = f.text[0] as string;
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
  redact(text: string, ctx = ''): string {
    if (text.length === 0) return text;
    const { merged } = this.spans(text, ctx);
    if (merged.length === 0) return text;
    let out = '';
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
  spans(text: string, ctx: string): { merged: Span[]; whole: Span[]; tokenAtEnd: { shape: TokenShape; start: number } | null } {
    const literal = this.literalSpans(text);
    const redacted: Span[] = [...literal];
    const whole: Span[] = [...literal];
    let tokenAtEnd: { shape: TokenShape; start: number } | null = null;
    const subject = ctx + text;
    for (const shape of TOKEN_SHAPES) {
      const re = shape.full;
      re.lastIndex = 0;
      for (let m = re.exec(subject); m !== null; m = re.exec(subject)) {
        if (m.index < ctx.length) {
          // A match that starts in the context is no match; one starting later may be.
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
  literalSpans(text: string): Span[] {
    if (this.forms.length === 0 || text.length === 0) return [];
    const spans: Span[] = [];
    let stripped: { text: string; index: Int32Array } | null | undefined;
    for (const form of this.forms) {
      for (let i = text.indexOf(form.text); i >= 0; i = text.indexOf(form.text, i + 1)) spans.push({ start: i, end: i + form.text.length });
      if (!form.base64) continue;
      if (stripped === undefined) stripped = stripLineBreaks(text);
      if (stripped === null) continue;
      const { text: flat, index } = stripped;
      for (let i = flat.indexOf(form.text); i >= 0; i = flat.indexOf(form.text, i + 1)) {
        spans.push({ start: index[i] as number, end: (index[i + form.text.length - 1] as number) + 1 });
      }
    }
    return mergeSpans(spans);
  }

  /**
   * Length of the longest tail of `text` that is a proper beginning of a literal secret
   * or of one of its encoded forms (line breaks inside a base64 form skipped).
   */
  literalHold(text: string): number {
    if (this.maxFormLength === 0) return 0;
    // A base64 form may carry a line break every 76 characters: allow some slack.
    const window = this.maxFormLength - 1 + 2 * Math.ceil(this.maxFormLength / 64);
    for (let p = Math.max(0, text.length - window); p < text.length; p++) {
      const candidates = this.byFirstChar.get(text[p] as string);
      if (!candidates) continue;
      for (const form of candidates) if (isProperPrefixAt(text, p, form)) return text.length - p;
    }
    return 0;
  }

  /** Length of the longest tail of `text` that is the beginning of a token shape. */
  partialHold(text: string, ctx: string): number {
    const truncated = text.length > PATTERN_HOLD_CAP;
    const window = truncated ? text.slice(-PATTERN_HOLD_CAP - 1) : ctx + text;
    const lead = truncated ? 1 : ctx.length;
    let hold = 0;
    for (const shape of TOKEN_SHAPES) {
      const re = shape.partial;
      re.lastIndex = 0;
      let m = re.exec(window);
      // The longest beginning that starts after the context.
      while (m && m.index < lead) {
        re.lastIndex = m.index + 1;
        m = re.exec(window);
      }
      if (!m) continue;
      // A beginning that fills the whole window may be longer still: over the cap, let it go.
      if (truncated && m.index === lead) continue;
      hold = Math.max(hold, m[0].length);
    }
    return hold;
  }
}

function mergeSpans(spans: Span[]): Span[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** `text` without CR and LF, and for each of its characters the index in `text`; null without line breaks. */
function stripLineBreaks(text: string): { text: string; index: Int32Array } | null {
  if (!/[\r\n]/.test(text)) return null;
  const index = new Int32Array(text.length);
  let flat = '';
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

/** text[p..] is a proper prefix of form (it does not reach the form's end). */
function isProperPrefixAt(text: string, p: number, form: LiteralForm): boolean {
  let j = 0;
  for (let i = p; i < text.length; i++) {
    const c = text[i];
    if (form.base64 && j > 0 && (c === '\n' || c === '\r')) continue;
    if (j >= form.text.length || c !== form.text[j]) return false;
    j++;
  }
  return j > 0 && j < form.text.length;
}

const engines = new WeakMap<Redactor, Engine>();

/** The env values that createRedactor treats as secrets (exported for tests and diagnostics). */
export function secretEnvValues(env: NodeJS.ProcessEnv): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
    if (!SECRET_NAME.test(name) || NOT_SECRET_NAME.test(name)) continue;
    values.push(value);
  }
  return values;
}

/**
 * A redactor for the secrets of `env` (by variable name) and `extraSecrets` (literal values:
 * `--secret-env` variables, provider `env_key`s; values shorter than MIN_SECRET_LENGTH are
 * ignored), their encoded forms, and the token shapes.
 */
export function createRedactor(env: NodeJS.ProcessEnv, extraSecrets: readonly string[] = []): Redactor {
  const engine = new Engine([...secretEnvValues(env), ...extraSecrets]);
  const redact: Redactor = (text: string) => engine.redact(text);
  engines.set(redact, engine);
  return redact;
}

/**
 * Returns a copy of a JSON-like value with every string (object keys included)
 * passed through `redact`. Redacting values before serialising matters: a secret
 * containing `"` or `\` would not match inside its JSON-escaped form.
 */
export function redactDeep<T>(value: T, redact: Redactor): T {
  return walk(value, redact) as T;
}

function walk(value: unknown, redact: Redactor): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, redact));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[redact(k)] = walk(v, redact);
    return out;
  }
  return value;
}

// ---- streams -------------------------------------------------------------------

/** Redaction of a text that arrives in chunks (model deltas, command output, progress). */
export interface StreamRedactor {
  /**
   * Takes the next chunk; returns the redacted text that is safe to emit now. That may be
   * less than the chunk (a tail that could begin a secret is held back) or more (earlier
   * held-back text that turned out harmless, or was redacted). Never loses text: the
   * concatenation of everything push() and end() return is the redacted stream.
   */
  push(chunk: string): string;
  /**
   * Ends the stream: returns what is still held back, redacted; a held tail of at least
   * MIN_CUT_PREFIX characters that is a cut-off beginning of a literal secret (or of an
   * encoded form) is redacted as well. The stream can then be used again from scratch.
   */
  end(): string;
  /**
   * Redacts the complete text of the stream as seen elsewhere (e.g. the completed item
   * that carries all of a streamed message): like the redactor, and when the last end()
   * redacted a cut-off secret beginning, a text ending with that same tail loses it too.
   */
  redactCompleted(text: string): string;
  /** Characters held back right now. */
  readonly held: number;
}

/**
 * The hold-back. On each chunk, with T = held text + chunk:
 *  - hold back the longest tail of T that is a proper beginning of a literal secret or of
 *    one of its encoded forms (at most the longest form's length - 1, plus line breaks of
 *    wrapped base64), or of a token shape (`s`, `sk-ab`, `gh`, `github_p`, `xoxb-12`,
 *    `eyJhbGci….eyJ…`, `Bearer `; at most PATTERN_HOLD_CAP characters);
 *  - never cut a secret or token that is complete in T: the cut moves back to its start;
 *  - emit the rest, redacted, with the last emitted raw character as the look-behind
 *    context (`risk-` + `assessment` is no `sk-` token);
 *  - a complete token that touches the end of T may go on (`sk-abc…` in 1-character
 *    chunks): it is held back too, until a character ends it. Only a token longer than
 *    PATTERN_HOLD_CAP is let out (redacted) before it ends; the characters that continue
 *    it at the start of the next chunks are then dropped (part of the redacted token).
 * So no literal secret, encoded form or token is ever split between two emitted pieces,
 * and what the pieces add up to is the redaction of the whole text. (Exceptions, none of
 * which lets a whole secret through: two overlapping literal secrets whose union the
 * plain redactor merges may come out as one REDACTED and the plain rest of the second;
 * a token over the cap is redacted up to where the stream let it out.)
 */
class HoldBackStream implements StreamRedactor {
  private pending = '';
  private ctx = '';
  private cont: RegExp | null = null;
  /** Raw text of the cut-off secret beginning the last end() redacted (never printed). */
  cutTail: string | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly redactor: Redactor,
  ) {}

  get held(): number {
    return this.pending.length;
  }

  push(chunk: string): string {
    let text = this.pending + chunk;
    this.pending = '';
    if (this.cont) {
      let i = 0;
      while (i < text.length && this.cont.test(text[i] as string)) i++;
      if (i > 0) this.ctx = text[i - 1] as string;
      text = text.slice(i);
      if (text.length > 0) this.cont = null;
    }
    if (text.length === 0) return '';
    const engine = this.engine;
    const hold = Math.max(engine.literalHold(text), engine.partialHold(text, this.ctx));
    let cut = text.length - hold;
    const { whole, tokenAtEnd } = engine.spans(text, this.ctx);
    // A complete token that reaches the end may still grow (`sk-abcdef` + `gh…`): hold it.
    if (tokenAtEnd && text.length - tokenAtEnd.start <= PATTERN_HOLD_CAP) cut = Math.min(cut, tokenAtEnd.start);
    const crossing = whole.find((s) => s.start < cut && cut < s.end);
    if (crossing) {
      // A complete secret or token reaches into the held tail: keep it whole. A token that
      // grew past the cap is let out redacted, and its continuation dropped.
      const tooLong = crossing.end === text.length && text.length - crossing.start > PATTERN_HOLD_CAP + engine.maxFormLength;
      cut = tooLong ? text.length : crossing.start;
    }
    const out = this.engine.redact(text.slice(0, cut), this.ctx);
    this.pending = text.slice(cut);
    // The look-behind context is the raw text: the plain redactor matches on raw text too.
    if (cut > 0) this.ctx = text[cut - 1] as string;
    this.cont = cut === text.length && tokenAtEnd ? tokenAtEnd.shape.tail : null;
    return out;
  }

  end(): string {
    const text = this.pending;
    const ctx = this.ctx;
    this.pending = '';
    this.ctx = '';
    this.cont = null;
    this.cutTail = null;
    if (text.length === 0) return '';
    const tail = this.engine.literalHold(text);
    if (tail >= MIN_CUT_PREFIX) {
      this.cutTail = text.slice(text.length - tail);
      return this.engine.redact(text.slice(0, text.length - tail), ctx) + REDACTED;
    }
    return this.engine.redact(text, ctx);
  }

  redactCompleted(text: string): string {
    return redactCutTails(text, this.cutTail ? [this.cutTail] : [], this.redactor);
  }
}

/** Without an engine (a redactor not made by createRedactor): no hold-back, chunk by chunk. */
class PassThroughStream implements StreamRedactor {
  readonly held = 0;
  constructor(private readonly redactor: Redactor) {}
  push(chunk: string): string {
    return this.redactor(chunk);
  }
  end(): string {
    return '';
  }
  redactCompleted(text: string): string {
    return this.redactor(text);
  }
}

/**
 * A stream redactor with the secrets of `redact` (which must come from createRedactor for
 * the hold-back; any other function is applied chunk by chunk).
 */
export function createStreamRedactor(redact: Redactor): StreamRedactor {
  const engine = engines.get(redact);
  return engine ? new HoldBackStream(engine, redact) : new PassThroughStream(redact);
}

/** @internal The raw cut-off tail the last end() of `stream` redacted (for EventsLog). */
export function cutTailOf(stream: StreamRedactor): string | null {
  return stream instanceof HoldBackStream ? stream.cutTail : null;
}

/** @internal redact(text), and a text ending with one of `tails` loses that tail to REDACTED. */
export function redactCutTails(text: string, tails: readonly string[], redact: Redactor): string {
  for (const tail of tails) if (text.endsWith(tail)) return redact(text.slice(0, text.length - tail.length)) + REDACTED;
  return redact(text);
}
