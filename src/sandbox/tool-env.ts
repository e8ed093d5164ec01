// The environment a tool process gets: an allow-list, never the server's own
// environment, so the model API key (which only the app server holds) does not
// reach commands the model runs.

const ALLOWED = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'LC_MESSAGES',
  'TERM',
  'TZ',
  'TMPDIR',
  'CI',
  'NODE_OPTIONS',
];

export function toolEnvironment(source: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ALLOWED) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  // Tools run non-interactively: pagers and prompts would hang a turn.
  env.PAGER = 'cat';
  env.GIT_PAGER = 'cat';
  env.GIT_TERMINAL_PROMPT = '0';
  env.NO_COLOR = '1';
  return env;
}
