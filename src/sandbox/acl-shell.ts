// A long-lived `sh` that runs the server's setfacl scripts, so the server
// itself forks once instead of once per grant. A fork from the server is
// synchronous on its event loop and costs in proportion to its memory (tens of
// ms under load with 100 threads): the shell, a small process, forks setfacl
// for next to nothing. Scripts run one at a time, in the order given, each in
// a subshell with `set -e`; a nonce only this server knows ends each result,
// so no file name in setfacl's messages can fake one.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';

export interface ShellResult {
  exitCode: number;
  /** stdout and stderr of the script, interleaved. */
  output: string;
}

const SHELL_ENV = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' };
/** Output kept per script (setfacl says little; a runaway message is cut). */
const MAX_OUTPUT_CHARS = 64 * 1024;
const NONCE_BYTES = 16;

interface Job {
  id: number;
  lines: string[];
  chars: number;
  resolve(r: ShellResult): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

class AclShell {
  private readonly nonce = randomBytes(NONCE_BYTES).toString('hex');
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly jobs: Job[] = [];
  private nextId = 1;
  dead = false;

  constructor(private readonly onDead: () => void) {
    this.child = spawn('sh', ['-s'], { cwd: '/', env: SHELL_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.on('error', (err) => this.fail(new Error(`cannot start sh for setfacl: ${err.message}`)));
    this.child.on('exit', (code, signal) => this.fail(new Error(`the setfacl shell exited (code ${code}, signal ${signal})`)));
    this.child.stdin.on('error', () => undefined);
    this.child.stderr.resume();
    createInterface({ input: this.child.stdout, crlfDelay: Infinity }).on('line', (line) => this.onLine(line));
    // Idle, the shell must not keep the server alive; it exits when the server's end of stdin closes.
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as { unref?: () => void }).unref?.();
  }

  run(script: string, timeoutMs: number): Promise<ShellResult> {
    if (this.dead) return Promise.reject(new Error('the setfacl shell is gone'));
    const id = this.nextId++;
    return new Promise<ShellResult>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`setfacl did not finish within ${timeoutMs} ms`)), timeoutMs);
      this.jobs.push({ id, lines: [], chars: 0, resolve, reject, timer });
      // The job's own lines run in a subshell: `set -e` stops it, not the shell, at the first failure.
      this.child.stdin.write(`(\nset -e\n${script}\n) </dev/null 2>&1\nprintf '\\n%s %s %s\\n' '${this.nonce}' ${id} $?\n`);
    });
  }

  private onLine(line: string): void {
    const job = this.jobs[0];
    if (job === undefined) return;
    const parts = line.split(' ');
    if (parts.length === 3 && parts[0] === this.nonce && Number(parts[1]) === job.id) {
      this.jobs.shift();
      clearTimeout(job.timer);
      job.resolve({ exitCode: Number(parts[2]), output: job.lines.join('\n').trim() });
      return;
    }
    if (job.chars < MAX_OUTPUT_CHARS) {
      job.lines.push(line);
      job.chars += line.length + 1;
    }
  }

  /** Every pending job fails, the shell is killed; the next script starts a new one. */
  private fail(err: Error): void {
    if (!this.dead) {
      this.dead = true;
      this.onDead();
      this.child.kill('SIGKILL');
    }
    for (const job of this.jobs.splice(0)) {
      clearTimeout(job.timer);
      job.reject(err);
    }
  }
}

let shell: AclShell | null = null;

/** The running shell, started if there is none (or it died). */
function currentShell(): AclShell {
  if (shell === null || shell.dead) {
    const s: AclShell = new AclShell(() => {
      if (shell === s) shell = null;
    });
    shell = s;
  }
  return shell;
}

/** Runs `script` (sh lines, stopping at the first failure) in the server's setfacl shell. */
export function runInAclShell(script: string, timeoutMs: number): Promise<ShellResult> {
  return currentShell().run(script, timeoutMs);
}

/** Starts the shell now, if it is not running, so the first grant does not fork the server. */
export function warmAclShell(): void {
  currentShell();
}
