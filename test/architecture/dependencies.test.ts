/**
 * Module boundaries from ../shared/design/ARCHITECTURE.md, checked on the import statements of src/.
 * The driver reaches the server only across a process boundary, so it may never import server code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

interface Edge {
  from: string; // module (first folder under src/)
  file: string;
  to: string; // internal module or package name
  internal: boolean;
}

const edges: Edge[] = files(SRC).flatMap((file) => {
  const from = path.relative(SRC, file).split(path.sep)[0]!;
  const text = readFileSync(file, 'utf8');
  const statics = [...text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  const bare = [...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  // Dynamic imports and require() count as edges too: a lazy import is still a dependency.
  const dynamic = [...text.matchAll(/\b(?:import|require)\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g)].map((m) => m[1]!);
  return [...statics, ...bare, ...dynamic].map((spec) => {
    if (spec.startsWith('.')) {
      const target = path.resolve(path.dirname(file), spec);
      const rel = path.relative(SRC, target);
      const to = rel.startsWith('..') ? `outside:${path.relative(path.join(SRC, '..'), target)}` : rel.split(path.sep)[0]!;
      return { from, file: path.relative(SRC, file), to, internal: true };
    }
    return { from, file: path.relative(SRC, file), to: spec.startsWith('node:') ? spec : spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/'), internal: false };
  });
});

/**
 * Code loaded at run time instead of at start-up: `import(...)` calls, `require(...)` and
 * `createRequire(...)`, found on the syntax tree (so type positions such as
 * `typeof import('execa')` do not count). Each is a lazy-loading point: `file -> what`.
 */
function runtimeLoads(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const arg = node.arguments[0];
      const what = arg && ts.isStringLiteralLike(arg) ? arg.text : arg ? arg.getText(source) : '';
      if (callee.kind === ts.SyntaxKind.ImportKeyword) found.push(`import(${what})`);
      else if (ts.isIdentifier(callee) && (callee.text === 'require' || callee.text === 'createRequire')) found.push(`${callee.text}(${what})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.map((f) => `${path.relative(SRC, file)} -> ${f}`);
}

/**
 * The only places that load code lazily, each for start-up cost (see AGENTS.md): the CLI's
 * subcommands, the model SDK on the first model request, node:http(s) (by require) for model
 * requests and node:http's status table on the first failed request, what `tern run` needs
 * only after its server is spawned; and the demo's stand-in, which only resolves a file's path. Anything else must be a static import.
 */
const LAZY_LOADS = [
  'cli/main.ts -> import(../server/app-server.js)',
  'cli/main.ts -> import(../driver/index.js)',
  'cli/main.ts -> import(../demo/demo.js)',
  'model/factory.ts -> import(./chat-client.js)',
  'model/factory.ts -> import(./responses-client.js)',
  // ws and the listener only when --listen asks for a socket.
  'server/app-server.ts -> import(../transport/websocket.js)',
  'util/http-status.ts -> createRequire(import.meta.url)',
  // node:http(s) by require: an ES import would evaluate node:http's lazy getters, which load undici.
  'model/http-fetch.ts -> createRequire(import.meta.url)',
  // `tern run` spawns its server first: git with simple-git is imported while the server starts
  // (the diff base), the finish phase once the turn runs, the YAML parser only for a --policy FILE.
  'driver/run.ts -> import(../git/revisions.js)',
  'driver/run.ts -> import(./finish.js)',
  'driver/policy/decider.ts -> import(./file.js)',
  'demo/github-stand-in/openapi.ts -> createRequire(import.meta.url)',
];

const violations = (pred: (e: Edge) => boolean) =>
  edges.filter(pred).map((e) => `${e.file} imports ${e.to}`);

describe('module boundaries', () => {
  it('found the sources', () => {
    expect(edges.length).toBeGreaterThan(50);
  });

  it('sees dynamic imports (checked on this very file)', () => {
    const probe = "const x = await import('../server/app-server.js');";
    expect([...probe.matchAll(/\b(?:import|require)\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g)].map((m) => m[1])).toEqual(['../server/app-server.js']);
  });

  it('loads code at run time only at the allow-listed lazy-loading points', () => {
    const loads = files(SRC).flatMap((f) => runtimeLoads(f));
    expect(loads.filter((l) => !LAZY_LOADS.includes(l))).toEqual([]);
    // Each allow-listed point still exists (a stale entry would hide a new one of the same name).
    expect(LAZY_LOADS.filter((l) => !loads.includes(l))).toEqual([]);
  });

  it('finds lazy loads on the syntax tree, not in type positions (checked on a probe)', () => {
    const probe = [
      "import { createRequire } from 'node:module';",
      "export type Server = typeof import('../server/app-server.js');",
      "export async function probe(stream: import('node:stream').Readable) {",
      "  const server = await import('../server/app-server.js');",
      "  const http = require('node:http');",
      '  return [server, http, stream, createRequire(import.meta.url)];',
      '}',
    ].join('\n');
    expect(runtimeLoads(path.join(SRC, 'probe.ts'), probe).map((l) => l.replace(/^.*-> /, ''))).toEqual(['import(../server/app-server.js)', 'require(node:http)', 'createRequire(import.meta.url)']);
  });

  it('nothing under src/ imports from test/ or anything else outside src/', () => {
    expect(violations((e) => e.internal && e.to.startsWith('outside:'))).toEqual([]);
  });

  it('protocol/ and util/ are leaves', () => {
    expect(violations((e) => e.internal && e.from === 'protocol' && e.to !== 'protocol')).toEqual([]);
    expect(violations((e) => e.internal && e.from === 'util' && e.to !== 'util')).toEqual([]);
  });

  it('action/ and github/ reach the server only across a process boundary', () => {
    const serverCore = ['server', 'threads', 'agent', 'tools', 'model', 'store'];
    expect(violations((e) => e.internal && ['action', 'github'].includes(e.from) && serverCore.includes(e.to))).toEqual([]);
  });

  it('driver/, client/ and artifacts/ never import the server side', () => {
    const serverSide = ['server', 'threads', 'agent', 'tools', 'sandbox', 'model', 'store', 'config'];
    expect(violations((e) => e.internal && ['driver', 'client', 'artifacts'].includes(e.from) && serverSide.includes(e.to))).toEqual([]);
  });

  it('the server side never imports the driver side', () => {
    const serverSide = ['server', 'threads', 'agent', 'tools', 'sandbox', 'model', 'store', 'config', 'jsonrpc'];
    expect(violations((e) => e.internal && serverSide.includes(e.from) && ['driver', 'client', 'artifacts', 'demo', 'cli'].includes(e.to))).toEqual([]);
  });

  it('only model/ imports openai, and only sandbox/ (tools) and client/ (the server) start processes', () => {
    expect(violations((e) => e.to === 'openai' && e.from !== 'model')).toEqual([]);
    // GitHub clients live in github/ (the stand-in in demo/ may read the published OpenAPI description).
    const githubClient = (to: string) => to === 'octokit' || to === '@actions/github' || (to.startsWith('@octokit') && to !== '@octokit/openapi');
    expect(violations((e) => githubClient(e.to) && e.from !== 'github')).toEqual([]);
    // The runner toolkit (@actions/core, @actions/artifact) is the action's alone.
    expect(violations((e) => ['@actions/core', '@actions/artifact'].includes(e.to) && e.from !== 'action')).toEqual([]);
    const spawners = ['sandbox', 'client', 'demo'];
    expect(violations((e) => e.to === 'node:child_process' && !spawners.includes(e.from))).toEqual([]);
    expect(
      edges.filter((e) => e.to === 'execa' && !spawners.includes(e.from) && !e.file.startsWith('driver/args.ts')).map((e) => e.file),
    ).toEqual([]);
    // Within the sandbox, the server forks only the spawn helper and the ACL shell (everything else goes
    // through the helper: AGENTS.md, "The server never forks a tool process"); isolated-phase.ts is the Action's.
    const forking = edges.filter((e) => e.from === 'sandbox' && (e.to === 'node:child_process' || e.to === 'execa')).map((e) => e.file);
    expect([...new Set(forking)].sort()).toEqual(['sandbox/acl-shell.ts', 'sandbox/isolated-phase.ts', 'sandbox/spawner/helper-main.ts', 'sandbox/spawner/spawn-helper.ts']);
  });

  it('lower layers do not import higher ones', () => {
    // top may import bottom, never the reverse
    const order = ['cli', 'demo', 'action', 'github', 'driver', 'artifacts', 'git', 'client', 'server', 'threads', 'agent', 'tools', 'sandbox', 'model', 'store', 'config', 'transport', 'jsonrpc', 'protocol', 'util'];
    const bad = edges.filter((e) => e.internal && !e.to.startsWith('outside:') && order.indexOf(e.to) < order.indexOf(e.from));
    expect(bad.map((e) => `${e.file} imports ${e.to}`)).toEqual([]);
  });
});
