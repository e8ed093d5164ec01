// The tools offered to the model, in a fixed order: the order is part of the
// cached prompt prefix, so it must never depend on anything that varies.
// (The reference offers update_plan between its shell tools and apply_patch.)

import type { ToolSpec } from '../model/types.js';
import { applyPatchSpec } from './apply-patch-tool.js';
import { execCommandSpec } from './exec-command.js';
import { updatePlanSpec } from './update-plan.js';

export function toolSpecs(): ToolSpec[] {
  return [execCommandSpec, updatePlanSpec, applyPatchSpec];
}
