/** The sandbox's decisions without running anything: policies, write checks, the bwrap command line, error texts. */
import { describe, expect, it } from 'vitest';
import { assertGrantable } from '../../src/sandbox/access.js';
import { bwrapArgs, sandboxEnvironment } from '../../src/sandbox/bwrap.js';
import { bwrapMissing, classifyProbeFailure, sandboxUserMissing, SANDBOX_ERROR_CODE } from '../../src/sandbox/errors.js';
import { protocolSandboxPolicy, resolveToolPolicy, sandboxModeOf, writeViolation } from '../../src/sandbox/policy.js';
import { ToolSandbox } from '../../src/sandbox/tool-sandbox.js';

const WS = '/work/repo';

function workspaceWrite(extra: Partial<{ writableRoots: string[]; networkAccess: boolean; excludeSlashTmp: boolean }> = {}) {
  return resolveToolPolicy(
    { type: 'workspaceWrite', writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false, ...extra },
    WS,
  );
}

describe('policies', () => {
  it('a thread mode stands for the full policy, with [sandbox_workspace_write] applied', () => {
    expect(protocolSandboxPolicy('read-only')).toEqual({ type: 'readOnly', networkAccess: false });
    expect(protocolSandboxPolicy('danger-full-access')).toEqual({ type: 'dangerFullAccess' });
    expect(
      protocolSandboxPolicy('workspace-write', { writableRoots: ['/data'], networkAccess: true, excludeTmpdirEnvVar: false, excludeSlashTmp: true }),
    ).toEqual({ type: 'workspaceWrite', writableRoots: ['/data'], networkAccess: true, excludeTmpdirEnvVar: false, excludeSlashTmp: true });
    expect(sandboxModeOf({ type: 'externalSandbox', networkAccess: 'enabled' })).toBe('danger-full-access');
  });

  it('workspace-write resolves its roots against the cwd, the cwd first', () => {
    expect(workspaceWrite({ writableRoots: ['/data', 'build', WS] })).toMatchObject({
      kind: 'workspace-write',
      writableRoots: [WS, '/data', `${WS}/build`],
      networkAccess: false,
      writableTmp: true,
    });
  });

  it('writes: read-only refuses all, workspace-write only inside the roots and never inside .git', () => {
    const ro = resolveToolPolicy({ type: 'readOnly', networkAccess: false }, WS);
    expect(writeViolation(ro, [], `${WS}/a.txt`)).toMatch(/read-only/);
    const ww = workspaceWrite();
    expect(writeViolation(ww, [WS], `${WS}/src/a.txt`)).toBeNull();
    expect(writeViolation(ww, [WS], '/etc/passwd')).toMatch(/outside the writable roots/);
    expect(writeViolation(ww, [WS], '/work/repository/x')).toMatch(/outside/);
    expect(writeViolation(ww, [WS], `${WS}/.git/config`)).toMatch(/\.git directory/);
    expect(writeViolation(ww, [WS], `${WS}/vendor/lib/.git/hooks/pre-commit`)).toMatch(/\.git directory/);
    expect(writeViolation(ww, [WS], `${WS}/.github/workflows/ci.yml`)).toBeNull();
    expect(writeViolation({ kind: 'danger-full-access' }, [], '/etc/passwd')).toBeNull();
  });
});

describe('the bwrap command line', () => {
  const base = { scratch: '/tmp/tern-sandbox-x', realRoots: [WS, '/data'], protectedPaths: [`${WS}/.git`], workspace: WS, cwd: `${WS}/src`, hasRun: true };

  it('read-only /, fresh /proc and /dev, roots bound read-write, .git read-only again on top, no network', () => {
    const args = bwrapArgs({ ...base, policy: workspaceWrite({ writableRoots: ['/data'] }) as never });
    const s = args.join(' ');
    expect(args.slice(0, 6)).toEqual(['--unshare-all', '--die-with-parent', '--new-session', '--info-fd', '3', '--ro-bind']);
    expect(s).not.toContain('--share-net');
    expect(s).toContain('--ro-bind / / --dev /dev --proc /proc');
    expect(s).toContain('--tmpfs /run');
    expect(s).toContain('--bind /tmp/tern-sandbox-x /tmp');
    expect(s).toContain(`--bind /data /data`);
    expect(s.indexOf(`--bind ${WS} ${WS}`)).toBeLessThan(s.indexOf(`--ro-bind ${WS}/.git ${WS}/.git`));
    expect(args.slice(-2)).toEqual(['--chdir', `${WS}/src`]);
  });

  it('network access shares the network namespace; exclude_slash_tmp leaves /tmp read-only', () => {
    const s = bwrapArgs({ ...base, policy: workspaceWrite({ networkAccess: true, excludeSlashTmp: true }) as never, scratch: null }).join(' ');
    expect(s).toContain('--share-net');
    expect(s).toContain('--tmpfs /tmp');
    expect(s).toContain('--remount-ro /tmp');
  });

  it('read-only binds the workspace read-only and nothing read-write', () => {
    const policy = resolveToolPolicy({ type: 'readOnly', networkAccess: false }, WS);
    const s = bwrapArgs({ ...base, policy: policy as never, scratch: null }).join(' ');
    expect(s).toContain(`--ro-bind ${WS} ${WS}`);
    expect(s).not.toMatch(/--bind (?!-)/);
  });

  it('the environment: the allow-list, /tmp as TMPDIR, and for the sandbox user its own HOME and git safe.directory', () => {
    expect(sandboxEnvironment({ PATH: '/usr/bin', HOME: '/root' }, null)).toEqual({ PATH: '/usr/bin', HOME: '/root', TMPDIR: '/tmp' });
    const env = sandboxEnvironment({ PATH: '/usr/bin', HOME: '/root' }, 'tern-sandbox');
    expect(env).toMatchObject({ HOME: '/tmp', USER: 'tern-sandbox', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' });
  });
});

describe('fail closed: what is missing and how to fix it', () => {
  it('names the package, the sysctls and the useradd line', () => {
    expect(bwrapMissing('/usr/bin').message).toMatch(/bubblewrap .*not installed.*apt-get install bubblewrap/);
    const userns = classifyProbeFailure('bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces.\n');
    expect(userns.message).toMatch(/kernel\.unprivileged_userns_clone/);
    expect(userns.message).toMatch(/kernel\.apparmor_restrict_unprivileged_userns/);
    expect(userns.message).toMatch(/user\.max_user_namespaces/);
    expect(classifyProbeFailure('bwrap: loopback: Failed RTM_NEWADDR: Operation not permitted').message).toMatch(/apparmor_restrict/);
    expect(classifyProbeFailure('bwrap: something odd').message).toMatch(/cannot start a sandbox here: bwrap: something odd/);
    expect(sandboxUserMissing('tern-sandbox').message).toMatch(/useradd --system --no-create-home --shell \/usr\/sbin\/nologin tern-sandbox/);
    expect(bwrapMissing('').code).toBe(SANDBOX_ERROR_CODE);
  });

  it('a sandboxed policy without a sandbox host refuses to start anything', async () => {
    const sb = ToolSandbox.withoutHost('workspace-write', WS);
    await expect(sb.spawnPlan(['true'], WS, {})).rejects.toMatchObject({ code: SANDBOX_ERROR_CODE });
    const plain = await ToolSandbox.withoutHost('danger-full-access', WS).spawnPlan(['true'], WS, { PATH: '/bin', SECRET_TOKEN: 'x' });
    expect(plain).toMatchObject({ file: 'true', sandboxed: false });
    expect(plain.env.SECRET_TOKEN).toBeUndefined();
  });

  it('never hands a system directory to the sandbox user', () => {
    for (const dir of ['/', '/root', '/home', '/etc', '/etc/ssh', '/usr/local/lib', '/tmp']) expect(() => assertGrantable(dir)).toThrow(/refusing/);
    expect(() => assertGrantable('/tmp/tern-e2e-1/repo')).not.toThrow();
    expect(() => assertGrantable('/home/runner/work/repo/repo')).not.toThrow();
  });
});

describe('what the model is told after a failure', () => {
  it('a denial-looking failure in the sandbox gets a note, with the escalation path only when it exists', () => {
    const withAsk = new ToolSandbox({ policy: workspaceWrite(), host: null, canEscalate: true });
    expect(withAsk.denialNote(1, 'bash: /etc/x: Read-only file system')).toMatch(/workspace-write sandbox.*require_escalated/);
    expect(withAsk.denialNote(0, 'Read-only file system')).toBeNull();
    expect(withAsk.denialNote(2, 'syntax error')).toBeNull();
    const noAsk = new ToolSandbox({ policy: workspaceWrite(), host: null, canEscalate: false });
    expect(noAsk.denialNote(1, 'connect ECONNREFUSED 127.0.0.1:80')).toMatch(/no network access.*not possible under this approval policy/);
    expect(ToolSandbox.unrestricted().denialNote(1, 'Permission denied')).toBeNull();
  });
});
