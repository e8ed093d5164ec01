import { describe, expect, it } from 'vitest';
import type { ReviewFinding } from '../../src/protocol/review-text.js';
import { fingerprint, marker, markedFingerprints, placeOnDiff, planReview, reviewBody, rightSideSpans } from '../../src/github/review-comments.js';

// A git diff: a.js changes lines 2-3 (hunk 1: new lines 1-5) and line 20 (hunk 2: new 18-21);
// gone.js is deleted; new.js is added (new lines 1-2); a rename with no content change has no hunk.
const PATCH = [
  'diff --git a/src/a.js b/src/a.js',
  'index 1111111..2222222 100644',
  '--- a/src/a.js',
  '+++ b/src/a.js',
  '@@ -1,4 +1,5 @@',
  ' one',
  '-two',
  '+TWO',
  '+two and a half',
  ' three',
  ' four',
  '@@ -17,4 +18,4 @@ function f() {',
  ' seventeen',
  ' eighteen',
  '-nineteen',
  '+NINETEEN',
  ' twenty',
  'diff --git a/gone.js b/gone.js',
  'deleted file mode 100644',
  'index 3333333..0000000',
  '--- a/gone.js',
  '+++ /dev/null',
  '@@ -1 +0,0 @@',
  '-bye',
  'diff --git a/new.js b/new.js',
  'new file mode 100644',
  'index 0000000..4444444',
  '--- /dev/null',
  '+++ b/new.js',
  '@@ -0,0 +1,2 @@',
  '+hello',
  '+world',
  'diff --git a/old name.js b/new name.js',
  'similarity index 100%',
  'rename from old name.js',
  'rename to new name.js',
  '',
].join('\n');

function finding(title: string, file: string, start: number, end: number): ReviewFinding {
  return { title, body: `Because ${title}.`, priority: 1, confidence: null, codeLocation: { file, lineRange: { start, end } } };
}

describe('review comments on the diff', () => {
  it('reads the right-hand lines each hunk shows, per file (parsed with jsdiff)', () => {
    expect([...rightSideSpans(PATCH)]).toEqual([
      ['src/a.js', [{ start: 1, end: 5 }, { start: 18, end: 21 }]],
      ['new.js', [{ start: 1, end: 2 }]],
    ]);
  });

  it('an unreadable diff places nothing inline', () => {
    expect(rightSideSpans('--- a/x\n@@ -1 +1 @@\n-a\n+b\n').size).toBe(0);
    const plan = planReview([finding('[P1] X', 'x', 1, 1)], '--- a/x\n@@ -1 +1 @@\n-a\n+b\n', new Set());
    expect(plan.comments).toEqual([]);
    expect(plan.outside).toHaveLength(1);
  });

  it('clips a range to the first hunk it overlaps; null outside every hunk', () => {
    const spans = rightSideSpans(PATCH);
    expect(placeOnDiff(spans, 'src/a.js', { start: 3, end: 3 })).toEqual({ start: 3, end: 3 });
    expect(placeOnDiff(spans, 'src/a.js', { start: 4, end: 9 })).toEqual({ start: 4, end: 5 });
    expect(placeOnDiff(spans, 'src/a.js', { start: 12, end: 19 })).toEqual({ start: 18, end: 19 });
    expect(placeOnDiff(spans, './src/a.js', { start: 21, end: 20 })).toEqual({ start: 20, end: 21 });
    expect(placeOnDiff(spans, 'src/a.js', { start: 8, end: 15 })).toBeNull();
    expect(placeOnDiff(spans, 'gone.js', { start: 1, end: 1 })).toBeNull();
    expect(placeOnDiff(spans, 'README.md', { start: 1, end: 1 })).toBeNull();
  });

  it('plans inline comments with single lines and ranges, the rest for the body, skipping what is marked as posted', () => {
    const findings = [
      finding('[P1] Wrong value', 'src/a.js', 2, 2),
      finding('[P2] Range', 'src/a.js', 17, 19),
      finding('[P1] Elsewhere', 'src/a.js', 10, 11),
      finding('[P3] Deleted file', 'gone.js', 1, 1),
      finding('[P1] Already said', 'new.js', 1, 1),
      finding('[P1] Wrong value', 'src/a.js', 3, 3), // same fingerprint as the first: once
    ];
    const posted = new Set([fingerprint(findings[4]!)]);
    const plan = planReview(findings, PATCH, posted);
    expect(plan.comments.map(({ body: _b, ...c }) => c)).toEqual([
      { path: 'src/a.js', line: 2, side: 'RIGHT' },
      { path: 'src/a.js', line: 19, side: 'RIGHT', start_line: 18, start_side: 'RIGHT' },
    ]);
    expect(plan.comments[0]!.body).toBe(`**[P1] Wrong value**\n\nBecause [P1] Wrong value.\n\n${marker(fingerprint(findings[0]!))}`);
    expect(plan.outside.map((o) => o.finding.title)).toEqual(['[P1] Elsewhere', '[P3] Deleted file']);
    expect(plan.duplicates).toBe(1);
    const body = reviewBody('Summary.', plan, 'https://github.com/o/r/actions/runs/1');
    expect(body).toContain('4 new findings: 2 inline, 2 below (outside the diff). 1 posted earlier is not repeated.');
    expect(body).toContain('- **[P1] Elsewhere** — `src/a.js:10-11`');
    expect(markedFingerprints([body, ...plan.comments.map((c) => c.body)])).toEqual(
      new Set([0, 1, 2, 3].map((i) => fingerprint(findings[i]!))),
    );
  });

  it('fingerprints ignore the priority tag, case and spacing, but not the file', () => {
    expect(fingerprint(finding('[P1] Wrong  value', 'a.js', 1, 1))).toBe(fingerprint(finding('wrong value', 'a.js', 9, 9)));
    expect(fingerprint(finding('Wrong value', 'a.js', 1, 1))).not.toBe(fingerprint(finding('Wrong value', 'b.js', 1, 1)));
  });
});
