import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  distDir
} from "./chunk-YWNJ4DDG.js";
import {
  sandboxInitPid
} from "./chunk-HA6G4EO6.js";
import {
  TernError
} from "./chunk-AXCYR7ZC.js";

// src/sandbox/spawner/spawn-helper.ts
import { fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
var HELPER_ENTRY = "spawn-helper.js";
var HELPER_V8_FLAGS = ["--max-semi-space-size=2"];
function helperEntry() {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return { file: path.join(distDir(here), HELPER_ENTRY), execArgv: HELPER_V8_FLAGS };
  const file = fileURLToPath(new URL("./helper-main.ts", here));
  return { file, execArgv: ["--import", "tsx"], cwd: path.resolve(path.dirname(file), "../../..") };
}
var SpawnHelper = class {
  child = null;
  nextId = 1;
  pending = /* @__PURE__ */ new Map();
  /** Starts `plan`'s process; settles once it runs (or could not start). */
  start(plan, o) {
    const child = this.ensureHelper();
    const id = this.nextId++;
    let info;
    let ended;
    const infoText = new Promise((r) => info = r);
    const end = new Promise((r) => ended = r);
    return new Promise((resolve) => {
      const p = {
        onOutput: o.onOutput,
        spawned: false,
        started: (pid) => resolve({ ok: true, process: { pid, info: infoText, ended: end } }),
        notStarted: (startError) => resolve({ ok: false, startError }),
        info,
        ended
      };
      this.pending.set(id, p);
      this.refWhileBusy();
      const { sandboxed: _, ...spawn } = plan;
      const req = { type: "spawn", id, maxOutputBytes: o.maxOutputBytes, ...spawn };
      child.send(req);
    });
  }
  /** Forks the helper now if it is not running (a turn is starting: its commands will need it). */
  warm() {
    this.ensureHelper();
  }
  ensureHelper() {
    if (this.child !== null) return this.child;
    const entry = helperEntry();
    const child = fork(entry.file, [], {
      execArgv: entry.execArgv,
      ...entry.cwd ? { cwd: entry.cwd } : {},
      // The helper holds no secret: each process gets its own (allow-listed) environment.
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      serialization: "advanced"
    });
    child.on("message", (m) => this.received(m));
    child.on("exit", (code, signal2) => this.helperExited(child, `the spawn helper exited (${signal2 ?? `code ${code}`})`));
    child.on("error", (err) => this.helperExited(child, `the spawn helper failed: ${err.message}`));
    child.unref();
    this.child = child;
    this.refWhileBusy();
    return child;
  }
  received(m) {
    const p = this.pending.get(m.id);
    if (p === void 0) return;
    switch (m.type) {
      case "spawned":
        p.spawned = true;
        p.started(m.pid);
        return;
      case "output":
        p.onOutput?.(m.text);
        return;
      case "info":
        p.info(m.text);
        return;
      case "exit":
        this.pending.delete(m.id);
        this.refWhileBusy();
        if (m.startError !== null && !p.spawned) return p.notStarted(m.startError);
        return p.ended({ exitCode: m.exitCode, signal: m.signal, output: m.output, truncated: m.truncated, startError: m.startError, lost: false });
    }
  }
  /** Everything the dead helper was running is reported: not started, or lost. */
  helperExited(child, why) {
    if (this.child !== child) return;
    this.child = null;
    for (const p of this.pending.values()) {
      if (!p.spawned) p.notStarted(why);
      else p.ended({ exitCode: null, signal: null, output: `[${why}; the rest of the output is lost]
`, truncated: false, startError: null, lost: true });
    }
    this.pending.clear();
  }
  /** The channel keeps the server's event loop alive only while a process runs. */
  refWhileBusy() {
    const channel = this.child?.channel;
    if (!channel) return;
    if (this.pending.size > 0) channel.ref();
    else channel.unref();
  }
};

// src/sandbox/spawner/run-process.ts
var DEFAULT_MAX_OUTPUT = 1024 * 1024;
var KILL_GRACE_MS = 2e3;
var EXIT_TIMED_OUT = 124;
var EXIT_NOT_STARTED = 127;
var EXIT_BY_SIGNAL = -1;
var running = /* @__PURE__ */ new Set();
async function terminateAllToolProcesses() {
  const all = [...running];
  for (const r of all) r.terminate();
  await Promise.allSettled(all.map((r) => r.done));
}
function killAllToolProcessesNow() {
  for (const r of running) r.kill();
}
var helper;
function prepareToolProcesses() {
  spawnHelper().warm();
}
function spawnHelper() {
  helper ??= new SpawnHelper();
  return helper;
}
async function runProcess(plan, opts) {
  const start = await spawnHelper().start(plan, { maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT, onOutput: opts.onOutput });
  if (!start.ok) {
    return { exitCode: EXIT_NOT_STARTED, output: `${start.startError}
`, outputTruncated: false, timedOut: false, aborted: false, pid: null };
  }
  const proc = start.process;
  const killer = plan.infoFd === void 0 ? new GroupKiller(proc.pid) : new SandboxKiller(proc.pid, proc.info);
  const ended = { timedOut: false, aborted: false };
  const timer = setTimeout(() => {
    ended.timedOut = true;
    killer.terminate();
  }, opts.timeoutMs);
  const onAbort = () => {
    ended.aborted = true;
    killer.terminate();
  };
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  const entry = { terminate: () => killer.terminate(), kill: () => killer.kill(), done: proc.ended };
  running.add(entry);
  const end = await proc.ended;
  running.delete(entry);
  clearTimeout(timer);
  killer.settled();
  opts.signal?.removeEventListener("abort", onAbort);
  if (end.lost) killer.kill();
  const exitCode = ended.timedOut ? EXIT_TIMED_OUT : end.exitCode ?? EXIT_BY_SIGNAL;
  return { exitCode, output: end.output, outputTruncated: end.truncated, ...ended, pid: proc.pid };
}
function signal(target, sig) {
  if (target === null) return;
  try {
    process.kill(target, sig);
  } catch {
  }
}
var GroupKiller = class {
  constructor(pgid) {
    this.pgid = pgid;
  }
  pgid;
  timer = null;
  terminate() {
    if (this.timer !== null) return;
    this.signal("SIGTERM");
    this.timer = setTimeout(() => this.signal("SIGKILL"), KILL_GRACE_MS);
    this.timer.unref();
  }
  kill() {
    this.signal("SIGKILL");
  }
  /** The leader exited: whatever is left in its group gets SIGKILL now if a kill was under way. */
  settled() {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.signal("SIGKILL");
  }
  signal(sig) {
    signal(this.pgid === null ? null : -this.pgid, sig);
  }
};
var SandboxKiller = class {
  constructor(outerPgid, info) {
    this.outerPgid = outerPgid;
    void info.then((text) => this.learned(text));
  }
  outerPgid;
  init = null;
  wanted = false;
  timer = null;
  terminate() {
    if (this.wanted) return;
    this.wanted = true;
    if (this.init !== null) this.termInit();
    else this.arm(() => signal(this.outerPgid === null ? null : -this.outerPgid, "SIGKILL"));
  }
  kill() {
    signal(this.init, "SIGKILL");
    signal(this.outerPgid === null ? null : -this.outerPgid, "SIGKILL");
  }
  settled() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
  learned(text) {
    const pid = sandboxInitPid(text);
    if (pid === null) return;
    this.init = pid;
    if (this.wanted) {
      this.settled();
      this.termInit();
    }
  }
  termInit() {
    signal(-this.init, "SIGTERM");
    this.arm(() => signal(this.init, "SIGKILL"));
  }
  arm(action) {
    this.timer = setTimeout(action, KILL_GRACE_MS);
    this.timer.unref();
  }
};

// src/sandbox/errors.ts
import { readFileSync } from "node:fs";
var SANDBOX_ERROR_CODE = "sandbox_error";
var ALTERNATIVES = "If the environment is already isolated (a throwaway container or VM), choose sandbox danger-full-access instead.";
var SandboxUnavailableError = class extends TernError {
  static defaultCategory = "sandbox";
  name = "SandboxUnavailableError";
  constructor(message, options) {
    super(SANDBOX_ERROR_CODE, `sandbox unavailable: ${message}`, options);
  }
};
function bwrapMissing(searched) {
  return new SandboxUnavailableError(
    `bubblewrap (\`bwrap\`) is not installed (searched PATH: ${searched}). Install it: \`apt-get install bubblewrap\` (Debian/Ubuntu), \`dnf install bubblewrap\` (Fedora). ${ALTERNATIVES}`
  );
}
function sandboxUserMissing(user) {
  return new SandboxUnavailableError(
    `tern runs as root, so tool commands must drop to the unprivileged user \`${user}\`, which does not exist. Create it: \`useradd --system --no-create-home --shell /usr/sbin/nologin ${user}\` (or set sandbox_user to another unprivileged account). ${ALTERNATIVES}`
  );
}
function sandboxUserPrivileged(user) {
  return new SandboxUnavailableError(`the sandbox user \`${user}\` has uid 0; it must be an unprivileged account`);
}
function setfaclMissing() {
  return new SandboxUnavailableError(
    `tern runs as root and gives the sandbox user access to the workspace with POSIX ACLs, but \`setfacl\` is not installed. Install it: \`apt-get install acl\`. ${ALTERNATIVES}`
  );
}
function aclFailed(target, detail) {
  return new SandboxUnavailableError(
    `cannot give the sandbox user access to ${target} with setfacl (${detail}). The filesystem must support POSIX ACLs (ext4, xfs, btrfs and tmpfs do; check the \`acl\` mount option).`
  );
}
function rootTooBroad(root) {
  return new SandboxUnavailableError(
    `refusing to give the sandbox user write access to ${root}: it is a system directory or too close to \`/\`. Use a project directory as the working directory and writable roots.`
  );
}
function homeNotSearchable(home, target, user) {
  return new SandboxUnavailableError(
    `the sandbox user \`${user}\` cannot reach ${target}: the home directory ${home} is closed to it, and tern does not open home directories on its own. Move the workspace elsewhere (e.g. under /srv or /tmp), or allow traversal yourself: \`setfacl -m u:${user}:x ${home}\`.`
  );
}
var USERNS_SYSCTLS = [
  { name: "kernel.unprivileged_userns_clone", file: "/proc/sys/kernel/unprivileged_userns_clone", wanted: "1" },
  { name: "kernel.apparmor_restrict_unprivileged_userns", file: "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", wanted: "0" },
  { name: "user.max_user_namespaces", file: "/proc/sys/user/max_user_namespaces", wanted: "above 0" }
];
function sysctlValues() {
  return USERNS_SYSCTLS.map((s) => {
    let value;
    try {
      value = readFileSync(s.file, "utf8").trim();
    } catch {
      value = "absent";
    }
    return `${s.name}=${value}`;
  }).join(", ");
}
function namespacesUnavailable(bwrapStderr) {
  const fixes = USERNS_SYSCTLS.map((s) => `${s.name} ${s.wanted === "above 0" ? "above 0" : `= ${s.wanted}`}`).join(", ");
  return new SandboxUnavailableError(
    `bubblewrap cannot create the sandbox's namespaces (${bwrapStderr || "no message"}). Unprivileged user namespaces look disabled (now: ${sysctlValues()}); they need ${fixes}: e.g. \`sysctl -w kernel.apparmor_restrict_unprivileged_userns=0\` on Ubuntu 24.04 runners, \`sysctl -w kernel.unprivileged_userns_clone=1\` on older Debian/Ubuntu kernels. In a container, its seccomp/AppArmor profile must allow creating user namespaces. ${ALTERNATIVES}`
  );
}
function bwrapFailed(bwrapStderr) {
  return new SandboxUnavailableError(`bubblewrap cannot start a sandbox here: ${bwrapStderr || "no message"}. ${ALTERNATIVES}`);
}
var NAMESPACE_FAILURE = /creat\w* new namespace|setting up uid map|uid_map|RTM_NEWADDR|Operation not permitted|Permission denied|user namespace|unshare/i;
function classifyProbeFailure(stderr) {
  const line = stderr.trim().split("\n").filter(Boolean).pop() ?? "";
  return NAMESPACE_FAILURE.test(line) ? namespacesUnavailable(line) : bwrapFailed(line);
}

// src/sandbox/identity.ts
import { promises as fs } from "node:fs";
var DEFAULT_SANDBOX_USER = "tern-sandbox";
var GETENT_TIMEOUT_MS = 5e3;
var PASSWD_FIELDS = 7;
var PROBE_ENV = { PATH: "/usr/bin:/bin" };
var SEARCH_OTHER = 1;
var SEARCH_GROUP = 8;
var SEARCH_OWNER = 64;
function runningAsRoot() {
  return process.getuid?.() === 0;
}
async function lookupUser(name) {
  const r = await runProcess({ file: "getent", args: ["passwd", name], cwd: "/", env: PROBE_ENV, sandboxed: false }, { timeoutMs: GETENT_TIMEOUT_MS });
  const fields = r.exitCode === 0 ? r.output.trim().split("\n")[0].split(":") : [];
  if (fields.length < PASSWD_FIELDS) return null;
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) return null;
  return { name, uid, gid };
}
async function resolveIdentity(userName) {
  if (!runningAsRoot()) return null;
  const identity = await lookupUser(userName);
  if (identity === null) throw sandboxUserMissing(userName);
  if (identity.uid === 0) throw sandboxUserPrivileged(userName);
  return identity;
}
function canSearchByMode(st, identity) {
  if (st.uid === identity.uid) return (st.mode & SEARCH_OWNER) !== 0;
  if (st.gid === identity.gid) return (st.mode & SEARCH_GROUP) !== 0;
  return (st.mode & SEARCH_OTHER) !== 0;
}
async function unsearchable(identity, dirs) {
  const doubtful = [];
  for (const dir of dirs) {
    const st = await fs.stat(dir).catch(() => null);
    if (st === null || !canSearchByMode(st, identity)) doubtful.push(dir);
  }
  if (doubtful.length === 0) return [];
  const script = 'for d; do test -x "$d" || echo "$d"; done';
  const plan = { file: "sh", args: ["-c", script, "sh", ...doubtful], cwd: "/", env: PROBE_ENV, uid: identity.uid, gid: identity.gid, sandboxed: false };
  const r = await runProcess(plan, { timeoutMs: GETENT_TIMEOUT_MS });
  return r.output.split("\n").filter((line) => doubtful.includes(line));
}

export {
  SANDBOX_ERROR_CODE,
  SandboxUnavailableError,
  bwrapMissing,
  setfaclMissing,
  aclFailed,
  rootTooBroad,
  homeNotSearchable,
  classifyProbeFailure,
  terminateAllToolProcesses,
  killAllToolProcessesNow,
  prepareToolProcesses,
  runProcess,
  DEFAULT_SANDBOX_USER,
  PROBE_ENV,
  runningAsRoot,
  lookupUser,
  resolveIdentity,
  unsearchable
};
