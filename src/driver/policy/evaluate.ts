// Deciding approval requests under a policy. Every decision names the rule that made it.
//
// Commands: the request's command is read into the programs it runs (analyze.ts). Then,
// for each program: a matching deny rule decides (deny wins); else an opaque program is
// declined (builtin#opaque-command); else the first matching allow rule accepts; else the
// commands default decides. The script's decision is the worst of its programs' (cancel >
// decline > accept): a script is accepted only when every program in it is.
//
// Files: every path of the change (both ends of a move), made workspace-relative and,
// when the workspace is known, also resolved through symlinks; each form must pass: a
// deny rule on any form decides, then every form needs an allow rule, else the default.

import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { FileUpdateChange } from '../../protocol/v2.js';
import { basename, analyzeCommand, type CommandUnit } from './analyze.js';
import {
  BUILTIN,
  type ArgElement,
  type CommandRule,
  type Decision,
  type FileRule,
  type Policy,
  type PolicyDecision,
  type RuleOrigin,
  type SubjectDecision,
  type WordMatcher,
} from './format.js';
import { compileWordGlob, literalPrefix } from './glob.js';
import { formatWords, literalWord, type Word } from '../../util/shell-parse.js';

// ---- argv matching --------------------------------------------------------------

/**
 * Whether a glob word (bash replaces it with file names, at least one word) could stand
 * for a word the matcher accepts. Over-approximates: used for deny rules only.
 */
function mayMatch(w: Word, m: WordMatcher): boolean {
  let re: RegExp | null;
  try {
    re = compileWordGlob(w.pattern);
  } catch {
    re = null;
  }
  const p = literalPrefix(w.pattern);
  return m.alternatives.some((alt) => {
    if (alt.literal !== null && re !== null) return re.test(alt.literal);
    return p.startsWith(alt.prefix) || alt.prefix.startsWith(p);
  });
}

/**
 * Matches words against elements. In deny mode a glob word may stand for one or more words,
 * each possibly matched by a word or repeat element (over-approximation); in allow mode only
 * `...` consumes a glob word. Reachability over states (word, element, inside-a-glob).
 */
function matchSequence(words: readonly Word[], elems: readonly ArgElement[], deny: boolean): boolean {
  const n = words.length;
  const e = elems.length;
  const seen = new Set<number>();
  const stack: Array<[number, number, 0 | 1]> = [[0, 0, 0]];
  while (stack.length > 0) {
    const [i, j, c] = stack.pop()!;
    const key = (i * (e + 1) + j) * 2 + c;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === n && j === e && c === 0) return true;
    if (c === 1) stack.push([i + 1, j, 0]); // the glob word's expansion ends here
    if (j === e) continue;
    const el = elems[j]!;
    if (el.kind === 'rest') {
      stack.push([i, j + 1, c]);
      if (c === 0 && i < n) stack.push([i + 1, j, 0]);
      continue;
    }
    if (el.kind === 'repeat') stack.push([i, j + 1, c]);
    if (i >= n) continue;
    const w = words[i]!;
    const nextJ = el.kind === 'word' ? j + 1 : j;
    if (!w.glob) {
      if (c === 0 && el.m.re.test(w.value)) stack.push([i + 1, nextJ, 0]);
    } else if (deny && mayMatch(w, el.m)) {
      stack.push([i, nextJ, 1]);
    }
  }
  return false;
}

/**
 * Whether the rule matches the command. Deny rules compare the command name by its last
 * path component and, with `viaGlobs`, let a file-name pattern stand for any words it may
 * expand to; allow rules need the exact name and leave patterns to `...`.
 */
function matchesCommand(rule: CommandRule, words: readonly Word[], viaGlobs = rule.list === 'deny'): boolean {
  const first = rule.elements[0];
  const name = words[0];
  if (first === undefined || first.kind !== 'word' || name === undefined) return false;
  const deny = rule.list === 'deny';
  if (name.glob) {
    if (!deny || !viaGlobs || !mayMatch(name, first.m)) return false;
  } else if (rule.nameHasSlash) {
    if (!first.m.re.test(name.value)) return false;
  } else if (deny) {
    // `rm` in a deny rule also catches /bin/rm and ./rm
    if (!first.m.re.test(basename(name.value))) return false;
  } else if (name.value.includes('/') || !first.m.re.test(name.value)) {
    // `git` in an allow rule is the git on PATH, never ./git
    return false;
  }
  return matchSequence(words.slice(1), rule.elements.slice(1), deny && viaGlobs);
}

// ---- decisions --------------------------------------------------------------------

interface Verdict extends SubjectDecision {
  origin: RuleOrigin | null;
}

const SEVERITY: Record<Decision, number> = { accept: 0, decline: 1, cancel: 2 };

function clip(text: string, max = 300): string {
  const oneLine = text.replace(/\n/g, '⏎');
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

function single(decision: Decision, rule: string, reason: string, subject: string): PolicyDecision {
  return { decision, rule, reason, origin: null, subjects: [{ subject, decision, rule, reason }] };
}

function because(rule: { display?: string; pattern?: string; reason: string | null }, list: 'allow' | 'deny'): string {
  const what = rule.display ?? `\`${rule.pattern}\``;
  return `${list} rule ${what}${rule.reason ? `: ${rule.reason}` : ''}`;
}

/** Combines per-subject verdicts: the worst decides; all accepted names every allow rule. */
function combine(verdicts: Verdict[], whole: string, noun: string): PolicyDecision {
  const subjects = verdicts.map(({ origin: _origin, ...s }) => s);
  let worst = verdicts[0]!;
  for (const v of verdicts) if (SEVERITY[v.decision] > SEVERITY[worst.decision]) worst = v;
  if (worst.decision !== 'accept') {
    const reason = verdicts.length > 1 ? `${worst.reason} (${noun} ${verdicts.indexOf(worst) + 1} of ${verdicts.length} in ${whole})` : worst.reason;
    return { decision: worst.decision, rule: worst.rule, reason, origin: worst.origin, subjects };
  }
  if (verdicts.length === 1) return { decision: 'accept', rule: worst.rule, reason: worst.reason, origin: worst.origin, subjects };
  const rules = [...new Set(verdicts.map((v) => v.rule))];
  const reason = `all ${verdicts.length} ${noun}s are allowed: ${verdicts.map((v) => `\`${clip(v.subject, 80)}\` by ${v.rule}`).join('; ')}`;
  return { decision: 'accept', rule: rules.join(', '), reason, origin: verdicts[0]!.origin, subjects };
}

function judgeUnit(policy: Policy, unit: CommandUnit): Verdict {
  const text = clip(unit.text);
  const deny = policy.commands.deny.find((r) => matchesCommand(r, unit.words));
  if (deny) {
    const globs = unit.words.filter((w) => w.glob).map((w) => `\`${w.raw}\``);
    const note = matchesCommand(deny, unit.words, false) ? '' : ` (${globs.join(', ')} may expand to file names that match)`;
    return { subject: unit.text, decision: deny.decision, rule: deny.ref, reason: `\`${text}\` matches ${because(deny, 'deny')}${note}`, origin: deny.origin };
  }
  if (unit.opaque !== null) {
    return { subject: unit.text, decision: 'decline', rule: BUILTIN.opaque, reason: `\`${text}\` is never allowed: ${unit.opaque}`, origin: null };
  }
  const allow = policy.commands.allow.find((r) => matchesCommand(r, unit.words));
  if (allow) {
    return { subject: unit.text, decision: 'accept', rule: allow.ref, reason: `\`${text}\` matches ${because(allow, 'allow')}`, origin: allow.origin };
  }
  const d = policy.commands.default;
  return { subject: unit.text, decision: d.decision, rule: d.ref, reason: `no rule matches \`${text}\`: the default is ${d.decision}`, origin: d.origin };
}

export interface CommandRequest {
  /** The request's `command` (a shell-quoted display string), or an argv. */
  command: string | readonly string[] | null | undefined;
  cwd?: string | null;
  /** The request's `kind` (`command` when absent; `writeStdin` and others are declined). */
  kind?: string | null;
  /** The request's `networkApprovalContext`: a network access request, declined. */
  networkApprovalContext?: unknown;
}

/** Decides an `item/commandExecution/requestApproval`. Never throws on odd input. */
export function decideCommand(policy: Policy, req: CommandRequest): PolicyDecision {
  const command = req.command;
  const shown = command == null ? '' : typeof command === 'string' ? command : formatWords(command.map(literalWord));
  if (req.kind != null && req.kind !== 'command') {
    return single('decline', BUILTIN.otherRequest, `a \`${req.kind}\` approval is not a command a policy can read`, shown);
  }
  if (req.networkApprovalContext != null) {
    return single('decline', BUILTIN.otherRequest, 'network access requests are declined: a policy decides commands and files only', shown);
  }
  if (command == null || (typeof command === 'string' ? command.trim() === '' : command.length === 0)) {
    return single('decline', BUILTIN.noCommand, 'the request names no command', shown);
  }
  const analysis = analyzeCommand(command);
  if (!analysis.ok) {
    return single('decline', BUILTIN.unreadable, `\`${clip(shown)}\` cannot be read completely: ${analysis.error}`, shown);
  }
  return combine(analysis.units.map((u) => judgeUnit(policy, u)), `\`${clip(shown)}\``, 'command');
}

// ---- files ----------------------------------------------------------------------------

/** Every path a change touches: each change's path, and the destination of a move. */
export function fileChangePaths(changes: readonly FileUpdateChange[]): string[] {
  const out: string[] = [];
  for (const c of changes) {
    out.push(c.path);
    if (c.kind.type === 'update' && c.kind.move_path) out.push(c.kind.move_path);
  }
  return out;
}

/** The real path of `abs`, resolving symlinks in the part that exists (and dangling links). */
function realpathDeep(abs: string, hops = 0): string {
  const tail: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(realpathSync(cur), ...tail);
    } catch {
      try {
        if (hops < 40 && lstatSync(cur).isSymbolicLink()) {
          return path.join(realpathDeep(path.resolve(path.dirname(cur), readlinkSync(cur)), hops + 1), ...tail);
        }
      } catch {
        // does not exist: look at the parent
      }
      const parent = path.dirname(cur);
      if (parent === cur) return path.join(cur, ...tail);
      tail.unshift(path.basename(cur));
      cur = parent;
    }
  }
}

function toRelative(root: string, abs: string): string | null {
  const rel = path.relative(root, abs);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join('/');
}

/** The workspace-relative forms of one path, or why it is outside the workspace. */
function pathForms(p: string, cwd: string | null, resolveSymlinks: boolean): { forms: string[] } | { outside: string } {
  if (p === '') return { outside: 'an empty path' };
  if (cwd === null) {
    if (path.isAbsolute(p)) return { outside: `\`${p}\` is absolute and no workspace was given` };
    const rel = toRelative('/w', path.posix.join('/w', p));
    return rel === null ? { outside: `\`${p}\` leaves the workspace` } : { forms: [rel] };
  }
  const root = path.resolve(cwd);
  const abs = path.resolve(root, p);
  const rel = toRelative(root, abs);
  if (rel === null) return { outside: `\`${p}\` is outside the workspace ${root}` };
  const forms = [rel];
  if (resolveSymlinks) {
    let realRoot: string;
    try {
      realRoot = realpathSync(root);
    } catch {
      return { forms };
    }
    const real = realpathDeep(abs);
    const realRel = toRelative(realRoot, real);
    if (realRel === null) return { outside: `\`${rel}\` resolves through a symlink to ${real}, outside the workspace` };
    if (realRel !== rel) forms.push(realRel);
  }
  return { forms };
}

function judgePath(policy: Policy, p: string, cwd: string | null, resolveSymlinks: boolean): Verdict {
  const where = pathForms(p, cwd, resolveSymlinks);
  if ('outside' in where) return { subject: p, decision: 'decline', rule: BUILTIN.outside, reason: `${where.outside}: never allowed`, origin: null };
  const [rel, ...resolved] = where.forms as [string, ...string[]];
  const label = (form: string) => (form === rel ? `\`${rel}\`` : `\`${rel}\` (through a symlink: \`${form}\`)`);
  for (const form of where.forms) {
    const deny = policy.files.deny.find((r) => r.re.test(form));
    if (deny) return { subject: rel, decision: deny.decision, rule: deny.ref, reason: `${label(form)} matches ${because(deny, 'deny')}`, origin: deny.origin };
  }
  let first: FileRule | null = null;
  for (const form of [rel, ...resolved]) {
    const allow = policy.files.allow.find((r) => r.re.test(form));
    if (!allow) {
      const d = policy.files.default;
      return { subject: rel, decision: d.decision, rule: d.ref, reason: `no rule matches ${label(form)}: the default is ${d.decision}`, origin: d.origin };
    }
    first ??= allow;
  }
  return { subject: rel, decision: 'accept', rule: first!.ref, reason: `\`${rel}\` matches ${because(first!, 'allow')}`, origin: first!.origin };
}

export interface FileChangeRequest {
  /** The paths (absolute, or relative to `cwd`); or give `changes`. */
  paths?: readonly string[];
  /** The change's `changes` from its `item/started` fileChange item. */
  changes?: readonly FileUpdateChange[];
  /** The workspace (the thread's cwd). Without it, paths must be relative. */
  cwd?: string | null;
  /** Also judge each path as resolved through symlinks on disk (default: true when `cwd` is given). */
  resolveSymlinks?: boolean;
}

/** Decides an `item/fileChange/requestApproval` for the paths of its change. */
export function decideFileChange(policy: Policy, req: FileChangeRequest): PolicyDecision {
  const paths = [...(req.paths ?? []), ...fileChangePaths(req.changes ?? [])];
  if (paths.length === 0) return single('decline', BUILTIN.noPaths, 'the change names no path (its fileChange item was not seen)', '');
  const cwd = req.cwd ?? null;
  const resolve = req.resolveSymlinks ?? cwd !== null;
  return combine(paths.map((p) => judgePath(policy, p, cwd, resolve)), `a change of ${paths.length} paths`, 'path');
}
