// Logging for the app server: stderr only (stdout carries the protocol).
// TERN_LOG=debug|info|warn|error|off picks the level (default warn).

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error', 'off'] as const;
type Level = (typeof LEVELS)[number];

export function createLogger(stream: NodeJS.WritableStream, levelName: string | undefined, name = 'tern'): Logger {
  const level: Level = (LEVELS as readonly string[]).includes(levelName ?? '') ? (levelName as Level) : 'warn';
  const min = LEVELS.indexOf(level);
  const at = (l: Level) => (msg: string) => {
    if (LEVELS.indexOf(l) < min) return;
    stream.write(`${new Date().toISOString()} ${l.toUpperCase()} ${name}: ${msg}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
