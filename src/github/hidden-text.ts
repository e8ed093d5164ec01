// Text people write on GitHub reaches the model only after what GitHub does not show is removed:
// a reader must be able to see every word the model gets. Removed:
//   - HTML comments (`<!-- ... -->`, an unterminated one to the end);
//   - invisible characters: zero-width (U+200B-U+200D, U+2060, U+FEFF, U+180E, U+00AD soft hyphen),
//     bidi controls (U+200E, U+200F, U+061C, U+202A-U+202E, U+2066-U+2069), Unicode tag characters
//     (U+E0000-U+E007F, "ASCII smuggling") and variation selectors 17-256 (U+E0100-U+E01EF), also
//     when written as numeric character references (`&#8203;`, `&#x200B;`);
//   - markdown that renders nothing: link reference definitions (`[x]: url "title"` lines; footnotes
//     `[^1]: ...` are shown, so they stay), link and image titles, image alt text;
//   - HTML attributes that are never displayed (alt, title, aria-*, data-*) and elements marked
//     `hidden`.
// Kept: `<details>` bodies (one click shows them) and code blocks (shown as written).

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u061C\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|\uDB40[\uDC00-\uDC7F]|\uDB40[\uDD00-\uDDEF]/g;
/** `&#8203;` / `&#x200b;`: decoded, then dropped if invisible. */
const NUMERIC_REFERENCE = /&#(?:x([0-9a-f]{1,6})|(\d{1,7}));/gi;
const LINK_REFERENCE_DEFINITION = /^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S.*(?:\n[ \t]+["'(].*)?$/gm;
/** `](url "title")` -> `](url)`. */
const LINK_TITLE = /\]\(\s*(<[^>]*>|[^\s)]+)\s+(?:"[^"]*"|'[^']*'|\([^)]*\))\s*\)/g;
/** `![alt](` -> `![](` */
const IMAGE_ALT = /!\[[^\]]*\]\(/g;
const HIDDEN_ELEMENT = /<([a-z][a-z0-9]*)\b[^>]*\shidden\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const UNSHOWN_ATTRIBUTE = /\s(?:alt|title|aria-[\w-]+|data-[\w-]+)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi;
const HTML_TAG = /<[a-z][a-z0-9-]*\b[^>]*>/gi;

export interface Stripped {
  text: string;
  /** Whether anything was removed (worth a line in the log, never its content). */
  changed: boolean;
}

export function stripHiddenText(input: string): Stripped {
  let text = input.replace(/\r\n?/g, '\n');
  text = text.replace(HTML_COMMENT, '');
  text = text.replace(NUMERIC_REFERENCE, (whole, hex: string | undefined, dec: string | undefined) => {
    const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    if (code > 0x10ffff) return whole;
    const char = String.fromCodePoint(code);
    return char.replace(INVISIBLE, '') === '' ? '' : whole;
  });
  text = text.replace(INVISIBLE, '');
  text = text.replace(HIDDEN_ELEMENT, '');
  text = text.replace(HTML_TAG, (tag) => tag.replace(UNSHOWN_ATTRIBUTE, ''));
  text = text.replace(LINK_REFERENCE_DEFINITION, '');
  text = text.replace(LINK_TITLE, ']($1)');
  text = text.replace(IMAGE_ALT, '![](');
  const trimmed = text.replace(/\n{3,}/g, '\n\n').trim();
  return { text: trimmed, changed: trimmed !== input.replace(/\r\n?/g, '\n').trim() };
}
