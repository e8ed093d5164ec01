// Requests (path params, query params, JSON body) and the stand-in's own responses, checked with
// ajv against the operation's schemas in GitHub's description. Compiled lazily per operation, cached.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import {
  deref,
  isObject,
  type JsonObject,
  type OpenApiDescription,
  type OperationObject,
  type ParameterObject,
  type RequestBodyObject,
  type ResponseObject,
} from './openapi.js';
import { coerceParam } from './params.js';
import type { Route } from './routes.js';
import { componentsDocument, toJsonSchema } from './schema-dialect.js';

export interface CheckedRequest {
  pathParams: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown; // undefined when the request had none
}

export type RequestCheck =
  | { ok: true; request: CheckedRequest }
  | { ok: false; status: number; reason: string };

interface BodyRule {
  required: boolean;
  validate: ValidateFunction | null; // null: the operation takes no JSON body
  takesBody: boolean;
}

interface CompiledOperation {
  pathParams: ParameterObject[];
  queryParams: ParameterObject[];
  path: ValidateFunction;
  query: ValidateFunction;
  body: BodyRule;
  responses: Map<number, ValidateFunction | null>;
}

const STATUS_NOT_FOUND = 404;
const STATUS_UNPROCESSABLE = 422;
const MAX_REPORTED_ERRORS = 3;

type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats: FormatsPlugin =
  (formatsModule as unknown as { default?: FormatsPlugin }).default ?? (formatsModule as unknown as FormatsPlugin);

export class OperationValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, CompiledOperation>();

  constructor(private readonly description: OpenApiDescription) {
    this.ajv = new Ajv({ strict: false, validateSchema: false, logger: false, allErrors: false });
    addFormats(this.ajv);
    this.ajv.addSchema(componentsDocument(description.components));
  }

  checkRequest(route: Route, pathParams: Record<string, string>, query: URLSearchParams, body: unknown): RequestCheck {
    const op = this.operation(route);
    const path = coerceAll(op.pathParams, (name) => (name in pathParams ? [pathParams[name]!] : []));
    if (!op.path(path)) return { ok: false, status: STATUS_NOT_FOUND, reason: describe('path parameter', op.path.errors) };
    const queryValues = coerceAll(op.queryParams, (name) => query.getAll(name));
    for (const name of new Set(query.keys())) if (!(name in queryValues)) queryValues[name] = query.get(name);
    if (!op.query(queryValues)) return { ok: false, status: STATUS_UNPROCESSABLE, reason: describe('query', op.query.errors) };
    const bodyProblem = checkBody(op.body, body);
    if (bodyProblem) return { ok: false, status: STATUS_UNPROCESSABLE, reason: bodyProblem };
    return { ok: true, request: { pathParams: path, query: queryValues, body } };
  }

  /** Null when the response matches the documented schema for its status (or none is documented). */
  checkResponse(route: Route, status: number, body: unknown): string | null {
    const op = this.operation(route);
    if (!op.responses.has(status)) op.responses.set(status, this.compileResponse(route.operation, status));
    const validate = op.responses.get(status);
    if (!validate || validate(body)) return null;
    return describe(`response ${status}`, validate.errors);
  }

  private operation(route: Route): CompiledOperation {
    const id = route.operation.operationId;
    let op = this.compiled.get(id);
    if (!op) {
      op = this.compileOperation(route.operation);
      this.compiled.set(id, op);
    }
    return op;
  }

  private compileOperation(operation: OperationObject): CompiledOperation {
    const params = (operation.parameters ?? []).map((p) => deref<ParameterObject>(this.description, p));
    const pathParams = params.filter((p) => p.in === 'path');
    const queryParams = params.filter((p) => p.in === 'query');
    return {
      pathParams,
      queryParams,
      path: this.ajv.compile(paramsSchema(pathParams)),
      query: this.ajv.compile(paramsSchema(queryParams)),
      body: this.compileBody(operation),
      responses: new Map(),
    };
  }

  private compileBody(operation: OperationObject): BodyRule {
    if (!operation.requestBody) return { required: false, validate: null, takesBody: false };
    const requestBody = deref<RequestBodyObject>(this.description, operation.requestBody);
    const schema = jsonMediaType(requestBody.content)?.schema;
    return {
      required: requestBody.required === true,
      validate: schema ? this.ajv.compile(toJsonSchema(schema) as JsonObject) : null,
      takesBody: true,
    };
  }

  private compileResponse(operation: OperationObject, status: number): ValidateFunction | null {
    const documented = operation.responses?.[String(status)] ?? operation.responses?.default;
    if (!documented) return null;
    const schema = jsonMediaType(deref<ResponseObject>(this.description, documented).content)?.schema;
    return schema ? this.ajv.compile(toJsonSchema(schema) as JsonObject) : null;
  }
}

function paramsSchema(params: ParameterObject[]): JsonObject {
  const properties: JsonObject = {};
  for (const p of params) properties[p.name] = toJsonSchema(p.schema ?? {});
  const required = params.filter((p) => p.required).map((p) => p.name);
  return { type: 'object', properties, required, additionalProperties: false };
}

function coerceAll(params: ParameterObject[], valuesOf: (name: string) => string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of params) {
    const values = valuesOf(p.name);
    if (values.length > 0) out[p.name] = coerceParam(values, p.schema ?? {});
  }
  return out;
}

function checkBody(rule: BodyRule, body: unknown): string | null {
  if (body === undefined) return rule.required ? 'body: a request body is required' : null;
  if (!rule.takesBody) {
    const empty = isObject(body) && Object.keys(body).length === 0;
    return empty ? null : 'body: this operation takes no request body';
  }
  if (!rule.validate || rule.validate(body)) return null;
  return describe('body', rule.validate.errors);
}

function jsonMediaType(content: RequestBodyObject['content']): { schema?: JsonObject } | undefined {
  const entry = Object.entries(content ?? {}).find(([type]) => /^application\/(.+\+)?json\b/.test(type));
  return entry?.[1];
}

function describe(where: string, errors: ErrorObject[] | null | undefined): string {
  const lines = (errors ?? []).slice(0, MAX_REPORTED_ERRORS).map((e) => `${where}${e.instancePath} ${e.message ?? 'is invalid'}${detail(e)}`);
  return lines.length > 0 ? [...new Set(lines)].join('; ') : `${where} is invalid`;
}

function detail(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (Array.isArray(params.allowedValues)) return ` (${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')})`;
  if (typeof params.additionalProperty === 'string') return ` (${params.additionalProperty})`;
  return '';
}
