/**
 * A workflow step as GitHub runs it, on this machine: `node dist/action.js` as a real
 * process with the variables the runner sets (GITHUB_*, RUNNER_TEMP, the file
 * commands, INPUT_* with action.yml's defaults applied), a checkout whose origin is a
 * bare repository, the scripted model server, and the GitHub REST stand-in.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startGitHubStandIn, type GitHubStandIn } from '../../src/demo/github-stand-in/index.js';
import { startModelServer, type ModelServer } from '../../src/demo/model-server/server.js';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { runWorkflowStep } from '../../src/demo/workflow-step.js';
import { git } from './git-repo.js';
import { REPO_ROOT } from './protocol-schema.js';

export const ACTION_BIN = path.join(REPO_ROOT, 'dist', 'action.js');
export const OWNER = 'octo-org';
export const REPO = 'widgets';
const ACTION_TIMEOUT_MS = 120_000;

/** Canary credentials: each must never reach the agent phase, an artifact or the model. */
export interface Canaries {
  githubToken: string;
  runtimeToken: string;
  idToken: string;
  modelKey: string;
}

export interface ActionWorld {
  root: string;
  /** The checkout (GITHUB_WORKSPACE); origin is `remote`. */
  checkout: string;
  /** A bare repository standing in for github.com/OWNER/REPO. */
  remote: string;
  model: ModelServer;
  github: GitHubStandIn;
  canaries: Canaries;
  run(opts: RunOptions): Promise<ActionRun>;
  close(): Promise<void>;
}

export interface RunOptions {
  inputs: Record<string, string>;
  /** A built-in event, or any event with its `payload` (see test/support/action-events.ts). */
  event?: string;
  payload?: Record<string, unknown>;
  ref?: string;
  workflow?: string;
  runId?: string;
}

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  runnerTemp: string;
}

export async function createActionWorld(files: Record<string, string>, script: ScriptStep[]): Promise<ActionWorld> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'tern-action-'));
  const remote = path.join(root, 'remote.git');
  const seed = path.join(root, 'seed');
  mkdirSync(seed);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(seed, rel)), { recursive: true });
    writeFileSync(path.join(seed, rel), content);
  }
  git(seed, 'init', '-q', '-b', 'main');
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'initial');
  git(root, 'clone', '-q', '--bare', seed, remote);
  const checkout = path.join(root, 'workspace');
  git(root, 'clone', '-q', remote, checkout);

  const model = await startModelServer({ script, onExhausted: 'error' });
  const github = await startGitHubStandIn({ owner: OWNER, repo: REPO, defaultBranch: 'main' });
  const canaries: Canaries = {
    githubToken: `ghs_canary${randomUUID().replace(/-/g, '')}`,
    runtimeToken: `runtime-canary-${randomUUID()}`,
    idToken: `idtoken-canary-${randomUUID()}`,
    modelKey: `sk-canary-${randomUUID()}`,
  };
  let runs = 0;
  return {
    root,
    checkout,
    remote,
    model,
    github,
    canaries,
    run: (opts) => runAction({ root, checkout, model, github, canaries }, opts, ++runs),
    close: async () => {
      await model.close();
      await github.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function runAction(
  w: Pick<ActionWorld, 'root' | 'checkout' | 'model' | 'github' | 'canaries'>,
  opts: RunOptions,
  n: number,
): Promise<ActionRun> {
  const runnerTemp = path.join(w.root, `runner-temp-${n}`);
  const result = await runWorkflowStep({
    actionScript: ACTION_BIN,
    actionYml: path.join(REPO_ROOT, 'action.yml'),
    owner: OWNER,
    repo: REPO,
    checkout: w.checkout,
    runnerTemp,
    apiUrl: w.github.url,
    event: opts.event ?? 'workflow_dispatch',
    ...(opts.payload ? { payload: opts.payload } : {}),
    ref: opts.ref ?? 'refs/heads/main',
    workflow: opts.workflow ?? 'nightly fix',
    runId: opts.runId ?? String(1000 + n),
    inputs: { 'openai-api-key': w.canaries.modelKey, 'base-url': w.model.url, model: 'gpt-5.5', ...opts.inputs },
    credentials: { githubToken: w.canaries.githubToken, runtimeToken: w.canaries.runtimeToken, idToken: w.canaries.idToken },
    baseEnv: { PATH: process.env.PATH, HOME: process.env.HOME ?? w.root, LANG: 'C.UTF-8' },
    timeoutMs: ACTION_TIMEOUT_MS,
  });
  return { ...result, runnerTemp };
}

/** Every file under `dir`, as text (for "the canary appears nowhere" checks). */
export function readAllFiles(dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...readAllFiles(p));
    else if (st.isFile()) out.push({ file: p, text: readFileSync(p, 'latin1') });
  }
  return out;
}
