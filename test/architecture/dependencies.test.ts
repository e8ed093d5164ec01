/**
 * Module boundaries from ../shared/design/ARCHITECTURE.md, checked on the import statements of src/.
 * The driver reaches the server only across a process boundary, so it may never import server code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
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
  });

  it('lower layers do not import higher ones', () => {
    // top may import bottom, never the reverse
    const order = ['cli', 'demo', 'action', 'github', 'driver', 'artifacts', 'git', 'client', 'server', 'threads', 'agent', 'tools', 'sandbox', 'model', 'store', 'config', 'transport', 'jsonrpc', 'protocol', 'util'];
    const bad = edges.filter((e) => e.internal && !e.to.startsWith('outside:') && order.indexOf(e.to) < order.indexOf(e.from));
    expect(bad.map((e) => `${e.file} imports ${e.to}`)).toEqual([]);
  });
});
