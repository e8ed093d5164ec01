// The shell tool, offered under the name and argument shape of the Codex
// harness's `exec_command` so models trained on that harness call it correctly.
// Descriptions are our own words. The skeleton runs each command to completion
// (no PTY sessions / write_stdin yet); `yield_time_ms` is accepted and ignored.

import { ToolFailure } from '../util/errors.js';
import path from 'node:path';
import type { CommandAction } from '../protocol/v2.js';
import type { ToolSpec } from '../model/types.js';

export const EXEC_COMMAND = 'exec_command';

export const execCommandSpec: ToolSpec = {
  type: 'function',
  name: EXEC_COMMAND,
  description:
    'Run a shell command in the workspace and return its exit code and combined stdout/stderr. ' +
    'Use it to inspect files, run tests and builds, and use git. Commands run non-interactively.',
  strict: false,
  parameters: {
    type: 'object',
    properties: {
      cmd: { type: 'string', description: 'The shell command line to run.' },
      workdir: { type: 'string', description: 'Directory to run in; relative paths resolve against the workspace. Defaults to the workspace.' },
      shell: { type: 'string', description: 'Shell to run the command with. Defaults to bash.' },
      login: { type: 'boolean', description: 'Whether to start the shell as a login shell. Defaults to false.' },
      tty: { type: 'boolean', description: 'Ignored: commands always run without a terminal.' },
      yield_time_ms: { type: 'number', description: 'Accepted for compatibility; the command always runs to completion or timeout.' },
      max_output_tokens: { type: 'number', description: 'Upper bound on how much output is returned, in tokens (about 4 characters each).' },
      sandbox_permissions: {
        type: 'string',
        enum: ['use_default', 'require_escalated'],
        description: 'Set to `require_escalated` to ask for the command to run with more permissions than the sandbox allows.',
      },
      justification: { type: 'string', description: 'Why escalated permissions are needed, shown to the approver.' },
      prefix_rule: { type: 'array', items: { type: 'string' }, description: 'Command prefix the approver may allow for the rest of the session.' },
    },
    required: ['cmd'],
    additionalProperties: false,
  },
};

export interface ExecCommandArgs {
  cmd: string;
  workdir: string | null;
  shell: string;
  login: boolean;
  maxOutputTokens: number;
  escalated: boolean;
  justification: string | null;
}

export class ToolArgumentError extends ToolFailure {
  override name = 'ToolArgumentError';
}

export function parseExecCommandArgs(raw: string): ExecCommandArgs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new ToolArgumentError(`arguments are not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new ToolArgumentError('arguments must be a JSON object');
  const a = parsed as Record<string, unknown>;
  if (typeof a.cmd !== 'string' || a.cmd.trim() === '') throw new ToolArgumentError('`cmd` must be a non-empty string');
  return {
    cmd: a.cmd,
    workdir: typeof a.workdir === 'string' && a.workdir !== '' ? a.workdir : null,
    shell: typeof a.shell === 'string' && a.shell !== '' ? a.shell : 'bash',
    login: a.login === true,
    maxOutputTokens: typeof a.max_output_tokens === 'number' && a.max_output_tokens > 0 ? a.max_output_tokens : 10_000,
    escalated: a.sandbox_permissions === 'require_escalated',
    justification: typeof a.justification === 'string' ? a.justification : null,
  };
}

export function shellArgv(args: ExecCommandArgs): [string, ...string[]] {
  return [args.shell, args.login ? '-lc' : '-c', args.cmd];
}

/** How the command is shown to clients, e.g. `/bin/bash -c 'cat x'`. */
export function displayCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_\-./=:@%+,]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A best-effort reading of what a simple command does, for clients' display. */
export function commandActions(cmd: string, cwd: string): CommandAction[] {
  const words = cmd.trim().split(/\s+/);
  const simple = !/[|&;<>()$`]/.test(cmd);
  if (simple && words.length === 2 && ['cat', 'head', 'tail', 'less', 'more'].includes(words[0]!)) {
    const file = words[1]!;
    return [{ type: 'read', command: cmd, name: path.basename(file), path: path.resolve(cwd, file) }];
  }
  if (simple && (words[0] === 'ls' || words[0] === 'tree')) {
    const target = words.slice(1).find((w) => !w.startsWith('-')) ?? null;
    return [{ type: 'listFiles', command: cmd, path: target }];
  }
  if (simple && (words[0] === 'rg' || words[0] === 'grep')) {
    const rest = words.slice(1).filter((w) => !w.startsWith('-'));
    return [{ type: 'search', command: cmd, query: rest[0] ?? null, path: rest[1] ?? null }];
  }
  return [{ type: 'unknown', command: cmd }];
}

/** The text the model gets back for a finished command. */
export function formatCommandOutput(r: {
  exitCode: number;
  durationMs: number;
  output: string;
  timedOut: boolean;
  maxOutputTokens: number;
  /** Why the failure is probably the sandbox's doing (src/sandbox/tool-sandbox.ts). */
  sandboxNote?: string | null;
}): string {
  const limit = Math.max(256, r.maxOutputTokens * 4);
  const body = truncateMiddle(r.output, limit);
  const lines = [`Exit code: ${r.exitCode}`, `Wall time: ${(r.durationMs / 1000).toFixed(1)} seconds`];
  if (r.timedOut) lines.push('The command timed out and was killed.');
  lines.push('Output:', body);
  if (r.sandboxNote) lines.push(`Sandbox: ${r.sandboxNote}`);
  return lines.join('\n');
}

export function truncateMiddle(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const half = Math.floor(limit / 2);
  const dropped = text.length - 2 * half;
  return `${text.slice(0, half)}\n[... ${dropped} characters omitted ...]\n${text.slice(text.length - half)}`;
}
