// `tern run` flags -> validated RunOptions. Every problem is one actionable line;
// the caller turns it into exit code 2 plus a usage hint.

import { UsageFailure } from '../util/errors.js';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { distDir } from '../util/dist-dir.js';
import type { AskForApproval, SandboxMode } from '../protocol/v2.js';
import type { BudgetLimits } from './budgets.js';

export const APPROVAL_POLICIES = ['never', 'on-request', 'untrusted'] as const;
export const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
export const DEFAULT_TIMEOUT_SECONDS = 1800;
export const DEFAULT_OUT_DIR = 'tern-out';
/** The policy preset a review runs under unless --policy names another. */
export const REVIEW_POLICY_PRESET = 'read-only-review';

export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number] & AskForApproval;

export interface RunOptions {
  /** Absolute. */
  cwd: string;
  /** The task; empty in review mode (the review request is the server's). */
  prompt: string;
  /** --review BASE: review the current branch against BASE (`review/start`) instead of a task turn. */
  review: string | null;
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
  budgets: BudgetLimits;
  /** --price-table FILE, or null for the built-in prices. */
  priceTable: string | null;
  /** Names of environment variables whose values are secrets (besides the ones guessed by name). */
  secretEnv: string[];
  /** Print result.json on stdout. */
  json: boolean;
  /** --policy FILE or preset name. */
  policy: string | null;
  /** --resume THREAD_ID. */
  resume: string | null;
  /** --thread-store DIR: the server's home (TERN_HOME / CODEX_HOME). */
  threadStore: string | null;
}

export const USAGE = `Usage: tern run (--prompt TEXT | --prompt-file FILE | --review BASE) [options]

Runs one agent turn against a Codex-compatible app server and records it.

Options:
  --prompt TEXT               the task for the agent
  --prompt-file FILE          read the task from FILE
  --review BASE               review the current branch against BASE (a branch, ref or commit) with
                              review/start instead of a task; the findings go to result.json (review).
                              Implies --sandbox read-only and --policy read-only-review unless given
  --cwd DIR                   working directory of the agent (default: current dir)
  --out DIR                   artifact directory (default: ./${DEFAULT_OUT_DIR})
  --server-command "CMD"      app server to spawn (default: tern app-server),
                              e.g. "codex app-server"; split on spaces (escape a space as "\\ ")
  -c, --config key=value      config override passed to the server as -c key=value (repeatable)
  --model NAME                model for the thread
  --approval-policy POLICY    never | on-request | untrusted (default: never)
  --policy FILE|PRESET        decide approval requests by a policy file or a preset
                              (read-only-review, fix-tests, trusted); runs the server under untrusted
  --sandbox MODE              read-only | workspace-write | danger-full-access (default: workspace-write)
  --timeout SECONDS           wall-time budget: interrupt the turn after this long (default: ${DEFAULT_TIMEOUT_SECONDS})
  --max-requests N            interrupt the turn after N model requests
  --max-tool-calls N          interrupt the turn after N tool calls (commands and patches)
  --max-tokens N              interrupt the turn once it has used N tokens
  --max-cost USD              interrupt the turn once its estimated cost reaches USD
  --price-table FILE          JSON prices per model, USD per 1M tokens: {"m": {"input", "cachedInput", "output"}}
  --secret-env NAME           treat the value of $NAME as a secret to redact (repeatable)
  --resume THREAD_ID          continue a thread from the thread store
  --thread-store DIR          where the server keeps threads (sets TERN_HOME and CODEX_HOME)
  --json                      print result.json on stdout
  -h, --help                  show this help

Artifacts written to --out: events.jsonl, transcript.md, summary.md, report.html,
diff.patch, result.json, server-stderr.log.

Outcomes and exit codes:
  0  success (the turn completed and changed files) or no_changes (completed, nothing changed)
  1  failed: the turn failed (model or API error)      5  failed: a budget was reached
  2  usage error (flags, files)                        6  failed: interrupted (SIGINT/SIGTERM)
  3  failed: the app server crashed or misbehaved      7  failed: internal error in tern run
  4  failed: --timeout                                  8  failed: the --policy cancelled the turn

Examples:
  tern run --prompt "Fix the failing test" --out ./tern-out
  tern run --prompt-file task.md --policy fix-tests --max-cost 2 --json
  tern run --prompt "Review" --sandbox read-only --server-command "codex app-server"
  tern run --review origin/main --json`;

export const USAGE_HINT = 'usage: tern run (--prompt TEXT | --prompt-file FILE | --review BASE) [--cwd DIR] [--out DIR] [options]; see tern run --help';

export class UsageError extends UsageFailure {
  override name = 'UsageError';
}

export type ParsedArgs = { help: true } | { help: false; options: RunOptions };

/** The default server: this same tern binary's `app-server` subcommand. */
export function defaultServerCommand(): string[] {
  return [process.execPath, path.join(distDir(import.meta.url), 'tern.js'), 'app-server'];
}

export function parseRunArgs(argv: string[], baseDir: string = process.cwd()): ParsedArgs {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (err) {
    throw new UsageError(cleanParseError(err));
  }
  if (values.help) return { help: true };

  const review = reviewBase(values.review, values.prompt !== undefined || values['prompt-file'] !== undefined);
  const prompt = review === null ? readTask(values.prompt, values['prompt-file'], baseDir) : '';

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
  const sandbox = oneOf('--sandbox', values.sandbox ?? (review !== null ? 'read-only' : 'workspace-write'), SANDBOX_MODES);
  if (review !== null && sandbox !== 'read-only') throw new UsageError(`--review runs under --sandbox read-only; got '${sandbox}'`);

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
    serverCommand = splitCommand(values['server-command']);
    if (serverCommand.length === 0) throw new UsageError('--server-command is empty');
  } else {
    serverCommand = defaultServerCommand();
  }
  serverCommand = [...serverCommand, ...configOverrides.flatMap((kv) => ['-c', kv])];

  const model = values.model !== undefined ? values.model.trim() : null;
  if (model === '') throw new UsageError('--model is empty');

  const budgets: BudgetLimits = {
    maxRequests: countFlag('--max-requests', values['max-requests']),
    maxToolCalls: countFlag('--max-tool-calls', values['max-tool-calls']),
    maxTokens: countFlag('--max-tokens', values['max-tokens']),
    maxCostUsd: amountFlag('--max-cost', values['max-cost']),
  };
  const secretEnv = values['secret-env'] ?? [];
  for (const name of secretEnv) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--secret-env takes a variable name, got '${name}'`);
  }
  const optionalPath = (v: string | undefined) => (v === undefined ? null : path.resolve(baseDir, v));

  return {
    help: false,
    options: {
      cwd, prompt, review, outDir, serverCommand, configOverrides, model, approvalPolicy, sandbox, timeoutMs, budgets,
      priceTable: optionalPath(values['price-table']),
      secretEnv,
      json: values.json ?? false,
      policy: values.policy ?? (review !== null ? REVIEW_POLICY_PRESET : null),
      resume: values.resume ?? null,
      threadStore: optionalPath(values['thread-store']),
    },
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
      review: { type: 'string' },
      out: { type: 'string' },
      'server-command': { type: 'string' },
      config: { type: 'string', short: 'c', multiple: true },
      model: { type: 'string' },
      'approval-policy': { type: 'string' },
      sandbox: { type: 'string' },
      timeout: { type: 'string' },
      'max-requests': { type: 'string' },
      'max-tool-calls': { type: 'string' },
      'max-tokens': { type: 'string' },
      'max-cost': { type: 'string' },
      'price-table': { type: 'string' },
      'secret-env': { type: 'string', multiple: true },
      json: { type: 'boolean' },
      policy: { type: 'string' },
      resume: { type: 'string' },
      'thread-store': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/**
 * --server-command: words split on runs of spaces; a backslash before a space makes it part
 * of the word (`my\ server` is one word). No quotes, no other escapes: the rules execa's
 * parseCommandString has, written here so parsing flags does not load execa.
 */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  const trimmed = text.trim();
  if (trimmed === '') return words;
  for (const piece of trimmed.split(/ +/)) {
    const last = words.at(-1);
    if (last !== undefined && last.endsWith('\\')) words[words.length - 1] = `${last.slice(0, -1)} ${piece}`;
    else words.push(piece);
  }
  return words;
}

/** --prompt / --prompt-file: exactly one, not empty. */
function readTask(promptFlag: string | undefined, promptFile: string | undefined, baseDir: string): string {
  if (promptFlag !== undefined && promptFile !== undefined) throw new UsageError('use either --prompt or --prompt-file, not both');
  let prompt: string;
  if (promptFlag !== undefined) {
    prompt = promptFlag;
  } else if (promptFile !== undefined) {
    const file = path.resolve(baseDir, promptFile);
    try {
      prompt = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --prompt-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  } else {
    throw new UsageError('missing the task: pass --prompt TEXT, --prompt-file FILE or --review BASE');
  }
  if (prompt.trim().length === 0) throw new UsageError('the prompt is empty');
  return prompt;
}

/** --review BASE: a ref or commit name git accepts, never an option; not combined with a task. */
function reviewBase(value: string | undefined, hasTask: boolean): string | null {
  if (value === undefined) return null;
  if (hasTask) throw new UsageError('--review takes no --prompt or --prompt-file: the review request is built in');
  const base = value.trim();
  if (base === '' || base.startsWith('-') || /[\s\x00-\x1f~^:?*[\\]|\.\.|@\{/.test(base)) {
    throw new UsageError(`--review takes a branch, ref or commit id, got '${value}'`);
  }
  return base;
}

function countFlag(flag: string, value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`${flag} must be a positive whole number, got '${value}'`);
  return Number(value);
}

function amountFlag(flag: string, value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new UsageError(`${flag} must be a positive amount in USD, got '${value}'`);
  return Number(value);
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
