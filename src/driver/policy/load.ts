// Compiling a policy: a preset, or the data of a YAML/JSON file (file.ts reads and parses
// those), validated by hand so that every problem says file:line:col, where in the
// structure, and what is wrong. The rules checked here are the ones
// schemas/approval-policy.schema.json states (plus what a schema cannot say: glob and regex
// syntax, unique ids, where `...` may stand).

import { TernError } from '../../util/errors.js';
import {
  POLICY_VERSION,
  REST,
  type ArgElement,
  type CommandRule,
  type Decision,
  type DefaultRule,
  type FileRule,
  type Policy,
  type RuleOrigin,
  type WordMatcher,
} from './format.js';
import { compilePathGlob, compileWordGlob, expandBraces, globLiteral, GlobSyntaxError, literalPrefix } from './glob.js';
import { PRESETS, type PresetName } from './presets.js';

export interface PolicyProblem {
  file: string;
  line: number | null;
  col: number | null;
  /** Where in the structure, e.g. `commands.allow[2][0]` ('' for the whole file). */
  at: string;
  message: string;
}

export function formatProblem(p: PolicyProblem): string {
  const pos = p.line === null ? p.file : `${p.file}:${p.line}${p.col === null ? '' : `:${p.col}`}`;
  return `${pos}: ${p.at === '' ? '' : `${p.at}: `}${p.message}`;
}

/** A policy that cannot be used; `problems` lists every problem found (up to 50). */
export class PolicyError extends TernError {
  static override defaultCategory = 'usage' as const;
  override name = 'PolicyError';
  readonly problems: PolicyProblem[];
  constructor(problems: PolicyProblem[]) {
    const sorted = [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
    super('policy_invalid', sorted.map(formatProblem).join('\n'));
    this.problems = sorted;
  }
  /** The first problem's position. */
  get file(): string {
    return this.problems[0]?.file ?? '';
  }
  get line(): number | null {
    return this.problems[0]?.line ?? null;
  }
  get col(): number | null {
    return this.problems[0]?.col ?? null;
  }
}

export type Path = Array<string | number>;

function pathText(p: Path): string {
  let out = '';
  for (const k of p) out += typeof k === 'number' ? `[${k}]` : out === '' ? k : `.${k}`;
  return out;
}

/** Maps a structure path to a line and column in the source, when there is one. */
export type Locate = (p: Path, key?: boolean) => { line: number; col: number } | null;

const DECISIONS: readonly Decision[] = ['accept', 'decline', 'cancel'];
const DENY_DECISIONS = ['decline', 'cancel'];
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const TOP_KEYS = ['$schema', 'version', 'description', 'extends', 'default', 'commands', 'files'];
const SECTION_KEYS = ['default', 'deny', 'allow'];
const COMMAND_RULE_KEYS = ['id', 'argv', 'reason', 'decision'];
const FILE_RULE_KEYS = ['id', 'path', 'reason', 'decision'];

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

function unknownKey(key: string, allowed: readonly string[]): string {
  const close = allowed.filter((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
  return `unknown key \`${key}\`${close.length > 0 ? ` (did you mean \`${close[0]}\`?)` : ''}; allowed here: ${allowed.join(', ')}`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class Compiler {
  readonly problems: PolicyProblem[] = [];
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly file: string,
    /** How rule refs name this policy. */
    private readonly policyName: string,
    private readonly locate: Locate,
  ) {}

  problem(p: Path, message: string, key = false): void {
    if (this.problems.length >= 50) return;
    const pos = this.locate(p, key);
    this.problems.push({ file: this.file, line: pos?.line ?? null, col: pos?.col ?? null, at: pathText(p), message });
  }

  private origin(p: Path): RuleOrigin {
    const pos = this.locate(p);
    return { policy: this.policyName, file: this.file.startsWith('preset:') ? null : this.file, line: pos?.line ?? null };
  }

  private string(v: unknown, p: Path, what: string): v is string {
    if (typeof v === 'string') return true;
    const hint = typeof v === 'number' || typeof v === 'boolean' || v === null ? `; quote it (${JSON.stringify(String(v))}) to make it a string` : '';
    this.problem(p, `${what} must be a string, not ${typeName(v)}${hint}`);
    return false;
  }

  private keys(obj: Record<string, unknown>, allowed: readonly string[], p: Path): void {
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) this.problem([...p, k], unknownKey(k, allowed), true);
  }

  private decision(v: unknown, p: Path, allowed: readonly string[]): Decision | null {
    if (typeof v === 'string' && allowed.includes(v)) return v as Decision;
    this.problem(p, `must be one of ${allowed.map((d) => `\`${d}\``).join(', ')}, not ${typeof v === 'string' ? `\`${v}\`` : typeName(v)}`);
    return null;
  }

  private id(v: unknown, p: Path): string | null {
    if (v === undefined) return null;
    if (!this.string(v, p, 'an id')) return null;
    if (!ID.test(v)) {
      this.problem(p, `the id \`${v}\` must start with a letter or digit and use only letters, digits, \`.\`, \`_\` and \`-\``);
      return null;
    }
    const seen = this.ids.get(v);
    if (seen !== undefined) {
      this.problem(p, `the id \`${v}\` is already used by ${seen}`);
      return null;
    }
    this.ids.set(v, pathText(p.slice(0, -1)));
    return v;
  }

  private reason(v: unknown, p: Path): string | null {
    if (v === undefined) return null;
    return this.string(v, p, 'a reason') ? v : null;
  }

  private wordMatcher(v: unknown, p: Path): WordMatcher | null {
    if (typeof v === 'string') {
      try {
        const re = compileWordGlob(v);
        const expanded = expandBraces(v);
        const alternatives =
          expanded === null ? [{ literal: null, prefix: '' }] : expanded.map((alt) => ({ literal: globLiteral(alt), prefix: literalPrefix(alt) }));
        return { source: v, re, alternatives };
      } catch (err) {
        if (err instanceof GlobSyntaxError) {
          this.problem(p, `bad word glob \`${v}\`: ${err.message}`);
          return null;
        }
        throw err;
      }
    }
    if (isObject(v) && 're' in v) {
      this.keys(v, ['re'], p);
      if (!this.string(v.re, [...p, 're'], '`re`')) return null;
      try {
        return { source: `{re: ${JSON.stringify(v.re)}}`, re: new RegExp(`^(?:${v.re})$`, 'u'), alternatives: [{ literal: null, prefix: '' }] };
      } catch (err) {
        this.problem([...p, 're'], `bad regular expression: ${(err as Error).message}`);
        return null;
      }
    }
    this.problem(p, `a word pattern must be a glob string or {re: "<regex>"}, not ${typeName(v)}`);
    return null;
  }

  private element(v: unknown, p: Path, first: boolean): ArgElement | null {
    if (v === REST) {
      if (first) this.problem(p, 'the first element names the command: it cannot be `...`');
      return first ? null : { kind: 'rest' };
    }
    if (isObject(v) && 'repeat' in v) {
      if (first) {
        this.problem(p, 'the first element names the command: it cannot be a `repeat`');
        return null;
      }
      this.keys(v, ['repeat'], p);
      if (v.repeat === REST) {
        this.problem([...p, 'repeat'], 'write `...` instead of {repeat: "..."}');
        return null;
      }
      const m = this.wordMatcher(v.repeat, [...p, 'repeat']);
      return m === null ? null : { kind: 'repeat', m };
    }
    if (first && isObject(v)) {
      this.problem(p, 'the first element names the command: it must be a word glob string (such as `git` or `./gradlew`)');
      return null;
    }
    if (typeof v !== 'string' && !isObject(v)) {
      this.string(v, p, 'an argv element');
      return null;
    }
    const m = this.wordMatcher(v, p);
    return m === null ? null : { kind: 'word', m };
  }

  private commandRule(v: unknown, p: Path, list: 'allow' | 'deny', index: number): CommandRule | null {
    let argv: unknown;
    let id: string | null = null;
    let reason: string | null = null;
    let decision: Decision = list === 'allow' ? 'accept' : 'decline';
    let argvPath = p;
    if (Array.isArray(v)) {
      argv = v;
    } else if (isObject(v)) {
      this.keys(v, COMMAND_RULE_KEYS, p);
      id = this.id(v.id, [...p, 'id']);
      reason = this.reason(v.reason, [...p, 'reason']);
      if (v.decision !== undefined) {
        if (list === 'allow') this.problem([...p, 'decision'], 'allow rules always accept: `decision` is for deny rules (`decline` or `cancel`)');
        else decision = this.decision(v.decision, [...p, 'decision'], DENY_DECISIONS) ?? decision;
      }
      if (!('argv' in v)) {
        this.problem(p, 'a command rule needs `argv`: the argv pattern, such as [git, status]');
        return null;
      }
      argv = v.argv;
      argvPath = [...p, 'argv'];
    } else {
      this.problem(p, `a command rule is an argv pattern (a list such as [git, status]) or {argv: [...], id, reason}, not ${typeName(v)}`);
      return null;
    }
    if (!Array.isArray(argv) || argv.length === 0) {
      this.problem(argvPath, `the argv pattern must be a non-empty list of words, not ${Array.isArray(argv) ? 'an empty list' : typeName(argv)}`);
      return null;
    }
    const elements: ArgElement[] = [];
    let ok = true;
    argv.forEach((el, k) => {
      const e = this.element(el, [...argvPath, k], k === 0);
      if (e === null) ok = false;
      else elements.push(e);
    });
    if (!ok) return null;
    const name = argv[0] as string;
    const display = `[${argv.map((el) => (typeof el === 'string' ? (/^[A-Za-z0-9_\-./=:@%+*?]+$/.test(el) ? el : JSON.stringify(el)) : JSON.stringify(el))).join(', ')}]`;
    return {
      ref: `${this.policyName}#${id ?? `commands.${list}[${index}]`}`,
      id,
      list,
      index,
      nameHasSlash: name.includes('/'),
      elements,
      display,
      reason,
      decision,
      origin: this.origin(p),
    };
  }

  private fileRule(v: unknown, p: Path, list: 'allow' | 'deny', index: number): FileRule | null {
    let pattern: unknown;
    let id: string | null = null;
    let reason: string | null = null;
    let decision: Decision = list === 'allow' ? 'accept' : 'decline';
    let patternPath = p;
    if (isObject(v)) {
      this.keys(v, FILE_RULE_KEYS, p);
      id = this.id(v.id, [...p, 'id']);
      reason = this.reason(v.reason, [...p, 'reason']);
      if (v.decision !== undefined) {
        if (list === 'allow') this.problem([...p, 'decision'], 'allow rules always accept: `decision` is for deny rules (`decline` or `cancel`)');
        else decision = this.decision(v.decision, [...p, 'decision'], DENY_DECISIONS) ?? decision;
      }
      if (!('path' in v)) {
        this.problem(p, 'a file rule needs `path`: a path glob such as `.github/workflows/**`');
        return null;
      }
      pattern = v.path;
      patternPath = [...p, 'path'];
    } else {
      pattern = v;
    }
    if (!this.string(pattern, patternPath, 'a file rule (a path glob, or {path, id, reason})')) return null;
    let re: RegExp;
    try {
      // Deny rules ignore case: `.GitHub/Workflows` is the same directory on some file systems.
      re = compilePathGlob(pattern, list === 'deny' ? 'i' : '');
    } catch (err) {
      if (err instanceof GlobSyntaxError) {
        this.problem(patternPath, `bad path glob \`${pattern}\`: ${err.message}`);
        return null;
      }
      throw err;
    }
    return {
      ref: `${this.policyName}#${id ?? `files.${list}[${index}]`}`,
      id,
      list,
      index,
      pattern,
      re,
      reason,
      decision,
      origin: this.origin(p),
    };
  }

  private rules<T>(section: Record<string, unknown>, list: 'allow' | 'deny', p: Path, one: (v: unknown, p: Path, list: 'allow' | 'deny', i: number) => T | null): T[] {
    const v = section[list];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.problem([...p, list], `must be a list of rules${v === null ? ' (write [] for none)' : `, not ${typeName(v)}`}`);
      return [];
    }
    const out: T[] = [];
    v.forEach((r, i) => {
      const rule = one.call(this, r, [...p, list, i], list, i);
      if (rule !== null) out.push(rule);
    });
    return out;
  }

  compile(doc: unknown, preset: (name: string) => Policy): Policy | null {
    if (!isObject(doc)) {
      this.problem([], `a policy is a mapping with \`version: ${POLICY_VERSION}\`, not ${typeName(doc)}`);
      return null;
    }
    this.keys(doc, TOP_KEYS, []);
    if (!('version' in doc)) this.problem([], `\`version: ${POLICY_VERSION}\` is missing`);
    else if (doc.version !== POLICY_VERSION) this.problem(['version'], `only version ${POLICY_VERSION} exists, not ${JSON.stringify(doc.version)}`);
    if (doc.$schema !== undefined) this.string(doc.$schema, ['$schema'], '`$schema`');
    const description = doc.description === undefined ? null : this.string(doc.description, ['description'], '`description`') ? (doc.description as string) : null;
    let base: Policy | null = null;
    if (doc.extends !== undefined && this.string(doc.extends, ['extends'], '`extends`')) {
      if (Object.hasOwn(PRESETS, doc.extends)) base = preset(doc.extends);
      else this.problem(['extends'], `\`${doc.extends}\` is not a preset; presets: ${Object.keys(PRESETS).join(', ')}`);
    }
    const topDefault = doc.default === undefined ? null : this.decision(doc.default, ['default'], DECISIONS);

    const section = (key: 'commands' | 'files') => {
      const v = doc[key];
      if (v === undefined) return {};
      if (!isObject(v)) {
        this.problem([key], `must be a mapping with \`deny\`, \`allow\` and \`default\`, not ${typeName(v)}`);
        return {};
      }
      this.keys(v, SECTION_KEYS, [key]);
      return v;
    };
    const commands = section('commands');
    const files = section('files');
    const defaultFor = (key: 'commands' | 'files', sec: Record<string, unknown>): DefaultRule => {
      if (sec.default !== undefined) {
        const d = this.decision(sec.default, [key, 'default'], DECISIONS);
        if (d !== null) return { ref: `${this.policyName}#${key}.default`, decision: d, origin: this.origin([key, 'default']) };
      }
      if (topDefault !== null) return { ref: `${this.policyName}#default`, decision: topDefault, origin: this.origin(['default']) };
      if (base !== null) return base[key].default;
      return { ref: `${this.policyName}#default`, decision: 'decline', origin: this.origin([]) };
    };
    const policy: Policy = {
      name: this.policyName,
      description,
      extends: base?.name ?? null,
      commands: {
        default: defaultFor('commands', commands),
        deny: [...this.rules(commands, 'deny', ['commands'], this.commandRule), ...(base?.commands.deny ?? [])],
        allow: [...this.rules(commands, 'allow', ['commands'], this.commandRule), ...(base?.commands.allow ?? [])],
      },
      files: {
        default: defaultFor('files', files),
        deny: [...this.rules(files, 'deny', ['files'], this.fileRule), ...(base?.files.deny ?? [])],
        allow: [...this.rules(files, 'allow', ['files'], this.fileRule), ...(base?.files.allow ?? [])],
      },
    };
    return this.problems.length === 0 ? policy : null;
  }
}

const presetCache = new Map<string, Policy>();

/** A built-in preset, compiled (the presets are tested to compile without problems). */
export function presetPolicy(name: PresetName): Policy {
  const cached = presetCache.get(name);
  if (cached) return cached;
  const c = new Compiler(`preset:${name}`, name, () => null);
  const policy = c.compile(PRESETS[name], presetPolicy as (n: string) => Policy);
  if (policy === null) throw new PolicyError(c.problems);
  presetCache.set(name, policy);
  return policy;
}

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}
