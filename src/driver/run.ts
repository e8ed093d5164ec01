// `tern run`: one headless agent turn against any protocol-speaking app server.
//
//   parse flags -> session (spawn server, initialize, thread/start|resume)
//   -> turn (turn/start, typed events until turn/completed; deadline, budgets and
//      SIGINT/SIGTERM interrupt it) -> finish (close the server, diff, artifacts,
//      result.json, summary) -> exit code by outcome.
//
// The driver holds no model key of its own: the server inherits the driver's
// environment, and everything the driver writes or prints goes through the redactor.
//
// Start-up: the server is spawned before anything the run needs later is loaded. While
// it starts, git (with simple-git) is imported to read the diff's base commit, which must
// be known before turn/start. The finish phase (the diff, the artifact renderers) is
// imported once the turn runs, when the driver only waits.

import { mkdir } from 'node:fs/promises';
import { ServerExitedError, type ProtocolClient } from '../client/client.js';
import { EventsLog } from '../artifacts/events-log.js';
import { createRedactor, type Redactor } from '../artifacts/redact.js';
import { EXIT_CODES, type ApprovalDecisionRecord } from '../artifacts/result.js';
import type { TurnStream } from '../client/turn-stream.js';
import { errorMessage, userFailure } from '../util/errors.js';
import { parseRunArgs, USAGE, USAGE_HINT, UsageError, type RunOptions } from './args.js';
import { createServerRequestHandler, DECLINE_ALL, type ApprovalDecider } from './approvals.js';
import { BudgetTracker, loadPriceTable, priceOf, type PriceTable } from './budgets.js';
import { RunState } from './outcome.js';
import { Progress } from './progress.js';
import { openThread, SessionError, spawnServer } from './session.js';
import { followTurn, formatSeconds } from './turn.js';
import { createPolicyDecider } from './policy/decider.js';

export interface RunIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  /** The environment the server inherits (and the source of secrets to redact). */
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM (the CLI wires the signals; tests can abort it themselves). */
  stopSignal?: AbortSignal;
}

/** @deprecated name kept for callers of the skeleton; see EXIT_CODES. */
export const EXIT = { completed: EXIT_CODES.success, failed: EXIT_CODES.model, usage: EXIT_CODES.usage, error: EXIT_CODES.server, timeout: EXIT_CODES.timeout } as const;

export async function runCommand(argv: string[], io?: Partial<RunIo>): Promise<number> {
  const out: RunIo = { stdout: io?.stdout ?? process.stdout, stderr: io?.stderr ?? process.stderr, env: io?.env ?? process.env, stopSignal: io?.stopSignal };
  let redact = createRedactor(out.env);
  const say = (line: string) => out.stderr.write(redact(line) + '\n');
  let prepared: Prepared;
  try {
    const parsed = parseRunArgs(argv);
    if (parsed.help) {
      out.stdout.write(USAGE + '\n');
      return 0;
    }
    prepared = await prepare(parsed.options, out);
    redact = prepared.redact;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    say(`tern run: ${err.message}`);
    say(USAGE_HINT);
    return EXIT_CODES.usage;
  }
  try {
    return await execute(prepared, out);
  } catch (err) {
    // execute() reports run failures itself; this is only for what happens outside a run.
    const failure = userFailure(err);
    say(`tern run: failed: ${failure.line}`);
    return EXIT_CODES[failure.kind];
  }
}

interface Prepared {
  options: RunOptions;
  redact: Redactor;
  prices: PriceTable;
  decider: ApprovalDecider;
}

/** Everything that can be checked before a process starts: usage errors only. */
async function prepare(options: RunOptions, io: RunIo): Promise<Prepared> {
  const named = options.secretEnv.map((name) => io.env[name]).filter((v): v is string => typeof v === 'string');
  const providerKeys = providerEnvKeys(options.configOverrides).map((name) => io.env[name]).filter((v): v is string => typeof v === 'string');
  const redact = createRedactor(io.env, [...named, ...providerKeys]);
  let prices: PriceTable;
  try {
    prices = loadPriceTable(options.priceTable);
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
  let decider: ApprovalDecider = DECLINE_ALL;
  if (options.policy) {
    try {
      decider = await createPolicyDecider(options.policy, { workspace: options.cwd });
    } catch (err) {
      throw new UsageError(errorMessage(err));
    }
  }
  try {
    await mkdir(options.outDir, { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create --out ${options.outDir}: ${errorMessage(err)}`);
  }
  return { options, redact, prices, decider };
}

/** `-c model_providers.<id>.env_key="NAME"` overrides name variables that hold keys. */
function providerEnvKeys(overrides: string[]): string[] {
  return overrides.flatMap((kv) => {
    const m = /^model_providers\.[^.=]+\.env_key\s*=\s*"?([A-Za-z_][A-Za-z0-9_]*)"?\s*$/.exec(kv);
    return m ? [m[1]!] : [];
  });
}

async function execute(p: Prepared, io: RunIo): Promise<number> {
  const { options, redact } = p;
  const startedAtMs = Date.now();
  const deadlineMs = startedAtMs + options.timeoutMs;
  const events = new EventsLog(options.outDir, redact);
  const progress = new Progress(io.stderr, redact, io.env);
  const state = new RunState();
  const approvals: ApprovalDecisionRecord[] = [];
  const budgets = new BudgetTracker(options.budgets, null);
  const stopSignal = io.stopSignal ?? new AbortController().signal;
  let currentTurn: TurnStream | null = null;

  const { client, stderr } = spawnServer(options, io.env, (dir, msg) => events.record(dir, msg));
  // While the server starts: the commit checked out before the turn (the diff is taken
  // against it, so commits the model makes during the turn are part of the change).
  const baseCommit = settled(import('../git/revisions.js').then((git) => git.currentCommit(options.cwd)));
  let finishing: Promise<FinishPhase> | undefined;
  const recordDecision = (entry: ApprovalDecisionRecord) => {
    approvals.push(entry);
    events.note('approvalDecision', { ...entry });
    if (entry.decision === 'cancel') state.fail('policy', `the approval policy cancelled the turn (${entry.rule}): ${entry.reason ?? entry.subject ?? ''}`);
  };
  client.onServerRequest(createServerRequestHandler(p.decider, (id) => currentTurn?.items.get(id), recordDecision));
  let tracker = budgets;
  try {
    const guard = guardWith(client, deadlineMs, options.timeoutMs, stopSignal);
    const thread = await openThread(client, options, guard);
    state.threadId = thread.threadId;
    state.model = thread.model;
    tracker = new BudgetTracker(options.budgets, priceOf(thread.model, p.prices));
    await baseCommit;
    await followTurn(
      {
        client,
        state,
        budgets: tracker,
        stopSignal,
        deadlineMs,
        timeoutMs: options.timeoutMs,
        onEvent: (e) => progress.event(e),
        onStream: (s) => {
          currentTurn = s;
          finishing = settled(loadFinish());
        },
      },
      thread.threadId,
      options.review !== null ? { kind: 'review', base: options.review } : { kind: 'task', prompt: options.prompt },
    );
  } catch (err) {
    recordFailure(state, err);
  }
  const { finishRun } = await (finishing ?? loadFinish());
  return finishRun({ options, io, redact, client, events, state, approvals, budgets: tracker, progress, baseCommit: await baseCommit, startedAtMs, serverStderr: stderr });
}

type FinishPhase = typeof import('./finish.js');

/** The finish phase, imported once the turn runs (see the header), or when the run ends without one. */
function loadFinish(): Promise<FinishPhase> {
  return import('./finish.js');
}

/**
 * A promise awaited later (after other awaits) marked as handled now: its rejection reaches
 * whoever awaits it, instead of ending the process as an unhandled rejection meanwhile.
 */
function settled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Races a setup request against the server dying, the deadline and a stop signal. */
function guardWith(client: ProtocolClient, deadlineMs: number, timeoutMs: number, stop: AbortSignal) {
  return <T>(work: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SessionError('timeout', `timed out after ${formatSeconds(timeoutMs)}`)), Math.max(0, deadlineMs - Date.now()));
      onAbort = () => reject(new SessionError('interrupted', 'tern run was interrupted (SIGINT/SIGTERM)'));
      if (stop.aborted) onAbort();
      else stop.addEventListener('abort', onAbort, { once: true });
    });
    const died = client.whenExitedUnexpectedly().then((e) => Promise.reject(e));
    return Promise.race([work, died, stopped]).finally(() => {
      clearTimeout(timer);
      if (onAbort) stop.removeEventListener('abort', onAbort);
    });
  };
}

/** Through the one user mapping (util/errors.ts): a SessionError keeps its kind, a dead server is `server`. */
function recordFailure(state: RunState, err: unknown): void {
  const shown = err instanceof ServerExitedError && state.turnId ? new ServerExitedError(err.exit, 'the turn') : err;
  const failure = userFailure(shown);
  state.fail(failure.kind, failure.line);
}
