export type {
  ApprovalPolicy,
  ConfigOverride,
  ConfigWarning,
  ModelProviderInfo,
  SandboxMode,
  SandboxWorkspaceWrite,
  TernConfig,
  WireApi,
} from './types.js';
export { ConfigError } from './errors.js';
export { applyOverrides, formatKeyPath, parseOverride } from './overrides.js';
export {
  CONFIG_FILE_NAME,
  DEFAULT_MODEL,
  DEFAULT_OPENAI_BASE_URL,
  loadConfig,
  resolveTernHome,
} from './load.js';
export type { LoadConfigOptions } from './load.js';
