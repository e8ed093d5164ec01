export { parsePatch, PatchParseError, type PatchOperation, type PatchChunk } from './parse.js';
export {
  planPatch,
  commitPatch,
  summarizePatch,
  applyPatchText,
  unifiedDiffBody,
  PatchApplyError,
  type FileChange,
  type PlannedPatch,
  type PlannedFile,
  type WriteGuard,
} from './apply.js';
