/**
 * action.yml and the example workflows, read as YAML: the inputs and outputs the docs promise,
 * and workflow hygiene (no `${{ }}` expression inside a `run:` script, where it would be
 * expanded into shell code before the shell runs).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/protocol-schema.js';

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, unknown> }
interface Workflow {
  permissions?: Record<string, string>;
  concurrency?: { group?: string };
  jobs: Record<string, { steps: Step[]; permissions?: Record<string, string> }>;
}

const action = parse(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as {
  runs: { using: string; main: string };
  inputs: Record<string, { default?: string; description?: string }>;
  outputs: Record<string, { description?: string }>;
};
const examplesDir = path.join(REPO_ROOT, 'examples');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => ({ file: f, workflow: parse(readFileSync(path.join(examplesDir, f), 'utf8')) as Workflow }));

describe('action.yml', () => {
  it('runs the bundled entry on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/action.js' });
    expect(existsSync(path.join(REPO_ROOT, 'dist', 'action.js'))).toBe(true);
  });

  it('has every input and output the docs promise, each described', () => {
    const inputs = ['prompt', 'prompt-file', 'mode', 'review-event', 'pr-number', 'trigger-phrase', 'allow-bots', 'working-directory', 'openai-api-key', 'model', 'base-url', 'wire-api', 'config',
      'approval-policy', 'sandbox', 'timeout-minutes', 'test-command', 'github-token', 'create-pr', 'draft', 'branch-prefix', 'branch',
      'base', 'title', 'labels', 'reviewers', 'allow-workflow-changes', 'max-diff-lines', 'upload-artifacts', 'artifact-name'];
    for (const name of inputs) expect(action.inputs[name]?.description, name).toBeTruthy();
    const outputs = ['conclusion', 'thread-id', 'final-message', 'files-changed', 'pr-number', 'pr-url', 'branch', 'artifacts-dir', 'tokens', 'review-url', 'comment-url'];
    for (const name of outputs) expect(action.outputs[name]?.description, name).toBeTruthy();
    expect(action.inputs['github-token']!.default).toBe('${{ github.token }}');
    expect(action.inputs['approval-policy']!.default).toBe('never');
    expect(action.inputs['sandbox']!.default).toBe('workspace-write');
    expect(action.inputs['branch-prefix']!.default).toBe('tern/');
    expect(action.inputs['allow-workflow-changes']!.default).toBe('false');
  });
});

describe('example workflows', () => {
  it('there are examples for a nightly fix-tests job, a dispatched task, PR review and mentions', () => {
    const files = examples.map((e) => e.file);
    expect(files).toEqual(expect.arrayContaining(['nightly-fix-tests.yml', 'dispatch-task.yml', 'pr-review.yml', 'mention.yml']));
  });

  /** What each example's token may do: no more than its mode needs. */
  const PERMISSIONS: Record<string, Record<string, string>> = {
    'pr-review.yml': { contents: 'read', 'pull-requests': 'write' },
    'mention.yml': { contents: 'write', 'pull-requests': 'write', issues: 'write' },
  };
  const DEFAULT_PERMISSIONS = { contents: 'write', 'pull-requests': 'write' };

  it('pr-review.yml never runs the pull request code with secrets: pull_request_target checks out the head without running it', () => {
    const review = examples.find((e) => e.file === 'pr-review.yml')!.workflow;
    const steps = Object.values(review.jobs).flatMap((j) => j.steps);
    const runs = steps.filter((s) => typeof s.run === 'string').map((s) => s.run!);
    expect(runs.every((r) => !/npm|yarn|pnpm|make|\.\/|pip/.test(r))).toBe(true);
    const tern = steps.find((s) => s.uses?.includes('tern'))!;
    expect(tern.with?.mode).toBe('review');
  });

  for (const { file, workflow } of examples) {
    it(`${file}: least privilege, a concurrency key with the event name, no credential left in the checkout`, () => {
      expect(workflow.permissions).toEqual(PERMISSIONS[file] ?? DEFAULT_PERMISSIONS);
      expect(workflow.concurrency?.group).toContain('${{ github.event_name }}');
      const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
      const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout'));
      expect(checkout?.with?.['persist-credentials']).toBe(false);
      expect(steps.some((s) => s.uses?.includes('tern'))).toBe(true);
    });

    it(`${file}: no expression inside a run: script`, () => {
      const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
      const bad = steps.filter((s) => typeof s.run === 'string' && s.run.includes('${{')).map((s) => s.run);
      expect(bad).toEqual([]);
    });
  }
});
