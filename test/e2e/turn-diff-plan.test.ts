/**
 * turn/diff/updated and turn/plan/updated through the real server (dist/tern.js app-server). The
 * expected diffs are the ones codex 0.169.0 sent for the same patches on the same files (git
 * style, blob ids in `index`, files in path order, a file's first state in the turn against its
 * state now). `update_plan` is offered with the reference's name and shape.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTempRepo } from '../support/git-repo.js';
import type { JsonlPeer } from '../support/jsonl-peer.js';
import { notifications, useTernAppServers } from '../support/tern-session.js';

const tern = useTernAppServers('tern-turn-diff-plan-');
const { expectConforms } = tern;

const waitTurnCompleted = (peer: JsonlPeer, turnId: string) =>
  peer.waitFor((m) => m.method === 'turn/completed' && m.params?.turn?.id === turnId, 30_000);

const PATCH1 = '*** Begin Patch\n*** Add File: notes.txt\n+one\n+two\n*** Update File: hello.txt\n@@\n-hello\n+hello world\n*** End Patch\n';
const PATCH2 = '*** Begin Patch\n*** Update File: notes.txt\n@@\n one\n-two\n+three\n*** Delete File: hello.txt\n*** End Patch\n';

const DIFF1 = [
  'diff --git a/hello.txt b/hello.txt',
  'index ce013625030ba8dba906f756967f9e9ca394464a..3b18e512dba79e4c8300dd08aeb37f8e728b8dad',
  '--- a/hello.txt',
  '+++ b/hello.txt',
  '@@ -1 +1 @@',
  '-hello',
  '+hello world',
  'diff --git a/notes.txt b/notes.txt',
  'new file mode 100644',
  'index 0000000000000000000000000000000000000000..814f4a422927b82f5f8a43f8fab6d3839e3983f2',
  '--- /dev/null',
  '+++ b/notes.txt',
  '@@ -0,0 +1,2 @@',
  '+one',
  '+two',
  '',
].join('\n');

const DIFF2 = [
  'diff --git a/hello.txt b/hello.txt',
  'deleted file mode 100644',
  'index ce013625030ba8dba906f756967f9e9ca394464a..0000000000000000000000000000000000000000',
  '--- a/hello.txt',
  '+++ /dev/null',
  '@@ -1 +0,0 @@',
  '-hello',
  'diff --git a/notes.txt b/notes.txt',
  'new file mode 100644',
  'index 0000000000000000000000000000000000000000..4c7442bcf5acd0f1e2a95fe4f12b12c6b779b585',
  '--- /dev/null',
  '+++ b/notes.txt',
  '@@ -0,0 +1,2 @@',
  '+one',
  '+three',
  '',
].join('\n');

describe('turn/diff/updated', () => {
  it("after each file change and each later model response: the turn's aggregated diff, as the reference renders it", async () => {
    const repo = createTempRepo({ 'hello.txt': 'hello\n' }, tern.workRoot);
    const { peer } = await tern.start([
      { output: [{ type: 'custom_tool_call', name: 'apply_patch', input: PATCH1 }] },
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'cat notes.txt' } }] },
      { output: [{ type: 'custom_tool_call', name: 'apply_patch', input: PATCH2 }] },
      { output: [{ type: 'message', text: 'done' }] },
    ]);
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'never', sandbox: 'workspace-write' });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'edit' }] });
    await waitTurnCompleted(peer, turn.id);
    const notes = notifications(peer);
    const diffs = notes.filter((n) => n.method === 'turn/diff/updated');
    expect(diffs.every((d) => d.params.threadId === thread.id && d.params.turnId === turn.id)).toBe(true);
    // After each file change, and again after every later model response, as the reference does:
    // responses 1 (patch), 2 (command), 3 (patch), 4 (answer).
    expect(diffs.map((d) => d.params.diff)).toEqual([DIFF1, DIFF1, DIFF1, DIFF2, DIFF2, DIFF2]);
    const sequence = notes.filter((n) => n.method === 'turn/diff/updated' || (n.method === 'item/completed' && n.params.item.type === 'fileChange'));
    expect(sequence.map((n) => n.method)).toEqual([
      'item/completed',
      'turn/diff/updated',
      'turn/diff/updated',
      'turn/diff/updated',
      'item/completed',
      'turn/diff/updated',
      'turn/diff/updated',
      'turn/diff/updated',
    ]);
    expect(existsSync(path.join(repo, 'hello.txt'))).toBe(false);
    expect(readFileSync(path.join(repo, 'notes.txt'), 'utf8')).toBe('one\nthree\n');
    expectConforms(peer);
  });

  it('is not sent for a declined or failed patch', async () => {
    const repo = createTempRepo({ 'hello.txt': 'hello\n' }, tern.workRoot);
    const bad = '*** Begin Patch\n*** Update File: missing.txt\n@@\n-x\n+y\n*** End Patch\n';
    const { peer } = await tern.start([
      { output: [{ type: 'custom_tool_call', name: 'apply_patch', input: bad }] },
      { output: [{ type: 'custom_tool_call', name: 'apply_patch', input: PATCH1 }] },
      { output: [{ type: 'message', text: 'done' }] },
    ]);
    peer.onServerRequest(() => ({ decision: 'decline' }));
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'untrusted', sandbox: 'workspace-write' });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'edit' }] });
    await waitTurnCompleted(peer, turn.id);
    const statuses = notifications(peer).filter((n) => n.method === 'item/completed' && n.params.item.type === 'fileChange').map((n) => n.params.item.status);
    expect(statuses).toEqual(['failed', 'declined']);
    expect(notifications(peer).filter((n) => n.method === 'turn/diff/updated')).toEqual([]);
    expectConforms(peer);
  });
});

describe('update_plan', () => {
  it('is offered with the reference name and shape, and each call becomes turn/plan/updated', async () => {
    const { peer, model } = await tern.start([
      {
        output: [
          {
            type: 'function_call',
            name: 'update_plan',
            arguments: { explanation: 'two steps', plan: [{ step: 'read', status: 'in_progress' }, { step: 'write', status: 'pending' }] },
            callId: 'call_p1',
          },
        ],
      },
      { output: [{ type: 'function_call', name: 'update_plan', arguments: { plan: [{ step: 'read', status: 'completed' }, { step: 'write', status: 'in_progress' }] }, callId: 'call_p2' }] },
      { output: [{ type: 'function_call', name: 'update_plan', arguments: { plan: 'not a list' }, callId: 'call_p3' }] },
      { output: [{ type: 'message', text: 'done' }] },
    ]);
    const { thread } = await peer.request('thread/start', { cwd: tern.workRoot });
    const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'plan' }] });
    await waitTurnCompleted(peer, turn.id);

    const tool = (model.requests[0]!.body as any).tools.find((t: any) => t.name === 'update_plan');
    expect(tool).toMatchObject({ type: 'function', strict: false, parameters: { type: 'object', required: ['plan'], additionalProperties: false } });
    expect(Object.keys(tool.parameters.properties)).toEqual(['explanation', 'plan']);
    expect(tool.parameters.properties.plan.items).toMatchObject({
      required: ['step', 'status'],
      properties: { step: { type: 'string' }, status: { type: 'string', enum: ['pending', 'in_progress', 'completed'] } },
    });

    expect(notifications(peer).filter((n) => n.method === 'turn/plan/updated').map((n) => n.params)).toEqual([
      { threadId: thread.id, turnId: turn.id, explanation: 'two steps', plan: [{ step: 'read', status: 'inProgress' }, { step: 'write', status: 'pending' }] },
      { threadId: thread.id, turnId: turn.id, explanation: null, plan: [{ step: 'read', status: 'completed' }, { step: 'write', status: 'inProgress' }] },
    ]);
    // No item is recorded for a plan, as the reference does.
    const items = notifications(peer).filter((n) => n.method === 'item/completed').map((n) => n.params.item.type);
    expect(items).toEqual(['userMessage', 'agentMessage']);
    const outputs = (model.requests[3]!.body as any).input.filter((i: any) => i.type === 'function_call_output');
    expect(outputs.map((o: any) => [o.call_id, o.output.split(':')[0]])).toEqual([
      ['call_p1', 'Plan updated'],
      ['call_p2', 'Plan updated'],
      ['call_p3', 'update_plan failed'],
    ]);
    expectConforms(peer);
  });
});
