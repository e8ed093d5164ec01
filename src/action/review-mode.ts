// mode: review. The pull request comes from the event (pull_request, pull_request_target) or from
// the pr-number input (workflow_dispatch). Before the agent phase: the checkout must be the PR's
// head, and the diff against the merge base is taken (where inline comments may go). The agent
// phase is `tern run --review <merge base>` (read-only sandbox, read-only-review policy). The
// publish phase posts one review from the recorded findings; findings already posted are skipped.

import { pullRequestOfEvent, readPullRequest, type PullRequestRef } from '../github/events.js';
import { postReview } from '../github/post-review.js';
import { pullRequestDiff } from '../github/pull-diff.js';
import { createOctokit, describeFailure, type Octokit } from '../github/pull-request.js';
import type { ActionOutcome } from './report.js';
import { absorbAgent, conclude, fail, startAgent, type ActionDeps, type Prepared } from './run-state.js';

export async function runReview(p: Prepared, deps: ActionDeps, outcome: ActionOutcome): Promise<void> {
  const octokit = createOctokit(p.inputs.githubToken, p.ctx.apiUrl);
  const pr = await reviewedPullRequest(p, octokit);
  outcome.task = `Review pull request #${pr.number}: ${pr.title}`;
  if (p.baseSha !== pr.headSha) {
    return fail(outcome, `the checkout is at ${p.baseSha}, not the head of #${pr.number} (${pr.headSha}); check out the head commit (ref: the pull request's head.sha, fetch-depth: 0)`);
  }
  const diff = await pullRequestDiff(p.inputs.workingDirectory, pr.baseSha, pr.headSha);
  if (diff.patch.trim() === '') return conclude(outcome, 'no_changes', `#${pr.number} changes nothing against ${pr.baseRef}; no review posted`);

  const agent = await startAgent(p, deps, { reviewBase: diff.mergeBase });
  if (!absorbAgent(outcome, agent, p.dirs.artifacts)) return;
  const review = agent.result.review;
  if (!review) return fail(outcome, 'the agent phase recorded no review in result.json');

  deps.info('tern: publish phase (one review)');
  const posted = await postReview(octokit, {
    owner: p.ctx.owner,
    repo: p.ctx.repo,
    pullNumber: pr.number,
    commitId: pr.headSha,
    review: { overallExplanation: p.redact(review.overallExplanation), findings: review.findings.map((f) => ({ ...f, title: p.redact(f.title), body: p.redact(f.body) })) },
    patch: diff.patch,
    event: p.inputs.reviewEvent,
    runUrl: p.ctx.runUrl,
  });
  outcome.review = { url: posted.url, inline: posted.inline, inBody: posted.inBody, duplicates: posted.duplicates };
  if (posted.url === null) return conclude(outcome, 'no_changes', posted.reason);
  conclude(outcome, 'success', null);
}

async function reviewedPullRequest(p: Prepared, octokit: Octokit): Promise<PullRequestRef> {
  const fromEvent = pullRequestOfEvent(p.ctx);
  if (fromEvent) return fromEvent;
  const number = p.inputs.prNumber;
  if (number === null) {
    throw new Error(`mode review needs a pull request: run on pull_request or pull_request_target, or set pr-number (event was ${p.ctx.eventName})`);
  }
  try {
    const { data } = await octokit.rest.pulls.get({ owner: p.ctx.owner, repo: p.ctx.repo, pull_number: number });
    return readPullRequest(data, `${p.ctx.owner}/${p.ctx.repo}`);
  } catch (err) {
    throw new Error(`GitHub: could not read pull request #${number}: ${describeFailure(err)}`, { cause: err });
  }
}
