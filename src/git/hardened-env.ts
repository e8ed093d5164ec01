// The environment and flags of every git process tern runs after a turn: built
// from nothing (a filtered PATH, an empty HOME, no system or global config) plus
// `-c` overrides that beat any repository config git might still read.

import { realpathSync } from 'node:fs';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { errorMessage } from '../util/errors.js';

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
