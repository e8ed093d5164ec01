import { describe, expect, it } from 'vitest';
import { load } from './helpers.js';

describe('unknown keys warn, never fail', () => {
  it('warns about an unknown top-level key from -c, naming the flag', () => {
    const { config, warnings } = load(undefined, ['foo.bar=1']);
    expect(warnings).toEqual([
      {
        summary: 'Unknown config key `foo.bar` ignored',
        details: 'tern does not recognise this key (set in -c foo.bar=…); it has no effect.',
        path: 'foo.bar',
      },
    ]);
    expect(config.raw.foo).toEqual({ bar: 1 });
  });

  it('warns once per leaf of an unknown table in the file', () => {
    const { warnings } = load('[zzz]\na = 1\nb = { c = 2 }\n');
    expect(warnings.map((w) => w.path)).toEqual(['zzz.a', 'zzz.b.c']);
    expect(warnings[0]?.details).toContain('config.toml');
  });

  it('suggests the nearest known key for a typo', () => {
    const { config, warnings } = load('modle = "gpt-x"\n');
    expect(config.model).toBe('gpt-5.5');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.summary).toBe('Unknown config key `modle` ignored');
    expect(warnings[0]?.details).toMatch(/Did you mean `model`\?/);
  });

  it('quotes key segments in warning paths when needed', () => {
    const { warnings } = load(undefined, ['"odd key".x=1']);
    expect(warnings[0]?.path).toBe('"odd key".x');
  });

  it('warns about unknown keys inside a provider table', () => {
    const { warnings } = load(undefined, [
      'model_providers.mock.base_url="http://m/v1"',
      'model_providers.mock.base_ulr="http://typo/v1"',
      'model_providers.mock.extra={ a = 1 }',
    ]);
    expect(warnings.map((w) => w.path)).toEqual(['model_providers.mock.base_ulr', 'model_providers.mock.extra.a']);
    expect(warnings[0]?.details).toMatch(/Did you mean `model_providers\.mock\.base_url`\?/);
  });

  it('suggests the known table for every leaf of a misspelt table', () => {
    const { warnings } = load('[model_provder.mock]\nbase_url = "http://m/v1"\nname = "M"\n');
    expect(warnings.map((w) => w.path)).toEqual(['model_provder.mock.base_url', 'model_provder.mock.name']);
    for (const w of warnings) expect(w.details).toMatch(/Did you mean `model_provider`\?/);
  });

  it('silently ignores Codex provider keys tern does not use', () => {
    const { warnings, config } = load(`
[model_providers.mock]
base_url = "http://m/v1"
requires_openai_auth = false
supports_websockets = false
env_http_headers = { "X-Org" = "ORG_ENV" }
experimental_bearer_token = "sk-token-in-file"
websocket_connect_timeout_ms = 1000
`);
    expect(warnings).toEqual([]);
    expect(config.modelProviders.mock?.httpHeaders).toEqual({});
    // raw keeps what the user wrote; the typed config never carries the token.
    expect(JSON.stringify(config.modelProviders)).not.toContain('sk-token-in-file');
  });

  it('silently ignores the Codex keys tern accepts without effect', () => {
    const { warnings, config } = load(`
check_for_update_on_startup = false
model_reasoning_summary = "detailed"
model_verbosity = "low"
hide_agent_reasoning = true
show_raw_agent_reasoning = false
model_auto_compact_token_limit = 1000
project_doc_max_bytes = 65536
notify = ["notify-send", "done"]
file_opener = "none"
preferred_auth_method = "apikey"
profile = "ci"
model_instructions_file = "/tmp/x.md"
web_search = "disabled"

[features]
plugins = false
web_search_request = true

[analytics]
enabled = false

[projects."/home/me/repo"]
trust_level = "trusted"

[tui]
notifications = true

[history]
persistence = "none"

[shell_environment_policy]
inherit = "core"
set = { FOO = "bar" }

[sandbox_workspace_write]
network_access = true
writable_roots = ["/tmp"]

[otel]
environment = "ci"

[mcp_servers.docs]
command = "docs-mcp"
args = ["--stdio"]

[profiles.ci]
model = "o3"
approval_policy = "on-request"
`);
    expect(warnings).toEqual([]);
    expect(config.model).toBe('gpt-5.5');
    expect(config.approvalPolicy).toBe('never');
    expect(config.raw.mcp_servers).toEqual({ docs: { command: 'docs-mcp', args: ['--stdio'] } });
  });

  it('silently ignores the same Codex keys when they come from -c flags', () => {
    const { warnings } = load(undefined, [
      'features.plugins=false',
      'analytics.enabled=false',
      'check_for_update_on_startup=false',
      'projects."/my/dir".trust_level="trusted"',
      'shell_environment_policy.inherit=all',
      'tui.notifications=false',
      'otel.exporter="none"',
      'profiles.ci.model="o3"',
    ]);
    expect(warnings).toEqual([]);
  });

  it('never puts a secret value into warnings', () => {
    const { warnings } = load(undefined, ['unknown_token="sk-very-secret"', 'model_providers.openai.api_key="sk-very-secret"']);
    expect(warnings.map((w) => w.path)).toEqual(['unknown_token', 'model_providers.openai.api_key']);
    expect(JSON.stringify(warnings)).not.toContain('sk-very-secret');
  });
});
