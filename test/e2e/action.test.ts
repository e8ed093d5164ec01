/**
 * The GitHub Action end to end: `node dist/action.js` as the runner starts it, the scripted
 * model, real git pushing to a bare repository, and the GitHub REST stand-in that checks
 * every request against GitHub's OpenAPI description.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { createActionWorld, readAllFiles, type ActionWorld } from '../support/action-world.js';
import { git } from '../support/git-repo.js';

const FILES = { 'README.md': '# widgets\n', 'src/value.txt': 'one\n' };

function patchStep(file: string, from: string, to: string): ScriptStep {
  const input = ['*** Begin Patch', `*** Update File: ${file}`, '@@', `-${from}`, `+${to}`, '*** End Patch', ''].join('\n');
  return { output: [{ type: 'custom_tool_call', name: 'apply_patch', input }] };
}
function addFileStep(file: string, line: string): ScriptStep {
  const input = ['*** Begin Patch', `*** Add File: ${file}`, `+${line}`, '*** End Patch', ''].join('\n');
  return { output: [{ type: 'custom_tool_call', name: 'apply_patch', input }] };
}
function shellStep(cmd: string): ScriptStep {
  return { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd, yield_time_ms: 10_000 } }] };
}
function say(text: string): ScriptStep {
  return { output: [{ type: 'message', text }], usage: { input_tokens: 100, output_tokens: 20 } };
}

/** The branch the remote holds, or null. */
function remoteBranch(world: ActionWorld, branch: string): string | null {
  try {
    return git(world.remote, 'rev-parse', `refs/heads/${branch}`).trim();
  } catch {
    return null;
  }
}
function remoteBranches(world: ActionWorld): string[] {
  return git(world.remote, 'for-each-ref', '--format=%(refname:short)', 'refs/heads').trim().split('\n').filter(Boolean);
}
/** Every request body the model received, as one string. */
function modelSaw(world: ActionWorld): string {
  return world.model.requests.map((r) => JSON.stringify(r.body)).join('\n');
}

/** The outputs of the tool calls, as the model received them in its last request. */
function toolOutputs(world: ActionWorld): string[] {
  const last = world.model.requests.at(-1)?.body as { input?: Array<{ type: string; output?: string }> } | undefined;
  return (last?.input ?? []).filter((i) => i.type === 'function_call_output').map((i) => String(i.output));
}

let world: ActionWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('the Action, mode run', () => {
  // Two whole Action runs: more than the default test timeout on a loaded machine.
  it('opens a PR from the diff, then a rerun of the same trigger updates the same branch and PR', { timeout: 150_000 }, async () => {
    world = await createActionWorld(FILES, [
      patchStep('src/value.txt', 'one', 'two'),
      say('Changed the value to two.'),
      patchStep('src/value.txt', 'one', 'three'),
      say('Changed the value to three.'),
    ]);
    const base = git(world.checkout, 'rev-parse', 'HEAD').trim();
    const first = await world.run({ inputs: { prompt: 'Change the value', labels: 'bot, automated', reviewers: '@octocat' }, event: 'schedule' });
    expect(first.stderr + first.stdout).not.toContain('::error::');
    expect(first.exitCode).toBe(0);
    expect(first.outputs).toMatchObject({ conclusion: 'success', 'pr-number': '1', 'final-message': 'Changed the value to two.' });
    expect(JSON.parse(first.outputs['files-changed']!)).toEqual(['src/value.txt']);
    expect(first.outputs['thread-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(first.outputs.tokens)).toBeGreaterThan(0);
    const branch = first.outputs.branch!;
    expect(branch).toBe('tern/nightly-fix-schedule-main');

    const sha1 = remoteBranch(world, branch)!;
    expect(git(world.remote, 'rev-parse', `${sha1}^`).trim()).toBe(base);
    expect(git(world.remote, 'show', `${sha1}:src/value.txt`)).toBe('two\n');
    const message = git(world.remote, 'log', '-1', '--format=%an <%ae>%n%B', sha1);
    expect(message).toContain('tern[bot] <tern-bot@users.noreply.github.com>');
    expect(message).toContain(`Tern-Thread: ${first.outputs['thread-id']}`);

    const pr = world.github.state.pulls[0]!;
    expect(pr).toMatchObject({ number: 1, head: branch, base: 'main', state: 'open', title: 'Change the value', labels: ['bot', 'automated'], requested_reviewers: ['octocat'] });
    expect(pr.body).toContain('Changed the value to two.');
    expect(pr.body).toContain('src/value.txt');
    expect(first.summary).toContain('## tern succeeded');
    expect(first.summary).toContain(pr.html_url);

    // The rerun: the checkout is fresh again (as actions/checkout leaves it).
    git(world.checkout, 'checkout', '-q', '--', '.');
    const second = await world.run({ inputs: { prompt: 'Change the value' }, event: 'schedule' });
    expect(second.exitCode).toBe(0);
    expect(second.outputs).toMatchObject({ conclusion: 'success', 'pr-number': '1', branch });
    const sha2 = remoteBranch(world, branch)!;
    expect(sha2).not.toBe(sha1);
    expect(git(world.remote, 'rev-parse', `${sha2}^`).trim()).toBe(base);
    expect(git(world.remote, 'show', `${sha2}:src/value.txt`)).toBe('three\n');
    expect(world.github.state.pulls).toHaveLength(1);
    expect(world.github.state.pulls[0]!.body).toContain('Changed the value to three.');

    expect(world.github.violations).toEqual([]);
    expect(world.github.requests.length).toBeGreaterThan(0);
    expect(world.github.requests.every((r) => r.token === world!.canaries.githubToken)).toBe(true);
  });

  it('a turn that changes nothing concludes no_changes: green, no branch, no PR', async () => {
    world = await createActionWorld(FILES, [say('Everything is already fine.')]);
    const run = await world.run({ inputs: { prompt: 'Check the value' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ conclusion: 'no_changes', 'pr-number': '', branch: '', 'files-changed': '[]' });
    expect(run.summary).toContain('finished with no changes');
    expect(remoteBranches(world)).toEqual(['main']);
    expect(world.github.state.pulls).toEqual([]);
    expect(world.github.violations).toEqual([]);
  });

  it('a failed turn fails the step with the reason in the outputs, and opens nothing', async () => {
    world = await createActionWorld(FILES, [{ failed: { message: 'the model is overloaded', code: 'server_is_overloaded' } }]);
    const run = await world.run({ inputs: { prompt: 'Change the value' } });
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.conclusion).toBe('failed');
    expect(run.outputs.reason).toContain('the turn did not complete');
    expect(run.stdout).toMatch(/::error::tern: failed: the turn did not complete/);
    expect(remoteBranches(world)).toEqual(['main']);
    expect(world.github.requests).toEqual([]);
  });

  it('refuses to publish a change to a workflow file', async () => {
    world = await createActionWorld(FILES, [addFileStep('.github/workflows/evil.yml', 'on: push'), say('Added a workflow.')]);
    const run = await world.run({ inputs: { prompt: 'Add CI' } });
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.conclusion).toBe('failed');
    expect(run.outputs.reason).toContain('.github/workflows/evil.yml');
    expect(run.outputs.reason).toContain('allow-workflow-changes');
    expect(run.summary).toContain('allow-workflow-changes');
    expect(remoteBranches(world)).toEqual(['main']);
    expect(world.github.state.pulls).toEqual([]);
  });

  it('on push to a feature branch: the PR targets that branch, and the branch name comes from the trigger', async () => {
    world = await createActionWorld(FILES, [patchStep('src/value.txt', 'one', 'two'), say('Done.')]);
    git(world.checkout, 'checkout', '-q', '-b', 'feature/x');
    git(world.checkout, 'push', '-q', 'origin', 'feature/x');
    const run = await world.run({ inputs: { prompt: 'Change the value', title: 'Set the value to two' }, event: 'push', ref: 'refs/heads/feature/x', workflow: 'on push' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.branch).toBe('tern/on-push-push-feature-x');
    expect(world.github.state.pulls[0]).toMatchObject({ head: 'tern/on-push-push-feature-x', base: 'feature/x', title: 'Set the value to two' });
    expect(world.github.violations).toEqual([]);
  });

  it('a push that fails fails the step with one line, and opens no PR', async () => {
    world = await createActionWorld(FILES, [patchStep('src/value.txt', 'one', 'two'), say('Done.')]);
    git(world.checkout, 'remote', 'set-url', 'origin', path.join(world.root, 'no-such-remote.git'));
    const run = await world.run({ inputs: { prompt: 'Change the value' } });
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.conclusion).toBe('failed');
    expect(run.outputs.reason).toMatch(/push/i);
    expect(run.outputs.reason).not.toContain('\n');
    expect(world.github.state.pulls).toEqual([]);
  });

  it('refuses an input it cannot honour before anything runs: tern never approves', async () => {
    world = await createActionWorld(FILES, []);
    const run = await world.run({ inputs: { mode: 'review', 'review-event': 'APPROVE' } });
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).toContain('::error::tern: input review-event: tern never approves a pull request');
    expect(run.outputs).toMatchObject({ conclusion: 'failed' });
    expect(run.summary).toContain('## tern failed');
    expect(world.model.requests).toEqual([]);
    expect(world.github.requests).toEqual([]);
  });

  it('refuses to start when actions/checkout persisted the token in the git config', async () => {
    world = await createActionWorld(FILES, []);
    git(world.checkout, 'config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${world.canaries.githubToken}`).toString('base64')}`);
    const run = await world.run({ inputs: { prompt: 'Change the value' } });
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).toContain('persist-credentials: false');
    expect(world.model.requests).toEqual([]);
  });
});

describe('the Action keeps secrets out of the agent phase', () => {
  // Dumps the environment and every readable /proc/*/environ, then a filtered view
  // (so the interesting lines survive the output cap on what the model sees).
  const DUMP =
    'env; for f in /proc/[0-9]*/environ; do echo "== $f"; tr "\\0" "\\n" < "$f"; done 2>/dev/null; ' +
    'echo "== filtered"; for f in /proc/[0-9]*/environ; do tr "\\0" "\\n" < "$f"; done 2>/dev/null | grep -E "^(INPUT_|ACTIONS_|GITHUB_TOKEN|GITHUB_OUTPUT|PATH=)" | sort -u; ls /proc | grep -c "^[0-9]"';

  // The default: tools in the OS sandbox, the agent phase in a PID namespace. And the weakest
  // setting, where tools see every process of the job: only the Action's own scrubbing is left.
  const settings = [
    { isolation: 'pid-namespace', sandbox: 'workspace-write' },
    { isolation: 'none', sandbox: 'danger-full-access' },
  ] as const;
  for (const { isolation, sandbox } of settings) {
    it(`no canary credential reaches the model, the artifacts or the log (agent-isolation: ${isolation}, sandbox: ${sandbox})`, async () => {
      world = await createActionWorld(FILES, [shellStep(DUMP), say('Dumped.')]);
      const run = await world.run({ inputs: { prompt: 'Show me the environment', 'agent-isolation': isolation, sandbox } });
      expect(run.exitCode).toBe(0);
      expect(run.outputs.conclusion).toBe('no_changes');

      const saw = modelSaw(world);
      // The probe worked: the model saw environment dumps of live processes.
      expect(saw).toContain('== filtered');
      expect(saw).toContain('PATH=');
      if (isolation === 'pid-namespace') {
        // The Action's process is not visible at all from inside the namespace.
        expect(saw).not.toMatch(/INPUT_[A-Z_-]+=/);
      } else {
        // Visible, but its environment block was scrubbed before anything started.
        expect(saw).toMatch(/INPUT_GITHUB-TOKEN=\*{8,}/);
      }
      const { githubToken, runtimeToken, idToken, modelKey } = world.canaries;
      // `::add-mask::VALUE` lines are how the Action masks its secrets; the runner consumes them.
      const log = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
      expect(run.stdout).toContain(`::add-mask::${githubToken}`);
      const places = [
        { where: 'model requests', text: saw },
        { where: 'action stdout', text: log },
        { where: 'action stderr', text: run.stderr },
        { where: 'outputs', text: JSON.stringify(run.outputs) },
        { where: 'summary', text: run.summary },
        ...readAllFiles(run.runnerTemp).map((f) => ({ where: f.file, text: f.text })),
      ];
      for (const canary of [githubToken, runtimeToken, idToken]) {
        for (const place of places) expect(place.text.includes(canary), `${canary} in ${place.where}`).toBe(false);
      }
      // The model key lives in the agent phase (the app server needs it). Tools do not get it in
      // their environment, and nothing the Action logs, outputs or uploads shows it.
      const toolEnv = toolOutputs(world)[0]!.split('== /proc/')[0]!;
      expect(toolEnv).toContain('PATH=');
      expect(toolEnv).not.toContain(modelKey);
      const artifactsDir = run.outputs['artifacts-dir']!;
      expect(readAllFiles(artifactsDir).length).toBeGreaterThanOrEqual(3);
      const published = [...places.slice(1, 5), ...readAllFiles(artifactsDir).map((f) => ({ where: f.file, text: f.text }))];
      for (const place of published) expect(place.text.includes(modelKey), `model key in ${place.where}`).toBe(false);
      // In the sandbox a tool cannot read the app server's environ either (other uid, own PID
      // namespace), so the key is also absent from what the model saw and from the thread store.
      if (sandbox === 'workspace-write') {
        for (const place of places) expect(place.text.includes(modelKey), `model key in ${place.where}`).toBe(false);
      }
    });
  }

  it('a background process the model started does not outlive the agent phase', async () => {
    const marker = `tern-bg-${process.pid}-${Date.now()}`;
    world = await createActionWorld(FILES, [shellStep(`(setsid sleep 300 ${marker} >/dev/null 2>&1 &) ; echo started`), say('Started a watcher.')]);
    const run = await world.run({ inputs: { prompt: 'Start something' } });
    expect(run.outputs.conclusion).toBe('no_changes');
    const left = await execa('pgrep', ['-f', marker], { reject: false });
    expect(left.stdout.trim()).toBe('');
  });

  it('model text cannot issue workflow commands', async () => {
    world = await createActionWorld(FILES, [
      shellStep('echo "::set-output name=conclusion::success"; echo "::add-mask::x"; echo "::error::from a tool"'),
      say('::error title=pwned::from the model\n::set-output name=pr-url::https://evil.example\n::add-mask::tern'),
    ]);
    const run = await world.run({ inputs: { prompt: 'Say things' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['pr-url']).toBe('');
    // Every line that looks like a command sits inside a stop-commands block.
    let stopToken: string | null = null;
    for (const line of run.stdout.split('\n')) {
      const start = /^::stop-commands::(.+)$/.exec(line);
      if (start) stopToken = start[1]!;
      else if (stopToken && line === `::${stopToken}::`) stopToken = null;
      else if (/(pwned|from a tool|evil\.example|add-mask::(x|tern)$)/.test(line)) expect(stopToken, line).not.toBeNull();
    }
  });
});

describe('the Action refuses to publish after the turn planted git configuration', () => {
  it('a planted filter and hook never run, and nothing is published', async () => {
    const sentinel = path.join(os.tmpdir(), `tern-pwned-${process.pid}-${Date.now()}`);
    const plant = [
      `printf '[filter "x"]\\n\\tclean = touch ${sentinel}-filter\\n\\tsmudge = touch ${sentinel}-filter\\n' >> .git/config`,
      `echo '* filter=x' > .git/info/attributes`,
      `printf '#!/bin/sh\\ntouch ${sentinel}-hook\\n' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit`,
      'cp .git/hooks/pre-commit .git/hooks/pre-push',
      'echo changed > src/value.txt',
    ].join(' && ');
    world = await createActionWorld(FILES, [shellStep(plant), say('Done.')]);
    // Without the OS sandbox: under it, .git is read-only and the plant would fail (test/e2e/sandbox.test.ts).
    const run = await world.run({ inputs: { prompt: 'Change the value', sandbox: 'danger-full-access' } });
    // The plant took effect in the checkout...
    expect(readFileSync(path.join(world.checkout, '.git', 'config'), 'utf8')).toContain('[filter "x"]');
    // ...yet nothing of it ran, and nothing was published.
    expect(existsSync(`${sentinel}-filter`)).toBe(false);
    expect(existsSync(`${sentinel}-hook`)).toBe(false);
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.conclusion).toBe('failed');
    expect(run.outputs.reason).toMatch(/git reads commands or settings from/);
    expect(run.outputs.reason).toContain('.git/config');
    expect(remoteBranches(world)).toEqual(['main']);
    expect(world.github.state.pulls).toEqual([]);
  });
});

describe('the Action, mode fix-tests', () => {
  const FAILING = {
    'package.json': '{ "name": "calc", "type": "module", "private": true }\n',
    'src/calc.js': 'export function add(a, b) {\n  return a - b;\n}\n',
    'test/calc.test.js': "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/calc.js';\ntest('add', () => assert.equal(add(2, 3), 5));\n",
  };
  const FIX = patchStep('src/calc.js', '  return a - b;', '  return a + b;');

  it('green tests: no_changes, no turn, no PR', async () => {
    world = await createActionWorld({ ...FAILING, 'src/calc.js': 'export function add(a, b) {\n  return a + b;\n}\n' }, []);
    const run = await world.run({ inputs: { mode: 'fix-tests', 'test-command': 'node --test' }, event: 'schedule' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.conclusion).toBe('no_changes');
    expect(run.summary).toContain('the tests pass');
    expect(world.model.requests).toEqual([]);
    expect(world.github.requests).toEqual([]);
  });

  it('red tests: one turn with the failure in its prompt, tests again, and a PR whose branch passes', async () => {
    world = await createActionWorld(FAILING, [shellStep('node --test'), FIX, say('add() subtracted; it adds now.')]);
    const run = await world.run({ inputs: { mode: 'fix-tests', 'test-command': 'node --test' }, event: 'schedule' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.conclusion).toBe('success');
    const firstRequest = JSON.stringify(world.model.requests[0]!.body);
    expect(firstRequest).toContain('node --test');
    expect(firstRequest).toContain('add'); // the failing output travelled into the prompt
    expect(firstRequest).toMatch(/fail/i);
    expect(world.github.state.pulls).toHaveLength(1);
    expect(world.github.state.pulls[0]!.title).toBe('Fix failing tests (node --test)');
    expect(run.summary).toMatch(/before the turn fail .*after it pass/);

    // The pushed branch, checked out fresh, passes the tests.
    const clone = path.join(world.root, 'verify');
    git(world.root, 'clone', '-q', '--branch', run.outputs.branch!, world.remote, clone);
    const tests = await execa(process.execPath, ['--test'], { cwd: clone, reject: false });
    expect(tests.exitCode).toBe(0);
    expect(world.github.violations).toEqual([]);
  });

  it('tests still red after the turn: failed, and no PR unless draft is set', async () => {
    world = await createActionWorld(FAILING, [addFileStep('NOTES.md', 'looked at it'), say('I could not fix it.')]);
    const run = await world.run({ inputs: { mode: 'fix-tests', 'test-command': 'node --test' } });
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.conclusion).toBe('failed');
    expect(run.outputs.reason).toContain('still fail');
    expect(world.github.state.pulls).toEqual([]);
  });

  it('tests still red with draft: true opens a draft PR that shows the failure', async () => {
    world = await createActionWorld(FAILING, [addFileStep('NOTES.md', 'looked at it'), say('I could not fix it.')]);
    const run = await world.run({ inputs: { mode: 'fix-tests', 'test-command': 'node --test', draft: 'true' } });
    expect(run.outputs.conclusion).toBe('failed');
    const pr = world.github.state.pulls[0]!;
    expect(pr.draft).toBe(true);
    expect(pr.body).toContain('Remaining failure');
    expect(run.outputs['pr-url']).toBe(pr.html_url);
  });
});
