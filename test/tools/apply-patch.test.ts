import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyPatchText,
  commitPatch,
  parsePatch,
  PatchApplyError,
  PatchParseError,
  planPatch,
  summarizePatch,
} from '../../src/tools/apply-patch/index.js';

function patch(...lines: string[]): string {
  return ['*** Begin Patch', ...lines, '*** End Patch'].join('\n') + '\n';
}

function parseError(text: string): PatchParseError {
  try {
    parsePatch(text);
  } catch (err) {
    expect(err).toBeInstanceOf(PatchParseError);
    return err as PatchParseError;
  }
  throw new Error('expected parsePatch to throw');
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected promise to reject');
}

describe('parsePatch', () => {
  it('parses add, delete and update operations', () => {
    const ops = parsePatch(
      patch(
        '*** Add File: notes.txt',
        '+first',
        '+',
        '+third',
        '*** Delete File: old.txt',
        '*** Update File: src/a.py',
        '*** Move to: src/b.py',
        '@@ def foo():',
        ' keep',
        '-old',
        '+new',
      ),
    );
    expect(ops).toEqual([
      { type: 'add', path: 'notes.txt', contents: 'first\n\nthird\n' },
      { type: 'delete', path: 'old.txt' },
      {
        type: 'update',
        path: 'src/a.py',
        movePath: 'src/b.py',
        chunks: [
          { anchors: ['def foo():'], oldLines: ['keep', 'old'], newLines: ['keep', 'new'], isEndOfFile: false },
        ],
      },
    ]);
  });

  it('allows the first hunk without @@, multiple anchors, empty context lines and End of File', () => {
    const ops = parsePatch(
      patch(
        '*** Update File: a.txt',
        ' a',
        '-b',
        '+B',
        '@@ class Foo:',
        '@@   def bar(self):',
        ' x',
        '',
        '-y',
        '@@',
        ' last',
        '+appended',
        '*** End of File',
      ),
    );
    expect(ops).toHaveLength(1);
    const op = ops[0]!;
    if (op.type !== 'update') throw new Error('expected update');
    expect(op.movePath).toBeNull();
    expect(op.chunks).toEqual([
      { anchors: [], oldLines: ['a', 'b'], newLines: ['a', 'B'], isEndOfFile: false },
      { anchors: ['class Foo:', '  def bar(self):'], oldLines: ['x', '', 'y'], newLines: ['x', ''], isEndOfFile: false },
      { anchors: [], oldLines: ['last'], newLines: ['last', 'appended'], isEndOfFile: true },
    ]);
  });

  it('tolerates CRLF line endings, surrounding blank lines and no final newline', () => {
    const text = '\r\n\r\n*** Begin Patch\r\n*** Add File: a.txt\r\n+one\r\n+two\r\n*** End Patch';
    expect(parsePatch(text)).toEqual([{ type: 'add', path: 'a.txt', contents: 'one\ntwo\n' }]);
    const text2 = '\n  \n' + patch('*** Delete File: x') + '\n\n';
    expect(parsePatch(text2)).toEqual([{ type: 'delete', path: 'x' }]);
  });

  it('ignores a unified-diff range after @@', () => {
    const ops = parsePatch(patch('*** Update File: a', '@@ -1,2 +1,2 @@', ' a', '-b', '+c'));
    const op = ops[0]!;
    expect(op.type === 'update' && op.chunks[0]!.anchors).toEqual([]);
  });

  it('adds an empty file for an Add with no lines', () => {
    expect(parsePatch(patch('*** Add File: empty.txt'))).toEqual([
      { type: 'add', path: 'empty.txt', contents: '' },
    ]);
  });

  describe('errors', () => {
    it('rejects a missing begin marker', () => {
      const err = parseError('*** Add File: a\n+x\n*** End Patch\n');
      expect(err.name).toBe('PatchParseError');
      expect(err.message).toContain('*** Begin Patch');
      expect(err.lineNumber).toBe(1);
    });

    it('rejects a missing end marker', () => {
      const err = parseError('*** Begin Patch\n*** Add File: a\n+x\n');
      expect(err.message).toContain('*** End Patch');
      expect(err.lineNumber).toBe(3);
    });

    it('rejects an entirely empty text', () => {
      expect(parseError('  \n\n').message).toContain('empty');
    });

    it('rejects a patch with no operations', () => {
      const err = parseError('*** Begin Patch\n*** End Patch\n');
      expect(err.message).toContain('no file operations');
    });

    it('rejects an unknown header line with its line number', () => {
      const err = parseError(patch('*** Add File: a', '+x', '*** Rename File: a')); // line 4
      expect(err.message).toContain("Unknown line '*** Rename File: a'");
      expect(err.message).toContain('line 4');
      expect(err.lineNumber).toBe(4);
    });

    it('reports an unknown header after an operation body', () => {
      const err = parseError(patch('*** Update File: a', '@@', ' x', '+y', '*** Copy File: b'));
      expect(err.message).toContain("Unknown line '*** Copy File: b'");
      expect(err.lineNumber).toBe(6);
    });

    it('rejects garbage before the first header', () => {
      const err = parseError(patch('hello', '*** Add File: a', '+x'));
      expect(err.lineNumber).toBe(2);
    });

    it('rejects an Update with no hunks', () => {
      const err = parseError(patch('*** Update File: a.txt', '*** Delete File: b'));
      expect(err.message).toContain("Update File 'a.txt' has no hunks");
      expect(err.lineNumber).toBe(2);
    });

    it('rejects an Update whose only hunk header has no lines', () => {
      const err = parseError(patch('*** Update File: a.txt', '@@ def foo():'));
      expect(err.message).toContain('has no lines');
      expect(err.lineNumber).toBe(3);
    });

    it('rejects an Add line that does not start with +', () => {
      const err = parseError(patch('*** Add File: a.txt', '+ok', 'not ok'));
      expect(err.message).toContain("must start with '+'");
      expect(err.lineNumber).toBe(4);
    });

    it('rejects a body after Delete File', () => {
      const err = parseError(patch('*** Delete File: a.txt', '-x'));
      expect(err.message).toContain('Delete File');
      expect(err.lineNumber).toBe(3);
    });

    it('rejects an invalid hunk line', () => {
      const err = parseError(patch('*** Update File: a.txt', '@@', ' a', 'oops'));
      expect(err.message).toContain("Invalid hunk line in Update File 'a.txt': 'oops'");
      expect(err.lineNumber).toBe(5);
    });

    it('rejects hunk lines after End of File without a new @@', () => {
      const err = parseError(patch('*** Update File: a', ' a', '+b', '*** End of File', ' c'));
      expect(err.message).toContain("without a preceding '@@'");
      expect(err.lineNumber).toBe(6);
    });

    it('rejects End of File with no hunk lines', () => {
      const err = parseError(patch('*** Update File: a', '*** End of File'));
      expect(err.message).toContain('*** End of File');
    });

    it('rejects a Move to that does not follow an Update header', () => {
      const err = parseError(patch('*** Delete File: a', '*** Move to: b'));
      expect(err.lineNumber).toBe(3);
    });

    it('rejects a header with an empty path', () => {
      const err = parseError(patch('*** Add File:   ', '+x'));
      expect(err.message).toContain('Missing path');
      expect(err.lineNumber).toBe(2);
    });
  });
});

describe('applying patches', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tern-apply-patch-'));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const read = (p: string) => fs.readFile(path.join(dir, p), 'utf8');
  const write = (p: string, s: string) => fs.writeFile(path.join(dir, p), s);
  const exists = (p: string) =>
    fs.access(path.join(dir, p)).then(
      () => true,
      () => false,
    );

  it('adds a file, creating parent directories', async () => {
    const result = await applyPatchText(patch('*** Add File: deep/dir/new.txt', '+hello', '+world'), dir);
    expect(await read('deep/dir/new.txt')).toBe('hello\nworld\n');
    expect(result.changes).toEqual([
      { path: path.join(dir, 'deep/dir/new.txt'), kind: { type: 'add' }, diff: 'hello\nworld\n' },
    ]);
    expect(result.summary).toBe('Success. Updated the following files:\nA deep/dir/new.txt\n');
  });

  it('overwrites an existing file on Add', async () => {
    await write('a.txt', 'old\n');
    await applyPatchText(patch('*** Add File: a.txt', '+new'), dir);
    expect(await read('a.txt')).toBe('new\n');
  });

  it('deletes a file and reports its old content', async () => {
    await write('old.txt', 'bye\n');
    const result = await applyPatchText(patch('*** Delete File: old.txt'), dir);
    expect(await exists('old.txt')).toBe(false);
    expect(result.changes).toEqual([
      { path: path.join(dir, 'old.txt'), kind: { type: 'delete' }, diff: 'bye\n' },
    ]);
    expect(result.summary).toBe('Success. Updated the following files:\nD old.txt\n');
  });

  it('updates a file and reports a header-less unified diff', async () => {
    await write('hello.txt', 'old\n');
    const result = await applyPatchText(patch('*** Update File: hello.txt', '@@', '-old', '+new'), dir);
    expect(await read('hello.txt')).toBe('new\n');
    expect(result.changes).toEqual([
      {
        path: path.join(dir, 'hello.txt'),
        kind: { type: 'update', move_path: null },
        diff: '@@ -1 +1 @@\n-old\n+new\n',
      },
    ]);
  });

  it('produces a diff with 3 lines of context and ranges', async () => {
    const lines = Array.from({ length: 12 }, (_, i) => `line${i + 1}`);
    await write('f.txt', lines.join('\n') + '\n');
    const result = await applyPatchText(
      patch('*** Update File: f.txt', ' line5', '-line6', '+LINE6', '+extra', ' line7'),
      dir,
    );
    expect(result.changes[0]!.diff).toBe(
      '@@ -3,7 +3,8 @@\n line3\n line4\n line5\n-line6\n+LINE6\n+extra\n line7\n line8\n line9\n',
    );
  });

  it('moves a file while updating it', async () => {
    await write('a.txt', 'one\ntwo\n');
    const result = await applyPatchText(
      patch('*** Update File: a.txt', '*** Move to: sub/b.txt', '@@', ' one', '-two', '+2'),
      dir,
    );
    expect(await exists('a.txt')).toBe(false);
    expect(await read('sub/b.txt')).toBe('one\n2\n');
    expect(result.changes).toEqual([
      {
        path: path.join(dir, 'a.txt'),
        kind: { type: 'update', move_path: path.join(dir, 'sub/b.txt') },
        diff: '@@ -1,2 +1,2 @@\n one\n-two\n+2\n',
      },
    ]);
    expect(result.summary).toBe('Success. Updated the following files:\nM sub/b.txt\n');
  });

  it('preserves the mode of an updated file', async () => {
    if (process.platform === 'win32') return;
    await write('run.sh', 'echo a\n');
    await fs.chmod(path.join(dir, 'run.sh'), 0o755);
    await applyPatchText(patch('*** Update File: run.sh', '-echo a', '+echo b'), dir);
    expect((await fs.stat(path.join(dir, 'run.sh'))).mode & 0o777).toBe(0o755);
    expect(await read('run.sh')).toBe('echo b\n');
  });

  it('applies multiple hunks in order', async () => {
    await write('m.txt', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n') + '\n');
    await applyPatchText(
      patch('*** Update File: m.txt', '@@', ' a', '-b', '+B', '@@', ' f', '-g', '+G1', '+G2', ' h'),
      dir,
    );
    expect(await read('m.txt')).toBe('a\nB\nc\nd\ne\nf\nG1\nG2\nh\n');
  });

  it('searches each hunk after the previous one', async () => {
    await write('r.txt', 'x\nsame\nx\nsame\n');
    await applyPatchText(
      patch('*** Update File: r.txt', '@@', '-same', '+first', '@@', '-same', '+second'),
      dir,
    );
    expect(await read('r.txt')).toBe('x\nfirst\nx\nsecond\n');
  });

  it('uses @@ anchors to pick the right occurrence', async () => {
    await write(
      'code.py',
      ['def foo():', '    return 1', '', 'def bar():', '    return 1', ''].join('\n'),
    );
    await applyPatchText(
      patch('*** Update File: code.py', '@@ def bar():', '-    return 1', '+    return 2'),
      dir,
    );
    expect(await read('code.py')).toBe('def foo():\n    return 1\n\ndef bar():\n    return 2\n');
  });

  it('narrows the location with several anchors', async () => {
    await write(
      'c.py',
      [
        'class A:',
        '    def run(self):',
        '        pass',
        'class B:',
        '    def run(self):',
        '        pass',
      ].join('\n') + '\n',
    );
    await applyPatchText(
      patch('*** Update File: c.py', '@@ class B:', '@@     def run(self):', '-        pass', '+        return 42'),
      dir,
    );
    expect(await read('c.py')).toBe(
      'class A:\n    def run(self):\n        pass\nclass B:\n    def run(self):\n        return 42\n',
    );
  });

  it('fails when an anchor is not found', async () => {
    await write('a.py', 'def foo():\n    pass\n');
    const err = await rejection(
      applyPatchText(patch('*** Update File: a.py', '@@ def nope():', '-    pass', '+    x'), dir),
    );
    expect(err).toBeInstanceOf(PatchApplyError);
    expect(err.message).toContain('def nope():');
    expect(err.message).toContain('a.py');
    expect(await read('a.py')).toBe('def foo():\n    pass\n');
  });

  it('inserts pure additions right after an anchor', async () => {
    await write('a.py', 'import os\n\ndef main():\n    pass\n');
    await applyPatchText(patch('*** Update File: a.py', '@@ import os', '+import sys'), dir);
    expect(await read('a.py')).toBe('import os\nimport sys\n\ndef main():\n    pass\n');
  });

  it('appends pure additions without an anchor at the end of the file', async () => {
    await write('a.txt', 'one\n');
    await applyPatchText(patch('*** Update File: a.txt', '@@', '+two'), dir);
    expect(await read('a.txt')).toBe('one\ntwo\n');
  });

  it('honours *** End of File by matching only at the end', async () => {
    await write('e.txt', 'end\nmiddle\nend\n');
    await applyPatchText(patch('*** Update File: e.txt', '@@', '-end', '+END', '*** End of File'), dir);
    expect(await read('e.txt')).toBe('end\nmiddle\nEND\n');
  });

  it('fails an End of File hunk whose lines are not at the end', async () => {
    await write('e.txt', 'target\nother\n');
    const err = await rejection(
      applyPatchText(patch('*** Update File: e.txt', '@@', '-target', '+x', '*** End of File'), dir),
    );
    expect(err).toBeInstanceOf(PatchApplyError);
    expect(err.message).toContain('at the end of the file');
    expect(await read('e.txt')).toBe('target\nother\n');
  });

  it('matches ignoring trailing whitespace', async () => {
    await write('w.txt', 'alpha   \nbeta\t\n');
    await applyPatchText(patch('*** Update File: w.txt', ' alpha', '-beta', '+gamma'), dir);
    expect(await read('w.txt')).toBe('alpha   \ngamma\n');
  });

  it('matches ignoring leading and trailing whitespace', async () => {
    await write('w.txt', '\tif (x) {\n\t\treturn 1;\n\t}\n');
    await applyPatchText(
      patch('*** Update File: w.txt', '   if (x) {', '-    return 1;', '+\t\treturn 2;', '   }'),
      dir,
    );
    expect(await read('w.txt')).toBe('\tif (x) {\n\t\treturn 2;\n\t}\n');
  });

  it('treats a trailing empty context line as the end of the file when needed', async () => {
    await write('t.txt', 'a\nb\n');
    await applyPatchText(patch('*** Update File: t.txt', ' a', '-b', '+c', ''), dir);
    expect(await read('t.txt')).toBe('a\nc\n');
  });

  it('prefers an exact match over an earlier fuzzy one', async () => {
    await write('p.txt', '  value\nvalue\n');
    await applyPatchText(patch('*** Update File: p.txt', '-value', '+changed'), dir);
    expect(await read('p.txt')).toBe('  value\nchanged\n');
  });

  it('applies a CRLF patch and keeps a CRLF file CRLF', async () => {
    await write('win.txt', 'one\r\ntwo\r\nthree\r\n');
    const text = patch('*** Update File: win.txt', ' one', '-two', '+TWO', ' three').replace(/\n/g, '\r\n');
    await applyPatchText(text, dir);
    expect(await read('win.txt')).toBe('one\r\nTWO\r\nthree\r\n');
  });

  it('keeps a missing trailing newline missing and an existing one present', async () => {
    await write('no-eol.txt', 'a\nb');
    await write('eol.txt', 'a\nb\n');
    const result = await applyPatchText(
      patch('*** Update File: no-eol.txt', ' a', '-b', '+c', '*** Update File: eol.txt', ' a', '-b', '+c'),
      dir,
    );
    expect(await read('no-eol.txt')).toBe('a\nc');
    expect(await read('eol.txt')).toBe('a\nc\n');
    expect(result.changes[0]!.diff).toBe(
      '@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n',
    );
  });

  it('fails on a missing file for update or delete', async () => {
    const upd = await rejection(applyPatchText(patch('*** Update File: ghost.txt', '-a', '+b'), dir));
    expect(upd).toBeInstanceOf(PatchApplyError);
    expect(upd.name).toBe('PatchApplyError');
    expect(upd.message).toContain("'ghost.txt'");
    expect(upd.message).toContain('does not exist');
    const del = await rejection(applyPatchText(patch('*** Delete File: ghost.txt'), dir));
    expect(del).toBeInstanceOf(PatchApplyError);
    expect(del.message).toContain('does not exist');
  });

  it('reports context not found naming the file and the expected lines', async () => {
    await write('c.txt', 'one\ntwo\n');
    const err = await rejection(
      applyPatchText(patch('*** Update File: c.txt', ' zero', '-one', '+uno'), dir),
    );
    expect(err).toBeInstanceOf(PatchApplyError);
    expect(err.message).toContain("'c.txt'");
    expect(err.message).toContain('  zero\n  one');
  });

  it('is all-or-nothing: a failing 2nd operation writes nothing', async () => {
    await write('keep.txt', 'original\n');
    await write('bad.txt', 'content\n');
    await write('gone.txt', 'still here\n');
    const err = await rejection(
      applyPatchText(
        patch(
          '*** Update File: keep.txt',
          '-original',
          '+modified',
          '*** Add File: added.txt',
          '+x',
          '*** Delete File: gone.txt',
          '*** Update File: bad.txt',
          '-not there',
          '+y',
        ),
        dir,
      ),
    );
    expect(err).toBeInstanceOf(PatchApplyError);
    expect(await read('keep.txt')).toBe('original\n');
    expect(await read('bad.txt')).toBe('content\n');
    expect(await read('gone.txt')).toBe('still here\n');
    expect(await exists('added.txt')).toBe(false);
    expect((await fs.readdir(dir)).sort()).toEqual(['bad.txt', 'gone.txt', 'keep.txt']);
  });

  it('planPatch writes nothing; commitPatch writes', async () => {
    await write('a.txt', 'a\n');
    const plan = await planPatch(
      parsePatch(patch('*** Update File: a.txt', '-a', '+b', '*** Add File: n.txt', '+n')),
      dir,
    );
    expect(await read('a.txt')).toBe('a\n');
    expect(await exists('n.txt')).toBe(false);
    await commitPatch(plan);
    expect(await read('a.txt')).toBe('b\n');
    expect(await read('n.txt')).toBe('n\n');
  });

  it('rolls back earlier writes when a later write fails', async () => {
    await write('first.txt', 'first\n');
    await write('gone.txt', 'gone\n');
    const plan = await planPatch(
      parsePatch(
        patch(
          '*** Update File: first.txt',
          '-first',
          '+FIRST',
          '*** Add File: brand/new.txt',
          '+new',
          '*** Delete File: gone.txt',
          '*** Add File: blocker/inner/late.txt',
          '+late',
        ),
      ),
      dir,
    );
    // Between planning and committing, a regular file appears where a directory must go.
    await write('blocker', 'i am a file\n');
    const err = await rejection(commitPatch(plan));
    expect(err).toBeInstanceOf(PatchApplyError);
    expect(err.message).toContain('Failed to write patch');
    expect(await read('first.txt')).toBe('first\n');
    expect(await read('gone.txt')).toBe('gone\n');
    expect(await exists('brand')).toBe(false);
    expect((await fs.readdir(dir)).sort()).toEqual(['blocker', 'first.txt', 'gone.txt']);
  });

  it('lets later operations see earlier ones on the same file', async () => {
    const result = await applyPatchText(
      patch('*** Add File: s.txt', '+one', '*** Update File: s.txt', '-one', '+two'),
      dir,
    );
    expect(await read('s.txt')).toBe('two\n');
    expect(result.changes[1]!.diff).toBe('@@ -1 +1 @@\n-one\n+two\n');
  });

  describe('path safety', () => {
    it('refuses a relative path escaping cwd', async () => {
      const work = path.join(dir, 'work');
      await fs.mkdir(work);
      const err = await rejection(applyPatchText(patch('*** Add File: ../x.txt', '+evil'), work));
      expect(err).toBeInstanceOf(PatchApplyError);
      expect(err.message).toContain('outside the working directory');
      expect(await exists('x.txt')).toBe(false);
    });

    it('refuses an absolute path outside cwd and accepts one inside', async () => {
      const work = path.join(dir, 'work');
      await fs.mkdir(work);
      const outside = path.join(dir, 'outside.txt');
      const err = await rejection(applyPatchText(patch(`*** Add File: ${outside}`, '+evil'), work));
      expect(err).toBeInstanceOf(PatchApplyError);
      expect(await exists('outside.txt')).toBe(false);

      const inside = path.join(work, 'inside.txt');
      const ok = await applyPatchText(patch(`*** Add File: ${inside}`, '+fine'), work);
      expect(await read('work/inside.txt')).toBe('fine\n');
      expect(ok.summary).toBe('Success. Updated the following files:\nA inside.txt\n');
    });

    it('refuses a move destination outside cwd, writing nothing', async () => {
      const work = path.join(dir, 'work');
      await fs.mkdir(work);
      await write('work/a.txt', 'a\n');
      const err = await rejection(
        applyPatchText(patch('*** Update File: a.txt', '*** Move to: ../../moved.txt', '-a', '+b'), work),
      );
      expect(err).toBeInstanceOf(PatchApplyError);
      expect(await read('work/a.txt')).toBe('a\n');
    });

    it('refuses paths that escape through a symlinked directory', async () => {
      if (process.platform === 'win32') return;
      const work = path.join(dir, 'work');
      const secret = path.join(dir, 'secret');
      await fs.mkdir(work);
      await fs.mkdir(secret);
      await write('secret/data.txt', 'secret\n');
      await fs.symlink(secret, path.join(work, 'link'));
      const err = await rejection(
        applyPatchText(patch('*** Update File: link/data.txt', '-secret', '+pwned'), work),
      );
      expect(err).toBeInstanceOf(PatchApplyError);
      expect(err.message).toContain('outside the working directory');
      const err2 = await rejection(applyPatchText(patch('*** Add File: link/sub/new.txt', '+x'), work));
      expect(err2).toBeInstanceOf(PatchApplyError);
      expect(await read('secret/data.txt')).toBe('secret\n');
      expect(await exists('secret/sub')).toBe(false);
    });

    it('allows a symlinked cwd and symlinks that stay inside it', async () => {
      if (process.platform === 'win32') return;
      const real = path.join(dir, 'real');
      await fs.mkdir(path.join(real, 'inner'), { recursive: true });
      await fs.symlink(real, path.join(dir, 'alias'));
      await fs.symlink(path.join(real, 'inner'), path.join(real, 'shortcut'));
      const cwd = path.join(dir, 'alias');
      const result = await applyPatchText(patch('*** Add File: shortcut/f.txt', '+ok'), cwd);
      expect(await read('real/inner/f.txt')).toBe('ok\n');
      expect(result.changes[0]!.path).toBe(path.join(cwd, 'shortcut/f.txt'));
    });
  });

  it('summarizePatch lists A/M/D with paths relative to cwd', async () => {
    await write('hello.txt', 'hi\n');
    await write('old.txt', 'x\n');
    await write('mv.txt', 'm\n');
    const plan = await planPatch(
      parsePatch(
        patch(
          '*** Add File: notes.txt',
          '+n',
          '*** Update File: hello.txt',
          '-hi',
          '+hello',
          '*** Delete File: old.txt',
          '*** Update File: mv.txt',
          '*** Move to: dir/moved.txt',
          '-m',
          '+M',
        ),
      ),
      dir,
    );
    expect(summarizePatch(plan, dir)).toBe(
      'Success. Updated the following files:\nA notes.txt\nM hello.txt\nD old.txt\nM dir/moved.txt\n',
    );
  });
});
