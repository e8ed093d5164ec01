// Method + path -> the OpenAPI operation it names. Templates such as
// `/repos/{owner}/{repo}/pulls/{pull_number}` and `{base}...{head}` match one segment per
// `{name}`; when several templates match, literal segments win over templated ones.
import { HTTP_METHODS, isObject, type OpenApiDescription, type OperationObject } from './openapi.js';

interface Segment {
  literal: string | null; // a segment without `{...}`
  pattern: RegExp | null; // otherwise: the segment as a regex with one group per name
  names: string[];
}

export interface Route {
  method: string; // upper case
  template: string;
  operation: OperationObject;
  segments: Segment[];
}

export type RouteMatch =
  | { kind: 'matched'; route: Route; pathParams: Record<string, string> }
  | { kind: 'no-path' }
  | { kind: 'no-method'; allowed: string[] };

export class RouteTable {
  private readonly byLength = new Map<number, Route[]>();

  constructor(description: OpenApiDescription) {
    for (const [template, item] of Object.entries(description.paths)) {
      const segments = template.split('/').map(parseSegment);
      for (const method of HTTP_METHODS) {
        const operation = item[method];
        if (!isObject(operation) || typeof operation.operationId !== 'string') continue;
        const route: Route = { method: method.toUpperCase(), template, operation: operation as unknown as OperationObject, segments };
        const list = this.byLength.get(segments.length) ?? [];
        list.push(route);
        this.byLength.set(segments.length, list);
      }
    }
  }

  match(method: string, path: string): RouteMatch {
    const parts = path.split('/');
    const candidates: Array<{ route: Route; pathParams: Record<string, string> }> = [];
    for (const route of this.byLength.get(parts.length) ?? []) {
      const pathParams = matchSegments(route.segments, parts);
      if (pathParams) candidates.push({ route, pathParams });
    }
    if (candidates.length === 0) return { kind: 'no-path' };
    const withMethod = candidates.filter((c) => c.route.method === method.toUpperCase());
    if (withMethod.length === 0) {
      return { kind: 'no-method', allowed: [...new Set(candidates.map((c) => c.route.method))].sort() };
    }
    const best = withMethod.reduce((a, b) => (moreLiteral(b.route, a.route) ? b : a));
    return { kind: 'matched', ...best };
  }

  /** Every operationId in the description (for tests and diagnostics). */
  operationIds(): string[] {
    return [...this.byLength.values()].flat().map((r) => r.operation.operationId);
  }
}

function parseSegment(text: string): Segment {
  if (!text.includes('{')) return { literal: text, pattern: null, names: [] };
  const names: string[] = [];
  const source = text
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (name === undefined) return escapeRegExp(part);
      names.push(name);
      return '([^/]+?)';
    })
    .join('');
  return { literal: null, pattern: new RegExp(`^${source}$`), names };
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i] ?? '';
    if (segment.literal !== null) {
      if (segment.literal !== part) return null;
      continue;
    }
    const m = segment.pattern?.exec(part);
    if (!m) return null;
    for (const [j, name] of segment.names.entries()) {
      const value = safeDecode(m[j + 1] ?? '');
      if (value === null) return null;
      params[name] = value;
    }
  }
  return params;
}

/** True when `a` has a literal segment at the first position where the two differ. */
function moreLiteral(a: Route, b: Route): boolean {
  for (const [i, seg] of a.segments.entries()) {
    const aLiteral = seg.literal !== null;
    const bLiteral = b.segments[i]?.literal !== null;
    if (aLiteral !== bLiteral) return aLiteral;
  }
  return false;
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
