/**
 * A thread growing to 1,000 items in one turn: 500 scripted calls of a tool that does not exist
 * (each adds a call and its output to the history, and the harness answers at once: no process,
 * so what is timed is the harness alone), then a final message. At the model tap, the harness's
 * own time per request is the previous response's end (`response.completed` passing toward the
 * server) -> the next request's arrival. Reported as the median of the 9 requests around the
 * points where the history holds 10, 100 and 1,000 items, then the median of LONG_THREAD_RUNS
 * such runs per server. A 30-call thread runs first on the same server, so the first points do not
 * pay for cold code.
 */
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { HELLO_REPO } from '../../test/fixtures/scenarios.js';
import { createTempRepo } from '../../test/support/git-repo.js';
import { BenchAbort, median } from '../common.js';
import { initializeClient, spawnStdioServer } from '../lib/client.js';
import { startModelTap } from '../lib/model-tap.js';
import { comparedKinds, createHome, measuring, serverCommand, type ServerKind } from '../lib/servers.js';
import { runTurn, startThread } from './turns.js';

/** Items at which the overhead is reported. */
export const POINTS = [10, 100, 1000] as const;
/** Each call adds two items (the call and its output). */
const ITEMS_PER_CALL = 2;
const CALLS = POINTS.at(-1)! / ITEMS_PER_CALL;
/** Requests on each side of a point that count toward its median. */
const WINDOW = 4;
const TURN_TIMEOUT_MS = 600_000;
const NOOP_TOOL = 'bench_no_such_tool';

/** Calls in the warm-up thread run first on the same server (JIT, first-request costs). */
const WARM_UP_CALLS = 30;

function script(calls: number): ScriptStep[] {
  const steps: ScriptStep[] = Array.from({ length: calls }, (_, i) => ({
    output: [{ type: 'function_call', name: NOOP_TOOL, arguments: { n: i }, callId: `call_${i}` }],
  }));
  return [...steps, { output: [{ type: 'message', text: 'Done.' }] }];
}

export interface LongThreadRow {
  kind: ServerKind;
  /** Median harness time per request (ms) at each point. */
  atItems: Record<string, number>;
  /** Request body size at each point (bytes). */
  bodyBytes: Record<string, number>;
  /** at 1,000 items / at 10 items. */
  growth: number;
  requests: number;
}

export interface LongThreadResult {
  /** Per kind, the median of each point over the runs. */
  rows: LongThreadRow[];
  /** Every run, per kind. */
  runs: Partial<Record<ServerKind, LongThreadRow[]>>;
  /** tern / codex per point, when both ran. */
  ratios: Record<string, number> | null;
}

async function runOne(kind: ServerKind, workRoot: string): Promise<LongThreadRow> {
  const tap = await startModelTap({ scriptFor: (thread) => script(thread === 0 ? WARM_UP_CALLS : CALLS) });
  const home = await createHome(kind, workRoot);
  const dir = await mkdtemp(path.join(workRoot, `long-${kind.replace('@', '-')}-`));
  const repo = createTempRepo(HELLO_REPO, dir);
  const server = spawnStdioServer(await serverCommand(home, tap.url), dir);
  return measuring(kind, server, tap, async () => {
    const client = await server.connect();
    await initializeClient(client);
    const warmUp = await runTurn(client, await startThread(client, repo), 'Call the tool a few times.', TURN_TIMEOUT_MS);
    if (warmUp.status !== 'completed') throw new BenchAbort(`${kind}: the warm-up turn ended ${warmUp.status}`);
    const run = await runTurn(client, await startThread(client, repo), 'Call the tool many times.', TURN_TIMEOUT_MS);
    const times = [...tap.threads.values()][1];
    if (run.status !== 'completed' || times === undefined || times.requestStarts.length !== CALLS + 1) {
      throw new BenchAbort(`${kind}: long thread turn ${run.status} after ${times?.requestStarts.length ?? 0} requests (expected ${CALLS + 1})`);
    }
    // gap[i]: response i-1 ended -> request i arrived (i >= 1); request i carries ~2i items.
    const gap = (i: number) => times.requestStarts[i]! - times.responseEnds[i - 1]!;
    const atItems: Record<string, number> = {};
    const bodyBytes: Record<string, number> = {};
    for (const p of POINTS) {
      const center = Math.min(CALLS, Math.max(1 + WINDOW, p / ITEMS_PER_CALL));
      const idx = Array.from({ length: 2 * WINDOW + 1 }, (_, k) => center - WINDOW + k).filter((i) => i >= 1 && i <= CALLS);
      atItems[p] = median(idx.map(gap));
      bodyBytes[p] = times.requestBytes[center]!;
    }
    return { kind, atItems, bodyBytes, growth: atItems[1000]! / atItems[10]!, requests: times.requestStarts.length };
  });
}

/** Runs per server, alternating: each point is a few ms, and one run's median of 9 moved by 1-2 ms between runs. */
export const LONG_THREAD_RUNS = 3;

/** Per point, the median over a kind's runs (the row reported); growth from those medians. */
function medianRow(runs: LongThreadRow[]): LongThreadRow {
  const atItems = Object.fromEntries(POINTS.map((p) => [p, median(runs.map((r) => r.atItems[p]!))]));
  return { ...runs[0]!, atItems, growth: atItems[1000]! / atItems[10]! };
}

export async function benchLongThread(workRoot: string, log: (s: string) => void, runs = LONG_THREAD_RUNS): Promise<LongThreadResult> {
  const kinds = comparedKinds();
  const all = new Map<ServerKind, LongThreadRow[]>(kinds.map((k) => [k, []]));
  // Alternating kinds, run after run: a burst of background load lands on both.
  for (let run = 1; run <= runs; run++) {
    for (const kind of kinds) {
      const row = await runOne(kind, workRoot);
      log(`  run ${run}/${runs}: 1,000-item thread ${kind}: ${POINTS.map((p) => `${p} items ${row.atItems[p]!.toFixed(1)} ms`).join(', ')} (x${row.growth.toFixed(2)})`);
      all.get(kind)!.push(row);
    }
  }
  const rows = kinds.map((k) => medianRow(all.get(k)!));
  const tern = rows.find((r) => r.kind !== 'codex');
  const codex = rows.find((r) => r.kind === 'codex');
  const ratios = tern && codex ? Object.fromEntries(POINTS.map((p) => [p, tern.atItems[p]! / codex.atItems[p]!])) : null;
  return { rows, runs: Object.fromEntries(all), ratios };
}
