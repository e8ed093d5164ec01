// Progress of a run on stderr, for the person or the CI log watching it: on a
// terminal one live status line rewritten in place, elsewhere (a pipe, CI) plain
// timestamped lines. Everything passes the redactor.

import type { TurnEvent } from '../client/turn-stream.js';
import type { Redactor } from '../artifacts/redact.js';

export interface ProgressSink {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

const STATUS_WIDTH = 100;
const SNIPPET = 120;

export class Progress {
  private readonly live: boolean;
  private lastStatus = '';

  constructor(
    private readonly sink: ProgressSink,
    private readonly redact: Redactor,
    env: NodeJS.ProcessEnv,
  ) {
    this.live = sink.isTTY === true && env.CI !== 'true' && !env.GITHUB_ACTIONS;
  }

  /** A line that stays (also on a terminal). */
  line(text: string): void {
    this.clearStatus();
    this.sink.write(`${this.redact(text)}\n`);
  }

  event(event: TurnEvent): void {
    const text = describe(event);
    if (text === null) return;
    if (this.live) this.status(text);
    else this.sink.write(`[${new Date().toISOString().slice(11, 19)}] ${this.redact(text)}\n`);
  }

  private status(text: string): void {
    const shown = this.redact(text).slice(0, STATUS_WIDTH);
    this.sink.write(`\r\x1b[2K${shown}`);
    this.lastStatus = shown;
  }

  private clearStatus(): void {
    if (this.live && this.lastStatus) this.sink.write('\r\x1b[2K');
    this.lastStatus = '';
  }
}

function describe(event: TurnEvent): string | null {
  switch (event.type) {
    case 'turnStarted':
      return 'turn started';
    case 'itemStarted':
      return event.item.type === 'commandExecution' ? `running: ${snippet(event.item.command)}` : null;
    case 'itemCompleted':
      return describeItem(event.item);
    case 'error':
      return `${event.willRetry ? 'retrying after' : 'error'}: ${snippet(event.error.message)}`;
    case 'turnCompleted':
      return `turn ${event.turn.status}`;
    default:
      return null;
  }
}

function describeItem(item: Extract<TurnEvent, { type: 'itemCompleted' }>['item']): string | null {
  switch (item.type) {
    case 'commandExecution':
      return `$ ${snippet(item.command)} -> exit ${item.exitCode ?? item.status}`;
    case 'fileChange':
      return `patch ${item.status}: ${item.changes.map((c) => c.path).join(', ')}`;
    case 'agentMessage':
      return `message: ${snippet(item.text)}`;
    default:
      return null;
  }
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET - 1)}…` : flat;
}
