// The bundled demo repository: a tiny Node project whose test fails because of
// an off-by-one bug, plus the scripted model turn that fixes it. Kept as data so
// it ships inside dist/tern.js.

import type { ScriptStep } from './model-server/types.js';

export const DEMO_FILES: Record<string, string> = {
  'package.json': JSON.stringify(
    { name: 'tern-demo-stats', version: '1.0.0', type: 'module', scripts: { test: 'node --test' } },
    null,
    2,
  ) + '\n',
  'README.md': '# stats\n\nSmall statistics helpers. Run the tests with `npm test`.\n',
  'src/stats.js': [
    '// Arithmetic mean of a non-empty list of numbers.',
    'export function mean(values) {',
    '  if (values.length === 0) throw new Error("mean of an empty list");',
    '  let sum = 0;',
    '  for (const v of values) sum += v;',
    '  return sum / (values.length - 1);',
    '}',
    '',
    '// Largest value of a non-empty list of numbers.',
    'export function max(values) {',
    '  if (values.length === 0) throw new Error("max of an empty list");',
    '  return values.reduce((a, b) => (b > a ? b : a));',
    '}',
    '',
  ].join('\n'),
  'test/stats.test.js': [
    'import { test } from "node:test";',
    'import assert from "node:assert/strict";',
    'import { mean, max } from "../src/stats.js";',
    '',
    'test("mean of three numbers", () => {',
    '  assert.equal(mean([2, 4, 6]), 4);',
    '});',
    '',
    'test("max picks the largest", () => {',
    '  assert.equal(max([3, 9, 1]), 9);',
    '});',
    '',
  ].join('\n'),
};

const FIX_PATCH = [
  '*** Begin Patch',
  '*** Update File: src/stats.js',
  '@@ export function mean(values) {',
  '   let sum = 0;',
  '   for (const v of values) sum += v;',
  '-  return sum / (values.length - 1);',
  '+  return sum / values.length;',
  ' }',
  '*** End Patch',
  '',
].join('\n');

/** The scripted model's side of the demo turn (src/demo/model-server script steps). */
export const DEMO_SCRIPT: ScriptStep[] = [
  {
    output: [
      { type: 'reasoning', summary: '**Reproducing the failure**\n\nRun the test suite first to see what breaks.' },
      { type: 'function_call', name: 'exec_command', arguments: { cmd: 'node --test', yield_time_ms: 10000 } },
    ],
  },
  {
    output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'cat src/stats.js' } }],
  },
  {
    output: [
      { type: 'reasoning', summary: '**Fixing the mean**\n\n`mean` divides by `length - 1`; a mean divides by the count.' },
      { type: 'custom_tool_call', name: 'apply_patch', input: FIX_PATCH },
    ],
  },
  {
    output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'node --test', yield_time_ms: 10000 } }],
  },
  {
    output: [
      {
        type: 'message',
        text: 'Fixed `mean` in src/stats.js: it divided the sum by `values.length - 1` instead of `values.length`. `node --test` now passes (2 tests).',
      },
    ],
  },
];
