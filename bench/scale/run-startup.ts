/**
 * `tern run` start-up: the driver pays a Node start of its own before its server's. From the
 * spawn of `tern run` (a one-message turn against the scripted model, warm home):
 *   -> server spawned        the driver's `initialize` line in events.jsonl (written as it spawns
 *                            the server: no hook or preload in either process)
 *   -> first model request   the scripted model's arrival time of the turn's request
 * against baselines measured in the same rounds, on the same Node:
 *   bare node                spawn -> first stdout byte of `node -e` (a Node program running at all)
 *   app-server               `tern app-server` driven by the bench's own client (initialize,
 *                            thread/start, turn/start): spawn -> first model request
 * Ratios: run->server spawned / bare node (how many bare starts the driver takes before its server
 * starts), run->first request / app-server->first request (the driver's share of the way there).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { startModelServer, type ModelServer } from '../../src/demo/model-server/server.js';
import { parseEventsJsonl } from '../../src/artifacts/timeline.js';
import { MOCK_API_KEY, MOCK_ENV_KEY, mockProviderFlags } from '../../test/support/codex-peer.js';
import { createTempRepo } from '../../test/support/git-repo.js';
import { TERN_BIN, ternTestEnv } from '../../test/support/tern-server.js';
import { BenchAbort, summarize, type Summary } from '../common.js';
import { initializeClient, spawnStdioServer } from '../lib/client.js';
import { NODE24, node24Available } from '../lib/servers.js';
import { startThread } from './turns.js';

const REPLY = 'ok';
/** What a bare Node start writes once its program runs. */
const BARE_NODE_SCRIPT = "process.stdout.write('x')";
/** A one-message turn, or a start, that takes longer than this is a failure, not a sample. */
const RUN_TIMEOUT_MS = 60_000;

type Measure = 'run->server spawned' | 'run->first request' | 'bare node' | 'app-server->first request';
const MEASURES: Measure[] = ['run->server spawned', 'run->first request', 'bare node', 'app-server->first request'];

export interface RunStartupNodeResult {
  node: string;
  rows: Record<Measure, Summary & { samples: number[] }>;
  /** run->server spawned median / bare node median. */
  serverSpawnedVsBareNode: number;
  /** run->first request median / app-server->first request median. */
  firstRequestVsAppServer: number;
}

export interface RunStartupResult {
  nodes: RunStartupNodeResult[];
}

/** Epoch milliseconds with a fraction (the model server and events.jsonl stamp epoch ms). */
const now = () => performance.timeOrigin + performance.now();

interface Setup {
  node: string;
  home: string;
  repo: string;
  workRoot: string;
  model: ModelServer;
}

/** One `tern run`: spawn -> the driver's first line to its server, and -> the model request. */
async function timeRun(s: Setup): Promise<{ spawned: number; firstRequest: number }> {
  const out = await mkdtemp(path.join(s.workRoot, 'out-'));
  const seen = s.model.requests.length;
  const env = ternTestEnv(s.home, { [MOCK_ENV_KEY]: MOCK_API_KEY });
  const t0 = now();
  const child = spawn(s.node, [TERN_BIN, 'run', '--cwd', s.repo, '--out', out, '--prompt', 'hi', ...mockProviderFlags(s.model.url)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await exitOf(child);
  if (code !== 0) throw new BenchAbort(`tern run exited ${code}: ${stderr.slice(-1500)}`);
  const { events } = parseEventsJsonl(await readFile(path.join(out, 'events.jsonl'), 'utf8'));
  const first = events.find((e) => e.dir === 'c2s');
  const request = s.model.requests[seen];
  if (!first || !request) throw new BenchAbort(`tern run: no ${first ? 'model request' : 'line to the server'} recorded`);
  return { spawned: first.ts - t0, firstRequest: request.ts - t0 };
}

/** The server alone, driven by the bench's client: spawn -> the turn's model request. */
async function timeAppServer(s: Setup): Promise<number> {
  const seen = s.model.requests.length;
  const env = ternTestEnv(s.home, { [MOCK_ENV_KEY]: MOCK_API_KEY });
  const t0 = now();
  const server = spawnStdioServer({ command: s.node, args: [TERN_BIN, 'app-server', ...mockProviderFlags(s.model.url)], env }, s.repo);
  try {
    const client = await server.connect();
    await initializeClient(client);
    const threadId = await startThread(client, s.repo);
    const done = client.waitFor((m, p) => m === 'turn/completed' && p.threadId === threadId, RUN_TIMEOUT_MS);
    await client.request('turn/start', { threadId, input: [{ type: 'text', text: 'hi', text_elements: [] }] });
    await done;
  } finally {
    await server.close();
  }
  const request = s.model.requests[seen];
  if (!request) throw new BenchAbort('app-server: no model request recorded');
  return request.ts - t0;
}

/** A bare Node start: spawn -> the first byte its program writes. */
async function timeBareNode(node: string): Promise<number> {
  const t0 = now();
  const child = spawn(node, ['-e', BARE_NODE_SCRIPT], { stdio: ['ignore', 'pipe', 'ignore'] });
  const firstByte = await new Promise<number>((resolve) => child.stdout.once('data', () => resolve(now())));
  await exitOf(child);
  return firstByte - t0;
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new BenchAbort(`${child.spawnfile} took over ${RUN_TIMEOUT_MS} ms`));
    }, RUN_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

export async function benchRunStartup(workRoot: string, iterations: number, log: (s: string) => void): Promise<RunStartupResult> {
  const nodes = node24Available() ? [NODE24, process.execPath] : [process.execPath];
  const model = await startModelServer({ script: [{ output: [{ type: 'message', text: REPLY }] }], onExhausted: 'repeat-last' });
  try {
    const result: RunStartupResult = { nodes: [] };
    for (const node of nodes) {
      const label = node === NODE24 ? 'node24' : `node ${process.version}`;
      const setup: Setup = { node, model, workRoot, home: await mkdtemp(path.join(workRoot, 'run-startup-home-')), repo: createTempRepo({ 'hello.txt': 'hello\n' }, workRoot) };
      // Warm-up, untimed: the home, the page cache, the compile cache.
      await timeRun(setup);
      await timeAppServer(setup);
      const samples = new Map<Measure, number[]>(MEASURES.map((m) => [m, []]));
      for (let i = 1; i <= iterations; i++) {
        const run = await timeRun(setup);
        const bare = await timeBareNode(node);
        const alone = await timeAppServer(setup);
        samples.get('run->server spawned')!.push(run.spawned);
        samples.get('run->first request')!.push(run.firstRequest);
        samples.get('bare node')!.push(bare);
        samples.get('app-server->first request')!.push(alone);
        log(`  ${label} #${i}: run->server spawned ${Math.round(run.spawned)}, run->first request ${Math.round(run.firstRequest)}, bare node ${Math.round(bare)}, app-server->first request ${Math.round(alone)} ms`);
      }
      const rows = Object.fromEntries(MEASURES.map((m) => [m, { ...summarize(samples.get(m)!), samples: samples.get(m)!.map((x) => Math.round(x * 10) / 10) }])) as RunStartupNodeResult['rows'];
      result.nodes.push({
        node: label,
        rows,
        serverSpawnedVsBareNode: rows['run->server spawned'].median / rows['bare node'].median,
        firstRequestVsAppServer: rows['run->first request'].median / rows['app-server->first request'].median,
      });
    }
    return result;
  } finally {
    await model.close();
  }
}
