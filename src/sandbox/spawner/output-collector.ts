// The output of one tool process, bounded: used by the spawn helper process, which
// reads the command's pipes, so a command printing gigabytes never crosses into the
// server (only the head is streamed, and the kept head and tail at the end).

/**
 * Keeps the head and a rolling tail of the output; streams deltas for the head
 * only, so a command printing gigabytes costs bounded memory and traffic. The tail
 * is a list of chunks, dropped whole from the front once the rest covers the tail
 * budget and cut once at the end: no per-chunk copy of the kept tail.
 */
export class OutputCollector {
  truncated = false;
  private head = '';
  private readonly tail: string[] = [];
  private tailLength = 0;
  private dropped = 0;
  private readonly headMax: number;
  private readonly tailMax: number;

  constructor(
    max: number,
    private readonly onOutput?: (chunk: string) => void,
  ) {
    this.headMax = Math.floor(max / 2);
    this.tailMax = max - this.headMax;
  }

  /** The next decoded text of stdout or stderr (each stream decodes its own UTF-8: a split character survives). */
  collect(text: string): void {
    this.add(text);
  }

  finish(): string {
    if (!this.truncated) return this.head;
    let tail = this.tail.join('');
    if (tail.length > this.tailMax) {
      this.dropped += tail.length - this.tailMax;
      tail = tail.slice(tail.length - this.tailMax);
    }
    const marker = `\n[... ${this.dropped} characters of output omitted ...]\n`;
    this.onOutput?.(marker);
    return this.head + marker + tail;
  }

  private add(text: string): void {
    if (text === '') return;
    if (this.truncated) return this.keepTail(text);
    const room = this.headMax - this.head.length;
    if (text.length <= room) {
      this.head += text;
      this.onOutput?.(text);
      return;
    }
    const fits = text.slice(0, room);
    this.head += fits;
    if (fits) this.onOutput?.(fits);
    this.truncated = true;
    this.keepTail(text.slice(room));
  }

  private keepTail(text: string): void {
    this.tail.push(text);
    this.tailLength += text.length;
    while (this.tail.length > 1 && this.tailLength - this.tail[0]!.length >= this.tailMax) {
      const first = this.tail.shift()!;
      this.tailLength -= first.length;
      this.dropped += first.length;
    }
  }
}
