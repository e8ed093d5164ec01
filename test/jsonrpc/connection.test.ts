/** JsonRpcConnection over in-memory streams: framing, classification, ids, pending requests. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonRpcConnection, ReplyThen, RequestFailedError, RpcError } from '../../src/jsonrpc/connection.js';
import { LineFramer } from '../../src/jsonrpc/line-framer.js';

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

  it('drops an oversized line and recovers at the next newline', async () => {
    const { input, conn, lines, flush } = pair();
    const malformed: string[] = [];
    conn.start({ onRequest: () => 'ok', onMalformed: (_l, reason) => malformed.push(reason) });
    input.write(`{"id":1,"method":"${'x'.repeat(600)}`);
    input.write(`${'y'.repeat(600)}"}\n{"id":2,"method":"m"}\n`);
    await flush();
    expect(malformed).toEqual(['line exceeds the size limit']);
    expect(lines).toEqual([{ id: 2, result: 'ok' }]);
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

describe('LineFramer', () => {
  it('splits across chunk boundaries, multi-byte characters included, and strips CR', () => {
    const lines: string[] = [];
    const f = new LineFramer({ maxLineBytes: 100, onLine: (l) => lines.push(l), onOversized: () => {} });
    const bytes = Buffer.from('héllo\r\nwörld\nlast');
    for (const b of bytes) f.push(Buffer.from([b]));
    f.end();
    expect(lines).toEqual(['héllo', 'wörld', 'last']);
  });
});
