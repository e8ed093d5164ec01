// Path and query parameters arrive as strings; turn them into the type their schema declares
// (integer, number, boolean, comma-separated array) so ajv can check them. A string that does not
// parse stays a string, and ajv then reports the type mismatch.
import { isObject, type JsonObject } from './openapi.js';

export function coerceParam(values: string[], schema: JsonObject): unknown {
  const types = declaredTypes(schema);
  if (types.includes('array')) {
    const items = isObject(schema.items) ? schema.items : {};
    return values.flatMap((v) => v.split(',')).map((v) => coerceScalar(v, declaredTypes(items)));
  }
  return coerceScalar(values[values.length - 1] ?? '', types);
}

function declaredTypes(schema: JsonObject): string[] {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((t): t is string => typeof t === 'string');
  return [];
}

function coerceScalar(text: string, types: string[]): unknown {
  if (types.includes('integer') && /^-?\d+$/.test(text)) return Number(text);
  if (types.includes('number') && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}
