/** The one error hierarchy and its mapping to the user (a failure kind, hence an exit code, and one line). */
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, type FailureKind } from '../../src/artifacts/result.js';
import { ServerExitedError } from '../../src/client/client.js';
import { ConfigError } from '../../src/config/errors.js';
import { UsageError } from '../../src/driver/args.js';
import { PolicyError } from '../../src/driver/policy/load.js';
import { SessionError } from '../../src/driver/session.js';
import { RequestFailedError } from '../../src/jsonrpc/connection.js';
import { SseIdleTimeoutError } from '../../src/model/sse.js';
import { ModelError } from '../../src/model/types.js';
import { SandboxUnavailableError } from '../../src/sandbox/errors.js';
import { PatchParseError } from '../../src/tools/apply-patch/parse.js';
import { ToolArgumentError } from '../../src/tools/exec-command.js';
import { categoryOf, InternalFailure, OverloadedFailure, TernError, userFailure, type UserFailureKind } from '../../src/util/errors.js';

describe('the error hierarchy', () => {
  it.each([
    ['ConfigError', new ConfigError('bad key'), 'config'],
    ['UsageError', new UsageError('--prompt is required'), 'usage'],
    ['PolicyError', new PolicyError([{ file: 'p.yml', line: 1, col: 1, at: '', message: 'bad' }]), 'usage'],
    ['ModelError', new ModelError('http', 'HTTP 500'), 'model'],
    ['SseIdleTimeoutError', new SseIdleTimeoutError(5), 'model'],
    ['SandboxUnavailableError', new SandboxUnavailableError('no bwrap'), 'sandbox'],
    ['ToolArgumentError', new ToolArgumentError('cmd missing'), 'tool'],
    ['PatchParseError', new PatchParseError('no Begin Patch', 1), 'tool'],
    ['RequestFailedError', new RequestFailedError('timeout', 'no reply'), 'server'],
    ['SessionError(timeout)', new SessionError('timeout', 'timed out after 1s'), 'timeout'],
    ['SessionError(server)', new SessionError('server', 'initialize failed'), 'server'],
    ['a plain TernError', new TernError('thread_not_found', 'thread not found: x'), 'invalid-request'],
  ])('%s is a TernError of category %s', (_name, err, category) => {
    expect(err).toBeInstanceOf(TernError);
    expect(err).toBeInstanceOf(Error);
    expect(err.category).toBe(category);
    expect(typeof err.code).toBe('string');
  });

  it('keeps the cause, the domain fields and the name', () => {
    const cause = new Error('root');
    const err = new ModelError('http', 'HTTP 500', {}, { cause });
    expect(err.cause).toBe(cause);
    expect(err.kind).toBe('http');
    expect(err.name).toBe('ModelError');
    expect(new OverloadedFailure('slow down', { code: 'queue_full' }).code).toBe('queue_full');
    expect(new InternalFailure('x', { category: 'git' }).category).toBe('git');
  });

  it('anything else thrown is internal', () => {
    expect(categoryOf(new TypeError('x is undefined'))).toBe('internal');
    expect(categoryOf('a string')).toBe('internal');
  });
});

describe('userFailure: the one mapping to the user', () => {
  it.each<[string, unknown, UserFailureKind, string]>([
    ['a usage error', new UsageError('--prompt is required'), 'usage', '--prompt is required'],
    ['a config error', new ConfigError('Invalid -c override x: expected a string'), 'usage', 'Invalid -c override x: expected a string'],
    ['a model error', new ModelError('http', 'HTTP 401\nunauthorized'), 'model', 'HTTP 401 unauthorized'],
    ['a timeout', new SessionError('timeout', 'timed out after 10s'), 'timeout', 'timed out after 10s'],
    ['an interruption', new SessionError('interrupted', 'tern run was interrupted (SIGINT/SIGTERM)'), 'interrupted', 'tern run was interrupted (SIGINT/SIGTERM)'],
    ['a dead server', new ServerExitedError({ code: 1, signal: null, spawnError: null, stderrTail: [] }), 'server', expect.stringContaining('app server') as never],
    ['an overload', new OverloadedFailure('Server overloaded; retry later.'), 'server', 'Server overloaded; retry later.'],
    ['a sandbox failure', new SandboxUnavailableError('no bwrap'), 'server', 'sandbox unavailable: no bwrap'],
    ['a bug', new TypeError('x is undefined'), 'internal', 'internal error: x is undefined'],
    ['a thrown string', 'boom', 'internal', 'internal error: boom'],
  ])('%s', (_name, err, kind, line) => {
    expect(userFailure(err)).toEqual({ kind, line });
  });

  it('gives every kind an exit code of the run result, and caps the line', () => {
    const kinds: UserFailureKind[] = ['model', 'budget', 'timeout', 'interrupted', 'server', 'usage', 'internal', 'policy'];
    for (const kind of kinds) expect(EXIT_CODES[kind satisfies FailureKind]).toBeGreaterThan(0);
    expect(userFailure(new UsageError('x'.repeat(1000))).line).toHaveLength(400);
  });
});
