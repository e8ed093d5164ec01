// The system's time zone name (e.g. `Europe/Paris`), for the model's environment
// context, found where the reference finds it on Linux: the target of the
// /etc/localtime symlink after its `zoneinfo/` directory, else the first line of
// /etc/timezone. ICU (`Intl.DateTimeFormat`) answers only when neither does:
// creating a DateTimeFormat loads ICU's date-format data, about 8 MiB resident
// in the server for the sake of one string. (ICU would also report /etc/localtime
// -> Etc/UTC as "UTC", where the reference says "Etc/UTC".)

import { readFileSync, readlinkSync } from 'node:fs';

export interface TimeZoneSources {
  /** The /etc/localtime symlink. */
  localtime: string;
  /** The /etc/timezone file (Debian's). */
  timezoneFile: string;
}

const SYSTEM: TimeZoneSources = { localtime: '/etc/localtime', timezoneFile: '/etc/timezone' };

const ZONEINFO_DIR = '/zoneinfo/';

export function systemTimeZone(sources: TimeZoneSources = SYSTEM): string {
  return fromLocaltimeLink(sources.localtime) ?? fromTimezoneFile(sources.timezoneFile) ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function fromLocaltimeLink(file: string): string | null {
  let target: string;
  try {
    target = readlinkSync(file);
  } catch {
    return null;
  }
  const at = target.lastIndexOf(ZONEINFO_DIR);
  if (at === -1) return null;
  const name = target.slice(at + ZONEINFO_DIR.length);
  return name === '' ? null : name;
}

function fromTimezoneFile(file: string): string | null {
  try {
    const name = readFileSync(file, 'utf8').split('\n')[0]!.trim();
    return name === '' ? null : name;
  } catch {
    return null;
  }
}
