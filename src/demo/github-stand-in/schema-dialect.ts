// OpenAPI 3.0 schema objects -> JSON Schema that ajv (draft-07) understands:
// `nullable: true` becomes a type union (or `anyOf [..., null]` when there is no `type`), and
// local `$ref: '#/components/...'` pointers become absolute, into the document registered as ROOT_ID.
// Unknown OpenAPI keywords (example, discriminator, x-*) are left for ajv's non-strict mode to ignore.
import { isObject, type JsonObject } from './openapi.js';

export const ROOT_ID = 'https://tern.invalid/github-openapi.json';

export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) out[key] = `${ROOT_ID}${value}`;
    else out[key] = toJsonSchema(value);
  }
  return node.nullable === true ? allowNull(out) : out;
}

function allowNull(schema: JsonObject): JsonObject {
  const { nullable: _nullable, ...rest } = schema;
  if (typeof rest.type === 'string' || Array.isArray(rest.type)) {
    const types = Array.isArray(rest.type) ? rest.type : [rest.type];
    const result: JsonObject = { ...rest, type: types.includes('null') ? types : [...types, 'null'] };
    if (Array.isArray(rest.enum) && !rest.enum.includes(null)) result.enum = [...rest.enum, null];
    return result;
  }
  return { anyOf: [rest, { type: 'null' }] };
}

/** The description's components, converted, as one document ajv can resolve `$ref`s into. */
export function componentsDocument(components: JsonObject): JsonObject {
  const { examples: _examples, ...schemaBearing } = components; // examples are data, never schemas
  return { $id: ROOT_ID, components: toJsonSchema(schemaBearing) };
}
