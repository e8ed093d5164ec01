/** Structured output through the ModelClient interface: `outputSchema` on each wire API's request body. */
import { describe, expect, it } from 'vitest';
import { chatParams } from '../../src/model/chat-client.js';
import { responsesParams } from '../../src/model/responses-client.js';
import type { ModelRequest } from '../../src/model/types.js';

const BASE: ModelRequest = { model: 'm', instructions: 'i', input: [], tools: [], promptCacheKey: 'k', reasoningEffort: null };
const SCHEMA = { name: 'code_review', strict: true, schema: { type: 'object', properties: {}, required: [], additionalProperties: false } };

describe('outputSchema', () => {
  it('Responses: text.format json_schema', () => {
    expect(responsesParams({ ...BASE, outputSchema: SCHEMA }).text).toEqual({ format: { type: 'json_schema', ...SCHEMA } });
  });
  it('Chat Completions: response_format json_schema', () => {
    expect(chatParams({ ...BASE, outputSchema: SCHEMA }).response_format).toEqual({ type: 'json_schema', json_schema: SCHEMA });
  });
  it('absent: neither field is sent (ordinary turns are unchanged)', () => {
    expect('text' in responsesParams(BASE)).toBe(false);
    expect('response_format' in chatParams(BASE)).toBe(false);
  });
});
