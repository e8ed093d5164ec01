import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  Compiler,
  POLICY_VERSION,
  PRESETS,
  PolicyError,
  isPresetName,
  presetPolicy
} from "./chunk-DBC3BAJD.js";
import {
  require_dist
} from "./chunk-Y2ANY7LE.js";
import "./chunk-AXCYR7ZC.js";
import {
  __toESM
} from "./chunk-4S2FJ4XZ.js";

// src/driver/policy/file.ts
var import_yaml = __toESM(require_dist(), 1);
import { readFileSync } from "node:fs";
import path from "node:path";
function documentLocator(doc, lines) {
  return (p, key) => {
    let node = doc.contents;
    let keyNode = null;
    for (const k of p) {
      if ((0, import_yaml.isMap)(node)) {
        const pair = node.items.find((it) => (0, import_yaml.isPair)(it) && (0, import_yaml.isScalar)(it.key) && it.key.value === k);
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value;
      } else if ((0, import_yaml.isSeq)(node) && typeof k === "number") {
        keyNode = null;
        node = node.items[k];
      } else {
        break;
      }
    }
    const empty = (0, import_yaml.isScalar)(node) && node.value === null && keyNode !== null;
    const target = (key || empty) && keyNode !== null ? keyNode : node;
    if (!(0, import_yaml.isNode)(target) || !target.range) return null;
    const pos = lines.linePos(target.range[0]);
    return { line: pos.line, col: pos.col };
  };
}
function parsePolicy(text, file) {
  const lines = new import_yaml.LineCounter();
  const doc = (0, import_yaml.parseDocument)(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, version: "1.2" });
  const problems = [];
  const at = (offset, message) => {
    const pos = offset === void 0 ? null : lines.linePos(offset);
    problems.push({ file, line: pos?.line ?? null, col: pos?.col ?? null, at: "", message });
  };
  for (const e of [...doc.errors, ...doc.warnings]) {
    const hint = e.code === "BAD_ALIAS" ? ' (a `*` starts a YAML alias: quote globs, e.g. "*" or "*.ts")' : "";
    at(e.pos[0], `${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}${hint}`);
  }
  if (problems.length > 0) throw new PolicyError(problems);
  if (doc.contents === null) throw new PolicyError([{ file, line: null, col: null, at: "", message: `the file is empty; a policy needs at least \`version: ${POLICY_VERSION}\`` }]);
  (0, import_yaml.visit)(doc, {
    Node(_key, node) {
      if ((0, import_yaml.isAlias)(node)) {
        at(node.range?.[0], `\`*${node.source}\` is a YAML alias; aliases are not supported (a glob such as \`*\` or \`*.ts\` must be quoted: "*")`);
      } else if (node.anchor) {
        at(node.range?.[0], `\`&${node.anchor}\` is a YAML anchor; anchors and aliases are not supported`);
      } else if (node.tag && !node.tag.startsWith("tag:yaml.org,2002:")) {
        at(node.range?.[0], `the tag \`${node.tag}\` is not supported`);
      }
    }
  });
  if (problems.length > 0) throw new PolicyError(problems);
  const data = doc.toJS();
  const c = new Compiler(file, file, documentLocator(doc, lines));
  const policy = c.compile(data, presetPolicy);
  if (policy === null) throw new PolicyError(c.problems);
  return policy;
}
function loadPolicy(fileOrPreset, cwd = process.cwd()) {
  if (isPresetName(fileOrPreset)) return presetPolicy(fileOrPreset);
  let text;
  try {
    text = readFileSync(path.resolve(cwd, fileOrPreset), "utf8");
  } catch (err) {
    const code = err.code;
    const hint = !fileOrPreset.includes("/") && !fileOrPreset.includes(".") ? `; presets: ${Object.keys(PRESETS).join(", ")}` : "";
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory, not a file" : err.message;
    throw new PolicyError([{ file: fileOrPreset, line: null, col: null, at: "", message: `cannot read the policy: ${why}${hint}` }]);
  }
  return parsePolicy(text, fileOrPreset);
}
export {
  loadPolicy,
  parsePolicy
};
