// WebSocket authentication, checked on the HTTP upgrade as the reference server
// checks it: `Authorization: Bearer <token>` (scheme case-insensitive), else 401.
//   capability-token:   SHA-256 of the token equals the configured digest
//                       (from --ws-token-file, trimmed, or --ws-token-sha256).
//   signed-bearer-token: an HS256 JWT signed with the shared secret (at least 32
//                       bytes, trimmed); `exp` required, `nbf` optional, both with
//                       --ws-max-clock-skew-seconds (default 30); `iss` and `aud`
//                       (a string or an array) checked when configured.
// HS256 is verified with node:crypto rather than a JWT library: one algorithm, a
// constant-time compare, and claim rules that are the reference's own (skew on
// both bounds, `exp` mandatory), which a library would need configuring away from.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TernError } from '../util/errors.js';

export interface WsAuthFlags {
  wsAuth?: string;
  wsTokenFile?: string;
  wsTokenSha256?: string;
  wsSharedSecretFile?: string;
  wsIssuer?: string;
  wsAudience?: string;
  wsMaxClockSkewSeconds?: string;
}

export type WsAuthPolicy =
  | { mode: 'none' }
  | { mode: 'capability-token'; tokenSha256: Buffer }
  | { mode: 'signed-bearer-token'; secret: Buffer; issuer: string | null; audience: string | null; maxClockSkewSeconds: number };

export type AuthResult = { ok: true } | { ok: false; status: number; message: string };

/** The reference's default tolerance on `exp`/`nbf`. */
const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 30;
/** HS256 secrets shorter than this are refused at start-up. */
const MIN_SHARED_SECRET_BYTES = 32;
const SHA256_HEX_LENGTH = 64;
const HTTP_UNAUTHORIZED = 401;

const fail = (message: string) => new TernError('invalid_ws_auth', message);

/** Validates the flag combination and reads the secret files (at start-up, once). */
export function wsAuthPolicy(f: WsAuthFlags): WsAuthPolicy {
  const jwtFlags = [f.wsSharedSecretFile, f.wsIssuer, f.wsAudience, f.wsMaxClockSkewSeconds].some((v) => v !== undefined);
  const tokenFlags = f.wsTokenFile !== undefined || f.wsTokenSha256 !== undefined;
  switch (f.wsAuth) {
    case undefined:
      if (jwtFlags || tokenFlags) throw fail('websocket auth flags require `--ws-auth capability-token` or `--ws-auth signed-bearer-token`');
      return { mode: 'none' };
    case 'capability-token':
      if (jwtFlags) {
        throw fail('`--ws-shared-secret-file`, `--ws-issuer`, `--ws-audience`, and `--ws-max-clock-skew-seconds` require `--ws-auth signed-bearer-token`');
      }
      return { mode: 'capability-token', tokenSha256: capabilityDigest(f) };
    case 'signed-bearer-token': {
      if (tokenFlags) throw fail('`--ws-token-file` and `--ws-token-sha256` require `--ws-auth capability-token`, not `signed-bearer-token`');
      if (f.wsSharedSecretFile === undefined) throw fail('`--ws-shared-secret-file` is required when `--ws-auth signed-bearer-token` is set');
      const secretPath = absolute('--ws-shared-secret-file', f.wsSharedSecretFile);
      const secret = Buffer.from(readSecret(secretPath), 'utf8');
      if (secret.length < MIN_SHARED_SECRET_BYTES) {
        throw fail(`signed websocket bearer secret ${secretPath} must be at least ${MIN_SHARED_SECRET_BYTES} bytes`);
      }
      return {
        mode: 'signed-bearer-token',
        secret,
        issuer: nonEmpty(f.wsIssuer),
        audience: nonEmpty(f.wsAudience),
        maxClockSkewSeconds: clockSkew(f.wsMaxClockSkewSeconds),
      };
    }
    default:
      throw fail(`invalid value '${f.wsAuth}' for '--ws-auth <MODE>' (possible values: capability-token, signed-bearer-token)`);
  }
}

function capabilityDigest(f: WsAuthFlags): Buffer {
  if (f.wsTokenFile !== undefined && f.wsTokenSha256 !== undefined) throw fail('use either `--ws-token-file` or `--ws-token-sha256`, not both');
  if (f.wsTokenSha256 !== undefined) {
    const hex = f.wsTokenSha256.trim();
    if (hex.length !== SHA256_HEX_LENGTH || !/^[0-9a-fA-F]+$/.test(hex)) throw fail('`--ws-token-sha256` must be 64 hex digits (a SHA-256 digest)');
    return Buffer.from(hex, 'hex');
  }
  if (f.wsTokenFile === undefined) throw fail('`--ws-token-file` or `--ws-token-sha256` is required when `--ws-auth capability-token` is set');
  return sha256(readSecret(absolute('--ws-token-file', f.wsTokenFile)));
}

function absolute(flag: string, p: string): string {
  if (!path.isAbsolute(p)) throw fail(`${flag} must be an absolute path`);
  return p;
}

function readSecret(file: string): string {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw fail(`failed to read websocket auth secret ${file}: ${(err as Error).message}`);
  }
  const trimmed = raw.trim();
  if (trimmed === '') throw fail(`websocket auth secret ${file} must not be empty`);
  return trimmed;
}

function nonEmpty(v: string | undefined): string | null {
  const t = v?.trim();
  return t ? t : null;
}

function clockSkew(v: string | undefined): number {
  if (v === undefined) return DEFAULT_MAX_CLOCK_SKEW_SECONDS;
  if (!/^\d+$/.test(v)) throw fail(`invalid value '${v}' for '--ws-max-clock-skew-seconds <SECONDS>': expected a non-negative integer`);
  return Number(v);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Checks an upgrade request's Authorization header against the policy. */
export function authorizeUpgrade(authorization: string | undefined, policy: WsAuthPolicy, nowSeconds: number): AuthResult {
  if (policy.mode === 'none') return { ok: true };
  const token = bearerToken(authorization);
  if (typeof token !== 'string') return token;
  if (policy.mode === 'capability-token') {
    return timingSafeEqual(sha256(token), policy.tokenSha256) ? { ok: true } : unauthorized('invalid websocket bearer token');
  }
  const claims = verifyHs256(token, policy.secret);
  if (claims === null) return unauthorized('invalid websocket jwt');
  return checkClaims(claims, policy, nowSeconds);
}

function bearerToken(header: string | undefined): string | AuthResult {
  if (header === undefined) return unauthorized('missing websocket bearer token');
  const space = header.indexOf(' ');
  if (space === -1 || header.slice(0, space).toLowerCase() !== 'bearer') return unauthorized('invalid authorization header');
  const token = header.slice(space + 1).trim();
  return token === '' ? unauthorized('invalid authorization header') : token;
}

interface JwtClaims {
  exp: number;
  nbf?: number;
  iss?: string;
  aud?: string | string[];
}

/** The claims of a well-formed HS256 JWT whose signature matches, else null. */
function verifyHs256(token: string, secret: Buffer): JwtClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts as [string, string, string];
  const h = decodeSegment(header);
  if (h === null || h.alg !== 'HS256') return null;
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const actual = Buffer.from(signature, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  const c = decodeSegment(payload);
  if (c === null || !Number.isInteger(c.exp)) return null;
  if (c.nbf !== undefined && c.nbf !== null && !Number.isInteger(c.nbf)) return null;
  if (c.iss !== undefined && c.iss !== null && typeof c.iss !== 'string') return null;
  const aud = c.aud;
  if (aud !== undefined && aud !== null && typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))) return null;
  return {
    exp: c.exp as number,
    ...(typeof c.nbf === 'number' ? { nbf: c.nbf } : {}),
    ...(typeof c.iss === 'string' ? { iss: c.iss } : {}),
    ...(aud !== undefined && aud !== null ? { aud: aud as string | string[] } : {}),
  };
}

function decodeSegment(segment: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function checkClaims(c: JwtClaims, p: Extract<WsAuthPolicy, { mode: 'signed-bearer-token' }>, now: number): AuthResult {
  if (now > c.exp + p.maxClockSkewSeconds) return unauthorized('expired websocket jwt');
  if (c.nbf !== undefined && now < c.nbf - p.maxClockSkewSeconds) return unauthorized('websocket jwt is not valid yet');
  if (p.issuer !== null && c.iss !== p.issuer) return unauthorized('websocket jwt issuer mismatch');
  if (p.audience !== null) {
    const auds = c.aud === undefined ? [] : Array.isArray(c.aud) ? c.aud : [c.aud];
    if (!auds.includes(p.audience)) return unauthorized('websocket jwt audience mismatch');
  }
  return { ok: true };
}

function unauthorized(message: string): AuthResult {
  return { ok: false, status: HTTP_UNAUTHORIZED, message };
}
