/**
 * `tern run` as a real process (dist/tern.js) against tern's own server and the scripted model,
 * once per outcome: the exit code, result.json against its published schema, and the artifacts.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../src/demo/model-server/server.js';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { MOCK_ENV_KEY, mockProviderFlags } from '../support/codex-peer.js';
import { createTempRepo } from '../support/git-repo.js';
import { REPO_ROOT } from '../support/protocol-schema.js';
import { TERN_BIN, ternTestEnv } from '../support/tern-server.js';

const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', 'run-result.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validate = ajv.compile(schema);
const CANARY = 'sk-canary-outcomes-0123456789abcdef';

let root: string;
const models: ModelServer[] = [];
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'tern-outcomes-'));
});
afterAll(async () => {
  for (const m of models) await m.close();
  await rm(root, { recursive: true, force: true });
});

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  result: Record<string, any>;
  out: string;
}

/** Runs `tern run` with a fresh repo and model; `whileRunning` may act on the child (e.g. signal it). */
async function ternRun(script: ScriptStep[], flags: string[], whileRunning?: (child: ReturnType<typeof spawn>, model: ModelServer) => void): Promise<Ran> {
  const model = await startModelServer({ script });
  models.push(model);
  const repo = createTempRepo({ 'hello.txt': 'hello\n' }, root);
  const out = await mkdtemp(path.join(root, 'out-'));
  const env = { ...ternTestEnv(await mkdtemp(path.join(root, 'home-'))), [MOCK_ENV_KEY]: CANARY };
  const args = [TERN_BIN, 'run', '--cwd', repo, '--out', out, '--prompt', 'do it', ...mockProviderFlags(model.url, MOCK_ENV_KEY), ...flags];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  whileRunning?.(child, model);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const resultFile = path.join(out, 'result.json');
  const result = existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : null;
  if (result) expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
  const artifacts = ['events.jsonl', 'diff.patch', 'result.json', 'server-stderr.log', 'transcript.md', 'summary.md', 'report.html'];
  for (const f of artifacts) {
    if (result) expect(existsSync(path.join(out, f)), f).toBe(true);
  }
  const everything = [stdout, stderr, ...artifacts.map((f) => (existsSync(path.join(out, f)) ? readFileSync(path.join(out, f), 'utf8') : ''))].join('\n');
  expect(everything.includes(CANARY)).toBe(false);
  return { code, stdout, stderr, result, out };
}

const patch = (to: string): ScriptStep => ({
  output: [{ type: 'custom_tool_call', name: 'apply_patch', input: `*** Begin Patch\n*** Update File: hello.txt\n@@\n-hello\n+${to}\n*** End Patch\n` }],
});
const shell = (cmd: string): ScriptStep => ({ output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd } }] });
const say = (text: string): ScriptStep => ({ output: [{ type: 'message', text }], usage: { input_tokens: 1000, output_tokens: 100 } });

describe('tern run outcomes', () => {
  it('success: changed files, exit 0, --json prints the result', async () => {
    const r = await ternRun([patch('hi'), say('Patched.')], ['--json']);
    expect(r.code).toBe(0);
    expect(r.result).toMatchObject({ outcome: 'success', failure: null, exitCode: 0, filesChanged: ['hello.txt'], budget: { modelRequests: 2, toolCalls: 1 } });
    expect(JSON.parse(r.stdout)).toEqual(r.result);
    const summary = readFileSync(path.join(r.out, 'summary.md'), 'utf8');
    expect(summary).toContain('success');
    expect(summary).toContain('hello.txt');
    expect(readFileSync(path.join(r.out, 'transcript.md'), 'utf8')).toContain('+hi');
  });

  it('no_changes: completed without a change, exit 0', async () => {
    const r = await ternRun([say('Nothing to do.')], []);
    expect(r.code).toBe(0);
    expect(r.result).toMatchObject({ outcome: 'no_changes', turnStatus: 'completed', filesChanged: [] });
    expect(r.stderr).toContain('-> no_changes');
  });

  it('failed (model): the API refuses, exit 1', async () => {
    const r = await ternRun([{ httpError: { status: 400, body: { error: { message: 'bad request here', type: 'invalid_request_error' } } } }], []);
    expect(r.code).toBe(1);
    expect(r.result).toMatchObject({ outcome: 'failed', turnStatus: 'failed', failure: { kind: 'model' } });
  });

  it('failed (budget): --max-tool-calls interrupts the turn and names the budget, exit 5', async () => {
    const r = await ternRun([shell('echo one'), shell('echo two'), shell('echo three'), say('Done.')], ['--max-tool-calls', '1']);
    expect(r.code).toBe(5);
    expect(r.result).toMatchObject({ outcome: 'failed', turnStatus: 'interrupted', failure: { kind: 'budget' }, budget: { exceeded: 'toolCalls' } });
    expect(r.result.failure.message).toContain('tool-call budget (1)');
  });

  it('failed (budget): --max-cost with a price table stops on the estimated cost', async () => {
    const prices = path.join(root, 'prices.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(prices, JSON.stringify({ 'mock-model': { input: 1000, output: 1000 } })));
    const r = await ternRun([shell('echo one'), shell('echo two'), say('Done.')], ['--max-cost', '0.5', '--price-table', prices, '--model', 'mock-model']);
    expect(r.code).toBe(5);
    expect(r.result).toMatchObject({ failure: { kind: 'budget' }, budget: { exceeded: 'cost' } });
    expect(r.result.budget.costUsd).toBeGreaterThanOrEqual(0.5);
  });

  it('failed (timeout): --timeout interrupts a hanging turn, exit 4', async () => {
    const r = await ternRun([{ output: [{ type: 'message', text: 'slow' }], delayMs: 600_000 }], ['--timeout', '6']);
    expect(r.code).toBe(4);
    expect(r.result).toMatchObject({ outcome: 'failed', failure: { kind: 'timeout' }, budget: { exceeded: 'wallTime' } });
  });

  it('failed (interrupted): SIGTERM interrupts the turn and still writes result.json and the diff so far, exit 6', async () => {
    const r = await ternRun([patch('partial'), { output: [{ type: 'message', text: 'slow' }], delayMs: 600_000 }], [], (child, model) => {
      const poll = setInterval(() => {
        if (model.requests.length >= 2) {
          clearInterval(poll);
          child.kill('SIGTERM');
        }
      }, 50);
    });
    expect(r.code).toBe(6);
    expect(r.result).toMatchObject({ outcome: 'failed', failure: { kind: 'interrupted' }, filesChanged: ['hello.txt'] });
    expect(readFileSync(path.join(r.out, 'diff.patch'), 'utf8')).toContain('+partial');
  });

  it('--policy fix-tests decides each approval, and every decision is recorded with its rule', async () => {
    const addWorkflow: ScriptStep = {
      output: [{ type: 'custom_tool_call', name: 'apply_patch', input: '*** Begin Patch\n*** Add File: .github/workflows/x.yml\n+on: push\n*** End Patch\n' }],
    };
    const r = await ternRun([shell('sort hello.txt') /* not known-safe: `untrusted` asks (ls would run unasked) */, shell('git push --force origin main'), addWorkflow, patch('fixed'), say('Done.')], ['--policy', 'fix-tests']);
    expect(r.code).toBe(0);
    expect(r.result.outcome).toBe('success');
    const decisions = r.result.approvals.map((a: { subject: string; decision: string; rule: string }) => [a.subject, a.decision, a.rule]);
    expect(decisions).toHaveLength(4);
    expect(decisions[0]).toEqual([expect.stringContaining('sort hello.txt'), 'accept', expect.stringMatching(/^fix-tests#/)]);
    expect(decisions[1]).toEqual([expect.stringContaining('git push --force'), 'decline', expect.stringMatching(/^fix-tests#/)]);
    expect(decisions[2]).toEqual([expect.stringContaining('.github/workflows/x.yml'), 'decline', expect.stringMatching(/^fix-tests#/)]);
    expect(decisions[3]).toEqual([expect.stringContaining('hello.txt'), 'accept', expect.stringMatching(/^fix-tests#/)]);
    expect(r.result.filesChanged).toEqual(['hello.txt']);
    // The same decisions, with their rules, in events.jsonl and summary.md.
    const notes = readFileSync(path.join(r.out, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"approvalDecision"')).map((l) => JSON.parse(l).note);
    expect(notes.map((n: { rule: string }) => n.rule)).toEqual(r.result.approvals.map((a: { rule: string }) => a.rule));
    const summary = readFileSync(path.join(r.out, 'summary.md'), 'utf8');
    for (const [, , rule] of decisions) expect(summary).toContain(rule);
  });

  it('failed (usage): a bad flag is one line and exit 2, no artifacts', async () => {
    const r = await ternRun([], ['--max-tokens', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-tokens must be a positive whole number');
    expect(r.result).toBeNull();
  });
});
