// AGENTS.md discovery: the repository's own instructions for agents.
//
// Which files: an optional global file in $TERN_HOME (`AGENTS.override.md`,
// else `AGENTS.md`), then one file per directory from the repository root (the
// nearest ancestor of cwd holding `.git`; cwd alone when there is none) down
// to cwd: `AGENTS.override.md`, else `AGENTS.md`, else the first configured
// fallback name. Empty files are skipped.
//
// Order and cap: the files are presented root first, nearest last (the nearest
// one is the most specific and wins a conflict). Their total size is capped at
// `project_doc_max_bytes` (PROJECT_DOC_MAX_BYTES_DEFAULT unless configured; 0
// turns AGENTS.md off). The budget is spent nearest first, so when the files
// do not fit it is the outermost ones that are cut or left out, never the one
// that takes precedence.
//
// The result is read once, when the thread starts, and stored in the thread's
// history as one user message: later turns, compaction and a resume reuse that
// item instead of reading the files again, which keeps every request a prefix-
// extension of the previous one.

import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { hasGitMarker } from '../util/git-marker.js';

export const PROJECT_DOC_MAX_BYTES_DEFAULT = 32 * 1024;
export const AGENTS_MD = 'AGENTS.md';
export const AGENTS_OVERRIDE_MD = 'AGENTS.override.md';

export interface AgentsMdOptions {
  cwd: string;
  /** Where the global `AGENTS.md` may live ($TERN_HOME); null skips it. */
  globalDir: string | null;
  /** Total byte budget; 0 disables AGENTS.md. */
  maxBytes: number;
  /** Names tried after AGENTS.override.md and AGENTS.md in each directory. */
  fallbackFilenames: readonly string[];
}

export interface AgentsMdFile {
  path: string;
  /** The part of the file that fits the budget. */
  text: string;
  /** True when the file was cut short (or left out entirely: text === ''). */
  truncated: boolean;
}

export interface AgentsMdResult {
  /** Root first, nearest last; files left out entirely by the cap are not listed. */
  files: AgentsMdFile[];
  /** True when some file was cut or left out. */
  truncated: boolean;
}

/** The nearest ancestor of `cwd` (cwd included) that holds a repository (`hasGitMarker`), or null. */
export async function findRepoRoot(cwd: string): Promise<string | null> {
  let dir = path.resolve(cwd);
  for (;;) {
    if (hasGitMarker(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Directories from the repository root down to cwd (just cwd without a repository). */
export async function searchDirs(cwd: string): Promise<string[]> {
  const leaf = path.resolve(cwd);
  const root = await findRepoRoot(leaf);
  if (root === null) return [leaf];
  const dirs = [leaf];
  let dir = leaf;
  while (dir !== root) {
    dir = path.dirname(dir);
    dirs.unshift(dir);
  }
  return dirs;
}

export async function discoverAgentsMd(opts: AgentsMdOptions): Promise<AgentsMdResult> {
  if (opts.maxBytes <= 0) return { files: [], truncated: false };
  const found: { path: string; bytes: Buffer }[] = [];
  if (opts.globalDir !== null) {
    const root = await realpath(opts.globalDir).catch(() => null);
    const global = root === null ? null : await firstNonEmpty(opts.globalDir, [AGENTS_OVERRIDE_MD, AGENTS_MD], root, opts.maxBytes);
    if (global) found.push(global);
  }
  const names = [
    AGENTS_OVERRIDE_MD,
    AGENTS_MD,
    ...opts.fallbackFilenames.filter((n) => n !== AGENTS_MD && n !== AGENTS_OVERRIDE_MD && n === path.basename(n)),
  ];
  const dirs = await searchDirs(opts.cwd);
  const root = await realpath(dirs[0]!).catch(() => dirs[0]!);
  for (const dir of dirs) {
    const file = await firstNonEmpty(dir, names, root, opts.maxBytes);
    if (file) found.push(file);
  }

  // Spend the budget nearest first.
  let remaining = opts.maxBytes;
  let truncated = false;
  const kept: AgentsMdFile[] = [];
  for (let i = found.length - 1; i >= 0; i--) {
    const f = found[i]!;
    if (remaining <= 0) {
      truncated = true;
      continue;
    }
    const cut = f.bytes.length > remaining;
    const text = cut ? truncateUtf8(f.bytes, remaining) : f.bytes.toString('utf8');
    remaining -= cut ? remaining : f.bytes.length;
    truncated ||= cut;
    kept.unshift({ path: f.path, text, truncated: cut });
  }
  return { files: kept, truncated };
}

/**
 * The history item text: the Codex wrapper models are trained on
 * (`# AGENTS.md instructions for <cwd>` and an `<INSTRUCTIONS>` block), with
 * each file introduced by its path. Null when there is nothing to say.
 */
export function agentsMdText(cwd: string, result: AgentsMdResult): string | null {
  const files = result.files.filter((f) => f.text.trim() !== '');
  if (files.length === 0) return null;
  const parts = files.map((f) => {
    const body = f.text.replace(/\s+$/, '');
    const note = f.truncated ? '\n[... the rest of this file was left out: AGENTS.md size limit reached]' : '';
    return `## ${f.path}\n\n${body}${note}`;
  });
  return `# AGENTS.md instructions for ${cwd}\n\n<INSTRUCTIONS>\n${parts.join('\n\n')}\n</INSTRUCTIONS>`;
}

export function isAgentsMdMessageText(text: string): boolean {
  return text.startsWith('# AGENTS.md instructions for ');
}

/** The first `max` bytes of `buf` as text, never splitting a UTF-8 sequence. */
export function truncateUtf8(buf: Buffer, max: number): string {
  if (buf.length <= max) return buf.toString('utf8');
  let end = max;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

/**
 * The first of `names` in `dir` that is a non-empty regular file inside
 * `allowedRoot`. A symlink is followed only when its target stays inside
 * `allowedRoot`: a repository must not be able to point the server at
 * `/proc/self/environ` or another file outside it and have that text sent to
 * the model. At most `maxBytes` bytes are read.
 */
async function firstNonEmpty(
  dir: string,
  names: readonly string[],
  allowedRoot: string,
  maxBytes: number,
): Promise<{ path: string; bytes: Buffer } | null> {
  for (const name of names) {
    const p = path.join(dir, name);
    const real = await realpath(p).catch(() => null);
    if (real === null || !isInside(real, allowedRoot)) continue;
    const st = await stat(real).catch(() => null);
    if (!st?.isFile()) continue;
    const bytes = await readHead(real, maxBytes).catch(() => null);
    if (bytes === null || bytes.toString('utf8').trim() === '') continue;
    return { path: p, bytes };
  }
  return null;
}

async function readHead(file: string, maxBytes: number): Promise<Buffer> {
  const fh = await open(file, 'r');
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

function isInside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

