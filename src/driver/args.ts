// `tern run` flags -> validated RunOptions. Every problem is one actionable line;
// the caller turns it into exit code 2 plus a usage hint.

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseCommandString } from 'execa';
import type { AskForApproval, SandboxMode } from '../protocol/v2.js';

export const APPROVAL_POLICIES = ['never', 'on-request', 'untrusted'] as const;
export const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
export const DEFAULT_TIMEOUT_SECONDS = 1800;
export const DEFAULT_OUT_DIR = 'tern-out';

export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number] & AskForApproval;

export interface RunOptions {
  /** Absolute. */
  cwd: string;
  prompt: string;
  /** Absolute; created by the run. */
  outDir: string;
  /** Server argv, `-c key=value` pairs already appended. */
  serverCommand: string[];
  /** The raw `-c` overrides, in order. */
  configOverrides: string[];
  model: string | null;
  approvalPolicy: ApprovalPolicy;
  sandbox: SandboxMode;
  timeoutMs: number;
}

export const USAGE = `Usage: tern run (--prompt TEXT | --prompt-file FILE) [options]

Runs one agent turn against a Codex-compatible app server and records it.

Options:
  --prompt TEXT               the task for the agent
  --prompt-file FILE          read the task from FILE
  --cwd DIR                   working directory of the agent (default: current dir)
  --out DIR                   artifact directory (default: ./${DEFAULT_OUT_DIR})
  --server-command "CMD"      app server to spawn (default: tern app-server),
                              e.g. "codex app-server"; split on spaces (escape a space as "\\ ")
  -c, --config key=value      config override passed to the server as -c key=value (repeatable)
  --model NAME                model for the thread
  --approval-policy POLICY    never | on-request | untrusted (default: never)
  --sandbox MODE              read-only | workspace-write | danger-full-access (default: workspace-write)
  --timeout SECONDS           interrupt the turn after this long (default: ${DEFAULT_TIMEOUT_SECONDS})
  -h, --help                  show this help

Artifacts written to --out: events.jsonl, diff.patch, result.json, server-stderr.log.
Exit codes: 0 turn completed, 1 turn failed or interrupted, 2 usage error,
            3 server/protocol error, 4 timeout.`;

export const USAGE_HINT = 'usage: tern run (--prompt TEXT | --prompt-file FILE) [--cwd DIR] [--out DIR] [options]; see tern run --help';

export class UsageError extends Error {
  override name = 'UsageError';
}

export type ParsedArgs = { help: true } | { help: false; options: RunOptions };

/** The default server: this same tern binary's `app-server` subcommand. */
export function defaultServerCommand(): string[] {
  return [process.execPath, fileURLToPath(import.meta.url), 'app-server'];
}

export function parseRunArgs(argv: string[], baseDir: string = process.cwd()): ParsedArgs {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (err) {
    throw new UsageError(cleanParseError(err));
  }
  if (values.help) return { help: true };

  // --prompt / --prompt-file: exactly one.
  if (values.prompt !== undefined && values['prompt-file'] !== undefined) {
    throw new UsageError('use either --prompt or --prompt-file, not both');
  }
  let prompt: string;
  if (values.prompt !== undefined) {
    prompt = values.prompt;
  } else if (values['prompt-file'] !== undefined) {
    const file = path.resolve(baseDir, values['prompt-file']);
    try {
      prompt = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --prompt-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  } else {
    throw new UsageError('missing the task: pass --prompt TEXT or --prompt-file FILE');
  }
  if (prompt.trim().length === 0) throw new UsageError('the prompt is empty');

  const cwd = path.resolve(baseDir, values.cwd ?? '.');
  let isDir = false;
  try {
    isDir = statSync(cwd).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new UsageError(`--cwd ${cwd} is not an existing directory`);

  const outDir = path.resolve(baseDir, values.out ?? DEFAULT_OUT_DIR);

  const approvalPolicy = oneOf('--approval-policy', values['approval-policy'] ?? 'never', APPROVAL_POLICIES);
  const sandbox = oneOf('--sandbox', values.sandbox ?? 'workspace-write', SANDBOX_MODES);

  let timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000;
  if (values.timeout !== undefined) {
    const seconds = Number(values.timeout);
    if (!/^\s*\d+(\.\d+)?\s*$/.test(values.timeout) || !Number.isFinite(seconds) || seconds <= 0) {
      throw new UsageError(`--timeout must be a positive number of seconds, got '${values.timeout}'`);
    }
    timeoutMs = Math.round(seconds * 1000);
  }

  const configOverrides = values.config ?? [];
  for (const kv of configOverrides) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`-c/--config expects key=value, got '${kv}'`);
  }

  let serverCommand: string[];
  if (values['server-command'] !== undefined) {
    serverCommand = parseCommandString(values['server-command'].trim());
    if (serverCommand.length === 0) throw new UsageError('--server-command is empty');
  } else {
    serverCommand = defaultServerCommand();
  }
  serverCommand = [...serverCommand, ...configOverrides.flatMap((kv) => ['-c', kv])];

  const model = values.model !== undefined ? values.model.trim() : null;
  if (model === '') throw new UsageError('--model is empty');

  return {
    help: false,
    options: { cwd, prompt, outDir, serverCommand, configOverrides, model, approvalPolicy, sandbox, timeoutMs },
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      cwd: { type: 'string' },
      prompt: { type: 'string' },
      'prompt-file': { type: 'string' },
      out: { type: 'string' },
      'server-command': { type: 'string' },
      config: { type: 'string', short: 'c', multiple: true },
      model: { type: 'string' },
      'approval-policy': { type: 'string' },
      sandbox: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}; got '${value}'`);
}

/** node:util parseArgs messages are multi-line and mention internals; keep the first sentence. */
function cleanParseError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const first = (e.message ?? String(err)).split('\n')[0]!.trim();
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return first.replace(/\. To specify a positional argument.*$/, '');
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `${first} (quote the prompt: --prompt "…")`;
    default:
      return first;
  }
}
