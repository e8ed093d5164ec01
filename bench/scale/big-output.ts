/**
 * A command that prints about 200 MB (`seq 1 24000000`, 204.9 MB): the turn must complete; the
 * output deltas the client receives must be in order (lines 1, 2, 3, … up to an omission marker,
 * then consecutive lines again up to the last); the server's RSS growth over the turn (VmHWM
 * after - VmRSS before; a first turn with a small command has loaded the SDK and the launcher),
 * and for tern that of its spawn helper, which reads the output,
 * and what it persisted are reported; what the model saw (the tool output
 * in the next request) must be capped. Deltas are checked as they arrive and not retained.
 */
import { mkdtemp } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { HELLO_REPO } from '../../test/fixtures/scenarios.js';
import { createTempRepo } from '../../test/support/git-repo.js';
import { BenchAbort } from '../common.js';
import { initializeClient, spawnStdioServer } from '../lib/client.js';
import { startModelTap } from '../lib/model-tap.js';
import { comparedKinds, createHome, measuring, procMemMiB, serverCommand, sessionsDir, spawnHelperPid, treeBytes, type ServerKind } from '../lib/servers.js';
import { runTurn, startThread } from './turns.js';

/** `seq 1 LAST` prints 204,888,897 bytes. */
export const LAST = 24_000_000;
const FINAL_TEXT = 'Printed it.';
const TURN_TIMEOUT_MS = 600_000;
const MIB = 1024 * 1024;

/** Bytes `seq 1 n` prints. */
export function seqBytes(n: number): number {
  let total = 0;
  for (let digits = 1, lo = 1; lo <= n; digits++, lo *= 10) total += (Math.min(n, lo * 10 - 1) - lo + 1) * (digits + 1);
  return total;
}

/**
 * Checks streamed `seq` output piece by piece: consecutive numbers from 1 (the last one may be
 * cut short), then optionally one run of non-numeric lines (an omission marker), then
 * consecutive numbers again (the first may be cut at its start). Keeps only the current partial
 * line.
 */
export class SeqOrderChecker {
  bytes = 0;
  deltas = 0;
  inOrder = true;
  /** Where order broke first: the line seen and the number expected. */
  firstDisorder: string | null = null;
  markerLines: string[] = [];
  lastNumber = 0;
  private partial = '';
  private phase: 'head' | 'marker' | 'tail' = 'head';
  /** The last head line was cut short: only the marker may follow. */
  private cut = false;
  /** In the tail, whether lastNumber is a whole number yet (the first tail line may be cut). */
  private anchored = true;

  push(delta: string): void {
    this.deltas += 1;
    this.bytes += Buffer.byteLength(delta);
    const lines = (this.partial + delta).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) this.line(line);
  }

  finish(): void {
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
  }

  private line(line: string): void {
    if (!/^\d+$/.test(line)) {
      if (this.phase === 'tail') this.disorder(line);
      if (line !== '') this.markerLines.push(line.slice(0, 200));
      this.phase = 'marker';
      this.cut = false;
      return;
    }
    if (this.cut) this.disorder(line);
    if (this.phase === 'marker') {
      this.phase = 'tail';
      this.anchored = false;
      return;
    }
    const n = Number(line);
    if (!this.anchored) {
      this.anchored = true;
      this.lastNumber = n;
      return;
    }
    const expected = this.lastNumber + 1;
    if (n === expected) this.lastNumber = n;
    else if (this.phase === 'head' && String(expected).startsWith(line)) this.cut = true;
    else {
      this.disorder(line);
      this.lastNumber = n;
    }
  }

  private disorder(line: string): void {
    if (this.inOrder) this.firstDisorder = `${JSON.stringify(line.slice(0, 40))} after ${this.lastNumber} (delta ${this.deltas})`;
    this.inOrder = false;
  }
}

export interface BigOutputRow {
  kind: ServerKind;
  turnStatus: string;
  commandStatus: string;
  deltas: number;
  deltaBytes: number;
  deltasInOrder: boolean;
  firstDisorder: string | null;
  /** The last number the client saw in the deltas (LAST when the tail arrived). */
  lastNumberSeen: number;
  omissionMarker: string | null;
  rssBeforeMiB: number;
  peakAfterMiB: number;
  rssGrowthMiB: number;
  /** tern's spawn helper (0 for codex, which has none): it reads the command's output. */
  helperGrowthMiB: number;
  /** What the model saw of the command (tool output in the next request), in characters. */
  modelSawChars: number;
  modelSawHeadAndTail: boolean;
  /** The thread store's size after the turn. */
  persistedBytes: number;
  turnMs: number;
}

export interface BigOutputResult {
  printedBytes: number;
  rows: BigOutputRow[];
}

/** The tool output the model saw for call `callId`, from the second request's body. */
function toolOutputSeen(body: any, callId: string): string {
  const input: any[] = Array.isArray(body?.input) ? body.input : [];
  const out = input.find((i) => (i.type === 'function_call_output' || i.type === 'custom_tool_call_output') && i.call_id === callId);
  if (out === undefined) return '';
  return typeof out.output === 'string' ? out.output : JSON.stringify(out.output);
}

async function runOne(kind: ServerKind, workRoot: string): Promise<BigOutputRow> {
  const callId = 'call_big_output';
  const tap = await startModelTap({
    keepBodies: true,
    scriptFor: () => [
      // A first turn with a small command: the server has loaded what a tool call needs
      // (model SDK, process launcher) before the growth is measured.
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'seq 1 10' }, callId: 'call_warm_up' }] },
      { output: [{ type: 'message', text: FINAL_TEXT }] },
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: `seq 1 ${LAST}` }, callId }] },
      { output: [{ type: 'message', text: FINAL_TEXT }] },
    ],
  });
  const home = await createHome(kind, workRoot);
  const dir = await mkdtemp(path.join(workRoot, `big-${kind.replace('@', '-')}-`));
  const repo = createTempRepo(HELLO_REPO, dir);
  const server = spawnStdioServer(await serverCommand(home, tap.url), dir);
  return measuring(kind, server, tap, async () => {
    const client = await server.connect();
    await initializeClient(client);
    const threadId = await startThread(client, repo);
    const warmUp = await runTurn(client, threadId, 'Print a few numbers.', TURN_TIMEOUT_MS);
    if (warmUp.status !== 'completed') throw new BenchAbort(`${kind}: the warm-up turn ended ${warmUp.status}`);
    const check = new SeqOrderChecker();
    const rssBefore = procMemMiB(server.pid, 'VmRSS');
    // tern reads a command's output in its spawn helper, so the helper's growth counts as well.
    const helper = spawnHelperPid(server.pid);
    const helperBefore = helper === null ? 0 : procMemMiB(helper, 'VmRSS');
    const t0 = performance.now();
    const run = await runTurn(client, threadId, 'Print the numbers.', TURN_TIMEOUT_MS, (method, params) => {
      if (method === 'item/commandExecution/outputDelta') check.push(String(params.delta));
    });
    check.finish();
    const peakAfter = procMemMiB(server.pid, 'VmHWM');
    const helperGrowth = helper === null ? 0 : procMemMiB(helper, 'VmHWM') - helperBefore;
    const cmd = run.items.find((i) => i.type === 'commandExecution');
    const seen = toolOutputSeen([...tap.threads.values()][0]?.bodies[3], callId);
    const tailLine = `${LAST}`;
    return {
      kind,
      turnStatus: run.status,
      commandStatus: String(cmd?.status),
      deltas: check.deltas,
      deltaBytes: check.bytes,
      deltasInOrder: check.inOrder,
      firstDisorder: check.firstDisorder,
      lastNumberSeen: check.lastNumber,
      omissionMarker: check.markerLines[0] ?? null,
      rssBeforeMiB: rssBefore,
      peakAfterMiB: peakAfter,
      rssGrowthMiB: peakAfter - rssBefore,
      helperGrowthMiB: helperGrowth,
      modelSawChars: seen.length,
      modelSawHeadAndTail: seen.includes('\n1\n2\n3\n') || seen.includes('1\n2\n3\n') ? seen.includes(tailLine) : false,
      persistedBytes: treeBytes(kind === 'codex' ? path.join(home.dir, 'sessions') : sessionsDir(home)),
      turnMs: run.endedAt - t0,
    };
  });
}

export async function benchBigOutput(workRoot: string, log: (s: string) => void): Promise<BigOutputResult> {
  const kinds = comparedKinds();
  const rows: BigOutputRow[] = [];
  for (const kind of kinds) {
    const row = await runOne(kind, workRoot);
    log(
      `  200 MB output ${kind}: turn ${row.turnStatus}, ${row.deltas} deltas (${(row.deltaBytes / MIB).toFixed(1)} MiB, in order: ${row.deltasInOrder}${row.firstDisorder ? `, first break: ${row.firstDisorder}` : ''}), ` +
        `RSS +${row.rssGrowthMiB.toFixed(1)} MiB (spawn helper +${row.helperGrowthMiB.toFixed(1)} MiB), model saw ${row.modelSawChars} chars, persisted ${(row.persistedBytes / 1024).toFixed(0)} KiB, ${Math.round(row.turnMs)} ms`,
    );
    if (row.turnStatus !== 'completed' && row.kind !== 'codex') throw new BenchAbort(`${kind}: the 200 MB turn ended ${row.turnStatus}`);
    rows.push(row);
  }
  return { printedBytes: seqBytes(LAST), rows };
}
