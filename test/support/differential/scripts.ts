/** Building blocks of the scripted model and the work trees shared by the differential scenarios. */
import type { ScriptOutputItem, ScriptStep } from '../../../src/demo/model-server/types.js';

/** How long the model lets a command run before it reads its output (codex's exec_command knob). */
const YIELD_MS = 1000;

export const FILES: Record<string, string> = {
  'hello.txt': 'hello from the differential repo\n',
  'README.md': '# differential\n',
};

export function exec(cmd: string, extra: Record<string, unknown> = {}): ScriptOutputItem {
  return { type: 'function_call', name: 'exec_command', arguments: { cmd, yield_time_ms: YIELD_MS, ...extra } };
}

export function say(text: string): ScriptStep {
  return { output: [{ type: 'message', text }] };
}

export const PATCH = [
  '*** Begin Patch',
  '*** Add File: notes.txt',
  '+created by apply_patch',
  '*** Update File: hello.txt',
  '@@',
  '-hello from the differential repo',
  '+hello from the differential repo (patched)',
  '*** End Patch',
  '',
].join('\n');

/** reasoning + read a file, patch two files, write a file, answer: four model calls. */
export const TOOLS_SCRIPT: ScriptStep[] = [
  { output: [{ type: 'reasoning', summary: 'Let me look at hello.txt first.' }, exec('cat hello.txt')] },
  { output: [{ type: 'custom_tool_call', name: 'apply_patch', input: PATCH }] },
  { output: [exec('echo hi > out.txt && cat out.txt')] },
  say('Done: read hello.txt, patched it, added notes.txt and wrote out.txt.'),
];

/**
 * TOOLS_SCRIPT with a first command that is not known-safe (it writes), so that both servers ask
 * for all three tool calls under `untrusted` (a known-safe `cat` is where they differ on purpose).
 */
export const UNTRUSTED_TOOLS_SCRIPT: ScriptStep[] = [
  { output: [{ type: 'reasoning', summary: 'Let me copy hello.txt first.' }, exec('cp hello.txt copy.txt')] },
  ...TOOLS_SCRIPT.slice(1),
];

/** The command an approval test declines: its file must never appear. */
export const SIDE_EFFECT_CMD = 'echo ran > side.txt';
export const SIDE_EFFECT_FILE = 'side.txt';
