/**
 * `npm run bench` (second part): what the GitHub Action adds on top of a bare `tern run`, as ratios
 * measured in the same run, on the tools scenario (test/fixtures/scenarios.ts: 4 scripted model calls,
 * exec_command, apply_patch add+update, exec_command, final message) against a local model on 127.0.0.1.
 *
 *   baseline  `node dist/tern.js run --cwd <fresh repo> --prompt ... --out <dir> -c ...`, spawn -> exit
 *   subject   `node dist/action.js` as a workflow step (test/support/action-world.ts: a runner's
 *             environment, a bare-repo origin, the GitHub REST stand-in), spawn -> exit: secrets taken,
 *             the agent phase (the same `tern run`) in a PID namespace, the judge, the private-git
 *             commit + push, the PR on the stand-in
 *   peak RSS  GNU time's %M (ru_maxrss of the waited-for tree: the largest single process, not a sum),
 *             when /usr/bin/time is GNU time; skipped otherwise
 *   breakdown where the time goes, from timestamps both sides leave: result.json's startedAt/finishedAt
 *             (inside `tern run`), the model server's request times, the stand-in's request times
 *   isolation runIsolatedPhase(`true`) with `pid-namespace` vs `none`, and the namespace probe alone
 *
 * Baseline and subject alternate (baseline, Action, baseline, Action, ...) after one untimed warm-up
 * each, so drift on a shared machine hits both alike. Every run is verified (exit 0, result.json turnStatus
 * completed + outcome success, the expected files in the checkout; for the Action also conclusion success,
 * one PR on the stand-in, no stand-in violations); the bench aborts otherwise.
 *
 * Usage: node --import tsx bench/action.bench.ts [--iterations N] [--quick] [--keep]
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import type { RunResult } from '../src/artifacts/result.js';
import { startModelServer } from '../src/demo/model-server/server.js';
import type { RecordedRequest as ModelRequest } from '../src/demo/model-server/types.js';
import { pidNamespacePrefix, runIsolatedPhase, type IsolationMode } from '../src/sandbox/isolated-phase.js';
import { HELLO_REPO, TOOLS_EXPECTED_FILES, TOOLS_FINAL_MESSAGE, toolsScript } from '../test/fixtures/scenarios.js';
import { ACTION_BIN, createActionWorld, type ActionWorld } from '../test/support/action-world.js';
import { MOCK_ENV_KEY, mockProviderFlags } from '../test/support/codex-peer.js';
import { createTempRepo } from '../test/support/git-repo.js';
import { REPO_ROOT } from '../test/support/protocol-schema.js';
import { TERN_BIN, ternTestEnv } from '../test/support/tern-server.js';
import {
  BenchAbort,
  fmtMiB,
  fmtMs,
  live,
  machineInfo,
  machineLine,
  makeWorkRoot,
  median,
  pad,
  parseBenchArgs,
  removeWorkRoot,
  round,
  run,
  runBench,
  sameFiles,
  snapshot,
  stopAll,
  summarize,
  summaryCell,
  tail,
  ternVersion,
  writeResults,
  type Summary,
} from './common.js';

// ---------------------------------------------------------------------------------------------
// What is measured

type Side = 'baseline' | 'action';
const SIDES: readonly Side[] = ['baseline', 'action'];
const SIDE_LABEL: Record<Side, string> = { baseline: 'tern run', action: 'Action' };

const PROMPT = 'Read hello.txt, patch it, and write out.txt.';
const MODEL_CALLS = toolsScript().length;
const RUN_TIMEOUT_MS = 120_000;
const ISOLATION_ITERATIONS = 20;
const ISOLATION_TIMEOUT_MS = 30_000;
const GNU_TIME = '/usr/bin/time';

/** Consecutive spans of one run (epoch ms), from the timestamps both sides leave behind. */
type PhaseKey = 'toTernStart' | 'toFirstModelCall' | 'modelCalls' | 'toTernEnd' | 'toExit';
const PHASES: readonly { key: PhaseKey; label: string }[] = [
  { key: 'toTernStart', label: 'spawn -> tern run started' },
  { key: 'toFirstModelCall', label: '-> 1st model request' },
  { key: 'modelCalls', label: `-> ${MODEL_CALLS}th model request` },
  { key: 'toTernEnd', label: '-> tern run finished' },
  { key: 'toExit', label: '-> exit' },
];
/** The Action's last span, split at the stand-in's requests. */
type PublishKey = 'toFirstGitHubCall' | 'gitHubCalls' | 'afterGitHub';
const PUBLISH_PHASES: readonly { key: PublishKey; label: string }[] = [
  { key: 'toFirstGitHubCall', label: '  tern run finished -> 1st REST request' },
  { key: 'gitHubCalls', label: '  1st -> last REST request' },
  { key: 'afterGitHub', label: '  last REST request -> exit' },
];

// ---------------------------------------------------------------------------------------------
// Plumbing

function checkFiles(what: string, dir: string): void {
  const files = snapshot(dir);
  if (!sameFiles(files, TOOLS_EXPECTED_FILES)) {
    throw new BenchAbort(`${what} left the checkout as ${JSON.stringify(files)}, expected ${JSON.stringify(TOOLS_EXPECTED_FILES)}`);
  }
}

function modelCalls(requests: ModelRequest[]): ModelRequest[] {
  return requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses'));
}

type RecordedRun = Pick<RunResult, 'outcome' | 'turnStatus' | 'failure' | 'finalMessage' | 'startedAt' | 'finishedAt'>;

/** result.json of a `tern run`; aborts unless the turn completed and changed files (outcome success). */
function readResult(what: string, file: string, log: string): RecordedRun {
  if (!existsSync(file)) throw new BenchAbort(`${what}: no ${file}${log}`);
  const r = JSON.parse(readFileSync(file, 'utf8')) as RecordedRun;
  if (r.turnStatus !== 'completed' || r.outcome !== 'success') {
    throw new BenchAbort(`${what}: result.json turnStatus ${JSON.stringify(r.turnStatus)}, outcome ${JSON.stringify(r.outcome)} ${JSON.stringify(r.failure)}${log}`);
  }
  if (r.finalMessage !== TOOLS_FINAL_MESSAGE) throw new BenchAbort(`${what}: final message ${JSON.stringify(r.finalMessage)}`);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Peak RSS: GNU time around the node process (baseline and Action alike)

interface RssProbe {
  /** An executable that runs `node "$@"` under GNU time, writing %M (KiB) to `outFile`. */
  wrapper: string;
  outFile: string;
}

/**
 * A wrapper around node that records ru_maxrss, or null when /usr/bin/time is not GNU time. Both sides
 * run under it, so its cost (bash exec + time's fork, a few ms) is in both spawn -> exit figures.
 */
async function makeRssProbe(workRoot: string): Promise<RssProbe | null> {
  if (!existsSync(GNU_TIME)) return null;
  const probe = await execa(GNU_TIME, ['-f', '%M', 'true'], { reject: false, stdin: 'ignore' });
  if (probe.exitCode !== 0 || !/^\d+$/.test(String(probe.stderr).trim())) return null;
  // bash, not sh: dash drops variables whose names are not identifiers, such as INPUT_GITHUB-TOKEN.
  const bash = ['/bin/bash', '/usr/bin/bash'].find((p) => existsSync(p));
  if (!bash) return null;
  const outFile = path.join(workRoot, 'maxrss.txt');
  const wrapper = path.join(workRoot, 'node-under-time');
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  await writeFile(wrapper, `#!${bash}\nexec ${GNU_TIME} -q -f %M -o ${q(outFile)} ${q(process.execPath)} "$@"\n`);
  await chmod(wrapper, 0o755);
  return { wrapper, outFile };
}

async function readRssMiB(probe: RssProbe, what: string): Promise<number> {
  const text = await readFile(probe.outFile, 'utf8').catch(() => '');
  await rm(probe.outFile, { force: true });
  const last = text.trim().split('\n').pop() ?? '';
  if (!/^\d+$/.test(last)) throw new BenchAbort(`${what}: no peak RSS from ${GNU_TIME} (${JSON.stringify(text)})`);
  return Number(last) / 1024;
}

// ---------------------------------------------------------------------------------------------
// One run of each side

interface Sample {
  ms: number;
  rssMiB: number | null;
  phases: Record<PhaseKey, number>;
  publish: Record<PublishKey, number> | null;
}

function spans(t0: number, result: RecordedRun, calls: ModelRequest[], tExit: number): Record<PhaseKey, number> {
  const started = Date.parse(result.startedAt);
  const finished = Date.parse(result.finishedAt);
  return {
    toTernStart: started - t0,
    toFirstModelCall: calls[0]!.ts - started,
    modelCalls: calls.at(-1)!.ts - calls[0]!.ts,
    toTernEnd: finished - calls.at(-1)!.ts,
    toExit: tExit - finished,
  };
}

/** `node dist/tern.js run` in a fresh repo with a fresh TERN_HOME, spawn -> exit. */
async function runBaseline(workRoot: string, tag: string, rss: RssProbe | null): Promise<Sample> {
  const dir = await mkdtemp(path.join(workRoot, `${tag}-baseline-`));
  const model = await startModelServer({ script: toolsScript(), onExhausted: 'error' });
  live.add(model);
  try {
    const repo = createTempRepo(HELLO_REPO, dir);
    const out = path.join(dir, 'out');
    const ternHome = await mkdtemp(path.join(dir, 'tern-home-'));
    // Its own TMPDIR, as the Action gives its agent phase (and nothing is left in /tmp if it is killed).
    const tmpDir = path.join(dir, 'tmp');
    await mkdir(tmpDir);
    const args = [TERN_BIN, 'run', '--cwd', repo, '--prompt', PROMPT, '--out', out, ...mockProviderFlags(model.url, MOCK_ENV_KEY)];
    const epoch0 = Date.now();
    const t0 = performance.now();
    const child = execa(rss?.wrapper ?? process.execPath, args, {
      env: ternTestEnv(ternHome, { TMPDIR: tmpDir }),
      extendEnv: false,
      cwd: dir,
      reject: false,
      stdin: 'ignore',
      timeout: RUN_TIMEOUT_MS,
      // Its own process group, so an interrupted bench can kill tern run, its app server and its tools at once.
      detached: true,
    });
    const handle = {
      close: async () => {
        if (child.pid !== undefined && child.exitCode === null) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        await child;
      },
    };
    live.add(handle);
    const done = await child;
    const ms = performance.now() - t0;
    const epochExit = Date.now();
    live.delete(handle);

    const what = `baseline (tern run, ${tag})`;
    const output = `\n--- stdout+stderr (tail) ---\n${tail(`${String(done.stdout)}\n${String(done.stderr)}`)}`;
    if (done.exitCode !== 0) throw new BenchAbort(`${what}: exit ${String(done.exitCode)}${done.timedOut ? ' (timed out)' : ''}${output}`);
    const result = readResult(what, path.join(out, 'result.json'), output);
    const calls = modelCalls(model.requests);
    if (calls.length !== MODEL_CALLS) throw new BenchAbort(`${what}: ${calls.length} model calls, expected ${MODEL_CALLS}`);
    checkFiles(what, repo);
    const rssMiB = rss ? await readRssMiB(rss, what) : null;
    return { ms, rssMiB, phases: spans(epoch0, result, calls, epochExit), publish: null };
  } finally {
    await model.close();
    live.delete(model);
  }
}

/** Stamps every request the stand-in records (it appends to `requests` on arrival). */
function stampRequests(world: ActionWorld): number[] {
  const stamps: number[] = [];
  const requests = world.github.requests;
  const push = requests.push.bind(requests);
  requests.push = (...items) => {
    for (let i = 0; i < items.length; i++) stamps.push(Date.now());
    return push(...items);
  };
  return stamps;
}

/** `node dist/action.js` as a workflow step in a fresh world, spawn -> exit. */
async function runAction(tag: string, rss: RssProbe | null): Promise<Sample> {
  const world = await createActionWorld(HELLO_REPO, toolsScript());
  // world.close() removes its temp root; with --keep only its servers are stopped. Once only: the
  // Ctrl-C teardown and the finally below may both get here.
  let closed: Promise<unknown> | undefined;
  const handle = {
    close: () => (closed ??= run.keep ? Promise.allSettled([world.model.close(), world.github.close()]) : world.close()),
  };
  live.add(handle);
  try {
    const restStamps = stampRequests(world);
    // The step is spawned with process.execPath (src/demo/workflow-step.ts): point it at the GNU time
    // wrapper for this call only. Nothing else in this process spawns node meanwhile.
    const realExecPath = process.execPath;
    if (rss) process.execPath = rss.wrapper;
    const epoch0 = Date.now();
    const t0 = performance.now();
    let run: Awaited<ReturnType<ActionWorld['run']>>;
    try {
      run = await world.run({ inputs: { prompt: PROMPT } });
    } finally {
      process.execPath = realExecPath;
    }
    const ms = performance.now() - t0;
    const epochExit = Date.now();

    const what = `Action (${tag})`;
    const output = `\n--- step log (tail) ---\n${tail(`${run.stdout}\n${run.stderr}`)}`;
    if (run.exitCode !== 0) throw new BenchAbort(`${what}: exit ${run.exitCode}${output}`);
    if (run.outputs.conclusion !== 'success') {
      throw new BenchAbort(`${what}: conclusion ${JSON.stringify(run.outputs.conclusion)} (${run.outputs.reason ?? ''})${output}`);
    }
    const pulls = world.github.state.pulls;
    if (pulls.length !== 1 || pulls[0]!.head !== run.outputs.branch) {
      throw new BenchAbort(`${what}: expected 1 PR from ${JSON.stringify(run.outputs.branch)}, stand-in has ${JSON.stringify(pulls.map((p) => p.head))}${output}`);
    }
    if (world.github.violations.length > 0) throw new BenchAbort(`${what}: GitHub stand-in violations:\n${world.github.violations.join('\n')}`);
    const artifacts = run.outputs['artifacts-dir'];
    if (!artifacts) throw new BenchAbort(`${what}: no artifacts-dir output${output}`);
    const result = readResult(`${what}, agent phase`, path.join(artifacts, 'result.json'), output);
    const calls = modelCalls(world.model.requests);
    if (calls.length !== MODEL_CALLS) throw new BenchAbort(`${what}: ${calls.length} model calls, expected ${MODEL_CALLS}`);
    checkFiles(what, world.checkout);
    if (restStamps.length === 0) throw new BenchAbort(`${what}: no request reached the GitHub stand-in`);
    const rssMiB = rss ? await readRssMiB(rss, what) : null;

    const finished = Date.parse(result.finishedAt);
    const publish = {
      toFirstGitHubCall: restStamps[0]! - finished,
      gitHubCalls: restStamps.at(-1)! - restStamps[0]!,
      afterGitHub: epochExit - restStamps.at(-1)!,
    };
    return { ms, rssMiB, phases: spans(epoch0, result, calls, epochExit), publish };
  } finally {
    live.delete(handle);
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Isolation alone: runIsolatedPhase(`true`), spawn -> return

type IsoName = IsolationMode | 'probe';
const ISO_NAMES: readonly IsoName[] = ['pid-namespace', 'none', 'probe'];

async function isolatedOnce(name: IsoName, cwd: string, command: string[] = ['true']): Promise<{ ms: number; output: string }> {
  const t0 = performance.now();
  if (name === 'probe') {
    await pidNamespacePrefix();
    return { ms: performance.now() - t0, output: '' };
  }
  const r = await runIsolatedPhase({ command, cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, isolation: name, timeoutMs: ISOLATION_TIMEOUT_MS });
  const ms = performance.now() - t0;
  if (r.exitCode !== 0) throw new BenchAbort(`isolation ${name}: ${command.join(' ')} exited ${String(r.exitCode)}${r.timedOut ? ' (timed out)' : ''}: ${tail(r.outputTail)}`);
  return { ms, output: r.outputTail };
}

// ---------------------------------------------------------------------------------------------
// Statistics and report

function benchMachineInfo(rss: RssProbe | null) {
  return machineInfo({
    uid: process.getuid?.() ?? null,
    tern: ternVersion(),
    baselineCommand: `node ${path.relative(REPO_ROOT, TERN_BIN)} run`,
    subjectCommand: `node ${path.relative(REPO_ROOT, ACTION_BIN)}`,
    peakRssTool: rss ? `${GNU_TIME} -f %M` : null,
  });
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  const args = parseBenchArgs({
    usage:
      'usage: node --import tsx bench/action.bench.ts [--iterations N | --quick] [--keep]\n' +
      '  default 5 iterations per side; --quick = 3; --keep keeps the temp dirs',
    iterations: 5,
    quickIterations: 3,
  });
  if (args === undefined) return 0;
  const { iterations } = args;

  const workRoot = await makeWorkRoot('tern-bench-action-');
  const rss = await makeRssProbe(workRoot);
  const machine = benchMachineInfo(rss);
  console.log(`tern ${machine.tern}: the Action vs a bare tern run | ${machineLine(machine)}`);
  console.log(`${iterations} iterations per side, alternating tern run/Action, after 1 untimed warm-up each`);
  if (!rss) console.log(`peak RSS skipped: no GNU time at ${GNU_TIME} (or no bash)`);
  console.log('');

  const samples: Record<Side, Sample[]> = { baseline: [], action: [] };
  const iso: Record<IsoName, number[]> = { 'pid-namespace': [], none: [], probe: [] };
  const once = (side: Side, tag: string): Promise<Sample> => (side === 'baseline' ? runBaseline(workRoot, tag, rss) : runAction(tag, rss));
  const line = (side: Side, s: Sample): string => `${SIDE_LABEL[side]} ${fmtMs(s.ms)} ms${s.rssMiB === null ? '' : ` ${fmtMiB(s.rssMiB)} MiB`}`;
  const tStart = performance.now();
  try {
    for (const side of SIDES) {
      process.stdout.write(`warm-up ${SIDE_LABEL[side]} … `);
      console.log(line(side, await once(side, 'warmup')).replace(`${SIDE_LABEL[side]} `, ''));
    }
    for (let i = 1; i <= iterations; i++) {
      const parts: string[] = [];
      for (const side of SIDES) {
        const s = await once(side, `i${i}`);
        samples[side].push(s);
        parts.push(line(side, s));
      }
      console.log(`#${i}  ${parts.join('   ')}`);
    }

    // Isolation alone. The warm-up also checks that pid-namespace really is a new namespace:
    // there the command is the init's child (PID 2), with none it is not.
    const isoCwd = await mkdtemp(path.join(workRoot, 'isolation-'));
    const pidInside = (await isolatedOnce('pid-namespace', isoCwd, ['sh', '-c', 'echo $$'])).output.trim();
    const pidOutside = (await isolatedOnce('none', isoCwd, ['sh', '-c', 'echo $$'])).output.trim();
    if (pidInside !== '2' || pidOutside === '2') {
      throw new BenchAbort(`isolation: PID inside the namespace ${JSON.stringify(pidInside)} (expected "2"), without ${JSON.stringify(pidOutside)}`);
    }
    await isolatedOnce('probe', isoCwd);
    process.stdout.write(`\nisolation: ${ISOLATION_ITERATIONS} iterations each of runIsolatedPhase(true) pid-namespace / none / probe only, alternating … `);
    for (let i = 0; i < ISOLATION_ITERATIONS; i++) {
      for (const name of ISO_NAMES) iso[name].push((await isolatedOnce(name, isoCwd)).ms);
    }
    console.log('done');
  } finally {
    await stopAll();
    // Removed on failure too (the abort message carries the log tails); --keep keeps everything.
    if (!args.keep) await removeWorkRoot();
    else if (!run.interrupted) console.error(`temp dirs kept in ${workRoot} (and the Action worlds' in ${os.tmpdir()}/tern-action-*)`);
  }
  const wallS = (performance.now() - tStart) / 1000;

  // ---- report
  const total = { baseline: summarize(samples.baseline.map((s) => s.ms)), action: summarize(samples.action.map((s) => s.ms)) };
  const totalRatio = total.action.median / total.baseline.median;
  const rssOf = (side: Side): Summary | null => (rss ? summarize(samples[side].map((s) => s.rssMiB!)) : null);
  const peak = { baseline: rssOf('baseline'), action: rssOf('action') };
  const rssRatio = peak.baseline && peak.action ? peak.action.median / peak.baseline.median : null;

  const cell = (s: Summary, f: (x: number) => string, unit: string): string => summaryCell(s, f, unit, 28);
  console.log('');
  console.log(`${pad('metric', 15)}  ${pad('tern run min / median / max', 28)}  ${pad('Action min / median / max', 28)}  ${pad('Action/run', 10, true)}`);
  console.log(`${pad('spawn -> exit', 15)}  ${cell(total.baseline, fmtMs, 'ms')}  ${cell(total.action, fmtMs, 'ms')}  ${pad(`${totalRatio.toFixed(2)}x`, 10, true)}`);
  if (peak.baseline && peak.action && rssRatio !== null) {
    console.log(`${pad('peak RSS', 15)}  ${cell(peak.baseline, fmtMiB, 'MiB')}  ${cell(peak.action, fmtMiB, 'MiB')}  ${pad(`${rssRatio.toFixed(2)}x`, 10, true)}`);
  }

  const phaseMedians = (side: Side) => Object.fromEntries(PHASES.map((p) => [p.key, median(samples[side].map((s) => s.phases[p.key]))])) as Record<PhaseKey, number>;
  const phases = { baseline: phaseMedians('baseline'), action: phaseMedians('action') };
  const publish = Object.fromEntries(PUBLISH_PHASES.map((p) => [p.key, median(samples.action.map((s) => s.publish![p.key]))])) as Record<PublishKey, number>;
  console.log('\nwhere the time goes (medians per span, ms; spans are consecutive, so each row starts where the one above ends)');
  console.log(`${pad('span', 40)}  ${pad('tern run', 8, true)}  ${pad('Action', 8, true)}  ${pad('added', 8, true)}`);
  for (const p of PHASES) {
    const b = phases.baseline[p.key];
    const a = phases.action[p.key];
    console.log(`${pad(p.label, 40)}  ${pad(fmtMs(b), 8, true)}  ${pad(fmtMs(a), 8, true)}  ${pad(`${a - b >= 0 ? '+' : ''}${fmtMs(a - b)}`, 8, true)}`);
  }
  for (const p of PUBLISH_PHASES) console.log(`${pad(p.label, 40)}  ${pad('', 8, true)}  ${pad(fmtMs(publish[p.key]), 8, true)}`);

  const isoSum = Object.fromEntries(ISO_NAMES.map((n) => [n, summarize(iso[n])])) as Record<IsoName, Summary>;
  const isoRatio = isoSum['pid-namespace'].median / isoSum.none.median;
  console.log(`\nisolation alone: runIsolatedPhase(['true']), spawn -> return, ${ISOLATION_ITERATIONS} iterations each`);
  for (const n of ISO_NAMES) {
    const label = n === 'probe' ? 'probe only (pidNamespacePrefix)' : `isolation: ${n}`;
    console.log(`${pad(label, 32)}  ${cell(isoSum[n], (x) => x.toFixed(1), 'ms')}`.trimEnd());
  }
  console.log(
    `${pad('pid-namespace / none', 32)}  ${isoRatio.toFixed(2)}x (+${(isoSum['pid-namespace'].median - isoSum.none.median).toFixed(1)} ms, of which the probe ${isoSum.probe.median.toFixed(1)} ms)`,
  );

  console.log('');
  console.log(`spawn -> exit   tern run ${fmtMs(total.baseline.median)} ms  Action ${fmtMs(total.action.median)} ms  ratio ${totalRatio.toFixed(2)}x`);
  if (peak.baseline && peak.action && rssRatio !== null) {
    console.log(`peak RSS        tern run ${fmtMiB(peak.baseline.median)} MiB  Action ${fmtMiB(peak.action.median)} MiB  ratio ${rssRatio.toFixed(2)}x`);
  }
  console.log(`isolation       none ${isoSum.none.median.toFixed(1)} ms  pid-namespace ${isoSum['pid-namespace'].median.toFixed(1)} ms  ratio ${isoRatio.toFixed(2)}x`);
  console.log(
    '\nratio = Action median / tern run median (pid-namespace / none for isolation). Peak RSS is GNU time\'s %M:' +
      '\nthe largest single process of the tree (node for both), not the sum of the tree.',
  );
  console.log(`bench wall time ${wallS.toFixed(1)} s (${iterations} iterations + warm-up, 2 sides; isolation ${ISOLATION_ITERATIONS} x 3)`);

  const withSamples = (s: Summary, xs: number[]) => ({ min: round(s.min, 2), median: round(s.median, 2), max: round(s.max, 2), samples: xs.map((x) => round(x, 2)) });
  const result = {
    generatedAt: new Date().toISOString(),
    machine: { ...machine, loadAvgAtEnd: os.loadavg().map((x) => round(x, 2)) },
    config: {
      iterations,
      warmupPerSide: 1,
      order: 'alternating tern run, Action per iteration',
      scenario: { repo: HELLO_REPO, modelCalls: MODEL_CALLS, prompt: PROMPT },
      action: { mode: 'run', agentIsolation: 'pid-namespace (action.yml default)', createPr: true },
      isolationIterations: ISOLATION_ITERATIONS,
    },
    wallTimeS: round(wallS, 1),
    metrics: {
      spawnToExitMs: {
        baseline: withSamples(total.baseline, samples.baseline.map((s) => s.ms)),
        action: withSamples(total.action, samples.action.map((s) => s.ms)),
        ratioOfMedians: round(totalRatio, 3),
      },
      peakRssMiB:
        peak.baseline && peak.action && rssRatio !== null
          ? {
              what: 'GNU time %M: ru_maxrss of the largest single process in the tree',
              baseline: withSamples(peak.baseline, samples.baseline.map((s) => s.rssMiB!)),
              action: withSamples(peak.action, samples.action.map((s) => s.rssMiB!)),
              ratioOfMedians: round(rssRatio, 3),
            }
          : null,
      spansMedianMs: {
        baseline: Object.fromEntries(PHASES.map((p) => [p.key, round(phases.baseline[p.key])])),
        action: Object.fromEntries(PHASES.map((p) => [p.key, round(phases.action[p.key])])),
        actionAfterTernRun: Object.fromEntries(PUBLISH_PHASES.map((p) => [p.key, round(publish[p.key])])),
      },
      isolationMs: {
        what: "runIsolatedPhase({command: ['true']}), spawn -> return; probe = pidNamespacePrefix() alone",
        pidNamespace: withSamples(isoSum['pid-namespace'], iso['pid-namespace']),
        none: withSamples(isoSum.none, iso.none),
        probe: withSamples(isoSum.probe, iso.probe),
        ratioOfMedians: round(isoRatio, 3),
      },
    },
  };
  await writeResults('action-latest.json', result);
  return 0;
}

/** This process's descendants whose command line contains `needle` (from /proc). */
function descendantsRunning(needle: string): number[] {
  const parent = new Map<number, number>();
  const cmdline = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      cmdline.set(Number(name), readFileSync(`/proc/${name}/cmdline`, 'utf8'));
    } catch {
      // exited meanwhile
    }
  }
  const isMine = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  return [...cmdline].filter(([pid, cmd]) => cmd.includes(needle) && isMine(pid)).map(([pid]) => pid);
}

/**
 * Ctrl-C / SIGTERM: stop a running Action step first (SIGTERM: it takes its isolated phase down with
 * it), so that nothing writes into the temp dirs while they are removed; runBench then stops the
 * servers and removes the dirs.
 */
async function stopActionSteps(): Promise<void> {
  const steps = descendantsRunning(ACTION_BIN);
  for (const pid of steps) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 10_000;
  while (steps.some((pid) => existsSync(`/proc/${pid}`)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const pid of steps) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

runBench(main, stopActionSteps);
