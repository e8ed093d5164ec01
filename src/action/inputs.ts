// action.yml inputs -> validated ActionInputs. The runner passes input `foo-bar` as
// the variable INPUT_FOO-BAR (spaces become '_', upper-cased; the same rule as
// @actions/core getInput). We read them from the map `takeSecrets` returned,
// because by then they are gone from the environment. Every problem is one
// line that names the input and says what would be accepted.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TernError } from '../util/errors.js';
import { ISOLATION_MODES, type IsolationMode } from '../sandbox/isolated-phase.js';

/** What the step was asked to do; `auto` is resolved from the event by `resolveMode`. */
export const MODES = ['run', 'fix-tests', 'review', 'mention', 'auto'] as const;
/** tern never approves a pull request. */
const REVIEW_EVENTS = ['COMMENT', 'REQUEST_CHANGES'] as const;
const DEFAULT_TRIGGER_PHRASE = '@tern';
/** Every bot login ends so; GitHub does not let a user pick such a name. */
const BOT_SUFFIX = '[bot]';
const APPROVAL_POLICIES = ['never', 'on-request', 'untrusted'] as const;
const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
const WIRE_APIS = ['responses', 'chat'] as const;
const DEFAULT_TIMEOUT_MINUTES = 30;
const DEFAULT_MAX_DIFF_LINES = 2000;
const DEFAULT_AUTHOR = 'tern[bot] <tern-bot@users.noreply.github.com>';
/** A trailing `Name <email>`; the name may be empty only if the email is given. */
const AUTHOR_PATTERN = /^\s*([^<>]+?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/;

export type Mode = (typeof MODES)[number];
export type ReviewEvent = (typeof REVIEW_EVENTS)[number];

export interface ActionInputs {
  mode: Mode;
  /** The user's task (prompt or prompt-file), or null (fix-tests without one). */
  prompt: string | null;
  workingDirectory: string;
  testCommand: string | null;
  /** review: the PR to review when the event carries none (workflow_dispatch). */
  prNumber: number | null;
  reviewEvent: ReviewEvent;
  /** mention: the phrase that starts a run, matched on a word boundary. */
  triggerPhrase: string;
  /** mention: bot logins (`name[bot]`) allowed to trigger a run; no wildcard. */
  allowBots: string[];
  openaiApiKey: string;
  model: string | null;
  baseUrl: string | null;
  wireApi: (typeof WIRE_APIS)[number];
  /** Extra `key=value` lines, passed as -c flags. */
  config: string[];
  approvalPolicy: (typeof APPROVAL_POLICIES)[number];
  sandbox: (typeof SANDBOX_MODES)[number];
  timeoutMinutes: number;
  agentIsolation: IsolationMode;
  githubToken: string;
  createPr: boolean;
  draft: boolean;
  branchPrefix: string;
  branch: string | null;
  base: string | null;
  title: string | null;
  labels: string[];
  reviewers: string[];
  commitAuthor: { name: string; email: string };
  allowWorkflowChanges: boolean;
  /** 0 means no limit. */
  maxDiffLines: number;
  uploadArtifacts: boolean;
  artifactName: string;
}

export class InputError extends TernError {
  static override defaultCategory = 'usage' as const;
  override name = 'InputError';
  constructor(message: string) {
    super('bad_input', message);
  }
}

/** The variable the runner sets for an input. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export function parseInputs(inputs: Map<string, string>, cwd: string = process.cwd()): ActionInputs {
  const get = (name: string): string => (inputs.get(inputVariable(name)) ?? '').trim();
  const optional = (name: string): string | null => get(name) || null;

  const mode = oneOf('mode', get('mode') || 'run', MODES);
  const workingDirectory = path.resolve(cwd, get('working-directory') || '.');
  const prompt = readPrompt(get('prompt'), get('prompt-file'), workingDirectory);
  const testCommand = optional('test-command');
  if (mode === 'run' && prompt === null) throw new InputError('mode run needs a task: set the prompt or prompt-file input');
  if (mode === 'fix-tests' && testCommand === null) throw new InputError('mode fix-tests needs the test-command input (for example: npm test)');

  return {
    mode,
    prompt,
    workingDirectory,
    testCommand,
    prNumber: optionalWholeNumber('pr-number', get('pr-number')),
    reviewEvent: reviewEvent(get('review-event')),
    triggerPhrase: triggerPhrase(get('trigger-phrase')),
    allowBots: allowBots(get('allow-bots')),
    openaiApiKey: get('openai-api-key'),
    model: optional('model'),
    baseUrl: optionalUrl('base-url', get('base-url')),
    wireApi: oneOf('wire-api', get('wire-api') || 'responses', WIRE_APIS),
    config: configLines(get('config')),
    approvalPolicy: oneOf('approval-policy', get('approval-policy') || 'never', APPROVAL_POLICIES),
    sandbox: oneOf('sandbox', get('sandbox') || 'workspace-write', SANDBOX_MODES),
    timeoutMinutes: positiveNumber('timeout-minutes', get('timeout-minutes'), DEFAULT_TIMEOUT_MINUTES),
    agentIsolation: oneOf('agent-isolation', get('agent-isolation') || 'pid-namespace', ISOLATION_MODES),
    githubToken: get('github-token'),
    createPr: bool('create-pr', get('create-pr'), true),
    draft: bool('draft', get('draft'), false),
    branchPrefix: get('branch-prefix') || 'tern/',
    branch: optional('branch'),
    base: optional('base'),
    title: optional('title'),
    labels: list(get('labels')),
    reviewers: list(get('reviewers')).map((r) => r.replace(/^@/, '')),
    commitAuthor: author(get('commit-author') || DEFAULT_AUTHOR),
    allowWorkflowChanges: bool('allow-workflow-changes', get('allow-workflow-changes'), false),
    maxDiffLines: wholeNumber('max-diff-lines', get('max-diff-lines'), DEFAULT_MAX_DIFF_LINES),
    uploadArtifacts: bool('upload-artifacts', get('upload-artifacts'), true),
    artifactName: get('artifact-name') || 'tern-run',
  };
}

function reviewEvent(value: string): ReviewEvent {
  const upper = (value || 'COMMENT').toUpperCase();
  if (upper === 'APPROVE') throw new InputError('input review-event: tern never approves a pull request; use COMMENT or REQUEST_CHANGES');
  return oneOf('review-event', upper, REVIEW_EVENTS);
}

function triggerPhrase(value: string): string {
  const phrase = value || DEFAULT_TRIGGER_PHRASE;
  if (/\s/.test(phrase)) throw new InputError(`input trigger-phrase must be one word such as @tern; got '${phrase}'`);
  return phrase;
}

/** Bots only by full login: `*` would let any app's bot (and anyone who can make one) start runs. */
function allowBots(value: string): string[] {
  const bots = list(value);
  for (const bot of bots) {
    if (bot.includes('*')) throw new InputError("input allow-bots does not accept '*': list each bot login, such as renovate[bot]");
    if (!bot.endsWith(BOT_SUFFIX)) throw new InputError(`input allow-bots lists bot logins ending in ${BOT_SUFFIX}; got '${bot}'`);
  }
  return bots;
}

function optionalWholeNumber(name: string, value: string): number | null {
  if (value === '') return null;
  if (!/^[1-9]\d*$/.test(value)) throw new InputError(`input ${name} must be a pull request number; got '${value}'`);
  return Number(value);
}

function readPrompt(prompt: string, promptFile: string, workingDirectory: string): string | null {
  if (prompt && promptFile) throw new InputError('set either prompt or prompt-file, not both');
  if (prompt) return prompt;
  if (!promptFile) return null;
  const file = path.resolve(workingDirectory, promptFile);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read prompt-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (text.trim() === '') throw new InputError(`prompt-file ${file} is empty`);
  return text;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`input ${name} must be one of ${allowed.join(', ')}; got '${value}'`);
}

/** The YAML 1.2 core-schema booleans, as @actions/core getBooleanInput accepts them. */
function bool(name: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(`input ${name} must be true or false; got '${value}'`);
}

function positiveNumber(name: string, value: string, fallback: number): number {
  if (value === '') return fallback;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) throw new InputError(`input ${name} must be a positive number; got '${value}'`);
  return n;
}

function wholeNumber(name: string, value: string, fallback: number): number {
  if (value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new InputError(`input ${name} must be a whole number (0 for no limit); got '${value}'`);
  return Number(value);
}

function optionalUrl(name: string, value: string): string | null {
  if (value === '') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`input ${name} must be an http(s) URL; got '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`input ${name} must be an http(s) URL; got '${value}'`);
  return value;
}

function list(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function configLines(value: string): string[] {
  const lines = value
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
  for (const line of lines) {
    if (line.indexOf('=') <= 0) throw new InputError(`input config: each line must be key=value; got '${line}'`);
  }
  return lines;
}

function author(value: string): { name: string; email: string } {
  const m = AUTHOR_PATTERN.exec(value);
  if (!m) throw new InputError(`input commit-author must look like 'Name <email>'; got '${value}'`);
  return { name: m[1]!, email: m[2]! };
}
