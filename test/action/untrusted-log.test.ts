import { describe, expect, it } from 'vitest';
import { openInertBlock, writeInert } from '../../src/action/untrusted-log.js';

function sink() {
  const chunks: string[] = [];
  return { chunks, write: (c: string) => chunks.push(c), text: () => chunks.join('') };
}

describe('untrusted text in the log', () => {
  it('wraps text in a stop-commands block with a fresh random token', () => {
    const a = sink();
    writeInert(a, '::add-mask::secret\n::error::boom');
    const lines = a.text().split('\n');
    const token = /^::stop-commands::(tern-[0-9a-f]{32})$/.exec(lines[0]!)?.[1];
    expect(token).toBeDefined();
    expect(lines.slice(1, 3)).toEqual(['::add-mask::secret', '::error::boom']);
    expect(lines[3]).toBe(`::${token}::`);
    const b = sink();
    writeInert(b, 'x');
    expect(b.text().split('\n')[0]).not.toBe(lines[0]);
  });

  it('closes the block on its own line even after a partial line', () => {
    const s = sink();
    const block = openInertBlock(s);
    block.write('no newline at the end');
    block.end();
    const lines = s.text().split('\n');
    expect(lines[1]).toBe('no newline at the end');
    expect(lines[2]).toMatch(/^::tern-[0-9a-f]{32}::$/);
  });
});
