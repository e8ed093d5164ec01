import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  ModelFailure
} from "./chunk-AXCYR7ZC.js";

// src/model/types.ts
var QUOTA_ERROR_CODES = /* @__PURE__ */ new Set([
  "insufficient_quota",
  "usage_limit_reached",
  "usage_not_included"
]);
var TRANSIENT_FAILURE_CODES = /* @__PURE__ */ new Set([
  "server_error",
  "rate_limit_exceeded",
  "server_is_overloaded",
  "slow_down"
]);
var ModelError = class extends ModelFailure {
  constructor(kind, message, details = {}, options) {
    super(message, options);
    this.kind = kind;
    this.details = details;
  }
  kind;
  details;
  name = "ModelError";
  /** Retries spent on this request before giving up with this error (set by the retrying client). */
  retries = 0;
  /** Worth another attempt of the same request? (Never 400/401/403, never a quota error.) */
  get retryable() {
    const code = this.details.code ?? null;
    if (code !== null && QUOTA_ERROR_CODES.has(code)) return false;
    switch (this.kind) {
      case "connection":
      case "stream_disconnected":
        return true;
      case "http": {
        const status = this.details.status ?? 0;
        return status === 408 || status === 409 || status === 429 || status >= 500;
      }
      case "response_failed":
        return code !== null && TRANSIENT_FAILURE_CODES.has(code);
      case "aborted":
        return false;
    }
  }
  /** Which retry budget a retry of this failure spends. */
  get budget() {
    return this.kind === "http" || this.kind === "connection" ? "request" : "stream";
  }
};

export {
  QUOTA_ERROR_CODES,
  TRANSIENT_FAILURE_CODES,
  ModelError
};
