/**
 * What the scale benches share: run one turn on a thread and collect what it produced, and the
 * tools turn's peak RSS (tern on Node 24 and on the bench's Node, against codex).
 */
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { startModelServer } from '../../src/demo/model-server/server.js';
import { HELLO_REPO, TOOLS_FINAL_MESSAGE, toolsScript } from '../../test/fixtures/scenarios.js';
import { createTempRepo } from '../../test/support/git-repo.js';
import { BenchAbort, median, summarize, type Summary } from '../common.js';
import { initializeClient, spawnStdioServer, type BenchClient, type Json } from '../lib/client.js';
import { createHome, node24Available, procMemMiB, serverCommand, spawnHelperPid, type ServerKind } from '../lib/servers.js';

export interface TurnRun {
  status: string;
  /** Completed items of the turn, in order. */
  items: Json[];
  /** turn/completed's arrival (performance.now()). */
  endedAt: number;
}

/** `thread/start` in `cwd` (never ask, workspace-write); returns the thread id. */
export async function startThread(client: BenchClient, cwd: string): Promise<string> {
  const { thread } = await client.request<{ thread: { id: string } }>('thread/start', { cwd, approvalPolicy: 'never', sandbox: 'workspace-write' });
  return thread.id;
}

/**
 * `turn/start` on a thread and wait for its `turn/completed`; `onNote` sees every notification of
 * the thread meanwhile (deltas included: nothing is retained here).
 */
export async function runTurn(
  client: BenchClient,
  threadId: string,
  text: string,
  timeoutMs: number,
  onNote?: (method: string, params: Json, atMs: number, emittedAtMs?: number) => void,
): Promise<TurnRun> {
  const items: Json[] = [];
  const off = client.onNotification((method, params, atMs, emittedAtMs) => {
    if (params.threadId !== threadId) return;
    if (method === 'item/completed') items.push(params.item as Json);
    onNote?.(method, params, atMs, emittedAtMs);
  });
  try {
    const done = client.waitFor((m, p) => m === 'turn/completed' && p.threadId === threadId, timeoutMs);
    await client.request('turn/start', { threadId, input: [{ type: 'text', text, text_elements: [] }] });
    const { params, atMs } = await done;
    return { status: String(params.turn?.status), items, endedAt: atMs };
  } finally {
    off();
  }
}

/** Abort unless the tools turn completed with 2 completed commands, 1 completed patch and the final message. */
export function checkToolsTurn(who: string, run: TurnRun): void {
  const cmds = run.items.filter((i) => i.type === 'commandExecution');
  const patches = run.items.filter((i) => i.type === 'fileChange');
  const final = run.items.filter((i) => i.type === 'agentMessage').at(-1)?.text as string | undefined;
  const ok = run.status === 'completed' && cmds.length === 2 && patches.length === 1 && [...cmds, ...patches].every((i) => i.status === 'completed');
  if (!ok || !final?.startsWith(TOOLS_FINAL_MESSAGE.slice(0, 20))) {
    const got = run.items.map((i) => `${i.type}:${i.status ?? '-'}`).join(', ');
    throw new BenchAbort(`${who}: tools turn ${run.status}, items [${got}], final ${JSON.stringify(final)}`);
  }
}

export interface RssResult {
  rows: Partial<Record<ServerKind, Summary & { samples: number[] }>>;
  /** Median RssAnon / RssFile right after the turn (MiB): the process's own memory vs mapped files. */
  split: Partial<Record<ServerKind, { anonMiB: number; fileMiB: number }>>;
  /**
   * tern's spawn helper after the turn (median MiB): its peak (VmHWM), and its own memory (RssAnon):
   * the rest of its pages are the node binary's, shared with the server's.
   */
  helpers: Partial<Record<ServerKind, { peakMiB: number; anonMiB: number }>>;
  /** tern@node24 median / codex median (target: at most 0.5). */
  ratioNode24: number | null;
  ratioNode: number | null;
}

const TURN_TIMEOUT_MS = 120_000;

/** Peak RSS (VmHWM) of the server process after one tools turn, fresh server each time, warm home. */
export async function benchToolsRss(workRoot: string, iterations: number, log: (s: string) => void): Promise<RssResult> {
  const kinds: ServerKind[] = node24Available() ? ['tern@node24', 'tern@node', 'codex'] : ['tern@node', 'codex'];
  const samples = new Map<ServerKind, number[]>(kinds.map((k) => [k, []]));
  const anon = new Map<ServerKind, number[]>(kinds.map((k) => [k, []]));
  const file = new Map<ServerKind, number[]>(kinds.map((k) => [k, []]));
  /** tern's spawn helper (the second process, which started the commands): peak and own memory. */
  const helperPeak = new Map<ServerKind, number[]>(kinds.map((k) => [k, []]));
  const helperAnon = new Map<ServerKind, number[]>(kinds.map((k) => [k, []]));
  const homes = new Map(await Promise.all(kinds.map(async (k) => [k, await createHome(k, workRoot)] as const)));
  for (let i = 0; i <= iterations; i++) {
    const line: string[] = [];
    for (const kind of kinds) {
      const model = await startModelServer({ script: toolsScript() });
      const dir = await mkdtemp(path.join(workRoot, `rss-${kind.replace('@', '-')}-`));
      const repo = createTempRepo(HELLO_REPO, dir);
      const server = spawnStdioServer(await serverCommand(homes.get(kind)!, model.url), dir);
      try {
        const client = await server.connect();
        await initializeClient(client);
        const run = await runTurn(client, await startThread(client, repo), 'Read hello.txt, patch it, and write out.txt.', TURN_TIMEOUT_MS);
        checkToolsTurn(kind, run);
        const peak = procMemMiB(server.pid, 'VmHWM');
        if (i > 0) {
          // round 0 is the warm-up
          samples.get(kind)!.push(peak);
          anon.get(kind)!.push(procMemMiB(server.pid, 'RssAnon'));
          file.get(kind)!.push(procMemMiB(server.pid, 'RssFile'));
          const helper = spawnHelperPid(server.pid);
          if (helper !== null) {
            helperPeak.get(kind)!.push(procMemMiB(helper, 'VmHWM'));
            helperAnon.get(kind)!.push(procMemMiB(helper, 'RssAnon'));
          }
        }
        line.push(`${kind} ${peak.toFixed(1)}`);
      } catch (err) {
        if (err instanceof Error) err.message += `\n--- ${kind} stderr ---\n${server.stderr().slice(-1500)}`;
        throw err;
      } finally {
        await server.close();
        await model.close();
      }
    }
    log(`  tools-turn peak RSS ${i === 0 ? 'warm-up' : `#${i}`}: ${line.join(', ')} MiB`);
  }
  const rows: RssResult['rows'] = {};
  const split: RssResult['split'] = {};
  const helpers: RssResult['helpers'] = {};
  for (const [k, xs] of samples) {
    rows[k] = { ...summarize(xs), samples: xs.map((x) => Math.round(x * 10) / 10) };
    split[k] = { anonMiB: median(anon.get(k)!), fileMiB: median(file.get(k)!) };
    if (helperPeak.get(k)!.length > 0) helpers[k] = { peakMiB: median(helperPeak.get(k)!), anonMiB: median(helperAnon.get(k)!) };
  }
  const codex = rows.codex?.median;
  return {
    rows,
    split,
    helpers,
    ratioNode24: codex && rows['tern@node24'] ? rows['tern@node24'].median / codex : null,
    ratioNode: codex && rows['tern@node'] ? rows['tern@node'].median / codex : null,
  };
}
