// What every mode of an Action run shares: the prepared run (inputs, context, private dirs, the
// git-control snapshot), the outcome being assembled, and the agent phase as each mode starts it.

import type { Redactor } from '../artifacts/redact.js';
import type { RunResult } from '../artifacts/result.js';
import type { GitControlSnapshot } from '../git/index.js';
import type { RunContext } from '../github/context.js';
import type { Clock } from '../github/progress-comment.js';
import type { ActionInputs } from './inputs.js';
import { runAgentPhase, type AgentPhaseResult } from './phases.js';
import { commandsFromEvents, type ActionOutcome } from './report.js';
import type { TakenSecrets } from './secrets.js';
import type { LogSink } from './untrusted-log.js';

export interface ActionDeps {
  env: NodeJS.ProcessEnv;
  taken: TakenSecrets;
  /** dist/tern.js, started for the agent phase. */
  ternScript: string;
  log: LogSink;
  info(line: string): void;
  /** The clock of the progress comment's throttle (tests inject one). */
  clock?: Clock;
}

export interface Prepared {
  inputs: ActionInputs;
  /** The mode after `auto` was resolved. */
  mode: Exclude<ActionInputs['mode'], 'auto'>;
  ctx: RunContext;
  redact: Redactor;
  snapshot: GitControlSnapshot;
  /** The commit checked out before anything ran. */
  baseSha: string;
  dirs: { artifacts: string; tmp: string; home: string };
  startedAtMs: number;
}

/** A task turn (prompt) or a review against a base commit. */
export type AgentRequest = { prompt: string } | { reviewBase: string };

export async function startAgent(p: Prepared, deps: ActionDeps, request: AgentRequest): Promise<AgentPhaseResult> {
  deps.info(`tern: agent phase (tern run${'reviewBase' in request ? ' --review' : ''})`);
  return runAgentPhase({
    ...p.inputs,
    ...('reviewBase' in request ? { prompt: '', review: request.reviewBase, sandbox: 'read-only' } : { prompt: request.prompt }),
    ternScript: deps.ternScript,
    checkout: p.inputs.workingDirectory,
    outDir: p.dirs.artifacts,
    tmpDir: p.dirs.tmp,
    ternHome: p.dirs.home,
    modelKey: p.inputs.openaiApiKey,
    isolation: p.inputs.agentIsolation,
    sourceEnv: deps.env,
    log: deps.log,
  });
}

/** Copies the recorded result into the outcome; false (and the outcome failed) when the turn did not complete. */
export function absorbAgent(outcome: ActionOutcome, agent: AgentPhaseResult, artifactsDir: string): agent is AgentPhaseResult & { result: RunResult } {
  outcome.commands = commandsFromEvents(artifactsDir);
  const result = agent.result;
  if (!result) {
    fail(outcome, `the agent phase left no result (${agent.timedOut ? 'killed at the deadline' : `exit ${agent.exitCode}`})`);
    return false;
  }
  outcome.threadId = result.threadId;
  outcome.finalMessage = result.finalMessage;
  outcome.filesChanged = result.filesChanged;
  outcome.tokens = result.tokenUsage?.totalTokens ?? null;
  if (result.outcome === 'failed') {
    fail(outcome, `the turn did not complete (${result.failure?.kind ?? 'unknown'}): ${result.failure?.message ?? 'no reason given'}`);
    return false;
  }
  return true;
}

export function conclude(outcome: ActionOutcome, conclusion: ActionOutcome['conclusion'], reason: string | null): void {
  outcome.conclusion = conclusion;
  outcome.reason = reason;
}

export function fail(outcome: ActionOutcome, reason: string): void {
  conclude(outcome, 'failed', reason);
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
