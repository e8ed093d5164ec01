// The V8 compile cache (`module.enableCompileCache`, Node >= 22.1): the bundle's
// chunks are compiled once and reused by later starts, which is most of a start's
// cost after the runtime itself. It must be on before the chunks load, so the CLI
// entry calls it before its first dynamic import.
//
// Where: a per-user directory under the OS temp dir, not $TERN_HOME. The temp dir
// outlives the fresh TERN_HOME each run or test gets, survives a read-only home,
// and is what Node itself uses by default; the sandbox's tools get their own
// private /tmp, so they cannot write into it. The directory must be ours (0700,
// owned by this uid, not a symlink): compiled code from a directory someone else
// can write would be run as ours. Anything odd and the cache simply stays off.
// NODE_COMPILE_CACHE (Node enables it itself) and NODE_DISABLE_COMPILE_CACHE win.

import { lstatSync, mkdirSync } from 'node:fs';
import nodeModule from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** What `module.enableCompileCache` returns (Node >= 22.1; absent before, and from @types/node 20). */
interface CompileCacheResult {
  status: number;
  message?: string;
  directory?: string;
}
type EnableCompileCache = (dir?: string) => CompileCacheResult;

/** Owner-only: read, write, search. */
const PRIVATE_DIR_MODE = 0o700;
/** Permission bits that let the group or others write. */
const GROUP_OTHER_WRITE = 0o022;

/** The cache directory for this user: `<tmpdir>/tern-compile-cache-<uid>`. */
export function compileCacheDir(tmpdir: string = os.tmpdir(), uid: number = process.getuid?.() ?? 0): string {
  return path.join(tmpdir, `tern-compile-cache-${uid}`);
}

/** Whether `dir` exists (created if missing) as a real directory that only this user can write. */
export function isPrivateDir(dir: string, uid: number = process.getuid?.() ?? 0): boolean {
  try {
    mkdirSync(dir, { mode: PRIVATE_DIR_MODE });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === uid && (st.mode & GROUP_OTHER_WRITE) === 0;
  } catch {
    return false;
  }
}

/**
 * Turns the compile cache on where Node supports it; never throws, never fails a start.
 * Returns the directory in use, or null when the cache stays off.
 */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): string | null {
  const enable = (nodeModule as unknown as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (typeof enable !== 'function') return null;
  try {
    if (env.NODE_COMPILE_CACHE !== undefined) return enable().directory ?? null;
    const dir = compileCacheDir();
    if (!isPrivateDir(dir)) return null;
    return enable(dir).directory ?? null;
  } catch {
    return null;
  }
}
