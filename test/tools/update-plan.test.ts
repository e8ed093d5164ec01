/** update_plan's arguments: the reference's shape in, the wire's camelCase statuses out. */
import { describe, expect, it } from 'vitest';
import { ToolArgumentError } from '../../src/tools/exec-command.js';
import { parseUpdatePlanArgs } from '../../src/tools/update-plan.js';

describe('parseUpdatePlanArgs', () => {
  it('maps in_progress to inProgress and keeps the order; explanation is optional', () => {
    expect(parseUpdatePlanArgs(JSON.stringify({ plan: [{ step: 'a', status: 'completed' }, { step: 'b', status: 'in_progress' }, { step: 'c', status: 'pending' }] }))).toEqual({
      explanation: null,
      plan: [
        { step: 'a', status: 'completed' },
        { step: 'b', status: 'inProgress' },
        { step: 'c', status: 'pending' },
      ],
    });
    expect(parseUpdatePlanArgs('{"explanation":"why","plan":[]}')).toEqual({ explanation: 'why', plan: [] });
  });

  it.each([
    ['not JSON', '{plan'],
    ['no plan', '{}'],
    ['a plan that is not a list', '{"plan":"x"}'],
    ['a step without text', '{"plan":[{"status":"pending"}]}'],
    ['an unknown status', '{"plan":[{"step":"a","status":"inProgress"}]}'],
    ['a non-string explanation', '{"explanation":1,"plan":[]}'],
  ])('%s is an argument error', (_name, raw) => {
    expect(() => parseUpdatePlanArgs(raw)).toThrow(ToolArgumentError);
  });
});
