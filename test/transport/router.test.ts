/**
 * The thread router (src/server/router.ts) with real JSON-RPC connections over in-memory streams:
 * who hears which notification, one server request answered once among several subscribers,
 * a client that leaves, and the idle unload.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonRpcConnection, RequestFailedError } from '../../src/jsonrpc/connection.js';
import { Outgoing } from '../../src/server/outgoing.js';
import { ThreadRouter, type ClientLink } from '../../src/server/router.js';
import { createLogger } from '../../src/util/log.js';

type Msg = Record<string, any>;
const log = createLogger(new PassThrough(), 'off', 'test');

/** One client: a server-side connection + link, and the client end that records and can answer. */
function client(label: string) {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const conn = new JsonRpcConnection(toServer, toClient);
  conn.start({});
  const outgoing = new Outgoing(conn);
  outgoing.markInitialized([]);
  const link: ClientLink = { label, notify: (m, p) => outgoing.notify(m, p), request: (m, p, o) => outgoing.request(m, p, o) };
  const seen: Msg[] = [];
  let buf = '';
  toClient.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) !== -1) {
      seen.push(JSON.parse(buf.slice(0, nl)) as Msg);
      buf = buf.slice(nl + 1);
    }
  });
  return {
    link,
    seen,
    answer: (id: unknown, result: unknown) => toServer.write(JSON.stringify({ id, result }) + '\n'),
    fail: (id: unknown, error: unknown) => toServer.write(JSON.stringify({ id, error }) + '\n'),
    disconnect: () => toServer.end(),
    methods: () => seen.filter((m) => m.method).map((m) => m.method as string),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

let router: ThreadRouter;
afterEach(() => router?.dispose());

function makeRouter(opts: { unloadAfterMs?: number; active?: Set<string>; unloaded?: string[] } = {}) {
  router = new ThreadRouter({
    unloadAfterMs: opts.unloadAfterMs ?? 60_000,
    requestTimeoutMs: 60_000,
    isTurnActive: (id) => opts.active?.has(id) ?? false,
    unload: (id) => opts.unloaded?.push(id),
    log,
  });
  return router;
}

describe('ThreadRouter', () => {
  it('sends thread events to subscribers and lifecycle notifications to everyone', async () => {
    const r = makeRouter();
    const a = client('a');
    const b = client('b');
    r.attach(a.link);
    r.attach(b.link);
    r.subscribe(a.link, 't1');
    r.notify('item/started', { threadId: 't1' }, 't1');
    r.notify('thread/status/changed', { threadId: 't1' }, 't1');
    r.notify('configWarning', {});
    await tick();
    expect(a.methods()).toEqual(['item/started', 'thread/status/changed', 'configWarning']);
    expect(b.methods()).toEqual(['thread/status/changed', 'configWarning']);
  });

  it('sends a request to every subscriber with one id; the first answer wins, once', async () => {
    const r = makeRouter();
    const a = client('a');
    const b = client('b');
    for (const c of [a, b]) {
      r.attach(c.link);
      r.subscribe(c.link, 't1');
    }
    let sentId: unknown;
    const answer = r.request('t1', 'item/commandExecution/requestApproval', { x: 1 }, { signal: new AbortController().signal, onSent: (id) => (sentId = id) });
    await tick();
    const [ra, rb] = [a.seen.find((m) => m.id !== undefined)!, b.seen.find((m) => m.id !== undefined)!];
    expect(ra.id).toBe(sentId);
    expect(rb.id).toBe(sentId);
    b.answer(rb.id, { decision: 'accept' });
    expect(await answer).toEqual({ decision: 'accept' });
    a.answer(ra.id, { decision: 'decline' }); // too late: ignored
    await tick();
    const second = r.request('t1', 'x', {}, { signal: new AbortController().signal, onSent: () => undefined });
    await tick();
    expect(a.seen.filter((m) => m.method === 'x').map((m) => m.id)).toEqual([(sentId as number) + 1]);
    a.answer((sentId as number) + 1, { ok: true });
    expect(await second).toEqual({ ok: true });
  });

  it('a subscriber leaving does not answer for the others; a newcomer gets the pending request after its resume reply, again on each resume', async () => {
    const r = makeRouter();
    const a = client('a');
    r.attach(a.link);
    r.subscribe(a.link, 't1');
    const answer = r.request('t1', 'approve', {}, { signal: new AbortController().signal, onSent: () => undefined });
    await tick();
    a.disconnect();
    r.detach(a.link);
    await tick();
    const b = client('b');
    r.attach(b.link);
    r.subscribe(b.link, 't1');
    await tick();
    expect(b.seen).toEqual([]); // not before its resume reply
    r.sendPending(b.link, 't1');
    await tick();
    expect(b.seen.filter((m) => m.method === 'approve')).toHaveLength(1);
    r.sendPending(b.link, 't1'); // a second resume gets it again, under the same id, as the reference sends it
    await tick();
    const asked = b.seen.filter((m) => m.method === 'approve');
    expect(asked.map((m) => m.id)).toEqual([asked[0]!.id, asked[0]!.id]);
    const req = asked[0]!;
    b.answer(req.id, { decision: 'accept' });
    expect(await answer).toEqual({ decision: 'accept' });
  });

  it('an error reply settles the request as that error; an abort cancels it', async () => {
    const r = makeRouter();
    const a = client('a');
    r.attach(a.link);
    r.subscribe(a.link, 't1');
    const ac = new AbortController();
    const aborted = r.request('t1', 'approve', {}, { signal: ac.signal, onSent: () => undefined });
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ reason: 'aborted' });
    const failed = r.request('t1', 'approve', {}, { signal: new AbortController().signal, onSent: () => undefined });
    await tick();
    const id = a.seen.filter((m) => m.method === 'approve').at(-1)!.id;
    a.fail(id, { code: -32000, message: 'no human here' });
    const err = await failed.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestFailedError);
    expect(err).toMatchObject({ reason: 'error-reply', error: { code: -32000 } });
  });

  it('unloads a thread nobody is subscribed to after the delay, not while a turn runs', async () => {
    const unloaded: string[] = [];
    const active = new Set(['busy']);
    const r = makeRouter({ unloadAfterMs: 20, unloaded, active });
    const a = client('a');
    r.attach(a.link);
    r.subscribe(a.link, 'idle');
    r.subscribe(a.link, 'busy');
    r.subscribe(a.link, 'kept');
    expect(r.unsubscribe(a.link, 'idle')).toBe('unsubscribed');
    expect(r.unsubscribe(a.link, 'idle')).toBe('notSubscribed');
    expect(r.unsubscribe(a.link, 'busy')).toBe('unsubscribed');
    await new Promise((res) => setTimeout(res, 60));
    expect(unloaded).toEqual(['idle']);
    active.delete('busy');
    r.notify('turn/completed', { threadId: 'busy' }, 'busy');
    await new Promise((res) => setTimeout(res, 60));
    expect(unloaded).toEqual(['idle', 'busy']);
    // Subscribing again in time keeps a thread.
    r.unsubscribe(a.link, 'kept');
    r.subscribe(a.link, 'kept');
    await new Promise((res) => setTimeout(res, 60));
    expect(unloaded).toEqual(['idle', 'busy']);
  });
});
