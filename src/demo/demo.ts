// `tern demo`: the whole product on a built-in example, with no API key and no
// network. A tiny Node repo whose tests fail is pushed to a bare repository that
// stands in for GitHub's git server, and checked out. Then the GitHub Action
// (dist/action.js) runs as a workflow step would run it, in fix-tests mode:
// the tests fail, the agent phase (`tern run` + `tern app-server`, against the
// scripted model on 127.0.0.1) fixes them, the tests pass, and the publish phase
// pushes a branch and opens a pull request on the local GitHub REST stand-in.
// The demo prints the diff, the branch, the commit and the pull request.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startGitHubStandIn } from './github-stand-in/index.js';
import { startModelServer } from './model-server/server.js';
import { DEMO_FILES, DEMO_SCRIPT } from './demo-repo.js';
import { runWorkflowStep, type StepResult } from './workflow-step.js';
import { demoProtection } from './demo-sandbox.js';
import { distDir } from '../util/dist-dir.js';

export interface DemoIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

const USAGE = 'usage: tern demo [--dir DIR]';
const DIST_DIR = distDir(import.meta.url);
const ACTION_SCRIPT = path.join(DIST_DIR, 'action.js');
const ACTION_YML = path.join(DIST_DIR, '..', 'action.yml');
const OWNER = 'tern-demo';
const REPO = 'stats';
/** Not a secret: the stand-in accepts any token, and the scripted model any key. */
const DEMO_TOKEN = 'demo-token-not-secret';
const DEMO_MODEL_KEY = 'demo-key-not-secret';
const BODY_HEAD_LINES = 8;
const GIT_IDENTITY = { GIT_AUTHOR_NAME: 'tern demo', GIT_AUTHOR_EMAIL: 'demo@tern.invalid', GIT_COMMITTER_NAME: 'tern demo', GIT_COMMITTER_EMAIL: 'demo@tern.invalid' };

export async function runDemo(argv: string[], io: DemoIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (err) {
    io.stderr.write(`tern demo: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${USAGE}\nRuns the GitHub Action on a bundled demo repo: a scripted local model fixes a failing test, and a local GitHub stand-in receives the pull request (no API key, no network).\n`);
    return 0;
  }
  if (!existsSync(ACTION_SCRIPT) || !existsSync(ACTION_YML)) {
    io.stderr.write(`tern demo: needs dist/action.js and action.yml beside dist/ (run it from a checkout: node dist/tern.js demo)\n`);
    return 2;
  }

  const protection = await demoProtection(io.env);
  for (const note of protection.notes) io.stderr.write(`tern demo: note: ${note}\n`);
  const root = values.dir ? path.resolve(values.dir) : mkdtempSync(path.join(os.tmpdir(), 'tern-demo-'));
  const { checkout, remote } = createDemoRepos(root);
  const model = await startModelServer({ script: DEMO_SCRIPT });
  const github = await startGitHubStandIn({ owner: OWNER, repo: REPO, defaultBranch: 'main' });
  try {
    io.stderr.write(`tern demo: checkout ${checkout} (origin ${remote})\ntern demo: scripted model at ${model.url}, GitHub stand-in at ${github.url}\n`);
    const step = await runWorkflowStep({
      actionScript: ACTION_SCRIPT,
      actionYml: ACTION_YML,
      owner: OWNER,
      repo: REPO,
      checkout,
      runnerTemp: path.join(root, 'runner-temp'),
      apiUrl: github.url,
      event: 'schedule',
      workflow: 'nightly fix-tests',
      inputs: {
        mode: 'fix-tests',
        'test-command': 'node --test',
        'openai-api-key': DEMO_MODEL_KEY,
        'base-url': model.url,
        model: 'gpt-5.5',
        sandbox: protection.sandbox,
        'agent-isolation': protection.isolation,
      },
      credentials: { githubToken: DEMO_TOKEN },
      baseEnv: io.env,
      onOutput: (chunk) => io.stderr.write(chunk),
    });
    printReport(io, step, remote, github.state.pulls[0]);
    if (github.violations.length > 0) io.stdout.write(`\nThe stand-in saw requests GitHub's API description does not allow:\n  ${github.violations.join('\n  ')}\n`);
    return step.exitCode;
  } finally {
    await model.close();
    await github.close();
  }
}

function printReport(io: DemoIo, step: StepResult, remote: string, pr: { number: number; title: string; body: string | null; html_url: string; draft: boolean } | undefined): void {
  const out = step.outputs;
  const artifacts = out['artifacts-dir'] ?? '';
  const diffFile = path.join(artifacts, 'diff.patch');
  const diff = artifacts && existsSync(diffFile) ? readFileSync(diffFile, 'utf8') : '';
  io.stdout.write(`\n--- diff left by the turn (${diffFile}) ---\n${diff || '(no changes)\n'}`);
  io.stdout.write(`\n--- outcome: ${out.conclusion ?? 'unknown'}${out.reason ? ` (${out.reason})` : ''} ---\n`);
  if (out.branch) {
    const commit = execFileSync('git', ['log', '-1', '--format=%H%n%an <%ae>%n%B', `refs/heads/${out.branch}`], { cwd: remote, encoding: 'utf8' }).trim().split('\n');
    io.stdout.write(`branch        ${out.branch} (pushed to ${remote})\ncommit        ${commit[0]} by ${commit[1]}\n              ${commit.slice(2).filter(Boolean).join('\n              ')}\n`);
  }
  if (pr) {
    const body = (pr.body ?? '').split('\n').slice(0, BODY_HEAD_LINES).map((l) => `  | ${l}`).join('\n');
    io.stdout.write(`pull request  #${pr.number}${pr.draft ? ' (draft)' : ''} "${pr.title}"\n              ${pr.html_url} (opened on the local GitHub stand-in)\n${body}\n  | …\n`);
  }
  io.stdout.write(
    `\nArtifacts in ${artifacts}:\n  events.jsonl  every protocol message, both ways\n  diff.patch    the worktree diff\n  result.json   status, ids, final message, usage\n`,
  );
}

/** The demo repo pushed to a bare "remote", and a checkout of it (origin = the remote). */
function createDemoRepos(root: string): { checkout: string; remote: string } {
  const seed = path.join(root, 'seed');
  for (const [rel, content] of Object.entries(DEMO_FILES)) {
    const file = path.join(seed, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'ignore', env: { ...process.env, ...GIT_IDENTITY } });
  git(seed, 'init', '-q', '-b', 'main');
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'demo: initial commit');
  const remote = path.join(root, 'remote.git');
  const checkout = path.join(root, 'repo');
  git(root, 'clone', '-q', '--bare', seed, remote);
  git(root, 'clone', '-q', remote, checkout);
  return { checkout, remote };
}
