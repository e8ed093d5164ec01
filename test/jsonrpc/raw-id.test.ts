/** scanTopLevelId: the source text of a message's top-level id, on whole lines and on cut-off heads. */
import { describe, expect, it } from 'vitest';
import { isRequestIdToken, scanTopLevelId, scanTopLevelMember } from '../../src/jsonrpc/raw-id.js';

describe('scanTopLevelId', () => {
  it.each([
    ['{"id":12345678901234567890,"method":"m"}', '12345678901234567890'],
    ['{ "method" : "m" , "id" : -7 }', '-7'],
    ['{"method":"m","params":{"id":1,"x":[{"id":2}]},"id":"outer"}', '"outer"'],
    ['{"params":"a \\"id\\": 3 } {","id":4}', '4'],
    ['{"params":["\\\\",{"id":9}],"id":5}', '5'],
    ['{"\\u0069d":"escaped key"}', '"escaped key"'],
    ['{"id":"\\u0041b"}', '"\\u0041b"'],
    ['{"id":1.5e3}', '1.5e3'],
    ['{"id":{"a":[1,{"b":"}"}]}}', '{"a":[1,{"b":"}"}]}'],
    ['{"id":1,"id":2}', '1'],
  ])('finds the id in %s', (text, raw) => {
    expect(scanTopLevelId(text)).toBe(raw);
  });

  it.each([
    ['no id', '{"method":"m","params":{"id":1}}'],
    ['not an object', '[{"id":1}]'],
    ['a scalar', '"id"'],
    ['a head cut inside the id', '{"method":"m","id":1234'],
    ['a head cut inside a string id', '{"id":"abc'],
    ['a head cut before the id', '{"method":"m","params":{"x":"aaaa'],
    ['empty text', ''],
  ])('finds nothing in %s', (_name, text) => {
    expect(scanTopLevelId(text)).toBeUndefined();
  });

  it('finds the id in the head of a long line, before the bulk', () => {
    const head = `{"method":"thread/start","id":42,"params":{"developerInstructions":"${'x'.repeat(4000)}`;
    expect(scanTopLevelId(head)).toBe('42');
    expect(scanTopLevelMember(head, 'method')).toBe('"thread/start"');
  });
});

describe('isRequestIdToken', () => {
  it('accepts strings and integer literals only', () => {
    expect(['"a"', '0', '-1', '12345678901234567890'].every(isRequestIdToken)).toBe(true);
    expect(['1.5', '1e3', '2.0', '-0.0', 'true', 'null', '{}', '01'].some(isRequestIdToken)).toBe(false);
  });
});
