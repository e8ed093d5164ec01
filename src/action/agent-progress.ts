// What the agent is doing, for the progress comment: the agent phase's events.jsonl(.partial) in
// the artifact dir, read as it grows (the file is redacted as written), turned into short lines
// such as "ran `npm test` (exit 1)" or "edited src/a.ts". Polled on the injected clock.

import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { EVENTS_FILE, PARTIAL_SUFFIX } from '../artifacts/events-log.js';
import type { Clock } from '../github/progress-comment.js';

/** How often the events file is read while the agent works. */
export const EVENTS_POLL_MS = 1000;
const MAX_COMMAND_SHOWN = 80;
const READ_CHUNK = 64 * 1024;

type Json = Record<string, any>;

/** The shell wrapper the server reports around a model's command line. */
const SHELL_WRAPPER = /^(?:\/\S*\/)?(?:ba|z)?sh -l?c '(.*)'$/s;

/** One line for a completed item, or null for items not worth a line. Paths are shown relative to `cwd`. */
export function progressLine(item: Json, cwd: string): string | null {
  switch (item.type) {
    case 'commandExecution': {
      const raw = String(item.command ?? '');
      const unwrapped = SHELL_WRAPPER.exec(raw)?.[1]?.replace(/'\\''/g, "'") ?? raw;
      const cmd = unwrapped.replace(/\s+/g, ' ').replace(/`/g, "'");
      const shown = cmd.length > MAX_COMMAND_SHOWN ? `${cmd.slice(0, MAX_COMMAND_SHOWN - 1)}…` : cmd;
      return `ran \`${shown}\`${typeof item.exitCode === 'number' ? ` (exit ${item.exitCode})` : ''}`;
    }
    case 'fileChange': {
      const paths = Array.isArray(item.changes) ? item.changes.map((c: Json) => `\`${shownPath(String(c.path), cwd)}\``) : [];
      return paths.length > 0 ? `edited ${paths.join(', ')}` : 'edited files';
    }
    case 'enteredReviewMode':
      return 'started reviewing';
    default:
      return null;
  }
}

function shownPath(file: string, cwd: string): string {
  if (!path.isAbsolute(file)) return file;
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : path.basename(file);
}

/** Reads new complete lines of the events file every poll and reports the progress lines so far. */
export function watchAgentEvents(outDir: string, cwd: string, clock: Clock, onLines: (lines: string[]) => void): { stop(): Promise<void> } {
  const file = path.join(outDir, EVENTS_FILE + PARTIAL_SUFFIX);
  const lines: string[] = [];
  let handle: FileHandle | null = null;
  let offset = 0;
  let rest = '';
  let stopped = false;
  let cancel: () => void = () => {};
  let running: Promise<void> = Promise.resolve();

  const poll = async (): Promise<void> => {
    handle ??= await open(file, 'r').catch(() => null);
    if (!handle) return;
    const buffer = Buffer.alloc(READ_CHUNK);
    const before = lines.length;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
      const parts = (rest + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) {
        const line = lineOf(part, cwd);
        if (line) lines.push(line);
      }
    }
    if (lines.length > before) onLines([...lines]);
  };
  const tick = () => {
    running = poll().catch(() => undefined).then(() => {
      if (!stopped) cancel = clock.schedule(tick, EVENTS_POLL_MS);
    });
  };
  tick();
  return {
    /** Stops polling after one last read, so the last steps are reported too. */
    async stop() {
      stopped = true;
      cancel();
      await running;
      await poll().catch(() => undefined);
      await handle?.close();
    },
  };
}

function lineOf(text: string, cwd: string): string | null {
  try {
    const entry = JSON.parse(text) as Json;
    const msg = entry?.msg;
    if (entry?.dir !== 's2c' || msg?.method !== 'item/completed') return null;
    return progressLine(msg.params?.item ?? {}, cwd);
  } catch {
    return null;
  }
}
