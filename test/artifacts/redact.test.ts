import { describe, expect, it } from 'vitest';
import { createRedactor, redactDeep, REDACTED, secretEnvValues } from '../../src/artifacts/redact.js';

describe('createRedactor', () => {
  const env = {
    MOCK_API_KEY: 'sk-test-secret-123456',
    DB_PASSWORD: 'hunter2hunter2',
    MY_TOKEN: 'plain-token-value',
    SHORT_SECRET: 'abc', // too short to be treated as a secret
    HOME: '/home/someone', // not a secret name
    GIT_AUTHOR_NAME: 'Jane Author', // matches AUTH but is not a secret
  };
  const redact = createRedactor(env, ['extra-literal-secret']);

  it('replaces values of secret-looking env vars', () => {
    expect(redact('pw=hunter2hunter2 tok=plain-token-value')).toBe(`pw=${REDACTED} tok=${REDACTED}`);
    expect(redact('key: sk-test-secret-123456.')).toBe(`key: ${REDACTED}.`);
  });

  it('keeps short values and non-secret names', () => {
    expect(redact('abc /home/someone Jane Author')).toBe('abc /home/someone Jane Author');
    expect(secretEnvValues(env).sort()).toEqual(['hunter2hunter2', 'plain-token-value', 'sk-test-secret-123456']);
  });

  it('replaces extra literal secrets', () => {
    expect(redact('x extra-literal-secret y')).toBe(`x ${REDACTED} y`);
  });

  it('replaces well-known token shapes from any source', () => {
    const r = createRedactor({});
    expect(r('OPENAI sk-proj-AbCdEf123456_xyz end')).toBe(`OPENAI ${REDACTED} end`);
    expect(r('gh ghp_' + 'a'.repeat(36))).toBe(`gh ${REDACTED}`);
    expect(r('gho_' + 'B1'.repeat(18) + ' ghs_' + 'c'.repeat(36))).toBe(`${REDACTED} ${REDACTED}`);
    expect(r('pat github_pat_11ABCDEFG0123456789_abcdefXYZ')).toBe(`pat ${REDACTED}`);
    expect(r('authorization: Bearer abc.def-ghi')).toBe(`authorization: Bearer ${REDACTED}`);
    expect(r('Authorization: bearer sk-whatever-123456')).toBe(`Authorization: bearer ${REDACTED}`);
  });

  it('leaves ordinary text alone', () => {
    const r = createRedactor({});
    const text = 'task-force risk-free desk-lamp; the ghost_ship; Bearer';
    expect(r(text)).toBe(text);
  });

  it('prefers the longest literal when secrets overlap', () => {
    const r = createRedactor({ A_KEY: 'abcdef', B_KEY: 'abcdefghij' });
    expect(r('abcdefghij abcdef')).toBe(`${REDACTED} ${REDACTED}`);
  });

  it('escapes regex characters in secret values', () => {
    const r = createRedactor({ WEIRD_SECRET: 'a.b*c+d(e)' });
    expect(r('x a.b*c+d(e) axbbbcd')).toBe(`x ${REDACTED} axbbbcd`);
  });
});

describe('redactDeep', () => {
  it('redacts every string in a JSON value, keys included, without mutating it', () => {
    const redact = createRedactor({ MOCK_API_KEY: 'sk-test-secret-123456', QUOTE_SECRET: 'he said "hi"\\' });
    const value = {
      method: 'item/completed',
      params: {
        item: { text: 'key is sk-test-secret-123456', list: ['a', 'he said "hi"\\ there', 3, null, true] },
        'sk-test-secret-123456': 1,
      },
    };
    const copy = structuredClone(value);
    const out = redactDeep(value, redact);
    expect(value).toEqual(copy);
    expect(out).toEqual({
      method: 'item/completed',
      params: {
        item: { text: `key is ${REDACTED}`, list: ['a', `${REDACTED} there`, 3, null, true] },
        [REDACTED]: 1,
      },
    });
    expect(JSON.stringify(out)).not.toContain('sk-test-secret');
    expect(JSON.stringify(out)).not.toContain('he said');
  });
});
