// pulls/list, pulls/get, pulls/create, pulls/update, pulls/request-reviewers: GitHub's behaviour
// for pull requests between branches of the stand-in's one repository.
import {
  bodyFields,
  json,
  notFound,
  notImplemented,
  numberParam,
  paginated,
  unprocessable,
  validationFailed,
  type Handler,
  type HandlerResult,
} from './handler-kit.js';
import { pullJson, pullSimpleJson } from './representations.js';
import {
  addPullRequest,
  findPull,
  openPullFor,
  timestamp,
  type StandInState,
  type StoredPullRequest,
} from './state.js';

type Order = (a: StoredPullRequest, b: StoredPullRequest) => number;

const BY_CREATED: Order = (a, b) => a.number - b.number;
const BY_UPDATED: Order = (a, b) => a.updated_at.localeCompare(b.updated_at) || BY_CREATED(a, b);

export const listPulls: Handler = (ctx) => {
  const { state: wanted = 'open', head, base, sort = 'created', direction } = ctx.query;
  let pulls = ctx.state.pulls.filter((p) => wanted === 'all' || p.state === wanted);
  // GitHub silently ignores a head filter without the `owner:` prefix (community discussion
  // #24354); the stand-in does the same, so a client that forgets the prefix is caught.
  if (typeof head === 'string' && head.includes(':')) {
    const [owner, ref] = splitOnce(head, ':');
    pulls = pulls.filter((p) => owner.toLowerCase() === ctx.state.owner.toLowerCase() && p.head === ref);
  }
  if (typeof base === 'string') pulls = pulls.filter((p) => p.base === base);
  const ascending = (direction ?? (sort === 'created' ? 'desc' : 'asc')) === 'asc';
  const order = sort === 'updated' ? BY_UPDATED : BY_CREATED;
  pulls = [...pulls].sort((a, b) => (ascending ? order(a, b) : order(b, a)));
  return paginated(ctx, pulls.map((p) => pullSimpleJson(ctx.state, p)));
};

export const getPull: Handler = (ctx) => {
  const pr = findPull(ctx.state, numberParam(ctx, 'pull_number'));
  return pr ? json(200, pullJson(ctx.state, pr)) : notFound();
};

export const createPull: Handler = (ctx) => {
  const fields = bodyFields(ctx);
  if (fields.issue !== undefined) return notImplemented('pulls/create from an issue');
  if (typeof fields.title !== 'string') return validationFailed({ resource: 'PullRequest', code: 'missing_field', field: 'title' });
  const head = parseHead(ctx.state, String(fields.head));
  if (head === null) return notImplemented(`pulls/create with a head in another repository (${String(fields.head)})`);
  const base = String(fields.base);
  const problem = conflicts(ctx.state, head, base);
  if (problem) return problem;
  const pr = storePull(ctx.state, { head, base, title: fields.title, body: fields.body, draft: fields.draft, mcm: fields.maintainer_can_modify });
  return json(201, pullJson(ctx.state, pr), { location: `${ctx.state.apiUrl}/repos/${ctx.state.owner}/${ctx.state.repo}/pulls/${pr.number}` });
};

export const updatePull: Handler = (ctx) => {
  const pr = findPull(ctx.state, numberParam(ctx, 'pull_number'));
  if (!pr) return notFound();
  const fields = bodyFields(ctx);
  const base = typeof fields.base === 'string' ? fields.base : pr.base;
  const reopening = fields.state === 'open' && pr.state === 'closed';
  if (reopening || base !== pr.base) {
    const problem = conflicts(ctx.state, pr.head, base, pr);
    if (problem) return problem;
  }
  pr.base = base;
  if (typeof fields.title === 'string') pr.title = fields.title;
  if (typeof fields.body === 'string') pr.body = fields.body;
  if (typeof fields.maintainer_can_modify === 'boolean') pr.maintainer_can_modify = fields.maintainer_can_modify;
  if (fields.state === 'open' || fields.state === 'closed') setState(pr, fields.state);
  pr.updated_at = timestamp();
  return json(200, pullJson(ctx.state, pr));
};

export const requestReviewers: Handler = (ctx) => {
  const pr = findPull(ctx.state, numberParam(ctx, 'pull_number'));
  if (!pr) return notFound();
  const fields = bodyFields(ctx);
  const reviewers = stringList(fields.reviewers);
  if (stringList(fields.team_reviewers).length > 0) return notImplemented('pulls/request-reviewers with team_reviewers');
  if (reviewers.some((r) => r.toLowerCase() === pr.user.toLowerCase())) {
    return unprocessable('Review cannot be requested from pull request author.');
  }
  const allowed = ctx.state.collaborators?.map((c) => c.toLowerCase());
  if (allowed && reviewers.some((r) => !allowed.includes(r.toLowerCase()))) {
    return unprocessable(
      `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${ctx.state.owner}/${ctx.state.repo} repository.`,
    );
  }
  for (const r of reviewers) if (!pr.requested_reviewers.includes(r)) pr.requested_reviewers.push(r);
  pr.updated_at = timestamp();
  return json(201, pullSimpleJson(ctx.state, pr));
};

/** 422 when the pair cannot get a (further) open pull request, as GitHub answers. */
function conflicts(state: StandInState, head: string, base: string, self?: StoredPullRequest): HandlerResult | null {
  if (head === base) {
    return validationFailed({ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` });
  }
  const existing = openPullFor(state, head, base);
  if (existing && existing !== self) {
    return validationFailed({ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${state.owner}:${head}.` });
  }
  return null;
}

interface NewPull {
  head: string;
  base: string;
  title: string;
  body: unknown;
  draft: unknown;
  mcm: unknown;
}

function storePull(state: StandInState, spec: NewPull): StoredPullRequest {
  return addPullRequest(state, {
    title: spec.title,
    body: typeof spec.body === 'string' ? spec.body : null,
    head: spec.head,
    base: spec.base,
    draft: spec.draft === true,
    user: state.actor,
    maintainer_can_modify: spec.mcm === true,
  });
}

function setState(pr: StoredPullRequest, next: 'open' | 'closed'): void {
  if (pr.state === next) return;
  pr.state = next;
  pr.closed_at = next === 'closed' ? timestamp() : null;
}

/** `branch` or `owner:branch` of this repository -> branch; null for another owner. */
function parseHead(state: StandInState, head: string): string | null {
  if (!head.includes(':')) return head;
  const [owner, ref] = splitOnce(head, ':');
  return owner.toLowerCase() === state.owner.toLowerCase() ? ref : null;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return [text.slice(0, at), text.slice(at + separator.length)];
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
