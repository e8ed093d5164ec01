import { describe, expect, it } from 'vitest';
import { applyOverrides, ConfigError, formatKeyPath, parseOverride } from '../../src/config/index.js';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).name).toBe('ConfigError');
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseOverride: values are TOML', () => {
  it('parses quoted strings, integers, booleans, floats', () => {
    expect(parseOverride('model_provider="mock"')).toEqual({ path: ['model_provider'], value: 'mock' });
    expect(parseOverride("model='single'")).toEqual({ path: ['model'], value: 'single' });
    expect(parseOverride('model_providers.mock.request_max_retries=0')).toEqual({
      path: ['model_providers', 'mock', 'request_max_retries'],
      value: 0,
    });
    expect(parseOverride('features.plugins=false')).toEqual({ path: ['features', 'plugins'], value: false });
    expect(parseOverride('x=1.5').value).toBe(1.5);
    expect(parseOverride('x=-3').value).toBe(-3);
  });

  it('parses arrays and inline tables into ordinary objects', () => {
    expect(parseOverride('x=[1,2]').value).toEqual([1, 2]);
    expect(parseOverride('notify=["a=b", "c"]').value).toEqual(['a=b', 'c']);
    const table = parseOverride('x={a=1, b={c="d"}}').value as Record<string, unknown>;
    expect(table).toEqual({ a: 1, b: { c: 'd' } });
    expect(Object.getPrototypeOf(table)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(table.b)).toBe(Object.prototype);
  });

  it('falls back to the raw string when VALUE is not TOML', () => {
    expect(parseOverride('model=gpt-5.5')).toEqual({ path: ['model'], value: 'gpt-5.5' });
    // What a shell leaves of model_providers.mock.name="Mock Responses".
    expect(parseOverride('model_providers.mock.name=Mock Responses').value).toBe('Mock Responses');
    expect(parseOverride('shell_environment_policy.inherit=all').value).toBe('all');
    expect(parseOverride('x="unterminated').value).toBe('"unterminated');
    expect(parseOverride('x=a=b').value).toBe('a=b');
  });

  it('trims whitespace around the key and value, and allows an empty value', () => {
    expect(parseOverride('  model =  gpt-5.5  ')).toEqual({ path: ['model'], value: 'gpt-5.5' });
    expect(parseOverride(' model = "x" ')).toEqual({ path: ['model'], value: 'x' });
    expect(parseOverride('model=')).toEqual({ path: ['model'], value: '' });
  });

  it('does not let a value smuggle extra keys in', () => {
    const { path, value } = parseOverride('model="a"\nsandbox_mode="danger-full-access"');
    expect(path).toEqual(['model']);
    expect(value).toBe('"a"\nsandbox_mode="danger-full-access"');
  });
});

describe('parseOverride: keys are dotted paths', () => {
  it('splits bare segments on dots', () => {
    expect(parseOverride('a.b.c=1').path).toEqual(['a', 'b', 'c']);
    expect(parseOverride('a . b\t.c=1').path).toEqual(['a', 'b', 'c']);
  });

  it('accepts TOML-quoted segments', () => {
    expect(parseOverride('projects."/my/dir".trust_level="trusted"')).toEqual({
      path: ['projects', '/my/dir', 'trust_level'],
      value: 'trusted',
    });
    expect(parseOverride("projects.'C:\\dir'.trust_level=1").path).toEqual(['projects', 'C:\\dir', 'trust_level']);
    expect(parseOverride('model_providers."my.provider".name=x').path).toEqual([
      'model_providers',
      'my.provider',
      'name',
    ]);
    expect(parseOverride('a."q\\"uote\\u0041"=1').path).toEqual(['a', 'q"uoteA']);
  });

  it('finds the "=" after a quoted segment that contains "="', () => {
    expect(parseOverride('a."k=v".b=2')).toEqual({ path: ['a', 'k=v', 'b'], value: 2 });
  });

  it('keeps unquoted path-like segments (Codex style) verbatim', () => {
    expect(parseOverride('projects./home/me/repo.trust_level=trusted').path).toEqual([
      'projects',
      '/home/me/repo',
      'trust_level',
    ]);
    expect(parseOverride("projects./it's/dir.trust_level=trusted")).toEqual({
      path: ['projects', "/it's/dir", 'trust_level'],
      value: 'trusted',
    });
  });

  it('rejects a flag without "=" and names the flag', () => {
    const err = configError(() => parseOverride('model_providers.m.name'));
    expect(err.message).toContain('model_providers.m.name');
    expect(err.message).toContain('missing "="');
  });

  it('rejects an empty key without echoing the value', () => {
    const err = configError(() => parseOverride(' =sk-super-secret'));
    expect(err.message).toMatch(/key before "=" is empty/);
    expect(err.message).not.toContain('sk-super-secret');
  });

  it('rejects empty segments and unterminated quotes', () => {
    expect(configError(() => parseOverride('a..b=1')).message).toMatch(/empty segment/);
    expect(configError(() => parseOverride('.a=1')).message).toMatch(/empty segment/);
    expect(configError(() => parseOverride('a.=1')).message).toMatch(/empty segment/);
    expect(configError(() => parseOverride('a."b=1')).message).toMatch(/missing "="|unterminated/);
    expect(configError(() => parseOverride('a."b"c=1')).message).toMatch(/expected "\."/);
    expect(configError(() => parseOverride('a.b\nc=1')).message).toMatch(/line breaks/);
  });
});

describe('formatKeyPath', () => {
  it('quotes segments that are not bare keys', () => {
    expect(formatKeyPath(['projects', '/my/dir', 'trust_level'])).toBe('projects."/my/dir".trust_level');
    expect(formatKeyPath(['model_providers', 'mock', 'base_url'])).toBe('model_providers.mock.base_url');
  });
});

describe('applyOverrides', () => {
  it('deep-sets paths, creating tables, without mutating the input', () => {
    const input = { model_providers: { mock: { name: 'Mock' } }, model: 'a' };
    const snapshot = structuredClone(input);
    const out = applyOverrides(input, [
      { path: ['model_providers', 'mock', 'base_url'], value: 'http://x/v1' },
      { path: ['features', 'plugins'], value: false },
    ]);
    expect(out).toEqual({
      model: 'a',
      model_providers: { mock: { name: 'Mock', base_url: 'http://x/v1' } },
      features: { plugins: false },
    });
    expect(input).toEqual(snapshot);
  });

  it('applies overrides in order: later wins, tables replace, deeper sets merge', () => {
    const out = applyOverrides({ a: { keep: 1, b: 1 } }, [
      { path: ['model'], value: 'first' },
      { path: ['model'], value: 'second' },
      { path: ['a'], value: { b: 2 } },
      { path: ['a', 'c'], value: 3 },
    ]);
    expect(out).toEqual({ model: 'second', a: { b: 2, c: 3 } });
  });

  it('replaces a non-table intermediate value with a table', () => {
    const out = applyOverrides({ approval_policy: 'never' }, [
      { path: ['approval_policy', 'granular', 'sandbox_approval'], value: true },
    ]);
    expect(out).toEqual({ approval_policy: { granular: { sandbox_approval: true } } });
  });

  it('treats __proto__ as an ordinary key', () => {
    const out = applyOverrides({}, [
      { path: ['__proto__', 'polluted'], value: true },
      { path: ['x', '__proto__'], value: { polluted: true } },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(Object.keys(out)).toEqual(['__proto__', 'x']);
  });
});
