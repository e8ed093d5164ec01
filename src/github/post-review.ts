// The review's publish phase: read what earlier runs posted (their markers), plan the review
// against the pull request's diff, and post it as one pulls.createReview. tern never approves:
// the event is COMMENT, or REQUEST_CHANGES when asked and there is something new to change.

import type { ReviewText } from '../protocol/review-text.js';
import { describeFailure, type Octokit } from './pull-request.js';
import { REVIEW_MARKER, markedFingerprints, planReview, reviewBody, type PlannedReview } from './review-comments.js';

const PER_PAGE = 100;

export interface ReviewRequest {
  owner: string;
  repo: string;
  pullNumber: number;
  /** The head commit the review is about (the checkout's HEAD). */
  commitId: string;
  review: ReviewText;
  /** `git diff <merge base> <head>`: where inline comments may go. */
  patch: string;
  event: 'COMMENT' | 'REQUEST_CHANGES';
  runUrl: string | null;
}

export interface ReviewPosted {
  /** null when nothing was posted (`reason` says why). */
  url: string | null;
  inline: number;
  inBody: number;
  duplicates: number;
  reason: string | null;
}

export async function postReview(octokit: Octokit, req: ReviewRequest): Promise<ReviewPosted> {
  const earlier = await earlierPosts(octokit, req);
  const plan = planReview(req.review.findings, req.patch, markedFingerprints(earlier.texts));
  const fresh = plan.comments.length + plan.outside.length;
  const counts = { inline: plan.comments.length, inBody: plan.outside.length, duplicates: plan.duplicates };
  if (fresh === 0 && earlier.reviewed) {
    return { url: null, ...counts, reason: `no new findings since tern's last review (${plan.duplicates} already posted)` };
  }
  const url = await createReview(octokit, req, plan, fresh > 0 ? req.event : 'COMMENT');
  return { url, ...counts, reason: null };
}

/** Bodies of earlier reviews and review comments, and whether tern reviewed this PR before. */
async function earlierPosts(octokit: Octokit, req: ReviewRequest): Promise<{ texts: string[]; reviewed: boolean }> {
  const where = { owner: req.owner, repo: req.repo, pull_number: req.pullNumber, per_page: PER_PAGE };
  try {
    const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, where);
    const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, where);
    const texts = [...reviews.map((r) => r.body ?? ''), ...comments.map((c) => c.body)];
    return { texts, reviewed: reviews.some((r) => (r.body ?? '').includes(REVIEW_MARKER)) };
  } catch (err) {
    throw new Error(`GitHub: could not read the earlier reviews of #${req.pullNumber}: ${describeFailure(err)}`, { cause: err });
  }
}

async function createReview(octokit: Octokit, req: ReviewRequest, plan: PlannedReview, event: ReviewRequest['event']): Promise<string> {
  try {
    const { data } = await octokit.rest.pulls.createReview({
      owner: req.owner,
      repo: req.repo,
      pull_number: req.pullNumber,
      commit_id: req.commitId,
      event,
      body: reviewBody(req.review.overallExplanation, plan, req.runUrl),
      comments: plan.comments,
    });
    return data.html_url;
  } catch (err) {
    throw new Error(`GitHub: could not post the review on #${req.pullNumber}: ${describeFailure(err)}`, { cause: err });
  }
}
