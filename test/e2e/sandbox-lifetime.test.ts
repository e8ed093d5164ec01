/**
 * Process lifetime end to end: a `dist/tern.js app-server` running `sleep 300` for the model is
 * stopped by SIGTERM, SIGINT or stdin EOF. The running turn is interrupted, every tool process
 * group is ended (SIGTERM, SIGKILL after a grace period), the thread log is flushed, the server
 * exits, and no process of the tree survives. With and without the OS sandbox. And a SIGKILL of the
 * server, which can end nothing: its spawn helper sees its channel close and kills the tool processes.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer, type ScriptStep } from '../../src/demo/model-server/server.js';
import { createTempRepo } from '../support/git-repo.js';
import { spawnPeer, type JsonlPeer } from '../support/jsonl-peer.js';
import { ternServerCommand } from '../support/tern-server.js';
import { describeSandbox } from '../sandbox/prereqs.js';
import { ancestorRunning, commandLineOf, gone, parentOf } from '../support/proc-tree.js';

const POLL_MS = 100;
const STARTUP_WAIT_MS = 30_000;
const EXIT_WAIT_MS = 20_000;

let workRoot: string;
const open: { peer: JsonlPeer; model: ModelServer }[] = [];
const markers: string[] = [];

beforeAll(async () => {
  workRoot = await mkdtemp(path.join(os.tmpdir(), 'tern-e2e-life-'));
});
afterEach(async () => {
  for (const { peer, model } of open.splice(0)) {
    await peer.close();
    await model.close();
  }
  for (const m of markers.splice(0)) if (pids(m).length > 0) execFileSync('pkill', ['-KILL', '-f', m]);
});
afterAll(async () => {
  await rm(workRoot, { recursive: true, force: true });
});

function pids(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** `dist/tern.js app-server` against a model playing `script`, initialized, with a fresh repo. */
async function initializedServer(script: ScriptStep[]) {
  const model = await startModelServer({ script });
  const repo = createTempRepo({ 'hello.txt': 'hello\n' }, workRoot);
  const server = await ternServerCommand({ modelBaseUrl: model.url, workRoot });
  const peer = spawnPeer(server.command, server.args, { env: server.env });
  open.push({ peer, model });
  await peer.request('initialize', { clientInfo: { name: 'tern_e2e', title: 'e2e', version: '0.0.1' }, capabilities: null });
  peer.notify('initialized');
  return { peer, repo, server };
}

/** A server whose model runs `sleep 300` (plus a background sleep) and waits; returns once both run. */
async function serverRunningSleep(sandbox: 'workspace-write' | 'danger-full-access') {
  const marker = `tern-life-${sandbox}-${process.pid}-${Date.now()}`;
  markers.push(marker);
  const cmd = `bash -c 'exec -a ${marker}-bg sleep 300' & bash -c 'exec -a ${marker}-fg sleep 300'`;
  const { peer, repo, server } = await initializedServer([
    { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd, yield_time_ms: 1000 } }] },
    { output: [{ type: 'message', text: 'never' }] },
  ]);
  const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'never', sandbox });
  const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'sleep', text_elements: [] }] });
  // `^marker`: the sleeps themselves (exec -a), not bwrap or bash, whose arguments also contain the marker.
  await until(() => pids(`^${marker}-fg`).length > 0 && pids(`^${marker}-bg`).length > 0, STARTUP_WAIT_MS, 'the sleeps to start');
  // The server never forks a tool process itself: its spawn helper (a child of the server) does.
  const helper = ancestorRunning(Number(pids(`^${marker}-fg`)[0]), 'spawn-helper.js');
  expect(helper).not.toBeNull();
  expect(parentOf(helper!)).toBe(peer.pid);
  return { peer, marker, repo, turnId: turn.id as string, ternHome: server.ternHome, helper: helper! };
}

async function stopAndCheck(sandbox: 'workspace-write' | 'danger-full-access', how: 'SIGTERM' | 'SIGINT' | 'EOF', expectedExit: number) {
  const { peer, marker, repo, turnId, ternHome, helper } = await serverRunningSleep(sandbox);
  if (how === 'EOF') void peer.close(EXIT_WAIT_MS);
  else process.kill(peer.pid!, how);
  await until(() => peer.exitCode !== undefined, EXIT_WAIT_MS, 'the server to exit');
  expect(peer.exitCode).toBe(expectedExit);
  // Nothing of the tree is left: neither sleep, nor bwrap (whose arguments name the repo), nor the spawn helper.
  expect(pids(marker)).toEqual([]);
  expect(pids(repo)).toEqual([]);
  await until(() => gone(helper), EXIT_WAIT_MS, 'the spawn helper to exit');
  // The turn was interrupted, and that reached the (flushed) thread log, and the client unless it hung up.
  const logged = filesUnder(path.join(ternHome, 'sessions'))
    .flatMap((f) => readFileSync(f, 'utf8').trim().split('\n'))
    .map((l) => JSON.parse(l) as Record<string, any>)
    .find((r) => JSON.stringify(r).includes('"turn/completed"'));
  expect(JSON.stringify(logged)).toContain(`"id":"${turnId}"`);
  expect(JSON.stringify(logged)).toContain('"status":"interrupted"');
  if (how === 'EOF') return;
  const completed = peer.transcript.map((e) => e.msg as Record<string, any>).find((m) => m?.method === 'turn/completed');
  expect(completed?.params.turn).toMatchObject({ id: turnId, status: 'interrupted' });
}

/** SIGKILL gives the server no chance to end anything: its spawn helper sees the channel close and kills every tool process. */
async function killAndCheck(sandbox: 'workspace-write' | 'danger-full-access') {
  const { peer, marker, repo, helper } = await serverRunningSleep(sandbox);
  process.kill(peer.pid!, 'SIGKILL');
  await until(() => peer.exitCode !== undefined, EXIT_WAIT_MS, 'the server to exit');
  await until(() => gone(helper), EXIT_WAIT_MS, 'the spawn helper to exit');
  await until(() => pids(marker).length === 0 && pids(repo).length === 0, EXIT_WAIT_MS, 'every tool process to end');
}

/** The children of `pid` with their command lines (from /proc). */
function childrenOf(pid: number): { pid: number; cmdline: string }[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((p) => {
      try {
        return parentOf(p) === pid;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map((p) => ({ pid: p, cmdline: commandLineOf(p) }));
}

describe('tern app-server: the processes tools need start with the thread, not with its first turn', () => {
  it('thread/start forks the spawn helper, and as root under workspace-write the setfacl shell, before any turn', async () => {
    const { peer, repo } = await initializedServer([]);
    expect(childrenOf(peer.pid!).map((c) => c.cmdline)).toEqual([]);
    await peer.request('thread/start', { cwd: repo, approvalPolicy: 'never', sandbox: 'workspace-write' });
    const expected = ['spawn-helper.js', ...(process.getuid?.() === 0 ? ['sh -s'] : [])];
    await until(() => expected.every((e) => childrenOf(peer.pid!).some((c) => c.cmdline.includes(e))), STARTUP_WAIT_MS, `children ${expected.join(', ')}`);
    expect(childrenOf(peer.pid!)).toHaveLength(expected.length);
  });
});

describe('tern app-server: stopping it ends every tool process (no sandbox)', () => {
  it('SIGTERM while `sleep 300` runs: turn interrupted, log flushed, exit 143, nothing survives', async () => {
    await stopAndCheck('danger-full-access', 'SIGTERM', 143);
  });

  it('SIGKILL: the spawn helper ends the tool processes and exits', async () => {
    await killAndCheck('danger-full-access');
  });
});

describeSandbox('tern app-server: stopping it ends every tool process (sandbox)', () => {
  it('SIGTERM while `sleep 300` runs in bwrap: exit 143, nothing survives', async () => {
    await stopAndCheck('workspace-write', 'SIGTERM', 143);
  });

  it('SIGINT: exit 130, nothing survives', async () => {
    await stopAndCheck('workspace-write', 'SIGINT', 130);
  });

  it('stdin EOF: exit 0, nothing survives', async () => {
    await stopAndCheck('workspace-write', 'EOF', 0);
  });

  it('SIGKILL: the spawn helper ends the sandboxes and exits', async () => {
    await killAndCheck('workspace-write');
  });
});
