/**
 * Approvals through the real server (dist/tern.js app-server): every way of not approving a
 * command (a malformed decision, an error reply, a closed connection) counts as a decline, and
 * the declined command never starts (its side-effect file stays absent).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTempRepo } from '../support/git-repo.js';
import type { JsonlPeer } from '../support/jsonl-peer.js';
import { initialize, notifications, useTernAppServers } from '../support/tern-session.js';

const tern = useTernAppServers('tern-approvals-');
const { expectConforms } = tern;

const waitTurnCompleted = (peer: JsonlPeer, turnId: string) =>
  peer.waitFor((m) => m.method === 'turn/completed' && m.params?.turn?.id === turnId, 30_000);

const SIDE_EFFECT = 'echo ran > side.txt';

function oneCommandScript(cmd: string) {
  return [
    { output: [{ type: 'function_call' as const, name: 'exec_command', arguments: { cmd } }] },
    { output: [{ type: 'message' as const, text: 'done' }] },
  ];
}

async function runWithReply(reply: () => unknown) {
  const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
  const { peer, model } = await tern.launch(oneCommandScript(SIDE_EFFECT));
  peer.onServerRequest(reply);
  await initialize(peer);
  const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'untrusted' });
  const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
  const done = await waitTurnCompleted(peer, turn.id);
  return { repo, peer, model, done };
}

describe('tern app-server: a reply that does not approve is a decline', () => {
  const malformed: [string, unknown][] = [
    ['an object decision', { decision: { foo: 1 } }],
    ['an array decision', { decision: ['accept'] }],
    ['an empty object decision', { decision: {} }],
    ['an amendment object with the wrong inner shape', { decision: { acceptWithExecpolicyAmendment: {} } }],
    ['an unknown string', { decision: 'yes' }],
    ['no decision at all', {}],
    ['a null result', null],
    ['an array result', ['accept']],
  ];
  for (const [name, result] of malformed) {
    it(`${name}: the command never starts and its item ends declined`, async () => {
      const { repo, peer, model, done } = await runWithReply(() => result);
      expect(done.params.turn.status).toBe('completed');
      expect(existsSync(path.join(repo, 'side.txt'))).toBe(false);
      const cmd = notifications(peer).find((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution')!;
      expect(cmd.params.item.status).toBe('declined');
      expect(notifications(peer).some((n) => n.method === 'item/commandExecution/outputDelta')).toBe(false);
      expect(notifications(peer).filter((n) => n.method === 'serverRequest/resolved')).toHaveLength(1);
      const toolOutput = (model.requests[1]!.body as Record<string, any>).input.at(-1);
      expect(toolOutput.output).toContain('declined');
      expectConforms(peer);
    });
  }

  it('an error reply: the command never starts and its item ends declined', async () => {
    const { repo, peer, done } = await runWithReply(() => {
      throw { code: -32000, message: 'no human here' };
    });
    expect(done.params.turn.status).toBe('completed');
    expect(existsSync(path.join(repo, 'side.txt'))).toBe(false);
    const cmd = notifications(peer).find((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution')!;
    expect(cmd.params.item.status).toBe('declined');
    expectConforms(peer);
  });

  it('a well-formed accept still runs the command (control)', async () => {
    const { repo, peer, done } = await runWithReply(() => ({ decision: 'accept' }));
    expect(done.params.turn.status).toBe('completed');
    expect(existsSync(path.join(repo, 'side.txt'))).toBe(true);
    expectConforms(peer);
  });

  it('a closed connection while the approval is pending: the command never starts', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const { peer } = await tern.launch(oneCommandScript(SIDE_EFFECT));
    peer.onServerRequest(() => new Promise(() => {}));
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'untrusted' });
    await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    await peer.waitFor((m) => m.method === 'item/commandExecution/requestApproval', 30_000);
    await peer.close(10_000);
    expect(existsSync(path.join(repo, 'side.txt'))).toBe(false);
    expectConforms(peer);
  });
});

describe('tern app-server: what `untrusted` asks for', () => {
  it('runs known-safe read-only commands without asking, and asks for the rest', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const { peer } = await tern.launch([
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'cat a.txt' } }] },
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'ls | wc -l && git status; pwd' } }] },
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'cat a.txt > copy.txt' } }] },
      { output: [{ type: 'message', text: 'done' }] },
    ]);
    const asked: string[] = [];
    peer.onServerRequest((req) => {
      asked.push(req.params.command);
      return { decision: 'decline' };
    });
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'untrusted' });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    const done = await waitTurnCompleted(peer, turn.id);
    expect(done.params.turn.status).toBe('completed');
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('copy.txt');
    const cmds = notifications(peer).filter((n) => n.method === 'item/completed' && n.params.item.type === 'commandExecution');
    expect(cmds.map((c) => c.params.item.status)).toEqual(['completed', 'completed', 'declined']);
    expect(cmds[0]!.params.item.aggregatedOutput).toContain('a');
    expect(existsSync(path.join(repo, 'copy.txt'))).toBe(false);
    expectConforms(peer);
  });
});

describe('tern app-server: approval params and session approvals', () => {
  it('sends availableDecisions and proposedExecpolicyAmendment as the reference does', async () => {
    const { peer } = await runWithReply(() => ({ decision: 'decline' }));
    const req = peer.transcript.map((e) => e.msg as any).find((m) => m?.method === 'item/commandExecution/requestApproval')!;
    const amendment = ['bash', '-c', SIDE_EFFECT];
    expect(req.params.proposedExecpolicyAmendment).toEqual(amendment);
    expect(req.params.availableDecisions).toEqual(['accept', { acceptWithExecpolicyAmendment: { execpolicy_amendment: amendment } }, 'cancel']);
    expectConforms(peer);
  });

  it('proposes the inner command as the amendment for a single plain command', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const { peer } = await tern.launch(oneCommandScript('touch b.txt'));
    peer.onServerRequest(() => ({ decision: 'decline' }));
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'untrusted' });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    await waitTurnCompleted(peer, turn.id);
    const req = peer.transcript.map((e) => e.msg as any).find((m) => m?.method === 'item/commandExecution/requestApproval')!;
    expect(req.params.proposedExecpolicyAmendment).toEqual(['touch', 'b.txt']);
    expectConforms(peer);
  });

  it('remembers acceptForSession for the thread: the same command is not asked again, in this turn or the next', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const append = 'echo line >> log.txt';
    const call = { output: [{ type: 'function_call' as const, name: 'exec_command', arguments: { cmd: append } }] };
    const { peer } = await tern.launch([call, call, { output: [{ type: 'message', text: 'one' }] }, call, { output: [{ type: 'message', text: 'two' }] }]);
    let asked = 0;
    peer.onServerRequest(() => {
      asked++;
      return { decision: 'acceptForSession' };
    });
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'untrusted' });
    const t1 = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    await waitTurnCompleted(peer, t1.turn.id);
    const t2 = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'again' }] });
    await waitTurnCompleted(peer, t2.turn.id);
    expect(asked).toBe(1);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path.join(repo, 'log.txt'), 'utf8')).toBe('line\nline\nline\n');
    expect(notifications(peer).filter((n) => n.method === 'serverRequest/resolved')).toHaveLength(1);
    expectConforms(peer);
  });

  it('remembers an accepted exec-policy amendment as a prefix for the thread', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const { peer } = await tern.launch([
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'touch b.txt' } }] },
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'touch b.txt c.txt' } }] },
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'touch d.txt' } }] },
      { output: [{ type: 'message', text: 'done' }] },
    ]);
    const asked: string[][] = [];
    peer.onServerRequest((req) => {
      asked.push(req.params.proposedExecpolicyAmendment);
      return asked.length === 1 ? { decision: req.params.availableDecisions[1] } : { decision: 'decline' };
    });
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'untrusted' });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    await waitTurnCompleted(peer, turn.id);
    expect(asked).toEqual([['touch', 'b.txt'], ['touch', 'd.txt']]);
    expect(existsSync(path.join(repo, 'c.txt'))).toBe(true);
    expect(existsSync(path.join(repo, 'd.txt'))).toBe(false);
    expectConforms(peer);
  });

  it('accepts `on-failure` as an alias of `on-request` and never emits it', async () => {
    const { peer } = await tern.launch([]);
    await initialize(peer);
    const { approvalPolicy, thread } = await peer.request('thread/start', { cwd: tern.workRoot, approvalPolicy: 'on-failure' });
    expect(approvalPolicy).toBe('on-request');
    const r = await peer.request('turn/start', { threadId: thread.id, approvalPolicy: 'on-failure', input: [{ type: 'text', text: 'hi' }] }).catch((e) => e);
    expect(r.code).not.toBe(-32600);
    expect(JSON.stringify(peer.transcript.filter((e) => e.dir === 's2c'))).not.toContain('on-failure');
    expectConforms(peer);
  });
});

describe('tern app-server: the granular approval policy', () => {
  const granular = (sandbox_approval: boolean) => ({ granular: { sandbox_approval, rules: true, mcp_elicitations: false } });
  const escalated = { cmd: 'echo esc > esc.txt', sandbox_permissions: 'require_escalated', justification: 'needs to write' };
  const PATCH = '*** Begin Patch\n*** Add File: p.txt\n+x\n*** End Patch\n';
  const script = () => [
    { output: [{ type: 'function_call' as const, name: 'exec_command', arguments: escalated }] },
    { output: [{ type: 'custom_tool_call' as const, name: 'apply_patch', input: PATCH }] },
    { output: [{ type: 'message' as const, text: 'done' }] },
  ];

  it('needs the experimentalApi capability, as the reference does', async () => {
    const { peer } = await tern.launch([]);
    await initialize(peer);
    expect(await peer.request('thread/start', { cwd: tern.workRoot, approvalPolicy: granular(true) }).catch((e) => e)).toEqual({
      code: -32600,
      message: 'askForApproval.granular requires experimentalApi capability',
    });
    const { thread } = await peer.request('thread/start', { cwd: tern.workRoot });
    expect(await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'x' }], approvalPolicy: granular(true) }).catch((e) => e)).toMatchObject({
      code: -32600,
      message: 'askForApproval.granular requires experimentalApi capability',
    });
    expectConforms(peer);
  });

  it('sandbox_approval false: escalations and out-of-sandbox patches are refused without asking or starting anything', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const { peer, model } = await tern.launch(script());
    const asked: string[] = [];
    peer.onServerRequest((req) => {
      asked.push(req.method);
      return { decision: 'accept' };
    });
    await initialize(peer, { experimentalApi: true });
    const started = await peer.request('thread/start', { cwd: repo, approvalPolicy: granular(false), sandbox: 'read-only' });
    // Echoed with the optional flags' defaults, in the reference's order.
    expect(JSON.stringify(started.approvalPolicy)).toBe(
      '{"granular":{"sandbox_approval":false,"rules":true,"skill_approval":false,"request_permissions":false,"mcp_elicitations":false}}',
    );
    const { turn } = await peer.request('turn/start', { threadId: started.thread.id, input: [{ type: 'text', text: 'go' }] });
    expect((await waitTurnCompleted(peer, turn.id)).params.turn.status).toBe('completed');
    expect(asked).toEqual([]);
    expect(existsSync(path.join(repo, 'esc.txt'))).toBe(false);
    expect(existsSync(path.join(repo, 'p.txt'))).toBe(false);
    // No item for either: the reference records none.
    const items = notifications(peer).filter((n) => n.method === 'item/started').map((n) => n.params.item.type);
    expect(items).toEqual(['userMessage', 'agentMessage']);
    const outputs = (model.requests[2]!.body as any).input.filter((i: any) => /_output$/.test(i.type)).map((i: any) => i.output);
    expect(outputs[0]).toContain('rejected');
    expect(outputs[1]).toMatch(/^patch rejected: .*; rejected by user approval settings$/);
    expectConforms(peer);
  });

  it('sandbox_approval true: as on-request, the escalation and the patch are asked for and run once accepted', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const { peer } = await tern.launch(script());
    const asked: string[] = [];
    peer.onServerRequest((req) => {
      asked.push(req.method);
      return { decision: 'accept' };
    });
    await initialize(peer, { experimentalApi: true });
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: granular(true), sandbox: 'read-only' });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    expect((await waitTurnCompleted(peer, turn.id)).params.turn.status).toBe('completed');
    expect(asked).toEqual(['item/commandExecution/requestApproval', 'item/fileChange/requestApproval']);
    expect(existsSync(path.join(repo, 'esc.txt'))).toBe(true);
    expect(existsSync(path.join(repo, 'p.txt'))).toBe(true);
    expectConforms(peer);
  });
});

describe('tern app-server: an approval pending when the turn is interrupted', () => {
  it('gets serverRequest/resolved with its id; the command never runs; the thread goes straight to idle', async () => {
    const repo = createTempRepo({ 'a.txt': 'a\n' }, tern.workRoot);
    const { peer } = await tern.launch(oneCommandScript(SIDE_EFFECT));
    peer.onServerRequest(() => new Promise(() => {}));
    await initialize(peer);
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'untrusted' });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
    const req = await peer.waitFor((m) => m.method === 'item/commandExecution/requestApproval', 30_000);
    const mark = peer.transcript.length;
    expect(await peer.request('turn/interrupt', { threadId: thread.id, turnId: turn.id })).toEqual({});
    const done = await waitTurnCompleted(peer, turn.id);
    expect(done.params.turn.status).toBe('interrupted');
    const after = notifications(peer, mark);
    expect(after.filter((n) => n.method === 'serverRequest/resolved').map((n) => n.params)).toEqual([{ threadId: thread.id, requestId: req.id }]);
    expect(after.filter((n) => n.method === 'thread/status/changed').map((n) => n.params.status)).toEqual([{ type: 'idle' }]);
    expect(existsSync(path.join(repo, 'side.txt'))).toBe(false);
    expectConforms(peer);
  });
});
