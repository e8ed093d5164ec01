import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  TernError,
  UsageFailure
} from "./chunk-AXCYR7ZC.js";

// src/driver/policy/format.ts
var POLICY_VERSION = 1;
var REST = "...";
var BUILTIN = {
  /** The command could not be read completely (shell syntax outside the subset). */
  unreadable: "builtin#unreadable",
  /** A command that runs code not in its own words (sudo, eval, xargs, find -exec, …). */
  opaque: "builtin#opaque-command",
  /** The request carried no command. */
  noCommand: "builtin#no-command",
  /** Not a plain command approval (writeStdin, a network access request, …). */
  otherRequest: "builtin#not-a-command",
  /** The file change named no path. */
  noPaths: "builtin#no-paths",
  /** A path outside the workspace (or resolving outside it through a symlink). */
  outside: "builtin#outside-workspace"
};

// src/driver/policy/presets.ts
var REST2 = "...";
var OPERANDS = { repeat: "[!-]*" };
var DESTRUCTIVE = [
  {
    id: "no-push",
    argv: ["git", REST2, "push", REST2],
    reason: "the agent never pushes (tern publishes the change itself)"
  },
  {
    id: "rm-outside",
    argv: ["rm", REST2, { re: "/.*|(\\./*)+|(.*/)?\\.\\.(/.*)?|\\*|--no-preserve-root" }, REST2],
    reason: "rm of an absolute path, the workspace itself, a parent directory or everything"
  },
  {
    id: "disk-wipe",
    argv: ["{mkfs,mkfs.*,wipefs,shred,fdisk,sfdisk,parted}", REST2],
    reason: "formats or wipes disks"
  },
  { id: "dd-device", argv: ["dd", REST2, "of=/dev/*", REST2], reason: "writes to a device" },
  { id: "power", argv: ["{shutdown,reboot,halt,poweroff,init,telinit}", REST2], reason: "stops the machine" },
  {
    id: "chmod-outside",
    argv: ["{chmod,chown,chgrp}", REST2, "/*", REST2],
    reason: "changes owners or modes outside the workspace"
  },
  { id: "kill-all", argv: ["kill", REST2, "-1", REST2], reason: "kill -1 signals every process" },
  { id: "kill-by-name", argv: ["{pkill,killall}", REST2], reason: "kills processes by name (the app server among them)" }
];
var NO_NETWORK = [
  {
    id: "no-network",
    argv: ["{curl,wget,nc,ncat,netcat,socat,ssh,scp,sftp,rsync,ftp,telnet,aria2c,http,https,httpie,xh,lynx,w3m}", REST2],
    reason: "no network tools"
  },
  {
    id: "no-git-network",
    argv: ["git", REST2, "{fetch,pull,clone,ls-remote,submodule,archive,request-pull,send-email}", REST2],
    reason: "git commands that reach a remote"
  },
  {
    id: "no-install",
    argv: ["{npm,pnpm,yarn,bun}", REST2, "{install,i,ci,add,update,upgrade,up,publish,exec,x,dlx,create,init}", REST2],
    reason: "installs or runs packages from the registry"
  },
  { id: "no-pip-install", argv: ["{pip,pip3,uv,pipx,poetry}", REST2, "{install,download,add,sync,run}", REST2], reason: "installs packages" },
  { id: "no-python-pip", argv: ["{python,python3}", "-m", "{pip,venv,ensurepip}", REST2], reason: "installs packages" },
  { id: "no-go-get", argv: ["go", "{get,install,mod}", REST2], reason: "downloads modules" },
  { id: "no-cargo-install", argv: ["cargo", "{install,add,update,publish,fetch}", REST2], reason: "downloads crates" }
];
var READ_TOOL_FLAGS = [
  {
    id: "git-write-flags",
    argv: ["git", REST2, "{--ou*,--op*,-O*,--ext*}", REST2],
    reason: "git --output writes a file; --open-files-in-pager and --ext-diff run programs"
  },
  { id: "rg-pre", argv: ["rg", REST2, "{--pre,--pre=*,--hostname-bin*}", REST2], reason: "rg --pre and --hostname-bin run programs" },
  { id: "sort-output", argv: ["sort", REST2, "{-o*,-[!-]*o*,--o*,--c*}", REST2], reason: "sort -o writes a file, --compress-program runs one" },
  { id: "tree-output", argv: ["tree", REST2, "{-o*,-[!-]*o*,--o*}", REST2], reason: "tree -o writes a file" }
];
var READ_COMMANDS = [
  { id: "ls", argv: ["{ls,tree,du,stat,pwd,realpath,readlink,basename,dirname}", REST2] },
  { id: "cat", argv: ["{cat,head,tail,wc,nl,od,hexdump,cut,tr,column,diff,cmp,comm,sha256sum,sha1sum,md5sum,cksum}", REST2] },
  { id: "grep", argv: ["{grep,egrep,fgrep,rg}", REST2] },
  { id: "find", argv: ["find", REST2], reason: "find actions that run commands or write files are never allowed" },
  { id: "sort", argv: ["sort", REST2] },
  { id: "uniq", argv: ["uniq", { repeat: "-*" }], reason: "uniq with options, reading stdin" },
  { id: "uniq-file", argv: ["uniq", { repeat: "-*" }, "[!-]*"], reason: "uniq with one input file (a second operand would be written)" },
  { id: "sed-print", argv: ["sed", "-n", { re: "[0-9]+(,([0-9]+|\\$))?p|\\$p" }, OPERANDS], reason: "sed -n printing a line range" },
  { id: "jq", argv: ["jq", REST2] },
  { id: "echo", argv: ["{echo,printf,true,false,test,\\[}", REST2] },
  { id: "cd", argv: ["cd", { repeat: "[!-]*" }] },
  { id: "which", argv: ["{which,type}", REST2] },
  { id: "command-v", argv: ["command", "{-v,-V}", REST2] },
  { id: "info", argv: ["{uname,whoami,id,nproc}", REST2] },
  { id: "date", argv: ["date", { repeat: "+*" }], reason: "date, without setting the clock" },
  // Only --version: `python -v` and `ruby -v` go on to run a script read from stdin (`echo … | ruby -v`).
  { id: "versions", argv: ["{node,npm,npx,pnpm,yarn,python,python3,pip,pip3,cargo,rustc,java,ruby,git,make,tsc}", "--version"] },
  { id: "go-version", argv: ["go", "version"] },
  {
    id: "git-read",
    argv: ["git", "{status,diff,log,show,blame,ls-files,ls-tree,rev-parse,rev-list,cat-file,describe,shortlog,grep,merge-base,name-rev,for-each-ref,show-ref,count-objects,check-ignore}", REST2]
  },
  { id: "git-branch-list", argv: ["git", "branch", { repeat: "{-a,-r,-v,-vv,-l,--list,--all,--remotes,--show-current,--no-color}" }] },
  { id: "git-tag-list", argv: ["git", "tag", { repeat: "{-l,--list,-n,-n[0-9]*}" }] },
  { id: "git-remote-list", argv: ["git", "remote", { repeat: "{-v,--verbose}" }] }
];
var TEST_COMMANDS = [
  { id: "npm-test", argv: ["npm", "{test,t}"] },
  { id: "npm-test-args", argv: ["npm", "{test,t}", "--", REST2], reason: "arguments after -- go to the test script" },
  { id: "npm-run-test", argv: ["npm", "run", { re: "test(:[A-Za-z0-9:_-]+)?" }] },
  { id: "npm-run-test-args", argv: ["npm", "run", { re: "test(:[A-Za-z0-9:_-]+)?" }, "--", REST2] },
  { id: "yarn-pnpm-test", argv: ["{yarn,pnpm}", "test", OPERANDS] },
  { id: "yarn-pnpm-run-test", argv: ["{yarn,pnpm}", "run", { re: "test(:[A-Za-z0-9:_-]+)?" }, OPERANDS] },
  { id: "npx-runner", argv: ["npx", "{vitest,jest,mocha,ava,tap}", REST2] },
  { id: "npx-tsc", argv: ["npx", "tsc", "--noEmit", { repeat: "{-p,--project,[!-]*}" }] },
  { id: "npx-tsc-p", argv: ["npx", "tsc", "{-p,--project}", "[!-]*", "--noEmit"] },
  { id: "node-test", argv: ["node", "--test", REST2] },
  { id: "pytest", argv: ["{pytest,py.test}", REST2] },
  { id: "python-pytest", argv: ["{python,python3}", "-m", "{pytest,unittest}", REST2] },
  { id: "go-test", argv: ["go", "{test,vet}", REST2] },
  { id: "cargo-test", argv: ["cargo", "{test,check,clippy}", REST2] },
  { id: "make-test", argv: ["make", "{test,check,tests}"] },
  { id: "jvm-test", argv: ["{mvn,./mvnw,gradle,./gradlew}", "{test,check}"] },
  { id: "dotnet-test", argv: ["dotnet", "test", REST2] },
  { id: "rspec", argv: ["bundle", "exec", "rspec", OPERANDS] },
  { id: "rake-test", argv: ["bundle", "exec", "rake", "{test,spec}"] },
  { id: "rspec-bare", argv: ["rspec", REST2] },
  { id: "ctest", argv: ["ctest", REST2] }
];
var TEST_FLAGS = [
  { id: "go-exec", argv: ["go", REST2, "{-exec*,--exec*,-toolexec*,--toolexec*,-o,-o=*,--o,--o=*,-*profile*,--*profile*,-trace*,--trace*,-outputdir*,--outputdir*}", REST2], reason: "go -exec/-toolexec run a program; -o and profiles write files" },
  { id: "pytest-basetemp", argv: ["{pytest,py.test,python,python3}", REST2, "{--basetemp*,--junitxml*,--junit-xml*,--result-log*,--rootdir*}", REST2], reason: "pytest --basetemp deletes a directory; the others write files" },
  { id: "output-file", argv: ["npx", REST2, "{--outputFile*,--output-file*,--outDir*,--outFile*}", REST2], reason: "writes a report or output to a chosen path" }
];
var WORKFLOWS = [
  { id: "no-workflows", path: ".github/workflows/**", reason: "workflows run with the repository\u2019s secrets" },
  { id: "no-actions", path: ".github/actions/**", reason: "local actions run inside workflows" }
];
var GIT_DIRS = [
  // `a/**` also matches `a` itself: a `.git` file (which points git at another directory) too.
  { id: "no-git-dir", path: "**/.git/**", reason: "git metadata: its config and hooks are code that git runs" }
];
var PRESETS = {
  "read-only-review": {
    version: 1,
    description: "Reading the repository: listings, contents, searches, git history. No file changes, no network, nothing else.",
    default: "decline",
    commands: {
      deny: [...DESTRUCTIVE, ...NO_NETWORK, ...READ_TOOL_FLAGS],
      allow: READ_COMMANDS
    },
    files: {
      deny: [{ id: "read-only", path: "**", reason: "a read-only review changes no file" }]
    }
  },
  "fix-tests": {
    version: 1,
    description: "Fixing failing tests: the read-only commands, common test runners, and file changes anywhere but workflows and git metadata. No network, no push.",
    default: "decline",
    commands: {
      deny: [...DESTRUCTIVE, ...NO_NETWORK, ...READ_TOOL_FLAGS, ...TEST_FLAGS],
      allow: [...READ_COMMANDS, ...TEST_COMMANDS]
    },
    files: {
      deny: [...WORKFLOWS, ...GIT_DIRS],
      allow: [{ id: "workspace", path: "**" }]
    }
  },
  trusted: {
    version: 1,
    description: "Any command the policy can read completely and any file change, except a short deny-list: push, disk wipes, rm outside the workspace, git config, workflows and git metadata.",
    default: "decline",
    commands: {
      deny: [
        ...DESTRUCTIVE,
        { id: "git-config", argv: ["git", REST2, "config", REST2], reason: "git config can set aliases, hooks and pagers that later git commands run" }
      ],
      allow: [
        { id: "any-command", argv: ["*", REST2], reason: "trusted: any command on PATH" },
        { id: "any-path-command", argv: ["*/*", REST2], reason: "trusted: any program given by path" }
      ]
    },
    files: {
      deny: [...WORKFLOWS, ...GIT_DIRS],
      allow: [{ id: "workspace", path: "**" }]
    }
  }
};
var PRESET_NAMES = Object.keys(PRESETS);

// src/driver/policy/glob.ts
var GlobSyntaxError = class extends UsageFailure {
  name = "GlobSyntaxError";
};
var META = /* @__PURE__ */ new Set(["*", "?", "[", "{", "\\"]);
function literalPrefix(pattern) {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      if (i + 1 >= pattern.length) break;
      out += pattern[++i];
      continue;
    }
    if (META.has(ch)) break;
    out += ch;
  }
  return out;
}
function escapeRe(ch) {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}
function fragment(pattern, mode, inBrace = false) {
  const star = mode === "word" ? "[^]*" : "[^/]*";
  const one = mode === "word" ? "[^]" : "[^/]";
  let src = "";
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (inBrace && (ch === "," || ch === "}")) return { src, end: i };
    if (ch === "\\") {
      if (i + 1 >= pattern.length) throw new GlobSyntaxError("a `\\` at the end escapes nothing");
      src += escapeRe(pattern[i + 1]);
      i += 2;
    } else if (ch === "*") {
      src += star;
      i++;
    } else if (ch === "?") {
      src += one;
      i++;
    } else if (ch === "[") {
      let j = i + 1;
      let negate = false;
      if (pattern[j] === "!" || pattern[j] === "^") {
        negate = true;
        j++;
      }
      let body = "";
      let first = true;
      while (j < pattern.length && (pattern[j] !== "]" || first)) {
        const c = pattern[j];
        if (c === "\\") {
          if (j + 1 >= pattern.length) break;
          body += escapeRe(pattern[j + 1]);
          j += 2;
        } else if (c === "-" && !first && j + 1 < pattern.length && pattern[j + 1] !== "]") {
          body += "-";
          j++;
        } else {
          body += escapeRe(c);
          j++;
        }
        first = false;
      }
      if (j >= pattern.length) throw new GlobSyntaxError("a `[` class is not closed with `]`");
      if (body === "") throw new GlobSyntaxError("an empty `[]` class matches nothing");
      const slash = mode === "path" ? "\\/" : "";
      src += negate ? `[^${body}${slash}]` : mode === "path" ? `(?![/])[${body}]` : `[${body}]`;
      i = j + 1;
    } else if (ch === "{") {
      if (inBrace) throw new GlobSyntaxError("`{...}` alternatives cannot be nested");
      const alts = [];
      let j = i + 1;
      for (; ; ) {
        const part = fragment(pattern.slice(j), mode, true);
        alts.push(part.src);
        j += part.end;
        if (j >= pattern.length) throw new GlobSyntaxError("a `{` is not closed with `}`");
        if (pattern[j] === "}") break;
        j++;
      }
      if (alts.length < 2) throw new GlobSyntaxError("`{...}` needs at least two alternatives separated by `,`");
      src += `(?:${alts.join("|")})`;
      i = j + 1;
    } else if (ch === "}" || ch === "]") {
      throw new GlobSyntaxError(`a \`${ch}\` without its opening bracket (write \`\\${ch}\` for the character)`);
    } else {
      src += escapeRe(ch);
      i++;
    }
  }
  if (inBrace) throw new GlobSyntaxError("a `{` is not closed with `}`");
  return { src, end: i };
}
function compileWordGlob(pattern, flags = "") {
  return new RegExp(`^(?:${fragment(pattern, "word").src})$`, flags);
}
function compilePathGlob(pattern, flags = "") {
  if (pattern === "") throw new GlobSyntaxError("the pattern is empty");
  if (pattern.startsWith("/")) throw new GlobSyntaxError("patterns are relative to the workspace: drop the leading `/`");
  let p = pattern.endsWith("/") ? `${pattern}**` : pattern;
  const segs = p.split("/").filter((s, i, all) => !(s === "**" && all[i - 1] === "**"));
  if (segs.some((s) => s === "")) throw new GlobSyntaxError("the pattern has an empty segment (`//`)");
  if (segs.some((s) => s === "." || s === "..")) throw new GlobSyntaxError("`.` and `..` segments are not allowed: paths are normalised before matching");
  let src = "";
  segs.forEach((seg, idx) => {
    const last = idx === segs.length - 1;
    if (seg === "**") {
      src += last ? idx === 0 ? "[^]*" : "(?:/[^]*)?" : idx === 0 ? "(?:[^/]+/)*" : "/(?:[^/]+/)*";
      return;
    }
    if (seg.includes("**")) throw new GlobSyntaxError("`**` must be a whole segment (`a/**/b`), not part of one");
    const prevDoubleStar = idx > 0 && segs[idx - 1] === "**";
    if (idx > 0 && !prevDoubleStar) src += "/";
    src += fragment(seg, "path").src;
  });
  p = src;
  return new RegExp(`^(?:${p})$`, flags);
}
function expandBraces(pattern, limit = 256) {
  let open = -1;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      i++;
    } else if (inClass) {
      if (ch === "]") inClass = false;
    } else if (ch === "[") {
      inClass = true;
      if (pattern[i + 1] === "!" || pattern[i + 1] === "^") i++;
      if (pattern[i + 1] === "]") i++;
    } else if (ch === "{") {
      open = i;
      break;
    }
  }
  if (open < 0) return [pattern];
  const alts = [];
  let start = open + 1;
  let close = -1;
  for (let i = open + 1; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      i++;
    } else if (ch === "," || ch === "}") {
      alts.push(pattern.slice(start, i));
      start = i + 1;
      if (ch === "}") {
        close = i;
        break;
      }
    }
  }
  if (close < 0) return [pattern];
  const rest = expandBraces(pattern.slice(close + 1), limit);
  if (rest === null) return null;
  const out = [];
  for (const a of alts) {
    for (const r of rest) {
      out.push(pattern.slice(0, open) + a + r);
      if (out.length > limit) return null;
    }
  }
  return out;
}
function globLiteral(pattern) {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      if (i + 1 >= pattern.length) return null;
      out += pattern[++i];
    } else if (META.has(ch) || ch === "}" || ch === "]") {
      return null;
    } else {
      out += ch;
    }
  }
  return out;
}

// src/driver/policy/load.ts
function formatProblem(p) {
  const pos = p.line === null ? p.file : `${p.file}:${p.line}${p.col === null ? "" : `:${p.col}`}`;
  return `${pos}: ${p.at === "" ? "" : `${p.at}: `}${p.message}`;
}
var PolicyError = class extends TernError {
  static defaultCategory = "usage";
  name = "PolicyError";
  problems;
  constructor(problems) {
    const sorted = [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
    super("policy_invalid", sorted.map(formatProblem).join("\n"));
    this.problems = sorted;
  }
  /** The first problem's position. */
  get file() {
    return this.problems[0]?.file ?? "";
  }
  get line() {
    return this.problems[0]?.line ?? null;
  }
  get col() {
    return this.problems[0]?.col ?? null;
  }
};
function pathText(p) {
  let out = "";
  for (const k of p) out += typeof k === "number" ? `[${k}]` : out === "" ? k : `.${k}`;
  return out;
}
var DECISIONS = ["accept", "decline", "cancel"];
var DENY_DECISIONS = ["decline", "cancel"];
var ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
var TOP_KEYS = ["$schema", "version", "description", "extends", "default", "commands", "files"];
var SECTION_KEYS = ["default", "deny", "allow"];
var COMMAND_RULE_KEYS = ["id", "argv", "reason", "decision"];
var FILE_RULE_KEYS = ["id", "path", "reason", "decision"];
function editDistance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}
function unknownKey(key, allowed) {
  const close = allowed.filter((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
  return `unknown key \`${key}\`${close.length > 0 ? ` (did you mean \`${close[0]}\`?)` : ""}; allowed here: ${allowed.join(", ")}`;
}
function typeName(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return "a string";
  if (typeof v === "number") return "a number";
  if (typeof v === "boolean") return "a boolean";
  return typeof v;
}
function isObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
var Compiler = class {
  constructor(file, policyName, locate) {
    this.file = file;
    this.policyName = policyName;
    this.locate = locate;
  }
  file;
  policyName;
  locate;
  problems = [];
  ids = /* @__PURE__ */ new Map();
  problem(p, message, key = false) {
    if (this.problems.length >= 50) return;
    const pos = this.locate(p, key);
    this.problems.push({ file: this.file, line: pos?.line ?? null, col: pos?.col ?? null, at: pathText(p), message });
  }
  origin(p) {
    const pos = this.locate(p);
    return { policy: this.policyName, file: this.file.startsWith("preset:") ? null : this.file, line: pos?.line ?? null };
  }
  string(v, p, what) {
    if (typeof v === "string") return true;
    const hint = typeof v === "number" || typeof v === "boolean" || v === null ? `; quote it (${JSON.stringify(String(v))}) to make it a string` : "";
    this.problem(p, `${what} must be a string, not ${typeName(v)}${hint}`);
    return false;
  }
  keys(obj, allowed, p) {
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) this.problem([...p, k], unknownKey(k, allowed), true);
  }
  decision(v, p, allowed) {
    if (typeof v === "string" && allowed.includes(v)) return v;
    this.problem(p, `must be one of ${allowed.map((d) => `\`${d}\``).join(", ")}, not ${typeof v === "string" ? `\`${v}\`` : typeName(v)}`);
    return null;
  }
  id(v, p) {
    if (v === void 0) return null;
    if (!this.string(v, p, "an id")) return null;
    if (!ID.test(v)) {
      this.problem(p, `the id \`${v}\` must start with a letter or digit and use only letters, digits, \`.\`, \`_\` and \`-\``);
      return null;
    }
    const seen = this.ids.get(v);
    if (seen !== void 0) {
      this.problem(p, `the id \`${v}\` is already used by ${seen}`);
      return null;
    }
    this.ids.set(v, pathText(p.slice(0, -1)));
    return v;
  }
  reason(v, p) {
    if (v === void 0) return null;
    return this.string(v, p, "a reason") ? v : null;
  }
  wordMatcher(v, p) {
    if (typeof v === "string") {
      try {
        const re = compileWordGlob(v);
        const expanded = expandBraces(v);
        const alternatives = expanded === null ? [{ literal: null, prefix: "" }] : expanded.map((alt) => ({ literal: globLiteral(alt), prefix: literalPrefix(alt) }));
        return { source: v, re, alternatives };
      } catch (err) {
        if (err instanceof GlobSyntaxError) {
          this.problem(p, `bad word glob \`${v}\`: ${err.message}`);
          return null;
        }
        throw err;
      }
    }
    if (isObject(v) && "re" in v) {
      this.keys(v, ["re"], p);
      if (!this.string(v.re, [...p, "re"], "`re`")) return null;
      try {
        return { source: `{re: ${JSON.stringify(v.re)}}`, re: new RegExp(`^(?:${v.re})$`, "u"), alternatives: [{ literal: null, prefix: "" }] };
      } catch (err) {
        this.problem([...p, "re"], `bad regular expression: ${err.message}`);
        return null;
      }
    }
    this.problem(p, `a word pattern must be a glob string or {re: "<regex>"}, not ${typeName(v)}`);
    return null;
  }
  element(v, p, first) {
    if (v === REST) {
      if (first) this.problem(p, "the first element names the command: it cannot be `...`");
      return first ? null : { kind: "rest" };
    }
    if (isObject(v) && "repeat" in v) {
      if (first) {
        this.problem(p, "the first element names the command: it cannot be a `repeat`");
        return null;
      }
      this.keys(v, ["repeat"], p);
      if (v.repeat === REST) {
        this.problem([...p, "repeat"], 'write `...` instead of {repeat: "..."}');
        return null;
      }
      const m2 = this.wordMatcher(v.repeat, [...p, "repeat"]);
      return m2 === null ? null : { kind: "repeat", m: m2 };
    }
    if (first && isObject(v)) {
      this.problem(p, "the first element names the command: it must be a word glob string (such as `git` or `./gradlew`)");
      return null;
    }
    if (typeof v !== "string" && !isObject(v)) {
      this.string(v, p, "an argv element");
      return null;
    }
    const m = this.wordMatcher(v, p);
    return m === null ? null : { kind: "word", m };
  }
  commandRule(v, p, list, index) {
    let argv;
    let id = null;
    let reason = null;
    let decision = list === "allow" ? "accept" : "decline";
    let argvPath = p;
    if (Array.isArray(v)) {
      argv = v;
    } else if (isObject(v)) {
      this.keys(v, COMMAND_RULE_KEYS, p);
      id = this.id(v.id, [...p, "id"]);
      reason = this.reason(v.reason, [...p, "reason"]);
      if (v.decision !== void 0) {
        if (list === "allow") this.problem([...p, "decision"], "allow rules always accept: `decision` is for deny rules (`decline` or `cancel`)");
        else decision = this.decision(v.decision, [...p, "decision"], DENY_DECISIONS) ?? decision;
      }
      if (!("argv" in v)) {
        this.problem(p, "a command rule needs `argv`: the argv pattern, such as [git, status]");
        return null;
      }
      argv = v.argv;
      argvPath = [...p, "argv"];
    } else {
      this.problem(p, `a command rule is an argv pattern (a list such as [git, status]) or {argv: [...], id, reason}, not ${typeName(v)}`);
      return null;
    }
    if (!Array.isArray(argv) || argv.length === 0) {
      this.problem(argvPath, `the argv pattern must be a non-empty list of words, not ${Array.isArray(argv) ? "an empty list" : typeName(argv)}`);
      return null;
    }
    const elements = [];
    let ok = true;
    argv.forEach((el, k) => {
      const e = this.element(el, [...argvPath, k], k === 0);
      if (e === null) ok = false;
      else elements.push(e);
    });
    if (!ok) return null;
    const name = argv[0];
    const display = `[${argv.map((el) => typeof el === "string" ? /^[A-Za-z0-9_\-./=:@%+*?]+$/.test(el) ? el : JSON.stringify(el) : JSON.stringify(el)).join(", ")}]`;
    return {
      ref: `${this.policyName}#${id ?? `commands.${list}[${index}]`}`,
      id,
      list,
      index,
      nameHasSlash: name.includes("/"),
      elements,
      display,
      reason,
      decision,
      origin: this.origin(p)
    };
  }
  fileRule(v, p, list, index) {
    let pattern;
    let id = null;
    let reason = null;
    let decision = list === "allow" ? "accept" : "decline";
    let patternPath = p;
    if (isObject(v)) {
      this.keys(v, FILE_RULE_KEYS, p);
      id = this.id(v.id, [...p, "id"]);
      reason = this.reason(v.reason, [...p, "reason"]);
      if (v.decision !== void 0) {
        if (list === "allow") this.problem([...p, "decision"], "allow rules always accept: `decision` is for deny rules (`decline` or `cancel`)");
        else decision = this.decision(v.decision, [...p, "decision"], DENY_DECISIONS) ?? decision;
      }
      if (!("path" in v)) {
        this.problem(p, "a file rule needs `path`: a path glob such as `.github/workflows/**`");
        return null;
      }
      pattern = v.path;
      patternPath = [...p, "path"];
    } else {
      pattern = v;
    }
    if (!this.string(pattern, patternPath, "a file rule (a path glob, or {path, id, reason})")) return null;
    let re;
    try {
      re = compilePathGlob(pattern, list === "deny" ? "i" : "");
    } catch (err) {
      if (err instanceof GlobSyntaxError) {
        this.problem(patternPath, `bad path glob \`${pattern}\`: ${err.message}`);
        return null;
      }
      throw err;
    }
    return {
      ref: `${this.policyName}#${id ?? `files.${list}[${index}]`}`,
      id,
      list,
      index,
      pattern,
      re,
      reason,
      decision,
      origin: this.origin(p)
    };
  }
  rules(section, list, p, one) {
    const v = section[list];
    if (v === void 0) return [];
    if (!Array.isArray(v)) {
      this.problem([...p, list], `must be a list of rules${v === null ? " (write [] for none)" : `, not ${typeName(v)}`}`);
      return [];
    }
    const out = [];
    v.forEach((r, i) => {
      const rule = one.call(this, r, [...p, list, i], list, i);
      if (rule !== null) out.push(rule);
    });
    return out;
  }
  compile(doc, preset) {
    if (!isObject(doc)) {
      this.problem([], `a policy is a mapping with \`version: ${POLICY_VERSION}\`, not ${typeName(doc)}`);
      return null;
    }
    this.keys(doc, TOP_KEYS, []);
    if (!("version" in doc)) this.problem([], `\`version: ${POLICY_VERSION}\` is missing`);
    else if (doc.version !== POLICY_VERSION) this.problem(["version"], `only version ${POLICY_VERSION} exists, not ${JSON.stringify(doc.version)}`);
    if (doc.$schema !== void 0) this.string(doc.$schema, ["$schema"], "`$schema`");
    const description = doc.description === void 0 ? null : this.string(doc.description, ["description"], "`description`") ? doc.description : null;
    let base = null;
    if (doc.extends !== void 0 && this.string(doc.extends, ["extends"], "`extends`")) {
      if (Object.hasOwn(PRESETS, doc.extends)) base = preset(doc.extends);
      else this.problem(["extends"], `\`${doc.extends}\` is not a preset; presets: ${Object.keys(PRESETS).join(", ")}`);
    }
    const topDefault = doc.default === void 0 ? null : this.decision(doc.default, ["default"], DECISIONS);
    const section = (key) => {
      const v = doc[key];
      if (v === void 0) return {};
      if (!isObject(v)) {
        this.problem([key], `must be a mapping with \`deny\`, \`allow\` and \`default\`, not ${typeName(v)}`);
        return {};
      }
      this.keys(v, SECTION_KEYS, [key]);
      return v;
    };
    const commands = section("commands");
    const files = section("files");
    const defaultFor = (key, sec) => {
      if (sec.default !== void 0) {
        const d = this.decision(sec.default, [key, "default"], DECISIONS);
        if (d !== null) return { ref: `${this.policyName}#${key}.default`, decision: d, origin: this.origin([key, "default"]) };
      }
      if (topDefault !== null) return { ref: `${this.policyName}#default`, decision: topDefault, origin: this.origin(["default"]) };
      if (base !== null) return base[key].default;
      return { ref: `${this.policyName}#default`, decision: "decline", origin: this.origin([]) };
    };
    const policy = {
      name: this.policyName,
      description,
      extends: base?.name ?? null,
      commands: {
        default: defaultFor("commands", commands),
        deny: [...this.rules(commands, "deny", ["commands"], this.commandRule), ...base?.commands.deny ?? []],
        allow: [...this.rules(commands, "allow", ["commands"], this.commandRule), ...base?.commands.allow ?? []]
      },
      files: {
        default: defaultFor("files", files),
        deny: [...this.rules(files, "deny", ["files"], this.fileRule), ...base?.files.deny ?? []],
        allow: [...this.rules(files, "allow", ["files"], this.fileRule), ...base?.files.allow ?? []]
      }
    };
    return this.problems.length === 0 ? policy : null;
  }
};
var presetCache = /* @__PURE__ */ new Map();
function presetPolicy(name) {
  const cached = presetCache.get(name);
  if (cached) return cached;
  const c = new Compiler(`preset:${name}`, name, () => null);
  const policy = c.compile(PRESETS[name], presetPolicy);
  if (policy === null) throw new PolicyError(c.problems);
  presetCache.set(name, policy);
  return policy;
}
function isPresetName(name) {
  return Object.hasOwn(PRESETS, name);
}

export {
  literalPrefix,
  compileWordGlob,
  POLICY_VERSION,
  BUILTIN,
  PRESETS,
  PolicyError,
  Compiler,
  presetPolicy,
  isPresetName
};
