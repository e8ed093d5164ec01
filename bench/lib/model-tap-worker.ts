/**
 * The worker thread of `startModelTapThread` (./model-tap-thread.ts): a model tap and its scripted
 * servers on an event loop of their own. Timestamps are CLOCK_MONOTONIC ms (process.hrtime),
 * which every thread of the process shares; the main thread converts them to its performance.now().
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { startModelTap } from './model-tap.js';
import type { FromTapWorker, ToTapWorker } from './model-tap-thread.js';

const port = parentPort!;
const scripts = (workerData as { scripts: ScriptStep[][] }).scripts;
const tap = await startModelTap({
  scriptFor: (i) => scripts[i] ?? [],
  clock: () => Number(process.hrtime.bigint()) / 1e6,
});
const send = (m: FromTapWorker) => port.postMessage(m);
port.on('message', (m: ToTapWorker) => {
  if (m.type === 'results') {
    send({ type: 'results', threads: [...tap.threads], markers: [...tap.markers] });
  } else {
    void tap.close().then(() => {
      send({ type: 'closed' });
      port.close();
    });
  }
});
send({ type: 'ready', url: tap.url });
