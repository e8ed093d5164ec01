// The two glob dialects of approval policies, compiled to anchored RegExps.
//
// Word globs (command rules) match one whole argv word: `*` any run of characters
// (including `/` and `=`), `?` one character, `[abc]` / `[a-z]` / `[!abc]` one character
// of (not of) a set, `{a,b,c}` one of the alternatives (each itself a glob, no nesting),
// `\x` the character x. Everything else is literal.
//
// Path globs (file rules) match a whole workspace-relative path, `/`-separated: the same
// syntax, except that `*`, `?` and classes never match `/`, and a `**` segment matches
// zero or more whole segments (`a/**/b`, `**/x`, `a/**`). A pattern ending in `/` means
// everything under that directory (`.git/` = `.git/**`). A dot is an ordinary character:
// `*` matches `.env` and `**` matches `.github/...`.

import { UsageFailure } from '../../util/errors.js';
export class GlobSyntaxError extends UsageFailure {
  override name = 'GlobSyntaxError';
}

const META = new Set(['*', '?', '[', '{', '\\']);

/** The characters before the first glob metacharacter, unescaped (`src/\*x*` -> `src/*x`). */
export function literalPrefix(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      if (i + 1 >= pattern.length) break;
      out += pattern[++i]!;
      continue;
    }
    if (META.has(ch)) break;
    out += ch;
  }
  return out;
}

function escapeRe(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

/**
 * Translates one glob fragment (no `**` handling) to RegExp source. `anyChar` is what `?`
 * and class negation may match: `[^]`-like for words, `[^/]` for paths.
 */
function fragment(pattern: string, mode: 'word' | 'path', inBrace = false): { src: string; end: number } {
  const star = mode === 'word' ? '[^]*' : '[^/]*';
  const one = mode === 'word' ? '[^]' : '[^/]';
  let src = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (inBrace && (ch === ',' || ch === '}')) return { src, end: i };
    if (ch === '\\') {
      if (i + 1 >= pattern.length) throw new GlobSyntaxError('a `\\` at the end escapes nothing');
      src += escapeRe(pattern[i + 1]!);
      i += 2;
    } else if (ch === '*') {
      src += star;
      i++;
    } else if (ch === '?') {
      src += one;
      i++;
    } else if (ch === '[') {
      let j = i + 1;
      let negate = false;
      if (pattern[j] === '!' || pattern[j] === '^') {
        negate = true;
        j++;
      }
      let body = '';
      let first = true;
      while (j < pattern.length && (pattern[j] !== ']' || first)) {
        const c = pattern[j]!;
        if (c === '\\') {
          if (j + 1 >= pattern.length) break;
          body += escapeRe(pattern[j + 1]!);
          j += 2;
        } else if (c === '-' && !first && j + 1 < pattern.length && pattern[j + 1] !== ']') {
          body += '-';
          j++;
        } else {
          body += escapeRe(c);
          j++;
        }
        first = false;
      }
      if (j >= pattern.length) throw new GlobSyntaxError('a `[` class is not closed with `]`');
      if (body === '') throw new GlobSyntaxError('an empty `[]` class matches nothing');
      const slash = mode === 'path' ? '\\/' : '';
      src += negate ? `[^${body}${slash}]` : mode === 'path' ? `(?![/])[${body}]` : `[${body}]`;
      i = j + 1;
    } else if (ch === '{') {
      if (inBrace) throw new GlobSyntaxError('`{...}` alternatives cannot be nested');
      const alts: string[] = [];
      let j = i + 1;
      for (;;) {
        const part = fragment(pattern.slice(j), mode, true);
        alts.push(part.src);
        j += part.end;
        if (j >= pattern.length) throw new GlobSyntaxError('a `{` is not closed with `}`');
        if (pattern[j] === '}') break;
        j++; // ','
      }
      if (alts.length < 2) throw new GlobSyntaxError('`{...}` needs at least two alternatives separated by `,`');
      src += `(?:${alts.join('|')})`;
      i = j + 1;
    } else if (ch === '}' || ch === ']') {
      throw new GlobSyntaxError(`a \`${ch}\` without its opening bracket (write \`\\${ch}\` for the character)`);
    } else {
      src += escapeRe(ch);
      i++;
    }
  }
  if (inBrace) throw new GlobSyntaxError('a `{` is not closed with `}`');
  return { src, end: i };
}

/** Compiles a word glob; throws GlobSyntaxError. */
export function compileWordGlob(pattern: string, flags = ''): RegExp {
  return new RegExp(`^(?:${fragment(pattern, 'word').src})$`, flags);
}

/** Compiles a path glob; throws GlobSyntaxError. */
export function compilePathGlob(pattern: string, flags = ''): RegExp {
  if (pattern === '') throw new GlobSyntaxError('the pattern is empty');
  if (pattern.startsWith('/')) throw new GlobSyntaxError('patterns are relative to the workspace: drop the leading `/`');
  let p = pattern.endsWith('/') ? `${pattern}**` : pattern;
  const segs = p.split('/').filter((s, i, all) => !(s === '**' && all[i - 1] === '**'));
  if (segs.some((s) => s === '')) throw new GlobSyntaxError('the pattern has an empty segment (`//`)');
  if (segs.some((s) => s === '.' || s === '..')) throw new GlobSyntaxError('`.` and `..` segments are not allowed: paths are normalised before matching');
  let src = '';
  segs.forEach((seg, idx) => {
    const last = idx === segs.length - 1;
    if (seg === '**') {
      // zero or more whole segments, each followed by `/` unless it ends the path
      src += last ? (idx === 0 ? '[^]*' : '(?:/[^]*)?') : idx === 0 ? '(?:[^/]+/)*' : '/(?:[^/]+/)*';
      return;
    }
    if (seg.includes('**')) throw new GlobSyntaxError('`**` must be a whole segment (`a/**/b`), not part of one');
    const prevDoubleStar = idx > 0 && segs[idx - 1] === '**';
    if (idx > 0 && !prevDoubleStar) src += '/';
    src += fragment(seg, 'path').src;
  });
  p = src;
  return new RegExp(`^(?:${p})$`, flags);
}

/**
 * The brace alternatives of a glob, expanded (`{a,b}x` -> `ax`, `bx`); at most `limit`
 * results (null beyond). Used to reason about which words a glob can match.
 */
export function expandBraces(pattern: string, limit = 256): string[] | null {
  let open = -1;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      i++;
    } else if (inClass) {
      if (ch === ']') inClass = false;
    } else if (ch === '[') {
      inClass = true;
      if (pattern[i + 1] === '!' || pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
    } else if (ch === '{') {
      open = i;
      break;
    }
  }
  if (open < 0) return [pattern];
  const alts: string[] = [];
  let start = open + 1;
  let close = -1;
  for (let i = open + 1; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      i++;
    } else if (ch === ',' || ch === '}') {
      alts.push(pattern.slice(start, i));
      start = i + 1;
      if (ch === '}') {
        close = i;
        break;
      }
    }
  }
  if (close < 0) return [pattern];
  const rest = expandBraces(pattern.slice(close + 1), limit);
  if (rest === null) return null;
  const out: string[] = [];
  for (const a of alts) {
    for (const r of rest) {
      out.push(pattern.slice(0, open) + a + r);
      if (out.length > limit) return null;
    }
  }
  return out;
}

/** The literal word a glob matches when it has no metacharacters except `\` escapes, else null. */
export function globLiteral(pattern: string): string | null {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      if (i + 1 >= pattern.length) return null;
      out += pattern[++i]!;
    } else if (META.has(ch) || ch === '}' || ch === ']') {
      return null;
    } else {
      out += ch;
    }
  }
  return out;
}
