/**
 * 100 concurrent threads on one server, each running the tools turn (two commands and a patch,
 * four model calls) in a repo of its own, with a script of its own (the model tap routes by
 * thread). Every scripted response starts with a one-delta message carrying a unique marker;
 * latency is the marker passing the model tap -> the `item/agentMessage/delta` carrying it
 * reaching the client (one clock: the tap runs on a worker thread of the bench process, with its
 * scripted servers, so their work does not delay the clients' event loop). 400 samples a run.
 *
 * Threads are spread over CONNECTIONS WebSocket clients (issue 10: 10 clients, 10 threads each):
 * both servers run with `--listen ws://127.0.0.1:PORT` on a port the bench picks.
 */
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { HELLO_REPO, toolsScript } from '../../test/fixtures/scenarios.js';
import { createTempRepo } from '../../test/support/git-repo.js';
import { BenchAbort } from '../common.js';
import { initializeClient, serverClients, spawnWsServer, type BenchClient, type ClientFactory } from '../lib/client.js';
import { marker } from '../lib/model-tap.js';
import { startModelTapThread } from '../lib/model-tap-thread.js';
import { comparedKinds, createHome, measuring, procMemMiB, serverCommand, type ServerKind } from '../lib/servers.js';
import { checkToolsTurn, runTurn, startThread } from './turns.js';

export const THREADS = 100;
/** WebSocket clients the threads are spread over (issue 10: 10). */
export const CONNECTIONS = 10;
const TURN_TIMEOUT_MS = 600_000;
const MARKER_IN_TEXT = /⟦([A-Za-z0-9:_-]+)⟧/;

/** The tools turn with a marker message leading every response of thread `t`. */
function markedScript(t: number): ScriptStep[] {
  return toolsScript().map((step, s) => {
    if (!('output' in step)) return step;
    const tag = { type: 'message' as const, text: `step ${marker(`t${t}-s${s}`)}`, chunks: 1 };
    const last = step.output.at(-1);
    // The final message carries its marker itself (one delta), the others get a leading message.
    if (s === 3 && last?.type === 'message') return { output: [{ ...last, text: `${last.text} ${marker(`t${t}-s${s}`)}`, chunks: 1 }] };
    return { ...step, output: [tag, ...step.output] };
  });
}

export interface ConcurrencyRow {
  kind: ServerKind;
  threads: number;
  connections: number;
  completed: number;
  latencySamples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Latency of the first response of each thread (100 at once) and of the three later ones. */
  firstResponse: { p50Ms: number; p99Ms: number };
  laterResponses: { p50Ms: number; p99Ms: number };
  /** Split at the notification's `emittedAtMs` (1 ms resolution): model event -> sent, and sent -> handled by the bench. */
  inServer: { p50Ms: number; p99Ms: number } | null;
  delivery: { p50Ms: number; p99Ms: number } | null;
  peakRssMiB: number;
  wallMs: number;
}

export interface ConcurrencyResult {
  /** Per kind, the median of each figure over the runs. */
  rows: ConcurrencyRow[];
  /** Every run, per kind. */
  runs: Partial<Record<ServerKind, ConcurrencyRow[]>>;
  /** tern / codex, when both ran. */
  ratios: { p50: number; p99: number; peakRss: number; wall: number } | null;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

async function runOne(kind: ServerKind, workRoot: string, clientsOf: ClientFactory): Promise<ConcurrencyRow> {
  const tap = await startModelTapThread(Array.from({ length: THREADS }, (_, t) => markedScript(t)));
  const home = await createHome(kind, workRoot);
  const dir = await mkdtemp(path.join(workRoot, `conc-${kind.replace('@', '-')}-`));
  const repos = Array.from({ length: THREADS }, () => createTempRepo(HELLO_REPO, dir));
  const server = await spawnWsServer(await serverCommand(home, tap.url), dir);
  return measuring(kind, server, tap, async () => {
    const clients = await clientsOf(server, CONNECTIONS);
    for (const c of new Set<BenchClient>(clients)) await initializeClient(c);
    /** Each marker delta as it reached the client; matched with the tap's stamps after the run. */
    const seen: { id: string; atMs: number; emittedAtMs?: number }[] = [];
    const onNote = (method: string, params: Record<string, any>, atMs: number, emittedAtMs?: number) => {
      if (method !== 'item/agentMessage/delta') return;
      const m = MARKER_IN_TEXT.exec(String(params.delta));
      if (m) seen.push({ id: m[1]!, atMs, emittedAtMs });
    };
    const threadIds = await Promise.all(repos.map((repo, i) => startThread(clients[i % CONNECTIONS]!, repo)));
    const t0 = performance.now();
    const runs = await Promise.all(
      threadIds.map((id, i) => runTurn(clients[i % CONNECTIONS]!, id, 'Read hello.txt, patch it, and write out.txt.', TURN_TIMEOUT_MS, onNote)),
    );
    const wallMs = performance.now() - t0;
    let completed = 0;
    for (const [i, run] of runs.entries()) {
      checkToolsTurn(`${kind} thread ${i}`, run);
      completed += 1;
    }
    const { markers } = await tap.results();
    const latencies: number[] = [];
    /** The first response of every thread arrives at once (all turns start together); the later ones are spread out. */
    const byPhase = { first: [] as number[], later: [] as number[] };
    /**
     * The same latency split at the server's `emittedAtMs` (wall clock, ms): model event -> the server
     * sends the notification, and -> the bench's client handles it.
     */
    const split = { inServer: [] as number[], delivery: [] as number[] };
    for (const { id, atMs, emittedAtMs } of seen) {
      const sent = markers.get(id);
      if (sent === undefined) continue;
      latencies.push(atMs - sent);
      (id.endsWith('-s0') ? byPhase.first : byPhase.later).push(atMs - sent);
      if (emittedAtMs !== undefined) {
        split.inServer.push(emittedAtMs - (performance.timeOrigin + sent));
        split.delivery.push(performance.timeOrigin + atMs - emittedAtMs);
      }
    }
    const expected = THREADS * toolsScript().length;
    if (latencies.length !== expected) throw new BenchAbort(`${kind}: ${latencies.length} marker deltas matched, expected ${expected}`);
    return {
      kind,
      threads: THREADS,
      connections: CONNECTIONS,
      completed,
      latencySamples: latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: Math.max(...latencies),
      firstResponse: { p50Ms: percentile(byPhase.first, 50), p99Ms: percentile(byPhase.first, 99) },
      laterResponses: { p50Ms: percentile(byPhase.later, 50), p99Ms: percentile(byPhase.later, 99) },
      inServer: split.inServer.length > 0 ? { p50Ms: percentile(split.inServer, 50), p99Ms: percentile(split.inServer, 99) } : null,
      delivery: split.delivery.length > 0 ? { p50Ms: percentile(split.delivery, 50), p99Ms: percentile(split.delivery, 99) } : null,
      peakRssMiB: procMemMiB(server.pid, 'VmHWM'),
      wallMs,
    };
  });
}

/** Runs of the whole part: one 100-thread run is noisy on a shared machine (codex's p99 moved 190-600 ms between runs). */
export const CONCURRENCY_RUNS = 3;

/** Each numeric figure of a kind's runs, as its median (the row reported); the runs themselves are kept too. */
function medianRow(runs: ConcurrencyRow[]): ConcurrencyRow {
  const med = (f: (r: ConcurrencyRow) => number): number => {
    const xs = runs.map(f).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)]!;
  };
  const phase = (f: (r: ConcurrencyRow) => { p50Ms: number; p99Ms: number } | null) =>
    runs.every((r) => f(r) !== null) ? { p50Ms: med((r) => f(r)!.p50Ms), p99Ms: med((r) => f(r)!.p99Ms) } : null;
  const first = runs[0]!;
  return {
    ...first,
    completed: Math.min(...runs.map((r) => r.completed)),
    latencySamples: med((r) => r.latencySamples),
    p50Ms: med((r) => r.p50Ms),
    p99Ms: med((r) => r.p99Ms),
    maxMs: med((r) => r.maxMs),
    firstResponse: phase((r) => r.firstResponse)!,
    laterResponses: phase((r) => r.laterResponses)!,
    inServer: phase((r) => r.inServer),
    delivery: phase((r) => r.delivery),
    peakRssMiB: med((r) => r.peakRssMiB),
    wallMs: med((r) => r.wallMs),
  };
}

export async function benchConcurrency(
  workRoot: string,
  log: (s: string) => void,
  clientsOf: ClientFactory = serverClients,
  runs = CONCURRENCY_RUNS,
): Promise<ConcurrencyResult> {
  const kinds = comparedKinds().filter((k) => !process.env.BENCH_ONLY_SERVER || k === process.env.BENCH_ONLY_SERVER);
  const all = new Map<ServerKind, ConcurrencyRow[]>(kinds.map((k) => [k, []]));
  // Alternating kinds, run after run: a burst of background load lands on both.
  for (let run = 1; run <= runs; run++) {
    for (const kind of kinds) {
      const r = await runOne(kind, workRoot, clientsOf);
      log(
        `  run ${run}/${runs}: ${r.threads} threads / ${r.connections} connection(s) ${kind}: ${r.completed} completed, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ` +
          `max ${r.maxMs.toFixed(1)} ms (first response p50/p99 ${r.firstResponse.p50Ms.toFixed(1)}/${r.firstResponse.p99Ms.toFixed(1)}, ` +
          `later ${r.laterResponses.p50Ms.toFixed(1)}/${r.laterResponses.p99Ms.toFixed(1)}; in server ${r.inServer?.p50Ms.toFixed(1)}/${r.inServer?.p99Ms.toFixed(1)}, ` +
          `delivery ${r.delivery?.p50Ms.toFixed(1)}/${r.delivery?.p99Ms.toFixed(1)}), peak RSS ${r.peakRssMiB.toFixed(1)} MiB, wall ${Math.round(r.wallMs)} ms`,
      );
      all.get(kind)!.push(r);
    }
  }
  const rows = kinds.map((k) => medianRow(all.get(k)!));
  const tern = rows.find((r) => r.kind !== 'codex');
  const codex = rows.find((r) => r.kind === 'codex');
  const ratios =
    tern && codex
      ? { p50: tern.p50Ms / codex.p50Ms, p99: tern.p99Ms / codex.p99Ms, peakRss: tern.peakRssMiB / codex.peakRssMiB, wall: tern.wallMs / codex.wallMs }
      : null;
  return { rows, runs: Object.fromEntries(all), ratios };
}
