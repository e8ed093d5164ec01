import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputVariable, parseInputs } from '../../src/action/inputs.js';

function inputs(values: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(values).map(([k, v]) => [inputVariable(k), v]));
}

describe('action inputs', () => {
  it('names variables as the runner does', () => {
    expect(inputVariable('github-token')).toBe('INPUT_GITHUB-TOKEN');
    expect(inputVariable('my input')).toBe('INPUT_MY_INPUT');
  });

  it('applies defaults and splits lists', () => {
    const parsed = parseInputs(inputs({ prompt: 'Do it', labels: 'a, b\nc', reviewers: '@octocat, hubot', config: 'model_reasoning_effort="high"\n# comment\n' }), '/work');
    expect(parsed).toMatchObject({
      mode: 'run',
      prompt: 'Do it',
      workingDirectory: '/work',
      approvalPolicy: 'never',
      sandbox: 'workspace-write',
      timeoutMinutes: 30,
      agentIsolation: 'pid-namespace',
      createPr: true,
      draft: false,
      branchPrefix: 'tern/',
      labels: ['a', 'b', 'c'],
      reviewers: ['octocat', 'hubot'],
      config: ['model_reasoning_effort="high"'],
      commitAuthor: { name: 'tern[bot]', email: 'tern-bot@users.noreply.github.com' },
      maxDiffLines: 2000,
      uploadArtifacts: true,
      artifactName: 'tern-run',
    });
  });

  it('review and mention need no prompt; their inputs have defaults', () => {
    expect(parseInputs(inputs({ mode: 'review' }))).toMatchObject({ mode: 'review', prompt: null, reviewEvent: 'COMMENT', prNumber: null });
    expect(parseInputs(inputs({ mode: 'review', 'review-event': 'request_changes', 'pr-number': '12' }))).toMatchObject({ reviewEvent: 'REQUEST_CHANGES', prNumber: 12 });
    expect(parseInputs(inputs({ mode: 'mention' }))).toMatchObject({ triggerPhrase: '@tern', allowBots: [] });
    expect(parseInputs(inputs({ mode: 'mention', 'trigger-phrase': '/fix', 'allow-bots': 'renovate[bot]\ndependabot[bot]' }))).toMatchObject({
      triggerPhrase: '/fix',
      allowBots: ['renovate[bot]', 'dependabot[bot]'],
    });
  });

  it('reads prompt-file relative to the working directory', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tern-inputs-'));
    writeFileSync(path.join(dir, 'task.md'), 'From a file');
    expect(parseInputs(inputs({ 'prompt-file': 'task.md', 'working-directory': dir })).prompt).toBe('From a file');
  });

  it.each([
    [{ mode: 'bogus', prompt: 'x' }, 'input mode must be one of run, fix-tests, review, mention, auto'],
    [{ mode: 'review', 'review-event': 'APPROVE' }, 'tern never approves a pull request'],
    [{ mode: 'review', 'review-event': 'dismiss' }, 'input review-event must be one of COMMENT, REQUEST_CHANGES'],
    [{ mode: 'review', 'pr-number': '#3' }, 'input pr-number must be a pull request number'],
    [{ mode: 'mention', 'allow-bots': '*' }, "input allow-bots does not accept '*'"],
    [{ mode: 'mention', 'allow-bots': 'renovate[bot], *[bot]' }, "input allow-bots does not accept '*'"],
    [{ mode: 'mention', 'allow-bots': 'octocat' }, 'input allow-bots lists bot logins ending in [bot]'],
    [{ mode: 'mention', 'trigger-phrase': 'hey tern' }, 'input trigger-phrase must be one word'],
    [{}, 'mode run needs a task'],
    [{ mode: 'fix-tests' }, 'needs the test-command input'],
    [{ prompt: 'x', 'prompt-file': 'y' }, 'either prompt or prompt-file'],
    [{ prompt: 'x', 'prompt-file-missing': '' , draft: 'yes' }, 'input draft must be true or false'],
    [{ prompt: 'x', 'timeout-minutes': '-3' }, 'input timeout-minutes must be a positive number'],
    [{ prompt: 'x', 'max-diff-lines': '1.5' }, 'input max-diff-lines must be a whole number'],
    [{ prompt: 'x', 'base-url': 'ftp://x' }, 'input base-url must be an http(s) URL'],
    [{ prompt: 'x', sandbox: 'none' }, 'input sandbox must be one of read-only, workspace-write, danger-full-access'],
    [{ prompt: 'x', config: 'no-equals-sign' }, 'each line must be key=value'],
    [{ prompt: 'x', 'commit-author': 'just a name' }, "must look like 'Name <email>'"],
    [{ prompt: 'x', 'agent-isolation': 'bwrap' }, 'input agent-isolation must be one of pid-namespace, none'],
  ])('refuses %j with a line naming the input', (values, message) => {
    expect(() => parseInputs(inputs(values as Record<string, string>))).toThrow(message);
  });
});
