import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCommandString } from 'execa';
import { parseRunArgs, splitCommand, type RunOptions } from '../../src/driver/args.js';
import { redactPatch } from '../../src/driver/finish.js';
import { createRedactor } from '../../src/artifacts/redact.js';

function options(argv: string[], base = process.cwd()): RunOptions {
  const parsed = parseRunArgs(argv, base);
  if (parsed.help) throw new Error('unexpected help');
  return parsed.options;
}

describe('parseRunArgs', () => {
  it('applies the defaults', () => {
    const o = options(['--prompt', 'do it']);
    expect(o).toMatchObject({
      cwd: process.cwd(),
      prompt: 'do it',
      outDir: path.join(process.cwd(), 'tern-out'),
      approvalPolicy: 'never',
      sandbox: 'workspace-write',
      timeoutMs: 1_800_000,
      model: null,
      configOverrides: [],
    });
    // Default server: this same binary's app-server subcommand.
    expect(o.serverCommand).toEqual([
      process.execPath,
      // Run from the sources, dist/ is the module's own folder; bundled, it is dist/ (see the e2e suites).
      fileURLToPath(new URL('../../src/driver/tern.js', import.meta.url)),
      'app-server',
    ]);
  });

  it('splits --server-command and appends -c/--config pairs in order', () => {
    const o = options([
      '--prompt', 'x',
      '--server-command', 'codex  app-server --listen stdio:// /opt/my\\ dir/x',
      '-c', 'model="gpt-5.5"',
      '--config', 'model_providers.mock.name="Mock Responses"',
      '--timeout', '2.5',
      '--out', 'rel/out',
      '--cwd', '.',
    ], '/tmp');
    expect(o.serverCommand).toEqual([
      'codex', 'app-server', '--listen', 'stdio://', '/opt/my dir/x',
      '-c', 'model="gpt-5.5"',
      '-c', 'model_providers.mock.name="Mock Responses"',
    ]);
    expect(o.timeoutMs).toBe(2500);
    expect(o.outDir).toBe('/tmp/rel/out');
    expect(o.cwd).toBe('/tmp');
  });

  it('--help', () => {
    expect(parseRunArgs(['-h'])).toEqual({ help: true });
  });
});

describe('splitCommand (--server-command)', () => {
  // The driver splits the command itself (loading execa would cost start-up); execa's
  // parseCommandString, which it replaced, is the oracle.
  const cases = [
    'codex app-server',
    '  codex   app-server  ',
    '/opt/my\\ dir/x --flag',
    'a\\ \\ b c',
    'trailing\\',
    'x\\  y',
    'tab\tkept as-is',
    '"quotes" are \'not\' special',
    '',
    '   ',
  ];
  it.each(cases)('%j splits as execa splits it', (text) => {
    expect(splitCommand(text)).toEqual(parseCommandString(text));
  });

  it('an escaped space joins words', () => {
    expect(splitCommand('node /opt/my\\ server/tern.js app-server')).toEqual(['node', '/opt/my server/tern.js', 'app-server']);
  });
});

describe('redactPatch', () => {
  it('redacts text hunks but leaves binary payloads intact', () => {
    const redact = createRedactor({ MY_TOKEN: 'tok-123456789' });
    const patch = [
      'diff --git a/a.txt b/a.txt',
      '+the token is tok-123456789 and sk-abcdefghijk',
      'diff --git a/b.bin b/b.bin',
      'GIT binary patch',
      'literal 12',
      'sk-abcdefghijklmnopqrstu',
      '',
      'diff --git a/c.txt b/c.txt',
      '+sk-abcdefghijk',
      '',
    ].join('\n');
    expect(redactPatch(patch, redact).split('\n')).toEqual([
      'diff --git a/a.txt b/a.txt',
      '+the token is [REDACTED] and [REDACTED]',
      'diff --git a/b.bin b/b.bin',
      'GIT binary patch',
      'literal 12',
      'sk-abcdefghijklmnopqrstu',
      '',
      'diff --git a/c.txt b/c.txt',
      '+[REDACTED]',
      '',
    ]);
  });
});
