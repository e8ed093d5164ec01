/** The SDK's fetch over node:http, against a real HTTP server on 127.0.0.1. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpFetch } from '../../src/model/http-fetch.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: Handler): Promise<string> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('httpFetch', () => {
  it('sends method, headers and body; returns status, headers and the body', async () => {
    let seen: { method?: string; auth?: string; type?: string; body?: string } = {};
    const url = await serve((req, res, body) => {
      seen = { method: req.method, auth: req.headers.authorization, type: req.headers['content-type'], body };
      res.writeHead(201, 'Made', [['x-request-id', 'req_1'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['content-type', 'application/json']]);
      res.end('{"ok":true}');
    });
    const res = await httpFetch(`${url}/v1/responses?x=1`, {
      method: 'POST',
      headers: new Headers({ authorization: 'Bearer k', 'content-type': 'application/json' }),
      body: '{"model":"m"}',
    });
    expect(seen).toEqual({ method: 'POST', auth: 'Bearer k', type: 'application/json', body: '{"model":"m"}' });
    expect(res.status).toBe(201);
    expect(res.statusText).toBe('Made');
    expect(res.headers.get('x-request-id')).toBe('req_1');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('streams the body: the first chunk is readable before the server sends the second', async () => {
    let sendSecond!: () => void;
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      sendSecond = () => res.end('data: two\n\n');
    });
    const res = await httpFetch(url, { method: 'POST', body: '{}' });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: one\n\n');
    sendSecond();
    const second = await reader.read();
    expect(new TextDecoder().decode(second.value)).toBe('data: two\n\n');
    expect((await reader.read()).done).toBe(true);
  });

  it('a status without a body has none', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const res = await httpFetch(url, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });

  it('an abort before the answer rejects with an AbortError; one mid-body errors the body and drops the connection', async () => {
    const url = await serve(() => undefined);
    const early = new AbortController();
    const pending = httpFetch(url, { method: 'POST', body: '{}', signal: early.signal });
    early.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(httpFetch(url, { signal: early.signal })).rejects.toMatchObject({ name: 'AbortError' });

    let closed!: Promise<void>;
    const streaming = await serve((_req, res) => {
      closed = new Promise((r) => res.on('close', () => r()));
      res.writeHead(200);
      res.write('partial');
    });
    const late = new AbortController();
    const res = await httpFetch(streaming, { method: 'POST', body: '{}', signal: late.signal });
    const reader = res.body!.getReader();
    await reader.read();
    late.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
    await closed;
  });

  it('no server: rejects with a TypeError whose cause is the socket error', async () => {
    const url = await serve(() => undefined);
    const port = new URL(url).port;
    const s = servers.pop()!;
    await new Promise((r) => s.close(r));
    const err = await httpFetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as TypeError).message).toBe('fetch failed');
    expect(((err as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('refuses what it does not do: another protocol, a non-string body', async () => {
    await expect(httpFetch('ftp://127.0.0.1/x')).rejects.toThrow(/unsupported protocol ftp:/);
    await expect(httpFetch('http://127.0.0.1:9/', { method: 'POST', body: new URLSearchParams('a=1') })).rejects.toThrow(/unsupported request body/);
  });
});

describe('httpFetch: connections', () => {
  it('a body cancelled once it has arrived keeps its connection for the next request; one still streaming is dropped', async () => {
    const sockets = new Set<unknown>();
    let keepOpen = false;
    const url = await serve((req, res) => {
      sockets.add(req.socket);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"type":"response.completed"}\n\n');
      if (!keepOpen) res.end();
    });
    for (let i = 0; i < 3; i++) {
      const res = await httpFetch(url, { method: 'POST', body: '{}' });
      const reader = res.body!.getReader();
      await reader.read();
      await reader.cancel();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(sockets.size).toBe(1);

    keepOpen = true;
    const res = await httpFetch(url, { method: 'POST', body: '{}' });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    const next = await httpFetch(url, { method: 'POST', body: '{}' });
    await next.body!.getReader().read();
    // The stalled one (on the pooled connection) could not go back to the pool: the next request needed a new one.
    expect(sockets.size).toBe(2);
  });
});
