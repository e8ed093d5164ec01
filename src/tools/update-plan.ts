// The checklist tool, offered under the Codex harness's name `update_plan` with
// its argument shape (an optional `explanation` and the whole `plan` as a list
// of `{step, status}`), so models trained on that harness use it. It does
// nothing but report: the runner turns each call into `turn/plan/updated`.
// Descriptions are our own words.

import type { ToolSpec } from '../model/types.js';
import type { TurnPlanStep } from '../protocol/v2.js';
import { ToolArgumentError } from './exec-command.js';

export const UPDATE_PLAN = 'update_plan';

/** What the model gets back for an accepted plan (the reference's words). */
export const PLAN_UPDATED_OUTPUT = 'Plan updated';

/** The statuses a step may have, as the model writes them (snake_case). */
const MODEL_STATUSES = ['pending', 'in_progress', 'completed'] as const;
type ModelStepStatus = (typeof MODEL_STATUSES)[number];

/** Model spelling -> wire spelling (`turn/plan/updated` is camelCase). */
const WIRE_STATUS: Record<ModelStepStatus, TurnPlanStep['status']> = {
  pending: 'pending',
  in_progress: 'inProgress',
  completed: 'completed',
};

export const updatePlanSpec: ToolSpec = {
  type: 'function',
  name: UPDATE_PLAN,
  description:
    'Record or revise your plan for the task as a short checklist the user can follow. ' +
    'Send the whole list each time, every step with its status; keep at most one step in_progress.',
  strict: false,
  parameters: {
    type: 'object',
    properties: {
      explanation: { type: 'string', description: 'Why the plan is what it is or why it changed (optional).' },
      plan: {
        type: 'array',
        description: 'Every step of the plan, in order.',
        items: {
          type: 'object',
          properties: {
            step: { type: 'string', description: 'What the step does, in a few words.' },
            status: { type: 'string', enum: [...MODEL_STATUSES], description: 'Where the step stands.' },
          },
          required: ['step', 'status'],
          additionalProperties: false,
        },
      },
    },
    required: ['plan'],
    additionalProperties: false,
  },
};

export interface PlanUpdate {
  explanation: string | null;
  plan: TurnPlanStep[];
}

/** Reads an `update_plan` call's arguments; throws ToolArgumentError with what is wrong. */
export function parseUpdatePlanArgs(raw: string): PlanUpdate {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new ToolArgumentError(`arguments are not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ToolArgumentError('arguments must be a JSON object');
  const a = parsed as Record<string, unknown>;
  if (a.explanation != null && typeof a.explanation !== 'string') throw new ToolArgumentError('`explanation` must be a string');
  if (!Array.isArray(a.plan)) throw new ToolArgumentError('`plan` must be an array of {step, status}');
  const plan = a.plan.map((entry, i): TurnPlanStep => {
    const e = entry as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || typeof e.step !== 'string') throw new ToolArgumentError(`plan[${i}].step must be a string`);
    const status = MODEL_STATUSES.find((s) => s === e.status);
    if (!status) throw new ToolArgumentError(`plan[${i}].status must be one of ${MODEL_STATUSES.join(', ')}`);
    return { step: e.step, status: WIRE_STATUS[status] };
  });
  return { explanation: typeof a.explanation === 'string' ? a.explanation : null, plan };
}
