import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  TernError
} from "./chunk-AXCYR7ZC.js";

// src/transport/ws-auth.ts
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
var DEFAULT_MAX_CLOCK_SKEW_SECONDS = 30;
var MIN_SHARED_SECRET_BYTES = 32;
var SHA256_HEX_LENGTH = 64;
var HTTP_UNAUTHORIZED = 401;
var fail = (message) => new TernError("invalid_ws_auth", message);
function wsAuthPolicy(f) {
  const jwtFlags = [f.wsSharedSecretFile, f.wsIssuer, f.wsAudience, f.wsMaxClockSkewSeconds].some((v) => v !== void 0);
  const tokenFlags = f.wsTokenFile !== void 0 || f.wsTokenSha256 !== void 0;
  switch (f.wsAuth) {
    case void 0:
      if (jwtFlags || tokenFlags) throw fail("websocket auth flags require `--ws-auth capability-token` or `--ws-auth signed-bearer-token`");
      return { mode: "none" };
    case "capability-token":
      if (jwtFlags) {
        throw fail("`--ws-shared-secret-file`, `--ws-issuer`, `--ws-audience`, and `--ws-max-clock-skew-seconds` require `--ws-auth signed-bearer-token`");
      }
      return { mode: "capability-token", tokenSha256: capabilityDigest(f) };
    case "signed-bearer-token": {
      if (tokenFlags) throw fail("`--ws-token-file` and `--ws-token-sha256` require `--ws-auth capability-token`, not `signed-bearer-token`");
      if (f.wsSharedSecretFile === void 0) throw fail("`--ws-shared-secret-file` is required when `--ws-auth signed-bearer-token` is set");
      const secretPath = absolute("--ws-shared-secret-file", f.wsSharedSecretFile);
      const secret = Buffer.from(readSecret(secretPath), "utf8");
      if (secret.length < MIN_SHARED_SECRET_BYTES) {
        throw fail(`signed websocket bearer secret ${secretPath} must be at least ${MIN_SHARED_SECRET_BYTES} bytes`);
      }
      return {
        mode: "signed-bearer-token",
        secret,
        issuer: nonEmpty(f.wsIssuer),
        audience: nonEmpty(f.wsAudience),
        maxClockSkewSeconds: clockSkew(f.wsMaxClockSkewSeconds)
      };
    }
    default:
      throw fail(`invalid value '${f.wsAuth}' for '--ws-auth <MODE>' (possible values: capability-token, signed-bearer-token)`);
  }
}
function capabilityDigest(f) {
  if (f.wsTokenFile !== void 0 && f.wsTokenSha256 !== void 0) throw fail("use either `--ws-token-file` or `--ws-token-sha256`, not both");
  if (f.wsTokenSha256 !== void 0) {
    const hex = f.wsTokenSha256.trim();
    if (hex.length !== SHA256_HEX_LENGTH || !/^[0-9a-fA-F]+$/.test(hex)) throw fail("`--ws-token-sha256` must be 64 hex digits (a SHA-256 digest)");
    return Buffer.from(hex, "hex");
  }
  if (f.wsTokenFile === void 0) throw fail("`--ws-token-file` or `--ws-token-sha256` is required when `--ws-auth capability-token` is set");
  return sha256(readSecret(absolute("--ws-token-file", f.wsTokenFile)));
}
function absolute(flag, p) {
  if (!path.isAbsolute(p)) throw fail(`${flag} must be an absolute path`);
  return p;
}
function readSecret(file) {
  let raw;
  try {
    raw = readFileSync(file, "utf8");
  } catch (err) {
    throw fail(`failed to read websocket auth secret ${file}: ${err.message}`);
  }
  const trimmed = raw.trim();
  if (trimmed === "") throw fail(`websocket auth secret ${file} must not be empty`);
  return trimmed;
}
function nonEmpty(v) {
  const t = v?.trim();
  return t ? t : null;
}
function clockSkew(v) {
  if (v === void 0) return DEFAULT_MAX_CLOCK_SKEW_SECONDS;
  if (!/^\d+$/.test(v)) throw fail(`invalid value '${v}' for '--ws-max-clock-skew-seconds <SECONDS>': expected a non-negative integer`);
  return Number(v);
}
function sha256(text) {
  return createHash("sha256").update(text, "utf8").digest();
}
function authorizeUpgrade(authorization, policy, nowSeconds) {
  if (policy.mode === "none") return { ok: true };
  const token = bearerToken(authorization);
  if (typeof token !== "string") return token;
  if (policy.mode === "capability-token") {
    return timingSafeEqual(sha256(token), policy.tokenSha256) ? { ok: true } : unauthorized("invalid websocket bearer token");
  }
  const claims = verifyHs256(token, policy.secret);
  if (claims === null) return unauthorized("invalid websocket jwt");
  return checkClaims(claims, policy, nowSeconds);
}
function bearerToken(header) {
  if (header === void 0) return unauthorized("missing websocket bearer token");
  const space = header.indexOf(" ");
  if (space === -1 || header.slice(0, space).toLowerCase() !== "bearer") return unauthorized("invalid authorization header");
  const token = header.slice(space + 1).trim();
  return token === "" ? unauthorized("invalid authorization header") : token;
}
function verifyHs256(token, secret) {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts;
  const h = decodeSegment(header);
  if (h === null || h.alg !== "HS256") return null;
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  const actual = Buffer.from(signature, "base64url");
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  const c = decodeSegment(payload);
  if (c === null || !Number.isInteger(c.exp)) return null;
  if (c.nbf !== void 0 && c.nbf !== null && !Number.isInteger(c.nbf)) return null;
  if (c.iss !== void 0 && c.iss !== null && typeof c.iss !== "string") return null;
  const aud = c.aud;
  if (aud !== void 0 && aud !== null && typeof aud !== "string" && !(Array.isArray(aud) && aud.every((a) => typeof a === "string"))) return null;
  return {
    exp: c.exp,
    ...typeof c.nbf === "number" ? { nbf: c.nbf } : {},
    ...typeof c.iss === "string" ? { iss: c.iss } : {},
    ...aud !== void 0 && aud !== null ? { aud } : {}
  };
}
function decodeSegment(segment) {
  try {
    const v = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return v !== null && typeof v === "object" && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}
function checkClaims(c, p, now) {
  if (now > c.exp + p.maxClockSkewSeconds) return unauthorized("expired websocket jwt");
  if (c.nbf !== void 0 && now < c.nbf - p.maxClockSkewSeconds) return unauthorized("websocket jwt is not valid yet");
  if (p.issuer !== null && c.iss !== p.issuer) return unauthorized("websocket jwt issuer mismatch");
  if (p.audience !== null) {
    const auds = c.aud === void 0 ? [] : Array.isArray(c.aud) ? c.aud : [c.aud];
    if (!auds.includes(p.audience)) return unauthorized("websocket jwt audience mismatch");
  }
  return { ok: true };
}
function unauthorized(message) {
  return { ok: false, status: HTTP_UNAUTHORIZED, message };
}

export {
  wsAuthPolicy,
  authorizeUpgrade
};
