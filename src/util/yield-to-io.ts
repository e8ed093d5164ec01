// Streaming first, new work after: a turn waits here before each phase that starts new work
// (the turn itself, each model request, each tool call, the turn diff), so that the I/O
// already waiting (model events to turn into notifications, client requests) is handled
// before that phase runs.
//
// Why: Node runs one event-loop phase to its end. When many turns run at once, the work of
// starting them (building requests, laying out sandboxes, launching tools, diffing) comes in
// bursts of tens of milliseconds per loop turn, and a model event that arrives meanwhile
// waits for the whole burst before its notification goes out. With 100 turns started together
// that wait was most of the event latency (bench/RESULTS.md). Here, at most one waiting phase
// resumes per turn of the loop, from a `setImmediate` (the check phase, right after the poll
// phase that handles ready I/O), so a model event waits for at most one phase's work.
// Nothing is dropped or reordered within a turn: each turn's phases still run in order.
//
// Hand-written: the event loop has no priorities, and queue libraries (p-queue and the like)
// bound concurrency; none of them orders work behind pending I/O.

/** Phases waiting to resume, first come first served. */
const waiting: (() => void)[] = [];
let scheduled = false;

function resumeOne(): void {
  const next = waiting.shift();
  if (next === undefined) {
    scheduled = false;
    return;
  }
  // A setImmediate queued from the check phase runs on the next loop turn, after its poll phase.
  setImmediate(resumeOne);
  next();
}

/** Resolves on a later turn of the event loop, once the I/O ready by then has been handled. */
export function yieldToIo(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(resumeOne);
    }
  });
}
