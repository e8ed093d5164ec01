import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { progressLine, watchAgentEvents } from '../../src/action/agent-progress.js';
import type { Clock } from '../../src/github/progress-comment.js';

const CWD = '/work/checkout';

describe('progress lines from the agent events', () => {
  it.each([
    [{ type: 'commandExecution', command: "bash -lc 'npm test'", exitCode: 1 }, 'ran `npm test` (exit 1)'],
    [{ type: 'commandExecution', command: "/bin/bash -c 'echo '\\''hi'\\'''", exitCode: 0 }, "ran `echo 'hi'` (exit 0)"],
    [{ type: 'commandExecution', command: 'ls `pwd`', exitCode: null }, "ran `ls 'pwd'`"],
    [{ type: 'fileChange', changes: [{ path: '/work/checkout/src/a.ts' }, { path: 'b.ts' }, { path: '/elsewhere/c.ts' }] }, 'edited `src/a.ts`, `b.ts`, `c.ts`'],
    [{ type: 'agentMessage', text: 'hi' }, null],
  ])('%j -> %s', (item, line) => {
    expect(progressLine(item, CWD)).toBe(line);
  });

  it('reads the growing events file on each tick, complete lines only, and once more on stop', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tern-progress-'));
    const file = path.join(dir, 'events.jsonl.partial');
    const ticks: Array<() => void> = [];
    const clock: Clock = { now: () => 0, schedule: (fn) => (ticks.push(fn), () => undefined) };
    const seen: string[][] = [];
    const completed = (command: string) => JSON.stringify({ ts: 1, dir: 's2c', msg: { method: 'item/completed', params: { item: { type: 'commandExecution', command, exitCode: 0 } } } });
    const settle = () => new Promise((r) => setTimeout(r, 20));

    const watcher = watchAgentEvents(dir, CWD, clock, (lines) => seen.push(lines));
    await settle(); // no file yet: nothing
    const two = completed('two');
    const half = Math.floor(two.length / 2);
    writeFileSync(file, `{"tern":"events","version":1}\n${completed('one')}\n${two.slice(0, half)}`);
    ticks.shift()!();
    await settle();
    expect(seen).toEqual([['ran `one` (exit 0)']]); // the torn second line waits for its end
    appendFileSync(file, `${two.slice(half)}\n`);
    await watcher.stop();
    expect(seen.at(-1)).toEqual(['ran `one` (exit 0)', 'ran `two` (exit 0)']);
  });
});
