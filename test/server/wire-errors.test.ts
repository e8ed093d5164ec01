/** The one mapping of errors to the wire: JSON-RPC code and message per category. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { RpcError } from '../../src/jsonrpc/connection.js';
import { ModelError } from '../../src/model/types.js';
import { toRpcError } from '../../src/server/wire-errors.js';
import { NotFoundFailure, OverloadedFailure, TernError, UnsupportedFailure } from '../../src/util/errors.js';

describe('toRpcError', () => {
  it.each<[string, unknown, number, string]>([
    ['a plain TernError (semantic failure: the reference says -32600)', new TernError('thread_not_found', 'thread not found: x'), -32600, 'thread not found: x'],
    ['a not-found failure', new NotFoundFailure('thread not loaded: x'), -32600, 'thread not loaded: x'],
    ['a config error', new ConfigError('Invalid config'), -32600, 'Invalid config'],
    ['a known method not served', new UnsupportedFailure('thread/fork is not supported yet'), -32601, 'thread/fork is not supported yet'],
    ['an overload', new OverloadedFailure('Server overloaded; retry later.'), -32001, 'Server overloaded; retry later.'],
    ['a model failure', new ModelError('http', 'HTTP 500'), -32603, 'HTTP 500'],
    ['a bug', new TypeError('x is undefined'), -32603, 'x is undefined'],
  ])('%s', (_name, err, code, message) => {
    expect(toRpcError(err).toJSON()).toEqual({ code, message });
  });

  it('passes an RpcError through unchanged', () => {
    const rpc = new RpcError(-32600, 'Not initialized', { reason: 'x' });
    expect(toRpcError(rpc)).toBe(rpc);
  });
});
