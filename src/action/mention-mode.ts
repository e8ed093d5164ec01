// mode: mention. In the Action process, before any agent runs: the event must be a new comment (or
// an opened/edited issue) that is not tern's own, hold the trigger phrase outside hidden text, and
// come from someone with write access (or an allowed bot). Then: a reaction on the asking comment,
// one progress comment, the agent phase (its events shown in the comment, throttled), and the
// outcome: an issue's change becomes a pull request that closes it; a pull request's change
// becomes a commit on its branch when that branch is in this repository (a fork's is refused);
// a question gets its answer. The progress comment always ends with the outcome and the run link.

import { compareGitControl, snapshotGitControl } from '../git/index.js';
import { checkActor } from '../github/actor-permission.js';
import { mentionOfEvent, readPullRequest, eventAction, type Mention, type PullRequestRef } from '../github/events.js';
import { stripHiddenText } from '../github/hidden-text.js';
import { PROGRESS_MARKER, ProgressComment, issueCommentWriter, realClock } from '../github/progress-comment.js';
import { publishChange, pushToBranch } from '../github/publish.js';
import { patchStats, refusalReasons } from '../github/publish-checks.js';
import { createOctokit, describeFailure, type Octokit } from '../github/pull-request.js';
import { REVIEW_MARKER } from '../github/review-comments.js';
import { errorMessage } from '../util/errors.js';
import { watchAgentEvents } from './agent-progress.js';
import { hasTriggerPhrase, mentionPrompt, startBody, stepLines, workingBody } from './mention-prompt.js';
import { commitMessage, pullRequestTitle, type ActionOutcome } from './report.js';
import { absorbAgent, conclude, fail, oneLine, startAgent, type ActionDeps, type Prepared } from './run-state.js';

/** Event actions that ask (a deleted comment or a closed issue does not). */
const ASKING_ACTIONS = ['created', 'opened', 'edited', 'reopened'];
/** The login of the workflow token: comments by it are the Action's own. */
const ACTIONS_BOT = 'github-actions[bot]';
const STEPS_SHOWN = 12;
const SHORT_SHA = 7;

export async function runMention(p: Prepared, deps: ActionDeps, outcome: ActionOutcome): Promise<void> {
  const mention = mentionOfEvent(p.ctx);
  if (!mention) return fail(outcome, `mode mention runs on issue_comment, pull_request_review_comment or issues events (event was ${p.ctx.eventName})`);
  const request = stripHiddenText(mention.comment?.body ?? `${mention.title}\n\n${mention.body}`);
  const skip = skipReason(p, mention, request.text);
  if (skip) return conclude(outcome, 'skipped', skip);

  const octokit = createOctokit(p.inputs.githubToken, p.ctx.apiUrl);
  const verdict = await checkActor(octokit, { owner: p.ctx.owner, repo: p.ctx.repo }, mention.author, p.inputs.allowBots);
  if (!verdict.allowed) return conclude(outcome, 'skipped', `refused: ${verdict.reason}; nothing was run`);
  deps.info(`tern: ${verdict.reason}; hidden text ${request.changed ? 'was removed from the request' : 'none found'}`);
  await react(octokit, p, mention).catch((err: unknown) => deps.info(`tern: warning: could not react to the comment: ${describeFailure(err)}`));

  const progress = new ProgressComment(issueCommentWriter(octokit, p.ctx.owner, p.ctx.repo, mention.number), deps.clock ?? realClock);
  await progress.start(startBody(p.ctx.runUrl));
  outcome.commentUrl = progress.url;
  const steps: string[] = [];
  try {
    await work(p, deps, outcome, { octokit, mention, request: request.text, progress, steps });
  } catch (err) {
    fail(outcome, p.redact(oneLine(errorMessage(err))));
  }
  for (const w of progress.warnings) deps.info(`tern: warning: ${w}`);
  try {
    await progress.finish(p.redact(`${finalBody(p, outcome)}${stepsDone(steps)}`));
  } catch (err) {
    fail(outcome, `could not post the outcome in the progress comment: ${describeFailure(err)}${outcome.reason ? ` (outcome: ${outcome.reason})` : ''}`);
  }
}

/** Why this event does not start a run, or null when it does. */
function skipReason(p: Prepared, mention: Mention, visibleRequest: string): string | null {
  const action = eventAction(p.ctx);
  if (action !== '' && !ASKING_ACTIONS.includes(action)) return `the ${p.ctx.eventName} event's action is '${action}', not a new or edited request`;
  const raw = mention.comment?.body ?? mention.body;
  if (raw.includes(PROGRESS_MARKER) || raw.includes(REVIEW_MARKER) || mention.author.login === ACTIONS_BOT) {
    return "the comment is tern's own (or the workflow token's); it never starts a run";
  }
  if (!hasTriggerPhrase(visibleRequest, p.inputs.triggerPhrase)) return `no ${p.inputs.triggerPhrase} in the ${mention.comment ? 'comment' : 'issue'} (hidden text does not count)`;
  return null;
}

async function react(octokit: Octokit, p: Prepared, mention: Mention): Promise<void> {
  const where = { owner: p.ctx.owner, repo: p.ctx.repo, content: 'eyes' as const };
  if (mention.event === 'issue_comment') await octokit.rest.reactions.createForIssueComment({ ...where, comment_id: mention.comment!.id });
  else if (mention.event === 'pull_request_review_comment') await octokit.rest.reactions.createForPullRequestReviewComment({ ...where, comment_id: mention.comment!.id });
  else await octokit.rest.reactions.createForIssue({ ...where, issue_number: mention.number });
}

interface Work {
  octokit: Octokit;
  mention: Mention;
  request: string;
  progress: ProgressComment;
  /** The agent's steps as last read; the final comment keeps them (a throttled edit may never have shown them). */
  steps: string[];
}

async function work(p: Prepared, deps: ActionDeps, outcome: ActionOutcome, w: Work): Promise<void> {
  const pr = w.mention.onPullRequest ? (w.mention.pullRequest ?? (await pullRequestOf(w.octokit, p, w.mention.number))) : null;
  const prompt = mentionPrompt({
    mention: w.mention,
    request: w.request,
    title: stripHiddenText(w.mention.title).text,
    body: stripHiddenText(w.mention.body).text,
    repository: `${p.ctx.owner}/${p.ctx.repo}`,
    pr,
  });
  outcome.task = `${w.request}\n\n(on ${pr ? 'pull request' : 'issue'} #${w.mention.number}: ${stripHiddenText(w.mention.title).text})`;
  const watcher = watchAgentEvents(p.dirs.artifacts, p.inputs.workingDirectory, deps.clock ?? realClock, (steps) => {
    w.steps.splice(0, w.steps.length, ...steps);
    w.progress.update(p.redact(workingBody(p.ctx.runUrl, steps, STEPS_SHOWN)));
  });
  let agent;
  try {
    agent = await startAgent(p, deps, { prompt });
  } finally {
    await watcher.stop();
  }
  if (!absorbAgent(outcome, agent, p.dirs.artifacts)) return;
  if (agent.patch.trim() === '') {
    // A question: the answer is what was asked for; without one, the run did not do its job.
    if (!outcome.finalMessage?.trim()) return fail(outcome, 'the agent gave neither an answer nor a change');
    return conclude(outcome, 'no_changes', null);
  }

  const stats = patchStats(agent.patch);
  outcome.filesChanged = stats.files;
  const refusals = refusalReasons(stats, p.inputs, compareGitControl(p.snapshot, await snapshotGitControl(p.inputs.workingDirectory)));
  if (refusals.length > 0) return fail(outcome, refusals.join('; '));
  if (pr) return publishOnPullRequest(p, outcome, pr, agent.patch);
  return publishForIssue(p, deps, outcome, w.mention, agent.patch);
}

async function pullRequestOf(octokit: Octokit, p: Prepared, number: number): Promise<PullRequestRef> {
  try {
    const { data } = await octokit.rest.pulls.get({ owner: p.ctx.owner, repo: p.ctx.repo, pull_number: number });
    return readPullRequest(data, `${p.ctx.owner}/${p.ctx.repo}`);
  } catch (err) {
    throw new Error(`GitHub: could not read pull request #${number}: ${describeFailure(err)}`, { cause: err });
  }
}

/** A commit on the PR's own branch: only in this repository, only as a fast-forward of the head the agent saw. */
async function publishOnPullRequest(p: Prepared, outcome: ActionOutcome, pr: PullRequestRef, patch: string): Promise<void> {
  if (pr.fromFork) {
    return fail(outcome, `the change was not pushed: the branch of #${pr.number} is in the fork ${pr.headRepo}, and tern never pushes to a fork. The change is in this run's artifacts (diff.patch); the author can apply it`);
  }
  if (p.baseSha !== pr.headSha) {
    return fail(outcome, `the change was not pushed: the checkout (${p.baseSha.slice(0, SHORT_SHA)}) is not the head of #${pr.number} (${pr.headSha.slice(0, SHORT_SHA)}); check out the pull request's head to let tern commit to it`);
  }
  const title = pullRequestTitle({ mode: 'mention', task: outcome.finalMessage ?? `Changes asked on #${pr.number}`, tests: null }, null);
  const pushed = await pushToBranch({
    checkout: p.inputs.workingDirectory,
    baseSha: p.baseSha,
    patch,
    branch: pr.headRef,
    commitMessage: commitMessage(title, outcome),
    author: p.inputs.commitAuthor,
    remote: p.snapshot.originUrl ?? `${p.ctx.serverUrl}/${p.ctx.owner}/${p.ctx.repo}.git`,
    token: p.inputs.githubToken,
    serverUrl: p.ctx.serverUrl,
  });
  outcome.branch = pr.headRef;
  outcome.commitSha = pushed.commitSha;
  conclude(outcome, 'success', null);
}

async function publishForIssue(p: Prepared, deps: ActionDeps, outcome: ActionOutcome, mention: Mention, patch: string): Promise<void> {
  const title = p.inputs.title ?? pullRequestTitle({ mode: 'mention', task: stripHiddenText(mention.title).text, tests: null }, null);
  const body = [`Closes #${mention.number}.`, '', `Asked by @${mention.author.login}${p.ctx.runUrl ? ` ([workflow run](${p.ctx.runUrl}))` : ''}.`, '', ...(outcome.finalMessage ? ['### What the agent says it did', '', outcome.finalMessage.trim()] : [])].join('\n');
  const published = await publishChange({
    checkout: p.inputs.workingDirectory,
    baseSha: p.baseSha,
    patch,
    branch: p.inputs.branch ?? `${p.inputs.branchPrefix}issue-${mention.number}`,
    base: p.inputs.base,
    commitMessage: commitMessage(title, outcome),
    author: p.inputs.commitAuthor,
    remote: p.snapshot.originUrl ?? `${p.ctx.serverUrl}/${p.ctx.owner}/${p.ctx.repo}.git`,
    token: p.inputs.githubToken,
    pr: { title, body: p.redact(body), draft: p.inputs.draft, labels: p.inputs.labels, reviewers: p.inputs.reviewers },
    github: { apiUrl: p.ctx.apiUrl, serverUrl: p.ctx.serverUrl, owner: p.ctx.owner, repo: p.ctx.repo },
  });
  for (const warning of published.warnings) deps.info(`tern: warning: ${p.redact(warning)}`);
  outcome.branch = published.branch;
  outcome.commitSha = published.commitSha;
  outcome.pr = published.pr;
  conclude(outcome, 'success', null);
}

/** The progress comment's last text: the outcome first, then the answer or the agent's summary, then the run. */
/** The steps the agent took, folded under the outcome. */
function stepsDone(steps: string[]): string {
  if (steps.length === 0) return '';
  const summary = `<details><summary>What tern did (${steps.length} step${steps.length === 1 ? '' : 's'})</summary>`;
  return ['', '', summary, '', ...stepLines(steps, STEPS_SHOWN), '', '</details>'].join('\n');
}

function finalBody(p: Prepared, o: ActionOutcome): string {
  const run = p.ctx.runUrl ? `\n\n[workflow run](${p.ctx.runUrl})` : '';
  const said = o.finalMessage ? `\n\n${o.finalMessage.trim()}` : '';
  if (o.conclusion === 'failed') return `**tern could not finish:** ${o.reason ?? 'no reason given'}${said}${run}`;
  if (o.pr) return `**tern opened ${o.pr.url}** (${o.pr.created ? 'new' : 'updated'} pull request)${said}${run}`;
  if (o.commitSha && o.branch) {
    const url = `${p.ctx.serverUrl}/${p.ctx.owner}/${p.ctx.repo}/commit/${o.commitSha}`;
    return `**tern pushed [${o.commitSha.slice(0, SHORT_SHA)}](${url}) to \`${o.branch}\`**${said}${run}`;
  }
  return `${o.finalMessage?.trim() || '**tern finished without an answer or a change.**'}${run}`;
}
