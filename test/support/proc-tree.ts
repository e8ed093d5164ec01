/** Process ancestry from /proc, for tests that check who started a process and what outlives whom. */
import { existsSync, readFileSync } from 'node:fs';

/** The parent pid of `pid` (field 4 of /proc/<pid>/stat, read after the command name, which may hold spaces). */
export function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** The command line of `pid`, arguments joined by spaces ('' once it is gone). */
export function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** The nearest ancestor of `pid` whose command line contains `needle`, or null. */
export function ancestorRunning(pid: number, needle: string): number | null {
  for (let p = parentOf(pid); p > 1; p = parentOf(p)) {
    if (commandLineOf(p).includes(needle)) return p;
  }
  return null;
}

/** Whether `pid` is gone (a zombie waiting for its parent counts as gone). */
export function gone(pid: number): boolean {
  if (!existsSync(`/proc/${pid}/stat`)) return true;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}
