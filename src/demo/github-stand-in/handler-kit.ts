// What a handler receives and returns, and the answers GitHub gives in common situations.
// Handlers run only on requests the description allows: params and body are already checked.
import { errorJson, type ValidationErrorDetail } from './representations.js';
import type { StandInState } from './state.js';

export interface HandlerContext {
  state: StandInState;
  operationId: string;
  params: Record<string, unknown>; // path parameters, typed per their schema
  query: Record<string, unknown>; // query parameters, typed per their schema
  body: unknown; // undefined when the request had none
  url: URL; // the request's URL against the stand-in's base URL
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  violation?: string; // recorded when the request was valid but the stand-in cannot serve it
}

export type Handler = (ctx: HandlerContext) => HandlerResult;

const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;

export function json(status: number, body: unknown, headers?: Record<string, string>): HandlerResult {
  return { status, body, ...(headers ? { headers } : {}) };
}

export function notFound(): HandlerResult {
  return json(404, errorJson(404, 'Not Found'));
}

/** 422 as GitHub sends it: "Validation Failed" plus one detail per problem. */
export function validationFailed(...errors: ValidationErrorDetail[]): HandlerResult {
  return json(422, errorJson(422, 'Validation Failed', errors));
}

/** 422 with a plain message (GitHub's answer for e.g. reviewer requests it refuses). */
export function unprocessable(message: string): HandlerResult {
  return json(422, errorJson(422, message));
}

export function notImplemented(what: string): HandlerResult {
  return { status: 501, body: errorJson(501, `Not implemented by the stand-in: ${what}`), violation: `not implemented by the stand-in: ${what}` };
}

/** Answer 404 for any repository but the stand-in's own (GitHub matches names case-insensitively). */
export function inRepo(handler: Handler): Handler {
  return (ctx) => {
    const { owner, repo } = ctx.params;
    const same = (a: unknown, b: string): boolean => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
    return same(owner, ctx.state.owner) && same(repo, ctx.state.repo) ? handler(ctx) : notFound();
  };
}

export function bodyFields(ctx: HandlerContext): Record<string, unknown> {
  const body = ctx.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

export function numberParam(ctx: HandlerContext, name: string): number {
  return Number(ctx.params[name]);
}

/** One page of `items` per `per_page`/`page`, with GitHub's `Link` header when there is more than one page. */
export function paginated(ctx: HandlerContext, items: unknown[]): HandlerResult {
  const perPage = Math.min(Number(ctx.query.per_page ?? DEFAULT_PER_PAGE), MAX_PER_PAGE);
  const page = Math.max(Number(ctx.query.page ?? 1), 1);
  const body = items.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  if (last === 1) return json(200, body);
  const link = (n: number, rel: string): string => {
    const url = new URL(ctx.url.href);
    url.searchParams.set('page', String(n));
    return `<${url.href}>; rel="${rel}"`;
  };
  const rels = [
    ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
    ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : []),
  ];
  return json(200, body, rels.length > 0 ? { link: rels.join(', ') } : undefined);
}
