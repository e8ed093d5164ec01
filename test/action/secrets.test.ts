/**
 * takeSecrets: the Action's secrets leave its environment before anything starts: out of
 * process.env (children inherit nothing) and out of /proc/<pid>/environ (what any process of
 * the same user can read). Checked on a real child process, read from outside.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/protocol-schema.js';

const CHILD = `
import { takeSecrets } from ${JSON.stringify(path.join(REPO_ROOT, 'src/action/secrets.ts'))};
const taken = takeSecrets(process.env);
process.stdout.write(JSON.stringify({
  environ: taken.environ,
  inputs: Object.fromEntries(taken.inputs),
  secretNames: [...taken.secrets.keys()].sort(),
  envAfter: Object.keys(process.env).filter((k) => /INPUT_|TOKEN|KEY/.test(k)),
}) + '\\n');
setTimeout(() => {}, 30000); // stay alive until the test has read our /proc entry
`;

describe('takeSecrets', () => {
  it.runIf(process.platform === 'linux')('scrubs /proc/<pid>/environ and process.env, keeping the values in memory', async () => {
    const token = 'ghs_' + 'a'.repeat(36);
    const key = 'sk-test-' + 'b'.repeat(30);
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, 'INPUT_GITHUB-TOKEN': token, 'INPUT_OPENAI-API-KEY': key, INPUT_PROMPT: 'fix it', ACTIONS_RUNTIME_TOKEN: 'rt-' + 'c'.repeat(20), KEEP_ME: 'visible' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let buf = '';
        child.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
        });
        child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
      });
      const report = JSON.parse(line);
      expect(report.environ).toBe('scrubbed');
      expect(report.inputs).toEqual({ 'INPUT_GITHUB-TOKEN': token, 'INPUT_OPENAI-API-KEY': key, INPUT_PROMPT: 'fix it' });
      expect(report.secretNames).toEqual(['ACTIONS_RUNTIME_TOKEN', 'INPUT_GITHUB-TOKEN', 'INPUT_OPENAI-API-KEY']);
      expect(report.envAfter).toEqual([]);

      const environ = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');
      expect(environ).toContain('KEEP_ME=visible');
      expect(environ).toContain(`INPUT_GITHUB-TOKEN=${'*'.repeat(token.length)}`);
      expect(environ).toContain(`INPUT_PROMPT=${'*'.repeat('fix it'.length)}`);
      const whole = environ.join('\n');
      expect(whole).not.toContain(token);
      expect(whole).not.toContain(key);
      expect(whole).not.toContain('rt-ccc');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
