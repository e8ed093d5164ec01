/**
 * The Codex terminal client on tern: the pinned `codex --remote ws://...` (0.169.0), in a tmux
 * pseudo-terminal, against `tern app-server --listen ws://127.0.0.1:0` (dist/tern.js) and the
 * scripted model. It starts, takes a prompt, and shows the command's output and the scripted
 * answer; under `untrusted` it shows tern's approval request and runs the command once approved. A recording WebSocket relay between the two lists every method the client called and
 * checks every server message against the 0.169.0 schema.
 *
 * The client also starts a side thread to title the session; its model request is routed to its
 * own scripted model by a small HTTP relay, so the main turn's script does not depend on which of
 * the two requests arrives first.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { startModelServer, type ModelServer } from '../../src/demo/model-server/server.js';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { IMPLEMENTED_METHODS } from '../../src/server/message-processor.js';
import { codexBinaryPath, MOCK_ENV_KEY, mockProviderFlags } from '../support/codex-peer.js';
import { createTempRepo } from '../support/git-repo.js';
import { createConformanceChecker, type TranscriptLine } from '../support/protocol-schema.js';
import { ternTestEnv } from '../support/tern-server.js';
import { startListeningServer, type ListeningServer } from '../transport/ws-support.js';

const ANSWER = 'Scripted answer from tern.';
const COMMAND_OUTPUT = 'tern-command-output';
const APPROVED_OUTPUT = 'approved-output';
/** What the client puts in the prompt of its session-title side thread. */
const TITLE_PROMPT_MARK = 'task title';
const SCREEN_WAIT_MS = 45_000;
const POLL_MS = 250;
const SESSION = `tern-tui-${process.pid}`;

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

let workRoot: string;
const closers: (() => Promise<unknown> | void)[] = [];
const sessions: string[] = [];
beforeAll(async () => {
  workRoot = await mkdtemp(path.join(os.tmpdir(), 'tern-tui-'));
});
afterAll(async () => {
  for (const s of sessions) spawnSync('tmux', ['kill-session', '-t', s]);
  for (const c of closers.reverse()) await c();
  await rm(workRoot, { recursive: true, force: true });
});

/** Forwards each model request to `title` when it is the session-title request, else to `main`. */
async function modelRelay(main: ModelServer, title: ModelServer): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const target = new URL(body.toString('utf8').includes(TITLE_PROMPT_MARK) ? title.url : main.url);
      const up = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server };
}

/** A WebSocket relay that records every message both ways. */
async function recordingRelay(target: string): Promise<{ url: string; transcript: TranscriptLine[]; close: () => Promise<void> }> {
  const transcript: TranscriptLine[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (client) => {
    const upstream = new WebSocket(target);
    const queued: string[] = [];
    upstream.on('open', () => queued.splice(0).forEach((m) => upstream.send(m)));
    client.on('message', (d) => {
      const text = String(d);
      transcript.push({ dir: 'c2s', msg: JSON.parse(text) });
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else queued.push(text);
    });
    upstream.on('message', (d) => {
      const text = String(d);
      transcript.push({ dir: 's2c', msg: JSON.parse(text) });
      client.send(text);
    });
    client.on('close', () => upstream.close());
    upstream.on('close', () => client.close());
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    transcript,
    close: () => new Promise((resolve) => wss.close(() => resolve())),
  };
}

function screen(session: string): string {
  return execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
}

async function waitForScreen(session: string, pred: (text: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + SCREEN_WAIT_MS;
  let last = '';
  while (Date.now() < deadline) {
    last = screen(session);
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`the terminal never showed ${what}; last screen:\n${last}`);
}

interface TuiRun {
  main: ModelServer;
  relay: Awaited<ReturnType<typeof recordingRelay>>;
  session: string;
  repo: string;
}

/**
 * The scripted models (main and title) behind the routing relay, tern app-server on
 * ws://127.0.0.1:0 behind the recording relay, and the client in a fresh tmux session, at its prompt.
 */
async function launchTui(name: string, mainScript: ScriptStep[], serverArgs: string[] = []): Promise<TuiRun> {
  const main = await startModelServer({ script: mainScript });
  // A JSON title makes the client name the thread (`thread/name/set`); plain text makes it give
  // up on the title, as it does with codex when the model answers prose. Name it once tern serves it.
  const titleText = IMPLEMENTED_METHODS.includes('thread/name/set' as never) ? '{"title":"Run the check"}' : 'Run the check';
  const title = await startModelServer({ script: [{ output: [{ type: 'message', text: titleText }] }], onExhausted: 'repeat-last' });
  closers.push(() => main.close(), () => title.close());
  const models = await modelRelay(main, title);
  closers.push(() => new Promise<void>((resolve) => models.server.close(() => resolve())));

  const home = await mkdtemp(path.join(workRoot, 'home-'));
  const server: ListeningServer = await startListeningServer(
    ['--listen', 'ws://127.0.0.1:0', ...mockProviderFlags(models.url, MOCK_ENV_KEY), ...serverArgs],
    ternTestEnv(home),
  );
  closers.push(() => server.stop());
  const relay = await recordingRelay(server.url);
  closers.push(() => relay.close());

  const repo = createTempRepo({ 'README.md': '# demo\n' }, workRoot);
  const clientHome = await mkdtemp(path.join(workRoot, 'client-home-'));
  const codexHome = await mkdtemp(path.join(workRoot, 'client-codex-home-'));
  // The client gets a clean environment: no key, no real home; it only talks to the relay.
  const clientEnv = ['env', '-i', `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`, 'TERM=xterm-256color', `HOME=${clientHome}`, `CODEX_HOME=${codexHome}`];
  const clientCmd = [
    codexBinaryPath(), '--remote', relay.url, '-c', 'features.plugins=false', '-c', 'analytics.enabled=false', '-c', 'check_for_update_on_startup=false',
    // Keys typed by tmux arrive as fast as a paste; without this the Enter may be taken as pasted text.
    '-c', 'disable_paste_burst=true',
  ];
  const session = `${SESSION}-${name}`;
  sessions.push(session);
  execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '40', '-c', repo, [...clientEnv, ...clientCmd].map(shellQuote).join(' ')]);
  await waitForScreen(session, (s) => s.includes('Ask Codex to do anything'), 'the prompt');
  return { main, relay, session, repo };
}

async function submitPrompt(session: string, text: string): Promise<void> {
  execFileSync('tmux', ['send-keys', '-t', session, '-l', text]);
  await waitForScreen(session, (s) => s.includes(text), 'the typed prompt');
  execFileSync('tmux', ['send-keys', '-t', session, 'Enter']);
}

/** Methods of the requests the client sent, in first-call order. */
function calledMethods(relay: TuiRun['relay']): string[] {
  const requests = relay.transcript.filter((l) => l.dir === 'c2s' && 'id' in (l.msg as object) && 'method' in (l.msg as object));
  return [...new Set(requests.map((l) => (l.msg as { method: string }).method))];
}

/** No error reply, and every server message valid against the 0.169.0 schema. */
async function expectCleanTranscript(relay: TuiRun['relay']): Promise<void> {
  expect(relay.transcript.filter((l) => l.dir === 's2c' && 'error' in (l.msg as object))).toEqual([]);
  const checker = await createConformanceChecker();
  expect(checker.checkAll(relay.transcript)).toEqual([]);
}

describe.skipIf(!hasTmux && process.env.CI !== 'true')('codex --remote (the Codex terminal client) on tern app-server', () => {
  it('starts, takes a prompt, and renders the command output and the scripted answer', async () => {
    const { main, relay, session } = await launchTui('answer', [
      { output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: `echo ${COMMAND_OUTPUT}` } }] },
      { output: [{ type: 'message', text: ANSWER }] },
    ]);
    await submitPrompt(session, 'Run the check please');
    const shown = await waitForScreen(session, (s) => s.includes(ANSWER), 'the scripted answer');
    expect(shown).toContain(`echo ${COMMAND_OUTPUT}`);
    expect(shown).toMatch(new RegExp(`└ ${COMMAND_OUTPUT}`));

    const called = calledMethods(relay);
    console.log(`methods the Codex terminal client called: ${called.join(', ')}`);
    expect(called).toEqual(expect.arrayContaining(['initialize', 'account/read', 'model/list', 'config/read', 'thread/start', 'turn/start']));
    await expectCleanTranscript(relay);
    // The main turn got the whole script; the title thread never reached it.
    expect(main.requests.filter((r) => r.served && 'index' in r.served)).toHaveLength(2);
  }, 120_000);

  it('shows an approval request from tern, and the command runs once the user approves it', async () => {
    const cmd = `python3 -c "print('${APPROVED_OUTPUT}')"`;
    const { relay, session } = await launchTui(
      'approval',
      [{ output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd } }] }, { output: [{ type: 'message', text: ANSWER }] }],
      ['-c', 'approval_policy="untrusted"'],
    );
    await submitPrompt(session, 'Print the greeting');
    await waitForScreen(session, (s) => s.includes('Would you like to run the following command?'), 'the approval question');
    expect(relay.transcript.some((l) => l.dir === 's2c' && (l.msg as { method?: string }).method === 'item/commandExecution/requestApproval')).toBe(true);
    execFileSync('tmux', ['send-keys', '-t', session, 'y']);
    const shown = await waitForScreen(session, (s) => s.includes(ANSWER), 'the scripted answer');
    expect(shown).toMatch(new RegExp(`└ ${APPROVED_OUTPUT}`));
    const reply = relay.transcript.find((l) => l.dir === 'c2s' && !('method' in (l.msg as object)) && 'result' in (l.msg as object));
    expect((reply?.msg as { result: { decision: unknown } }).result.decision).toBe('accept');
    console.log(`methods the Codex terminal client called: ${calledMethods(relay).join(', ')}`);
    await expectCleanTranscript(relay);
  }, 120_000);
});

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
