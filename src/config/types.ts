/** Typed view of `$TERN_HOME/config.toml` plus `-c` overrides (Codex-compatible keys). */

export type ApprovalPolicy =
  | 'untrusted'
  | 'on-request'
  | 'never'
  | { granular: Record<string, unknown> };

export type SandboxMode = 'read-only' | 'workspace-write' | 'danger-full-access';

export interface SandboxWorkspaceWrite {
  /** `writable_roots`: absolute directories writable besides the cwd. */
  writableRoots: string[];
  /** `network_access`; default false. */
  networkAccess: boolean;
  /** `exclude_tmpdir_env_var`; default false. */
  excludeTmpdirEnvVar: boolean;
  /** `exclude_slash_tmp`: /tmp stays read-only; default false. */
  excludeSlashTmp: boolean;
}

export type WireApi = 'responses' | 'chat';

export interface ModelProviderInfo {
  id: string;
  name: string;
  /** Resolved base URL (for `openai`: config, else `$OPENAI_BASE_URL`, else the public API). */
  baseUrl: string;
  /** Name of the environment variable holding the API key (never the key itself). */
  envKey: string | null;
  /** Key `wire_api`: the Responses API, or Chat Completions for OpenAI-compatible servers. */
  wireApi: WireApi;
  /** Key `request_max_retries`: retries of a request that failed before its response started (429, 5xx, connection); default 4, capped at 100. */
  requestMaxRetries: number;
  /** Key `stream_max_retries`: retries of a response stream that broke, went idle or ended early; default 5, capped at 100. */
  streamMaxRetries: number;
  /** Key `stream_idle_timeout_ms`: longest wait for the response headers and between two chunks of the stream; default 300000, 0 = no limit. */
  streamIdleTimeoutMs: number;
  /** Key `http_headers`. */
  httpHeaders: Record<string, string>;
  /** Key `query_params`. */
  queryParams: Record<string, string>;
}

export interface TernConfig {
  /** Key `model`; default 'gpt-5.5'. */
  model: string;
  /** The provider selected by `model_provider` (default `openai`). */
  modelProvider: ModelProviderInfo;
  /** Built-in providers merged with user-defined `[model_providers.<id>]` tables. */
  modelProviders: Record<string, ModelProviderInfo>;
  /** Key `approval_policy`; default 'never' (tern is a CI runner). */
  approvalPolicy: ApprovalPolicy;
  /** Key `sandbox_mode`; default 'workspace-write'. */
  sandboxMode: SandboxMode;
  /** Table `[sandbox_workspace_write]` (Codex's keys): what workspace-write allows besides the cwd. */
  sandboxWorkspaceWrite: SandboxWorkspaceWrite;
  /** Key `sandbox_user` (tern's own): the unprivileged account tools run as when the server is root; default 'tern-sandbox'. */
  sandboxUser: string;
  /** Key `developer_instructions`. */
  developerInstructions: string | null;
  /** Key `instructions` (or `base_instructions`). */
  baseInstructions: string | null;
  /** Key `model_context_window`. */
  modelContextWindow: number | null;
  /** Key `model_auto_compact_token_limit`: can lower the automatic compaction threshold. */
  modelAutoCompactTokenLimit: number | null;
  /** Key `compact_prompt`: replaces the built-in compaction prompt. */
  compactPrompt: string | null;
  /** Key `project_doc_max_bytes`: total AGENTS.md budget; null = the default (32 KiB); 0 disables AGENTS.md. */
  projectDocMaxBytes: number | null;
  /** Key `project_doc_fallback_filenames`: names tried after AGENTS.md in each directory. */
  projectDocFallbackFilenames: string[];
  /** Key `model_reasoning_effort`. */
  modelReasoningEffort: string | null;
  /** The merged TOML table (file, then `-c` overrides), snake_case keys as written. */
  raw: Record<string, unknown>;
}

export interface ConfigWarning {
  summary: string;
  details: string | null;
  /** Dotted key path the warning is about, when there is one. */
  path: string | null;
}

export interface ConfigOverride {
  path: string[];
  value: unknown;
}
