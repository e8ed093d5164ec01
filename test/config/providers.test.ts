import { describe, expect, it } from 'vitest';
import { load, loadError } from './helpers.js';

const MOCK = ['model_provider="mock"', 'model_providers.mock.base_url="http://127.0.0.1:1/v1"'];

describe('built-in openai provider', () => {
  it('uses $OPENAI_BASE_URL when set', () => {
    const { config } = load(undefined, [], { OPENAI_BASE_URL: 'http://proxy.internal:8080/v1' });
    expect(config.modelProvider.id).toBe('openai');
    expect(config.modelProvider.baseUrl).toBe('http://proxy.internal:8080/v1');
    expect(config.modelProviders.openai?.baseUrl).toBe('http://proxy.internal:8080/v1');
  });

  it('ignores an empty $OPENAI_BASE_URL', () => {
    expect(load(undefined, [], { OPENAI_BASE_URL: '  ' }).config.modelProvider.baseUrl).toBe(
      'https://api.openai.com/v1',
    );
  });

  it('rejects a $OPENAI_BASE_URL that is not an http(s) URL, naming the variable', () => {
    const err = loadError(undefined, [], { OPENAI_BASE_URL: 'not a url' });
    expect(err.message).toMatch(/OPENAI_BASE_URL/);
  });

  it('does not need $OPENAI_BASE_URL to be valid when openai_base_url is set', () => {
    const { config } = load('openai_base_url = "https://gateway.example/v1"\n', [], {
      OPENAI_BASE_URL: 'http://env.example/v1',
    });
    expect(config.modelProvider.baseUrl).toBe('https://gateway.example/v1');
  });

  it('lets a user-defined [model_providers.openai] override fields, keeping the rest', () => {
    const { config, warnings } = load(
      '[model_providers.openai]\nrequest_max_retries = 9\nhttp_headers = { "OpenAI-Organization" = "org-1" }\n',
      [],
      { OPENAI_BASE_URL: 'http://env.example/v1' },
    );
    expect(warnings).toEqual([]);
    expect(config.modelProvider).toEqual({
      id: 'openai',
      name: 'OpenAI',
      baseUrl: 'http://env.example/v1',
      envKey: 'OPENAI_API_KEY',
      wireApi: 'responses',
      requestMaxRetries: 9,
      streamMaxRetries: 5,
      streamIdleTimeoutMs: 300000,
      httpHeaders: { 'OpenAI-Organization': 'org-1' },
      queryParams: {},
    });
  });

  it('a base_url in [model_providers.openai] beats $OPENAI_BASE_URL', () => {
    const { config } = load(undefined, ['model_providers.openai.base_url="http://mine/v1"', 'model_providers.openai.name=Mine'], {
      OPENAI_BASE_URL: 'http://env.example/v1',
    });
    expect(config.modelProvider).toMatchObject({ baseUrl: 'http://mine/v1', name: 'Mine', envKey: 'OPENAI_API_KEY' });
  });
});

describe('user-defined providers', () => {
  it('applies Codex defaults to unspecified fields', () => {
    const { config } = load(undefined, MOCK);
    expect(config.modelProvider).toEqual({
      id: 'mock',
      name: 'mock',
      baseUrl: 'http://127.0.0.1:1/v1',
      envKey: null,
      wireApi: 'responses',
      requestMaxRetries: 4,
      streamMaxRetries: 5,
      streamIdleTimeoutMs: 300000,
      httpHeaders: {},
      queryParams: {},
    });
  });

  it('keeps every defined provider, not only the selected one', () => {
    const { config } = load('[model_providers.a]\nbase_url = "http://a/v1"\n[model_providers.b]\nbase_url = "http://b/v1"\n');
    expect(config.modelProvider.id).toBe('openai');
    expect(Object.keys(config.modelProviders).sort()).toEqual(['a', 'b', 'openai']);
    expect(config.modelProviders.b?.baseUrl).toBe('http://b/v1');
  });

  it('rejects model_provider naming an undefined provider with a how-to-fix message', () => {
    const err = loadError('model_provider = "nope"\n');
    expect(err.message).toMatch(/model_provider 'nope'.*is not defined; define \[model_providers\.nope\]/);
    expect(err.message).toContain('config.toml');
    expect(err.message).toContain('Defined providers: openai');
  });

  it('rejects a non-openai provider without base_url, naming where it was defined', () => {
    const err = loadError(undefined, ['model_providers.x.name="X"']);
    expect(err.message).toMatch(/`model_providers\.x`.*has no base_url/);
    expect(err.message).toContain('-c model_providers.x.name=…');
    expect(err.message).toContain('-c model_providers.x.base_url=');
  });

  it('rejects a base_url that is not an absolute http(s) URL', () => {
    const err = loadError(undefined, [...MOCK, 'model_providers.mock.base_url="localhost:1234"']);
    expect(err.message).toMatch(/`model_providers\.mock\.base_url`.*absolute http\(s\) URL/);
  });

  it('accepts wire_api "responses" and "chat" and rejects anything else', () => {
    expect(load(undefined, [...MOCK, 'model_providers.mock.wire_api="chat"']).config.modelProvider.wireApi).toBe('chat');
    expect(load(undefined, [...MOCK, 'model_providers.mock.wire_api=responses']).config.modelProvider.wireApi).toBe(
      'responses',
    );
    const err = loadError(undefined, [...MOCK, 'model_providers.mock.wire_api="completions"']);
    expect(err.message).toMatch(/`model_providers\.mock\.wire_api`.*"responses", "chat"; got "completions"/);
  });

  it('caps retries at 100 and keeps 0', () => {
    const { config } = load(undefined, [
      ...MOCK,
      'model_providers.mock.request_max_retries=1000',
      'model_providers.mock.stream_max_retries=0',
      'model_providers.mock.stream_idle_timeout_ms=0',
    ]);
    expect(config.modelProvider.requestMaxRetries).toBe(100);
    expect(config.modelProvider.streamMaxRetries).toBe(0);
    expect(config.modelProvider.streamIdleTimeoutMs).toBe(0);
  });

  it.each([
    ['request_max_retries', '"x"', /expected a non-negative integer, got a string/],
    ['request_max_retries', '"3"', /got the string "3" \(remove the quotes\)/],
    ['stream_max_retries', '-1', /expected a non-negative integer, got the integer -1/],
    ['stream_idle_timeout_ms', '1.5', /expected a non-negative integer, got the float 1.5/],
    ['name', '5', /expected a string, got the integer 5/],
    ['http_headers', '"X-A: b"', /expected a table of strings/],
    ['query_params', '[1]', /expected a table of strings.*got an array/],
  ])('rejects %s = %s with the key and the expected type', (key, value, pattern) => {
    const err = loadError(undefined, [...MOCK, `model_providers.mock.${key}=${value}`]);
    expect(err.message).toContain(`\`model_providers.mock.${key}\``);
    expect(err.message).toContain(`-c model_providers.mock.${key}=…`);
    expect(err.message).toMatch(pattern);
  });

  it('rejects a non-string header value without echoing other header values', () => {
    const err = loadError(
      '[model_providers.mock]\nbase_url = "http://m/v1"\nhttp_headers = { Authorization = "Bearer sk-secret", "X-Retry" = 3 }\n',
    );
    expect(err.message).toMatch(/`model_providers\.mock\.http_headers\.X-Retry`.*expected a string, got the integer 3/);
    expect(err.message).not.toContain('sk-secret');
  });

  it('stores only the env var NAME and refuses something that looks like a key', () => {
    expect(load(undefined, [...MOCK, 'model_providers.mock.env_key=MOCK_API_KEY']).config.modelProvider.envKey).toBe(
      'MOCK_API_KEY',
    );
    const err = loadError(undefined, [...MOCK, 'model_providers.mock.env_key="sk-proj-abc123"']);
    expect(err.message).toMatch(/`model_providers\.mock\.env_key`.*NAME of the environment variable/);
    expect(err.message).not.toContain('sk-proj-abc123');
  });

  it('rejects model_providers / model_providers.<id> that are not tables', () => {
    expect(loadError('model_providers = 5\n').message).toMatch(/`model_providers`.*expected a table of \[model_providers\.<id>\] tables, got the integer 5/);
    expect(loadError('model_providers.x = "http://x/v1"\n').message).toMatch(/`model_providers\.x`.*expected a provider table.*got a string/);
  });

  it('points out model_provider written as a table (missing "s")', () => {
    const err = loadError('[model_provider.mock]\nbase_url = "http://m/v1"\n');
    expect(err.message).toMatch(/`model_provider`.*got a table.*\[model_providers\.<id>\] \(plural\)/);
  });
});
