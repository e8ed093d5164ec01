/**
 * Parser for the `apply_patch` envelope format.
 *
 * A patch is a list of file operations wrapped between `*** Begin Patch` and
 * `*** End Patch`. Each operation starts with a header line (`*** Add File:`,
 * `*** Delete File:`, `*** Update File:`); updates carry one or more hunks made
 * of context (` `), removed (`-`) and added (`+`) lines, optionally preceded by
 * `@@ <anchor>` lines that locate the hunk.
 */

import { ToolFailure } from '../../util/errors.js';
export type PatchOperation =
  | { type: 'add'; path: string; contents: string }
  | { type: 'delete'; path: string }
  | { type: 'update'; path: string; movePath: string | null; chunks: PatchChunk[] };

export interface PatchChunk {
  /** Lines (from `@@ <anchor>` headers) that must be found, in order, before the hunk's old lines. */
  anchors: string[];
  /** Context and removed lines, in file order. */
  oldLines: string[];
  /** Context and added lines, in file order. */
  newLines: string[];
  /** The hunk ended with `*** End of File`: its old lines must sit at the end of the file. */
  isEndOfFile: boolean;
}

export class PatchParseError extends ToolFailure {
  /** 1-based line number in the patch text the error refers to, when there is one. */
  readonly lineNumber: number | null;

  constructor(message: string, lineNumber: number | null = null) {
    super(lineNumber === null ? message : `${message} (patch line ${lineNumber})`);
    this.name = 'PatchParseError';
    this.lineNumber = lineNumber;
  }
}

const BEGIN_MARKER = '*** Begin Patch';
const END_MARKER = '*** End Patch';
const ADD_PREFIX = '*** Add File:';
const DELETE_PREFIX = '*** Delete File:';
const UPDATE_PREFIX = '*** Update File:';
const MOVE_PREFIX = '*** Move to:';
const EOF_MARKER = '*** End of File';

/** A unified-diff range header such as `-12,3 +12,4 @@`, which some models put after `@@`. */
const UNIFIED_RANGE = /^-\d+(?:,\d+)? \+\d+(?:,\d+)? @@\s?/;

interface Line {
  text: string;
  /** 1-based line number in the original patch text. */
  number: number;
}

/**
 * A line that ends the body of the current operation: any `***` line other than
 * `*** End of File` (unknown ones are then reported as unknown headers).
 */
function endsBody(text: string): boolean {
  return text.startsWith('***') && text.trim() !== EOF_MARKER;
}

function headerPath(line: Line, prefix: string): string {
  const path = line.text.slice(prefix.length).trim();
  if (path === '') {
    throw new PatchParseError(`Missing path after '${prefix}'`, line.number);
  }
  return path;
}

/** Parses the text after `@@` into an anchor line, or null when there is none. */
function parseAnchor(text: string): string | null {
  let rest = text.slice(2);
  if (rest.startsWith(' ')) rest = rest.slice(1);
  rest = rest.replace(UNIFIED_RANGE, '');
  return rest.trim() === '' ? null : rest;
}

/**
 * Parses patch text into file operations. Throws `PatchParseError` describing the
 * first problem found and the line number it was found on.
 */
export function parsePatch(text: string): PatchOperation[] {
  const raw = text.split(/\r?\n/);
  let first = 0;
  let last = raw.length - 1;
  while (first <= last && (raw[first] ?? '').trim() === '') first++;
  while (last >= first && (raw[last] ?? '').trim() === '') last--;
  if (first > last) {
    throw new PatchParseError('Patch is empty: expected a first line of ' + `'${BEGIN_MARKER}'`);
  }

  const lines: Line[] = [];
  for (let i = first; i <= last; i++) lines.push({ text: raw[i] ?? '', number: i + 1 });

  const head = lines[0]!;
  if (head.text.trim() !== BEGIN_MARKER) {
    throw new PatchParseError(`The first line of the patch must be '${BEGIN_MARKER}'`, head.number);
  }
  const tail = lines[lines.length - 1]!;
  if (lines.length < 2 || tail.text.trim() !== END_MARKER) {
    throw new PatchParseError(`The last line of the patch must be '${END_MARKER}'`, tail.number);
  }

  const body = lines.slice(1, -1);
  const ops: PatchOperation[] = [];
  let i = 0;

  while (i < body.length) {
    const line = body[i]!;
    const t = line.text;

    if (t.startsWith(ADD_PREFIX)) {
      const path = headerPath(line, ADD_PREFIX);
      i++;
      const contentLines: string[] = [];
      while (i < body.length && !endsBody(body[i]!.text)) {
        const l = body[i]!;
        if (!l.text.startsWith('+')) {
          throw new PatchParseError(
            `Invalid line in Add File '${path}': every line must start with '+', got '${l.text}'`,
            l.number,
          );
        }
        contentLines.push(l.text.slice(1));
        i++;
      }
      const contents = contentLines.length === 0 ? '' : contentLines.join('\n') + '\n';
      ops.push({ type: 'add', path, contents });
      continue;
    }

    if (t.startsWith(DELETE_PREFIX)) {
      const path = headerPath(line, DELETE_PREFIX);
      i++;
      const next = body[i];
      if (next !== undefined && !endsBody(next.text)) {
        throw new PatchParseError(
          `Unexpected line after Delete File '${path}': '${next.text}' (a delete takes no body)`,
          next.number,
        );
      }
      ops.push({ type: 'delete', path });
      continue;
    }

    if (t.startsWith(UPDATE_PREFIX)) {
      const path = headerPath(line, UPDATE_PREFIX);
      i++;
      let movePath: string | null = null;
      const moveLine = body[i];
      if (moveLine !== undefined && moveLine.text.startsWith(MOVE_PREFIX)) {
        movePath = headerPath(moveLine, MOVE_PREFIX);
        i++;
      }

      const chunks: PatchChunk[] = [];
      let current: PatchChunk | null = null;
      /** Whether `current` already has body lines (so a new `@@` starts a new hunk). */
      let currentHasBody = false;
      /** Line where the current hunk started, for error messages. */
      let currentStart = line.number;

      const finish = (): void => {
        if (current === null) return;
        if (!currentHasBody) {
          throw new PatchParseError(
            `Hunk in Update File '${path}' has no lines (a '@@' line must be followed by context, '-' or '+' lines)`,
            currentStart,
          );
        }
        chunks.push(current);
        current = null;
        currentHasBody = false;
      };

      while (i < body.length && !endsBody(body[i]!.text)) {
        const l = body[i]!;
        const lt = l.text;

        if (lt === '@@' || lt.startsWith('@@ ')) {
          if (current !== null && currentHasBody) finish();
          if (current === null) {
            current = { anchors: [], oldLines: [], newLines: [], isEndOfFile: false };
            currentStart = l.number;
          }
          const anchor = parseAnchor(lt);
          if (anchor !== null) current.anchors.push(anchor);
          i++;
          continue;
        }

        if (lt.trim() === EOF_MARKER) {
          if (current === null || !currentHasBody) {
            throw new PatchParseError(
              `'${EOF_MARKER}' must follow the lines of a hunk in Update File '${path}'`,
              l.number,
            );
          }
          current.isEndOfFile = true;
          finish();
          i++;
          continue;
        }

        const prefix = lt.charAt(0);
        if (lt === '' || prefix === ' ' || prefix === '-' || prefix === '+') {
          if (current === null) {
            if (chunks.length > 0) {
              throw new PatchParseError(
                `Hunk line without a preceding '@@' in Update File '${path}': '${lt}'`,
                l.number,
              );
            }
            current = { anchors: [], oldLines: [], newLines: [], isEndOfFile: false };
            currentStart = l.number;
          }
          const content = lt.slice(1);
          if (lt === '' || prefix === ' ') {
            current.oldLines.push(content);
            current.newLines.push(content);
          } else if (prefix === '-') {
            current.oldLines.push(content);
          } else {
            current.newLines.push(content);
          }
          currentHasBody = true;
          i++;
          continue;
        }

        throw new PatchParseError(
          `Invalid hunk line in Update File '${path}': '${lt}' (expected a line starting with ' ', '-', '+' or '@@')`,
          l.number,
        );
      }
      finish();

      if (chunks.length === 0) {
        throw new PatchParseError(`Update File '${path}' has no hunks`, line.number);
      }
      ops.push({ type: 'update', path, movePath, chunks });
      continue;
    }

    if (t.startsWith(MOVE_PREFIX)) {
      throw new PatchParseError(
        `'${MOVE_PREFIX}' must directly follow an '${UPDATE_PREFIX}' line`,
        line.number,
      );
    }
    throw new PatchParseError(
      `Unknown line '${t}': expected '${ADD_PREFIX}', '${DELETE_PREFIX}' or '${UPDATE_PREFIX}'`,
      line.number,
    );
  }

  if (ops.length === 0) {
    throw new PatchParseError('Patch contains no file operations', tail.number);
  }
  return ops;
}
