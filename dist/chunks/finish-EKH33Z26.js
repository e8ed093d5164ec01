import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  formatSeconds
} from "./chunk-HVG3BROI.js";
import {
  unstageSmudgedLfs
} from "./chunk-QXQQREJP.js";
import {
  EMPTY_TREE,
  checkoutHead,
  openPrivateGit,
  resolveCommit
} from "./chunk-V23KZT3V.js";
import {
  EVENTS_FILE
} from "./chunk-YE2624SS.js";
import {
  DIFF_FILE,
  EXIT_CODES,
  RESULT_SCHEMA_VERSION,
  writeFileAtomic,
  writeResult
} from "./chunk-ZBMWM6FK.js";
import "./chunk-VI3CY5FY.js";
import {
  TernError,
  errorMessage
} from "./chunk-AXCYR7ZC.js";
import "./chunk-4S2FJ4XZ.js";

// src/driver/finish.ts
import { readFile } from "node:fs/promises";
import path2 from "node:path";

// src/artifacts/report-html.ts
import { createHash } from "node:crypto";

// src/artifacts/render-util.ts
var identity = (s) => s;
var NUMBER = new Intl.NumberFormat("en-US");
function formatCount(n) {
  return NUMBER.format(n);
}
function formatDuration(ms) {
  if (ms === null || ms === void 0 || !Number.isFinite(ms)) return "n/a";
  if (ms < 1e3) return `${Math.round(ms)} ms`;
  if (ms < 6e4) return `${(ms / 1e3).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1e3);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor(totalSeconds % 3600 / 60);
  const s = totalSeconds % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, "0")} min` : `${m} min ${String(s).padStart(2, "0")} s`;
}
function formatOffset(ts, start) {
  if (ts === null || start === null) return "";
  return `+${((ts - start) / 1e3).toFixed(2)} s`;
}
function formatCost(usd) {
  if (usd === null || usd === void 0 || !Number.isFinite(usd)) return "n/a";
  if (usd === 0) return "$0.00";
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 1) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(2)}`;
}
function outcomeWord(result) {
  if (result.outcome === "failed") return result.failure ? `failed (${result.failure.kind})` : "failed";
  return result.outcome === "no_changes" ? "no changes" : "success";
}
function outcomeIcon(result) {
  return result.outcome === "success" ? "\u2705" : result.outcome === "no_changes" ? "\u26AA" : "\u274C";
}
function decisionClass(decision) {
  if (decision === null) return "pending";
  if (decision === "error") return "error";
  if (decision.startsWith("accept")) return "allow";
  return "deny";
}
function decisionIcon(decision) {
  return { allow: "\u2705", deny: "\u26D4", error: "\u26A0\uFE0F", pending: "\u23F3" }[decisionClass(decision)];
}
function tail(text, maxLines, maxChars) {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  const lines = body === "" ? [] : body.split("\n");
  let kept = lines.slice(Math.max(0, lines.length - maxLines));
  let joined = kept.join("\n");
  if (joined.length > maxChars) {
    joined = joined.slice(joined.length - maxChars);
    const nl = joined.indexOf("\n");
    if (nl >= 0 && nl < joined.length - 1) joined = joined.slice(nl + 1);
    kept = joined.split("\n");
  }
  return { text: joined, omittedLines: lines.length - kept.length, totalLines: lines.length };
}
function mdFence(text, lang = "") {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  const body = text.endsWith("\n") ? text : text + "\n";
  return `${fence}${lang}
${body}${fence}`;
}
function mdCode(text, table = false) {
  let t = text.replace(/\r?\n/g, " \u23CE ");
  if (table) t = t.replace(/\|/g, "\\|");
  if (t === "") return "";
  const longest = Math.max(0, ...[...t.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  const pad = t.startsWith("`") || t.endsWith("`") || t.startsWith(" ") && t.endsWith(" ") ? " " : "";
  return `${ticks}${pad}${t}${pad}${ticks}`;
}
function mdText(text) {
  return text.replace(/\r?\n/g, " ").replace(/[\\`*[\]<>|~!#]/g, (c) => `\\${c}`).replace(/&/g, "&amp;");
}
function safeMarkdown(text) {
  const out = [];
  let fence = null;
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === null) {
      if (m) {
        fence = m[1];
        out.push(line);
      } else {
        out.push(inertInline(line));
      }
    } else {
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]) fence = null;
      out.push(line);
    }
  }
  if (fence !== null) out.push(fence);
  return out.join("\n");
}
function inertInline(line) {
  let result = "";
  let rest = line;
  for (; ; ) {
    const open = /`+/.exec(rest);
    if (!open) break;
    const ticks = open[0];
    const after = rest.slice(open.index + ticks.length);
    const close = new RegExp(`(?<!\`)${ticks}(?!\`)`).exec(after);
    if (!close) {
      result += inertText(rest.slice(0, open.index + ticks.length));
      rest = after;
      continue;
    }
    result += inertText(rest.slice(0, open.index)) + ticks + after.slice(0, close.index) + ticks;
    rest = after.slice(close.index + ticks.length);
  }
  return result + inertText(rest);
}
function inertText(s) {
  return s.replace(/</g, "&lt;").replace(/!\[/g, "!\\[");
}
function mdQuote(text) {
  return text.split("\n").map((l) => l === "" ? ">" : `> ${l}`).join("\n");
}

// src/artifacts/report-html.ts
var REPORT_FILE = "report.html";
var REPORT_MAX_OUTPUT_CHARS = 1e5;
var REPORT_OPEN_OUTPUT_MAX_LINES = 40;
var REPORT_MAX_DIFF_LINES = 3e3;
var REPORT_FOLD_MESSAGE_LINES = 12;
var REPORT_MAX_HIGHLIGHT_LINE = 2e3;
var HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}
var SCRIPT = `(function () {
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
var SCRIPT_HASH = createHash("sha256").update(SCRIPT, "utf8").digest("base64");
var REPORT_CSP = [
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
  "form-action 'none'"
].join("; ");
var KINDS = [
  { kind: "message", label: "Messages" },
  { kind: "reasoning", label: "Reasoning" },
  { kind: "command", label: "Commands" },
  { kind: "fileChange", label: "File changes" },
  { kind: "approval", label: "Approvals" },
  { kind: "error", label: "Errors" },
  { kind: "warning", label: "Warnings" },
  { kind: "tokenUsage", label: "Token usage" }
];
var STYLE = `
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
${KINDS.map(({ kind }) => `body.hide-${kind} li.k-${kind}`).join(", ")} { display: none; }
`;
var words = (s) => new Set(s.split(/\s+/).filter(Boolean));
var JS_KW = words(`break case catch class const continue debugger default delete do else export extends false finally for from function
  if import in instanceof let new null of return static super switch this throw true try typeof undefined var void while with yield async await
  interface type enum implements declare readonly private protected public abstract as satisfies keyof namespace`);
var PY_KW = words(`False None True and as assert async await break class continue def del elif else except finally for from global if import
  in is lambda nonlocal not or pass raise return try while with yield self match case`);
var SH_KW = words(`if then else elif fi for while until do done case esac in function return local export set unset echo exit source trap shift readonly`);
var GO_KW = words(`break case chan const continue default defer else fallthrough for func go goto if import interface map package range return
  select struct switch type var nil true false`);
var RS_KW = words(`as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut pub ref
  return self Self static struct super trait true type unsafe use where while Some None Ok Err`);
var C_KW = words(`auto break case char const continue default do double else enum extern float for goto if int long register return short
  signed sizeof static struct switch typedef union unsigned void volatile while class public private protected new delete this true false null
  namespace template typename using virtual override final import package extends implements interface throws throw try catch finally boolean
  string var val fun object when`);
var RB_KW = words(`alias and begin break case class def defined do else elsif end ensure false for if in module next nil not or redo rescue retry
  return self super then true undef unless until when while yield require`);
var DATA_KW = words(`true false null yes no on off`);
var SLASH = /\/\/.*$/;
var HASH = /#.*$/;
var LANGS = {};
for (const ext of ["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"]) LANGS[ext] = { comment: SLASH, keywords: JS_KW, backtick: true };
LANGS.json = { comment: null, keywords: DATA_KW, backtick: false };
LANGS.py = { comment: HASH, keywords: PY_KW, backtick: false };
for (const ext of ["sh", "bash", "zsh"]) LANGS[ext] = { comment: HASH, keywords: SH_KW, backtick: true };
LANGS.go = { comment: SLASH, keywords: GO_KW, backtick: true };
LANGS.rs = { comment: SLASH, keywords: RS_KW, backtick: false };
for (const ext of ["c", "h", "cc", "cpp", "hpp", "cs", "java", "kt", "swift", "scala"]) LANGS[ext] = { comment: SLASH, keywords: C_KW, backtick: false };
LANGS.rb = { comment: HASH, keywords: RB_KW, backtick: false };
for (const ext of ["yml", "yaml", "toml"]) LANGS[ext] = { comment: HASH, keywords: DATA_KW, backtick: false };
function languageOf(path3) {
  const base = path3.split("/").pop() ?? "";
  if (base === "Makefile" || base === "Dockerfile") return { comment: HASH, keywords: SH_KW, backtick: false };
  const dot = base.lastIndexOf(".");
  return dot < 0 ? null : LANGS[base.slice(dot + 1).toLowerCase()] ?? null;
}
var TOKEN = /("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`(?:[^`\\]|\\.)*`?)|(\b\d[\w.]*)|([A-Za-z_$][\w$]*)(\s*\()?/g;
function highlightLine(code, lang, r = identity) {
  if (!lang || code.length > REPORT_MAX_HIGHLIGHT_LINE) return escapeHtml(r(code));
  let line = r(code);
  let comment = "";
  if (lang.comment) {
    const m = findComment(line, lang.comment);
    if (m >= 0) {
      comment = line.slice(m);
      line = line.slice(0, m);
    }
  }
  let out = "";
  let last = 0;
  for (const m of line.matchAll(TOKEN)) {
    const [whole, str2, numTok, ident, call] = m;
    out += escapeHtml(line.slice(last, m.index));
    last = m.index + whole.length;
    if (str2 !== void 0) {
      if (str2.startsWith("`") && !lang.backtick) {
        out += escapeHtml(str2);
      } else {
        out += `<span class="t-str">${escapeHtml(str2)}</span>`;
      }
    } else if (numTok !== void 0) {
      out += `<span class="t-num">${escapeHtml(numTok)}</span>`;
    } else if (ident !== void 0) {
      if (lang.keywords.has(ident)) out += `<span class="t-kw">${escapeHtml(ident)}</span>`;
      else if (call !== void 0) out += `<span class="t-fn">${escapeHtml(ident)}</span>`;
      else out += escapeHtml(ident);
      if (call !== void 0) out += escapeHtml(call);
    }
  }
  out += escapeHtml(line.slice(last));
  if (comment) out += `<span class="t-com">${escapeHtml(comment)}</span>`;
  return out;
}
function findComment(line, marker) {
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      quote = c;
      continue;
    }
    if (marker === HASH ? c === "#" && (i === 0 || /\s/.test(line[i - 1])) : c === "/" && line[i + 1] === "/") {
      return marker.test(line.slice(i)) ? i : -1;
    }
  }
  return -1;
}
function renderDiff(diff, path3, r = identity) {
  const lang = languageOf(path3);
  const lines = diff.replace(/\n$/, "").split("\n");
  const shown = lines.slice(0, REPORT_MAX_DIFF_LINES);
  let oldNo = 0;
  let newNo = 0;
  const rows = [];
  for (const line of shown) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      oldNo = Number(hunk[1]);
      newNo = Number(hunk[2]);
      rows.push(row("hunk", "", "", escapeHtml(r(line))));
    } else if (/^(diff --git |index |--- |\+\+\+ |new file mode|deleted file mode|old mode|new mode|similarity index|rename |Binary files)/.test(line)) {
      rows.push(row("meta", "", "", escapeHtml(r(line))));
    } else if (line.startsWith("+")) {
      rows.push(row("add", "", String(newNo++), `<span class="sign">+</span>${highlightLine(line.slice(1), lang, r)}`));
    } else if (line.startsWith("-")) {
      rows.push(row("del", String(oldNo++), "", `<span class="sign">-</span>${highlightLine(line.slice(1), lang, r)}`));
    } else if (line.startsWith("\\")) {
      rows.push(row("meta", "", "", escapeHtml(r(line))));
    } else {
      rows.push(row("ctx", String(oldNo++), String(newNo++), ` ${highlightLine(line.slice(1), lang, r)}`));
    }
  }
  if (lines.length > shown.length) rows.push(row("meta", "", "", escapeHtml(`\u2026 ${lines.length - shown.length} more lines (see diff.patch)`)));
  return `<div class="diff">${rows.join("")}</div>`;
}
function row(cls, oldNo, newNo, html) {
  return `<div class="dl ${cls}"><span class="n">${oldNo}</span><span class="n">${newNo}</span><span class="c">${html}</span></div>`;
}
function splitPatch(patch) {
  const files = [];
  const chunks = patch.split(/^(?=diff --git )/m).filter((c) => c.trim() !== "");
  for (const text of chunks) {
    const plus = /^\+\+\+ (?:b\/)?(.+)$/m.exec(text)?.[1];
    const minus = /^--- (?:a\/)?(.+)$/m.exec(text)?.[1];
    const git = /^diff --git a\/(.+?) b\/(.+)$/m.exec(text);
    const path3 = (plus && plus !== "/dev/null" ? plus : minus && minus !== "/dev/null" ? minus : git?.[2]) ?? "(patch)";
    let added = 0;
    let deleted = 0;
    for (const l of text.split("\n")) {
      if (l.startsWith("+") && !l.startsWith("+++")) added++;
      else if (l.startsWith("-") && !l.startsWith("---")) deleted++;
    }
    files.push({ path: path3, text, added, deleted });
  }
  return files;
}
function withoutFileHeader(text) {
  const lines = text.split("\n");
  const firstHunk = lines.findIndex((l) => l.startsWith("@@"));
  const headerEnd = firstHunk < 0 ? lines.length : firstHunk;
  return lines.filter((l, i) => i >= headerEnd || !/^(diff --git |index |--- |\+\+\+ )/.test(l)).join("\n");
}
function renderMessageText(text, r = identity) {
  const parts = r(text).split(/^ {0,3}(```+|~~~+)[^\n]*\n([\s\S]*?)^ {0,3}\1[ \t]*$/m);
  let html = "";
  for (let i = 0; i < parts.length; i += 3) {
    html += inlineMarkdown(escapeHtml(parts[i] ?? ""));
    if (i + 2 < parts.length) html += `<pre><code>${escapeHtml((parts[i + 2] ?? "").replace(/\n$/, ""))}</code></pre>`;
  }
  return html.replace(/<\/pre>\n/g, "</pre>");
}
function inlineMarkdown(escaped) {
  return escaped.replace(/(`+)([^`\n]|[^`\n][\s\S]*?[^`\n])\1(?!`)/g, (_m, _t, code) => `<code>${code}</code>`).replace(/\*\*([^*\n][^*]*?)\*\*/g, "<strong>$1</strong>");
}
function renderReport(timeline, result, patch, options = {}) {
  const r = options.redact ?? identity;
  const t = (s) => escapeHtml(r(s));
  const start = timeline.firstTs;
  const total = result.tokenUsage ?? timeline.tokenUsage?.total ?? null;
  const word = outcomeWord(result);
  const head = [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>tern run: ${escapeHtml(word)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>"
  ].join("\n");
  const facts = [
    `<span>exit <b>${result.exitCode}</b></span>`,
    result.turnStatus ? `<span>turn <b>${escapeHtml(result.turnStatus)}</b></span>` : "",
    `<span>duration <b>${escapeHtml(formatDuration(result.durationMs))}</b></span>`,
    timeline.model ? `<span>model <b class="mono">${t(timeline.model)}</b></span>` : "",
    result.threadId ?? timeline.threadId ? `<span>thread <span class="mono">${t(result.threadId ?? timeline.threadId ?? "")}</span></span>` : "",
    result.turnId ? `<span>turn id <span class="mono">${t(result.turnId)}</span></span>` : "",
    `<span>started <b>${t(result.startedAt)}</b></span>`
  ].filter(Boolean);
  const header = [
    `<header class="run ${escapeHtml(result.outcome)}" id="outcome"><div class="wrap">`,
    `<h1>tern run <span class="badge b-${escapeHtml(result.outcome)}" data-testid="outcome">${escapeHtml(word)}</span></h1>`,
    `<div class="meta">${facts.join("")}</div>`,
    result.failure ? `<div class="failure" data-testid="failure"><b>${escapeHtml(result.failure.kind)}:</b> ${t(result.failure.message)}</div>` : "",
    "</div></header>"
  ].join("\n");
  const counts = /* @__PURE__ */ new Map();
  for (const e of timeline.entries) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  const attached = new Set([...timeline.commands, ...timeline.fileChanges].flatMap((i) => i.approvals));
  const filters = KINDS.filter(({ kind }) => (counts.get(kind) ?? 0) > 0).map(({ kind, label }) => `<label><input type="checkbox" checked data-filter="${kind}"> ${label} (${counts.get(kind)})</label>`).join("");
  const toolbar = `<nav class="toolbar"><div class="wrap"><span class="kind">Show</span>${filters}<span class="spacer"></span><button type="button" id="expand-all">Expand all</button><button type="button" id="collapse-all">Collapse all</button></div></nav>`;
  const failedCommands = timeline.commands.filter((c) => c.status === "failed" || c.exitCode !== null && c.exitCode !== 0).length;
  const notAccepted = result.approvals.filter((a) => a.decision !== "accept").length;
  const retries = timeline.errors.filter((e) => e.willRetry).length;
  const stat2 = (k, v, s = "") => `<div class="stat"><div class="k">${k}</div><div class="v">${v}</div>${s ? `<div class="s">${s}</div>` : ""}</div>`;
  const stats = [
    '<section class="stats" data-testid="stats">',
    stat2("Files changed", String(result.filesChanged.length)),
    stat2("Commands", String(timeline.commands.length), failedCommands ? `${failedCommands} failed` : ""),
    stat2("Approvals", String(result.approvals.length), notAccepted ? `${notAccepted} not accepted` : ""),
    stat2("Tokens", total ? formatCount(total.totalTokens) : "n/a", total ? `in ${formatCount(total.inputTokens)} \xB7 cached ${formatCount(total.cachedInputTokens)} \xB7 out ${formatCount(total.outputTokens)}` : ""),
    stat2("Cost", escapeHtml(formatCost(result.budget.costUsd)), result.budget.costUsd === null ? "no price for the model" : "estimated"),
    stat2("Model requests", String(result.budget.modelRequests), retries ? `${retries} retried` : ""),
    stat2("Tool calls", String(result.budget.toolCalls)),
    stat2("Duration", escapeHtml(formatDuration(result.durationMs)), result.budget.exceeded ? `<b>${escapeHtml(result.budget.exceeded)} budget reached</b>` : ""),
    "</section>"
  ].join("\n");
  const files = result.filesChanged.length > 0 ? `<section class="box"><h2 style="margin-top:0">Files changed</h2><ul class="files mono">${result.filesChanged.map((f) => `<li>${t(f)}</li>`).join("")}</ul></section>` : "";
  const approvalsTable = result.approvals.length > 0 ? [
    '<section class="box" data-testid="approvals"><h2 style="margin-top:0">Approvals</h2><table class="list"><thead><tr><th>Decision</th><th>Request</th><th>Subject</th><th>Rule</th><th>Reason</th></tr></thead><tbody>',
    ...result.approvals.map(
      (a) => `<tr><td><span class="badge b-${decisionClass(a.decision)}">${escapeHtml(a.decision)}</span></td><td>${escapeHtml(approvalTarget(a.method))}</td><td class="mono">${a.subject ? t(a.subject) : "\u2013"}</td><td><span class="rule">${t(a.rule)}</span></td><td>${a.reason ? t(a.reason) : ""}</td></tr>`
    ),
    "</tbody></table></section>"
  ].join("\n") : "";
  const entries = timeline.entries.filter((e) => !(e.kind === "approval" && attached.has(e))).map((e) => renderEntry(e, r, start)).filter((s) => s !== null);
  const timelineHtml = [
    "<h2>Timeline</h2>",
    timeline.malformedLines || timeline.unreadableMessages ? `<p class="dim">The event log had ${timeline.malformedLines} unreadable line(s) and ${timeline.unreadableMessages} unreadable message(s); they are left out.</p>` : "",
    entries.length > 0 ? `<ol class="timeline" data-testid="timeline">
${entries.join("\n")}
</ol>` : '<p class="dim">No protocol events were recorded.</p>'
  ].join("\n");
  let patchHtml = "";
  if (patch && patch.trim() !== "") {
    const pfiles = splitPatch(patch);
    patchHtml = [
      `<h2>Diff <span class="dim">(diff.patch: ${pfiles.length} file${pfiles.length === 1 ? "" : "s"})</span></h2>`,
      '<section data-testid="patch">',
      ...pfiles.map(
        (f) => `<details open class="box"><summary><span class="path mono">${t(f.path)}</span> <span class="dim">+${f.added} \u2212${f.deleted}</span></summary>${renderDiff(withoutFileHeader(f.text), f.path, r)}</details>`
      ),
      "</section>"
    ].join("\n");
  }
  const footer = `<footer>Generated by tern run${timeline.firstTs !== null ? ` from ${timeline.entries.length} timeline entries` : ""}. This page is self-contained: it loads nothing and runs only its own script.</footer>`;
  return [
    head,
    "<body>",
    header,
    toolbar,
    "<main>",
    stats,
    files,
    approvalsTable,
    timelineHtml,
    patchHtml,
    "</main>",
    footer,
    `<script>${SCRIPT}</script>`,
    "</body>",
    "</html>",
    ""
  ].filter((s) => s !== "").join("\n");
}
function approvalTarget(method) {
  if (method === "item/commandExecution/requestApproval") return "command";
  if (method === "item/fileChange/requestApproval") return "file change";
  return method;
}
function li(kind, ts, start, card, extraClass = "") {
  return `<li class="entry k-${kind}${extraClass ? " " + extraClass : ""}" data-kind="${kind}"><div class="when">${escapeHtml(formatOffset(ts, start))}</div><div class="dot"></div>${card}</li>`;
}
function approvalHtml(a, r) {
  const cls = decisionClass(a.decision);
  return [
    `<div class="approval ${cls}" data-testid="approval">`,
    `<span class="kind">Approval</span>`,
    `<span class="badge b-${cls}">${escapeHtml(a.decision ?? "no reply")}</span>`,
    a.rule ? `<span>rule <code>${escapeHtml(r(a.rule))}</code></span>` : '<span class="dim">rule not recorded</span>',
    a.policyReason ? `<span>${escapeHtml(r(a.policyReason))}</span>` : "",
    a.serverReason ? `<span class="dim">server asked: ${escapeHtml(r(a.serverReason))}</span>` : "",
    "</div>"
  ].join("");
}
function statusBadge(status, complete) {
  if (!complete) return '<span class="badge b-warn">did not complete</span>';
  return `<span class="badge b-${escapeHtml(status)}">${escapeHtml(status)}</span>`;
}
function renderCommand(e, r, start) {
  const failed = e.status === "failed" || e.exitCode !== null && e.exitCode !== 0;
  const head = [
    '<div class="head">',
    '<span class="kind">Command</span>',
    statusBadge(e.status, e.complete),
    e.exitCode !== null ? `<span class="badge ${e.exitCode === 0 ? "b-completed" : "b-fail"}">exit ${e.exitCode}</span>` : "",
    e.durationMs !== null ? `<span class="dim">${escapeHtml(formatDuration(e.durationMs))}</span>` : "",
    "</div>"
  ].join("");
  let output = "";
  if (e.output !== "") {
    const out = tail(r(e.output), Number.MAX_SAFE_INTEGER, REPORT_MAX_OUTPUT_CHARS);
    const open = failed && out.totalLines <= REPORT_OPEN_OUTPUT_MAX_LINES ? " open" : "";
    const cut2 = out.omittedLines > 0 ? ` (last ${out.totalLines - out.omittedLines} of ${out.totalLines} lines)` : "";
    output = `<details${open}><summary>Output: ${out.totalLines} line${out.totalLines === 1 ? "" : "s"}${cut2}</summary><pre class="out" data-testid="output">${escapeHtml(out.text)}</pre></details>`;
  } else if (e.complete && e.status !== "declined") {
    output = '<div class="dim">No output.</div>';
  }
  const card = `<div class="card command${failed ? " failed" : ""}">${head}<div class="cmd" data-testid="command">${escapeHtml(r(e.command))}</div>${e.approvals.map((a) => approvalHtml(a, r)).join("")}${output}</div>`;
  return li("command", e.ts, start, card);
}
function renderFileChange(e, r, start) {
  const head = `<div class="head"><span class="kind">File change</span>${statusBadge(e.status, e.complete)}<span class="dim">${e.changes.length} file${e.changes.length === 1 ? "" : "s"}</span></div>`;
  const changes = e.changes.map((c) => {
    const name = c.movePath ? `${escapeHtml(r(c.path))} \u2192 ${escapeHtml(r(c.movePath))}` : escapeHtml(r(c.path));
    const body = c.diff === "" ? '<div class="dim">(empty)</div>' : renderDiff(c.diff, c.movePath ?? c.path, r);
    return `<div class="change"><span class="path">${name}</span> <span class="badge b-neutral">${escapeHtml(c.kind)}</span><details open><summary>diff</summary>${body}</details></div>`;
  }).join("");
  return li("fileChange", e.ts, start, `<div class="card filechange">${head}${e.approvals.map((a) => approvalHtml(a, r)).join("")}${changes}</div>`);
}
function renderEntry(e, r, start) {
  switch (e.kind) {
    case "message": {
      const label = e.role === "user" ? "User" : e.phase === "commentary" ? "Agent (commentary)" : "Agent";
      const lines = e.text.split("\n").length;
      let text = `<div class="text" data-testid="message">${renderMessageText(e.text, r)}</div>`;
      if (e.role === "user" && lines > REPORT_FOLD_MESSAGE_LINES) {
        const first = e.text.split("\n", 1)[0] ?? "";
        text = `<details><summary>${escapeHtml(r(first))} <span class="dim">(${lines} lines)</span></summary>${text}</details>`;
      }
      const card = `<div class="card ${e.role}"><div class="head"><span class="kind">${label}</span>${e.complete ? "" : '<span class="badge b-warn">incomplete</span>'}</div>${text}</div>`;
      return li("message", e.ts, start, card);
    }
    case "reasoning": {
      const parts = (e.summary.length > 0 ? e.summary : e.content).filter((s) => s.trim() !== "");
      if (parts.length === 0) return null;
      return li("reasoning", e.ts, start, `<div class="card reasoning"><div class="head"><span class="kind">Reasoning</span></div><div class="text">${renderMessageText(parts.join("\n\n"), r)}</div></div>`);
    }
    case "command":
      return renderCommand(e, r, start);
    case "fileChange":
      return renderFileChange(e, r, start);
    case "approval": {
      const subject = e.subject ? `<div class="${e.target === "command" ? "cmd" : "mono"}">${escapeHtml(r(e.subject))}</div>` : "";
      const what = e.target === "command" ? "command" : e.target === "fileChange" ? "file change" : e.method;
      return li("approval", e.ts, start, `<div class="card"><div class="head"><span class="kind">Approval request</span><span class="dim">${escapeHtml(what)}</span></div>${subject}${approvalHtml(e, r)}</div>`);
    }
    case "error": {
      const title = e.source === "rpc" ? `Error reply to ${e.method ?? "a request"}` : e.willRetry ? "Error, retrying" : "Error";
      const cls = e.willRetry ? "retry" : "err";
      const body = `<div class="text">${e.code ? `<code>${escapeHtml(r(e.code))}</code> ` : ""}${escapeHtml(r(e.message))}</div>${e.detail ? `<details><summary>details</summary><pre class="out">${escapeHtml(r(e.detail))}</pre></details>` : ""}`;
      return li("error", e.ts, start, `<div class="card ${cls}"><div class="head"><span class="kind">${escapeHtml(title)}</span></div>${body}</div>`);
    }
    case "warning":
      return li("warning", e.ts, start, `<div class="card warn"><div class="head"><span class="kind">Warning</span></div><div class="text">${escapeHtml(r(e.message))}${e.detail ? "\n" + escapeHtml(r(e.detail)) : ""}</div></div>`);
    case "tokenUsage": {
      const l = e.last;
      const text = `model response: ${formatCount(l.totalTokens)} tokens (in ${formatCount(l.inputTokens)} \xB7 cached ${formatCount(l.cachedInputTokens)} \xB7 out ${formatCount(l.outputTokens)}) \xB7 total ${formatCount(e.total.totalTokens)}`;
      return li("tokenUsage", e.ts, start, `<div class="tokens">${escapeHtml(text)}</div>`);
    }
    case "compaction":
      return li("compaction", e.ts, start, '<div class="card"><div class="head"><span class="kind">Context compacted</span><span class="dim">the history so far was replaced by a summary</span></div></div>');
    case "interrupt":
      return li("interrupt", e.ts, start, '<div class="card warn"><div class="head"><span class="kind">Interrupted</span><span>tern run interrupted the turn</span></div></div>');
    case "turnCompleted": {
      const cls = e.status === "completed" ? "b-completed" : e.status === "failed" ? "b-failed" : "b-interrupted";
      const body = e.error ? `<div class="text">${escapeHtml(r(e.error.message))}</div>` : "";
      return li(
        "turnCompleted",
        e.ts,
        start,
        `<div class="card"><div class="head"><span class="kind">Turn ended</span><span class="badge ${cls}">${escapeHtml(e.status)}</span>${e.durationMs !== null ? `<span class="dim">${escapeHtml(formatDuration(e.durationMs))}</span>` : ""}</div>${body}</div>`,
        e.status
      );
    }
  }
}

// src/artifacts/summary.ts
var SUMMARY_FILE = "summary.md";
var SUMMARY_MAX_FILES = 30;
var SUMMARY_MAX_COMMANDS = 25;
var SUMMARY_MAX_APPROVALS = 25;
var SUMMARY_MAX_ERRORS = 10;
var SUMMARY_MAX_CELL_CHARS = 120;
var SUMMARY_MAX_MESSAGE_CHARS = 4e3;
function cut(text, max) {
  return text.length <= max ? text : text.slice(0, max - 1) + "\u2026";
}
function more(shown, total, what) {
  return total > shown ? ["", `_\u2026and ${total - shown} more ${what} (see transcript.md)._`] : [];
}
function renderSummary(timeline, result, options = {}) {
  const r = options.redact ?? identity;
  const cell = (s) => mdCode(cut(r(s), SUMMARY_MAX_CELL_CHARS), true);
  const out = [];
  out.push(`### ${outcomeIcon(result)} tern run: ${outcomeWord(result)}`, "");
  if (result.failure) out.push(`> **${result.failure.kind}:** ${mdText(cut(r(result.failure.message), SUMMARY_MAX_MESSAGE_CHARS))}`, "");
  const total = result.tokenUsage ?? timeline.tokenUsage?.total ?? null;
  const commands = timeline.commands;
  const failedCommands = commands.filter((c) => c.status === "failed" || c.exitCode !== null && c.exitCode !== 0).length;
  const approvals = result.approvals;
  const denied = approvals.filter((a) => a.decision !== "accept").length;
  const retries = timeline.errors.filter((e) => e.willRetry).length;
  out.push("| | |", "|---|---|");
  out.push(`| Outcome | ${outcomeWord(result)} \xB7 exit ${result.exitCode}${result.turnStatus ? ` \xB7 turn ${result.turnStatus}` : ""} |`);
  out.push(`| Duration | ${formatDuration(result.durationMs)} |`);
  out.push(`| Files changed | ${result.filesChanged.length} |`);
  out.push(`| Commands | ${commands.length}${failedCommands > 0 ? ` (${failedCommands} failed)` : ""} |`);
  out.push(`| Approvals | ${approvals.length}${denied > 0 ? ` (${denied} not accepted)` : ""} |`);
  out.push(
    `| Tokens | ${total ? `${formatCount(total.totalTokens)} (input ${formatCount(total.inputTokens)}, cached ${formatCount(total.cachedInputTokens)}, output ${formatCount(total.outputTokens)})` : "n/a"} |`
  );
  out.push(`| Cost | ${result.budget.costUsd === null ? "n/a (no price for the model)" : `${formatCost(result.budget.costUsd)} (estimated)`} |`);
  out.push(`| Model requests | ${result.budget.modelRequests}${retries > 0 ? ` (${retries} retried)` : ""} |`);
  out.push(`| Tool calls | ${result.budget.toolCalls} |`);
  if (result.budget.exceeded) out.push(`| Budget | **${result.budget.exceeded} budget reached** |`);
  if (timeline.model) out.push(`| Model | ${cell(timeline.model)} |`);
  out.push("");
  if (result.filesChanged.length > 0) {
    const shown = result.filesChanged.slice(0, SUMMARY_MAX_FILES);
    out.push(`#### Files changed (${result.filesChanged.length})`, "");
    for (const f of shown) out.push(`- ${mdCode(r(f))}`);
    out.push(...more(shown.length, result.filesChanged.length, "files"), "");
  }
  if (commands.length > 0) {
    const shown = commands.slice(0, SUMMARY_MAX_COMMANDS);
    out.push(`#### Commands (${commands.length})`, "", "| # | Command | Exit | Status |", "|---:|---|---:|---|");
    shown.forEach((c, i) => out.push(`| ${i + 1} | ${cell(c.command)} | ${c.exitCode ?? "\u2013"} | ${commandStatus(c, r)} |`));
    out.push(...more(shown.length, commands.length, "commands"), "");
  }
  if (approvals.length > 0) {
    const shown = approvals.slice(0, SUMMARY_MAX_APPROVALS);
    out.push(`#### Approvals (${approvals.length})`, "", "| Decision | Request | Subject | Rule |", "|---|---|---|---|");
    for (const a of shown) {
      const what = a.method === "item/commandExecution/requestApproval" ? "command" : a.method === "item/fileChange/requestApproval" ? "file change" : cell(a.method);
      out.push(`| ${decisionIcon(a.decision)} ${a.decision} | ${what} | ${a.subject ? cell(a.subject) : "\u2013"} | ${cell(a.rule)} |`);
    }
    out.push(...more(shown.length, approvals.length, "approvals"), "");
  }
  const errors = timeline.errors;
  if (errors.length > 0) {
    const shown = errors.slice(0, SUMMARY_MAX_ERRORS);
    out.push(`#### Errors (${errors.length})`, "");
    for (const e of shown) {
      const tag = e.source === "rpc" ? `reply to ${mdText(e.method ?? "a request")}` : e.willRetry ? "retried" : "error";
      out.push(`- ${tag}${e.code ? ` ${mdCode(r(e.code))}` : ""}: ${mdText(cut(r(e.message), SUMMARY_MAX_CELL_CHARS * 2))}`);
    }
    out.push(...more(shown.length, errors.length, "errors"), "");
  }
  if (result.finalMessage) {
    const text = r(result.finalMessage);
    const shown = text.length > SUMMARY_MAX_MESSAGE_CHARS ? text.slice(0, SUMMARY_MAX_MESSAGE_CHARS) + "\n\u2026" : text;
    out.push("<details><summary>Final message</summary>", "", mdFence(shown, "text"), "", "</details>", "");
  }
  return out.join("\n");
}
function commandStatus(c, r) {
  if (!c.complete) return "did not complete";
  const approval = c.approvals.at(-1);
  if (c.status === "declined" && approval?.rule) return `declined by ${mdCode(cut(r(approval.rule), SUMMARY_MAX_CELL_CHARS), true)}`;
  return c.status;
}

// src/artifacts/timeline.ts
function isRecord(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function isEventLine(v) {
  return isRecord(v) && (v.dir === "c2s" || v.dir === "s2c") && "msg" in v;
}
function parseEventsJsonl(text) {
  const events = [];
  let header = null;
  let malformedLines = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let value;
    try {
      value = JSON.parse(line);
    } catch {
      malformedLines++;
      continue;
    }
    if (isEventLine(value)) {
      events.push({ ts: typeof value.ts === "number" ? value.ts : 0, dir: value.dir, msg: value.msg });
    } else if (isRecord(value) && isRecord(value.note)) {
      continue;
    } else if (header === null && events.length === 0 && isRecord(value)) {
      header = value;
    } else {
      malformedLines++;
    }
  }
  return { events, header, malformedLines };
}
function isRequestId(v) {
  return typeof v === "string" || typeof v === "number";
}
function classify(msg) {
  if (!isRecord(msg)) return { type: "other" };
  if (typeof msg.method === "string") {
    return isRequestId(msg.id) ? { type: "request", id: msg.id, method: msg.method, params: msg.params } : { type: "notification", method: msg.method, params: msg.params };
  }
  if ("result" in msg && isRequestId(msg.id)) return { type: "response", id: msg.id, result: msg.result };
  if (isRecord(msg.error)) {
    const e = msg.error;
    return {
      type: "errorResponse",
      id: isRequestId(msg.id) ? msg.id : null,
      error: { code: typeof e.code === "number" ? e.code : null, message: typeof e.message === "string" ? e.message : "error" }
    };
  }
  return { type: "other" };
}
var str = (v) => typeof v === "string" ? v : null;
var num = (v) => typeof v === "number" && Number.isFinite(v) ? v : null;
function decisionName(decision) {
  if (typeof decision === "string") return decision;
  if (isRecord(decision)) return Object.keys(decision)[0] ?? "unknown";
  return "unknown";
}
function errorCodeName(info) {
  if (typeof info === "string") return info;
  if (isRecord(info)) {
    const [key, value] = Object.entries(info)[0] ?? [];
    if (key === void 0) return null;
    const status = isRecord(value) ? num(value.httpStatusCode) : null;
    return status === null ? key : `${key} ${status}`;
  }
  return null;
}
function userText(content) {
  return content.map((c) => {
    switch (c.type) {
      case "text":
        return c.text;
      case "image":
        return "[image]";
      case "localImage":
        return `[image ${c.path}]`;
      case "skill":
        return `[skill ${c.name}]`;
      case "mention":
        return `[mention ${c.name}]`;
      default:
        return "";
    }
  }).join("\n");
}
function contentAsDiff(content, sign) {
  if (content === "") return "";
  const lines = content.endsWith("\n") ? content.slice(0, -1).split("\n") : content.split("\n");
  const range = sign === "+" ? `@@ -0,0 +1,${lines.length} @@` : `@@ -1,${lines.length} +0,0 @@`;
  return [range, ...lines.map((l) => sign + l)].join("\n") + "\n";
}
function relativeTo(cwd, p) {
  if (cwd && p.startsWith(cwd.endsWith("/") ? cwd : cwd + "/")) return p.slice(cwd.length).replace(/^\/+/, "");
  return p;
}
var Builder = class {
  t = {
    threadId: null,
    model: null,
    cwd: null,
    turns: [],
    entries: [],
    commands: [],
    fileChanges: [],
    approvals: [],
    errors: [],
    tokenUsage: null,
    unmatchedApprovals: [],
    firstTs: null,
    lastTs: null,
    header: null,
    malformedLines: 0,
    unreadableMessages: 0
  };
  /** Requests the client sent, by id: what a server reply answers. */
  clientRequests = /* @__PURE__ */ new Map();
  /** Server requests (approvals), by id: what a client reply answers. */
  serverRequests = /* @__PURE__ */ new Map();
  items = /* @__PURE__ */ new Map();
  deltas = /* @__PURE__ */ new Map();
  reasoningParts = /* @__PURE__ */ new Map();
  reasoningContent = /* @__PURE__ */ new Map();
  ts = 0;
  turnId = null;
  push(entry) {
    const full = { seq: this.t.entries.length, ts: this.ts, turnId: this.turnId, ...entry };
    this.t.entries.push(full);
    return full;
  }
  event(e) {
    this.ts = e.ts;
    this.t.firstTs ??= e.ts;
    this.t.lastTs = e.ts;
    try {
      this.message(e.dir, classify(e.msg));
    } catch {
      this.t.unreadableMessages++;
    }
  }
  message(dir, m) {
    switch (m.type) {
      case "request":
        if (dir === "c2s") {
          this.clientRequests.set(m.id, m.method);
          if (m.method === "turn/interrupt") this.push({ kind: "interrupt" });
        } else {
          this.serverRequest(m.id, m.method, m.params);
        }
        return;
      case "notification":
        if (dir === "s2c") this.notification(m.method, m.params);
        return;
      case "response":
        if (dir === "s2c") this.clientRequestAnswered(m.id, m.result);
        else this.serverRequestAnswered(m.id, m.result);
        return;
      case "errorResponse":
        if (dir === "s2c") {
          const method = m.id === null ? null : this.clientRequests.get(m.id) ?? null;
          this.error({ source: "rpc", message: m.error.message, code: m.error.code === null ? null : String(m.error.code), detail: null, willRetry: false, method });
        } else if (m.id !== null) {
          const approval = this.serverRequests.get(m.id);
          if (approval) {
            approval.decision = "error";
            approval.decidedTs = this.ts;
          }
        }
        return;
      case "other":
        this.t.unreadableMessages++;
        return;
    }
  }
  clientRequestAnswered(id, result) {
    const method = this.clientRequests.get(id);
    if (!isRecord(result)) return;
    if (method === "thread/start" || method === "thread/resume") {
      const r = result;
      this.t.threadId = str(r.thread?.id) ?? this.t.threadId;
      this.t.model = str(r.model) ?? this.t.model;
      this.t.cwd = str(r.cwd) ?? this.t.cwd;
    } else if (method === "turn/start") {
      const r = result;
      const id2 = str(r.turn?.id);
      if (id2) this.turn(id2);
    }
  }
  turn(id) {
    this.turnId = id;
    let turn = this.t.turns.find((t) => t.id === id);
    if (!turn) {
      turn = { id, status: "inProgress", error: null, startedTs: this.ts, completedTs: null, durationMs: null };
      this.t.turns.push(turn);
    }
    return turn;
  }
  serverRequest(id, method, params) {
    const p = isRecord(params) ? params : {};
    const itemId = str(p.itemId);
    let target = "other";
    let subject = null;
    if (method === "item/commandExecution/requestApproval") {
      const cp = p;
      target = "command";
      subject = str(cp.command);
    } else if (method === "item/fileChange/requestApproval") {
      target = "fileChange";
      const item2 = itemId ? this.items.get(itemId) : void 0;
      if (item2?.kind === "fileChange") subject = item2.changes.map((c) => c.path).join(", ") || null;
    }
    const entry = this.push({
      kind: "approval",
      requestId: id,
      method,
      target,
      itemId,
      subject,
      serverReason: str(p.reason),
      decision: null,
      decidedTs: null,
      rule: null,
      policyReason: null,
      turnId: str(p.turnId) ?? this.turnId
    });
    this.serverRequests.set(id, entry);
    this.t.approvals.push(entry);
    const item = itemId ? this.items.get(itemId) : void 0;
    if (item && (item.kind === "command" || item.kind === "fileChange")) item.approvals.push(entry);
  }
  serverRequestAnswered(id, result) {
    const approval = this.serverRequests.get(id);
    if (!approval || !isRecord(result)) return;
    const r = result;
    approval.decision = decisionName(r.decision);
    approval.decidedTs = this.ts;
  }
  notification(method, params) {
    if (!isRecord(params)) return;
    const n = params;
    switch (method) {
      case "thread/started": {
        const p = n;
        this.t.threadId ??= str(p.thread?.id);
        this.t.model ??= str(p.thread?.model);
        this.t.cwd ??= str(p.thread?.cwd);
        return;
      }
      case "turn/started": {
        const p = n;
        const id = str(p.turn?.id);
        if (id) this.turn(id);
        return;
      }
      case "turn/completed": {
        const p = n;
        const id = str(p.turn?.id);
        if (!id) return;
        const turn = this.turn(id);
        turn.status = p.turn.status;
        turn.error = p.turn.error ?? null;
        turn.completedTs = this.ts;
        turn.durationMs = num(p.turn.durationMs);
        this.push({ kind: "turnCompleted", status: turn.status, error: turn.error, durationMs: turn.durationMs });
        return;
      }
      case "item/started":
      case "item/completed": {
        const p = n;
        if (isRecord(p.item)) this.item(p.item, method === "item/completed", str(p.turnId));
        return;
      }
      case "item/agentMessage/delta":
      case "item/commandExecution/outputDelta": {
        const p = n;
        const itemId = str(p.itemId);
        const delta = str(p.delta);
        if (itemId === null || delta === null) return;
        const parts = this.deltas.get(itemId) ?? [];
        parts.push(delta);
        this.deltas.set(itemId, parts);
        return;
      }
      case "item/reasoning/summaryTextDelta":
      case "item/reasoning/textDelta": {
        const summary = method === "item/reasoning/summaryTextDelta";
        const p = n;
        const itemId = str(p.itemId);
        const delta = str(p.delta);
        const index = num(summary ? p.summaryIndex : p.contentIndex) ?? 0;
        if (itemId === null || delta === null) return;
        const store = summary ? this.reasoningParts : this.reasoningContent;
        const parts = store.get(itemId) ?? [];
        parts[index] = (parts[index] ?? "") + delta;
        store.set(itemId, parts);
        return;
      }
      case "thread/tokenUsage/updated": {
        const p = n;
        const usage = p.tokenUsage;
        if (!isRecord(usage) || !isRecord(usage.total)) return;
        this.t.tokenUsage = usage;
        this.push({
          kind: "tokenUsage",
          total: usage.total,
          last: usage.last,
          modelContextWindow: num(usage.modelContextWindow),
          turnId: str(p.turnId) ?? this.turnId
        });
        return;
      }
      case "error": {
        const p = n;
        const e = isRecord(p.error) ? p.error : {};
        this.error({
          source: "turn",
          message: str(e.message) ?? "error",
          code: errorCodeName(e.codexErrorInfo),
          detail: str(e.additionalDetails),
          willRetry: p.willRetry === true,
          method: null
        });
        return;
      }
      case "warning": {
        const p = n;
        this.push({ kind: "warning", message: str(p.message) ?? "", detail: null });
        return;
      }
      case "configWarning": {
        const p = n;
        this.push({ kind: "warning", message: str(p.summary) ?? "", detail: str(p.details) });
        return;
      }
      default:
        return;
    }
  }
  error(e) {
    this.t.errors.push(this.push({ kind: "error", ...e }));
  }
  item(raw, completed, turnId) {
    const item = raw;
    const id = str(item.id);
    if (id === null) return;
    const existing = this.items.get(id);
    const base = { turnId: turnId ?? this.turnId };
    switch (item.type) {
      case "userMessage":
      case "agentMessage": {
        const text = item.type === "userMessage" ? userText(Array.isArray(item.content) ? item.content : []) : str(item.text) ?? "";
        const entry = existing?.kind === "message" ? existing : this.push({ ...base, kind: "message", role: item.type === "userMessage" ? "user" : "agent", itemId: id, text: "", phase: null, complete: false });
        if (item.type === "agentMessage") entry.phase = item.phase ?? null;
        if (completed || text !== "") entry.text = text;
        if (completed) entry.complete = true;
        this.items.set(id, entry);
        return;
      }
      case "reasoning": {
        const entry = existing?.kind === "reasoning" ? existing : this.push({ ...base, kind: "reasoning", itemId: id, summary: [], content: [], complete: false });
        if (completed) {
          entry.summary = Array.isArray(item.summary) ? item.summary.filter((s) => typeof s === "string") : entry.summary;
          entry.content = Array.isArray(item.content) ? item.content.filter((s) => typeof s === "string") : [];
          entry.complete = true;
        }
        this.items.set(id, entry);
        return;
      }
      case "commandExecution": {
        const c = item;
        const entry = existing?.kind === "command" ? existing : this.push({
          ...base,
          kind: "command",
          itemId: id,
          command: "",
          cwd: null,
          status: "inProgress",
          exitCode: null,
          output: "",
          durationMs: null,
          complete: false,
          approvals: this.approvalsFor(id)
        });
        entry.command = str(c.command) ?? entry.command;
        entry.cwd = str(c.cwd) ?? entry.cwd;
        entry.status = c.status ?? entry.status;
        entry.exitCode = num(c.exitCode) ?? entry.exitCode;
        entry.durationMs = num(c.durationMs) ?? entry.durationMs;
        if (completed) {
          entry.output = str(c.aggregatedOutput) ?? (this.deltas.get(id) ?? []).join("");
          entry.complete = true;
        }
        if (!existing) this.t.commands.push(entry);
        this.items.set(id, entry);
        return;
      }
      case "fileChange": {
        const f = item;
        const entry = existing?.kind === "fileChange" ? existing : this.push({ ...base, kind: "fileChange", itemId: id, status: "inProgress", changes: [], complete: false, approvals: this.approvalsFor(id) });
        entry.status = f.status ?? entry.status;
        if (Array.isArray(f.changes) && (completed || entry.changes.length === 0)) {
          entry.changes = f.changes.filter(isRecord).map((ch) => {
            const absolutePath = str(ch.path) ?? "";
            const kind = ch.kind?.type === "add" || ch.kind?.type === "delete" ? ch.kind.type : "update";
            const movePath = ch.kind?.type === "update" ? str(ch.kind.move_path) : null;
            const diff = str(ch.diff) ?? "";
            return {
              path: relativeTo(this.t.cwd, absolutePath),
              absolutePath,
              kind,
              movePath: movePath === null ? null : relativeTo(this.t.cwd, movePath),
              diff: kind === "update" ? diff : contentAsDiff(diff, kind === "add" ? "+" : "-")
            };
          });
          for (const a of entry.approvals) if (a.subject === null) a.subject = entry.changes.map((c) => c.path).join(", ") || null;
        }
        if (completed) entry.complete = true;
        if (!existing) this.t.fileChanges.push(entry);
        this.items.set(id, entry);
        return;
      }
      case "contextCompaction": {
        if (!existing) this.items.set(id, this.push({ ...base, kind: "compaction", itemId: id }));
        return;
      }
      default:
        return;
    }
  }
  /** Approval requests that arrived before their item (so the item still lists them). */
  approvalsFor(itemId) {
    return this.t.approvals.filter((a) => a.itemId === itemId);
  }
  /** Items that never completed (the run ended first) get their text from the deltas. */
  finish() {
    for (const [id, item] of this.items) {
      if (item.kind === "compaction" || item.complete) continue;
      const deltas = this.deltas.get(id);
      if (item.kind === "message" && deltas) item.text = deltas.join("");
      else if (item.kind === "command" && deltas) item.output = deltas.join("");
      else if (item.kind === "reasoning") {
        const summary = this.reasoningParts.get(id);
        const content = this.reasoningContent.get(id);
        if (summary) item.summary = Array.from(summary, (s) => s ?? "");
        if (content) item.content = Array.from(content, (s) => s ?? "");
      }
    }
  }
  /** Joins RunResult.approvals (the deciding rule) onto the recorded requests, by itemId and method, in order. */
  joinResult(records) {
    const unused = [...records];
    for (const approval of this.t.approvals) {
      const i = unused.findIndex((r) => r.itemId === approval.itemId && (r.method === approval.method || !r.method));
      if (i < 0) continue;
      const [record] = unused.splice(i, 1);
      if (!record) continue;
      approval.rule = record.rule;
      approval.policyReason = record.reason;
      approval.decision ??= record.decision;
      approval.subject ??= record.subject;
    }
    this.t.unmatchedApprovals = unused;
  }
};
function buildTimeline(events, result) {
  const b = new Builder();
  let lines;
  if (typeof events === "string") {
    const parsed = parseEventsJsonl(events);
    lines = parsed.events;
    b.t.header = parsed.header;
    b.t.malformedLines = parsed.malformedLines;
  } else {
    lines = events;
  }
  for (const e of lines) b.event(e);
  b.finish();
  b.joinResult(result?.approvals ?? []);
  return b.t;
}

// src/artifacts/transcript.ts
var TRANSCRIPT_FILE = "transcript.md";
var TRANSCRIPT_OUTPUT_TAIL_LINES = 60;
var TRANSCRIPT_OUTPUT_TAIL_CHARS = 6e3;
var TRANSCRIPT_DIFF_MAX_LINES = 400;
function renderTranscript(timeline, result, options = {}) {
  const r = options.redact ?? identity;
  const out = [];
  const start = timeline.firstTs;
  out.push(`# ${outcomeIcon(result)} tern run transcript: ${outcomeWord(result)}`, "");
  const facts = [`exit ${result.exitCode}`];
  if (result.turnStatus) facts.push(`turn ${result.turnStatus}`);
  facts.push(formatDuration(result.durationMs));
  const total = result.tokenUsage ?? timeline.tokenUsage?.total ?? null;
  if (total) facts.push(`${formatCount(total.totalTokens)} tokens`);
  if (result.budget.costUsd !== null) facts.push(`${formatCost(result.budget.costUsd)} (estimated)`);
  out.push(facts.join(" \xB7 "), "");
  const ids = [];
  if (timeline.model) ids.push(`model ${mdCode(r(timeline.model))}`);
  if (result.threadId ?? timeline.threadId) ids.push(`thread ${mdCode(r(result.threadId ?? timeline.threadId ?? ""))}`);
  if (result.turnId) ids.push(`turn ${mdCode(r(result.turnId))}`);
  ids.push(`started ${result.startedAt}`);
  out.push(ids.join(" \xB7 "), "");
  if (result.failure) out.push(`**Failure (${result.failure.kind}):** ${mdText(r(result.failure.message))}`, "");
  if (timeline.malformedLines > 0 || timeline.unreadableMessages > 0) {
    out.push(`_The event log had ${timeline.malformedLines} unreadable line(s) and ${timeline.unreadableMessages} unreadable message(s); they are left out._`, "");
  }
  out.push("---", "");
  const attached = new Set([...timeline.commands, ...timeline.fileChanges].flatMap((i) => i.approvals));
  for (const entry of timeline.entries) {
    if (entry.kind === "approval" && attached.has(entry)) continue;
    const block = renderEntry2(entry, r, start);
    if (block !== null) out.push(block, "");
  }
  if (timeline.entries.length === 0) out.push("_No protocol events were recorded._", "");
  if (timeline.unmatchedApprovals.length > 0) {
    out.push("### Approvals without a recorded request", "");
    for (const a of timeline.unmatchedApprovals) {
      out.push(`- ${decisionIcon(a.decision)} **${a.decision}** ${a.subject ? mdCode(r(a.subject)) : mdText(a.method)} \xB7 rule ${mdCode(r(a.rule))}`);
    }
    out.push("");
  }
  if (total) {
    out.push(
      "---",
      "",
      `Tokens: ${formatCount(total.totalTokens)} total (input ${formatCount(total.inputTokens)}, cached ${formatCount(total.cachedInputTokens)}, output ${formatCount(total.outputTokens)}, reasoning ${formatCount(total.reasoningOutputTokens)}) \xB7 model requests ${result.budget.modelRequests} \xB7 tool calls ${result.budget.toolCalls} \xB7 cost ${formatCost(result.budget.costUsd)}`,
      ""
    );
  }
  return out.join("\n");
}
function heading(title, ts, start) {
  const at = formatOffset(ts, start);
  return `### ${title}${at ? ` \xB7 ${at}` : ""}`;
}
function renderEntry2(e, r, start) {
  switch (e.kind) {
    case "message": {
      const who = e.role === "user" ? "\u{1F464} User" : "\u{1F916} Agent";
      const note = e.complete ? "" : " (incomplete)";
      const text = r(e.text);
      return [heading(`${who}${note}`, e.ts, start), "", text.trim() === "" ? "_(empty)_" : mdQuote(safeMarkdown(text))].join("\n");
    }
    case "reasoning": {
      const parts = (e.summary.length > 0 ? e.summary : e.content).filter((s) => s.trim() !== "");
      if (parts.length === 0) return null;
      return [heading("\u{1F4AD} Reasoning", e.ts, start), "", mdQuote(safeMarkdown(r(parts.join("\n\n"))))].join("\n");
    }
    case "command": {
      const facts = [];
      if (e.exitCode !== null) facts.push(`exit ${e.exitCode}`);
      facts.push(e.complete ? e.status : "did not complete");
      if (e.durationMs !== null) facts.push(formatDuration(e.durationMs));
      const lines = [heading(`\u25B6 Command (${facts.join(", ")})`, e.ts, start), "", mdFence(r(e.command), "sh")];
      for (const a of e.approvals) lines.push("", approvalLine(a.decision, a.rule, a.policyReason ?? a.serverReason, r));
      if (e.output !== "") {
        const t = tail(r(e.output), TRANSCRIPT_OUTPUT_TAIL_LINES, TRANSCRIPT_OUTPUT_TAIL_CHARS);
        lines.push("", t.omittedLines > 0 ? `Output (last ${t.totalLines - t.omittedLines} of ${t.totalLines} lines):` : "Output:", "", mdFence(t.text, "text"));
      } else if (e.complete && e.status !== "declined") {
        lines.push("", "_No output._");
      }
      return lines.join("\n");
    }
    case "fileChange": {
      const lines = [heading(`\u270F\uFE0F File change (${e.complete ? e.status : "did not complete"})`, e.ts, start)];
      for (const a of e.approvals) lines.push("", approvalLine(a.decision, a.rule, a.policyReason ?? a.serverReason, r));
      for (const c of e.changes) {
        const name = c.movePath ? `${mdCode(r(c.path))} \u2192 ${mdCode(r(c.movePath))}` : mdCode(r(c.path));
        lines.push("", `${name} (${c.kind})`, "");
        const diffLines = r(c.diff).replace(/\n$/, "").split("\n");
        const shown = diffLines.slice(0, TRANSCRIPT_DIFF_MAX_LINES).join("\n");
        lines.push(diffLines.length > 0 && c.diff !== "" ? mdFence(shown, "diff") : "_(empty)_");
        if (diffLines.length > TRANSCRIPT_DIFF_MAX_LINES) lines.push("", `_${diffLines.length - TRANSCRIPT_DIFF_MAX_LINES} more diff lines; see diff.patch._`);
      }
      return lines.join("\n");
    }
    case "approval": {
      const what = e.target === "command" ? "command" : e.target === "fileChange" ? "file change" : mdText(e.method);
      const lines = [heading(`${decisionIcon(e.decision)} Approval for ${what}: ${e.decision ?? "no reply"}`, e.ts, start), ""];
      if (e.subject) lines.push(e.target === "command" ? mdFence(r(e.subject), "sh") : mdCode(r(e.subject)), "");
      lines.push(`Rule: ${e.rule ? mdCode(r(e.rule)) : "_not recorded_"}`);
      if (e.policyReason) lines.push("", `Reason: ${mdText(r(e.policyReason))}`);
      if (e.serverReason) lines.push("", `Server asked: ${mdText(r(e.serverReason))}`);
      return lines.join("\n");
    }
    case "error": {
      const title = e.source === "rpc" ? `\u26A0\uFE0F Error reply to ${mdText(e.method ?? "a request")}` : e.willRetry ? "\u{1F501} Error, retrying" : "\u26A0\uFE0F Error";
      const lines = [heading(title, e.ts, start), "", `${e.code ? `${mdCode(r(e.code))} ` : ""}${mdText(r(e.message))}`];
      if (e.detail) lines.push("", mdFence(r(e.detail), "text"));
      return lines.join("\n");
    }
    case "warning":
      return [heading("\u26A0\uFE0F Warning", e.ts, start), "", mdText(r(e.message)), ...e.detail ? ["", mdText(r(e.detail))] : []].join("\n");
    case "compaction":
      return heading("\u{1F5DC} Context compacted: the history so far was replaced by a summary", e.ts, start);
    case "interrupt":
      return [heading("\u23F9 tern run interrupted the turn", e.ts, start)].join("\n");
    case "turnCompleted": {
      const lines = [heading(`Turn ${e.status}${e.durationMs !== null ? ` after ${formatDuration(e.durationMs)}` : ""}`, e.ts, start)];
      if (e.error) lines.push("", mdText(r(e.error.message)));
      return lines.join("\n");
    }
    case "tokenUsage":
      return null;
  }
}
function approvalLine(decision, rule, reason, r) {
  const parts = [`${decisionIcon(decision)} Approval: **${decision ?? "no reply"}**`];
  parts.push(rule ? `rule ${mdCode(r(rule))}` : "rule not recorded");
  if (reason) parts.push(mdText(r(reason)));
  return parts.join(" \xB7 ");
}

// src/artifacts/worktree-diff.ts
import { stat, realpath } from "node:fs/promises";
import path from "node:path";
var DIFF_FORMAT = ["--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--src-prefix=a/", "--dst-prefix=b/"];
async function worktreeDiff(cwd, options = {}) {
  const dir = path.resolve(cwd);
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error("not a directory");
  } catch {
    throw new TernError("not_a_directory", `cannot diff ${dir}: not an existing directory`);
  }
  let pg;
  try {
    pg = await openPrivateGit(dir, { workTree: true });
  } catch (err) {
    if (err instanceof TernError && err.code === "not_a_git_repo") {
      throw new TernError("not_a_git_repo", `cannot diff ${dir}: not inside a git work tree (run \`git init\` there first)`);
    }
    throw new TernError("git_diff_failed", `cannot diff ${dir}: ${errorMessage(err).trim()}`, { cause: err });
  }
  try {
    const base = options.base !== void 0 ? await resolveCommit(pg.git, options.base) : await checkoutHead(pg);
    const excludes = await excludePathspecs(dir, pg.checkout.workTree, options.exclude ?? []);
    const { git } = pg;
    await git.raw(base ? ["read-tree", base] : ["read-tree", "--empty"]);
    await git.raw(["add", "-A", "--", ".", ...excludes]);
    const against = base ?? EMPTY_TREE[pg.checkout.objectFormat];
    if (base) await unstageSmudgedLfs(git, base, pg.checkout);
    const patch = await git.raw(["diff", "--cached", "--binary", ...DIFF_FORMAT, against, "--"]);
    const names = await git.raw(["diff", "--cached", "--name-only", "-z", "--no-renames", against, "--"]);
    const files = names.split("\0").filter((f) => f.length > 0).sort();
    return { patch, files };
  } catch (err) {
    throw new TernError("git_diff_failed", `cannot diff ${dir}: ${errorMessage(err).trim()}`, { cause: err });
  } finally {
    await pg.dispose();
  }
}
async function excludePathspecs(dir, root, exclude) {
  const realPaths = await Promise.all(exclude.map((p) => realpath(path.resolve(dir, p)).catch(() => path.resolve(dir, p))));
  return realPaths.map((p) => path.relative(root, p)).filter((rel) => rel.length > 0 && !rel.startsWith("..") && !path.isAbsolute(rel)).map((rel) => `:(exclude,literal)${rel.split(path.sep).join("/")}`);
}

// src/driver/finish.ts
var SERVER_STDERR_FILE = "server-stderr.log";
var MESSAGE_PREVIEW = 200;
var FILES_SHOWN = 10;
async function finishRun(f) {
  await f.client.close().catch(() => void 0);
  const { patch, files } = await takeDiff(f);
  const artifactErrors = await writeLogs(f);
  const { outcome, exitCode } = f.state.outcome(files.length, f.options.review !== null);
  if (f.state.failure?.kind === "timeout") f.budgets.markWallTime();
  const finishedAtMs = Date.now();
  const result = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    outcome,
    failure: f.state.failure,
    exitCode,
    turnStatus: f.state.turnStatus,
    threadId: f.state.threadId,
    turnId: f.state.turnId,
    finalMessage: f.state.finalMessage,
    filesChanged: files,
    review: f.options.review !== null ? { base: f.options.review, ...relativePaths(f.state.review ?? { overallExplanation: "", findings: [] }, f.options.cwd) } : null,
    tokenUsage: f.state.tokenUsage,
    budget: f.budgets.usage(),
    approvals: f.approvals,
    durationMs: finishedAtMs - f.startedAtMs,
    server: { command: f.options.serverCommand },
    startedAt: new Date(f.startedAtMs).toISOString(),
    finishedAt: new Date(finishedAtMs).toISOString()
  };
  try {
    await writeResult(f.options.outDir, result, f.redact);
  } catch (err) {
    artifactErrors.push(`result.json: ${errorMessage(err)}`);
  }
  artifactErrors.push(...await writeReadable(f, result, patch));
  printSummary(result, f);
  if (f.options.json) f.io.stdout.write(JSON.stringify(result, null, 2).replace(/[^\n]+/g, (l) => f.redact(l)) + "\n");
  if (artifactErrors.length > 0) {
    f.progress.line(`tern run: failed: cannot write artifacts: ${artifactErrors.join("; ")}`);
    return result.exitCode === EXIT_CODES.success ? EXIT_CODES.internal : result.exitCode;
  }
  if (result.failure) f.progress.line(`tern run: failed (${result.failure.kind}): ${result.failure.message}`);
  return result.exitCode;
}
async function writeReadable(f, result, patch) {
  const errors = [];
  let timeline;
  try {
    timeline = buildTimeline(await readFile(path2.join(f.options.outDir, EVENTS_FILE), "utf8"), result);
  } catch (err) {
    return [`${EVENTS_FILE} unreadable for the readable artifacts: ${errorMessage(err)}`];
  }
  const options = { redact: f.redact };
  const writers = [
    [TRANSCRIPT_FILE, () => renderTranscript(timeline, result, options)],
    [SUMMARY_FILE, () => renderSummary(timeline, result, options)],
    [REPORT_FILE, () => renderReport(timeline, result, redactPatch(patch, f.redact), options)]
  ];
  for (const [file, render] of writers) {
    try {
      await writeFileAtomic(path2.join(f.options.outDir, file), f.redact(render()));
    } catch (err) {
      errors.push(`${file}: ${errorMessage(err)}`);
    }
  }
  return errors;
}
async function takeDiff(f) {
  try {
    const diff = await worktreeDiff(f.options.cwd, { exclude: [f.options.outDir], ...f.baseCommit ? { base: f.baseCommit } : {} });
    await writeFileAtomic(path2.join(f.options.outDir, DIFF_FILE), redactPatch(diff.patch, f.redact));
    return { patch: diff.patch, files: diff.files };
  } catch (err) {
    f.progress.line(`tern run: warning: no ${DIFF_FILE}: ${errorMessage(err)}`);
    return { patch: "", files: [] };
  }
}
async function writeLogs(f) {
  const errors = [];
  try {
    await f.events.finish();
  } catch (err) {
    errors.push(`events.jsonl: ${errorMessage(err)}`);
  }
  try {
    await writeFileAtomic(path2.join(f.options.outDir, SERVER_STDERR_FILE), f.redact(f.serverStderr()));
  } catch (err) {
    errors.push(`${SERVER_STDERR_FILE}: ${errorMessage(err)}`);
  }
  return errors;
}
function redactPatch(patch, redact) {
  if (!patch) return patch;
  const lines = patch.split("\n");
  let binary = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith("diff --git ")) binary = false;
    else if (line === "GIT binary patch") {
      binary = true;
      continue;
    }
    if (!binary) lines[i] = redact(line);
  }
  return lines.join("\n");
}
function printSummary(result, f) {
  const say = (line) => f.progress.line(line);
  const turn = result.turnId ? ` (turn ${result.turnId})` : "";
  const status = result.outcome === "failed" ? `failed` : result.turnStatus ?? result.outcome;
  say(`tern run: ${status}${turn} in ${formatSeconds(result.durationMs)} -> ${result.outcome}`);
  if (result.finalMessage) {
    const first = result.finalMessage.split("\n").find((l) => l.trim().length > 0) ?? "";
    say(`  message: ${truncate(first.trim(), MESSAGE_PREVIEW)}`);
  }
  if (result.filesChanged.length > 0) {
    const shown = result.filesChanged.slice(0, FILES_SHOWN).join(", ");
    const more2 = result.filesChanged.length > FILES_SHOWN ? `, \u2026 (+${result.filesChanged.length - FILES_SHOWN})` : "";
    say(`  files changed (${result.filesChanged.length}): ${shown}${more2}`);
  } else {
    say("  files changed: none");
  }
  if (result.tokenUsage) say(`  tokens: ${result.tokenUsage.totalTokens} (input ${result.tokenUsage.inputTokens}, output ${result.tokenUsage.outputTokens})`);
  if (result.budget.costUsd !== null) say(`  cost: about $${result.budget.costUsd.toFixed(4)}`);
  const declined = result.approvals.filter((a) => a.decision === "decline").length;
  const accepted = result.approvals.filter((a) => a.decision === "accept").length;
  const refused = result.approvals.length - declined - accepted;
  if (accepted > 0) say(`  approvals accepted: ${accepted}`);
  if (declined > 0) say(`  approvals declined: ${declined}`);
  if (refused > 0) say(`  server requests refused: ${refused}`);
  say(`  artifacts: ${f.options.outDir}`);
}
function relativePaths(review, cwd) {
  const findings = review.findings.map((f) => {
    const file = f.codeLocation.file;
    const rel = path2.isAbsolute(file) ? path2.relative(cwd, file) : file;
    const inside = rel !== "" && !rel.startsWith("..") && !path2.isAbsolute(rel);
    return inside && rel !== file ? { ...f, codeLocation: { ...f.codeLocation, file: rel.split(path2.sep).join("/") } } : f;
  });
  return { ...review, findings };
}
function truncate(text, max) {
  return text.length > max ? text.slice(0, max - 1) + "\u2026" : text;
}
export {
  SERVER_STDERR_FILE,
  finishRun,
  redactPatch,
  relativePaths
};
