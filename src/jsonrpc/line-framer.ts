// Splits a byte stream into newline-terminated UTF-8 lines, with a size cap.
// Hand-written because node:readline has no per-line size limit: one unbounded
// line from a peer would otherwise grow memory without bound.

import { StringDecoder } from 'node:string_decoder';

export interface LineFramerOptions {
  /** Longest accepted line, in bytes (approximately: measured in UTF-16 units). */
  maxLineBytes: number;
  onLine: (line: string) => void;
  /** Called once per oversized line; the line is dropped. */
  onOversized: (length: number) => void;
}

export class LineFramer {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';
  private discarding = false;
  private discardedLength = 0;

  constructor(private readonly opts: LineFramerOptions) {}

  push(chunk: Buffer | string): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    while (text.length > 0) {
      const nl = text.indexOf('\n');
      const piece = nl === -1 ? text : text.slice(0, nl);
      text = nl === -1 ? '' : text.slice(nl + 1);
      if (this.discarding) {
        this.discardedLength += piece.length;
      } else {
        this.buffer += piece;
        if (this.buffer.length > this.opts.maxLineBytes) {
          this.discarding = true;
          this.discardedLength = this.buffer.length;
          this.buffer = '';
        }
      }
      if (nl !== -1) this.endLine();
    }
  }

  /** Flushes a final unterminated line (stream end). */
  end(): void {
    const rest = this.decoder.end();
    if (rest) this.push(rest);
    if (this.buffer.length > 0 || this.discarding) this.endLine();
  }

  private endLine(): void {
    if (this.discarding) {
      this.opts.onOversized(this.discardedLength);
      this.discarding = false;
      this.discardedLength = 0;
      return;
    }
    const line = this.buffer.endsWith('\r') ? this.buffer.slice(0, -1) : this.buffer;
    this.buffer = '';
    if (line.trim().length > 0) this.opts.onLine(line);
  }
}
