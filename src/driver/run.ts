// `tern run`: one headless agent turn against any protocol-speaking app server.
//
//   spawn server -> initialize -> initialized -> thread/start -> turn/start
//   -> consume notifications until turn/completed (approvals: declined + recorded)
//   -> close the server -> write artifacts (events.jsonl, diff.patch, result.json,
//   server-stderr.log) -> summary on stderr -> exit code.
//
// The driver holds no model key of its own: the server inherits the driver's
// environment, and everything the driver writes or prints goes through the redactor.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ProtocolClient, ServerExitedError } from '../client/client.js';
import { RequestFailedError } from '../jsonrpc/connection.js';
import { writeFileAtomic } from '../artifacts/atomic-write.js';
import { EventsLog } from '../artifacts/events-log.js';
import { createRedactor, type Redactor } from '../artifacts/redact.js';
import { DIFF_FILE, writeResult, type RunResult, type RunStatus } from '../artifacts/result.js';
import { worktreeDiff } from '../artifacts/worktree-diff.js';
import { currentCommit } from '../git/index.js';
import { errorMessage } from '../util/errors.js';
import type { Turn } from '../protocol/v2.js';
import { VERSION } from '../util/version.js';
import { parseRunArgs, USAGE, USAGE_HINT, UsageError, type RunOptions } from './args.js';
import { createServerRequestHandler, type ApprovalRecord } from './approvals.js';
import { TurnTracker } from './turn-tracker.js';

export interface RunIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  /** The environment the server inherits (and the source of secrets to redact). */
  env: NodeJS.ProcessEnv;
}

export const EXIT = { completed: 0, failed: 1, usage: 2, error: 3, timeout: 4 } as const;

export const SERVER_STDERR_FILE = 'server-stderr.log';
const SERVER_STDERR_CAP = 1024 * 1024;
/** initialize and thread/start must answer within this (or --timeout, if shorter). */
const SETUP_REQUEST_TIMEOUT_MS = 120_000;
/** After turn/interrupt on timeout: how long to wait for turn/completed. */
const INTERRUPT_GRACE_MS = 10_000;
const REASON_MAX = 400;
const CLIENT_INFO = { name: 'tern_run', title: 'tern run', version: VERSION };

export async function runCommand(argv: string[], io?: Partial<RunIo>): Promise<number> {
  const out: RunIo = {
    stdout: io?.stdout ?? process.stdout,
    stderr: io?.stderr ?? process.stderr,
    env: io?.env ?? process.env,
  };
  const redact = createRedactor(out.env);
  const say = (line: string) => out.stderr.write(redact(line) + '\n');

  let options: RunOptions;
  try {
    const parsed = parseRunArgs(argv);
    if (parsed.help) {
      out.stdout.write(USAGE + '\n');
      return 0;
    }
    options = parsed.options;
  } catch (err) {
    if (err instanceof UsageError) {
      say(`tern run: ${err.message}`);
      say(USAGE_HINT);
      return EXIT.usage;
    }
    throw err;
  }

  try {
    await mkdir(options.outDir, { recursive: true });
  } catch (err) {
    say(`tern run: cannot create --out ${options.outDir}: ${errorMessage(err)}`);
    say(USAGE_HINT);
    return EXIT.usage;
  }

  try {
    return await execute(options, out, redact, say);
  } catch (err) {
    // execute() reports run failures itself; this is only for the unexpected
    // (e.g. the artifact directory is not writable).
    say(`tern run: failed: ${oneLine(errorMessage(err))}`);
    return EXIT.error;
  }
}

type Outcome = Pick<RunResult, 'status' | 'exitCode' | 'reason' | 'threadId' | 'turnId' | 'finalMessage' | 'tokenUsage'>;

class RunTimeout extends Error {
  override name = 'RunTimeout';
}

async function execute(options: RunOptions, io: RunIo, redact: Redactor, say: (line: string) => void): Promise<number> {
  const startedAtMs = Date.now();
  const startedAt = new Date(startedAtMs).toISOString();
  // The diff is taken against the commit checked out before the turn, so commits the
  // model makes during the turn are part of the change.
  const baseCommit = await currentCommit(options.cwd);
  const events = new EventsLog(options.outDir, redact);
  const approvals: ApprovalRecord[] = [];
  let stderrLog = '';

  const outcome: Outcome = {
    status: 'error',
    exitCode: EXIT.error,
    reason: null,
    threadId: null,
    turnId: null,
    finalMessage: null,
    tokenUsage: null,
  };
  const fail = (status: RunStatus, exitCode: number, reason: string) => {
    outcome.status = status;
    outcome.exitCode = exitCode;
    outcome.reason = oneLine(redact(reason));
  };

  let client: ProtocolClient | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    client = ProtocolClient.spawn(
      {
        command: options.serverCommand,
        env: io.env,
        cwd: options.cwd,
        onStderr: (chunk) => {
          stderrLog += chunk;
          if (stderrLog.length > 2 * SERVER_STDERR_CAP) stderrLog = stderrLog.slice(-SERVER_STDERR_CAP);
        },
      },
      { tap: (dir, msg) => events.record(dir, msg) },
    );
    client.onServerRequest(createServerRequestHandler((entry) => approvals.push(entry)));

    // Everything below races against the server dying and the --timeout deadline.
    const died = client.whenExitedUnexpectedly().then((e) => Promise.reject(e));
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RunTimeout(`timed out after ${formatSeconds(options.timeoutMs)}`)), options.timeoutMs);
    });
    died.catch(() => {});
    deadline.catch(() => {});
    const guard = <T>(p: Promise<T>): Promise<T> => Promise.race([p, died, deadline]);
    const setupTimeoutMs = Math.min(SETUP_REQUEST_TIMEOUT_MS, options.timeoutMs);

    // ---- initialize ----
    try {
      await guard(client.initialize(CLIENT_INFO, null, { timeoutMs: setupTimeoutMs }));
    } catch (err) {
      fail(...setupFailure('initialize', err));
      return await finish();
    }

    // ---- thread/start ----
    let threadId: string;
    try {
      const started = await guard(
        client.threadStart(
          {
            cwd: options.cwd,
            approvalPolicy: options.approvalPolicy,
            sandbox: options.sandbox,
            ...(options.model ? { model: options.model } : {}),
          },
          { timeoutMs: setupTimeoutMs },
        ),
      );
      threadId = started.thread.id;
      outcome.threadId = threadId;
    } catch (err) {
      fail(...setupFailure('thread/start', err));
      return await finish();
    }

    // ---- turn ----
    const tracker = new TurnTracker(threadId);
    client.onNotification((n) => tracker.handle(n));
    let turn: Turn;
    try {
      const started = await guard(
        client.turnStart({ threadId, input: [{ type: 'text', text: options.prompt, text_elements: [] }] }),
      );
      tracker.setTurnId(started.turn.id);
      outcome.turnId = started.turn.id;
      turn = await guard(tracker.completion).catch((e: unknown) => {
        // Past turn/start, a dying server is reported as dying during the turn.
        throw e instanceof ServerExitedError && !e.during ? new ServerExitedError(e.exit, 'the turn') : e;
      });
    } catch (err) {
      outcome.turnId = tracker.turnId;
      if (err instanceof RunTimeout && tracker.turnId) {
        turn = await interruptAfterTimeout(client, threadId, tracker, died);
        copyTracker(outcome, tracker);
        fail('interrupted', EXIT.timeout, `${err.message}; the turn was ${turn.status === 'interrupted' ? 'interrupted' : 'abandoned'}`);
        return await finish();
      }
      copyTracker(outcome, tracker);
      fail(...setupFailure('turn/start', err));
      return await finish();
    }

    copyTracker(outcome, tracker);
    switch (turn.status) {
      case 'completed':
        outcome.status = 'completed';
        outcome.exitCode = EXIT.completed;
        outcome.reason = null;
        break;
      case 'failed':
        fail('failed', EXIT.failed, `turn failed: ${turn.error?.message ?? tracker.lastError?.message ?? 'no error message'}`);
        break;
      case 'interrupted':
        fail('interrupted', EXIT.failed, 'the turn was interrupted');
        break;
      default:
        fail('error', EXIT.error, `turn ended with unexpected status '${String(turn.status)}'`);
    }
    return await finish();
  } catch (err) {
    fail('error', EXIT.error, `internal error: ${errorMessage(err)}`);
    return await finish();
  }

  // Closes the server, writes the artifacts, prints the summary. Never throws.
  async function finish(): Promise<number> {
    clearTimeout(timer);
    if (client) {
      const exit = await client.close().catch(() => undefined);
      void exit;
    }
    const artifactErrors: string[] = [];
    let filesChanged: string[] = [];
    try {
      // The artifact dir may sit inside the work tree (default ./tern-out): not part of the change.
      const diff = await worktreeDiff(options.cwd, { exclude: [options.outDir], ...(baseCommit ? { base: baseCommit } : {}) });
      filesChanged = diff.files;
      await writeFileAtomic(path.join(options.outDir, DIFF_FILE), redactPatch(diff.patch, redact));
    } catch (err) {
      say(`tern run: warning: no ${DIFF_FILE}: ${errorMessage(err)}`);
    }
    try {
      await events.finish();
    } catch (err) {
      artifactErrors.push(`events.jsonl: ${errorMessage(err)}`);
    }
    try {
      await writeFileAtomic(path.join(options.outDir, SERVER_STDERR_FILE), redact(stderrLog.slice(-SERVER_STDERR_CAP)));
    } catch (err) {
      artifactErrors.push(`${SERVER_STDERR_FILE}: ${errorMessage(err)}`);
    }
    const finishedAtMs = Date.now();
    const result: RunResult = {
      status: outcome.status,
      exitCode: outcome.exitCode,
      reason: outcome.reason,
      threadId: outcome.threadId,
      turnId: outcome.turnId,
      finalMessage: outcome.finalMessage,
      filesChanged,
      tokenUsage: outcome.tokenUsage,
      durationMs: finishedAtMs - startedAtMs,
      server: { command: options.serverCommand },
      startedAt,
      finishedAt: new Date(finishedAtMs).toISOString(),
    };
    try {
      await writeResult(options.outDir, result, redact);
    } catch (err) {
      artifactErrors.push(`result.json: ${errorMessage(err)}`);
    }

    printSummary(result, approvals, options, say);
    if (artifactErrors.length > 0) {
      say(`tern run: failed: cannot write artifacts: ${artifactErrors.join('; ')}`);
      return outcome.exitCode === EXIT.completed ? EXIT.error : outcome.exitCode;
    }
    if (result.status !== 'completed') say(`tern run: failed: ${result.reason ?? result.status}`);
    return outcome.exitCode;
  }
}

function copyTracker(outcome: Outcome, tracker: TurnTracker): void {
  outcome.turnId = tracker.turnId ?? outcome.turnId;
  outcome.finalMessage = tracker.finalMessage;
  outcome.tokenUsage = tracker.tokenUsage;
}

/** On --timeout: ask the server to interrupt the turn and give it a moment to say so. */
async function interruptAfterTimeout(client: ProtocolClient, threadId: string, tracker: TurnTracker, died: Promise<never>): Promise<Turn> {
  const abandoned = { status: 'inProgress' } as Turn;
  const grace = new Promise<Turn>((resolve) => setTimeout(() => resolve(abandoned), INTERRUPT_GRACE_MS).unref());
  try {
    await Promise.race([
      client.turnInterrupt({ threadId, turnId: tracker.turnId! }).catch(() => undefined),
      grace,
      died,
    ]);
    return await Promise.race([tracker.completion, grace, died]);
  } catch {
    return abandoned;
  }
}

function setupFailure(step: string, err: unknown): [RunStatus, number, string] {
  if (err instanceof RunTimeout) return ['error', EXIT.timeout, `${err.message} waiting for ${step}`];
  if (err instanceof ServerExitedError) {
    return ['error', EXIT.error, err.during ? err.message : new ServerExitedError(err.exit, step).message];
  }
  if (err instanceof RequestFailedError) {
    const detail = err.error ? `${err.error.message} (code ${err.error.code})` : err.message;
    return ['error', EXIT.error, `${step} failed: ${detail}`];
  }
  return ['error', EXIT.error, `${step} failed: ${errorMessage(err)}`];
}

/**
 * Redacts a git patch except the base85 payload of binary hunks: that text is
 * compressed data (a plaintext secret cannot show up in it), and a token-shaped
 * false positive there would corrupt the patch.
 */
export function redactPatch(patch: string, redact: Redactor): string {
  if (!patch) return patch;
  const lines = patch.split('\n');
  let binary = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('diff --git ')) binary = false;
    else if (line === 'GIT binary patch') {
      binary = true;
      continue;
    }
    if (!binary) lines[i] = redact(line);
  }
  return lines.join('\n');
}

function printSummary(result: RunResult, approvals: ApprovalRecord[], options: RunOptions, say: (line: string) => void): void {
  const turn = result.turnId ? ` (turn ${result.turnId})` : '';
  say(`tern run: ${result.status}${turn} in ${formatSeconds(result.durationMs)}`);
  if (result.finalMessage) {
    const first = result.finalMessage.split('\n').find((l) => l.trim().length > 0) ?? '';
    say(`  message: ${truncate(first.trim(), 200)}`);
  }
  if (result.filesChanged.length > 0) {
    const shown = result.filesChanged.slice(0, 10).join(', ');
    const more = result.filesChanged.length > 10 ? `, … (+${result.filesChanged.length - 10})` : '';
    say(`  files changed (${result.filesChanged.length}): ${shown}${more}`);
  } else {
    say('  files changed: none');
  }
  if (result.tokenUsage) say(`  tokens: ${result.tokenUsage.totalTokens} (input ${result.tokenUsage.inputTokens}, output ${result.tokenUsage.outputTokens})`);
  const declined = approvals.filter((a) => a.decision === 'decline').length;
  const refused = approvals.length - declined;
  if (declined > 0) say(`  approvals declined: ${declined}`);
  if (refused > 0) say(`  server requests refused: ${refused}`);
  say(`  artifacts: ${options.outDir}`);
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

function oneLine(text: string): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), REASON_MAX);
}
