// What an event payload (GITHUB_EVENT_PATH) says tern is asked about: a pull request to review,
// or a comment or issue that may mention tern. Only the fields tern uses, read defensively: a
// payload that lacks one gives a clear error, never a crash.

import { TernError } from '../util/errors.js';
import type { RunContext } from './context.js';

export interface PullRequestRef {
  number: number;
  title: string;
  body: string;
  htmlUrl: string;
  baseRef: string;
  baseSha: string;
  headRef: string;
  headSha: string;
  /** `owner/name` of the head branch's repository. */
  headRepo: string;
  /** The head branch lives in another repository (a fork). */
  fromFork: boolean;
}

export interface Author {
  login: string;
  /** GitHub's account type: User, Bot, Organization. */
  type: string;
}

/** A comment or issue that may hold the trigger phrase. */
export interface Mention {
  event: 'issue_comment' | 'pull_request_review_comment' | 'issues';
  /** The issue or pull request the conversation is on. */
  number: number;
  onPullRequest: boolean;
  /** The issue's (or PR's) title and body. */
  title: string;
  body: string;
  /** The comment that asks (null for an `issues` event: the issue itself asks). */
  comment: { id: number; body: string; author: Author } | null;
  /** Who asked: the comment's author, or the issue's. */
  author: Author;
  /** The PR when the payload carries it (review comments); issue_comment payloads do not. */
  pullRequest: PullRequestRef | null;
}

export const REVIEW_EVENTS = ['pull_request', 'pull_request_target'] as const;
export const MENTION_EVENTS = ['issue_comment', 'pull_request_review_comment', 'issues'] as const;

type Json = Record<string, unknown>;

function obj(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

function need<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new TernError('bad_event', `the event payload has no ${what}`);
  return value;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function num(value: unknown, what: string): number {
  return need(typeof value === 'number' && Number.isInteger(value) ? value : null, what);
}

function str(value: unknown, what: string): string {
  return need(typeof value === 'string' && value !== '' ? value : null, what);
}

function author(value: unknown, what: string): Author {
  const user = need(obj(value), what);
  return { login: str(user.login, `${what}.login`), type: text(user.type) || 'User' };
}

/** A `pull-request` object (event payload or pulls.get) as tern needs it. */
export function readPullRequest(value: unknown, baseRepo: string): PullRequestRef {
  const pr = need(obj(value), 'pull_request');
  const head = need(obj(pr.head), 'pull_request.head');
  const base = need(obj(pr.base), 'pull_request.base');
  const headRepo = text(obj(head.repo)?.full_name);
  return {
    number: num(pr.number, 'pull_request.number'),
    title: text(pr.title),
    body: text(pr.body),
    htmlUrl: text(pr.html_url),
    baseRef: str(base.ref, 'pull_request.base.ref'),
    baseSha: str(base.sha, 'pull_request.base.sha'),
    headRef: str(head.ref, 'pull_request.head.ref'),
    headSha: str(head.sha, 'pull_request.head.sha'),
    // A deleted fork leaves head.repo null: treat it as a fork (never push there).
    headRepo: headRepo || '(deleted fork)',
    fromFork: headRepo.toLowerCase() !== baseRepo.toLowerCase(),
  };
}

/** The PR of a pull_request / pull_request_target event, or null for other events. */
export function pullRequestOfEvent(ctx: RunContext): PullRequestRef | null {
  if (!(REVIEW_EVENTS as readonly string[]).includes(ctx.eventName)) return null;
  return readPullRequest(ctx.payload.pull_request, `${ctx.owner}/${ctx.repo}`);
}

/** The comment or issue of a mention event, or null for other events. */
export function mentionOfEvent(ctx: RunContext): Mention | null {
  const p = ctx.payload;
  switch (ctx.eventName) {
    case 'issue_comment': {
      const issue = need(obj(p.issue), 'issue');
      const comment = need(obj(p.comment), 'comment');
      const by = author(comment.user, 'comment.user');
      return {
        event: 'issue_comment',
        number: num(issue.number, 'issue.number'),
        onPullRequest: obj(issue.pull_request) !== null,
        title: text(issue.title),
        body: text(issue.body),
        comment: { id: num(comment.id, 'comment.id'), body: text(comment.body), author: by },
        author: by,
        pullRequest: null,
      };
    }
    case 'pull_request_review_comment': {
      const pr = readPullRequest(p.pull_request, `${ctx.owner}/${ctx.repo}`);
      const comment = need(obj(p.comment), 'comment');
      const by = author(comment.user, 'comment.user');
      return {
        event: 'pull_request_review_comment',
        number: pr.number,
        onPullRequest: true,
        title: pr.title,
        body: pr.body,
        comment: { id: num(comment.id, 'comment.id'), body: text(comment.body), author: by },
        author: by,
        pullRequest: pr,
      };
    }
    case 'issues': {
      const issue = need(obj(p.issue), 'issue');
      return {
        event: 'issues',
        number: num(issue.number, 'issue.number'),
        onPullRequest: false,
        title: text(issue.title),
        body: text(issue.body),
        comment: null,
        author: author(p.sender ?? issue.user, 'sender'),
        pullRequest: null,
      };
    }
    default:
      return null;
  }
}

/** The action of the event (`created`, `opened`, ...), or ''. */
export function eventAction(ctx: RunContext): string {
  return text(ctx.payload.action);
}
