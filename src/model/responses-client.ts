// ModelClient over the OpenAI Responses API (streaming), through the openai SDK.
// HTTP-level retries (connect errors, 429, 5xx before any byte of the body) are
// left to the SDK (`maxRetries` = provider.request_max_retries); retries of a
// stream that broke mid-way belong to the agent loop, which has to tell the client.

import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import type { ModelClient, ModelEvent, ModelRequest, ResponseItem, TokenUsage } from './types.js';
import { ModelError } from './types.js';

export interface ResponsesClientOptions {
  baseUrl: string;
  apiKey: string;
  maxRetries: number;
  timeoutMs: number;
  headers: Record<string, string>;
  query: Record<string, string>;
  userAgent: string;
}

export class ResponsesModelClient implements ModelClient {
  private readonly client: OpenAI;

  constructor(opts: ResponsesClientOptions) {
    this.client = new OpenAI({
      baseURL: opts.baseUrl,
      apiKey: opts.apiKey,
      maxRetries: opts.maxRetries,
      timeout: opts.timeoutMs,
      defaultHeaders: { ...opts.headers, 'user-agent': opts.userAgent },
      defaultQuery: Object.keys(opts.query).length > 0 ? opts.query : undefined,
    });
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    const body: Record<string, unknown> = {
      model: request.model,
      instructions: request.instructions,
      input: request.input,
      tools: request.tools,
      tool_choice: 'auto',
      parallel_tool_calls: false,
      store: false,
      stream: true,
      prompt_cache_key: request.promptCacheKey,
    };
    if (request.reasoningEffort || isReasoningModel(request.model)) {
      // Requests are stateless (store:false), so reasoning can only be carried
      // to the next request as encrypted content.
      body.reasoning = { summary: 'auto', ...(request.reasoningEffort ? { effort: request.reasoningEffort } : {}) };
      body.include = ['reasoning.encrypted_content'];
    }

    let events: AsyncIterable<Record<string, unknown>>;
    try {
      events = (await this.client.responses.create(body as never, { signal })) as unknown as AsyncIterable<
        Record<string, unknown>
      >;
    } catch (err) {
      throw toModelError(err, signal);
    }

    let completed = false;
    try {
      for await (const ev of events) {
        const mapped = mapEvent(ev);
        if (mapped === 'failed') {
          const resp = ev.response as { error?: { message?: string; code?: string } } | undefined;
          const error = (resp?.error ?? (ev as { message?: string; code?: string })) as { message?: string; code?: string };
          throw new ModelError('response_failed', error.message ?? 'the model response failed', { code: error.code ?? null });
        }
        if (mapped) {
          if (mapped.type === 'completed') completed = true;
          yield mapped;
        }
      }
    } catch (err) {
      if (err instanceof ModelError) throw err;
      if (signal.aborted) throw new ModelError('aborted', 'the model request was aborted', {}, { cause: err });
      throw new ModelError('stream_disconnected', `stream disconnected: ${(err as Error).message}`, {}, { cause: err });
    }
    if (!completed) {
      if (signal.aborted) throw new ModelError('aborted', 'the model request was aborted');
      throw new ModelError('stream_disconnected', 'stream closed before response.completed');
    }
  }
}

/** Model families that reason (and reject `include: reasoning.encrypted_content` otherwise). */
export function isReasoningModel(model: string): boolean {
  return /^(gpt-5|o\d|codex-)/.test(model);
}

function mapEvent(ev: Record<string, unknown>): ModelEvent | 'failed' | null {
  switch (ev.type) {
    case 'response.output_item.added':
      return { type: 'output_item_added', item: ev.item as ResponseItem };
    case 'response.output_text.delta':
      return { type: 'text_delta', itemId: String(ev.item_id), delta: String(ev.delta) };
    case 'response.reasoning_summary_part.added':
      return { type: 'reasoning_summary_part_added', itemId: String(ev.item_id), summaryIndex: Number(ev.summary_index) };
    case 'response.reasoning_summary_text.delta':
      return {
        type: 'reasoning_summary_delta',
        itemId: String(ev.item_id),
        summaryIndex: Number(ev.summary_index),
        delta: String(ev.delta),
      };
    case 'response.output_item.done':
      return { type: 'output_item_done', item: normalizeItem(ev.item as Record<string, unknown>) };
    case 'response.completed': {
      const response = ev.response as { id?: string; usage?: Record<string, unknown> | null };
      return { type: 'completed', responseId: String(response?.id ?? ''), usage: mapUsage(response?.usage) };
    }
    case 'response.failed':
    case 'error':
      return 'failed';
    default:
      return null;
  }
}

/** Keeps only the fields the API accepts back as input, so replay stays valid. */
function normalizeItem(item: Record<string, unknown>): ResponseItem {
  switch (item.type) {
    case 'message':
      return {
        type: 'message',
        role: 'assistant',
        id: item.id as string,
        content: ((item.content as { type: string; text?: string }[]) ?? [])
          .filter((c) => c.type === 'output_text')
          .map((c) => ({ type: 'output_text' as const, text: c.text ?? '' })),
      };
    case 'reasoning':
      return {
        type: 'reasoning',
        id: item.id as string,
        summary: ((item.summary as { text?: string }[]) ?? []).map((s) => ({ type: 'summary_text' as const, text: s.text ?? '' })),
        encrypted_content: (item.encrypted_content as string | null | undefined) ?? null,
      };
    case 'function_call':
      return {
        type: 'function_call',
        id: item.id as string,
        call_id: item.call_id as string,
        name: item.name as string,
        arguments: (item.arguments as string) ?? '',
      };
    case 'custom_tool_call':
      return {
        type: 'custom_tool_call',
        id: item.id as string,
        call_id: item.call_id as string,
        name: item.name as string,
        input: (item.input as string) ?? '',
      };
    default:
      return item as unknown as ResponseItem;
  }
}

function mapUsage(u: Record<string, unknown> | null | undefined): TokenUsage | null {
  if (!u) return null;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const input = num(u.input_tokens);
  const output = num(u.output_tokens);
  const inDetails = (u.input_tokens_details ?? {}) as Record<string, unknown>;
  const outDetails = (u.output_tokens_details ?? {}) as Record<string, unknown>;
  return {
    inputTokens: input,
    cachedInputTokens: num(inDetails.cached_tokens),
    outputTokens: output,
    reasoningOutputTokens: num(outDetails.reasoning_tokens),
    totalTokens: num(u.total_tokens) || input + output,
  };
}

function toModelError(err: unknown, signal: AbortSignal): ModelError {
  if (err instanceof ModelError) return err;
  if (err instanceof APIUserAbortError || signal.aborted) {
    return new ModelError('aborted', 'the model request was aborted', {}, { cause: err });
  }
  if (err instanceof APIConnectionError) {
    return new ModelError('connection', `could not reach the model provider: ${err.message}`, {}, { cause: err });
  }
  if (err instanceof APIError) {
    const body = err.error === undefined ? '' : JSON.stringify(err.error);
    const code = (err.error as { code?: string } | undefined)?.code ?? err.code ?? null;
    return new ModelError(
      'http',
      `the model provider answered HTTP ${err.status}: ${err.message}`,
      { status: err.status, code: typeof code === 'string' ? code : null, body },
      { cause: err },
    );
  }
  return new ModelError('connection', (err as Error)?.message ?? String(err), {}, { cause: err });
}
