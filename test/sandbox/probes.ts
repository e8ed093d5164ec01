/**
 * Attack probes for the sandbox suites: shell commands a hostile model would run. Each prints a
 * verdict line (e.g. `WROTE`, `CONNECTED`, `FOUND`) only when the attack worked, so a test can
 * show it works unsandboxed and fails in the sandbox. Secrets never appear in a probe's command
 * line (it carries them reversed), so the command text itself cannot leak them.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export const reverse = (s: string): string => [...s].reverse().join('');

/** Reads another process's memory through /proc/<pid>/mem and looks for a needle (argv: pid, reversed needle). */
const MEM_PROBE = `
const fs = require('fs');
const [pid, reversed] = process.argv.slice(2);
const needle = Buffer.from([...reversed].reverse().join(''));
const MAX_REGION = 64 * 1024 * 1024;
try {
  const fd = fs.openSync('/proc/' + pid + '/mem', 'r');
  for (const line of fs.readFileSync('/proc/' + pid + '/maps', 'utf8').split('\\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) r/.exec(line);
    if (!m) continue;
    const start = parseInt(m[1], 16), end = parseInt(m[2], 16);
    if (end - start > MAX_REGION) continue;
    const buf = Buffer.alloc(end - start);
    try { fs.readSync(fd, buf, 0, buf.length, start); } catch { continue; }
    if (buf.includes(needle)) { console.log('FOUND in ' + line.split(' ').pop()); process.exit(0); }
  }
  console.log('MEM-NOT-FOUND');
} catch (e) { console.log('MEM-ERROR ' + e.code); }
`;

/** Connects to 127.0.0.1:<port> (argv: port). */
const TCP_PROBE = `
const s = require('net').connect(Number(process.argv[2]), '127.0.0.1');
s.on('connect', () => { console.log('CONNECTED'); process.exit(0); });
s.on('error', (e) => { console.log('TCP-ERROR ' + e.code); process.exit(1); });
`;

/** Writes the probe scripts into `dir` (inside the workspace, so the sandbox user can read them). */
export function writeProbeScripts(dir: string): { mem: string; tcp: string } {
  const mem = path.join(dir, 'probe-mem.cjs');
  const tcp = path.join(dir, 'probe-tcp.cjs');
  writeFileSync(mem, MEM_PROBE);
  writeFileSync(tcp, TCP_PROBE);
  return { mem, tcp };
}

export const probes = {
  write: (file: string) => `echo probe > ${file} && echo WROTE`,
  tcp: (script: string, port: number) => `node ${script} ${port}`,
  env: (secret: string) => `env | grep -c -F "$(echo ${reverse(secret)} | rev)" | sed 's/^/ENV-MATCHES /'`,
  /** Prints the environ files that hold the secret. */
  environ: (secret: string) => `grep -a -l -F "$(echo ${reverse(secret)} | rev)" /proc/[0-9]*/environ 2>/dev/null | sed 's/^/FOUND /'; echo ENVIRON-DONE`,
  mem: (script: string, pid: number | string, secret: string) => `node ${script} ${pid} ${reverse(secret)}`,
  /** Starts a detached process named by `marker` that would live 300 s. */
  background: (marker: string) => `(setsid bash -c 'exec -a ${marker} sleep 300' >/dev/null 2>&1 &); echo STARTED`,
};

/** Whether a process whose command line matches `pattern` (pgrep -f) is running. */
export function alive(pattern: string): boolean {
  try {
    execFileSync('pgrep', ['-f', pattern]);
    return true;
  } catch {
    return false;
  }
}

/** Polls every 50 ms until a process matching `pattern` runs, for at most `ms`; does not fail when none does. */
export async function waitAlive(pattern: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!alive(pattern) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
}
