// What a turn did to the places git takes commands or settings from.
//
// Take a snapshot before the turn and one after; `compareGitControl` lists what
// changed: config files, hooks (.git/hooks and a configured core.hooksPath),
// info/ (attributes, exclude, ...), object alternates, and the filter=/diff=/merge=
// lines of every .gitattributes in the work tree. The index, objects and refs may
// change (a model may commit) and do not count. Files are read directly; the only
// git commands are read-only probes (HEAD, two config values) that run nothing.

import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { openCheckoutProbe } from './private-git.js';
import { checkoutConfig, checkoutHead } from './revisions.js';

/** Identity of one control file: git-style mode and sha256 of its content (of its target, for a symlink). */
export interface FileFingerprint {
  mode: string;
  sha256: string;
}

/** Everything that decides what git runs in a checkout, as plain JSON. */
export interface GitControlSnapshot {
  workTree: string;
  gitDir: string;
  commonDir: string;
  /** Control files by label (path relative to the work tree when inside it, else absolute). */
  files: Record<string, FileFingerprint>;
  /** Per .gitattributes file (relative path): its lines that assign filter=, diff= or merge= (or use a macro that does). */
  attributes: Record<string, string[]>;
  /** HEAD commit, or null on an unborn branch. */
  headSha: string | null;
  /** remote.origin.url, or null. */
  originUrl: string | null;
}

/** Directories never walked for .gitattributes. */
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);
/** Files under info/ that git writes itself (e.g. `gc` runs update-server-info): data, not settings. */
const GENERATED_INFO = [path.join('info', 'refs')];
/** Attributes that name a driver git looks up in config (and may run). */
const DRIVER_ATTRIBUTE = /^(filter|diff|merge)=/;
const FILE_MODE = { symlink: '120000', executable: '100755', regular: '100644' } as const;
const EXECUTABLE_BITS = 0o111;

/** Snapshot of the checkout containing `checkout`; reads files directly and runs nothing from the repository. */
export async function snapshotGitControl(checkout: string): Promise<GitControlSnapshot> {
  const probe = await openCheckoutProbe(checkout);
  try {
    const { workTree, gitDir, commonDir } = probe.checkout;
    const label = (p: string) => labelFor(workTree, p);
    const files: Record<string, FileFingerprint> = {};
    const controlFiles = ['config', 'config.worktree'].flatMap((f) => [path.join(gitDir, f), path.join(commonDir, f)]);
    controlFiles.push(path.join(commonDir, 'objects', 'info', 'alternates'), path.join(commonDir, 'objects', 'info', 'http-alternates'));
    for (const f of new Set(controlFiles)) await addFingerprint(files, label(f), f);
    const controlDirs = new Set([path.join(commonDir, 'hooks'), path.join(commonDir, 'info'), path.join(gitDir, 'info')]);
    // Config reads may fail after a turn that broke the config: that shows as a changed config file.
    const hooksPath = await checkoutConfig(probe, 'core.hooksPath');
    if (hooksPath && !hooksPath.startsWith('~')) controlDirs.add(path.resolve(workTree, hooksPath));
    for (const d of controlDirs) await addTree(files, label, d);
    for (const generated of GENERATED_INFO) delete files[label(path.join(commonDir, generated))];
    return {
      workTree,
      gitDir,
      commonDir,
      files,
      attributes: await attributeLines(workTree),
      headSha: await checkoutHead(probe).catch(() => null),
      originUrl: await checkoutConfig(probe, 'remote.origin.url'),
    };
  } finally {
    await probe.dispose();
  }
}

/** One human-readable line per change to what git would run or read between two snapshots; [] when none. */
export function compareGitControl(before: GitControlSnapshot, after: GitControlSnapshot): string[] {
  const out: string[] = [];
  for (const key of ['workTree', 'gitDir', 'commonDir'] as const) {
    if (before[key] !== after[key]) out.push(`${key} changed: ${before[key]} -> ${after[key]}`);
  }
  const labels = [...new Set([...Object.keys(before.files), ...Object.keys(after.files)])].sort();
  for (const l of labels) {
    const [b, a] = [before.files[l], after.files[l]];
    if (!b) out.push(`${l} added`);
    else if (!a) out.push(`${l} removed`);
    else if (b.mode !== a.mode) out.push(`${l} mode changed ${b.mode} -> ${a.mode}`);
    else if (b.sha256 !== a.sha256) out.push(`${l} changed`);
  }
  for (const file of Object.keys(after.attributes).sort()) {
    const old = new Set(before.attributes[file] ?? []);
    for (const line of after.attributes[file]!) {
      if (!old.has(line)) out.push(`${file}: new ${attributeKinds(line)} attribute ${JSON.stringify(line)}`);
    }
  }
  return out;
}

function labelFor(workTree: string, p: string): string {
  const rel = path.relative(workTree, p);
  return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel.split(path.sep).join('/');
}

async function addFingerprint(into: Record<string, FileFingerprint>, label: string, file: string): Promise<void> {
  const st = await lstat(file).catch(() => null);
  if (!st) return;
  if (st.isSymbolicLink()) into[label] = { mode: FILE_MODE.symlink, sha256: sha256(await readlink(file)) };
  else if (st.isFile()) {
    const mode = st.mode & EXECUTABLE_BITS ? FILE_MODE.executable : FILE_MODE.regular;
    into[label] = { mode, sha256: sha256(await readFile(file)) };
  }
}

/** Fingerprints every file under `dir` (recursively, symlinks not followed). */
async function addTree(into: Record<string, FileFingerprint>, label: (p: string) => string, dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await addTree(into, label, p);
    else await addFingerprint(into, label(p), p);
  }
}

/** Risky lines of every .gitattributes in the work tree (symlinked ones are skipped: git does not follow them). */
async function attributeLines(workTree: string): Promise<Record<string, string[]>> {
  const raw: Record<string, string[]> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && !SKIPPED_DIRS.has(e.name)) await walk(p);
      else if (e.isFile() && e.name === '.gitattributes') raw[labelFor(workTree, p)] = splitLines(await readFile(p, 'utf8'));
    }
  };
  await walk(workTree);
  const macros = riskyMacros(Object.values(raw).flat());
  const out: Record<string, string[]> = {};
  for (const [file, lines] of Object.entries(raw)) {
    const risky = lines.filter((l) => attributesOf(l).some((a) => DRIVER_ATTRIBUTE.test(a) || macros.has(a)));
    if (risky.length > 0) out[file] = [...new Set(risky)].sort();
  }
  return out;
}

/** Names of `[attr]` macros that assign a driver, so `* mymacro` counts as risky too. */
function riskyMacros(lines: string[]): Set<string> {
  const names = new Set<string>();
  for (const l of lines) {
    const m = /^\[attr\](\S+)/.exec(l);
    if (m && attributesOf(l).some((a) => DRIVER_ATTRIBUTE.test(a))) names.add(m[1]!);
  }
  return names;
}

function splitLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
}

/** The attribute tokens of a .gitattributes line (everything after the pattern, which may be quoted). */
function attributesOf(line: string): string[] {
  const rest = line.startsWith('"') ? line.slice(line.indexOf('"', 1) + 1) : line.replace(/^\S+/, '');
  return rest.split(/\s+/).filter((t) => t.length > 0);
}

function attributeKinds(line: string): string {
  const kinds = attributesOf(line)
    .map((a) => DRIVER_ATTRIBUTE.exec(a)?.[1])
    .filter((k): k is string => k !== undefined);
  return kinds.length > 0 ? [...new Set(kinds)].join('/') : 'macro';
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
