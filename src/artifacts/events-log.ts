// events.jsonl: every protocol message of a run, both directions, one JSON line each:
//   {"ts": <epoch ms>, "dir": "c2s" | "s2c", "msg": {…}}   (msg redacted)
//
// While the run goes, lines are appended (synchronously, so order is exactly the
// order the messages were seen and nothing is lost if the driver dies) to
// `events.jsonl.partial`; finish() fsyncs it and renames it to `events.jsonl`.
// So `events.jsonl` only ever exists complete, and a crashed run leaves an
// `events.jsonl.partial` behind for post-mortems.

import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir } from './atomic-write.js';
import { redactDeep, type Redactor } from './redact.js';

export type EventDirection = 'c2s' | 's2c';

export interface EventLine {
  ts: number;
  dir: EventDirection;
  msg: unknown;
}

export const EVENTS_FILE = 'events.jsonl';
export const PARTIAL_SUFFIX = '.partial';

export class EventsLog {
  readonly finalPath: string;
  readonly partialPath: string;
  private fd: number | undefined;
  private lines = 0;
  private error: Error | undefined;

  constructor(
    outDir: string,
    private readonly redact: Redactor,
    private readonly now: () => number = Date.now,
  ) {
    this.finalPath = path.join(outDir, EVENTS_FILE);
    this.partialPath = this.finalPath + PARTIAL_SUFFIX;
    // 'w': a leftover .partial from an earlier crashed run is truncated.
    this.fd = openSync(this.partialPath, 'w', 0o644);
  }

  /** Number of lines recorded so far. */
  get count(): number {
    return this.lines;
  }

  record(dir: EventDirection, msg: unknown): void {
    if (this.fd === undefined || this.error) return;
    const line: EventLine = { ts: this.now(), dir, msg: redactDeep(msg, this.redact) };
    try {
      writeSync(this.fd, JSON.stringify(line) + '\n');
      this.lines++;
    } catch (err) {
      // Keep the run going; finish() reports the failure.
      this.error = err as Error;
    }
  }

  /** Closes the log and renames it to events.jsonl. Idempotent. */
  async finish(): Promise<string> {
    if (this.fd !== undefined) {
      const fd = this.fd;
      this.fd = undefined;
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      if (this.error) throw this.error;
      await rename(this.partialPath, this.finalPath);
      await fsyncDir(path.dirname(this.finalPath));
    }
    return this.finalPath;
  }
}
