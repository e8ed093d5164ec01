// The raw text of a message's top-level "id" member, so that a reply can echo the
// id byte for byte. JSON.parse turns 9223372036854775807 into 9223372036854776000;
// the reference server (Rust, i64 ids) echoes it exactly.
//
// Hand-written because nothing at hand does this: Node 20's JSON.parse has no
// access to the source text of a value (the reviver `context.source` arrived in
// Node 21), and a lossless JSON parser (parsing big numbers to BigInt) would
// re-serialize strings (`"\u0041"` comes back as `"A"`) and parse the whole
// message a second time in JavaScript. This scanner only walks the top level,
// skips nested values with indexOf/regex jumps, and stops at the first "id".
// It also works on a prefix of a line (an oversized line's head): a member cut
// off by the end of the text is "not found".

/** The characters that matter while skipping a nested object or array. */
const STRUCTURAL = /["{}[\]]/g;
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
/** A JSON integer literal: what the protocol's RequestId allows besides strings. */
const INTEGER_TOKEN = /^-?(?:0|[1-9][0-9]*)$/;

/**
 * The source text of the top-level `"id"` member's value (e.g. `12345678901234567890`,
 * `"a\u0042"`), or undefined when the text is not an object or has no complete
 * top-level id.
 */
export function scanTopLevelId(text: string): string | undefined {
  return scanTopLevelMember(text, 'id');
}

/** The source text of the first top-level member named `name`, as for {@link scanTopLevelId}. */
export function scanTopLevelMember(text: string, name: string): string | undefined {
  let i = skipWhitespace(text, 0);
  if (text[i] !== '{') return undefined;
  i++;
  for (;;) {
    i = skipWhitespace(text, i);
    if (text[i] !== '"') return undefined; // `}` (no id), or not JSON
    const keyEnd = skipString(text, i);
    if (keyEnd < 0) return undefined;
    const isId = keyIs(text.slice(i, keyEnd), name);
    i = skipWhitespace(text, keyEnd);
    if (text[i] !== ':') return undefined;
    i = skipWhitespace(text, i + 1);
    const valueEnd = skipValue(text, i);
    if (valueEnd < 0) return undefined;
    if (isId) return text.slice(i, valueEnd);
    i = skipWhitespace(text, valueEnd);
    if (text[i] !== ',') return undefined;
    i++;
  }
}

/** Whether a raw id token is one the protocol accepts: a string or an integer (no fraction, no exponent). */
export function isRequestIdToken(raw: string): boolean {
  return raw.startsWith('"') || INTEGER_TOKEN.test(raw);
}

function keyIs(rawKey: string, name: string): boolean {
  if (rawKey === `"${name}"`) return true;
  if (!rawKey.includes('\\')) return false;
  try {
    return JSON.parse(rawKey) === name; // an escaped spelling such as "\u0069d"
  } catch {
    return false;
  }
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  return i;
}

/** `i` is at an opening quote; returns the index after the closing one, or -1. */
function skipString(text: string, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q < 0) return -1;
    let backslashes = 0;
    while (text[q - 1 - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** `i` is at a value's first character; returns the index after the value, or -1. */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === undefined) return -1;
  if (c === '"') return skipString(text, i);
  if (c === '{' || c === '[') return skipContainer(text, i);
  let j = i;
  while (j < text.length && !WHITESPACE.has(text[j]!) && text[j] !== ',' && text[j] !== '}' && text[j] !== ']') j++;
  // A scalar that runs to the end of the text may have been cut off.
  return j === i || j === text.length ? -1 : j;
}

function skipContainer(text: string, i: number): number {
  let depth = 0;
  STRUCTURAL.lastIndex = i;
  for (;;) {
    const m = STRUCTURAL.exec(text);
    if (!m) return -1;
    const c = m[0];
    if (c === '"') {
      const end = skipString(text, m.index);
      if (end < 0) return -1;
      STRUCTURAL.lastIndex = end;
    } else if (c === '{' || c === '[') {
      depth++;
    } else if (--depth === 0) {
      return m.index + 1;
    }
  }
}
