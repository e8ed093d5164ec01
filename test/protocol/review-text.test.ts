/**
 * The plain-text review of `exitedReviewMode.review`: rendering in the reference's layout, and
 * parsing it back into findings (what a client does to post PR review comments).
 */
import { describe, expect, it } from 'vitest';
import { parseReviewText, renderReviewText, REVIEW_FALLBACK_TEXT, type ReviewText } from '../../src/protocol/review-text.js';

const TWO: ReviewText = {
  overallExplanation: 'The loop change drops the last element; the rest is fine.',
  findings: [
    {
      title: '[P1] Off-by-one drops the last item',
      body: 'The bound changed from `<=` to `<`.\n\nEvery list loses its tail element.',
      priority: 1,
      confidence: null,
      codeLocation: { file: 'src/list.js', lineRange: { start: 12, end: 14 } },
    },
    {
      title: 'Name the magic number — or drop it',
      body: 'Use a constant.',
      priority: 3,
      confidence: null,
      codeLocation: { file: 'src/a b/c.ts', lineRange: { start: 3, end: 3 } },
    },
  ],
};

describe('renderReviewText', () => {
  it('renders the reference layout for one finding (byte for byte what codex 0.169.0 sent)', () => {
    const text = renderReviewText({
      overallExplanation: 'One bug.',
      findings: [{ title: '[P1] Off by one', body: 'The loop skips the last element.', priority: 1, confidence: 0.8, codeLocation: { file: '/x/a.js', lineRange: { start: 2, end: 3 } } }],
    });
    expect(text).toBe('One bug.\n\nReview comment:\n\n- [P1] Off by one — /x/a.js:2-3\n  The loop skips the last element.');
  });

  it('uses the plural header, tags untagged titles with their priority, indents every body line', () => {
    expect(renderReviewText(TWO)).toBe(
      [
        'The loop change drops the last element; the rest is fine.',
        '',
        'Full review comments:',
        '',
        '- [P1] Off-by-one drops the last item — src/list.js:12-14',
        '  The bound changed from `<=` to `<`.',
        '  ',
        '  Every list loses its tail element.',
        '',
        '- [P3] Name the magic number — or drop it — src/a b/c.ts:3-3',
        '  Use a constant.',
      ].join('\n'),
    );
  });

  it('says the fallback when there is nothing, and only the explanation when there are no findings', () => {
    expect(renderReviewText({ overallExplanation: '  ', findings: [] })).toBe(REVIEW_FALLBACK_TEXT);
    expect(renderReviewText({ overallExplanation: 'Looks good.', findings: [] })).toBe('Looks good.');
  });

  it('keeps a multi-line title on its bullet line', () => {
    const text = renderReviewText({ overallExplanation: '', findings: [{ ...TWO.findings[1]!, title: 'two\nlines' }] });
    expect(text.split('\n')[2]).toBe('- [P3] two lines — src/a b/c.ts:3-3');
  });
});

describe('parseReviewText', () => {
  it('round-trips: render then parse gives the findings back (priority from the tag, confidence unknown, an em dash in a title)', () => {
    const parsed = parseReviewText(renderReviewText(TWO));
    expect(parsed.overallExplanation).toBe(TWO.overallExplanation);
    expect(parsed.findings).toEqual([
      { ...TWO.findings[0]!, confidence: null },
      { ...TWO.findings[1]!, title: '[P3] Name the magic number — or drop it', confidence: null },
    ]);
    // Rendering the parsed review again gives the same text.
    expect(renderReviewText(parsed)).toBe(renderReviewText(TWO));
  });

  it('parses the reference server text', () => {
    const parsed = parseReviewText('One bug.\n\nReview comment:\n\n- [P1] Off by one — /x/a.js:2-3\n  The loop skips the last element.');
    expect(parsed).toEqual({
      overallExplanation: 'One bug.',
      findings: [{ title: '[P1] Off by one', body: 'The loop skips the last element.', priority: 1, confidence: null, codeLocation: { file: '/x/a.js', lineRange: { start: 2, end: 3 } } }],
    });
  });

  it('parses findings without an explanation, and untagged titles with a null priority', () => {
    const parsed = parseReviewText('Review comment:\n\n- Fix it — a.ts:1-2\n  Because.');
    expect(parsed.overallExplanation).toBe('');
    expect(parsed.findings[0]).toMatchObject({ title: 'Fix it', priority: null, codeLocation: { file: 'a.ts', lineRange: { start: 1, end: 2 } } });
  });

  it('treats text that is not in the layout as the explanation, with no findings', () => {
    expect(parseReviewText('Free prose.\n- a bullet — not a location')).toEqual({ overallExplanation: 'Free prose.\n- a bullet — not a location', findings: [] });
    expect(parseReviewText(REVIEW_FALLBACK_TEXT)).toEqual({ overallExplanation: '', findings: [] });
    // A header in the middle of prose, without a bullet after it, is prose.
    expect(parseReviewText('Intro\n\nReview comment:\n\nnothing').findings).toEqual([]);
  });
});
