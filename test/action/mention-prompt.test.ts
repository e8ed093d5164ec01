import { describe, expect, it } from 'vitest';
import { hasTriggerPhrase } from '../../src/action/mention-prompt.js';

describe('the trigger phrase', () => {
  it.each([
    ['@tern fix this', true],
    ['please, @tern: fix this', true],
    ['(@tern)', true],
    ['@TERN fix', true],
    ['end of line @tern', true],
    ['@tern.', true],
    ['@ternary operator', false],
    ['mail me@tern.dev', false],
    ['@tern-bot do it', false],
    ['x@tern', false],
    ['@tern.dev is a domain', false],
  ])('%j -> %s', (text, expected) => {
    expect(hasTriggerPhrase(text, '@tern')).toBe(expected);
  });

  it('escapes a phrase with regex characters', () => {
    expect(hasTriggerPhrase('run /fix+ now', '/fix+')).toBe(true);
    expect(hasTriggerPhrase('run /fixx now', '/fix+')).toBe(false);
  });
});
