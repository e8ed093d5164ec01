/**
 * `npm run bench` (third part): start-up and scale, tern against the pinned `codex app-server`
 * where codex can do the same work, each figure a tern/codex ratio from the same run:
 *   startup      spawn -> `initialize` result, warm homes: tern on Node 24 and on this Node, codex
 *   run-startup  `tern run`: spawn -> its server spawned, -> first model request, against a bare
 *                Node start and `tern app-server` alone (tern only: codex has no such driver)
 *   rss          peak server RSS (VmHWM) on the tools turn
 *   big-output   a command printing ~200 MB: completion, deltas in order, RSS growth, what the model saw
 *   long-thread  harness time per model request at 10, 100 and 1,000 items
 *   concurrency  100 concurrent threads on one server: all complete, p50/p99 event latency, peak RSS
 * Writes bench/results/scale-latest.json, then bench/RESULTS.md (with the other benches' latest
 * results when present).
 *
 * Usage: node --import tsx bench/scale.bench.ts [--iterations N | --quick] [--only a,b] [--keep]
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { codexVersion } from '../test/support/codex-peer.js';
import { machineInfo, machineLine, makeWorkRoot, parseBenchArgs, removeWorkRoot, round, run, runBench, stopAll, ternVersion, writeResults } from './common.js';
import { RESULTS_DIR, SCALE_RESULTS, writeResultsMarkdown } from './lib/results-md.js';
import { NODE24, node24Available } from './lib/servers.js';
import { benchBigOutput } from './scale/big-output.js';
import { benchConcurrency } from './scale/concurrency.js';
import { benchLongThread } from './scale/long-thread.js';
import { benchRunStartup } from './scale/run-startup.js';
import { benchStartup } from './scale/startup.js';
import { benchToolsRss } from './scale/turns.js';

const PARTS = ['startup', 'run-startup', 'rss', 'big-output', 'long-thread', 'concurrency'] as const;
type Part = (typeof PARTS)[number];

/** Start-up samples per server are cheap: more of them than of the other parts. */
const STARTUP_ITERATIONS_FACTOR = 3;

async function main(): Promise<number> {
  const args = parseBenchArgs({
    usage: `usage: node --import tsx bench/scale.bench.ts [--iterations N | --quick] [--only ${PARTS.join(',')}] [--keep]`,
    iterations: 5,
    quickIterations: 3,
  });
  if (args === undefined) return 0;
  const parts = PARTS.filter((p) => args.only === null || args.only.includes(p));
  const machine = machineInfo({ codex: codexVersion(), tern: ternVersion(), node24: node24Available() ? path.basename(path.dirname(path.dirname(NODE24))) : null });
  console.log(`scale: tern ${machine.tern} vs codex ${machine.codex} | ${machineLine(machine)} | parts: ${parts.join(', ')}`);
  if (!node24Available()) console.warn(`warning: no Node 24 at ${NODE24} (.ci/run installs it): tern runs on ${process.version} only`);

  const workRoot = await makeWorkRoot('tern-scale-');
  const results: Partial<Record<Part, unknown>> = {};
  const t0 = performance.now();
  let ok = false;
  try {
    const log = (s: string) => console.log(s);
    for (const part of parts) {
      console.log(`\n${part}`);
      const load = os.loadavg().map((x) => round(x, 2));
      const at = new Date().toISOString();
      results[part] = { at, loadAvgAtStart: load, ...(await runPart(part, workRoot, args.iterations, log)) };
    }
    ok = true;
  } finally {
    await stopAll();
    if (ok && !args.keep) await removeWorkRoot();
    else if (!run.interrupted) console.error(`temp dirs kept in ${workRoot}`);
  }
  // --only merges into the previous results: each part keeps the time and load it ran at.
  const previous = args.only === null ? {} : readPrevious();
  const result = {
    ...previous,
    generatedAt: new Date().toISOString(),
    machine: { ...machine, loadAvgAtEnd: os.loadavg().map((x) => round(x, 2)) },
    iterations: args.iterations,
    wallTimeS: round((performance.now() - t0) / 1000, 1),
    ...results,
  };
  await writeResults(SCALE_RESULTS, result);
  await writeResultsMarkdown();
  return 0;
}

function runPart(part: Part, workRoot: string, iterations: number, log: (s: string) => void): Promise<object> {
  switch (part) {
    case 'startup':
      return benchStartup(workRoot, iterations * STARTUP_ITERATIONS_FACTOR, log);
    case 'run-startup':
      return benchRunStartup(workRoot, iterations, log);
    case 'rss':
      return benchToolsRss(workRoot, iterations, log);
    case 'big-output':
      return benchBigOutput(workRoot, log);
    case 'long-thread':
      return benchLongThread(workRoot, log);
    case 'concurrency':
      return benchConcurrency(workRoot, log);
  }
}

function readPrevious(): Record<string, unknown> {
  const file = path.join(RESULTS_DIR, SCALE_RESULTS);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
}

runBench(main);
