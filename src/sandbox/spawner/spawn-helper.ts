// The server's side of the spawn helper (./helper-main.ts, why it exists is there):
// one helper process, forked on the first tool process and kept, with requests
// multiplexed over its IPC channel by id. If the helper dies, every process it was
// running is reported lost and the next start forks a new one.

import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { distDir } from '../../util/dist-dir.js';
import type { SpawnPlan } from '../host.js';
import type { ExitMessage, FromHelper, SpawnRequest } from './messages.js';

/** The helper's file beside the bundle's entries (scripts/build.mjs ENTRIES). */
export const HELPER_ENTRY = 'spawn-helper.js';

/** How a started process ended. `lost`: the helper died first, its output with it. */
export type ProcessEnd = Omit<ExitMessage, 'type' | 'id'> & { lost: boolean };

export interface StartedProcess {
  pid: number;
  /** What the process wrote to its info descriptor (never settles without one). */
  info: Promise<string>;
  ended: Promise<ProcessEnd>;
}

export type StartOutcome = { ok: true; process: StartedProcess } | { ok: false; startError: string };

interface Pending {
  onOutput?: (text: string) => void;
  spawned: boolean;
  started(pid: number): void;
  notStarted(why: string): void;
  info(text: string): void;
  ended(end: ProcessEnd): void;
}

/**
 * The helper keeps almost nothing alive (the capped output of each running command), but a command
 * printing 200 MB makes it churn through 200 MB of short-lived strings: a small young generation
 * (V8's semi-space, 16 MiB or more by default) keeps its peak down (bench: +55 MiB -> +31 MiB for
 * 200 MB of output) at the cost of more, cheap, scavenges.
 */
const HELPER_V8_FLAGS = ['--max-semi-space-size=2'];

/** How to run the helper: the bundled entry, or its TypeScript source through tsx (tests run the sources). */
function helperEntry(): { file: string; execArgv: string[]; cwd?: string } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { file: path.join(distDir(here), HELPER_ENTRY), execArgv: HELPER_V8_FLAGS };
  // `--import tsx` resolves from the working directory: the repository root, three levels up.
  const file = fileURLToPath(new URL('./helper-main.ts', here));
  return { file, execArgv: ['--import', 'tsx'], cwd: path.resolve(path.dirname(file), '../../..') };
}

export class SpawnHelper {
  private child: ChildProcess | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** Starts `plan`'s process; settles once it runs (or could not start). */
  start(plan: SpawnPlan, o: { maxOutputBytes: number; onOutput?: (text: string) => void }): Promise<StartOutcome> {
    const child = this.ensureHelper();
    const id = this.nextId++;
    let info!: (text: string) => void;
    let ended!: (end: ProcessEnd) => void;
    const infoText = new Promise<string>((r) => (info = r));
    const end = new Promise<ProcessEnd>((r) => (ended = r));
    return new Promise<StartOutcome>((resolve) => {
      const p: Pending = {
        onOutput: o.onOutput,
        spawned: false,
        started: (pid) => resolve({ ok: true, process: { pid, info: infoText, ended: end } }),
        notStarted: (startError) => resolve({ ok: false, startError }),
        info,
        ended,
      };
      this.pending.set(id, p);
      this.refWhileBusy();
      const { sandboxed: _, ...spawn } = plan;
      const req: SpawnRequest = { type: 'spawn', id, maxOutputBytes: o.maxOutputBytes, ...spawn };
      child.send(req);
    });
  }

  /** Forks the helper now if it is not running (a turn is starting: its commands will need it). */
  warm(): void {
    this.ensureHelper();
  }

  private ensureHelper(): ChildProcess {
    if (this.child !== null) return this.child;
    const entry = helperEntry();
    const child = fork(entry.file, [], {
      execArgv: entry.execArgv,
      ...(entry.cwd ? { cwd: entry.cwd } : {}),
      // The helper holds no secret: each process gets its own (allow-listed) environment.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    child.on('message', (m: FromHelper) => this.received(m));
    child.on('exit', (code, signal) => this.helperExited(child, `the spawn helper exited (${signal ?? `code ${code}`})`));
    child.on('error', (err) => this.helperExited(child, `the spawn helper failed: ${err.message}`));
    child.unref();
    this.child = child;
    this.refWhileBusy();
    return child;
  }

  private received(m: FromHelper): void {
    const p = this.pending.get(m.id);
    if (p === undefined) return;
    switch (m.type) {
      case 'spawned':
        p.spawned = true;
        p.started(m.pid);
        return;
      case 'output':
        p.onOutput?.(m.text);
        return;
      case 'info':
        p.info(m.text);
        return;
      case 'exit':
        this.pending.delete(m.id);
        this.refWhileBusy();
        if (m.startError !== null && !p.spawned) return p.notStarted(m.startError);
        return p.ended({ exitCode: m.exitCode, signal: m.signal, output: m.output, truncated: m.truncated, startError: m.startError, lost: false });
    }
  }

  /** Everything the dead helper was running is reported: not started, or lost. */
  private helperExited(child: ChildProcess, why: string): void {
    if (this.child !== child) return;
    this.child = null;
    for (const p of this.pending.values()) {
      if (!p.spawned) p.notStarted(why);
      else p.ended({ exitCode: null, signal: null, output: `[${why}; the rest of the output is lost]\n`, truncated: false, startError: null, lost: true });
    }
    this.pending.clear();
  }

  /** The channel keeps the server's event loop alive only while a process runs. */
  private refWhileBusy(): void {
    const channel = this.child?.channel;
    if (!channel) return;
    if (this.pending.size > 0) channel.ref();
    else channel.unref();
  }
}
