/**
 * Differential scenarios around approvals: a known-safe read-only command under `untrusted`,
 * an `on-request` escalation the client accepts, and a declined command (which must never run).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { differentialSuite } from '../support/differential/suite.js';
import { exec, FILES, say, SIDE_EFFECT_CMD, SIDE_EFFECT_FILE } from '../support/differential/scripts.js';

differentialSuite({
  name: 'untrusted with a safe read-only command',
  files: FILES,
  script: [{ output: [exec('ls')] }, { output: [exec('git status')] }, { output: [exec('cat hello.txt | wc -l')] }, say('Listed.')],
  async run(ctx) {
    ctx.onServerRequest(() => ({ decision: 'accept' }));
    await ctx.initialize();
    const thread = await ctx.startThread({ approvalPolicy: 'untrusted', sandbox: 'workspace-write' });
    await ctx.runTurn(thread.id, 'List the files');
  },
});

const ESCALATE = exec('echo hi > out.txt && cat out.txt', {
  sandbox_permissions: 'require_escalated',
  justification: 'Allow writing out.txt outside the sandbox?',
});

differentialSuite(
  {
    name: 'on-request escalation',
    files: FILES,
    script: [{ output: [ESCALATE] }, say('Wrote out.txt after approval.')],
    async run(ctx) {
      ctx.onServerRequest(() => ({ decision: 'accept' }));
      await ctx.initialize();
      const thread = await ctx.startThread({ approvalPolicy: 'on-request', sandbox: 'workspace-write' });
      await ctx.runTurn(thread.id, 'Write out.txt');
    },
  },
  { check: (rec) => expect(readFileSync(path.join(rec.repo, 'out.txt'), 'utf8')).toBe('hi\n') },
);

differentialSuite(
  {
    name: 'decline',
    files: FILES,
    script: [{ output: [exec(SIDE_EFFECT_CMD)] }, say('It was declined.')],
    async run(ctx) {
      ctx.onServerRequest(() => ({ decision: 'decline' }));
      await ctx.initialize();
      const thread = await ctx.startThread({ approvalPolicy: 'untrusted', sandbox: 'workspace-write' });
      await ctx.runTurn(thread.id, 'Write side.txt');
    },
  },
  { check: (rec) => expect(existsSync(path.join(rec.repo, SIDE_EFFECT_FILE))).toBe(false) },
);
