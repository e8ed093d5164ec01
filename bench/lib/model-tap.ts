/**
 * One HTTP server in the bench process in front of scripted models (src/demo/model-server's
 * handler, no server of their own: one HTTP hop, not two). It routes each thread's requests to a
 * script of its own (by the request's `prompt_cache_key`, which both tern and codex set to the
 * thread id: one script per thread, however the threads' requests interleave), and timestamps
 * with performance.now() (the clock the bench client uses; `clock` sets another):
 *  - each request's arrival, per thread,
 *  - each response's `response.completed` event passing toward the server under test,
 *  - every marker `⟦…⟧` (put into scripted text) passing toward the server under test, so a
 *    notification carrying the same marker can be matched to the moment the model sent it.
 * The stamps are taken as the scripted model writes each chunk; the scripts never see the bench's clock.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createScriptedModel, type ScriptedModel } from '../../src/demo/model-server/server.js';
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

/** The request's `prompt_cache_key` (both servers set it to the thread id), found without parsing the whole body. */
const CACHE_KEY = /"prompt_cache_key"\s*:\s*"([^"\\]*)"/;

export async function startModelTap(opts: ModelTapOptions): Promise<ModelTap> {
  const threads = new Map<string, ThreadTimes>();
  const markers = new Map<string, number>();
  const models = new Map<string, ScriptedModel>();
  const clock = opts.clock ?? (() => performance.now());

  const modelFor = (key: string): ScriptedModel => {
    let model = models.get(key);
    if (model === undefined) {
      model = createScriptedModel({ script: opts.scriptFor(models.size) });
      models.set(key, model);
    }
    return model;
  };

  const server = http.createServer((req, res) => {
    const arrived = clock();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      const key = CACHE_KEY.exec(text)?.[1] ?? 'default';
      let times = threads.get(key);
      if (times === undefined) threads.set(key, (times = { requestStarts: [], responseEnds: [], requestBytes: [], bodies: [] }));
      times.requestStarts.push(arrived);
      times.requestBytes.push(body.length);
      if (opts.keepBodies) times.bodies.push(parseOrNull(text));
      observe(res, times, markers, clock);
      modelFor(key).handle(req, res, body);
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
      for (const model of models.values()) model.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null; // not JSON (GET /models)
  }
}

/** Stamps what the scripted model writes to `res`, as it goes out: markers and `response.completed`. */
function observe(res: http.ServerResponse, times: ThreadTimes, markers: Map<string, number>, clock: () => number): void {
  let carry = '';
  const seen = (chunk: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const now = clock();
    const text = carry + (typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    for (const m of text.matchAll(MARKER)) if (!markers.has(m[1]!)) markers.set(m[1]!, now);
    // Counted once: only an occurrence that ends inside the new chunk, not within the carry alone.
    const at = text.lastIndexOf(COMPLETED);
    if (at >= 0 && at + COMPLETED.length > carry.length) times.responseEnds.push(now);
    carry = text.slice(-CARRY_CHARS);
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    seen(chunk);
    return write(chunk, ...rest);
  }) as typeof res.write;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    seen(chunk);
    return end(chunk, ...rest);
  }) as typeof res.end;
}
