// One attempt of a streaming Chat Completions request (`wire_api = "chat"`), for
// OpenAI-compatible servers such as vLLM, llama.cpp, Ollama and LiteLLM, through
// the same ModelClient interface as the Responses API:
// - the history (Responses item shapes) becomes `messages`, deterministically
//   and item by item, so each request still extends the previous one;
// - a freeform (custom) tool such as `apply_patch` is offered as a function with
//   one string argument, `input`; its calls come back as function calls, which
//   the agent accepts for apply_patch;
// - `delta.content` streams as an assistant message, `delta.reasoning_content`
//   (or `delta.reasoning`) as raw reasoning text, `delta.tool_calls` are
//   accumulated and reported when the response ends;
// - usage comes from the last chunk (`stream_options.include_usage`).
// Like the Responses client it never retries: see retry.ts.

import type OpenAI from 'openai';
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionFunctionTool,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { newId } from '../util/ids.js';
import { endpointUrl, sdkClient, type AttemptClientOptions } from './responses-client.js';
import { parseSseJson, readSse } from './sse.js';
import { requestError, streamError, streamFailure } from './sdk-errors.js';
import type { ModelClient, ModelEvent, ModelRequest, TokenUsage, ToolSpec } from './types.js';
import { ModelError } from './types.js';

/** What a chat stream that ended before `[DONE]` (or a finish_reason) is called. */
export const CHAT_STREAM_CLOSED = 'stream closed before [DONE]';

/** The argument a freeform tool's text travels in, when offered as a function. */
export const FREEFORM_ARGUMENT = 'input';

/** What OpenAI-compatible servers add to a delta beyond the OpenAI schema. */
type Delta = ChatCompletionChunk.Choice.Delta & {
  /** vLLM, DeepSeek, llama.cpp (reasoning_format=deepseek), LiteLLM. */
  reasoning_content?: string | null;
  /** Ollama, OpenRouter. */
  reasoning?: string | null;
};

/** A chunk, or the `{error}` object some servers send inside the stream. */
type ChatStreamMessage = ChatCompletionChunk | { error: { message?: unknown; code?: unknown; type?: unknown } };

export class ChatCompletionsModelClient implements ModelClient {
  private readonly client: OpenAI;

  constructor(private readonly opts: AttemptClientOptions) {
    this.client = sdkClient(opts);
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    let response: Response;
    try {
      response = await this.client.chat.completions.create(chatParams(request), { signal }).asResponse();
    } catch (err) {
      throw requestError(err, signal, endpointUrl(this.opts.baseUrl, 'chat/completions'));
    }
    const requestId = response.headers.get('x-request-id') ?? response.headers.get('x-oai-request-id');
    if (!response.body) throw new ModelError('stream_disconnected', 'the response has no body', { requestId });

    const acc = new ChatAccumulator();
    let done = false;
    try {
      for await (const sse of readSse(response.body, { idleTimeoutMs: this.opts.idleTimeoutMs })) {
        if (sse.data === '') continue;
        if (sse.data.trim() === '[DONE]') {
          done = true;
          break;
        }
        const message = parseChatMessage(sse.data);
        // A malformed chunk is skipped: the stream may still complete.
        if (message === null) continue;
        if ('error' in message) throw streamFailure(message.error, requestId);
        yield* acc.chunk(message);
      }
    } catch (err) {
      throw streamError(err, signal, requestId, CHAT_STREAM_CLOSED);
    }
    if (signal.aborted) throw new ModelError('aborted', 'the model request was aborted', { requestId });
    // Without [DONE], a stream that ended cleanly after a finish_reason is complete too.
    if (!done && acc.finishReason === null) {
      throw new ModelError('stream_disconnected', CHAT_STREAM_CLOSED, { requestId });
    }
    yield* acc.finish();
  }
}

class ChatAccumulator {
  finishReason: string | null = null;
  private responseId = '';
  private usage: TokenUsage | null = null;
  private message: { id: string; text: string } | null = null;
  private reasoning: { id: string; text: string } | null = null;
  private readonly calls = new Map<number, { callId: string; name: string; arguments: string }>();

  *chunk(chunk: ChatCompletionChunk): Generator<ModelEvent> {
    if (typeof chunk.id === 'string' && chunk.id !== '') this.responseId = chunk.id;
    if (chunk.usage) this.usage = mapUsage(chunk.usage);
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!choice) return;
    const delta: Delta = choice.delta ?? {};
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string' && reasoning !== '') {
      if (!this.reasoning) {
        this.reasoning = { id: `rs_${newId()}`, text: '' };
        yield { type: 'output_item_added', item: { type: 'reasoning', id: this.reasoning.id, summary: [] } };
      }
      this.reasoning.text += reasoning;
      yield { type: 'reasoning_text_delta', itemId: this.reasoning.id, contentIndex: 0, delta: reasoning };
    }
    if (typeof delta.content === 'string' && delta.content !== '') {
      yield* this.closeReasoning();
      if (!this.message) {
        this.message = { id: `msg_${newId()}`, text: '' };
        yield { type: 'output_item_added', item: { type: 'message', role: 'assistant', id: this.message.id, content: [] } };
      }
      this.message.text += delta.content;
      yield { type: 'text_delta', itemId: this.message.id, delta: delta.content };
    }
    for (const tc of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
      yield* this.closeReasoning();
      const index = typeof tc.index === 'number' ? tc.index : this.calls.size;
      let call = this.calls.get(index);
      if (!call) {
        call = { callId: '', name: '', arguments: '' };
        this.calls.set(index, call);
      }
      if (typeof tc.id === 'string' && tc.id !== '' && call.callId === '') call.callId = tc.id;
      // The name arrives whole, once; servers that repeat it must not double it.
      if (typeof tc.function?.name === 'string' && call.name === '') call.name = tc.function.name;
      if (typeof tc.function?.arguments === 'string') call.arguments += tc.function.arguments;
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  *finish(): Generator<ModelEvent> {
    yield* this.closeReasoning();
    if (this.message) {
      yield {
        type: 'output_item_done',
        item: { type: 'message', role: 'assistant', id: this.message.id, content: [{ type: 'output_text', text: this.message.text }] },
      };
    }
    for (const index of [...this.calls.keys()].sort((a, b) => a - b)) {
      const call = this.calls.get(index)!;
      yield {
        type: 'output_item_done',
        item: {
          type: 'function_call',
          call_id: call.callId !== '' ? call.callId : `call_${newId()}`,
          name: call.name,
          arguments: call.arguments,
        },
      };
    }
    yield { type: 'completed', responseId: this.responseId, usage: this.usage };
  }

  private *closeReasoning(): Generator<ModelEvent> {
    if (!this.reasoning) return;
    const { id, text } = this.reasoning;
    this.reasoning = null;
    yield { type: 'output_item_done', item: { type: 'reasoning', id, summary: [], content: [{ type: 'reasoning_text', text }] } };
  }
}

/** The request body; messages are derived item by item, so the body extends the previous request's. */
export function chatParams(request: ModelRequest): ChatCompletionCreateParamsStreaming {
  const params: ChatCompletionCreateParamsStreaming = {
    model: request.model,
    messages: toMessages(request),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (request.tools.length > 0) {
    params.tools = request.tools.map(toChatTool);
    params.tool_choice = 'auto';
  }
  if (request.outputSchema) {
    // OpenAI, vLLM, llama.cpp, Ollama and LiteLLM accept `json_schema`; a server that does not answers 400.
    const { name, schema, strict } = request.outputSchema;
    params.response_format = { type: 'json_schema', json_schema: { name, schema, strict } };
  }
  if (request.reasoningEffort !== null) {
    const effort = CHAT_REASONING_EFFORTS.find((e) => e === request.reasoningEffort);
    if (effort) params.reasoning_effort = effort;
  }
  return params;
}

const CHAT_REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const satisfies readonly NonNullable<
  ChatCompletionCreateParamsStreaming['reasoning_effort']
>[];

export function toChatTool(spec: ToolSpec): ChatCompletionFunctionTool {
  if (spec.type === 'function') {
    return {
      type: 'function',
      function: {
        name: spec.name,
        description: spec.description,
        parameters: spec.parameters,
        ...(spec.strict ? { strict: true } : {}),
      },
    };
  }
  const grammar = spec.format.type === 'grammar' ? `\nThe text follows this ${spec.format.syntax} grammar:\n${spec.format.definition}` : '';
  return {
    type: 'function',
    function: {
      name: spec.name,
      description: `${spec.description}\nOn this API the text goes in the one string argument \`${FREEFORM_ARGUMENT}\`.`,
      parameters: {
        type: 'object',
        properties: { [FREEFORM_ARGUMENT]: { type: 'string', description: `The whole ${spec.name} text.${grammar}` } },
        required: [FREEFORM_ARGUMENT],
        additionalProperties: false,
      },
    },
  };
}

/**
 * The history as chat messages: instructions as the first system message,
 * developer messages as system messages, a model response's text and its tool
 * calls as one assistant message, tool outputs as tool messages. Reasoning is
 * not sent back (Chat Completions has no field for it).
 */
export function toMessages(request: ModelRequest): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: request.instructions }];
  // The assistant message the current model response's items belong to, if any.
  let assistant: ChatCompletionAssistantMessageParam | null = null;
  const addCall = (call: ChatCompletionMessageFunctionToolCall) => {
    if (!assistant) {
      assistant = { role: 'assistant', content: null };
      messages.push(assistant);
    }
    assistant.tool_calls = [...(assistant.tool_calls ?? []), call];
  };
  for (const item of request.input) {
    switch (item.type) {
      case 'message': {
        const text = item.content.map((c) => c.text).join('');
        if (item.role === 'assistant') {
          assistant = { role: 'assistant', content: text };
          messages.push(assistant);
        } else {
          assistant = null;
          messages.push(item.role === 'user' ? { role: 'user', content: text } : { role: 'system', content: text });
        }
        break;
      }
      case 'reasoning':
        break;
      case 'function_call':
        addCall({ id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments } });
        break;
      case 'custom_tool_call':
        addCall({
          id: item.call_id,
          type: 'function',
          function: { name: item.name, arguments: JSON.stringify({ [FREEFORM_ARGUMENT]: item.input }) },
        });
        break;
      case 'function_call_output':
      case 'custom_tool_call_output':
        assistant = null;
        messages.push({ role: 'tool', tool_call_id: item.call_id, content: item.output });
        break;
    }
  }
  return messages;
}

function parseChatMessage(data: string): ChatStreamMessage | null {
  return parseSseJson(data, isChatStreamMessage);
}

function isChatStreamMessage(v: unknown): v is ChatStreamMessage {
  if (typeof v !== 'object' || v === null) return false;
  if ('error' in v) return typeof v.error === 'object' && v.error !== null;
  return 'choices' in v || 'usage' in v;
}

function mapUsage(u: CompletionUsage): TokenUsage {
  const input = u.prompt_tokens ?? 0;
  const output = u.completion_tokens ?? 0;
  return {
    inputTokens: input,
    cachedInputTokens: u.prompt_tokens_details?.cached_tokens ?? 0,
    outputTokens: output,
    reasoningOutputTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
    totalTokens: u.total_tokens || input + output,
  };
}
