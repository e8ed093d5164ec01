/**
 * A model tap (./model-tap.ts) on a worker thread, for benches that measure event latency under
 * load: the 100 scripted model servers then do not share an event loop with the bench's clients,
 * so a notification is stamped when it reaches the client's socket handler, not after the model
 * side's work queued before it (with both on one loop, that wait was up to ~60 ms at p99).
 * The scripts are given up front (the n-th thread to make a request gets `scripts[n]`), and the
 * timestamps come back at the end, on the caller's performance.now() clock.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import type { ThreadTimes } from './model-tap.js';

export type ToTapWorker = { type: 'results' } | { type: 'close' };
export type FromTapWorker =
  | { type: 'ready'; url: string }
  | { type: 'results'; threads: [string, ThreadTimes][]; markers: [string, number][] }
  | { type: 'closed' };

export interface ThreadedModelTap {
  /** Base URL (with /v1) to give the server under test. */
  url: string;
  /** What the tap recorded so far (see ModelTap), on this thread's performance.now() clock. */
  results(): Promise<{ threads: Map<string, ThreadTimes>; markers: Map<string, number> }>;
  close(): Promise<void>;
}

/** ms of CLOCK_MONOTONIC (the worker's clock) -> this thread's performance.now(). */
function toPerformanceNow(monotonicMs: number): number {
  return monotonicMs - (Number(process.hrtime.bigint()) / 1e6 - performance.now());
}

export async function startModelTapThread(scripts: ScriptStep[][]): Promise<ThreadedModelTap> {
  // The bench runs under `node --import tsx`, whose hooks a worker's entry module does not get: the
  // worker registers tsx itself, then imports its TypeScript entry.
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./model-tap-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { scripts } });
  const next = <T extends FromTapWorker['type']>(type: T) =>
    new Promise<Extract<FromTapWorker, { type: T }>>((resolve, reject) => {
      const onMessage = (m: FromTapWorker) => {
        if (m.type !== type) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(m as Extract<FromTapWorker, { type: T }>);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  const ask = <T extends FromTapWorker['type']>(message: ToTapWorker, reply: T) => {
    const answer = next(reply);
    worker.postMessage(message);
    return answer;
  };
  const { url } = await next('ready');
  return {
    url,
    async results() {
      const r = await ask({ type: 'results' }, 'results');
      const convert = (t: ThreadTimes): ThreadTimes => ({
        ...t,
        requestStarts: t.requestStarts.map(toPerformanceNow),
        responseEnds: t.responseEnds.map(toPerformanceNow),
      });
      return {
        threads: new Map(r.threads.map(([k, t]) => [k, convert(t)])),
        markers: new Map(r.markers.map(([k, at]) => [k, toPerformanceNow(at)])),
      };
    },
    async close() {
      await ask({ type: 'close' }, 'closed');
      await worker.terminate();
    },
  };
}
