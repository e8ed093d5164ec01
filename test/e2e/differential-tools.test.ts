/**
 * Differential scenarios: a tools turn under `approvalPolicy: "never"` (no approval asked), and the
 * same tools under `untrusted` with every request accepted.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { differentialSuite } from '../support/differential/suite.js';
import { FILES, TOOLS_SCRIPT, UNTRUSTED_TOOLS_SCRIPT } from '../support/differential/scripts.js';

function toolsRan(repo: string): void {
  expect(readFileSync(path.join(repo, 'hello.txt'), 'utf8')).toContain('(patched)');
  expect(existsSync(path.join(repo, 'notes.txt'))).toBe(true);
  expect(readFileSync(path.join(repo, 'out.txt'), 'utf8')).toBe('hi\n');
}

differentialSuite(
  {
    name: 'tools with never',
    files: FILES,
    script: TOOLS_SCRIPT,
    async run(ctx) {
      await ctx.initialize();
      const thread = await ctx.startThread({ approvalPolicy: 'never', sandbox: 'workspace-write' });
      await ctx.runTurn(thread.id, 'Read, patch and write');
    },
  },
  { check: (rec) => toolsRan(rec.repo) },
);

differentialSuite(
  {
    name: 'untrusted with accept',
    files: FILES,
    script: UNTRUSTED_TOOLS_SCRIPT,
    async run(ctx) {
      ctx.onServerRequest(() => ({ decision: 'accept' }));
      await ctx.initialize();
      const thread = await ctx.startThread({ approvalPolicy: 'untrusted', sandbox: 'workspace-write' });
      await ctx.runTurn(thread.id, 'Read, patch and write');
    },
  },
  { check: (rec) => toolsRan(rec.repo) },
);
