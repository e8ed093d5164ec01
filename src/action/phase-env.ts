// The environments of the Action's isolated phases, built from an allow-list:
// never the Action's own environment. The agent phase gets the model key and
// nothing else secret; the test phase gets no secret at all. Neither gets
// GITHUB_TOKEN, the runner's ACTIONS_* credentials, any INPUT_* variable, or the
// paths of the runner's file commands (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH,
// GITHUB_STEP_SUMMARY), which would let a tool change later steps.

/** Copied from the Action's environment when set. */
const PASSED = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TERM', 'CI',
  // Harmless facts about the run that build scripts read.
  'GITHUB_ACTIONS', 'GITHUB_REPOSITORY', 'GITHUB_SHA', 'GITHUB_REF', 'GITHUB_EVENT_NAME', 'GITHUB_WORKSPACE',
  'GITHUB_SERVER_URL', 'GITHUB_RUN_ID', 'RUNNER_OS', 'RUNNER_ARCH',
];

/** The variable the agent phase's model key travels in. */
export const MODEL_KEY_VARIABLE = 'OPENAI_API_KEY';
/** The provider id tern configures when the base-url input is set. */
export const ACTION_PROVIDER_ID = 'tern_action';

export interface PhaseEnvOptions {
  /** A private temp dir for the phase (TMPDIR). */
  tmpDir: string;
  /** TERN_HOME for the app server (thread logs). */
  ternHome?: string;
  /** The model key, for the agent phase only. */
  modelKey?: string;
}

export function phaseEnvironment(source: NodeJS.ProcessEnv, opts: PhaseEnvOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  env.TMPDIR = opts.tmpDir;
  env.GIT_TERMINAL_PROMPT = '0';
  if (opts.ternHome) env.TERN_HOME = opts.ternHome;
  if (opts.modelKey) env[MODEL_KEY_VARIABLE] = opts.modelKey;
  return env;
}

export interface ModelFlagsOptions {
  model: string | null;
  baseUrl: string | null;
  wireApi: 'responses' | 'chat';
  config: string[];
}

/** The `-c` overrides that point the app server at the configured model endpoint. */
export function modelConfigFlags(opts: ModelFlagsOptions): string[] {
  const overrides: string[] = [];
  if (opts.baseUrl) {
    overrides.push(
      `model_provider="${ACTION_PROVIDER_ID}"`,
      `model_providers.${ACTION_PROVIDER_ID}.name="tern action"`,
      `model_providers.${ACTION_PROVIDER_ID}.base_url=${JSON.stringify(opts.baseUrl)}`,
      `model_providers.${ACTION_PROVIDER_ID}.env_key="${MODEL_KEY_VARIABLE}"`,
      `model_providers.${ACTION_PROVIDER_ID}.wire_api="${opts.wireApi}"`,
    );
  }
  if (opts.model) overrides.push(`model=${JSON.stringify(opts.model)}`);
  overrides.push(...opts.config);
  return overrides.flatMap((kv) => ['-c', kv]);
}
