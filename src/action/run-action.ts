// One Action run, phase by phase:
//   prepare  inputs, run context, the mode (`auto` resolved from the event), private dirs,
//            checkout checks, git-control snapshot
//   [tests]  fix-tests: the test command, isolated and with no secret; green ends here
//   agent    `tern run` in its own PID namespace, with the model key only
//   [tests]  fix-tests: the test command again
//   judge    the recorded result.json and diff.patch, the git-control snapshot again
//   publish  the branch and the pull request, with the token, after no agent process is left
// review and mention have their own modules (review-mode.ts, mention-mode.ts) with the same
// shape. Returns the outcome; main.ts reports it to the runner.

import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRedactor } from '../artifacts/redact.js';
import { compareGitControl, snapshotGitControl } from '../git/index.js';
import { PERSISTED_CREDENTIALS_HINT, persistedCredentialFiles } from '../github/checkout-credentials.js';
import { branchOfRef, publishBranchName, readRunContext, type RunContext } from '../github/context.js';
import { MENTION_EVENTS, REVIEW_EVENTS } from '../github/events.js';
import { publishChange } from '../github/publish.js';
import { patchStats, refusalReasons } from '../github/publish-checks.js';
import { TernError, errorMessage } from '../util/errors.js';
import { InputError, parseInputs, type ActionInputs } from './inputs.js';
import { runMention } from './mention-mode.js';
import { runTestPhase, type TestPhaseResult } from './phases.js';
import { commitMessage, pullRequestBody, pullRequestTitle, type ActionOutcome, type TestRecord } from './report.js';
import { runReview } from './review-mode.js';
import { absorbAgent, conclude, fail, oneLine, startAgent, type ActionDeps, type Prepared } from './run-state.js';

export type { ActionDeps } from './run-state.js';

export class ActionFailure extends TernError {
  static override defaultCategory = 'usage' as const;
  override name = 'ActionFailure';
  constructor(message: string) {
    super('action_failed', message);
  }
}

/** Throws only before the run starts (bad inputs, no checkout); later failures are in the outcome. */
export async function runAction(deps: ActionDeps): Promise<{ outcome: ActionOutcome; inputs: ActionInputs }> {
  const p = await prepare(deps);
  const outcome = emptyOutcome(p);
  try {
    await runPhases(p, deps, outcome);
  } catch (err) {
    fail(outcome, p.redact(oneLine(errorMessage(err))));
  }
  outcome.durationMs = Date.now() - p.startedAtMs;
  return { outcome, inputs: p.inputs };
}

async function prepare(deps: ActionDeps): Promise<Prepared> {
  const startedAtMs = Date.now();
  const inputs = parseInputs(deps.taken.inputs, deps.env.GITHUB_WORKSPACE || process.cwd());
  const ctx = readRunContext(deps.env);
  const mode = resolveMode(inputs, ctx);
  const redact = createRedactor({}, [...deps.taken.secrets.values()]);
  if (inputs.createPr && !inputs.githubToken) throw new ActionFailure('create-pr is true but github-token is empty');
  if ((mode === 'review' || mode === 'mention') && !inputs.githubToken) throw new ActionFailure(`mode ${mode} posts on GitHub, but github-token is empty`);
  const snapshot = await snapshotGitControl(inputs.workingDirectory);
  const gitDirs = [...new Set([snapshot.commonDir, snapshot.gitDir])];
  if (gitDirs.some((dir) => persistedCredentialFiles(dir).length > 0)) throw new ActionFailure(PERSISTED_CREDENTIALS_HINT);
  if (!snapshot.headSha) throw new ActionFailure(`${inputs.workingDirectory} has no commit checked out; check the repository out first (actions/checkout)`);
  const root = await mkdtemp(path.join(deps.env.RUNNER_TEMP || os.tmpdir(), 'tern-'));
  const dirs = { artifacts: path.join(root, 'artifacts'), tmp: path.join(root, 'tmp'), home: path.join(root, 'home') };
  for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true, mode: 0o700 });
  return { inputs, mode, ctx, redact, snapshot, baseSha: snapshot.headSha, dirs, startedAtMs };
}

/** `auto`: run when a prompt is given, else review or mention by the event. */
export function resolveMode(inputs: ActionInputs, ctx: RunContext): Prepared['mode'] {
  if (inputs.mode !== 'auto') return inputs.mode;
  if (inputs.prompt !== null) return 'run';
  if ((REVIEW_EVENTS as readonly string[]).includes(ctx.eventName)) return 'review';
  if ((MENTION_EVENTS as readonly string[]).includes(ctx.eventName)) return 'mention';
  if (ctx.eventName === 'workflow_dispatch' && inputs.prNumber !== null) return 'review';
  throw new InputError(`mode auto: the event ${ctx.eventName} is neither a pull request (review) nor a comment or issue (mention); give a prompt, or pr-number on workflow_dispatch`);
}

function emptyOutcome(p: Prepared): ActionOutcome {
  return {
    conclusion: 'failed',
    reason: null,
    mode: p.mode,
    task: p.inputs.prompt,
    threadId: null,
    finalMessage: null,
    filesChanged: [],
    tokens: null,
    durationMs: 0,
    commands: [],
    pr: null,
    branch: null,
    commitSha: null,
    artifactsDir: p.dirs.artifacts,
    runUrl: p.ctx.runUrl,
    tests: null,
    review: null,
    commentUrl: null,
  };
}

async function runPhases(p: Prepared, deps: ActionDeps, outcome: ActionOutcome): Promise<void> {
  if (p.mode === 'review') return runReview(p, deps, outcome);
  if (p.mode === 'mention') return runMention(p, deps, outcome);
  const { inputs } = p;
  let prompt = inputs.prompt ?? '';
  if (p.mode === 'fix-tests') {
    deps.info(`tern: running the tests: ${inputs.testCommand}`);
    const before = record(await runTestPhase(testOptions(p, deps)));
    outcome.tests = { command: inputs.testCommand!, before, after: null };
    if (before.passed) return conclude(outcome, 'no_changes', 'the tests pass; nothing to fix');
    prompt = fixTestsPrompt(inputs.testCommand!, before.outputTail, inputs.prompt);
  }

  const agent = await startAgent(p, deps, { prompt });
  if (!absorbAgent(outcome, agent, p.dirs.artifacts)) return;

  if (outcome.tests) {
    deps.info('tern: running the tests again');
    outcome.tests.after = record(await runTestPhase(testOptions(p, deps)));
  }
  if (agent.patch.trim() === '') return conclude(outcome, 'no_changes', 'the turn completed without changing any file');
  await judgeAndPublish(p, deps, outcome, agent.patch);
}

async function judgeAndPublish(p: Prepared, deps: ActionDeps, outcome: ActionOutcome, patch: string): Promise<void> {
  const { inputs } = p;
  const stats = patchStats(patch);
  outcome.filesChanged = stats.files;
  const after = await snapshotGitControl(inputs.workingDirectory);
  const refusals = refusalReasons(stats, inputs, compareGitControl(p.snapshot, after));
  if (refusals.length > 0) return fail(outcome, refusals.join('; '));

  const testsStillFail = outcome.tests?.after ? !outcome.tests.after.passed : false;
  if (testsStillFail && !inputs.draft) {
    return fail(outcome, 'the tests still fail after the turn; no pull request opened (set draft: true to open a draft that shows the failure)');
  }
  if (!inputs.createPr) return conclude(outcome, 'success', 'create-pr is false: the change is in diff.patch, nothing was pushed');

  deps.info('tern: publish phase');
  const title = pullRequestTitle(outcome, inputs.title);
  const published = await publishChange({
    checkout: inputs.workingDirectory,
    baseSha: p.baseSha,
    patch,
    branch: inputs.branch ?? publishBranchName(p.ctx, inputs.branchPrefix),
    base: inputs.base ?? branchOfRef(p.ctx.ref),
    commitMessage: commitMessage(title, outcome),
    author: inputs.commitAuthor,
    remote: p.snapshot.originUrl ?? `${p.ctx.serverUrl}/${p.ctx.owner}/${p.ctx.repo}.git`,
    token: inputs.githubToken,
    pr: { title, body: p.redact(pullRequestBody(outcome)), draft: inputs.draft || testsStillFail, labels: inputs.labels, reviewers: inputs.reviewers },
    github: { apiUrl: p.ctx.apiUrl, serverUrl: p.ctx.serverUrl, owner: p.ctx.owner, repo: p.ctx.repo },
  });
  for (const w of published.warnings) deps.info(`tern: warning: ${p.redact(w)}`);
  outcome.branch = published.branch;
  outcome.commitSha = published.commitSha;
  outcome.pr = published.pr;
  if (testsStillFail) return conclude(outcome, 'failed', 'the tests still fail after the turn; opened a draft pull request that shows the failure');
  conclude(outcome, 'success', null);
}

function testOptions(p: Prepared, deps: ActionDeps) {
  return {
    checkout: p.inputs.workingDirectory,
    testCommand: p.inputs.testCommand!,
    tmpDir: p.dirs.tmp,
    timeoutMinutes: p.inputs.timeoutMinutes,
    isolation: p.inputs.agentIsolation,
    sourceEnv: deps.env,
    log: deps.log,
  };
}

function record(r: TestPhaseResult): TestRecord {
  return { passed: r.passed, exitCode: r.exitCode, outputTail: r.outputTail };
}

/** The task given to the model in fix-tests mode (our words; the output tail is the repository's). */
export function fixTestsPrompt(testCommand: string, outputTail: string, extra: string | null): string {
  const parts = [
    `The test command \`${testCommand}\` fails in this repository. Find the cause and change the code so that it passes.`,
    'Fix the code under test rather than weakening or deleting tests, unless a test is itself wrong. Run the command again to check your fix.',
    '',
    'The end of its output:',
    '```',
    outputTail.trimEnd(),
    '```',
  ];
  if (extra) parts.push('', 'Further instructions:', extra);
  return parts.join('\n');
}
