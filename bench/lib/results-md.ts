/**
 * bench/RESULTS.md, rendered from the latest JSON results in bench/results/ (written by
 * `npm run bench`; commit it with the run's JSON). Every comparison is a ratio of figures from the
 * same run: tern / codex, below 1 means tern is faster or smaller.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
export const SCALE_RESULTS = 'scale-latest.json';
const SERVERS_RESULTS = 'latest.json';
const RESULTS_MD = path.join(BENCH_DIR, 'RESULTS.md');

/** Issue 10's targets, as ratios or absolute figures. */
const TARGETS = {
  startupRatio: 1,
  rssRatio: 0.5,
  p99Ms: 50,
  bigOutputGrowthMiB: 64,
  /** "flat": at 1,000 items at most this many times the figure at 10 items. */
  flatGrowth: 1.5,
};

type J = Record<string, any>;

function read(name: string): J | null {
  const file = path.join(RESULTS_DIR, name);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as J) : null;
}

const f1 = (x: number | null | undefined) => (typeof x === 'number' ? x.toFixed(1) : '–');
const f0 = (x: number | null | undefined) => (typeof x === 'number' ? Math.round(x).toString() : '–');
const ratio = (x: number | null | undefined) => (typeof x === 'number' ? `**${x.toFixed(2)}x**` : '–');
const meets = (ok: boolean) => (ok ? 'met' : '**not met**');
const when = (part: J) => `measured ${String(part.at).slice(0, 16).replace('T', ' ')} UTC, load average ${(part.loadAvgAtStart ?? []).join(' ')}`;

function startupSection(s: J): string[] {
  const rows = Object.entries(s.rows as J).map(([k, v]) => `| ${k} | ${f1(v.min)} | ${f1(v.median)} | ${f1(v.max)} | ${v.samples.length} |`);
  const r24 = s.ratioNode24 as number | null;
  return [
    '## Start-up: spawn -> `initialize` result (warm homes)',
    '',
    when(s),
    '',
    '| server | min ms | median ms | max ms | n |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `tern on Node 24 / codex: ${ratio(r24)} (target at most ${TARGETS.startupRatio.toFixed(2)}x: ${r24 === null ? '–' : meets(r24 <= TARGETS.startupRatio)}); ` +
      `tern on ${s.benchNode ?? 'the bench\'s Node'} / codex: ${ratio(s.ratioNode)}.`,
    '',
  ];
}

function runStartupSection(s: J): string[] {
  const lines = [
    '## `tern run` start-up: spawn -> its server spawned, -> first model request (warm home)',
    '',
    when(s),
    '',
    '| node | measure | min ms | median ms | max ms | n |',
    '|---|---|---|---|---|---|',
  ];
  for (const n of s.nodes as J[]) {
    for (const [k, v] of Object.entries(n.rows as J)) lines.push(`| ${n.node} | ${k} | ${f1(v.min)} | ${f1(v.median)} | ${f1(v.max)} | ${v.samples.length} |`);
  }
  lines.push('');
  for (const n of s.nodes as J[]) {
    lines.push(`${n.node}: run->server spawned / bare node start: ${ratio(n.serverSpawnedVsBareNode)}; run->first request / app-server alone->first request: ${ratio(n.firstRequestVsAppServer)}.`, '');
  }
  return lines;
}

/** tern's spawn helper: peak (VmHWM) / own memory (RssAnon); '-' for codex, which has none. */
const helperCell = (h: J | undefined): string => (h ? `${f1(h.peakMiB)} / ${f1(h.anonMiB)}` : '-');

/** The servers' own memory with tern's helper counted (its file pages are the node binary's, shared with the server). */
function ownMemoryLine(s: J): string[] {
  const tern = s.helpers?.['tern@node24'] ? 'tern@node24' : s.helpers?.['tern@node'] ? 'tern@node' : null;
  const codexOwn = s.split?.codex?.anonMiB as number | undefined;
  if (tern === null || codexOwn === undefined) return [];
  const own = s.split[tern].anonMiB + s.helpers[tern].anonMiB;
  const footprint = s.rows[tern].median + s.helpers[tern].anonMiB;
  return [
    `The spawn helper (tern's second process, which starts the commands) is counted apart: its file pages are the node binary's, shared with the server's. ` +
      `Server peak + the helper's own memory, ${tern}: ${f1(footprint)} MiB (${ratio(footprint / s.rows.codex.median)} of codex's peak). ` +
      `Own memory (RssAnon) alone, server + helper: ${f1(own)} MiB; codex: ${f1(codexOwn)} MiB (${ratio(own / codexOwn)}).`,
  ];
}

function rssSection(s: J): string[] {
  const rows = Object.entries(s.rows as J).map(
    ([k, v]) =>
      `| ${k} | ${f1(v.min)} | ${f1(v.median)} | ${f1(v.max)} | ${f1(s.split?.[k]?.anonMiB)} | ${f1(s.split?.[k]?.fileMiB)} | ${helperCell(s.helpers?.[k])} |`,
  );
  const r24 = s.ratioNode24 as number | null;
  return [
    '## Peak server RSS on the tools turn (VmHWM, MiB)',
    '',
    when(s),
    '',
    '| server | min | median | max | own (RssAnon) after | mapped files (RssFile) after | spawn helper: peak / own |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `tern on Node 24 / codex: ${ratio(r24)} (target at most ${TARGETS.rssRatio.toFixed(2)}x: ${r24 === null ? '–' : meets(r24 <= TARGETS.rssRatio)}); tern on the bench's Node / codex: ${ratio(s.ratioNode)}.`,
    "RssFile is mostly the pages of the executable in use (node's or codex's binary); RssAnon is the process's own memory (heap, malloc).",
    ...ownMemoryLine(s),
    '',
  ];
}

function bigOutputSection(s: J): string[] {
  const rows = (s.rows as J[]).map(
    (r) =>
      `| ${r.kind} | ${r.turnStatus} | ${r.deltas} | ${f1(r.deltaBytes / 2 ** 20)} | ${r.deltasInOrder ? 'yes' : '**no**'} | ${f1(r.rssGrowthMiB)} | ${r.helperGrowthMiB === undefined ? '-' : f1(r.helperGrowthMiB)} | ${r.modelSawChars} | ${r.modelSawHeadAndTail ? 'yes' : 'no'} | ${f0(r.persistedBytes / 1024)} | ${f0(r.turnMs)} |`,
  );
  const tern = (s.rows as J[]).find((r) => r.kind !== 'codex');
  const codex = (s.rows as J[]).find((r) => r.kind === 'codex');
  return [
    `## A command printing ${f1(s.printedBytes / 1e6)} MB`,
    '',
    when(s),
    '',
    '| server | turn | deltas | delta MiB | in order | RSS growth MiB | spawn helper growth MiB | model saw (chars) | head + tail | persisted KiB | turn ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    tern ? bigOutputVerdict(tern, codex) : '',
    '',
  ];
}

function longThreadSection(s: J): string[] {
  const points = ['10', '100', '1000'];
  const rows = (s.rows as J[]).map((r) => `| ${r.kind} | ${points.map((p) => f1(r.atItems[p])).join(' | ')} | ${r.growth.toFixed(2)}x | ${f0(r.bodyBytes['1000'] / 1024)} |`);
  const tern = (s.rows as J[]).find((r) => r.kind !== 'codex');
  return [
    '## Harness time per model request as a thread grows (ms, previous response end -> next request)',
    '',
    when(s),
    '',
    s.runs ? `Each figure is the median of ${Object.values(s.runs as Record<string, unknown[]>)[0]?.length ?? 1} runs per server, alternating (every run is in the JSON).` : '',
    '',
    '| server | 10 items | 100 items | 1,000 items | 1,000 / 10 | request KiB at 1,000 |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    s.ratios ? `tern / codex: ${points.map((p) => `${p} items ${ratio(s.ratios[p])}`).join(', ')}.` : '',
    tern ? `tern 1,000 / 10 items: ${tern.growth.toFixed(2)}x (flat target: at most ${TARGETS.flatGrowth}x: ${meets(tern.growth <= TARGETS.flatGrowth)}).` : '',
    '',
  ];
}

/** The growth judged is tern's whole: the server's plus its spawn helper's (which reads the output). */
function bigOutputVerdict(tern: J, codex: J | undefined): string {
  const growth = tern.rssGrowthMiB + (tern.helperGrowthMiB ?? 0);
  const what = tern.helperGrowthMiB === undefined ? 'tern RSS growth' : 'tern RSS growth, server + spawn helper,';
  const verdict = `${what} ${f1(growth)} MiB (target under ${TARGETS.bigOutputGrowthMiB} MiB: ${meets(growth < TARGETS.bigOutputGrowthMiB)})`;
  return verdict + (codex ? `; tern / codex: growth ${ratio(growth / codex.rssGrowthMiB)}, turn time ${ratio(tern.turnMs / codex.turnMs)}.` : '.');
}

/** p50 / p99 of one phase of the run (absent in results from before it was measured). */
const phase = (p: J | undefined | null): string => (p ? `${f1(p.p50Ms)} / ${f1(p.p99Ms)}` : '-');

/** How many runs each row is the median of (older results had one run and no `runs`). */
function runsLine(s: J): string {
  const runs = s.runs ? Math.max(...Object.values(s.runs as J).map((r) => (r as unknown[]).length)) : 1;
  return runs > 1 ? `Each figure is the median of ${runs} runs per server, the servers alternating run after run (every run is in scale-latest.json).` : 'One run per server.';
}

function concurrencySection(s: J): string[] {
  const rows = (s.rows as J[]).map(
    (r) =>
      `| ${r.kind} | ${r.threads} / ${r.connections} | ${r.completed} | ${f1(r.p50Ms)} | ${f1(r.p99Ms)} | ${f1(r.maxMs)} | ${phase(r.firstResponse)} | ${phase(r.laterResponses)} | ${phase(r.inServer)} | ${phase(r.delivery)} | ${f1(r.peakRssMiB)} | ${f0(r.wallMs)} |`,
  );
  const tern = (s.rows as J[]).find((r) => r.kind !== 'codex');
  return [
    '## 100 concurrent threads on one server (tools turn each; latency: model SSE event -> client notification)',
    '',
    when(s),
    '',
    '| server | threads / connections | completed | p50 ms | p99 ms | max ms | first response p50 / p99 | later responses p50 / p99 | in server p50 / p99 | delivery p50 / p99 | peak RSS MiB | wall ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    s.ratios ? `tern / codex: p50 ${ratio(s.ratios.p50)}, p99 ${ratio(s.ratios.p99)}, peak RSS ${ratio(s.ratios.peakRss)}, wall ${ratio(s.ratios.wall)}.` : '',
    tern ? `tern p99 ${f1(tern.p99Ms)} ms (target under ${TARGETS.p99Ms} ms: ${meets(tern.p99Ms < TARGETS.p99Ms)}).` : '',
    runsLine(s),
    'First response: every thread\'s first model response, all 100 streamed at once (the turns start together); later: the other three, spread out by the tools. ' +
      "In server / delivery: the same latency split at the notification's `emittedAtMs` (the server's wall clock, 1 ms resolution): model event -> the server sends it, then -> the bench's client handles it (the bench's own event loop included).",
    tern && tern.connections > 1
      ? `Threads spread evenly over ${tern.connections} WebSocket clients per server (\`--listen ws://127.0.0.1:PORT\`, the \`ws\` library on the client side).`
      : 'One stdio connection carries all threads (measured before the WebSocket transport existed).',
    '',
  ];
}

function serversSection(s: J): string[] {
  const rows = Object.values(s.metrics as J).map((m) => `| ${m.label} | ${f1(m.tern.median)} ${m.unit} | ${f1(m.codex.median)} ${m.unit} | ${ratio(m.ratioOfMedians)} |`);
  return [
    '## Turns, fresh homes (`bench/servers.bench.ts`, tern on the bench\'s Node)',
    '',
    `measured ${String(s.generatedAt).slice(0, 16).replace('T', ' ')} UTC, ${s.config?.iterations ?? '?'} iterations, load average ${(s.machine?.loadAvgAtStart ?? []).join(' ')}`,
    '',
    '| metric | tern median | codex median | tern / codex |',
    '|---|---|---|---|',
    ...rows,
    '',
  ];
}

export async function writeResultsMarkdown(): Promise<void> {
  const scale = read(SCALE_RESULTS);
  const servers = read(SERVERS_RESULTS);
  const m = scale?.machine ?? servers?.machine ?? {};
  const lines = [
    '# Bench results',
    '',
    'Written by `npm run bench` (bench/lib/results-md.ts) from `bench/results/*.json`; see bench/README.md for what',
    'each figure measures. Ratios are tern / codex from the same run (below 1: tern is faster or smaller). The machine',
    'is shared: compare ratios, and absolute figures only at a similar load average.',
    '',
    `Machine: ${m.cpuCount ?? '?'} cpus (${m.cpuModel ?? '?'}), ${m.totalMemGiB ?? '?'} GiB, ${m.platform ?? '?'}; bench on Node ${m.node ?? '?'}; codex ${m.codex ?? '?'}; tern ${m.tern ?? '?'}.`,
    '',
  ];
  if (scale?.startup) lines.push(...startupSection(scale.startup));
  if (scale?.['run-startup']) lines.push(...runStartupSection(scale['run-startup']));
  if (scale?.rss) lines.push(...rssSection(scale.rss));
  if (scale?.['big-output']) lines.push(...bigOutputSection(scale['big-output']));
  if (scale?.['long-thread']) lines.push(...longThreadSection(scale['long-thread']));
  if (scale?.concurrency) lines.push(...concurrencySection(scale.concurrency));
  if (servers?.metrics) lines.push(...serversSection(servers));
  await writeFile(RESULTS_MD, `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`);
  console.log(`wrote ${path.relative(process.cwd(), RESULTS_MD)}`);
}
