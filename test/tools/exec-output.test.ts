/**
 * A command's output on its way to the client and to the model: real processes through the
 * launcher (no sandbox), then the text the model gets (formatCommandOutput). Output beyond the
 * kept budget is dropped from the middle with a marker; the client's deltas are the head, in
 * order, then the marker; what the model sees is capped to its own budget, head and tail.
 */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { launch } from '../../src/sandbox/launcher.js';
import { formatCommandOutput } from '../../src/tools/exec-command.js';

const never = new AbortController().signal;
const OMITTED = /\[\.\.\. (\d+) characters of output omitted \.\.\.\]/;

/** What `seq 1 n` prints. */
function seqText(n: number): string {
  let s = '';
  for (let i = 1; i <= n; i++) s += `${i}\n`;
  return s;
}

async function run(cmd: string, maxOutputBytes?: number) {
  const deltas: string[] = [];
  const r = await launch({
    argv: ['bash', '-c', cmd],
    cwd: os.tmpdir(),
    timeoutMs: 60_000,
    signal: never,
    maxOutputBytes,
    onOutput: (d) => deltas.push(d),
  });
  return { r, deltas };
}

describe('exec_command output: bounded, in order, capped for the model', () => {
  it('keeps head and tail of 2.5 MB with an exact count of what was dropped; deltas are the head in order, then the marker', async () => {
    const n = 400_000; // 2,488,895 bytes
    const full = seqText(n);
    const max = 256 * 1024;
    const { r, deltas } = await run(`seq 1 ${n}`, max);
    expect(r.exitCode).toBe(0);
    expect(r.outputTruncated).toBe(true);

    const m = OMITTED.exec(r.output)!;
    expect(m).not.toBeNull();
    // output = head + "\n" + marker + "\n" + tail
    const [headNl, nlTail] = r.output.split(m[0]) as [string, string];
    const head = headNl.slice(0, -1);
    const tail = nlTail.slice(1);
    expect(head.length + tail.length).toBeLessThanOrEqual(max);
    expect(head.length).toBeGreaterThan(0);
    expect(tail.length).toBeGreaterThan(0);
    expect(full.startsWith(head)).toBe(true);
    expect(full.endsWith(tail)).toBe(true);
    // Kept + dropped = everything the command printed.
    expect(head.length + Number(m[1]) + tail.length).toBe(full.length);

    // The client saw the head, in order and unaltered, then the marker: no tail, no duplicate.
    const streamed = deltas.join('');
    expect(streamed).toBe(`${head}\n${m[0]}\n`);
    expect(deltas.at(-1)).toContain('characters of output omitted');
  });

  it('streams a small output whole, in order, without a marker', async () => {
    const { r, deltas } = await run('seq 1 5000');
    expect(r.outputTruncated).toBe(false);
    expect(r.output).toBe(seqText(5000));
    expect(deltas.join('')).toBe(seqText(5000));
  });

  it('decodes UTF-8 across read boundaries: no replacement characters', async () => {
    // 40,000 lines of nine three-byte characters (1.1 MB): the pipe's reads split some of them.
    const { r } = await run(`yes '€€€€€€€€€' | head -n 40000`, 4 * 1024 * 1024);
    expect(r.output).not.toContain('\uFFFD');
    expect(r.output).toBe('€€€€€€€€€\n'.repeat(40_000));
  });

  it('what the model sees is capped to max_output_tokens (about 4 characters each), head and tail kept', async () => {
    const n = 200_000;
    const { r } = await run(`seq 1 ${n}`);
    const maxOutputTokens = 1_000;
    const text = formatCommandOutput({ ...r, maxOutputTokens });
    expect(text.length).toBeLessThan(maxOutputTokens * 4 + 200);
    expect(text).toMatch(/^Exit code: 0\nWall time: [\d.]+ seconds\nOutput:\n1\n2\n3\n/);
    expect(text.trimEnd().endsWith(String(n))).toBe(true);
    expect(text).toMatch(/characters omitted/);
  });
});
