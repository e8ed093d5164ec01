// The file-editing tool, offered under the Codex harness's name `apply_patch`
// as a freeform (custom) tool whose input is the raw patch text, constrained by
// a grammar. The grammar and description are ours; the patch format is the one
// documented in src/tools/apply-patch/.

import type { ToolSpec } from '../model/types.js';

export const APPLY_PATCH = 'apply_patch';

const PATCH_GRAMMAR = [
  'start: "*** Begin Patch" NL operation+ "*** End Patch" NL?',
  'operation: add_file | delete_file | update_file',
  'add_file: "*** Add File: " PATH NL added_line+',
  'delete_file: "*** Delete File: " PATH NL',
  'update_file: "*** Update File: " PATH NL move_to? hunk+',
  'move_to: "*** Move to: " PATH NL',
  'hunk: hunk_header? body_line+ end_of_file?',
  'hunk_header: ("@@" | "@@ " TEXT) NL',
  'added_line: "+" TEXT? NL',
  'body_line: (" " | "-" | "+") TEXT? NL',
  'end_of_file: "*** End of File" NL',
  'PATH: /[^\\n]+/',
  'TEXT: /[^\\n]+/',
  'NL: "\\n"',
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
