import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePathGlob, compileWordGlob, expandBraces, globLiteral, literalPrefix } from '../../../src/driver/policy/glob.js';
import { createPolicyDecider, PolicyError } from '../../../src/driver/policy/index.js';

describe('word globs', () => {
  const m = (glob: string, word: string) => compileWordGlob(glob).test(word);

  it('match one whole word; `*` crosses `/` and `=`', () => {
    expect(m('--force*', '--force-with-lease')).toBe(true);
    expect(m('--force*', 'x--force')).toBe(false);
    expect(m('--output=*', '--output=a/b/c')).toBe(true);
    expect(m('a?c', 'abc')).toBe(true);
    expect(m('a?c', 'ac')).toBe(false);
    expect(m('-[rR]', '-R')).toBe(true);
    expect(m('[!-]*', 'src')).toBe(true);
    expect(m('[!-]*', '-x')).toBe(false);
    expect(m('[a-c]x', 'bx')).toBe(true);
    expect(m('{test,check}', 'check')).toBe(true);
    expect(m('{test,check}', 'tests')).toBe(false);
    expect(m('x{,.exe}', 'x')).toBe(true);
    expect(m('\\*', '*')).toBe(true);
    expect(m('\\*', 'a')).toBe(false);
    expect(m('a.b', 'axb')).toBe(false);
    expect(m('(x)|y', '(x)|y')).toBe(true);
    expect(m('', '')).toBe(true);
  });

  it.each([
    ['[abc', 'not closed'],
    ['[]', 'not closed'],
    ['{a', 'not closed'],
    ['{a}', 'at least two'],
    ['{a,{b,c}}', 'nested'],
    ['a}', 'without its opening'],
    ['a]', 'without its opening'],
    ['x\\', 'escapes nothing'],
  ])('%j is refused (%s)', (glob, why) => {
    expect(() => compileWordGlob(glob)).toThrow(why);
  });

  it('expose their alternatives, literals and literal prefixes', () => {
    expect(expandBraces('{a,b}-{c,d}')).toEqual(['a-c', 'a-d', 'b-c', 'b-d']);
    expect(expandBraces('[{]x')).toEqual(['[{]x']);
    expect(expandBraces('\\{a,b}')).toEqual(['\\{a,b}']);
    expect(globLiteral('a\\*b')).toBe('a*b');
    expect(globLiteral('a*b')).toBeNull();
    expect(literalPrefix('src/\\*x*')).toBe('src/*x');
  });
});

describe('path globs', () => {
  const m = (glob: string, p: string) => compilePathGlob(glob).test(p);

  it('keep `*` within a segment and let `**` span segments', () => {
    expect(m('*.ts', 'a.ts')).toBe(true);
    expect(m('*.ts', 'src/a.ts')).toBe(false);
    expect(m('**/*.ts', 'a.ts')).toBe(true);
    expect(m('**/*.ts', 'src/deep/a.ts')).toBe(true);
    expect(m('src/**/test/*.ts', 'src/test/a.ts')).toBe(true);
    expect(m('src/**/test/*.ts', 'src/a/b/test/a.ts')).toBe(true);
    expect(m('src/**', 'src')).toBe(true);
    expect(m('src/**', 'src/a/b')).toBe(true);
    expect(m('src/**', 'srcx/a')).toBe(false);
    expect(m('src/', 'src/a')).toBe(true);
    expect(m('**', '.github/workflows/ci.yml')).toBe(true);
    expect(m('**/**/x', 'a/x')).toBe(true);
    expect(m('*', '.env')).toBe(true);
    expect(m('?', '/')).toBe(false);
    expect(m('a[!x]b', 'a/b')).toBe(false);
    expect(m('{src,lib}/*.js', 'lib/x.js')).toBe(true);
  });

  it.each([
    ['/etc/**', 'leading `/`'],
    ['a//b', 'empty segment'],
    ['a/../b', '`..`'],
    ['./a', '`.`'],
    ['a**', 'whole segment'],
    ['a[/]b', 'not closed'],
    ['', 'empty'],
  ])('%j is refused (%s)', (glob, why) => {
    expect(() => compilePathGlob(glob)).toThrow(why);
  });
});

describe('createPolicyDecider', () => {
  it('binds a policy to the workspace the server’s absolute paths are in', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'tern-policy-decider-'));
    try {
      writeFileSync(path.join(ws, 'p.yml'), 'version: 1\nextends: fix-tests\n');
      const d = await createPolicyDecider('p.yml', { workspace: ws, base: ws });
      expect(d.policy.name).toBe('p.yml');
      expect(d.command({ command: "/bin/bash -lc 'npm test'", cwd: ws })).toMatchObject({ decision: 'accept', rule: 'fix-tests#npm-test' });
      expect(d.fileChange({ changes: [{ path: path.join(ws, 'src/a.ts'), kind: { type: 'add' }, diff: '' }] })).toMatchObject({ decision: 'accept' });
      expect(
        d.fileChange({ changes: [{ path: path.join(ws, 'a.yml'), kind: { type: 'update', move_path: path.join(ws, '.github/workflows/a.yml') }, diff: '' }] }),
      ).toMatchObject({ decision: 'decline', rule: 'fix-tests#no-workflows' });
      await expect(createPolicyDecider('missing.yml', { workspace: ws, base: ws })).rejects.toThrow(PolicyError);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });

  it('binds a preset by name (no file is read, even one named like the preset)', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'tern-policy-decider-'));
    try {
      writeFileSync(path.join(ws, 'fix-tests'), 'not: [a policy');
      const d = await createPolicyDecider('fix-tests', { workspace: ws, base: ws });
      expect(d.policy.name).toBe('fix-tests');
      expect(d.command({ command: "/bin/bash -lc 'npm test'", cwd: ws })).toMatchObject({ decision: 'accept', rule: 'fix-tests#npm-test' });
      await expect(createPolicyDecider('./fix-tests', { workspace: ws, base: ws })).rejects.toThrow(PolicyError);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
