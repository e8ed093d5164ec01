import { describe, expect, it } from 'vitest';
import { readSse, SseIdleTimeoutError, type SseMessage } from '../../src/model/sse.js';

function body(chunks: string[], opts: { hang?: boolean } = {}): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (i < chunks.length) ctrl.enqueue(enc.encode(chunks[i++]!));
      else if (!opts.hang) ctrl.close();
      // hang: never enqueue nor close (a silent server)
      else return new Promise(() => {});
    },
  });
}

async function all(stream: ReadableStream<Uint8Array>, idleTimeoutMs = 0): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const m of readSse(stream, { idleTimeoutMs })) out.push(m);
  return out;
}

describe('readSse', () => {
  it('parses events and data split anywhere across chunks, with LF, CRLF and CR line ends', async () => {
    const text = 'event: a\ndata: {"x":1}\n\nevent: b\r\ndata: two\r\ndata: lines\r\n\r\ndata: cr\r\r';
    for (const size of [1, 2, 3, 7, text.length]) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(await all(body(chunks))).toEqual([
        { event: 'a', data: '{"x":1}' },
        { event: 'b', data: 'two\nlines' },
        { event: null, data: 'cr' },
      ]);
    }
  });

  it('ignores comments, unknown fields and colon-less lines, and passes malformed data through untouched', async () => {
    const msgs = await all(body([': keep-alive\n\n', 'garbage line\nid: 7\ndata: {not json\n\n', 'data:no-space\n\n']));
    expect(msgs).toEqual([
      { event: null, data: '{not json' },
      { event: null, data: 'no-space' },
    ]);
  });

  it('delivers a last message that lacks its blank line at EOF', async () => {
    expect(await all(body(['data: [DONE]']))).toEqual([{ event: null, data: '[DONE]' }]);
  });

  it('keeps multi-byte characters split across chunks intact', async () => {
    const bytes = new TextEncoder().encode('data: héllo ✓\n\n');
    const stream = new ReadableStream<Uint8Array>({
      start(ctrl) {
        for (const b of bytes) ctrl.enqueue(new Uint8Array([b]));
        ctrl.close();
      },
    });
    expect(await all(stream)).toEqual([{ event: null, data: 'héllo ✓' }]);
  });

  it('throws SseIdleTimeoutError when no byte arrives for idleTimeoutMs, after what did arrive', async () => {
    const seen: SseMessage[] = [];
    const err = await (async () => {
      try {
        for await (const m of readSse(body(['data: first\n\n'], { hang: true }), { idleTimeoutMs: 30 })) seen.push(m);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(seen).toEqual([{ event: null, data: 'first' }]);
    expect(err).toBeInstanceOf(SseIdleTimeoutError);
    expect((err as Error).message).toMatch(/idle timeout waiting for SSE/);
  });
});
