// The stand-in's behaviour as data: OpenAPI operationId -> handler. A valid request for an
// operation missing here is answered 501 and recorded as a violation by the server.
import { inRepo, json, type Handler } from './handler-kit.js';
import { addLabels, createComment, listComments, updateComment } from './issue-handlers.js';
import { createPull, getPull, listPulls, requestReviewers, updatePull } from './pull-handlers.js';
import { getPermission, reactToIssue, reactToIssueComment, reactToReviewComment } from './people-handlers.js';
import { repositoryJson } from './representations.js';
import { createReview, listReviewComments, listReviews } from './review-handlers.js';

const getRepo: Handler = (ctx) => json(200, repositoryJson(ctx.state));

const repoScoped: Record<string, Handler> = {
  'repos/get': getRepo,
  'pulls/list': listPulls,
  'pulls/get': getPull,
  'pulls/create': createPull,
  'pulls/update': updatePull,
  'pulls/request-reviewers': requestReviewers,
  'issues/add-labels': addLabels,
  'issues/create-comment': createComment,
  'issues/list-comments': listComments,
  'issues/update-comment': updateComment,
  'pulls/create-review': createReview,
  'pulls/list-reviews': listReviews,
  'pulls/list-review-comments': listReviewComments,
  'repos/get-collaborator-permission-level': getPermission,
  'reactions/create-for-issue': reactToIssue,
  'reactions/create-for-issue-comment': reactToIssueComment,
  'reactions/create-for-pull-request-review-comment': reactToReviewComment,
};

export const HANDLERS: ReadonlyMap<string, Handler> = new Map(
  Object.entries(repoScoped).map(([operationId, handler]) => [operationId, inRepo(handler)]),
);
