/**
 * Start-up: process spawn -> `initialize` result received, warm homes (each server reuses its home
 * and, for tern, its compile cache, after one untimed start), alternating the servers each round.
 * Rows: tern on Node 24 (compile cache on, and off), tern on the bench's Node, codex, and a bare
 * Node 24 that answers one line (the runtime's own floor).
 */
import { performance } from 'node:perf_hooks';
import { initializeClient, spawnStdioServer, type ServerCommand } from '../lib/client.js';
import { createHome, NODE24, node24Available, serverCommand, type ServerHome, type ServerKind } from '../lib/servers.js';
import { summarize, type Summary } from '../common.js';

/** No model request happens before `initialize` returns: any URL will do. */
const UNUSED_MODEL_URL = 'http://127.0.0.1:9/v1';
/** A bare Node process that answers the first line it reads. */
const BARE_NODE_SCRIPT = "process.stdin.once('data',()=>process.stdout.write(JSON.stringify({id:1,result:{}})+'\\n'))";

export type StartupRow = 'tern@node24' | 'tern@node24 (no compile cache)' | 'tern@node' | 'codex' | 'bare node24';

export interface StartupResult {
  rows: Partial<Record<StartupRow, Summary & { samples: number[] }>>;
  /** tern@node24 median / codex median. */
  ratioNode24: number | null;
  /** tern@node median / codex median. */
  ratioNode: number | null;
}

async function timeOne(cmd: ServerCommand, cwd: string): Promise<number> {
  const t0 = performance.now();
  const server = spawnStdioServer(cmd, cwd);
  try {
    await initializeClient(await server.connect());
    return performance.now() - t0;
  } finally {
    await server.close();
  }
}

export async function benchStartup(workRoot: string, iterations: number, log: (s: string) => void): Promise<StartupResult> {
  const kinds: ServerKind[] = node24Available() ? ['tern@node24', 'tern@node', 'codex'] : ['tern@node', 'codex'];
  const homes = new Map<ServerKind, ServerHome>();
  for (const k of kinds) homes.set(k, await createHome(k, workRoot));
  const commands = new Map<StartupRow, ServerCommand>();
  for (const k of kinds) commands.set(k, await serverCommand(homes.get(k)!, UNUSED_MODEL_URL));
  if (node24Available()) {
    commands.set('tern@node24 (no compile cache)', await serverCommand(homes.get('tern@node24')!, UNUSED_MODEL_URL, { NODE_DISABLE_COMPILE_CACHE: '1' }));
    commands.set('bare node24', { command: NODE24, args: ['-e', BARE_NODE_SCRIPT], env: {} });
  }
  const samples = new Map<StartupRow, number[]>([...commands.keys()].map((r) => [r, []]));
  for (const [, cmd] of commands) await timeOne(cmd, workRoot); // warm-up: page cache, homes, compile cache
  for (let i = 1; i <= iterations; i++) {
    const line: string[] = [];
    for (const [row, cmd] of commands) {
      const ms = await timeOne(cmd, workRoot);
      samples.get(row)!.push(ms);
      line.push(`${row} ${Math.round(ms)}`);
    }
    log(`  start-up #${i}: ${line.join(', ')} ms`);
  }
  const rows: StartupResult['rows'] = {};
  for (const [row, xs] of samples) rows[row] = { ...summarize(xs), samples: xs.map((x) => Math.round(x * 10) / 10) };
  const codex = rows.codex?.median;
  const ratio = (r: StartupRow) => (codex && rows[r] ? rows[r]!.median / codex : null);
  return { rows, ratioNode24: ratio('tern@node24'), ratioNode: ratio('tern@node') };
}
