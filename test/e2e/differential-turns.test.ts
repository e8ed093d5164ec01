/**
 * Differential scenarios about a turn's end: an interrupt while a command runs, two turns in one
 * process, and a model that answers HTTP 500 (no retries configured).
 */
import { differentialSuite } from '../support/differential/suite.js';
import { exec, FILES, say } from '../support/differential/scripts.js';

/** Long enough to still be running when the interrupt arrives. */
const SLOW_CMD = 'sleep 30';
/** exec_command waits this long for output before returning to the model: longer than the test. */
const SLOW_YIELD_MS = 25_000;

differentialSuite({
  name: 'interrupt during a command',
  files: FILES,
  script: [{ output: [exec(SLOW_CMD, { yield_time_ms: SLOW_YIELD_MS })] }],
  async run(ctx) {
    await ctx.initialize();
    const thread = await ctx.startThread({ approvalPolicy: 'never', sandbox: 'workspace-write' });
    const turn = await ctx.startTurn(thread.id, 'Wait a while');
    await ctx.waitFor((m) => m.method === 'item/started' && m.params?.item?.type === 'commandExecution');
    await ctx.call('turn/interrupt', { threadId: thread.id, turnId: turn.id });
    await ctx.turnCompleted(turn.id);
  },
});

differentialSuite({
  name: 'two turns',
  files: FILES,
  script: [{ output: [exec('cat hello.txt')] }, say('Read it.'), say('Second answer.')],
  async run(ctx) {
    await ctx.initialize();
    const thread = await ctx.startThread({ approvalPolicy: 'never', sandbox: 'workspace-write' });
    await ctx.runTurn(thread.id, 'Read hello.txt');
    await ctx.runTurn(thread.id, 'And again');
  },
});

differentialSuite({
  name: 'model HTTP 500',
  files: FILES,
  script: [{ httpError: { status: 500 } }],
  async run(ctx) {
    await ctx.initialize();
    const thread = await ctx.startThread();
    await ctx.runTurn(thread.id, 'trigger 500');
  },
});
