// Thread ids as the reference server reads them: a UUID in any of the four text
// forms its `uuid` crate accepts (hyphenated, simple 32-hex, `{braced}`,
// `urn:uuid:`), case-insensitive, shown back hyphenated and lower case. A string
// that is not one is refused with the crate's own diagnosis, which the server
// puts on the wire ("invalid thread id: invalid character: expected ... found `n` at 1").
// Pure; no imports.

const HEX = /^[0-9a-fA-F]$/;
const URN_PREFIX = 'urn:uuid:';
/** Where each hyphenated group starts. */
const GROUP_STARTS = [0, 9, 14, 19, 24] as const;
const GROUP_LENGTHS = [8, 4, 4, 4, 12] as const;
/** Where the hyphens of the hyphenated form are. */
const HYPHEN_AT = new Set(GROUP_STARTS.slice(1).map((start) => start - 1));
const SIMPLE_LENGTH = 32;
const HYPHENATED_LENGTH = 36;

export type ParsedUuid = { ok: true; id: string } | { ok: false; error: string };

/** The canonical form of a UUID text, or the reason it is not one (the uuid crate's words). */
export function parseUuid(text: string): ParsedUuid {
  const hyphenated = bareHyphenated(text);
  const simple = text.length === SIMPLE_LENGTH ? text : null;
  if (hyphenated !== null && isHyphenated(hyphenated)) return { ok: true, id: hyphenated.toLowerCase() };
  if (simple !== null && [...simple].every((c) => HEX.test(c))) {
    const s = simple.toLowerCase();
    return { ok: true, id: `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}` };
  }
  return { ok: false, error: diagnose(text) };
}

/** The hyphenated part of the lengths that may hold one (36, {38}, urn:uuid: 45). */
function bareHyphenated(text: string): string | null {
  if (text.length === HYPHENATED_LENGTH) return text;
  if (text.length === HYPHENATED_LENGTH + 2 && text.startsWith('{') && text.endsWith('}')) return text.slice(1, -1);
  if (text.length === HYPHENATED_LENGTH + URN_PREFIX.length && text.startsWith(URN_PREFIX)) return text.slice(URN_PREFIX.length);
  return null;
}

function isHyphenated(s: string): boolean {
  return [...s].every((c, i) => (HYPHEN_AT.has(i) ? c === '-' : HEX.test(c)));
}

/** Why `text` is not a UUID, worded and counted (byte offsets, 1-based) as the uuid crate does. */
function diagnose(text: string): string {
  let body = text;
  let offset = 0;
  let simple = true;
  if (text.length >= 2 && text.startsWith('{') && text.endsWith('}')) [body, offset, simple] = [text.slice(1, -1), 1, false];
  else if (text.startsWith(URN_PREFIX)) [body, offset, simple] = [text.slice(URN_PREFIX.length), URN_PREFIX.length, false];
  const hyphens: number[] = [];
  let byteIndex = 0;
  for (const c of body) {
    if (c === '-') hyphens.push(byteIndex);
    else if (!HEX.test(c)) {
      return `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${c}\` at ${byteIndex + offset + 1}`;
    }
    byteIndex += utf8Length(c);
  }
  if (hyphens.length === 0 && simple) return `invalid length: expected length 32 for simple format, found ${utf8Length(text)}`;
  if (hyphens.length !== 4) return `invalid group count: expected 5, found ${hyphens.length + 1}`;
  for (let g = 0; g < 4; g++) {
    if (hyphens[g] !== GROUP_STARTS[g + 1]! - 1) return groupLength(g, hyphens[g]! - GROUP_STARTS[g]!);
  }
  // The crate measures the last group against the whole input, prefix included.
  return groupLength(4, utf8Length(text) - GROUP_STARTS[4]);
}

function groupLength(group: number, found: number): string {
  return `invalid group length in group ${group}: expected ${GROUP_LENGTHS[group]}, found ${found}`;
}

function utf8Length(s: string): number {
  let n = 0;
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}
