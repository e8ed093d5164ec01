/**
 * Differential scenarios around approvals: a known-safe read-only command under `untrusted`,
 * an `on-request` escalation the client accepts, a declined command (which must never run) and a
 * declined file change (no file changes).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { withoutCommandApprovals } from '../support/differential/normalise.js';
import type { Recording } from '../support/differential/runner.js';
import { differentialSuite } from '../support/differential/suite.js';
import { exec, FILES, PATCH, say, SIDE_EFFECT_CMD, SIDE_EFFECT_FILE } from '../support/differential/scripts.js';

const SAFE_COMMANDS = ['ls', 'git status', 'cat hello.txt | wc -l'];

/** Server requests (approvals) in a recording. */
const serverRequests = (rec: Recording) =>
  rec.connections.flat().filter((e) => e.dir === 's2c' && typeof e.msg === 'object' && e.msg !== null && 'method' in e.msg && 'id' in e.msg);

differentialSuite(
  {
    name: 'untrusted with a safe read-only command',
    files: FILES,
    script: [...SAFE_COMMANDS.map((c) => ({ output: [exec(c)] })), say('Listed.')],
    async run(ctx) {
      ctx.onServerRequest(() => ({ decision: 'accept' }));
      await ctx.initialize();
      const thread = await ctx.startThread({ approvalPolicy: 'untrusted', sandbox: 'workspace-write' });
      await ctx.runTurn(thread.id, 'List the files');
    },
  },
  {
    // Intentional difference (docs/compatibility.md): codex 0.169 asks for every exec_command
    // under `untrusted`; tern runs known-safe read-only commands without asking.
    relax: withoutCommandApprovals,
    check: (rec) => expect(serverRequests(rec)).toHaveLength(rec.kind === 'tern' ? 0 : SAFE_COMMANDS.length),
  },
);

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

differentialSuite(
  {
    name: 'decline a file change',
    files: FILES,
    script: [{ output: [{ type: 'custom_tool_call', name: 'apply_patch', input: PATCH }] }, say('The patch was declined.')],
    async run(ctx) {
      ctx.onServerRequest(() => ({ decision: 'decline' }));
      await ctx.initialize();
      const thread = await ctx.startThread({ approvalPolicy: 'untrusted', sandbox: 'workspace-write' });
      await ctx.runTurn(thread.id, 'Patch the files');
    },
  },
  {
    check: (rec) => {
      expect(existsSync(path.join(rec.repo, 'notes.txt'))).toBe(false);
      expect(readFileSync(path.join(rec.repo, 'hello.txt'), 'utf8')).toBe(FILES['hello.txt']);
    },
  },
);
