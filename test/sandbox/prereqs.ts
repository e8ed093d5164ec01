/**
 * Whether this machine can run the OS sandbox (bwrap, user namespaces, and as root the sandbox user
 * and setfacl), and the gate the sandbox suites use: without it they FAIL under CI=true and skip
 * with the reason locally. They never pass silently.
 */
import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';

export const SANDBOX_USER = 'tern-sandbox';
const BWRAP_PROBE = ['--unshare-all', '--die-with-parent', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '--', 'true'];

export const isRoot = process.getuid?.() === 0;

function onPath(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function sandboxIds(): { uid: number; gid: number } | null {
  const r = spawnSync('getent', ['passwd', SANDBOX_USER], { encoding: 'utf8' });
  const f = r.status === 0 ? r.stdout.trim().split(':') : [];
  return f.length >= 4 ? { uid: Number(f[2]), gid: Number(f[3]) } : null;
}

function missing(): string | null {
  if (process.platform !== 'linux') return 'the OS sandbox needs Linux';
  if (!onPath('bwrap')) return 'bubblewrap is not installed (apt-get install bubblewrap; .ci/run does it)';
  const ids = isRoot ? sandboxIds() : null;
  if (isRoot && ids === null) return `running as root and the sandbox user ${SANDBOX_USER} does not exist (.ci/run creates it)`;
  if (isRoot && !onPath('setfacl')) return 'running as root and setfacl is not installed (apt-get install acl)';
  const probe = spawnSync('bwrap', BWRAP_PROBE, { encoding: 'utf8', cwd: '/', ...(ids ?? {}) });
  if (probe.status !== 0) return `bwrap cannot create namespaces here: ${(probe.stderr || String(probe.error)).trim()}`;
  return null;
}

export const sandboxMissing = missing();

/** `describe` for suites that need the OS sandbox. */
export function describeSandbox(name: string, body: () => void): void {
  if (sandboxMissing === null) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('has what the sandbox needs (required in CI)', () => {
        throw new Error(`the sandbox suite cannot run: ${sandboxMissing}`);
      });
    });
  } else {
    console.warn(`skipping "${name}": ${sandboxMissing}`);
    describe.skip(`${name} (skipped: ${sandboxMissing})`, body);
  }
}
