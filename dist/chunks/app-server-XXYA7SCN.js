import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  ErrorCode,
  JsonRpcConnection,
  ReplyThen,
  RequestFailedError,
  RpcError,
  parseShell
} from "./chunk-EDGIGQO7.js";
import {
  REVIEW_FALLBACK_TEXT,
  renderReviewText
} from "./chunk-VI3CY5FY.js";
import {
  DEFAULT_SANDBOX_USER,
  PROBE_ENV,
  SANDBOX_ERROR_CODE,
  SandboxUnavailableError,
  aclFailed,
  bwrapMissing,
  classifyProbeFailure,
  homeNotSearchable,
  killAllToolProcessesNow,
  prepareToolProcesses,
  resolveIdentity,
  rootTooBroad,
  runProcess,
  runningAsRoot,
  setfaclMissing,
  terminateAllToolProcesses,
  unsearchable
} from "./chunk-IVDIT2VU.js";
import "./chunk-YWNJ4DDG.js";
import {
  VERSION
} from "./chunk-5AQLY3C7.js";
import {
  diffArrays,
  structuredPatch
} from "./chunk-OLZSYRIR.js";
import "./chunk-HA6G4EO6.js";
import {
  newId
} from "./chunk-KRVRDXMY.js";
import {
  ModelError,
  QUOTA_ERROR_CODES,
  TRANSIENT_FAILURE_CODES
} from "./chunk-XHSNTFKB.js";
import {
  wsAuthPolicy
} from "./chunk-7GPBCWDT.js";
import {
  ConfigFailure,
  InterruptedFailure,
  TernError,
  ToolFailure,
  UnsupportedFailure,
  categoryOf,
  errorMessage
} from "./chunk-AXCYR7ZC.js";
import "./chunk-4S2FJ4XZ.js";

// src/server/app-server.ts
import { mkdirSync as mkdirSync3 } from "node:fs";
import { parseArgs } from "node:util";

// src/config/errors.ts
var ConfigError = class extends ConfigFailure {
  name = "ConfigError";
};

// node_modules/smol-toml/dist/error.js
function getLineColFromPtr(string, ptr) {
  let lines = string.slice(0, ptr).split(/\r?\n/);
  return [lines.length, lines.pop().length + 1];
}
function makeCodeBlock(string, line, column) {
  let lines = string.split(/\r?\n/);
  let codeblock = "";
  let numberLen = (Math.log10(line + 1) | 0) + 1;
  for (let i = line - 1; i <= line + 1; i++) {
    let l = lines[i - 1];
    if (!l)
      continue;
    codeblock += i.toString().padEnd(numberLen, " ");
    codeblock += ":  ";
    codeblock += l;
    codeblock += "\n";
    if (i === line) {
      codeblock += " ".repeat(numberLen + column + 2);
      codeblock += "^\n";
    }
  }
  return codeblock;
}
var TomlError = class _TomlError extends Error {
  line;
  column;
  codeblock;
  constructor(message, options) {
    const [line, column] = getLineColFromPtr(options.toml, options.ptr);
    const codeblock = makeCodeBlock(options.toml, line, column);
    super(`Invalid TOML document: ${message}

${codeblock}`, options);
    this.line = line;
    this.column = column;
    this.codeblock = codeblock;
  }
  /** @internal */
  static x(message, ctx, ptr) {
    throw new _TomlError(message, { toml: ctx.s, ptr: ptr ?? ctx.p });
  }
};

// node_modules/smol-toml/dist/primitive.js
function parseString(ctx) {
  let startPtr = ctx.p;
  let c = ctx.s.charCodeAt(ctx.p++);
  let first = c;
  let isLiteral = c === 39;
  let isMultiline = c === ctx.s.charCodeAt(ctx.p) && c === ctx.s.charCodeAt(ctx.p + 1);
  if (isMultiline) {
    if ((c = ctx.s.charCodeAt(ctx.p += 2)) === 10)
      ctx.p++;
    else if (c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10)
      ctx.p += 2;
  }
  let parsed = "";
  let sliceStart = ctx.p;
  let state = 0;
  for (; ctx.p < ctx.s.length; ctx.p++) {
    c = ctx.s.charCodeAt(ctx.p);
    if (isMultiline && (c === 10 || c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10)) {
      state = state && 3;
    } else if (c < 32 && c !== 9 || c === 127) {
      TomlError.x("control characters are not allowed in strings", ctx);
    } else if ((!state || state === 3) && c === first && (!isMultiline || ctx.s.charCodeAt(ctx.p + 1) === first && ctx.s.charCodeAt(ctx.p + 2) === first)) {
      if (isMultiline) {
        if (ctx.s.charCodeAt(ctx.p + 3) === first)
          ctx.p++;
        if (ctx.s.charCodeAt(ctx.p + 3) === first)
          ctx.p++;
      }
      if (!state) {
        let s = ctx.s.slice(sliceStart, ctx.p);
        parsed = parsed ? parsed + s : s;
      }
      ctx.p += isMultiline ? 3 : 1;
      return parsed;
    } else if (!state) {
      if (!isLiteral && c === 92) {
        parsed += ctx.s.slice(sliceStart, sliceStart = ctx.p);
        state = 1;
      }
    } else if (state === 1) {
      if (c === 120 || c === 117 || c === 85) {
        let errPtr = ctx.p++ - 1;
        let value = 0;
        let len = c === 120 ? 2 : c === 117 ? 4 : 8;
        for (let j = 0; j < len; j++, ctx.p++) {
          let hex = ctx.s.charCodeAt(ctx.p);
          let digit = (
            /* 0-9 */
            hex >= 48 && hex <= 57 ? hex - 48 : (
              /* A-F */
              hex >= 65 && hex <= 70 ? hex - 65 + 10 : (
                /* a-f */
                hex >= 97 && hex <= 102 ? hex - 97 + 10 : -1
              )
            )
          );
          if (digit < 0)
            TomlError.x("invalid non-hex character in unicode escape", ctx);
          value = value << 4 | digit;
        }
        if (value < 0 || value > 1114111 || value >= 55296 && value <= 57343) {
          TomlError.x("invalid unicode escape", ctx, errPtr);
        }
        parsed += String.fromCodePoint(value);
        sliceStart = ctx.p--;
        state = 0;
      } else if (isMultiline && (c === 32 || c === 9)) {
        state = 2;
      } else {
        if (c === 98)
          parsed += "\b";
        else if (c === 116)
          parsed += "	";
        else if (c === 110)
          parsed += "\n";
        else if (c === 102)
          parsed += "\f";
        else if (c === 114)
          parsed += "\r";
        else if (c === 101)
          parsed += "\x1B";
        else if (c === 34)
          parsed += '"';
        else if (c === 92)
          parsed += "\\";
        else
          TomlError.x("unrecognised escape sequence", ctx);
        sliceStart = ctx.p + 1;
        state = 0;
      }
    } else if (c !== 32 && c !== 9) {
      if (state === 2)
        TomlError.x("invalid escape: only line-ending whitespace may be escaped", ctx, sliceStart);
      state = !isLiteral && c === 92 ? 1 : 0;
      sliceStart = ctx.p;
    }
  }
  TomlError.x("unfinished string", ctx, startPtr);
}

// node_modules/smol-toml/dist/date.js
var DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})?[Tt ]?(?:(\d{2}):\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|z|[-+]\d{2}:\d{2})?$/i;
var TomlDate = class _TomlDate extends Date {
  #hasDate = false;
  #hasTime = false;
  #offset = null;
  constructor(date, fasttype, unsafeDelim) {
    let hasDate = true;
    let hasTime = true;
    let offset = "Z";
    let c;
    if (typeof date === "string") {
      if (fasttype)
        prep: {
          if (fasttype < 3) {
            if (+date.slice(11, 13) > 23) {
              date = "";
              break prep;
            }
            if (fasttype === 2) {
              offset = null;
              date += "Z";
            } else if ((c = date.charCodeAt(date.length - 1)) !== 90 && c !== 122) {
              offset = date.slice(date.length - 6);
            }
            if (unsafeDelim)
              date = date.slice(0, 10) + "T" + date.slice(11);
          } else if (fasttype === 4) {
            date = +date.slice(0, 2) > 23 ? "" : `0000-01-01T${date}Z`;
          }
          hasDate = fasttype !== 4;
          hasTime = fasttype !== 3;
        }
      else {
        let match = date.match(DATE_TIME_RE);
        if (match) {
          if (!match[1]) {
            hasDate = false;
            date = `0000-01-01T${date}`;
          }
          hasTime = !!match[2];
          hasTime && date[10] === " " && (date = date.replace(" ", "T"));
          if (match[2] && +match[2] > 23) {
            date = "";
          } else {
            offset = match[3] || null;
            if (!offset && hasTime)
              date += "Z";
          }
        } else {
          date = "";
        }
      }
    }
    super(date);
    if (!isNaN(this.getTime())) {
      this.#hasDate = hasDate;
      this.#hasTime = hasTime;
      this.#offset = offset;
    }
  }
  isDateTime() {
    return this.#hasDate && this.#hasTime;
  }
  isLocal() {
    return !this.#hasDate || !this.#hasTime || !this.#offset;
  }
  isDate() {
    return this.#hasDate && !this.#hasTime;
  }
  isTime() {
    return this.#hasTime && !this.#hasDate;
  }
  isValid() {
    return this.#hasDate || this.#hasTime;
  }
  toISOString() {
    let iso = super.toISOString();
    if (this.isDate())
      return iso.slice(0, 10);
    if (this.isTime())
      return iso.slice(11, 23);
    if (this.#offset === null)
      return iso.slice(0, -1);
    if (this.#offset === "Z" || this.#offset === "z")
      return iso;
    let offset = +this.#offset.slice(1, 3) * 60 + +this.#offset.slice(4, 6);
    offset = this.#offset[0] === "-" ? offset : -offset;
    let offsetDate = new Date(this.getTime() - offset * 6e4);
    return offsetDate.toISOString().slice(0, -1) + this.#offset;
  }
  static wrapAsOffsetDateTime(jsDate, offset = "Z") {
    let date = new _TomlDate(jsDate);
    date.#offset = offset;
    return date;
  }
  static wrapAsLocalDateTime(jsDate) {
    let date = new _TomlDate(jsDate);
    date.#offset = null;
    return date;
  }
  static wrapAsLocalDate(jsDate) {
    let date = new _TomlDate(jsDate);
    date.#hasTime = false;
    date.#offset = null;
    return date;
  }
  static wrapAsLocalTime(jsDate) {
    let date = new _TomlDate(jsDate);
    date.#hasDate = false;
    date.#offset = null;
    return date;
  }
};

// node_modules/smol-toml/dist/extract.js
function isDigit(char, base = 10) {
  return base === 16 ? char > 47 && char < 58 || char > 64 && char < 71 || char > 96 && char < 103 : char > 47 && char < 48 + base;
}
function isEndOfValue(char, delim) {
  return char === 32 || char === 9 || char === 10 || char === 13 || // Structure end or next value delimiter
  delim && (char === delim || char === 44) || // Comment
  char === 35;
}
function extractValue(ctx, end) {
  let errPtr = ctx.p;
  let c = ctx.s.charCodeAt(ctx.p);
  if (c === 91 || c === 123) {
    ctx.d-- || TomlError.x("document contains excessively nested structures. aborting.", ctx);
    let value = c === 91 ? parseArray(ctx) : parseInlineTable(ctx);
    ctx.d++;
    return value;
  }
  if (c === 34 || c === 39) {
    return parseString(ctx);
  }
  if (c === 116) {
    if (ctx.s.charCodeAt(++ctx.p) !== 114 || ctx.s.charCodeAt(++ctx.p) !== 117 || ctx.s.charCodeAt(++ctx.p) !== 101)
      TomlError.x("invalid value", ctx, errPtr);
    return ctx.p++, true;
  }
  if (c === 102) {
    if (ctx.s.charCodeAt(++ctx.p) !== 97 || ctx.s.charCodeAt(++ctx.p) !== 108 || ctx.s.charCodeAt(++ctx.p) !== 115 || ctx.s.charCodeAt(++ctx.p) !== 101)
      TomlError.x("invalid value", ctx, errPtr);
    return ctx.p++, false;
  }
  if (c === 43 || c === 45) {
    return parseNumber(ctx, ctx.p, ctx.s.charCodeAt(++ctx.p), 44 - c, end);
  }
  if (ctx.s.charCodeAt(ctx.p + 4) === 45 && ctx.s.charCodeAt(ctx.p + 7) === 45) {
    return parseDate(ctx, c, end);
  }
  if (ctx.s.charCodeAt(ctx.p + 2) === 58) {
    return parseTime(ctx, c, end);
  }
  return parseNumber(ctx, ctx.p, c, 0, end);
}
function parseNumber(ctx, startPtr, startChr, sign, endChr) {
  let c = startChr;
  let state = 0;
  let hasUnderscores = false;
  if (c === 105) {
    if (ctx.s.charCodeAt(++ctx.p) !== 110 || ctx.s.charCodeAt(++ctx.p) !== 102)
      TomlError.x("invalid value", ctx, startPtr);
    return ctx.p++, (sign || 1) / 0;
  }
  if (c === 110) {
    if (ctx.s.charCodeAt(++ctx.p) !== 97 || ctx.s.charCodeAt(++ctx.p) !== 110)
      TomlError.x("invalid value", ctx, startPtr);
    return ctx.p++, NaN;
  }
  if (c === 48) {
    if (++ctx.p >= ctx.s.length || isEndOfValue(c = ctx.s.charCodeAt(ctx.p), endChr))
      return ctx.bi === true ? 0n : 0;
    if (!sign) {
      if (c === 120)
        return parseIntegerBaseN(ctx, startPtr, 16, endChr);
      else if (c === 98)
        return parseIntegerBaseN(ctx, startPtr, 2, endChr);
      else if (c === 111)
        return parseIntegerBaseN(ctx, startPtr, 8, endChr);
    }
    if (c === 46)
      state = 2;
    else if (c === 101 || c === 69)
      state = 4;
    else
      TomlError.x("illegal leading zero", ctx, startPtr);
  } else if (!isDigit(c))
    TomlError.x("invalid value", ctx, startPtr);
  while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
    if (!state)
      state = 1;
    if (c === 95) {
      if (!(state & 1))
        TomlError.x("illegal underscore", ctx);
      state += 11;
      hasUnderscores = true;
    } else if (state === 1 && c === 46)
      state = 2;
    else if ((state === 1 || state === 3) && (c === 101 || c === 69))
      state = 4;
    else if (state === 4 && (c === 43 || c === 45)) {
      state = 6;
    } else if (!isDigit(c))
      TomlError.x(`illegal character in numeric literal`, ctx);
    else if (state > 9)
      state -= 11;
    else if (!(state & 1))
      state++;
  }
  if (!state) {
    let val = (startChr - 48) * (sign || 1);
    return ctx.bi === true ? BigInt(val) : val;
  }
  if (!(state & 1))
    TomlError.x("unfinished numeric value", ctx, startPtr);
  let str2 = ctx.s.slice(startPtr, ctx.p);
  if (hasUnderscores)
    str2 = str2.replaceAll("_", "");
  return state > 1 ? parseFloat(str2) : parseInteger(ctx, str2, 10, startPtr);
}
function parseIntegerBaseN(ctx, startPtr, base, endChr) {
  let c, underscore = 1;
  while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
    if (c === 95) {
      if (underscore & 1)
        TomlError.x("illegal underscore", ctx);
      underscore = 3;
    } else if (!isDigit(c, base))
      TomlError.x(`illegal character in numeric literal`, ctx);
    else if (underscore & 1)
      underscore--;
  }
  if (underscore & 1)
    TomlError.x("unfinished numeric value", ctx);
  let str2 = ctx.s.slice(startPtr + 2, ctx.p);
  if (underscore)
    str2 = str2.replaceAll("_", "");
  return parseInteger(ctx, str2, base, startPtr);
}
function parseInteger(ctx, str2, base, startPtr) {
  if (ctx.bi !== true)
    int: {
      let val = parseInt(str2, base);
      if (!Number.isSafeInteger(val)) {
        if (ctx.bi)
          break int;
        TomlError.x("integer value cannot be represented losslessly", ctx, startPtr);
      }
      return val;
    }
  return base === 10 ? BigInt(str2) : BigInt((base === 2 ? "0b" : base === 8 ? "0o" : "0x") + str2);
}
function parseDate(ctx, c, endChr) {
  let startPtr = ctx.p++, unsafeSeparator;
  if (!isDigit(c) || !isDigit(ctx.s.charCodeAt(ctx.p++)) || !isDigit(ctx.s.charCodeAt(ctx.p++)) || !isDigit(ctx.s.charCodeAt(ctx.p++))) {
    return parseNumber(ctx, ctx.p = startPtr, c, 0, endChr);
  }
  ctx.p += 5;
  if (!isDigit(ctx.s.charCodeAt(ctx.p++)))
    TomlError.x("invalid date-time: date part is malformed", ctx, startPtr);
  if (ctx.p >= ctx.s.length || ((c = ctx.s.charCodeAt(ctx.p)) !== 32 || (unsafeSeparator = true, !isDigit(ctx.s.charCodeAt(ctx.p + 1)))) && c !== 84 && c !== 116) {
    let t2 = ctx.s.slice(startPtr, ctx.p);
    return readDate(ctx, t2, 3, false, startPtr);
  }
  if (ctx.s.charCodeAt(ctx.p += 3) !== 58)
    TomlError.x("invalid date-time: time part is malformed", ctx, startPtr);
  if (ctx.s.charCodeAt(ctx.p += 3) === 58)
    ctx.p += 3;
  if (ctx.s.charCodeAt(ctx.p) === 46)
    while (isDigit(ctx.s.charCodeAt(++ctx.p)))
      ;
  if (c = ctx.s.charCodeAt(ctx.p)) {
    if (c === 90 || c === 122) {
      let t2 = ctx.s.slice(startPtr, ++ctx.p);
      return readDate(ctx, t2, 1, unsafeSeparator, startPtr, "[+00:00]");
    }
    if (c === 43 || c === 45) {
      let t2 = ctx.s.slice(startPtr, ctx.p += 6);
      return readDate(ctx, t2, 1, unsafeSeparator, startPtr, !ctx.ld && "[" + ctx.s.slice(ctx.p - 6, ctx.p) + "]");
    }
  }
  let t = ctx.s.slice(startPtr, ctx.p);
  return readDate(ctx, t, 2, unsafeSeparator, startPtr);
}
function parseTime(ctx, c, endChr) {
  let start = ctx.p;
  if (!isDigit(c) || !isDigit(ctx.s.charCodeAt(++ctx.p))) {
    return parseNumber(ctx, --ctx.p, c, 0, endChr);
  }
  if (ctx.s.charCodeAt(ctx.p += 4) === 58)
    ctx.p += 3;
  if (ctx.s.charCodeAt(ctx.p) === 46)
    while (isDigit(ctx.s.charCodeAt(++ctx.p)))
      ;
  let t = ctx.s.slice(start, ctx.p);
  return readDate(ctx, t, 4, false, start);
}
function readDate(ctx, str2, type, unsafeDelim, errPtr, temporalSuffix) {
  if (ctx.ld) {
    let date = new TomlDate(str2, type, unsafeDelim);
    if (!date.isValid())
      TomlError.x("invalid date", ctx, errPtr);
    return date;
  }
  try {
    if (temporalSuffix)
      str2 += temporalSuffix;
    switch (type) {
      case 1:
        return Temporal.ZonedDateTime.from(str2);
      case 2:
        return Temporal.PlainDateTime.from(str2);
      case 3:
        return Temporal.PlainDate.from(str2);
      case 4:
        return Temporal.PlainTime.from(str2);
    }
  } catch (e) {
    TomlError.x(e instanceof Error ? e.message : "" + e, ctx, errPtr);
  }
}

// node_modules/smol-toml/dist/util.js
function skipComment(ctx) {
  for (; ctx.p < ctx.s.length; ctx.p++) {
    let c = ctx.s.charCodeAt(ctx.p);
    if (c === 10)
      break;
    if (c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10) {
      ctx.p++;
      break;
    }
    if (c < 32 && c !== 9 || c === 127) {
      TomlError.x("control characters are not allowed in comments", ctx);
    }
  }
}
function skipVoid(ctx, banNewLines, banComments) {
  let c;
  while (ctx.p < ctx.s.length) {
    while (ctx.p < ctx.s.length && ((c = ctx.s.charCodeAt(ctx.p)) === 32 || c === 9 || !banNewLines && (c === 10 || c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10)))
      ctx.p++;
    if (banComments || c !== 35)
      break;
    skipComment(ctx);
  }
}

// node_modules/smol-toml/dist/struct.js
function parseKey(ctx, end = 61) {
  let startPtr;
  let state = 0;
  let parsed = [];
  let sliceStart;
  let c = ctx.s.charCodeAt(startPtr = ctx.p);
  do {
    if (c === end) {
      if (!state)
        TomlError.x("unexpected end of key", ctx);
      if (state === 1)
        parsed.push(ctx.s.slice(sliceStart, ctx.p));
      return ctx.p++, parsed;
    } else if (c === 46) {
      if (!state)
        TomlError.x("illegal empty bare key", ctx);
      if (state === 1)
        parsed.push(ctx.s.slice(sliceStart, ctx.p));
      state = 0;
    } else if (!state && (c === 34 || c === 39)) {
      if (c === ctx.s.charCodeAt(ctx.p + 1) && c === ctx.s.charCodeAt(ctx.p + 2))
        TomlError.x("illegal quoted key: multiline strings are not allowed", ctx);
      parsed.push(parseString(ctx));
      state = 2;
      ctx.p--;
    } else if (c === 32 || c === 9) {
      if (state === 1) {
        parsed.push(ctx.s.slice(sliceStart, ctx.p));
        state = 2;
      }
    } else if (state === 2 || c < 48 && c !== 45 || c > 57 && c < 65 || c > 90 && c < 97 && c !== 95 || c > 122) {
      TomlError.x("illegal character in key", ctx);
    } else if (!state) {
      state = 1;
      sliceStart = ctx.p;
    }
  } while (c = ctx.s.charCodeAt(++ctx.p));
  TomlError.x("incomplete key-value: cannot find end of key", ctx, startPtr);
}
function parseInlineTable(ctx) {
  let startPtr = ctx.p++;
  let res = /* @__PURE__ */ Object.create(null);
  let seen = /* @__PURE__ */ new Set();
  let c;
  while (ctx.p < ctx.s.length) {
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p)) === 125) {
      ctx.p++;
      return res;
    }
    let k;
    let t = res;
    let hasOwn = false;
    let errPtr = ctx.p;
    let key = parseKey(ctx);
    for (let i = 0; i < key.length; i++) {
      if (i)
        t = hasOwn ? t[k] : t[k] = /* @__PURE__ */ Object.create(null);
      k = key[i];
      if ((hasOwn = Object.hasOwn(t, k)) && (typeof t[k] !== "object" || seen.has(t[k]))) {
        TomlError.x("trying to redefine an already defined value", ctx, errPtr);
      }
      let unsafe = k === "__proto__";
      if (ctx.uk && (unsafe || k === "constructor")) {
        t = ctx.uk !== 1 && TomlError.x("document contains an unsafe property", ctx, errPtr);
        break;
      }
      if (!hasOwn && unsafe) {
        Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
      }
    }
    if (hasOwn) {
      TomlError.x("trying to redefine an already defined value", ctx, errPtr);
    }
    skipVoid(ctx, true, true);
    let value = extractValue(
      ctx,
      125
      /* } */
    );
    if (t && typeof (t[k] = value) === "object")
      seen.add(value);
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p++)) === 125) {
      return res;
    }
    if (c !== 44)
      TomlError.x("expected comma or end of structure", ctx, ctx.p - 1);
  }
  TomlError.x("unfinished table", ctx, startPtr);
}
function parseArray(ctx) {
  let startPtr = ctx.p++;
  let res = [];
  let c;
  while (ctx.p < ctx.s.length) {
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p)) === 93) {
      ctx.p++;
      return res;
    }
    res.push(extractValue(
      ctx,
      93
      /* ] */
    ));
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p++)) === 93) {
      return res;
    }
    if (c !== 44)
      TomlError.x("expected comma or end of structure", ctx, ctx.p - 1);
  }
  TomlError.x("unfinished array", ctx, startPtr);
}

// node_modules/smol-toml/dist/parse.js
function peekTable(ctx, key, table, meta, type) {
  let t = table;
  let m = meta;
  let k;
  let hasOwn = false;
  let state;
  for (let i = 0; i < key.length; i++) {
    if (i) {
      t = hasOwn ? t[k] : t[k] = /* @__PURE__ */ Object.create(null);
      m = (state = m[k]).c;
      if (type === 0 && (state.t === 1 || state.t === 2)) {
        return null;
      }
      if (state.t === 2) {
        let l = t.length - 1;
        t = t[l];
        m = m[l].c;
      }
    }
    k = key[i];
    if ((hasOwn = Object.hasOwn(t, k)) && m[k]?.t === 0 && m[k]?.d) {
      return null;
    }
    if (!hasOwn) {
      let unsafe = k === "__proto__";
      if (ctx.uk && (unsafe || k === "constructor"))
        return false;
      if (unsafe) {
        Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
        Object.defineProperty(m, k, { enumerable: true, configurable: true, writable: true });
      }
      m[k] = {
        t: i < key.length - 1 && type === 2 ? 3 : type,
        d: false,
        i: 0,
        c: /* @__PURE__ */ Object.create(null)
      };
    }
  }
  state = m[k];
  if (state.t !== type && !(type === 1 && state.t === 3)) {
    return null;
  }
  if (type === 2) {
    if (!state.d) {
      state.d = true;
      t[k] = [];
    }
    t[k].push(t = /* @__PURE__ */ Object.create(null));
    state.c[state.i++] = state = { t: 1, d: false, i: 0, c: /* @__PURE__ */ Object.create(null) };
  }
  if (state.d) {
    return null;
  }
  state.d = true;
  if (type === 1) {
    t = hasOwn ? t[k] : t[k] = /* @__PURE__ */ Object.create(null);
  } else if (type === 0 && hasOwn) {
    return null;
  }
  return [k, t, state.c];
}
function validateTablePeek(ctx, peek, ptr) {
  if (peek === null || ctx.uk === 2)
    TomlError.x(peek === null ? "trying to redefine an already defined table or value" : "document contains an unsafe property", ctx, ptr);
}
function parse(toml, options = {}) {
  let ctx = {
    s: toml,
    p: 0,
    d: options.maxDepth ?? 1e3,
    bi: options.integersAsBigInt ?? false,
    ld: options.useLegacyDate ?? true,
    uk: options.unsafeKeyBehaviour === "throw" ? 2 : options.unsafeKeyBehaviour === "drop" ? 1 : 0
  };
  let res = /* @__PURE__ */ Object.create(null);
  let meta = /* @__PURE__ */ Object.create(null);
  let tmp;
  let skipping = false;
  let tbl = res;
  let m = meta;
  if (toml.charCodeAt(0) === 65279)
    ctx.p++;
  skipVoid(ctx);
  while (ctx.p < toml.length) {
    if (toml.charCodeAt(ctx.p) === 91) {
      let isTableArray = toml.charCodeAt(++ctx.p) === 91;
      tmp = ctx.p += +isTableArray;
      skipping = false;
      let k = parseKey(
        ctx,
        93
        /* ] */
      );
      if (isTableArray) {
        if (toml.charCodeAt(ctx.p) !== 93) {
          TomlError.x("expected end of table array declaration", ctx);
        }
        ctx.p++;
      }
      let p = peekTable(
        ctx,
        k,
        res,
        meta,
        isTableArray ? 2 : 1
        /* Type.EXPLICIT */
      );
      if (!p) {
        validateTablePeek(ctx, p, tmp);
        skipping = true;
      } else {
        m = p[2];
        tbl = p[1];
      }
    } else {
      tmp = ctx.p;
      let k = parseKey(ctx);
      let p = peekTable(
        ctx,
        k,
        tbl,
        m,
        0
        /* Type.DOTTED */
      );
      if (!p && !skipping)
        validateTablePeek(ctx, p, tmp);
      skipVoid(ctx, true, true);
      let v = extractValue(ctx, void 0);
      if (p && !skipping)
        p[1][p[0]] = v;
    }
    skipVoid(ctx, true);
    if (ctx.p < toml.length && (tmp = toml.charCodeAt(ctx.p)) !== 10 && (tmp !== 13 || toml.charCodeAt(ctx.p + 1) !== 10)) {
      TomlError.x("each key-value declaration must be followed by an end-of-line", ctx);
    }
    skipVoid(ctx);
  }
  return res;
}

// node_modules/smol-toml/dist/stringify.js
var HAS_WELLFORMED = !!"".isWellFormed;

// src/config/overrides.ts
var BARE_KEY = /^[A-Za-z0-9_-]+$/;
function formatKeyPath(path18) {
  return path18.map((seg) => BARE_KEY.test(seg) ? seg : JSON.stringify(seg)).join(".");
}
function isPlainTable(v) {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
function getOwn(table, key) {
  return Object.hasOwn(table, key) ? table[key] : void 0;
}
function toPlainToml(value) {
  if (Array.isArray(value)) return value.map((item) => toPlainToml(item));
  if (!isPlainTable(value)) return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, toPlainToml(v));
  return out;
}
function setOwn(table, key, value) {
  Object.defineProperty(table, key, { value, enumerable: true, writable: true, configurable: true });
}
function findSeparator(flag) {
  let quote = null;
  let atSegmentStart = true;
  for (let i = 0; i < flag.length; i++) {
    const ch = flag[i];
    if (quote === '"') {
      if (ch === "\\") i++;
      else if (ch === '"') quote = null;
    } else if (quote === "'") {
      if (ch === "'") quote = null;
    } else if (ch === "=") {
      return i;
    } else if (atSegmentStart && (ch === '"' || ch === "'")) {
      quote = ch;
      atSegmentStart = false;
    } else if (ch === ".") {
      atSegmentStart = true;
    } else if (ch !== " " && ch !== "	") {
      atSegmentStart = false;
    }
  }
  return -1;
}
function parseKeyPath(key, flagLabel) {
  const fail = (why) => {
    throw new ConfigError(`Invalid -c override ${flagLabel}: ${why}`);
  };
  const segments = [];
  let i = 0;
  const skipSpace = () => {
    while (i < key.length && (key[i] === " " || key[i] === "	")) i++;
  };
  for (; ; ) {
    skipSpace();
    if (i >= key.length) fail('the key has an empty segment (check for a leading, trailing or doubled ".")');
    const ch = key[i];
    if (ch === '"') {
      const start = i++;
      while (i < key.length && key[i] !== '"') i += key[i] === "\\" ? 2 : 1;
      if (i >= key.length) fail('unterminated "..." segment in the key');
      const literal = key.slice(start, ++i);
      let decoded;
      try {
        decoded = getOwn(parse(`k = ${literal}`), "k");
      } catch {
        decoded = void 0;
      }
      if (typeof decoded !== "string") fail(`invalid quoted key segment ${literal}`);
      segments.push(decoded);
    } else if (ch === "'") {
      const end = key.indexOf("'", i + 1);
      if (end < 0) fail("unterminated '...' segment in the key");
      segments.push(key.slice(i + 1, end));
      i = end + 1;
    } else {
      let end = key.indexOf(".", i);
      if (end < 0) end = key.length;
      const seg = key.slice(i, end).trim();
      if (seg === "") fail('the key has an empty segment (check for a leading, trailing or doubled ".")');
      if (/[\r\n]/.test(seg)) fail("line breaks are not allowed in a key");
      segments.push(seg);
      i = end;
    }
    skipSpace();
    if (i >= key.length) return segments;
    if (key[i] !== ".") fail('expected "." between key segments');
    i++;
  }
}
function parseTomlValue(text) {
  if (text === "") return void 0;
  let table;
  try {
    table = parse(`__tern_value__ = ${text}`);
  } catch {
    return void 0;
  }
  const keys = Object.keys(table);
  if (keys.length !== 1 || keys[0] !== "__tern_value__") return void 0;
  return { value: toPlainToml(getOwn(table, "__tern_value__")) };
}
function parseOverride(flag) {
  const sep = findSeparator(flag);
  if (sep < 0) {
    throw new ConfigError(
      `Invalid -c override "${flag}": missing "="; expected key=value, e.g. -c model="gpt-5.5"`
    );
  }
  const keyText = flag.slice(0, sep).trim();
  if (keyText === "") {
    throw new ConfigError(
      'Invalid -c override "=\u2026": the key before "=" is empty; expected key=value, e.g. -c model="gpt-5.5"'
    );
  }
  const path18 = parseKeyPath(keyText, `"${keyText}=\u2026"`);
  const valueText = flag.slice(sep + 1).trim();
  const parsed = parseTomlValue(valueText);
  return { path: path18, value: parsed ? parsed.value : valueText };
}
function applyOverrides(table, overrides) {
  const root = { ...table };
  for (const { path: path18, value } of overrides) {
    if (path18.length === 0) throw new ConfigError("Invalid config override: empty key path");
    let cursor = root;
    for (let i = 0; i < path18.length - 1; i++) {
      const seg = path18[i];
      const existing = getOwn(cursor, seg);
      const next = isPlainTable(existing) ? { ...existing } : {};
      setOwn(cursor, seg, next);
      cursor = next;
    }
    setOwn(cursor, path18[path18.length - 1], value);
  }
  return root;
}

// src/config/load.ts
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

// src/config/known-keys.ts
var HANDLED_TOP_LEVEL_KEYS = /* @__PURE__ */ new Set([
  "model",
  "model_provider",
  "model_providers",
  "approval_policy",
  "sandbox_mode",
  "sandbox_workspace_write",
  "sandbox_user",
  "developer_instructions",
  "instructions",
  "base_instructions",
  "model_context_window",
  "model_auto_compact_token_limit",
  "compact_prompt",
  "project_doc_max_bytes",
  "project_doc_fallback_filenames",
  "model_reasoning_effort",
  "openai_base_url",
  // Read by server/app-server.ts: seconds a thread without subscribers stays loaded.
  "thread_unload_delay_secs"
]);
var IGNORED_CODEX_TOP_LEVEL_KEYS = /* @__PURE__ */ new Set([
  "agents",
  "allow_login_shell",
  "analytics",
  "approvals_reviewer",
  "apps",
  "apps_mcp_product_sku",
  "audio",
  "auto_review",
  "background_terminal_max_timeout",
  "chatgpt_base_url",
  "check_for_update_on_startup",
  "cli_auth_credentials_store",
  "debug",
  "default_permissions",
  "desktop",
  "disable_paste_burst",
  "disable_response_storage",
  "experimental_compact_prompt_file",
  "experimental_instructions_file",
  "experimental_realtime_start_instructions",
  "experimental_realtime_ws_backend_prompt",
  "experimental_realtime_ws_base_url",
  "experimental_realtime_ws_model",
  "experimental_realtime_ws_startup_context",
  "experimental_thread_config_endpoint",
  "experimental_thread_store",
  "experimental_use_exec_command_tool",
  "experimental_use_rmcp_client",
  "experimental_use_unified_exec_tool",
  "features",
  "feedback",
  "file_opener",
  "forced_chatgpt_workspace_id",
  "forced_login_method",
  "ghost_snapshot",
  "hide_agent_reasoning",
  "history",
  "hooks",
  "include_apply_patch_tool",
  "include_apps_instructions",
  "include_collaboration_mode_instructions",
  "include_environment_context",
  "include_permissions_instructions",
  "include_plan_tool",
  "include_view_image_tool",
  "js_repl_node_path",
  "log_dir",
  "marketplaces",
  "mcp_oauth_callback_port",
  "mcp_oauth_callback_url",
  "mcp_oauth_credentials_store",
  "mcp_servers",
  "memories",
  "model_auto_compact_token_limit_scope",
  "model_catalog_json",
  "model_instructions_file",
  "model_max_output_tokens",
  "model_reasoning_summary",
  "model_reasoning_summary_format",
  "model_supports_reasoning_summaries",
  "model_verbosity",
  "notice",
  "notify",
  "oss_provider",
  "otel",
  "permissions",
  "personality",
  "plan_mode_reasoning_effort",
  "plugins",
  "preferred_auth_method",
  "profile",
  "profiles",
  "project_root_markers",
  "projects",
  "realtime",
  "responses_originator_header_internal_override",
  "review_model",
  "service_tier",
  "shell_environment_policy",
  "show_raw_agent_reasoning",
  "skills",
  "sqlite_home",
  "suppress_unstable_features_warning",
  "tool_output_token_limit",
  "tool_suggest",
  "tools",
  "tools_web_search_request",
  "tui",
  "use_experimental_streamable_shell_tool",
  "web_search",
  "windows",
  "windows_wsl_setup_acknowledged",
  "zsh_path"
]);
var HANDLED_PROVIDER_KEYS = /* @__PURE__ */ new Set([
  "name",
  "base_url",
  "env_key",
  "env_key_instructions",
  "wire_api",
  "request_max_retries",
  "stream_max_retries",
  "stream_idle_timeout_ms",
  "http_headers",
  "query_params"
]);
var IGNORED_CODEX_PROVIDER_KEYS = /* @__PURE__ */ new Set([
  "auth",
  "aws",
  "env_http_headers",
  "experimental_bearer_token",
  "requires_openai_auth",
  "supports_websockets",
  "websocket_connect_timeout_ms"
]);

// src/config/load.ts
var CONFIG_FILE_NAME = "config.toml";
var DEFAULT_MODEL = "gpt-5.5";
var DEFAULT_MODEL_PROVIDER = "openai";
var DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
var DEFAULT_REQUEST_MAX_RETRIES = 4;
var DEFAULT_STREAM_MAX_RETRIES = 5;
var DEFAULT_STREAM_IDLE_TIMEOUT_MS = 3e5;
var MAX_RETRIES_CAP = 100;
var APPROVAL_POLICIES = ["untrusted", "on-request", "never"];
var SANDBOX_MODES = ["read-only", "workspace-write", "danger-full-access"];
var WIRE_APIS = ["responses", "chat"];
var ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
function resolveTernHome(env) {
  const home = env.HOME || env.USERPROFILE || homedir();
  const configured = env.TERN_HOME;
  if (configured !== void 0 && configured.trim() !== "") {
    if (configured === "~") return path.resolve(home);
    if (configured.startsWith("~/")) return path.resolve(home, configured.slice(2));
    return path.resolve(configured);
  }
  return path.resolve(home, ".tern");
}
function readConfigFile(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = err.code;
    if (code === "ENOENT") return null;
    throw new ConfigError(`Cannot read config file ${file}: ${code ?? err.message}`);
  }
  if (text.charCodeAt(0) === 65279) text = text.slice(1);
  try {
    return toPlainToml(parse(text));
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = (err.message.split("\n")[0] ?? "").replace(/^Invalid TOML document:\s*/, "");
      throw new ConfigError(
        `Invalid TOML in ${file} at line ${err.line}, column ${err.column}: ${reason}`
      );
    }
    throw err;
  }
}
function isPrefix(prefix, full) {
  return prefix.length <= full.length && prefix.every((seg, i) => seg === full[i]);
}
function hasPath(table, keyPath) {
  let cursor = table;
  for (const seg of keyPath) {
    if (!isPlainTable(cursor) || !Object.hasOwn(cursor, seg)) return false;
    cursor = cursor[seg];
  }
  return true;
}
var Provenance = class {
  constructor(file, fileTable, overrides) {
    this.file = file;
    this.fileTable = fileTable;
    this.overrides = overrides;
  }
  file;
  fileTable;
  overrides;
  flag(o) {
    return `-c ${formatKeyPath(o.path)}=\u2026`;
  }
  /**
   * The file or flag that set the value currently at `keyPath`: the last flag
   * that set it or an enclosing table, or that forced it to be a table by
   * setting a key below it.
   */
  sourceOf(keyPath) {
    for (let i = this.overrides.length - 1; i >= 0; i--) {
      const o = this.overrides[i];
      if (isPrefix(o.path, keyPath) || isPrefix(keyPath, o.path)) return this.flag(o);
    }
    return this.file;
  }
  /** Every file/flag that contributed to the table at `keyPath`. */
  contributorsOf(keyPath) {
    const out = [];
    if (hasPath(this.fileTable, keyPath)) out.push(this.file);
    for (const o of this.overrides) {
      if (isPrefix(o.path, keyPath) || isPrefix(keyPath, o.path)) out.push(this.flag(o));
    }
    return out.length > 0 ? out.join(", ") : this.file;
  }
};
function describeValue(v) {
  if (typeof v === "string") {
    return /^\s*(-?\d+(\.\d+)?|true|false)\s*$/.test(v) ? `the string ${JSON.stringify(v)} (remove the quotes)` : "a string";
  }
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "nan";
    return Number.isInteger(v) ? `the integer ${v}` : `the float ${v}`;
  }
  if (typeof v === "boolean") return `the boolean ${v}`;
  if (typeof v === "bigint") return `the integer ${v}`;
  if (Array.isArray(v)) return "an array";
  if (v instanceof TomlDate || v instanceof Date) return "a date-time";
  if (isPlainTable(v)) return "a table";
  return typeof v;
}
function quoteForMessage(v) {
  return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}\u2026` : v);
}
function editDistance(a, b) {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(above + 1, prev[j - 1] + 1, diag + cost);
      diag = above;
    }
  }
  return prev[b.length];
}
function suggest(key, candidates) {
  let best = null;
  let bestDist = 3;
  for (const c of candidates) {
    const d = editDistance(key, c);
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}
var Validator = class {
  constructor(prov) {
    this.prov = prov;
  }
  prov;
  warnings = [];
  fail(keyPath, problem) {
    throw new ConfigError(
      `Invalid value for \`${formatKeyPath(keyPath)}\` in ${this.prov.sourceOf(keyPath)}: ${problem}`
    );
  }
  typeError(keyPath, expected, value) {
    return this.fail(keyPath, `expected ${expected}, got ${describeValue(value)}.`);
  }
  warn(summary, details, keyPath) {
    this.warnings.push({ summary, details, path: keyPath ? formatKeyPath(keyPath) : null });
  }
  optString(value, keyPath) {
    if (value === void 0) return void 0;
    if (typeof value !== "string") this.typeError(keyPath, "a string", value);
    return value;
  }
  optInteger(value, keyPath, min) {
    if (value === void 0) return void 0;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
      this.typeError(keyPath, min === 0 ? "a non-negative integer" : "a positive integer", value);
    }
    return value;
  }
  optEnum(value, keyPath, allowed) {
    if (value === void 0) return void 0;
    const list = allowed.map((a) => JSON.stringify(a)).join(", ");
    if (typeof value !== "string") this.typeError(keyPath, `one of ${list}`, value);
    if (!allowed.includes(value)) {
      this.fail(keyPath, `expected one of ${list}; got ${quoteForMessage(value)}.`);
    }
    return value;
  }
  optTable(value, keyPath, expected = "a table") {
    if (value === void 0) return void 0;
    if (!isPlainTable(value)) this.typeError(keyPath, expected, value);
    return value;
  }
  optStringMap(value, keyPath) {
    const table = this.optTable(value, keyPath, 'a table of strings, e.g. { "X-Header" = "value" }');
    if (table === void 0) return void 0;
    const out = {};
    for (const [k, v] of Object.entries(table)) {
      if (typeof v !== "string") this.typeError([...keyPath, k], "a string", v);
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  optBaseUrl(value, keyPath) {
    const url = this.optString(value, keyPath);
    if (url === void 0) return void 0;
    if (!isHttpUrl(url)) {
      this.fail(keyPath, 'expected an absolute http(s) URL such as "http://127.0.0.1:8080/v1".');
    }
    return url;
  }
};
function isHttpUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:";
  } catch {
    return false;
  }
}
function collectUnknownKeys(raw, v) {
  const warnUnknown = (unknownAt, value, candidates) => {
    const hint = suggest(unknownAt[unknownAt.length - 1] ?? "", candidates);
    const suggestion = hint ? ` Did you mean \`${formatKeyPath([...unknownAt.slice(0, -1), hint])}\`?` : "";
    const visit = (keyPath, node) => {
      if (isPlainTable(node) && Object.keys(node).length > 0) {
        for (const [k, child] of Object.entries(node)) visit([...keyPath, k], child);
        return;
      }
      v.warn(
        `Unknown config key \`${formatKeyPath(keyPath)}\` ignored`,
        `tern does not recognise this key (set in ${v.prov.sourceOf(keyPath)}); it has no effect.${suggestion}`,
        keyPath
      );
    };
    visit(unknownAt, value);
  };
  for (const [key, value] of Object.entries(raw)) {
    if (HANDLED_TOP_LEVEL_KEYS.has(key)) {
      if (key === "model_providers" && isPlainTable(value)) {
        for (const [id, provider] of Object.entries(value)) {
          if (!isPlainTable(provider)) continue;
          for (const [pk, pv] of Object.entries(provider)) {
            if (HANDLED_PROVIDER_KEYS.has(pk) || IGNORED_CODEX_PROVIDER_KEYS.has(pk)) continue;
            warnUnknown(["model_providers", id, pk], pv, HANDLED_PROVIDER_KEYS);
          }
        }
      }
      continue;
    }
    if (IGNORED_CODEX_TOP_LEVEL_KEYS.has(key)) continue;
    warnUnknown([key], value, HANDLED_TOP_LEVEL_KEYS);
  }
}
function openaiBuiltin(v, raw, env) {
  let baseUrl = v.optBaseUrl(getOwn(raw, "openai_base_url"), ["openai_base_url"]);
  if (baseUrl === void 0) {
    const fromEnv = env.OPENAI_BASE_URL;
    if (fromEnv !== void 0 && fromEnv.trim() !== "") {
      if (!isHttpUrl(fromEnv.trim())) {
        throw new ConfigError(
          'Environment variable OPENAI_BASE_URL is not an absolute http(s) URL (e.g. "https://api.openai.com/v1"); fix or unset it.'
        );
      }
      baseUrl = fromEnv.trim();
    }
  }
  return {
    id: "openai",
    name: "OpenAI",
    baseUrl: baseUrl ?? DEFAULT_OPENAI_BASE_URL,
    envKey: "OPENAI_API_KEY",
    wireApi: "responses",
    requestMaxRetries: DEFAULT_REQUEST_MAX_RETRIES,
    streamMaxRetries: DEFAULT_STREAM_MAX_RETRIES,
    streamIdleTimeoutMs: DEFAULT_STREAM_IDLE_TIMEOUT_MS,
    httpHeaders: {},
    queryParams: {}
  };
}
function buildProvider(v, id, table, builtin) {
  const at = (key) => ["model_providers", id, key];
  const get = (key) => getOwn(table, key);
  const name = v.optString(get("name"), at("name"));
  const baseUrl = v.optBaseUrl(get("base_url"), at("base_url")) ?? builtin?.baseUrl;
  if (baseUrl === void 0) {
    throw new ConfigError(
      `Model provider \`${formatKeyPath(["model_providers", id])}\` (defined in ${v.prov.contributorsOf(["model_providers", id])}) has no base_url. Add base_url = "http://host:port/v1" to [${formatKeyPath(["model_providers", id])}] or pass -c ${formatKeyPath(at("base_url"))}="http://host:port/v1".`
    );
  }
  let envKey = v.optString(get("env_key"), at("env_key"));
  if (envKey !== void 0 && !ENV_VAR_NAME.test(envKey)) {
    v.fail(
      at("env_key"),
      'expected the NAME of the environment variable holding the API key (letters, digits and "_", e.g. "MY_PROVIDER_API_KEY"), not the key itself. The value is not shown.'
    );
  }
  envKey ??= builtin?.envKey ?? null;
  v.optString(get("env_key_instructions"), at("env_key_instructions"));
  const retries = (key, fallback) => Math.min(v.optInteger(get(key), at(key), 0) ?? fallback, MAX_RETRIES_CAP);
  return {
    id,
    name: name !== void 0 && name !== "" ? name : builtin?.name ?? id,
    baseUrl,
    envKey,
    wireApi: v.optEnum(get("wire_api"), at("wire_api"), WIRE_APIS) ?? builtin?.wireApi ?? "responses",
    requestMaxRetries: retries("request_max_retries", builtin?.requestMaxRetries ?? DEFAULT_REQUEST_MAX_RETRIES),
    streamMaxRetries: retries("stream_max_retries", builtin?.streamMaxRetries ?? DEFAULT_STREAM_MAX_RETRIES),
    streamIdleTimeoutMs: v.optInteger(get("stream_idle_timeout_ms"), at("stream_idle_timeout_ms"), 0) ?? builtin?.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
    httpHeaders: v.optStringMap(get("http_headers"), at("http_headers")) ?? { ...builtin?.httpHeaders },
    queryParams: v.optStringMap(get("query_params"), at("query_params")) ?? { ...builtin?.queryParams }
  };
}
function parseApprovalPolicy(v, value) {
  const keyPath = ["approval_policy"];
  const expected = `one of ${APPROVAL_POLICIES.map((p) => JSON.stringify(p)).join(", ")} or a { granular = { ... } } table`;
  if (value === void 0) return "never";
  if (typeof value === "string") {
    if (value === "on-failure") {
      v.warn(
        '`approval_policy = "on-failure"` is deprecated; using "on-request"',
        'Codex deprecated "on-failure"; set approval_policy to "on-request" (or "never" for unattended runs) to silence this warning.',
        keyPath
      );
      return "on-request";
    }
    if (APPROVAL_POLICIES.includes(value)) {
      return value;
    }
    v.fail(keyPath, `expected ${expected} ("on-failure" is accepted as a deprecated alias of "on-request"); got ${quoteForMessage(value)}.`);
  }
  if (isPlainTable(value)) {
    const keys = Object.keys(value);
    const granular = getOwn(value, "granular");
    if (keys.length !== 1 || !isPlainTable(granular)) {
      v.fail(keyPath, `expected ${expected}; a table must contain exactly one key, granular, whose value is a table.`);
    }
    return { granular: { ...granular } };
  }
  return v.typeError(keyPath, expected, value);
}
function parseFallbackFilenames(v, value) {
  const keyPath = ["project_doc_fallback_filenames"];
  if (value === void 0) return [];
  if (!Array.isArray(value)) return v.typeError(keyPath, 'an array of file names, e.g. ["CLAUDE.md"]', value);
  return value.map((name, i) => {
    if (typeof name !== "string") return v.typeError([...keyPath, String(i)], "a file name (string)", name);
    if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\\")) {
      v.fail(keyPath, `expected plain file names without directories; got ${quoteForMessage(name)}.`);
    }
    return name;
  });
}
var WORKSPACE_WRITE_KEY = "sandbox_workspace_write";
var DEFAULT_SANDBOX_USER2 = "tern-sandbox";
function optBoolean(v, value, keyPath) {
  if (value === void 0) return void 0;
  if (typeof value !== "boolean") return v.typeError(keyPath, "a boolean (true or false)", value);
  return value;
}
function parseWorkspaceWrite(v, value) {
  const table = v.optTable(value, [WORKSPACE_WRITE_KEY]) ?? {};
  const at = (key) => [WORKSPACE_WRITE_KEY, key];
  const roots = getOwn(table, "writable_roots");
  if (roots !== void 0 && !Array.isArray(roots)) v.typeError(at("writable_roots"), "an array of absolute paths", roots);
  const writableRoots = (roots ?? []).map((root, i) => {
    if (typeof root !== "string") return v.typeError([...at("writable_roots"), String(i)], "an absolute path (string)", root);
    if (!path.isAbsolute(root)) v.fail(at("writable_roots"), `expected absolute paths; got ${quoteForMessage(root)}.`);
    return path.normalize(root);
  });
  return {
    writableRoots,
    networkAccess: optBoolean(v, getOwn(table, "network_access"), at("network_access")) ?? false,
    excludeTmpdirEnvVar: optBoolean(v, getOwn(table, "exclude_tmpdir_env_var"), at("exclude_tmpdir_env_var")) ?? false,
    excludeSlashTmp: optBoolean(v, getOwn(table, "exclude_slash_tmp"), at("exclude_slash_tmp")) ?? false
  };
}
function loadConfig(opts) {
  const overrides = [...opts.overrides.map((flag) => parseOverride(flag)), ...opts.extraOverrides ?? []];
  const file = path.join(opts.ternHome, CONFIG_FILE_NAME);
  const fileTable = readConfigFile(file);
  const raw = applyOverrides(fileTable ?? {}, overrides);
  const v = new Validator(new Provenance(file, fileTable, overrides));
  collectUnknownKeys(raw, v);
  const model = v.optString(getOwn(raw, "model"), ["model"]) ?? DEFAULT_MODEL;
  if (model.trim() === "") v.fail(["model"], "expected a model name, got an empty string.");
  const providerValue = getOwn(raw, "model_provider");
  if (isPlainTable(providerValue)) {
    v.fail(
      ["model_provider"],
      "expected a string (the id of the provider to use), got a table. Provider definitions go in [model_providers.<id>] (plural)."
    );
  }
  const providerId = v.optString(providerValue, ["model_provider"]) ?? DEFAULT_MODEL_PROVIDER;
  const userProviders = v.optTable(getOwn(raw, "model_providers"), ["model_providers"], "a table of [model_providers.<id>] tables") ?? {};
  const openai = openaiBuiltin(v, raw, opts.env);
  const modelProviders = { openai };
  for (const [id, table] of Object.entries(userProviders)) {
    const providerTable = v.optTable(table, ["model_providers", id], "a provider table (name, base_url, env_key, ...)");
    if (providerTable === void 0) continue;
    Object.defineProperty(modelProviders, id, {
      value: buildProvider(v, id, providerTable, id === "openai" ? openai : void 0),
      enumerable: true,
      writable: true,
      configurable: true
    });
  }
  const modelProvider = Object.hasOwn(modelProviders, providerId) ? modelProviders[providerId] : void 0;
  if (modelProvider === void 0) {
    const section = formatKeyPath(["model_providers", providerId]);
    throw new ConfigError(
      `model_provider '${providerId}' (set in ${v.prov.sourceOf(["model_provider"])}) is not defined; define [${section}] with at least base_url in ${file}, or pass -c ${section}.base_url="http://host:port/v1". Defined providers: ${Object.keys(modelProviders).join(", ")}.`
    );
  }
  const approvalPolicy = parseApprovalPolicy(v, getOwn(raw, "approval_policy"));
  const sandboxMode = v.optEnum(getOwn(raw, "sandbox_mode"), ["sandbox_mode"], SANDBOX_MODES) ?? "workspace-write";
  const developerInstructions = v.optString(getOwn(raw, "developer_instructions"), ["developer_instructions"]) ?? null;
  const instructions = v.optString(getOwn(raw, "instructions"), ["instructions"]);
  const baseInstructionsKey = v.optString(getOwn(raw, "base_instructions"), ["base_instructions"]);
  if (instructions !== void 0 && baseInstructionsKey !== void 0) {
    v.warn(
      "Both `instructions` and `base_instructions` are set; using `base_instructions`",
      `instructions is set in ${v.prov.sourceOf(["instructions"])}, base_instructions in ${v.prov.sourceOf(["base_instructions"])}; remove one of them.`,
      ["instructions"]
    );
  }
  const config = {
    model,
    modelProvider,
    modelProviders,
    approvalPolicy,
    sandboxMode,
    sandboxWorkspaceWrite: parseWorkspaceWrite(v, getOwn(raw, WORKSPACE_WRITE_KEY)),
    sandboxUser: v.optString(getOwn(raw, "sandbox_user"), ["sandbox_user"]) ?? DEFAULT_SANDBOX_USER2,
    developerInstructions,
    baseInstructions: baseInstructionsKey ?? instructions ?? null,
    modelContextWindow: v.optInteger(getOwn(raw, "model_context_window"), ["model_context_window"], 1) ?? null,
    modelAutoCompactTokenLimit: v.optInteger(getOwn(raw, "model_auto_compact_token_limit"), ["model_auto_compact_token_limit"], 1) ?? null,
    compactPrompt: v.optString(getOwn(raw, "compact_prompt"), ["compact_prompt"]) ?? null,
    projectDocMaxBytes: v.optInteger(getOwn(raw, "project_doc_max_bytes"), ["project_doc_max_bytes"], 0) ?? null,
    projectDocFallbackFilenames: parseFallbackFilenames(v, getOwn(raw, "project_doc_fallback_filenames")),
    modelReasoningEffort: v.optString(getOwn(raw, "model_reasoning_effort"), ["model_reasoning_effort"]) ?? null,
    raw
  };
  return { config, warnings: v.warnings };
}

// src/sandbox/paths.ts
import { realpathSync } from "node:fs";
import path2 from "node:path";
function isInside(root, candidate) {
  const rel = path2.relative(root, candidate);
  return rel === "" || rel !== ".." && !rel.startsWith(".." + path2.sep) && !path2.isAbsolute(rel);
}
function errnoCode(err) {
  return typeof err === "object" && err !== null && "code" in err ? String(err.code) : void 0;
}
var realpathNow = realpathSync.native;
async function resolveReal(abs) {
  const rest = [];
  let current = abs;
  for (; ; ) {
    try {
      const real = realpathNow(current);
      return rest.length === 0 ? real : path2.join(real, ...rest.reverse());
    } catch (err) {
      const code = errnoCode(err);
      if (code !== "ENOENT" && code !== "ENOTDIR") throw err;
      const parent = path2.dirname(current);
      if (parent === current) return abs;
      rest.push(path2.basename(current));
      current = parent;
    }
  }
}
function ancestorsOf(p) {
  const out = [];
  let current = path2.dirname(p);
  for (; ; ) {
    out.unshift(current);
    const parent = path2.dirname(current);
    if (parent === current) return out;
    current = parent;
  }
}

// src/sandbox/policy.ts
import path3 from "node:path";
var DEFAULT_WORKSPACE_WRITE = {
  writableRoots: [],
  networkAccess: false,
  excludeTmpdirEnvVar: false,
  excludeSlashTmp: false
};
var PROTECTED_DIR_NAMES = [".git", ".codex"];
function protocolSandboxPolicy(mode, ww = DEFAULT_WORKSPACE_WRITE) {
  switch (mode) {
    case "read-only":
      return { type: "readOnly", networkAccess: false };
    case "workspace-write":
      return {
        type: "workspaceWrite",
        writableRoots: [...ww.writableRoots],
        networkAccess: ww.networkAccess,
        excludeTmpdirEnvVar: ww.excludeTmpdirEnvVar,
        excludeSlashTmp: ww.excludeSlashTmp
      };
    case "danger-full-access":
      return { type: "dangerFullAccess" };
  }
}
function sandboxModeOf(policy) {
  switch (policy.type) {
    case "readOnly":
      return "read-only";
    case "workspaceWrite":
      return "workspace-write";
    default:
      return "danger-full-access";
  }
}
function resolveToolPolicy(policy, cwd) {
  switch (policy.type) {
    case "readOnly":
      return { kind: "read-only", workspace: cwd, networkAccess: policy.networkAccess === true };
    case "workspaceWrite": {
      const extra = (policy.writableRoots ?? []).map((r) => path3.resolve(cwd, r));
      return {
        kind: "workspace-write",
        workspace: cwd,
        writableRoots: [.../* @__PURE__ */ new Set([cwd, ...extra])],
        networkAccess: policy.networkAccess === true,
        writableTmp: policy.excludeSlashTmp !== true
      };
    }
    case "dangerFullAccess":
      return { kind: "danger-full-access" };
    case "externalSandbox":
      return { kind: "external-sandbox", networkAccess: policy.networkAccess === "enabled" };
  }
}
function needsOsSandbox(policy) {
  return policy.kind === "read-only" || policy.kind === "workspace-write";
}
function writeViolation(policy, realRoots, real) {
  if (policy.kind === "read-only") return "the sandbox is read-only, so no file can be changed";
  if (policy.kind !== "workspace-write") return null;
  const root = realRoots.find((r) => isInside(r, real));
  if (root === void 0) {
    return `${real} is outside the writable roots of the sandbox (${realRoots.join(", ")})`;
  }
  const parts = path3.relative(root, real).split(path3.sep);
  const protectedPart = parts.find((p) => PROTECTED_DIR_NAMES.includes(p));
  if (protectedPart !== void 0) {
    return `${real} is inside a ${protectedPart} directory, which stays read-only in the sandbox`;
  }
  return null;
}
function describePolicy(policy) {
  const network = "networkAccess" in policy && policy.networkAccess ? "network access allowed" : "no network access";
  switch (policy.kind) {
    case "read-only":
      return `read-only sandbox: no file can be changed, ${network}`;
    case "workspace-write":
      return `workspace-write sandbox: writes only under ${policy.writableRoots.join(", ")} (never inside .git), ${network}`;
    case "danger-full-access":
      return "no sandbox";
    case "external-sandbox":
      return `external sandbox, ${network}`;
  }
}

// src/sandbox/tool-env.ts
var ALLOWED = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "LC_ALL",
  "LC_CTYPE",
  "LC_MESSAGES",
  "TERM",
  "TZ",
  "TMPDIR",
  "CI",
  "NODE_OPTIONS"
];
function toolEnvironment(source) {
  const env = {};
  for (const name of ALLOWED) {
    const value = source[name];
    if (value !== void 0) env[name] = value;
  }
  env.PAGER = "cat";
  env.GIT_PAGER = "cat";
  env.GIT_TERMINAL_PROMPT = "0";
  env.NO_COLOR = "1";
  return env;
}

// src/sandbox/tool-sandbox.ts
var DENIAL_PATTERN = /read-only file system|permission denied|operation not permitted|EROFS|EACCES|EPERM|network is unreachable|ENETUNREACH|connection refused|ECONNREFUSED|could not resolve|name resolution|EAI_AGAIN|getaddrinfo/i;
var ToolSandbox = class _ToolSandbox {
  constructor(o) {
    this.o = o;
  }
  o;
  roots = null;
  /** No restrictions: for danger-full-access, and for an approved escalation. */
  static unrestricted() {
    return new _ToolSandbox({ policy: { kind: "danger-full-access" }, host: null });
  }
  /** `mode` (default settings) without an OS sandbox: commands that need one fail closed; apply_patch rules hold. */
  static withoutHost(mode, cwd) {
    return new _ToolSandbox({ policy: resolveToolPolicy(protocolSandboxPolicy(mode), cwd), host: null });
  }
  get policy() {
    return this.o.policy;
  }
  get enforced() {
    return needsOsSandbox(this.o.policy);
  }
  /** How to start `argv` in `cwd`; throws SandboxUnavailableError when the sandbox cannot be set up. */
  async spawnPlan(argv, cwd, sourceEnv) {
    const p = this.o.policy;
    if (!needsOsSandbox(p)) {
      return { file: argv[0], args: argv.slice(1), cwd, env: toolEnvironment(sourceEnv), sandboxed: false };
    }
    if (this.o.host === null) throw new SandboxUnavailableError(`no OS sandbox was set up for this ${describePolicy(p)}`);
    return this.o.host.wrap(p, this.user, argv, cwd, sourceEnv);
  }
  /** The same turn's sandbox for a command the user approved to run outside it. */
  escalated() {
    return new _ToolSandbox({ ...this.o, policy: { kind: "danger-full-access" } });
  }
  /** Why apply_patch may not write `real` (resolved), or null. */
  async writeViolation(real) {
    return writeViolation(this.o.policy, await this.realRoots(), real);
  }
  /** Roots apply_patch may write besides the working directory. */
  async extraRoots() {
    return this.o.policy.kind === "workspace-write" ? this.realRoots() : [];
  }
  /** Keeps the sandbox user's access to files the server rewrote for apply_patch. */
  async afterHostWrite(files) {
    if (this.o.host === null || !needsOsSandbox(this.o.policy)) return;
    const level = this.o.policy.kind === "workspace-write" ? "rwX" : "rX";
    await this.o.host.afterHostWrite(this.user, files, level);
  }
  /** A note for the model when a sandboxed command probably failed because of the sandbox. */
  denialNote(exitCode, output) {
    if (!this.enforced || exitCode === 0 || !DENIAL_PATTERN.test(output)) return null;
    const escalate = this.o.canEscalate ? "If the command really needs more, run it again with `sandbox_permissions` set to `require_escalated` and a one-sentence `justification`; a person decides." : "Running outside the sandbox is not possible under this approval policy: find another way, or report what is blocked.";
    return `This command ran in a ${describePolicy(this.o.policy)}; the failure above looks like the sandbox refusing it. ${escalate}`;
  }
  get user() {
    return this.o.sandboxUser ?? DEFAULT_SANDBOX_USER;
  }
  realRoots() {
    const p = this.o.policy;
    const roots = p.kind === "workspace-write" ? p.writableRoots : [];
    this.roots ??= Promise.all(roots.map((r) => resolveReal(r)));
    return this.roots;
  }
};

// src/sandbox/launcher.ts
var EXIT_NO_SANDBOX = -1;
async function launch(opts) {
  const started = Date.now();
  const sandbox = opts.sandbox ?? ToolSandbox.unrestricted();
  let plan;
  try {
    plan = await sandbox.spawnPlan(opts.argv, opts.cwd, opts.env ?? process.env);
  } catch (err) {
    if (err instanceof SandboxUnavailableError) return notStarted(err, started);
    throw err;
  }
  if (opts.signal.aborted) return notStarted(null, started, { aborted: true });
  const run = await runProcess(plan, opts);
  const sandboxNote = plan.sandboxed && !run.timedOut && !run.aborted ? sandbox.denialNote(run.exitCode, run.output) : null;
  return { ...run, durationMs: Date.now() - started, sandboxed: plan.sandboxed, sandboxNote, sandboxError: null };
}
function notStarted(err, started, o = {}) {
  return {
    exitCode: EXIT_NO_SANDBOX,
    output: err ? `${err.message}
` : "",
    outputTruncated: false,
    timedOut: false,
    aborted: o.aborted === true,
    durationMs: Date.now() - started,
    pid: null,
    sandboxed: false,
    sandboxNote: null,
    sandboxError: err
  };
}

// src/tools/apply-patch-tool.ts
var APPLY_PATCH = "apply_patch";
var PATCH_GRAMMAR = [
  "start: begin_patch operation+ end_patch",
  'begin_patch: "*** Begin Patch" LF',
  'end_patch: "*** End Patch" LF?',
  "operation: add_file | delete_file | update_file",
  'add_file: "*** Add File: " LINE LF plus_line+',
  'delete_file: "*** Delete File: " LINE LF',
  'update_file: "*** Update File: " LINE LF move_to? hunk_lines?',
  'move_to: "*** Move to: " LINE LF',
  "hunk_lines: (hunk_header | diff_line)+ end_of_file?",
  'hunk_header: "@@" (" " LINE)? LF',
  'plus_line: "+" LINE? LF',
  'diff_line: (" " | "-" | "+") LINE? LF',
  'end_of_file: "*** End of File" LF',
  "LINE: /[^\\n]+/",
  'LF: "\\n"'
].join("\n");
var applyPatchSpec = {
  type: "custom",
  name: APPLY_PATCH,
  description: 'Create, edit, move or delete files by sending a patch as plain text (not JSON). Wrap it in "*** Begin Patch" / "*** End Patch"; use "*** Add File: <path>" with "+" lines, "*** Delete File: <path>", or "*** Update File: <path>" followed by "@@" hunks whose lines start with " ", "-" or "+". Paths are relative to the workspace.',
  format: { type: "grammar", syntax: "lark", definition: PATCH_GRAMMAR }
};

// src/tools/exec-command.ts
import path4 from "node:path";
var EXEC_COMMAND = "exec_command";
var execCommandSpec = {
  type: "function",
  name: EXEC_COMMAND,
  description: "Run a shell command in the workspace and return its exit code and combined stdout/stderr. Use it to inspect files, run tests and builds, and use git. Commands run non-interactively.",
  strict: false,
  parameters: {
    type: "object",
    properties: {
      cmd: { type: "string", description: "The shell command line to run." },
      workdir: { type: "string", description: "Directory to run in; relative paths resolve against the workspace. Defaults to the workspace." },
      shell: { type: "string", description: "Shell to run the command with. Defaults to bash." },
      login: { type: "boolean", description: "Whether to start the shell as a login shell. Defaults to false." },
      tty: { type: "boolean", description: "Ignored: commands always run without a terminal." },
      yield_time_ms: { type: "number", description: "Accepted for compatibility; the command always runs to completion or timeout." },
      max_output_tokens: { type: "number", description: "Upper bound on how much output is returned, in tokens (about 4 characters each)." },
      sandbox_permissions: {
        type: "string",
        enum: ["use_default", "require_escalated"],
        description: "Set to `require_escalated` to ask for the command to run with more permissions than the sandbox allows."
      },
      justification: { type: "string", description: "Why escalated permissions are needed, shown to the approver." },
      prefix_rule: { type: "array", items: { type: "string" }, description: "Command prefix the approver may allow for the rest of the session." }
    },
    required: ["cmd"],
    additionalProperties: false
  }
};
var ToolArgumentError = class extends ToolFailure {
  name = "ToolArgumentError";
};
function parseExecCommandArgs(raw) {
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new ToolArgumentError(`arguments are not valid JSON: ${err.message}`);
  }
  if (typeof parsed !== "object" || parsed === null) throw new ToolArgumentError("arguments must be a JSON object");
  const a = parsed;
  if (typeof a.cmd !== "string" || a.cmd.trim() === "") throw new ToolArgumentError("`cmd` must be a non-empty string");
  return {
    cmd: a.cmd,
    workdir: typeof a.workdir === "string" && a.workdir !== "" ? a.workdir : null,
    shell: typeof a.shell === "string" && a.shell !== "" ? a.shell : "bash",
    login: a.login === true,
    maxOutputTokens: typeof a.max_output_tokens === "number" && a.max_output_tokens > 0 ? a.max_output_tokens : 1e4,
    escalated: a.sandbox_permissions === "require_escalated",
    justification: typeof a.justification === "string" ? a.justification : null
  };
}
function shellArgv(args) {
  return [args.shell, args.login ? "-lc" : "-c", args.cmd];
}
function displayCommand(argv) {
  return argv.map(shellQuote).join(" ");
}
function shellQuote(word) {
  if (/^[A-Za-z0-9_\-./=:@%+,]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
function commandActions(cmd, cwd) {
  const words = cmd.trim().split(/\s+/);
  const simple = !/[|&;<>()$`]/.test(cmd);
  if (simple && words.length === 2 && ["cat", "head", "tail", "less", "more"].includes(words[0])) {
    const file = words[1];
    return [{ type: "read", command: cmd, name: path4.basename(file), path: path4.resolve(cwd, file) }];
  }
  if (simple && (words[0] === "ls" || words[0] === "tree")) {
    const target = words.slice(1).find((w) => !w.startsWith("-")) ?? null;
    return [{ type: "listFiles", command: cmd, path: target }];
  }
  if (simple && (words[0] === "rg" || words[0] === "grep")) {
    const rest = words.slice(1).filter((w) => !w.startsWith("-"));
    return [{ type: "search", command: cmd, query: rest[0] ?? null, path: rest[1] ?? null }];
  }
  return [{ type: "unknown", command: cmd }];
}
function formatCommandOutput(r) {
  const limit = Math.max(256, r.maxOutputTokens * 4);
  const body = truncateMiddle(r.output, limit);
  const lines = [`Exit code: ${r.exitCode}`, `Wall time: ${(r.durationMs / 1e3).toFixed(1)} seconds`];
  if (r.timedOut) lines.push("The command timed out and was killed.");
  lines.push("Output:", body);
  if (r.sandboxNote) lines.push(`Sandbox: ${r.sandboxNote}`);
  return lines.join("\n");
}
function truncateMiddle(text, limit) {
  if (text.length <= limit) return text;
  const half = Math.floor(limit / 2);
  const dropped = text.length - 2 * half;
  return `${text.slice(0, half)}
[... ${dropped} characters omitted ...]
${text.slice(text.length - half)}`;
}

// src/tools/update-plan.ts
var UPDATE_PLAN = "update_plan";
var PLAN_UPDATED_OUTPUT = "Plan updated";
var MODEL_STATUSES = ["pending", "in_progress", "completed"];
var WIRE_STATUS = {
  pending: "pending",
  in_progress: "inProgress",
  completed: "completed"
};
var updatePlanSpec = {
  type: "function",
  name: UPDATE_PLAN,
  description: "Record or revise your plan for the task as a short checklist the user can follow. Send the whole list each time, every step with its status; keep at most one step in_progress.",
  strict: false,
  parameters: {
    type: "object",
    properties: {
      explanation: { type: "string", description: "Why the plan is what it is or why it changed (optional)." },
      plan: {
        type: "array",
        description: "Every step of the plan, in order.",
        items: {
          type: "object",
          properties: {
            step: { type: "string", description: "What the step does, in a few words." },
            status: { type: "string", enum: [...MODEL_STATUSES], description: "Where the step stands." }
          },
          required: ["step", "status"],
          additionalProperties: false
        }
      }
    },
    required: ["plan"],
    additionalProperties: false
  }
};
function parseUpdatePlanArgs(raw) {
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new ToolArgumentError(`arguments are not valid JSON: ${err.message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ToolArgumentError("arguments must be a JSON object");
  const a = parsed;
  if (a.explanation != null && typeof a.explanation !== "string") throw new ToolArgumentError("`explanation` must be a string");
  if (!Array.isArray(a.plan)) throw new ToolArgumentError("`plan` must be an array of {step, status}");
  const plan = a.plan.map((entry2, i) => {
    const e = entry2;
    if (typeof e !== "object" || e === null || typeof e.step !== "string") throw new ToolArgumentError(`plan[${i}].step must be a string`);
    const status = MODEL_STATUSES.find((s) => s === e.status);
    if (!status) throw new ToolArgumentError(`plan[${i}].status must be one of ${MODEL_STATUSES.join(", ")}`);
    return { step: e.step, status: WIRE_STATUS[status] };
  });
  return { explanation: typeof a.explanation === "string" ? a.explanation : null, plan };
}

// src/tools/registry.ts
function toolSpecs() {
  return [execCommandSpec, updatePlanSpec, applyPatchSpec];
}

// src/util/http-status.ts
import { createRequire } from "node:module";
function httpStatusText(status) {
  const http = createRequire(import.meta.url)("node:http");
  return http.STATUS_CODES[status];
}

// src/agent/errors.ts
var INTERNAL_SERVER_ERROR_MESSAGE = "We\u2019re currently experiencing high demand, which may cause temporary errors.";
var SERVER_OVERLOADED_MESSAGE = "Selected model is at capacity. Please try a different model.";
var CONTEXT_WINDOW_EXCEEDED_MESSAGE = "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.";
var USAGE_LIMIT_MESSAGE = "Quota exceeded. Check your plan and billing details.";
var MAX_QUOTED_BODY_CHARS = 1e3;
var OVERLOADED_CODES = /* @__PURE__ */ new Set(["server_is_overloaded", "slow_down"]);
var CONTEXT_WINDOW_CODES = /* @__PURE__ */ new Set(["context_length_exceeded"]);
function turnErrorFrom(err) {
  if (err instanceof ModelError) return finalError(err);
  if (err instanceof TernError && err.code === SANDBOX_ERROR_CODE) return { message: err.message, codexErrorInfo: "sandboxError", additionalDetails: null };
  return { message: err instanceof Error ? err.message : String(err), codexErrorInfo: "other", additionalDetails: null, misalignment: null };
}
function retryTurnError(retry) {
  return {
    message: `Reconnecting... ${retry.attempt}/${retry.maxAttempts}`,
    codexErrorInfo: transientInfo(retry.error),
    additionalDetails: describe(retry.error),
    misalignment: null
  };
}
function finalError(err) {
  const status = err.details.status ?? null;
  const code = err.details.code ?? null;
  const info = (codexErrorInfo, message = describe(err), additionalDetails = null) => ({
    message,
    codexErrorInfo,
    additionalDetails,
    misalignment: null
  });
  if (code !== null && CONTEXT_WINDOW_CODES.has(code)) return info("contextWindowExceeded", CONTEXT_WINDOW_EXCEEDED_MESSAGE);
  if (code !== null && QUOTA_ERROR_CODES.has(code)) return info("usageLimitExceeded", USAGE_LIMIT_MESSAGE);
  switch (err.kind) {
    case "connection":
      return info({ httpConnectionFailed: { httpStatusCode: null } });
    case "stream_disconnected":
      return info({ responseStreamDisconnected: { httpStatusCode: null } });
    case "response_failed":
      return responseFailedError(err, info);
    case "aborted":
      return info("other");
    case "http":
      return httpError(err, status, code, info);
  }
}
function responseFailedError(err, info) {
  const code = err.details.code ?? null;
  if (code !== null && OVERLOADED_CODES.has(code)) return info("serverOverloaded", SERVER_OVERLOADED_MESSAGE);
  if (code === "rate_limit_exceeded") return info("rateLimitExceeded", `rate limit exceeded: ${err.message}`);
  if (code !== null && !TRANSIENT_FAILURE_CODES.has(code)) return info("other", err.message);
  return info("other");
}
function httpError(err, status, code, info) {
  if (status === 400) return info("other", err.details.body?.trim() || describe(err));
  if (status === 404 && code === "model_not_found") return info("modelNotFound", providerText(err));
  if (status === 429) return info({ responseTooManyFailedAttempts: { httpStatusCode: 429 } }, retryLimitMessage(err), providerDetails(err));
  if (status !== null && status >= 500) {
    if (err.retries > 0) {
      return info({ responseTooManyFailedAttempts: { httpStatusCode: status } }, retryLimitMessage(err), providerDetails(err));
    }
    if (status === 500) return info("internalServerError", INTERNAL_SERVER_ERROR_MESSAGE);
    if (code !== null && OVERLOADED_CODES.has(code)) return info("serverOverloaded", SERVER_OVERLOADED_MESSAGE);
  }
  return info({ httpConnectionFailed: { httpStatusCode: status } });
}
function transientInfo(err) {
  switch (err.kind) {
    case "http":
      return { responseStreamConnectionFailed: { httpStatusCode: err.details.status ?? null } };
    case "connection":
      return { httpConnectionFailed: { httpStatusCode: null } };
    default:
      return { responseStreamDisconnected: { httpStatusCode: null } };
  }
}
function describe(err) {
  const rid = requestIdSuffix(err);
  switch (err.kind) {
    case "http": {
      const url = err.details.url ? `, url: ${err.details.url}` : "";
      return `unexpected status ${statusLine(err.details.status)}: ${providerText(err)}${url}${rid}`;
    }
    case "connection":
      return `Connection failed: ${err.message}${rid}`;
    case "stream_disconnected":
      return `stream disconnected before completion: ${err.message}${rid}`;
    case "response_failed":
      return `stream disconnected before completion: ${err.message}`;
    case "aborted":
      return err.message;
  }
}
function retryLimitMessage(err) {
  return `exceeded retry limit, last status: ${statusLine(err.details.status)}${requestIdSuffix(err)}`;
}
function providerDetails(err) {
  const text = providerText(err);
  return text === "" ? null : text;
}
function providerText(err) {
  const message = err.details.providerMessage?.trim();
  if (message) return message;
  const body = err.details.body?.trim();
  if (body) return body.length > MAX_QUOTED_BODY_CHARS ? `${body.slice(0, MAX_QUOTED_BODY_CHARS)}...` : body;
  return "Unknown error";
}
function requestIdSuffix(err) {
  return err.details.requestId ? `, request id: ${err.details.requestId}` : "";
}
function statusLine(status) {
  if (status === void 0) return "unknown";
  const reason = httpStatusText(status);
  return reason ? `${status} ${reason}` : String(status);
}

// src/agent/prompt.ts
import os from "node:os";

// src/util/time-zone.ts
import { readFileSync as readFileSync2, readlinkSync } from "node:fs";
var SYSTEM = { localtime: "/etc/localtime", timezoneFile: "/etc/timezone" };
var ZONEINFO_DIR = "/zoneinfo/";
function systemTimeZone(sources = SYSTEM) {
  return fromLocaltimeLink(sources.localtime) ?? fromTimezoneFile(sources.timezoneFile) ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}
function fromLocaltimeLink(file) {
  let target;
  try {
    target = readlinkSync(file);
  } catch {
    return null;
  }
  const at = target.lastIndexOf(ZONEINFO_DIR);
  if (at === -1) return null;
  const name = target.slice(at + ZONEINFO_DIR.length);
  return name === "" ? null : name;
}
function fromTimezoneFile(file) {
  try {
    const name = readFileSync2(file, "utf8").split("\n")[0].trim();
    return name === "" ? null : name;
  } catch {
    return null;
  }
}

// src/agent/agents-md.ts
import { open, realpath, stat } from "node:fs/promises";
import path6 from "node:path";

// src/util/git-marker.ts
import { existsSync, statSync } from "node:fs";
import path5 from "node:path";
function hasGitMarker(dir) {
  const dotGit = path5.join(dir, ".git");
  const st = statSync(dotGit, { throwIfNoEntry: false });
  if (!st) return false;
  return st.isFile() || st.isDirectory() && existsSync(path5.join(dotGit, "HEAD"));
}

// src/agent/agents-md.ts
var PROJECT_DOC_MAX_BYTES_DEFAULT = 32 * 1024;
var AGENTS_MD = "AGENTS.md";
var AGENTS_OVERRIDE_MD = "AGENTS.override.md";
async function findRepoRoot(cwd) {
  let dir = path6.resolve(cwd);
  for (; ; ) {
    if (hasGitMarker(dir)) return dir;
    const parent = path6.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
async function searchDirs(cwd) {
  const leaf = path6.resolve(cwd);
  const root = await findRepoRoot(leaf);
  if (root === null) return [leaf];
  const dirs = [leaf];
  let dir = leaf;
  while (dir !== root) {
    dir = path6.dirname(dir);
    dirs.unshift(dir);
  }
  return dirs;
}
async function discoverAgentsMd(opts) {
  if (opts.maxBytes <= 0) return { files: [], truncated: false };
  const found = [];
  if (opts.globalDir !== null) {
    const root2 = await realpath(opts.globalDir).catch(() => null);
    const global = root2 === null ? null : await firstNonEmpty(opts.globalDir, [AGENTS_OVERRIDE_MD, AGENTS_MD], root2, opts.maxBytes);
    if (global) found.push(global);
  }
  const names = [
    AGENTS_OVERRIDE_MD,
    AGENTS_MD,
    ...opts.fallbackFilenames.filter((n) => n !== AGENTS_MD && n !== AGENTS_OVERRIDE_MD && n === path6.basename(n))
  ];
  const dirs = await searchDirs(opts.cwd);
  const root = await realpath(dirs[0]).catch(() => dirs[0]);
  for (const dir of dirs) {
    const file = await firstNonEmpty(dir, names, root, opts.maxBytes);
    if (file) found.push(file);
  }
  let remaining = opts.maxBytes;
  let truncated = false;
  const kept = [];
  for (let i = found.length - 1; i >= 0; i--) {
    const f = found[i];
    if (remaining <= 0) {
      truncated = true;
      continue;
    }
    const cut = f.bytes.length > remaining;
    const text = cut ? truncateUtf8(f.bytes, remaining) : f.bytes.toString("utf8");
    remaining -= cut ? remaining : f.bytes.length;
    truncated ||= cut;
    kept.unshift({ path: f.path, text, truncated: cut });
  }
  return { files: kept, truncated };
}
function agentsMdText(cwd, result) {
  const files = result.files.filter((f) => f.text.trim() !== "");
  if (files.length === 0) return null;
  const parts = files.map((f) => {
    const body = f.text.replace(/\s+$/, "");
    const note = f.truncated ? "\n[... the rest of this file was left out: AGENTS.md size limit reached]" : "";
    return `## ${f.path}

${body}${note}`;
  });
  return `# AGENTS.md instructions for ${cwd}

<INSTRUCTIONS>
${parts.join("\n\n")}
</INSTRUCTIONS>`;
}
function isAgentsMdMessageText(text) {
  return text.startsWith("# AGENTS.md instructions for ");
}
function truncateUtf8(buf, max) {
  if (buf.length <= max) return buf.toString("utf8");
  let end = max;
  while (end > 0 && (buf[end] & 192) === 128) end--;
  return buf.subarray(0, end).toString("utf8");
}
async function firstNonEmpty(dir, names, allowedRoot, maxBytes) {
  for (const name of names) {
    const p = path6.join(dir, name);
    const real = await realpath(p).catch(() => null);
    if (real === null || !isInside2(real, allowedRoot)) continue;
    const st = await stat(real).catch(() => null);
    if (!st?.isFile()) continue;
    const bytes = await readHead(real, maxBytes).catch(() => null);
    if (bytes === null || bytes.toString("utf8").trim() === "") continue;
    return { path: p, bytes };
  }
  return null;
}
async function readHead(file, maxBytes) {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(maxBytes + 1);
    let filled = 0;
    while (filled < buf.length) {
      const { bytesRead } = await fh.read(buf, filled, buf.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buf.subarray(0, filled);
  } finally {
    await fh.close();
  }
}
function isInside2(p, root) {
  const rel = path6.relative(root, p);
  return rel === "" || !rel.startsWith("..") && !path6.isAbsolute(rel);
}

// src/agent/prompt.ts
var ENVIRONMENT_CONTEXT_OPEN = "<environment_context>";
function initialContextItems(ctx) {
  const items = [developerMessage(permissionsText(ctx))];
  if (ctx.developerInstructions && ctx.developerInstructions.trim() !== "") {
    items.push(developerMessage(ctx.developerInstructions));
  }
  if (ctx.agentsMd) items.push(userMessage(ctx.agentsMd));
  items.push(userMessage(environmentContext(ctx, ctx.now)));
  return items;
}
function contextUpdateItems(prev, next, now) {
  const approvalChanged = JSON.stringify(prev.approvalPolicy) !== JSON.stringify(next.approvalPolicy);
  const permissionsChanged = approvalChanged || prev.sandboxMode !== next.sandboxMode || prev.cwd !== next.cwd;
  const environmentChanged = permissionsChanged || prev.networkAccess !== next.networkAccess || prev.shell !== next.shell;
  const items = [];
  if (permissionsChanged) items.push(developerMessage(permissionsText(next)));
  if (environmentChanged) items.push(userMessage(environmentContext(next, now)));
  return items;
}
function isContextItem(item) {
  if (item.type !== "message") return false;
  if (item.role === "developer" || item.role === "system") return true;
  if (item.role !== "user") return false;
  const text = messageText(item);
  return text.startsWith(ENVIRONMENT_CONTEXT_OPEN) || isAgentsMdMessageText(text);
}
function messageText(item) {
  return item.type === "message" ? item.content.map((c) => c.text).join("") : "";
}
function userMessage(text) {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}
function developerMessage(text) {
  return { type: "message", role: "developer", content: [{ type: "input_text", text }] };
}
function permissionsText(ctx) {
  const sandbox = {
    "read-only": "The workspace is read-only: do not try to modify files.",
    "workspace-write": `You may modify files inside the workspace (${ctx.cwd}). Leave files outside it alone.`,
    "danger-full-access": "There is no filesystem sandbox: act with care outside the workspace."
  };
  const approval = ctx.approvalPolicy === "never" ? "No one will approve actions during this run: never wait for confirmation; if something is not allowed, find another way or report it." : ctx.approvalPolicy === "untrusted" ? "Commands and file edits are shown to a person for approval before they run; a declined action was not performed." : typeof ctx.approvalPolicy === "object" && !ctx.approvalPolicy.granular.sandbox_approval ? "Requests to run outside the sandbox are refused without asking anyone: stay within the sandbox." : "When a command needs more than the sandbox allows, set `sandbox_permissions` to `require_escalated` with a one-sentence `justification`; a person decides.";
  return `<permissions>
${sandbox[ctx.sandboxMode]}
${approval}
</permissions>`;
}
function environmentContext(ctx, now) {
  const tz = systemTimeZone();
  const approval = typeof ctx.approvalPolicy === "string" ? ctx.approvalPolicy : "granular";
  return [
    ENVIRONMENT_CONTEXT_OPEN,
    `  <cwd>${escapeXml(ctx.cwd)}</cwd>`,
    `  <shell>${escapeXml(ctx.shell)}</shell>`,
    `  <sandbox_mode>${ctx.sandboxMode}</sandbox_mode>`,
    `  <approval_policy>${approval}</approval_policy>`,
    `  <network_access>${ctx.networkAccess ? "enabled" : "restricted"}</network_access>`,
    `  <os>${os.platform()}</os>`,
    `  <current_date>${now.toISOString().slice(0, 10)}</current_date>`,
    `  <timezone>${escapeXml(tz)}</timezone>`,
    "</environment_context>"
  ].join("\n");
}
function escapeXml(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// src/agent/compaction.ts
var KNOWN_CONTEXT_WINDOWS = [
  ["gpt-5", 272e3],
  ["gpt-4.1", 1047576],
  ["gpt-4o", 128e3],
  ["o1", 2e5],
  ["o3", 2e5],
  ["o4-mini", 2e5],
  ["codex-mini", 2e5],
  ["gpt-oss", 96e3]
];
var EFFECTIVE_CONTEXT_WINDOW_PERCENT = 95;
var AUTO_COMPACT_PERCENT = 90;
var COMPACT_USER_MESSAGES_MAX_TOKENS = 2e4;
var BYTES_PER_TOKEN = 4;
var COMPACTION_PROMPT = `Context checkpoint: this conversation is about to be shortened. Everything before this message will be replaced by what you write now, together with the most recent user messages. Write a handoff note for the agent who will carry on the task from here, knowing nothing else about it.

Include:
- the task, and every constraint, preference or instruction the user gave;
- what has been done: files read or changed (and how), commands run and what they showed;
- the current state: what works, what still fails, open questions;
- decisions made and the reasons for them;
- the next concrete steps.

Be specific and brief: name files, functions, commands and error messages; leave out anything that no longer matters. Do not call any tool; reply with the note only.`;
var SUMMARY_PREFIX = "An earlier part of this conversation was compacted. The user messages just above are the most recent ones, kept as they were; everything else that happened before this point is known only through the handoff note below, written by the agent that worked on it:";
function knownContextWindow(model) {
  const name = model.slice(model.lastIndexOf("/") + 1).toLowerCase();
  let best = null;
  for (const entry2 of KNOWN_CONTEXT_WINDOWS) {
    if (name.startsWith(entry2[0]) && (best === null || entry2[0].length > best[0].length)) best = entry2;
  }
  return best === null ? null : best[1];
}
function contextLimits(opts) {
  const contextWindow = opts.modelContextWindow ?? knownContextWindow(opts.model);
  if (contextWindow === null) {
    return { contextWindow: null, effectiveContextWindow: null, autoCompactLimit: opts.autoCompactTokenLimit };
  }
  const byWindow = Math.floor(contextWindow * AUTO_COMPACT_PERCENT / 100);
  return {
    contextWindow,
    effectiveContextWindow: Math.floor(contextWindow * EFFECTIVE_CONTEXT_WINDOW_PERCENT / 100),
    autoCompactLimit: opts.autoCompactTokenLimit === null ? byWindow : Math.min(byWindow, opts.autoCompactTokenLimit)
  };
}
function estimateTokens(text) {
  return Math.ceil(Buffer.byteLength(text, "utf8") / BYTES_PER_TOKEN);
}
function estimateItemsTokens(items) {
  return items.reduce((n, item) => n + estimateTokens(JSON.stringify(item)), 0);
}
function isModelGenerated(item) {
  return item.type === "reasoning" || item.type === "function_call" || item.type === "custom_tool_call" || item.type === "message" && item.role === "assistant";
}
function isSummaryMessage(item) {
  return item.type === "message" && item.role === "user" && messageText(item).startsWith(SUMMARY_PREFIX);
}
function summaryMessage(summary) {
  return userMessage(`${SUMMARY_PREFIX}

${summary}`);
}
function buildCompactedHistory(items, summary, userMessageBudgetTokens = COMPACT_USER_MESSAGES_MAX_TOKENS) {
  const context = items.filter(isContextItem);
  const userMessages = items.filter(
    (i) => i.type === "message" && i.role === "user" && !isContextItem(i) && !isSummaryMessage(i)
  );
  const kept = [];
  let remaining = userMessageBudgetTokens;
  for (let i = userMessages.length - 1; i >= 0 && remaining > 0; i--) {
    const item = userMessages[i];
    const text = messageText(item);
    const tokens = estimateTokens(text);
    if (tokens <= remaining) {
      kept.unshift(item);
      remaining -= tokens;
    } else {
      kept.unshift(userMessage(cutMiddle(text, remaining * BYTES_PER_TOKEN)));
      remaining = 0;
    }
  }
  return [...context, ...kept, summaryMessage(summary)];
}
function cutMiddle(text, maxBytes) {
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return text;
  const keep = Math.max(0, Math.floor(maxBytes / 2) - 40);
  const chars = [...text];
  const head = chars.slice(0, keep).join("");
  const tail = chars.slice(Math.max(keep, chars.length - keep)).join("");
  return `${head}
[... part of this message was left out to fit the compacted history ...]
${tail}`;
}
function dropOldest(items) {
  const i = items.findIndex((item) => !isContextItem(item));
  if (i < 0) return false;
  const [removed] = items.splice(i, 1);
  if (removed && (removed.type === "function_call" || removed.type === "custom_tool_call")) {
    const out = items.findIndex(
      (item) => (item.type === "function_call_output" || item.type === "custom_tool_call_output") && item.call_id === removed.call_id
    );
    if (out >= 0) items.splice(out, 1);
  }
  return true;
}
var Compactor = class {
  constructor(o) {
    this.o = o;
  }
  o;
  baseline = null;
  seenUsage = -1;
  get limits() {
    return this.o.limits;
  }
  /** A turn may switch the model, and with it the window. */
  set limits(limits) {
    this.o.limits = limits;
  }
  /** Estimated input tokens of the next request made from `items`. */
  estimateNextRequest(items, usage, instructions) {
    if (usage.updates !== this.seenUsage && usage.updates > 0) {
      this.seenUsage = usage.updates;
      let end = items.length;
      for (let i = items.length - 1; i >= 0; i--) {
        if (isModelGenerated(items[i])) {
          end = i + 1;
          break;
        }
      }
      this.baseline = { tokens: usage.lastTotalTokens, length: end };
    }
    if (this.baseline && this.baseline.length <= items.length) {
      return this.baseline.tokens + estimateItemsTokens(items.slice(this.baseline.length));
    }
    return estimateFullRequest(items, instructions);
  }
  /**
   * The turn runner's hook before each model request: compacts when the
   * request would reach the limit. True when it compacted.
   */
  async beforeSample(ctx) {
    const limit = this.o.limits.autoCompactLimit;
    if (limit === null) return false;
    const items = ctx.history.items();
    if (!items.some(isModelGenerated)) return false;
    if (this.estimateNextRequest(items, ctx.usage, ctx.instructions) < limit) return false;
    await this.compact(ctx);
    return true;
  }
  /** Compacts the history now; emits the `contextCompaction` item. Throws when the summary request fails. */
  async compact(ctx) {
    const ids = { threadId: ctx.threadId, turnId: ctx.turnId };
    const item = { type: "contextCompaction", id: newId() };
    const startedAtMs = Date.now();
    ctx.emit.notify("item/started", { ...ids, item: { ...item, startedAtMs, completedAtMs: null }, startedAtMs });
    const items = ctx.history.items();
    const summary = await this.summarize(ctx, items);
    const replacement = buildCompactedHistory(items, summary, this.o.userMessageBudgetTokens);
    ctx.history.replace({ summary, replacement_history: replacement });
    const tokens = estimateFullRequest(replacement, ctx.instructions);
    this.baseline = { tokens, length: replacement.length };
    const tokenUsage = ctx.usage.setLastEstimate(tokens);
    this.seenUsage = ctx.usage.updates;
    const completedAtMs = Date.now();
    ctx.emit.notify("item/completed", {
      ...ids,
      item: { ...item, startedAtMs, completedAtMs },
      completedAtMs,
      contentTokenCount: null
    });
    ctx.emit.notify("thread/compacted", ids);
    ctx.emit.notify("thread/tokenUsage/updated", { ...ids, tokenUsage });
  }
  /** The summary request; drops the oldest items while the provider says the input is too long. */
  async summarize(ctx, history) {
    const items = history.slice();
    const prompt = userMessage(this.o.prompt && this.o.prompt.trim() !== "" ? this.o.prompt : COMPACTION_PROMPT);
    for (; ; ) {
      const request = {
        model: ctx.model,
        instructions: ctx.instructions,
        input: [...items, prompt],
        tools: toolSpecs(),
        promptCacheKey: ctx.threadId,
        reasoningEffort: ctx.reasoningEffort
      };
      try {
        const { text, usage } = await collectText(ctx.client, request, ctx.signal, (ev) => {
          ctx.emit.notify("error", { threadId: ctx.threadId, turnId: ctx.turnId, error: retryTurnError(ev), willRetry: true });
        });
        if (usage) ctx.usage.add(usage);
        if (text.trim() === "") throw new Error("compaction failed: the model answered the summary request without any text");
        return text.trim();
      } catch (err) {
        const tooLong = err instanceof ModelError && turnErrorFrom(err).codexErrorInfo === "contextWindowExceeded";
        if (!tooLong || ctx.signal.aborted || !dropOldest(items)) throw err;
      }
    }
  }
};
function estimateFullRequest(items, instructions) {
  return estimateTokens(instructions) + estimateTokens(JSON.stringify(toolSpecs())) + estimateItemsTokens(items);
}
async function collectText(client, request, signal, onRetry) {
  let texts = [];
  let usage = null;
  for await (const ev of client.stream(request, signal)) {
    if (ev.type === "output_item_done" && ev.item.type === "message" && ev.item.role === "assistant") {
      texts.push(ev.item.content.map((c) => c.text).join(""));
    } else if (ev.type === "completed") {
      usage = ev.usage;
    } else if (ev.type === "retry") {
      texts = [];
      usage = null;
      onRetry(ev);
    }
  }
  return { text: texts.join("\n\n"), usage };
}
async function runCompactionTurn(compactor, ctx) {
  try {
    await compactor.compact(ctx);
    return { status: "completed", error: null, lastAgentMessage: null };
  } catch (err) {
    if (ctx.signal.aborted || err instanceof ModelError && err.kind === "aborted") {
      return { status: "interrupted", error: null, lastAgentMessage: null };
    }
    const error = turnErrorFrom(err);
    ctx.emit.notify("error", { threadId: ctx.threadId, turnId: ctx.turnId, error, willRetry: false });
    return { status: "failed", error, lastAgentMessage: null };
  }
}

// src/agent/history.ts
var ConversationHistory = class {
  list = [];
  listener;
  constructor(listener = () => {
  }) {
    this.listener = typeof listener === "function" ? { append: listener, replace: () => {
    } } : listener;
  }
  append(...items) {
    for (const item of items) {
      this.list.push(item);
      this.listener.append(item);
    }
  }
  /** Compaction only: the history becomes `record.replacement_history`. */
  replace(record) {
    this.list = record.replacement_history.slice();
    this.listener.replace({ summary: record.summary, replacement_history: record.replacement_history.slice() });
  }
  /** A snapshot for one request. */
  items() {
    return this.list.slice();
  }
  get length() {
    return this.list.length;
  }
};
function rebuildHistory(records) {
  let items = [];
  for (const r of records) {
    if (r.type === "response_item") items.push(r.payload);
    else if (r.type === "compacted") items = [...r.payload.replacement_history];
  }
  return items;
}

// src/agent/token-usage.ts
var zero = () => ({
  totalTokens: 0,
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  outputTokens: 0,
  reasoningOutputTokens: 0
});
var TokenUsageTracker = class {
  constructor(contextWindow) {
    this.contextWindow = contextWindow;
  }
  contextWindow;
  total = zero();
  last = zero();
  changes = 0;
  /** A turn may switch the model, and with it the window. */
  setContextWindow(tokens) {
    this.contextWindow = tokens;
  }
  /** Counts every change of `last`, so an observer can tell a new response from one it has seen. */
  get updates() {
    return this.changes;
  }
  /** Tokens of the last response (input + output), or of the estimate set after a compaction. */
  get lastTotalTokens() {
    return this.last.totalTokens;
  }
  /**
   * After a compaction, `last` no longer describes the history: it becomes an
   * estimate of the new history's size (input tokens only). The total keeps
   * everything actually spent.
   */
  setLastEstimate(tokens) {
    this.last = { ...zero(), totalTokens: tokens, inputTokens: tokens };
    this.changes++;
    return this.snapshot();
  }
  add(u) {
    this.changes++;
    this.last = {
      totalTokens: u.totalTokens,
      inputTokens: u.inputTokens,
      cachedInputTokens: u.cachedInputTokens,
      cacheWriteInputTokens: 0,
      outputTokens: u.outputTokens,
      reasoningOutputTokens: u.reasoningOutputTokens
    };
    const t = this.total;
    this.total = {
      totalTokens: t.totalTokens + u.totalTokens,
      inputTokens: t.inputTokens + u.inputTokens,
      cachedInputTokens: t.cachedInputTokens + u.cachedInputTokens,
      cacheWriteInputTokens: 0,
      outputTokens: t.outputTokens + u.outputTokens,
      reasoningOutputTokens: t.reasoningOutputTokens + u.reasoningOutputTokens
    };
    return this.snapshot();
  }
  /** The totals a thread's log recorded last (resume, fork): counting goes on from there. */
  restore(u) {
    this.total = { ...u.total };
    this.last = { ...u.last };
    this.changes++;
  }
  snapshot() {
    return { total: { ...this.total }, last: { ...this.last }, modelContextWindow: this.contextWindow };
  }
};

// src/agent/turn-runner.ts
import path10 from "node:path";

// src/tools/apply-patch/parse.ts
var PatchParseError = class extends ToolFailure {
  /** 1-based line number in the patch text the error refers to, when there is one. */
  lineNumber;
  constructor(message, lineNumber = null) {
    super(lineNumber === null ? message : `${message} (patch line ${lineNumber})`);
    this.name = "PatchParseError";
    this.lineNumber = lineNumber;
  }
};
var BEGIN_MARKER = "*** Begin Patch";
var END_MARKER = "*** End Patch";
var ADD_PREFIX = "*** Add File:";
var DELETE_PREFIX = "*** Delete File:";
var UPDATE_PREFIX = "*** Update File:";
var MOVE_PREFIX = "*** Move to:";
var EOF_MARKER = "*** End of File";
var UNIFIED_RANGE = /^-\d+(?:,\d+)? \+\d+(?:,\d+)? @@\s?/;
function endsBody(text) {
  return text.startsWith("***") && text.trim() !== EOF_MARKER;
}
function headerPath(line, prefix) {
  const path18 = line.text.slice(prefix.length).trim();
  if (path18 === "") {
    throw new PatchParseError(`Missing path after '${prefix}'`, line.number);
  }
  return path18;
}
function parseAnchor(text) {
  let rest = text.slice(2);
  if (rest.startsWith(" ")) rest = rest.slice(1);
  rest = rest.replace(UNIFIED_RANGE, "");
  return rest.trim() === "" ? null : rest;
}
function parsePatch(text) {
  const raw = text.split(/\r?\n/);
  let first = 0;
  let last = raw.length - 1;
  while (first <= last && (raw[first] ?? "").trim() === "") first++;
  while (last >= first && (raw[last] ?? "").trim() === "") last--;
  if (first > last) {
    throw new PatchParseError(`Patch is empty: expected a first line of '${BEGIN_MARKER}'`);
  }
  const lines = [];
  for (let i2 = first; i2 <= last; i2++) lines.push({ text: raw[i2] ?? "", number: i2 + 1 });
  const head = lines[0];
  if (head.text.trim() !== BEGIN_MARKER) {
    throw new PatchParseError(`The first line of the patch must be '${BEGIN_MARKER}'`, head.number);
  }
  const tail = lines[lines.length - 1];
  if (lines.length < 2 || tail.text.trim() !== END_MARKER) {
    throw new PatchParseError(`The last line of the patch must be '${END_MARKER}'`, tail.number);
  }
  const body = lines.slice(1, -1);
  const ops = [];
  let i = 0;
  while (i < body.length) {
    const line = body[i];
    const t = line.text;
    if (t.startsWith(ADD_PREFIX)) {
      const path18 = headerPath(line, ADD_PREFIX);
      i++;
      const contentLines = [];
      while (i < body.length && !endsBody(body[i].text)) {
        const l = body[i];
        if (!l.text.startsWith("+")) {
          throw new PatchParseError(
            `Invalid line in Add File '${path18}': every line must start with '+', got '${l.text}'`,
            l.number
          );
        }
        contentLines.push(l.text.slice(1));
        i++;
      }
      const contents = contentLines.length === 0 ? "" : contentLines.join("\n") + "\n";
      ops.push({ type: "add", path: path18, contents });
      continue;
    }
    if (t.startsWith(DELETE_PREFIX)) {
      const path18 = headerPath(line, DELETE_PREFIX);
      i++;
      const next = body[i];
      if (next !== void 0 && !endsBody(next.text)) {
        throw new PatchParseError(
          `Unexpected line after Delete File '${path18}': '${next.text}' (a delete takes no body)`,
          next.number
        );
      }
      ops.push({ type: "delete", path: path18 });
      continue;
    }
    if (t.startsWith(UPDATE_PREFIX)) {
      const path18 = headerPath(line, UPDATE_PREFIX);
      i++;
      let movePath = null;
      const moveLine = body[i];
      if (moveLine !== void 0 && moveLine.text.startsWith(MOVE_PREFIX)) {
        movePath = headerPath(moveLine, MOVE_PREFIX);
        i++;
      }
      const chunks = [];
      let current = null;
      let currentHasBody = false;
      let currentStart = line.number;
      const finish = () => {
        if (current === null) return;
        if (!currentHasBody) {
          throw new PatchParseError(
            `Hunk in Update File '${path18}' has no lines (a '@@' line must be followed by context, '-' or '+' lines)`,
            currentStart
          );
        }
        chunks.push(current);
        current = null;
        currentHasBody = false;
      };
      while (i < body.length && !endsBody(body[i].text)) {
        const l = body[i];
        const lt = l.text;
        if (lt === "@@" || lt.startsWith("@@ ")) {
          if (current !== null && currentHasBody) finish();
          if (current === null) {
            current = { anchors: [], oldLines: [], newLines: [], isEndOfFile: false };
            currentStart = l.number;
          }
          const anchor = parseAnchor(lt);
          if (anchor !== null) current.anchors.push(anchor);
          i++;
          continue;
        }
        if (lt.trim() === EOF_MARKER) {
          if (current === null || !currentHasBody) {
            throw new PatchParseError(
              `'${EOF_MARKER}' must follow the lines of a hunk in Update File '${path18}'`,
              l.number
            );
          }
          current.isEndOfFile = true;
          finish();
          i++;
          continue;
        }
        const prefix = lt.charAt(0);
        if (lt === "" || prefix === " " || prefix === "-" || prefix === "+") {
          if (current === null) {
            if (chunks.length > 0) {
              throw new PatchParseError(
                `Hunk line without a preceding '@@' in Update File '${path18}': '${lt}'`,
                l.number
              );
            }
            current = { anchors: [], oldLines: [], newLines: [], isEndOfFile: false };
            currentStart = l.number;
          }
          const content = lt.slice(1);
          if (lt === "" || prefix === " ") {
            current.oldLines.push(content);
            current.newLines.push(content);
          } else if (prefix === "-") {
            current.oldLines.push(content);
          } else {
            current.newLines.push(content);
          }
          currentHasBody = true;
          i++;
          continue;
        }
        throw new PatchParseError(
          `Invalid hunk line in Update File '${path18}': '${lt}' (expected a line starting with ' ', '-', '+' or '@@')`,
          l.number
        );
      }
      finish();
      if (chunks.length === 0) {
        throw new PatchParseError(`Update File '${path18}' has no hunks`, line.number);
      }
      ops.push({ type: "update", path: path18, movePath, chunks });
      continue;
    }
    if (t.startsWith(MOVE_PREFIX)) {
      throw new PatchParseError(
        `'${MOVE_PREFIX}' must directly follow an '${UPDATE_PREFIX}' line`,
        line.number
      );
    }
    throw new PatchParseError(
      `Unknown line '${t}': expected '${ADD_PREFIX}', '${DELETE_PREFIX}' or '${UPDATE_PREFIX}'`,
      line.number
    );
  }
  if (ops.length === 0) {
    throw new PatchParseError("Patch contains no file operations", tail.number);
  }
  return ops;
}

// src/tools/apply-patch/apply.ts
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path7 from "node:path";
var PatchApplyError = class extends TernError {
  static defaultCategory = "tool";
  name = "PatchApplyError";
  constructor(message, options) {
    super("patch_apply_failed", message, options);
  }
};
var PathResolver = class {
  /** `extraRoots`: resolved directories outside the working directory that may also be written. */
  constructor(cwd, extraRoots = []) {
    this.extraRoots = extraRoots;
    this.absCwd = path7.resolve(cwd);
  }
  extraRoots;
  realCwd = null;
  absCwd;
  async resolve(p) {
    const abs = path7.resolve(this.absCwd, p);
    const inExtra = (candidate) => this.extraRoots.some((r) => isInside(r, candidate) && candidate !== r);
    if (!isInside(this.absCwd, abs) && !inExtra(abs)) {
      throw new PatchApplyError(
        `Refusing to touch '${p}': it is outside the working directory ${this.absCwd}`
      );
    }
    if (this.realCwd === null) this.realCwd = await resolveReal(this.absCwd);
    const real = await resolveReal(abs);
    if (!isInside(this.realCwd, real) && !inExtra(real)) {
      throw new PatchApplyError(
        `Refusing to touch '${p}': it resolves (through a symlink) to ${real}, outside the working directory ${this.absCwd}`
      );
    }
    if (real === this.realCwd) {
      throw new PatchApplyError(`Refusing to touch '${p}': it is the working directory itself`);
    }
    return { abs, real };
  }
  display(abs) {
    return path7.relative(this.absCwd, abs) || abs;
  }
};
var Overlay = class {
  entries = /* @__PURE__ */ new Map();
  /** Loads (once) the on-disk state of `real`. */
  async entry(real, display) {
    const existing = this.entries.get(real);
    if (existing) return existing;
    let original = null;
    let mode = null;
    try {
      const stat3 = await fs.stat(real);
      if (stat3.isDirectory()) {
        throw new PatchApplyError(`'${display}' is a directory, not a file`);
      }
      original = await fs.readFile(real);
      mode = stat3.mode & 4095;
    } catch (err) {
      if (err instanceof PatchApplyError) throw err;
      const code = errnoCode(err);
      if (code !== "ENOENT" && code !== "ENOTDIR") {
        throw new PatchApplyError(`Cannot read '${display}': ${err.message}`, {
          cause: err
        });
      }
    }
    const entry2 = {
      ioPath: real,
      original,
      originalMode: mode,
      current: original === null ? null : original.toString("utf8"),
      currentMode: mode
    };
    this.entries.set(real, entry2);
    return entry2;
  }
  files() {
    const out = [];
    for (const e of this.entries.values()) {
      const unchanged = e.original === null && e.current === null || e.original !== null && e.current !== null && e.original.equals(Buffer.from(e.current, "utf8")) && e.originalMode === e.currentMode;
      if (unchanged) continue;
      out.push({
        ioPath: e.ioPath,
        original: e.original,
        originalMode: e.originalMode,
        next: e.current,
        nextMode: e.currentMode
      });
    }
    return out;
  }
};
var NORMALIZERS = [(s) => s, (s) => s.trimEnd(), (s) => s.trim()];
function matchesAt(lines, pattern, at, norm) {
  for (let j = 0; j < pattern.length; j++) {
    if (norm(lines[at + j] ?? "") !== norm(pattern[j] ?? "")) return false;
  }
  return true;
}
function findSequence(lines, pattern, from, atEnd) {
  const lastStart = lines.length - pattern.length;
  if (lastStart < from) return -1;
  for (const norm of NORMALIZERS) {
    if (atEnd) {
      if (matchesAt(lines, pattern, lastStart, norm)) return lastStart;
      continue;
    }
    for (let i = from; i <= lastStart; i++) {
      if (matchesAt(lines, pattern, i, norm)) return i;
    }
  }
  return -1;
}
function quoteLines(lines, max = 5) {
  const shown = lines.slice(0, max).map((l) => `  ${l}`);
  if (lines.length > max) shown.push(`  ... (${lines.length - max} more lines)`);
  return shown.join("\n");
}
function keepFileContext(matched, oldLines, newLines) {
  if (matched.every((l, k) => l === oldLines[k])) return newLines;
  const out = [];
  let o = 0;
  for (const part of diffArrays(oldLines, newLines)) {
    const n = part.count;
    if (part.added) {
      out.push(...part.value);
    } else if (part.removed) {
      o += n;
    } else {
      for (let k = 0; k < n; k++) out.push(matched[o + k] ?? part.value[k] ?? "");
      o += n;
    }
  }
  return out;
}
function applyChunks(content, chunks, display) {
  const eol = /\r\n/.test(content.slice(0, content.indexOf("\n") + 1)) ? "\r\n" : "\n";
  const endsWithEol = content === "" || content.endsWith("\n");
  const lines = content === "" ? [] : content.split(eol);
  if (content !== "" && content.endsWith(eol)) lines.pop();
  const replacements = [];
  let cursor = 0;
  for (const [index, chunk] of chunks.entries()) {
    for (const anchor of chunk.anchors) {
      const at2 = findSequence(lines, [anchor], cursor, false);
      if (at2 < 0) {
        throw new PatchApplyError(
          `Failed to apply hunk ${index + 1} to '${display}': could not find the line '${anchor}' (from '@@ ${anchor}')`
        );
      }
      cursor = at2 + 1;
    }
    if (chunk.oldLines.length === 0) {
      const at2 = chunk.anchors.length > 0 && !chunk.isEndOfFile ? cursor : lines.length;
      replacements.push({ start: at2, deleteCount: 0, insert: chunk.newLines });
      cursor = at2;
      continue;
    }
    let oldLines = chunk.oldLines;
    let newLines = chunk.newLines;
    let at = findSequence(lines, oldLines, cursor, chunk.isEndOfFile);
    if (at < 0 && oldLines.length > 1 && oldLines[oldLines.length - 1] === "") {
      oldLines = oldLines.slice(0, -1);
      if (newLines[newLines.length - 1] === "") newLines = newLines.slice(0, -1);
      at = findSequence(lines, oldLines, cursor, chunk.isEndOfFile);
    }
    if (at < 0) {
      const where = chunk.isEndOfFile ? " at the end of the file" : "";
      throw new PatchApplyError(
        `Failed to apply hunk ${index + 1} to '${display}': could not find the expected lines${where}:
${quoteLines(chunk.oldLines)}`
      );
    }
    replacements.push({
      start: at,
      deleteCount: oldLines.length,
      insert: keepFileContext(lines.slice(at, at + oldLines.length), oldLines, newLines)
    });
    cursor = at + oldLines.length;
  }
  for (let r = replacements.length - 1; r >= 0; r--) {
    const { start, deleteCount, insert } = replacements[r];
    lines.splice(start, deleteCount, ...insert);
  }
  if (lines.length === 0) return "";
  return lines.join(eol) + (endsWithEol ? eol : "");
}
function formatRange(start, count) {
  if (count === 1) return String(start);
  return `${count === 0 ? start - 1 : start},${count}`;
}
function unifiedDiffBody(oldContent, newContent) {
  const patch = structuredPatch("a", "b", oldContent, newContent, void 0, void 0, {
    context: 3
  });
  let out = "";
  for (const hunk of patch.hunks) {
    out += `@@ -${formatRange(hunk.oldStart, hunk.oldLines)} +${formatRange(hunk.newStart, hunk.newLines)} @@
`;
    for (const line of hunk.lines) out += line + "\n";
  }
  return out;
}
async function planPatch(ops, cwd, guard = null) {
  const resolver = new PathResolver(cwd, guard ? await guard.extraRoots() : []);
  const overlay = new Overlay();
  const changes = [];
  for (const op of ops) {
    const target = await resolver.resolve(op.path);
    const display = resolver.display(target.abs);
    const entry2 = await overlay.entry(target.real, display);
    switch (op.type) {
      case "add": {
        entry2.current = op.contents;
        changes.push({ path: target.abs, kind: { type: "add" }, diff: op.contents });
        break;
      }
      case "delete": {
        if (entry2.current === null) {
          throw new PatchApplyError(`Cannot delete '${display}': file does not exist`);
        }
        changes.push({ path: target.abs, kind: { type: "delete" }, diff: entry2.current });
        entry2.current = null;
        break;
      }
      case "update": {
        if (entry2.current === null) {
          throw new PatchApplyError(`Cannot update '${display}': file does not exist`);
        }
        const before = entry2.current;
        const after = applyChunks(before, op.chunks, display);
        let movedTo = null;
        if (op.movePath !== null) {
          const dest = await resolver.resolve(op.movePath);
          movedTo = dest.abs;
          if (dest.real !== target.real) {
            const destEntry = await overlay.entry(dest.real, resolver.display(dest.abs));
            destEntry.current = after;
            destEntry.currentMode = entry2.currentMode;
            entry2.current = null;
          } else {
            entry2.current = after;
          }
        } else {
          entry2.current = after;
        }
        changes.push({
          path: target.abs,
          kind: { type: "update", move_path: movedTo },
          diff: unifiedDiffBody(before, after)
        });
        break;
      }
    }
  }
  const files = overlay.files();
  return { changes, files, violation: await firstViolation(files, guard), guard };
}
async function firstViolation(files, guard) {
  if (guard === null) return null;
  for (const f of files) {
    const why = await guard.writeViolation(f.ioPath);
    if (why !== null) return why;
  }
  return null;
}
async function writeAtomically(file, content, mode) {
  const tmp = path7.join(
    path7.dirname(file),
    `.${path7.basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`
  );
  try {
    await fs.writeFile(tmp, content, { flag: "wx" });
    if (mode !== null) await fs.chmod(tmp, mode);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => void 0);
    throw err;
  }
}
async function makeParents(dir) {
  const first = await fs.mkdir(dir, { recursive: true });
  if (first === void 0) return [];
  const created = [];
  let d = dir;
  for (; ; ) {
    created.unshift(d);
    if (d === first) break;
    const parent = path7.dirname(d);
    if (parent === d) break;
    d = parent;
  }
  return created;
}
async function commitPatch(plan) {
  await writePlan(plan);
  await plan.guard?.afterHostWrite(plan.files.filter((f) => f.next !== null).map((f) => f.ioPath)).catch(() => void 0);
}
async function writePlan(plan) {
  const done = [];
  const createdDirs = [];
  const writes = plan.files.filter((f) => f.next !== null);
  const deletes = plan.files.filter((f) => f.next === null);
  try {
    for (const f of writes) {
      createdDirs.push(...await makeParents(path7.dirname(f.ioPath)));
      await writeAtomically(f.ioPath, f.next, f.nextMode);
      done.push(f);
    }
    for (const f of deletes) {
      await fs.rm(f.ioPath, { force: true });
      done.push(f);
    }
  } catch (err) {
    for (const f of done.reverse()) {
      try {
        if (f.original === null) {
          await fs.rm(f.ioPath, { force: true });
        } else {
          await fs.mkdir(path7.dirname(f.ioPath), { recursive: true });
          await writeAtomically(f.ioPath, f.original, f.originalMode);
        }
      } catch {
      }
    }
    for (const dir of createdDirs.reverse()) {
      await fs.rmdir(dir).catch(() => void 0);
    }
    throw new PatchApplyError(`Failed to write patch: ${err.message}`, { cause: err });
  }
}
function summarizePatch(plan, cwd) {
  const absCwd = path7.resolve(cwd);
  const seen = /* @__PURE__ */ new Set();
  let out = "Success. Updated the following files:\n";
  for (const change of plan.changes) {
    let letter;
    let file = change.path;
    if (change.kind.type === "add") letter = "A";
    else if (change.kind.type === "delete") letter = "D";
    else {
      letter = "M";
      if (change.kind.move_path !== null) file = change.kind.move_path;
    }
    const line = `${letter} ${path7.relative(absCwd, file) || file}
`;
    if (seen.has(line)) continue;
    seen.add(line);
    out += line;
  }
  return out;
}

// src/tools/safe-commands.ts
import path8 from "node:path";
var SHELLS = /* @__PURE__ */ new Set(["bash", "sh", "/bin/bash", "/usr/bin/bash", "/bin/sh", "/usr/bin/sh"]);
var ANY_ARGS = /* @__PURE__ */ new Set([
  "cat",
  "cd",
  "cut",
  "echo",
  "false",
  "grep",
  "head",
  "id",
  "ls",
  "nl",
  "pwd",
  "stat",
  "tail",
  "tr",
  "true",
  "uname",
  "wc",
  "which",
  "whoami"
]);
var RG_UNSAFE = ["--pre", "--pre-glob", "--hostname-bin", "--search-zip"];
var FIND_UNSAFE = /* @__PURE__ */ new Set(["-exec", "-execdir", "-ok", "-okdir", "-delete", "-fls", "-fprint", "-fprint0", "-fprintf"]);
var GIT_SUBCOMMANDS = /* @__PURE__ */ new Set(["status", "log", "diff", "show"]);
var GIT_UNSAFE = ["--output", "--ext-diff", "--textconv", "--exec", "--config-env", "--upload-pack", "--receive-pack"];
var isLongOption = (word, opt) => word === opt || word.startsWith(`${opt}=`);
function isSafeArgv(argv) {
  const [prog, ...args] = argv;
  if (prog === void 0) return false;
  if (ANY_ARGS.has(prog)) return true;
  if (prog === "rg") {
    return !args.some((a) => RG_UNSAFE.some((o) => isLongOption(a, o)) || /^-[^-]/.test(a) && a.includes("z"));
  }
  if (prog === "find") return !args.some((a) => FIND_UNSAFE.has(a));
  if (prog === "git") {
    const [sub, ...rest] = args;
    if (sub === void 0 || !GIT_SUBCOMMANDS.has(sub)) return false;
    return !rest.some((a) => GIT_UNSAFE.some((o) => isLongOption(a, o)));
  }
  return false;
}
function isSafeSimpleCommand(cmd) {
  if (cmd.words.length === 0 || cmd.words.some((w) => w.glob)) return false;
  return isSafeArgv(cmd.words.map((w) => w.value));
}
function isSafeScript(script) {
  const parsed = parseShell(script);
  return parsed.ok && parsed.commands.length > 0 && parsed.commands.every(isSafeSimpleCommand);
}
function isKnownSafeCommand(argv) {
  if (argv.length === 3 && SHELLS.has(argv[0]) && (argv[1] === "-c" || argv[1] === "-lc")) {
    return isSafeScript(argv[2]);
  }
  if (argv.length > 0 && SHELLS.has(argv[0])) return false;
  return argv.length > 0 && path8.basename(argv[0]) === argv[0] && isSafeArgv(argv);
}
function proposedExecpolicyAmendment(argv) {
  if (argv.length === 3 && SHELLS.has(argv[0]) && (argv[1] === "-c" || argv[1] === "-lc")) {
    const parsed = parseShell(argv[2]);
    if (parsed.ok && parsed.commands.length === 1) {
      const [cmd] = parsed.commands;
      if (cmd.redirects.length === 0 && cmd.words.length > 0 && !cmd.words.some((w) => w.glob)) {
        return cmd.words.map((w) => w.value);
      }
    }
  }
  return [...argv];
}

// src/tools/turn-diff.ts
import { createHash } from "node:crypto";
import { realpathSync as realpathSync2 } from "node:fs";
import { lstatSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path9 from "node:path";
var CONTEXT_LINES = 3;
var NULL_BLOB = "0".repeat(40);
var REGULAR_MODE = "100644";
var EXECUTABLE_MODE = "100755";
var OWNER_EXECUTE_BIT = 64;
var TurnDiffTracker = class {
  /** Resolved path -> state before the turn first touched it. */
  baselines = /* @__PURE__ */ new Map();
  /** Resolved path -> its diff, computed for the file as `lstat` last saw it. */
  lastDiffs = /* @__PURE__ */ new Map();
  root;
  constructor(cwd) {
    this.root = displayRoot(cwd);
  }
  /** Before a patch is committed: remembers the original state of files not seen yet this turn. */
  track(files) {
    for (const f of files) {
      if (this.baselines.has(f.ioPath)) continue;
      this.baselines.set(f.ioPath, f.original === null ? null : { content: f.original, mode: gitMode(f.originalMode ?? 420) });
    }
  }
  /** Whether any file was touched this turn. */
  get touched() {
    return this.baselines.size > 0;
  }
  /** The aggregated diff, baselines against the files as they are now ('' when nothing differs). */
  async diff() {
    const files = [...this.baselines.keys()].map((p) => ({ abs: p, rel: toPosix(path9.relative(this.root, p)) }));
    files.sort((a, b) => a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0);
    let out = "";
    for (const f of files) out += await this.fileDiff(f.abs, f.rel);
    return out;
  }
  /**
   * One file's part. The diff is sent again after every model response, and most files have not
   * changed since the last one: a file whose stat stamp is the same is not read or diffed again.
   */
  async fileDiff(abs, rel) {
    const st = lstatOrNull(abs);
    const stamp = st === null ? "absent" : statStamp(st);
    const last = this.lastDiffs.get(abs);
    if (last?.stamp === stamp) return last.diff;
    const diff = fileDiff(rel, this.baselines.get(abs) ?? null, await currentState(abs, st));
    this.lastDiffs.set(abs, { stamp, diff });
    return diff;
  }
};
function lstatOrNull(abs) {
  try {
    return lstatSync(abs, { bigint: true });
  } catch {
    return null;
  }
}
function statStamp(st) {
  return `${st.ino}:${st.size}:${st.mode}:${st.mtimeNs}:${st.ctimeNs}`;
}
async function currentState(file, st) {
  if (st === null || !st.isFile()) return null;
  try {
    return { content: await readFile(file), mode: gitMode(Number(st.mode)) };
  } catch {
    return null;
  }
}
function fileDiff(rel, before, after) {
  if (before === null && after === null) return "";
  if (before && after && before.mode === after.mode && before.content.equals(after.content)) return "";
  const head = [`diff --git a/${rel} b/${rel}`];
  if (before === null) head.push(`new file mode ${after.mode}`);
  else if (after === null) head.push(`deleted file mode ${before.mode}`);
  else if (before.mode !== after.mode) head.push(`old mode ${before.mode}`, `new mode ${after.mode}`);
  const sameContent = before !== null && after !== null && before.content.equals(after.content);
  if (sameContent) return `${head.join("\n")}
`;
  head.push(`index ${blobId(before)}..${blobId(after)}`);
  const oldText = before?.content ?? Buffer.alloc(0);
  const newText = after?.content ?? Buffer.alloc(0);
  if (isBinary(oldText) || isBinary(newText)) {
    head.push(`Binary files ${before ? `a/${rel}` : "/dev/null"} and ${after ? `b/${rel}` : "/dev/null"} differ`);
    return `${head.join("\n")}
`;
  }
  head.push(before ? `--- a/${rel}` : "--- /dev/null", after ? `+++ b/${rel}` : "+++ /dev/null");
  return `${head.join("\n")}
${hunks(oldText.toString("utf8"), newText.toString("utf8"))}`;
}
function hunks(oldText, newText) {
  const patch = structuredPatch("a", "b", oldText, newText, "", "", { context: CONTEXT_LINES });
  let out = "";
  for (const h of patch.hunks) {
    out += `@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@
`;
    for (const line of h.lines) out += `${line}
`;
  }
  return out;
}
function range(start, lines) {
  if (lines === 0) return `${start - 1},0`;
  return lines === 1 ? String(start) : `${start},${lines}`;
}
function blobId(state) {
  if (state === null) return NULL_BLOB;
  return createHash("sha1").update(`blob ${state.content.length}\0`).update(state.content).digest("hex");
}
function gitMode(mode) {
  return mode & OWNER_EXECUTE_BIT ? EXECUTABLE_MODE : REGULAR_MODE;
}
function isBinary(b) {
  return b.includes(0);
}
function displayRoot(cwd) {
  let dir;
  try {
    dir = realpathSync2(cwd);
  } catch {
    return path9.resolve(cwd);
  }
  for (let d = dir; ; d = path9.dirname(d)) {
    if (hasGitMarker(d)) return d;
    if (path9.dirname(d) === d) return dir;
  }
}
function toPosix(p) {
  return p.split(path9.sep).join("/");
}

// src/util/yield-to-io.ts
var waiting = [];
var scheduled = false;
function resumeOne() {
  const next = waiting.shift();
  if (next === void 0) {
    scheduled = false;
    return;
  }
  setImmediate(resumeOne);
  next();
}
function yieldToIo() {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(resumeOne);
    }
  });
}

// src/agent/granular.ts
function granularRejectsEscalation(policy) {
  return typeof policy === "object" && !policy.granular.sandbox_approval;
}
function granularRejection(policy) {
  const flags = typeof policy === "object" ? JSON.stringify(policy.granular) : String(policy);
  return `exec_command was rejected without running: the approval policy is granular (${flags}) and lets no request for escalated permissions through. Run the command within the sandbox, or do without it.`;
}

// src/agent/turn-runner.ts
var MAX_ITEM_OUTPUT_CHARS = 64 * 1024;
var TurnCancelled = class extends InterruptedFailure {
};
async function runTurn(settings, deps, input) {
  const runner = new TurnRunner(settings, deps);
  return runner.run(input);
}
var TurnRunner = class {
  constructor(s, d) {
    this.s = s;
    this.d = d;
    this.signal = AbortSignal.any([d.signal, this.cancel.signal]);
    this.sandbox = s.sandbox ?? ToolSandbox.withoutHost(s.sandboxMode, s.cwd);
    this.diff = new TurnDiffTracker(s.cwd);
  }
  s;
  d;
  lastAgentMessage = null;
  cancel = new AbortController();
  signal;
  sandbox;
  diff;
  notify(method, params) {
    this.d.emit.notify(method, params);
  }
  ids() {
    return { threadId: this.s.threadId, turnId: this.s.turnId };
  }
  quiet(item) {
    return item.type === "agentMessage" && this.s.quietAgentMessages === true;
  }
  started(item) {
    if (this.quiet(item)) return;
    const startedAtMs = Date.now();
    item.startedAtMs = startedAtMs;
    item.completedAtMs = null;
    this.notify("item/started", { ...this.ids(), item: structuredClone(item), startedAtMs });
  }
  /** An item whose approval was refused ends `declined` (the approval gateway calls this in order). */
  completeIfRefused(item, decision) {
    if (approves(decision)) return;
    item.status = "declined";
    this.completed(item);
  }
  completed(item) {
    if (this.quiet(item)) return;
    const completedAtMs = Date.now();
    item.completedAtMs = completedAtMs;
    this.notify("item/completed", { ...this.ids(), item: structuredClone(item), completedAtMs, contentTokenCount: null });
  }
  /** The user's input: a `userMessage` item, and a user message in the history. */
  addUserInput(input, clientId) {
    const content = input.map((i) => i.type === "text" ? { ...i, text_elements: i.text_elements ?? [] } : i);
    const userItem = { type: "userMessage", id: newId(), clientId, content };
    this.started(userItem);
    this.completed(userItem);
    this.d.history.append(userMessage(inputText(input)));
  }
  /** Adds what was steered in since the last boundary; whether there was any. */
  takeSteered() {
    const steered = this.d.takeSteeredInput?.() ?? [];
    for (const s of steered) this.addUserInput(s.input, s.clientId);
    return steered.length > 0;
  }
  async run(input) {
    this.addUserInput(input, this.s.clientUserMessageId ?? null);
    try {
      for (; ; ) {
        await yieldToIo();
        await this.d.beforeSample?.(this.signal);
        this.takeSteered();
        const calls = await this.sample();
        if (calls === null) continue;
        for (const call of calls) {
          await yieldToIo();
          this.d.history.append(await this.runTool(call));
        }
        await yieldToIo();
        await this.resendDiff();
        if (calls.length > 0) continue;
        if (this.takeSteered()) continue;
        break;
      }
      return { status: "completed", error: null, lastAgentMessage: this.lastAgentMessage };
    } catch (err) {
      if (this.signal.aborted || err instanceof TurnCancelled || err instanceof ModelError && err.kind === "aborted") {
        return { status: "interrupted", error: null, lastAgentMessage: this.lastAgentMessage };
      }
      const error = turnErrorFrom(err);
      this.notify("error", { ...this.ids(), error, willRetry: false });
      return { status: "failed", error, lastAgentMessage: this.lastAgentMessage };
    }
  }
  /**
   * One model request. The model client retries it (src/model/retry.ts); each
   * `retry` event voids what the failed attempt streamed. Items are started and
   * their deltas sent as they arrive, but completed only when the response
   * completes: the partial output of a failed attempt is never reported as a
   * completed item, nor added to the history. Null when input was steered in meanwhile: the
   * response is dropped the same way.
   */
  async sample() {
    const request = {
      model: this.s.model,
      instructions: this.s.instructions,
      input: this.d.history.items(),
      tools: toolSpecs(),
      promptCacheKey: this.s.threadId,
      reasoningEffort: this.s.reasoningEffort,
      reasoningSummary: this.s.reasoningSummary ?? null,
      ...this.s.outputSchema ? { outputSchema: this.s.outputSchema } : {}
    };
    let items = /* @__PURE__ */ new Map();
    let outputs = [];
    let calls = [];
    const openMessage = (id) => {
      const existing = items.get(id);
      if (existing?.type === "agentMessage") return existing;
      const item = {
        type: "agentMessage",
        id,
        text: "",
        phase: null,
        moderation: null,
        memoryCitation: null,
        delivery: null,
        questions: null
      };
      items.set(id, item);
      this.started(item);
      return item;
    };
    const openReasoning = (id) => {
      const existing = items.get(id);
      if (existing?.type === "reasoning") return existing;
      const item = { type: "reasoning", id, summary: [], content: [] };
      items.set(id, item);
      this.started(item);
      return item;
    };
    const superseded = new AbortController();
    const stopListening = this.d.onSteered?.(() => superseded.abort()) ?? (() => {
    });
    try {
      for await (const ev of this.d.model.stream(request, AbortSignal.any([this.signal, superseded.signal]))) {
        switch (ev.type) {
          case "output_item_added": {
            const it = ev.item;
            if (it.type === "message" && it.id) openMessage(it.id);
            else if (it.type === "reasoning" && it.id) openReasoning(it.id);
            break;
          }
          case "text_delta": {
            openMessage(ev.itemId).text += ev.delta;
            if (this.s.quietAgentMessages !== true) this.notify("item/agentMessage/delta", { ...this.ids(), itemId: ev.itemId, delta: ev.delta });
            break;
          }
          case "reasoning_summary_part_added": {
            const item = openReasoning(ev.itemId);
            while (item.summary.length <= ev.summaryIndex) item.summary.push("");
            this.notify("item/reasoning/summaryPartAdded", { ...this.ids(), itemId: ev.itemId, summaryIndex: ev.summaryIndex });
            break;
          }
          case "reasoning_summary_delta": {
            const item = openReasoning(ev.itemId);
            while (item.summary.length <= ev.summaryIndex) item.summary.push("");
            item.summary[ev.summaryIndex] += ev.delta;
            this.notify("item/reasoning/summaryTextDelta", {
              ...this.ids(),
              itemId: ev.itemId,
              delta: ev.delta,
              summaryIndex: ev.summaryIndex
            });
            break;
          }
          case "reasoning_text_delta": {
            const item = openReasoning(ev.itemId);
            while (item.content.length <= ev.contentIndex) item.content.push("");
            item.content[ev.contentIndex] += ev.delta;
            this.notify("item/reasoning/textDelta", {
              ...this.ids(),
              itemId: ev.itemId,
              delta: ev.delta,
              contentIndex: ev.contentIndex
            });
            break;
          }
          case "output_item_done": {
            const it = ev.item;
            if (it.type !== "reasoning" || it.encrypted_content) outputs.push(it);
            if (it.type === "message") {
              openMessage(it.id ?? newId()).text = it.content.map((c) => c.text).join("");
            } else if (it.type === "reasoning") {
              const item = openReasoning(it.id);
              item.summary = it.summary.map((p) => p.text);
              if (it.content && it.content.length > 0) item.content = it.content.map((c) => c.text);
            } else if (it.type === "function_call" || it.type === "custom_tool_call") {
              calls.push(it);
            }
            break;
          }
          case "retry": {
            this.notify("error", { ...this.ids(), error: retryTurnError(ev), willRetry: true });
            items = /* @__PURE__ */ new Map();
            outputs = [];
            calls = [];
            break;
          }
          case "completed": {
            stopListening();
            for (const item of items.values()) {
              this.completed(item);
              if (item.type === "agentMessage") this.lastAgentMessage = item;
            }
            items = /* @__PURE__ */ new Map();
            if (ev.usage) {
              this.notify("thread/tokenUsage/updated", { ...this.ids(), tokenUsage: this.d.usage.add(ev.usage) });
            }
            break;
          }
        }
      }
    } catch (err) {
      if (superseded.signal.aborted && !this.signal.aborted) return null;
      if (this.signal.aborted) for (const item of items.values()) this.completed(item);
      throw err;
    } finally {
      stopListening();
    }
    this.d.history.append(...outputs);
    return calls;
  }
  async runTool(call) {
    const output = (text) => call.type === "custom_tool_call" ? { type: "custom_tool_call_output", call_id: call.call_id, output: text } : { type: "function_call_output", call_id: call.call_id, output: text };
    if (call.name === EXEC_COMMAND && call.type === "function_call") {
      return output(await this.execCommand(call.call_id, call.arguments));
    }
    if (call.name === UPDATE_PLAN && call.type === "function_call") {
      return output(this.updatePlan(call.arguments));
    }
    if (call.name === APPLY_PATCH) {
      let patch = call.type === "custom_tool_call" ? call.input : "";
      if (call.type === "function_call") {
        try {
          const args = JSON.parse(call.arguments);
          patch = typeof args.input === "string" ? args.input : typeof args.patch === "string" ? args.patch : "";
        } catch {
          return output("apply_patch failed: the arguments are not valid JSON; send the patch text as `input`.");
        }
      }
      return output(await this.applyPatch(call.call_id, patch));
    }
    return output(`Unknown tool \`${call.name}\`. Available tools: ${toolSpecs().map((t) => t.name).join(", ")}.`);
  }
  async execCommand(callId, rawArgs) {
    let args;
    try {
      args = parseExecCommandArgs(rawArgs);
    } catch (err) {
      if (err instanceof ToolArgumentError) return `exec_command failed: ${err.message}`;
      throw err;
    }
    if (args.escalated && granularRejectsEscalation(this.s.approvalPolicy)) return granularRejection(this.s.approvalPolicy);
    const cwd = path10.resolve(this.s.cwd, args.workdir ?? ".");
    const argv = shellArgv(args);
    const item = {
      type: "commandExecution",
      id: callId,
      command: displayCommand(argv),
      cwd,
      processId: null,
      source: "agent",
      status: "inProgress",
      commandActions: commandActions(args.cmd, cwd),
      aggregatedOutput: null,
      exitCode: null,
      durationMs: null
    };
    let sandbox = this.sandbox;
    if (this.commandNeedsApproval(args.escalated, argv)) {
      const amendment = proposedExecpolicyAmendment(argv);
      const params = {
        ...this.ids(),
        itemId: callId,
        startedAtMs: Date.now(),
        approvalId: null,
        reason: args.justification,
        command: item.command,
        cwd,
        commandActions: item.commandActions,
        proposedExecpolicyAmendment: amendment,
        availableDecisions: ["accept", { acceptWithExecpolicyAmendment: { execpolicy_amendment: amendment } }, "cancel"]
      };
      const announce = () => {
        this.started(item);
        params.startedAtMs = item.startedAtMs ?? params.startedAtMs;
      };
      const decision = await this.d.approvals.request("item/commandExecution/requestApproval", params, this.signal, {
        announce,
        settle: (answer) => this.completeIfRefused(item, answer)
      });
      if (!approves(decision)) {
        if (decision === "cancel") this.cancelTurn();
        return "exec_command was declined by the user: the command did not run.";
      }
      if (args.escalated) sandbox = sandbox.escalated();
    } else {
      this.started(item);
    }
    const result = await launch({
      argv,
      cwd,
      timeoutMs: this.s.commandTimeoutMs,
      signal: this.signal,
      env: this.d.env,
      sandbox,
      onOutput: (delta) => this.notify("item/commandExecution/outputDelta", { ...this.ids(), itemId: callId, delta })
    });
    item.processId = result.pid === null ? null : String(result.pid);
    item.aggregatedOutput = truncateMiddle(result.output, MAX_ITEM_OUTPUT_CHARS);
    item.exitCode = result.exitCode;
    item.durationMs = result.durationMs;
    item.status = result.exitCode === 0 ? "completed" : "failed";
    this.completed(item);
    if (result.sandboxError) throw result.sandboxError;
    if (result.aborted) throw new TurnCancelled();
    return formatCommandOutput({ ...result, maxOutputTokens: args.maxOutputTokens });
  }
  async applyPatch(callId, patchText) {
    const item = { type: "fileChange", id: callId, changes: [], status: "inProgress" };
    let plan;
    try {
      plan = await planPatch(parsePatch(patchText), this.s.cwd, this.sandbox);
    } catch (err) {
      this.started(item);
      item.status = "failed";
      this.completed(item);
      return `apply_patch failed: ${err.message}`;
    }
    if (plan.violation !== null && granularRejectsEscalation(this.s.approvalPolicy)) {
      return `patch rejected: ${plan.violation}; rejected by user approval settings`;
    }
    item.changes = plan.changes;
    this.started(item);
    const needsApproval = this.patchNeedsApproval(plan.violation !== null);
    if (needsApproval) {
      const decision = await this.d.approvals.request(
        "item/fileChange/requestApproval",
        { ...this.ids(), itemId: callId, startedAtMs: item.startedAtMs ?? Date.now(), reason: null, grantRoot: null },
        this.signal
      );
      if (!approves(decision)) {
        this.completeIfRefused(item, decision);
        if (decision === "cancel") this.cancelTurn();
        return "apply_patch was declined by the user: no file was changed.";
      }
    } else if (plan.violation !== null) {
      item.status = "failed";
      this.completed(item);
      return `apply_patch failed: the sandbox does not allow this change: ${plan.violation}. No file was changed.`;
    }
    const started = Date.now();
    this.diff.track(plan.files);
    try {
      await commitPatch(plan);
    } catch (err) {
      item.status = "failed";
      this.completed(item);
      return `apply_patch failed: ${err.message}`;
    }
    item.status = "completed";
    this.completed(item);
    this.notify("turn/diff/updated", { ...this.ids(), diff: await this.diff.diff() });
    const seconds2 = ((Date.now() - started) / 1e3).toFixed(1);
    return `Exit code: 0
Wall time: ${seconds2} seconds
Output:
${summarizePatch(plan, this.s.cwd)}`;
  }
  /**
   * After each model response (and its tool calls), once the turn has changed a file, the turn's
   * diff goes out again, as the reference re-sends it after every response.
   */
  async resendDiff() {
    if (this.diff.touched) this.notify("turn/diff/updated", { ...this.ids(), diff: await this.diff.diff() });
  }
  /** `update_plan`: the plan goes to the client as `turn/plan/updated`; no item is recorded. */
  updatePlan(rawArgs) {
    let update;
    try {
      update = parseUpdatePlanArgs(rawArgs);
    } catch (err) {
      if (err instanceof ToolArgumentError) return `update_plan failed: ${err.message}`;
      throw err;
    }
    this.notify("turn/plan/updated", { ...this.ids(), explanation: update.explanation, plan: update.plan });
    return PLAN_UPDATED_OUTPUT;
  }
  /** `untrusted` asks for everything but known-safe read-only commands (tools/safe-commands.ts) in the sandbox. */
  commandNeedsApproval(escalated, argv) {
    const p = this.s.approvalPolicy;
    if (p === "never") return false;
    if (p === "untrusted") return escalated || !isKnownSafeCommand(argv);
    if (p === "on-request") return escalated;
    return escalated && p.granular.sandbox_approval;
  }
  /** `outsideSandbox`: the patch writes where the sandbox does not allow (read-only, outside the roots, .git). */
  patchNeedsApproval(outsideSandbox) {
    const p = this.s.approvalPolicy;
    if (p === "never") return false;
    if (p === "untrusted") return true;
    if (!outsideSandbox) return false;
    return p === "on-request" || p.granular.sandbox_approval;
  }
  cancelTurn() {
    this.cancel.abort();
    throw new TurnCancelled("the user cancelled the turn");
  }
};
function approves(decision) {
  if (decision === "accept" || decision === "acceptForSession") return true;
  if (decision === null || typeof decision !== "object" || Array.isArray(decision)) return false;
  const d = decision;
  const keys = Object.keys(d);
  if (keys.length !== 1) return false;
  if (keys[0] === "acceptWithExecpolicyAmendment") return true;
  if (keys[0] === "applyNetworkPolicyAmendment") {
    const a = d.applyNetworkPolicyAmendment?.network_policy_amendment;
    return a?.action === "allow";
  }
  return false;
}
function inputText(input) {
  return input.map((i) => i.type === "text" ? i.text : "").filter((t) => t !== "").join("\n");
}

// src/agent/review.ts
var REVIEW_INSTRUCTIONS = `You review code changes written by someone else, the way a careful senior colleague would before approving a pull request.

What to report:
- Real defects the author would want to fix: wrong behaviour, crashes, data loss, security holes, races, broken error handling, API misuse, tests that do not test what they claim, changes that break existing callers.
- Only problems introduced by the change under review, not old code it merely touches.
- Each finding once, at the smallest line range that shows it (a few lines at most), in a file the change touches.
- Nothing speculative: if you cannot say how it goes wrong, leave it out. Style nits only when they obscure meaning.

How to work:
- Look at the change with read-only commands (git diff, git show, git log, cat, sed -n, rg). Read enough of the surrounding code to be sure.
- Do not modify files, commit, or change the repository state in any way.

Priority of a finding: 0 = must fix before anything else (breaks the build, data loss, security); 1 = should fix before merging; 2 = should fix eventually; 3 = minor.
Confidence: how sure you are, from 0 to 1.

Your final answer is a JSON object, and nothing else:
{
  "findings": [
    {
      "title": "[P<priority>] imperative summary, at most 80 characters",
      "body": "why it is a problem and when it happens; markdown, one short paragraph",
      "confidence_score": 0.0-1.0,
      "priority": 0-3,
      "code_location": { "file": "path relative to the repository root", "line_range": { "start": 1, "end": 1 } }
    }
  ],
  "overall_correctness": "patch is correct" | "patch is incorrect",
  "overall_explanation": "one to three sentences on the change as a whole",
  "overall_confidence_score": 0.0-1.0
}
No findings is a fine answer for a good change: an empty list and "patch is correct".`;
var REVIEW_OUTPUT_SCHEMA = {
  name: "code_review",
  strict: true,
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["findings", "overall_correctness", "overall_explanation", "overall_confidence_score"],
    properties: {
      findings: {
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["title", "body", "confidence_score", "priority", "code_location"],
          properties: {
            title: { type: "string", description: "[P<priority>] imperative summary, at most 80 characters" },
            body: { type: "string", description: "Why it is a problem; markdown" },
            confidence_score: { type: "number", description: "0 to 1" },
            priority: { type: "integer", description: "0 (blocker) to 3 (minor)" },
            code_location: {
              type: "object",
              additionalProperties: false,
              required: ["file", "line_range"],
              properties: {
                file: { type: "string", description: "Path relative to the repository root" },
                line_range: {
                  type: "object",
                  additionalProperties: false,
                  required: ["start", "end"],
                  properties: { start: { type: "integer" }, end: { type: "integer" } }
                }
              }
            }
          }
        }
      },
      overall_correctness: { type: "string", enum: ["patch is correct", "patch is incorrect"] },
      overall_explanation: { type: "string" },
      overall_confidence_score: { type: "number" }
    }
  }
};
function reviewTargetLabel(target) {
  switch (target.type) {
    case "uncommittedChanges":
      return "current changes";
    case "baseBranch":
      return `changes against '${target.branch}'`;
    case "commit": {
      const short = target.sha.slice(0, 7);
      return target.title ? `commit ${short}: ${target.title}` : `commit ${short}`;
    }
    case "custom":
      return target.instructions.trim();
  }
}
function reviewPrompt(target) {
  switch (target.type) {
    case "uncommittedChanges":
      return [
        "Review the uncommitted changes in this repository: staged, unstaged and untracked files.",
        "See them with `git status --short`, `git diff --cached` (staged) and `git diff` (unstaged); read untracked files whole."
      ].join("\n");
    case "baseBranch": {
      const b = shellQuote2(target.branch);
      return [
        `Review the changes of the current branch against the base branch \`${target.branch}\`.`,
        `Diff against the merge base: \`git diff $(git merge-base HEAD ${b})\` (use \`@{upstream}\` of ${b}, e.g. \`origin/${target.branch}\`, if the local branch is missing or stale).`,
        `\`git log --oneline $(git merge-base HEAD ${b})..HEAD\` lists the commits.`
      ].join("\n");
    }
    case "commit": {
      const title = target.title ? ` ("${target.title.replace(/\s+/g, " ").trim()}")` : "";
      return [
        `Review the changes introduced by commit ${target.sha}${title}.`,
        `See them with \`git show --stat --patch ${shellQuote2(target.sha)}\`; review only what this commit changes.`
      ].join("\n");
    }
    case "custom":
      return target.instructions.trim();
  }
}
function shellQuote2(s) {
  return /^[\w./@:^~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
function parseReviewOutput(text) {
  const value = extractJsonObject(text);
  if (value === null) {
    return { overallExplanation: text.trim(), findings: [], verdict: null, overallConfidence: null };
  }
  const findings = Array.isArray(value.findings) ? value.findings.flatMap(toFinding) : [];
  const verdictRaw = value.overall_correctness ?? value.verdict;
  const verdict = verdictRaw === "patch is correct" || verdictRaw === "patch is incorrect" ? verdictRaw : null;
  const explanation = str(value.overall_explanation) ?? str(value.explanation) ?? "";
  return { overallExplanation: explanation.trim(), findings, verdict, overallConfidence: num(value.overall_confidence_score) };
}
function extractJsonObject(text) {
  const candidates = [text.trim()];
  const fence = /```(?:json)?\s*\n([\s\S]*?)```/.exec(text);
  if (fence) candidates.push(fence[1].trim());
  const first = text.indexOf("{");
  const last = text.lastIndexOf("}");
  if (first !== -1 && last > first) candidates.push(text.slice(first, last + 1));
  for (const c of candidates) {
    try {
      const v = JSON.parse(c);
      if (v !== null && typeof v === "object" && !Array.isArray(v)) return v;
    } catch {
    }
  }
  return null;
}
function toFinding(raw) {
  if (raw === null || typeof raw !== "object") return [];
  const f = raw;
  const loc = f.code_location ?? {};
  const range2 = loc.line_range ?? {};
  const title = str(f.title)?.trim();
  const file = str(loc.file) ?? str(loc.absolute_file_path) ?? str(loc.path);
  if (!title || !file) return [];
  const start = int(range2.start) ?? int(range2.end) ?? 1;
  const end = Math.max(start, int(range2.end) ?? start);
  const p = int(f.priority);
  return [
    {
      title,
      body: str(f.body) ?? "",
      priority: p !== null && p >= 0 && p <= 3 ? p : null,
      confidence: num(f.confidence_score ?? f.confidence),
      codeLocation: { file, lineRange: { start, end } }
    }
  ];
}
var str = (v) => typeof v === "string" ? v : null;
var num = (v) => typeof v === "number" && Number.isFinite(v) ? v : null;
var int = (v) => {
  const n = typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : null;
};
function reviewText(output) {
  return output === null ? REVIEW_FALLBACK_TEXT : renderReviewText(output);
}
async function runReviewTurn(settings, deps, threadHistory, target) {
  const ids = { threadId: settings.threadId, turnId: settings.turnId };
  const emitItem = (item) => {
    const startedAtMs = Date.now();
    deps.emit.notify("item/started", { ...ids, item: { ...item, startedAtMs, completedAtMs: null }, startedAtMs });
    const completedAtMs = Date.now();
    const done = { ...item, startedAtMs, completedAtMs };
    deps.emit.notify("item/completed", { ...ids, item: { ...done }, completedAtMs, contentTokenCount: null });
    return done;
  };
  emitItem({ type: "enteredReviewMode", id: newId(), review: reviewTargetLabel(target) });
  const history = new ConversationHistory();
  history.append(...threadHistory.filter(isContextItem));
  const input = [{ type: "text", text: reviewPrompt(target), text_elements: [] }];
  const outcome = await runTurn(
    { ...settings, instructions: REVIEW_INSTRUCTIONS, outputSchema: REVIEW_OUTPUT_SCHEMA, quietAgentMessages: true },
    { ...deps, history },
    input
  );
  const output = outcome.status === "completed" ? parseReviewOutput(outcome.lastAgentMessage?.text ?? "") : null;
  const text = reviewText(output);
  emitItem({ type: "exitedReviewMode", id: newId(), review: text });
  if (outcome.status !== "completed") return { outcome, output, text };
  const message = {
    type: "agentMessage",
    id: newId(),
    text,
    phase: null,
    moderation: null,
    memoryCitation: null,
    delivery: null,
    questions: null
  };
  return { outcome: { ...outcome, lastAgentMessage: emitItem(message) }, output, text };
}
function reviewHistoryItems(target, text) {
  return [
    userMessage(`Review requested (${reviewTargetLabel(target)}):
${reviewPrompt(target)}`),
    { type: "message", role: "assistant", content: [{ type: "output_text", text }] }
  ];
}

// src/model/retry.ts
import { setTimeout as sleepFor } from "node:timers/promises";
var RETRY_BASE_DELAY_MS = 200;
var RETRY_MAX_DELAY_MS = 1e4;
var RETRY_AFTER_MAX_MS = 6e4;
var RETRY_JITTER_RATIO = 0.2;
function backoffDelayMs(retry, opts = {}) {
  const base = opts.baseDelayMs ?? RETRY_BASE_DELAY_MS;
  const max = opts.maxDelayMs ?? RETRY_MAX_DELAY_MS;
  const jitterRatio = opts.jitterRatio ?? RETRY_JITTER_RATIO;
  const random = opts.random ?? Math.random;
  const exponential = Math.min(max, base * 2 ** Math.max(0, retry - 1));
  const jitter = 1 + jitterRatio * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(max, exponential * jitter)));
}
function retryDelayMs(err, retry, policy) {
  const after = err.details.retryAfterMs;
  if (after !== void 0 && after !== null) return Math.round(Math.min(after, policy.retryAfterMaxMs ?? RETRY_AFTER_MAX_MS));
  return backoffDelayMs(retry, policy);
}
var RetryingModelClient = class {
  /** @param attempt makes one attempt per `stream()` call, without retrying anything itself. */
  constructor(attempt, policy) {
    this.attempt = attempt;
    this.policy = policy;
  }
  attempt;
  policy;
  async *stream(request, signal) {
    const spent = { request: 0, stream: 0 };
    const sleep = this.policy.sleep ?? defaultSleep;
    for (; ; ) {
      try {
        for await (const ev of this.attempt.stream(request, signal)) {
          yield ev;
        }
        return;
      } catch (caught) {
        if (!(caught instanceof ModelError)) throw caught;
        const err = caught;
        if (signal.aborted || err.kind === "aborted") throw err;
        const budget = err.budget;
        const max = budget === "request" ? this.policy.requestMaxRetries : this.policy.streamMaxRetries;
        if (!err.retryable || spent[budget] >= max) {
          err.retries = spent.request + spent.stream;
          throw err;
        }
        spent[budget] += 1;
        const delayMs = retryDelayMs(err, spent[budget], this.policy);
        yield { type: "retry", error: err, attempt: spent[budget], maxAttempts: max, budget, delayMs };
        await sleep(delayMs, signal);
        if (signal.aborted) throw new ModelError("aborted", "the model request was aborted");
      }
    }
  }
};
async function defaultSleep(ms, signal) {
  if (ms <= 0) return;
  await sleepFor(ms, void 0, { signal }).catch(() => void 0);
}

// src/model/factory.ts
function createModelClient(provider, opts) {
  const attemptOpts = {
    baseUrl: provider.baseUrl,
    apiKey: opts.apiKey,
    idleTimeoutMs: provider.streamIdleTimeoutMs,
    headers: provider.httpHeaders,
    query: provider.queryParams,
    userAgent: opts.userAgent,
    fetch: opts.fetch
  };
  return new RetryingModelClient(new LazyAttemptClient(provider.wireApi, attemptOpts), {
    ...opts.retry,
    requestMaxRetries: provider.requestMaxRetries,
    streamMaxRetries: provider.streamMaxRetries
  });
}
function importAttemptClient(wireApi) {
  return wireApi === "chat" ? import("./chat-client-4HRDXB7M.js") : import("./responses-client-EY3FNJ66.js");
}
function preloadModelClient(wireApi) {
  setImmediate(() => void importAttemptClient(wireApi).catch(() => void 0));
}
var LazyAttemptClient = class {
  constructor(wireApi, opts) {
    this.wireApi = wireApi;
    this.opts = opts;
  }
  wireApi;
  opts;
  client = null;
  async *stream(request, signal) {
    this.client ??= this.load();
    yield* (await this.client).stream(request, signal);
  }
  async load() {
    const module = await importAttemptClient(this.wireApi);
    return "ChatCompletionsModelClient" in module ? new module.ChatCompletionsModelClient(this.opts) : new module.ResponsesModelClient(this.opts);
  }
};

// src/sandbox/host.ts
import { constants as fsConstants, existsSync as existsSync2, promises as fs3, statSync as statSync2 } from "node:fs";
import os2 from "node:os";
import path12 from "node:path";

// src/sandbox/access.ts
import { promises as fs2 } from "node:fs";
import path11 from "node:path";

// src/sandbox/acl-shell.ts
import { spawn } from "node:child_process";
import { randomBytes as randomBytes2 } from "node:crypto";
import { createInterface } from "node:readline";
var SHELL_ENV = { PATH: "/usr/bin:/bin:/usr/sbin:/sbin" };
var MAX_OUTPUT_CHARS = 64 * 1024;
var NONCE_BYTES = 16;
var AclShell = class {
  constructor(onDead) {
    this.onDead = onDead;
    this.child = spawn("sh", ["-s"], { cwd: "/", env: SHELL_ENV, stdio: ["pipe", "pipe", "pipe"] });
    this.child.on("error", (err) => this.fail(new Error(`cannot start sh for setfacl: ${err.message}`)));
    this.child.on("exit", (code, signal) => this.fail(new Error(`the setfacl shell exited (code ${code}, signal ${signal})`)));
    this.child.stdin.on("error", () => void 0);
    this.child.stderr.resume();
    createInterface({ input: this.child.stdout, crlfDelay: Infinity }).on("line", (line) => this.onLine(line));
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) s.unref?.();
  }
  onDead;
  nonce = randomBytes2(NONCE_BYTES).toString("hex");
  child;
  jobs = [];
  nextId = 1;
  dead = false;
  run(script, timeoutMs) {
    if (this.dead) return Promise.reject(new Error("the setfacl shell is gone"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`setfacl did not finish within ${timeoutMs} ms`)), timeoutMs);
      this.jobs.push({ id, lines: [], chars: 0, resolve, reject, timer });
      this.child.stdin.write(`(
set -e
${script}
) </dev/null 2>&1
printf '\\n%s %s %s\\n' '${this.nonce}' ${id} $?
`);
    });
  }
  onLine(line) {
    const job = this.jobs[0];
    if (job === void 0) return;
    const parts = line.split(" ");
    if (parts.length === 3 && parts[0] === this.nonce && Number(parts[1]) === job.id) {
      this.jobs.shift();
      clearTimeout(job.timer);
      job.resolve({ exitCode: Number(parts[2]), output: job.lines.join("\n").trim() });
      return;
    }
    if (job.chars < MAX_OUTPUT_CHARS) {
      job.lines.push(line);
      job.chars += line.length + 1;
    }
  }
  /** Every pending job fails, the shell is killed; the next script starts a new one. */
  fail(err) {
    if (!this.dead) {
      this.dead = true;
      this.onDead();
      this.child.kill("SIGKILL");
    }
    for (const job of this.jobs.splice(0)) {
      clearTimeout(job.timer);
      job.reject(err);
    }
  }
};
var shell = null;
function currentShell() {
  if (shell === null || shell.dead) {
    const s = new AclShell(() => {
      if (shell === s) shell = null;
    });
    shell = s;
  }
  return shell;
}
function runInAclShell(script, timeoutMs) {
  return currentShell().run(script, timeoutMs);
}
function warmAclShell() {
  currentShell();
}

// src/sandbox/access.ts
var SETFACL_TIMEOUT_MS = 10 * 6e4;
var SETFACL_BATCH = 500;
var TOO_BROAD_EXACT = ["/", "/root", "/home", "/var", "/opt", "/srv", "/tmp", "/run", "/mnt", "/media"];
var TOO_BROAD_WITHIN = ["/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/proc", "/sys", "/dev"];
function assertGrantable(root) {
  if (TOO_BROAD_EXACT.includes(root) || TOO_BROAD_WITHIN.some((d) => isInside(d, root))) throw rootTooBroad(root);
}
var EXIT_NOT_FOUND = 127;
async function setfacl(identity, steps) {
  const batches = steps.filter((s) => s.paths.length > 0).flatMap((s) => inBatches(s.paths).map((paths) => ({ args: s.args, paths })));
  if (batches.length === 0) return;
  const r = await runInAclShell(setfaclScript(batches), SETFACL_TIMEOUT_MS).catch((err) => ({ exitCode: -1, output: err.message }));
  if (r.exitCode === 0) return;
  if (r.exitCode === EXIT_NOT_FOUND) throw setfaclMissing();
  const target = batches.flatMap((b) => b.paths).join(", ");
  throw aclFailed(target, r.output.split("\n")[0] || `user ${identity.name}`);
}
function inBatches(paths) {
  const out = [];
  for (let i = 0; i < paths.length; i += SETFACL_BATCH) out.push(paths.slice(i, i + SETFACL_BATCH));
  return out;
}
function shQuote(s) {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
function setfaclScript(batches) {
  return batches.map((b) => ["setfacl", ...b.args, "--", ...b.paths].map(shQuote).join(" ")).join("\n");
}
function entry(identity, level) {
  return `u:${identity.uid}:${level},d:u:${identity.uid}:${level}`;
}
async function grantTree(identity, root, level, searchable = /* @__PURE__ */ new Map()) {
  assertGrantable(root);
  const { blocked, settle } = await searchBlocked(identity, root, searchable);
  try {
    await setfacl(identity, [{ args: ["-m", `u:${identity.uid}:x`], paths: blocked }, ...await treeSteps(identity, root, level)]);
    settle(null);
  } catch (err) {
    settle(err);
    throw err;
  }
  return blocked;
}
async function treeSteps(identity, root, level) {
  if (level === "rX") return [{ args: ["-R", "-P", "-m", entry(identity, "rX")], paths: [root] }];
  const names = await fs2.readdir(root);
  const open2 = names.filter((n) => !PROTECTED_DIR_NAMES.includes(n)).map((n) => path11.join(root, n));
  const closed = names.filter((n) => PROTECTED_DIR_NAMES.includes(n)).map((n) => path11.join(root, n));
  return [
    { args: ["-P", "-m", entry(identity, "rwX")], paths: [root] },
    { args: ["-R", "-P", "-m", entry(identity, "rwX")], paths: open2 },
    { args: ["-R", "-P", "-m", entry(identity, "rX")], paths: closed }
  ];
}
function claim(cache, dir) {
  let d;
  const p = new Promise((resolve, reject) => d = { resolve, reject });
  p.catch(() => {
    if (cache.get(dir) === p) cache.delete(dir);
  });
  cache.set(dir, p);
  return d;
}
async function searchBlocked(identity, target, cache) {
  const ancestors = ancestorsOf(target);
  const waits = ancestors.filter((d) => cache.has(d)).map((d) => cache.get(d));
  const mine = new Map(ancestors.filter((d) => !cache.has(d)).map((d) => [d, claim(cache, d)]));
  try {
    await Promise.all(waits);
    const blocked = await unsearchable(identity, [...mine.keys()]);
    const home = blocked.find(isHomeDirectory);
    if (home !== void 0) throw homeNotSearchable(home, target, identity.name);
    for (const [dir, d] of mine) if (!blocked.includes(dir)) d.resolve();
    return {
      blocked,
      settle: (err) => {
        for (const dir of blocked) err === null ? mine.get(dir).resolve() : mine.get(dir).reject(err);
      }
    };
  } catch (err) {
    for (const d of mine.values()) d.reject(err);
    throw err;
  }
}
function isHomeDirectory(dir) {
  return dir === "/root" || path11.dirname(dir) === "/home";
}
async function regrantFiles(identity, files, level) {
  const present = [];
  for (const f of files) {
    try {
      const st = await fs2.lstat(f);
      if (st.isFile() && st.nlink === 1) present.push(f);
    } catch (err) {
      if (errnoCode(err) !== "ENOENT") throw err;
    }
  }
  await setfacl(identity, [{ args: ["-P", "-m", `u:${identity.uid}:${level}`], paths: present }]);
}

// src/sandbox/bwrap.ts
var INFO_FD = 3;
var RESOLVER_DIR = "/run/systemd/resolve";
function bwrapArgs(l) {
  const args = ["--unshare-all"];
  if (l.policy.networkAccess) args.push("--share-net");
  args.push("--die-with-parent", "--new-session", "--info-fd", String(INFO_FD));
  args.push("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc");
  if (l.hasRun) args.push("--tmpfs", "/run", "--ro-bind-try", RESOLVER_DIR, RESOLVER_DIR);
  args.push(...l.scratch === null ? ["--tmpfs", "/tmp"] : ["--bind", l.scratch, "/tmp"]);
  if (l.policy.kind === "workspace-write") {
    for (const root of [...l.realRoots].sort(byDepth)) args.push("--bind", root, root);
    for (const p of [...l.protectedPaths].sort(byDepth)) args.push("--ro-bind", p, p);
    if (!l.policy.writableTmp) args.push("--remount-ro", "/tmp");
  } else {
    args.push("--ro-bind", l.workspace, l.workspace);
  }
  args.push("--chdir", l.cwd);
  return args;
}
function byDepth(a, b) {
  return a.split("/").length - b.split("/").length || a.localeCompare(b);
}
function sandboxEnvironment(toolEnv, sandboxUser) {
  const env = { ...toolEnv, TMPDIR: "/tmp" };
  if (sandboxUser === null) return env;
  env.HOME = "/tmp";
  env.USER = sandboxUser;
  env.LOGNAME = sandboxUser;
  env.GIT_CONFIG_COUNT = "1";
  env.GIT_CONFIG_KEY_0 = "safe.directory";
  env.GIT_CONFIG_VALUE_0 = "*";
  return env;
}

// src/sandbox/host.ts
var PROBE_TIMEOUT_MS = 15e3;
var SCRATCH_MODE = 448;
var SCRATCH_PREFIX = "tern-sandbox-";
var SCRATCH_PARENTS = () => [os2.tmpdir(), "/tmp", "/var/tmp"];
var SandboxHost = class {
  constructor(o) {
    this.o = o;
  }
  o;
  bwrap = null;
  identities = /* @__PURE__ */ new Map();
  probes = /* @__PURE__ */ new Map();
  grants = /* @__PURE__ */ new Map();
  /** Per uid: directories it can traverse (found so, or given search access): not checked again. */
  searchable = /* @__PURE__ */ new Map();
  /** The tools' private /tmp, per uid they run as. */
  scratches = /* @__PURE__ */ new Map();
  /** The plan for `argv` under `policy`: bwrap around it, as the sandbox user when the server is root. */
  async wrap(policy, userName, argv, cwd, sourceEnv) {
    const realRoots = policy.kind === "workspace-write" ? existingReal(policy.writableRoots) : [];
    const bwrap = await this.findBwrap(realRoots);
    const identity = await this.identity(userName);
    await this.probe(bwrap, identity);
    const workspace = await resolveReal(policy.workspace);
    if (identity !== null) await this.grantAccess(identity, policy, realRoots, workspace);
    const layout = await this.layout(policy, identity, realRoots, workspace, cwd);
    return {
      file: bwrap,
      args: [...bwrapArgs(layout), "--", ...argv],
      cwd: "/",
      // Built from the allow-list only: bwrap itself (PID 1 of the sandbox) holds no secret either.
      env: sandboxEnvironment(toolEnvironment(sourceEnv), identity?.name ?? null),
      ...identity ? { uid: identity.uid, gid: identity.gid } : {},
      sandboxed: true,
      infoFd: INFO_FD
    };
  }
  async layout(policy, identity, realRoots, workspace, cwd) {
    const persistentTmp = policy.kind === "workspace-write" && policy.writableTmp;
    return {
      policy,
      scratch: persistentTmp ? await this.scratchDir(identity) : null,
      realRoots,
      protectedPaths: protectedPaths(realRoots),
      workspace,
      cwd: await resolveReal(cwd),
      hasRun: existsSync2("/run")
    };
  }
  /**
   * A thread was loaded and its turns will run tools: the processes they need (the spawn helper,
   * and as root the setfacl shell) start now, so the forks do not stall a turn while other turns
   * stream. `sandboxed`: whether the thread's commands run in the OS sandbox (grants needed).
   */
  prepare(sandboxed) {
    prepareToolProcesses();
    if (sandboxed && runningAsRoot()) warmAclShell();
  }
  /** After the server itself wrote `files` (apply_patch): the sandbox user keeps its access to them. */
  async afterHostWrite(userName, files, level) {
    if (!runningAsRoot() || files.length === 0) return;
    const identity = await this.identity(userName);
    if (identity !== null) await regrantFiles(identity, files, level);
  }
  /** Removes the tools' private /tmp. */
  async dispose() {
    const all = [...this.scratches.values()];
    this.scratches.clear();
    for (const scratch of all) {
      const dir = await scratch.catch(() => null);
      if (dir !== null) await fs3.rm(dir, { recursive: true, force: true }).catch(() => void 0);
    }
  }
  identity(userName) {
    return once(this.identities, userName, () => resolveIdentity(userName));
  }
  /** The first `bwrap` on the server's PATH, skipping relative entries and anything inside a writable root. */
  findBwrap(realRoots) {
    this.bwrap ??= findExecutable("bwrap", this.o.env.PATH ?? "", realRoots).then((found) => {
      if (found === null) throw bwrapMissing(this.o.env.PATH ?? "(unset)");
      return found;
    });
    this.bwrap.catch(() => this.bwrap = null);
    return this.bwrap;
  }
  /** Runs bwrap once with every namespace the sandbox uses; a failure names the fix. Successes are cached. */
  probe(bwrap, identity) {
    return once(this.probes, `${bwrap}:${identity?.uid ?? "self"}`, () => runProbe(bwrap, identity));
  }
  async grantAccess(identity, policy, realRoots, workspace) {
    if (policy.kind === "workspace-write") {
      for (const root of realRoots) await this.grantOnce(identity, root, "rwX");
      if (!realRoots.some((r) => isInside(r, workspace))) await this.grantOnce(identity, workspace, "rX");
    } else {
      await this.grantOnce(identity, workspace, "rX");
    }
  }
  grantOnce(identity, dir, level) {
    const broader = this.grants.get(`${identity.uid}:rwX:${dir}`);
    return broader ?? once(this.grants, `${identity.uid}:${level}:${dir}`, () => this.grant(identity, dir, level));
  }
  async grant(identity, dir, level) {
    if (await findExecutable("setfacl", "/usr/bin:/bin:/usr/sbin:/sbin", []) === null) throw setfaclMissing();
    let known = this.searchable.get(identity.uid);
    if (known === void 0) this.searchable.set(identity.uid, known = /* @__PURE__ */ new Map());
    const searched = await grantTree(identity, dir, level, known);
    if (searched.length > 0) {
      this.o.log?.info(`sandbox: gave ${identity.name} search-only access (x) to ${searched.join(", ")} to reach ${dir}`);
    }
  }
  scratchDir(identity) {
    return once(this.scratches, String(identity?.uid ?? "self"), () => makeScratch(identity));
  }
};
function once(cache, key, make) {
  let p = cache.get(key);
  if (p === void 0) {
    p = make();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}
function existingReal(paths) {
  const out = [];
  for (const p of paths) {
    try {
      const real = realpathNow(p);
      if (statSync2(real).isDirectory() && !out.includes(real)) out.push(real);
    } catch (err) {
      if (errnoCode(err) !== "ENOENT") throw err;
    }
  }
  return out;
}
function protectedPaths(realRoots) {
  const out = [];
  for (const root of realRoots) {
    for (const name of PROTECTED_DIR_NAMES) {
      let real;
      try {
        real = realpathNow(path12.join(root, name));
      } catch (err) {
        if (errnoCode(err) === "ENOENT") continue;
        throw err;
      }
      if (realRoots.some((r) => isInside(r, real)) && !out.includes(real)) out.push(real);
    }
  }
  return out;
}
async function findExecutable(name, searchPath, excludedRoots) {
  for (const dir of searchPath.split(path12.delimiter)) {
    if (!path12.isAbsolute(dir) || excludedRoots.some((r) => isInside(r, dir))) continue;
    const candidate = path12.join(dir, name);
    try {
      await fs3.access(candidate, fsConstants.X_OK);
      if ((await fs3.stat(candidate)).isFile()) return candidate;
    } catch {
    }
  }
  return null;
}
async function runProbe(bwrap, identity) {
  const args = ["--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--", "true"];
  const identityFields = identity ? { uid: identity.uid, gid: identity.gid } : {};
  const r = await runProcess({ file: bwrap, args, cwd: "/", env: PROBE_ENV, sandboxed: false, ...identityFields }, { timeoutMs: PROBE_TIMEOUT_MS });
  if (r.exitCode === 0) return;
  throw classifyProbeFailure(r.output);
}
async function makeScratch(identity) {
  for (const parent of SCRATCH_PARENTS()) {
    if (identity !== null && !await reachable(parent, identity)) continue;
    const dir = await fs3.mkdtemp(path12.join(parent, SCRATCH_PREFIX));
    await fs3.chmod(dir, SCRATCH_MODE);
    if (identity !== null) await fs3.chown(dir, identity.uid, identity.gid);
    return dir;
  }
  throw new SandboxUnavailableError(`no directory the sandbox user can reach for its /tmp (tried ${SCRATCH_PARENTS().join(", ")})`);
}
async function reachable(dir, identity) {
  const real = await resolveReal(dir);
  return (await unsearchable(identity, [...ancestorsOf(real), real])).length === 0;
}

// src/store/thread-log.ts
import { closeSync, existsSync as existsSync3, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync as readFileSync3, renameSync, chmodSync, fstatSync, readSync, writeSync } from "node:fs";
import path13 from "node:path";
var SESSIONS_DIR = "sessions";
var ARCHIVED_DIR = "archived_sessions";
function threadLogPath(ternHome, threadId, created) {
  const pad = (n) => String(n).padStart(2, "0");
  const y = created.getFullYear();
  const m = pad(created.getMonth() + 1);
  const d = pad(created.getDate());
  const stamp = `${y}-${m}-${d}T${pad(created.getHours())}-${pad(created.getMinutes())}-${pad(created.getSeconds())}`;
  return path13.join(ternHome, SESSIONS_DIR, String(y), m, d, `thread-${stamp}-${threadId}.jsonl`);
}
function datedDirOf(ternHome, file) {
  const m = /^thread-(\d{4})-(\d{2})-(\d{2})T/.exec(path13.basename(file));
  if (!m) throw new Error(`not a thread log name: ${path13.basename(file)}`);
  return path13.join(ternHome, SESSIONS_DIR, m[1], m[2], m[3]);
}
function privateDir(dir) {
  mkdirSync(dir, { recursive: true, mode: 448 });
  chmodSync(dir, 448);
}
function endsTorn(fd) {
  const size = fstatSync(fd).size;
  if (size === 0) return false;
  const buf = Buffer.alloc(1);
  readSync(fd, buf, 0, 1, size - 1);
  return buf[0] !== 10;
}
function openThreadLog(file, onError) {
  let fd = null;
  let failed = false;
  const open2 = () => {
    if (fd !== null || failed) return fd;
    try {
      privateDir(path13.dirname(file));
      fd = openSync(file, "a+", 384);
      chmodSync(file, 384);
      if (endsTorn(fd)) writeSync(fd, "\n");
    } catch (err) {
      failed = true;
      onError(err);
    }
    return fd;
  };
  return {
    path: file,
    append(type, payload) {
      const f = open2();
      if (f === null) return;
      const line = JSON.stringify({ timestamp: (/* @__PURE__ */ new Date()).toISOString(), type, payload }) + "\n";
      try {
        writeSync(f, line);
      } catch (err) {
        onError(err);
      }
    },
    flush() {
      if (fd !== null) {
        try {
          fsyncSync(fd);
        } catch (err) {
          onError(err);
        }
      }
      return Promise.resolve();
    },
    close() {
      if (fd === null) return;
      try {
        fsyncSync(fd);
        closeSync(fd);
      } catch (err) {
        onError(err);
      }
      fd = null;
    }
  };
}
function writeNewThreadLog(file, records) {
  privateDir(path13.dirname(file));
  const fd = openSync(file, "wx", 384);
  try {
    const stamp = (/* @__PURE__ */ new Date()).toISOString();
    writeSync(fd, records.map((r) => JSON.stringify({ timestamp: stamp, type: r.type, payload: r.payload }) + "\n").join(""));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
var nullThreadLog = {
  path: null,
  append() {
  },
  flush: () => Promise.resolve(),
  close() {
  }
};
function readThreadLog(file) {
  const text = readFileSync3(file, "utf8");
  const out = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const r = JSON.parse(line);
      if (r && typeof r === "object" && typeof r.type === "string" && "payload" in r) out.push(r);
    } catch {
    }
  }
  return out;
}
function listThreadLogFiles(ternHome, archived = false) {
  const out = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path13.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.startsWith("thread-") && e.name.endsWith(".jsonl")) out.push(p);
    }
  };
  walk(path13.join(ternHome, archived ? ARCHIVED_DIR : SESSIONS_DIR));
  return out;
}
function findThreadLog(ternHome, threadId, archived = false) {
  const suffix = `-${threadId}.jsonl`;
  return listThreadLogFiles(ternHome, archived).find((f) => path13.basename(f).endsWith(suffix)) ?? null;
}
function archiveThreadLog(ternHome, file) {
  const dir = path13.join(ternHome, ARCHIVED_DIR);
  privateDir(dir);
  return moveWithoutClobbering(file, path13.join(dir, path13.basename(file)));
}
function moveWithoutClobbering(from, to) {
  if (existsSync3(to)) throw new Error(`${to} already exists; not replacing it`);
  renameSync(from, to);
  return to;
}
function unarchiveThreadLog(ternHome, file) {
  const dir = datedDirOf(ternHome, file);
  privateDir(dir);
  return moveWithoutClobbering(file, path13.join(dir, path13.basename(file)));
}

// src/store/thread-names.ts
import { appendFileSync, chmodSync as chmodSync2, closeSync as closeSync2, fstatSync as fstatSync2, mkdirSync as mkdirSync2, openSync as openSync2, readFileSync as readFileSync4, readSync as readSync2 } from "node:fs";
import path14 from "node:path";
var NAME_INDEX_FILE = "session_index.jsonl";
function appendThreadName(ternHome, threadId, name) {
  mkdirSync2(ternHome, { recursive: true, mode: 448 });
  const file = path14.join(ternHome, NAME_INDEX_FILE);
  const record = { id: threadId, thread_name: name, updated_at: (/* @__PURE__ */ new Date()).toISOString() };
  const lead = endsTorn2(file) ? "\n" : "";
  appendFileSync(file, lead + JSON.stringify(record) + "\n", { mode: 384 });
  chmodSync2(file, 384);
}
function readThreadNames(ternHome) {
  const names = /* @__PURE__ */ new Map();
  let text;
  try {
    text = readFileSync4(path14.join(ternHome, NAME_INDEX_FILE), "utf8");
  } catch {
    return names;
  }
  for (const line of text.split("\n")) {
    const r = parseRecord(line);
    if (r) names.set(r.id, r.thread_name);
  }
  return names;
}
function parseRecord(line) {
  if (line.trim() === "") return null;
  try {
    const r = JSON.parse(line);
    return r && typeof r.id === "string" && typeof r.thread_name === "string" ? r : null;
  } catch {
    return null;
  }
}
function endsTorn2(file) {
  let fd;
  try {
    fd = openSync2(file, "r");
  } catch {
    return false;
  }
  try {
    const size = fstatSync2(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync2(fd, last, 0, 1, size - 1);
    return last[0] !== 10;
  } finally {
    closeSync2(fd);
  }
}

// src/threads/turn-overrides.ts
import { statSync as statSync3 } from "node:fs";
import path15 from "node:path";
var OUTPUT_SCHEMA_NAME = "codex_output_schema";
var REASONING_SUMMARIES = ["auto", "concise", "detailed", "none"];
var summaries = /* @__PURE__ */ new WeakMap();
var restored = /* @__PURE__ */ new WeakSet();
function reasoningSummaryOf(t) {
  if (summaries.has(t)) return summaries.get(t) ?? null;
  const configured = t.config.raw.model_reasoning_summary;
  return REASONING_SUMMARIES.find((s) => s === configured) ?? null;
}
function applyTurnOverrides(t, params) {
  restoredOnce(t);
  const cwd = params.cwd == null ? null : path15.resolve(t.thread.cwd, params.cwd);
  if (cwd !== null && !isDirectory(cwd)) throw new TernError("invalid_params", `cwd is not a directory: ${cwd}`);
  if (cwd !== null) t.thread.cwd = cwd;
  if (params.model) {
    t.model = params.model;
    t.thread.model = params.model;
  }
  if (params.approvalPolicy) t.approvalPolicy = params.approvalPolicy;
  if (params.sandboxPolicy) {
    t.sandboxPolicy = params.sandboxPolicy;
    t.sandboxMode = sandboxModeOf(params.sandboxPolicy);
  }
  if (params.effort) setEffort(t, params.effort);
  if (params.summary) summaries.set(t, params.summary);
}
function turnContextExtras(t) {
  return { effort: t.config.modelReasoningEffort, summary: reasoningSummaryOf(t) };
}
function outputSchemaOf(params) {
  const schema = params?.outputSchema;
  if (schema == null) return null;
  return { name: OUTPUT_SCHEMA_NAME, schema, strict: true };
}
function restoredOnce(t) {
  if (restored.has(t)) return;
  restored.add(t);
  if (t.log.path === null) return;
  let found = null;
  try {
    for (const r of readThreadLog(t.log.path)) if (r.type === "turn_context") found = r.payload;
  } catch {
    return;
  }
  const last = found;
  if (last === null) return;
  if (typeof last.effort === "string") setEffort(t, last.effort);
  const summary = REASONING_SUMMARIES.find((s) => s === last.summary);
  if (summary && !summaries.has(t)) summaries.set(t, summary);
}
function setEffort(t, effort) {
  t.config = { ...t.config, modelReasoningEffort: effort };
  t.thread.reasoningEffort = effort;
}
function isDirectory(p) {
  try {
    return statSync3(p).isDirectory();
  } catch {
    return false;
  }
}

// src/threads/turn-steer.ts
var KIND_DEBUG_NAME = { review: "Review", compact: "Compact" };
var SteerInbox = class {
  kinds = /* @__PURE__ */ new Map();
  queues = /* @__PURE__ */ new Map();
  listeners = /* @__PURE__ */ new Map();
  /** A turn was registered; only plain turns accept input. */
  open(turnId, kind) {
    this.kinds.set(turnId, kind);
    if (kind === "turn") this.queues.set(turnId, []);
  }
  /** The turn ended: input nobody took is dropped with it. */
  close(turnId) {
    this.kinds.delete(turnId);
    this.queues.delete(turnId);
    this.listeners.delete(turnId);
  }
  /** Calls `listener` each time input is added to the turn; returns the unsubscribe function. */
  subscribe(turnId, listener) {
    let set = this.listeners.get(turnId);
    if (!set) this.listeners.set(turnId, set = /* @__PURE__ */ new Set());
    set.add(listener);
    return () => void this.listeners.get(turnId)?.delete(listener);
  }
  /** Everything steered in since the last call, oldest first. */
  take(turnId) {
    const queue = this.queues.get(turnId);
    if (!queue || queue.length === 0) return [];
    return queue.splice(0);
  }
  /**
   * `turn/steer`: adds `input` to the running turn `activeTurnId` (null: none), which must be
   * `expectedTurnId`. Returns the turn's id.
   */
  steer(activeTurnId, expectedTurnId, input, clientId) {
    if (input.length === 0) throw new TernError("invalid_params", "input must not be empty");
    if (activeTurnId === null) throw new TernError("no_active_turn", "no active turn to steer");
    if (activeTurnId !== expectedTurnId) {
      throw new TernError("turn_mismatch", `expected active turn id \`${expectedTurnId}\` but found \`${activeTurnId}\``);
    }
    const kind = this.kinds.get(activeTurnId) ?? "turn";
    if (kind !== "turn") throw notSteerable(kind);
    this.push(activeTurnId, { input, clientId });
    return activeTurnId;
  }
  /**
   * Whether a `turn/start` may join the running turn: a review or compaction turn refuses it with
   * the reference's internal error.
   */
  assertJoinable(activeTurnId) {
    const kind = this.kinds.get(activeTurnId) ?? "turn";
    if (kind !== "turn") {
      throw new RpcError(ErrorCode.InternalError, `failed to submit turn input: ActiveTurnNotSteerable { turn_kind: ${KIND_DEBUG_NAME[kind]} }`);
    }
  }
  /** `turn/start` while a turn runs: the input goes to that turn, as the reference does. */
  addToActive(activeTurnId, input, clientId) {
    this.assertJoinable(activeTurnId);
    this.push(activeTurnId, { input, clientId });
  }
  push(turnId, input) {
    let queue = this.queues.get(turnId);
    if (!queue) this.queues.set(turnId, queue = []);
    queue.push(input);
    for (const listener of [...this.listeners.get(turnId) ?? []]) listener();
  }
};
function notSteerable(kind) {
  const message = `cannot steer a ${kind} turn`;
  const data = { message, codexErrorInfo: { activeTurnNotSteerable: { turnKind: kind } }, additionalDetails: null, misalignment: null };
  return new RpcError(ErrorCode.InvalidRequest, message, data);
}

// src/util/time.ts
function nowSeconds() {
  return Math.floor(Date.now() / 1e3);
}

// src/threads/approval-decisions.ts
var SessionApprovals = class {
  /** `cwd\0command` of commands answered `acceptForSession`. */
  commands = /* @__PURE__ */ new Set();
  /** argv prefixes accepted with `acceptWithExecpolicyAmendment`. */
  prefixes = [];
  allows(argv) {
    if (argv === null) return false;
    return this.prefixes.some((p) => p.length <= argv.length && p.every((w, i) => argv[i] === w));
  }
};
var sessionApprovals = /* @__PURE__ */ new WeakMap();
function sessionApprovalsOf(t) {
  let m = sessionApprovals.get(t);
  if (!m) sessionApprovals.set(t, m = new SessionApprovals());
  return m;
}
function validApprovalDecision(method, result) {
  if (result === null || typeof result !== "object" || Array.isArray(result)) return null;
  const decision = result.decision;
  if (typeof decision === "string") {
    return ["accept", "acceptForSession", "decline", "cancel"].includes(decision) ? decision : null;
  }
  if (method !== "item/commandExecution/requestApproval") return null;
  if (decision === null || typeof decision !== "object" || Array.isArray(decision)) return null;
  const keys = Object.keys(decision);
  if (keys.length !== 1) return null;
  const inner = decision[keys[0]];
  if (inner === null || typeof inner !== "object" || Array.isArray(inner)) return null;
  if (keys[0] === "acceptWithExecpolicyAmendment") {
    const a = inner.execpolicy_amendment;
    return Array.isArray(a) && a.length > 0 && a.every((w) => typeof w === "string") ? decision : null;
  }
  if (keys[0] === "applyNetworkPolicyAmendment") {
    const a = inner.network_policy_amendment;
    return a && typeof a === "object" && typeof a.host === "string" && (a.action === "allow" || a.action === "deny") ? decision : null;
  }
  return null;
}

// src/threads/thread-replay.ts
var seconds = (iso) => {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1e3) : null;
};
function replayThread(records) {
  const metaRecord = records.find((r) => r.type === "session_meta");
  if (!metaRecord) return null;
  const meta = metaRecord.payload;
  let startedThread = null;
  const turns = [];
  const byId = /* @__PURE__ */ new Map();
  const done = /* @__PURE__ */ new Set();
  let lastTurnContext = null;
  let preview = "";
  let lastTokenUsage = null;
  for (const r of records) {
    if (r.type === "turn_context") lastTurnContext = r.payload;
    if (r.type !== "event") continue;
    const { method, params } = r.payload;
    if (method === "thread/started" && params?.thread) startedThread = params.thread;
    else if (method === "thread/tokenUsage/updated" && params?.tokenUsage) {
      lastTokenUsage = { turnId: params.turnId, tokenUsage: params.tokenUsage };
    } else if (method === "turn/started" && params?.turn?.id) {
      const turn = { ...params.turn, items: [], itemsView: "full" };
      byId.set(turn.id, turn);
      turns.push(turn);
    } else if (method === "item/completed" && params?.item) {
      const turn = byId.get(params.turnId);
      const item = params.item;
      if (!turn) continue;
      turn.items.push(item);
      if (preview === "" && item.type === "userMessage") {
        const text = item.content.find((c) => c.type === "text");
        if (text && text.type === "text") preview = text.text;
      }
    } else if (method === "turn/completed" && params?.turn?.id) {
      const turn = byId.get(params.turn.id);
      if (!turn) continue;
      const t = params.turn;
      Object.assign(turn, { status: t.status, error: t.error, completedAt: t.completedAt, durationMs: t.durationMs });
      done.add(turn.id);
    }
  }
  let unfinishedTurnId = null;
  for (const turn of turns) {
    if (done.has(turn.id)) continue;
    turn.status = "interrupted";
    unfinishedTurnId = turn.id;
  }
  const createdAt = meta.created_at ?? startedThread?.createdAt ?? seconds(metaRecord.timestamp) ?? 0;
  const updatedAt = seconds(records.at(-1)?.timestamp) ?? createdAt;
  return {
    meta,
    startedThread,
    createdAt,
    updatedAt,
    preview: preview || startedThread?.preview || "",
    turns,
    unfinishedTurnId,
    lastTurnContext,
    history: rebuildHistory(records),
    lastTokenUsage
  };
}
function threadFromReplay(r, file, name) {
  const s = r.startedThread;
  return {
    id: r.meta.id,
    sessionId: s?.sessionId ?? r.meta.id,
    forkedFromId: r.meta.forked_from_id ?? s?.forkedFromId ?? null,
    parentThreadId: s?.parentThreadId ?? null,
    preview: r.preview,
    ephemeral: false,
    projectId: s?.projectId ?? null,
    modelProvider: r.meta.model_provider,
    model: r.lastTurnContext?.model ?? r.meta.model,
    reasoningEffort: r.meta.reasoning_effort ?? s?.reasoningEffort ?? null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    recencyAt: r.updatedAt,
    status: { type: "notLoaded" },
    path: file,
    cwd: r.lastTurnContext?.cwd ?? r.meta.cwd,
    cliVersion: r.meta.cli_version,
    originator: r.meta.originator ?? null,
    source: s?.source ?? "appServer",
    threadSource: null,
    agentNickname: null,
    agentRole: null,
    gitInfo: s?.gitInfo ?? null,
    name,
    turns: []
  };
}

// src/threads/thread-fork.ts
var isEvent = (r, method) => r.type === "event" && r.payload?.method === method;
var startedTurnId = (r) => isEvent(r, "turn/started") ? r.payload.params?.turn?.id : void 0;
function recordsThrough(records, lastTurnId, activeTurnId) {
  const body = records.filter((r) => r.type !== "session_meta" && !isEvent(r, "thread/started"));
  if (lastTurnId === null) return body;
  const at = body.findIndex((r) => startedTurnId(r) === lastTurnId);
  if (at === -1) throw new TernError("turn_not_found", `turn not found: ${lastTurnId}`);
  if (lastTurnId === activeTurnId) throw new TernError("invalid_params", `lastTurnId '${lastTurnId}' identifies an in-progress turn`);
  const next = body.findIndex((r, i) => i > at && startedTurnId(r) !== void 0);
  return next === -1 ? body : body.slice(0, next);
}
function forkMeta(source, forkId, created) {
  return { ...source, id: forkId, created_at: Math.floor(created.getTime() / 1e3), forked_from_id: source.id };
}
function forkRecords(meta, copied, created) {
  return [{ timestamp: created.toISOString(), type: "session_meta", payload: meta }, ...copied];
}
function createFork(d, req) {
  const sourceRecords = readThreadLog(req.file);
  const copied = recordsThrough(sourceRecords, req.lastTurnId, req.activeTurnId);
  const sourceMeta = replayThread(sourceRecords)?.meta;
  if (!sourceMeta) throw new TernError("thread_not_found", `no rollout found for ${req.file}`);
  const created = /* @__PURE__ */ new Date();
  const forkId = newId();
  const records = forkRecords(forkMeta(sourceMeta, forkId, created), copied, created);
  const file = req.ephemeral ? null : threadLogPath(d.ternHome, forkId, created);
  if (file !== null) {
    writeNewThreadLog(file, records);
    if (req.name !== null) appendThreadName(d.ternHome, forkId, req.name);
  }
  return { replay: replayThread(records), file, name: req.name };
}

// src/threads/thread-lifecycle.ts
import { stat as stat2 } from "node:fs/promises";
import path16 from "node:path";

// src/agent/base-instructions.ts
var BASE_INSTRUCTIONS = `You are tern, a software engineering agent working inside a user's repository, usually on a CI machine with nobody watching in real time.

How to work:
- Start by looking: read the relevant files and run the project's own checks before changing anything.
- Make the smallest change that fully solves the task. Keep the existing style, names and structure of the code you touch.
- Edit files with the apply_patch tool. Use exec_command for everything else: reading files, searching, running tests and builds, inspecting git state.
- After changing code, run the checks that cover it and read their output. If something fails, fix it or explain why you could not.
- Do not commit, push, create branches or change git configuration unless the task asks for it; the harness collects your changes from the working tree.
- Never print, copy or exfiltrate credentials, tokens or secrets you come across.
- Commands run without a terminal and without user input: pass non-interactive flags and avoid pagers and editors.

Repository instructions:
- The conversation may include the repository's AGENTS.md files, each introduced by its path. A file governs the directory it sits in and everything below it. When two of them disagree, follow the one deeper in the tree; instructions given directly in this conversation (by the developer or the user) take precedence over any AGENTS.md.

Long tasks:
- When the conversation grows too long for your context, its older part is replaced by a summary written for you by an earlier instance of yourself. Trust it as a record of what was done, check the current state of the files before relying on details, and carry on from where it leaves off instead of starting over.

When you are done, reply with a short plain-text summary: what you changed and why, what you ran to check it and the result, and anything left undone.`;

// src/threads/thread-lifecycle.ts
function resolveConfig(d, params, defaultProvider) {
  const extra = Object.entries(params.config ?? {}).map(([key, value]) => ({ path: key.split("."), value }));
  let config;
  try {
    config = loadConfig({ ternHome: d.ternHome, overrides: d.overrides, extraOverrides: extra, env: d.env }).config;
  } catch (err) {
    throw new TernError("invalid_config", err.message, { cause: err });
  }
  const providerId = params.modelProvider ?? defaultProvider ?? config.modelProvider.id;
  const provider = config.modelProviders[providerId];
  if (!provider) throw new TernError("invalid_params", `unknown model provider: ${providerId}`);
  return { ...config, modelProvider: provider };
}
async function checkedCwd(cwd) {
  const abs = path16.resolve(cwd);
  const st = await stat2(abs).catch(() => null);
  if (!st?.isDirectory()) throw new TernError("invalid_params", `cwd is not a directory: ${abs}`);
  return abs;
}
function agentsMdFor(d, cwd, config) {
  return discoverAgentsMd({
    cwd,
    globalDir: d.ternHome,
    maxBytes: config.projectDocMaxBytes ?? PROJECT_DOC_MAX_BYTES_DEFAULT,
    fallbackFilenames: config.projectDocFallbackFilenames
  });
}
function openLog(d, threadId, file) {
  return openThreadLog(file, (err) => d.log.error(`thread ${threadId}: could not write the thread log: ${err.message}`));
}
function networkAccess(policy) {
  switch (policy.type) {
    case "dangerFullAccess":
      return true;
    case "externalSandbox":
      return policy.networkAccess === "enabled";
    default:
      return policy.networkAccess;
  }
}
function modelState(model, config) {
  const limits = contextLimits({ model, modelContextWindow: config.modelContextWindow, autoCompactTokenLimit: config.modelAutoCompactTokenLimit });
  return {
    usage: new TokenUsageTracker(limits.effectiveContextWindow),
    compactor: new Compactor({ limits, prompt: config.compactPrompt })
  };
}
async function createThread(d, params, originator) {
  const config = resolveConfig(d, params);
  const cwd = await checkedCwd(params.cwd ?? process.cwd());
  const id = newId();
  const created = /* @__PURE__ */ new Date();
  const ephemeral = params.ephemeral === true;
  const log = ephemeral ? nullThreadLog : openLog(d, id, threadLogPath(d.ternHome, id, created));
  const model = params.model ?? config.model;
  const approvalPolicy = params.approvalPolicy ?? config.approvalPolicy;
  const sandboxMode = params.sandbox ?? config.sandboxMode;
  const sandbox = protocolSandboxPolicy(sandboxMode, config.sandboxWorkspaceWrite);
  const createdAt = Math.floor(created.getTime() / 1e3);
  const thread = newThreadObject({ id, createdAt, ephemeral, path: log.path, cwd, model, originator, cliVersion: d.cliVersion, config });
  const settings = { cwd, approvalPolicy, sandboxMode, networkAccess: networkAccess(sandbox), shell: "bash" };
  const agentsMd = await agentsMdFor(d, cwd, config);
  const loaded = {
    thread,
    config,
    model,
    approvalPolicy,
    sandboxMode,
    sandboxPolicy: sandbox,
    instructions: params.baseInstructions ?? config.baseInstructions ?? BASE_INSTRUCTIONS,
    history: new ConversationHistory({ append: (item) => log.append("response_item", item), replace: (record) => log.append("compacted", record) }),
    ...modelState(model, config),
    announced: settings,
    log,
    activeTurn: null
  };
  log.append("session_meta", {
    id,
    cwd,
    originator,
    cli_version: d.cliVersion,
    model_provider: config.modelProvider.id,
    model,
    approval_policy: approvalPolicy,
    sandbox_mode: sandboxMode,
    base_instructions: loaded.instructions,
    created_at: createdAt,
    reasoning_effort: config.modelReasoningEffort
  });
  loaded.history.append(
    ...initialContextItems({
      ...settings,
      developerInstructions: params.developerInstructions ?? config.developerInstructions,
      agentsMd: agentsMdText(cwd, agentsMd),
      now: created
    })
  );
  return { loaded, response: threadResponse(loaded, [], agentsMd.files.map((f) => f.path)) };
}
function newThreadObject(f) {
  return {
    id: f.id,
    sessionId: f.id,
    forkedFromId: null,
    parentThreadId: null,
    preview: "",
    ephemeral: f.ephemeral,
    projectId: null,
    modelProvider: f.config.modelProvider.id,
    model: f.model,
    reasoningEffort: f.config.modelReasoningEffort,
    createdAt: f.createdAt,
    updatedAt: f.createdAt,
    recencyAt: f.createdAt,
    status: { type: "idle" },
    path: f.path,
    cwd: f.cwd,
    cliVersion: f.cliVersion,
    originator: f.originator,
    source: "appServer",
    threadSource: null,
    agentNickname: null,
    agentRole: null,
    gitInfo: null,
    name: null,
    turns: []
  };
}
function threadResponse(t, turns, instructionSources) {
  return {
    thread: { ...t.thread, turns },
    model: t.model,
    modelProvider: t.config.modelProvider.id,
    serviceTier: null,
    cwd: t.thread.cwd,
    instructionSources,
    approvalPolicy: t.approvalPolicy,
    approvalsReviewer: "user",
    sandbox: t.sandboxPolicy,
    reasoningEffort: t.config.modelReasoningEffort
  };
}
async function loadThread(d, src, params, originator) {
  const { replay, file } = src;
  const meta = replay.meta;
  const ctx = replay.lastTurnContext;
  const config = resolveConfig(d, params, meta.model_provider);
  const lastCwd = ctx?.cwd ?? meta.cwd;
  const cwd = await checkedCwd(params.cwd ?? lastCwd);
  const lastMode = ctx?.sandbox_mode ?? meta.sandbox_mode;
  const lastPolicy = ctx?.sandbox_policy ?? protocolSandboxPolicy(lastMode, config.sandboxWorkspaceWrite);
  const lastApproval = ctx?.approval_policy ?? meta.approval_policy;
  const model = params.model ?? ctx?.model ?? meta.model;
  const log = file === null ? nullThreadLog : openLog(d, meta.id, file);
  closeUnfinishedTurn(replay, log);
  const thread = {
    ...threadFromReplay(replay, file, src.name),
    ephemeral: file === null,
    model,
    cwd,
    status: { type: "idle" },
    originator: meta.originator ?? originator
  };
  const loaded = {
    thread,
    config,
    model,
    approvalPolicy: params.approvalPolicy ?? lastApproval,
    sandboxMode: params.sandbox ?? lastMode,
    sandboxPolicy: params.sandbox ? protocolSandboxPolicy(params.sandbox, config.sandboxWorkspaceWrite) : lastPolicy,
    instructions: params.baseInstructions ?? meta.base_instructions ?? config.baseInstructions ?? BASE_INSTRUCTIONS,
    history: historyFromLog(replay.history, log),
    ...modelState(model, config),
    // What the model was last told: the last turn's settings (or the session's).
    announced: { cwd: lastCwd, approvalPolicy: lastApproval, sandboxMode: lastMode, networkAccess: networkAccess(lastPolicy), shell: "bash" },
    log,
    activeTurn: null
  };
  if (replay.lastTokenUsage) {
    loaded.usage.restore(replay.lastTokenUsage.tokenUsage);
    loaded.restoredUsageTurnId = replay.lastTokenUsage.turnId;
  }
  const agentsMd = await agentsMdFor(d, cwd, config);
  return { loaded, instructionSources: agentsMd.files.map((f) => f.path) };
}
function closeUnfinishedTurn(replay, log) {
  if (replay.unfinishedTurnId === null) return;
  const turn = replay.turns.find((x) => x.id === replay.unfinishedTurnId);
  const threadId = replay.meta.id;
  log.append("event", { method: "turn/completed", params: { threadId, turn: { ...turn, items: [], itemsView: "notLoaded" } } });
}
function historyFromLog(items, log) {
  let seeding = true;
  const history = new ConversationHistory({
    append: (item) => {
      if (!seeding) log.append("response_item", item);
    },
    replace: (record) => log.append("compacted", record)
  });
  history.append(...items);
  seeding = false;
  const dangling = danglingToolOutputs(items);
  if (dangling.length > 0) history.append(...dangling);
  return history;
}
function danglingToolOutputs(items) {
  const answered = /* @__PURE__ */ new Set();
  for (const i of items) if (i.type === "function_call_output" || i.type === "custom_tool_call_output") answered.add(i.call_id);
  const out = [];
  for (const i of items) {
    if (i.type === "function_call" && !answered.has(i.call_id)) out.push({ type: "function_call_output", call_id: i.call_id, output: "aborted" });
    if (i.type === "custom_tool_call" && !answered.has(i.call_id)) out.push({ type: "custom_tool_call_output", call_id: i.call_id, output: "aborted" });
  }
  return out;
}

// src/threads/thread-listing.ts
var DEFAULT_PAGE_SIZE = 25;
var MAX_PAGE_SIZE = 100;
var DEFAULT_SOURCE_KINDS = ["cli", "vscode", "appServer"];
function findStoredThread(ternHome, threadId) {
  for (const archived of [false, true]) {
    const file = findThreadLog(ternHome, threadId, archived);
    const replay = file ? replayThread(readThreadLog(file)) : null;
    if (file && replay) return { file, archived, replay };
  }
  return null;
}
function readStoredThread(ternHome, threadId, includeTurns) {
  const stored = findStoredThread(ternHome, threadId);
  if (!stored) throw new TernError("thread_not_found", `thread not loaded: ${threadId}`);
  const name = readThreadNames(ternHome).get(threadId) ?? null;
  const turns = includeTurns ? stored.replay.turns : [];
  return { thread: { ...threadFromReplay(stored.replay, stored.file, name), turns } };
}
function storedThreads(ternHome, archived) {
  const names = readThreadNames(ternHome);
  const out = [];
  for (const file of listThreadLogFiles(ternHome, archived)) {
    let replay = null;
    try {
      replay = replayThread(readThreadLog(file));
    } catch {
      continue;
    }
    if (replay) out.push(threadFromReplay(replay, file, names.get(replay.meta.id) ?? null));
  }
  return out;
}
function filterOf(params) {
  const cwds = params.cwd == null ? null : Array.isArray(params.cwd) ? params.cwd : [params.cwd];
  const kinds = params.sourceKinds && params.sourceKinds.length > 0 ? params.sourceKinds : DEFAULT_SOURCE_KINDS;
  const providers = params.modelProviders && params.modelProviders.length > 0 ? params.modelProviders : null;
  const term = params.searchTerm ?? null;
  const excluded = new Set(params.excludedThreadIds ?? []);
  return (t) => !excluded.has(t.id) && (cwds === null || cwds.includes(t.cwd)) && kinds.includes(sourceKind(t.source)) && (providers === null || providers.includes(t.modelProvider)) && (term === null || t.preview.includes(term) || (t.name ?? "").includes(term));
}
function sourceKind(source) {
  if (typeof source === "string") return source;
  if (source && typeof source === "object" && "subAgent" in source) return "subAgent";
  return "unknown";
}
var sortValue = (t, f) => t[f] ?? t.createdAt;
var SORT_FIELDS = {
  created_at: "createdAt",
  updated_at: "updatedAt",
  recency_at: "recencyAt",
  section_position: "createdAt"
};
function encodeCursor(c) {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}
function decodeCursor(cursor) {
  try {
    const c = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (typeof c.v === "number" && typeof c.id === "string" && typeof c.inclusive === "boolean") return c;
  } catch {
  }
  throw new TernError("invalid_params", `invalid cursor: ${cursor}`);
}
function listThreads(ternHome, params, loadedStatus) {
  const field = SORT_FIELDS[params.sortKey ?? "created_at"];
  if (!field) throw new TernError("invalid_params", `unsupported sortKey: ${params.sortKey}`);
  const dir = params.sortDirection === "asc" ? 1 : -1;
  const cursor = params.cursor == null ? null : decodeCursor(params.cursor);
  const order = (a, b) => dir * (sortValue(a, field) - sortValue(b, field)) || dir * a.id.localeCompare(b.id);
  const all = storedThreads(ternHome, params.archived === true).filter(filterOf(params)).sort(order);
  const start = cursor === null ? 0 : firstAfter(all, cursor, field, order);
  const limit = Math.max(1, Math.min(params.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE));
  const data = all.slice(start, start + limit);
  for (const t of data) t.status = loadedStatus(t.id) ?? t.status;
  const last = data.at(-1);
  const first = data[0];
  return {
    data,
    nextCursor: last && start + limit < all.length ? encodeCursor({ v: sortValue(last, field), id: last.id, inclusive: false }) : null,
    backwardsCursor: first ? encodeCursor({ v: sortValue(first, field), id: first.id, inclusive: true }) : null
  };
}
function firstAfter(sorted, c, field, order) {
  const anchor = { createdAt: c.v, [field]: c.v, id: c.id };
  const i = sorted.findIndex((t) => {
    const cmp = order(t, anchor);
    return c.inclusive ? cmp >= 0 : cmp > 0;
  });
  return i === -1 ? sorted.length : i;
}

// src/threads/thread-manager.ts
var ThreadManager = class {
  constructor(o) {
    this.o = o;
    this.sandboxHost = new SandboxHost({ env: o.env, log: o.log });
  }
  o;
  threads = /* @__PURE__ */ new Map();
  /** bwrap, the sandbox user, the tools' private /tmp: shared by every thread of this server. */
  sandboxHost;
  /** Input steered into running turns (turn-steer.ts). */
  steering = new SteerInbox();
  async startThread(params, originator) {
    const { loaded, response } = await createThread(this.o, params, originator);
    this.adopt(loaded);
    return response;
  }
  /**
   * A thread is loaded: it will make model requests and run tools soon, so the model client is
   * loaded in the background and the tools' helper processes are started now, before any turn streams.
   */
  adopt(loaded) {
    this.threads.set(loaded.thread.id, loaded);
    preloadModelClient(loaded.config.modelProvider.wireApi);
    this.sandboxHost.prepare(loaded.sandboxMode !== "danger-full-access");
  }
  /**
   * After a resume or fork reply that loaded a log: the token totals restored from it, as the
   * reference sends them (once).
   */
  announceRestoredUsage(threadId) {
    const t = this.threads.get(threadId);
    const turnId = t?.restoredUsageTurnId;
    if (!t || !turnId) return;
    t.restoredUsageTurnId = null;
    this.o.notify("thread/tokenUsage/updated", { threadId, turnId, tokenUsage: t.usage.snapshot() }, threadId);
  }
  /** Announces a new (or forked) thread, after the thread/start or thread/fork reply went out. */
  announceThread(threadId) {
    const t = this.get(threadId);
    this.publish(t, "thread/started", { thread: { ...t.thread } });
  }
  /**
   * `thread/resume`: a loaded thread is rejoined; otherwise its log is read back
   * (thread-lifecycle.ts `loadThread`) and new records go to the same file.
   */
  async resumeThread(params, originator) {
    const loadedAlready = this.threads.get(params.threadId);
    if (loadedAlready) return threadResponse(loadedAlready, params.excludeTurns === true ? [] : this.turnsOf(loadedAlready), []);
    const stored = this.storedForLoad(params.threadId);
    const name = readThreadNames(this.o.ternHome).get(params.threadId) ?? null;
    const { loaded, instructionSources } = await loadThread(this.o, { replay: stored.replay, file: stored.file, name }, params, originator);
    this.adopt(loaded);
    restoredOnce(loaded);
    this.publish(loaded, "thread/status/changed", { threadId: loaded.thread.id, status: loaded.thread.status });
    return threadResponse(loaded, params.excludeTurns === true ? [] : stored.replay.turns, instructionSources);
  }
  /** A live (not archived) stored thread, for resume and fork; the reference's errors otherwise. */
  storedForLoad(threadId) {
    const stored = findStoredThread(this.o.ternHome, threadId);
    if (!stored) throw new TernError("thread_not_found", `no rollout found for thread id ${threadId}`);
    if (stored.archived) throw new TernError("thread_archived", `session ${threadId} is archived. Unarchive it (thread/unarchive) first.`);
    return stored;
  }
  /**
   * `thread/fork`: a new thread from a copy of the source's records through
   * `lastTurnId` (thread-fork.ts), loaded like a resumed one. Its name is the
   * source's. `thread/started` follows the reply (`announceThread`).
   */
  async forkThread(params, originator) {
    const ephemeral = params.ephemeral === true;
    if (ephemeral && params.excludeTurns !== true) throw new TernError("invalid_params", "ephemeral thread/fork requires `excludeTurns: true`");
    const source = this.threads.get(params.threadId);
    const file = source ? source.log.path : this.storedForLoad(params.threadId).file;
    if (file === null) throw new TernError("thread_not_found", `no rollout found for thread id ${params.threadId}`);
    const sourceName = source ? source.thread.name : readThreadNames(this.o.ternHome).get(params.threadId) ?? null;
    const fork = createFork(this.o, { file, lastTurnId: params.lastTurnId ?? null, activeTurnId: source?.activeTurn?.turn.id ?? null, name: sourceName, ephemeral });
    const { loaded, instructionSources } = await loadThread(this.o, fork, params, originator);
    this.adopt(loaded);
    restoredOnce(loaded);
    return threadResponse(loaded, params.excludeTurns === true ? [] : fork.replay.turns, instructionSources);
  }
  /**
   * `thread/archive`: a loaded thread is unloaded first (its running turn
   * interrupted; `thread/status/changed` notLoaded), then its log is moved to
   * `archived_sessions/`. `thread/archived` follows the reply.
   */
  async archiveThread(threadId) {
    const t = this.threads.get(threadId);
    const file = t ? t.log.path : findThreadLog(this.o.ternHome, threadId);
    if (!file) throw new TernError("thread_not_found", `no rollout found for thread id ${threadId}`);
    if (t) await this.unload(t);
    archiveThreadLog(this.o.ternHome, file);
  }
  async unload(t) {
    const active = t.activeTurn;
    active?.abort.abort();
    await active?.done;
    t.thread.status = { type: "notLoaded" };
    this.publish(t, "thread/status/changed", { threadId: t.thread.id, status: t.thread.status });
    t.log.close();
    this.threads.delete(t.thread.id);
  }
  /** `thread/unarchive`: the log moves back to `sessions/`; the thread stays unloaded. */
  unarchiveThread(threadId) {
    const file = findThreadLog(this.o.ternHome, threadId, true);
    if (!file) throw new TernError("thread_not_found", `no archived rollout found for thread id ${threadId}`);
    unarchiveThreadLog(this.o.ternHome, file);
    return readStoredThread(this.o.ternHome, threadId, false);
  }
  /** `thread/name/set`: recorded in the name index (thread-names.ts), loaded or not. */
  setThreadName(threadId, name) {
    if (name.trim() === "") throw new TernError("invalid_params", "thread name must not be empty");
    const t = this.threads.get(threadId);
    if (!t && !findThreadLog(this.o.ternHome, threadId)) throw new TernError("thread_not_found", `no rollout found for thread id ${threadId}`);
    if (t?.thread.ephemeral) throw new TernError("invalid_params", `ephemeral thread does not support metadata updates: ${threadId}`);
    if (t) t.thread.name = name;
    appendThreadName(this.o.ternHome, threadId, name);
  }
  /** Sends a notification about a thread that may not be loaded (archive, unarchive, name). */
  notifyThreadEvent(method, params) {
    this.o.notify(method, params);
  }
  /** A loaded thread's turns, from its log (the running turn stays inProgress). */
  turnsOf(t) {
    if (!t.log.path) return [];
    const replay = replayThread(readThreadLog(t.log.path));
    const turns = replay?.turns ?? [];
    const active = t.activeTurn?.turn.id;
    for (const turn of turns) if (turn.id === active) turn.status = "inProgress";
    return turns;
  }
  /** `thread/read`: a loaded thread as it is, or a stored one from its log (`notLoaded`). */
  readThread(threadId, includeTurns) {
    const t = this.threads.get(threadId);
    if (!t) return readStoredThread(this.o.ternHome, threadId, includeTurns);
    if (includeTurns && t.thread.ephemeral) throw new TernError("invalid_params", "ephemeral threads do not support includeTurns");
    return { thread: { ...t.thread, turns: includeTurns ? this.turnsOf(t) : [] } };
  }
  /** `thread/list` (thread-listing.ts), loaded threads with their live status. */
  listThreads(params) {
    return listThreads(this.o.ternHome, params, (id) => this.threads.get(id)?.thread.status ?? null);
  }
  /** Validates and registers a turn; `begin()` starts it (after the reply went out). */
  prepareTurn(params) {
    const t = this.get(params.threadId);
    if (params.input.length === 0) throw new TernError("invalid_params", "turn/start needs at least one input item");
    if (t.activeTurn) {
      this.steering.assertJoinable(t.activeTurn.turn.id);
      applyTurnOverrides(t, params);
      this.steering.addToActive(t.activeTurn.turn.id, params.input, params.clientUserMessageId ?? null);
      return { turn: unstartedView(t.activeTurn.turn), begin: () => {
      } };
    }
    applyTurnOverrides(t, params);
    const { turn, begin } = this.registerTurn(t, "turn", params);
    if (t.thread.preview === "") {
      const first = params.input.find((i) => i.type === "text");
      if (first && first.type === "text") t.thread.preview = first.text;
    }
    return { turn: { ...turn }, begin };
  }
  /** `turn/steer`: the input reaches the running turn's model at its next boundary. */
  steerTurn(params) {
    const t = this.get(params.threadId);
    const clientId = params.clientUserMessageId ?? null;
    return { turnId: this.steering.steer(t.activeTurn?.turn.id ?? null, params.expectedTurnId, params.input, clientId) };
  }
  /**
   * Registers a new turn as the thread's active one (there is at most one) and
   * returns it with `begin`, which runs it once the reply has gone out.
   */
  registerTurn(t, kind, work) {
    ensureIdle(t);
    const turnId = newId();
    const turn = {
      id: turnId,
      rootTurnId: turnId,
      items: [],
      itemsView: "notLoaded",
      status: "inProgress",
      error: null,
      startedAt: null,
      completedAt: null,
      durationMs: null
    };
    const active = { turn, abort: new AbortController(), done: Promise.resolve() };
    t.activeTurn = active;
    this.steering.open(turnId, work === null ? "compact" : "review" in work ? "review" : "turn");
    const begin = () => {
      active.done = this.executeTurn(t, work, active).catch((err) => {
        this.o.log.error(`${kind} ${turnId} crashed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        t.activeTurn = null;
      });
    };
    return { turn, begin };
  }
  /**
   * `thread/compact/start`: registers a turn whose only work is a compaction;
   * `begin()` runs it (after the `{}` reply went out). It reports like any
   * turn: turn/started, one `contextCompaction` item, turn/completed.
   */
  prepareCompaction(threadId) {
    const { begin } = this.registerTurn(this.get(threadId), "compaction turn", null);
    return { begin };
  }
  /**
   * `review/start` (inline delivery): registers a review turn on the thread;
   * `begin()` runs it after the reply went out (agent/review.ts). The reply's
   * turn carries the review label as a user message, as the reference's does.
   */
  prepareReview(params) {
    const t = this.get(params.threadId);
    const { turn, begin } = this.registerTurn(t, "review turn", { review: params.target });
    const turnId = turn.id;
    const label = reviewTargetLabel(params.target);
    const result = {
      turn: {
        ...turn,
        rootTurnId: null,
        items: [{ type: "userMessage", id: turnId, clientId: null, content: [{ type: "text", text: label, text_elements: [] }], startedAtMs: null, completedAtMs: null }]
      },
      reviewThreadId: t.thread.id
    };
    return { result, begin };
  }
  /**
   * Interrupts the running turn: its model request and tool processes are
   * aborted, and it ends with `turn/completed` status `interrupted`.
   */
  interruptTurn(threadId, turnId) {
    const t = this.get(threadId);
    if (!t.activeTurn) throw new TernError("no_active_turn", "no active turn to interrupt");
    if (t.activeTurn.turn.id !== turnId) {
      throw new TernError("turn_mismatch", `expected active turn id ${t.activeTurn.turn.id} but found ${turnId}`);
    }
    t.activeTurn.abort.abort();
  }
  /**
   * Aborts running turns (their tool process groups get SIGTERM, then SIGKILL
   * after the launcher's grace period) and waits for them, ends any tool
   * process still running, flushes the thread logs, and removes the tools' /tmp.
   */
  async shutdown() {
    const running = [...this.threads.values()].map((t) => {
      t.activeTurn?.abort.abort();
      return t.activeTurn?.done ?? Promise.resolve();
    });
    await Promise.allSettled(running);
    await terminateAllToolProcesses();
    await Promise.allSettled([...this.threads.values()].map((t) => t.log.flush()));
    await this.sandboxHost.dispose();
  }
  /** Ids of the threads loaded in memory, in load order (`thread/loaded/list`). */
  loadedThreadIds() {
    return [...this.threads.keys()];
  }
  isLoaded(threadId) {
    return this.threads.has(threadId);
  }
  isTurnActive(threadId) {
    return this.threads.get(threadId)?.activeTurn != null;
  }
  /**
   * Drops an idle loaded thread from memory (no client uses it any more), as the
   * reference does: `thread/status/changed(notLoaded)`, then `thread/closed`.
   * Its log stays on disk; `thread/resume` loads it again. Not logged: status only.
   */
  unloadThread(threadId) {
    const t = this.threads.get(threadId);
    if (!t || t.activeTurn) return false;
    this.threads.delete(threadId);
    t.log.close();
    this.o.notify("thread/status/changed", { threadId, status: { type: "notLoaded" } }, threadId);
    this.o.notify("thread/closed", { threadId }, threadId);
    return true;
  }
  get(threadId) {
    if (typeof threadId !== "string") throw new TernError("invalid_params", "threadId must be a string");
    const t = this.threads.get(threadId);
    if (!t) throw new TernError("thread_not_found", `thread not found: ${threadId}`);
    return t;
  }
  publish(t, method, params) {
    if (!method.endsWith("/delta") && !method.endsWith("Delta") && method !== "item/reasoning/summaryPartAdded") {
      t.log.append("event", { method, params });
    }
    this.o.notify(method, params, t.thread.id);
  }
  async executeTurn(t, work, active) {
    const threadId = t.thread.id;
    const turn = active.turn;
    const params = work !== null && "input" in work ? work : null;
    const review = work !== null && "review" in work ? work.review : null;
    await yieldToIo();
    const startedMs = Date.now();
    restoredOnce(t);
    turn.startedAt = nowSeconds();
    t.thread.status = { type: "active", activeFlags: [] };
    this.publish(t, "thread/status/changed", { threadId, status: t.thread.status });
    this.publish(t, "turn/started", { threadId, turn: { ...turn } });
    t.log.append("turn_context", {
      turn_id: turn.id,
      cwd: t.thread.cwd,
      model: t.model,
      approval_policy: t.approvalPolicy,
      sandbox_mode: t.sandboxMode,
      sandbox_policy: t.sandboxPolicy,
      ...turnContextExtras(t)
    });
    if (work !== null) this.announceSettings(t);
    const emit = {
      notify: (method, p) => {
        if (method === "error" && !p.willRetry) this.markSystemError(t);
        this.publish(t, method, p);
      }
    };
    let outcome;
    try {
      const model = this.modelClient(t);
      prepareToolProcesses();
      const compaction = (signal) => ({
        threadId,
        turnId: turn.id,
        model: t.model,
        instructions: t.instructions,
        reasoningEffort: t.config.modelReasoningEffort,
        client: model,
        history: t.history,
        usage: t.usage,
        emit,
        signal
      });
      const settings = {
        threadId,
        turnId: turn.id,
        cwd: t.thread.cwd,
        model: t.model,
        instructions: t.instructions,
        approvalPolicy: t.approvalPolicy,
        sandboxMode: t.sandboxMode,
        sandbox: this.toolSandbox(t),
        reasoningEffort: t.config.modelReasoningEffort,
        reasoningSummary: reasoningSummaryOf(t),
        clientUserMessageId: params?.clientUserMessageId ?? null,
        outputSchema: outputSchemaOf(params),
        commandTimeoutMs: this.o.commandTimeoutMs ?? 10 * 6e4
      };
      const deps = { model, emit, approvals: this.approvalGateway(t), usage: t.usage, signal: active.abort.signal, env: this.o.env };
      if (review !== null) outcome = await this.runReview(t, settings, deps, review);
      else if (params === null) outcome = await runCompactionTurn(t.compactor, compaction(active.abort.signal));
      else outcome = await runTurn(
        settings,
        {
          ...deps,
          history: t.history,
          beforeSample: async (signal) => void await t.compactor.beforeSample(compaction(signal)),
          takeSteeredInput: () => this.steering.take(turn.id),
          onSteered: (listener) => this.steering.subscribe(turn.id, listener)
        },
        params.input
      );
    } catch (err) {
      const error = { message: err.message, codexErrorInfo: "other", additionalDetails: null };
      emit.notify("error", { threadId, turnId: turn.id, error, willRetry: false });
      outcome = { status: "failed", error, lastAgentMessage: null };
    }
    turn.status = outcome.status;
    turn.error = outcome.error;
    turn.completedAt = nowSeconds();
    turn.durationMs = Date.now() - startedMs;
    if (outcome.status === "completed" && outcome.lastAgentMessage) {
      turn.items = [outcome.lastAgentMessage];
      turn.itemsView = "summary";
    }
    t.thread.updatedAt = nowSeconds();
    this.steering.close(turn.id);
    t.activeTurn = null;
    if (outcome.status === "failed") this.markSystemError(t);
    else {
      t.thread.status = { type: "idle" };
      this.publish(t, "thread/status/changed", { threadId, status: t.thread.status });
    }
    this.publish(t, "turn/completed", { threadId, turn: { ...turn } });
  }
  /** The thread's status becomes systemError, announced once. */
  markSystemError(t) {
    if (t.thread.status.type === "systemError") return;
    t.thread.status = { type: "systemError" };
    this.publish(t, "thread/status/changed", { threadId: t.thread.id, status: t.thread.status });
  }
  /**
   * A review turn (agent/review.ts) on its own history. The structured review
   * goes to the thread log as a `review_output` record (the wire has only its
   * text); a completed review is appended to the thread's history.
   */
  async runReview(t, settings, deps, target) {
    const { outcome, output, text } = await runReviewTurn(settings, deps, t.history.items(), target);
    t.log.append("review_output", { turn_id: settings.turnId, target, status: outcome.status, review_output: output, text });
    if (outcome.status === "completed") t.history.append(...reviewHistoryItems(target, text));
    return outcome;
  }
  /**
   * Tells the model about settings changed since it was last told (turn/start
   * overrides), by appending context messages; and follows a model switch with
   * the compaction limits.
   */
  announceSettings(t) {
    const now = {
      ...t.announced,
      cwd: t.thread.cwd,
      approvalPolicy: t.approvalPolicy,
      sandboxMode: t.sandboxMode,
      networkAccess: networkAccess(t.sandboxPolicy)
    };
    const items = contextUpdateItems(t.announced, now, /* @__PURE__ */ new Date());
    if (items.length > 0) t.history.append(...items);
    t.announced = now;
    const limits = contextLimits({
      model: t.model,
      modelContextWindow: t.config.modelContextWindow,
      autoCompactTokenLimit: t.config.modelAutoCompactTokenLimit
    });
    t.compactor.limits = limits;
    t.usage.setContextWindow(limits.effectiveContextWindow);
  }
  /** The sandbox of this turn's tools: the thread's policy, resolved against its cwd. */
  toolSandbox(t) {
    const p = t.approvalPolicy;
    const canEscalate = p === "on-request" || p === "untrusted" || typeof p === "object" && p.granular.sandbox_approval;
    return new ToolSandbox({
      policy: resolveToolPolicy(t.sandboxPolicy, t.thread.cwd),
      host: this.sandboxHost,
      sandboxUser: t.config.sandboxUser,
      canEscalate
    });
  }
  modelClient(t) {
    const p = t.config.modelProvider;
    const apiKey = p.envKey ? this.o.env[p.envKey] : void 0;
    if (p.envKey && !apiKey) {
      throw new TernError(
        "missing_api_key",
        `no API key for model provider "${p.id}": set the environment variable ${p.envKey}`
      );
    }
    return createModelClient(p, { apiKey: apiKey ?? "unused", userAgent: this.o.userAgent() });
  }
  approvalGateway(t) {
    const threadId = t.thread.id;
    const setFlags = (flags) => {
      t.thread.status = { type: "active", activeFlags: flags };
      this.publish(t, "thread/status/changed", { threadId, status: t.thread.status });
    };
    return {
      request: async (method, params, signal, hooks = {}) => {
        const memory = sessionApprovalsOf(t);
        const cmd = method === "item/commandExecution/requestApproval" ? params : null;
        const key = cmd ? `${cmd.cwd ?? ""}\0${cmd.command ?? ""}` : null;
        if (cmd && key !== null && (memory.commands.has(key) || memory.allows(cmd.proposedExecpolicyAmendment ?? null))) {
          hooks.announce?.();
          return "acceptForSession";
        }
        let requestId = null;
        let decided = "decline";
        setFlags(["waitingOnApproval"]);
        hooks.announce?.();
        try {
          decided = await this.askClient(t, method, params, signal, (id) => requestId = id);
          if (decided === "acceptForSession" && key !== null) memory.commands.add(key);
          if (decided !== null && typeof decided === "object" && "acceptWithExecpolicyAmendment" in decided) {
            memory.prefixes.push(decided.acceptWithExecpolicyAmendment.execpolicy_amendment);
          }
          return decided;
        } finally {
          if (requestId !== null) this.publish(t, "serverRequest/resolved", { threadId, requestId });
          hooks.settle?.(decided);
          if (!signal.aborted) setFlags([]);
        }
      }
    };
  }
  /** The client's answer to one approval request; an error reply, a malformed answer or a timeout declines. */
  async askClient(t, method, params, signal, onSent) {
    try {
      const result = await this.o.requestFromClient(method, params, { signal, onSent, threadId: t.thread.id });
      const decision = validApprovalDecision(method, result);
      if (decision !== null) return decision;
      this.o.log.warn(`approval reply without a valid decision: ${JSON.stringify(result)}; treating it as decline`);
      return "decline";
    } catch (err) {
      if (signal.aborted) return "cancel";
      this.o.log.warn(`approval request ${method} failed (${err.message}); treating it as decline`);
      return "decline";
    }
  }
};
function ensureIdle(t) {
  if (t.activeTurn) {
    throw new TernError("turn_active", `thread ${t.thread.id} already has a turn in progress (${t.activeTurn.turn.id})`);
  }
}
function unstartedView(turn) {
  return { ...turn, items: [], itemsView: "notLoaded", status: "inProgress", error: null, startedAt: null, completedAt: null, durationMs: null };
}

// src/transport/listen-url.ts
import { isIP } from "node:net";
import path17 from "node:path";
var DEFAULT_LISTEN_URL = "stdio://";
var CONTROL_SOCKET_DIR = "app-server-control";
var CONTROL_SOCKET_FILE = "app-server-control.sock";
var MAX_PORT = 65535;
function parseListenUrl(url) {
  if (url === DEFAULT_LISTEN_URL) return { kind: "stdio" };
  if (url === "off") return { kind: "off" };
  if (url.startsWith("unix://")) {
    const raw = url.slice("unix://".length);
    return { kind: "unix", socketPath: raw === "" ? null : path17.resolve(raw) };
  }
  if (url.startsWith("ws://")) return { kind: "websocket", ...parseSocketAddress(url, url.slice("ws://".length)) };
  throw new TernError(
    "invalid_listen_url",
    `unsupported --listen URL \`${url}\`; expected \`stdio://\`, \`unix://\`, \`unix://PATH\`, \`ws://IP:PORT\`, or \`off\``
  );
}
function parseSocketAddress(url, text) {
  const bad = () => new TernError("invalid_listen_url", `invalid websocket --listen URL \`${url}\`; expected \`ws://IP:PORT\``);
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!m) throw bad();
  const host = m[1] ?? m[2];
  const port = Number(m[3]);
  if (isIP(host) === 0 || m[1] !== void 0 && isIP(host) !== 6 || port > MAX_PORT) throw bad();
  return { host, port };
}
function defaultControlSocketPath(ternHome) {
  return path17.join(ternHome, CONTROL_SOCKET_DIR, CONTROL_SOCKET_FILE);
}
function isLoopbackAddress(host) {
  if (isIP(host) === 4) return host.startsWith("127.");
  const h = host.toLowerCase();
  return h === "::1" || h.startsWith("::ffff:127.");
}

// src/util/log.ts
var LEVELS = ["debug", "info", "warn", "error", "off"];
function createLogger(stream, levelName, name = "tern") {
  const level = LEVELS.includes(levelName ?? "") ? levelName : "warn";
  const min = LEVELS.indexOf(level);
  const at = (l) => (msg) => {
    if (LEVELS.indexOf(l) < min) return;
    stream.write(`${(/* @__PURE__ */ new Date()).toISOString()} ${l.toUpperCase()} ${name}: ${msg}
`);
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

// src/server/message-processor.ts
import os3 from "node:os";

// src/protocol/client-methods.ts
var REFERENCE_CLIENT_METHODS = [
  "initialize",
  "server/diagnostics",
  "userVerification/status",
  "userVerification/enroll",
  "userVerification/delete",
  "userVerification/verify",
  "userVerification/cancel",
  "thread/start",
  "thread/resume",
  "thread/fork",
  "thread/sample",
  "thread/sample/cancel",
  "thread/archive",
  "thread/delete",
  "thread/unsubscribe",
  "thread/increment_elicitation",
  "thread/decrement_elicitation",
  "thread/name/set",
  "thread/prediction/request",
  "thread/goal/set",
  "thread/goal/get",
  "thread/goal/clear",
  "thread/queue/add",
  "thread/queue/list",
  "thread/queue/update",
  "thread/queue/delete",
  "thread/queue/reorder",
  "thread/queue/start",
  "thread/metadata/update",
  "thread/attachment/add",
  "thread/attachment/list",
  "thread/attachmentOwner/list",
  "thread/attachment/remove",
  "thread/section/move",
  "thread/settings/update",
  "thread/memoryMode/set",
  "thread/memory/read",
  "memory/status",
  "memory/reset",
  "rollout/compress",
  "thread/unarchive",
  "thread/compact/start",
  "thread/shellCommand",
  "thread/approveGuardianDeniedAction",
  "thread/backgroundTerminals/clean",
  "thread/backgroundTerminals/list",
  "thread/backgroundTerminals/terminate",
  "thread/revert",
  "thread/list",
  "project/list",
  "project/read",
  "project/create",
  "project/import",
  "project/update",
  "project/move",
  "project/delete",
  "threadSection/list",
  "threadSection/create",
  "threadSection/update",
  "threadSection/delete",
  "thread/search",
  "thread/searchOccurrences",
  "thread/loaded/list",
  "thread/read",
  "thread/readState/update",
  "thread/turns/list",
  "thread/items/list",
  "thread/items/read",
  "thread/guardianReview",
  "thread/inject_items",
  "thread/prepareApprovedPlan",
  "skills/list",
  "skills/extraRoots/set",
  "hooks/list",
  "marketplace/add",
  "marketplace/remove",
  "marketplace/upgrade",
  "plugin/list",
  "plugin/search",
  "plugin/installed",
  "plugin/reconcile",
  "plugin/read",
  "plugin/skill/read",
  "plugin/share/save",
  "plugin/share/updateTargets",
  "plugin/share/list",
  "plugin/share/checkout",
  "plugin/share/delete",
  "app/read",
  "app/list",
  "app/installed",
  "fs/readFile",
  "fs/writeFile",
  "fs/createDirectory",
  "fs/getMetadata",
  "fs/readDirectory",
  "fs/remove",
  "fs/copy",
  "fs/watch",
  "fs/unwatch",
  "skills/config/write",
  "plugin/install",
  "plugin/uninstall",
  "turn/start",
  "turn/settings/update",
  "turn/steer",
  "turn/interrupt",
  "thread/realtime/start",
  "thread/realtime/appendAudio",
  "thread/realtime/appendText",
  "thread/realtime/appendSpeech",
  "thread/realtime/stop",
  "thread/timeline/list",
  "thread/realtime/listVoices",
  "review/start",
  "model/list",
  "account/gatewayOAuth/read",
  "account/gatewayOAuth/login",
  "account/gatewayOAuth/cancel",
  "modelProvider/list",
  "modelProvider/config/write",
  "modelProvider/capabilities/read",
  "experimentalFeature/list",
  "permissionProfile/list",
  "experimentalFeature/enablement/set",
  "remoteControl/enable",
  "remoteControl/disable",
  "remoteControl/status/read",
  "remoteControl/pairing/start",
  "remoteControl/pairing/status",
  "remoteControl/client/list",
  "remoteControl/client/revoke",
  "collaborationMode/list",
  "mock/experimentalMethod",
  "environment/add",
  "environment/info",
  "environment/status",
  "mcpServer/oauth/login",
  "config/mcpServer/reload",
  "mcpServerStatus/list",
  "mcpServer/resource/read",
  "mcpServer/event/stream/start",
  "mcpServer/event/stream/stop",
  "mcpServer/tool/call",
  "windowsSandbox/setupStart",
  "windowsSandbox/readiness",
  "account/login/start",
  "account/bedrock/discover",
  "account/bedrock/setup",
  "account/gcp/setup",
  "account/bedrock/checkGovCloudRequirements",
  "account/login/cancel",
  "accountSession/list",
  "accountSession/switch",
  "account/logout",
  "account/securitySetup/read",
  "account/rateLimits/read",
  "account/rateLimitResetCredit/consume",
  "account/usage/read",
  "account/workspaceMessages/read",
  "account/sendAddCreditsNudgeEmail",
  "feedback/upload",
  "feedback/save",
  "command/exec",
  "command/exec/write",
  "command/exec/terminate",
  "command/exec/resize",
  "process/spawn",
  "process/writeStdin",
  "process/kill",
  "process/resizePty",
  "config/read",
  "externalAgentConfig/detect",
  "externalAgentConfig/import",
  "externalAgentConfig/import/recordHistory",
  "externalAgentConfig/import/readHistories",
  "config/value/write",
  "config/batchWrite",
  "configRequirements/read",
  "account/read",
  "getConversationSummary",
  "gitDiffToRemote",
  "getAuthStatus",
  "fuzzyFileSearch",
  "fuzzyFileSearch/sessionStart",
  "fuzzyFileSearch/sessionUpdate",
  "fuzzyFileSearch/sessionStop"
];

// src/protocol/thread-id.ts
var HEX = /^[0-9a-fA-F]$/;
var URN_PREFIX = "urn:uuid:";
var GROUP_STARTS = [0, 9, 14, 19, 24];
var GROUP_LENGTHS = [8, 4, 4, 4, 12];
var HYPHEN_AT = new Set(GROUP_STARTS.slice(1).map((start) => start - 1));
var SIMPLE_LENGTH = 32;
var HYPHENATED_LENGTH = 36;
function parseUuid(text) {
  const hyphenated = bareHyphenated(text);
  const simple = text.length === SIMPLE_LENGTH ? text : null;
  if (hyphenated !== null && isHyphenated(hyphenated)) return { ok: true, id: hyphenated.toLowerCase() };
  if (simple !== null && [...simple].every((c) => HEX.test(c))) {
    const s = simple.toLowerCase();
    return { ok: true, id: `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}` };
  }
  return { ok: false, error: diagnose(text) };
}
function bareHyphenated(text) {
  if (text.length === HYPHENATED_LENGTH) return text;
  if (text.length === HYPHENATED_LENGTH + 2 && text.startsWith("{") && text.endsWith("}")) return text.slice(1, -1);
  if (text.length === HYPHENATED_LENGTH + URN_PREFIX.length && text.startsWith(URN_PREFIX)) return text.slice(URN_PREFIX.length);
  return null;
}
function isHyphenated(s) {
  return [...s].every((c, i) => HYPHEN_AT.has(i) ? c === "-" : HEX.test(c));
}
function diagnose(text) {
  let body = text;
  let offset = 0;
  let simple = true;
  if (text.length >= 2 && text.startsWith("{") && text.endsWith("}")) [body, offset, simple] = [text.slice(1, -1), 1, false];
  else if (text.startsWith(URN_PREFIX)) [body, offset, simple] = [text.slice(URN_PREFIX.length), URN_PREFIX.length, false];
  const hyphens = [];
  let byteIndex = 0;
  for (const c of body) {
    if (c === "-") hyphens.push(byteIndex);
    else if (!HEX.test(c)) {
      return `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${c}\` at ${byteIndex + offset + 1}`;
    }
    byteIndex += utf8Length(c);
  }
  if (hyphens.length === 0 && simple) return `invalid length: expected length 32 for simple format, found ${utf8Length(text)}`;
  if (hyphens.length !== 4) return `invalid group count: expected 5, found ${hyphens.length + 1}`;
  for (let g = 0; g < 4; g++) {
    if (hyphens[g] !== GROUP_STARTS[g + 1] - 1) return groupLength(g, hyphens[g] - GROUP_STARTS[g]);
  }
  return groupLength(4, utf8Length(text) - GROUP_STARTS[4]);
}
function groupLength(group, found) {
  return `invalid group length in group ${group}: expected ${GROUP_LENGTHS[group]}, found ${found}`;
}
function utf8Length(s) {
  let n = 0;
  for (const c of s) {
    const cp = c.codePointAt(0);
    n += cp < 128 ? 1 : cp < 2048 ? 2 : cp < 65536 ? 3 : 4;
  }
  return n;
}

// src/server/params.ts
function invalid(message) {
  return new RpcError(ErrorCode.InvalidRequest, message);
}
function objectParams(params, optional) {
  if (params === void 0 || params === null) {
    if (optional) return {};
    throw invalid("Invalid request: missing field `params`");
  }
  if (typeof params !== "object" || Array.isArray(params)) {
    throw invalid(`Invalid request: invalid type: ${describe2(params)}, expected a params object`);
  }
  return params;
}
function matches(value, type) {
  if (type === "array") return Array.isArray(value);
  if (type === "object") return typeof value === "object" && value !== null && !Array.isArray(value);
  return typeof value === type;
}
var article = (type) => type === "array" ? "a sequence" : type === "object" ? "a map" : `a ${type}`;
function requireField(obj, field, type) {
  const value = obj[field];
  if (value === void 0 || value === null) throw invalid(`Invalid request: missing field \`${field}\``);
  if (!matches(value, type)) throw invalid(`Invalid request: invalid type: ${describe2(value)}, expected ${article(type)}`);
}
function optionalField(obj, field, type) {
  const value = obj[field];
  if (value === void 0 || value === null) return;
  if (!matches(value, type)) throw invalid(`Invalid request: invalid type: ${describe2(value)}, expected ${article(type)}`);
}
function optionalEnum(obj, field, variants, listed = variants) {
  const value = obj[field];
  if (value === void 0 || value === null) return;
  if (typeof value !== "string") throw invalid(`Invalid request: invalid type: ${describe2(value)}, expected string or map`);
  if (!variants.includes(value)) {
    throw invalid(`Invalid request: unknown variant \`${value}\`, expected one of ${listed.map((v) => `\`${v}\``).join(", ")}`);
  }
}
function optionalStringList(obj, field, variants) {
  optionalField(obj, field, "array");
  for (const v of obj[field] ?? []) {
    if (typeof v !== "string") throw invalid(`Invalid request: invalid type: ${describe2(v)}, expected a string for \`${field}\``);
    if (variants) optionalEnum({ [field]: v }, field, variants);
  }
}
var THREAD_SOURCE_KINDS = [
  "cli",
  "vscode",
  "exec",
  "appServer",
  "subAgent",
  "subAgentReview",
  "subAgentCompact",
  "subAgentThreadSpawn",
  "subAgentOther",
  "unknown"
];
var SANDBOX_MODES2 = ["read-only", "workspace-write", "danger-full-access"];
var APPROVAL_POLICIES2 = ["untrusted", "on-request", "never"];
var APPROVAL_POLICY_VARIANTS = ["untrusted", "on-request", "granular", "never"];
function optionalApprovalPolicy(obj, field) {
  if (obj[field] === "on-failure") obj[field] = "on-request";
  const value = obj[field];
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const g = value.granular;
    if (Object.keys(value).length === 1 && g !== null && typeof g === "object" && !Array.isArray(g)) {
      obj[field] = { granular: granularFlags(g) };
      return;
    }
  }
  optionalEnum(obj, field, APPROVAL_POLICIES2, APPROVAL_POLICY_VARIANTS);
}
var GRANULAR_REQUIRED = ["sandbox_approval", "rules", "mcp_elicitations"];
var GRANULAR_OPTIONAL = ["skill_approval", "request_permissions"];
function granularFlags(g) {
  for (const k of GRANULAR_REQUIRED) {
    if (g[k] === void 0 || g[k] === null) throw invalid(`Invalid request: missing field \`${k}\``);
    if (typeof g[k] !== "boolean") throw invalid(`Invalid request: invalid type: ${describe2(g[k])}, expected a boolean for \`${k}\``);
  }
  for (const k of GRANULAR_OPTIONAL) {
    if (g[k] != null && typeof g[k] !== "boolean") throw invalid(`Invalid request: invalid type: ${describe2(g[k])}, expected a boolean for \`${k}\``);
  }
  return {
    sandbox_approval: g.sandbox_approval,
    rules: g.rules,
    skill_approval: g.skill_approval === true,
    request_permissions: g.request_permissions === true,
    mcp_elicitations: g.mcp_elicitations
  };
}
var SANDBOX_POLICY_TYPES = ["dangerFullAccess", "readOnly", "externalSandbox", "workspaceWrite"];
var NETWORK_ACCESS_LEVELS = ["restricted", "enabled"];
function optionalSandboxPolicy(obj, field) {
  const value = obj[field];
  if (value === void 0 || value === null) return;
  if (typeof value !== "object" || Array.isArray(value)) throw invalid(`Invalid request: invalid type: ${describe2(value)}, expected internally tagged enum SandboxPolicyDeserialize`);
  const p = value;
  if (p.type === void 0) throw invalid("Invalid request: missing field `type`");
  optionalEnum(p, "type", SANDBOX_POLICY_TYPES);
  if (p.type === "externalSandbox") {
    optionalEnum(p, "networkAccess", NETWORK_ACCESS_LEVELS);
    obj[field] = { type: p.type, networkAccess: p.networkAccess ?? "restricted" };
    return;
  }
  for (const f of ["networkAccess", "excludeTmpdirEnvVar", "excludeSlashTmp"]) optionalField(p, f, "boolean");
  optionalField(p, "writableRoots", "array");
  const roots = p.writableRoots ?? [];
  if (roots.some((r) => typeof r !== "string" || !r.startsWith("/"))) throw invalid("Invalid request: `writableRoots` must be absolute paths");
  obj[field] = p.type === "workspaceWrite" ? { type: p.type, writableRoots: roots, networkAccess: p.networkAccess === true, excludeTmpdirEnvVar: p.excludeTmpdirEnvVar === true, excludeSlashTmp: p.excludeSlashTmp === true } : p.type === "readOnly" ? { type: p.type, networkAccess: p.networkAccess === true } : { type: p.type };
}
var REASONING_SUMMARIES2 = ["auto", "concise", "detailed", "none"];
function checkTurnOverrides(raw) {
  optionalField(raw, "cwd", "string");
  optionalField(raw, "model", "string");
  optionalField(raw, "effort", "string");
  if (raw.effort === "") throw invalid("Invalid request: `effort` must not be empty");
  optionalEnum(raw, "summary", REASONING_SUMMARIES2);
  optionalField(raw, "outputSchema", "object");
  optionalField(raw, "clientUserMessageId", "string");
  optionalApprovalPolicy(raw, "approvalPolicy");
  optionalSandboxPolicy(raw, "sandboxPolicy");
}
var REVIEW_TARGET_TYPES = ["uncommittedChanges", "baseBranch", "commit", "custom"];
function checkReviewStart(obj) {
  requireField(obj, "target", "object");
  const target = obj.target;
  if (target.type === void 0 || target.type === null) throw invalid("Invalid request: missing field `type`");
  if (typeof target.type !== "string" || !REVIEW_TARGET_TYPES.includes(target.type)) {
    const got = typeof target.type === "string" ? `unknown variant \`${target.type}\`` : `invalid type: ${describe2(target.type)}`;
    throw invalid(`Invalid request: ${got}, expected one of ${REVIEW_TARGET_TYPES.map((v) => `\`${v}\``).join(", ")}`);
  }
  const nonBlank = (field) => {
    requireField(target, field, "string");
    if (target[field].trim() === "") throw invalid(`${field} must not be empty`);
  };
  if (target.type === "baseBranch") nonBlank("branch");
  if (target.type === "commit") {
    nonBlank("sha");
    optionalField(target, "title", "string");
  }
  if (target.type === "custom") nonBlank("instructions");
  const delivery = obj.delivery;
  if (delivery !== void 0 && delivery !== null && delivery !== "inline") {
    const got = typeof delivery === "string" ? `unknown variant \`${delivery}\`` : `invalid type: ${describe2(delivery)}`;
    throw invalid(`Invalid request: ${got}, expected \`inline\``);
  }
}
var USER_INPUT_TYPES = ["text", "image", "localImage", "audio", "localAudio", "skill", "mention"];
function checkUserInput(input) {
  input.forEach((item) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw invalid(`Invalid request: invalid type: ${describe2(item)}, expected internally tagged enum UserInput`);
    }
    const t = item.type;
    if (typeof t !== "string") throw invalid("Invalid request: missing field `type`");
    if (!USER_INPUT_TYPES.includes(t)) {
      throw invalid(`Invalid request: unknown variant \`${t}\`, expected one of ${USER_INPUT_TYPES.map((v) => `\`${v}\``).join(", ")}`);
    }
    if (t === "text" && typeof item.text !== "string") throw invalid("Invalid request: missing field `text`");
  });
}
function describe2(v) {
  if (Array.isArray(v)) return "sequence";
  if (v === null) return "null";
  if (typeof v === "string") return `string ${JSON.stringify(v)}`;
  if (typeof v === "number") return Number.isInteger(v) ? `integer \`${v}\`` : `floating point \`${v}\``;
  if (typeof v === "boolean") return `boolean \`${v}\``;
  return "map";
}

// src/server/client-methods.ts
var REASONING_EFFORTS = [
  { reasoningEffort: "low", description: "Fast responses with lighter reasoning" },
  { reasoningEffort: "medium", description: "Balances speed and reasoning depth" },
  { reasoningEffort: "high", description: "Greater reasoning depth for complex problems" }
];
var DEFAULT_REASONING_EFFORT = "medium";
function cwdsOf(rawParams) {
  const raw = objectParams(rawParams, true);
  optionalField(raw, "cwds", "array");
  return (raw.cwds ?? []).filter((c) => typeof c === "string");
}
var CLIENT_METHODS = {
  /** No ChatGPT account: models are reached with an API key from the environment. */
  "account/read": () => ({ account: null, userId: null, requiresOpenaiAuth: false, workspaceRouting: null }),
  "account/bedrock/checkGovCloudRequirements": () => ({ isGovCloud: false, shouldWarn: false }),
  "model/list": ({ config }) => ({
    data: [
      {
        id: config.model,
        model: config.model,
        upgrade: null,
        upgradeInfo: null,
        availabilityNux: null,
        displayName: config.model,
        description: `${config.model} via ${config.modelProvider.name}`,
        modelSpecialty: null,
        hidden: false,
        supportedReasoningEfforts: REASONING_EFFORTS,
        defaultReasoningEffort: config.modelReasoningEffort ?? DEFAULT_REASONING_EFFORT,
        inputModalities: ["text"],
        supportsPersonality: false,
        multiAgentVersion: null,
        additionalSpeedTiers: [],
        serviceTiers: [],
        defaultServiceTier: null,
        availableAccessPrograms: null,
        isDefault: true
      }
    ],
    nextCursor: null
  }),
  /** The effective settings a client shows; never provider headers or keys. */
  "config/read": ({ config }, rawParams) => {
    const raw = objectParams(rawParams, true);
    return {
      config: {
        model: config.model,
        model_provider: config.modelProvider.id,
        approval_policy: config.approvalPolicy,
        sandbox_mode: config.sandboxMode,
        model_reasoning_effort: config.modelReasoningEffort,
        model_context_window: config.modelContextWindow,
        model_auto_compact_token_limit: config.modelAutoCompactTokenLimit,
        developer_instructions: config.developerInstructions,
        compact_prompt: config.compactPrompt,
        analytics: { enabled: false }
      },
      origins: {},
      layers: raw.includeLayers === true ? [] : null
    };
  },
  "configRequirements/read": () => ({ requirements: null, supportsIndependentSpeedModes: false }),
  "collaborationMode/list": () => ({ data: [{ name: "Default", mode: "default", model: null, reasoning_effort: null }] }),
  "hooks/list": (_ctx, rawParams) => ({
    data: cwdsOf(rawParams).map((cwd) => ({ cwd, hooks: [], warnings: [], errors: [] }))
  }),
  "skills/list": (_ctx, rawParams) => ({
    data: cwdsOf(rawParams).map((cwd) => ({ cwd, skills: [], errors: [] }))
  }),
  /** A thread's turns, newest first by default, in pages behind an opaque cursor. */
  "thread/turns/list": ({ threads }, rawParams) => {
    const raw = objectParams(rawParams, false);
    requireField(raw, "threadId", "string");
    optionalField(raw, "cursor", "string");
    optionalEnum(raw, "sortDirection", ["asc", "desc"]);
    if (raw.limit != null && (typeof raw.limit !== "number" || !Number.isInteger(raw.limit) || raw.limit < 0)) {
      throw invalid(`Invalid request: invalid type: ${JSON.stringify(raw.limit)}, expected u32 for \`limit\``);
    }
    const turns = threads.readThread(raw.threadId, true).thread.turns;
    if (raw.sortDirection !== "asc") turns.reverse();
    return turnsPage(turns, raw.cursor ?? null, raw.limit ?? null);
  },
  /** Read state is a client convenience tern does not keep: every update gets a fresh revision. */
  "thread/readState/update": (_ctx, rawParams) => {
    const raw = objectParams(rawParams, false);
    optionalField(raw, "threadId", "string");
    return { readState: { firstUnread: null, revision: newId() } };
  }
};
function turnsPage(turns, cursor, limit) {
  const start = cursor === null ? 0 : Number.parseInt(Buffer.from(cursor, "base64url").toString("utf8"), 10);
  if (!Number.isInteger(start) || start < 0) throw invalid(`invalid cursor: ${cursor}`);
  const end = limit === null ? turns.length : Math.min(turns.length, start + limit);
  const data = turns.slice(start, end);
  const at = (offset) => Buffer.from(String(offset), "utf8").toString("base64url");
  return { data, nextCursor: end < turns.length ? at(end) : null, backwardsCursor: data.length > 0 && start > 0 ? at(start) : null };
}

// src/server/wire-errors.ts
var WIRE_CODES = {
  "invalid-request": ErrorCode.InvalidRequest,
  "not-found": ErrorCode.InvalidRequest,
  usage: ErrorCode.InvalidRequest,
  config: ErrorCode.InvalidRequest,
  policy: ErrorCode.InvalidRequest,
  unsupported: ErrorCode.MethodNotFound,
  overloaded: ErrorCode.Overloaded,
  model: ErrorCode.InternalError,
  sandbox: ErrorCode.InternalError,
  tool: ErrorCode.InternalError,
  git: ErrorCode.InternalError,
  server: ErrorCode.InternalError,
  timeout: ErrorCode.InternalError,
  interrupted: ErrorCode.InternalError,
  budget: ErrorCode.InternalError,
  internal: ErrorCode.InternalError
};
function toRpcError(err) {
  if (err instanceof RpcError) return err;
  return new RpcError(WIRE_CODES[categoryOf(err)], errorMessage(err));
}

// src/server/message-processor.ts
var MAX_EXCLUDED_THREAD_IDS = 100;
function row(struct, check, run) {
  return { struct, check, run };
}
var THREAD_SETTING_STRINGS = ["cwd", "model", "modelProvider", "baseInstructions", "developerInstructions"];
function checkThreadSettings(raw) {
  for (const f of THREAD_SETTING_STRINGS) optionalField(raw, f, "string");
  optionalField(raw, "config", "object");
  optionalEnum(raw, "sandbox", SANDBOX_MODES2);
  optionalApprovalPolicy(raw, "approvalPolicy");
}
var METHODS = {
  "thread/start": row(
    ["ThreadStartParams", 27],
    (raw) => {
      checkThreadSettings(raw);
      optionalField(raw, "ephemeral", "boolean");
      return raw;
    },
    async ({ threads, originator, session }, params) => {
      const result = await threads.startThread(params, originator);
      session.subscribe(result.thread.id);
      return new ReplyThen(result, () => threads.announceThread(result.thread.id));
    }
  ),
  "turn/start": row(
    ["TurnStartParams", 28],
    (raw) => {
      requireField(raw, "threadId", "string");
      requireField(raw, "input", "array");
      checkUserInput(raw.input);
      checkTurnOverrides(raw);
      return raw;
    },
    ({ threads }, params) => {
      const { turn, begin } = threads.prepareTurn({ ...params, threadId: threadIdParam(params.threadId) });
      return new ReplyThen({ turn }, begin);
    }
  ),
  "turn/steer": row(
    ["TurnSteerParams", 7],
    (raw) => {
      requireField(raw, "threadId", "string");
      requireField(raw, "input", "array");
      requireField(raw, "expectedTurnId", "string");
      optionalField(raw, "clientUserMessageId", "string");
      checkUserInput(raw.input);
      return raw;
    },
    ({ threads }, params) => threads.steerTurn({ ...params, threadId: threadIdParam(params.threadId) })
  ),
  "turn/interrupt": row(
    ["TurnInterruptParams", 2],
    (raw) => {
      requireField(raw, "threadId", "string");
      requireField(raw, "turnId", "string");
      return raw;
    },
    ({ threads }, params) => {
      threads.interruptTurn(threadIdParam(params.threadId), params.turnId);
      return {};
    }
  ),
  "thread/compact/start": row(
    ["ThreadCompactStartParams", 1],
    (raw) => {
      requireField(raw, "threadId", "string");
      return raw;
    },
    ({ threads }, params) => {
      const { begin } = threads.prepareCompaction(threadIdParam(params.threadId));
      const result = {};
      return new ReplyThen(result, begin);
    }
  ),
  "review/start": row(
    ["ReviewStartParams", 3],
    (raw) => {
      requireField(raw, "threadId", "string");
      checkReviewStart(raw);
      return raw;
    },
    ({ threads }, params) => {
      const { result, begin } = threads.prepareReview({ ...params, threadId: threadIdParam(params.threadId) });
      return new ReplyThen(result, begin);
    }
  ),
  "thread/resume": row(
    ["ThreadResumeParams", 18],
    (raw) => {
      requireField(raw, "threadId", "string");
      checkThreadSettings(raw);
      optionalField(raw, "excludeTurns", "boolean");
      return raw;
    },
    async ({ threads, originator, session }, params) => {
      const result = await threads.resumeThread({ ...params, threadId: threadIdParam(params.threadId, "session id") }, originator);
      session.subscribe(result.thread.id);
      return new ReplyThen(result, () => {
        threads.announceRestoredUsage(result.thread.id);
        session.sendPending(result.thread.id);
      });
    }
  ),
  "thread/read": row(
    ["ThreadReadParams", 2],
    (raw) => {
      requireField(raw, "threadId", "string");
      optionalField(raw, "includeTurns", "boolean");
      return raw;
    },
    ({ threads }, params) => threads.readThread(threadIdParam(params.threadId), params.includeTurns === true)
  ),
  "thread/list": row(
    ["ThreadListParams", 19],
    (raw) => {
      optionalField(raw, "cursor", "string");
      optionalField(raw, "archived", "boolean");
      optionalField(raw, "searchTerm", "string");
      optionalStringList(raw, "sourceKinds", THREAD_SOURCE_KINDS);
      optionalStringList(raw, "modelProviders");
      optionalStringList(raw, "excludedThreadIds");
      if ((raw.excludedThreadIds ?? []).length > MAX_EXCLUDED_THREAD_IDS) {
        throw invalid(`excludedThreadIds accepts at most ${MAX_EXCLUDED_THREAD_IDS} ids`);
      }
      optionalEnum(raw, "sortKey", ["created_at", "updated_at", "recency_at", "section_position"]);
      optionalEnum(raw, "sortDirection", ["asc", "desc"]);
      checkU32(raw.limit);
      if (raw.cwd != null && typeof raw.cwd !== "string" && !Array.isArray(raw.cwd)) {
        throw invalid("Invalid request: data did not match any variant of untagged enum ThreadListCwdFilter");
      }
      return raw;
    },
    ({ threads }, params) => threads.listThreads(params)
  ),
  "thread/fork": row(
    ["ThreadForkParams", 23],
    (raw) => {
      requireField(raw, "threadId", "string");
      checkThreadSettings(raw);
      optionalField(raw, "lastTurnId", "string");
      for (const f of ["ephemeral", "excludeTurns"]) optionalField(raw, f, "boolean");
      return raw;
    },
    async ({ threads, originator, session }, params) => {
      const result = await threads.forkThread({ ...params, threadId: threadIdParam(params.threadId, "session id") }, originator);
      session.subscribe(result.thread.id);
      return new ReplyThen(result, () => {
        threads.announceRestoredUsage(result.thread.id);
        threads.announceThread(result.thread.id);
      });
    }
  ),
  "thread/archive": row(["ThreadArchiveParams", 1], sessionIdOnly, async ({ threads }, { threadId }) => {
    await threads.archiveThread(threadId);
    return new ReplyThen({}, () => threads.notifyThreadEvent("thread/archived", { threadId }));
  }),
  "thread/unarchive": row(["ThreadUnarchiveParams", 1], sessionIdOnly, ({ threads }, { threadId }) => {
    const result = threads.unarchiveThread(threadId);
    return new ReplyThen(result, () => threads.notifyThreadEvent("thread/unarchived", { threadId }));
  }),
  "thread/name/set": row(
    ["ThreadSetNameParams", 2],
    (raw) => {
      requireField(raw, "threadId", "string");
      requireField(raw, "name", "string");
      return raw;
    },
    ({ threads }, { threadId: rawId, name }) => {
      const threadId = threadIdParam(rawId);
      threads.setThreadName(threadId, name);
      return new ReplyThen({}, () => threads.notifyThreadEvent("thread/name/updated", { threadId, threadName: name }));
    }
  ),
  "thread/loaded/list": row(
    ["ThreadLoadedListParams", 2],
    (raw) => {
      optionalField(raw, "cursor", "string");
      checkU32(raw.limit);
      return raw;
    },
    ({ threads }, params) => loadedListPage(threads.loadedThreadIds(), params.cursor ?? null, params.limit ?? null)
  ),
  "thread/unsubscribe": row(["ThreadUnsubscribeParams", 1], threadIdOnly, ({ threads, session }, { threadId }) => ({
    status: threads.isLoaded(threadId) ? session.unsubscribe(threadId) : "notLoaded"
  })),
  // What the Codex terminal client asks besides threads and turns (client-methods.ts).
  ...CLIENT_METHODS
};
var IMPLEMENTED_METHODS = ["initialize", ...Object.keys(METHODS)];
var UNKNOWN_METHOD_TAIL = `expected one of ${REFERENCE_CLIENT_METHODS.map((m) => `\`${m}\``).join(", ")}`;
function threadIdOnly(raw) {
  requireField(raw, "threadId", "string");
  return { threadId: threadIdParam(raw.threadId) };
}
function sessionIdOnly(raw) {
  requireField(raw, "threadId", "string");
  return { threadId: threadIdParam(raw.threadId, "session id") };
}
function checkU32(value) {
  if (value === void 0 || value === null) return;
  if (typeof value === "number" && Number.isInteger(value)) {
    if (value >= 0 && value <= 4294967295) return;
    throw invalid(`Invalid request: invalid value: ${describe2(value)}, expected u32`);
  }
  throw invalid(`Invalid request: invalid type: ${describe2(value)}, expected u32`);
}
function threadIdParam(value, what = "thread id") {
  const parsed = parseUuid(value);
  if (!parsed.ok) throw invalid(`invalid ${what}: ${parsed.error}`);
  return parsed.id;
}
function structParams(raw, struct) {
  if (raw === void 0 || raw === null) throw invalid("Invalid request: missing field `params`");
  return structValue(raw, struct);
}
function structValue(raw, [name, fields]) {
  if (Array.isArray(raw) && raw.length === 0) {
    throw invalid(`Invalid request: invalid length 0, expected struct ${name} with ${fields} element${fields === 1 ? "" : "s"}`);
  }
  if (typeof raw !== "object" || Array.isArray(raw)) throw invalid(`Invalid request: invalid type: ${describe2(raw)}, expected struct ${name}`);
  return raw;
}
function checkInitializeParams(rawParams) {
  const raw = structParams(rawParams, ["InitializeParams", 2]);
  if (raw.clientInfo === void 0 || raw.clientInfo === null) throw invalid("Invalid request: missing field `clientInfo`");
  const info = structValue(raw.clientInfo, ["ClientInfo", 3]);
  requireField(info, "name", "string");
  optionalField(info, "title", "string");
  requireField(info, "version", "string");
  const caps = raw.capabilities;
  if (caps !== void 0 && caps !== null) {
    if (typeof caps !== "object" || Array.isArray(caps)) throw invalid(`Invalid request: invalid type: ${describe2(caps)}, expected struct InitializeCapabilities`);
    const c = caps;
    optionalField(c, "experimentalApi", "boolean");
    optionalField(c, "optOutNotificationMethods", "array");
    for (const m of c.optOutNotificationMethods ?? []) {
      if (typeof m !== "string") throw invalid(`Invalid request: invalid type: ${describe2(m)}, expected a string`);
    }
  }
  return raw;
}
var MessageProcessor = class {
  constructor(o) {
    this.o = o;
  }
  o;
  initialized = false;
  experimentalApi = false;
  originator = "tern";
  async handleRequest(req) {
    try {
      return await this.dispatch(req);
    } catch (err) {
      throw toRpcError(err);
    }
  }
  handleNotification(n) {
    this.o.log.debug(`client notification: ${n.method}`);
  }
  /** Parse (method, then params), then the initialize gate, then the handler: the reference's order. */
  dispatch(req) {
    if (req.method === "initialize") return this.initialize(checkInitializeParams(req.params));
    const entry2 = Object.hasOwn(METHODS, req.method) ? METHODS[req.method] : void 0;
    if (!entry2) {
      if (!REFERENCE_CLIENT_METHODS.includes(req.method)) throw invalid(`Invalid request: unknown variant \`${req.method}\`, ${UNKNOWN_METHOD_TAIL}`);
      if (!this.initialized) throw invalid("Not initialized");
      throw new UnsupportedFailure(`${req.method} is not supported yet`);
    }
    const ctx = { threads: this.o.threads, originator: this.originator, session: this.o.session, config: this.o.config };
    if (typeof entry2 === "function") {
      if (!this.initialized) throw invalid("Not initialized");
      this.experimentalGate(req.params);
      return entry2(ctx, req.params);
    }
    const params = entry2.check(structParams(req.params, entry2.struct));
    if (!this.initialized) throw invalid("Not initialized");
    this.experimentalGate(params);
    return entry2.run(ctx, params);
  }
  /**
   * Experimental protocol surface is refused unless the client asked for it at initialize
   * (`capabilities.experimentalApi`), in the reference's words. Of what tern serves, only the
   * `granular` approval policy is experimental in 0.169.
   */
  experimentalGate(params) {
    if (this.experimentalApi || typeof params !== "object" || params === null) return;
    const policy = params.approvalPolicy;
    if (typeof policy === "object" && policy !== null && "granular" in policy) {
      throw invalid("askForApproval.granular requires experimentalApi capability");
    }
  }
  initialize(params) {
    if (this.initialized) throw invalid("Already initialized");
    const info = params.clientInfo;
    if (!/^[\t\x20-\x7e]*$/.test(info.name)) {
      throw invalid(`Invalid clientInfo.name: '${info.name}'. Must be a valid HTTP header value.`);
    }
    this.initialized = true;
    this.experimentalApi = params.capabilities?.experimentalApi === true;
    this.originator = info.name;
    this.o.onClientInfo({ name: info.name, version: info.version });
    this.o.outgoing.markInitialized(params.capabilities?.optOutNotificationMethods ?? []);
    const result = {
      userAgent: userAgent(info.name, info.version),
      codexHome: this.o.ternHome,
      platformFamily: process.platform === "win32" ? "windows" : "unix",
      platformOs: process.platform === "darwin" ? "macos" : process.platform
    };
    return new ReplyThen(result, () => {
      for (const w of this.o.configWarnings) this.o.outgoing.notify("configWarning", w);
    });
  }
};
function loadedListPage(ids, cursor, limit) {
  let start = 0;
  if (cursor !== null) {
    const at = ids.indexOf(Buffer.from(cursor, "base64url").toString("utf8"));
    start = at === -1 ? ids.length : at + 1;
  }
  const end = limit === null ? ids.length : Math.min(ids.length, start + limit);
  const data = ids.slice(start, end);
  const nextCursor = end < ids.length && data.length > 0 ? Buffer.from(data[data.length - 1], "utf8").toString("base64url") : null;
  return { data, nextCursor };
}
function userAgent(clientName, clientVersion) {
  return `${clientName}/${VERSION} (${os3.type()} ${os3.release()}; ${os3.arch()}) tern (${clientName}; ${clientVersion})`;
}

// src/server/outgoing.ts
var Outgoing = class {
  constructor(conn) {
    this.conn = conn;
  }
  conn;
  initialized = false;
  optOut = /* @__PURE__ */ new Set();
  get isInitialized() {
    return this.initialized;
  }
  markInitialized(optOutNotificationMethods) {
    this.initialized = true;
    this.optOut = new Set(optOutNotificationMethods);
  }
  notify(method, params) {
    if (!this.initialized || this.optOut.has(method)) return;
    this.conn.sendNotification(method, params, { emittedAtMs: Date.now() });
  }
  request(method, params, opts) {
    return this.conn.sendRequest(method, params, opts);
  }
};

// src/server/router.ts
var BROADCAST = /* @__PURE__ */ new Set([
  "thread/started",
  "thread/status/changed",
  "thread/closed",
  "thread/archived",
  "thread/unarchived",
  "thread/name/updated"
]);
var ThreadRouter = class {
  constructor(o) {
    this.o = o;
  }
  o;
  links = /* @__PURE__ */ new Set();
  subscribers = /* @__PURE__ */ new Map();
  pending = /* @__PURE__ */ new Map();
  unloadTimers = /* @__PURE__ */ new Map();
  /** Server request ids: one counter for the process, from 0, as the reference numbers them. */
  nextRequestId = 0;
  attach(link) {
    this.links.add(link);
  }
  /** The connection closed: it leaves every thread and every pending request. */
  detach(link) {
    this.links.delete(link);
    for (const [threadId, subs] of this.subscribers) {
      if (subs.delete(link)) this.afterLeave(threadId);
    }
    for (const p of this.pending.values()) this.withdraw(p, link);
  }
  subscribe(link, threadId) {
    let subs = this.subscribers.get(threadId);
    if (!subs) this.subscribers.set(threadId, subs = /* @__PURE__ */ new Set());
    subs.add(link);
    this.cancelUnload(threadId);
  }
  /**
   * After a resume's reply: the thread's still-pending requests to the resuming
   * client, under their original ids, even if it got them before (the reference
   * sends them again: the client may have lost them with its connection state).
   */
  sendPending(link, threadId) {
    if (!this.subscribers.get(threadId)?.has(link)) return;
    for (const [id, p] of this.pending) if (p.threadId === threadId) this.sendTo(id, p, link);
  }
  unsubscribe(link, threadId) {
    const subs = this.subscribers.get(threadId);
    if (!subs?.delete(link)) return "notSubscribed";
    this.afterLeave(threadId);
    return "unsubscribed";
  }
  /** The thread was unloaded: nobody is subscribed any more. */
  forget(threadId) {
    this.subscribers.delete(threadId);
    this.cancelUnload(threadId);
  }
  notify(method, params, threadId) {
    if (threadId === void 0 || BROADCAST.has(method)) {
      for (const link of this.links) link.notify(method, params);
    } else {
      for (const link of this.subscribers.get(threadId) ?? []) link.notify(method, params);
    }
    if (method === "turn/completed" && threadId !== void 0 && this.subscriberCount(threadId) === 0) this.scheduleUnload(threadId);
  }
  /** Sends a server request to the thread's subscribers; resolves with the first answer. */
  request(threadId, method, params, opts) {
    const id = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      let timer;
      const onAbort = () => p.settle(new RequestFailedError("aborted", `${method} was aborted`));
      const p = {
        threadId,
        method,
        params,
        targets: /* @__PURE__ */ new Map(),
        settle: (outcome) => {
          if (!this.pending.delete(id)) return;
          clearTimeout(timer);
          opts.signal.removeEventListener("abort", onAbort);
          for (const ac of p.targets.values()) ac.abort();
          p.targets.clear();
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome.result);
        }
      };
      if (opts.signal.aborted) {
        reject(new RequestFailedError("aborted", `${method} was aborted`));
        return;
      }
      this.pending.set(id, p);
      opts.signal.addEventListener("abort", onAbort, { once: true });
      timer = setTimeout(
        () => p.settle(new RequestFailedError("timeout", `${method} got no reply within ${this.o.requestTimeoutMs} ms`)),
        this.o.requestTimeoutMs
      );
      for (const link of this.subscribers.get(threadId) ?? []) this.sendTo(id, p, link);
      if (p.targets.size === 0) this.o.log.warn(`${method} for thread ${threadId}: no client is subscribed; waiting for one to resume it`);
      opts.onSent(id);
    });
  }
  sendTo(id, p, link) {
    const ac = new AbortController();
    p.targets.set(link, ac);
    link.request(p.method, p.params, { id, signal: ac.signal }).then(
      (result) => p.settle({ result }),
      (err) => {
        if (err instanceof RequestFailedError && (err.reason === "closed" || err.reason === "aborted")) {
          p.targets.delete(link);
          return;
        }
        p.settle(err instanceof Error ? err : new Error(String(err)));
      }
    );
  }
  withdraw(p, link) {
    const ac = p.targets.get(link);
    if (!ac) return;
    p.targets.delete(link);
    ac.abort();
  }
  subscriberCount(threadId) {
    return this.subscribers.get(threadId)?.size ?? 0;
  }
  afterLeave(threadId) {
    if (this.subscriberCount(threadId) === 0) this.scheduleUnload(threadId);
  }
  scheduleUnload(threadId) {
    this.cancelUnload(threadId);
    const timer = setTimeout(() => {
      this.unloadTimers.delete(threadId);
      if (this.subscriberCount(threadId) > 0 || this.o.isTurnActive(threadId)) return;
      this.forget(threadId);
      this.o.unload(threadId);
    }, this.o.unloadAfterMs);
    timer.unref();
    this.unloadTimers.set(threadId, timer);
  }
  cancelUnload(threadId) {
    const t = this.unloadTimers.get(threadId);
    if (t) clearTimeout(t);
    this.unloadTimers.delete(threadId);
  }
  /** Stops the unload timers (server shutdown). */
  dispose() {
    for (const t of this.unloadTimers.values()) clearTimeout(t);
    this.unloadTimers.clear();
  }
};

// src/server/app-server.ts
var USAGE = `usage: tern app-server [--listen URL | --stdio] [-c key=value]...
         [--ws-auth capability-token (--ws-token-file PATH | --ws-token-sha256 HEX)]
         [--ws-auth signed-bearer-token --ws-shared-secret-file PATH [--ws-issuer ISS] [--ws-audience AUD] [--ws-max-clock-skew-seconds N]]
  --listen: stdio:// (default), ws://IP:PORT, unix:// ($TERN_HOME/app-server-control/app-server-control.sock), unix://PATH, off`;
var SHUTDOWN_SIGNALS = ["SIGTERM", "SIGINT"];
var SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 };
var SIGNAL_EXIT_BASE = 128;
var SHUTDOWN_DEADLINE_MS = 2e4;
var KEEP_ALIVE_INTERVAL_MS = 60 * 6e4;
var APPROVAL_TIMEOUT_MS = 30 * 6e4;
var IDLE_THREAD_UNLOAD_SECS = 60;
var UNLOAD_DELAY_KEY = "thread_unload_delay_secs";
var MS_PER_SECOND = 1e3;
function parseFlags(argv) {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        config: { type: "string", short: "c", multiple: true },
        help: { type: "boolean", short: "h" },
        listen: { type: "string" },
        stdio: { type: "boolean" },
        "ws-auth": { type: "string" },
        "ws-token-file": { type: "string" },
        "ws-token-sha256": { type: "string" },
        "ws-shared-secret-file": { type: "string" },
        "ws-issuer": { type: "string" },
        "ws-audience": { type: "string" },
        "ws-max-clock-skew-seconds": { type: "string" }
      },
      strict: true,
      allowPositionals: false
    });
    if (values.help) return "help";
    if (values.stdio && values.listen !== void 0 && values.listen !== DEFAULT_LISTEN_URL) return "--stdio and --listen cannot be used together";
    const target = parseListenUrl(values.stdio ? DEFAULT_LISTEN_URL : values.listen ?? DEFAULT_LISTEN_URL);
    const auth = wsAuthPolicy({
      wsAuth: values["ws-auth"],
      wsTokenFile: values["ws-token-file"],
      wsTokenSha256: values["ws-token-sha256"],
      wsSharedSecretFile: values["ws-shared-secret-file"],
      wsIssuer: values["ws-issuer"],
      wsAudience: values["ws-audience"],
      wsMaxClockSkewSeconds: values["ws-max-clock-skew-seconds"]
    });
    return { overrides: values.config ?? [], target, auth };
  } catch (err) {
    return err.message;
  }
}
function unsafeBindMessage(target, auth) {
  if (target.kind !== "websocket" || auth.mode !== "none" || isLoopbackAddress(target.host)) return null;
  return `refusing to start non-loopback websocket listener ${target.host}:${target.port} without auth; configure \`--ws-auth capability-token\` (with \`--ws-token-file PATH\` or \`--ws-token-sha256 HEX\`) or \`--ws-auth signed-bearer-token\` (with \`--ws-shared-secret-file PATH\`), or listen on 127.0.0.1`;
}
async function runAppServer(argv, io) {
  const flags = parseFlags(argv);
  if (flags === "help") {
    io.stderr.write(`${USAGE}
Serves the Codex App Server protocol (v2): over stdio one JSON message per line, over WebSocket one per text frame.
`);
    return 0;
  }
  if (typeof flags === "string") {
    io.stderr.write(`tern app-server: ${flags}
${USAGE}
`);
    return 2;
  }
  const refusal = unsafeBindMessage(flags.target, flags.auth);
  if (refusal !== null) {
    io.stderr.write(`tern app-server: ${refusal}
`);
    return 1;
  }
  const log = createLogger(io.stderr, io.env.TERN_LOG, "tern app-server");
  const ternHome = resolveTernHome(io.env);
  let warnings;
  let config;
  try {
    ({ warnings, config } = loadConfig({ ternHome, overrides: flags.overrides, env: io.env }));
    mkdirSync3(ternHome, { recursive: true });
  } catch (err) {
    const msg = err instanceof ConfigError ? err.message : `cannot prepare ${ternHome}: ${err.message}`;
    io.stderr.write(`tern app-server: ${msg}
`);
    return 1;
  }
  let client = { name: "tern", version: VERSION };
  const router = new ThreadRouter({
    unloadAfterMs: unloadDelayMs(config, log),
    requestTimeoutMs: APPROVAL_TIMEOUT_MS,
    isTurnActive: (id) => threads.isTurnActive(id),
    unload: (id) => void threads.unloadThread(id),
    log
  });
  const threads = new ThreadManager({
    ternHome,
    overrides: flags.overrides,
    env: io.env,
    cliVersion: VERSION,
    userAgent: () => userAgent(client.name, client.version),
    notify: (method, params, threadId) => router.notify(method, params, threadId),
    requestFromClient: (method, params, opts) => router.request(opts.threadId, method, params, opts),
    log
  });
  const stop = new StopSignal(log);
  const serve = (streams) => serveConnection(streams, { threads, router, config, ternHome, log, configWarnings: warnings, onClientInfo: (info) => client = info }, () => {
    if (streams.origin === "stdio") stop.inputClosed();
  });
  let listener;
  try {
    listener = await startTransport(flags, ternHome, io, log, serve);
  } catch (err) {
    stop.dispose();
    if (!(err instanceof TernError)) throw err;
    io.stderr.write(`tern app-server: ${err.message}
`);
    return 1;
  }
  const signal = await stop.wait();
  await listener?.close();
  router.dispose();
  await withDeadline(threads.shutdown(), SHUTDOWN_DEADLINE_MS, () => {
    log.warn(`shutdown took longer than ${SHUTDOWN_DEADLINE_MS} ms; killing the remaining tool processes`);
    killAllToolProcessesNow();
  });
  stop.dispose();
  return signal === null ? 0 : SIGNAL_EXIT_BASE + (SIGNAL_NUMBERS[signal] ?? 0);
}
function unloadDelayMs(config, log) {
  const v = config.raw[UNLOAD_DELAY_KEY];
  if (v === void 0 || v === null) return IDLE_THREAD_UNLOAD_SECS * MS_PER_SECOND;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v * MS_PER_SECOND;
  log.warn(`${UNLOAD_DELAY_KEY} must be a non-negative integer (seconds); using ${IDLE_THREAD_UNLOAD_SECS}`);
  return IDLE_THREAD_UNLOAD_SECS * MS_PER_SECOND;
}
async function startTransport(flags, ternHome, io, log, serve) {
  const t = flags.target;
  if (t.kind === "off") {
    log.info("--listen off: no transport; serving until SIGTERM/SIGINT");
    return null;
  }
  if (t.kind === "stdio") {
    serve({ origin: "stdio", input: io.stdin, output: io.stdout, label: "stdio" });
    return null;
  }
  const address = t.kind === "websocket" ? { host: t.host, port: t.port } : { socketPath: t.socketPath ?? defaultControlSocketPath(ternHome) };
  const { startWebSocketListener } = await import("./websocket-PHC34MFC.js");
  const listener = await startWebSocketListener({ address, auth: flags.auth, log, onConnection: serve });
  const http = listener.url.startsWith("ws://") ? listener.url.replace("ws://", "http://") : null;
  io.stderr.write(`tern app-server (WebSockets)
  listening on: ${listener.url}
`);
  if (http) io.stderr.write(`  readyz: ${http}/readyz
  healthz: ${http}/healthz
`);
  return listener;
}
function serveConnection(streams, d, onClosed) {
  const conn = new JsonRpcConnection(streams.input, streams.output);
  const outgoing = new Outgoing(conn);
  const link = {
    label: streams.label,
    notify: (method, params) => outgoing.notify(method, params),
    request: (method, params, opts) => outgoing.request(method, params, opts)
  };
  d.router.attach(link);
  const processor = new MessageProcessor({
    threads: d.threads,
    config: d.config,
    outgoing,
    session: {
      subscribe: (id) => d.router.subscribe(link, id),
      sendPending: (id) => d.router.sendPending(link, id),
      unsubscribe: (id) => d.router.unsubscribe(link, id)
    },
    ternHome: d.ternHome,
    log: d.log,
    configWarnings: d.configWarnings,
    onClientInfo: d.onClientInfo
  });
  conn.start({
    onRequest: (req) => processor.handleRequest(req),
    onNotification: (n) => processor.handleNotification(n),
    onMalformed: (line, reason) => d.log.warn(`${streams.label}: dropped a malformed message (${reason}): ${line.slice(0, 200)}`),
    onClose: () => {
      d.log.info(`${streams.label} closed`);
      d.router.detach(link);
      onClosed();
    }
  });
}
var StopSignal = class {
  constructor(log) {
    this.log = log;
    for (const sig of SHUTDOWN_SIGNALS) process.on(sig, this.onSignal);
  }
  log;
  signal = null;
  stopped = false;
  resolve = () => void 0;
  stoppedPromise = new Promise((r) => this.resolve = r);
  onSignal = (sig) => this.received(sig);
  /** Keeps the process up while nothing else does (`--listen off`) until a stop arrives. */
  keepAlive = setInterval(() => void 0, KEEP_ALIVE_INTERVAL_MS);
  wait() {
    return this.stoppedPromise;
  }
  inputClosed() {
    this.stop(null);
  }
  dispose() {
    clearInterval(this.keepAlive);
    for (const sig of SHUTDOWN_SIGNALS) process.off(sig, this.onSignal);
  }
  received(sig) {
    if (this.stopped) {
      this.log.warn(`${sig} again during shutdown: killing tool processes and exiting now`);
      killAllToolProcessesNow();
      process.exit(SIGNAL_EXIT_BASE + (SIGNAL_NUMBERS[sig] ?? 0));
    }
    this.log.info(`${sig}: shutting down (interrupting turns, ending tool processes)`);
    this.signal = sig;
    this.stop(sig);
  }
  stop(sig) {
    if (this.stopped) return;
    this.stopped = true;
    this.resolve(sig ?? this.signal);
  }
};
async function withDeadline(work, ms, onLate) {
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(() => {
      onLate();
      resolve();
    }, ms);
  });
  await Promise.race([work, late]);
  clearTimeout(timer);
}
export {
  runAppServer
};
