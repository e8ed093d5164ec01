/**
 * The OS sandbox with real bubblewrap, through the launcher: every probe fails in the sandbox and
 * succeeds without it (so the probe itself is shown to work). When the tests run as root (CI), the
 * sandboxed commands run as the sandbox user in a root-owned, mkdtemp'd (0700) checkout.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SandboxHost } from '../../src/sandbox/host.js';
import { launch, type LaunchResult } from '../../src/sandbox/launcher.js';
import { resolveToolPolicy } from '../../src/sandbox/policy.js';
import { ToolSandbox } from '../../src/sandbox/tool-sandbox.js';
import { commitPatch, parsePatch, planPatch } from '../../src/tools/apply-patch/index.js';
import { createTempRepo } from '../support/git-repo.js';
import { describeSandbox, isRoot } from './prereqs.js';
import { alive, probes, waitAlive, writeProbeScripts } from './probes.js';

const never = new AbortController().signal;
const SECRET = `sk-canary-${process.pid}-${Date.now()}`;

let base: string;
let repo: string;
let outside: string;
let scripts: { mem: string; tcp: string };
let host: SandboxHost;
let listener: Server;
let port: number;
let holder: ChildProcess;

beforeAll(async () => {
  base = mkdtempSync(path.join(os.tmpdir(), 'tern-sbx-'));
  repo = createTempRepo({ 'hello.txt': 'hello\n' }, base);
  scripts = writeProbeScripts(repo);
  // World-writable and outside every root: only the sandbox's read-only mount stops a write here.
  outside = mkdtempSync(path.join('/var/tmp', 'tern-sbx-outside-'));
  chmodSync(outside, 0o777);
  host = new SandboxHost({ env: process.env });
  listener = createServer((s) => s.end());
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  port = (listener.address() as { port: number }).port;
  // A stand-in for the app server: a process holding a secret in its environment and memory.
  holder = spawn(process.execPath, ['-e', 'const k = process.env.HELD_SECRET; setInterval(() => k.length, 1000)'], {
    env: { PATH: process.env.PATH, HELD_SECRET: SECRET },
    stdio: 'ignore',
  });
});

afterAll(async () => {
  holder?.kill('SIGKILL');
  listener?.close();
  await host?.dispose();
  rmSync(base, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function workspaceWrite(extra: { networkAccess?: boolean } = {}): ToolSandbox {
  const policy = resolveToolPolicy(
    { type: 'workspaceWrite', writableRoots: [], networkAccess: extra.networkAccess ?? false, excludeTmpdirEnvVar: false, excludeSlashTmp: false },
    repo,
  );
  return new ToolSandbox({ policy, host, canEscalate: false });
}

function readOnly(): ToolSandbox {
  return new ToolSandbox({ policy: resolveToolPolicy({ type: 'readOnly', networkAccess: false }, repo), host });
}

function run(cmd: string, sandbox: ToolSandbox | undefined, opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<LaunchResult> {
  return launch({ argv: ['bash', '-c', cmd], cwd: repo, timeoutMs: opts.timeoutMs ?? 30_000, signal: never, env: opts.env ?? process.env, sandbox });
}

describeSandbox('the OS sandbox (bubblewrap)', () => {
  it('runs commands unprivileged, without capabilities, in their own PID namespace', async () => {
    const r = await run('id -u; grep -E "^(CapEff|NoNewPrivs)" /proc/self/status; ls /proc | grep -c "^[0-9]"', workspaceWrite());
    expect(r.sandboxed).toBe(true);
    const [uid, capEff, noNewPrivs, pids] = r.output.trim().split('\n');
    if (isRoot) expect(Number(uid)).not.toBe(0);
    expect(capEff).toMatch(/CapEff:\s+0+$/);
    expect(noNewPrivs).toMatch(/NoNewPrivs:\s+1/);
    expect(Number(pids)).toBeLessThan(10);
  });

  it('writes inside the workspace, and git works there', async () => {
    const r = await run('echo made > made.txt && echo more >> hello.txt && git status --short && echo OK', workspaceWrite());
    expect(r.output).not.toMatch(/dubious ownership/);
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain('?? made.txt');
    expect(readFileSync(path.join(repo, 'hello.txt'), 'utf8')).toBe('hello\nmore\n');
  });

  it('cannot write outside the writable roots (unsandboxed it can)', async () => {
    const target = path.join(outside, 'x');
    const denied = await run(probes.write(target), workspaceWrite());
    expect(denied.output).toMatch(/Read-only file system/);
    expect(denied.output).not.toContain('WROTE');
    expect(existsSync(target)).toBe(false);
    expect(denied.sandboxNote).toMatch(/workspace-write sandbox/);

    const control = await run(probes.write(target), undefined);
    expect(control.output).toContain('WROTE');
    expect(existsSync(target)).toBe(true);
  });

  it('cannot write .git/hooks/pre-commit (unsandboxed it can)', async () => {
    const hook = path.join(repo, '.git', 'hooks', 'pre-commit');
    const denied = await run(probes.write('.git/hooks/pre-commit'), workspaceWrite());
    expect(denied.output).toMatch(/Read-only file system/);
    expect(existsSync(hook)).toBe(false);
    const control = await run(probes.write('.git/hooks/pre-commit'), undefined);
    expect(control.output).toContain('WROTE');
    expect(existsSync(hook)).toBe(true);
    rmSync(hook);
  });

  it('cannot connect to a listener on 127.0.0.1 (unsandboxed, or with network access, it can)', async () => {
    const denied = await run(probes.tcp(scripts.tcp, port), workspaceWrite());
    expect(denied.output).toMatch(/TCP-ERROR (ECONNREFUSED|ENETUNREACH)/);
    expect((await run(probes.tcp(scripts.tcp, port), undefined)).output).toContain('CONNECTED');
    expect((await run(probes.tcp(scripts.tcp, port), workspaceWrite({ networkAccess: true }))).output).toContain('CONNECTED');
  });

  it("cannot read another process's secrets through /proc/<pid>/environ or /proc/<pid>/mem (unsandboxed it can)", async () => {
    const pid = holder.pid!;
    const environ = `grep -a -c -F "$(echo ${[...SECRET].reverse().join('')} | rev)" /proc/${pid}/environ`;
    const denied = await run(`${environ}; ${probes.environ(SECRET)}; ${probes.mem(scripts.mem, pid, SECRET)}`, workspaceWrite());
    expect(denied.output).toMatch(/No such file or directory/);
    expect(denied.output).not.toContain('FOUND');
    expect(denied.output).toMatch(/MEM-ERROR ENOENT/);

    const control = await run(`${environ}; ${probes.environ(SECRET)}; ${probes.mem(scripts.mem, pid, SECRET)}`, undefined);
    expect(control.output).toContain(`FOUND /proc/${pid}/environ`);
    expect(control.output).toMatch(/FOUND in /);
  });

  it('keeps secrets of the caller out of the environment', async () => {
    const r = await run(probes.env(SECRET), workspaceWrite(), { env: { ...process.env, OPENAI_API_KEY: SECRET, GITHUB_TOKEN: SECRET } });
    expect(r.output).toContain('ENV-MATCHES 0');
  });

  it('a background process does not outlive its command (unsandboxed it does)', async () => {
    const marker = `tern-sbx-bg-${process.pid}-${Date.now()}`;
    const r = await run(probes.background(marker), workspaceWrite());
    expect(r.output).toContain('STARTED');
    expect(alive(marker)).toBe(false);

    await run(probes.background(marker), undefined);
    expect(alive(marker)).toBe(true);
    execFileSync('pkill', ['-f', marker]);
  });

  it('a timeout kills the whole sandboxed tree', async () => {
    const marker = `tern-sbx-timeout-${process.pid}-${Date.now()}`;
    const r = await run(`bash -c 'exec -a ${marker} sleep 300' & wait`, workspaceWrite(), { timeoutMs: 1_000 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBe(124);
    await new Promise((res) => setTimeout(res, 300));
    expect(alive(marker)).toBe(false);
  });

  it('an interrupt sends SIGTERM to the sandboxed command first (it can clean up), and nothing is left', async () => {
    const marker = `tern-sbx-term-${process.pid}-${Date.now()}`;
    const ac = new AbortController();
    const pending = launch({
      argv: ['bash', '-c', `trap 'echo cleaned > term.txt; exit 0' TERM; bash -c 'exec -a ${marker} sleep 300' & wait`],
      cwd: repo,
      timeoutMs: 60_000,
      signal: ac.signal,
      sandbox: workspaceWrite(),
    });
    // `^marker`: the sleep itself (exec -a), not bwrap or bash, whose arguments also contain the marker.
    await waitAlive(`^${marker}`);
    ac.abort();
    const r = await pending;
    expect(r.aborted).toBe(true);
    expect(readFileSync(path.join(repo, 'term.txt'), 'utf8')).toBe('cleaned\n');
    expect(alive(marker)).toBe(false);
  });

  it('a turn aborted while the sandbox is being prepared starts nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await launch({ argv: ['bash', '-c', 'echo ran > aborted.txt'], cwd: repo, timeoutMs: 10_000, signal: ac.signal, sandbox: workspaceWrite() });
    expect(r).toMatchObject({ aborted: true, pid: null });
    expect(existsSync(path.join(repo, 'aborted.txt'))).toBe(false);
  });

  it('/tmp is private to the server\'s tools and lasts across commands', async () => {
    const name = `tern-sbx-tmp-${Date.now()}`;
    expect((await run(`echo kept > /tmp/${name} && echo OK`, workspaceWrite())).output).toContain('OK');
    expect(existsSync(path.join('/tmp', name))).toBe(false);
    expect((await run(`cat /tmp/${name}`, workspaceWrite())).output).toContain('kept');
  });

  it('read-only: reads the workspace, writes nothing there', async () => {
    const r = await run('cat hello.txt && echo x > ro.txt', readOnly());
    expect(r.output).toContain('hello');
    expect(r.output).toMatch(/Read-only file system/);
    expect(existsSync(path.join(repo, 'ro.txt'))).toBe(false);
  });

  it('files the server rewrites for apply_patch stay writable for the sandbox user', async () => {
    writeFileSync(path.join(repo, 'patched.txt'), 'one\n');
    const sandbox = workspaceWrite();
    await run('true', sandbox);
    // A mode without group write: restoring it after the rename would mask the sandbox user's ACL entry.
    chmodSync(path.join(repo, 'patched.txt'), 0o644);
    const text = '*** Begin Patch\n*** Update File: patched.txt\n@@\n-one\n+two\n*** End Patch\n';
    const plan = await planPatch(parsePatch(text), repo, sandbox);
    expect(plan.violation).toBeNull();
    await commitPatch(plan);
    const r = await run('echo three >> patched.txt && cat patched.txt', sandbox);
    expect(r.output).toBe('two\nthree\n');
  });
});

describeSandbox('fail closed', () => {
  it('without bwrap on PATH the command does not run and the error says how to install it', async () => {
    const noBwrap = new SandboxHost({ env: { PATH: '/nonexistent' } });
    const sandbox = new ToolSandbox({ policy: resolveToolPolicy({ type: 'readOnly', networkAccess: false }, repo), host: noBwrap });
    const sentinel = path.join(outside, 'ran-without-sandbox');
    const r = await run(`touch ${sentinel}`, sandbox);
    expect(r.sandboxError?.message).toMatch(/bubblewrap .*not installed.*apt-get install bubblewrap/);
    expect(r.output).toMatch(/sandbox unavailable/);
    expect(existsSync(sentinel)).toBe(false);
  });

  it('when namespaces are refused the error names the sysctls', async () => {
    const stubDir = mkdtempSync(path.join('/var/tmp', 'tern-stub-bwrap-'));
    chmodSync(stubDir, 0o755);
    const stub = path.join(stubDir, 'bwrap');
    writeFileSync(stub, '#!/bin/sh\necho "bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces." >&2\nexit 1\n', { mode: 0o755 });
    try {
      const refused = new SandboxHost({ env: { PATH: `${stubDir}:/usr/bin:/bin` } });
      const sentinel = path.join(outside, 'ran-after-refusal');
      const r = await run(`touch ${sentinel}`, new ToolSandbox({ policy: resolveToolPolicy({ type: 'readOnly', networkAccess: false }, repo), host: refused }));
      expect(r.sandboxError?.message).toMatch(/kernel\.unprivileged_userns_clone.*kernel\.apparmor_restrict_unprivileged_userns.*user\.max_user_namespaces/s);
      expect(existsSync(sentinel)).toBe(false);
    } finally {
      rmSync(stubDir, { recursive: true, force: true });
    }
  });

  it.runIf(isRoot)('as root without the sandbox user, the error gives the useradd line', async () => {
    const sandbox = new ToolSandbox({ policy: resolveToolPolicy({ type: 'readOnly', networkAccess: false }, repo), host, sandboxUser: 'tern-no-such-user' });
    const r = await run('true', sandbox);
    expect(r.sandboxError?.message).toMatch(/useradd --system .* tern-no-such-user/);
  });

  it.runIf(isRoot)("as root, a workspace in root's home is refused rather than opening /root to the sandbox user", async () => {
    const home = os.homedir();
    if (home !== '/root') return;
    const ws = mkdtempSync(path.join(home, '.tern-sbx-test-'));
    try {
      const policy = resolveToolPolicy({ type: 'readOnly', networkAccess: false }, ws);
      const r = await launch({ argv: ['true'], cwd: ws, timeoutMs: 10_000, signal: never, sandbox: new ToolSandbox({ policy, host }) });
      expect(r.sandboxError?.message).toMatch(/home directory \/root is closed to it.*setfacl -m u:tern-sandbox:x \/root/);
      expect(execFileSync('getfacl', ['-p', '/root'], { encoding: 'utf8' })).not.toContain('tern-sandbox');
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });

  it.runIf(isRoot)('as root, sibling workspaces under one closed parent each get their grant, names with shell metacharacters included', async () => {
    // One server, two checkouts in the same 0700 parent, granted concurrently: the parent's search
    // grant is made once and remembered, each checkout's grant runs as one script of setfacl
    // lines. Names that a shell would expand or split must reach setfacl verbatim.
    const parent = mkdtempSync(path.join(base, 'siblings-'));
    const odd = "it's $(touch pwned) `x` a;b";
    const [a, b] = [createTempRepo({ [`${odd}/f.txt`]: 'f\n' }, parent), createTempRepo({ 'g.txt': 'g\n' }, parent)];
    // Both at once: the second waits for the first's verdict on the shared parent.
    await Promise.all([a, b].map(async (ws) => {
      const policy = resolveToolPolicy(
        { type: 'workspaceWrite', writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false },
        ws,
      );
      const sandbox = new ToolSandbox({ policy, host });
      const r = await launch({
        argv: ['bash', '-c', 'for d in */; do echo more >> "$d/f.txt"; done; echo w > new.txt; echo hook > .git/hooks/pre-commit; echo done'],
        cwd: ws,
        timeoutMs: 30_000,
        signal: never,
        sandbox,
      });
      expect(r.sandboxError).toBeNull();
      expect(r.output).toContain('done');
      expect(readFileSync(path.join(ws, 'new.txt'), 'utf8')).toBe('w\n');
      expect(existsSync(path.join(ws, '.git', 'hooks', 'pre-commit'))).toBe(false);
    }));
    expect(readFileSync(path.join(a, odd, 'f.txt'), 'utf8')).toBe('f\nmore\n');
    expect(existsSync(path.join(parent, 'pwned'))).toBe(false);
    expect(existsSync('pwned')).toBe(false);
    expect(execFileSync('getfacl', ['-p', path.join(a, odd)], { encoding: 'utf8' })).toMatch(/^user:tern-sandbox:rwx$/m);
    expect(execFileSync('getfacl', ['-p', path.join(a, '.git')], { encoding: 'utf8' })).toMatch(/^user:tern-sandbox:r-x$/m);
    expect(execFileSync('getfacl', ['-p', parent], { encoding: 'utf8' })).toMatch(/^user:tern-sandbox:--x$/m);
  });

  it.runIf(isRoot)('as root, a writable root that is a system directory is refused, not granted', async () => {
    const policy = resolveToolPolicy({ type: 'workspaceWrite', writableRoots: ['/etc'], networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false }, repo);
    const r = await run('true', new ToolSandbox({ policy, host }));
    expect(r.sandboxError?.message).toMatch(/refusing to give the sandbox user write access to \/etc/);
    expect(execFileSync('getfacl', ['-p', '/etc'], { encoding: 'utf8' })).not.toContain('tern-sandbox');
  });
});
