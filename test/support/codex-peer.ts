/**
 * The real reference peer: everything needed to spawn the pinned `codex app-server` fully
 * offline against a local Responses API mock (see /work/shared/peer/FINDINGS.md §1).
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { codexBinaryPath } from './protocol-schema.js';

export { codexBinaryPath, codexVersion } from './protocol-schema.js';

/** Name of the env var holding the fake API key that the mock provider's `env_key` points at. */
export const MOCK_ENV_KEY = 'TERN_MOCK_API_KEY';
/** The fake key itself (codex sends it as `authorization: Bearer …`). */
export const MOCK_API_KEY = 'sk-mock-not-a-real-key';
/** A slug of codex's bundled model catalog, so codex uses real model metadata (no fallback warning). */
export const MOCK_MODEL = 'gpt-5.5';

export interface MockProviderFlagOptions {
  /** Default {@link MOCK_MODEL}. */
  model?: string;
  /** `model_providers.mock.request_max_retries`, default 0 (HTTP errors fail the turn at once). */
  requestMaxRetries?: number;
  /** `model_providers.mock.stream_max_retries`, default 0 (a dropped stream fails the turn at once). */
  streamMaxRetries?: number;
  /**
   * Include the offline knobs `features.plugins=false` (the only one that matters: otherwise
   * codex contacts github.com/chatgpt.com at thread start), `analytics.enabled=false`,
   * `check_for_update_on_startup=false`. Default true.
   */
  offlineKnobs?: boolean;
}

/** TOML string literal (basic string) for a `-c key=value` override. */
function tomlString(s: string): string {
  return JSON.stringify(s);
}

/**
 * The `-c` overrides that point an app-server at the mock Responses API, as an argv fragment:
 * `['-c', 'model_provider="mock"', '-c', 'model="gpt-5.5"', …]`. Pass the same list to
 * `codex app-server` and to `tern app-server` so both are configured identically.
 */
export function mockProviderFlags(
  modelBaseUrl: string,
  envKey: string = MOCK_ENV_KEY,
  opts: MockProviderFlagOptions = {},
): string[] {
  const settings = [
    `model_provider=${tomlString('mock')}`,
    `model=${tomlString(opts.model ?? MOCK_MODEL)}`,
    `model_providers.mock.name=${tomlString('Mock Responses')}`,
    `model_providers.mock.base_url=${tomlString(modelBaseUrl)}`,
    `model_providers.mock.env_key=${tomlString(envKey)}`,
    `model_providers.mock.wire_api=${tomlString('responses')}`,
    `model_providers.mock.request_max_retries=${opts.requestMaxRetries ?? 0}`,
    `model_providers.mock.stream_max_retries=${opts.streamMaxRetries ?? 0}`,
  ];
  if (opts.offlineKnobs ?? true) {
    settings.push('features.plugins=false', 'analytics.enabled=false', 'check_for_update_on_startup=false');
  }
  return settings.flatMap((s) => ['-c', s]);
}

export interface PeerHome {
  /** Per-peer directory under workRoot holding the dirs below. */
  root: string;
  /** `$CODEX_HOME` (not under TMPDIR: otherwise codex refuses to create its sandbox helper aliases). */
  codexHome: string;
  /** `$TMPDIR`, a sibling of codexHome. */
  tmpDir: string;
  /** Throwaway `$HOME` (codex snapshots a login shell, which sources ~/.bashrc). */
  home: string;
}

/** Create a fresh `root/{home,tmpdir,fakehome}` layout under workRoot. */
export async function createPeerHome(workRoot: string, prefix = 'peer-'): Promise<PeerHome> {
  await mkdir(workRoot, { recursive: true });
  const root = await mkdtemp(path.join(workRoot, prefix));
  const home: PeerHome = {
    root,
    codexHome: path.join(root, 'home'),
    tmpDir: path.join(root, 'tmpdir'),
    home: path.join(root, 'fakehome'),
  };
  await Promise.all([home.codexHome, home.tmpDir, home.home].map((d) => mkdir(d, { recursive: true })));
  return home;
}

/**
 * Environment for an offline peer: the caller's env minus every OPENAI_* / CODEX_* variable
 * (no real credential, base URL or home leaks in), plus CODEX_HOME, TMPDIR, HOME and the fake
 * key under envKey.
 */
export function offlinePeerEnv(home: PeerHome, envKey: string = MOCK_ENV_KEY, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (/^(OPENAI_|CODEX_)/i.test(k)) continue;
    env[k] = v;
  }
  env.CODEX_HOME = home.codexHome;
  env.TMPDIR = home.tmpDir;
  env.HOME = home.home;
  env[envKey] = MOCK_API_KEY;
  return env;
}

export interface CodexPeerCommandOptions extends MockProviderFlagOptions {
  /** Responses API base URL of the mock, e.g. `http://127.0.0.1:PORT/v1`. */
  modelBaseUrl: string;
  /** A temp dir the peer's homes are created under (one fresh subdir per call). */
  workRoot: string;
  /** Reuse an existing home (e.g. to restart the server and `thread/resume`). */
  reuseHome?: PeerHome;
  /** Extra argv after the provider flags (e.g. more `-c` overrides). */
  extraArgs?: string[];
}

export interface CodexPeerCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  codexHome: string;
  /** The directories created for this peer (pass as reuseHome to restart on the same state). */
  peerHome: PeerHome;
}

/** Everything needed to spawn the real `codex app-server` fully offline against the mock. */
export async function codexPeerCommand(opts: CodexPeerCommandOptions): Promise<CodexPeerCommand> {
  const peerHome = opts.reuseHome ?? (await createPeerHome(opts.workRoot, 'codex-'));
  return {
    command: codexBinaryPath(),
    args: ['app-server', ...mockProviderFlags(opts.modelBaseUrl, MOCK_ENV_KEY, opts), ...(opts.extraArgs ?? [])],
    env: offlinePeerEnv(peerHome, MOCK_ENV_KEY),
    codexHome: peerHome.codexHome,
    peerHome,
  };
}
