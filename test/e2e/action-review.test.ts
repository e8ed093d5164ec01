/**
 * mode: review end to end: `node dist/action.js` on pull_request, workflow_dispatch (pr-number) and
 * pull_request_target payloads, real git (a PR branch pushed to a bare remote, the checkout at its
 * head), the scripted model answering the review, and the GitHub stand-in, which checks every
 * request against GitHub's OpenAPI description and refuses review comments off the diff's lines.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seedPullRequest, type StoredPullRequest } from '../../src/demo/github-stand-in/index.js';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { dispatchEvent, pullRequestEvent } from '../support/action-events.js';
import { createActionWorld, type ActionWorld } from '../support/action-world.js';
import { git } from '../support/git-repo.js';

const LINES = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
const FILES = { 'README.md': '# widgets\n', 'src/calc.js': LINES.join('\n') + '\n' };

interface Finding {
  title: string;
  file: string;
  start: number;
  end: number;
}
function reviewStep(explanation: string, findings: Finding[]): ScriptStep {
  const review = {
    findings: findings.map((f) => ({ title: f.title, body: `Why: ${f.title}.`, confidence_score: 0.8, priority: 1, code_location: { file: f.file, line_range: { start: f.start, end: f.end } } })),
    overall_correctness: findings.length > 0 ? 'patch is incorrect' : 'patch is correct',
    overall_explanation: explanation,
    overall_confidence_score: 0.8,
  };
  return { output: [{ type: 'message', text: JSON.stringify(review) }], usage: { input_tokens: 100, output_tokens: 50 } };
}

const ON_LINE_3: Finding = { title: '[P1] Line three is wrong', file: 'src/calc.js', start: 3, end: 3 };
const ACROSS_15: Finding = { title: '[P1] Lines fourteen to sixteen break', file: 'src/calc.js', start: 14, end: 16 };
const LINE_9: Finding = { title: '[P2] Line nine is stale', file: 'src/calc.js', start: 9, end: 9 };
const README: Finding = { title: '[P2] Readme is not updated', file: 'README.md', start: 1, end: 1 };
const NEW_ONE: Finding = { title: '[P0] Line fifteen divides by zero', file: 'src/calc.js', start: 15, end: 15 };

let world: ActionWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A PR branch `feature` changing lines 3 and 15, pushed; the checkout at its head; the PR seeded. */
function openFeaturePullRequest(w: ActionWorld): StoredPullRequest {
  const base = git(w.checkout, 'rev-parse', 'HEAD').trim();
  git(w.checkout, 'checkout', '-q', '-b', 'feature');
  const changed = [...LINES];
  changed[2] = 'line 3 changed';
  changed[14] = 'line 15 changed';
  writeFileSync(path.join(w.checkout, 'src/calc.js'), changed.join('\n') + '\n');
  git(w.checkout, 'commit', '-q', '-am', 'change lines 3 and 15');
  git(w.checkout, 'push', '-q', 'origin', 'feature');
  const head = git(w.checkout, 'rev-parse', 'HEAD').trim();
  const diff = git(w.checkout, 'diff', `${base}...${head}`);
  return seedPullRequest(w.github.state, { title: 'Change the calculator', body: 'Two lines.', user: 'contributor', head: 'feature', base: 'main', headSha: head, baseSha: base, diff });
}

describe('the Action, mode review', () => {
  it('posts one batched review with comments on diff lines and out-of-diff findings in the body; reruns post no duplicate', async () => {
    world = await createActionWorld(FILES, [
      reviewStep('Two real problems and two elsewhere.', [ON_LINE_3, ACROSS_15, LINE_9, README]),
      reviewStep('Same as before.', [ACROSS_15, ON_LINE_3, README, LINE_9]),
      reviewStep('One new problem.', [ON_LINE_3, NEW_ONE, LINE_9]),
    ]);
    const pr = openFeaturePullRequest(world);
    const state = world.github.state;

    const first = await world.run({ inputs: { mode: 'review' }, event: 'pull_request', payload: pullRequestEvent(state, pr), ref: `refs/pull/${pr.number}/merge` });
    expect(first.stderr + first.stdout).not.toContain('::error::');
    expect(first.exitCode).toBe(0);
    expect(first.outputs.conclusion).toBe('success');
    expect(state.reviews).toHaveLength(1);
    const review = state.reviews[0]!;
    expect(first.outputs['review-url']).toBe(review.html_url);
    expect(review).toMatchObject({ state: 'COMMENTED', commit_id: pr.head_sha, pull_number: pr.number });
    const inline = state.reviewComments.map((c) => ({ path: c.path, start: c.start_line, line: c.line, side: c.side, review: c.pull_request_review_id }));
    expect(inline).toEqual([
      { path: 'src/calc.js', start: null, line: 3, side: 'RIGHT', review: review.id },
      { path: 'src/calc.js', start: 14, line: 16, side: 'RIGHT', review: review.id },
    ]);
    expect(state.reviewComments[0]!.body).toContain('Line three is wrong');
    expect(review.body).toContain('Two real problems and two elsewhere.');
    expect(review.body).toContain('#### Outside the diff');
    expect(review.body).toContain('Line nine is stale** — `src/calc.js:9-9`');
    expect(review.body).toContain('Readme is not updated** — `README.md:1-1`');
    expect(review.body).not.toContain('Line three is wrong');
    expect(review.body).toContain('https://github.com/octo-org/widgets/actions/runs/');
    // The agent phase reviewed against the merge base, under the read-only preset.
    const modelSaw = JSON.stringify(world.model.requests[0]!.body);
    expect(modelSaw).toContain(pr.base_sha);

    // A rerun from the dispatch form: same findings in another order -> nothing posted.
    const second = await world.run({ inputs: { mode: 'auto', 'pr-number': String(pr.number) }, event: 'workflow_dispatch', payload: dispatchEvent(state, { pr: String(pr.number) }) });
    expect(second.exitCode).toBe(0);
    expect(second.outputs).toMatchObject({ conclusion: 'no_changes', 'review-url': '' });
    expect(second.outputs.reason).toContain('no new findings');
    expect(state.reviews).toHaveLength(1);
    expect(state.reviewComments).toHaveLength(2);

    // A new push reviewed under pull_request_target with REQUEST_CHANGES: only the new finding is posted.
    const third = await world.run({
      inputs: { mode: 'auto', 'review-event': 'REQUEST_CHANGES' },
      event: 'pull_request_target',
      payload: pullRequestEvent(state, pr, 'synchronize'),
    });
    expect(third.exitCode).toBe(0);
    expect(third.outputs.conclusion).toBe('success');
    expect(state.reviews).toHaveLength(2);
    expect(state.reviews[1]!.state).toBe('CHANGES_REQUESTED');
    expect(state.reviewComments.slice(2).map((c) => [c.line, c.body.split('\n')[0]])).toEqual([[15, '**[P0] Line fifteen divides by zero**']]);
    expect(state.reviews[1]!.body).toContain('2 posted earlier are not repeated');
    expect(state.reviews[1]!.body).not.toContain('Line nine is stale');

    expect(world.github.violations).toEqual([]);
    expect(world.github.requests.filter((r) => r.operationId === 'pulls/create-review')).toHaveLength(2);
    expect(world.github.requests.every((r) => r.token === world!.canaries.githubToken)).toBe(true);
    for (const r of world.model.requests) expect(JSON.stringify(r)).not.toContain(world.canaries.githubToken);
  });

  it('refuses a checkout that is not the pull request head, before any model request', async () => {
    world = await createActionWorld(FILES, [reviewStep('unused', [])]);
    const pr = openFeaturePullRequest(world);
    git(world.checkout, 'checkout', '-q', 'main');
    const run = await world.run({ inputs: { mode: 'review' }, event: 'pull_request', payload: pullRequestEvent(world.github.state, pr) });
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.conclusion).toBe('failed');
    expect(run.outputs.reason).toContain(`not the head of #${pr.number}`);
    expect(world.model.requests).toEqual([]);
    expect(world.github.state.reviews).toEqual([]);
    expect(world.github.violations).toEqual([]);
  });
});
