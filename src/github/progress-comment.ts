// The one comment a mention run keeps on the issue or pull request: created when the run starts,
// edited in place as the agent works (at most one edit per interval; the latest text wins), and
// finished with the outcome. The clock and the timer are injected, so the throttle is tested
// without waiting.

import { describeFailure, type Octokit } from './pull-request.js';

/** Marks tern's progress comments: a comment holding it never starts a run. */
export const PROGRESS_MARKER = '<!-- tern-progress -->';
/** At most one edit per this many ms while the agent works (GitHub's secondary rate limits). */
export const PROGRESS_EDIT_INTERVAL_MS = 5000;

export interface Clock {
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  schedule(fn: () => void, ms: number): () => void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  schedule: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};

/** Writes a comment body; the comment exists once `create` has resolved. */
export interface CommentWriter {
  create(body: string): Promise<{ id: number; url: string }>;
  edit(id: number, body: string): Promise<void>;
}

export class ProgressComment {
  private id: number | null = null;
  url: string | null = null;
  private sent: string | null = null;
  private pending: string | null = null;
  private lastEditAt = Number.NEGATIVE_INFINITY;
  private cancelTimer: (() => void) | null = null;
  private chain: Promise<void> = Promise.resolve();
  private finished = false;
  /** One line per edit GitHub refused (progress is best effort; the final edit is not). */
  readonly warnings: string[] = [];

  constructor(
    private readonly writer: CommentWriter,
    private readonly clock: Clock = realClock,
    private readonly intervalMs: number = PROGRESS_EDIT_INTERVAL_MS,
  ) {}

  async start(body: string): Promise<void> {
    const created = await this.writer.create(withMarker(body));
    this.id = created.id;
    this.url = created.url;
    this.sent = body;
    this.lastEditAt = this.clock.now();
  }

  /** Shows `body` now, or when the interval since the last edit has passed. */
  update(body: string): void {
    if (this.finished || this.id === null) return;
    this.pending = body;
    if (this.cancelTimer) return;
    const wait = this.lastEditAt + this.intervalMs - this.clock.now();
    if (wait <= 0) this.flush();
    else this.cancelTimer = this.clock.schedule(() => this.flush(), wait);
  }

  /** The last edit: sent at once, whatever the interval; waits for edits in flight. Throws if GitHub refuses it. */
  async finish(body: string): Promise<void> {
    this.finished = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.pending = null;
    await this.chain;
    if (this.id === null) return;
    await this.writer.edit(this.id, withMarker(body));
    this.sent = body;
  }

  private flush(): void {
    this.cancelTimer = null;
    const body = this.pending;
    this.pending = null;
    if (body === null || body === this.sent || this.finished) return;
    this.sent = body;
    this.lastEditAt = this.clock.now();
    const id = this.id!;
    this.chain = this.chain.then(() => this.writer.edit(id, withMarker(body)).catch((err: unknown) => void this.warnings.push(`could not update the progress comment: ${describeFailure(err)}`)));
  }
}

function withMarker(body: string): string {
  return `${body.trimEnd()}\n\n${PROGRESS_MARKER}\n`;
}

/** The writer for an issue's (or pull request's) comments. */
export function issueCommentWriter(octokit: Octokit, owner: string, repo: string, issueNumber: number): CommentWriter {
  return {
    async create(body) {
      const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
      return { id: data.id, url: data.html_url };
    },
    async edit(id, body) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body });
    },
  };
}
