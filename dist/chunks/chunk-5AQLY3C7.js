import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);

// src/util/version.ts
var VERSION = "0.1.0";

export {
  VERSION
};
