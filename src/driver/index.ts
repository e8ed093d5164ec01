export { runCommand, EXIT, type RunIo } from './run.js';
export { parseRunArgs, USAGE, UsageError, type RunOptions } from './args.js';
