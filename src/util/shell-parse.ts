// A strict reader for the small part of bash (and POSIX sh) whose meaning can be known
// without running it: simple commands of literal words, joined by `|`, `&&`, `||`, `;`
// and newlines. Everything else is refused with a reason and an offset, so that a policy
// can never allow what it did not fully read. docs/approval-policy.md lists the subset.
//
// The subset means the same to bash and to dash (Debian's sh). Understood: blanks;
// `\`-newline continuations; `#` comments at a word start; words made of plain characters, '…' (literal), "…" (with the escapes \" \\ \$ \` and
// \-newline; any other backslash stays), and `\x` outside quotes; unquoted `*`, `?` and
// `[…]` (the word is then a file-name pattern: bash replaces it with matching names, so
// the argv is not known: see Word.glob); redirections `<file`, `>/dev/null` (also
// /dev/stdout and /dev/stderr, with `>>` and `>|`), `N>&M`.
//
// Refused: `$` in any form outside single quotes (variables, `$(…)`, `$((…))`, `${…}`,
// `$'…'`), backticks, `|&`, `(`/`)` (subshells, functions, process substitution `<(…)`), `{`/`}`
// (groups, brace expansion), `~` where bash expands it, `&` (background) and `&>`,
// here-documents and here-strings, output redirections to anything but /dev/null,
// `<>`/`<&`/`>&file`, a leading `VAR=value` assignment, reserved words in command position
// (`if`, `for`, `while`, `case`, `function`, `!`, `[[`, `time`, `coproc`, …), `;;`, control
// characters, and unterminated quotes.

import { UsageFailure } from './errors.js';

export interface Word {
  /** The word after quote removal: what the program receives in argv (when `glob` is false). */
  value: string;
  /** Unquoted `*`, `?` or `[`: bash replaces the word with the file names it matches (or
   *  leaves it as is when none does), so the argv words it stands for are unknown. */
  glob: boolean;
  /** For glob words: the word as a word glob, quoted metacharacters escaped with `\`. */
  pattern: string;
  /** The word as written in the source. */
  raw: string;
}

export interface Redirect {
  /** The explicit descriptor number (`2>`), or null for the operator's default. */
  fd: number | null;
  op: '<' | '>' | '>>' | '>|' | '>&';
  /** The file (after quote removal), or the descriptor number for `>&`. */
  target: string;
}

export interface SimpleCommand {
  words: Word[];
  redirects: Redirect[];
  /** Offsets of the command in the source. */
  start: number;
  end: number;
}

export type ParseResult =
  | { ok: true; commands: SimpleCommand[] }
  | { ok: false; error: string; offset: number };

/** Output redirections that write no file. */
export const HARMLESS_OUTPUTS: readonly string[] = ['/dev/null', '/dev/stdout', '/dev/stderr'];

const RESERVED = new Set([
  '!', '[[', ']]', '{', '}', 'case', 'coproc', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for',
  'function', 'if', 'in', 'select', 'then', 'time', 'until', 'while',
]);
const WORD_END = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

class ShellSyntaxRefusal extends UsageFailure {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function globEscape(s: string): string {
  return s.replace(/[\\*?[\]{}]/g, (c) => `\\${c}`);
}

function dollarReason(next: string | undefined): string {
  if (next === '(') return 'command substitution `$(…)` or arithmetic `$((…))`';
  if (next === '{') return 'parameter expansion `${…}`';
  if (next === "'") return "ANSI-C quoting `$'…'`";
  if (next === '"') return 'locale quoting `$"…"`';
  if (next !== undefined && /[A-Za-z0-9_@*#?$!-]/.test(next)) return `variable expansion \`$${next === '_' || /[A-Za-z]/.test(next) ? 'NAME' : next}\``;
  return 'a `$`';
}

class Parser {
  private i = 0;

  constructor(private readonly src: string) {}

  parse(): SimpleCommand[] {
    const src = this.src;
    const commands: SimpleCommand[] = [];
    let cur: SimpleCommand | null = null;
    // The operator that still needs a command after it (`&&`, `||`, `|`), if any.
    let pending: { op: string; at: number } | null = null;

    const finish = (at: number) => {
      if (cur === null) return;
      if (cur.words.length === 0) throw new ShellSyntaxRefusal('a redirection without a command', cur.start);
      cur.end = at;
      commands.push(cur);
      cur = null;
    };
    const needCommandBefore = (op: string) => {
      if (cur === null) throw new ShellSyntaxRefusal(`\`${op}\` without a command before it`, this.i);
    };

    while (this.i < src.length) {
      const c = src[this.i]!;
      const next = src[this.i + 1];
      if (c === ' ' || c === '\t') {
        this.i++;
      } else if (c === '\\' && next === '\n') {
        this.i += 2;
      } else if (c === '\n') {
        if (pending === null) finish(this.i);
        this.i++;
      } else if (c === ';') {
        if (next === ';') throw new ShellSyntaxRefusal('`;;` (case syntax)', this.i);
        needCommandBefore(';');
        if (pending !== null) throw new ShellSyntaxRefusal(`\`;\` right after \`${pending.op}\``, this.i);
        finish(this.i);
        this.i++;
      } else if (c === '&') {
        if (next === '&') {
          needCommandBefore('&&');
          finish(this.i);
          pending = { op: '&&', at: this.i };
          this.i += 2;
        } else if (next === '>') {
          throw new ShellSyntaxRefusal('the `&>` redirection', this.i);
        } else {
          throw new ShellSyntaxRefusal('a background `&`', this.i);
        }
      } else if (c === '|') {
        if (next === '&') throw new ShellSyntaxRefusal('the `|&` pipe (bash only; `sh` reads it differently)', this.i);
        const op = next === '|' ? '||' : '|';
        needCommandBefore(op);
        finish(this.i);
        pending = { op, at: this.i };
        this.i += op.length;
      } else if (c === '(' || c === ')') {
        throw new ShellSyntaxRefusal(`a \`${c}\` (subshell, function or process substitution)`, this.i);
      } else if (c === '#') {
        while (this.i < src.length && src[this.i] !== '\n') this.i++;
      } else {
        if (cur === null) cur = { words: [], redirects: [], start: this.i, end: this.i };
        const command: SimpleCommand = cur;
        if (c === '<' || c === '>') {
          command.redirects.push(this.redirect(null));
        } else {
          const wordStart = this.i;
          const word = this.word();
          const after = src[this.i];
          if ((after === '<' || after === '>') && /^[0-9]+$/.test(word.raw)) {
            command.redirects.push(this.redirect(Number(word.raw)));
          } else {
            if (command.words.length === 0) {
              if (RESERVED.has(word.raw)) throw new ShellSyntaxRefusal(`the reserved word \`${word.raw}\``, wordStart);
              if (ASSIGNMENT.test(word.raw)) {
                throw new ShellSyntaxRefusal(`the variable assignment \`${word.raw.split('=')[0]}=…\``, wordStart);
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

  private word(): Word {
    const src = this.src;
    const start = this.i;
    let value = '';
    let pattern = '';
    let glob = false;
    // The last character taken unquoted (for where bash expands `~`), '' after quotes.
    let lastUnquoted = '';
    while (this.i < src.length) {
      const c = src[this.i]!;
      if (WORD_END.has(c)) break;
      const at = this.i;
      if (c === "'") {
        const end = src.indexOf("'", at + 1);
        if (end < 0) throw new ShellSyntaxRefusal('an unterminated single quote', at);
        const text = src.slice(at + 1, end);
        value += text;
        pattern += globEscape(text);
        this.i = end + 1;
        lastUnquoted = '';
      } else if (c === '"') {
        this.i++;
        for (;;) {
          if (this.i >= src.length) throw new ShellSyntaxRefusal('an unterminated double quote', at);
          const d = src[this.i]!;
          if (d === '"') {
            this.i++;
            break;
          }
          if (d === '\\') {
            const e = src[this.i + 1];
            if (e === '\n') {
              this.i += 2;
            } else if (e === '$' || e === '`' || e === '"' || e === '\\') {
              value += e;
              pattern += globEscape(e);
              this.i += 2;
            } else {
              value += '\\';
              pattern += '\\\\';
              this.i++;
            }
          } else if (d === '$') {
            throw new ShellSyntaxRefusal(`${dollarReason(src[this.i + 1])} inside double quotes`, this.i);
          } else if (d === '`') {
            throw new ShellSyntaxRefusal('a backtick command substitution', this.i);
          } else {
            this.controlCheck(d, this.i);
            value += d;
            pattern += globEscape(d);
            this.i++;
          }
        }
        lastUnquoted = '';
      } else if (c === '\\') {
        const e = src[at + 1];
        if (e === undefined) throw new ShellSyntaxRefusal('a `\\` at the end of the script', at);
        if (e === '\n') {
          this.i += 2;
          continue;
        }
        this.controlCheck(e, at + 1);
        value += e;
        pattern += globEscape(e);
        this.i += 2;
        lastUnquoted = '';
      } else if (c === '$') {
        throw new ShellSyntaxRefusal(dollarReason(src[at + 1]), at);
      } else if (c === '`') {
        throw new ShellSyntaxRefusal('a backtick command substitution', at);
      } else if (c === '{' || c === '}') {
        throw new ShellSyntaxRefusal(`a \`${c}\` (brace expansion or command group)`, at);
      } else if (c === '~' && (at === start || lastUnquoted === '=' || lastUnquoted === ':')) {
        throw new ShellSyntaxRefusal('a `~` that bash expands to a home directory', at);
      } else {
        this.controlCheck(c, at);
        if (c === '*' || c === '?') {
          glob = true;
          pattern += c;
        } else if (c === '[' || c === ']') {
          // A lone `[` word is the test command; any other unquoted bracket may start a
          // pattern, which is assumed (a wrongly assumed pattern only restricts allow rules).
          const lone = c === '[' && at === start && (at + 1 >= src.length || WORD_END.has(src[at + 1]!));
          if (!lone && c === '[') glob = true;
          pattern += lone ? '\\[' : c;
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

  private controlCheck(ch: string, at: number): void {
    const code = ch.charCodeAt(0);
    if ((code < 0x20 && ch !== '\t' && ch !== '\n') || code === 0x7f) {
      throw new ShellSyntaxRefusal(`the control character U+${code.toString(16).padStart(4, '0').toUpperCase()}`, at);
    }
  }

  private redirect(fd: number | null): Redirect {
    const src = this.src;
    const at = this.i;
    const rest = src.slice(at, at + 3);
    let op: Redirect['op'];
    if (rest.startsWith('<<<')) throw new ShellSyntaxRefusal('a here-string `<<<`', at);
    if (rest.startsWith('<<')) throw new ShellSyntaxRefusal('a here-document `<<`', at);
    if (rest.startsWith('<>')) throw new ShellSyntaxRefusal('the `<>` redirection', at);
    if (rest.startsWith('<&')) throw new ShellSyntaxRefusal('the `<&` redirection', at);
    if (rest.startsWith('<(') || rest.startsWith('>(')) throw new ShellSyntaxRefusal('a process substitution', at);
    if (rest.startsWith('>>')) op = '>>';
    else if (rest.startsWith('>|')) op = '>|';
    else if (rest.startsWith('>&')) op = '>&';
    else op = rest[0] === '<' ? '<' : '>';
    this.i += op.length;
    while (src[this.i] === ' ' || src[this.i] === '\t') this.i++;
    const c = src[this.i];
    if (c === undefined || WORD_END.has(c)) throw new ShellSyntaxRefusal(`\`${op}\` without a target`, at);
    const target = this.word();
    if (op === '>&') {
      if (!/^[0-9]+$/.test(target.raw)) throw new ShellSyntaxRefusal(`\`>&${target.raw}\` (only \`N>&M\` between descriptors is read)`, at);
      return { fd, op, target: target.raw };
    }
    if (target.glob) throw new ShellSyntaxRefusal('a file-name pattern as a redirection target', at);
    if (op !== '<' && !HARMLESS_OUTPUTS.includes(target.value)) {
      throw new ShellSyntaxRefusal(`an output redirection to a file (\`${op}${target.raw}\`): it would write outside the file-change rules`, at);
    }
    return { fd, op, target: target.value };
  }
}

/** Reads a shell script; refuses (with a reason and an offset) whatever is outside the subset. */
export function parseShell(script: string): ParseResult {
  try {
    return { ok: true, commands: new Parser(script).parse() };
  } catch (err) {
    if (err instanceof ShellSyntaxRefusal) return { ok: false, error: err.message, offset: err.offset };
    throw err;
  }
}

/** Quotes a word for display so that it reads back as the same word. */
export function quoteWord(word: string): string {
  if (/^[A-Za-z0-9_\-./=:@%+,]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Shows argv words as a command line (glob words as written). */
export function formatWords(words: readonly Word[]): string {
  return words.map((w) => (w.glob ? w.raw : quoteWord(w.value))).join(' ');
}

/** A word known exactly (from an argv array rather than a script). */
export function literalWord(value: string): Word {
  return { value, glob: false, pattern: globEscape(value), raw: quoteWord(value) };
}
