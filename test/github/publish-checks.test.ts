import { describe, expect, it } from 'vitest';
import { patchStats, refusalReasons } from '../../src/github/publish-checks.js';

const PATCH = [
  'diff --git a/src/a b/file.txt b/src/a b/file.txt',
  'index 1111111..2222222 100644',
  '--- a/src/a b/file.txt',
  '+++ b/src/a b/file.txt',
  '@@ -1,2 +1,2 @@',
  '-old',
  '--- a line that starts with dashes',
  '+new',
  ' context',
  'diff --git "a/t\\303\\251st.txt" "b/t\\303\\251st.txt"',
  'new file mode 100644',
  '--- /dev/null',
  '+++ "b/t\\303\\251st.txt"',
  '@@ -0,0 +1 @@',
  '+hé',
  'diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml',
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/.github/workflows/ci.yml',
  '@@ -0,0 +1 @@',
  '+on: push',
  'diff --git a/logo.png b/logo.png',
  'new file mode 100644',
  'index 0000000..3333333',
  'GIT binary patch',
  'literal 3',
  'KcmZ?wWB>pF01N;C',
  '',
].join('\n');

describe('patchStats', () => {
  it('reads paths (with spaces, " b/" inside, and C-quoted UTF-8) and counts changed lines', () => {
    expect(patchStats(PATCH)).toEqual({
      files: ['.github/workflows/ci.yml', 'logo.png', 'src/a b/file.txt', 'tést.txt'],
      changedLines: 5,
      binaryFiles: ['logo.png'],
    });
  });

  it('an empty patch touches nothing', () => {
    expect(patchStats('')).toEqual({ files: [], changedLines: 0, binaryFiles: [] });
  });
});

describe('refusalReasons', () => {
  const stats = patchStats(PATCH);
  it('refuses workflow changes unless allowed, and diffs over the line cap', () => {
    expect(refusalReasons(stats, { allowWorkflowChanges: false, maxDiffLines: 0 }, [])).toEqual([
      'the change touches workflow files (.github/workflows/ci.yml); set allow-workflow-changes: true to publish it',
    ]);
    expect(refusalReasons(stats, { allowWorkflowChanges: true, maxDiffLines: 0 }, [])).toEqual([]);
    expect(refusalReasons(stats, { allowWorkflowChanges: true, maxDiffLines: 4 }, [])).toEqual(['the change has 5 changed lines, over max-diff-lines (4)']);
    expect(refusalReasons(stats, { allowWorkflowChanges: true, maxDiffLines: 5 }, [])).toEqual([]);
  });

  it('refuses any change to where git reads commands from, whatever else is allowed', () => {
    const reasons = refusalReasons(stats, { allowWorkflowChanges: true, maxDiffLines: 0 }, ['.git/config changed', '.git/hooks/pre-push added']);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain('.git/config changed; .git/hooks/pre-push added');
  });
});
