// `tern demo`: the whole product on a built-in example, with no API key.
// Copies the bundled demo repo into a temp dir (a real git repo), starts the
// scripted model server on 127.0.0.1, and runs `tern run` against it with the
// real `tern app-server` as a child process. Prints the diff and the artifacts.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCommand } from '../driver/index.js';
import { startModelServer } from './model-server/server.js';
import { DEMO_FILES, DEMO_PROMPT, DEMO_SCRIPT } from './demo-repo.js';

export interface DemoIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

const USAGE = 'usage: tern demo [--dir DIR] [--server-command "<cmd>"]';

export async function runDemo(argv: string[], io: DemoIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { dir: { type: 'string' }, 'server-command': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    io.stderr.write(`tern demo: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${USAGE}\nRuns one agent turn on a bundled demo repo against a scripted local model (no API key needed).\n`);
    return 0;
  }

  const root = values.dir ? path.resolve(values.dir) : mkdtempSync(path.join(os.tmpdir(), 'tern-demo-'));
  const repo = path.join(root, 'repo');
  const out = path.join(root, 'artifacts');
  const home = path.join(root, 'tern-home');
  mkdirSync(home, { recursive: true });
  createDemoRepo(repo);

  const model = await startModelServer({ script: DEMO_SCRIPT });
  try {
    io.stderr.write(`tern demo: repo ${repo}\ntern demo: scripted model at ${model.url}\n`);
    const args = [
      '--cwd', repo,
      '--prompt', DEMO_PROMPT,
      '--out', out,
      '-c', 'model_provider="demo"',
      '-c', 'model="gpt-5.5"',
      '-c', 'model_providers.demo.name="tern demo (scripted)"',
      '-c', `model_providers.demo.base_url="${model.url}"`,
      '-c', 'model_providers.demo.env_key="TERN_DEMO_API_KEY"',
      '-c', 'model_providers.demo.wire_api="responses"',
      '-c', 'model_providers.demo.request_max_retries=0',
      '-c', 'model_providers.demo.stream_max_retries=0',
    ];
    if (values['server-command']) args.push('--server-command', values['server-command']);
    const env = { ...io.env, TERN_HOME: home, TERN_DEMO_API_KEY: 'demo-key-not-secret' };
    const code = await runCommand(args, { stdout: io.stdout, stderr: io.stderr, env });

    const diff = readFileSync(path.join(out, 'diff.patch'), 'utf8');
    io.stdout.write(`\n--- diff left by the turn (${path.join(out, 'diff.patch')}) ---\n${diff || '(no changes)\n'}`);
    io.stdout.write(
      `\nArtifacts in ${out}:\n  events.jsonl  every protocol message, both ways\n  diff.patch    the worktree diff\n  result.json   status, ids, final message, usage\n`,
    );
    return code;
  } finally {
    await model.close();
  }
}

function createDemoRepo(dir: string): void {
  for (const [rel, content] of Object.entries(DEMO_FILES)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      stdio: 'ignore',
      env: { ...process.env, GIT_AUTHOR_NAME: 'tern demo', GIT_AUTHOR_EMAIL: 'demo@tern.invalid', GIT_COMMITTER_NAME: 'tern demo', GIT_COMMITTER_EMAIL: 'demo@tern.invalid' },
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'demo: initial commit');
}
