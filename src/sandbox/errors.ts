// Why the requested sandbox cannot be set up, and how to fix it. A command
// that needs the sandbox never runs without it: it fails with one of these,
// and the turn fails with codexErrorInfo `sandboxError`.

import { readFileSync } from 'node:fs';
import { TernError } from '../util/errors.js';

export const SANDBOX_ERROR_CODE = 'sandbox_error';

const ALTERNATIVES =
  'If the environment is already isolated (a throwaway container or VM), choose sandbox danger-full-access instead.';

export class SandboxUnavailableError extends TernError {
  static override defaultCategory = 'sandbox' as const;
  override name = 'SandboxUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(SANDBOX_ERROR_CODE, `sandbox unavailable: ${message}`, options);
  }
}

export function bwrapMissing(searched: string): SandboxUnavailableError {
  return new SandboxUnavailableError(
    `bubblewrap (\`bwrap\`) is not installed (searched PATH: ${searched}). ` +
      `Install it: \`apt-get install bubblewrap\` (Debian/Ubuntu), \`dnf install bubblewrap\` (Fedora). ${ALTERNATIVES}`,
  );
}

export function sandboxUserMissing(user: string): SandboxUnavailableError {
  return new SandboxUnavailableError(
    `tern runs as root, so tool commands must drop to the unprivileged user \`${user}\`, which does not exist. ` +
      `Create it: \`useradd --system --no-create-home --shell /usr/sbin/nologin ${user}\` ` +
      `(or set sandbox_user to another unprivileged account). ${ALTERNATIVES}`,
  );
}

export function sandboxUserPrivileged(user: string): SandboxUnavailableError {
  return new SandboxUnavailableError(`the sandbox user \`${user}\` has uid 0; it must be an unprivileged account`);
}

export function setfaclMissing(): SandboxUnavailableError {
  return new SandboxUnavailableError(
    'tern runs as root and gives the sandbox user access to the workspace with POSIX ACLs, but `setfacl` is not installed. ' +
      `Install it: \`apt-get install acl\`. ${ALTERNATIVES}`,
  );
}

export function aclFailed(target: string, detail: string): SandboxUnavailableError {
  return new SandboxUnavailableError(
    `cannot give the sandbox user access to ${target} with setfacl (${detail}). ` +
      'The filesystem must support POSIX ACLs (ext4, xfs, btrfs and tmpfs do; check the `acl` mount option).',
  );
}

export function rootTooBroad(root: string): SandboxUnavailableError {
  return new SandboxUnavailableError(
    `refusing to give the sandbox user write access to ${root}: it is a system directory or too close to \`/\`. ` +
      'Use a project directory as the working directory and writable roots.',
  );
}

export function homeNotSearchable(home: string, target: string, user: string): SandboxUnavailableError {
  return new SandboxUnavailableError(
    `the sandbox user \`${user}\` cannot reach ${target}: the home directory ${home} is closed to it, and tern does not open ` +
      `home directories on its own. Move the workspace elsewhere (e.g. under /srv or /tmp), or allow traversal yourself: ` +
      `\`setfacl -m u:${user}:x ${home}\`.`,
  );
}

const USERNS_SYSCTLS: { name: string; file: string; wanted: string }[] = [
  { name: 'kernel.unprivileged_userns_clone', file: '/proc/sys/kernel/unprivileged_userns_clone', wanted: '1' },
  { name: 'kernel.apparmor_restrict_unprivileged_userns', file: '/proc/sys/kernel/apparmor_restrict_unprivileged_userns', wanted: '0' },
  { name: 'user.max_user_namespaces', file: '/proc/sys/user/max_user_namespaces', wanted: 'above 0' },
];

function sysctlValues(): string {
  return USERNS_SYSCTLS.map((s) => {
    let value: string;
    try {
      value = readFileSync(s.file, 'utf8').trim();
    } catch {
      value = 'absent';
    }
    return `${s.name}=${value}`;
  }).join(', ');
}

/** bwrap started but could not create its namespaces. */
export function namespacesUnavailable(bwrapStderr: string): SandboxUnavailableError {
  const fixes = USERNS_SYSCTLS.map((s) => `${s.name} ${s.wanted === 'above 0' ? 'above 0' : `= ${s.wanted}`}`).join(', ');
  return new SandboxUnavailableError(
    `bubblewrap cannot create the sandbox's namespaces (${bwrapStderr || 'no message'}). ` +
      `Unprivileged user namespaces look disabled (now: ${sysctlValues()}); they need ${fixes}: ` +
      'e.g. `sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` on Ubuntu 24.04 runners, ' +
      '`sysctl -w kernel.unprivileged_userns_clone=1` on older Debian/Ubuntu kernels. ' +
      `In a container, its seccomp/AppArmor profile must allow creating user namespaces. ${ALTERNATIVES}`,
  );
}

export function bwrapFailed(bwrapStderr: string): SandboxUnavailableError {
  return new SandboxUnavailableError(`bubblewrap cannot start a sandbox here: ${bwrapStderr || 'no message'}. ${ALTERNATIVES}`);
}

const NAMESPACE_FAILURE =
  /creat\w* new namespace|setting up uid map|uid_map|RTM_NEWADDR|Operation not permitted|Permission denied|user namespace|unshare/i;

/** Maps the stderr of a failed bwrap probe to the error that says how to fix it. */
export function classifyProbeFailure(stderr: string): SandboxUnavailableError {
  const line = stderr.trim().split('\n').filter(Boolean).pop() ?? '';
  return NAMESPACE_FAILURE.test(line) ? namespacesUnavailable(line) : bwrapFailed(line);
}
