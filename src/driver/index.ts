export { runCommand, EXIT, type RunIo } from './run.js';
export { redactPatch } from './finish.js';
export { parseRunArgs, USAGE, UsageError, type RunOptions } from './args.js';
