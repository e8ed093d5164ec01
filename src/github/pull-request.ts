// Open the pull request for a branch, or update the one already open for it: one PR per
// head/base pair, however often the action runs. Labels and reviewers are best effort.
import { getOctokit } from '@actions/github';

export type Octokit = ReturnType<typeof getOctokit>;

export interface PullRequestSpec {
  owner: string;
  repo: string;
  /** Branch name in the same repository. */
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  labels: string[];
  reviewers: string[];
}

export interface PullRequestResult {
  number: number;
  url: string;
  /** False when an open pull request for the branch existed and was updated. */
  created: boolean;
  /** One line per label/reviewer request GitHub refused. */
  warnings: string[];
}

/** The only place the project constructs an octokit. */
export function createOctokit(token: string, baseUrl: string): Octokit {
  return getOctokit(token, { baseUrl: baseUrl.replace(/\/+$/, '') });
}

export async function openOrUpdatePullRequest(octokit: Octokit, spec: PullRequestSpec): Promise<PullRequestResult> {
  const { owner, repo } = spec;
  const existing = await step(`list the pull requests of ${owner}/${repo}`, () => findOpenPullRequest(octokit, spec));
  const pr = existing
    ? await step(`update pull request #${existing}`, async () => {
        const { data } = await octokit.rest.pulls.update({ owner, repo, pull_number: existing, title: spec.title, body: spec.body });
        return data;
      })
    : await step(`open a pull request from ${spec.head} into ${spec.base}`, async () => {
        const { data } = await octokit.rest.pulls.create({
          owner,
          repo,
          head: spec.head,
          base: spec.base,
          title: spec.title,
          body: spec.body,
          draft: spec.draft,
        });
        return data;
      });
  const warnings = await decorate(octokit, spec, pr.number);
  return { number: pr.number, url: pr.html_url, created: existing === null, warnings };
}

/** The open PR from `owner:head` into `base`, if any. A head filter needs the `owner:` prefix. */
async function findOpenPullRequest(octokit: Octokit, spec: PullRequestSpec): Promise<number | null> {
  const { data } = await octokit.rest.pulls.list({
    owner: spec.owner,
    repo: spec.repo,
    state: 'open',
    head: `${spec.owner}:${spec.head}`,
    base: spec.base,
  });
  const match = data.find((pr) => pr.head.ref === spec.head && pr.base.ref === spec.base);
  return match ? match.number : null;
}

/** Labels, then reviewers; failures become warnings, never errors. */
async function decorate(octokit: Octokit, spec: PullRequestSpec, number: number): Promise<string[]> {
  const warnings: string[] = [];
  const attempt = async (what: string, call: () => Promise<unknown>): Promise<void> => {
    try {
      await call();
    } catch (err) {
      warnings.push(`could not ${what} on pull request #${number}: ${describeFailure(err)}`);
    }
  };
  const { owner, repo } = spec;
  if (spec.labels.length > 0) {
    await attempt(`add labels ${spec.labels.join(', ')}`, () =>
      octokit.rest.issues.addLabels({ owner, repo, issue_number: number, labels: spec.labels }),
    );
  }
  if (spec.reviewers.length > 0) {
    await attempt(`request reviews from ${spec.reviewers.join(', ')}`, () =>
      octokit.rest.pulls.requestReviewers({ owner, repo, pull_number: number, reviewers: spec.reviewers }),
    );
  }
  return warnings;
}

async function step<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new Error(`GitHub: could not ${what}: ${describeFailure(err)}`, { cause: err });
  }
}

interface HttpFailure {
  status?: unknown;
  message?: unknown;
  response?: { data?: unknown };
}

/**
 * "HTTP 422: Validation Failed (A pull request already exists for o:b.)", on one line.
 * Octokit reports a failure to connect as status 500 without a response: that is no HTTP answer.
 */
export function describeFailure(err: unknown): string {
  const failure = (typeof err === 'object' && err !== null ? err : {}) as HttpFailure;
  const message = typeof failure.message === 'string' ? failure.message : String(err);
  if (!failure.response) return oneLine(`no answer from GitHub: ${message}`);
  const text = githubMessage(failure.response.data) ?? message;
  const status = typeof failure.status === 'number' ? `HTTP ${failure.status}: ` : '';
  return oneLine(`${status}${text}`);
}

function githubMessage(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const { message, errors } = data as { message?: unknown; errors?: unknown };
  if (typeof message !== 'string') return null;
  const details = Array.isArray(errors) ? errors.map(errorDetail).filter((d) => d.length > 0) : [];
  return details.length > 0 ? `${message} (${details.join('; ')})` : message;
}

function errorDetail(error: unknown): string {
  if (typeof error === 'string') return error;
  if (typeof error !== 'object' || error === null) return '';
  const { message, code, field, resource } = error as Record<string, unknown>;
  if (typeof message === 'string') return message;
  return [resource, field, code].filter((v) => typeof v === 'string').join(' ');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n+\s*/g, ' ').trim();
}
