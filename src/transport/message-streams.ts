// A WebSocket as a pair of line streams (see types.ts). Inbound: one text frame
// is one message; its raw line breaks are JSON whitespace (a JSON string cannot
// hold one), so they become spaces and the message stays one line; two
// messages in one frame therefore stay one invalid line and are dropped, as the
// reference drops them. Binary frames are dropped. Outbound: each line written
// is sent as one text frame. A client that stops reading is disconnected once
// its unsent backlog passes a bound, so one slow client cannot grow memory.

import { PassThrough, Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Logger } from '../util/log.js';
import type { ClientStreams, ConnectionOrigin } from './types.js';

/** Unsent bytes a client may leave queued before it is disconnected. */
const MAX_BUFFERED_OUTBOUND_BYTES = 64 * 1024 * 1024;
/** Close code for a client disconnected because it does not read (RFC 6455 "policy violation"). */
const CLOSE_POLICY_VIOLATION = 1008;

export function webSocketStreams(ws: WebSocket, origin: ConnectionOrigin, label: string, log: Logger): ClientStreams {
  const input = new PassThrough();
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      log.warn(`${label}: dropped a binary frame (messages are JSON text frames)`);
      return;
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    if (!input.writableEnded) input.write(text.replace(/[\r\n]/g, ' ') + '\n');
  });
  ws.on('close', () => input.end());
  ws.on('error', (err) => {
    log.debug(`${label}: ${err.message}`);
    input.end();
  });

  let pending = '';
  const output = new Writable({
    // The connection writes whole lines as strings: kept as they are, not turned into Buffers and back.
    decodeStrings: false,
    write(chunk: Buffer | string, _enc, done) {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      // The common case, one whole line: sent without copying it through `pending`.
      if (pending === '' && text.indexOf('\n') === text.length - 1) {
        sendLine(text.slice(0, -1));
        done();
        return;
      }
      pending += text;
      let nl = pending.indexOf('\n');
      while (nl !== -1) {
        sendLine(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
      done();
    },
    final(done) {
      ws.close();
      done();
    },
  });
  const sendLine = (line: string) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_OUTBOUND_BYTES) {
      log.warn(`${label}: disconnecting a client that does not read (${ws.bufferedAmount} bytes unsent)`);
      ws.close(CLOSE_POLICY_VIOLATION, 'outbound queue full');
      return;
    }
    ws.send(line);
  };
  return { origin, input, output, label };
}
