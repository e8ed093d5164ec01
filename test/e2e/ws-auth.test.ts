/**
 * `tern app-server --listen` beyond stdio (dist/tern.js): WebSocket auth on the upgrade (401 with
 * a reason, as the reference answers), the refusal to bind beyond loopback without auth, the unix
 * socket transport (same WebSocket protocol, 0600 socket), `--stdio`/`stdio://` and `off`.
 */
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConformanceChecker, type ConformanceChecker } from '../support/protocol-schema.js';
import { TERN_BIN, ternTestEnv } from '../support/tern-server.js';
import { startListeningServer, WsClient, wsAddress, type ListeningServer } from '../transport/ws-support.js';

const TOKEN = 'capability-token-for-tests';
const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';

let workRoot: string;
let checker: ConformanceChecker;
const cleanups: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  workRoot = await mkdtemp(path.join(os.tmpdir(), 'tern-wsauth-'));
  checker = await createConformanceChecker();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await rm(workRoot, { recursive: true, force: true });
});

async function serve(args: string[]): Promise<ListeningServer> {
  const home = await mkdtemp(path.join(workRoot, 'home-'));
  const server = await startListeningServer(args, ternTestEnv(home));
  cleanups.push(() => server.stop());
  return server;
}

/** The HTTP answer to a WebSocket upgrade request (status and body), without completing it. */
function upgrade(url: string, authorization?: string): Promise<{ status: number; body: string }> {
  const u = new URL(url.replace('ws://', 'http://'));
  return new Promise((resolve, reject) => {
    const req = request({
      host: u.hostname,
      port: u.port,
      path: '/',
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...(authorization ? { authorization } : {}),
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, body: '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function jwt(claims: Record<string, unknown>, secret = SECRET, alg = 'HS256'): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${enc({ alg, typ: 'JWT' })}.${enc(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

const now = () => Math.floor(Date.now() / 1000);

describe('--ws-auth capability-token', () => {
  it('refuses a missing or wrong token with 401 before the upgrade, and serves the right one', async () => {
    const tokenFile = path.join(workRoot, 'token');
    writeFileSync(tokenFile, `  ${TOKEN}\n`);
    const server = await serve(['--listen', 'ws://127.0.0.1:0', '--ws-auth', 'capability-token', '--ws-token-file', tokenFile]);
    expect(await upgrade(server.url)).toEqual({ status: 401, body: 'missing websocket bearer token' });
    expect(await upgrade(server.url, 'Bearer wrong')).toEqual({ status: 401, body: 'invalid websocket bearer token' });
    expect(await upgrade(server.url, `Basic ${TOKEN}`)).toEqual({ status: 401, body: 'invalid authorization header' });
    await expect(WsClient.connect(`${server.url}/?token=${TOKEN}`)).rejects.toThrow(/401/);
    // The scheme is case-insensitive; the file's surrounding whitespace is not part of the token.
    expect((await upgrade(server.url, `bearer ${TOKEN}`)).status).toBe(101);
    const c = await WsClient.connect(server.url, { authorization: `Bearer ${TOKEN}` });
    cleanups.push(() => c.close());
    await c.initialize();
    expect(c.violations(checker)).toEqual([]);
    expect(server.stderr()).not.toContain(TOKEN);
  });

  it('takes the token as a SHA-256 digest', async () => {
    const digest = (await import('node:crypto')).createHash('sha256').update(TOKEN).digest('hex');
    const server = await serve(['--listen', 'ws://127.0.0.1:0', '--ws-auth', 'capability-token', '--ws-token-sha256', digest]);
    expect((await upgrade(server.url, `Bearer ${TOKEN}`)).status).toBe(101);
    expect((await upgrade(server.url, `Bearer ${TOKEN}x`)).status).toBe(401);
  });
});

describe('--ws-auth signed-bearer-token', () => {
  it('checks the HS256 signature, exp and nbf with the clock skew, the issuer and the audience', async () => {
    const secretFile = path.join(workRoot, 'secret');
    writeFileSync(secretFile, `${SECRET}\n`);
    const server = await serve([
      '--listen', 'ws://127.0.0.1:0', '--ws-auth', 'signed-bearer-token', '--ws-shared-secret-file', secretFile,
      '--ws-issuer', 'ci', '--ws-audience', 'tern', '--ws-max-clock-skew-seconds', '5',
    ]);
    const good = { exp: now() + 60, iss: 'ci', aud: 'tern' };
    const status = async (token: string) => (await upgrade(server.url, `Bearer ${token}`)).status;
    expect(await status(jwt(good))).toBe(101);
    expect(await status(jwt({ ...good, aud: ['other', 'tern'] }))).toBe(101);
    expect(await status(jwt({ ...good, exp: now() - 2 }))).toBe(101); // within the skew
    expect(await upgrade(server.url, `Bearer ${jwt({ ...good, exp: now() - 60 })}`)).toEqual({ status: 401, body: 'expired websocket jwt' });
    expect(await upgrade(server.url, `Bearer ${jwt({ ...good, nbf: now() + 60 })}`)).toEqual({ status: 401, body: 'websocket jwt is not valid yet' });
    expect(await upgrade(server.url, `Bearer ${jwt({ ...good, iss: 'else' })}`)).toEqual({ status: 401, body: 'websocket jwt issuer mismatch' });
    expect(await upgrade(server.url, `Bearer ${jwt({ ...good, aud: 'else' })}`)).toEqual({ status: 401, body: 'websocket jwt audience mismatch' });
    expect(await upgrade(server.url, `Bearer ${jwt(good, 'another-secret-of-at-least-32-bytes!!!')}`)).toEqual({ status: 401, body: 'invalid websocket jwt' });
    expect(await upgrade(server.url, `Bearer ${jwt({ iss: 'ci', aud: 'tern' })}`)).toEqual({ status: 401, body: 'invalid websocket jwt' }); // no exp
    expect(await upgrade(server.url, `Bearer ${jwt(good, SECRET, 'none')}`)).toEqual({ status: 401, body: 'invalid websocket jwt' });
  });

  it('refuses to start with a secret shorter than 32 bytes', () => {
    const secretFile = path.join(workRoot, 'short');
    writeFileSync(secretFile, 'short\n');
    const r = spawnSync(process.execPath, [TERN_BIN, 'app-server', '--listen', 'ws://127.0.0.1:0', '--ws-auth', 'signed-bearer-token', '--ws-shared-secret-file', secretFile], {
      env: ternTestEnv(workRoot),
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('must be at least 32 bytes');
  });
});

describe('binding', () => {
  it('refuses a non-loopback address without auth, saying how to fix it', () => {
    const r = spawnSync(process.execPath, [TERN_BIN, 'app-server', '--listen', 'ws://0.0.0.0:0'], { env: ternTestEnv(workRoot), encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('refusing to start non-loopback websocket listener 0.0.0.0:0 without auth');
    expect(r.stderr).toContain('--ws-auth capability-token');
    expect(r.stderr).not.toContain('listening on');
  });

  it('accepts a non-loopback address with auth', async () => {
    const tokenFile = path.join(workRoot, 'token2');
    writeFileSync(tokenFile, TOKEN);
    const server = await serve(['--listen', 'ws://0.0.0.0:0', '--ws-auth', 'capability-token', '--ws-token-file', tokenFile]);
    const port = new URL(server.url).port;
    expect((await upgrade(`ws://127.0.0.1:${port}`)).status).toBe(401);
  });

  it('rejects a host name, an unknown scheme and auth flags without --ws-auth', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [TERN_BIN, 'app-server', ...args], { env: ternTestEnv(workRoot), encoding: 'utf8' });
    expect(run('--listen', 'ws://localhost:1').stderr).toContain('expected `ws://IP:PORT`');
    expect(run('--listen', 'http://127.0.0.1:1').stderr).toContain('unsupported --listen URL');
    expect(run('--listen', 'ws://127.0.0.1:0', '--ws-token-file', '/x').stderr).toContain('require `--ws-auth');
  });

  it('answers /readyz and /healthz with 200', async () => {
    const server = await serve(['--listen', 'ws://127.0.0.1:0']);
    for (const p of ['/readyz', '/healthz']) {
      const res = await fetch(server.url.replace('ws://', 'http://') + p);
      expect(res.status).toBe(200);
    }
  });

  it('drops a binary frame and a frame holding two messages, and still serves the connection', async () => {
    const server = await serve(['--listen', 'ws://127.0.0.1:0']);
    const c = await WsClient.connect(server.url);
    cleanups.push(() => c.close());
    c.ws.send(Buffer.from(JSON.stringify({ id: 'bin', method: 'initialize', params: {} })), { binary: true });
    c.ws.send(`${JSON.stringify({ id: 'x', method: 'initialize', params: {} })}\n${JSON.stringify({ id: 'y', method: 'initialize', params: {} })}`);
    // A pretty-printed message (raw newlines are JSON whitespace) is one message.
    c.ws.send(JSON.stringify({ id: 'pretty', method: 'initialize', params: { clientInfo: { name: 'p', title: null, version: '1' } } }, null, 2) + '\n');
    const reply = await c.waitFor((m) => m.id === 'pretty');
    expect(reply.result.userAgent).toMatch(/^p\//);
    expect(c.transcript.filter((e) => e.dir === 's2c' && ['bin', 'x', 'y'].includes(e.msg.id))).toEqual([]);
  });
});

describe('hostile frames', () => {
  it('a message over 16 MiB closes only its own connection (1009); the other client goes on', async () => {
    const server = await serve(['--listen', 'ws://127.0.0.1:0']);
    const big = await WsClient.connect(server.url);
    const other = await WsClient.connect(server.url);
    cleanups.push(() => other.close());
    const code = new Promise<number>((resolve) => big.ws.once('close', (c) => resolve(c)));
    big.ws.send('x'.repeat(16 * 1024 * 1024 + 1));
    expect(await code).toBe(1009);
    await other.initialize();
    expect(other.violations(checker)).toEqual([]);
  });
});

describe('--listen unix://', () => {
  it('serves the WebSocket protocol on a 0600 socket at the given path', async () => {
    const sock = path.join(await mkdtemp(path.join(workRoot, 'sock-')), 'tern.sock');
    const server = await serve(['--listen', `unix://${sock}`]);
    expect(server.url).toBe(`unix://${sock}`);
    expect(statSync(sock).mode & 0o777).toBe(0o600);
    const c = await WsClient.connect(server.url);
    cleanups.push(() => c.close());
    await c.initialize();
    const { thread } = await c.call('thread/start', { cwd: workRoot, ephemeral: true });
    expect((await c.call('thread/loaded/list', {})).data).toEqual([thread.id]);
    expect(c.violations(checker)).toEqual([]);
    await c.close();
    await server.stop();
    expect(existsSync(sock)).toBe(false);
  });

  it('bare unix:// listens on $TERN_HOME/app-server-control/app-server-control.sock', async () => {
    const home = await mkdtemp(path.join(workRoot, 'home-'));
    const server = await startListeningServer(['--listen', 'unix://'], ternTestEnv(home));
    cleanups.push(() => server.stop());
    const expected = path.join(home, 'app-server-control', 'app-server-control.sock');
    expect(server.url).toBe(`unix://${expected}`);
    expect(statSync(path.dirname(expected)).mode & 0o777).toBe(0o700);
    const c = await WsClient.connect(server.url);
    cleanups.push(() => c.close());
    await c.initialize();
    expect(wsAddress(server.url)).toBe(`ws+unix://${expected}`);
  });
});

describe('--stdio, stdio:// and off', () => {
  const init = JSON.stringify({ id: 1, method: 'initialize', params: { clientInfo: { name: 's', title: null, version: '1' } } }) + '\n';
  for (const args of [['--stdio'], ['--listen', 'stdio://'], []]) {
    it(`${args.join(' ') || '(default)'} serves one client over stdio`, () => {
      const r = spawnSync(process.execPath, [TERN_BIN, 'app-server', ...args], { env: ternTestEnv(workRoot), input: init, encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout.split('\n')[0]!).result.userAgent).toMatch(/^s\//);
    });
  }

  it('off listens nowhere and stops on SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [TERN_BIN, 'app-server', '--listen', 'off'], {
      env: ternTestEnv(workRoot, { TERN_LOG: 'info' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve) => {
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('--listen off')) resolve();
      });
    });
    child.stdin.end(init); // stdin is not a transport under `off`: no reply, no exit
    await new Promise((r) => setTimeout(r, 500));
    expect(child.exitCode).toBe(null);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(143);
    expect(out).toBe('');
  });
});
