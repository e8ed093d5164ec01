/**
 * `npm run bench`: tern app-server (`node dist/tern.js app-server`) against the real, pinned
 * `codex app-server`, on the same scripted turns against a local Responses API mock on 127.0.0.1.
 *
 * Per iteration and server (fresh model server, fresh home dirs, fresh temp git repo):
 *   start-up    spawn -> `initialize` result received
 *   text turn   `turn/start` sent -> `turn/completed` received (1 model call)
 *   tools turn  `turn/start` sent -> `turn/completed` received (4 model calls: exec_command,
 *               apply_patch add+update, exec_command, final message)
 *   peak RSS    `VmHWM` of the server process, read right before closing its stdin
 * The servers alternate (tern, codex, tern, codex, ...) after one untimed warm-up each, so drift
 * on a shared machine hits both alike. Every turn is verified; the bench aborts otherwise.
 *
 * Usage: node --import tsx bench/servers.bench.ts [--iterations N] [--quick] [--keep]
 */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startModelServer, type ModelServer } from '../src/demo/model-server/server.js';
import { HELLO_REPO, TEXT_REPLY, TEXT_SCRIPT, TOOLS_EXPECTED_FILES, TOOLS_FINAL_MESSAGE, toolsScript } from '../test/fixtures/scenarios.js';
import { codexBinaryPath, codexPeerCommand, codexVersion } from '../test/support/codex-peer.js';
import { createTempRepo } from '../test/support/git-repo.js';
import { spawnPeer, type JsonlPeer, type ServerMessage } from '../test/support/jsonl-peer.js';
import { REPO_ROOT } from '../test/support/protocol-schema.js';
import { TERN_BIN, ternServerCommand } from '../test/support/tern-server.js';
import {
  BenchAbort,
  fmtMiB,
  fmtMs,
  live,
  machineInfo,
  machineLine,
  makeWorkRoot,
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
} from './common.js';

// ---------------------------------------------------------------------------------------------
// What is measured

type ServerName = 'tern' | 'codex';
const SERVERS: readonly ServerName[] = ['tern', 'codex'];

type MetricKey = 'startupMs' | 'textTurnMs' | 'toolsTurnMs' | 'peakRssMiB';
const METRICS: readonly { key: MetricKey; label: string; unit: 'ms' | 'MiB' }[] = [
  { key: 'startupMs', label: 'start-up', unit: 'ms' },
  { key: 'textTurnMs', label: 'text turn', unit: 'ms' },
  { key: 'toolsTurnMs', label: 'tools turn', unit: 'ms' },
  { key: 'peakRssMiB', label: 'peak RSS', unit: 'MiB' },
];

const TOOLS_SCRIPT = toolsScript();
const MODEL_CALLS = TEXT_SCRIPT.length + TOOLS_SCRIPT.length;

/** The repo after the tools turn, as both servers must leave it (files outside .git). */
const EXPECTED_FILES = TOOLS_EXPECTED_FILES;

const TURN_TIMEOUT_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// Plumbing

function readVmHWMMiB(pid: number | undefined): number {
  if (pid === undefined) throw new BenchAbort('server has no pid');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  if (!m) throw new BenchAbort(`no VmHWM in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

const notificationsSince = (peer: JsonlPeer, from: number, threadId: string): ServerMessage[] =>
  peer.transcript
    .slice(from)
    .filter((e) => e.dir === 's2c' && typeof e.msg === 'object' && e.msg !== null && 'method' in e.msg && !('id' in e.msg))
    .map((e) => e.msg as ServerMessage)
    .filter((m) => m.params?.threadId === undefined || m.params.threadId === threadId);

/**
 * Start a thread in `cwd`, then time `turn/start` sent -> `turn/completed` received. Aborts unless
 * the turn completed with status "completed".
 */
async function timedTurn(
  server: ServerName,
  peer: JsonlPeer,
  cwd: string,
  text: string,
  what: string,
): Promise<{ ms: number; notes: ServerMessage[] }> {
  const { thread } = await peer.request('thread/start', { cwd, approvalPolicy: 'never', sandbox: 'workspace-write' });
  const threadId: string = thread.id;
  const mark = peer.mark();
  const done = peer
    .waitFor((m) => m.method === 'turn/completed' && m.params?.threadId === threadId, TURN_TIMEOUT_MS, { from: mark })
    .then((msg) => ({ msg, t: performance.now() }));
  done.catch(() => undefined); // awaited below; don't let an early turn/start failure make it unhandled
  const t0 = performance.now();
  const started = await peer.request('turn/start', { threadId, input: [{ type: 'text', text, text_elements: [] }] });
  const { msg, t } = await done;
  const turn = msg.params.turn;
  if (turn?.id !== started.turn.id) throw new BenchAbort(`${server} ${what}: turn/completed for turn ${turn?.id}, expected ${started.turn.id}`);
  if (turn.status !== 'completed') {
    throw new BenchAbort(`${server} ${what}: turn ended with status ${JSON.stringify(turn.status)}: ${JSON.stringify(turn.error ?? null)}`);
  }
  return { ms: t - t0, notes: notificationsSince(peer, mark, threadId) };
}

function completedItems(notes: ServerMessage[]): Record<string, any>[] {
  return notes.filter((n) => n.method === 'item/completed').map((n) => n.params.item as Record<string, any>);
}

function checkAgentText(server: ServerName, what: string, notes: ServerMessage[], expected: string): void {
  const agent = completedItems(notes).filter((i) => i.type === 'agentMessage');
  if (agent.at(-1)?.text !== expected) {
    throw new BenchAbort(`${server} ${what}: final agent message ${JSON.stringify(agent.at(-1)?.text)}, expected ${JSON.stringify(expected)}`);
  }
}

function checkToolItems(server: ServerName, notes: ServerMessage[]): void {
  const items = completedItems(notes);
  const cmds = items.filter((i) => i.type === 'commandExecution');
  const patches = items.filter((i) => i.type === 'fileChange');
  const bad = [...cmds, ...patches].filter((i) => i.status !== 'completed');
  if (cmds.length !== 2 || patches.length !== 1 || bad.length > 0) {
    const summary = items.map((i) => `${i.type}:${i.status ?? '-'}${i.exitCode === undefined ? '' : `(exit ${i.exitCode})`}`);
    throw new BenchAbort(`${server} tools turn: expected 2 completed commands and 1 completed patch, got [${summary.join(', ')}]`);
  }
}

interface Sample {
  startupMs: number;
  textTurnMs: number;
  toolsTurnMs: number;
  peakRssMiB: number;
  exitCode: number | null;
  files: Record<string, string>;
}

/** One full run of one server: start-up, text turn, tools turn, peak RSS, clean stop. */
async function runOnce(server: ServerName, workRoot: string, tag: string): Promise<Sample> {
  const dir = await mkdtemp(path.join(workRoot, `${tag}-${server}-`));
  const model: ModelServer = await startModelServer({ script: [...TEXT_SCRIPT, ...TOOLS_SCRIPT] });
  live.add(model);
  let peer: JsonlPeer | undefined;
  try {
    const repo = createTempRepo(HELLO_REPO, dir);
    // Fresh TERN_HOME / CODEX_HOME (+ HOME, TMPDIR for codex) each time: a newcomer's first start.
    const cmd =
      server === 'tern'
        ? await ternServerCommand({ modelBaseUrl: model.url, workRoot: dir })
        : await codexPeerCommand({ modelBaseUrl: model.url, workRoot: dir });

    const t0 = performance.now();
    peer = spawnPeer(cmd.command, cmd.args, { env: cmd.env, cwd: dir, requestTimeoutMs: TURN_TIMEOUT_MS });
    live.add(peer);
    await peer.request('initialize', {
      clientInfo: { name: 'tern_bench', title: 'tern bench', version: '0.0.1' },
      capabilities: null,
    });
    const startupMs = performance.now() - t0;
    peer.notify('initialized');

    const text = await timedTurn(server, peer, repo, 'Say hello.', 'text turn');
    checkAgentText(server, 'text turn', text.notes, TEXT_REPLY);
    if (!sameFiles(snapshot(repo), HELLO_REPO)) {
      throw new BenchAbort(`${server} text turn changed the repo: ${JSON.stringify(snapshot(repo))}`);
    }

    const tools = await timedTurn(server, peer, repo, 'Read hello.txt, patch it, and write out.txt.', 'tools turn');
    checkAgentText(server, 'tools turn', tools.notes, TOOLS_FINAL_MESSAGE);
    checkToolItems(server, tools.notes);

    const peakRssMiB = readVmHWMMiB(peer.pid);
    const exitCode = await peer.close();
    live.delete(peer);

    const calls = model.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses')).length;
    if (calls !== MODEL_CALLS) throw new BenchAbort(`${server}: ${calls} model calls, expected ${MODEL_CALLS}`);
    const files = snapshot(repo);
    if (!sameFiles(files, EXPECTED_FILES)) {
      throw new BenchAbort(
        `${server} tools turn left the repo as ${JSON.stringify(files)}, expected ${JSON.stringify(EXPECTED_FILES)}`,
      );
    }
    return { startupMs, textTurnMs: text.ms, toolsTurnMs: tools.ms, peakRssMiB, exitCode, files };
  } catch (err) {
    if (err instanceof BenchAbort && peer !== undefined && peer.stderr.trim() !== '') {
      err.message += `\n--- ${server} stderr (tail) ---\n${tail(peer.stderr)}`;
    }
    throw err;
  } finally {
    if (peer !== undefined) {
      await peer.close();
      live.delete(peer);
    }
    await model.close();
    live.delete(model);
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics and report

function fmt(x: number, unit: 'ms' | 'MiB'): string {
  return unit === 'ms' ? fmtMs(x) : fmtMiB(x);
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  const args = parseBenchArgs({
    usage: 'usage: npm run bench [-- --iterations N | --quick] [--keep]\n  default 7 iterations per server; --quick = 3; --keep keeps the temp dirs',
    iterations: 7,
    quickIterations: 3,
  });
  if (args === undefined) return 0;
  const { iterations } = args;

  const machine = machineInfo({
    codex: codexVersion(),
    codexBinary: path.relative(REPO_ROOT, codexBinaryPath()),
    tern: ternVersion(),
    ternBinary: `node ${path.relative(REPO_ROOT, TERN_BIN)}`,
  });
  console.log(`tern ${machine.tern} vs codex ${machine.codex} | ${machineLine(machine)}`);
  console.log(`${iterations} iterations per server, alternating tern/codex, after 1 untimed warm-up each\n`);

  const workRoot = await makeWorkRoot('tern-bench-');
  const samples: Record<ServerName, Sample[]> = { tern: [], codex: [] };
  const tStart = performance.now();
  let ok = false;
  try {
    for (const server of SERVERS) {
      process.stdout.write(`warm-up ${server} … `);
      const w = await runOnce(server, workRoot, 'warmup');
      console.log(`start-up ${fmt(w.startupMs, 'ms')} ms, tools turn ${fmt(w.toolsTurnMs, 'ms')} ms`);
    }
    for (let i = 1; i <= iterations; i++) {
      const line: string[] = [];
      for (const server of SERVERS) {
        const s = await runOnce(server, workRoot, `i${i}`);
        samples[server].push(s);
        if (s.exitCode !== 0) console.warn(`\nwarning: ${server} exited with code ${String(s.exitCode)} after stdin EOF`);
        line.push(
          `${server} ${fmt(s.startupMs, 'ms')}/${fmt(s.textTurnMs, 'ms')}/${fmt(s.toolsTurnMs, 'ms')} ms ${fmt(s.peakRssMiB, 'MiB')} MiB`,
        );
      }
      // Both servers must have left the same files (checked against EXPECTED_FILES too).
      if (!sameFiles(samples.tern.at(-1)!.files, samples.codex.at(-1)!.files)) {
        throw new BenchAbort(
          `iteration ${i}: repos differ after the tools turn: tern ${JSON.stringify(samples.tern.at(-1)!.files)} codex ${JSON.stringify(samples.codex.at(-1)!.files)}`,
        );
      }
      console.log(`#${i}  ${line.join('   ')}   (start-up/text/tools, peak RSS)`);
    }
    ok = true;
  } finally {
    await stopAll();
    if (ok && !args.keep) await removeWorkRoot();
    else if (!run.interrupted) console.error(`temp dirs kept in ${workRoot}`);
  }
  const wallS = (performance.now() - tStart) / 1000;

  const metrics = METRICS.map((m) => {
    const tern = summarize(samples.tern.map((s) => s[m.key]));
    const codex = summarize(samples.codex.map((s) => s[m.key]));
    return { ...m, tern, codex, ratio: tern.median / codex.median };
  });

  const W = 11;
  console.log('');
  console.log(
    `${pad('metric', W)}  ${pad('tern min / median / max', 27)}  ${pad('codex min / median / max', 27)}  ${pad('tern/codex', 10, true)}`,
  );
  for (const m of metrics) {
    const f = (x: number): string => fmt(x, m.unit);
    console.log(`${pad(m.label, W)}  ${summaryCell(m.tern, f, m.unit, 27)}  ${summaryCell(m.codex, f, m.unit, 27)}  ${pad(`${m.ratio.toFixed(2)}x`, 10, true)}`);
  }
  console.log('');
  for (const m of metrics) {
    console.log(
      `${pad(m.label, W)} tern ${fmt(m.tern.median, m.unit)} ${m.unit}  codex ${fmt(m.codex.median, m.unit)} ${m.unit}  ratio ${m.ratio.toFixed(2)}x`,
    );
  }
  console.log(
    '\nratio = tern median / codex median (< 1: tern is faster/smaller). Peak RSS is VmHWM of the server process alone:' +
      '\nnode + bundled JS for tern, a native (musl, static) binary for codex; tool child processes are not included.',
  );
  console.log(`bench wall time ${wallS.toFixed(1)} s (${iterations} iterations + warm-up, 2 servers)`);

  const result = {
    generatedAt: new Date().toISOString(),
    machine: { ...machine, loadAvgAtEnd: os.loadavg().map((x) => round(x, 2)) },
    config: {
      iterations,
      warmupPerServer: 1,
      order: 'alternating tern, codex per iteration',
      modelCalls: { textTurn: TEXT_SCRIPT.length, toolsTurn: TOOLS_SCRIPT.length },
      thread: { approvalPolicy: 'never', sandbox: 'workspace-write' },
    },
    wallTimeS: round(wallS, 1),
    metrics: Object.fromEntries(
      metrics.map((m) => [
        m.key,
        {
          label: m.label,
          unit: m.unit,
          tern: { ...m.tern, samples: samples.tern.map((s) => round(s[m.key], 2)) },
          codex: { ...m.codex, samples: samples.codex.map((s) => round(s[m.key], 2)) },
          ratioOfMedians: round(m.ratio, 3),
        },
      ]),
    ),
  };
  await writeResults('latest.json', result);
  return 0;
}

runBench(main);
