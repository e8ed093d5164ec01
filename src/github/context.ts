// What the runner tells a step about its run, read from the variables GitHub
// sets (GITHUB_REPOSITORY, GITHUB_EVENT_NAME, GITHUB_REF, ...), and the names
// derived from it: the branch a run publishes to and the PR's base branch.

import { readFileSync } from 'node:fs';
import { TernError } from '../util/errors.js';

export interface RunContext {
  owner: string;
  repo: string;
  eventName: string;
  /** The event payload (GITHUB_EVENT_PATH), or {} when there is none. */
  payload: Record<string, unknown>;
  sha: string | null;
  /** e.g. refs/heads/main, refs/tags/v1, refs/pull/3/merge. */
  ref: string | null;
  workflow: string;
  runId: string | null;
  serverUrl: string;
  apiUrl: string;
  /** Link to this run's page, or null outside Actions. */
  runUrl: string | null;
}

const DEFAULT_SERVER_URL = 'https://github.com';
const DEFAULT_API_URL = 'https://api.github.com';
/** Git allows longer ref names; GitHub's UI and most tools are happier below this. */
const MAX_BRANCH_LENGTH = 100;

export function readRunContext(env: NodeJS.ProcessEnv): RunContext {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo, ...rest] = repository.split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new TernError('no_repository', `GITHUB_REPOSITORY must be owner/name; got '${repository}' (is this running in a workflow?)`);
  }
  const serverUrl = (env.GITHUB_SERVER_URL || DEFAULT_SERVER_URL).replace(/\/+$/, '');
  const runId = env.GITHUB_RUN_ID || null;
  return {
    owner,
    repo,
    eventName: env.GITHUB_EVENT_NAME || 'workflow_dispatch',
    payload: readPayload(env.GITHUB_EVENT_PATH),
    sha: env.GITHUB_SHA || null,
    ref: env.GITHUB_REF || null,
    workflow: env.GITHUB_WORKFLOW || 'tern',
    runId,
    serverUrl,
    apiUrl: (env.GITHUB_API_URL || DEFAULT_API_URL).replace(/\/+$/, ''),
    runUrl: runId ? `${serverUrl}/${owner}/${repo}/actions/runs/${runId}` : null,
  };
}

function readPayload(file: string | undefined): Record<string, unknown> {
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TernError('bad_event', `cannot read GITHUB_EVENT_PATH ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    throw new TernError('bad_event', `GITHUB_EVENT_PATH ${file} is not JSON`);
  }
}

/** The branch name of a `refs/heads/...` ref; null for tags, PR refs or no ref. */
export function branchOfRef(ref: string | null): string | null {
  return ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
}

/**
 * The branch a run publishes to. The same trigger (workflow, event and ref) always
 * gives the same name, so a rerun updates its own branch and PR instead of opening
 * another one.
 */
export function publishBranchName(ctx: RunContext, prefix: string): string {
  const refPart = branchOfRef(ctx.ref) ?? ctx.ref?.replace(/^refs\//, '') ?? 'default';
  const name = `${prefix}${slug(ctx.workflow)}-${slug(ctx.eventName)}-${slug(refPart)}`;
  return name.slice(0, MAX_BRANCH_LENGTH).replace(/[-./]+$/, '');
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/\.{2,}/g, '.')
      .replace(/^[-.]+|[-.]+$/g, '') || 'x'
  );
}
