import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);

// src/util/errors.ts
var TernError = class extends Error {
  constructor(code, message, options) {
    super(message, options?.cause === void 0 ? void 0 : { cause: options.cause });
    this.code = code;
    this.category = options?.category ?? new.target.defaultCategory;
  }
  code;
  /** The category of instances of this class (subclasses override it); options.category wins. */
  static defaultCategory = "invalid-request";
  name = "TernError";
  category;
};
function categoryBase(category) {
  return class extends TernError {
    static defaultCategory = category;
    constructor(message = "", options) {
      super(options?.code ?? category, message, options);
    }
  };
}
var InvalidRequestFailure = class extends categoryBase("invalid-request") {
};
var NotFoundFailure = class extends categoryBase("not-found") {
};
var UnsupportedFailure = class extends categoryBase("unsupported") {
};
var OverloadedFailure = class extends categoryBase("overloaded") {
};
var UsageFailure = class extends categoryBase("usage") {
};
var ConfigFailure = class extends categoryBase("config") {
};
var PolicyFailure = class extends categoryBase("policy") {
};
var ModelFailure = class extends categoryBase("model") {
};
var SandboxFailure = class extends categoryBase("sandbox") {
};
var ToolFailure = class extends categoryBase("tool") {
};
var GitFailure = class extends categoryBase("git") {
};
var ServerFailure = class extends categoryBase("server") {
};
var TimeoutFailure = class extends categoryBase("timeout") {
};
var InterruptedFailure = class extends categoryBase("interrupted") {
};
var InternalFailure = class extends categoryBase("internal") {
};
function categoryOf(err) {
  return err instanceof TernError ? err.category : "internal";
}
var USER_KIND = {
  "invalid-request": "usage",
  "not-found": "usage",
  unsupported: "usage",
  usage: "usage",
  config: "usage",
  overloaded: "server",
  server: "server",
  sandbox: "server",
  policy: "policy",
  model: "model",
  timeout: "timeout",
  interrupted: "interrupted",
  budget: "budget",
  tool: "internal",
  git: "internal",
  internal: "internal"
};
var USER_LINE_MAX = 400;
function userFailure(err) {
  const category = categoryOf(err);
  const text = errorMessage(err).replace(/\s+/g, " ").trim() || "unknown error";
  const line = category === "internal" && !(err instanceof TernError) ? `internal error: ${text}` : text;
  return { kind: USER_KIND[category], line: line.length > USER_LINE_MAX ? `${line.slice(0, USER_LINE_MAX - 1)}\u2026` : line };
}
function errorMessage(err) {
  if (err instanceof Error) return err.message;
  return String(err);
}

export {
  TernError,
  UnsupportedFailure,
  UsageFailure,
  ConfigFailure,
  ModelFailure,
  ToolFailure,
  ServerFailure,
  InterruptedFailure,
  categoryOf,
  userFailure,
  errorMessage
};
