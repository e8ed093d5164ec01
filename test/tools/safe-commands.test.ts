import { describe, expect, it } from 'vitest';
import { isKnownSafeCommand, isSafeArgv, isSafeScript } from '../../src/tools/safe-commands.js';

const bash = (script: string) => ['bash', '-lc', script];

describe('known-safe commands (untrusted runs them without asking)', () => {
  it.each([
    'ls',
    'ls -la src',
    'cat a.txt',
    'head -n 5 a.txt && tail -n 2 a.txt',
    'wc -l a.txt; pwd',
    'cat a.txt | grep -n foo | wc -l',
    'grep -rn "TODO" src || echo none',
    'rg -n foo src',
    'find . -name "*.ts" -type f',
    'git status',
    'git log --oneline -5',
    'git diff HEAD~1 -- src',
    'git show HEAD:README.md',
    'ls 2>/dev/null',
    'cd src && ls',
    "echo 'a; rm -rf /'",
  ])('safe: %s', (script) => {
    expect(isKnownSafeCommand(bash(script))).toBe(true);
    expect(isKnownSafeCommand(['/bin/bash', '-c', script])).toBe(true);
    expect(isKnownSafeCommand(['sh', '-c', script])).toBe(true);
  });

  it.each([
    ['an output redirection', 'echo hi > out.txt'],
    ['an appending redirection', 'cat a >> b'],
    ['command substitution', 'echo $(rm -rf x)'],
    ['backticks', 'echo `touch x`'],
    ['a variable', 'cat $HOME/x'],
    ['a subshell', '(ls)'],
    ['a group', '{ ls; }'],
    ['a background job', 'ls & rm x'],
    ['process substitution', 'cat <(touch x)'],
    ['a here-document', 'cat <<EOF\nx\nEOF'],
    ['an assignment prefix', 'PAGER=evil git log'],
    ['an unknown program', 'ls && rm a.txt'],
    ['a pipe into an unknown program', 'cat a | sh'],
    ['find -exec', 'find . -exec rm {} ;'],
    ['find -execdir', 'find . -execdir touch x \\;'],
    ['find -delete', 'find . -name x -delete'],
    ['find -fprint', 'find . -fprint out.txt'],
    ['rg --pre', 'rg --pre ./evil foo'],
    ['rg --pre=', 'rg --pre=./evil foo'],
    ['rg -z', 'rg -z foo'],
    ['rg -iz cluster', 'rg -iz foo'],
    ['rg --search-zip', 'rg --search-zip foo'],
    ['git -c', 'git -c core.pager=evil log'],
    ['git -C', 'git -C /tmp status'],
    ['git --git-dir', 'git --git-dir=/tmp/x log'],
    ['git log --output', 'git log --output=x.txt'],
    ['git diff --output', 'git diff --output x.txt'],
    ['git diff --ext-diff', 'git diff --ext-diff'],
    ['git show --textconv', 'git show --textconv HEAD'],
    ['git a writing subcommand', 'git commit -m x'],
    ['git branch', 'git branch new'],
    ['git with no subcommand', 'git'],
    ['sed', "sed -n '1p' a.txt"],
    ['sort -o', 'sort -o a a'],
    ['xargs', 'ls | xargs rm'],
    ['a program by path', './ls'],
    ['a file-name pattern', 'cat *.txt'],
    ['a reserved word', 'if true; then ls; fi'],
    ['an unterminated quote', "cat 'a"],
    ['an empty script', ''],
  ])('asks: %s', (_name, script) => {
    expect(isKnownSafeCommand(bash(script))).toBe(false);
  });

  it('reads only known shells as wrappers', () => {
    expect(isKnownSafeCommand(['python3', '-c', 'ls'])).toBe(false);
    expect(isKnownSafeCommand(['zsh', '-c', 'ls'])).toBe(false);
    expect(isKnownSafeCommand(['bash', '-x', 'ls'])).toBe(false);
    expect(isKnownSafeCommand(['bash', 'script.sh'])).toBe(false);
    expect(isKnownSafeCommand(['bash', '-lc', 'ls', 'extra'])).toBe(false);
    expect(isKnownSafeCommand([])).toBe(false);
  });

  it('checks plain argv without a shell', () => {
    expect(isKnownSafeCommand(['ls', '-la'])).toBe(true);
    expect(isKnownSafeCommand(['/bin/ls'])).toBe(false);
    expect(isSafeArgv(['git', 'status'])).toBe(true);
    expect(isSafeArgv(['find', '.', '-ok', 'rm', '{}', ';'])).toBe(false);
    expect(isSafeScript('ls\npwd')).toBe(true);
  });
});
