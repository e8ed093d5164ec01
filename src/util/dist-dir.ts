// Where the bundle lives. dist/ holds the entries (tern.js, action.js) and, since
// the build splits code, dist/chunks/ the rest (scripts/build.mjs `chunkNames`):
// a module that finds files beside the entries by its own URL must step out of
// chunks/ first.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder scripts/build.mjs writes shared and lazily loaded chunks to, under dist/. */
export const CHUNK_DIR = 'chunks';

/** dist/, given the `import.meta.url` of a module bundled into an entry or a chunk. */
export function distDir(moduleUrl: string): string {
  const dir = path.dirname(fileURLToPath(moduleUrl));
  return path.basename(dir) === CHUNK_DIR ? path.dirname(dir) : dir;
}
