/** yieldToIo: waiting phases resume first come first served, one per loop turn, after the I/O that is ready. */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { yieldToIo } from '../../src/util/yield-to-io.js';

/** A connected pair of local TCP sockets (127.0.0.1). */
async function socketPair(): Promise<{ a: net.Socket; b: net.Socket; close(): void }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const a = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => a.once('connect', () => resolve()));
  const b = await accepted;
  return {
    a,
    b,
    close() {
      a.destroy();
      b.destroy();
      server.close();
    },
  };
}

describe('yieldToIo', () => {
  it('resumes waiting phases in the order they came', async () => {
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map(async (n) => {
      await yieldToIo();
      order.push(n);
    }));
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('handles the data that arrived while a phase ran before the next phase resumes', async () => {
    const { a, b, close } = await socketPair();
    try {
      const events: string[] = [];
      b.on('data', (d: Buffer) => events.push(`data ${String(d)}`));
      const phases = [1, 2, 3].map(async (n) => {
        await yieldToIo();
        events.push(`phase ${n}`);
        // Data for the other end: in its socket buffer once write returns (a small write on loopback).
        if (n === 1) a.write('x');
      });
      await Promise.all(phases);
      // Without the yield the three phases would run back to back, before the data.
      expect(events.indexOf('data x')).toBeGreaterThan(events.indexOf('phase 1'));
      expect(events.indexOf('data x')).toBeLessThan(events.indexOf('phase 3'));
    } finally {
      close();
    }
  });
});
