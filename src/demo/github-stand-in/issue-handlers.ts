// issues/add-labels and issue comments. Comments go on issues and pull requests alike (on GitHub
// every pull request is an issue with the same number); labels only on pull requests here.
import { bodyFields, json, notFound, numberParam, paginated, type Handler } from './handler-kit.js';
import { commentJson, labelJson } from './representations.js';
import { ensureLabel, findIssueOrPull, findPull, nextId, timestamp, webUrl, type StoredComment } from './state.js';

export const addLabels: Handler = (ctx) => {
  const pr = findPull(ctx.state, numberParam(ctx, 'issue_number'));
  if (!pr) return notFound();
  for (const name of labelNames(bodyFields(ctx).labels)) {
    const label = ensureLabel(ctx.state, name);
    if (!pr.labels.includes(label.name)) pr.labels.push(label.name);
  }
  const labels = pr.labels.map((name) => labelJson(ctx.state, ensureLabel(ctx.state, name)));
  return json(200, labels);
};

export const createComment: Handler = (ctx) => {
  const number = numberParam(ctx, 'issue_number');
  const target = findIssueOrPull(ctx.state, number);
  if (!target) return notFound();
  const kind = findPull(ctx.state, number) ? 'pull' : 'issues';
  const id = nextId(ctx.state);
  const now = timestamp();
  const comment: StoredComment = {
    id,
    issue_number: number,
    body: String(bodyFields(ctx).body),
    user: ctx.state.actor,
    html_url: webUrl(ctx.state, `/${kind}/${number}#issuecomment-${id}`),
    created_at: now,
    updated_at: now,
  };
  ctx.state.comments.push(comment);
  return json(201, commentJson(ctx.state, comment), { location: `${ctx.state.apiUrl}/repos/${ctx.state.owner}/${ctx.state.repo}/issues/comments/${id}` });
};

export const listComments: Handler = (ctx) => {
  const number = numberParam(ctx, 'issue_number');
  if (!findIssueOrPull(ctx.state, number)) return notFound();
  const since = typeof ctx.query.since === 'string' ? Date.parse(ctx.query.since) : Number.NEGATIVE_INFINITY;
  const comments = ctx.state.comments.filter((c) => c.issue_number === number && Date.parse(c.updated_at) >= since);
  return paginated(ctx, comments.map((c) => commentJson(ctx.state, c)));
};

export const updateComment: Handler = (ctx) => {
  const comment = ctx.state.comments.find((c) => c.id === numberParam(ctx, 'comment_id'));
  if (!comment) return notFound();
  comment.body = String(bodyFields(ctx).body);
  comment.updated_at = timestamp();
  return json(200, commentJson(ctx.state, comment));
};

/** `labels: ["bug", {name: "docs"}]` -> names */
function labelNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (typeof item === 'string') return [item];
    const name = typeof item === 'object' && item !== null ? (item as { name?: unknown }).name : undefined;
    return typeof name === 'string' ? [name] : [];
  });
}
