/** JsonRpcConnection over in-memory streams: framing, classification, ids, pending requests. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonRpcConnection, MAX_PENDING_REQUESTS, ReplyThen, RequestFailedError, RpcError } from '../../src/jsonrpc/connection.js';
import { LineFramer, OVERSIZED_HEAD_BYTES } from '../../src/jsonrpc/line-framer.js';

function pair() {
  const input = new PassThrough();
  const output = new PassThrough();
  const conn = new JsonRpcConnection(input, output, { maxLineBytes: 1024 });
  const lines: Record<string, unknown>[] = [];
  let buf = '';
  output.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
    }
  });
  const flush = () => new Promise((r) => setImmediate(r));
  return { input, output, conn, lines, flush };
}

describe('JsonRpcConnection', () => {
  it('answers requests, echoes string and integer ids, never sends "jsonrpc"', async () => {
    const { input, conn, lines, flush } = pair();
    conn.start({ onRequest: (req) => ({ echo: req.params }) });
    input.write('{"id":7,"method":"a","params":{"x":1}}\n{"id":"s","method":"b"}\n');
    await flush();
    expect(lines).toEqual([
      { id: 7, result: { echo: { x: 1 } } },
      { id: 's', result: {} },
    ]);
    expect(lines.every((l) => !('jsonrpc' in l))).toBe(true);
  });

  it('maps RpcError to its code and other throws to -32603', async () => {
    const { input, conn, lines, flush } = pair();
    conn.start({
      onRequest: (req) => {
        if (req.method === 'rpc') throw new RpcError(-32600, 'Not initialized');
        throw new Error('boom');
      },
    });
    input.write('{"id":1,"method":"rpc"}\n{"id":2,"method":"other"}\n');
    await flush();
    expect(lines).toEqual([
      { id: 1, error: { code: -32600, message: 'Not initialized' } },
      { id: 2, error: { code: -32603, message: 'boom' } },
    ]);
  });

  it('drops malformed lines without replying and keeps serving', async () => {
    const { input, conn, lines, flush } = pair();
    const malformed: string[] = [];
    conn.start({ onRequest: () => 'ok', onMalformed: (_l, reason) => malformed.push(reason) });
    input.write('not json\n[1]\n{"id":{"x":1},"method":"m"}\n{"foo":1}\n\n   \n{"id":3,"method":"m"}\n');
    await flush();
    expect(malformed).toHaveLength(4);
    expect(lines).toEqual([{ id: 3, result: 'ok' }]);
  });

  it('discards an oversized line as it streams, answers its request -32600 by its id, and recovers', async () => {
    const { input, conn, lines, flush } = pair();
    const malformed: string[] = [];
    conn.start({ onRequest: () => 'ok', onMalformed: (_l, reason) => malformed.push(reason) });
    input.write(`{"id":1,"method":"m","params":"${'x'.repeat(600)}`);
    input.write(`${'y'.repeat(600)}"}\n{"id":2,"method":"m"}\n`);
    await flush();
    expect(malformed).toEqual(['message of 1233 bytes exceeds the limit of 1024 bytes']);
    expect(lines).toEqual([
      { id: 1, error: { code: -32600, message: 'Invalid request: message of 1233 bytes exceeds the limit of 1024 bytes' } },
      { id: 2, result: 'ok' },
    ]);
  });

  it('an oversized line whose id comes after its bulk is dropped without a reply', async () => {
    const { input, conn, lines, flush } = pair();
    let dropped = 0;
    conn.start({ onRequest: () => 'ok', onMalformed: () => dropped++ });
    input.write(`{"method":"m","params":"${'x'.repeat(5000)}","id":1}\n{"id":2,"method":"m"}\n`);
    await flush();
    expect(dropped).toBe(1);
    expect(lines).toEqual([{ id: 2, result: 'ok' }]);
  });

  it('an oversized reply to one of our requests fails that request', async () => {
    const { input, conn, flush } = pair();
    conn.start({ onMalformed: () => undefined });
    const asked = conn.sendRequest('approve', {});
    await flush();
    input.write(`{"id":0,"result":{"decision":"${'a'.repeat(2000)}"}}\n`);
    await expect(asked).rejects.toMatchObject({ reason: 'error-reply' });
  });

  it('sends ReplyThen results first, then runs the follow-up', async () => {
    const { input, conn, lines, flush } = pair();
    conn.start({ onRequest: () => new ReplyThen({ a: 1 }, () => conn.sendNotification('after', { b: 2 })) });
    input.write('{"id":1,"method":"m"}\n');
    await flush();
    expect(lines).toEqual([{ id: 1, result: { a: 1 } }, { method: 'after', params: { b: 2 } }]);
  });

  it('numbers outgoing requests from 0 and settles them by reply, error, timeout and close', async () => {
    const { input, conn, lines, flush } = pair();
    conn.start({});
    const ids: (string | number)[] = [];
    const ok = conn.sendRequest('approve', { q: 1 }, { onSent: (id) => ids.push(id) });
    const bad = conn.sendRequest('approve', { q: 2 });
    const slow = conn.sendRequest('approve', { q: 3 }, { timeoutMs: 20 });
    const never = conn.sendRequest('approve', { q: 4 });
    await flush();
    expect(lines.map((l) => l.id)).toEqual([0, 1, 2, 3]);
    expect(ids).toEqual([0]);
    input.write('{"id":0,"result":{"decision":"accept"}}\n{"id":1,"error":{"code":-1,"message":"no"}}\n');
    await expect(ok).resolves.toEqual({ decision: 'accept' });
    await expect(bad).rejects.toMatchObject({ reason: 'error-reply', error: { code: -1, message: 'no' } });
    await expect(slow).rejects.toMatchObject({ reason: 'timeout' });
    input.end();
    await expect(never).rejects.toBeInstanceOf(RequestFailedError);
    await expect(never).rejects.toMatchObject({ reason: 'closed' });
    await expect(conn.sendRequest('late')).rejects.toMatchObject({ reason: 'closed' });
  });

  it('passes notifications and shows every message to the tap', async () => {
    const { input, conn, flush } = pair();
    const got: string[] = [];
    const tapped: string[] = [];
    conn.start({ onNotification: (n) => got.push(n.method), tap: (dir, m) => tapped.push(`${dir}:${JSON.stringify(m)}`) });
    input.write('{"method":"initialized"}\n');
    conn.sendNotification('hello', undefined, { emittedAtMs: 5 });
    await flush();
    expect(got).toEqual(['initialized']);
    expect(tapped.sort()).toEqual(['in:{"method":"initialized"}', 'out:{"method":"hello","emittedAtMs":5}']);
  });
});

describe('JsonRpcConnection request ids', () => {
  /** Raw output lines (not parsed: JSON.parse would hide a changed big integer). */
  function rawPair() {
    const input = new PassThrough();
    const output = new PassThrough();
    const conn = new JsonRpcConnection(input, output);
    const raw: string[] = [];
    let buf = '';
    output.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        raw.push(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
    return { input, conn, raw, flush: () => new Promise((r) => setImmediate(r)) };
  }

  it.each([
    ['an integer above 2^53', '12345678901234567890'],
    ['the largest i64', '9223372036854775807'],
    ['the smallest i64', '-9223372036854775808'],
    ['a negative integer', '-5'],
    ['zero', '0'],
    ['a string', '"req-1"'],
    ['a string with escapes', '"a\\u0042\\"c\\\\"'],
    ['an empty string', '""'],
  ])('echoes %s byte for byte', async (_name, token) => {
    const { input, conn, raw, flush } = rawPair();
    conn.start({ onRequest: () => ({ ok: true }) });
    input.write(`{"method":"m","params":{"id":"decoy"},"id" : ${token}}\n`);
    await flush();
    expect(raw).toEqual([`{"id":${token},"result":{"ok":true}}`]);
  });

  it('echoes the raw id in error replies too', async () => {
    const { input, conn, raw, flush } = rawPair();
    conn.start({ onRequest: () => { throw new RpcError(-32600, 'Not initialized'); } });
    input.write('{"id":12345678901234567890,"method":"m"}\n');
    await flush();
    expect(raw).toEqual(['{"id":12345678901234567890,"error":{"code":-32600,"message":"Not initialized"}}']);
  });

  it.each(['1.5', '1e3', '2.0', 'true', '{}', '[1]'])('drops a request whose id is %s, as the reference server does', async (token) => {
    const { input, conn, raw, flush } = rawPair();
    const malformed: string[] = [];
    conn.start({ onRequest: () => 'ok', onMalformed: (_l, reason) => malformed.push(reason) });
    input.write(`{"id":${token},"method":"m"}\n{"id":1,"method":"m"}\n`);
    await flush();
    expect(malformed).toEqual(['request id must be a string or an integer']);
    expect(raw).toEqual(['{"id":1,"result":"ok"}']);
  });
});

describe('JsonRpcConnection inbound bound', () => {
  it('answers -32001 beyond the pending-request limit, then serves again once requests finish', async () => {
    const { input, output, conn, lines, flush } = pair();
    const release: (() => void)[] = [];
    conn.start({ onRequest: (req) => (req.method === 'slow' ? new Promise((r) => release.push(() => r('done'))) : 'fast') });
    let batch = '';
    for (let i = 0; i < MAX_PENDING_REQUESTS + 3; i++) batch += `{"id":${i},"method":"slow"}\n`;
    input.write(batch);
    await flush();
    const overloaded = { code: -32001, message: 'Server overloaded; retry later.' };
    expect(lines).toEqual([0, 1, 2].map((i) => ({ id: MAX_PENDING_REQUESTS + i, error: overloaded })));
    for (const r of release) r();
    await flush();
    input.write('{"id":"again","method":"fast"}\n');
    await flush();
    expect(lines.filter((l) => l.result === 'done')).toHaveLength(MAX_PENDING_REQUESTS);
    expect(lines.at(-1)).toEqual({ id: 'again', result: 'fast' });
    expect(output.writableEnded).toBe(false);
  });

  it('counts a request as pending until its handler settles, whether it answers or throws', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const conn = new JsonRpcConnection(input, output, { maxPendingRequests: 1 });
    const got: string[] = [];
    output.on('data', (d: Buffer) => got.push(...d.toString().trim().split('\n')));
    let release: () => void = () => undefined;
    conn.start({
      onRequest: (req) => {
        if (req.method === 'boom') throw new Error('boom');
        return new Promise((r) => (release = () => r('x')));
      },
    });
    input.write('{"id":1,"method":"boom"}\n');
    await new Promise((r) => setImmediate(r));
    input.write('{"id":2,"method":"wait"}\n{"id":3,"method":"wait"}\n');
    await new Promise((r) => setImmediate(r));
    release();
    await new Promise((r) => setImmediate(r));
    expect(got.map((l) => JSON.parse(l))).toEqual([
      { id: 1, error: { code: -32603, message: 'boom' } },
      { id: 3, error: { code: -32001, message: 'Server overloaded; retry later.' } },
      { id: 2, result: 'x' },
    ]);
  });
});

describe('LineFramer', () => {
  it('splits across chunk boundaries, multi-byte characters included, and strips CR', () => {
    const lines: string[] = [];
    const f = new LineFramer({ maxLineBytes: 100, onLine: (l) => lines.push(l), onOversized: () => {} });
    const bytes = Buffer.from('héllo\r\nwörld\nlast');
    for (const b of bytes) f.push(Buffer.from([b]));
    f.end();
    expect(lines).toEqual(['héllo', 'wörld', 'last']);
  });

  it('discards an oversized line as it streams and reports its size and head', () => {
    const lines: string[] = [];
    const over: { bytes: number; head: string }[] = [];
    const f = new LineFramer({ maxLineBytes: 10_000, onLine: (l) => lines.push(l), onOversized: (o) => over.push(o) });
    const chunk = Buffer.alloc(64 * 1024, 'a'.charCodeAt(0));
    f.push('{"id":7,');
    for (let i = 0; i < 100; i++) f.push(chunk); // 6.5 MB through a 10 kB cap
    f.push('}\nnext\n');
    expect(over).toHaveLength(1);
    expect(over[0]!.bytes).toBe(8 + 100 * chunk.length + 1);
    expect(over[0]!.head.length).toBe(OVERSIZED_HEAD_BYTES);
    expect(over[0]!.head.startsWith('{"id":7,aaa')).toBe(true);
    expect(lines).toEqual(['next']);
  });

  it('accepts a line of exactly the cap and counts bytes, not characters', () => {
    const lines: string[] = [];
    let over = 0;
    const f = new LineFramer({ maxLineBytes: 4, onLine: (l) => lines.push(l), onOversized: () => over++ });
    f.push('abcd\néé\néé!\n'); // 4 bytes, 4 bytes, 5 bytes
    expect(lines).toEqual(['abcd', 'éé']);
    expect(over).toBe(1);
  });

  it('flushes an oversized final line without a newline at end of stream', () => {
    let over = 0;
    const f = new LineFramer({ maxLineBytes: 2, onLine: () => undefined, onOversized: () => over++ });
    f.push('abc');
    f.end();
    expect(over).toBe(1);
  });
});
