/** Prompt layering: the order of the initial context, its contents, and settings changes as appended updates. */
import { describe, expect, it } from 'vitest';
import { BASE_INSTRUCTIONS } from '../../src/agent/base-instructions.js';
import {
  contextUpdateItems,
  initialContextItems,
  isContextItem,
  messageText,
  userMessage,
  type InitialContext,
} from '../../src/agent/prompt.js';
import type { ResponseItem } from '../../src/model/types.js';

const ctx = (extra: Partial<InitialContext> = {}): InitialContext => ({
  cwd: '/repo/web',
  approvalPolicy: 'never',
  sandboxMode: 'workspace-write',
  networkAccess: false,
  shell: 'bash',
  developerInstructions: 'Answer in French.',
  agentsMd: '# AGENTS.md instructions for /repo/web\n\n<INSTRUCTIONS>\n## /repo/AGENTS.md\n\nUse pnpm.\n</INSTRUCTIONS>',
  now: new Date('2026-03-04T05:06:07Z'),
  ...extra,
});

const shape = (items: ResponseItem[]) =>
  items.map((i) => (i.type === 'message' ? `${i.role}:${messageText(i).split('\n')[0]}` : i.type));

describe('initial context', () => {
  it('layers permissions, developer instructions, AGENTS.md, then the environment context', () => {
    expect(shape(initialContextItems(ctx()))).toEqual([
      'developer:<permissions>',
      'developer:Answer in French.',
      'user:# AGENTS.md instructions for /repo/web',
      'user:<environment_context>',
    ]);
  });

  it('leaves out empty developer instructions and a missing AGENTS.md', () => {
    expect(shape(initialContextItems(ctx({ developerInstructions: '  ', agentsMd: null })))).toEqual([
      'developer:<permissions>',
      'user:<environment_context>',
    ]);
  });

  it('the environment context names cwd, shell, sandbox, approval policy and network access', () => {
    const env = messageText(initialContextItems(ctx()).at(-1)!);
    expect(env).toMatch(/^<environment_context>\n/);
    expect(env).toContain('  <cwd>/repo/web</cwd>\n  <shell>bash</shell>\n');
    expect(env).toContain('<sandbox_mode>workspace-write</sandbox_mode>');
    expect(env).toContain('<approval_policy>never</approval_policy>');
    expect(env).toContain('<network_access>restricted</network_access>');
    expect(env).toContain('<current_date>2026-03-04</current_date>');
    expect(env).toMatch(/<\/environment_context>$/);
    const open = messageText(initialContextItems(ctx({ sandboxMode: 'danger-full-access', networkAccess: true })).at(-1)!);
    expect(open).toContain('<network_access>enabled</network_access>');
    const granular = messageText(
      initialContextItems(ctx({ approvalPolicy: { granular: { sandbox_approval: true, rules: true, mcp_elicitations: false } } })).at(-1)!,
    );
    expect(granular).toContain('<approval_policy>granular</approval_policy>');
  });

  it('escapes markup in paths', () => {
    expect(messageText(initialContextItems(ctx({ cwd: '/tmp/a<b>&c' })).at(-1)!)).toContain('<cwd>/tmp/a&lt;b&gt;&amp;c</cwd>');
  });

  it('is deterministic: the same settings give the same bytes', () => {
    expect(JSON.stringify(initialContextItems(ctx()))).toBe(JSON.stringify(initialContextItems(ctx())));
  });

  it('the base instructions are our own and say how AGENTS.md files and compaction summaries are meant', () => {
    expect(BASE_INSTRUCTIONS).toMatch(/^You are tern/);
    expect(BASE_INSTRUCTIONS).toContain('AGENTS.md');
    expect(BASE_INSTRUCTIONS).toContain('deeper in the tree');
    expect(BASE_INSTRUCTIONS).toContain('summary');
    expect(BASE_INSTRUCTIONS).not.toMatch(/Codex/);
  });
});

describe('settings changed mid-thread', () => {
  const base = { cwd: '/repo', approvalPolicy: 'never' as const, sandboxMode: 'workspace-write' as const, networkAccess: false, shell: 'bash' };
  const now = new Date('2026-03-05T00:00:00Z');

  it('appends nothing when nothing changed', () => {
    expect(contextUpdateItems(base, { ...base }, now)).toEqual([]);
  });

  it('appends a new permissions message and environment context when the approval policy changes', () => {
    const items = contextUpdateItems(base, { ...base, approvalPolicy: 'untrusted' }, now);
    expect(shape(items)).toEqual(['developer:<permissions>', 'user:<environment_context>']);
    expect(messageText(items[1]!)).toContain('<approval_policy>untrusted</approval_policy>');
  });

  it('appends only an environment context when only the network changes', () => {
    expect(shape(contextUpdateItems(base, { ...base, networkAccess: true }, now))).toEqual(['user:<environment_context>']);
  });
});

describe('context items (what compaction keeps verbatim)', () => {
  it('are the developer messages, the AGENTS.md message and environment contexts', () => {
    for (const item of initialContextItems(ctx())) expect(isContextItem(item)).toBe(true);
    expect(isContextItem(userMessage('Fix the failing test'))).toBe(false);
    expect(isContextItem({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: '<environment_context>' }] })).toBe(false);
    expect(isContextItem({ type: 'function_call_output', call_id: 'c', output: '<environment_context>' })).toBe(false);
  });
});
