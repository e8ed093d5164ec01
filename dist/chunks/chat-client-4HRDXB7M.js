import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  endpointUrl,
  parseSseJson,
  readSse,
  requestError,
  sdkClient,
  streamError,
  streamFailure
} from "./chunk-GNCORO2K.js";
import {
  newId
} from "./chunk-KRVRDXMY.js";
import {
  ModelError
} from "./chunk-XHSNTFKB.js";
import "./chunk-AXCYR7ZC.js";
import "./chunk-4S2FJ4XZ.js";

// src/model/chat-client.ts
var CHAT_STREAM_CLOSED = "stream closed before [DONE]";
var FREEFORM_ARGUMENT = "input";
var ChatCompletionsModelClient = class {
  constructor(opts) {
    this.opts = opts;
    this.client = sdkClient(opts);
  }
  opts;
  client;
  async *stream(request, signal) {
    let response;
    try {
      response = await this.client.chat.completions.create(chatParams(request), { signal }).asResponse();
    } catch (err) {
      throw requestError(err, signal, endpointUrl(this.opts.baseUrl, "chat/completions"));
    }
    const requestId = response.headers.get("x-request-id") ?? response.headers.get("x-oai-request-id");
    if (!response.body) throw new ModelError("stream_disconnected", "the response has no body", { requestId });
    const acc = new ChatAccumulator();
    let done = false;
    try {
      for await (const sse of readSse(response.body, { idleTimeoutMs: this.opts.idleTimeoutMs })) {
        if (sse.data === "") continue;
        if (sse.data.trim() === "[DONE]") {
          done = true;
          break;
        }
        const message = parseChatMessage(sse.data);
        if (message === null) continue;
        if ("error" in message) throw streamFailure(message.error, requestId);
        yield* acc.chunk(message);
      }
    } catch (err) {
      throw streamError(err, signal, requestId, CHAT_STREAM_CLOSED);
    }
    if (signal.aborted) throw new ModelError("aborted", "the model request was aborted", { requestId });
    if (!done && acc.finishReason === null) {
      throw new ModelError("stream_disconnected", CHAT_STREAM_CLOSED, { requestId });
    }
    yield* acc.finish();
  }
};
var ChatAccumulator = class {
  finishReason = null;
  responseId = "";
  usage = null;
  message = null;
  reasoning = null;
  calls = /* @__PURE__ */ new Map();
  *chunk(chunk) {
    if (typeof chunk.id === "string" && chunk.id !== "") this.responseId = chunk.id;
    if (chunk.usage) this.usage = mapUsage(chunk.usage);
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : void 0;
    if (!choice) return;
    const delta = choice.delta ?? {};
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === "string" && reasoning !== "") {
      if (!this.reasoning) {
        this.reasoning = { id: `rs_${newId()}`, text: "" };
        yield { type: "output_item_added", item: { type: "reasoning", id: this.reasoning.id, summary: [] } };
      }
      this.reasoning.text += reasoning;
      yield { type: "reasoning_text_delta", itemId: this.reasoning.id, contentIndex: 0, delta: reasoning };
    }
    if (typeof delta.content === "string" && delta.content !== "") {
      yield* this.closeReasoning();
      if (!this.message) {
        this.message = { id: `msg_${newId()}`, text: "" };
        yield { type: "output_item_added", item: { type: "message", role: "assistant", id: this.message.id, content: [] } };
      }
      this.message.text += delta.content;
      yield { type: "text_delta", itemId: this.message.id, delta: delta.content };
    }
    for (const tc of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
      yield* this.closeReasoning();
      const index = typeof tc.index === "number" ? tc.index : this.calls.size;
      let call = this.calls.get(index);
      if (!call) {
        call = { callId: "", name: "", arguments: "" };
        this.calls.set(index, call);
      }
      if (typeof tc.id === "string" && tc.id !== "" && call.callId === "") call.callId = tc.id;
      if (typeof tc.function?.name === "string" && call.name === "") call.name = tc.function.name;
      if (typeof tc.function?.arguments === "string") call.arguments += tc.function.arguments;
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }
  *finish() {
    yield* this.closeReasoning();
    if (this.message) {
      yield {
        type: "output_item_done",
        item: { type: "message", role: "assistant", id: this.message.id, content: [{ type: "output_text", text: this.message.text }] }
      };
    }
    for (const index of [...this.calls.keys()].sort((a, b) => a - b)) {
      const call = this.calls.get(index);
      yield {
        type: "output_item_done",
        item: {
          type: "function_call",
          call_id: call.callId !== "" ? call.callId : `call_${newId()}`,
          name: call.name,
          arguments: call.arguments
        }
      };
    }
    yield { type: "completed", responseId: this.responseId, usage: this.usage };
  }
  *closeReasoning() {
    if (!this.reasoning) return;
    const { id, text } = this.reasoning;
    this.reasoning = null;
    yield { type: "output_item_done", item: { type: "reasoning", id, summary: [], content: [{ type: "reasoning_text", text }] } };
  }
};
function chatParams(request) {
  const params = {
    model: request.model,
    messages: toMessages(request),
    stream: true,
    stream_options: { include_usage: true }
  };
  if (request.tools.length > 0) {
    params.tools = request.tools.map(toChatTool);
    params.tool_choice = "auto";
  }
  if (request.outputSchema) {
    const { name, schema, strict } = request.outputSchema;
    params.response_format = { type: "json_schema", json_schema: { name, schema, strict } };
  }
  if (request.reasoningEffort !== null) {
    const effort = CHAT_REASONING_EFFORTS.find((e) => e === request.reasoningEffort);
    if (effort) params.reasoning_effort = effort;
  }
  return params;
}
var CHAT_REASONING_EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh", "max"];
function toChatTool(spec) {
  if (spec.type === "function") {
    return {
      type: "function",
      function: {
        name: spec.name,
        description: spec.description,
        parameters: spec.parameters,
        ...spec.strict ? { strict: true } : {}
      }
    };
  }
  const grammar = spec.format.type === "grammar" ? `
The text follows this ${spec.format.syntax} grammar:
${spec.format.definition}` : "";
  return {
    type: "function",
    function: {
      name: spec.name,
      description: `${spec.description}
On this API the text goes in the one string argument \`${FREEFORM_ARGUMENT}\`.`,
      parameters: {
        type: "object",
        properties: { [FREEFORM_ARGUMENT]: { type: "string", description: `The whole ${spec.name} text.${grammar}` } },
        required: [FREEFORM_ARGUMENT],
        additionalProperties: false
      }
    }
  };
}
function toMessages(request) {
  const messages = [{ role: "system", content: request.instructions }];
  let assistant = null;
  const addCall = (call) => {
    if (!assistant) {
      assistant = { role: "assistant", content: null };
      messages.push(assistant);
    }
    assistant.tool_calls = [...assistant.tool_calls ?? [], call];
  };
  for (const item of request.input) {
    switch (item.type) {
      case "message": {
        const text = item.content.map((c) => c.text).join("");
        if (item.role === "assistant") {
          assistant = { role: "assistant", content: text };
          messages.push(assistant);
        } else {
          assistant = null;
          messages.push(item.role === "user" ? { role: "user", content: text } : { role: "system", content: text });
        }
        break;
      }
      case "reasoning":
        break;
      case "function_call":
        addCall({ id: item.call_id, type: "function", function: { name: item.name, arguments: item.arguments } });
        break;
      case "custom_tool_call":
        addCall({
          id: item.call_id,
          type: "function",
          function: { name: item.name, arguments: JSON.stringify({ [FREEFORM_ARGUMENT]: item.input }) }
        });
        break;
      case "function_call_output":
      case "custom_tool_call_output":
        assistant = null;
        messages.push({ role: "tool", tool_call_id: item.call_id, content: item.output });
        break;
    }
  }
  return messages;
}
function parseChatMessage(data) {
  return parseSseJson(data, isChatStreamMessage);
}
function isChatStreamMessage(v) {
  if (typeof v !== "object" || v === null) return false;
  if ("error" in v) return typeof v.error === "object" && v.error !== null;
  return "choices" in v || "usage" in v;
}
function mapUsage(u) {
  const input = u.prompt_tokens ?? 0;
  const output = u.completion_tokens ?? 0;
  return {
    inputTokens: input,
    cachedInputTokens: u.prompt_tokens_details?.cached_tokens ?? 0,
    outputTokens: output,
    reasoningOutputTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
    totalTokens: u.total_tokens || input + output
  };
}
export {
  CHAT_STREAM_CLOSED,
  ChatCompletionsModelClient,
  FREEFORM_ARGUMENT,
  chatParams,
  toChatTool,
  toMessages
};
