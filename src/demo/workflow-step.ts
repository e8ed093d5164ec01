// A GitHub Actions step as the runner starts it, on this machine: the Action's
// entry (dist/action.js) as a child process with the variables a runner sets
// (GITHUB_*, RUNNER_TEMP, the GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, the
// ACTIONS_* credentials) and one INPUT_* per input of action.yml, its default
// applied where the step gives none. Used by `tern demo` and by the tests.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';

/** Events with a built-in payload; any other event needs `payload`. */
export type StepEvent = 'schedule' | 'workflow_dispatch' | 'push';

export interface WorkflowStep {
  /** dist/action.js */
  actionScript: string;
  /** action.yml, for the inputs and their defaults. */
  actionYml: string;
  owner: string;
  repo: string;
  /** GITHUB_WORKSPACE: the checkout. */
  checkout: string;
  /** RUNNER_TEMP (created if missing). */
  runnerTemp: string;
  apiUrl: string;
  serverUrl?: string;
  /** GITHUB_EVENT_NAME: a StepEvent, or any event whose `payload` is given. */
  event?: StepEvent | string;
  /** The event payload as GitHub would send it; built for a StepEvent when absent. */
  payload?: Record<string, unknown>;
  ref?: string;
  workflow?: string;
  runId?: string;
  /** The step's `with:`. */
  inputs: Record<string, string>;
  /** The job's GITHUB_TOKEN (the default of the github-token input) and the runner's own credentials. */
  credentials: { githubToken: string; runtimeToken?: string; idToken?: string };
  /** Variables of the machine to keep (PATH, HOME, ...). */
  baseEnv: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** The step's log as it arrives. */
  onOutput?: (chunk: string) => void;
}

export interface StepResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

const DEFAULT_TIMEOUT_MS = 300_000;
const KEPT_VARIABLES = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'TZ', 'TERM'];

export async function runWorkflowStep(step: WorkflowStep): Promise<StepResult> {
  mkdirSync(step.runnerTemp, { recursive: true });
  const outputFile = path.join(step.runnerTemp, 'github-output.txt');
  const summaryFile = path.join(step.runnerTemp, 'step-summary.md');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const child = execa(process.execPath, [step.actionScript], {
    env: runnerEnvironment(step, outputFile, summaryFile),
    extendEnv: false,
    cwd: step.checkout,
    reject: false,
    stdin: 'ignore',
    timeout: step.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  child.stdout?.on('data', (d: Buffer) => step.onOutput?.(d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => step.onOutput?.(d.toString('utf8')));
  const done = await child;
  return {
    exitCode: done.exitCode ?? -1,
    stdout: String(done.stdout),
    stderr: String(done.stderr),
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
  };
}

function runnerEnvironment(step: WorkflowStep, outputFile: string, summaryFile: string): Record<string, string> {
  const event = step.event ?? 'workflow_dispatch';
  const ref = step.ref ?? 'refs/heads/main';
  const sha = readHead(step.checkout);
  const eventPath = path.join(step.runnerTemp, 'event.json');
  const payload = step.payload ?? eventPayload(event as StepEvent, ref, sha, step.owner, step.repo);
  writeFileSync(eventPath, JSON.stringify(payload));
  const env: Record<string, string> = {};
  for (const name of KEPT_VARIABLES) if (step.baseEnv[name] !== undefined) env[name] = step.baseEnv[name]!;
  Object.assign(env, {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: `${step.owner}/${step.repo}`,
    GITHUB_REPOSITORY_OWNER: step.owner,
    GITHUB_SHA: sha,
    GITHUB_REF: ref,
    GITHUB_WORKSPACE: step.checkout,
    GITHUB_WORKFLOW: step.workflow ?? 'tern',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_API_URL: step.apiUrl,
    GITHUB_SERVER_URL: step.serverUrl ?? 'https://github.com',
    GITHUB_RUN_ID: step.runId ?? '1',
    RUNNER_TEMP: step.runnerTemp,
  });
  if (step.credentials.runtimeToken) env.ACTIONS_RUNTIME_TOKEN = step.credentials.runtimeToken;
  if (step.credentials.idToken) {
    env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = step.credentials.idToken;
    env.ACTIONS_ID_TOKEN_REQUEST_URL = 'http://127.0.0.1:9/_apis/token';
  }
  return { ...env, ...inputVariables(step) };
}

/** INPUT_* as the runner sets them: every input of action.yml, defaults applied, then `with:`. */
function inputVariables(step: WorkflowStep): Record<string, string> {
  const spec = parseYaml(readFileSync(step.actionYml, 'utf8')) as { inputs: Record<string, { default?: string }> };
  const expressions: Record<string, string> = { '${{ github.token }}': step.credentials.githubToken, '${{ github.workspace }}': step.checkout };
  const values: Record<string, string> = {};
  for (const [name, input] of Object.entries(spec.inputs)) values[name] = expressions[input.default ?? ''] ?? input.default ?? '';
  Object.assign(values, step.inputs);
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]));
}

/** The commit checked out, read from the files (the demo does not need git for this). */
function readHead(checkout: string): string {
  const gitDir = path.join(checkout, '.git');
  const head = readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
  if (!head.startsWith('ref: ')) return head;
  const ref = head.slice('ref: '.length);
  try {
    return readFileSync(path.join(gitDir, ref), 'utf8').trim();
  } catch {
    const packed = readFileSync(path.join(gitDir, 'packed-refs'), 'utf8');
    const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
    return line?.split(' ')[0] ?? '';
  }
}

/** Real payload shapes, trimmed to the fields a workflow reads. */
export function eventPayload(event: StepEvent, ref: string, sha: string, owner: string, repo: string): Record<string, unknown> {
  const repository = { id: 1, name: repo, full_name: `${owner}/${repo}`, owner: { login: owner, type: 'Organization' }, default_branch: 'main', private: false };
  const sender = { login: 'octocat', id: 583231, type: 'User' };
  switch (event) {
    case 'schedule':
      return { schedule: '17 3 * * *', repository, workflow: '.github/workflows/nightly.yml' };
    case 'push':
      return { ref, before: '0'.repeat(40), after: sha, created: false, deleted: false, forced: false, commits: [], head_commit: null, pusher: { name: 'octocat' }, repository, sender };
    case 'workflow_dispatch':
      return { inputs: { task: 'from the dispatch form' }, ref, repository, sender, workflow: '.github/workflows/tern.yml' };
    default:
      throw new Error(`no built-in payload for the ${String(event)} event: pass one`);
  }
}

/** The GITHUB_OUTPUT file: `name<<DELIMITER`, value lines, `DELIMITER` (as @actions/core writes it). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    out[m[1]!] = value.join('\n');
  }
  return out;
}
