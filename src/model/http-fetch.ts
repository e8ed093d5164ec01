// The fetch the openai SDK sends model requests with: node:http / node:https
// underneath, Node's own Response and Headers on top. Node's global fetch is
// undici, whose HTTP client costs a long-lived server ~15 MiB resident plus a
// ~20 MiB burst while V8 compiles and optimises its WebAssembly HTTP parser;
// node:http parses with the runtime's native parser. (Response and Headers
// themselves are cheap: they do not start undici's client.) No library offers
// this without bringing a Response class of its own that the SDK would have to
// accept: node-fetch, the closest, does that and predates web streams.
//
// The SDK needs only what it uses: a method, headers, a string body, an abort
// signal; a response with status, headers and a streamed body. The modules are
// required, not imported: an ES import of node:http evaluates its lazy getters,
// which load undici anyway (see util/http-status.ts), and node:https (TLS) is
// loaded only for an https URL.

import type { IncomingMessage, RequestOptions } from 'node:http';
import { createRequire } from 'node:module';

type HttpModule = Pick<typeof import('node:http'), 'request'>;

const load = createRequire(import.meta.url);

function transportFor(protocol: string): HttpModule {
  if (protocol === 'http:') return load('node:http') as HttpModule;
  if (protocol === 'https:') return load('node:https') as HttpModule;
  throw new TypeError(`fetch failed: unsupported protocol ${protocol}`);
}

/** Statuses whose response has no body (Response refuses one for them). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** A fetch over node:http(s), as much of fetch as the SDK uses. */
export function httpFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortError(signal.reason));
  let transport: HttpModule;
  let body: string | Uint8Array | undefined;
  try {
    transport = transportFor(url.protocol);
    body = requestBody(init.body);
  } catch (err) {
    return Promise.reject(err);
  }
  const options: RequestOptions = { method: init.method ?? 'GET', headers: Object.fromEntries(new Headers(init.headers)) };
  return new Promise((resolve, reject) => {
    const req = transport.request(url, options, (res) => {
      // From here an abort errors the body, with the abort's reason, as fetch does.
      onAbort = () => res.destroy(abortError(signal?.reason));
      resolve(toResponse(res));
    });
    let onAbort: () => void = () => req.destroy(abortError(signal?.reason));
    const abort = () => onAbort();
    signal?.addEventListener('abort', abort, { once: true });
    req.on('close', () => signal?.removeEventListener('abort', abort));
    req.on('error', (err) => reject(signal?.aborted ? abortError(signal.reason) : new TypeError('fetch failed', { cause: err })));
    req.end(body);
  });
}

/** The SDK sends JSON as a string; anything else it might send (form data, streams) is not needed here. */
function requestBody(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  throw new TypeError(`fetch failed: unsupported request body (${Object.prototype.toString.call(body)})`);
}

function toResponse(res: IncomingMessage): Response {
  const status = res.statusCode ?? 0;
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  if (NULL_BODY_STATUSES.has(status)) {
    res.resume();
    return new Response(null, { status, statusText: res.statusMessage ?? '', headers });
  }
  return new Response(bodyStream(res), { status, statusText: res.statusMessage ?? '', headers });
}

/** How long a cancelled body may take to finish arriving before its connection is dropped instead of kept. */
const DRAIN_MS = 1_000;

/**
 * The message as a web stream. A reader that stops early (the SSE reader after
 * `response.completed`) cancels it: the rest is drained, so the connection goes
 * back to the agent's pool for the next request (a TLS handshake saved each
 * time), unless it does not end within DRAIN_MS. `Readable.toWeb` would destroy it.
 */
function bodyStream(res: IncomingMessage): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      res.on('data', (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) res.pause();
      });
      res.once('end', () => cancelled || controller.close());
      // Errors after a cancel (a dropped drain) concern nobody any more.
      res.on('error', (err) => cancelled || controller.error(err));
    },
    pull() {
      res.resume();
    },
    cancel() {
      cancelled = true;
      res.removeAllListeners('data');
      if (res.complete) return;
      const drop = setTimeout(() => res.destroy(), DRAIN_MS);
      drop.unref();
      res.once('end', () => clearTimeout(drop));
      res.resume();
    },
  });
}

/** What fetch rejects with on an abort: the signal's reason when it is an Error, else an AbortError. */
function abortError(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  return new DOMException('This operation was aborted', 'AbortError');
}
