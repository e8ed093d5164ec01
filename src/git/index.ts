// Git plumbing with the repository's own config neutralised (see private-git.ts).
export * from './hardened-env.js';
export * from './private-git.js';
export * from './repo-location.js';
export * from './revisions.js';
export * from './lfs.js';
export * from './control-snapshot.js';
export * from './push-patch.js';
