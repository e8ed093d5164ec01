// What the server and its spawn helper process say to each other over the helper's
// IPC channel (Node's `fork` channel, structured clone). One request starts one tool
// process; the server signals it itself, by its pid. Everything about it comes back
// tagged with the request's id, in order: `spawned` (or at once `exit` with
// `startError`), then `output` and `info`, then `exit`.

import type { SpawnPlan } from '../host.js';

/**
 * Server -> helper: start a process, as its spawn plan says (the file, arguments, working directory,
 * whole allow-listed environment, identity, and the descriptor bwrap reports on, read to its end and
 * sent back as `info`). At most `maxOutputBytes` of output is kept (head + tail); only the head is streamed.
 */
export type SpawnRequest = { type: 'spawn'; id: number; maxOutputBytes: number } & Omit<SpawnPlan, 'sandboxed'>;

/** Helper -> server: the process runs. */
export interface SpawnedMessage {
  type: 'spawned';
  id: number;
  pid: number;
}

/** Helper -> server: the next part of the kept head of the output (stdout and stderr as they arrive). */
export interface OutputMessage {
  type: 'output';
  id: number;
  text: string;
}

/** Helper -> server: everything the process wrote to its info descriptor. */
export interface InfoMessage {
  type: 'info';
  id: number;
  text: string;
}

/** Helper -> server: the process ended (or never started: `startError`). Always the last message of an id. */
export interface ExitMessage {
  type: 'exit';
  id: number;
  exitCode: number | null;
  signal: string | null;
  /** Head, omission marker and tail when truncated. */
  output: string;
  truncated: boolean;
  /** Why the process could not be started (ENOENT, EACCES, a failed setuid...). */
  startError: string | null;
}

export type FromHelper = SpawnedMessage | OutputMessage | InfoMessage | ExitMessage;

/**
 * The host pid of a sandbox's init, from what bwrap wrote to its --info-fd
 * (`{"child-pid": N, ...}`); null while unknown.
 */
export function sandboxInitPid(info: string): number | null {
  const pid = Number((/"child-pid"\s*:\s*(\d+)/.exec(info) ?? [])[1]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}
