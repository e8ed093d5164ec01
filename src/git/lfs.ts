// Git LFS without running git-lfs. A private git dir defines no filter drivers,
// so `git add` stores an LFS-tracked file's real (smudged) content, which differs
// from the pointer committed in the base: every LFS file would look modified.
// For such a path, if the work-tree content is exactly what the base's pointer
// describes (same sha256 and size), the staged entry is put back to the base blob.

import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { SimpleGit } from 'simple-git';
import type { CheckoutLocation } from './private-git.js';

/** Paths per git invocation when passing many paths as arguments. */
const PATHS_PER_CALL = 500;
const REGULAR_MODES = new Set(['100644', '100755']);

interface StagedChange {
  mode: string;
  baseBlob: string;
  path: string;
}

/** Puts back to `base` every staged path whose work-tree file is just the content of base's LFS pointer. */
export async function unstageSmudgedLfs(git: SimpleGit, base: string, checkout: CheckoutLocation): Promise<void> {
  const modified = await stagedModifications(git, base);
  if (modified.length === 0) return;
  const tracked = await lfsTracked(git, modified.map((m) => m.path));
  const unchanged: StagedChange[] = [];
  for (const m of modified) {
    if (!tracked.has(m.path)) continue;
    const file = path.join(checkout.workTree, ...m.path.split('/'));
    if ((await pointerBlobId(file, checkout.objectFormat)) === m.baseBlob) unchanged.push(m);
  }
  for (let i = 0; i < unchanged.length; i += PATHS_PER_CALL) {
    const args = unchanged.slice(i, i + PATHS_PER_CALL).flatMap((m) => ['--cacheinfo', `${m.mode},${m.baseBlob},${m.path}`]);
    await git.raw(['update-index', ...args]);
  }
}

/** Regular files modified (same mode) between `base` and the index. */
async function stagedModifications(git: SimpleGit, base: string): Promise<StagedChange[]> {
  const out = await git.raw(['diff', '--cached', '--raw', '-z', '--no-renames', '--no-abbrev', base, '--']);
  const fields = out.split('\0');
  const changes: StagedChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [oldMode, newMode, oldBlob, , status] = fields[i]!.replace(/^:/, '').split(' ');
    if (status === 'M' && oldMode === newMode && REGULAR_MODES.has(oldMode ?? '') && oldBlob) {
      changes.push({ mode: oldMode!, baseBlob: oldBlob, path: fields[i + 1]! });
    }
  }
  return changes;
}

/** The subset of `paths` whose `filter` attribute is `lfs` (attributes only: no filter is defined, none runs). */
async function lfsTracked(git: SimpleGit, paths: string[]): Promise<Set<string>> {
  const tracked = new Set<string>();
  for (let i = 0; i < paths.length; i += PATHS_PER_CALL) {
    const out = await git.raw(['check-attr', '-z', 'filter', '--', ...paths.slice(i, i + PATHS_PER_CALL)]);
    const f = out.split('\0');
    for (let j = 0; j + 2 < f.length; j += 3) if (f[j + 2] === 'lfs') tracked.add(f[j]!);
  }
  return tracked;
}

/** Blob id of the canonical LFS pointer for `file`'s content, or null when it is not a regular file. */
async function pointerBlobId(file: string, format: CheckoutLocation['objectFormat']): Promise<string | null> {
  const st = await lstat(file).catch(() => null);
  if (!st?.isFile()) return null;
  const sha256 = createHash('sha256');
  for await (const chunk of createReadStream(file)) sha256.update(chunk as Buffer);
  const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256.digest('hex')}\nsize ${st.size}\n`;
  const body = Buffer.from(pointer, 'utf8');
  return createHash(format).update(`blob ${body.length}\0`).update(body).digest('hex');
}
