// Loading policies: presets, files, the JSON Schema (the presets and a set of good and bad
// documents are checked against it with ajv, and the loader must agree), and errors that
// say file:line:col.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decideCommand,
  loadPolicy,
  parsePolicy,
  PolicyError,
  PRESET_NAMES,
  PRESETS,
  type Policy,
} from '../../../src/driver/policy/index.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas', 'approval-policy.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, strictTuples: false }).compile(schema);

function problemsOf(text: string, file = 'p.yml'): string[] {
  try {
    parsePolicy(text, file);
  } catch (err) {
    if (err instanceof PolicyError) return err.message.split('\n');
    throw err;
  }
  throw new Error('the policy loaded');
}

describe('presets', () => {
  it.each(PRESET_NAMES)('%s is valid under the JSON Schema', (name) => {
    const ok = validate(PRESETS[name]);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(PRESET_NAMES)('%s loads by name, with ids on every rule', (name) => {
    const p = loadPolicy(name);
    expect(p.name).toBe(name);
    const rules = [...p.commands.deny, ...p.commands.allow, ...p.files.deny, ...p.files.allow];
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) expect(r.ref).toMatch(new RegExp(`^${name}#[a-z][a-z0-9-]*$`));
    expect(p.commands.default.decision).toBe('decline');
  });

  it('a preset round-trips through YAML as a file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tern-policy-'));
    try {
      const file = path.join(dir, 'fix-tests.json');
      writeFileSync(file, JSON.stringify(PRESETS['fix-tests'], null, 2));
      const p = loadPolicy(file);
      expect(decideCommand(p, { command: 'npm test' })).toMatchObject({ decision: 'accept', rule: `${file}#npm-test` });
      expect(decideCommand(p, { command: 'git push' }).origin).toMatchObject({ file, line: expect.any(Number) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the schema and the loader agree', () => {
  const good = [
    'version: 1',
    'version: 1\ndefault: accept',
    'version: 1\nextends: trusted\ndescription: x\n$schema: ../schemas/approval-policy.schema.json',
    'version: 1\ncommands:\n  default: cancel\n  deny: [[git, ..., push, ...], {argv: [rm], decision: cancel, id: r, reason: no}]\n  allow: [[ls, "*"], {argv: [cat, {repeat: "[!-]*"}], id: cat}, [echo, {re: "[a-z]+"}], [x, {repeat: {re: "a|b"}}]]',
    'version: 1\nfiles:\n  deny: [".github/workflows/**", {path: ".git/", decision: cancel}]\n  allow: ["**", {path: "src/**", id: src, reason: code}]',
    'version: 1\ncommands: {}\nfiles: {}',
  ];
  const bad = [
    '',
    'version: 2',
    'version: "1"',
    'verison: 1',
    'version: 1\nextra: 1',
    'version: 1\nextends: nope',
    'version: 1\ndefault: maybe',
    'version: 1\ncommands: []',
    'version: 1\ncommands:\n  allow: [[]]',
    'version: 1\ncommands:\n  allow: [["..."]]',
    'version: 1\ncommands:\n  allow: [[{re: x}]]',
    'version: 1\ncommands:\n  allow: [[git, 1]]',
    'version: 1\ncommands:\n  allow: [[git, {repeat: "..."}]]',
    'version: 1\ncommands:\n  allow: [{argv: [ls], decision: decline}]',
    'version: 1\ncommands:\n  deny: [{argv: [ls], decision: accept}]',
    'version: 1\ncommands:\n  allow: [{id: "-x", argv: [ls]}]',
    'version: 1\ncommands:\n  allow: [{argv: [ls], extra: 1}]',
    'version: 1\ncommands:\n  allow: [{id: x}]',
    'version: 1\ncommands:\n  allow: [ls]',
    'version: 1\ncommands:\n  allow: null',
    'version: 1\ncommands:\n  allows: []',
    'version: 1\nfiles:\n  deny: ["/etc/**"]',
    'version: 1\nfiles:\n  deny: [""]',
    'version: 1\nfiles:\n  deny: [{path: x, decision: accept}]',
    'version: 1\nfiles:\n  allow: [[a]]',
  ];

  it.each(good)('accepts %j', (text) => {
    const data = parseYaml(text) as unknown;
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
    expect(() => parsePolicy(text, 'p.yml')).not.toThrow();
  });

  it.each(bad)('rejects %j', (text) => {
    const data = parseYaml(text) as unknown;
    expect(validate(data ?? null)).toBe(false);
    expect(() => parsePolicy(text, 'p.yml')).toThrow(PolicyError);
  });

  it('the loader also rejects what a schema cannot see', () => {
    for (const text of [
      'version: 1\ncommands:\n  allow: [[git, "[a"]]',
      'version: 1\ncommands:\n  allow: [[git, "{a}"]]',
      'version: 1\ncommands:\n  allow: [[git, {re: "("}]]',
      'version: 1\nfiles:\n  allow: ["a/**b"]',
      'version: 1\nfiles:\n  allow: ["a/../b"]',
      'version: 1\ncommands:\n  allow: [{id: a, argv: [x]}, {id: a, argv: [y]}]',
    ]) {
      expect(validate(parseYaml(text)), text).toBe(true);
      expect(() => parsePolicy(text, 'p.yml'), text).toThrow(PolicyError);
    }
  });
});

describe('errors name the file, line, column and what is wrong', () => {
  it.each([
    ['version: 1\ncommands:\n  allow:\n    - [git, status]\n    - [ls, *]\n', 'p.yml:5:12: Alias cannot be an empty string (a `*` starts a YAML alias: quote globs, e.g. "*" or "*.ts")'],
    ['version: 1\ncommands:\n  allow:\n    - [cat, *.ts]\n', 'p.yml:4:13: `*.ts` is a YAML alias; aliases are not supported (a glob such as `*` or `*.ts` must be quoted: "*")'],
    ['version: 1\ncomands:\n  allow: []\n', 'p.yml:2:1: comands: unknown key `comands` (did you mean `commands`?); allowed here: $schema, version, description, extends, default, commands, files'],
    ['version: 3\n', 'p.yml:1:10: version: only version 1 exists, not 3'],
    ['commands: {}\n', 'p.yml:1:1: `version: 1` is missing'],
    ['version: 1\ncommands:\n  allow:\n    - [git, log, -1]\n', 'p.yml:4:18: commands.allow[0][2]: an argv element must be a string, not a number; quote it ("-1") to make it a string'],
    ['version: 1\ncommands:\n  deny:\n    - argv: [git, "--force[" ]\n', 'p.yml:4:19: commands.deny[0].argv[1]: bad word glob `--force[`: a `[` class is not closed with `]`'],
    ['version: 1\ncommands:\n  deny:\n    - [..., rm]\n', 'p.yml:4:8: commands.deny[0][0]: the first element names the command: it cannot be `...`'],
    ['version: 1\ncommands:\n  allow:\n    - {argv: [ls], decision: cancel}\n', 'p.yml:4:30: commands.allow[0].decision: allow rules always accept: `decision` is for deny rules (`decline` or `cancel`)'],
    ['version: 1\ncommands:\n  allow:\n    - {argv: [ls], id: a}\n    - {argv: [cat], id: a}\n', 'p.yml:5:25: commands.allow[1].id: the id `a` is already used by commands.allow[0]'],
    ['version: 1\nfiles:\n  deny:\n    - /etc/passwd\n', 'p.yml:4:7: files.deny[0]: bad path glob `/etc/passwd`: patterns are relative to the workspace: drop the leading `/`'],
    ['version: 1\nfiles:\n  allow: nothing\n', 'p.yml:3:10: files.allow: must be a list of rules, not a string'],
    ['version: 1\nfiles:\n  allow:\n', 'p.yml:3:3: files.allow: must be a list of rules (write [] for none)'],
    ['version: 1\nversion: 1\n', 'p.yml:2:1: Map keys must be unique'],
    ['version: 1\ncommands: [\n', 'p.yml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['version: 1\nx: &a 1\n', 'p.yml:2:7: `&a` is a YAML anchor; anchors and aliases are not supported'],
    ['- 1\n', 'p.yml:1:1: a policy is a mapping with `version: 1`, not a list'],
    ['', 'p.yml: the file is empty; a policy needs at least `version: 1`'],
    ['{"version": 1, "commands": {"allow": [["git", "status"], ["npm", 7]]}}', 'p.yml:1:66: commands.allow[1][1]: an argv element must be a string, not a number; quote it ("7") to make it a string'],
  ])('%j', (text, expected) => {
    expect(problemsOf(text)[0]).toBe(expected);
  });

  it('lists every problem, in file order, and exposes the first position', () => {
    const text = 'version: 2\ncommands:\n  allow:\n    - [git, 1]\nfiles:\n  deny: ["/x"]\n';
    let err: PolicyError | null = null;
    try {
      parsePolicy(text, 'ci/policy.yml');
    } catch (e) {
      err = e as PolicyError;
    }
    expect(err).toBeInstanceOf(PolicyError);
    expect(err!.code).toBe('policy_invalid');
    expect(err!.problems.map((p) => [p.line, p.at])).toEqual([
      [1, 'version'],
      [4, 'commands.allow[0][1]'],
      [6, 'files.deny[0]'],
    ]);
    expect([err!.file, err!.line, err!.col]).toEqual(['ci/policy.yml', 1, 10]);
  });
});

describe('loadPolicy', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tern-policy-load-'));
    writeFileSync(path.join(dir, 'policy.yml'), 'version: 1\nextends: fix-tests\ncommands:\n  allow:\n    - {id: lint, argv: [npm, run, lint]}\n');
    writeFileSync(path.join(dir, 'fix-tests'), 'version: 1\n');
    writeFileSync(path.join(dir, 'bad.json'), '{\n  "version": 1,\n  "files": {"deny": [3]}\n}\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file relative to cwd, names rules after it', () => {
    const p: Policy = loadPolicy('policy.yml', dir);
    expect(p.name).toBe('policy.yml');
    expect(decideCommand(p, { command: 'npm run lint' })).toMatchObject({ rule: 'policy.yml#lint', origin: { file: 'policy.yml', line: 5 } });
  });

  it('prefers a preset name; ./name reads the file', () => {
    expect(loadPolicy('fix-tests', dir).name).toBe('fix-tests');
    expect(loadPolicy('./fix-tests', dir).name).toBe('./fix-tests');
  });

  it('says what is wrong with a missing, unreadable or bad file', () => {
    expect(() => loadPolicy('fix-test', dir)).toThrow('fix-test: cannot read the policy: no such file; presets: read-only-review, fix-tests, trusted');
    expect(() => loadPolicy('nope.yml', dir)).toThrow(/^nope\.yml: cannot read the policy: no such file$/);
    expect(() => loadPolicy('.', dir)).toThrow('.: cannot read the policy: a directory, not a file');
    expect(() => loadPolicy('bad.json', dir)).toThrow('bad.json:3:22: files.deny[0]: a file rule (a path glob, or {path, id, reason}) must be a string, not a number; quote it ("3") to make it a string');
  });
});

describe('docs/approval-policy.md', () => {
  const doc = readFileSync(path.join(ROOT, 'docs', 'approval-policy.md'), 'utf8');

  it('names every preset rule', () => {
    for (const name of PRESET_NAMES) {
      const p = loadPolicy(name);
      for (const r of [...p.commands.deny, ...p.commands.allow, ...p.files.deny, ...p.files.allow]) {
        expect(doc, `${r.ref} is not in the docs`).toContain(`\`${r.id}\``);
      }
    }
  });

  it('its first example loads and decides as its comments say', () => {
    const yaml = /```yaml\n([^]*?)```/.exec(doc)![1]!;
    const data = parseYaml(yaml) as Record<string, unknown>;
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
    const p = parsePolicy(yaml, '.github/tern-policy.yml');
    const d = (c: string) => decideCommand(p, { command: c });
    expect(d('npm run lint')).toMatchObject({ decision: 'accept', rule: '.github/tern-policy.yml#commands.allow[0]' });
    expect(d('npx eslint --fix src')).toMatchObject({ decision: 'accept', rule: '.github/tern-policy.yml#eslint' });
    expect(d('git push origin HEAD:refs/heads/tern/fix-1')).toMatchObject({ decision: 'decline', rule: 'fix-tests#no-push' });
    expect(d('docker run x')).toMatchObject({ decision: 'decline', rule: '.github/tern-policy.yml#no-docker', reason: expect.stringContaining('no containers in this job') });
    expect(d('npm test')).toMatchObject({ decision: 'accept', rule: 'fix-tests#npm-test' });
  });
});
