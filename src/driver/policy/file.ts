// A policy file: YAML (or JSON, which YAML reads too) parsed with positions, then compiled
// (load.ts). Only a `--policy FILE` needs this module and the YAML parser it brings: the
// driver imports it when the run names a file (decider.ts), never for a preset.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { POLICY_VERSION, type Policy } from './format.js';
import { Compiler, isPresetName, PolicyError, presetPolicy, type Locate, type PolicyProblem } from './load.js';
import { PRESETS } from './presets.js';

function documentLocator(doc: Document, lines: LineCounter): Locate {
  return (p, key) => {
    let node: unknown = doc.contents;
    let keyNode: unknown = null;
    for (const k of p) {
      if (isMap(node)) {
        const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === k);
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof k === 'number') {
        keyNode = null;
        node = node.items[k];
      } else {
        break;
      }
    }
    // an empty value (`allow:`) has no text of its own: point at its key
    const empty = isScalar(node) && node.value === null && keyNode !== null;
    const target = (key || empty) && keyNode !== null ? keyNode : node;
    if (!isNode(target) || !target.range) return null;
    const pos = lines.linePos(target.range[0]);
    return { line: pos.line, col: pos.col };
  };
}

/**
 * Reads a policy from text (YAML, or JSON, which YAML reads too). `file` names it in
 * problems and in the refs of its rules. Throws PolicyError.
 */
export function parsePolicy(text: string, file: string): Policy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, version: '1.2' });
  const problems: PolicyProblem[] = [];
  const at = (offset: number | undefined, message: string) => {
    const pos = offset === undefined ? null : lines.linePos(offset);
    problems.push({ file, line: pos?.line ?? null, col: pos?.col ?? null, at: '', message });
  };
  for (const e of [...doc.errors, ...doc.warnings]) {
    const hint = e.code === 'BAD_ALIAS' ? ' (a `*` starts a YAML alias: quote globs, e.g. "*" or "*.ts")' : '';
    at(e.pos[0], `${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}${hint}`);
  }
  if (problems.length > 0) throw new PolicyError(problems);
  if (doc.contents === null) throw new PolicyError([{ file, line: null, col: null, at: '', message: `the file is empty; a policy needs at least \`version: ${POLICY_VERSION}\`` }]);
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        at(node.range?.[0], `\`*${node.source}\` is a YAML alias; aliases are not supported (a glob such as \`*\` or \`*.ts\` must be quoted: "*")`);
      } else if (node.anchor) {
        at(node.range?.[0], `\`&${node.anchor}\` is a YAML anchor; anchors and aliases are not supported`);
      } else if (node.tag && !node.tag.startsWith('tag:yaml.org,2002:')) {
        at(node.range?.[0], `the tag \`${node.tag}\` is not supported`);
      }
    },
  });
  if (problems.length > 0) throw new PolicyError(problems);
  const data: unknown = doc.toJS();
  const c = new Compiler(file, file, documentLocator(doc, lines));
  const policy = c.compile(data, presetPolicy as (n: string) => Policy);
  if (policy === null) throw new PolicyError(c.problems);
  return policy;
}

/**
 * `--policy FILE|PRESET`: a preset by name (`read-only-review`, `fix-tests`, `trusted`), else
 * a YAML or JSON file (relative to `cwd`). A file named like a preset is read as `./fix-tests`.
 * Throws PolicyError (with file:line:col) for a missing or bad file.
 */
export function loadPolicy(fileOrPreset: string, cwd: string = process.cwd()): Policy {
  if (isPresetName(fileOrPreset)) return presetPolicy(fileOrPreset);
  let text: string;
  try {
    text = readFileSync(path.resolve(cwd, fileOrPreset), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint = !fileOrPreset.includes('/') && !fileOrPreset.includes('.') ? `; presets: ${Object.keys(PRESETS).join(', ')}` : '';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a file' : (err as Error).message;
    throw new PolicyError([{ file: fileOrPreset, line: null, col: null, at: '', message: `cannot read the policy: ${why}${hint}` }]);
  }
  return parsePolicy(text, fileOrPreset);
}
