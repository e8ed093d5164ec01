/** The tool launcher with real processes: env allow-list, output caps, timeouts that kill the whole tree. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KILL_GRACE_MS, launch } from '../../src/sandbox/launcher.js';
import { TOOL_NICENESS_INCREMENT } from '../../src/sandbox/spawner/priority.js';
import { alive, waitAlive } from './probes.js';
import { ancestorRunning, gone, parentOf } from '../support/proc-tree.js';

const never = new AbortController().signal;

describe('launch', () => {
  it('runs a command with an allow-listed environment only', async () => {
    const env = { PATH: process.env.PATH, HOME: os.tmpdir(), OPENAI_API_KEY: 'sk-canary-123456', GITHUB_TOKEN: 'ghs_canary' };
    const r = await launch({ argv: ['bash', '-c', 'env; echo done >&2; exit 4'], cwd: os.tmpdir(), timeoutMs: 10_000, signal: never, env });
    expect(r.exitCode).toBe(4);
    expect(r.output).toContain('PATH=');
    expect(r.output).toContain('done');
    expect(r.output).not.toContain('canary');
    expect(r.timedOut).toBe(false);
  });

  it('keeps head and tail of a huge output, with a marker, and streams only the head', async () => {
    let streamed = 0;
    const r = await launch({
      argv: ['bash', '-c', "head -c 5000000 /dev/zero | tr '\\0' a; echo THE-END"],
      cwd: os.tmpdir(),
      timeoutMs: 30_000,
      signal: never,
      maxOutputBytes: 64 * 1024,
      onOutput: (c) => (streamed += c.length),
    });
    expect(r.exitCode).toBe(0);
    expect(r.outputTruncated).toBe(true);
    expect(r.output.length).toBeLessThan(70 * 1024);
    expect(r.output).toMatch(/\[\.\.\. \d+ characters of output omitted \.\.\.\]/);
    expect(r.output.trimEnd().endsWith('THE-END')).toBe(true);
    expect(streamed).toBeLessThan(40 * 1024);
  });

  it('kills the whole process tree on timeout', async () => {
    const marker = `tern-timeout-${process.pid}-${Date.now()}`;
    const r = await launch({
      argv: ['bash', '-c', `bash -c 'sleep 100; true' ${marker} & bash -c 'sleep 100; true' ${marker}; true`],
      cwd: os.tmpdir(),
      timeoutMs: 500,
      signal: never,
    });
    expect(r.timedOut).toBe(true);
    expect(r.durationMs).toBeLessThan(20_000);
    expect(r.exitCode).toBe(124);
    await new Promise((res) => setTimeout(res, 200));
    expect(alive(marker)).toBe(false);
  });

  it('kills the tree when the turn is aborted', async () => {
    const marker = `tern-abort-${process.pid}-${Date.now()}`;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await launch({ argv: ['bash', '-c', `bash -c 'sleep 100; true' ${marker} & wait`], cwd: os.tmpdir(), timeoutMs: 60_000, signal: ac.signal });
    expect(r.aborted).toBe(true);
    await new Promise((res) => setTimeout(res, 200));
    expect(alive(marker)).toBe(false);
  });

  it('an abort sends SIGTERM first, so the command can clean up, then SIGKILL reaches what ignores it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tern-launch-term-'));
    const marker = `tern-stubborn-${process.pid}-${Date.now()}`;
    const ac = new AbortController();
    const pending = launch({
      argv: ['bash', '-c', `trap 'echo cleaned > term.txt; exit 0' TERM; bash -c 'trap "" TERM; exec -a ${marker} sleep 100' & wait`],
      cwd: dir,
      timeoutMs: 60_000,
      signal: ac.signal,
    });
    // `^marker`: the sleep itself (exec -a), not the bash whose arguments also contain the marker.
    await waitAlive(`^${marker}`);
    ac.abort();
    const r = await pending;
    expect(r.aborted).toBe(true);
    expect(readFileSync(path.join(dir, 'term.txt'), 'utf8')).toBe('cleaned\n');
    await new Promise((res) => setTimeout(res, KILL_GRACE_MS + 500));
    expect(alive(marker)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a missing shell like a shell would', async () => {
    const r = await launch({ argv: ['/no/such/shell', '-c', 'true'], cwd: os.tmpdir(), timeoutMs: 5_000, signal: never });
    expect(r.exitCode).toBe(127);
  });
});

describe('launch: the spawn helper', () => {
  /** Starts `sleep` under a marker and returns the pending launch, the sleep's pid and its spawn helper's pid. */
  async function sleeping(marker: string) {
    const pending = launch({ argv: ['bash', '-c', `exec -a ${marker} sleep 100`], cwd: os.tmpdir(), timeoutMs: 60_000, signal: never });
    await waitAlive(`^${marker}`);
    const pid = Number(execFileSync('pgrep', ['-f', `^${marker}`], { encoding: 'utf8' }).trim());
    return { pending, pid, helper: ancestorRunning(pid, 'spawner/helper-main') };
  }

  it('starts tool processes, not this process: a command is the helper\'s child, and the helper is ours', async () => {
    const { pending, pid, helper } = await sleeping(`tern-helper-child-${process.pid}-${Date.now()}`);
    expect(helper).not.toBeNull();
    expect(parentOf(pid)).toBe(helper);
    expect(parentOf(helper!)).toBe(process.pid);
    process.kill(-pid, 'SIGKILL');
    expect((await pending).exitCode).toBe(-1);
  });

  it('runs tool processes TOOL_NICENESS_INCREMENT steps below this process, which keeps its own priority', async () => {
    const before = os.getPriority();
    // Field 19 of /proc/PID/stat is the niceness; the command's name (field 2) has no space here.
    const r = await launch({ argv: ['bash', '-c', 'cut -d" " -f19 /proc/$$/stat'], cwd: os.tmpdir(), timeoutMs: 10_000, signal: never });
    expect(Number(r.output.trim())).toBe(Math.min(19, before + TOOL_NICENESS_INCREMENT));
    expect(os.getPriority()).toBe(before);
  });

  it('a helper that dies mid-command: the command is reported lost, its tree ends, and the next command gets a new helper', async () => {
    const marker = `tern-helper-lost-${process.pid}-${Date.now()}`;
    const { pending, pid, helper } = await sleeping(marker);
    process.kill(helper!, 'SIGKILL');
    const r = await pending;
    expect(r.output).toMatch(/spawn helper exited .*output is lost/);
    await until(() => gone(pid));
    const next = await launch({ argv: ['bash', '-c', 'echo again'], cwd: os.tmpdir(), timeoutMs: 10_000, signal: never });
    expect(next.output).toBe('again\n');
    const again = await sleeping(`${marker}-again`);
    expect(again.helper).not.toBeNull();
    expect(again.helper).not.toBe(helper);
    process.kill(-again.pid, 'SIGKILL');
    await again.pending;
  });
});

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((res) => setTimeout(res, 50));
  }
}
