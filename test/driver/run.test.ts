/**
 * `tern run` (runCommand, in-process) driving the REAL `codex app-server` 0.169 (offline, scripted
 * Responses mock on 127.0.0.1) on temp git repos; plus failure paths and flag errors.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/driver/index.js';
import type { RunResult } from '../../src/artifacts/result.js';
import { startModelServer, type ModelServer } from '../../src/demo/model-server/server.js';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { MOCK_API_KEY, codexPeerCommand, mockProviderFlags } from '../support/codex-peer.js';
import { createConformanceChecker } from '../support/protocol-schema.js';
import { createRepoFixture, type RepoFixture } from '../support/git-repo.js';
import { TERN_BIN, ternTestEnv } from '../support/tern-server.js';
import { parseEventsJsonl } from '../../src/artifacts/timeline.js';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { REPO_ROOT } from '../support/protocol-schema.js';

/** result.json's published schema (a review run adds `review`). */
const validateResult = (() => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv.compile(JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', 'run-result.schema.json'), 'utf8')));
})();

/** tern's own bundled server, in the shape codexPeerCommand returns. */
async function ternPeer(_modelBaseUrl: string, workRoot: string): Promise<{ command: string; env: NodeJS.ProcessEnv }> {
  const home = await mkdtemp(path.join(workRoot, 'tern-home-'));
  return { command: `${process.execPath} ${TERN_BIN}`, env: ternTestEnv(home) };
}

/** A fake key in the driver's env: it must show up in no artifact and no output. */
const SECRET = 'sk-test-secret-123456';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const code = await runCommand(argv, {
    env,
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

async function readArtifacts(out: string) {
  const result = JSON.parse(await readFile(path.join(out, 'result.json'), 'utf8')) as RunResult;
  const eventsText = await readFile(path.join(out, 'events.jsonl'), 'utf8');
  const events = parseEventsJsonl(eventsText).events as Array<{ ts: number; dir: 'c2s' | 's2c'; msg: Record<string, any> }>;
  const patch = existsSync(path.join(out, 'diff.patch')) ? await readFile(path.join(out, 'diff.patch'), 'utf8') : null;
  const all: string[] = [];
  for (const f of await readdir(out)) all.push(await readFile(path.join(out, f), 'utf8'));
  return { result, events, eventsText, patch, files: await readdir(out), allText: all.join('\n') };
}

describe('tern run against codex app-server', () => {
  let workRoot: string;
  const models: ModelServer[] = [];
  const repos: RepoFixture[] = [];

  beforeAll(async () => {
    workRoot = await mkdtemp(path.join(os.tmpdir(), 'tern-run-'));
  });
  afterAll(async () => {
    for (const m of models) await m.close();
    for (const r of repos) await r.cleanup();
    await rm(workRoot, { recursive: true, force: true });
  });

  /** Model mock + codex env + a temp repo; returns argv pieces for `tern run`. */
  async function setup(
    script: ScriptStep[] | ((repoDir: string) => ScriptStep[]),
    files: Record<string, string> = { 'hello.txt': 'hello from the test repo\n' },
    server: 'codex' | 'tern' = 'codex',
  ) {
    const repo = await createRepoFixture(files);
    repos.push(repo);
    const model = await startModelServer({ script: typeof script === 'function' ? script(repo.dir) : script });
    models.push(model);
    const peer = server === 'codex' ? await codexPeerCommand({ modelBaseUrl: model.url, workRoot }) : await ternPeer(model.url, workRoot);
    const out = path.join(await mkdtemp(path.join(workRoot, 'out-')), 'artifacts');
    // The codex binary via --server-command; the mock-provider settings via tern's own -c passthrough.
    const configFlags = mockProviderFlags(model.url);
    const argv = ['--cwd', repo.dir, '--out', out, '--server-command', `${peer.command} app-server`, ...configFlags];
    const env = { ...peer.env, MOCK_API_KEY: SECRET };
    return { model, peer, repo, out, argv, env };
  }

  it('runs a command and a patch: completed result, diff.patch with the change and the new file, events both ways', async () => {
    const { model, repo, out, argv, env } = await setup([
      { output: [{ type: 'reasoning', summary: 'Look first.' }, { type: 'function_call', name: 'exec_command', arguments: { cmd: 'cat hello.txt' } }] },
      {
        output: [
          {
            type: 'custom_tool_call',
            name: 'apply_patch',
            input: [
              '*** Begin Patch',
              '*** Update File: hello.txt',
              '@@',
              '-hello from the test repo',
              '+hello from tern run',
              '*** Add File: notes.txt',
              `+notes; the key was ${SECRET}`,
              '*** End Patch',
              '',
            ].join('\n'),
          },
        ],
        usage: { input_tokens: 1000, output_tokens: 50 },
      },
      { output: [{ type: 'message', text: `Done. Updated hello.txt and added notes.txt.\nKey: ${SECRET}` }], usage: { input_tokens: 1200, output_tokens: 20 } },
    ]);
    const statusBefore = await repo.git('status', '--porcelain');
    const r = await run([...argv, '--prompt', `Update hello.txt. (key ${SECRET})`, '--timeout', '120'], env);
    expect(r.stderr).toContain('tern run: completed');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('message: Done. Updated hello.txt and added notes.txt.');
    expect(r.stderr).toContain('files changed (2): hello.txt, notes.txt');
    expect(r.stderr).toContain(`artifacts: ${out}`);

    // The agent really changed the work tree; the user's index is untouched.
    expect(await readFile(path.join(repo.dir, 'hello.txt'), 'utf8')).toBe('hello from tern run\n');
    expect(await repo.git('diff', '--cached', '--name-only')).toBe('');
    expect(statusBefore).toBe('');

    const a = await readArtifacts(out);
    expect(a.files.sort()).toEqual(['diff.patch', 'events.jsonl', 'report.html', 'result.json', 'server-stderr.log', 'summary.md', 'transcript.md']);
    expect(a.result).toMatchObject({
      schemaVersion: 1,
      outcome: 'success',
      turnStatus: 'completed',
      exitCode: 0,
      failure: null,
      finalMessage: 'Done. Updated hello.txt and added notes.txt.\nKey: [REDACTED]',
      filesChanged: ['hello.txt', 'notes.txt'],
    });
    expect(a.result.threadId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.result.turnId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.result.tokenUsage?.totalTokens).toBeGreaterThan(0);
    expect(a.result.tokenUsage?.inputTokens).toBeGreaterThanOrEqual(1200);
    expect(a.result.server.command[1]).toBe('app-server');
    expect(a.result.server.command).toContain(`model_providers.mock.base_url="${model.url}"`);
    expect(a.result.durationMs).toBeGreaterThan(0);
    expect(Date.parse(a.result.finishedAt)).toBeGreaterThanOrEqual(Date.parse(a.result.startedAt));

    expect(a.patch).toContain('diff --git a/hello.txt b/hello.txt');
    expect(a.patch).toContain('+hello from tern run');
    expect(a.patch).toMatch(/diff --git a\/notes.txt b\/notes.txt\nnew file mode 100644/);
    expect(a.patch).toContain('+notes; the key was [REDACTED]');

    // events.jsonl: both directions, the whole protocol flow, timestamps in order, schema-valid.
    const c2s = a.events.filter((e) => e.dir === 'c2s').map((e) => e.msg.method);
    expect(c2s.slice(0, 4)).toEqual(['initialize', 'initialized', 'thread/start', 'turn/start']);
    const init = a.events.find((e) => e.msg.method === 'initialize')!;
    expect(init.msg.params.clientInfo).toEqual({ name: 'tern_run', title: 'tern run', version: expect.any(String) });
    const threadStart = a.events.find((e) => e.msg.method === 'thread/start')!;
    expect(threadStart.msg.params).toEqual({ cwd: repo.dir, approvalPolicy: 'never', sandbox: 'workspace-write' });
    const turnStart = a.events.find((e) => e.msg.method === 'turn/start')!;
    expect(turnStart.msg.params.input).toEqual([{ type: 'text', text: 'Update hello.txt. (key [REDACTED])', text_elements: [] }]);
    const s2cMethods = a.events.filter((e) => e.dir === 's2c').map((e) => e.msg.method);
    for (const m of ['thread/started', 'turn/started', 'item/completed', 'thread/tokenUsage/updated', 'turn/completed']) {
      expect(s2cMethods).toContain(m);
    }
    const items = a.events.filter((e) => e.msg.method === 'item/completed').map((e) => e.msg.params.item.type);
    expect(items).toEqual(expect.arrayContaining(['commandExecution', 'fileChange', 'agentMessage']));
    expect(a.events.every((e, i) => i === 0 || e.ts >= a.events[i - 1]!.ts)).toBe(true);
    (await createConformanceChecker()).assertConforms(a.events);

    // Secrets: neither the driver's fake key nor the server's mock key appear anywhere.
    expect(a.allText).not.toContain(SECRET);
    expect(a.allText).not.toContain(MOCK_API_KEY);
    expect(r.stderr + r.stdout).not.toContain(SECRET);
    // ...but the server did get its key (the model saw the authenticated requests).
    expect(model.requests.filter((q) => q.method === 'POST').every((q) => q.headers.authorization === `Bearer ${MOCK_API_KEY}`)).toBe(true);
  });

  it('commits the model makes during the turn are part of diff.patch (diffed against the commit before the turn)', async () => {
    // Both servers' sandboxes keep .git read-only, so a model can commit only without one:
    // tern's own server under danger-full-access.
    const { repo, out, argv, env } = await setup([
      {
        output: [
          {
            type: 'function_call',
            name: 'exec_command',
            arguments: { cmd: 'echo committed > committed.txt && git add committed.txt && git -c user.name=m -c user.email=m@m.invalid commit -qm by-the-model && echo loose > loose.txt' },
          },
        ],
      },
      { output: [{ type: 'message', text: 'Committed one file, left another.' }] },
    ], undefined, 'tern');
    const before = (await repo.git('rev-parse', 'HEAD')).trim();
    const r = await run([...argv, '--sandbox', 'danger-full-access', '--prompt', 'Commit something', '--timeout', '120'], env);
    expect(r.code).toBe(0);
    expect((await repo.git('rev-parse', 'HEAD')).trim()).not.toBe(before);
    const a = await readArtifacts(out);
    expect(a.result.filesChanged).toEqual(['committed.txt', 'loose.txt']);
    expect(a.patch).toContain('+++ b/committed.txt');
    expect(a.patch).toContain('+++ b/loose.txt');
  });

  it('--review BASE runs review/start against BASE under read-only-review and records the findings in result.json', async () => {
    const review = {
      findings: [
        { title: '[P1] Off by one', body: 'The loop stops early.', confidence_score: 0.9, priority: 1, code_location: { file: 'hello.txt', line_range: { start: 2, end: 3 } } },
      ],
      overall_correctness: 'patch is incorrect',
      overall_explanation: 'One real bug.',
      overall_confidence_score: 0.8,
    };
    const { model, repo, out, argv, env } = await setup(
      [{ output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'git diff main' } }] }, { output: [{ type: 'message', text: JSON.stringify(review) }] }],
      undefined,
      'tern',
    );
    const base = (await repo.git('rev-parse', 'HEAD')).trim();
    await writeFile(path.join(repo.dir, 'hello.txt'), 'one\ntwo\nthree\n');
    await repo.git('-c', 'user.name=t', '-c', 'user.email=t@t.invalid', 'commit', '-qam', 'change');
    const r = await run([...argv, '--review', base, '--timeout', '120'], env);
    expect(r.stderr).not.toContain('failed');
    expect(r.code).toBe(0);
    const a = await readArtifacts(out);
    expect(a.result.outcome).toBe('success');
    expect(validateResult(a.result), JSON.stringify(validateResult.errors)).toBe(true);
    expect(a.result.filesChanged).toEqual([]);
    expect(a.result.review).toEqual({
      base,
      overallExplanation: 'One real bug.',
      findings: [{ title: '[P1] Off by one', body: 'The loop stops early.', priority: 1, confidence: null, codeLocation: { file: 'hello.txt', lineRange: { start: 2, end: 3 } } }],
    });
    const sent = a.events.filter((e) => e.dir === 'c2s').map((e) => e.msg);
    expect(sent.find((m) => m.method === 'review/start')?.params).toMatchObject({ target: { type: 'baseBranch', branch: base }, delivery: 'inline' });
    expect(sent.find((m) => m.method === 'thread/start')?.params).toMatchObject({ sandbox: 'read-only', approvalPolicy: 'untrusted' });
    expect(JSON.stringify(model.requests.at(0)?.body)).toContain(base);
  });

  it('--review against the reference codex app-server: its review text parses into the same findings', async () => {
    const review = {
      // The reference reviewer's shape: an absolute path (absolute_file_path); result.json has it relative.
      findings: [{ title: '[P2] Name the constant', body: 'Use a named constant.', confidence_score: 0.7, priority: 2, code_location: { absolute_file_path: 'ABSOLUTE', line_range: { start: 1, end: 1 } } }],
      overall_correctness: 'patch is incorrect',
      overall_explanation: 'A small thing.',
      overall_confidence_score: 0.7,
    };
    const { repo, out, argv, env } = await setup((dir) => [{ output: [{ type: 'message', text: JSON.stringify(review).replace('ABSOLUTE', path.join(dir, 'hello.txt')) }] }]);
    const base = (await repo.git('rev-parse', 'HEAD')).trim();
    await writeFile(path.join(repo.dir, 'hello.txt'), 'changed\n');
    await repo.git('-c', 'user.name=t', '-c', 'user.email=t@t.invalid', 'commit', '-qam', 'change');
    const r = await run([...argv, '--review', base, '--timeout', '120'], env);
    expect(r.code).toBe(0);
    const a = await readArtifacts(out);
    expect(a.result.review).toEqual({
      base,
      overallExplanation: 'A small thing.',
      findings: [{ title: '[P2] Name the constant', body: 'Use a named constant.', priority: 2, confidence: null, codeLocation: { file: 'hello.txt', lineRange: { start: 1, end: 1 } } }],
    });
  });

  it('a model HTTP 400 fails the turn: non-zero exit, result.json status failed with the error', async () => {
    const { out, argv, env } = await setup([{ httpError: { status: 400, body: { error: { message: 'Invalid prompt: too spicy', type: 'invalid_request_error' } } } }]);
    const r = await run([...argv, '--prompt', 'hi'], env);
    expect(r.code).toBe(1);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(/^tern run: failed \(model\): turn failed: .*too spicy/);
    const a = await readArtifacts(out);
    expect(a.result).toMatchObject({ outcome: 'failed', turnStatus: 'failed', exitCode: 1, failure: { kind: 'model' } });
    expect(a.result.failure?.message).toMatch(/^turn failed: .*too spicy/);
    expect(a.result.finalMessage).toBeNull();
    expect(a.result.filesChanged).toEqual([]);
    expect(a.patch).toBe('');
    expect(a.events.some((e) => e.msg.method === 'turn/completed' && e.msg.params.turn.status === 'failed')).toBe(true);
  });

  it('declines approval requests under --approval-policy untrusted and records them', async () => {
    const { out, argv, env, repo } = await setup([
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'echo hacked > hello.txt' } }] },
      { output: [{ type: 'message', text: 'The command was declined.' }] },
    ]);
    const r = await run([...argv, '--approval-policy', 'untrusted', '--sandbox', 'read-only', '--prompt', 'overwrite hello'], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('approvals declined: 1');
    expect(await readFile(path.join(repo.dir, 'hello.txt'), 'utf8')).toBe('hello from the test repo\n');
    const a = await readArtifacts(out);
    const request = a.events.find((e) => e.dir === 's2c' && e.msg.method === 'item/commandExecution/requestApproval')!;
    expect(request).toBeDefined();
    const reply = a.events.find((e) => e.dir === 'c2s' && e.msg.id === request.msg.id && e.msg.method === undefined)!;
    expect(reply.msg.result).toEqual({ decision: 'decline' });
    expect(a.result).toMatchObject({ outcome: 'no_changes', turnStatus: 'completed', finalMessage: 'The command was declined.', filesChanged: [] });
    expect(a.result.approvals).toEqual([
      expect.objectContaining({ method: 'item/commandExecution/requestApproval', decision: 'decline', rule: 'default (no --policy): decline' }),
    ]);
    const threadStart = a.events.find((e) => e.msg.method === 'thread/start')!;
    expect(threadStart.msg.params).toMatchObject({ approvalPolicy: 'untrusted', sandbox: 'read-only' });
  });

  it('--timeout interrupts a hanging turn and exits non-zero without hanging', async () => {
    const { out, argv, env } = await setup([{ output: [{ type: 'message', text: 'never arrives' }], delayMs: 600_000 }]);
    // Long enough for codex to start and begin the turn on a loaded machine; the model never answers.
    const r = await run([...argv, '--prompt', 'hang', '--timeout', '15'], env);
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^tern run: failed \(timeout\): timed out after 15 s/);
    const a = await readArtifacts(out);
    expect(a.result).toMatchObject({ outcome: 'failed', turnStatus: 'interrupted', failure: { kind: 'timeout' } });
    expect(a.result.budget.exceeded).toBe('wallTime');
    expect(a.events.some((e) => e.dir === 'c2s' && e.msg.method === 'turn/interrupt')).toBe(true);
    expect(a.events.some((e) => e.msg.method === 'turn/completed' && e.msg.params.turn.status === 'interrupted')).toBe(true);
  });

  it('--prompt-file and --model reach the server', async () => {
    const { out, argv, env, repo } = await setup([{ output: [{ type: 'message', text: 'ok' }] }]);
    const promptFile = path.join(workRoot, 'prompt.md');
    await writeFile(promptFile, 'Prompt from a file.\n');
    const r = await run([...argv, '--prompt-file', promptFile, '--model', 'gpt-5.5'], env);
    expect(r.code).toBe(0);
    const a = await readArtifacts(out);
    const turnStart = a.events.find((e) => e.msg.method === 'turn/start')!;
    expect(turnStart.msg.params.input[0].text).toBe('Prompt from a file.\n');
    expect(a.events.find((e) => e.msg.method === 'thread/start')!.msg.params).toEqual({
      cwd: repo.dir,
      approvalPolicy: 'never',
      sandbox: 'workspace-write',
      model: 'gpt-5.5',
    });
  });
});

describe('tern run failure paths without a model', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tern-run-fail-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a server that exits immediately: clear reason, result.json, no hang', async () => {
    const out = path.join(dir, 'out-exit');
    const r = await run([
      '--cwd', dir, '--out', out, '--prompt', 'hi',
      '--server-command', `${process.execPath} -e console.error("fatal:\\ config\\ is\\ broken");process.exit(3)`,
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'tern run: failed (server): app server exited with code 3 during initialize; last stderr line: fatal: config is broken',
    );
    const result = JSON.parse(await readFile(path.join(out, 'result.json'), 'utf8')) as RunResult;
    expect(result).toMatchObject({ outcome: 'failed', exitCode: 3, threadId: null, turnId: null, failure: { kind: 'server' } });
    expect(result.failure?.message).toContain('exited with code 3');
    expect(await readFile(path.join(out, 'server-stderr.log'), 'utf8')).toBe('fatal: config is broken\n');
    // not a git repo: no diff.patch, a warning instead
    expect(r.stderr).toContain('tern run: warning: no diff.patch');
    expect(existsSync(path.join(out, 'events.jsonl'))).toBe(true);
    expect(existsSync(path.join(out, 'events.jsonl.partial'))).toBe(false);
  });

  it('a server that dies mid-turn: reason names the turn, code and last stderr line', async () => {
    const out = path.join(dir, 'out-crash');
    const script = fileURLToPath(new URL('./fixtures/crash-mid-turn.mjs', import.meta.url));
    const r = await run(['--cwd', dir, '--out', out, '--prompt', 'hi', '--server-command', `${process.execPath} ${script}`]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'tern run: failed (server): app server exited with code 5 during the turn; last stderr line: panic: segfault in the agent loop',
    );
    const result = JSON.parse(await readFile(path.join(out, 'result.json'), 'utf8')) as RunResult;
    expect(result).toMatchObject({
      outcome: 'failed',
      failure: { kind: 'server' },
      threadId: '00000000-0000-7000-8000-000000000001',
      turnId: '00000000-0000-7000-8000-000000000002',
    });
  });

  it('a server command that does not exist', async () => {
    const out = path.join(dir, 'out-enoent');
    const r = await run(['--cwd', dir, '--out', out, '--prompt', 'hi', '--server-command', '/nonexistent/app-server --flag']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/tern run: failed \(server\): app server could not be started \(spawn \/nonexistent\/app-server ENOENT\) during initialize/);
  });

  it('a server that never answers initialize hits --timeout', async () => {
    const out = path.join(dir, 'out-silent');
    const r = await run(['--cwd', dir, '--out', out, '--prompt', 'hi', '--timeout', '1', '--server-command', `${process.execPath} -e process.stdin.resume()`]);
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('tern run: failed (timeout): timed out after 1.0 s waiting for initialize');
  });

  it('secrets in the server command and its stderr are redacted', async () => {
    const out = path.join(dir, 'out-secret');
    const env = { ...process.env, MY_API_TOKEN: 'very-secret-token-value' };
    const script = path.join(dir, 'leaky-server.mjs');
    await writeFile(script, 'console.error("token: " + process.env.MY_API_TOKEN);\nprocess.exit(1);\n');
    const r = await run(
      [
        '--cwd', dir, '--out', out, '--prompt', 'hi',
        '--server-command', `${process.execPath} ${script}`,
        '-c', 'token=very-secret-token-value',
      ],
      env,
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('exited with code 1 during initialize');
    const all = (await Promise.all((await readdir(out)).map((f) => readFile(path.join(out, f), 'utf8')))).join('\n');
    expect(all + r.stderr).not.toContain('very-secret-token-value');
    expect(r.stderr).toContain('last stderr line: token: [REDACTED]');
    const result = JSON.parse(await readFile(path.join(out, 'result.json'), 'utf8')) as RunResult;
    expect(result.server.command.slice(-2)).toEqual(['-c', 'token=[REDACTED]']);
  });
});

describe('tern run flags', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown flag', ['--prompt', 'x', '--bogus'], /^tern run: Unknown option '--bogus'$/],
    ['missing prompt', [], /^tern run: missing the task: pass --prompt TEXT, --prompt-file FILE or --review BASE$/],
    ['review with a prompt', ['--review', 'main', '--prompt', 'x'], /--review takes no --prompt or --prompt-file/],
    ['review of an option', ['--review=--output=/tmp/x'], /--review takes a branch, ref or commit id/],
    ['review of a range', ['--review', 'main..HEAD'], /--review takes a branch, ref or commit id/],
    ['review with a writable sandbox', ['--review', 'main', '--sandbox', 'workspace-write'], /--review runs under --sandbox read-only/],
    ['both prompts', ['--prompt', 'x', '--prompt-file', 'y'], /either --prompt or --prompt-file/],
    ['missing value', ['--prompt'], /argument missing/],
    ['unreadable prompt file', ['--prompt-file', '/nonexistent/prompt.md'], /cannot read --prompt-file .*ENOENT/],
    ['bad cwd', ['--prompt', 'x', '--cwd', '/nonexistent/dir'], /--cwd \/nonexistent\/dir is not an existing directory/],
    ['bad approval policy', ['--prompt', 'x', '--approval-policy', 'on-failure'], /--approval-policy must be one of never, on-request, untrusted/],
    ['bad sandbox', ['--prompt', 'x', '--sandbox', 'workspaceWrite'], /--sandbox must be one of read-only, workspace-write, danger-full-access/],
    ['bad timeout', ['--prompt', 'x', '--timeout', '10m'], /--timeout must be a positive number of seconds/],
    ['bad config', ['--prompt', 'x', '-c', 'novalue'], /-c\/--config expects key=value/],
    ['positional', ['--prompt', 'x', 'extra'], /Unexpected argument 'extra'/],
    ['empty server command', ['--prompt', 'x', '--server-command', '  '], /--server-command is empty/],
  ];
  it.each(cases)('%s -> exit 2 with one actionable line and a usage hint', async (_name, argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(message);
    expect(lines[1]).toMatch(/^usage: tern run /);
  });

  it('--help prints usage to stdout and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: tern run');
    expect(r.stdout).toContain('--server-command');
  });
});
