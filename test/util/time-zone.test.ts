import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemTimeZone } from '../../src/util/time-zone.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function etc(): { localtime: string; timezoneFile: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tern-tz-'));
  dirs.push(dir);
  return { localtime: path.join(dir, 'localtime'), timezoneFile: path.join(dir, 'timezone') };
}

describe('systemTimeZone', () => {
  it('names the zone the /etc/localtime symlink points at, as the reference does (Etc/UTC stays Etc/UTC)', () => {
    const paths = etc();
    symlinkSync('/usr/share/zoneinfo/Etc/UTC', paths.localtime);
    writeFileSync(paths.timezoneFile, 'Europe/Paris\n');
    expect(systemTimeZone(paths)).toBe('Etc/UTC');
  });

  it('reads a relative link and a macOS-style zoneinfo directory', () => {
    const rel = etc();
    symlinkSync('../usr/share/zoneinfo/America/Argentina/Buenos_Aires', rel.localtime);
    expect(systemTimeZone(rel)).toBe('America/Argentina/Buenos_Aires');
    const mac = etc();
    symlinkSync('/var/db/timezone/zoneinfo/Asia/Tokyo', mac.localtime);
    expect(systemTimeZone(mac)).toBe('Asia/Tokyo');
  });

  it('falls back to the first line of /etc/timezone when /etc/localtime is a plain file', () => {
    const paths = etc();
    writeFileSync(paths.localtime, 'TZif');
    writeFileSync(paths.timezoneFile, '  Europe/Paris  \nignored\n');
    expect(systemTimeZone(paths)).toBe('Europe/Paris');
  });

  it("asks ICU when neither file names a zone", () => {
    const paths = etc();
    symlinkSync('/somewhere/else', paths.localtime);
    writeFileSync(paths.timezoneFile, '\n');
    expect(systemTimeZone(paths)).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});
