/**
 * Differential scenario: protocol errors (requests before initialize, a second initialize, unknown
 * methods, bad params, unknown threads, malformed lines, string ids, steering an idle thread). Error codes and
 * messages (ids and paths masked) must match the reference.
 */
import { differentialSuite } from '../support/differential/suite.js';
import { FILES } from '../support/differential/scripts.js';

const NO_THREAD = '00000000-0000-0000-0000-000000000000';

differentialSuite({
  name: 'protocol errors',
  files: FILES,
  script: [],
  async run(ctx) {
    await ctx.request('thread/list', {});
    await ctx.initialize();
    await ctx.request('initialize', { clientInfo: { name: 'again', version: '0' } });
    await ctx.request('foo/bar', {});
    await ctx.request('thread/start', { cwd: 123 });
    await ctx.request('turn/start', {});
    await ctx.request('turn/start', { threadId: NO_THREAD, input: [{ type: 'text', text: 'x' }] });
    await ctx.request('thread/read', { threadId: 'not-a-uuid' });
    await ctx.request('thread/read', { threadId: NO_THREAD });
    await ctx.request('thread/resume', { threadId: NO_THREAD });
    await ctx.request('turn/interrupt', { threadId: NO_THREAD, turnId: 'nope' });
    // Malformed lines are dropped without a reply; the next request is answered as usual.
    ctx.peer.sendRaw('this is not json');
    ctx.peer.send({ id: 'no-method' });
    ctx.peer.send({ method: 42, id: 'bad-method' });
    await ctx.request('thread/loaded/list', {});
    // A string id is echoed as is (the response is matched to its request by id), and a
    // "jsonrpc" member, which neither server sends, is accepted on input.
    await ctx.peer.request('thread/list', {}, { id: 'a-string-id' });
    ctx.peer.send({ jsonrpc: '2.0', id: 'with-jsonrpc', method: 'thread/list', params: {} });
    await ctx.waitFor((m) => m.id === 'with-jsonrpc');
    const thread = await ctx.startThread({ approvalPolicy: 'never' });
    await ctx.request('turn/steer', { threadId: thread.id, expectedTurnId: 'nope', input: [{ type: 'text', text: 'x' }] });
    await ctx.request('turn/interrupt', { threadId: thread.id, turnId: 'nope' });
    await ctx.request('thread/archive', { threadId: NO_THREAD });
    await ctx.request('thread/fork', { threadId: NO_THREAD });
  },
});
