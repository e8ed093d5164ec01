import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { load, loadError, makeTernHome } from './helpers.js';

describe('approval_policy', () => {
  it.each(['untrusted', 'on-request', 'never'] as const)('accepts %s', (policy) => {
    const { config, warnings } = load(`approval_policy = "${policy}"\n`);
    expect(config.approvalPolicy).toBe(policy);
    expect(warnings).toEqual([]);
  });

  it('accepts on-failure as a deprecated alias of on-request, with a warning', () => {
    const { config, warnings } = load(undefined, ['approval_policy="on-failure"']);
    expect(config.approvalPolicy).toBe('on-request');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ path: 'approval_policy' });
    expect(warnings[0]?.summary).toMatch(/on-failure.*deprecated.*on-request/);
  });

  it('accepts a { granular = {...} } table, from the file or from -c', () => {
    const fromFile = load('[approval_policy.granular]\nsandbox_approval = true\nrules = false\n');
    expect(fromFile.config.approvalPolicy).toEqual({ granular: { sandbox_approval: true, rules: false } });
    const fromFlag = load('approval_policy = "never"\n', ['approval_policy.granular.mcp_elicitations=true']);
    expect(fromFlag.config.approvalPolicy).toEqual({ granular: { mcp_elicitations: true } });
  });

  it('rejects unknown values, listing the valid ones', () => {
    const err = loadError('approval_policy = "always"\n');
    expect(err.message).toMatch(/`approval_policy`/);
    expect(err.message).toContain('config.toml');
    expect(err.message).toContain('"untrusted", "on-request", "never"');
    expect(err.message).toContain('granular');
    expect(err.message).toContain('got "always"');
  });

  it('rejects malformed tables and wrong types', () => {
    expect(loadError('approval_policy = { reject = {} }\n').message).toMatch(/exactly one key, granular/);
    expect(loadError('approval_policy = { granular = true }\n').message).toMatch(/granular, whose value is a table/);
    expect(loadError(undefined, ['approval_policy=1']).message).toMatch(/`approval_policy` in -c approval_policy=…: expected one of .* got the integer 1/);
  });
});

describe('sandbox_mode', () => {
  it.each(['read-only', 'workspace-write', 'danger-full-access'] as const)('accepts %s', (mode) => {
    expect(load(undefined, [`sandbox_mode="${mode}"`]).config.sandboxMode).toBe(mode);
  });

  it('rejects anything else, listing the valid values', () => {
    const err = loadError('sandbox_mode = "full"\n');
    expect(err.message).toMatch(/`sandbox_mode`.*expected one of "read-only", "workspace-write", "danger-full-access"; got "full"/);
    expect(loadError('sandbox_mode = true\n').message).toMatch(/`sandbox_mode`.*got the boolean true/);
  });
});

describe('instructions, context window, reasoning effort', () => {
  it('reads developer_instructions and instructions', () => {
    const { config } = load('developer_instructions = """\nline 1\nline 2"""\ninstructions = "base"\n');
    expect(config.developerInstructions).toBe('line 1\nline 2');
    expect(config.baseInstructions).toBe('base');
  });

  it('accepts base_instructions as an alias; it wins over instructions, with a warning', () => {
    expect(load(undefined, ['base_instructions="b"']).config.baseInstructions).toBe('b');
    const { config, warnings } = load('instructions = "a"\n', ['base_instructions="b"']);
    expect(config.baseInstructions).toBe('b');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.summary).toMatch(/Both `instructions` and `base_instructions`/);
  });

  it('reads model_context_window and model_reasoning_effort', () => {
    const { config } = load(undefined, ['model_context_window=400000', 'model_reasoning_effort=low']);
    expect(config.modelContextWindow).toBe(400000);
    expect(config.modelReasoningEffort).toBe('low');
  });

  it.each([
    ['model_context_window', '"big"', /expected a positive integer, got a string/],
    ['model_context_window', '0', /expected a positive integer, got the integer 0/],
    ['model_reasoning_effort', '3', /expected a string, got the integer 3/],
    ['developer_instructions', '["a"]', /expected a string, got an array/],
    ['instructions', '{ text = "x" }', /expected a string, got a table/],
  ])('rejects %s = %s', (key, value, pattern) => {
    const err = loadError(undefined, [`${key}=${value}`]);
    expect(err.message).toContain(`\`${key}\``);
    expect(err.message).toMatch(pattern);
  });
});

describe('type errors name the source', () => {
  it('names config.toml for a value from the file', () => {
    const home = makeTernHome('model = 5\n');
    expect(() => loadConfig({ ternHome: home, overrides: [], env: {} })).toThrow(
      `Invalid value for \`model\` in ${path.join(home, 'config.toml')}: expected a string, got the integer 5.`,
    );
  });

  it('names the -c flag for a value from an override', () => {
    const err = loadError('model = "fine"\n', ['model=5']);
    expect(err.message).toBe('Invalid value for `model` in -c model=…: expected a string, got the integer 5.');
  });

  it('names the -c flag that turned a scalar into a table', () => {
    const err = loadError('model = "fine"\n', ['model.name="x"']);
    expect(err.message).toMatch(/`model` in -c model\.name=…: expected a string, got a table/);
  });

  it('rejects an empty model name', () => {
    expect(loadError(undefined, ['model=""']).message).toMatch(/`model`.*empty string/);
  });

  it('rejects a date-time where a string is expected', () => {
    expect(loadError('model = 2024-01-01\n').message).toMatch(/`model`.*expected a string, got a date-time/);
  });
});
