/**
 * Thread ids read as the reference reads them (its uuid crate): the expected texts below are
 * codex app-server 0.169.0's answers to thread/read with these ids, after "invalid thread id: ".
 * The differential suite (test/conformance/errors-differential.test.ts) checks a few live.
 */
import { describe, expect, it } from 'vitest';
import { parseUuid } from '../../src/protocol/thread-id.js';

const NIL = '00000000-0000-0000-0000-000000000000';
const CHAR = 'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found';

describe('parseUuid', () => {
  it.each([
    [NIL, NIL],
    ['00000000000000000000000000000000', NIL],
    [`urn:uuid:${NIL}`, NIL],
    [`{${NIL}}`, NIL],
    ['01A22A8B-9D35-71C0-9D34-937C87745401', '01a22a8b-9d35-71c0-9d34-937c87745401'],
  ])('accepts %s as %s', (text, id) => {
    expect(parseUuid(text)).toEqual({ ok: true, id });
  });

  it.each([
    ['not-a-uuid', `${CHAR} \`n\` at 1`],
    ['zz', `${CHAR} \`z\` at 1`],
    ['0000000g-0000-0000-0000-000000000000', `${CHAR} \`g\` at 8`],
    ['00000000-0000-0000-0000-00000000000é', `${CHAR} \`é\` at 36`],
    ['abc', 'invalid length: expected length 32 for simple format, found 3'],
    ['', 'invalid length: expected length 32 for simple format, found 0'],
    ['0000000000000000000000000000000', 'invalid length: expected length 32 for simple format, found 31'],
    ['00000000-0000-0000-0000-00000000000', 'invalid group length in group 4: expected 12, found 11'],
    ['00000000-0000-0000-0000-0000000000000', 'invalid group length in group 4: expected 12, found 13'],
    ['00000000-0000-0000-0000', 'invalid group count: expected 5, found 4'],
    ['0000000-00000-0000-0000-000000000000', 'invalid group length in group 0: expected 8, found 7'],
    ['{0000000-00000-0000-0000-000000000000}', 'invalid group length in group 0: expected 8, found 7'],
    ['urn:uuid:0000-0000', 'invalid group count: expected 5, found 2'],
  ])('refuses %j: %s', (text, error) => {
    expect(parseUuid(text)).toEqual({ ok: false, error });
  });
});
