// The one error hierarchy. Every error tern raises on purpose is a TernError: a
// machine-readable `code`, a `category` that says what kind of failure it is, and
// an optional cause. Domain classes extend the category base that fits
// (ConfigError extends ConfigFailure, ModelError extends ModelFailure, ...).
//
// Each category is mapped exactly twice:
// - to the wire (JSON-RPC code + message): src/server/wire-errors.ts;
// - to the user (a failure kind, hence an exit code, and one line): userFailure() below,
//   used by `tern run` and by the CLI's last-resort handler.

/** What kind of failure an error is; decides its JSON-RPC code and its exit code. */
export type ErrorCategory =
  /** The request cannot be done as asked (bad params, wrong state). The default. */
  | 'invalid-request'
  | 'not-found'
  /** A method the protocol knows but this server does not serve. */
  | 'unsupported'
  /** Too much at once: the client should retry later. */
  | 'overloaded'
  | 'usage'
  | 'config'
  | 'policy'
  | 'model'
  | 'sandbox'
  | 'tool'
  | 'git'
  | 'server'
  | 'timeout'
  | 'interrupted'
  | 'budget'
  /** A bug or an unexpected state. */
  | 'internal';

export interface TernErrorOptions {
  cause?: unknown;
  /** Overrides the class's category (e.g. a session error that is a timeout). */
  category?: ErrorCategory;
}

export class TernError extends Error {
  /** The category of instances of this class (subclasses override it); options.category wins. */
  static defaultCategory: ErrorCategory = 'invalid-request';
  override name = 'TernError';
  readonly category: ErrorCategory;
  constructor(
    readonly code: string,
    message: string,
    options?: TernErrorOptions,
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.category = options?.category ?? (new.target as typeof TernError).defaultCategory;
  }
}

/**
 * A category base for domain errors built from a message alone: `code` is the
 * category's name unless the subclass passes one.
 */
function categoryBase(category: ErrorCategory) {
  return class extends TernError {
    static override defaultCategory: ErrorCategory = category;
    constructor(message = '', options?: TernErrorOptions & { code?: string }) {
      super(options?.code ?? category, message, options);
    }
  };
}

export class InvalidRequestFailure extends categoryBase('invalid-request') {}
export class NotFoundFailure extends categoryBase('not-found') {}
export class UnsupportedFailure extends categoryBase('unsupported') {}
export class OverloadedFailure extends categoryBase('overloaded') {}
export class UsageFailure extends categoryBase('usage') {}
export class ConfigFailure extends categoryBase('config') {}
export class PolicyFailure extends categoryBase('policy') {}
export class ModelFailure extends categoryBase('model') {}
export class SandboxFailure extends categoryBase('sandbox') {}
export class ToolFailure extends categoryBase('tool') {}
export class GitFailure extends categoryBase('git') {}
export class ServerFailure extends categoryBase('server') {}
export class TimeoutFailure extends categoryBase('timeout') {}
export class InterruptedFailure extends categoryBase('interrupted') {}
export class InternalFailure extends categoryBase('internal') {}

/** The category of anything thrown: a TernError's own, `internal` for everything else. */
export function categoryOf(err: unknown): ErrorCategory {
  return err instanceof TernError ? err.category : 'internal';
}

/**
 * How `tern run` reports a failure: the same names as the run result's failure
 * kinds (src/artifacts/result.ts FailureKind, which maps them to exit codes).
 */
export type UserFailureKind = 'model' | 'budget' | 'timeout' | 'interrupted' | 'server' | 'usage' | 'internal' | 'policy';

const USER_KIND: Record<ErrorCategory, UserFailureKind> = {
  'invalid-request': 'usage',
  'not-found': 'usage',
  unsupported: 'usage',
  usage: 'usage',
  config: 'usage',
  overloaded: 'server',
  server: 'server',
  sandbox: 'server',
  policy: 'policy',
  model: 'model',
  timeout: 'timeout',
  interrupted: 'interrupted',
  budget: 'budget',
  tool: 'internal',
  git: 'internal',
  internal: 'internal',
};

/** The longest one-line reason shown to a user. */
const USER_LINE_MAX = 400;

/** The user's view of a failure: its kind (hence exit code) and one line of text. */
export function userFailure(err: unknown): { kind: UserFailureKind; line: string } {
  const category = categoryOf(err);
  const text = errorMessage(err).replace(/\s+/g, ' ').trim() || 'unknown error';
  const line = category === 'internal' && !(err instanceof TernError) ? `internal error: ${text}` : text;
  return { kind: USER_KIND[category], line: line.length > USER_LINE_MAX ? `${line.slice(0, USER_LINE_MAX - 1)}…` : line };
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
