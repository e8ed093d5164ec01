// The model client interface: one streaming event type, whatever the wire API
// behind it (Responses or Chat Completions). History items use the Responses API
// item shapes, which the agent appends to and replays verbatim so every request
// is a prefix-extension of the last.

import { ModelFailure } from '../util/errors.js';
export type ContentPart = { type: 'input_text'; text: string } | { type: 'output_text'; text: string };

export type ResponseItem =
  | { type: 'message'; role: 'user' | 'assistant' | 'developer' | 'system'; id?: string; content: ContentPart[] }
  | {
      type: 'reasoning';
      id: string;
      summary: { type: 'summary_text'; text: string }[];
      /** Raw reasoning text (open-weight models; Chat Completions `reasoning_content`). Never replayed. */
      content?: { type: 'reasoning_text'; text: string }[];
      encrypted_content?: string | null;
    }
  | { type: 'function_call'; id?: string; call_id: string; name: string; arguments: string }
  | { type: 'function_call_output'; call_id: string; output: string }
  | { type: 'custom_tool_call'; id?: string; call_id: string; name: string; input: string }
  | { type: 'custom_tool_call_output'; call_id: string; output: string };

/** A tool as offered to the model (Responses API `tools` entries). */
export type ToolSpec =
  | { type: 'function'; name: string; description: string; strict: boolean; parameters: Record<string, unknown> }
  | {
      type: 'custom';
      name: string;
      description: string;
      format: { type: 'grammar'; syntax: 'lark'; definition: string } | { type: 'text' };
    };

export interface ModelRequest {
  model: string;
  instructions: string;
  input: ResponseItem[];
  tools: ToolSpec[];
  /** Stable per thread, so the provider can reuse the cached prefix. */
  promptCacheKey: string;
  reasoningEffort: string | null;
  /**
   * How much of its reasoning the model summarises (Responses `reasoning.summary`); null or
   * absent: `auto`; `none`: no summary asked for. Chat Completions has no such setting.
   */
  reasoningSummary?: 'auto' | 'concise' | 'detailed' | 'none' | null;
  /**
   * Ask for a final answer that is JSON matching this schema (Responses
   * `text.format` json_schema, Chat Completions `response_format`). Absent: free text.
   */
  outputSchema?: OutputSchema | null;
}

/** A JSON Schema for structured output; `strict` needs every property required and no extra ones. */
export interface OutputSchema {
  name: string;
  schema: Record<string, unknown>;
  strict: boolean;
}

export interface TokenUsage {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningOutputTokens: number;
  totalTokens: number;
}

/** Why the previous attempt of this request failed, and what happens next. */
export interface RetryNotice {
  /** The failure of the attempt that was given up. */
  error: ModelError;
  /** 1-based number of this retry among the retries of its budget. */
  attempt: number;
  /** The budget it counts against: `request_max_retries` or `stream_max_retries`. */
  maxAttempts: number;
  budget: 'request' | 'stream';
  /** How long the client waits before the next attempt (retry-after, else backoff). */
  delayMs: number;
}

export type ModelEvent =
  | { type: 'output_item_added'; item: ResponseItem }
  | { type: 'text_delta'; itemId: string; delta: string }
  | { type: 'reasoning_summary_part_added'; itemId: string; summaryIndex: number }
  | { type: 'reasoning_summary_delta'; itemId: string; summaryIndex: number; delta: string }
  | { type: 'reasoning_text_delta'; itemId: string; contentIndex: number; delta: string }
  | { type: 'output_item_done'; item: ResponseItem }
  | { type: 'completed'; responseId: string; usage: TokenUsage | null }
  /**
   * The attempt so far failed and the request is sent again: everything this
   * stream yielded since the start (or the previous `retry`) is void.
   */
  | ({ type: 'retry' } & RetryNotice);

export interface ModelClient {
  /**
   * Streams one model response. Ends after `completed`; throws ModelError on a
   * failure it does not (or no longer) retry.
   */
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>;
}

export type ModelErrorKind =
  /** The provider answered with an HTTP error status. */
  | 'http'
  /** No HTTP response at all (refused, reset, DNS, no headers in time...). */
  | 'connection'
  /** The SSE stream ended, broke or went idle before it completed. */
  | 'stream_disconnected'
  /** The provider reported `response.failed` / an error inside the stream. */
  | 'response_failed'
  /** The request was aborted by us (interrupt / shutdown). */
  | 'aborted';

export interface ModelErrorDetails {
  /** HTTP status of the response, for `http`. */
  status?: number;
  /** The provider's error code (`error.code`, else `error.type`), e.g. `insufficient_quota`. */
  code?: string | null;
  /** The provider's human message (`error.message`), without our framing. */
  providerMessage?: string | null;
  /** The raw error body, when there was one. */
  body?: string;
  /** `x-request-id` (or `x-oai-request-id`) of the failed response. */
  requestId?: string | null;
  /** The server's `retry-after-ms` / `retry-after`, in milliseconds. */
  retryAfterMs?: number | null;
  /** The endpoint called (no query string), for `http` failures. */
  url?: string | null;
}

/** Provider error codes that mean "no quota": retrying cannot help. */
export const QUOTA_ERROR_CODES: ReadonlySet<string> = new Set([
  'insufficient_quota',
  'usage_limit_reached',
  'usage_not_included',
]);

/** `response.failed` codes worth another attempt of the same request. */
export const TRANSIENT_FAILURE_CODES: ReadonlySet<string> = new Set([
  'server_error',
  'rate_limit_exceeded',
  'server_is_overloaded',
  'slow_down',
]);

export class ModelError extends ModelFailure {
  override name = 'ModelError';
  /** Retries spent on this request before giving up with this error (set by the retrying client). */
  retries = 0;

  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly details: ModelErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Worth another attempt of the same request? (Never 400/401/403, never a quota error.) */
  get retryable(): boolean {
    const code = this.details.code ?? null;
    if (code !== null && QUOTA_ERROR_CODES.has(code)) return false;
    switch (this.kind) {
      case 'connection':
      case 'stream_disconnected':
        return true;
      case 'http': {
        const status = this.details.status ?? 0;
        return status === 408 || status === 409 || status === 429 || status >= 500;
      }
      case 'response_failed':
        return code !== null && TRANSIENT_FAILURE_CODES.has(code);
      case 'aborted':
        return false;
    }
  }

  /** Which retry budget a retry of this failure spends. */
  get budget(): 'request' | 'stream' {
    return this.kind === 'http' || this.kind === 'connection' ? 'request' : 'stream';
  }
}
