// What the publish phase refuses to publish, decided from the recorded patch
// (not from the live checkout) and from the git-control snapshots taken before
// and after the turn.

export interface PatchStats {
  /** Paths the patch touches (old and new side), sorted, unique. */
  files: string[];
  /** Added plus removed lines of text hunks. */
  changedLines: number;
  /** Paths changed as binary data. */
  binaryFiles: string[];
}

export interface PublishPolicy {
  allowWorkflowChanges: boolean;
  /** 0 means no limit. */
  maxDiffLines: number;
}

const WORKFLOWS_DIR = '.github/workflows/';
const DIFF_HEADER = 'diff --git ';

/** Reads the file list and the size of a `git diff --no-renames` patch. */
export function patchStats(patch: string): PatchStats {
  const files = new Set<string>();
  const binaryFiles = new Set<string>();
  let changedLines = 0;
  let current: string | null = null;
  let inHunk = false;
  for (const line of patch.split('\n')) {
    if (line.startsWith(DIFF_HEADER)) {
      current = headerPath(line.slice(DIFF_HEADER.length));
      if (current !== null) files.add(current);
      inHunk = false;
    } else if (line.startsWith('@@')) {
      inHunk = true;
    } else if (line === 'GIT binary patch' || line.startsWith('Binary files ')) {
      if (current !== null) binaryFiles.add(current);
    } else if (inHunk && (line.startsWith('+') || line.startsWith('-'))) {
      changedLines++;
    }
  }
  return { files: [...files].sort(), changedLines, binaryFiles: [...binaryFiles].sort() };
}

/**
 * The path of a `diff --git a/P b/P` header. Without renames both sides name the
 * same path, which settles where "a/P b/P" splits even if P holds " b/".
 */
function headerPath(rest: string): string | null {
  if (rest.startsWith('"')) {
    const first = readQuoted(rest);
    return first === null ? null : first.replace(/^a\//, '');
  }
  if (!rest.startsWith('a/') || rest.length % 2 === 0) return null;
  const half = (rest.length - 1) / 2;
  return rest.slice(2, half);
}

/** Git's C-style quoted path ("a/t\303\251st"), decoded as UTF-8. */
function readQuoted(text: string): string | null {
  const bytes: number[] = [];
  const escapes: Record<string, number> = { n: 10, t: 9, '"': 34, '\\': 92, a: 7, b: 8, f: 12, r: 13, v: 11 };
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') return Buffer.from(bytes).toString('utf8');
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = text[++i] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(text.slice(i, i + 3), 8));
      i += 2;
    } else {
      bytes.push(escapes[next] ?? next.charCodeAt(0));
    }
  }
  return null;
}

/** Why this change must not be published; empty when it may be. */
export function refusalReasons(stats: PatchStats, policy: PublishPolicy, gitControlChanges: string[]): string[] {
  const reasons: string[] = [];
  if (gitControlChanges.length > 0) {
    reasons.push(`the turn changed places git reads commands or settings from (${gitControlChanges.join('; ')}); nothing was published`);
  }
  const workflows = stats.files.filter((f) => f.startsWith(WORKFLOWS_DIR));
  if (workflows.length > 0 && !policy.allowWorkflowChanges) {
    reasons.push(`the change touches workflow files (${workflows.join(', ')}); set allow-workflow-changes: true to publish it`);
  }
  if (policy.maxDiffLines > 0 && stats.changedLines > policy.maxDiffLines) {
    reasons.push(`the change has ${stats.changedLines} changed lines, over max-diff-lines (${policy.maxDiffLines})`);
  }
  return reasons;
}
