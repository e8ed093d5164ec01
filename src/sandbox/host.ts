// Server-wide sandbox state: where bwrap is, who tools run as, whether
// namespaces work here (probed once), the private /tmp of the server's tools,
// and which ACL grants were made. One per app server; `dispose()` at shutdown.

import { constants as fsConstants, existsSync, promises as fs, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { grantTree, regrantFiles, type AccessLevel, type SearchCache } from './access.js';
import { bwrapArgs, INFO_FD, sandboxEnvironment, type BwrapLayout, type OsSandboxPolicy } from './bwrap.js';
import { bwrapMissing, classifyProbeFailure, SandboxUnavailableError, setfaclMissing } from './errors.js';
import { PROBE_ENV, resolveIdentity, runningAsRoot, unsearchable, type SandboxIdentity } from './identity.js';
import { warmAclShell } from './acl-shell.js';
import { prepareToolProcesses, runProcess } from './spawner/run-process.js';
import { ancestorsOf, errnoCode, isInside, realpathNow, resolveReal } from './paths.js';
import { PROTECTED_DIR_NAMES } from './policy.js';
import { toolEnvironment } from './tool-env.js';

/** How a launcher starts one command. */
export interface SpawnPlan {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  uid?: number;
  gid?: number;
  /** Whether the command runs inside the OS sandbox. */
  sandboxed: boolean;
  /** The descriptor bwrap reports the sandbox's init pid on (sandboxed only). */
  infoFd?: number;
}

export interface SandboxHostOptions {
  /** The server's environment: PATH (to find bwrap and setfacl) and the tool allow-list's source. */
  env: NodeJS.ProcessEnv;
  log?: { info(msg: string): void; warn(msg: string): void };
}

const PROBE_TIMEOUT_MS = 15_000;
const SCRATCH_MODE = 0o700;
const SCRATCH_PREFIX = 'tern-sandbox-';
/** Where the scratch dir may live: the first the sandbox user can reach. */
const SCRATCH_PARENTS = () => [os.tmpdir(), '/tmp', '/var/tmp'];

export class SandboxHost {
  private bwrap: Promise<string> | null = null;
  private readonly identities = new Map<string, Promise<SandboxIdentity | null>>();
  private readonly probes = new Map<string, Promise<void>>();
  private readonly grants = new Map<string, Promise<void>>();
  /** Per uid: directories it can traverse (found so, or given search access): not checked again. */
  private readonly searchable = new Map<number, SearchCache>();
  /** The tools' private /tmp, per uid they run as. */
  private readonly scratches = new Map<string, Promise<string>>();

  constructor(private readonly o: SandboxHostOptions) {}

  /** The plan for `argv` under `policy`: bwrap around it, as the sandbox user when the server is root. */
  async wrap(policy: OsSandboxPolicy, userName: string, argv: readonly string[], cwd: string, sourceEnv: NodeJS.ProcessEnv): Promise<SpawnPlan> {
    const realRoots = policy.kind === 'workspace-write' ? existingReal(policy.writableRoots) : [];
    const bwrap = await this.findBwrap(realRoots);
    const identity = await this.identity(userName);
    await this.probe(bwrap, identity);
    const workspace = await resolveReal(policy.workspace);
    if (identity !== null) await this.grantAccess(identity, policy, realRoots, workspace);
    const layout = await this.layout(policy, identity, realRoots, workspace, cwd);
    return {
      file: bwrap,
      args: [...bwrapArgs(layout), '--', ...argv],
      cwd: '/',
      // Built from the allow-list only: bwrap itself (PID 1 of the sandbox) holds no secret either.
      env: sandboxEnvironment(toolEnvironment(sourceEnv), identity?.name ?? null),
      ...(identity ? { uid: identity.uid, gid: identity.gid } : {}),
      sandboxed: true,
      infoFd: INFO_FD,
    };
  }

  private async layout(policy: OsSandboxPolicy, identity: SandboxIdentity | null, realRoots: string[], workspace: string, cwd: string): Promise<BwrapLayout> {
    const persistentTmp = policy.kind === 'workspace-write' && policy.writableTmp;
    return {
      policy,
      scratch: persistentTmp ? await this.scratchDir(identity) : null,
      realRoots,
      protectedPaths: protectedPaths(realRoots),
      workspace,
      cwd: await resolveReal(cwd),
      hasRun: existsSync('/run'),
    };
  }

  /**
   * A thread was loaded and its turns will run tools: the processes they need (the spawn helper,
   * and as root the setfacl shell) start now, so the forks do not stall a turn while other turns
   * stream. `sandboxed`: whether the thread's commands run in the OS sandbox (grants needed).
   */
  prepare(sandboxed: boolean): void {
    prepareToolProcesses();
    if (sandboxed && runningAsRoot()) warmAclShell();
  }

  /** After the server itself wrote `files` (apply_patch): the sandbox user keeps its access to them. */
  async afterHostWrite(userName: string, files: string[], level: AccessLevel): Promise<void> {
    if (!runningAsRoot() || files.length === 0) return;
    const identity = await this.identity(userName);
    if (identity !== null) await regrantFiles(identity, files, level);
  }

  /** Removes the tools' private /tmp. */
  async dispose(): Promise<void> {
    const all = [...this.scratches.values()];
    this.scratches.clear();
    for (const scratch of all) {
      const dir = await scratch.catch(() => null);
      if (dir !== null) await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  private identity(userName: string): Promise<SandboxIdentity | null> {
    return once(this.identities, userName, () => resolveIdentity(userName));
  }

  /** The first `bwrap` on the server's PATH, skipping relative entries and anything inside a writable root. */
  private findBwrap(realRoots: string[]): Promise<string> {
    this.bwrap ??= findExecutable('bwrap', this.o.env.PATH ?? '', realRoots).then((found) => {
      if (found === null) throw bwrapMissing(this.o.env.PATH ?? '(unset)');
      return found;
    });
    this.bwrap.catch(() => (this.bwrap = null));
    return this.bwrap;
  }

  /** Runs bwrap once with every namespace the sandbox uses; a failure names the fix. Successes are cached. */
  private probe(bwrap: string, identity: SandboxIdentity | null): Promise<void> {
    return once(this.probes, `${bwrap}:${identity?.uid ?? 'self'}`, () => runProbe(bwrap, identity));
  }

  private async grantAccess(identity: SandboxIdentity, policy: OsSandboxPolicy, realRoots: string[], workspace: string): Promise<void> {
    if (policy.kind === 'workspace-write') {
      for (const root of realRoots) await this.grantOnce(identity, root, 'rwX');
      if (!realRoots.some((r) => isInside(r, workspace))) await this.grantOnce(identity, workspace, 'rX');
    } else {
      await this.grantOnce(identity, workspace, 'rX');
    }
  }

  private grantOnce(identity: SandboxIdentity, dir: string, level: AccessLevel): Promise<void> {
    const broader = this.grants.get(`${identity.uid}:rwX:${dir}`);
    return broader ?? once(this.grants, `${identity.uid}:${level}:${dir}`, () => this.grant(identity, dir, level));
  }

  private async grant(identity: SandboxIdentity, dir: string, level: AccessLevel): Promise<void> {
    if ((await findExecutable('setfacl', '/usr/bin:/bin:/usr/sbin:/sbin', [])) === null) throw setfaclMissing();
    let known = this.searchable.get(identity.uid);
    if (known === undefined) this.searchable.set(identity.uid, (known = new Map()));
    const searched = await grantTree(identity, dir, level, known);
    if (searched.length > 0) {
      this.o.log?.info(`sandbox: gave ${identity.name} search-only access (x) to ${searched.join(', ')} to reach ${dir}`);
    }
  }

  private scratchDir(identity: SandboxIdentity | null): Promise<string> {
    return once(this.scratches, String(identity?.uid ?? 'self'), () => makeScratch(identity));
  }
}

/** The cached result of `make()` for `key`; a failure is not cached, so the next call tries again. */
function once<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (p === undefined) {
    p = make();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

function existingReal(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    try {
      const real = realpathNow(p);
      if (statSync(real).isDirectory() && !out.includes(real)) out.push(real);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
    }
  }
  return out;
}

/** The protected directories (.git, .codex) of each root, resolved, when they exist inside a root. */
function protectedPaths(realRoots: string[]): string[] {
  const out: string[] = [];
  for (const root of realRoots) {
    for (const name of PROTECTED_DIR_NAMES) {
      let real: string;
      try {
        real = realpathNow(path.join(root, name));
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') continue;
        throw err;
      }
      if (realRoots.some((r) => isInside(r, real)) && !out.includes(real)) out.push(real);
    }
  }
  return out;
}

async function findExecutable(name: string, searchPath: string, excludedRoots: string[]): Promise<string | null> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!path.isAbsolute(dir) || excludedRoots.some((r) => isInside(r, dir))) continue;
    const candidate = path.join(dir, name);
    try {
      await fs.access(candidate, fsConstants.X_OK);
      if ((await fs.stat(candidate)).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

async function runProbe(bwrap: string, identity: SandboxIdentity | null): Promise<void> {
  const args = ['--unshare-all', '--die-with-parent', '--new-session', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--', 'true'];
  const identityFields = identity ? { uid: identity.uid, gid: identity.gid } : {};
  const r = await runProcess({ file: bwrap, args, cwd: '/', env: PROBE_ENV, sandboxed: false, ...identityFields }, { timeoutMs: PROBE_TIMEOUT_MS });
  if (r.exitCode === 0) return;
  throw classifyProbeFailure(r.output);
}

async function makeScratch(identity: SandboxIdentity | null): Promise<string> {
  for (const parent of SCRATCH_PARENTS()) {
    if (identity !== null && !(await reachable(parent, identity))) continue;
    const dir = await fs.mkdtemp(path.join(parent, SCRATCH_PREFIX));
    await fs.chmod(dir, SCRATCH_MODE);
    if (identity !== null) await fs.chown(dir, identity.uid, identity.gid);
    return dir;
  }
  throw new SandboxUnavailableError(`no directory the sandbox user can reach for its /tmp (tried ${SCRATCH_PARENTS().join(', ')})`);
}

async function reachable(dir: string, identity: SandboxIdentity): Promise<boolean> {
  const real = await resolveReal(dir);
  return (await unsearchable(identity, [...ancestorsOf(real), real])).length === 0;
}
