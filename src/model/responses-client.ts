// One attempt of a streaming OpenAI Responses API request, through the openai
// SDK with its retries off: retrying is RetryingModelClient's job (retry.ts).
// The SSE body is read by our lenient reader (sse.ts) so a malformed event is
// skipped instead of ending the stream; events are the SDK's own types.

import OpenAI from 'openai';
import type {
  FunctionTool,
  CustomTool,
  ResponseCreateParamsStreaming,
  ResponseInputItem,
  ResponseOutputItem,
  ResponseStreamEvent,
  ResponseUsage,
  Tool,
} from 'openai/resources/responses/responses';
import type { ReasoningEffort } from 'openai/resources/shared';
import { httpFetch } from './http-fetch.js';
import { parseSseJson, readSse } from './sse.js';
import { requestError, streamError, streamFailure } from './sdk-errors.js';
import type { ModelClient, ModelEvent, ModelRequest, ResponseItem, TokenUsage, ToolSpec } from './types.js';
import { ModelError } from './types.js';

export interface AttemptClientOptions {
  baseUrl: string;
  apiKey: string;
  /** `stream_idle_timeout_ms`: longest wait for the response headers, and for each chunk of the body (0: no limit). */
  idleTimeoutMs: number;
  headers: Record<string, string>;
  query: Record<string, string>;
  userAgent: string;
  /** For tests: the fetch the SDK uses (default: httpFetch). */
  fetch?: typeof fetch;
}

/** What a Responses stream that ended before `response.completed` is called (the reference's words). */
export const RESPONSES_STREAM_CLOSED = 'stream closed before response.completed';

/** The SDK's default request timeout, used when `stream_idle_timeout_ms` is 0 (no idle limit). */
const SDK_DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** `<base URL>/<path>`, as the SDK builds it (without the query string). */
export function endpointUrl(baseUrl: string, endpoint: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${endpoint}`;
}

/** An SDK client that never retries on its own (see retry.ts). */
export function sdkClient(opts: AttemptClientOptions): OpenAI {
  return new OpenAI({
    baseURL: opts.baseUrl,
    apiKey: opts.apiKey,
    maxRetries: 0,
    timeout: opts.idleTimeoutMs > 0 ? opts.idleTimeoutMs : SDK_DEFAULT_TIMEOUT_MS,
    defaultHeaders: { ...opts.headers, 'user-agent': opts.userAgent },
    defaultQuery: Object.keys(opts.query).length > 0 ? opts.query : undefined,
    // node:http underneath, not Node's undici fetch (why: http-fetch.ts).
    fetch: opts.fetch ?? httpFetch,
  });
}

export class ResponsesModelClient implements ModelClient {
  private readonly client: OpenAI;

  constructor(private readonly opts: AttemptClientOptions) {
    this.client = sdkClient(opts);
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    let response: Response;
    try {
      // The body is the JSON of the typed params, made with each history item's JSON cached
      // (responsesBody); the SDK sends a string body with its content type as it is (`body` of its
      // RequestOptions overrides the params' serialization, which it then only reads `stream` from).
      const { params, body } = responsesRequest(request);
      response = await this.client.responses.create(params, { signal, body, headers: JSON_CONTENT }).asResponse();
    } catch (err) {
      throw requestError(err, signal, endpointUrl(this.opts.baseUrl, 'responses'));
    }
    const requestId = response.headers.get('x-request-id') ?? response.headers.get('x-oai-request-id');
    if (!response.body) throw new ModelError('stream_disconnected', 'the response has no body', { requestId });

    let completed = false;
    try {
      for await (const sse of readSse(response.body, { idleTimeoutMs: this.opts.idleTimeoutMs })) {
        if (sse.data === '' || sse.data === '[DONE]' || (sse.event !== null && UNUSED_EVENTS.has(sse.event))) continue;
        const ev = parseEvent(sse.data);
        // A malformed event is skipped, as Codex does: the stream may still complete.
        if (ev === null) continue;
        const mapped = mapEvent(ev, requestId);
        if (mapped === null) continue;
        if (mapped.type === 'completed') completed = true;
        yield mapped;
        if (completed) return;
      }
    } catch (err) {
      throw streamError(err, signal, requestId, RESPONSES_STREAM_CLOSED);
    }
    if (signal.aborted) throw new ModelError('aborted', 'the model request was aborted', { requestId });
    if (!completed) throw new ModelError('stream_disconnected', RESPONSES_STREAM_CLOSED, { requestId });
  }
}

/** The request body: model-visible fields in a fixed order, so the serialization is a prefix-extension. */
export function responsesParams(request: ModelRequest): ResponseCreateParamsStreaming {
  const params: ResponseCreateParamsStreaming = {
    model: request.model,
    instructions: request.instructions,
    input: request.input.map(toInputItem),
    tools: request.tools.map(toTool),
    tool_choice: 'auto',
    parallel_tool_calls: false,
    store: false,
    stream: true,
    prompt_cache_key: request.promptCacheKey,
  };
  if (request.outputSchema) {
    const { name, schema, strict } = request.outputSchema;
    params.text = { format: { type: 'json_schema', name, schema, strict } };
  }
  const effort = reasoningEffort(request.reasoningEffort);
  if (effort !== null || isReasoningModel(request.model)) {
    // Requests are stateless (store:false), so reasoning can only be carried
    // to the next request as encrypted content.
    const summary = request.reasoningSummary ?? 'auto';
    params.reasoning = { ...(summary !== 'none' ? { summary } : {}), ...(effort !== null ? { effort } : {}) };
    params.include = ['reasoning.encrypted_content'];
  }
  return params;
}

const JSON_CONTENT = { 'content-type': 'application/json' };

/**
 * Each history item's request JSON, as UTF-8 bytes, made once. The history only grows (compaction
 * replaces it with new items), and its items are never changed once appended, so a request encodes
 * only the items that are new since the previous one, and the body goes to the socket as bytes:
 * the harness's own time per request stays flat as a thread grows to 1,000 items
 * (bench/RESULTS.md), where serializing the whole body, measuring it and encoding it again as
 * UTF-8 for the socket were the parts that grew.
 */
const itemBytes = new WeakMap<ResponseItem, Buffer>();

const COMMA = Buffer.from(',');

/**
 * The params without their input, and the body: the UTF-8 bytes of exactly
 * `JSON.stringify(responsesParams(request))`, each input item's taken from the cache.
 */
export function responsesRequest(request: ModelRequest): { params: ResponseCreateParamsStreaming; body: Buffer } {
  const params = responsesParams({ ...request, input: [] });
  const shell = JSON.stringify(params);
  // The first `"input":[]` is the key: inside a JSON string value its quotes would be escaped.
  const at = shell.indexOf(EMPTY_INPUT) + EMPTY_INPUT.length - 1;
  const parts: Buffer[] = [Buffer.from(shell.slice(0, at))];
  request.input.forEach((item, i) => {
    let bytes = itemBytes.get(item);
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(toInputItem(item)));
      itemBytes.set(item, bytes);
    }
    if (i > 0) parts.push(COMMA);
    parts.push(bytes);
  });
  parts.push(Buffer.from(shell.slice(at)));
  return { params, body: Buffer.concat(parts) };
}

const EMPTY_INPUT = '"input":[]';

/** Model families that reason (and reject `include: reasoning.encrypted_content` otherwise). */
export function isReasoningModel(model: string): boolean {
  return /^(gpt-5|o\d|codex-)/.test(model);
}

const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const satisfies readonly NonNullable<ReasoningEffort>[];

/** A configured effort the API knows, else null (an unknown value is not sent). */
function reasoningEffort(value: string | null): NonNullable<ReasoningEffort> | null {
  return REASONING_EFFORTS.find((e) => e === value) ?? null;
}

function toTool(spec: ToolSpec): Tool {
  if (spec.type === 'function') {
    const tool: FunctionTool = {
      type: 'function',
      name: spec.name,
      description: spec.description,
      strict: spec.strict,
      parameters: spec.parameters,
    };
    return tool;
  }
  const tool: CustomTool = { type: 'custom', name: spec.name, description: spec.description, format: spec.format };
  return tool;
}

/** A history item as Responses input (replayed as it was received, minus what cannot go back). */
function toInputItem(item: ResponseItem): ResponseInputItem {
  switch (item.type) {
    case 'message':
      if (item.role === 'assistant') {
        const content = item.content.map((c) => ({ type: 'output_text' as const, text: c.text, annotations: [] }));
        if (item.id === undefined) return { type: 'message', role: 'assistant', content: content.map((c) => c.text).join('') };
        return { type: 'message', role: 'assistant', id: item.id, status: 'completed', content };
      }
      return { type: 'message', role: item.role, content: item.content.map((c) => ({ type: 'input_text' as const, text: c.text })) };
    case 'reasoning':
      return { type: 'reasoning', id: item.id, summary: item.summary, encrypted_content: item.encrypted_content ?? null };
    case 'function_call':
      return { type: 'function_call', id: item.id, call_id: item.call_id, name: item.name, arguments: item.arguments };
    case 'function_call_output':
      return { type: 'function_call_output', call_id: item.call_id, output: item.output };
    case 'custom_tool_call':
      return { type: 'custom_tool_call', id: item.id, call_id: item.call_id, name: item.name, input: item.input };
    case 'custom_tool_call_output':
      return { type: 'custom_tool_call_output', call_id: item.call_id, output: item.output };
  }
}

/** JSON of one SSE message, if it is an event at all (an object with a string `type`). */
/**
 * Events the agent does not use, skipped by their SSE `event:` name before their data is parsed
 * (mapEvent would drop them). `response.created` and `response.in_progress` carry the whole
 * response object, the instructions and tool list included: most of a short response's bytes.
 * An event without an `event:` line is parsed as usual.
 */
const UNUSED_EVENTS: ReadonlySet<string> = new Set([
  'response.created',
  'response.in_progress',
  'response.queued',
  'response.content_part.added',
  'response.content_part.done',
  'response.output_text.done',
  'response.reasoning_summary_part.done',
  'response.reasoning_summary_text.done',
  'response.reasoning_text.done',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'response.custom_tool_call_input.delta',
  'response.custom_tool_call_input.done',
]);

function parseEvent(data: string): ResponseStreamEvent | null {
  return parseSseJson(data, isStreamEvent);
}

function isStreamEvent(v: unknown): v is ResponseStreamEvent {
  return typeof v === 'object' && v !== null && 'type' in v && typeof v.type === 'string';
}

function mapEvent(ev: ResponseStreamEvent, requestId: string | null): ModelEvent | null {
  switch (ev.type) {
    case 'response.output_item.added': {
      const item = fromOutputItem(ev.item);
      return item ? { type: 'output_item_added', item } : null;
    }
    case 'response.output_text.delta':
      return typeof ev.delta === 'string' ? { type: 'text_delta', itemId: ev.item_id, delta: ev.delta } : null;
    case 'response.reasoning_summary_part.added':
      return { type: 'reasoning_summary_part_added', itemId: ev.item_id, summaryIndex: ev.summary_index };
    case 'response.reasoning_summary_text.delta':
      return typeof ev.delta === 'string'
        ? { type: 'reasoning_summary_delta', itemId: ev.item_id, summaryIndex: ev.summary_index, delta: ev.delta }
        : null;
    case 'response.reasoning_text.delta':
      return typeof ev.delta === 'string'
        ? { type: 'reasoning_text_delta', itemId: ev.item_id, contentIndex: ev.content_index, delta: ev.delta }
        : null;
    case 'response.output_item.done': {
      const item = fromOutputItem(ev.item);
      return item ? { type: 'output_item_done', item } : null;
    }
    case 'response.completed':
      return { type: 'completed', responseId: ev.response?.id ?? '', usage: mapUsage(ev.response?.usage) };
    case 'response.failed':
      throw streamFailure(ev.response?.error, requestId);
    case 'response.incomplete': {
      const reason = ev.response?.incomplete_details?.reason ?? 'unknown';
      throw new ModelError('response_failed', `Incomplete response returned, reason: ${reason}`, { code: reason, requestId });
    }
    case 'error':
      throw streamFailure({ message: ev.message, code: ev.code }, requestId);
    default:
      return null;
  }
}

/** Keeps what the agent needs and the API accepts back as input; null for item types the agent does not use. */
function fromOutputItem(item: ResponseOutputItem | undefined): ResponseItem | null {
  switch (item?.type) {
    case 'message':
      return {
        type: 'message',
        role: 'assistant',
        id: item.id,
        content: (item.content ?? []).flatMap((c) => (c.type === 'output_text' ? [{ type: 'output_text' as const, text: c.text ?? '' }] : [])),
      };
    case 'reasoning': {
      const out: ResponseItem = {
        type: 'reasoning',
        id: item.id,
        summary: (item.summary ?? []).map((s) => ({ type: 'summary_text' as const, text: s.text ?? '' })),
        encrypted_content: item.encrypted_content ?? null,
      };
      const raw = (item.content ?? []).map((c) => ({ type: 'reasoning_text' as const, text: c.text ?? '' }));
      if (raw.length > 0) out.content = raw;
      return out;
    }
    case 'function_call':
      return { type: 'function_call', id: item.id, call_id: item.call_id, name: item.name, arguments: item.arguments ?? '' };
    case 'custom_tool_call':
      return { type: 'custom_tool_call', id: item.id, call_id: item.call_id, name: item.name, input: item.input ?? '' };
    default:
      return null;
  }
}

function mapUsage(u: ResponseUsage | null | undefined): TokenUsage | null {
  if (!u) return null;
  const input = u.input_tokens ?? 0;
  const output = u.output_tokens ?? 0;
  return {
    inputTokens: input,
    cachedInputTokens: u.input_tokens_details?.cached_tokens ?? 0,
    outputTokens: output,
    reasoningOutputTokens: u.output_tokens_details?.reasoning_tokens ?? 0,
    totalTokens: u.total_tokens || input + output,
  };
}
