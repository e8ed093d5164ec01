import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  TernError
} from "./chunk-AXCYR7ZC.js";

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

// src/sandbox/load-execa.ts
var execaModule;
function loadExeca() {
  execaModule ??= import("./execa-AYOG7T73.js");
  return execaModule;
}

// src/sandbox/identity.ts
import { promises as fs } from "node:fs";
var DEFAULT_SANDBOX_USER = "tern-sandbox";
var GETENT_TIMEOUT_MS = 5e3;
var PASSWD_FIELDS = 7;
var SEARCH_OTHER = 1;
var SEARCH_GROUP = 8;
var SEARCH_OWNER = 64;
function runningAsRoot() {
  return process.getuid?.() === 0;
}
async function lookupUser(name) {
  const { execa } = await loadExeca();
  const r = await execa("getent", ["passwd", name], {
    reject: false,
    stdin: "ignore",
    extendEnv: false,
    env: { PATH: "/usr/bin:/bin" },
    timeout: GETENT_TIMEOUT_MS
  });
  const fields = r.exitCode === 0 ? String(r.stdout).trim().split("\n")[0].split(":") : [];
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
  const { execa } = await loadExeca();
  const r = await execa("sh", ["-c", 'for d; do test -x "$d" || echo "$d"; done', "sh", ...doubtful], {
    reject: false,
    stdin: "ignore",
    cwd: "/",
    extendEnv: false,
    env: { PATH: "/usr/bin:/bin" },
    uid: identity.uid,
    gid: identity.gid,
    timeout: GETENT_TIMEOUT_MS
  });
  return String(r.stdout).split("\n").filter((line) => doubtful.includes(line));
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
  loadExeca,
  DEFAULT_SANDBOX_USER,
  runningAsRoot,
  lookupUser,
  resolveIdentity,
  unsearchable
};
