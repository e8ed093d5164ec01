// The HTTP side: node:http on 127.0.0.1, port 0. Every request is recorded, checked against
// GitHub's description (auth, route, params, body), then served by the handler for its operationId.
// Whatever GitHub would not accept, and whatever the stand-in cannot serve, becomes a violation.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HANDLERS } from './handlers.js';
import type { HandlerResult } from './handler-kit.js';
import { loadDescription } from './openapi.js';
import { errorJson } from './representations.js';
import { RouteTable, type Route } from './routes.js';
import type { StandInState } from './state.js';
import { OperationValidator } from './validation.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  operationId: string | null;
  body: unknown; // parsed JSON; undefined when there was none
  token: string | null; // the Authorization credential without its scheme
  status: number; // 0 until answered
}

export interface ServerHandle {
  url: string;
  close(): Promise<void>;
}

interface Contract {
  routes: RouteTable;
  validator: OperationValidator;
}

const HOST = '127.0.0.1';
let contract: Contract | undefined;

/** Routes and validators, built once per process and shared by every stand-in. */
function sharedContract(): Contract {
  if (!contract) {
    const description = loadDescription();
    contract = { routes: new RouteTable(description), validator: new OperationValidator(description) };
  }
  return contract;
}

type Outcome = HandlerResult;

/** Starts serving `state`; sets `state.apiUrl` to the server's base URL. */
export async function listen(state: StandInState, requests: RecordedRequest[], violations: string[]): Promise<ServerHandle> {
  const { routes, validator } = sharedContract();
  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', state.apiUrl);
      const method = (req.method ?? 'GET').toUpperCase();
      const record: RecordedRequest = {
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        operationId: null,
        body: undefined,
        token: credential(req.headers.authorization),
        status: 0,
      };
      requests.push(record);
      const outcome = serve({ state, routes, validator, record, url, raw, contentType: req.headers['content-type'] });
      record.status = outcome.status;
      if (outcome.violation) violations.push(`${method} ${url.pathname}${url.search}: ${outcome.violation}`);
      send(res, outcome);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  const url = `http://${HOST}:${(server.address() as AddressInfo).port}`;
  state.apiUrl = url;
  let closed: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

interface Exchange {
  state: StandInState;
  routes: RouteTable;
  validator: OperationValidator;
  record: RecordedRequest;
  url: URL;
  raw: Buffer;
  contentType: string | undefined;
}

function serve(x: Exchange): Outcome {
  const body = parseBody(x.raw, x.contentType);
  if (body.error) return refuse(400, 'Problems parsing JSON', `body is not JSON: ${body.error}`);
  x.record.body = body.value;
  if (x.record.token === null) return refuse(401, 'Requires authentication', 'no Authorization header');
  const match = x.routes.match(x.record.method, x.url.pathname);
  if (match.kind === 'no-path') return refuse(404, 'Not Found', "no path in GitHub's OpenAPI description matches");
  if (match.kind === 'no-method') {
    return refuse(404, 'Not Found', `the path has no ${x.record.method} operation (allowed: ${match.allowed.join(', ')})`);
  }
  const operationId = match.route.operation.operationId;
  x.record.operationId = operationId;
  const check = x.validator.checkRequest(match.route, match.pathParams, x.url.searchParams, body.value);
  if (!check.ok) return refuse(check.status, check.status === 404 ? 'Not Found' : 'Invalid request.', `${operationId}: ${check.reason}`);
  const handler = HANDLERS.get(operationId);
  if (!handler) return refuse(501, `Not implemented by the stand-in: ${operationId}`, `${operationId}: not implemented by the stand-in`);
  const { pathParams: params, query } = check.request;
  const outcome = runHandler(() => handler({ state: x.state, operationId, params, query, body: body.value, url: x.url }));
  return withResponseCheck(x.validator, match.route, outcome);
}

function runHandler(run: () => Outcome): Outcome {
  try {
    return run();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return refuse(500, 'Server Error', `the stand-in failed: ${message}`);
  }
}

/** The stand-in's own answer must match the documented response schema; a mismatch is its bug. */
function withResponseCheck(validator: OperationValidator, route: Route, outcome: Outcome): Outcome {
  if (outcome.violation || outcome.body === undefined) return outcome;
  const problem = validator.checkResponse(route, outcome.status, outcome.body);
  return problem ? { ...outcome, violation: `${route.operation.operationId}: stand-in answer breaks the description: ${problem}` } : outcome;
}

function refuse(status: number, message: string, violation: string): Outcome {
  return { status, body: errorJson(status, message), violation };
}

function credential(header: string | undefined): string | null {
  const value = header?.trim();
  if (!value) return null;
  const m = /^(\S+)\s+(\S.*)$/.exec(value);
  return m ? m[2]! : value;
}

function parseBody(raw: Buffer, contentType: string | undefined): { value?: unknown; error?: string } {
  if (raw.length === 0) return {};
  const text = raw.toString('utf8');
  if (contentType && !/json/i.test(contentType)) return { value: text };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

function send(res: ServerResponse, outcome: Outcome): void {
  const text = outcome.body === undefined ? '' : JSON.stringify(outcome.body);
  res.writeHead(outcome.status, {
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': Buffer.byteLength(text),
    'x-github-media-type': 'github.v3; format=json',
    ...outcome.headers,
  });
  res.end(text);
}
