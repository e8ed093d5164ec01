// The runner starts the Action with its secrets in the environment: the
// `github-token` and `openai-api-key` inputs (INPUT_*), ACTIONS_RUNTIME_TOKEN and
// ACTIONS_ID_TOKEN_REQUEST_TOKEN. Anything the Action starts could read them back
// from /proc/<action pid>/environ. So the Action takes them out first thing:
//  1. copies them into memory (the caller masks them in the log),
//  2. overwrites their values in the process's initial environment block, which is
//     what /proc/<pid>/environ shows (Linux: through /proc/self/mem, the same
//     bytes the kernel reads for environ),
//  3. deletes them from process.env, so no child process inherits them.
// The agent phase also runs in its own PID namespace, where the Action's /proc
// entry does not exist; this is the second wall, and the one that still holds
// when namespaces are unavailable.

import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';

/** Variables that hold a secret or a runner credential, by name. */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL)/i;
/** Taken too, though not secret: the agent phase must never see the Action's inputs. */
const INPUT_NAME = /^INPUT_/i;
/** /proc/<pid>/stat fields (1-based) holding the bounds of the initial environment block. */
const STAT_ENV_START_FIELD = 50;
const STAT_ENV_END_FIELD = 51;
/** The first field after "pid (comm)" in /proc/<pid>/stat is field 3. */
const STAT_FIRST_FIELD_AFTER_COMM = 3;
const SCRUB_BYTE = 0x2a; // '*'

export interface TakenSecrets {
  /** The Action's inputs (INPUT_* variables), by variable name. */
  inputs: Map<string, string>;
  /** The values of secret-named variables (inputs included): to mask and to redact. */
  secrets: Map<string, string>;
  /** How /proc/self/environ was handled: 'scrubbed', or why not. */
  environ: 'scrubbed' | `not scrubbed: ${string}`;
}

/** Takes every secret-named variable out of this process's environment (see the top of the file). */
export function takeSecrets(env: NodeJS.ProcessEnv = process.env): TakenSecrets {
  const inputs = new Map<string, string>();
  const secrets = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (INPUT_NAME.test(name)) inputs.set(name, value);
    if (value !== '' && SECRET_NAME.test(name)) secrets.set(name, value);
  }
  const taken = new Set([...inputs.keys(), ...secrets.keys()]);
  const environ = scrubInitialEnvironment(taken);
  for (const name of taken) delete env[name];
  return { inputs, secrets, environ };
}

/**
 * Overwrites the values of the named variables in this process's initial
 * environment block with '*'. Linux only; returns why not elsewhere.
 */
export function scrubInitialEnvironment(names: Set<string>): TakenSecrets['environ'] {
  if (process.platform !== 'linux') return `not scrubbed: ${process.platform} has no /proc/self/mem`;
  let fd: number | undefined;
  try {
    const { start, end } = environBounds();
    const block = Buffer.alloc(end - start);
    fd = openSync('/proc/self/mem', 'r+');
    readSync(fd, block, 0, block.length, start);
    let offset = 0;
    while (offset < block.length) {
      const stop = block.indexOf(0, offset);
      const entryEnd = stop === -1 ? block.length : stop;
      const eq = block.indexOf(0x3d /* '=' */, offset);
      if (eq !== -1 && eq < entryEnd && names.has(block.toString('utf8', offset, eq))) {
        const filler = Buffer.alloc(entryEnd - eq - 1, SCRUB_BYTE);
        writeSync(fd, filler, 0, filler.length, start + eq + 1);
      }
      offset = entryEnd + 1;
    }
    return 'scrubbed';
  } catch (err) {
    return `not scrubbed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function environBounds(): { start: number; end: number } {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // The command name may contain spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ');
  const field = (n: number) => Number(fields[n - STAT_FIRST_FIELD_AFTER_COMM]);
  const start = field(STAT_ENV_START_FIELD);
  const end = field(STAT_ENV_END_FIELD);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end <= start) throw new Error('no environment bounds in /proc/self/stat');
  return { start, end };
}
