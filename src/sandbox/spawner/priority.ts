// The spawn helper's scheduling priority, which the tool processes it starts inherit.

import { getPriority, setPriority } from 'node:os';

/**
 * The spawn helper runs this many niceness steps below the server (as `nice -n 10`), and so
 * does every process it starts. When tool processes keep every core busy (a build,
 * a test suite, or 100 turns' commands at once), the server and the clients on the same
 * machine still get the CPU as soon as they need it: events, approvals and interrupts are not
 * held up behind the tools. An idle machine runs the tools as fast as before.
 */
export const TOOL_NICENESS_INCREMENT = 10;
/** The lowest priority Linux has. */
const MAX_NICENESS = 19;

/** Lowers this process's priority by TOOL_NICENESS_INCREMENT (its children inherit it). */
export function lowerPriority(): void {
  try {
    setPriority(Math.min(MAX_NICENESS, getPriority() + TOOL_NICENESS_INCREMENT));
  } catch {
    // Lowering one's own priority is always allowed on Linux; if it fails anyway, run as is.
  }
}

