import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  checkoutConfig,
  checkoutHead,
  oneLine,
  openCheckoutProbe,
  openPrivateGit,
  resolveCommit
} from "./chunk-V23KZT3V.js";
import {
  TernError
} from "./chunk-AXCYR7ZC.js";

// src/git/lfs.ts
import { createReadStream } from "node:fs";
import { lstat } from "node:fs/promises";
import { createHash } from "node:crypto";
import path from "node:path";
var PATHS_PER_CALL = 500;
var REGULAR_MODES = /* @__PURE__ */ new Set(["100644", "100755"]);
async function unstageSmudgedLfs(git, base, checkout) {
  const modified = await stagedModifications(git, base);
  if (modified.length === 0) return;
  const tracked = await lfsTracked(git, modified.map((m) => m.path));
  const unchanged = [];
  for (const m of modified) {
    if (!tracked.has(m.path)) continue;
    const file = path.join(checkout.workTree, ...m.path.split("/"));
    if (await pointerBlobId(file, checkout.objectFormat) === m.baseBlob) unchanged.push(m);
  }
  for (let i = 0; i < unchanged.length; i += PATHS_PER_CALL) {
    const args = unchanged.slice(i, i + PATHS_PER_CALL).flatMap((m) => ["--cacheinfo", `${m.mode},${m.baseBlob},${m.path}`]);
    await git.raw(["update-index", ...args]);
  }
}
async function stagedModifications(git, base) {
  const out = await git.raw(["diff", "--cached", "--raw", "-z", "--no-renames", "--no-abbrev", base, "--"]);
  const fields = out.split("\0");
  const changes = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [oldMode, newMode, oldBlob, , status] = fields[i].replace(/^:/, "").split(" ");
    if (status === "M" && oldMode === newMode && REGULAR_MODES.has(oldMode ?? "") && oldBlob) {
      changes.push({ mode: oldMode, baseBlob: oldBlob, path: fields[i + 1] });
    }
  }
  return changes;
}
async function lfsTracked(git, paths) {
  const tracked = /* @__PURE__ */ new Set();
  for (let i = 0; i < paths.length; i += PATHS_PER_CALL) {
    const out = await git.raw(["check-attr", "-z", "filter", "--", ...paths.slice(i, i + PATHS_PER_CALL)]);
    const f = out.split("\0");
    for (let j = 0; j + 2 < f.length; j += 3) if (f[j + 2] === "lfs") tracked.add(f[j]);
  }
  return tracked;
}
async function pointerBlobId(file, format) {
  const st = await lstat(file).catch(() => null);
  if (!st?.isFile()) return null;
  const sha2562 = createHash("sha256");
  for await (const chunk of createReadStream(file)) sha2562.update(chunk);
  const pointer = `version https://git-lfs.github.com/spec/v1
oid sha256:${sha2562.digest("hex")}
size ${st.size}
`;
  const body = Buffer.from(pointer, "utf8");
  return createHash(format).update(`blob ${body.length}\0`).update(body).digest("hex");
}

// src/git/control-snapshot.ts
import { createHash as createHash2 } from "node:crypto";
import { lstat as lstat2, readFile, readdir, readlink } from "node:fs/promises";
import path2 from "node:path";
var SKIPPED_DIRS = /* @__PURE__ */ new Set([".git", "node_modules"]);
var GENERATED_INFO = [path2.join("info", "refs")];
var DRIVER_ATTRIBUTE = /^(filter|diff|merge)=/;
var FILE_MODE = { symlink: "120000", executable: "100755", regular: "100644" };
var EXECUTABLE_BITS = 73;
async function snapshotGitControl(checkout) {
  const probe = await openCheckoutProbe(checkout);
  try {
    const { workTree, gitDir, commonDir } = probe.checkout;
    const label = (p) => labelFor(workTree, p);
    const files = {};
    const controlFiles = ["config", "config.worktree"].flatMap((f) => [path2.join(gitDir, f), path2.join(commonDir, f)]);
    controlFiles.push(path2.join(commonDir, "objects", "info", "alternates"), path2.join(commonDir, "objects", "info", "http-alternates"));
    for (const f of new Set(controlFiles)) await addFingerprint(files, label(f), f);
    const controlDirs = /* @__PURE__ */ new Set([path2.join(commonDir, "hooks"), path2.join(commonDir, "info"), path2.join(gitDir, "info")]);
    const hooksPath = await checkoutConfig(probe, "core.hooksPath");
    if (hooksPath && !hooksPath.startsWith("~")) controlDirs.add(path2.resolve(workTree, hooksPath));
    for (const d of controlDirs) await addTree(files, label, d);
    for (const generated of GENERATED_INFO) delete files[label(path2.join(commonDir, generated))];
    return {
      workTree,
      gitDir,
      commonDir,
      files,
      attributes: await attributeLines(workTree),
      headSha: await checkoutHead(probe).catch(() => null),
      originUrl: await checkoutConfig(probe, "remote.origin.url")
    };
  } finally {
    await probe.dispose();
  }
}
function compareGitControl(before, after) {
  const out = [];
  for (const key of ["workTree", "gitDir", "commonDir"]) {
    if (before[key] !== after[key]) out.push(`${key} changed: ${before[key]} -> ${after[key]}`);
  }
  const labels = [.../* @__PURE__ */ new Set([...Object.keys(before.files), ...Object.keys(after.files)])].sort();
  for (const l of labels) {
    const [b, a] = [before.files[l], after.files[l]];
    if (!b) out.push(`${l} added`);
    else if (!a) out.push(`${l} removed`);
    else if (b.mode !== a.mode) out.push(`${l} mode changed ${b.mode} -> ${a.mode}`);
    else if (b.sha256 !== a.sha256) out.push(`${l} changed`);
  }
  for (const file of Object.keys(after.attributes).sort()) {
    const old = new Set(before.attributes[file] ?? []);
    for (const line of after.attributes[file]) {
      if (!old.has(line)) out.push(`${file}: new ${attributeKinds(line)} attribute ${JSON.stringify(line)}`);
    }
  }
  return out;
}
function labelFor(workTree, p) {
  const rel = path2.relative(workTree, p);
  return rel.startsWith("..") || path2.isAbsolute(rel) ? p : rel.split(path2.sep).join("/");
}
async function addFingerprint(into, label, file) {
  const st = await lstat2(file).catch(() => null);
  if (!st) return;
  if (st.isSymbolicLink()) into[label] = { mode: FILE_MODE.symlink, sha256: sha256(await readlink(file)) };
  else if (st.isFile()) {
    const mode = st.mode & EXECUTABLE_BITS ? FILE_MODE.executable : FILE_MODE.regular;
    into[label] = { mode, sha256: sha256(await readFile(file)) };
  }
}
async function addTree(into, label, dir) {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = path2.join(dir, e.name);
    if (e.isDirectory()) await addTree(into, label, p);
    else await addFingerprint(into, label(p), p);
  }
}
async function attributeLines(workTree) {
  const raw = {};
  const walk = async (dir) => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const p = path2.join(dir, e.name);
      if (e.isDirectory() && !SKIPPED_DIRS.has(e.name)) await walk(p);
      else if (e.isFile() && e.name === ".gitattributes") raw[labelFor(workTree, p)] = splitLines(await readFile(p, "utf8"));
    }
  };
  await walk(workTree);
  const macros = riskyMacros(Object.values(raw).flat());
  const out = {};
  for (const [file, lines] of Object.entries(raw)) {
    const risky = lines.filter((l) => attributesOf(l).some((a) => DRIVER_ATTRIBUTE.test(a) || macros.has(a)));
    if (risky.length > 0) out[file] = [...new Set(risky)].sort();
  }
  return out;
}
function riskyMacros(lines) {
  const names = /* @__PURE__ */ new Set();
  for (const l of lines) {
    const m = /^\[attr\](\S+)/.exec(l);
    if (m && attributesOf(l).some((a) => DRIVER_ATTRIBUTE.test(a))) names.add(m[1]);
  }
  return names;
}
function splitLines(text) {
  return text.split("\n").map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith("#"));
}
function attributesOf(line) {
  const rest = line.startsWith('"') ? line.slice(line.indexOf('"', 1) + 1) : line.replace(/^\S+/, "");
  return rest.split(/\s+/).filter((t) => t.length > 0);
}
function attributeKinds(line) {
  const kinds = attributesOf(line).map((a) => DRIVER_ATTRIBUTE.exec(a)?.[1]).filter((k) => k !== void 0);
  return kinds.length > 0 ? [...new Set(kinds)].join("/") : "macro";
}
function sha256(data) {
  return createHash2("sha256").update(data).digest("hex");
}

// src/git/push-patch.ts
import { writeFile } from "node:fs/promises";
import path3 from "node:path";
var PUSH_SILENCE_TIMEOUT_MS = 5 * 60 * 1e3;
async function commitPatchAndPush(o) {
  const pg = await openPrivateGit(o.checkout);
  try {
    const commitSha = await commitPatch(pg, o);
    await pushCommit(pg, { ...o, commitSha });
    return { commitSha, branch: o.branch, remote: o.remote };
  } finally {
    await pg.dispose();
  }
}
async function commitPatch(pg, o) {
  if (o.patch.trim().length === 0) throw new TernError("empty_patch", "nothing to commit: the patch is empty");
  await validateBranch(pg, o.branch);
  const base = await resolveCommit(pg.git, o.baseSha);
  const patchFile = path3.join(pg.scratch, "change.patch");
  const messageFile = path3.join(pg.scratch, "message.txt");
  await writeFile(patchFile, o.patch.endsWith("\n") ? o.patch : `${o.patch}
`);
  await writeFile(messageFile, o.message);
  try {
    await pg.git.raw(["read-tree", base]);
    await pg.git.raw(["apply", "--cached", "--binary", "--whitespace=nowarn", patchFile]);
  } catch (err) {
    throw new TernError("patch_failed", `the patch does not apply to ${base}: ${oneLine(err)}`, { cause: err });
  }
  try {
    const tree = (await pg.git.raw(["write-tree"])).trim();
    const git = pg.gitWith({ identity: o.author });
    const sha = (await git.raw(["commit-tree", tree, "-p", base, "-F", messageFile])).trim();
    if (!/^[0-9a-f]{40,64}$/.test(sha)) throw new Error(`commit-tree printed ${JSON.stringify(sha)}`);
    return sha;
  } catch (err) {
    throw new TernError("commit_failed", `cannot create the commit: ${oneLine(err)}`, { cause: err });
  }
}
async function pushCommit(pg, o) {
  await validateBranch(pg, o.branch);
  const shown = displayRemote(o.remote);
  if (o.remote.length === 0 || o.remote.startsWith("-")) throw new TernError("bad_remote", `invalid remote ${JSON.stringify(shown)}`);
  const { config, secrets } = authConfig(o.remote, o.token);
  secrets.push(...urlCredentials(o.remote));
  const git = pg.gitWith({ config }, { timeoutMs: PUSH_SILENCE_TIMEOUT_MS });
  try {
    const force = o.force === false ? [] : ["--force"];
    await git.raw(["push", ...force, "--no-verify", "--quiet", "--", pushTarget(o.remote), `${o.commitSha}:refs/heads/${o.branch}`]);
  } catch (err) {
    throw new TernError("push_failed", `push to ${shown} failed: ${oneLine(err, secrets)}`, { cause: scrubbed(err, secrets) });
  }
}
function authConfig(remote, token) {
  if (!token) return { config: {}, secrets: [] };
  if (/^http:\/\//i.test(remote)) throw new TernError("bad_remote", "refusing to send a token to a plain http:// remote");
  if (!/^https:\/\//i.test(remote)) return { config: {}, secrets: [token] };
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return { config: { "http.extraheader": `AUTHORIZATION: basic ${basic}` }, secrets: [token, basic] };
}
async function validateBranch(pg, branch) {
  const bad = () => new TernError("invalid_branch", `invalid branch name ${JSON.stringify(branch)}`);
  if (branch.length === 0 || branch.startsWith("-") || branch.includes("@{")) throw bad();
  try {
    const normalised = (await pg.git.raw(["check-ref-format", "--branch", branch])).trim();
    if (normalised !== branch) throw bad();
  } catch {
    throw bad();
  }
}
function pushTarget(remote) {
  const urlLike = /^[a-z][a-z0-9+.-]*:\/\//i.test(remote) || /^[^/]+:/.test(remote);
  return urlLike ? remote : path3.resolve(remote);
}
function urlCredentials(remote) {
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(remote)?.[1];
  if (!userinfo) return [];
  const colon = userinfo.indexOf(":");
  return colon < 0 ? [userinfo] : [userinfo, userinfo.slice(colon + 1)];
}
function displayRemote(remote) {
  return remote.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}
function scrubbed(err, secrets) {
  return new Error(oneLine(err, secrets));
}

export {
  unstageSmudgedLfs,
  snapshotGitControl,
  compareGitControl,
  commitPatchAndPush
};
