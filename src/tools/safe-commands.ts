// Known-safe read-only commands: what `untrusted` runs without asking, as Codex does.
//
// A command is safe when its argv is read strictly and every program in it is on a small,
// conservative list, with the options that would write a file or start another program
// refused. A shell wrapper (`bash -c SCRIPT` / `bash -lc SCRIPT`, also `sh`) is safe when the
// script is read by the strict reader (src/util/shell-parse.ts: literal words only, no `$`,
// backticks, subshells, groups, background jobs, here-documents or output redirections except
// to /dev/null) and every simple command in it, joined by `&&`, `||`, `;`, `|` or newlines,
// is safe. Anything the reader refuses, or any word that is a file-name pattern (its argv is
// not known before bash expands it), asks. A safe command still runs in the sandbox: this
// only decides whether the client is asked first.
//
// The list (argv[0] must be the bare name, not a path):
//   cat, cd, cut, echo, false, head, id, ls, nl, pwd, stat, tail, tr, true, uname, wc, which,
//   whoami                                       any arguments
//   grep                                         any arguments (grep starts no program)
//   rg                                           not --pre, --pre-glob, --hostname-bin,
//                                                -z/--search-zip (they start programs)
//   find                                         not -exec, -execdir, -ok, -okdir, -delete,
//                                                -fls, -fprint, -fprint0, -fprintf
//   git status|log|diff|show                     the subcommand right after `git` (so no
//                                                global option: `git -c`, `-C`, `--git-dir`,
//                                                `--exec-path` ask); not --output, --ext-diff,
//                                                --textconv, --exec, --config-env
// Not on it on purpose: sed (-i, `w` commands, `e`), sort (-o), uniq (writes its second
// operand), xargs, env, tee, awk, git branch/tag/config and everything else.

import path from 'node:path';
import { parseShell, type SimpleCommand } from '../util/shell-parse.js';

/** Shells whose `-c` script is read with the strict reader. */
const SHELLS = new Set(['bash', 'sh', '/bin/bash', '/usr/bin/bash', '/bin/sh', '/usr/bin/sh']);

const ANY_ARGS = new Set([
  'cat', 'cd', 'cut', 'echo', 'false', 'grep', 'head', 'id', 'ls', 'nl', 'pwd', 'stat', 'tail', 'tr',
  'true', 'uname', 'wc', 'which', 'whoami',
]);

const RG_UNSAFE = ['--pre', '--pre-glob', '--hostname-bin', '--search-zip'];
const FIND_UNSAFE = new Set(['-exec', '-execdir', '-ok', '-okdir', '-delete', '-fls', '-fprint', '-fprint0', '-fprintf']);
const GIT_SUBCOMMANDS = new Set(['status', 'log', 'diff', 'show']);
const GIT_UNSAFE = ['--output', '--ext-diff', '--textconv', '--exec', '--config-env', '--upload-pack', '--receive-pack'];

/** Whether `--opt` or `--opt=value` is `word`. */
const isLongOption = (word: string, opt: string) => word === opt || word.startsWith(`${opt}=`);

/** Whether a plain argv (no shell involved) is a known-safe read-only command. */
export function isSafeArgv(argv: readonly string[]): boolean {
  const [prog, ...args] = argv;
  if (prog === undefined) return false;
  if (ANY_ARGS.has(prog)) return true;
  if (prog === 'rg') {
    // `-z` may hide in a cluster (`-iz`); a cluster with a `z` anywhere asks (conservative).
    return !args.some((a) => RG_UNSAFE.some((o) => isLongOption(a, o)) || (/^-[^-]/.test(a) && a.includes('z')));
  }
  if (prog === 'find') return !args.some((a) => FIND_UNSAFE.has(a));
  if (prog === 'git') {
    const [sub, ...rest] = args;
    if (sub === undefined || !GIT_SUBCOMMANDS.has(sub)) return false;
    // Global options (`-c`, `-C`, `--git-dir`, …) come before the subcommand, so they never get here.
    return !rest.some((a) => GIT_UNSAFE.some((o) => isLongOption(a, o)));
  }
  return false;
}

function isSafeSimpleCommand(cmd: SimpleCommand): boolean {
  if (cmd.words.length === 0 || cmd.words.some((w) => w.glob)) return false;
  return isSafeArgv(cmd.words.map((w) => w.value));
}

/** Whether a shell script is made only of known-safe commands the strict reader fully understands. */
export function isSafeScript(script: string): boolean {
  const parsed = parseShell(script);
  return parsed.ok && parsed.commands.length > 0 && parsed.commands.every(isSafeSimpleCommand);
}

/**
 * Whether the argv a tool would run is known safe: a plain safe argv, or a shell
 * (`bash`/`sh`, `-c` or `-lc`) whose script is made only of safe commands.
 */
export function isKnownSafeCommand(argv: readonly string[]): boolean {
  if (argv.length === 3 && SHELLS.has(argv[0]!) && (argv[1] === '-c' || argv[1] === '-lc')) {
    return isSafeScript(argv[2]!);
  }
  if (argv.length > 0 && SHELLS.has(argv[0]!)) return false;
  return argv.length > 0 && path.basename(argv[0]!) === argv[0] && isSafeArgv(argv);
}

/**
 * The argv prefix proposed to the client as an exec-policy amendment, as the reference does:
 * the words of the script when a shell wrapper runs exactly one plain simple command (no
 * redirection, no file-name pattern), else the whole argv.
 */
export function proposedExecpolicyAmendment(argv: readonly string[]): string[] {
  if (argv.length === 3 && SHELLS.has(argv[0]!) && (argv[1] === '-c' || argv[1] === '-lc')) {
    const parsed = parseShell(argv[2]!);
    if (parsed.ok && parsed.commands.length === 1) {
      const [cmd] = parsed.commands;
      if (cmd!.redirects.length === 0 && cmd!.words.length > 0 && !cmd!.words.some((w) => w.glob)) {
        return cmd!.words.map((w) => w.value);
      }
    }
  }
  return [...argv];
}
