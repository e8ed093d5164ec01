// The words of a run, for people: the job summary ($GITHUB_STEP_SUMMARY), the
// pull request's body and the commit message. All built from the outcome the
// Action assembled from the recorded artifacts.

import { readFileSync } from 'node:fs';
import path from 'node:path';

/** skipped: the event was not for tern (no trigger phrase, an actor without write access, tern's own comment). */
export type Conclusion = 'success' | 'no_changes' | 'skipped' | 'failed';

export interface CommandRun {
  command: string;
  exitCode: number | null;
}

export interface ActionOutcome {
  conclusion: Conclusion;
  /** One line, when the conclusion is failed (or a notable no_changes). */
  reason: string | null;
  mode: string;
  task: string | null;
  threadId: string | null;
  finalMessage: string | null;
  filesChanged: string[];
  tokens: number | null;
  durationMs: number;
  commands: CommandRun[];
  pr: { number: number; url: string; created: boolean } | null;
  branch: string | null;
  commitSha: string | null;
  artifactsDir: string;
  runUrl: string | null;
  /** fix-tests: the test command and what it said before and after the turn. */
  tests: { command: string; before: TestRecord; after: TestRecord | null } | null;
  /** review: what was posted (url null: nothing new to post). */
  review: { url: string | null; inline: number; inBody: number; duplicates: number } | null;
  /** mention: the progress comment holding the outcome. */
  commentUrl: string | null;
}

export interface TestRecord {
  passed: boolean;
  exitCode: number | null;
  outputTail: string;
}

const EVENTS_FILE = 'events.jsonl';
const MAX_COMMANDS_LISTED = 30;
const MAX_FILES_LISTED = 50;
const SUMMARY_OUTPUT_TAIL = 3000;
const TITLE_MAX = 72;
const CONCLUSION_LINE: Record<Conclusion, string> = {
  success: 'succeeded',
  no_changes: 'finished with no changes',
  skipped: 'skipped',
  failed: 'failed',
};

/** The commands the agent ran, from events.jsonl (item/completed of commandExecution items). */
export function commandsFromEvents(artifactsDir: string): CommandRun[] {
  let text: string;
  try {
    text = readFileSync(path.join(artifactsDir, EVENTS_FILE), 'utf8');
  } catch {
    return [];
  }
  const commands: CommandRun[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"item/completed"')) continue;
    try {
      const item = JSON.parse(line)?.msg?.params?.item;
      if (item?.type === 'commandExecution') commands.push({ command: String(item.command), exitCode: item.exitCode ?? null });
    } catch {
      // a torn line: skip
    }
  }
  return commands;
}

/** Markdown for $GITHUB_STEP_SUMMARY. */
export function stepSummary(o: ActionOutcome): string {
  const lines = [`## tern ${CONCLUSION_LINE[o.conclusion]}`, ''];
  if (o.reason) lines.push(`**${o.conclusion === 'failed' ? 'Why' : 'Note'}:** ${o.reason}`, '');
  lines.push('| | |', '|---|---|', `| outcome | \`${o.conclusion}\` |`, `| mode | ${o.mode} |`);
  if (o.pr) lines.push(`| pull request | [#${o.pr.number}](${o.pr.url}) (${o.pr.created ? 'opened' : 'updated'}) |`);
  if (o.branch) lines.push(`| branch | \`${o.branch}\` |`);
  if (o.review) lines.push(`| review | ${o.review.url ? `[posted](${o.review.url})` : 'not posted'}: ${o.review.inline} inline, ${o.review.inBody} in the body, ${o.review.duplicates} already posted |`);
  if (o.commentUrl) lines.push(`| comment | [progress comment](${o.commentUrl}) |`);
  if (o.tokens !== null) lines.push(`| tokens | ${o.tokens} |`);
  lines.push(`| duration | ${(o.durationMs / 1000).toFixed(1)} s |`);
  if (o.threadId) lines.push(`| thread | \`${o.threadId}\` |`);
  lines.push('', ...filesSection(o.filesChanged), ...commandsSection(o.commands), ...testsSection(o.tests));
  if (o.finalMessage) lines.push('### Final message', '', quote(o.finalMessage), '');
  return lines.join('\n') + '\n';
}

/** The pull request's body. */
export function pullRequestBody(o: ActionOutcome): string {
  const lines = ['This pull request was made by tern, an automated coding agent.', ''];
  if (o.task) lines.push('### Task', '', quote(o.task), '');
  if (o.finalMessage) lines.push('### What the agent says it did', '', quote(o.finalMessage), '');
  lines.push(...filesSection(o.filesChanged), ...testsSection(o.tests));
  const facts = [o.runUrl ? `[workflow run](${o.runUrl})` : null, o.threadId ? `thread \`${o.threadId}\`` : null, o.tokens !== null ? `${o.tokens} tokens` : null];
  lines.push(facts.filter((f) => f !== null).join(' · '));
  return lines.join('\n') + '\n';
}

export function pullRequestTitle(o: Pick<ActionOutcome, 'mode' | 'task' | 'tests'>, explicit: string | null): string {
  if (explicit) return explicit;
  if (o.mode === 'fix-tests' && o.tests) return truncate(`Fix failing tests (${o.tests.command})`, TITLE_MAX);
  const first = (o.task ?? '').split('\n').find((l) => l.trim() !== '')?.trim() ?? 'Changes by tern';
  return truncate(first, TITLE_MAX);
}

export function commitMessage(title: string, o: Pick<ActionOutcome, 'threadId' | 'runUrl'>): string {
  const trailers = [o.threadId ? `Tern-Thread: ${o.threadId}` : null, o.runUrl ? `Tern-Run: ${o.runUrl}` : null].filter((t) => t !== null);
  return `${title}\n\n${trailers.join('\n')}\n`;
}

function filesSection(files: string[]): string[] {
  if (files.length === 0) return ['No files changed.', ''];
  const shown = files.slice(0, MAX_FILES_LISTED).map((f) => `- \`${f}\``);
  const more = files.length > MAX_FILES_LISTED ? [`- … and ${files.length - MAX_FILES_LISTED} more`] : [];
  return [`### Files changed (${files.length})`, '', ...shown, ...more, ''];
}

function commandsSection(commands: CommandRun[]): string[] {
  if (commands.length === 0) return [];
  const rows = commands.slice(0, MAX_COMMANDS_LISTED).map((c) => `| \`${cell(c.command)}\` | ${c.exitCode ?? '–'} |`);
  const more = commands.length > MAX_COMMANDS_LISTED ? [`| … ${commands.length - MAX_COMMANDS_LISTED} more | |`] : [];
  return [`### Commands run (${commands.length})`, '', '| command | exit |', '|---|---|', ...rows, ...more, ''];
}

function testsSection(tests: ActionOutcome['tests']): string[] {
  if (!tests) return [];
  const state = (r: TestRecord) => (r.passed ? 'pass' : `fail (exit ${r.exitCode ?? 'killed'})`);
  const lines = ['### Tests', '', `\`${cell(tests.command)}\`: before the turn ${state(tests.before)}${tests.after ? `, after it ${state(tests.after)}` : ''}.`, ''];
  const failing = tests.after && !tests.after.passed ? tests.after : null;
  if (failing) lines.push('Remaining failure (end of the output):', '', fence(failing.outputTail.slice(-SUMMARY_OUTPUT_TAIL)), '');
  return lines;
}

function quote(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}

/** A code fence longer than any backtick run inside the text. */
function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}\n${text.replace(/\n$/, '')}\n${ticks}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/`/g, "'").replace(/\s+/g, ' ');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
