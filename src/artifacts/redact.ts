// Secret redaction for everything tern writes or prints: artifacts, summaries,
// error reasons. Two sources of secrets:
//  1. values of environment variables whose *names* look secret
//     (KEY, TOKEN, SECRET, PASSWORD, PASS, CREDENTIAL, AUTH), at least 6 chars long,
//     plus any extra literal secrets the caller knows about;
//  2. well-known token *shapes*, wherever they come from (model output, command output):
//     OpenAI-style `sk-…`, GitHub `ghp_`/`gho_`/`ghs_`/`ghu_`/`ghr_`/`github_pat_…`, and
//     `Bearer <token>` headers.

export const REDACTED = '[REDACTED]';

export type Redactor = (text: string) => string;

const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASS|CREDENTIAL|AUTH)/i;
/** Names that match SECRET_NAME but hold no secret; redacting them would only garble output. */
const NOT_SECRET_NAME = /^GIT_(AUTHOR|COMMITTER)_(NAME|EMAIL|DATE)$/i;
const MIN_SECRET_LENGTH = 6;

const TOKEN_SHAPES: RegExp[] = [
  // OpenAI / Anthropic-style API keys: sk-…, sk-proj-…, sk-ant-…
  /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{6,}/g,
  // GitHub tokens: classic PATs, OAuth, app installation, user-to-server, refresh.
  /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{10,}/g,
  // GitHub fine-grained PATs.
  /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{10,}/g,
];
// `Bearer <token>` (any case): keep the scheme word, drop the credential.
const BEARER = /\b(Bearer)(\s+)[A-Za-z0-9._~+/=-]{4,}/gi;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

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

export function createRedactor(env: NodeJS.ProcessEnv, extraSecrets: string[] = []): Redactor {
  const literals = [...new Set([...secretEnvValues(env), ...extraSecrets.filter((s) => s.length >= MIN_SECRET_LENGTH)])]
    // Longest first, so a secret containing another one is replaced whole.
    .sort((a, b) => b.length - a.length);
  const literalPattern = literals.length > 0 ? new RegExp(literals.map(escapeRegExp).join('|'), 'g') : null;

  return (text: string): string => {
    if (text.length === 0) return text;
    let out = literalPattern ? text.replace(literalPattern, REDACTED) : text;
    for (const shape of TOKEN_SHAPES) out = out.replace(shape, REDACTED);
    out = out.replace(BEARER, (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED}`);
    return out;
  };
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
