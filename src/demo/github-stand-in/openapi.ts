// GitHub's published OpenAPI description (@octokit/openapi): locating, loading and the few
// OpenAPI 3.0 object shapes the stand-in reads. Loaded once per process (13 MB of JSON).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type JsonObject = Record<string, unknown>;

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonObject;
}

export interface MediaTypeObject {
  schema?: JsonObject;
}

export interface RequestBodyObject {
  required?: boolean;
  content?: Record<string, MediaTypeObject>;
}

export interface ResponseObject {
  content?: Record<string, MediaTypeObject>;
}

export interface OperationObject {
  operationId: string;
  parameters?: Array<ParameterObject | { $ref: string }>;
  requestBody?: RequestBodyObject | { $ref: string };
  responses?: Record<string, ResponseObject | { $ref: string }>;
}

export interface OpenApiDescription {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: JsonObject;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const DESCRIPTION_FILE = join('generated', 'api.github.com.json');

/** Path of GitHub's description inside the installed @octokit/openapi; throws a clear error if absent. */
export function descriptionPath(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('@octokit/openapi/package.json');
  } catch (err) {
    throw new Error(
      "github stand-in: cannot find the package '@octokit/openapi' (GitHub's OpenAPI description); run `npm ci`",
      { cause: err },
    );
  }
  const file = join(dirname(pkg), DESCRIPTION_FILE);
  if (!existsSync(file)) throw new Error(`github stand-in: GitHub's OpenAPI description is missing: ${file}`);
  return file;
}

let cached: OpenApiDescription | undefined;

export function loadDescription(): OpenApiDescription {
  if (cached) return cached;
  const file = descriptionPath();
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!isObject(parsed) || !isObject(parsed.paths) || !isObject(parsed.components)) {
    throw new Error(`github stand-in: ${file} is not an OpenAPI description (no paths/components)`);
  }
  cached = parsed as unknown as OpenApiDescription;
  return cached;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follow `$ref: '#/components/...'` pointers (for parameters, request bodies, responses). */
export function deref<T>(description: OpenApiDescription, value: T | { $ref: string }): T {
  let current: unknown = value;
  for (let hops = 0; isObject(current) && typeof current.$ref === 'string'; hops++) {
    if (hops > MAX_REF_HOPS) throw new Error(`github stand-in: $ref cycle at ${current.$ref}`);
    current = resolvePointer(description, current.$ref);
  }
  return current as T;
}

const MAX_REF_HOPS = 16;

function resolvePointer(description: OpenApiDescription, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`github stand-in: unsupported $ref ${ref}`);
  let node: unknown = description;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : undefined;
  }
  if (node === undefined) throw new Error(`github stand-in: dangling $ref ${ref}`);
  return node;
}
