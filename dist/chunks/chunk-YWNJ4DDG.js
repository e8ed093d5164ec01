import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);

// src/util/dist-dir.ts
import path from "node:path";
import { fileURLToPath } from "node:url";
var CHUNK_DIR = "chunks";
function distDir(moduleUrl) {
  const dir = path.dirname(fileURLToPath(moduleUrl));
  return path.basename(dir) === CHUNK_DIR ? path.dirname(dir) : dir;
}

export {
  distDir
};
