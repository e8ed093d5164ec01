/**
 * End-to-end prompt layering: what `dist/tern.js app-server` sends the model for a thread started
 * in a subdirectory of a repository with AGENTS.md files: base instructions, permissions,
 * developer instructions, AGENTS.md (root first, nearest last), environment context, the task;
 * and how a settings change in a later turn is appended without breaking the prefix.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTempRepo } from '../support/git-repo.js';
import type { ServerMessage } from '../support/jsonl-peer.js';
import { useTernAppServers } from '../support/tern-session.js';

const tern = useTernAppServers('tern-e2e-prompt-');

const text = (item: Record<string, any>): string =>
  item.type === 'message' ? (item.content as { text: string }[]).map((c) => c.text).join('') : '';

describe('prompt layers', () => {
  it('sends base instructions, permissions, developer instructions, AGENTS.md root to cwd, environment context, then the task', async () => {
    const repo = createTempRepo(
      {
        'AGENTS.md': 'Root rule: indent with tabs.\n',
        'pkg/AGENTS.md': 'Package rule: run make test before answering.\n',
        'pkg/src/main.c': 'int main(void) { return 0; }\n',
      },
      tern.workRoot,
    );
    const cwd = path.join(repo, 'pkg');
    const { peer, model } = await tern.start([
      { output: [{ type: 'message', text: 'First.' }] },
      { output: [{ type: 'message', text: 'Second.' }] },
    ]);

    const started = await peer.request('thread/start', {
      cwd,
      approvalPolicy: 'never',
      sandbox: 'workspace-write',
      developerInstructions: 'Developer says: keep answers short.',
    });
    expect(started.instructionSources).toEqual([path.join(repo, 'AGENTS.md'), path.join(cwd, 'AGENTS.md')]);
    const threadId: string = started.thread.id;

    const t1 = await peer.request('turn/start', { threadId, input: [{ type: 'text', text: 'Build it.' }] });
    await peer.waitFor((m) => m.method === 'turn/completed' && m.params.turn.id === t1.turn.id);
    // A later turn switches the approval policy: told to the model by appended context messages.
    const t2 = await peer.request('turn/start', { threadId, approvalPolicy: 'untrusted', input: [{ type: 'text', text: 'Again.' }] });
    await peer.waitFor((m) => m.method === 'turn/completed' && m.params.turn.id === t2.turn.id);

    const bodies = model.requests.map((r) => r.body as Record<string, any>);
    expect(bodies).toHaveLength(2);
    const [first, second] = bodies as [Record<string, any>, Record<string, any>];
    expect(first.instructions).toMatch(/^You are tern/);
    expect(first.tools.map((t: { name: string }) => t.name)).toEqual(['exec_command', 'update_plan', 'apply_patch']);

    const input = first.input as Record<string, any>[];
    expect(input.map((i) => [i.role, text(i).split('\n')[0]])).toEqual([
      ['developer', '<permissions>'],
      ['developer', 'Developer says: keep answers short.'],
      ['user', `# AGENTS.md instructions for ${cwd}`],
      ['user', '<environment_context>'],
      ['user', 'Build it.'],
    ]);
    const agents = text(input[2]!);
    expect(agents).toContain('<INSTRUCTIONS>');
    expect(agents.indexOf('Root rule: indent with tabs.')).toBeGreaterThan(0);
    expect(agents.indexOf('Package rule: run make test')).toBeGreaterThan(agents.indexOf('Root rule'));
    const env = text(input[3]!);
    for (const line of [
      `<cwd>${cwd}</cwd>`,
      '<shell>bash</shell>',
      '<sandbox_mode>workspace-write</sandbox_mode>',
      '<approval_policy>never</approval_policy>',
      '<network_access>restricted</network_access>',
    ]) {
      expect(env).toContain(line);
    }

    // Turn two extends turn one byte for byte: answer, new permissions, new environment context, task.
    expect(JSON.stringify(second.input).startsWith(JSON.stringify(first.input).slice(0, -1))).toBe(true);
    const appended = (second.input as Record<string, any>[]).slice(input.length);
    expect(appended.map((i) => [i.role, text(i).split('\n')[0]])).toEqual([
      ['assistant', 'First.'],
      ['developer', '<permissions>'],
      ['user', '<environment_context>'],
      ['user', 'Again.'],
    ]);
    expect(text(appended[2]!)).toContain('<approval_policy>untrusted</approval_policy>');
    expect(second.tools).toEqual(first.tools);
    expect(second.instructions).toBe(first.instructions);

    // Token usage reports 95% of the known gpt-5.5 window, as the reference does (258400).
    const usage = peer.transcript
      .map((e) => e.msg as ServerMessage)
      .filter((m) => m?.method === 'thread/tokenUsage/updated');
    expect(usage.length).toBeGreaterThan(0);
    expect(usage.every((m) => m.params.tokenUsage.modelContextWindow === 258_400)).toBe(true);

    tern.expectConforms(peer);
  });
});
