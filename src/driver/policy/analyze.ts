// From the `command` of an approval request to the list of programs it would run.
//
// The request's `command` is a display string: the argv, shell-quoted (`/bin/bash -lc 'cat
// x'` from codex, `bash -c 'cat x'` from tern). It is read with the strict shell reader; a
// shell invoked as `bash|sh|dash [-l|-e|-u|-x|…] -c '<script>'` is unwrapped and its script
// read the same way (nesting up to MAX_SHELL_DEPTH). Each remaining simple command becomes
// a CommandUnit. A unit is *opaque* when it runs code that is not in its own words (sudo,
// eval, xargs, an unparsed shell, `find -exec`, `git -c`, …): no allow rule can accept it.

import { compileWordGlob } from './glob.js';
import { formatWords, literalWord, parseShell, type SimpleCommand, type Word } from '../../util/shell-parse.js';

export const MAX_SHELL_DEPTH = 3;

export interface CommandUnit {
  /** The argv, as far as it is known (glob words stand for file names). */
  words: Word[];
  /** The argv as a command line, for records. */
  text: string;
  /** Why no allow rule may accept this command, or null. */
  opaque: string | null;
}

export type Analysis =
  | { ok: true; units: CommandUnit[] }
  | {
      ok: false;
      /** What could not be read, e.g. "command substitution `$(…)` at 12 in `ls $(x)`". */
      error: string;
    };

/** Shells whose `-c` script is read. Only these names and paths: `./bash` is a repository file. */
const UNWRAPPED_SHELLS = new Set([
  'bash', 'sh', 'dash',
  '/bin/bash', '/usr/bin/bash', '/usr/local/bin/bash',
  '/bin/sh', '/usr/bin/sh',
  '/bin/dash', '/usr/bin/dash',
]);

/** Interpreters of shell code: opaque unless unwrapped above. */
const SHELLS = new Set([
  'bash', 'sh', 'dash', 'rbash', 'zsh', 'ksh', 'mksh', 'pdksh', 'ash', 'yash', 'posh', 'fish',
  'csh', 'tcsh', 'busybox', 'toybox', 'pwsh', 'powershell', 'elvish', 'nu', 'xonsh',
]);

/** Programs (and shell builtins) that run a command or code taken from their arguments,
 *  or change how later commands of the same script run. */
export const RUNNERS = new Set([
  // run another command
  'eval', 'exec', 'env', 'xargs', 'sudo', 'doas', 'su', 'runuser', 'pkexec', 'nohup', 'timeout', 'nice',
  'ionice', 'stdbuf', 'time', 'command', 'builtin', 'source', '.', 'setsid', 'chroot', 'unshare', 'nsenter',
  'flock', 'watch', 'parallel', 'strace', 'ltrace', 'script', 'expect', 'fakeroot', 'firejail', 'bwrap',
  'systemd-run', 'at', 'batch', 'crontab', 'chrt', 'taskset', 'prlimit', 'numactl', 'setpriv', 'capsh', 'sg',
  'newgrp', 'xvfb-run', 'catchsegv', 'valgrind', 'gdb', 'lldb', 'perf', 'entr', 'nodemon', 'tmux', 'screen',
  // shell state for the rest of the script
  'trap', 'alias', 'unalias', 'export', 'declare', 'typeset', 'local', 'readonly', 'set', 'shopt', 'enable',
  'hash', 'fc', 'let', 'unset', 'bind', 'complete', 'compgen',
]);

/** `find` primaries that run a command or write a file. */
const FIND_ACTIONS = new Set(['-exec', '-execdir', '-ok', '-okdir', '-delete', '-fprint', '-fprint0', '-fprintf', '-fls']);

/** git options (before the subcommand) that take their value as the next word. */
const GIT_VALUE_OPTIONS = new Set(['-C', '--git-dir', '--work-tree', '--namespace', '--super-prefix', '--list-cmds', '--attr-source']);

export function basename(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? name : name.slice(i + 1);
}

function posixShellScript(words: readonly Word[]): string | null {
  if (!UNWRAPPED_SHELLS.has(words[0]!.value) || words[0]!.glob || words.length < 3) return null;
  let sawC = false;
  for (let k = 1; k < words.length - 1; k++) {
    const w = words[k]!;
    if (w.glob) return null;
    const v = w.value;
    if (/^-[eluvx]*c[eluvx]*$/.test(v) && !sawC) sawC = true;
    else if (/^-[eluvx]+$/.test(v) || v === '--login' || v === '--noprofile' || v === '--norc') continue;
    else if (v === '-o' && k + 1 < words.length - 1 && /^(pipefail|errexit|nounset|xtrace)$/.test(words[k + 1]!.value)) k++;
    else return null;
  }
  const script = words[words.length - 1]!;
  return sawC && !script.glob ? script.value : null;
}

/** A glob word that could expand to one of `candidates` (a file of that name may exist). */
function mayBeOneOf(w: Word, candidates: ReadonlySet<string>): boolean {
  if (!w.glob) return candidates.has(w.value);
  let re: RegExp;
  try {
    re = compileWordGlob(w.pattern);
  } catch {
    return true;
  }
  return [...candidates].some((c) => re.test(c));
}

/** Why `words` runs code that is not in its own words, or null. */
export function opaqueReason(words: readonly Word[]): string | null {
  const name = words[0]!;
  if (name.glob) return 'the command name is a file-name pattern';
  const base = basename(name.value);
  if (SHELLS.has(base)) return `\`${base}\` runs shell code that is not given as \`${base} -c '<script>'\``;
  if (base === 'command' && words.length >= 2 && /^-[vV]+$/.test(words[1]!.value) && !words[1]!.glob) return null;
  if (RUNNERS.has(base)) return `\`${base}\` runs another command, or changes how later ones run`;
  if (base === 'find') {
    const action = words.slice(1).find((w) => mayBeOneOf(w, FIND_ACTIONS));
    if (action) return `\`find ${action.glob ? action.raw : action.value}\` runs a command or writes a file`;
  }
  if (base === 'git') {
    for (let k = 1; k < words.length; k++) {
      const w = words[k]!;
      if (w.glob) return 'a file-name pattern before the git subcommand';
      const v = w.value;
      if (!v.startsWith('-')) break;
      if (v === '-c' || v === '--config-env' || v.startsWith('--config-env=') || v.startsWith('--exec-path=')) {
        return `\`git ${v.split('=')[0]}\` sets configuration (pagers, hooks, ssh and diff commands) for this command`;
      }
      if (GIT_VALUE_OPTIONS.has(v)) k++;
    }
  }
  return null;
}

function refusal(error: string, offset: number, script: string, depth: number): string {
  const where = depth === 0 ? '' : ` in the script \`${script.length > 200 ? `${script.slice(0, 200)}…` : script}\``;
  return `${error} at offset ${offset}${where}`;
}

function unitsOf(commands: readonly SimpleCommand[], depth: number, out: CommandUnit[]): string | null {
  for (const cmd of commands) {
    const script = posixShellScript(cmd.words);
    if (script !== null) {
      if (depth >= MAX_SHELL_DEPTH) return `shells nested more than ${MAX_SHELL_DEPTH} deep`;
      const inner = parseShell(script);
      if (!inner.ok) return refusal(inner.error, inner.offset, script, depth + 1);
      if (inner.commands.length === 0) return `an empty script in \`${formatWords(cmd.words)}\``;
      const err = unitsOf(inner.commands, depth + 1, out);
      if (err !== null) return err;
      continue;
    }
    out.push({ words: cmd.words, text: formatWords(cmd.words), opaque: opaqueReason(cmd.words) });
  }
  return null;
}

/** Reads a request's command (display string or argv) into the programs it would run. */
export function analyzeCommand(command: string | readonly string[]): Analysis {
  let commands: SimpleCommand[];
  if (typeof command === 'string') {
    const parsed = parseShell(command);
    if (!parsed.ok) return { ok: false, error: refusal(parsed.error, parsed.offset, command, 0) };
    commands = parsed.commands;
  } else {
    commands = command.length === 0 ? [] : [{ words: command.map(literalWord), redirects: [], start: 0, end: 0 }];
  }
  if (commands.length === 0) return { ok: false, error: 'an empty command' };
  const units: CommandUnit[] = [];
  const err = unitsOf(commands, 0, units);
  return err === null ? { ok: true, units } : { ok: false, error: err };
}
