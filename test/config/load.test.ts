import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { load, loadError, makeTernHome, missingTernHome } from './helpers.js';

/** The `-c` flags that start the real `codex app-server` against a local mock, as argv elements. */
const CODEX_MOCK_FLAGS = [
  'model_provider="mock"',
  'model="gpt-5.5"',
  'model_providers.mock.name="Mock Responses"',
  'model_providers.mock.base_url="http://127.0.0.1:18555/v1"',
  'model_providers.mock.env_key="MOCK_API_KEY"',
  'model_providers.mock.wire_api="responses"',
  'model_providers.mock.request_max_retries=0',
  'model_providers.mock.stream_max_retries=0',
  'features.plugins=false',
  'analytics.enabled=false',
  'check_for_update_on_startup=false',
];

describe('loadConfig: file handling and defaults', () => {
  it('uses Codex-compatible defaults when there is no config.toml', () => {
    const { config, warnings } = loadConfig({ ternHome: missingTernHome(), overrides: [], env: {} });
    expect(warnings).toEqual([]);
    expect(config.model).toBe('gpt-5.5');
    expect(config.approvalPolicy).toBe('never');
    expect(config.sandboxMode).toBe('workspace-write');
    expect(config.developerInstructions).toBeNull();
    expect(config.baseInstructions).toBeNull();
    expect(config.modelContextWindow).toBeNull();
    expect(config.modelReasoningEffort).toBeNull();
    expect(config.raw).toEqual({});
    expect(config.modelProvider).toEqual({
      id: 'openai',
      name: 'OpenAI',
      baseUrl: 'https://api.openai.com/v1',
      envKey: 'OPENAI_API_KEY',
      wireApi: 'responses',
      requestMaxRetries: 4,
      streamMaxRetries: 5,
      streamIdleTimeoutMs: 300000,
      httpHeaders: {},
      queryParams: {},
    });
    expect(Object.keys(config.modelProviders)).toEqual(['openai']);
  });

  it('reads every supported key from $TERN_HOME/config.toml', () => {
    const { config, warnings } = load(`
model = "gpt-4.1"
model_provider = "local"
approval_policy = "untrusted"
sandbox_mode = "read-only"
developer_instructions = "Be terse."
instructions = "You are tern."
model_context_window = 128000
model_reasoning_effort = "high"

[model_providers.local]
name = "Local"
base_url = "http://localhost:11434/v1"
env_key = "LOCAL_KEY"
env_key_instructions = "export LOCAL_KEY=..."
wire_api = "chat"
request_max_retries = 2
stream_max_retries = 3
stream_idle_timeout_ms = 1000
http_headers = { "X-Org" = "acme" }
query_params = { "api-version" = "2025-01-01" }
`);
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      model: 'gpt-4.1',
      approvalPolicy: 'untrusted',
      sandboxMode: 'read-only',
      developerInstructions: 'Be terse.',
      baseInstructions: 'You are tern.',
      modelContextWindow: 128000,
      modelReasoningEffort: 'high',
    });
    expect(config.modelProvider).toEqual({
      id: 'local',
      name: 'Local',
      baseUrl: 'http://localhost:11434/v1',
      envKey: 'LOCAL_KEY',
      wireApi: 'chat',
      requestMaxRetries: 2,
      streamMaxRetries: 3,
      streamIdleTimeoutMs: 1000,
      httpHeaders: { 'X-Org': 'acme' },
      queryParams: { 'api-version': '2025-01-01' },
    });
    expect(config.modelProviders.local).toBe(config.modelProvider);
    expect(Object.keys(config.modelProviders).sort()).toEqual(['local', 'openai']);
    expect(config.raw.model_providers).toEqual({
      local: expect.objectContaining({ env_key_instructions: 'export LOCAL_KEY=...' }),
    });
  });

  it('exposes raw as ordinary objects with snake_case keys as written', () => {
    const { config } = load('[tui]\nnotifications = true\n[projects."/a b"]\ntrust_level = "trusted"\n');
    expect(config.raw).toEqual({ tui: { notifications: true }, projects: { '/a b': { trust_level: 'trusted' } } });
    expect(Object.getPrototypeOf(config.raw)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(config.raw.tui)).toBe(Object.prototype);
  });

  it('accepts a config.toml that starts with a UTF-8 BOM', () => {
    expect(load('\uFEFFmodel = "bom-model"\n').config.model).toBe('bom-model');
  });

  it('reports TOML syntax errors with the file path, line and column', () => {
    const home = makeTernHome('model = "ok"\n\nsandbox_mode = \n');
    let err: unknown;
    try {
      loadConfig({ ternHome: home, overrides: [], env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toContain(path.join(home, 'config.toml'));
    // Column 16 (1-based) is where the missing value should start.
    expect(message).toMatch(/line 3, column 16/);
  });

  it('does not quote the offending line of a broken file (it may hold a secret)', () => {
    const err = loadError('[model_providers.x]\nexperimental_bearer_token = "sk-live-123\n');
    expect(err.message).toMatch(/line 2/);
    expect(err.message).not.toContain('sk-live-123');
  });

  it('reports an unreadable config.toml', () => {
    const home = makeTernHome();
    mkdirSync(path.join(home, 'config.toml'));
    expect(() => loadConfig({ ternHome: home, overrides: [], env: {} })).toThrow(
      /Cannot read config file .*config\.toml: EISDIR/,
    );
  });

  it('reports malformed -c flags before reading anything', () => {
    expect(() => loadConfig({ ternHome: missingTernHome(), overrides: ['model'], env: {} })).toThrow(
      /Invalid -c override "model": missing "="/,
    );
  });
});

describe('loadConfig: the exact flags that start `codex app-server` against a mock', () => {
  function expectMockConfig(result: ReturnType<typeof loadConfig>): void {
    const { config, warnings } = result;
    expect(warnings).toEqual([]);
    expect(config.model).toBe('gpt-5.5');
    expect(config.modelProvider).toEqual({
      id: 'mock',
      name: 'Mock Responses',
      baseUrl: 'http://127.0.0.1:18555/v1',
      envKey: 'MOCK_API_KEY',
      wireApi: 'responses',
      requestMaxRetries: 0,
      streamMaxRetries: 0,
      streamIdleTimeoutMs: 300000,
      httpHeaders: {},
      queryParams: {},
    });
    expect(config.raw).toMatchObject({
      features: { plugins: false },
      analytics: { enabled: false },
      check_for_update_on_startup: false,
    });
  }

  it('loads cleanly from argv elements (TOML-quoted values)', () => {
    expectMockConfig(loadConfig({ ternHome: missingTernHome(), overrides: CODEX_MOCK_FLAGS, env: {} }));
  });

  it('loads cleanly after a real shell has stripped the quotes', () => {
    const commandLine = CODEX_MOCK_FLAGS.map((f) => `-c ${f}`).join(' ');
    const out = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${commandLine}`], { encoding: 'utf8' });
    const argv = out.split('\n').filter((line) => line !== '');
    const overrides = argv.filter((_, i) => argv[i - 1] === '-c');
    expect(overrides).toContain('model_provider=mock');
    expect(overrides).toContain('model_providers.mock.name=Mock Responses');
    expectMockConfig(loadConfig({ ternHome: missingTernHome(), overrides, env: {} }));
  });

  it('loads cleanly on top of a config.toml that also defines other keys', () => {
    const result = load('model = "from-file"\n[model_providers.mock]\nbase_url = "http://wrong:1/v1"\n', CODEX_MOCK_FLAGS);
    expectMockConfig(result);
  });
});

describe('loadConfig: override precedence', () => {
  it('-c overrides beat the file, and later -c flags beat earlier ones', () => {
    const { config } = load('model = "file-model"\nsandbox_mode = "read-only"\n', [
      'model="first"',
      'model="second"',
    ]);
    expect(config.model).toBe('second');
    expect(config.sandboxMode).toBe('read-only');
    expect(config.raw.model).toBe('second');
  });

  it('a nested -c key merges into the file table instead of replacing it', () => {
    const { config } = load(
      '[model_providers.p]\nname = "P"\nbase_url = "http://p/v1"\nenv_key = "P_KEY"\n',
      ['model_provider=p', 'model_providers.p.base_url="http://override/v1"'],
    );
    expect(config.modelProvider).toMatchObject({ name: 'P', baseUrl: 'http://override/v1', envKey: 'P_KEY' });
  });

  it('a -c table value replaces the whole file table', () => {
    const { config } = load('[model_providers.p]\nname = "P"\nbase_url = "http://p/v1"\nenv_key = "P_KEY"\n', [
      'model_provider=p',
      'model_providers.p={ base_url = "http://q/v1" }',
    ]);
    expect(config.modelProvider).toMatchObject({ name: 'p', baseUrl: 'http://q/v1', envKey: null });
  });

  it('accepts the raw-string fallback for plain values (-c model=gpt-5.5)', () => {
    expect(load(undefined, ['model=gpt-5.5']).config.model).toBe('gpt-5.5');
    expect(load(undefined, ['approval_policy=on-request']).config.approvalPolicy).toBe('on-request');
  });

  it('supports quoted key segments end to end', () => {
    const { config, warnings } = load(undefined, [
      'projects."/my/dir".trust_level="trusted"',
      'model_providers."my.dots".base_url="http://dots/v1"',
      'model_provider="my.dots"',
    ]);
    expect(warnings).toEqual([]);
    expect(config.raw.projects).toEqual({ '/my/dir': { trust_level: 'trusted' } });
    expect(config.modelProvider.id).toBe('my.dots');
    expect(config.modelProvider.baseUrl).toBe('http://dots/v1');
  });

  it('does not write anything into $TERN_HOME', () => {
    const home = makeTernHome();
    writeFileSync(path.join(home, 'config.toml'), 'model = "x"\n');
    loadConfig({ ternHome: home, overrides: ['model="y"'], env: {} });
    expect(execFileSync('ls', ['-A', home], { encoding: 'utf8' }).trim()).toBe('config.toml');
  });
});
