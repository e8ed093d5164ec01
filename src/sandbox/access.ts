// File access for the sandbox user when the server runs as root.
//
// The checkout belongs to root, and the sandbox user must read it (and write
// the writable roots) without tern taking it over: ownership and mode bits
// stay as they are (git would otherwise see other owners or mode changes), and
// POSIX ACL entries for that one user are added instead:
//  - writable roots: rwX, inherited by new files (default ACL), except .git
//    (and .codex), which get rX: git must read them, bwrap keeps them read-only;
//  - the workspace of a read-only thread: rX;
//  - each directory above those that the user cannot traverse: search (x)
//    only, no listing, so bwrap (which runs as that user) can reach them.
// setfacl walks physically (-P): symlinks in the checkout are never followed,
// so a link to /etc/shadow does not carry a grant there.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadExeca } from './load-execa.js';
import { aclFailed, homeNotSearchable, rootTooBroad, setfaclMissing } from './errors.js';
import { unsearchable, type SandboxIdentity } from './identity.js';
import { ancestorsOf, errnoCode, isInside } from './paths.js';
import { PROTECTED_DIR_NAMES } from './policy.js';

export type AccessLevel = 'rwX' | 'rX';

const SETFACL_TIMEOUT_MS = 10 * 60_000;
/** Paths per setfacl invocation. */
const SETFACL_BATCH = 500;

/** Directories tern never hands to the sandbox user as a whole, nor anything below the second list. */
const TOO_BROAD_EXACT = ['/', '/root', '/home', '/var', '/opt', '/srv', '/tmp', '/run', '/mnt', '/media'];
const TOO_BROAD_WITHIN = ['/etc', '/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/boot', '/proc', '/sys', '/dev'];

export function assertGrantable(root: string): void {
  if (TOO_BROAD_EXACT.includes(root) || TOO_BROAD_WITHIN.some((d) => isInside(d, root))) throw rootTooBroad(root);
}

async function setfacl(identity: SandboxIdentity, args: string[], paths: string[]): Promise<void> {
  for (let i = 0; i < paths.length; i += SETFACL_BATCH) {
    const batch = paths.slice(i, i + SETFACL_BATCH);
    const { execa } = await loadExeca();
    const r = await execa('setfacl', [...args, '--', ...batch], {
      reject: false,
      stdin: 'ignore',
      extendEnv: false,
      env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' },
      timeout: SETFACL_TIMEOUT_MS,
    });
    if (r.exitCode === 0) continue;
    if ((r as { code?: string }).code === 'ENOENT') throw setfaclMissing();
    throw aclFailed(batch.join(', '), String(r.stderr || r.shortMessage).trim().split('\n')[0] ?? `user ${identity.name}`);
  }
}

function entry(identity: SandboxIdentity, level: AccessLevel): string {
  return `u:${identity.uid}:${level},d:u:${identity.uid}:${level}`;
}

/** Gives `identity` `level` access to the tree at `root` (protected directories: rX only). */
export async function grantTree(identity: SandboxIdentity, root: string, level: AccessLevel): Promise<void> {
  assertGrantable(root);
  if (level === 'rX') {
    await setfacl(identity, ['-R', '-P', '-m', entry(identity, 'rX')], [root]);
    return;
  }
  const names = await fs.readdir(root);
  const open = names.filter((n) => !PROTECTED_DIR_NAMES.includes(n)).map((n) => path.join(root, n));
  const closed = names.filter((n) => PROTECTED_DIR_NAMES.includes(n)).map((n) => path.join(root, n));
  await setfacl(identity, ['-P', '-m', entry(identity, 'rwX')], [root]);
  if (open.length > 0) await setfacl(identity, ['-R', '-P', '-m', entry(identity, 'rwX')], open);
  if (closed.length > 0) await setfacl(identity, ['-R', '-P', '-m', entry(identity, 'rX')], closed);
}

/**
 * Search-only access on every directory above `target` that `identity` cannot traverse.
 * Never on a home directory (root's, or one under /home): search access there would let the
 * sandbox user open any file below it whose own mode allows and whose name it guesses.
 */
export async function grantSearchPath(identity: SandboxIdentity, target: string): Promise<string[]> {
  const blocked = await unsearchable(identity, ancestorsOf(target));
  const home = blocked.find(isHomeDirectory);
  if (home !== undefined) throw homeNotSearchable(home, target, identity.name);
  if (blocked.length > 0) await setfacl(identity, ['-m', `u:${identity.uid}:x`], blocked);
  return blocked;
}

function isHomeDirectory(dir: string): boolean {
  return dir === '/root' || path.dirname(dir) === '/home';
}

/**
 * Restores the sandbox user's access to files the server itself rewrote
 * (apply_patch renames a new file into place and restores the old mode, which
 * resets the ACL mask).
 */
export async function regrantFiles(identity: SandboxIdentity, files: string[], level: AccessLevel): Promise<void> {
  const present: string[] = [];
  for (const f of files) {
    try {
      const st = await fs.lstat(f);
      if (st.isFile() && st.nlink === 1) present.push(f);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
    }
  }
  if (present.length > 0) await setfacl(identity, ['-P', '-m', `u:${identity.uid}:${level}`], present);
}
