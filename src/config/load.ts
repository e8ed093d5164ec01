import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse as parseToml, TomlDate, TomlError } from 'smol-toml';
import { ConfigError } from './errors.js';
import {
  HANDLED_PROVIDER_KEYS,
  HANDLED_TOP_LEVEL_KEYS,
  IGNORED_CODEX_PROVIDER_KEYS,
  IGNORED_CODEX_TOP_LEVEL_KEYS,
} from './known-keys.js';
import {
  applyOverrides,
  formatKeyPath,
  getOwn,
  isPlainTable,
  parseOverride,
  toPlainToml,
} from './overrides.js';
import type {
  ApprovalPolicy,
  ConfigOverride,
  ConfigWarning,
  ModelProviderInfo,
  SandboxMode,
  SandboxWorkspaceWrite,
  TernConfig,
  WireApi,
} from './types.js';

export const CONFIG_FILE_NAME = 'config.toml';
export const DEFAULT_MODEL = 'gpt-5.5';
export const DEFAULT_MODEL_PROVIDER = 'openai';
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_REQUEST_MAX_RETRIES = 4;
export const DEFAULT_STREAM_MAX_RETRIES = 5;
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;
export const MAX_RETRIES_CAP = 100;

const APPROVAL_POLICIES = ['untrusted', 'on-request', 'never'] as const;
const SANDBOX_MODES: readonly SandboxMode[] = ['read-only', 'workspace-write', 'danger-full-access'];
const WIRE_APIS: readonly WireApi[] = ['responses', 'chat'];
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `$TERN_HOME` when set (resolved to an absolute path), else `~/.tern`. */
export function resolveTernHome(env: NodeJS.ProcessEnv): string {
  const home = env.HOME || env.USERPROFILE || homedir();
  const configured = env.TERN_HOME;
  if (configured !== undefined && configured.trim() !== '') {
    if (configured === '~') return path.resolve(home);
    if (configured.startsWith('~/')) return path.resolve(home, configured.slice(2));
    return path.resolve(configured);
  }
  return path.resolve(home, '.tern');
}

function readConfigFile(file: string): Record<string, unknown> | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new ConfigError(`Cannot read config file ${file}: ${code ?? (err as Error).message}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return toPlainToml(parseToml(text)) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) {
      // Only the first line: the rest is a code excerpt that could quote a secret.
      const reason = (err.message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '');
      throw new ConfigError(
        `Invalid TOML in ${file} at line ${err.line}, column ${err.column}: ${reason}`,
      );
    }
    throw err;
  }
}

function isPrefix(prefix: readonly string[], full: readonly string[]): boolean {
  return prefix.length <= full.length && prefix.every((seg, i) => seg === full[i]);
}

function hasPath(table: Record<string, unknown> | null, keyPath: readonly string[]): boolean {
  let cursor: unknown = table;
  for (const seg of keyPath) {
    if (!isPlainTable(cursor) || !Object.hasOwn(cursor, seg)) return false;
    cursor = cursor[seg];
  }
  return true;
}

/** Tracks where each merged value came from, for error messages. */
class Provenance {
  constructor(
    private readonly file: string,
    private readonly fileTable: Record<string, unknown> | null,
    private readonly overrides: readonly ConfigOverride[],
  ) {}

  private flag(o: ConfigOverride): string {
    return `-c ${formatKeyPath(o.path)}=…`;
  }

  /**
   * The file or flag that set the value currently at `keyPath`: the last flag
   * that set it or an enclosing table, or that forced it to be a table by
   * setting a key below it.
   */
  sourceOf(keyPath: readonly string[]): string {
    for (let i = this.overrides.length - 1; i >= 0; i--) {
      const o = this.overrides[i] as ConfigOverride;
      if (isPrefix(o.path, keyPath) || isPrefix(keyPath, o.path)) return this.flag(o);
    }
    return this.file;
  }

  /** Every file/flag that contributed to the table at `keyPath`. */
  contributorsOf(keyPath: readonly string[]): string {
    const out: string[] = [];
    if (hasPath(this.fileTable, keyPath)) out.push(this.file);
    for (const o of this.overrides) {
      if (isPrefix(o.path, keyPath) || isPrefix(keyPath, o.path)) out.push(this.flag(o));
    }
    return out.length > 0 ? out.join(', ') : this.file;
  }
}

function describeValue(v: unknown): string {
  if (typeof v === 'string') {
    // Strings are not echoed (they may be secrets) unless they obviously hold a number/boolean.
    return /^\s*(-?\d+(\.\d+)?|true|false)\s*$/.test(v)
      ? `the string ${JSON.stringify(v)} (remove the quotes)`
      : 'a string';
  }
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan';
    return Number.isInteger(v) ? `the integer ${v}` : `the float ${v}`;
  }
  if (typeof v === 'boolean') return `the boolean ${v}`;
  if (typeof v === 'bigint') return `the integer ${v}`;
  if (Array.isArray(v)) return 'an array';
  if (v instanceof TomlDate || v instanceof Date) return 'a date-time';
  if (isPlainTable(v)) return 'a table';
  return typeof v;
}

function quoteForMessage(v: string): string {
  return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j] as number;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(above + 1, (prev[j - 1] as number) + 1, diag + cost);
      diag = above;
    }
  }
  return prev[b.length] as number;
}

function suggest(key: string, candidates: ReadonlySet<string>): string | null {
  let best: string | null = null;
  let bestDist = 3;
  for (const c of candidates) {
    const d = editDistance(key, c);
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

class Validator {
  readonly warnings: ConfigWarning[] = [];

  constructor(readonly prov: Provenance) {}

  fail(keyPath: readonly string[], problem: string): never {
    throw new ConfigError(
      `Invalid value for \`${formatKeyPath(keyPath)}\` in ${this.prov.sourceOf(keyPath)}: ${problem}`,
    );
  }

  typeError(keyPath: readonly string[], expected: string, value: unknown): never {
    return this.fail(keyPath, `expected ${expected}, got ${describeValue(value)}.`);
  }

  warn(summary: string, details: string | null, keyPath: readonly string[] | null): void {
    this.warnings.push({ summary, details, path: keyPath ? formatKeyPath(keyPath) : null });
  }

  optString(value: unknown, keyPath: readonly string[]): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') this.typeError(keyPath, 'a string', value);
    return value;
  }

  optInteger(value: unknown, keyPath: readonly string[], min: 0 | 1): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      this.typeError(keyPath, min === 0 ? 'a non-negative integer' : 'a positive integer', value);
    }
    return value;
  }

  optEnum<T extends string>(
    value: unknown,
    keyPath: readonly string[],
    allowed: readonly T[],
  ): T | undefined {
    if (value === undefined) return undefined;
    const list = allowed.map((a) => JSON.stringify(a)).join(', ');
    if (typeof value !== 'string') this.typeError(keyPath, `one of ${list}`, value);
    if (!(allowed as readonly string[]).includes(value)) {
      this.fail(keyPath, `expected one of ${list}; got ${quoteForMessage(value)}.`);
    }
    return value as T;
  }

  optTable(value: unknown, keyPath: readonly string[], expected = 'a table'): Record<string, unknown> | undefined {
    if (value === undefined) return undefined;
    if (!isPlainTable(value)) this.typeError(keyPath, expected, value);
    return value;
  }

  optStringMap(value: unknown, keyPath: readonly string[]): Record<string, string> | undefined {
    const table = this.optTable(value, keyPath, 'a table of strings, e.g. { "X-Header" = "value" }');
    if (table === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(table)) {
      if (typeof v !== 'string') this.typeError([...keyPath, k], 'a string', v);
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  optBaseUrl(value: unknown, keyPath: readonly string[]): string | undefined {
    const url = this.optString(value, keyPath);
    if (url === undefined) return undefined;
    if (!isHttpUrl(url)) {
      this.fail(keyPath, 'expected an absolute http(s) URL such as "http://127.0.0.1:8080/v1".');
    }
    return url;
  }
}

function isHttpUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

function collectUnknownKeys(raw: Record<string, unknown>, v: Validator): void {
  /**
   * Warns once per leaf under the unknown key at `unknownAt`; a close match
   * for that key among `candidates` is offered as a suggestion.
   */
  const warnUnknown = (unknownAt: string[], value: unknown, candidates: ReadonlySet<string>): void => {
    const hint = suggest(unknownAt[unknownAt.length - 1] ?? '', candidates);
    const suggestion = hint ? ` Did you mean \`${formatKeyPath([...unknownAt.slice(0, -1), hint])}\`?` : '';
    const visit = (keyPath: string[], node: unknown): void => {
      if (isPlainTable(node) && Object.keys(node).length > 0) {
        for (const [k, child] of Object.entries(node)) visit([...keyPath, k], child);
        return;
      }
      v.warn(
        `Unknown config key \`${formatKeyPath(keyPath)}\` ignored`,
        `tern does not recognise this key (set in ${v.prov.sourceOf(keyPath)}); it has no effect.${suggestion}`,
        keyPath,
      );
    };
    visit(unknownAt, value);
  };

  for (const [key, value] of Object.entries(raw)) {
    if (HANDLED_TOP_LEVEL_KEYS.has(key)) {
      if (key === 'model_providers' && isPlainTable(value)) {
        for (const [id, provider] of Object.entries(value)) {
          if (!isPlainTable(provider)) continue;
          for (const [pk, pv] of Object.entries(provider)) {
            if (HANDLED_PROVIDER_KEYS.has(pk) || IGNORED_CODEX_PROVIDER_KEYS.has(pk)) continue;
            warnUnknown(['model_providers', id, pk], pv, HANDLED_PROVIDER_KEYS);
          }
        }
      }
      continue;
    }
    if (IGNORED_CODEX_TOP_LEVEL_KEYS.has(key)) continue;
    warnUnknown([key], value, HANDLED_TOP_LEVEL_KEYS);
  }
}

function openaiBuiltin(v: Validator, raw: Record<string, unknown>, env: NodeJS.ProcessEnv): ModelProviderInfo {
  let baseUrl = v.optBaseUrl(getOwn(raw, 'openai_base_url'), ['openai_base_url']);
  if (baseUrl === undefined) {
    const fromEnv = env.OPENAI_BASE_URL;
    if (fromEnv !== undefined && fromEnv.trim() !== '') {
      if (!isHttpUrl(fromEnv.trim())) {
        throw new ConfigError(
          'Environment variable OPENAI_BASE_URL is not an absolute http(s) URL (e.g. "https://api.openai.com/v1"); fix or unset it.',
        );
      }
      baseUrl = fromEnv.trim();
    }
  }
  return {
    id: 'openai',
    name: 'OpenAI',
    baseUrl: baseUrl ?? DEFAULT_OPENAI_BASE_URL,
    envKey: 'OPENAI_API_KEY',
    wireApi: 'responses',
    requestMaxRetries: DEFAULT_REQUEST_MAX_RETRIES,
    streamMaxRetries: DEFAULT_STREAM_MAX_RETRIES,
    streamIdleTimeoutMs: DEFAULT_STREAM_IDLE_TIMEOUT_MS,
    httpHeaders: {},
    queryParams: {},
  };
}

function buildProvider(
  v: Validator,
  id: string,
  table: Record<string, unknown>,
  builtin: ModelProviderInfo | undefined,
): ModelProviderInfo {
  const at = (key: string): string[] => ['model_providers', id, key];
  const get = (key: string): unknown => getOwn(table, key);

  const name = v.optString(get('name'), at('name'));
  const baseUrl = v.optBaseUrl(get('base_url'), at('base_url')) ?? builtin?.baseUrl;
  if (baseUrl === undefined) {
    throw new ConfigError(
      `Model provider \`${formatKeyPath(['model_providers', id])}\` (defined in ${v.prov.contributorsOf(['model_providers', id])}) has no base_url. ` +
        `Add base_url = "http://host:port/v1" to [${formatKeyPath(['model_providers', id])}] or pass -c ${formatKeyPath(at('base_url'))}="http://host:port/v1".`,
    );
  }

  let envKey: string | null | undefined = v.optString(get('env_key'), at('env_key'));
  if (envKey !== undefined && !ENV_VAR_NAME.test(envKey)) {
    // Often an API key pasted where the variable name belongs: never echo it.
    v.fail(
      at('env_key'),
      'expected the NAME of the environment variable holding the API key (letters, digits and "_", e.g. "MY_PROVIDER_API_KEY"), not the key itself. The value is not shown.',
    );
  }
  envKey ??= builtin?.envKey ?? null;
  v.optString(get('env_key_instructions'), at('env_key_instructions'));

  const retries = (key: string, fallback: number): number =>
    Math.min(v.optInteger(get(key), at(key), 0) ?? fallback, MAX_RETRIES_CAP);

  return {
    id,
    name: name !== undefined && name !== '' ? name : (builtin?.name ?? id),
    baseUrl,
    envKey,
    wireApi: v.optEnum(get('wire_api'), at('wire_api'), WIRE_APIS) ?? builtin?.wireApi ?? 'responses',
    requestMaxRetries: retries('request_max_retries', builtin?.requestMaxRetries ?? DEFAULT_REQUEST_MAX_RETRIES),
    streamMaxRetries: retries('stream_max_retries', builtin?.streamMaxRetries ?? DEFAULT_STREAM_MAX_RETRIES),
    streamIdleTimeoutMs:
      v.optInteger(get('stream_idle_timeout_ms'), at('stream_idle_timeout_ms'), 0) ??
      builtin?.streamIdleTimeoutMs ??
      DEFAULT_STREAM_IDLE_TIMEOUT_MS,
    httpHeaders: v.optStringMap(get('http_headers'), at('http_headers')) ?? { ...builtin?.httpHeaders },
    queryParams: v.optStringMap(get('query_params'), at('query_params')) ?? { ...builtin?.queryParams },
  };
}

function parseApprovalPolicy(v: Validator, value: unknown): ApprovalPolicy {
  const keyPath = ['approval_policy'];
  const expected = `one of ${APPROVAL_POLICIES.map((p) => JSON.stringify(p)).join(', ')} or a { granular = { ... } } table`;
  if (value === undefined) return 'never';
  if (typeof value === 'string') {
    if (value === 'on-failure') {
      v.warn(
        '`approval_policy = "on-failure"` is deprecated; using "on-request"',
        'Codex deprecated "on-failure"; set approval_policy to "on-request" (or "never" for unattended runs) to silence this warning.',
        keyPath,
      );
      return 'on-request';
    }
    if ((APPROVAL_POLICIES as readonly string[]).includes(value)) {
      return value as (typeof APPROVAL_POLICIES)[number];
    }
    v.fail(keyPath, `expected ${expected} ("on-failure" is accepted as a deprecated alias of "on-request"); got ${quoteForMessage(value)}.`);
  }
  if (isPlainTable(value)) {
    const keys = Object.keys(value);
    const granular = getOwn(value, 'granular');
    if (keys.length !== 1 || !isPlainTable(granular)) {
      v.fail(keyPath, `expected ${expected}; a table must contain exactly one key, granular, whose value is a table.`);
    }
    return { granular: { ...granular } };
  }
  return v.typeError(keyPath, expected, value);
}

/** `project_doc_fallback_filenames`: an array of plain file names (no directories). */
function parseFallbackFilenames(v: Validator, value: unknown): string[] {
  const keyPath = ['project_doc_fallback_filenames'];
  if (value === undefined) return [];
  if (!Array.isArray(value)) return v.typeError(keyPath, 'an array of file names, e.g. ["CLAUDE.md"]', value);
  return value.map((name, i) => {
    if (typeof name !== 'string') return v.typeError([...keyPath, String(i)], 'a file name (string)', name);
    if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\')) {
      v.fail(keyPath, `expected plain file names without directories; got ${quoteForMessage(name)}.`);
    }
    return name;
  });
}

const WORKSPACE_WRITE_KEY = 'sandbox_workspace_write';
const DEFAULT_SANDBOX_USER = 'tern-sandbox';

function optBoolean(v: Validator, value: unknown, keyPath: string[]): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') return v.typeError(keyPath, 'a boolean (true or false)', value);
  return value;
}

/** `[sandbox_workspace_write]`: writable_roots (absolute paths), network_access, exclude_tmpdir_env_var, exclude_slash_tmp. */
function parseWorkspaceWrite(v: Validator, value: unknown): SandboxWorkspaceWrite {
  const table = v.optTable(value, [WORKSPACE_WRITE_KEY]) ?? {};
  const at = (key: string) => [WORKSPACE_WRITE_KEY, key];
  const roots = getOwn(table, 'writable_roots');
  if (roots !== undefined && !Array.isArray(roots)) v.typeError(at('writable_roots'), 'an array of absolute paths', roots);
  const writableRoots = ((roots as unknown[] | undefined) ?? []).map((root, i) => {
    if (typeof root !== 'string') return v.typeError([...at('writable_roots'), String(i)], 'an absolute path (string)', root);
    if (!path.isAbsolute(root)) v.fail(at('writable_roots'), `expected absolute paths; got ${quoteForMessage(root)}.`);
    return path.normalize(root);
  });
  return {
    writableRoots,
    networkAccess: optBoolean(v, getOwn(table, 'network_access'), at('network_access')) ?? false,
    excludeTmpdirEnvVar: optBoolean(v, getOwn(table, 'exclude_tmpdir_env_var'), at('exclude_tmpdir_env_var')) ?? false,
    excludeSlashTmp: optBoolean(v, getOwn(table, 'exclude_slash_tmp'), at('exclude_slash_tmp')) ?? false,
  };
}

export interface LoadConfigOptions {
  ternHome: string;
  /** Raw `-c` values, in command-line order (later wins). */
  overrides: string[];
  env: NodeJS.ProcessEnv;
  /** Already-parsed overrides applied after `overrides` (e.g. thread/start's `config` param). */
  extraOverrides?: ConfigOverride[];
}

export function loadConfig(opts: LoadConfigOptions): { config: TernConfig; warnings: ConfigWarning[] } {
  const overrides = [...opts.overrides.map((flag) => parseOverride(flag)), ...(opts.extraOverrides ?? [])];
  const file = path.join(opts.ternHome, CONFIG_FILE_NAME);
  const fileTable = readConfigFile(file);
  const raw = applyOverrides(fileTable ?? {}, overrides);
  const v = new Validator(new Provenance(file, fileTable, overrides));

  collectUnknownKeys(raw, v);

  const model = v.optString(getOwn(raw, 'model'), ['model']) ?? DEFAULT_MODEL;
  if (model.trim() === '') v.fail(['model'], 'expected a model name, got an empty string.');

  const providerValue = getOwn(raw, 'model_provider');
  if (isPlainTable(providerValue)) {
    v.fail(
      ['model_provider'],
      'expected a string (the id of the provider to use), got a table. Provider definitions go in [model_providers.<id>] (plural).',
    );
  }
  const providerId = v.optString(providerValue, ['model_provider']) ?? DEFAULT_MODEL_PROVIDER;

  const userProviders =
    v.optTable(getOwn(raw, 'model_providers'), ['model_providers'], 'a table of [model_providers.<id>] tables') ?? {};
  const openai = openaiBuiltin(v, raw, opts.env);
  const modelProviders: Record<string, ModelProviderInfo> = { openai };
  for (const [id, table] of Object.entries(userProviders)) {
    const providerTable = v.optTable(table, ['model_providers', id], 'a provider table (name, base_url, env_key, ...)');
    if (providerTable === undefined) continue;
    Object.defineProperty(modelProviders, id, {
      value: buildProvider(v, id, providerTable, id === 'openai' ? openai : undefined),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }

  const modelProvider = Object.hasOwn(modelProviders, providerId) ? modelProviders[providerId] : undefined;
  if (modelProvider === undefined) {
    const section = formatKeyPath(['model_providers', providerId]);
    throw new ConfigError(
      `model_provider '${providerId}' (set in ${v.prov.sourceOf(['model_provider'])}) is not defined; ` +
        `define [${section}] with at least base_url in ${file}, or pass -c ${section}.base_url="http://host:port/v1". ` +
        `Defined providers: ${Object.keys(modelProviders).join(', ')}.`,
    );
  }

  const approvalPolicy = parseApprovalPolicy(v, getOwn(raw, 'approval_policy'));
  const sandboxMode = v.optEnum(getOwn(raw, 'sandbox_mode'), ['sandbox_mode'], SANDBOX_MODES) ?? 'workspace-write';
  const developerInstructions =
    v.optString(getOwn(raw, 'developer_instructions'), ['developer_instructions']) ?? null;

  const instructions = v.optString(getOwn(raw, 'instructions'), ['instructions']);
  const baseInstructionsKey = v.optString(getOwn(raw, 'base_instructions'), ['base_instructions']);
  if (instructions !== undefined && baseInstructionsKey !== undefined) {
    v.warn(
      'Both `instructions` and `base_instructions` are set; using `base_instructions`',
      `instructions is set in ${v.prov.sourceOf(['instructions'])}, base_instructions in ${v.prov.sourceOf(['base_instructions'])}; remove one of them.`,
      ['instructions'],
    );
  }

  const config: TernConfig = {
    model,
    modelProvider,
    modelProviders,
    approvalPolicy,
    sandboxMode,
    sandboxWorkspaceWrite: parseWorkspaceWrite(v, getOwn(raw, WORKSPACE_WRITE_KEY)),
    sandboxUser: v.optString(getOwn(raw, 'sandbox_user'), ['sandbox_user']) ?? DEFAULT_SANDBOX_USER,
    developerInstructions,
    baseInstructions: baseInstructionsKey ?? instructions ?? null,
    modelContextWindow: v.optInteger(getOwn(raw, 'model_context_window'), ['model_context_window'], 1) ?? null,
    modelAutoCompactTokenLimit:
      v.optInteger(getOwn(raw, 'model_auto_compact_token_limit'), ['model_auto_compact_token_limit'], 1) ?? null,
    compactPrompt: v.optString(getOwn(raw, 'compact_prompt'), ['compact_prompt']) ?? null,
    projectDocMaxBytes: v.optInteger(getOwn(raw, 'project_doc_max_bytes'), ['project_doc_max_bytes'], 0) ?? null,
    projectDocFallbackFilenames: parseFallbackFilenames(v, getOwn(raw, 'project_doc_fallback_filenames')),
    modelReasoningEffort:
      v.optString(getOwn(raw, 'model_reasoning_effort'), ['model_reasoning_effort']) ?? null,
    raw,
  };
  return { config, warnings: v.warnings };
}
