/**
 * Differential scenarios about durable threads: resume in a new process, fork, and archive /
 * list / read / unarchive.
 */
import { differentialSuite } from '../support/differential/suite.js';
import { exec, FILES, say } from '../support/differential/scripts.js';

differentialSuite({
  name: 'resume in a new process',
  files: FILES,
  script: [{ output: [{ type: 'reasoning', summary: 'Read first.' }, exec('cat hello.txt')] }, say('Read it.'), say('Resumed answer.')],
  async run(ctx) {
    await ctx.initialize();
    const thread = await ctx.startThread({ approvalPolicy: 'never', sandbox: 'workspace-write' });
    await ctx.runTurn(thread.id, 'Read hello.txt');
    await ctx.restart();
    await ctx.initialize();
    await ctx.call('thread/resume', { threadId: thread.id });
    await ctx.runTurn(thread.id, 'Go on');
  },
});

differentialSuite({
  name: 'fork',
  files: FILES,
  script: [say('First answer.'), say('Second answer.'), say('Answer on the fork.')],
  async run(ctx) {
    await ctx.initialize();
    const thread = await ctx.startThread({ approvalPolicy: 'never', sandbox: 'workspace-write' });
    const first = await ctx.runTurn(thread.id, 'One');
    await ctx.runTurn(thread.id, 'Two');
    const forked = await ctx.request('thread/fork', { threadId: thread.id, lastTurnId: first.id });
    // A server without thread/fork answers an error, which the comparison shows; nothing to run on then.
    if (forked.result) {
      const fork = forked.result.thread;
      await ctx.waitFor((m) => m.method === 'thread/started' && m.params?.thread?.id === fork.id);
      await ctx.runTurn(fork.id, 'Three, on the fork');
    }
    await ctx.request('thread/read', { threadId: thread.id, includeTurns: true });
  },
});

differentialSuite({
  name: 'archive, list and read',
  files: FILES,
  script: [say('Answer A.'), say('Answer B.')],
  async run(ctx) {
    await ctx.initialize();
    const a = await ctx.startThread({ approvalPolicy: 'never' });
    await ctx.runTurn(a.id, 'Thread A');
    const b = await ctx.startThread({ approvalPolicy: 'never' });
    await ctx.runTurn(b.id, 'Thread B');
    // request, not call: an error reply is part of the compared sequence, and the steps go on.
    await ctx.request('thread/list', {});
    await ctx.request('thread/archive', { threadId: a.id });
    await ctx.request('thread/list', {});
    await ctx.request('thread/list', { archived: true });
    await ctx.request('thread/read', { threadId: a.id, includeTurns: true });
    await ctx.request('thread/unarchive', { threadId: a.id });
    await ctx.request('thread/list', { limit: 1 });
    await ctx.request('thread/read', { threadId: b.id });
  },
});
