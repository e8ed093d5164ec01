import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  EMPTY_TREE,
  checkoutConfig,
  checkoutHead,
  currentCommit,
  resolveCommit
} from "./chunk-V23KZT3V.js";
import "./chunk-AXCYR7ZC.js";
import "./chunk-4S2FJ4XZ.js";
export {
  EMPTY_TREE,
  checkoutConfig,
  checkoutHead,
  currentCommit,
  resolveCommit
};
