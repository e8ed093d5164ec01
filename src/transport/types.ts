// What every transport hands the server: one client connection as a pair of
// byte streams carrying one JSON message per line, whatever the wire framing
// (stdio lines, WebSocket text frames). The JSON-RPC connection reads and writes
// them unchanged, so framing rules (size cap, lossless ids) live in one place.

import type { Readable, Writable } from 'node:stream';

export type ConnectionOrigin = 'stdio' | 'websocket' | 'unix';

export interface ClientStreams {
  origin: ConnectionOrigin;
  /** Messages from the client, one per line. Ends when the client goes away. */
  input: Readable;
  /** Messages to the client, one per line (each written line becomes one message on the wire). */
  output: Writable;
  /** A short label for logs (never a secret). */
  label: string;
}

export interface Listener {
  /** Where it listens, for the start-up banner (`ws://127.0.0.1:PORT`, `unix:///path`). */
  readonly url: string;
  /** Stops accepting and closes every open connection. */
  close(): Promise<void>;
}
