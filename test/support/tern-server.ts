/**
 * How end-to-end tests start the bundled `tern app-server` (dist/tern.js) as a real child process,
 * configured with the same `-c` flags as the reference peer (test/support/codex-peer.ts).
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { MOCK_API_KEY, MOCK_ENV_KEY, mockProviderFlags, type MockProviderFlagOptions } from './codex-peer.js';
import { REPO_ROOT } from './protocol-schema.js';

export const TERN_BIN = path.join(REPO_ROOT, 'dist', 'tern.js');

export interface TernServerCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  ternHome: string;
}

/** Environment without any real credential or base URL, with a fresh TERN_HOME and the mock key. */
export function ternTestEnv(ternHome: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(OPENAI_|CODEX_|TERN_)/i.test(k)) continue;
    env[k] = v;
  }
  env.TERN_HOME = ternHome;
  env[MOCK_ENV_KEY] = MOCK_API_KEY;
  return { ...env, ...extra };
}

export async function ternServerCommand(opts: MockProviderFlagOptions & {
  modelBaseUrl: string;
  workRoot: string;
  extraArgs?: string[];
}): Promise<TernServerCommand> {
  await mkdir(opts.workRoot, { recursive: true });
  const ternHome = await mkdtemp(path.join(opts.workRoot, 'tern-home-'));
  return {
    command: process.execPath,
    args: [TERN_BIN, 'app-server', ...mockProviderFlags(opts.modelBaseUrl, MOCK_ENV_KEY, opts), ...(opts.extraArgs ?? [])],
    env: ternTestEnv(ternHome),
    ternHome,
  };
}
