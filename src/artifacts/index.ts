export * from './atomic-write.js';
export * from './events-log.js';
export * from './redact.js';
export * from './result.js';
export * from './worktree-diff.js';
