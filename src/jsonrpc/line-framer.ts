// Splits a byte stream into newline-terminated UTF-8 lines, with a size cap.
// Hand-written because node:readline has no per-line size limit: one unbounded
// line from a peer would otherwise grow memory without bound.
//
// Bytes are kept as Buffers until a line is complete and decoded once (a 0x0A
// byte never occurs inside a multi-byte UTF-8 sequence). A line longer than the
// cap is discarded as it streams: only its first OVERSIZED_HEAD_BYTES are kept,
// so that the connection can still read the request id and answer.

/** How much of an oversized line is kept, to find its id (which clients put first). */
export const OVERSIZED_HEAD_BYTES = 4096;

const NEWLINE = 0x0a;

export interface OversizedLine {
  /** The line's length in bytes, without the newline. */
  bytes: number;
  /** Its first bytes, decoded (possibly ending in a cut character). */
  head: string;
}

export interface LineFramerOptions {
  /** Longest accepted line, in bytes (without the newline). */
  maxLineBytes: number;
  onLine: (line: string) => void;
  /** Called once per oversized line, when it ends; the line itself is gone. */
  onOversized: (line: OversizedLine) => void;
}

export class LineFramer {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Set while discarding an oversized line: its head and the bytes seen so far. */
  private discarding: { head: Buffer; bytes: number } | null = null;

  constructor(private readonly opts: LineFramerOptions) {}

  push(chunk: Buffer | string): void {
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    while (start < data.length) {
      const nl = data.indexOf(NEWLINE, start);
      const end = nl === -1 ? data.length : nl;
      this.take(data.subarray(start, end));
      if (nl === -1) break;
      this.endLine();
      start = nl + 1;
    }
  }

  /** Flushes a final unterminated line (stream end). */
  end(): void {
    if (this.size > 0 || this.discarding) this.endLine();
  }

  private take(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.discarding) {
      this.discarding.bytes += piece.length;
      return;
    }
    if (this.size + piece.length <= this.opts.maxLineBytes) {
      this.chunks.push(piece);
      this.size += piece.length;
      return;
    }
    const head = Buffer.concat([...this.chunks, piece.subarray(0, OVERSIZED_HEAD_BYTES)]).subarray(0, OVERSIZED_HEAD_BYTES);
    // A copy: the head must not keep a whole input chunk alive.
    this.discarding = { head: Buffer.from(head), bytes: this.size + piece.length };
    this.chunks = [];
    this.size = 0;
  }

  private endLine(): void {
    if (this.discarding) {
      const { head, bytes } = this.discarding;
      this.discarding = null;
      this.opts.onOversized({ bytes, head: head.toString('utf8') });
      return;
    }
    const text = Buffer.concat(this.chunks, this.size).toString('utf8');
    this.chunks = [];
    this.size = 0;
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (line.trim().length > 0) this.opts.onLine(line);
  }
}
