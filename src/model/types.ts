// The model client interface: one streaming event type, whatever the wire API
// behind it (Responses today; Chat Completions plugs in behind the same shape).
// History items use the Responses API item shapes, which the agent appends to
// and replays verbatim so every request is a prefix-extension of the last.

export type ContentPart = { type: 'input_text'; text: string } | { type: 'output_text'; text: string };

export type ResponseItem =
  | { type: 'message'; role: 'user' | 'assistant' | 'developer' | 'system'; id?: string; content: ContentPart[] }
  | {
      type: 'reasoning';
      id: string;
      summary: { type: 'summary_text'; text: string }[];
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
}

export interface TokenUsage {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningOutputTokens: number;
  totalTokens: number;
}

export type ModelEvent =
  | { type: 'output_item_added'; item: ResponseItem }
  | { type: 'text_delta'; itemId: string; delta: string }
  | { type: 'reasoning_summary_part_added'; itemId: string; summaryIndex: number }
  | { type: 'reasoning_summary_delta'; itemId: string; summaryIndex: number; delta: string }
  | { type: 'output_item_done'; item: ResponseItem }
  | { type: 'completed'; responseId: string; usage: TokenUsage | null };

export interface ModelClient {
  /** Streams one model response. Throws ModelError on failure. */
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>;
}

export type ModelErrorKind =
  /** The provider answered with an HTTP error status. */
  | 'http'
  /** No HTTP response at all (refused, reset, DNS...). */
  | 'connection'
  /** The SSE stream ended or broke before `response.completed`. */
  | 'stream_disconnected'
  /** The provider reported `response.failed` / `error` inside the stream. */
  | 'response_failed'
  /** The request was aborted by us (interrupt / shutdown). */
  | 'aborted';

export class ModelError extends Error {
  override name = 'ModelError';
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly details: { status?: number; code?: string | null; body?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Worth another attempt of the same request? */
  get retryable(): boolean {
    if (this.kind === 'stream_disconnected' || this.kind === 'connection') return true;
    if (this.kind === 'http') return this.details.status === 429 || (this.details.status ?? 0) >= 500;
    return false;
  }
}
