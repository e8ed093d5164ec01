// Shared by the model client tests: a provider pointing at the scripted model server,
// and a client whose retries never sleep (the delays are recorded instead).
import type { ModelProviderInfo } from '../../src/config/types.js';
import { createModelClient } from '../../src/model/factory.js';
import { ModelError, type ModelClient, type ModelEvent, type ModelRequest } from '../../src/model/types.js';
import { startModelServer, type ModelServer, type ScriptStep } from '../../src/demo/model-server/server.js';

export function provider(url: string, overrides: Partial<ModelProviderInfo> = {}): ModelProviderInfo {
  return {
    id: 'mock',
    name: 'Mock',
    baseUrl: url,
    envKey: null,
    wireApi: 'responses',
    requestMaxRetries: 0,
    streamMaxRetries: 0,
    streamIdleTimeoutMs: 300_000,
    httpHeaders: {},
    queryParams: {},
    ...overrides,
  };
}

export interface Harness {
  server: ModelServer;
  client: ModelClient;
  /** Delays the retry layer asked for, in order. */
  slept: number[];
}

export async function harness(
  script: ScriptStep[],
  overrides: Partial<ModelProviderInfo> = {},
  servers: ModelServer[],
): Promise<Harness> {
  const server = await startModelServer({ script });
  servers.push(server);
  const slept: number[] = [];
  const client = createModelClient(provider(server.url, overrides), {
    apiKey: 'sk-test',
    userAgent: 'tern-test/0',
    retry: {
      sleep: async (ms) => {
        slept.push(ms);
      },
    },
  });
  return { server, client, slept };
}

export const REQUEST: ModelRequest = {
  model: 'mock-model',
  instructions: 'You are a test.',
  input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
  tools: [],
  promptCacheKey: 'thread-1',
  reasoningEffort: null,
};

export async function collect(
  client: ModelClient,
  request: ModelRequest = REQUEST,
  signal = new AbortController().signal,
): Promise<{ events: ModelEvent[]; error: ModelError | null }> {
  const events: ModelEvent[] = [];
  try {
    for await (const ev of client.stream(request, signal)) events.push(ev);
    return { events, error: null };
  } catch (err) {
    if (err instanceof ModelError) return { events, error: err };
    throw err;
  }
}

export function retries(events: ModelEvent[]): Extract<ModelEvent, { type: 'retry' }>[] {
  return events.filter((e): e is Extract<ModelEvent, { type: 'retry' }> => e.type === 'retry');
}

/** The text of the completed attempt: deltas after the last retry. */
export function finalText(events: ModelEvent[]): string {
  const lastRetry = events.map((e) => e.type).lastIndexOf('retry');
  return events
    .slice(lastRetry + 1)
    .map((e) => (e.type === 'text_delta' ? e.delta : ''))
    .join('');
}
