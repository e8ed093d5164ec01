/**
 * The sandbox end to end: the bundled `dist/tern.js app-server`, a scripted hostile model, and a
 * canary model key in the server's environment. Each probe runs once under the default
 * workspace-write sandbox (it must fail) and once under danger-full-access (it must succeed, which
 * shows the probe works). Also: fail closed, escalation under on-request, apply_patch on .git.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../src/demo/model-server/server.js';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { MOCK_ENV_KEY } from '../support/codex-peer.js';
import { createTempRepo } from '../support/git-repo.js';
import { spawnPeer, type JsonlPeer, type ServerMessage } from '../support/jsonl-peer.js';
import { ternServerCommand } from '../support/tern-server.js';
import { describeSandbox } from '../sandbox/prereqs.js';
import { alive, probes, writeProbeScripts } from '../sandbox/probes.js';

const CANARY = `sk-canary-${randomUUID()}`;
const TOKEN_CANARY = `ghs_canary${randomUUID().replace(/-/g, '')}`;

let workRoot: string;
let outside: string;
let listener: Server;
let port: number;
const open: { peer: JsonlPeer; model: ModelServer }[] = [];
const markers: string[] = [];

beforeAll(async () => {
  workRoot = await mkdtemp(path.join(os.tmpdir(), 'tern-e2e-sbx-'));
  outside = mkdtempSync(path.join('/var/tmp', 'tern-e2e-outside-'));
  chmodSync(outside, 0o777);
  listener = createServer((s) => s.end());
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  port = (listener.address() as { port: number }).port;
});
afterEach(async () => {
  for (const { peer, model } of open.splice(0)) {
    await peer.close();
    await model.close();
  }
  for (const m of markers.splice(0)) if (alive(m)) execFileSync('pkill', ['-f', m]);
});
afterAll(async () => {
  listener?.close();
  await rm(workRoot, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function shell(cmd: string, extra: Record<string, unknown> = {}): ScriptStep {
  return { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd, yield_time_ms: 1000, ...extra } }] };
}
const say = (text: string): ScriptStep => ({ output: [{ type: 'message', text }] });

async function start(script: ScriptStep[], opts: { extraArgs?: string[]; env?: NodeJS.ProcessEnv } = {}) {
  const model = await startModelServer({ script });
  const cmd = await ternServerCommand({ modelBaseUrl: model.url, workRoot, extraArgs: opts.extraArgs });
  const env = { ...cmd.env, [MOCK_ENV_KEY]: CANARY, GITHUB_TOKEN: TOKEN_CANARY, ...opts.env };
  const peer = spawnPeer(cmd.command, cmd.args, { env });
  open.push({ peer, model });
  await peer.request('initialize', { clientInfo: { name: 'tern_e2e', title: 'e2e', version: '0.0.1' }, capabilities: null });
  peer.notify('initialized');
  return { peer, model, ternHome: cmd.ternHome };
}

async function runTurn(peer: JsonlPeer, threadParams: Record<string, unknown>) {
  const { thread } = await peer.request('thread/start', threadParams);
  const from = peer.mark();
  const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'probe', text_elements: [] }] });
  const done = await peer.waitFor((m) => m.method === 'turn/completed' && m.params.turn.id === turn.id, 60_000, { from });
  const items = peer.transcript
    .slice(from)
    .map((e) => e.msg as ServerMessage)
    .filter((m) => m?.method === 'item/completed')
    .map((m) => m.params.item);
  return { thread, turn: done.params.turn, items };
}

const commandOutputs = (items: any[]) => items.filter((i) => i.type === 'commandExecution').map((i) => String(i.aggregatedOutput));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** One turn of attacks: outside write, git hook, loopback TCP, env, /proc/*\/environ (twice), server memory, a detached process. */
async function attack(sandbox: 'workspace-write' | 'danger-full-access') {
  const repo = createTempRepo({ 'hello.txt': 'hello\n' }, workRoot);
  writeProbeScripts(repo);
  const marker = `tern-e2e-bg-${sandbox}-${Date.now()}`;
  markers.push(marker);
  const steps = [
    shell(probes.write(path.join(outside, `x-${sandbox}`))),
    shell(probes.write('.git/hooks/pre-commit')),
    shell(probes.tcp('probe-tcp.cjs', port)),
    shell(probes.env(CANARY)),
    shell(probes.environ(CANARY)),
    shell('cat /proc/[0-9]*/environ 2>/dev/null | tr "\\0" "\\n" | grep -a -e MOCK_API_KEY -e GITHUB_TOKEN; echo DUMPED'),
    shell(probes.mem('probe-mem.cjs', '"$(cat server.pid)"', CANARY)),
    shell(probes.background(marker)),
    say('done'),
  ];
  const { peer, model, ternHome } = await start(steps);
  writeFileSync(path.join(repo, 'server.pid'), String(peer.pid));
  const { turn, items } = await runTurn(peer, { cwd: repo, approvalPolicy: 'never', sandbox });
  const exit = await peer.close();
  return { repo, marker, turn, outputs: commandOutputs(items), peer, model, ternHome, exit };
}

describeSandbox('tern app-server: tools cannot reach what the sandbox guards', () => {
  it('each attack fails under workspace-write and works under danger-full-access; the canary key leaks nowhere', async () => {
    const open = await attack('danger-full-access');
    expect(open.turn.status).toBe('completed');
    const [wOut, wHook, wTcp, wEnv, wEnviron, wDump, wMem, wBg] = open.outputs;
    expect(wOut).toContain('WROTE');
    expect(wHook).toContain('WROTE');
    expect(wTcp).toContain('CONNECTED');
    expect(wEnv).toContain('ENV-MATCHES 0'); // the allow-list holds even without a sandbox
    expect(wEnviron).toMatch(new RegExp(`FOUND /proc/${open.peer.pid}/environ`));
    expect(wDump).toContain(CANARY);
    expect(wMem).toMatch(/FOUND in /);
    expect(wBg).toContain('STARTED');
    expect(alive(open.marker)).toBe(true);

    const shut = await attack('workspace-write');
    expect(shut.turn.status).toBe('completed');
    const [sOut, sHook, sTcp, sEnv, sEnviron, sDump, sMem, sBg] = shut.outputs;
    expect(sOut).toMatch(/Read-only file system/);
    expect(existsSync(path.join(outside, 'x-workspace-write'))).toBe(false);
    expect(sHook).toMatch(/Read-only file system/);
    expect(existsSync(path.join(shut.repo, '.git', 'hooks', 'pre-commit'))).toBe(false);
    expect(sTcp).toMatch(/TCP-ERROR (ECONNREFUSED|ENETUNREACH)/);
    expect(sEnv).toContain('ENV-MATCHES 0');
    expect(sEnviron).not.toContain('FOUND');
    expect(sDump).not.toContain('MOCK_API_KEY');
    expect(sMem).toMatch(/MEM-ERROR ENOENT/);
    expect(sBg).toContain('STARTED');
    expect(alive(shut.marker)).toBe(false);

    // The canary (the model key) and the token appear nowhere: not in what the server sent, not in what
    // the model was sent, not in the thread log, not on stderr.
    const places = [
      JSON.stringify(shut.peer.transcript.filter((e) => e.dir === 's2c')),
      JSON.stringify(shut.model.requests.map((r) => r.body)),
      shut.peer.stderr,
      ...filesUnder(shut.ternHome).map((f) => readFileSync(f, 'utf8')),
    ];
    for (const text of places) {
      expect(text.includes(CANARY)).toBe(false);
      expect(text.includes(TOKEN_CANARY)).toBe(false);
    }
    // ...while the model really was authenticated with it.
    expect(shut.model.requests.filter((r) => r.method === 'POST').every((r) => r.headers.authorization === `Bearer ${CANARY}`)).toBe(true);
  });

  it('tells the model a failure looks like the sandbox, and under on-request an approved escalation runs outside it', async () => {
    const repo = createTempRepo({ 'hello.txt': 'hello\n' }, workRoot);
    const { peer, model } = await start([
      shell(probes.write('.git/hooks/pre-commit')),
      shell(probes.write('.git/hooks/pre-commit'), { sandbox_permissions: 'require_escalated', justification: 'install the hook' }),
      say('done'),
    ]);
    const asked: ServerMessage[] = [];
    peer.onServerRequest((req) => {
      asked.push(req);
      return { decision: 'accept' };
    });
    const { turn, items } = await runTurn(peer, { cwd: repo, approvalPolicy: 'on-request', sandbox: 'workspace-write' });
    expect(turn.status).toBe('completed');
    const [denied, escalated] = commandOutputs(items);
    expect(denied).toMatch(/Read-only file system/);
    expect(escalated).toContain('WROTE');
    expect(existsSync(path.join(repo, '.git', 'hooks', 'pre-commit'))).toBe(true);
    expect(asked.map((r) => r.method)).toEqual(['item/commandExecution/requestApproval']);
    expect(asked[0]!.params.reason).toBe('install the hook');
    const outputs = (model.requests.at(-1)!.body as { input: { type: string; output?: string }[] }).input
      .filter((i) => i.type === 'function_call_output')
      .map((i) => i.output!);
    expect(outputs[0]).toMatch(/Sandbox: This command ran in a workspace-write sandbox.*require_escalated/);
    expect(outputs[1]).not.toMatch(/Sandbox:/);
  });

  it('apply_patch cannot replace .git/config under workspace-write', async () => {
    const repo = createTempRepo({ 'hello.txt': 'hello\n' }, workRoot);
    const before = readFileSync(path.join(repo, '.git', 'config'), 'utf8');
    const input = ['*** Begin Patch', '*** Delete File: .git/config', '*** Add File: .git/hooks/pre-commit', '+#!/bin/sh', '*** End Patch', ''].join('\n');
    const { peer, model } = await start([{ output: [{ type: 'custom_tool_call', name: 'apply_patch', input }] }, say('done')]);
    const { items } = await runTurn(peer, { cwd: repo, approvalPolicy: 'never', sandbox: 'workspace-write' });
    const change = items.find((i: any) => i.type === 'fileChange');
    expect(change.status).toBe('failed');
    expect(readFileSync(path.join(repo, '.git', 'config'), 'utf8')).toBe(before);
    expect(existsSync(path.join(repo, '.git', 'hooks', 'pre-commit'))).toBe(false);
    expect(JSON.stringify(model.requests.at(-1)!.body)).toMatch(/the sandbox does not allow this change: .*\.git directory/);
  });

  it('[sandbox_workspace_write] network_access opens the network; turn/start sandboxPolicy readOnly closes the workspace', async () => {
    const repo = createTempRepo({ 'hello.txt': 'hello\n' }, workRoot);
    writeProbeScripts(repo);
    const { peer } = await start([shell(probes.tcp('probe-tcp.cjs', port)), say('one'), shell(probes.write('ro.txt')), say('two')], {
      extraArgs: ['-c', 'sandbox_workspace_write.network_access=true'],
    });
    const { thread } = await peer.request('thread/start', { cwd: repo, approvalPolicy: 'never', sandbox: 'workspace-write' });
    expect(thread.id).toBeTruthy();
    const started = peer.transcript.map((e) => e.msg as ServerMessage).find((m) => m?.result?.thread?.id === thread.id)!;
    expect(started.result.sandbox).toMatchObject({ type: 'workspaceWrite', networkAccess: true });
    const outputsOf = async (params: Record<string, unknown>) => {
      const from = peer.mark();
      const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go', text_elements: [] }], ...params });
      await peer.waitFor((m) => m.method === 'turn/completed' && m.params.turn.id === turn.id, 60_000, { from });
      return commandOutputs(peer.transcript.slice(from).map((e) => e.msg as ServerMessage).filter((m) => m?.method === 'item/completed').map((m) => m.params.item));
    };
    expect((await outputsOf({}))[0]).toContain('CONNECTED');
    const [write] = await outputsOf({ sandboxPolicy: { type: 'readOnly' } });
    expect(write).toMatch(/Read-only file system/);
    expect(existsSync(path.join(repo, 'ro.txt'))).toBe(false);
  });

  it('fails closed: without bwrap the command does not run and the turn fails with sandboxError saying how to fix it', async () => {
    const repo = createTempRepo({ 'hello.txt': 'hello\n' }, workRoot);
    const sentinel = path.join(outside, `ran-unsandboxed-${Date.now()}`);
    const { peer } = await start([shell(`touch ${sentinel}`), say('done')], { env: { PATH: '/nonexistent-bin' } });
    const { turn, items } = await runTurn(peer, { cwd: repo, approvalPolicy: 'never', sandbox: 'workspace-write' });
    expect(turn.status).toBe('failed');
    expect(turn.error.codexErrorInfo).toBe('sandboxError');
    expect(turn.error.message).toMatch(/bubblewrap .*not installed.*apt-get install bubblewrap/);
    const cmd = items.find((i: any) => i.type === 'commandExecution');
    expect(cmd.status).toBe('failed');
    expect(cmd.aggregatedOutput).toMatch(/sandbox unavailable/);
    expect(existsSync(sentinel)).toBe(false);
  });
});
