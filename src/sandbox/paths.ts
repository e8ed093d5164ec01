// Path containment, shared by the OS sandbox (which roots to bind) and the
// file tools (where apply_patch may write): both decide on fully resolved
// paths, so a symlinked parent cannot point a write somewhere else.

import { realpathSync } from 'node:fs';
import path from 'node:path';

/** Whether `candidate` is `root` or below it (both absolute, normalised). */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
}

export function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/**
 * realpath(3), synchronously. Metadata lookups on the tool path (this, stat, lstat) are made
 * synchronously: each is a few system calls on the local file system (~10 µs), where its promise
 * form hops to the thread pool and back (~50 µs of CPU and two thread switches, which on a busy
 * 2-core machine hold the event loop for far longer). File contents are still read asynchronously.
 */
export const realpathNow: (p: string) => string = realpathSync.native;

/**
 * Resolves the symlinks of the deepest existing ancestor of `abs` and appends
 * the rest, so a path that does not exist yet still resolves to where it would be created.
 */
export async function resolveReal(abs: string): Promise<string> {
  const rest: string[] = [];
  let current = abs;
  for (;;) {
    try {
      const real = realpathNow(current);
      return rest.length === 0 ? real : path.join(real, ...rest.reverse());
    } catch (err) {
      const code = errnoCode(err);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      const parent = path.dirname(current);
      if (parent === current) return abs;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

/** The directories from `/` down to `p`'s parent, outermost first. */
export function ancestorsOf(p: string): string[] {
  const out: string[] = [];
  let current = path.dirname(p);
  for (;;) {
    out.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) return out;
    current = parent;
  }
}
