// The file-editing tool, offered under the Codex harness's name `apply_patch`
// as a freeform (custom) tool whose input is the raw patch text, constrained by
// a grammar. The grammar and description are ours; the patch format is the one
// documented in src/tools/apply-patch/.

import type { ToolSpec } from '../model/types.js';

export const APPLY_PATCH = 'apply_patch';

// A contextual lexer keeps LINE from swallowing the `*** ...` headers: at every
// point where a header may start, LINE is not among the expected terminals.
export const PATCH_GRAMMAR = [
  'start: begin_patch operation+ end_patch',
  'begin_patch: "*** Begin Patch" LF',
  'end_patch: "*** End Patch" LF?',
  'operation: add_file | delete_file | update_file',
  'add_file: "*** Add File: " LINE LF plus_line+',
  'delete_file: "*** Delete File: " LINE LF',
  'update_file: "*** Update File: " LINE LF move_to? hunk_lines?',
  'move_to: "*** Move to: " LINE LF',
  'hunk_lines: (hunk_header | diff_line)+ end_of_file?',
  'hunk_header: "@@" (" " LINE)? LF',
  'plus_line: "+" LINE? LF',
  'diff_line: (" " | "-" | "+") LINE? LF',
  'end_of_file: "*** End of File" LF',
  'LINE: /[^\\n]+/',
  'LF: "\\n"',
].join('\n');

export const applyPatchSpec: ToolSpec = {
  type: 'custom',
  name: APPLY_PATCH,
  description:
    'Create, edit, move or delete files by sending a patch as plain text (not JSON). ' +
    'Wrap it in "*** Begin Patch" / "*** End Patch"; use "*** Add File: <path>" with "+" lines, ' +
    '"*** Delete File: <path>", or "*** Update File: <path>" followed by "@@" hunks whose lines start with " ", "-" or "+". ' +
    'Paths are relative to the workspace.',
  format: { type: 'grammar', syntax: 'lark', definition: PATCH_GRAMMAR },
};
