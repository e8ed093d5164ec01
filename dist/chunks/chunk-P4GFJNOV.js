import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  execa
} from "./chunk-R4VQEMWY.js";
import {
  TernError
} from "./chunk-AXCYR7ZC.js";

// src/sandbox/isolated-phase.ts
var ISOLATION_MODES = ["pid-namespace", "none"];
var DEFAULT_TAIL_BYTES = 64 * 1024;
var INIT_SCRIPT = '"$@"; exit $?';
var INIT_NAME = "tern-phase-init";
var UNSHARE_AS_ROOT = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"];
var UNSHARE_AS_USER = ["unshare", "--user", "--map-current-user", "--pid", "--fork", "--mount-proc", "--kill-child"];
var UNSHARE_AS_USER_OLD = ["unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc", "--kill-child"];
var IsolationUnavailableError = class extends TernError {
  static defaultCategory = "sandbox";
  name = "IsolationUnavailableError";
  constructor(message) {
    super("isolation_unavailable", message);
  }
};
var probed = null;
function pidNamespacePrefix() {
  probed ??= probePidNamespace().catch((err) => {
    probed = null;
    throw err;
  });
  return probed;
}
async function probePidNamespace() {
  const candidates = process.getuid?.() === 0 ? [UNSHARE_AS_ROOT] : [UNSHARE_AS_USER, UNSHARE_AS_USER_OLD];
  let lastError = "";
  for (const prefix of candidates) {
    const probe = await execa(prefix[0], [...prefix.slice(1), "true"], { reject: false, stdin: "ignore", extendEnv: false, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
    if (probe.exitCode === 0) return prefix;
    lastError = (probe.stderr || probe.shortMessage || "").toString().trim().split("\n").pop() ?? "";
  }
  throw new IsolationUnavailableError(isolationHint(lastError));
}
function isolationHint(lastError) {
  const why = lastError ? ` (${lastError})` : "";
  if (/ENOENT|not found/i.test(lastError)) {
    return `cannot isolate the agent phase: \`unshare\` is not installed${why}; install util-linux, or set agent-isolation: none`;
  }
  return `cannot isolate the agent phase in a PID namespace${why}. Unprivileged user namespaces look disabled: on Ubuntu 24.04 runners add a step \`sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0\` before this one (elsewhere \`sysctl -w kernel.unprivileged_userns_clone=1\` or \`user.max_user_namespaces\`), or set agent-isolation: none`;
}
async function runIsolatedPhase(opts) {
  const prefix = opts.isolation === "pid-namespace" ? await pidNamespacePrefix() : [];
  const argv = [...prefix, "sh", "-c", INIT_SCRIPT, INIT_NAME, ...opts.command];
  const tailMax = opts.tailBytes ?? DEFAULT_TAIL_BYTES;
  let tail = "";
  const child = execa(argv[0], argv.slice(1), {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: false,
    stdin: "ignore",
    buffer: false,
    reject: false,
    // Its own process group, so `none` can kill the tree and a terminal's signals don't reach it.
    detached: true,
    cleanup: true,
    encoding: "utf8"
  });
  const killTree = () => {
    if (child.pid === void 0) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
    }
  };
  const collect = (chunk) => {
    const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
    opts.onOutput?.(text);
    tail = (tail + text).slice(-tailMax);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killTree();
  }, opts.timeoutMs);
  const result = await child;
  clearTimeout(timer);
  killTree();
  if (result.exitCode === void 0 && !timedOut && result.failed && !result.signal) {
    throw new TernError("phase_spawn_failed", `cannot start ${argv[0]}: ${result.shortMessage ?? "unknown error"}`);
  }
  return { exitCode: timedOut ? null : result.exitCode ?? null, timedOut, outputTail: tail };
}

export {
  ISOLATION_MODES,
  pidNamespacePrefix,
  runIsolatedPhase
};
