import { parse as parseToml } from 'smol-toml';
import { ConfigError } from './errors.js';
import type { ConfigOverride } from './types.js';

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** Renders a key path the way it would be written in TOML (`a."b.c".d`). */
export function formatKeyPath(path: readonly string[]): string {
  return path.map((seg) => (BARE_KEY.test(seg) ? seg : JSON.stringify(seg))).join('.');
}

export function isPlainTable(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Own-property lookup that never walks the prototype chain (`__proto__`, `constructor`...). */
export function getOwn(table: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * Deep-copies TOML data so every table is an ordinary object (smol-toml
 * returns null-prototype objects). Keys such as `__proto__` stay own data
 * properties; they never touch a prototype.
 */
export function toPlainToml(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => toPlainToml(item));
  if (!isPlainTable(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, toPlainToml(v));
  return out;
}

function setOwn(table: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(table, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Index of the first `=` that is not inside a quoted key segment, or -1.
 * A quote opens a quoted segment only at the start of a segment, so `a="b=c"`
 * splits at the first `=` and an apostrophe inside an unquoted path is inert.
 */
function findSeparator(flag: string): number {
  let quote: '"' | "'" | null = null;
  let atSegmentStart = true;
  for (let i = 0; i < flag.length; i++) {
    const ch = flag[i];
    if (quote === '"') {
      if (ch === '\\') i++;
      else if (ch === '"') quote = null;
    } else if (quote === "'") {
      if (ch === "'") quote = null;
    } else if (ch === '=') {
      return i;
    } else if (atSegmentStart && (ch === '"' || ch === "'")) {
      quote = ch;
      atSegmentStart = false;
    } else if (ch === '.') {
      atSegmentStart = true;
    } else if (ch !== ' ' && ch !== '\t') {
      atSegmentStart = false;
    }
  }
  return -1;
}

/**
 * Splits a dotted key into segments. Segments may be TOML basic ("...") or
 * literal ('...') strings; unquoted segments run to the next "." and are taken
 * verbatim (trimmed), so Codex-style `projects./abs/path.trust_level` works too.
 */
export function parseKeyPath(key: string, flagLabel: string): string[] {
  const fail = (why: string): never => {
    throw new ConfigError(`Invalid -c override ${flagLabel}: ${why}`);
  };
  const segments: string[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (i < key.length && (key[i] === ' ' || key[i] === '\t')) i++;
  };
  for (;;) {
    skipSpace();
    if (i >= key.length) fail('the key has an empty segment (check for a leading, trailing or doubled ".")');
    const ch = key[i];
    if (ch === '"') {
      const start = i++;
      while (i < key.length && key[i] !== '"') i += key[i] === '\\' ? 2 : 1;
      if (i >= key.length) fail('unterminated "..." segment in the key');
      const literal = key.slice(start, ++i);
      let decoded: unknown;
      try {
        decoded = getOwn(parseToml(`k = ${literal}`), 'k');
      } catch {
        decoded = undefined;
      }
      if (typeof decoded !== 'string') fail(`invalid quoted key segment ${literal}`);
      segments.push(decoded as string);
    } else if (ch === "'") {
      const end = key.indexOf("'", i + 1);
      if (end < 0) fail("unterminated '...' segment in the key");
      segments.push(key.slice(i + 1, end));
      i = end + 1;
    } else {
      let end = key.indexOf('.', i);
      if (end < 0) end = key.length;
      const seg = key.slice(i, end).trim();
      if (seg === '') fail('the key has an empty segment (check for a leading, trailing or doubled ".")');
      if (/[\r\n]/.test(seg)) fail('line breaks are not allowed in a key');
      segments.push(seg);
      i = end;
    }
    skipSpace();
    if (i >= key.length) return segments;
    if (key[i] !== '.') fail('expected "." between key segments');
    i++;
  }
}

/** Parses VALUE as a TOML value; returns undefined when it is not one. */
function parseTomlValue(text: string): { value: unknown } | undefined {
  if (text === '') return undefined;
  let table: Record<string, unknown>;
  try {
    table = parseToml(`__tern_value__ = ${text}`);
  } catch {
    return undefined;
  }
  // Reject input that smuggles in extra keys or tables (e.g. "1\nother = 2").
  const keys = Object.keys(table);
  if (keys.length !== 1 || keys[0] !== '__tern_value__') return undefined;
  return { value: toPlainToml(getOwn(table, '__tern_value__')) };
}

/**
 * Parses one `-c key=value` flag. The key is a dotted path; the value is parsed
 * as TOML and falls back to the raw (whitespace-trimmed) string when it is not
 * valid TOML, so `model=gpt-5.5` and `model="gpt-5.5"` both yield "gpt-5.5".
 */
export function parseOverride(flag: string): ConfigOverride {
  const sep = findSeparator(flag);
  if (sep < 0) {
    throw new ConfigError(
      `Invalid -c override "${flag}": missing "="; expected key=value, e.g. -c model="gpt-5.5"`,
    );
  }
  const keyText = flag.slice(0, sep).trim();
  if (keyText === '') {
    // Do not echo the value: it may be a secret.
    throw new ConfigError(
      'Invalid -c override "=…": the key before "=" is empty; expected key=value, e.g. -c model="gpt-5.5"',
    );
  }
  const path = parseKeyPath(keyText, `"${keyText}=…"`);
  const valueText = flag.slice(sep + 1).trim();
  const parsed = parseTomlValue(valueText);
  return { path, value: parsed ? parsed.value : valueText };
}

/**
 * Returns a new table with each override deep-set in order (later wins).
 * Missing or non-table intermediate values are replaced by tables; the input
 * table is not modified (tables along each path are copied).
 */
export function applyOverrides(
  table: Record<string, unknown>,
  overrides: readonly ConfigOverride[],
): Record<string, unknown> {
  const root: Record<string, unknown> = { ...table };
  for (const { path, value } of overrides) {
    if (path.length === 0) throw new ConfigError('Invalid config override: empty key path');
    let cursor = root;
    for (let i = 0; i < path.length - 1; i++) {
      const seg = path[i] as string;
      const existing = getOwn(cursor, seg);
      const next: Record<string, unknown> = isPlainTable(existing) ? { ...existing } : {};
      setOwn(cursor, seg, next);
      cursor = next;
    }
    setOwn(cursor, path[path.length - 1] as string, value);
  }
  return root;
}
