// The strict shell reader: what it understands must mean what bash means (checked against a
// real bash that records the argv of every program it starts), and whatever is outside the
// subset must be refused.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCommand } from '../../../src/driver/policy/analyze.js';
import { parseShell, type SimpleCommand } from '../../../src/util/shell-parse.js';

function argvs(script: string): string[][] {
  const r = parseShell(script);
  if (!r.ok) throw new Error(`refused: ${r.error} at ${r.offset}`);
  return r.commands.map((c: SimpleCommand) => c.words.map((w) => w.value));
}

function refusal(script: string): string {
  const r = parseShell(script);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.commands.map((c) => c.words.map((w) => w.value)))}`);
  return r.error;
}

describe('parseShell: words and separators', () => {
  it('splits on blanks and on ; && || | and newlines', () => {
    expect(argvs('git  status\t--short')).toEqual([['git', 'status', '--short']]);
    expect(argvs('ls; rm x')).toEqual([['ls'], ['rm', 'x']]);
    expect(argvs('a&&b||c|d\nf')).toEqual([['a'], ['b'], ['c'], ['d'], ['f']]);
    expect(argvs('a &&\n  b |\n c')).toEqual([['a'], ['b'], ['c']]);
    expect(argvs('\n\n a \n\n')).toEqual([['a']]);
    expect(argvs('a;')).toEqual([['a']]);
  });

  it('removes quotes the way bash does', () => {
    expect(argvs(`'git' "status"`)).toEqual([['git', 'status']]);
    expect(argvs(`g'i't st"a"tus`)).toEqual([['git', 'status']]);
    expect(argvs(`cat 'it'\\''s'`)).toEqual([['cat', "it's"]]);
    expect(argvs(`cat "a\\"b" "a\\\\b" "a\\$b" "a\\\`b" "a\\xb"`)).toEqual([['cat', 'a"b', 'a\\b', 'a$b', 'a`b', 'a\\xb']]);
    expect(argvs('cat a\\ b \\; \\|')).toEqual([['cat', 'a b', ';', '|']]);
    expect(argvs(`cat "" ''`)).toEqual([['cat', '', '']]);
    expect(argvs(`cat 'a;b' "c|d" 'e$(f)'`)).toEqual([['cat', 'a;b', 'c|d', 'e$(f)']]);
  });

  it('reads comments only at a word start, and backslash-newline as nothing', () => {
    expect(argvs('cat a#b # ; rm -rf /')).toEqual([['cat', 'a#b']]);
    expect(argvs('cat a \\\n b')).toEqual([['cat', 'a', 'b']]);
    expect(argvs('ca\\\nt x')).toEqual([['cat', 'x']]);
    expect(argvs('# only a comment')).toEqual([]);
  });

  it('keeps ~ where bash does not expand it (HEAD~1), marks file-name patterns', () => {
    expect(argvs('git log HEAD~1 a~b')).toEqual([['git', 'log', 'HEAD~1', 'a~b']]);
    const r = parseShell(`ls *.ts src/?.js a[bc] '*' "x*" \\* [ ]`);
    expect(r.ok && r.commands[0]!.words.map((w) => [w.value, w.glob])).toEqual([
      ['ls', false],
      ['*.ts', true],
      ['src/?.js', true],
      ['a[bc]', true],
      ['*', false],
      ['x*', false],
      ['*', false],
      ['[', false],
      [']', false],
    ]);
  });

  it('accepts harmless redirections and io numbers', () => {
    const r = parseShell('npm test 2>&1 >/dev/null 2>>/dev/null <in.txt >&2 3>|/dev/stderr');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.commands[0]!.words.map((w) => w.value)).toEqual(['npm', 'test']);
    expect(r.commands[0]!.redirects).toEqual([
      { fd: 2, op: '>&', target: '1' },
      { fd: null, op: '>', target: '/dev/null' },
      { fd: 2, op: '>>', target: '/dev/null' },
      { fd: null, op: '<', target: 'in.txt' },
      { fd: null, op: '>&', target: '2' },
      { fd: 3, op: '>|', target: '/dev/stderr' },
    ]);
    // a digit word followed by a blank is an argument
    expect(argvs('echo 2 >/dev/null')).toEqual([['echo', '2']]);
  });
});

describe('parseShell: refusals', () => {
  it.each([
    ['ls $(whoami)', 'command substitution'],
    ['ls "$(whoami)"', 'command substitution'],
    ['ls `whoami`', 'backtick'],
    ['ls "`whoami`"', 'backtick'],
    ['echo $HOME', 'variable expansion'],
    ['echo "$HOME"', 'variable expansion'],
    ['echo ${HOME}', 'parameter expansion'],
    ['echo $((1+1))', 'command substitution `$(…)` or arithmetic'],
    ["echo $'\\x41'", 'ANSI-C'],
    ['$CMD status', 'variable expansion'],
    ['echo a$', 'a `$`'],
    ['(rm -rf /)', 'subshell'],
    ['ls; (rm -rf /)', 'subshell'],
    ['f() { rm -rf /; }; f', 'subshell'],
    ['{ ls; }', 'brace'],
    ['echo {a,b}', 'brace'],
    ['rm -{r,f} x', 'brace'],
    ['diff <(ls a) <(ls b)', 'process substitution'],
    ['cat >(tee x)', 'process substitution'],
    ['cat <<EOF\nx\nEOF', 'here-document'],
    ['cat <<<x', 'here-string'],
    ['echo hi > out.txt', 'output redirection to a file'],
    ['echo hi >> .github/workflows/ci.yml', 'output redirection to a file'],
    ['echo hi >/dev/null/../../etc/x', 'output redirection to a file'],
    ['echo hi 2> err.log', 'output redirection to a file'],
    ['ls &> /dev/null', '`&>`'],
    ['ls |& cat', '`|&`'],
    ['ls >& file', '`>&file`'],
    ['ls > *.txt', 'file-name pattern as a redirection target'],
    ['cat < *.txt', 'file-name pattern as a redirection target'],
    ['cat <> x', '`<>`'],
    ['cat <&3', '`<&`'],
    ['sleep 100 &', 'background'],
    ['sleep 100 & rm -rf /', 'background'],
    ['GIT_PAGER=sh git log', 'variable assignment `GIT_PAGER=…`'],
    ['A=1', 'variable assignment'],
    ['a[0]=x ls', 'variable assignment'],
    ['if true; then rm -rf /; fi', 'reserved word `if`'],
    ['for f in a; do rm $f; done', 'reserved word `for`'],
    ['while true; do :; done', 'reserved word `while`'],
    ['! ls', 'reserved word `!`'],
    ['[[ -f x ]]', 'reserved word `[['],
    ['time ls', 'reserved word `time`'],
    ['ls && time rm', 'reserved word `time`'],
    ['coproc ls', 'reserved word'],
    ['case x in x) ;; esac', 'reserved word'],
    ['ls ~', 'home directory'],
    ['ls ~/x', 'home directory'],
    ['ls a=~/x', 'home directory'],
    ['ls a:~/x', 'home directory'],
    ['ls "unterminated', 'unterminated double quote'],
    ["ls 'unterminated", 'unterminated single quote'],
    ['ls \\', 'at the end'],
    ['ls ;; ls', '`;;`'],
    ['; ls', 'without a command before'],
    ['&& ls', 'without a command before'],
    ['| ls', 'without a command before'],
    ['ls &&', 'missing after `&&`'],
    ['ls |', 'missing after `|`'],
    ['ls && ; rm', 'without a command before'],
    ['>/dev/null', 'redirection without a command'],
    ['ls >', 'without a target'],
    ['ls\r', 'control character'],
    ['ls "\u0007"', 'control character'],
  ])('%j is refused (%s)', (script, why) => {
    expect(refusal(script)).toContain(why);
  });

  it('reports where the refused construct starts', () => {
    const r = parseShell('ls -la; cat $(echo x)');
    expect(r).toMatchObject({ ok: false, offset: 12 });
  });
});

describe('analyzeCommand: shell wrappers and opaque commands', () => {
  const units = (cmd: string | string[]) => {
    const a = analyzeCommand(cmd);
    if (!a.ok) throw new Error(a.error);
    return a.units.map((u) => ({ argv: u.words.map((w) => w.value), opaque: u.opaque !== null }));
  };

  it('unwraps the codex and tern display forms of a shell command', () => {
    expect(units("/bin/bash -lc 'cat hello.txt'")).toEqual([{ argv: ['cat', 'hello.txt'], opaque: false }]);
    expect(units("bash -c 'ls; npm test'")).toEqual([
      { argv: ['ls'], opaque: false },
      { argv: ['npm', 'test'], opaque: false },
    ]);
    expect(units(['bash', '-lc', 'git status && git diff'])).toEqual([
      { argv: ['git', 'status'], opaque: false },
      { argv: ['git', 'diff'], opaque: false },
    ]);
    expect(units("sh -e -c 'ls'")).toEqual([{ argv: ['ls'], opaque: false }]);
    expect(units("bash -o pipefail -c 'ls | wc -l'")).toEqual([
      { argv: ['ls'], opaque: false },
      { argv: ['wc', '-l'], opaque: false },
    ]);
    // nested
    expect(units(`bash -c "sh -c 'rm -rf /'"`)).toEqual([{ argv: ['rm', '-rf', '/'], opaque: false }]);
  });

  it('refuses what the inner script cannot say, naming the script', () => {
    const a = analyzeCommand("/bin/bash -lc 'echo hi > out.txt && cat out.txt'");
    expect(a.ok).toBe(false);
    expect(!a.ok && a.error).toContain('in the script `echo hi > out.txt && cat out.txt`');
    expect(analyzeCommand(`bash -c "bash -c \\"bash -c 'bash -c ls'\\""`)).toMatchObject({ ok: false, error: expect.stringContaining('nested') });
    expect(analyzeCommand("bash -c ''")).toMatchObject({ ok: false });
    expect(analyzeCommand('')).toMatchObject({ ok: false, error: 'an empty command' });
  });

  it('treats other shell invocations as opaque', () => {
    for (const cmd of [
      'bash script.sh',
      'sh',
      "bash -c 'ls' extra-arg",
      "bash -i -c 'ls'",
      "bash -O extglob -c 'ls'",
      "zsh -c 'ls'",
      "./bash -c 'ls'",
      "bin/sh -c 'ls'",
      "busybox sh -c 'ls'",
    ]) {
      expect(units(cmd).some((u) => u.opaque), cmd).toBe(true);
    }
  });

  it('treats commands that run other code as opaque', () => {
    for (const cmd of [
      'sudo ls', 'eval ls', 'exec ls', 'env ls', 'env FOO=1 ls', 'xargs rm', 'nohup ls', 'timeout 5 ls', 'nice ls',
      'command ls', 'builtin cd', 'source x.sh', '. x.sh', '/usr/bin/time ls', '/usr/bin/sudo ls', 'export PAGER=x', 'set -e',
      'trap x EXIT', 'alias ls=rm', 'find . -exec rm x ;', 'find . -execdir x ;', 'find . -delete', 'find . -ok x ;',
      'find . -fprint out', 'find . -name x -fls out', 'git -c core.pager=x log', 'git --config-env=core.pager=X log',
      'git -C . -c alias.s=!sh s', 'git --exec-path=/tmp status', '/bin/l?', 'strace ls', 'watch ls',
    ]) {
      expect(units(cmd).some((u) => u.opaque), cmd).toBe(true);
    }
    for (const cmd of ['command -v git', 'find . -name "*.ts"', 'git -C sub status', 'git log -c', 'git grep -c x']) {
      expect(units(cmd).some((u) => u.opaque), cmd).toBe(false);
    }
  });
});

// ---- differential: the same scripts run by bash --------------------------------

const bash = spawnSync('bash', ['-c', 'echo ok'], { encoding: 'utf8' });
const haveBash = bash.status === 0 && bash.stdout.trim() === 'ok';

describe.skipIf(!haveBash)('parseShell agrees with bash on the argv it reads', () => {
  let dir: string;
  const names = ['git', 'cat', 'ls', 'npm', 'rm', 'grep', 'x'];

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tern-policy-bash-'));
    // Each program only records its argv: NUL-separated, one record per run.
    for (const name of names) {
      const file = path.join(dir, name);
      // one printf, so one append: pipeline members may run at the same time
      writeFileSync(file, `#!/bin/bash\nprintf '%s\\0' "\${0##*/}" "$@" $'\\036' >>"$ARGV_LOG"\n`);
      chmodSync(file, 0o755);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function bashArgvs(script: string): string[][] {
    const log = path.join(dir, 'argv.log');
    writeFileSync(log, '');
    spawnSync('/bin/bash', ['-c', script], { env: { PATH: dir, ARGV_LOG: log }, cwd: dir, encoding: 'utf8' });
    return readFileSync(log, 'utf8')
      .split('\x1e\0')
      .filter((r) => r !== '')
      .map((r) => r.split('\0').slice(0, -1));
  }

  it.each([
    'git status',
    'git  log   --oneline\t-5',
    `'git' "status"`,
    `g'i't st"a"tus`,
    `cat "a b" 'c d' e\\ f`,
    `cat "a\\"b" "a\\\\b" "a\\$b" "a\\\`b" "a\\xb" 'a\\nb'`,
    `cat 'it'\\''s' "it's" 'say "hi"'`,
    'cat a#b # comment ; rm -rf /',
    'cat a\ncat b\n\ncat c',
    'cat a;cat b&&cat c;ls',
    'cat a \\\n b',
    `cat "multi\nline" 'and\nthis'`,
    `cat "" '' x`,
    'cat -- -n --x=y HEAD~1 a~b',
    'cat ünï cödé',
    `cat "a"'b'c\\d`,
    'cat [ ] ! %x ^y',
    'cat a\\\\b \\# \\; \\& \\| \\< \\> \\( \\) \\{ \\} \\$ \\` \\" \\\'',
    'cat 2>/dev/null a 1>&2 b >/dev/null',
    'x 2 >/dev/null; cat 2',
    `x "$" 'y'`.replace('"$"', '"\\$"'),
    `bash -c 'cat a; ls b'`,
    // (-c, not -lc: a login shell's profile would reset PATH)
    `/bin/bash -c 'cat hello.txt'`,
    `sh -c "git status && npm test -- --watch=false"`,
  ])('%j', (script) => {
    const ours = analyzeCommand(script);
    if (!ours.ok) throw new Error(ours.error);
    const mine = ours.units.map((u) => u.words.map((w) => w.value));
    expect(ours.units.every((u) => u.words.every((w) => !w.glob))).toBe(true);
    expect(bashArgvs(script.replace(/^(\/bin\/)?(bash|sh) /, '/bin/$2 '))).toEqual(mine);
  });

  it('pipelines run every command (order aside)', () => {
    const script = 'cat a | grep b | x c';
    expect(bashArgvs(script).sort()).toEqual(argvs(script).sort());
  });
});

const shells = ['/bin/bash', '/bin/dash'].filter((sh) => spawnSync(sh, ['-c', 'exit 0']).status === 0);

describe.skipIf(!haveBash).each(shells)('parseShell agrees with %s on random scripts', (shell) => {
  let dir: string;
  const names = ['cat', 'x', 'y'];
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tern-policy-fuzz-'));
    for (const name of names) {
      const file = path.join(dir, name);
      writeFileSync(file, `#!/bin/bash\nprintf '%s\\0' "\${0##*/}" "$@" $'\\036' >>"$ARGV_LOG"\n`);
      chmodSync(file, 0o755);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // A fixed-seed generator: the same scripts on every run.
  function* scripts(count: number): Generator<string> {
    let seed = 0x7e57;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const pieces = [
      'cat', 'x', 'y', ' ', ' ', ' ', 'a', 'b-c', '--k=v', '=', '~', '#', ';', '|', '\n', "'", '"', '\\', '\\\n',
      "'q w'", '"e r"', '"\\""', '"\\\\"', '"\\$"', '"\\a"', "'\\'", '2>&1', '>/dev/null', '!', '%', '^', ':', ',', '@',
      '[', ']', '.', '/', '-', '\t', '|&', '&&', '$', '(', '{', '`', 'if', 'A=', '\u00a0', 'é', '>&2', '"\n"',
    ];
    for (let k = 0; k < count; k++) {
      let s = names[next() % names.length]!;
      const n = 1 + (next() % 12);
      for (let i = 0; i < n; i++) s += pieces[next() % pieces.length]!;
      yield s;
    }
  }

  it('every script the reader accepts runs the programs it says, with the argv it says', () => {
    const log = path.join(dir, 'argv.log');
    let compared = 0;
    for (const script of scripts(400)) {
      const ours = parseShell(script);
      if (!ours.ok) continue;
      if (ours.commands.some((c) => c.words.some((w) => w.glob))) continue;
      // `a && cat` skips cat when a is not found: compare only scripts whose commands all run
      if (/&&|\|\|/.test(script)) continue;
      const expected = ours.commands.map((c) => c.words.map((w) => w.value)).filter((argv) => names.includes(argv[0]!));
      writeFileSync(log, '');
      spawnSync(shell, ['-c', script], { env: { PATH: dir, ARGV_LOG: log }, cwd: dir, encoding: 'utf8' });
      const actual = readFileSync(log, 'utf8')
        .split('\x1e\0')
        .filter((r) => r !== '')
        .map((r) => r.split('\0').slice(0, -1));
      expect(actual.map((a) => JSON.stringify(a)).sort(), JSON.stringify(script)).toEqual(expected.map((a) => JSON.stringify(a)).sort());
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });
});
