// The one error base class: a machine-readable code plus an optional cause.
// Mapped to JSON-RPC codes in server/ and to one-line reasons in the CLI.

export class TernError extends Error {
  override name = 'TernError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
