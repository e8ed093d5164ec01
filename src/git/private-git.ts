// Git with the repository's own config neutralised.
//
// Anyone who can write to a checkout (the agent) can make git run commands:
// hooks, filter drivers, core.fsmonitor, diff.external, textconv, credential
// helpers, core.sshCommand... all named by `.git/config`, `.git/hooks/` or
// `.git/info/attributes`. So tern never runs git in the checkout's git dir after
// a turn. It runs git in a *private git dir*: a fresh bare repository in a temp
// directory whose `objects/info/alternates` points at the checkout's object store
// (every commit and blob of the checkout is readable, nothing of the checkout's
// config is), with its own index, and an environment built from nothing (PATH
// and an empty HOME; no system or global config). Filter drivers are undefined
// there, so `filter=` lines in `.gitattributes` are inert, and no hook exists.
//
// The only git commands that touch the checkout's own git dir are read-only
// probes (`rev-parse`, `config --get`) that execute nothing the config names,
// run with the same hardened environment and `-c` overrides.

import { copyFile, lstat, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { TernError, errorMessage } from '../util/errors.js';
import { findWorkTree } from './repo-location.js';

/** `-c` settings on every git command: they beat any repository config that git might read. */
export const HARDENING_CONFIG: readonly string[] = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.untrackedCache=false',
  'gc.auto=0',
  'maintenance.auto=false',
];

/** PATH used when the caller has none that survives filtering. */
const FALLBACK_PATH = '/usr/local/bin:/usr/bin:/bin';
/** Largest `info/exclude` copied into a private git dir (it is only ignore patterns). */
const MAX_EXCLUDE_BYTES = 1024 * 1024;

export interface HardenedEnvOptions {
  /** An empty directory used as HOME (so no ~/.gitconfig, ~/.ssh, ...). */
  home: string;
  gitDir: string;
  workTree?: string;
  indexFile?: string;
  /** Directories the agent can write to: PATH entries inside them are dropped (no planted `git`). */
  untrustedRoots?: readonly string[];
  /** Config passed via GIT_CONFIG_COUNT/KEY_n/VALUE_n: never on a command line, never in a file. */
  config?: Readonly<Record<string, string>>;
  /** Fixed author and committer (GIT_AUTHOR_* / GIT_COMMITTER_*). */
  identity?: { name: string; email: string };
  /** Search path to filter; defaults to the caller's PATH. */
  path?: string;
}

/** The complete environment of a git process, built from nothing: no variable of the caller leaks in except a filtered PATH. */
export function hardenedGitEnv(o: HardenedEnvOptions): Record<string, string> {
  const env: Record<string, string> = {
    PATH: safeSearchPath(o.path ?? process.env.PATH ?? '', o.untrustedRoots ?? []),
    HOME: o.home,
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_DIR: o.gitDir,
  };
  if (o.workTree) env.GIT_WORK_TREE = o.workTree;
  if (o.indexFile) env.GIT_INDEX_FILE = o.indexFile;
  if (o.identity) {
    env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = o.identity.name;
    env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = o.identity.email;
  }
  const entries = Object.entries(o.config ?? {});
  if (entries.length > 0) {
    env.GIT_CONFIG_COUNT = String(entries.length);
    entries.forEach(([k, v], i) => {
      env[`GIT_CONFIG_KEY_${i}`] = k;
      env[`GIT_CONFIG_VALUE_${i}`] = v;
    });
  }
  return env;
}

/** `pathValue` without relative entries and without entries inside any of `untrustedRoots` (lexically or after symlinks). */
export function safeSearchPath(pathValue: string, untrustedRoots: readonly string[]): string {
  const roots = untrustedRoots.flatMap((r) => [path.resolve(r), realOrSelf(r)]);
  const inside = (p: string) => roots.some((r) => p === r || p.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
  const kept = pathValue
    .split(path.delimiter)
    .filter((p) => p.length > 0 && path.isAbsolute(p))
    .filter((p) => !inside(path.resolve(p)) && !inside(realOrSelf(p)));
  const unique = [...new Set(kept)];
  return unique.length > 0 ? unique.join(path.delimiter) : FALLBACK_PATH;
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** A simple-git instance whose every command runs with exactly `env` and the hardening `-c` settings. */
export function boundGit(baseDir: string, env: Record<string, string>, opts: { timeoutMs?: number } = {}): SimpleGit {
  return simpleGit({
    baseDir,
    config: [...HARDENING_CONFIG],
    // simple-git guards GIT_* variables and the -c keys above; every one of them is ours.
    allowEnvironment: Object.keys(env),
    unsafe: {
      allowUnsafeHooksPath: true,
      allowUnsafeFsMonitor: true,
      allowUnsafeConfigPaths: true,
      allowUnsafeConfigEnvCount: 'GIT_CONFIG_COUNT' in env,
    },
    ...(opts.timeoutMs ? { timeout: { block: opts.timeoutMs } } : {}),
  }).env(env);
}

/** Where a checkout keeps its git data. */
export interface CheckoutLocation {
  workTree: string;
  /** The checkout's own git dir (`.git`, or `.git/worktrees/<name>` for a linked worktree). */
  gitDir: string;
  /** Shared git dir holding objects, config, hooks and info/ (same as gitDir except for linked worktrees). */
  commonDir: string;
  objectFormat: 'sha1' | 'sha256';
}

/** A private git dir for one checkout; call `dispose()` when done. */
export interface PrivateGit {
  checkout: CheckoutLocation;
  /** Temp directory holding everything below (deleted by dispose). */
  scratch: string;
  home: string;
  gitDir: string;
  indexFile: string;
  /** The hardened environment of `git`. */
  env: Record<string, string>;
  /** Git in the private dir (work tree = the checkout only when opened with `workTree: true`). */
  git: SimpleGit;
  /** Read-only probes (rev-parse, config --get) of the checkout's own git dir, hardened the same way. */
  inspect: SimpleGit;
  /** Git in the private dir with extra environment (identity, GIT_CONFIG_* entries). */
  gitWith(extra: Omit<HardenedEnvOptions, 'home' | 'gitDir' | 'workTree' | 'indexFile' | 'untrustedRoots'>, opts?: { timeoutMs?: number }): SimpleGit;
  dispose(): Promise<void>;
}

/** Creates a private git dir for the checkout containing `cwd`; `workTree: true` binds the checkout as its work tree. */
export async function openPrivateGit(cwd: string, opts: { workTree?: boolean } = {}): Promise<PrivateGit> {
  const found = await findWorkTree(cwd);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'tern-git-'));
  try {
    const home = path.join(scratch, 'home');
    const gitDir = path.join(scratch, 'repo.git');
    const indexFile = path.join(scratch, 'index');
    await mkdir(home);
    const untrustedRoots = [found.workTree, found.gitDir];
    // The probe's work tree is the empty HOME: core.worktree in the checkout's config cannot move it.
    const inspect = boundGit(home, hardenedGitEnv({ home, gitDir: found.gitDir, workTree: home, untrustedRoots }));
    const checkout = { ...found, ...(await probeCommonDir(inspect, found.gitDir)) };
    untrustedRoots.push(checkout.commonDir);
    await initPrivateRepo(gitDir, checkout);
    if (opts.workTree) await copyExcludes(checkout.commonDir, gitDir);
    const workTree = opts.workTree ? checkout.workTree : undefined;
    const base = { home, gitDir, workTree, indexFile, untrustedRoots };
    const env = hardenedGitEnv(base);
    const baseDir = workTree ?? home;
    return {
      checkout,
      scratch,
      home,
      gitDir,
      indexFile,
      env,
      git: boundGit(baseDir, env),
      inspect,
      gitWith: (extra, o) => boundGit(baseDir, hardenedGitEnv({ ...base, ...extra }), o),
      dispose: () => rm(scratch, { recursive: true, force: true }),
    };
  } catch (err) {
    await rm(scratch, { recursive: true, force: true });
    throw err;
  }
}

async function probeCommonDir(inspect: SimpleGit, gitDir: string): Promise<Pick<CheckoutLocation, 'commonDir' | 'objectFormat'>> {
  let out: string;
  try {
    out = await inspect.raw(['rev-parse', '--path-format=absolute', '--git-common-dir', '--show-object-format']);
  } catch (err) {
    throw new TernError('git_failed', `cannot read the git dir ${gitDir}: ${oneLine(err)}`, { cause: err });
  }
  const [commonDir, format] = out.split('\n').map((l) => l.trim());
  if (!commonDir || (format !== 'sha1' && format !== 'sha256')) {
    throw new TernError('git_failed', `cannot read the git dir ${gitDir}: unexpected rev-parse output`);
  }
  return { commonDir: realOrSelf(commonDir), objectFormat: format };
}

/** Writes a bare repository by hand (no templates, no hooks) that borrows the checkout's objects. */
async function initPrivateRepo(dir: string, checkout: CheckoutLocation): Promise<void> {
  await mkdir(path.join(dir, 'objects', 'info'), { recursive: true });
  await mkdir(path.join(dir, 'refs', 'heads'), { recursive: true });
  await mkdir(path.join(dir, 'refs', 'tags'), { recursive: true });
  await mkdir(path.join(dir, 'info'), { recursive: true });
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

/** An error (e.g. git's stderr) as one line, with each of `secrets` replaced by `***`. */
export function oneLine(err: unknown, secrets: readonly string[] = []): string {
  let text = errorMessage(err);
  for (const s of secrets) if (s.length > 0) text = text.split(s).join('***');
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return lines.join('; ') || 'unknown git error';
}
