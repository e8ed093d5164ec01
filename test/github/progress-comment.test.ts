import { describe, expect, it } from 'vitest';
import { PROGRESS_MARKER, ProgressComment, type Clock, type CommentWriter } from '../../src/github/progress-comment.js';

/** A clock the test moves by hand; timers fire when it passes their time. */
class ManualClock implements Clock {
  t = 1000;
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  now = () => this.t;
  schedule = (fn: () => void, ms: number) => {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return () => void (timer.live = false);
  };
  advance(ms: number): void {
    this.t += ms;
    for (const timer of this.timers.filter((x) => x.live && x.at <= this.t)) {
      timer.live = false;
      timer.fn();
    }
  }
  get liveTimers(): number {
    return this.timers.filter((x) => x.live).length;
  }
}

function recorder() {
  const calls: Array<{ op: 'create' | 'edit'; at: number; body: string }> = [];
  let clock: ManualClock;
  const writer: CommentWriter = {
    create: async (body) => (calls.push({ op: 'create', at: clock.t, body }), { id: 7, url: 'https://github.com/o/r/issues/1#issuecomment-7' }),
    edit: async (_id, body) => void calls.push({ op: 'edit', at: clock.t, body }),
  };
  return { calls, writer, bind: (c: ManualClock) => (clock = c) };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('ProgressComment', () => {
  it('edits at most once per interval, sends the latest text, and the final edit goes out at once', async () => {
    const clock = new ManualClock();
    const rec = recorder();
    rec.bind(clock);
    const progress = new ProgressComment(rec.writer, clock, 5000);
    await progress.start('working');
    progress.update('step 1'); // 0 ms after the create: waits
    clock.advance(1000);
    progress.update('step 2'); // still inside the interval: replaces step 1
    expect(clock.liveTimers).toBe(1);
    clock.advance(3999);
    await settle();
    expect(rec.calls.map((c) => c.op)).toEqual(['create']);
    clock.advance(1);
    await settle();
    expect(rec.calls.map((c) => [c.op, c.at])).toEqual([['create', 1000], ['edit', 6000]]);
    expect(rec.calls[1]!.body).toContain('step 2');
    expect(rec.calls[1]!.body).not.toContain('step 1');
    progress.update('step 2'); // unchanged text: no edit
    clock.advance(6000);
    progress.update('step 3'); // the interval has passed: at once
    await settle();
    expect(rec.calls.map((c) => c.at)).toEqual([1000, 6000, 12000]);
    progress.update('step 4'); // pending...
    await progress.finish('done: https://github.com/o/r/pull/2'); // ...dropped: the final text goes out now
    clock.advance(10_000);
    await settle();
    expect(rec.calls.map((c) => [c.op, c.at])).toEqual([['create', 1000], ['edit', 6000], ['edit', 12000], ['edit', 12000]]);
    expect(rec.calls.at(-1)!.body).toBe(`done: https://github.com/o/r/pull/2\n\n${PROGRESS_MARKER}\n`);
    expect(rec.calls.every((c) => c.body.includes(PROGRESS_MARKER))).toBe(true);
    expect(progress.url).toBe('https://github.com/o/r/issues/1#issuecomment-7');
  });

  it('a refused progress edit is a warning; a refused final edit throws', async () => {
    const clock = new ManualClock();
    const fail = true;
    const writer: CommentWriter = {
      create: async () => ({ id: 1, url: 'u' }),
      edit: async () => {
        if (fail) throw Object.assign(new Error('boom'), { status: 502, response: { data: { message: 'Bad Gateway' } } });
      },
    };
    const progress = new ProgressComment(writer, clock, 5000);
    await progress.start('working');
    clock.advance(5000);
    progress.update('step');
    await settle();
    expect(progress.warnings).toEqual(['could not update the progress comment: HTTP 502: Bad Gateway']);
    await expect(progress.finish('done')).rejects.toThrow('boom');
  });
});
