/**
 * An HTTP pass-through in front of scripted model servers, in the bench process. It routes each
 * thread's requests to a scripted model server of its own (by the request's `prompt_cache_key`,
 * which both tern and codex set to the thread id: one script per thread, however the threads'
 * requests interleave), and timestamps with performance.now() (the clock the bench client uses):
 *  - each request's arrival, per thread,
 *  - each response's `response.completed` event passing toward the server under test,
 *  - every marker `⟦…⟧` (put into scripted text) passing toward the server under test, so a
 *    notification carrying the same marker can be matched to the moment the model sent it.
 * Nothing about the HTTP is changed; the scripted servers never see the bench's clock.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startModelServer, type ModelServer } from '../../src/demo/model-server/server.js';
import type { ScriptStep } from '../../src/demo/model-server/types.js';

export interface ThreadTimes {
  /** Arrival of each model request of the thread, in order. */
  requestStarts: number[];
  /** When each response's `response.completed` event passed, in order. */
  responseEnds: number[];
  /** Bytes of each request body. */
  requestBytes: number[];
  /** The request bodies, when the tap keeps them (`keepBodies`). */
  bodies: unknown[];
}

export interface ModelTap {
  /** Base URL (with /v1) to give the server under test. */
  url: string;
  /** Per thread (prompt_cache_key), in order of first request. */
  threads: Map<string, ThreadTimes>;
  /** First time each marker passed toward the server under test. */
  markers: Map<string, number>;
  close(): Promise<void>;
}

const MARKER = /⟦([A-Za-z0-9:_-]+)⟧/g;
/** Kept from the previous chunk so a marker or event name split across two chunks is still seen. */
const CARRY_CHARS = 64;
const COMPLETED = '"response.completed"';

export function marker(id: string): string {
  return `⟦${id}⟧`;
}

export interface ModelTapOptions {
  /** The script for the n-th thread to make a request (0-based). */
  scriptFor: (threadIndex: number) => ScriptStep[];
  /** Keep every request body (for checks on what the model saw); default false. */
  keepBodies?: boolean;
  /** The clock of every timestamp, in ms; default performance.now() (the bench client's clock). */
  clock?: () => number;
}

export async function startModelTap(opts: ModelTapOptions): Promise<ModelTap> {
  const threads = new Map<string, ThreadTimes>();
  const markers = new Map<string, number>();
  const upstreams = new Map<string, Promise<ModelServer>>();
  const clock = opts.clock ?? (() => performance.now());

  const upstreamFor = (key: string): Promise<ModelServer> => {
    let up = upstreams.get(key);
    if (up === undefined) {
      up = startModelServer({ script: opts.scriptFor(upstreams.size) });
      upstreams.set(key, up);
    }
    return up;
  };

  const server = http.createServer((req, res) => {
    const arrived = clock();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let parsed: any = null;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        // not JSON (GET /models): route to the shared default
      }
      const key = typeof parsed?.prompt_cache_key === 'string' ? parsed.prompt_cache_key : 'default';
      let times = threads.get(key);
      if (times === undefined) threads.set(key, (times = { requestStarts: [], responseEnds: [], requestBytes: [], bodies: [] }));
      times.requestStarts.push(arrived);
      times.requestBytes.push(body.length);
      if (opts.keepBodies) times.bodies.push(parsed);
      void upstreamFor(key).then((up) => forward(up, req, body, res, times!, markers, clock));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    threads,
    markers,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...upstreams.values()].map(async (u) => (await u).close()));
    },
  };
}

function forward(
  up: ModelServer,
  req: http.IncomingMessage,
  body: Buffer,
  res: http.ServerResponse,
  times: ThreadTimes,
  markers: Map<string, number>,
  clock: () => number,
): void {
  const headers = { ...req.headers, host: `127.0.0.1:${up.port}`, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  const out = http.request({ host: '127.0.0.1', port: up.port, method: req.method, path: req.url, headers }, (upRes) => {
    res.writeHead(upRes.statusCode ?? 502, upRes.headers);
    res.flushHeaders();
    let carry = '';
    upRes.on('data', (chunk: Buffer) => {
      const now = clock();
      const text = carry + chunk.toString('utf8');
      for (const m of text.matchAll(MARKER)) if (!markers.has(m[1]!)) markers.set(m[1]!, now);
      // Counted once: only an occurrence that ends inside the new chunk, not within the carry alone.
      const at = text.lastIndexOf(COMPLETED);
      if (at >= 0 && at + COMPLETED.length > carry.length) times.responseEnds.push(now);
      carry = text.slice(-CARRY_CHARS);
      res.write(chunk);
    });
    upRes.on('end', () => res.end());
    upRes.on('error', () => res.destroy());
  });
  out.on('error', () => res.destroy());
  out.end(body);
}
