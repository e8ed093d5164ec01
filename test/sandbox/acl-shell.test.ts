/**
 * The server's long-lived setfacl shell (src/sandbox/acl-shell.ts) with real `sh`: scripts run
 * in order and stop at their first failure, output and exit status come back per script, and
 * output that imitates the end-of-result line does not end a script early.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runInAclShell } from '../../src/sandbox/acl-shell.js';

const TIMEOUT_MS = 10_000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'tern-acl-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs concurrent scripts one after another, each to its first failure, with its own output and status', async () => {
  const log = path.join(dir, 'order.txt');
  const [a, b, c] = await Promise.all([
    runInAclShell(`echo one >> '${log}'\necho said-a`, TIMEOUT_MS),
    runInAclShell(`echo two >> '${log}'\necho said-b; false\necho never >> '${log}'`, TIMEOUT_MS),
    runInAclShell(`echo three >> '${log}'\necho oops >&2; exit 3`, TIMEOUT_MS),
  ]);
  expect(a).toEqual({ exitCode: 0, output: 'said-a' });
  expect(b).toEqual({ exitCode: 1, output: 'said-b' });
  expect(c).toEqual({ exitCode: 3, output: 'oops' });
  expect(readFileSync(log, 'utf8')).toBe('one\ntwo\nthree\n');
});

it('a line imitating the end of a result does not end the script; a missing command is 127', async () => {
  const fake = await runInAclShell("printf '\\n%s %s %s\\n' 0123456789abcdef0123456789abcdef 1 0; echo still-running; exit 5", TIMEOUT_MS);
  expect(fake.exitCode).toBe(5);
  expect(fake.output).toContain('still-running');
  const missing = await runInAclShell('tern-no-such-command-anywhere', TIMEOUT_MS);
  expect(missing.exitCode).toBe(127);
});

it('a script that overruns its timeout fails, and the next script gets a fresh shell', async () => {
  const SHORT_MS = 200;
  await expect(runInAclShell('sleep 5', SHORT_MS)).rejects.toThrow(/did not finish within 200 ms/);
  expect(await runInAclShell('echo back', TIMEOUT_MS)).toEqual({ exitCode: 0, output: 'back' });
});
