/** Typed view of `$TERN_HOME/config.toml` plus `-c` overrides (Codex-compatible keys). */

export type ApprovalPolicy =
  | 'untrusted'
  | 'on-request'
  | 'never'
  | { granular: Record<string, unknown> };

export type SandboxMode = 'read-only' | 'workspace-write' | 'danger-full-access';

export type WireApi = 'responses' | 'chat';

export interface ModelProviderInfo {
  id: string;
  name: string;
  /** Resolved base URL (for `openai`: config, else `$OPENAI_BASE_URL`, else the public API). */
  baseUrl: string;
  /** Name of the environment variable holding the API key (never the key itself). */
  envKey: string | null;
  wireApi: WireApi;
  /** Key `request_max_retries`; default 4, capped at 100. */
  requestMaxRetries: number;
  /** Key `stream_max_retries`; default 5, capped at 100. */
  streamMaxRetries: number;
  /** Key `stream_idle_timeout_ms`; default 300000. */
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
  /** Key `developer_instructions`. */
  developerInstructions: string | null;
  /** Key `instructions` (or `base_instructions`). */
  baseInstructions: string | null;
  /** Key `model_context_window`. */
  modelContextWindow: number | null;
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
