// Who may do what, and what they say without words: repos/get-collaborator-permission-level and
// the reactions on an issue, an issue comment or a review comment.
import { bodyFields, json, notFound, numberParam, type Handler, type HandlerContext, type HandlerResult } from './handler-kit.js';
import { permissionJson, reactionJson } from './representations.js';
import { findIssueOrPull, nextId, timestamp, type StoredReaction } from './state.js';

export const getPermission: Handler = (ctx) => {
  const login = String(ctx.params.username);
  // GitHub answers 404 for a login that is not a user; every login is a user here, and anyone
  // not listed can read (the stand-in's repository is public).
  const permission = ctx.state.permissions[login] ?? 'read';
  return json(200, permissionJson(ctx.state, login, permission));
};

export const reactToIssue: Handler = (ctx) =>
  findIssueOrPull(ctx.state, numberParam(ctx, 'issue_number')) ? react(ctx, 'issue', numberParam(ctx, 'issue_number')) : notFound();

export const reactToIssueComment: Handler = (ctx) => {
  const id = numberParam(ctx, 'comment_id');
  return ctx.state.comments.some((c) => c.id === id) ? react(ctx, 'issue_comment', id) : notFound();
};

export const reactToReviewComment: Handler = (ctx) => {
  const id = numberParam(ctx, 'comment_id');
  return ctx.state.reviewComments.some((c) => c.id === id) ? react(ctx, 'review_comment', id) : notFound();
};

/** 201 for a new reaction; 200 with the existing one when this user already reacted so (as GitHub does). */
function react(ctx: HandlerContext, subject: StoredReaction['subject'], subjectId: number): HandlerResult {
  const content = String(bodyFields(ctx).content);
  const same = ctx.state.reactions.find((r) => r.subject === subject && r.subject_id === subjectId && r.content === content && r.user === ctx.state.actor);
  if (same) return json(200, reactionJson(ctx.state, same));
  const reaction: StoredReaction = { id: nextId(ctx.state), subject, subject_id: subjectId, content, user: ctx.state.actor, created_at: timestamp() };
  ctx.state.reactions.push(reaction);
  return json(201, reactionJson(ctx.state, reaction));
}
