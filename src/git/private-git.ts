// Git with the repository's own config neutralised.
//
// Anyone who can write to a checkout (the agent) can make git run commands:
// hooks, filter drivers, core.fsmonitor, diff.external, textconv, credential
// helpers, core.sshCommand... all named by `.git/config`, `.git/hooks/` or
// `.git/info/attributes`. So tern never runs git in the checkout's git dir after
// a turn. It runs git in a *private git dir*: a fresh bare repository in a temp
// directory whose `objects/info/alternates` points at the checkout's object store
// (every commit and blob of the checkout is readable, nothing of the checkout's
// config is), with its own index, and an environment built from nothing
// (hardened-env.ts). Filter drivers are undefined there, so `filter=` lines in
// `.gitattributes` are inert, and no hook exists.
//
// The only git commands that touch the checkout's own git dir are read-only
// probes (`rev-parse`, `config --get-all`) that execute nothing the config names,
// run with the same hardened environment and `-c` overrides (`inspect`).

import { copyFile, lstat, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SimpleGit } from 'simple-git';
import { boundGit, hardenedGitEnv, type HardenedEnvOptions } from './hardened-env.js';
import { findWorkTree, type FoundWorkTree } from './repo-location.js';

/** Largest `info/exclude` copied into a private git dir (it is only ignore patterns). */
const MAX_EXCLUDE_BYTES = 1024 * 1024;

/** Where a checkout keeps its git data, and its object format. */
export interface CheckoutLocation extends FoundWorkTree {
  objectFormat: 'sha1' | 'sha256';
}

/** A temp directory with an empty HOME, and read-only probes of a checkout's own git dir; call `dispose()`. */
export interface CheckoutProbe {
  checkout: FoundWorkTree;
  /** Temp directory holding HOME and anything else of this session (deleted by dispose). */
  scratch: string;
  home: string;
  /** Directories the agent can write to (the checkout and its git dirs). */
  untrustedRoots: string[];
  /** Read-only probes (rev-parse, config --get-all) of the checkout's own git dir, hardened. */
  inspect: SimpleGit;
  dispose(): Promise<void>;
}

/** A private git dir for one checkout; call `dispose()` when done. */
export interface PrivateGit extends CheckoutProbe {
  checkout: CheckoutLocation;
  gitDir: string;
  indexFile: string;
  /** The hardened environment of `git`. */
  env: Record<string, string>;
  /** Git in the private dir (work tree = the checkout only when opened with `workTree: true`). */
  git: SimpleGit;
  /** Git in the private dir with extra environment (identity, GIT_CONFIG_* entries). */
  gitWith(extra: Pick<HardenedEnvOptions, 'config' | 'identity'>, opts?: { timeoutMs?: number }): SimpleGit;
}

/** Finds the checkout containing `cwd` (without running git) and prepares hardened probes of its git dir. */
export async function openCheckoutProbe(cwd: string): Promise<CheckoutProbe> {
  const checkout = await findWorkTree(cwd);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'tern-git-'));
  const home = path.join(scratch, 'home');
  await mkdir(home);
  const untrustedRoots = [...new Set([checkout.workTree, checkout.gitDir, checkout.commonDir])];
  // The probe's work tree is the empty HOME: core.worktree in the checkout's config cannot move it.
  const inspect = boundGit(home, hardenedGitEnv({ home, gitDir: checkout.gitDir, workTree: home, untrustedRoots }));
  return { checkout, scratch, home, untrustedRoots, inspect, dispose: () => rm(scratch, { recursive: true, force: true }) };
}

/** Creates a private git dir for the checkout containing `cwd`; `workTree: true` binds the checkout as its work tree. */
export async function openPrivateGit(cwd: string, opts: { workTree?: boolean } = {}): Promise<PrivateGit> {
  const probe = await openCheckoutProbe(cwd);
  try {
    const checkout = { ...probe.checkout, objectFormat: await objectFormat(probe) };
    const gitDir = path.join(probe.scratch, 'repo.git');
    const indexFile = path.join(probe.scratch, 'index');
    await initPrivateRepo(gitDir, checkout);
    if (opts.workTree) await copyExcludes(checkout.commonDir, gitDir);
    const workTree = opts.workTree ? checkout.workTree : undefined;
    const base = { home: probe.home, gitDir, workTree, indexFile, untrustedRoots: probe.untrustedRoots };
    const env = hardenedGitEnv(base);
    const baseDir = workTree ?? probe.home;
    return {
      ...probe,
      checkout,
      gitDir,
      indexFile,
      env,
      git: boundGit(baseDir, env),
      gitWith: (extra, o) => boundGit(baseDir, hardenedGitEnv({ ...base, ...extra }), o),
    };
  } catch (err) {
    await probe.dispose();
    throw err;
  }
}

/**
 * The checkout's object format, as git reports it; when git cannot read the
 * config (e.g. the agent broke it), read `extensions.objectFormat` from the file.
 */
async function objectFormat(probe: CheckoutProbe): Promise<CheckoutLocation['objectFormat']> {
  const reported = await probe.inspect.raw(['rev-parse', '--show-object-format']).catch(() => '');
  if (reported.trim() === 'sha1' || reported.trim() === 'sha256') return reported.trim() as 'sha1' | 'sha256';
  const config = await readFile(path.join(probe.checkout.commonDir, 'config'), 'utf8').catch(() => '');
  return /^\s*objectformat\s*=\s*sha256\s*$/im.test(config) ? 'sha256' : 'sha1';
}

/** Writes a bare repository by hand (no templates, no hooks) that borrows the checkout's objects. */
async function initPrivateRepo(dir: string, checkout: CheckoutLocation): Promise<void> {
  for (const sub of [['objects', 'info'], ['refs', 'heads'], ['refs', 'tags'], ['info']]) {
    await mkdir(path.join(dir, ...sub), { recursive: true });
  }
  await writeFile(path.join(dir, 'HEAD'), 'ref: refs/heads/main\n');
  const sha256 = checkout.objectFormat === 'sha256';
  const config = [
    '[core]',
    `\trepositoryformatversion = ${sha256 ? 1 : 0}`,
    '\tbare = true',
    '\thooksPath = /dev/null',
    '\tfsmonitor = false',
    '\tuntrackedCache = false',
    '[gc]',
    '\tauto = 0',
    '[maintenance]',
    '\tauto = false',
    ...(sha256 ? ['[extensions]', '\tobjectFormat = sha256'] : []),
    '',
  ];
  await writeFile(path.join(dir, 'config'), config.join('\n'));
  await writeFile(path.join(dir, 'objects', 'info', 'alternates'), `${path.join(checkout.commonDir, 'objects')}\n`);
}

/**
 * Copies the checkout's `info/exclude` (ignore patterns only: nothing in it can run)
 * so locally excluded files (often secrets such as .env.local) stay out of a diff.
 * Only a regular file of bounded size is copied.
 */
async function copyExcludes(commonDir: string, privateDir: string): Promise<void> {
  const src = path.join(commonDir, 'info', 'exclude');
  const st = await lstat(src).catch(() => null);
  if (!st?.isFile() || st.size > MAX_EXCLUDE_BYTES) return;
  await copyFile(src, path.join(privateDir, 'info', 'exclude'));
}
