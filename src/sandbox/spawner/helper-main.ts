// The spawn helper (dist/spawn-helper.js): a small process of its own that starts the
// server's tool processes and reads their output, so the server never forks.
//
// Why: on Linux, Node (libuv) starts every child with fork(). Forking a server that
// holds 100-200 MiB copies its page tables and write-protects every page for
// copy-on-write, so each spawn stalls the server's event loop for 10-40 ms and
// every page the server writes afterwards faults once. With 100 threads running
// commands, that was most of the server's event latency (bench/RESULTS.md). This
// process holds a few MiB of its own, so its forks are cheap, and they block
// nobody else. No library starts processes from a helper this way (execa and the
// like spawn in the calling process), hence this file and ./spawn-helper.ts.
//
// It runs, and its processes run, at a lower scheduling priority than the server
// (./priority.ts).
//
// It only obeys its channel: it ignores terminal signals (the server decides how a
// command ends, and signals the process group itself), and when the channel closes
// (the server exited, or was killed) it kills every process it started and exits.

import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { Readable } from 'node:stream';
import { sandboxInitPid, type ExitMessage, type FromHelper, type SpawnRequest } from './messages.js';
import { OutputCollector } from './output-collector.js';
import { lowerPriority } from './priority.js';

/** Processes started and not yet ended, with the sandbox init each reported (if any). */
const live = new Map<number, { child: ChildProcess; init: number | null }>();

function send(message: FromHelper): void {
  if (process.connected) process.send!(message);
}

/** stdin closed, stdout and stderr piped, and a pipe at `infoFd` when asked. */
function stdioFor(infoFd: number | undefined): StdioOptions {
  const stdio: ('ignore' | 'pipe')[] = ['ignore', 'pipe', 'pipe'];
  if (infoFd !== undefined) {
    while (stdio.length < infoFd) stdio.push('ignore');
    stdio[infoFd] = 'pipe';
  }
  return stdio;
}

function start(req: SpawnRequest): void {
  const out = new OutputCollector(req.maxOutputBytes, (text) => send({ type: 'output', id: req.id, text }));
  let ended = false;
  const end = (e: Pick<ExitMessage, 'exitCode' | 'signal' | 'startError'>) => {
    if (ended) return;
    ended = true;
    live.delete(req.id);
    const output = e.startError === null ? out.finish() : '';
    send({ type: 'exit', id: req.id, ...e, output, truncated: out.truncated });
  };
  let child: ChildProcess;
  try {
    child = spawn(req.file, req.args, {
      cwd: req.cwd,
      env: req.env,
      stdio: stdioFor(req.infoFd),
      // Its own process group: the server ends the whole tree with one signal.
      detached: true,
      ...(req.uid !== undefined ? { uid: req.uid, gid: req.gid } : {}),
    });
  } catch (err) {
    return end({ exitCode: null, signal: null, startError: (err as Error).message });
  }
  const entry = { child, init: null as number | null };
  child.once('spawn', () => {
    live.set(req.id, entry);
    send({ type: 'spawned', id: req.id, pid: child.pid! });
  });
  child.once('error', (err) => {
    if (!live.has(req.id)) end({ exitCode: null, signal: null, startError: err.message });
  });
  for (const stream of [child.stdout, child.stderr]) stream?.setEncoding('utf8').on('data', (text: string) => out.collect(text));
  const info = req.infoFd === undefined ? undefined : (child.stdio[req.infoFd] as Readable | null);
  if (info) readInfo(info, req.id, entry);
  child.once('close', (code, signal) => end({ exitCode: code, signal, startError: null }));
}

/** bwrap writes its info once and closes the descriptor, early: the server needs the init's pid to end the sandbox. */
function readInfo(info: Readable, id: number, entry: { init: number | null }): void {
  let text = '';
  info.setEncoding('utf8');
  info.on('data', (chunk: string) => (text += chunk));
  info.on('error', () => undefined);
  info.on('end', () => {
    entry.init = sandboxInitPid(text);
    send({ type: 'info', id, text });
  });
}

function kill(pid: number | undefined, group: boolean): void {
  if (pid === undefined) return;
  try {
    process.kill(group ? -pid : pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The server is gone: nothing may outlive it. */
function killEverything(): void {
  for (const { child, init } of live.values()) {
    if (init !== null) kill(init, false);
    kill(child.pid, true);
  }
  process.exit(0);
}

lowerPriority();
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => undefined);
process.on('disconnect', killEverything);
process.on('message', (req: SpawnRequest) => start(req));
