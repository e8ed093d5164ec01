// report.html: one self-contained, offline page that shows the run as a
// timeline: the outcome up top, then messages, reasoning, commands with their
// output (folded), file changes as coloured diffs, approvals with the rule that
// decided, errors and retries, token usage per model response, and the final
// diff.patch.
//
// Safety: every recorded string (model text, tool output, paths, rules) is
// HTML-escaped; nothing recorded ever lands in an attribute, a URL, a style or
// a script. A Content-Security-Policy meta tag allows no fetch of any kind
// (default-src 'none'), inline styles, and exactly one script, named by its
// SHA-256 hash: even an injection that slipped past the escaping could neither
// run nor load anything. The page uses system fonts and no images.

import { createHash } from 'node:crypto';
import {
  decisionClass,
  formatCost,
  formatCount,
  formatDuration,
  formatOffset,
  identity,
  outcomeWord,
  tail,
  type RenderOptions,
} from './render-util.js';
import type { RunResult } from './result.js';
import type { ApprovalEntry, CommandEntry, FileChangeEntry, Timeline, TimelineEntry, TimelineEntryKind } from './timeline.js';

export const REPORT_FILE = 'report.html';
/** A command's output in the page keeps at most this many characters (its tail). */
export const REPORT_MAX_OUTPUT_CHARS = 100_000;
/** Output of at most this many lines is shown unfolded when the command failed. */
export const REPORT_OPEN_OUTPUT_MAX_LINES = 40;
/** A diff (one change, or one file of diff.patch) keeps at most this many lines. */
export const REPORT_MAX_DIFF_LINES = 3_000;
/** A user message (the prompt) longer than this many lines is folded. */
export const REPORT_FOLD_MESSAGE_LINES = 12;
/** Lines longer than this are not syntax-coloured (only escaped). */
export const REPORT_MAX_HIGHLIGHT_LINE = 2_000;

type R = (s: string) => string;

// ---- escaping ------------------------------------------------------------------

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

// ---- the page's script and its CSP hash ------------------------------------------

const SCRIPT = `(function () {
  var body = document.body;
  var boxes = document.querySelectorAll('input[data-filter]');
  for (var i = 0; i < boxes.length; i++) {
    boxes[i].addEventListener('change', function (ev) {
      var cb = ev.target;
      body.classList.toggle('hide-' + cb.getAttribute('data-filter'), !cb.checked);
    });
  }
  function setAll(open) {
    var all = document.querySelectorAll('main details');
    for (var j = 0; j < all.length; j++) all[j].open = open;
  }
  document.getElementById('expand-all').addEventListener('click', function () { setAll(true); });
  document.getElementById('collapse-all').addEventListener('click', function () { setAll(false); });
  body.setAttribute('data-script', 'ran');
})();`;

const SCRIPT_HASH = createHash('sha256').update(SCRIPT, 'utf8').digest('base64');

/** The page's Content-Security-Policy: nothing may be fetched; only our one script runs. */
export const REPORT_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  `script-src 'sha256-${SCRIPT_HASH}'`,
  "img-src 'none'",
  "font-src 'none'",
  "connect-src 'none'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "manifest-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

// ---- style -------------------------------------------------------------------------

const KINDS: { kind: TimelineEntryKind; label: string }[] = [
  { kind: 'message', label: 'Messages' },
  { kind: 'reasoning', label: 'Reasoning' },
  { kind: 'command', label: 'Commands' },
  { kind: 'fileChange', label: 'File changes' },
  { kind: 'approval', label: 'Approvals' },
  { kind: 'error', label: 'Errors' },
  { kind: 'warning', label: 'Warnings' },
  { kind: 'tokenUsage', label: 'Token usage' },
];

const STYLE = `
:root {
  --bg: #f6f8fa; --fg: #1f2328; --muted: #59636e; --card: #ffffff; --border: #d1d9e0; --line: #d1d9e0;
  --ok: #1a7f37; --ok-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; --warn: #9a6700; --warn-bg: #fff8c5;
  --none: #59636e; --none-bg: #eaeef2; --accent: #0969da; --accent-bg: #ddf4ff; --purple: #8250df; --purple-bg: #fbefff;
  --add-bg: #e6ffec; --add-fg: #116329; --del-bg: #ffebe9; --del-fg: #82071e; --hunk-bg: #ddf4ff; --hunk-fg: #0550ae;
  --code-bg: #f6f8fa; --tok-kw: #cf222e; --tok-str: #0a3069; --tok-com: #6e7781; --tok-num: #0550ae; --tok-fn: #8250df;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace;
  --sans: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", Helvetica, Arial, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --card: #151b23; --border: #3d444d; --line: #3d444d;
    --ok: #3fb950; --ok-bg: #12261e; --fail: #f85149; --fail-bg: #2d1214; --warn: #d29922; --warn-bg: #272115;
    --none: #9198a1; --none-bg: #212830; --accent: #4493f8; --accent-bg: #121d2f; --purple: #ab7df8; --purple-bg: #1f1630;
    --add-bg: #12261e; --add-fg: #7ee787; --del-bg: #2d1214; --del-fg: #ffa198; --hunk-bg: #121d2f; --hunk-fg: #79c0ff;
    --code-bg: #0d1117; --tok-kw: #ff7b72; --tok-str: #a5d6ff; --tok-com: #8b949e; --tok-num: #79c0ff; --tok-fn: #d2a8ff;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.5 var(--sans); }
code, pre, .mono { font-family: var(--mono); font-size: 12.5px; }
header.run { background: var(--card); border-bottom: 1px solid var(--border); padding: 20px 0 16px; border-top: 6px solid var(--none); }
.wrap { max-width: 1180px; margin: 0 auto; padding: 0 32px; }
header.run.success { border-top-color: var(--ok); }
header.run.failed { border-top-color: var(--fail); }
header.run h1 { margin: 0; font-size: 22px; display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.badge { display: inline-block; border-radius: 999px; padding: 1px 10px; font-size: 12px; font-weight: 600; border: 1px solid transparent; white-space: nowrap; }
h1 .badge { font-size: 14px; padding: 3px 14px; }
.b-success, .b-allow, .b-completed { background: var(--ok-bg); color: var(--ok); border-color: var(--ok); }
.b-failed, .b-deny, .b-declined, .b-fail { background: var(--fail-bg); color: var(--fail); border-color: var(--fail); }
.b-no_changes, .b-pending, .b-neutral, .b-inProgress { background: var(--none-bg); color: var(--none); border-color: var(--none); }
.b-error, .b-retry, .b-interrupted, .b-warn { background: var(--warn-bg); color: var(--warn); border-color: var(--warn); }
.meta { color: var(--muted); margin-top: 6px; display: flex; flex-wrap: wrap; gap: 4px 18px; }
.meta b { color: var(--fg); font-weight: 600; }
.failure { margin-top: 12px; background: var(--fail-bg); border: 1px solid var(--fail); border-radius: 6px; padding: 8px 12px; white-space: pre-wrap; }
.failure b { color: var(--fail); }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(128px, 1fr)); gap: 10px; margin: 18px 0; }
.stat { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: 10px 14px; }
.stat .v { font-size: 20px; font-weight: 600; }
.stat .k { color: var(--muted); font-size: 12px; }
.stat .s { color: var(--muted); font-size: 11.5px; }
main { max-width: 1180px; margin: 0 auto; padding: 0 32px 40px; }
nav.toolbar { position: sticky; top: 0; z-index: 2; background: var(--bg); border-bottom: 1px solid var(--border); padding: 8px 0; font-size: 13px; }
nav.toolbar .wrap { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; }
nav.toolbar label { display: inline-flex; gap: 4px; align-items: center; color: var(--muted); cursor: pointer; }
nav.toolbar button { font: inherit; background: var(--card); color: var(--fg); border: 1px solid var(--border); border-radius: 6px; padding: 2px 10px; cursor: pointer; }
nav.toolbar .spacer { flex: 1; }
h2 { font-size: 16px; margin: 26px 0 10px; }
section.box { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
table.list { border-collapse: collapse; width: 100%; }
table.list th, table.list td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--border); vertical-align: top; }
table.list th { color: var(--muted); font-weight: 600; font-size: 12px; }
ul.files { margin: 0; padding-left: 18px; columns: 2; }
ol.timeline { list-style: none; margin: 0; padding: 0; position: relative; }
ol.timeline::before { content: ""; position: absolute; left: 87px; top: 0; bottom: 0; width: 2px; background: var(--line); }
li.entry { display: grid; grid-template-columns: 72px 32px 1fr; align-items: start; margin: 10px 0; }
li.entry .when { color: var(--muted); font-size: 11.5px; text-align: right; padding-top: 9px; font-variant-numeric: tabular-nums; }
li.entry .dot { width: 14px; height: 14px; border-radius: 50%; margin: 10px auto 0; background: var(--card); border: 3px solid var(--none); position: relative; z-index: 1; }
.k-message .dot { border-color: var(--accent); } .k-reasoning .dot { border-color: var(--purple); }
.k-command .dot { border-color: var(--fg); } .k-fileChange .dot { border-color: var(--ok); }
.k-approval .dot { border-color: var(--warn); } .k-error .dot, .k-turnCompleted.failed .dot { border-color: var(--fail); }
.k-tokenUsage .dot { width: 8px; height: 8px; border-width: 2px; margin-top: 7px; }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: 8px 12px; min-width: 0; }
.card.user { border-left: 4px solid var(--accent); }
.card.agent { border-left: 4px solid var(--ok); }
.card.reasoning { border-left: 4px solid var(--purple); color: var(--muted); font-style: italic; }
.card.err { border-color: var(--fail); background: var(--fail-bg); }
.card.retry, .card.warn { border-color: var(--warn); background: var(--warn-bg); }
.head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; }
.kind { font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin-top: 4px; }
.text pre { white-space: pre; overflow-x: auto; background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: 8px; font-style: normal; }
.text code { background: var(--code-bg); border: 1px solid var(--border); border-radius: 4px; padding: 0 4px; }
.text pre code { border: 0; padding: 0; }
.cmd { font-family: var(--mono); font-size: 13px; white-space: pre-wrap; overflow-wrap: anywhere; }
.cmd::before { content: "$ "; color: var(--muted); }
.dim { color: var(--muted); font-size: 12px; }
.tokens { color: var(--muted); font-size: 12px; padding-top: 6px; }
details { margin-top: 6px; }
details > summary { cursor: pointer; color: var(--muted); font-size: 12.5px; }
pre.out { margin: 6px 0 0; background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: 8px 10px; overflow: auto; max-height: 480px; white-space: pre-wrap; overflow-wrap: anywhere; }
.approval { margin-top: 6px; padding: 6px 10px; border-radius: 6px; border: 1px dashed var(--border); display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center; }
.approval.deny { border-color: var(--fail); } .approval.allow { border-color: var(--ok); }
.approval code, .rule { font-family: var(--mono); font-size: 12px; background: var(--code-bg); border: 1px solid var(--border); border-radius: 4px; padding: 0 5px; overflow-wrap: anywhere; }
.change { margin-top: 8px; }
.change .path { font-family: var(--mono); font-weight: 600; }
.diff { margin-top: 4px; border: 1px solid var(--border); border-radius: 6px; overflow: auto; font-family: var(--mono); font-size: 12.5px; background: var(--code-bg); }
.dl { display: grid; grid-template-columns: 44px 44px 1fr; min-width: max-content; }
.dl .n { color: var(--muted); text-align: right; padding: 0 6px; user-select: none; border-right: 1px solid var(--border); }
.dl .c { white-space: pre; padding: 0 10px; }
.dl.add { background: var(--add-bg); } .dl.add .c { color: var(--add-fg); }
.dl.del { background: var(--del-bg); } .dl.del .c { color: var(--del-fg); }
.dl.hunk { background: var(--hunk-bg); } .dl.hunk .c { color: var(--hunk-fg); }
.dl.meta .c { color: var(--muted); font-weight: 600; }
.dl.add .c .sign, .dl.del .c .sign { user-select: none; }
.t-kw { color: var(--tok-kw); } .t-str { color: var(--tok-str); } .t-com { color: var(--tok-com); font-style: italic; } .t-num { color: var(--tok-num); } .t-fn { color: var(--tok-fn); }
.dl.add .c .t-kw, .dl.del .c .t-kw { font-weight: 600; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 20px; }
${KINDS.map(({ kind }) => `body.hide-${kind} li.k-${kind}`).join(', ')} { display: none; }
`;

// ---- syntax colour ---------------------------------------------------------------

export interface Lang {
  comment: RegExp | null;
  keywords: Set<string>;
  backtick: boolean;
}

const words = (s: string) => new Set(s.split(/\s+/).filter(Boolean));
const JS_KW = words(`break case catch class const continue debugger default delete do else export extends false finally for from function
  if import in instanceof let new null of return static super switch this throw true try typeof undefined var void while with yield async await
  interface type enum implements declare readonly private protected public abstract as satisfies keyof namespace`);
const PY_KW = words(`False None True and as assert async await break class continue def del elif else except finally for from global if import
  in is lambda nonlocal not or pass raise return try while with yield self match case`);
const SH_KW = words(`if then else elif fi for while until do done case esac in function return local export set unset echo exit source trap shift readonly`);
const GO_KW = words(`break case chan const continue default defer else fallthrough for func go goto if import interface map package range return
  select struct switch type var nil true false`);
const RS_KW = words(`as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut pub ref
  return self Self static struct super trait true type unsafe use where while Some None Ok Err`);
const C_KW = words(`auto break case char const continue default do double else enum extern float for goto if int long register return short
  signed sizeof static struct switch typedef union unsigned void volatile while class public private protected new delete this true false null
  namespace template typename using virtual override final import package extends implements interface throws throw try catch finally boolean
  string var val fun object when`);
const RB_KW = words(`alias and begin break case class def defined do else elsif end ensure false for if in module next nil not or redo rescue retry
  return self super then true undef unless until when while yield require`);
const DATA_KW = words(`true false null yes no on off`);

const SLASH = /\/\/.*$/;
const HASH = /#.*$/;
const LANGS: Record<string, Lang> = {};
for (const ext of ['js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx']) LANGS[ext] = { comment: SLASH, keywords: JS_KW, backtick: true };
LANGS.json = { comment: null, keywords: DATA_KW, backtick: false };
LANGS.py = { comment: HASH, keywords: PY_KW, backtick: false };
for (const ext of ['sh', 'bash', 'zsh']) LANGS[ext] = { comment: HASH, keywords: SH_KW, backtick: true };
LANGS.go = { comment: SLASH, keywords: GO_KW, backtick: true };
LANGS.rs = { comment: SLASH, keywords: RS_KW, backtick: false };
for (const ext of ['c', 'h', 'cc', 'cpp', 'hpp', 'cs', 'java', 'kt', 'swift', 'scala']) LANGS[ext] = { comment: SLASH, keywords: C_KW, backtick: false };
LANGS.rb = { comment: HASH, keywords: RB_KW, backtick: false };
for (const ext of ['yml', 'yaml', 'toml']) LANGS[ext] = { comment: HASH, keywords: DATA_KW, backtick: false };

export function languageOf(path: string): Lang | null {
  const base = path.split('/').pop() ?? '';
  if (base === 'Makefile' || base === 'Dockerfile') return { comment: HASH, keywords: SH_KW, backtick: false };
  const dot = base.lastIndexOf('.');
  return dot < 0 ? null : (LANGS[base.slice(dot + 1).toLowerCase()] ?? null);
}

const TOKEN = /("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`(?:[^`\\]|\\.)*`?)|(\b\d[\w.]*)|([A-Za-z_$][\w$]*)(\s*\()?/g;

/** One line of code as escaped HTML with spans for keywords, strings, comments, numbers and calls. */
export function highlightLine(code: string, lang: Lang | null, r: R = identity): string {
  if (!lang || code.length > REPORT_MAX_HIGHLIGHT_LINE) return escapeHtml(r(code));
  // The redactor runs on the whole line first, so a token is never split across spans before it.
  let line = r(code);
  let comment = '';
  if (lang.comment) {
    const m = findComment(line, lang.comment);
    if (m >= 0) {
      comment = line.slice(m);
      line = line.slice(0, m);
    }
  }
  let out = '';
  let last = 0;
  for (const m of line.matchAll(TOKEN)) {
    const [whole, str, numTok, ident, call] = m;
    out += escapeHtml(line.slice(last, m.index));
    last = m.index + whole.length;
    if (str !== undefined) {
      if (str.startsWith('`') && !lang.backtick) {
        out += escapeHtml(str);
      } else {
        out += `<span class="t-str">${escapeHtml(str)}</span>`;
      }
    } else if (numTok !== undefined) {
      out += `<span class="t-num">${escapeHtml(numTok)}</span>`;
    } else if (ident !== undefined) {
      if (lang.keywords.has(ident)) out += `<span class="t-kw">${escapeHtml(ident)}</span>`;
      else if (call !== undefined) out += `<span class="t-fn">${escapeHtml(ident)}</span>`;
      else out += escapeHtml(ident);
      if (call !== undefined) out += escapeHtml(call);
    }
  }
  out += escapeHtml(line.slice(last));
  if (comment) out += `<span class="t-com">${escapeHtml(comment)}</span>`;
  return out;
}

/** Index where a line comment starts, skipping comment markers inside strings; -1 if none. */
function findComment(line: string, marker: RegExp): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      quote = c;
      continue;
    }
    if (marker === HASH ? c === '#' && (i === 0 || /\s/.test(line[i - 1]!)) : c === '/' && line[i + 1] === '/') {
      return marker.test(line.slice(i)) ? i : -1;
    }
  }
  return -1;
}

// ---- diffs -------------------------------------------------------------------------

/** Unified diff lines as a grid of old/new line numbers and coloured code. */
export function renderDiff(diff: string, path: string, r: R = identity): string {
  const lang = languageOf(path);
  const lines = diff.replace(/\n$/, '').split('\n');
  const shown = lines.slice(0, REPORT_MAX_DIFF_LINES);
  let oldNo = 0;
  let newNo = 0;
  const rows: string[] = [];
  for (const line of shown) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      oldNo = Number(hunk[1]);
      newNo = Number(hunk[2]);
      rows.push(row('hunk', '', '', escapeHtml(r(line))));
    } else if (/^(diff --git |index |--- |\+\+\+ |new file mode|deleted file mode|old mode|new mode|similarity index|rename |Binary files)/.test(line)) {
      rows.push(row('meta', '', '', escapeHtml(r(line))));
    } else if (line.startsWith('+')) {
      rows.push(row('add', '', String(newNo++), `<span class="sign">+</span>${highlightLine(line.slice(1), lang, r)}`));
    } else if (line.startsWith('-')) {
      rows.push(row('del', String(oldNo++), '', `<span class="sign">-</span>${highlightLine(line.slice(1), lang, r)}`));
    } else if (line.startsWith('\\')) {
      rows.push(row('meta', '', '', escapeHtml(r(line))));
    } else {
      rows.push(row('ctx', String(oldNo++), String(newNo++), ` ${highlightLine(line.slice(1), lang, r)}`));
    }
  }
  if (lines.length > shown.length) rows.push(row('meta', '', '', escapeHtml(`… ${lines.length - shown.length} more lines (see diff.patch)`)));
  return `<div class="diff">${rows.join('')}</div>`;
}

function row(cls: string, oldNo: string, newNo: string, html: string): string {
  return `<div class="dl ${cls}"><span class="n">${oldNo}</span><span class="n">${newNo}</span><span class="c">${html}</span></div>`;
}

interface PatchFile {
  path: string;
  text: string;
  added: number;
  deleted: number;
}

/** Splits diff.patch (git diff output) into files. */
export function splitPatch(patch: string): PatchFile[] {
  const files: PatchFile[] = [];
  const chunks = patch.split(/^(?=diff --git )/m).filter((c) => c.trim() !== '');
  for (const text of chunks) {
    const plus = /^\+\+\+ (?:b\/)?(.+)$/m.exec(text)?.[1];
    const minus = /^--- (?:a\/)?(.+)$/m.exec(text)?.[1];
    const git = /^diff --git a\/(.+?) b\/(.+)$/m.exec(text);
    const path = (plus && plus !== '/dev/null' ? plus : minus && minus !== '/dev/null' ? minus : git?.[2]) ?? '(patch)';
    let added = 0;
    let deleted = 0;
    for (const l of text.split('\n')) {
      if (l.startsWith('+') && !l.startsWith('+++')) added++;
      else if (l.startsWith('-') && !l.startsWith('---')) deleted++;
    }
    files.push({ path, text, added, deleted });
  }
  return files;
}

/** A patch file without the lines the summary already says (diff --git, index, ---, +++). */
function withoutFileHeader(text: string): string {
  const lines = text.split('\n');
  const firstHunk = lines.findIndex((l) => l.startsWith('@@'));
  const headerEnd = firstHunk < 0 ? lines.length : firstHunk;
  return lines.filter((l, i) => i >= headerEnd || !/^(diff --git |index |--- |\+\+\+ )/.test(l)).join('\n');
}

// ---- messages -------------------------------------------------------------------------

/** Model text as HTML: escaped, with fenced code blocks, `code` and **bold**; line breaks kept (pre-wrap). */
export function renderMessageText(text: string, r: R = identity): string {
  const parts = r(text).split(/^ {0,3}(```+|~~~+)[^\n]*\n([\s\S]*?)^ {0,3}\1[ \t]*$/m);
  let html = '';
  for (let i = 0; i < parts.length; i += 3) {
    html += inlineMarkdown(escapeHtml(parts[i] ?? ''));
    if (i + 2 < parts.length) html += `<pre><code>${escapeHtml((parts[i + 2] ?? '').replace(/\n$/, ''))}</code></pre>`;
  }
  return html.replace(/<\/pre>\n/g, '</pre>');
}

function inlineMarkdown(escaped: string): string {
  return escaped
    .replace(/(`+)([^`\n]|[^`\n][\s\S]*?[^`\n])\1(?!`)/g, (_m, _t: string, code: string) => `<code>${code}</code>`)
    .replace(/\*\*([^*\n][^*]*?)\*\*/g, '<strong>$1</strong>');
}

// ---- the page ---------------------------------------------------------------------------

export function renderReport(timeline: Timeline, result: RunResult, patch: string | null, options: RenderOptions = {}): string {
  const r: R = options.redact ?? identity;
  const t = (s: string) => escapeHtml(r(s));
  const start = timeline.firstTs;
  const total = result.tokenUsage ?? timeline.tokenUsage?.total ?? null;
  const word = outcomeWord(result);

  const head = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>tern run: ${escapeHtml(word)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
  ].join('\n');

  // Header: outcome, facts, failure.
  const facts: string[] = [
    `<span>exit <b>${result.exitCode}</b></span>`,
    result.turnStatus ? `<span>turn <b>${escapeHtml(result.turnStatus)}</b></span>` : '',
    `<span>duration <b>${escapeHtml(formatDuration(result.durationMs))}</b></span>`,
    timeline.model ? `<span>model <b class="mono">${t(timeline.model)}</b></span>` : '',
    result.threadId ?? timeline.threadId ? `<span>thread <span class="mono">${t(result.threadId ?? timeline.threadId ?? '')}</span></span>` : '',
    result.turnId ? `<span>turn id <span class="mono">${t(result.turnId)}</span></span>` : '',
    `<span>started <b>${t(result.startedAt)}</b></span>`,
  ].filter(Boolean);
  const header = [
    `<header class="run ${escapeHtml(result.outcome)}" id="outcome"><div class="wrap">`,
    `<h1>tern run <span class="badge b-${escapeHtml(result.outcome)}" data-testid="outcome">${escapeHtml(word)}</span></h1>`,
    `<div class="meta">${facts.join('')}</div>`,
    result.failure ? `<div class="failure" data-testid="failure"><b>${escapeHtml(result.failure.kind)}:</b> ${t(result.failure.message)}</div>` : '',
    '</div></header>',
  ].join('\n');

  // Toolbar: filters per kind present.
  const counts = new Map<TimelineEntryKind, number>();
  for (const e of timeline.entries) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  const attached = new Set<ApprovalEntry>([...timeline.commands, ...timeline.fileChanges].flatMap((i) => i.approvals));
  const filters = KINDS.filter(({ kind }) => (counts.get(kind) ?? 0) > 0)
    .map(({ kind, label }) => `<label><input type="checkbox" checked data-filter="${kind}"> ${label} (${counts.get(kind)})</label>`)
    .join('');
  const toolbar = `<nav class="toolbar"><div class="wrap"><span class="kind">Show</span>${filters}<span class="spacer"></span><button type="button" id="expand-all">Expand all</button><button type="button" id="collapse-all">Collapse all</button></div></nav>`;

  // Stats.
  const failedCommands = timeline.commands.filter((c) => c.status === 'failed' || (c.exitCode !== null && c.exitCode !== 0)).length;
  const notAccepted = result.approvals.filter((a) => a.decision !== 'accept').length;
  const retries = timeline.errors.filter((e) => e.willRetry).length;
  const stat = (k: string, v: string, s = '') => `<div class="stat"><div class="k">${k}</div><div class="v">${v}</div>${s ? `<div class="s">${s}</div>` : ''}</div>`;
  const stats = [
    '<section class="stats" data-testid="stats">',
    stat('Files changed', String(result.filesChanged.length)),
    stat('Commands', String(timeline.commands.length), failedCommands ? `${failedCommands} failed` : ''),
    stat('Approvals', String(result.approvals.length), notAccepted ? `${notAccepted} not accepted` : ''),
    stat('Tokens', total ? formatCount(total.totalTokens) : 'n/a', total ? `in ${formatCount(total.inputTokens)} · cached ${formatCount(total.cachedInputTokens)} · out ${formatCount(total.outputTokens)}` : ''),
    stat('Cost', escapeHtml(formatCost(result.budget.costUsd)), result.budget.costUsd === null ? 'no price for the model' : 'estimated'),
    stat('Model requests', String(result.budget.modelRequests), retries ? `${retries} retried` : ''),
    stat('Tool calls', String(result.budget.toolCalls)),
    stat('Duration', escapeHtml(formatDuration(result.durationMs)), result.budget.exceeded ? `<b>${escapeHtml(result.budget.exceeded)} budget reached</b>` : ''),
    '</section>',
  ].join('\n');

  const files =
    result.filesChanged.length > 0
      ? `<section class="box"><h2 style="margin-top:0">Files changed</h2><ul class="files mono">${result.filesChanged.map((f) => `<li>${t(f)}</li>`).join('')}</ul></section>`
      : '';

  const approvalsTable =
    result.approvals.length > 0
      ? [
          '<section class="box" data-testid="approvals"><h2 style="margin-top:0">Approvals</h2><table class="list"><thead><tr><th>Decision</th><th>Request</th><th>Subject</th><th>Rule</th><th>Reason</th></tr></thead><tbody>',
          ...result.approvals.map(
            (a) =>
              `<tr><td><span class="badge b-${decisionClass(a.decision)}">${escapeHtml(a.decision)}</span></td><td>${escapeHtml(approvalTarget(a.method))}</td><td class="mono">${a.subject ? t(a.subject) : '–'}</td><td><span class="rule">${t(a.rule)}</span></td><td>${a.reason ? t(a.reason) : ''}</td></tr>`,
          ),
          '</tbody></table></section>',
        ].join('\n')
      : '';

  const entries = timeline.entries
    .filter((e) => !(e.kind === 'approval' && attached.has(e)))
    .map((e) => renderEntry(e, r, start))
    .filter((s): s is string => s !== null);
  const timelineHtml = [
    '<h2>Timeline</h2>',
    timeline.malformedLines || timeline.unreadableMessages
      ? `<p class="dim">The event log had ${timeline.malformedLines} unreadable line(s) and ${timeline.unreadableMessages} unreadable message(s); they are left out.</p>`
      : '',
    entries.length > 0 ? `<ol class="timeline" data-testid="timeline">\n${entries.join('\n')}\n</ol>` : '<p class="dim">No protocol events were recorded.</p>',
  ].join('\n');

  let patchHtml = '';
  if (patch && patch.trim() !== '') {
    const pfiles = splitPatch(patch);
    patchHtml = [
      `<h2>Diff <span class="dim">(diff.patch: ${pfiles.length} file${pfiles.length === 1 ? '' : 's'})</span></h2>`,
      '<section data-testid="patch">',
      ...pfiles.map(
        (f) =>
          `<details open class="box"><summary><span class="path mono">${t(f.path)}</span> <span class="dim">+${f.added} −${f.deleted}</span></summary>${renderDiff(withoutFileHeader(f.text), f.path, r)}</details>`,
      ),
      '</section>',
    ].join('\n');
  }

  const footer = `<footer>Generated by tern run${timeline.firstTs !== null ? ` from ${timeline.entries.length} timeline entries` : ''}. This page is self-contained: it loads nothing and runs only its own script.</footer>`;

  return [
    head,
    '<body>',
    header,
    toolbar,
    '<main>',
    stats,
    files,
    approvalsTable,
    timelineHtml,
    patchHtml,
    '</main>',
    footer,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ]
    .filter((s) => s !== '')
    .join('\n');
}

function approvalTarget(method: string): string {
  if (method === 'item/commandExecution/requestApproval') return 'command';
  if (method === 'item/fileChange/requestApproval') return 'file change';
  return method;
}

function li(kind: TimelineEntryKind, ts: number | null, start: number | null, card: string, extraClass = ''): string {
  return `<li class="entry k-${kind}${extraClass ? ' ' + extraClass : ''}" data-kind="${kind}"><div class="when">${escapeHtml(formatOffset(ts, start))}</div><div class="dot"></div>${card}</li>`;
}

function approvalHtml(a: ApprovalEntry, r: R): string {
  const cls = decisionClass(a.decision);
  return [
    `<div class="approval ${cls}" data-testid="approval">`,
    `<span class="kind">Approval</span>`,
    `<span class="badge b-${cls}">${escapeHtml(a.decision ?? 'no reply')}</span>`,
    a.rule ? `<span>rule <code>${escapeHtml(r(a.rule))}</code></span>` : '<span class="dim">rule not recorded</span>',
    a.policyReason ? `<span>${escapeHtml(r(a.policyReason))}</span>` : '',
    a.serverReason ? `<span class="dim">server asked: ${escapeHtml(r(a.serverReason))}</span>` : '',
    '</div>',
  ].join('');
}

function statusBadge(status: string, complete: boolean): string {
  if (!complete) return '<span class="badge b-warn">did not complete</span>';
  return `<span class="badge b-${escapeHtml(status)}">${escapeHtml(status)}</span>`;
}

function renderCommand(e: CommandEntry, r: R, start: number | null): string {
  const failed = e.status === 'failed' || (e.exitCode !== null && e.exitCode !== 0);
  const head = [
    '<div class="head">',
    '<span class="kind">Command</span>',
    statusBadge(e.status, e.complete),
    e.exitCode !== null ? `<span class="badge ${e.exitCode === 0 ? 'b-completed' : 'b-fail'}">exit ${e.exitCode}</span>` : '',
    e.durationMs !== null ? `<span class="dim">${escapeHtml(formatDuration(e.durationMs))}</span>` : '',
    '</div>',
  ].join('');
  let output = '';
  if (e.output !== '') {
    const out = tail(r(e.output), Number.MAX_SAFE_INTEGER, REPORT_MAX_OUTPUT_CHARS);
    const open = failed && out.totalLines <= REPORT_OPEN_OUTPUT_MAX_LINES ? ' open' : '';
    const cut = out.omittedLines > 0 ? ` (last ${out.totalLines - out.omittedLines} of ${out.totalLines} lines)` : '';
    output = `<details${open}><summary>Output: ${out.totalLines} line${out.totalLines === 1 ? '' : 's'}${cut}</summary><pre class="out" data-testid="output">${escapeHtml(out.text)}</pre></details>`;
  } else if (e.complete && e.status !== 'declined') {
    output = '<div class="dim">No output.</div>';
  }
  const card = `<div class="card command${failed ? ' failed' : ''}">${head}<div class="cmd" data-testid="command">${escapeHtml(r(e.command))}</div>${e.approvals.map((a) => approvalHtml(a, r)).join('')}${output}</div>`;
  return li('command', e.ts, start, card);
}

function renderFileChange(e: FileChangeEntry, r: R, start: number | null): string {
  const head = `<div class="head"><span class="kind">File change</span>${statusBadge(e.status, e.complete)}<span class="dim">${e.changes.length} file${e.changes.length === 1 ? '' : 's'}</span></div>`;
  const changes = e.changes
    .map((c) => {
      const name = c.movePath ? `${escapeHtml(r(c.path))} → ${escapeHtml(r(c.movePath))}` : escapeHtml(r(c.path));
      const body = c.diff === '' ? '<div class="dim">(empty)</div>' : renderDiff(c.diff, c.movePath ?? c.path, r);
      return `<div class="change"><span class="path">${name}</span> <span class="badge b-neutral">${escapeHtml(c.kind)}</span><details open><summary>diff</summary>${body}</details></div>`;
    })
    .join('');
  return li('fileChange', e.ts, start, `<div class="card filechange">${head}${e.approvals.map((a) => approvalHtml(a, r)).join('')}${changes}</div>`);
}

function renderEntry(e: TimelineEntry, r: R, start: number | null): string | null {
  switch (e.kind) {
    case 'message': {
      const label = e.role === 'user' ? 'User' : e.phase === 'commentary' ? 'Agent (commentary)' : 'Agent';
      const lines = e.text.split('\n').length;
      let text = `<div class="text" data-testid="message">${renderMessageText(e.text, r)}</div>`;
      if (e.role === 'user' && lines > REPORT_FOLD_MESSAGE_LINES) {
        const first = e.text.split('\n', 1)[0] ?? '';
        text = `<details><summary>${escapeHtml(r(first))} <span class="dim">(${lines} lines)</span></summary>${text}</details>`;
      }
      const card = `<div class="card ${e.role}"><div class="head"><span class="kind">${label}</span>${e.complete ? '' : '<span class="badge b-warn">incomplete</span>'}</div>${text}</div>`;
      return li('message', e.ts, start, card);
    }
    case 'reasoning': {
      const parts = (e.summary.length > 0 ? e.summary : e.content).filter((s) => s.trim() !== '');
      if (parts.length === 0) return null;
      return li('reasoning', e.ts, start, `<div class="card reasoning"><div class="head"><span class="kind">Reasoning</span></div><div class="text">${renderMessageText(parts.join('\n\n'), r)}</div></div>`);
    }
    case 'command':
      return renderCommand(e, r, start);
    case 'fileChange':
      return renderFileChange(e, r, start);
    case 'approval': {
      const subject = e.subject ? `<div class="${e.target === 'command' ? 'cmd' : 'mono'}">${escapeHtml(r(e.subject))}</div>` : '';
      const what = e.target === 'command' ? 'command' : e.target === 'fileChange' ? 'file change' : e.method;
      return li('approval', e.ts, start, `<div class="card"><div class="head"><span class="kind">Approval request</span><span class="dim">${escapeHtml(what)}</span></div>${subject}${approvalHtml(e, r)}</div>`);
    }
    case 'error': {
      const title = e.source === 'rpc' ? `Error reply to ${e.method ?? 'a request'}` : e.willRetry ? 'Error, retrying' : 'Error';
      const cls = e.willRetry ? 'retry' : 'err';
      const body = `<div class="text">${e.code ? `<code>${escapeHtml(r(e.code))}</code> ` : ''}${escapeHtml(r(e.message))}</div>${e.detail ? `<details><summary>details</summary><pre class="out">${escapeHtml(r(e.detail))}</pre></details>` : ''}`;
      return li('error', e.ts, start, `<div class="card ${cls}"><div class="head"><span class="kind">${escapeHtml(title)}</span></div>${body}</div>`);
    }
    case 'warning':
      return li('warning', e.ts, start, `<div class="card warn"><div class="head"><span class="kind">Warning</span></div><div class="text">${escapeHtml(r(e.message))}${e.detail ? '\n' + escapeHtml(r(e.detail)) : ''}</div></div>`);
    case 'tokenUsage': {
      const l = e.last;
      const text = `model response: ${formatCount(l.totalTokens)} tokens (in ${formatCount(l.inputTokens)} · cached ${formatCount(l.cachedInputTokens)} · out ${formatCount(l.outputTokens)}) · total ${formatCount(e.total.totalTokens)}`;
      return li('tokenUsage', e.ts, start, `<div class="tokens">${escapeHtml(text)}</div>`);
    }
    case 'compaction':
      return li('compaction', e.ts, start, '<div class="card"><div class="head"><span class="kind">Context compacted</span><span class="dim">the history so far was replaced by a summary</span></div></div>');
    case 'interrupt':
      return li('interrupt', e.ts, start, '<div class="card warn"><div class="head"><span class="kind">Interrupted</span><span>tern run interrupted the turn</span></div></div>');
    case 'turnCompleted': {
      const cls = e.status === 'completed' ? 'b-completed' : e.status === 'failed' ? 'b-failed' : 'b-interrupted';
      const body = e.error ? `<div class="text">${escapeHtml(r(e.error.message))}</div>` : '';
      return li(
        'turnCompleted',
        e.ts,
        start,
        `<div class="card"><div class="head"><span class="kind">Turn ended</span><span class="badge ${cls}">${escapeHtml(e.status)}</span>${e.durationMs !== null ? `<span class="dim">${escapeHtml(formatDuration(e.durationMs))}</span>` : ''}</div>${body}</div>`,
        e.status,
      );
    }
  }
}
