/**
 * What the benches share (bench/servers.bench.ts, bench/action.bench.ts): flags, the set of things to
 * stop on failure or Ctrl-C, the run's temp dir, min/median/max, table cells, machine info and the
 * results file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../test/support/protocol-schema.js';

// ---------------------------------------------------------------------------------------------
// Flags

/** A failed check: reported as "bench aborted: <message>", exit 1. */
export class BenchAbort extends Error {}

export interface BenchArgs {
  iterations: number;
  /** --keep: keep the temp dirs. */
  keep: boolean;
  /** --only a,b: run only these parts (benches with parts; the others ignore it). */
  only: string[] | null;
}

/** `[--iterations N | --quick] [--keep] [--help]`; undefined after printing the usage for --help. */
export function parseBenchArgs(opts: { usage: string; iterations: number; quickIterations: number }): BenchArgs | undefined {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string', short: 'n' },
      quick: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(opts.usage);
    return undefined;
  }
  const iterations = values.iterations !== undefined ? Number(values.iterations) : values.quick ? opts.quickIterations : opts.iterations;
  if (!Number.isInteger(iterations) || iterations < 1) throw new BenchAbort(`--iterations: expected a positive integer, got ${values.iterations}`);
  run.keep = values.keep;
  const only = values.only === undefined ? null : values.only.split(',').map((s) => s.trim()).filter(Boolean);
  return { iterations, keep: values.keep, only };
}

// ---------------------------------------------------------------------------------------------
// Cleanup: what is running, the run's temp dir, Ctrl-C

/** Everything that must be stopped (and whose temp dirs must go), even on failure or Ctrl-C. */
export const live = new Set<{ close(): Promise<unknown> }>();

/** The state the signal handler needs. */
export const run: {
  /** The temp dir of this run (removed on Ctrl-C / SIGTERM too, unless --keep). */
  workRoot: string | undefined;
  /** --keep: keep temp dirs. */
  keep: boolean;
  /** Set by Ctrl-C / SIGTERM: the run is being torn down, its errors are expected. */
  interrupted: boolean;
} = { workRoot: undefined, keep: false, interrupted: false };

export async function stopAll(): Promise<void> {
  const all = [...live];
  live.clear();
  await Promise.allSettled(all.map((x) => x.close()));
}

/** A fresh temp dir under os.tmpdir(), recorded as the run's (see `run.workRoot`). */
export async function makeWorkRoot(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  run.workRoot = dir;
  return dir;
}

export async function removeWorkRoot(): Promise<void> {
  if (run.workRoot !== undefined) await rm(run.workRoot, { recursive: true, force: true, maxRetries: 5 });
}

/**
 * Run `main` with Ctrl-C / SIGTERM handling: the first signal runs `beforeStop` (e.g. stop a child
 * that writes into the temp dirs), stops everything in `live`, removes the run's temp dir (unless
 * --keep) and exits 130; a second one exits at once. `on`, not `once`: execa's signal-exit re-raises
 * the signal (killing this process before the teardown) when it finds no other listener left.
 * A BenchAbort is reported as "bench aborted", anything else as "bench failed"; both exit 1.
 */
export function runBench(main: () => Promise<number>, beforeStop: () => Promise<void> = async () => {}): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (run.interrupted) process.exit(130);
      run.interrupted = true;
      console.error(`\n${sig}: stopping …`);
      void beforeStop()
        .then(stopAll)
        .then(() => (run.keep ? undefined : removeWorkRoot()))
        .finally(() => process.exit(130));
    });
  }
  main().then(
    (code) => {
      process.exitCode = code;
    },
    async (err: unknown) => {
      await stopAll();
      if (run.interrupted) return; // the signal handler exits
      if (err instanceof BenchAbort) console.error(`\nbench aborted: ${err.message}`);
      else console.error('\nbench failed:', err);
      process.exitCode = 1;
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Checks

export function tail(s: string, n = 1500): string {
  return s.length > n ? `…${s.slice(-n)}` : s;
}

/** Files of a directory tree (relative path -> content), skipping `.git`. */
export function snapshot(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.name === '.git') continue;
    if (e.isDirectory()) Object.assign(out, snapshot(dir, r));
    else if (e.isFile()) out[r] = readFileSync(path.join(dir, r), 'utf8');
    else out[r] = `<${e.isSymbolicLink() ? 'symlink' : 'special file'}>`;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export function sameFiles(a: Record<string, string>, b: Record<string, string>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ---------------------------------------------------------------------------------------------
// Statistics and report

export interface Summary {
  min: number;
  median: number;
  max: number;
}

export function summarize(xs: number[]): Summary {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: s[0]!, median, max: s[s.length - 1]! };
}

export const median = (xs: number[]): number => summarize(xs).median;
export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
export const fmtMs = (x: number): string => `${Math.round(x)}`;
export const fmtMiB = (x: number): string => x.toFixed(1);

export function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

/** `  min /  median /     max unit`, padded to `width`. */
export function summaryCell(s: Summary, f: (x: number) => string, unit: string, width: number): string {
  return pad(`${pad(f(s.min), 6, true)} / ${pad(f(s.median), 6, true)} / ${pad(f(s.max), 6, true)} ${unit}`, width);
}

/** The machine, with `extra` (what was compared) before the load average at start. */
export function machineInfo<T extends Record<string, unknown>>(extra: T) {
  const cpus = os.cpus();
  return {
    cpuCount: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemGiB: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    ...extra,
    loadAvgAtStart: os.loadavg().map((x) => round(x, 2)),
  };
}

/** `N cpus (model) | node vX | load a b c` */
export function machineLine(machine: { cpuCount: number; cpuModel: string; loadAvgAtStart: number[] }): string {
  return `${machine.cpuCount} cpus (${machine.cpuModel}) | node ${process.version} | load ${machine.loadAvgAtStart.join(' ')}`;
}

export function ternVersion(): string {
  return (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Write `result` as bench/results/<name> and say so. */
export async function writeResults(name: string, result: unknown): Promise<void> {
  const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  await mkdir(outDir, { recursive: true });
  const outFile = path.join(outDir, name);
  await writeFile(outFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), outFile) || outFile}`);
}
