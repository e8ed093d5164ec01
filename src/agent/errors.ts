// Maps model failures to the protocol's TurnError (message + codexErrorInfo).

import { ModelError } from '../model/types.js';
import type { CodexErrorInfo, TurnError } from '../protocol/v2.js';

export function turnErrorFrom(err: unknown): TurnError {
  if (err instanceof ModelError) {
    return { message: err.message, codexErrorInfo: errorInfo(err), additionalDetails: err.details.body ?? null };
  }
  return { message: err instanceof Error ? err.message : String(err), codexErrorInfo: 'other', additionalDetails: null };
}

function errorInfo(err: ModelError): CodexErrorInfo {
  const status = err.details.status ?? null;
  if (err.details.code === 'context_length_exceeded') return 'contextWindowExceeded';
  switch (err.kind) {
    case 'connection':
      return { httpConnectionFailed: { httpStatusCode: status } };
    case 'stream_disconnected':
      return { responseStreamDisconnected: { httpStatusCode: status } };
    case 'response_failed':
      return 'other';
    case 'aborted':
      return 'other';
    case 'http':
      if (status === 401 || status === 403) return 'unauthorized';
      if (status === 400 || status === 422) return 'badRequest';
      if (status === 404) return 'modelNotFound';
      if (status === 429) return err.details.code === 'insufficient_quota' ? 'usageLimitExceeded' : 'rateLimitExceeded';
      if (status === 503) return 'serverOverloaded';
      if (status !== null && status >= 500) return 'internalServerError';
      return { responseStreamConnectionFailed: { httpStatusCode: status } };
  }
}
