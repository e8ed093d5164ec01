/** WebSocket upgrade auth (src/transport/ws-auth.ts): flag rules and token checks, as the reference's. */
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { authorizeUpgrade, wsAuthPolicy } from '../../src/transport/ws-auth.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tern-wsauth-unit-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const SECRET = 'x'.repeat(32);
const NOW = 1_800_000_000;

function jwt(claims: unknown, header: unknown = { alg: 'HS256', typ: 'JWT' }, secret = SECRET): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${enc(header)}.${enc(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

describe('wsAuthPolicy (flags)', () => {
  it('no --ws-auth means no auth, and auth flags without it are refused', () => {
    expect(wsAuthPolicy({})).toEqual({ mode: 'none' });
    expect(() => wsAuthPolicy({ wsIssuer: 'x' })).toThrow('require `--ws-auth capability-token` or `--ws-auth signed-bearer-token`');
  });

  it('capability-token needs a token file (absolute, non-empty) or a 64-hex digest, and no JWT flags', () => {
    expect(() => wsAuthPolicy({ wsAuth: 'capability-token' })).toThrow('--ws-token-file');
    expect(() => wsAuthPolicy({ wsAuth: 'capability-token', wsTokenFile: 'relative' })).toThrow('must be an absolute path');
    expect(() => wsAuthPolicy({ wsAuth: 'capability-token', wsTokenFile: file('empty', ' \n') })).toThrow('must not be empty');
    expect(() => wsAuthPolicy({ wsAuth: 'capability-token', wsTokenSha256: 'abc' })).toThrow('64 hex digits');
    expect(() => wsAuthPolicy({ wsAuth: 'capability-token', wsTokenFile: file('t', 'tok'), wsAudience: 'a' })).toThrow('require `--ws-auth signed-bearer-token`');
    const p = wsAuthPolicy({ wsAuth: 'capability-token', wsTokenFile: file('t2', '  tok\n') });
    expect(p).toEqual({ mode: 'capability-token', tokenSha256: createHash('sha256').update('tok').digest() });
  });

  it('signed-bearer-token needs a secret of at least 32 bytes; issuer/audience trimmed; skew defaults to 30', () => {
    expect(() => wsAuthPolicy({ wsAuth: 'signed-bearer-token' })).toThrow('--ws-shared-secret-file');
    expect(() => wsAuthPolicy({ wsAuth: 'signed-bearer-token', wsSharedSecretFile: file('s', 'short') })).toThrow('at least 32 bytes');
    expect(() => wsAuthPolicy({ wsAuth: 'signed-bearer-token', wsSharedSecretFile: file('s1', SECRET), wsTokenFile: '/x' })).toThrow('require `--ws-auth capability-token`');
    expect(() => wsAuthPolicy({ wsAuth: 'signed-bearer-token', wsSharedSecretFile: file('s2', SECRET), wsMaxClockSkewSeconds: '-1' })).toThrow('non-negative integer');
    expect(wsAuthPolicy({ wsAuth: 'signed-bearer-token', wsSharedSecretFile: file('s3', `${SECRET}\n`), wsIssuer: ' ci ', wsAudience: '' })).toEqual({
      mode: 'signed-bearer-token',
      secret: Buffer.from(SECRET),
      issuer: 'ci',
      audience: null,
      maxClockSkewSeconds: 30,
    });
    expect(() => wsAuthPolicy({ wsAuth: 'password' })).toThrow("invalid value 'password'");
  });
});

describe('authorizeUpgrade', () => {
  const capability = wsAuthPolicy({ wsAuth: 'capability-token', wsTokenFile: file('cap', 'tok') });
  const signed = { mode: 'signed-bearer-token' as const, secret: Buffer.from(SECRET), issuer: 'ci', audience: 'tern', maxClockSkewSeconds: 10 };
  const check = (header: string | undefined) => authorizeUpgrade(header, signed, NOW);
  const reason = (r: ReturnType<typeof authorizeUpgrade>) => (r.ok ? 'ok' : `${r.status} ${r.message}`);

  it('reads only `Authorization: Bearer <token>`', () => {
    expect(reason(authorizeUpgrade(undefined, capability, NOW))).toBe('401 missing websocket bearer token');
    expect(reason(authorizeUpgrade('tok', capability, NOW))).toBe('401 invalid authorization header');
    expect(reason(authorizeUpgrade('Bearer ', capability, NOW))).toBe('401 invalid authorization header');
    expect(reason(authorizeUpgrade('Token tok', capability, NOW))).toBe('401 invalid authorization header');
    expect(reason(authorizeUpgrade('BEARER tok', capability, NOW))).toBe('ok');
    expect(reason(authorizeUpgrade('Bearer tok2', capability, NOW))).toBe('401 invalid websocket bearer token');
  });

  it('a JWT: HS256 signature, exp required, exp/nbf with skew, issuer, audience string or list', () => {
    const good = { exp: NOW, iss: 'ci', aud: 'tern' };
    expect(reason(check(`Bearer ${jwt(good)}`))).toBe('ok');
    expect(reason(check(`Bearer ${jwt({ ...good, exp: NOW - 10 })}`))).toBe('ok');
    expect(reason(check(`Bearer ${jwt({ ...good, exp: NOW - 11 })}`))).toBe('401 expired websocket jwt');
    expect(reason(check(`Bearer ${jwt({ ...good, nbf: NOW + 10 })}`))).toBe('ok');
    expect(reason(check(`Bearer ${jwt({ ...good, nbf: NOW + 11 })}`))).toBe('401 websocket jwt is not valid yet');
    expect(reason(check(`Bearer ${jwt({ ...good, iss: undefined })}`))).toBe('401 websocket jwt issuer mismatch');
    expect(reason(check(`Bearer ${jwt({ ...good, aud: ['a', 'tern'] })}`))).toBe('ok');
    expect(reason(check(`Bearer ${jwt({ ...good, aud: ['a'] })}`))).toBe('401 websocket jwt audience mismatch');
    expect(reason(check(`Bearer ${jwt({ iss: 'ci', aud: 'tern' })}`))).toBe('401 invalid websocket jwt');
    expect(reason(check(`Bearer ${jwt({ ...good, exp: 'soon' })}`))).toBe('401 invalid websocket jwt');
    expect(reason(check(`Bearer ${jwt(good, { alg: 'HS512' })}`))).toBe('401 invalid websocket jwt');
    expect(reason(check(`Bearer ${jwt(good, undefined, 'y'.repeat(32))}`))).toBe('401 invalid websocket jwt');
    expect(reason(check(`Bearer ${jwt(good).split('.').slice(0, 2).join('.')}.`))).toBe('401 invalid websocket jwt');
    expect(reason(check('Bearer not-a-jwt'))).toBe('401 invalid websocket jwt');
  });

  it('without issuer and audience configured, only the signature and times count', () => {
    const open = { ...signed, issuer: null, audience: null };
    expect(reason(authorizeUpgrade(`Bearer ${jwt({ exp: NOW })}`, open, NOW))).toBe('ok');
  });
});
