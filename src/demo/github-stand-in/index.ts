// A local stand-in for GitHub's REST API, for the Action's end-to-end tests and `tern demo`.
// Requests are checked against GitHub's published OpenAPI description (@octokit/openapi); what the
// description does not allow is refused and recorded in `violations`. See server.ts and handlers.ts.
import { listen, type RecordedRequest } from './server.js';
import { createState, type StandInState, type StateOptions } from './state.js';

export type { RecordedRequest } from './server.js';
export type {
  Permission,
  StandInState,
  StoredComment,
  StoredIssue,
  StoredLabel,
  StoredPullRequest,
  StoredReaction,
  StoredReview,
  StoredReviewComment,
} from './state.js';
export { seedIssue, seedIssueComment, seedPullRequest, seedReviewComment, type PullSeed } from './seed.js';
export { descriptionPath } from './openapi.js';

export interface GitHubStandInOptions extends StateOptions {
  owner: string;
  repo: string;
  defaultBranch?: string; // default 'main'
  serverUrl?: string; // web origin for html_url values, default https://github.com
  actor?: string; // login the tokens act as (author of pull requests and comments)
  collaborators?: string[]; // who may be requested as reviewer; default anyone but the author
}

export interface GitHubStandIn {
  /** REST base URL: octokit `baseUrl`, `GITHUB_API_URL`. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** One line per request GitHub would refuse or the stand-in could not serve. */
  violations: string[];
  /** Live state: the repository, its pull requests and comments. */
  state: StandInState;
  close(): Promise<void>;
}

export async function startGitHubStandIn(opts: GitHubStandInOptions): Promise<GitHubStandIn> {
  const state = createState(opts);
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const server = await listen(state, requests, violations);
  return { url: server.url, requests, violations, state, close: () => server.close() };
}
