// Server-sent events from a response body, read leniently: the parser never
// throws on content (a malformed event is the caller's to skip), only on the
// transport (the body breaks) or when the stream stays silent for too long.

import { ModelFailure } from '../util/errors.js';
export interface SseMessage {
  /** The `event:` field, or null when the message had none. */
  event: string | null;
  /** The `data:` lines, joined with "\n". */
  data: string;
}

/** No byte arrived for the configured time. */
export class SseIdleTimeoutError extends ModelFailure {
  override name = 'SseIdleTimeoutError';
  constructor(readonly idleMs: number) {
    super(`idle timeout waiting for SSE (${idleMs} ms without data)`);
  }
}

export interface ReadSseOptions {
  /** Longest silence between two chunks; 0 disables the watchdog. */
  idleTimeoutMs: number;
}

/**
 * Yields every complete SSE message of `body`. Comment lines (`:`), unknown
 * fields and lines without a colon are ignored, as the SSE spec says. A last
 * message without its terminating blank line is still delivered at EOF.
 */
export async function* readSse(body: ReadableStream<Uint8Array>, opts: ReadSseOptions): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event: string | null = null;
  let data: string[] = [];
  let sawField = false;

  const takeLine = (line: string): SseMessage | null => {
    if (line === '') {
      if (!sawField) return null;
      const msg = { event, data: data.join('\n') };
      event = null;
      data = [];
      sawField = false;
      return msg;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') {
      event = value;
      sawField = true;
    } else if (field === 'data') {
      data.push(value);
      sawField = true;
    }
    return null;
  };

  let done = false;
  try {
    for (;;) {
      const chunk = await readWithIdleTimeout(reader, opts.idleTimeoutMs);
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      for (;;) {
        const m = /\r\n|\r|\n/.exec(buffer);
        // A lone trailing '\r' may be the first half of '\r\n': wait for more.
        if (!m || (m[0] === '\r' && m.index === buffer.length - 1)) break;
        const line = buffer.slice(0, m.index);
        buffer = buffer.slice(m.index + m[0].length);
        const msg = takeLine(line);
        if (msg) yield msg;
      }
    }
    buffer += decoder.decode();
    for (const line of buffer.split(/\r\n|\r|\n/)) {
      const msg = takeLine(line);
      if (msg) yield msg;
    }
    const last = takeLine('');
    if (last) yield last;
    done = true;
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function readWithIdleTimeout(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  idleMs: number,
): ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']> {
  if (idleMs <= 0) return reader.read();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new SseIdleTimeoutError(idleMs)), idleMs);
    reader.read().then(
      (r) => {
        clearTimeout(timer);
        resolve(r);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** The JSON of one SSE message if it parses and passes `is`; null otherwise (a malformed event is skipped, not fatal). */
export function parseSseJson<T>(data: string, is: (value: unknown) => value is T): T | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  return is(value) ? value : null;
}
