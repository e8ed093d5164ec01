/**
 * Conformance oracle: validates app-server traffic against the JSON Schema that the pinned
 * reference implementation (`@openai/codex`, see package.json) generates for its own protocol
 * (`codex app-server generate-json-schema`). The schema is generated once per codex version
 * into a cache dir under os.tmpdir() and shared by all vitest workers.
 *
 * Only server->client traffic is judged; client->server traffic is fed in too so that responses
 * can be matched to the method of the request they answer.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv, _ } from 'ajv';
import type { ErrorObject, Format, ValidateFunction } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';

const execFileAsync = promisify(execFile);
// CJS interop: the module object or its `default`, depending on how it was loaded.
type StandaloneCode = (ajv: Ajv, refsOrFunc?: ValidateFunction) => string;
const standaloneCode: StandaloneCode =
  (standaloneModule as unknown as { default?: StandaloneCode }).default ?? (standaloneModule as unknown as StandaloneCode);

/** Repository root (this file lives in <root>/test/support). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Version of the pinned reference implementation, read from node_modules. */
export function codexVersion(): string {
  const pkg = JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'node_modules', '@openai', 'codex', 'package.json'), 'utf8'),
  ) as { version: string };
  return pkg.version;
}

/**
 * Path of the codex executable: the native binary of `@openai/codex-linux-x64` (preferred: no
 * Node wrapper process, ~100 ms faster start), else `node_modules/.bin/codex`.
 */
export function codexBinaryPath(): string {
  const native = path.join(
    REPO_ROOT,
    'node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex',
  );
  if (existsSync(native)) return native;
  return path.join(REPO_ROOT, 'node_modules', '.bin', 'codex');
}

let schemaDirPromise: Promise<string> | undefined;

/**
 * Directory holding the output of `codex app-server generate-json-schema` for the pinned codex
 * version (`ServerNotification.json`, `ServerRequest.json`, `JSONRPCError.json`,
 * `v1/InitializeResponse.json`, `v2/<Name>Response.json`, ...). Generated at most once per machine:
 * written to a temp dir and renamed into place, so concurrent workers either win or reuse the
 * winner's result.
 */
export function protocolSchemaDir(): Promise<string> {
  schemaDirPromise ??= generateSchemaDir().catch((err: unknown) => {
    schemaDirPromise = undefined;
    throw err;
  });
  return schemaDirPromise;
}

async function generateSchemaDir(): Promise<string> {
  const version = codexVersion();
  const finalDir = path.join(os.tmpdir(), `tern-codex-schema-${version}`);
  if (await isCompleteSchemaDir(finalDir)) return finalDir;

  const work = await mkdtemp(path.join(os.tmpdir(), `tern-codex-schema-${version}.tmp-`));
  try {
    const out = path.join(work, 'out');
    const scratch = path.join(work, 'scratch');
    await mkdir(path.join(scratch, 'home'), { recursive: true });
    await mkdir(path.join(scratch, 'tmp'), { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.OPENAI_API_KEY;
    delete env.CODEX_API_KEY;
    // The generator does not need a home, but codex resolves one at start-up: keep it away from
    // the developer's ~/.codex.
    env.HOME = path.join(scratch, 'home');
    env.CODEX_HOME = path.join(scratch, 'home', '.codex');
    env.TMPDIR = path.join(scratch, 'tmp');
    await execFileAsync(codexBinaryPath(), ['app-server', 'generate-json-schema', '--out', out], {
      env,
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    if (!(await isCompleteSchemaDir(out))) {
      throw new Error(`codex app-server generate-json-schema produced an incomplete schema in ${out}`);
    }
    try {
      await rename(out, finalDir);
    } catch (err) {
      // Another worker won the race (rename onto a non-empty dir fails): use its result.
      if (!(await isCompleteSchemaDir(finalDir))) throw err;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return finalDir;
}

async function isCompleteSchemaDir(dir: string): Promise<boolean> {
  try {
    for (const f of ['ServerNotification.json', 'ServerRequest.json', 'ClientRequest.json', 'JSONRPCError.json', 'v1/InitializeResponse.json', 'v2/ThreadStartResponse.json']) {
      await stat(path.join(dir, f));
    }
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Checker

export type Direction = 'c2s' | 's2c';

export interface TranscriptLine {
  dir: Direction;
  msg: unknown;
}

export interface ConformanceChecker {
  /**
   * Feed the next message of the conversation (both directions, in order). Returns the
   * violations found in it (always [] for c2s messages), as human-readable strings.
   */
  check(dir: Direction, msg: unknown): string[];
  /** Feed a whole conversation; returns every violation, prefixed with the message index. */
  checkAll(lines: readonly TranscriptLine[]): string[];
  /** Like checkAll, but throws an Error listing every violation with the offending message. */
  assertConforms(lines: readonly TranscriptLine[]): void;
  /** Forget outstanding request ids (start of a new connection). */
  reset(): void;
  /** Name of the response schema file used for a client method, if any (e.g. `v2/ThreadStartResponse.json`). */
  responseSchemaFor(method: string): string | undefined;
}

type Json = Record<string, unknown>;
type Schema = Record<string, unknown>;

/**
 * Formats: the standard string formats of ajv-formats plus the non-standard numeric `format`
 * values of the generated schema (Rust integer/float types) as range checks. Written as a CJS
 * module because the cached standalone validators `require` it (see validatorFor).
 */
function formatsModuleSource(): string {
  const require = createRequire(import.meta.url);
  let full = 'const full = {};';
  try {
    full = `const full = require(${JSON.stringify(require.resolve('ajv-formats/dist/formats.js'))}).fullFormats;`;
  } catch {
    // ajv-formats missing: the 0.169 schema uses no string formats anyway.
  }
  const int = (min: string, max: string) =>
    `{ type: 'number', validate: (n) => Number.isInteger(n)${min ? ` && n >= ${min}` : ''}${max ? ` && n <= ${max}` : ''} }`;
  const numeric: Record<string, string> = {
    int8: int('-128', '127'),
    int16: int('-32768', '32767'),
    int32: int('-2147483648', '2147483647'),
    int64: int('', ''),
    int: int('', ''),
    isize: int('', ''),
    uint8: int('0', '255'),
    uint16: int('0', '65535'),
    uint32: int('0', '4294967295'),
    uint64: int('0', ''),
    uint: int('0', ''),
    usize: int('0', ''),
    float: `{ type: 'number', validate: (n) => Number.isFinite(n) }`,
    double: `{ type: 'number', validate: (n) => Number.isFinite(n) }`,
  };
  return `'use strict';\n${full}\nmodule.exports = Object.assign({}, full, {\n${Object.entries(numeric)
    .map(([k, v]) => `  ${k}: ${v},`)
    .join('\n')}\n});\n`;
}

const MAX_SHOWN = 600;

export function truncateJson(value: unknown, max = MAX_SHOWN): string {
  let s: string;
  try {
    s = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    s = String(value);
  }
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function idKey(id: unknown): string | undefined {
  if (typeof id === 'string') return `s:${id}`;
  if (typeof id === 'number') return `n:${id}`;
  return undefined;
}

/** `thread/name/set` -> `ThreadNameSet`, `thread/inject_items` -> `ThreadInjectItems`. */
function pascalCase(method: string): string {
  return method
    .split(/[/_]/)
    .filter(Boolean)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/**
 * Response types that can't be derived: methods without params (ClientRequest.json names no
 * `XParams` type to turn into `XResponse`) or whose response type is shared, when the name is
 * not the PascalCase of the method either. With these, every method of ClientRequest.json
 * (0.169) maps to a response schema file.
 */
const RESPONSE_NAME_OVERRIDES: Record<string, string> = {
  'config/value/write': 'ConfigWriteResponse',
  'config/batchWrite': 'ConfigWriteResponse',
  'config/mcpServer/reload': 'McpServerRefreshResponse',
  'account/logout': 'LogoutAccountResponse',
  'account/rateLimits/read': 'GetAccountRateLimitsResponse',
  'account/securitySetup/read': 'GetAccountSecuritySetupResponse',
  'account/usage/read': 'GetAccountTokenUsageResponse',
  'account/workspaceMessages/read': 'GetWorkspaceMessagesResponse',
  'account/gatewayOAuth/read': 'GatewayOAuthReadResponse',
  'account/gatewayOAuth/login': 'GatewayOAuthLoginResponse',
  'account/gatewayOAuth/cancel': 'GatewayOAuthCancelResponse',
  'externalAgentConfig/import/readHistories': 'ExternalAgentConfigImportHistoriesReadResponse',
};

/**
 * Make oneOf errors readable: where every branch of a `oneOf` is an object tagged by a required
 * string property with distinct values (`type`, `method`, ...), add an ajv `discriminator`, so
 * that ajv validates only the branch the tag selects and reports that branch's errors (or
 * "value of tag must be in oneOf" for an unknown tag) instead of one error per branch.
 * Semantics are unchanged: with distinct tags at most one branch can match anyway.
 */
function addDiscriminators(root: Schema): void {
  const definitions = (root.definitions ?? {}) as Record<string, Schema>;
  const resolve = (s: unknown): Schema | undefined => {
    if (!isObject(s)) return undefined;
    const ref = s.$ref;
    if (typeof ref === 'string') {
      // ajv follows a $ref in a discriminated oneOf only when the branch is a bare $ref.
      const others = Object.keys(s).filter((k) => !['$ref', 'description', 'title', 'default'].includes(k));
      if (others.length > 0 || !ref.startsWith('#/definitions/')) return undefined;
      return definitions[ref.slice('#/definitions/'.length)];
    }
    return s;
  };
  const tagValues = (branch: Schema, tag: string): string[] | undefined => {
    const props = branch.properties;
    if (!isObject(props)) return undefined;
    const p = props[tag];
    if (!isObject(p)) return undefined;
    const required = Array.isArray(branch.required) && branch.required.includes(tag);
    if (!required) return undefined;
    if (typeof p.const === 'string') return [p.const];
    if (Array.isArray(p.enum) && p.enum.length > 0 && p.enum.every((v) => typeof v === 'string')) {
      return p.enum as string[];
    }
    return undefined;
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (!isObject(node)) return;
    for (const v of Object.values(node)) visit(v);
    const oneOf = node.oneOf;
    if (!Array.isArray(oneOf) || oneOf.length < 2 || node.discriminator !== undefined) return;
    const branches = oneOf.map(resolve);
    if (branches.some((b) => b === undefined)) return;
    const first = branches[0];
    if (!first || !isObject(first.properties)) return;
    for (const tag of ['type', 'method', ...Object.keys(first.properties)]) {
      const seen = new Set<string>();
      let ok = true;
      for (const b of branches) {
        const vals = b ? tagValues(b, tag) : undefined;
        if (!vals || vals.some((v) => seen.has(v))) {
          ok = false;
          break;
        }
        for (const v of vals) seen.add(v);
      }
      if (ok) {
        node.discriminator = { propertyName: tag };
        return;
      }
    }
  };
  visit(root);
}

/** Value at a JSON pointer (ajv instancePath) inside data. */
function atPointer(data: unknown, pointer: string): unknown {
  if (!pointer) return data;
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (isObject(cur)) cur = cur[key];
    else return undefined;
  }
  return cur;
}

function formatErrors(
  where: string,
  errors: readonly ErrorObject[] | null | undefined,
  data: unknown,
  base = '',
): string[] {
  if (!errors || errors.length === 0) return [`${where}: invalid (no details)`];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // Drop the summary errors of anyOf/oneOf when more specific errors are present.
    if ((e.keyword === 'anyOf' || e.keyword === 'oneOf') && errors.length > 1) continue;
    let detail = e.message ?? e.keyword;
    if (e.keyword === 'enum' || e.keyword === 'const') {
      detail += ` ${truncateJson((e.params as { allowedValues?: unknown }).allowedValues ?? (e.params as { allowedValue?: unknown }).allowedValue, 200)}`;
    } else if (e.keyword === 'discriminator') {
      const p = e.params as { tag?: string; tagValue?: unknown };
      detail += ` (got ${truncateJson(p.tagValue, 80)})`;
    } else if (e.keyword === 'type' || e.keyword === 'format') {
      detail += ` (got ${truncateJson(atPointer(data, e.instancePath), 80)})`;
    }
    const line = `${where}: ${base}${e.instancePath || ''}${base || e.instancePath ? ' ' : ''}${detail}`;
    if (!seen.has(line)) {
      seen.add(line);
      out.push(line);
    }
  }
  return out.length > 0 ? out : [`${where}: ${errors.map((e) => e.message).join('; ')}`];
}

/** Create a checker bound to the schema of the pinned codex version. */
export async function createConformanceChecker(): Promise<ConformanceChecker> {
  const dir = await protocolSchemaDir();
  let v = validatorCache.get(dir);
  if (!v) {
    v = buildValidators(dir);
    validatorCache.set(dir, v);
  }
  return buildChecker(await v);
}

/** One-shot convenience: throws an Error listing all violations in the conversation. */
export async function assertConforms(lines: readonly TranscriptLine[]): Promise<void> {
  const checker = await createConformanceChecker();
  checker.assertConforms(lines);
}

interface Validators {
  notificationMethods: ReadonlySet<string>;
  serverRequestMethods: ReadonlySet<string>;
  validateNotification: ValidateFunction;
  validateServerRequest: ValidateFunction;
  validateError: ValidateFunction;
  responseSchemaFor(method: string): string | undefined;
  responseValidator(method: string): { file: string; fn: ValidateFunction } | undefined;
}

/** Validators are shared by every checker of a worker; checkers only hold request-id state. */
const validatorCache = new Map<string, Promise<Validators>>();

async function loadJson(file: string): Promise<Schema> {
  return JSON.parse(await readFile(file, 'utf8')) as Schema;
}

function methodNames(root: Schema): Set<string> {
  const names = new Set<string>();
  for (const b of (root.oneOf ?? []) as Schema[]) {
    const m = (b.properties as Json | undefined)?.method as Json | undefined;
    if (Array.isArray(m?.enum)) for (const n of m.enum) if (typeof n === 'string') names.add(n);
    if (typeof m?.const === 'string') names.add(m.const);
  }
  return names;
}

/**
 * Compiling ServerNotification.json takes ~1 s and each response schema 0.1–0.3 s, and vitest
 * re-imports modules for every test file. So each schema file is compiled at most once per
 * machine into ajv "standalone" code (a CJS module, ~50 ms to load), cached next to the schema
 * under a key that covers this file's source, the ajv version and the checkout path (the
 * generated code requires ajv's runtime helpers by absolute path).
 */
function validatorCacheDir(schemaDir: string): string {
  const require = createRequire(import.meta.url);
  const h = createHash('sha256');
  h.update(readFileSync(fileURLToPath(import.meta.url)));
  h.update((JSON.parse(readFileSync(require.resolve('ajv/package.json'), 'utf8')) as { version: string }).version);
  h.update(REPO_ROOT);
  return path.join(schemaDir, `.validators-${h.digest('hex').slice(0, 16)}`);
}

function writeAtomic(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file); // atomic; a concurrent writer produces identical content
}

async function buildValidators(dir: string): Promise<Validators> {
  const require = createRequire(import.meta.url);
  const cacheDir = validatorCacheDir(dir);
  mkdirSync(cacheDir, { recursive: true });
  const formatsFile = path.join(cacheDir, 'formats.cjs');
  if (!existsSync(formatsFile)) writeAtomic(formatsFile, formatsModuleSource());

  let ajv: Ajv | undefined;
  const getAjv = (): Ajv => {
    if (ajv) return ajv;
    const a = new Ajv({
      strict: false,
      allErrors: true,
      discriminator: true,
      logger: false,
      code: { source: true, formats: _`require(${formatsFile})` },
    });
    const formats = require(formatsFile) as Record<string, Format>;
    for (const [name, def] of Object.entries(formats)) a.addFormat(name, def);
    ajv = a;
    return a;
  };
  const registerUnknownFormats = (a: Ajv, schema: unknown): void => {
    const visit = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(visit);
      if (!isObject(n)) return;
      if (typeof n.format === 'string' && !a.formats[n.format]) a.addFormat(n.format, true); // ignored
      Object.values(n).forEach(visit);
    };
    visit(schema);
  };
  const ajvRequire = (_m: string, p: string) => `require(${JSON.stringify(require.resolve(p))})`;

  /** Validator for one schema file of the schema dir (relative path), from the disk cache. */
  const validatorFor = (rel: string): ValidateFunction => {
    const cached = path.join(cacheDir, `${rel.replace(/[\\/]/g, '__')}.cjs`);
    if (existsSync(cached)) {
      try {
        return require(cached) as ValidateFunction;
      } catch {
        // corrupt or stale: regenerate below
      }
    }
    const schema = JSON.parse(readFileSync(path.join(dir, rel), 'utf8')) as Schema;
    const a = getAjv();
    registerUnknownFormats(a, schema);
    const decorated = structuredClone(schema);
    addDiscriminators(decorated);
    let fn: ValidateFunction;
    try {
      fn = a.compile(decorated);
    } catch {
      fn = a.compile(schema);
    }
    const code = standaloneCode(a, fn).replace(/require\("(ajv\/dist\/[^"]+)"\)/g, ajvRequire);
    writeAtomic(cached, code);
    return fn;
  };
  const lazy = (rel: string): ValidateFunction => {
    let fn: ValidateFunction | undefined;
    const wrapper = ((data: unknown) => {
      fn ??= validatorFor(rel);
      const ok = fn(data);
      wrapper.errors = fn.errors;
      return ok;
    }) as ValidateFunction;
    return wrapper;
  };

  const notificationRoot = await loadJson(path.join(dir, 'ServerNotification.json'));
  const serverRequestRoot = await loadJson(path.join(dir, 'ServerRequest.json'));
  const clientRequestRoot = await loadJson(path.join(dir, 'ClientRequest.json'));

  // method -> params type name, to derive the response type name (XParams -> XResponse).
  const paramsName = new Map<string, string>();
  for (const b of (clientRequestRoot.oneOf ?? []) as Schema[]) {
    const props = b.properties as Json | undefined;
    const ref = (props?.params as Json | undefined)?.$ref;
    if (typeof ref !== 'string') continue;
    for (const name of methodNames({ oneOf: [b] })) paramsName.set(name, ref.replace(/^#\/definitions\//, ''));
  }
  const responseFiles = new Map<string, string | undefined>();
  const responseSchemaFor = (method: string): string | undefined => {
    if (responseFiles.has(method)) return responseFiles.get(method);
    const candidates: string[] = [];
    const p = paramsName.get(method);
    if (p?.endsWith('Params')) candidates.push(`${p.slice(0, -'Params'.length)}Response`);
    const alias = RESPONSE_NAME_OVERRIDES[method];
    if (alias) candidates.push(alias);
    candidates.push(`${pascalCase(method)}Response`);
    let found: string | undefined;
    outer: for (const c of candidates) {
      for (const sub of ['v2', 'v1', '.']) {
        const rel = path.posix.join(sub, `${c}.json`);
        if (existsSync(path.join(dir, rel))) {
          found = rel;
          break outer;
        }
      }
    }
    responseFiles.set(method, found);
    return found;
  };
  const responseValidators = new Map<string, ValidateFunction>();
  const responseValidator = (method: string): { file: string; fn: ValidateFunction } | undefined => {
    const file = responseSchemaFor(method);
    if (!file) return undefined;
    let fn = responseValidators.get(file);
    if (!fn) {
      fn = validatorFor(file);
      responseValidators.set(file, fn);
    }
    return { file, fn };
  };

  return {
    // The roots are `oneOf` over one branch per method; addDiscriminators keys them by `method`,
    // so only the branch of the message's method is validated and reported.
    notificationMethods: methodNames(notificationRoot),
    serverRequestMethods: methodNames(serverRequestRoot),
    validateNotification: lazy('ServerNotification.json'),
    validateServerRequest: lazy('ServerRequest.json'),
    validateError: lazy('JSONRPCError.json'),
    responseSchemaFor,
    responseValidator,
  };
}

function buildChecker(vals: Validators): ConformanceChecker {
  const { validateNotification, validateServerRequest, validateError, responseSchemaFor, responseValidator } = vals;
  const pending = new Map<string, string>(); // c2s request id -> method

  const check = (dirn: Direction, msg: unknown): string[] => {
    if (dirn === 'c2s') {
      if (isObject(msg) && typeof msg.method === 'string' && 'id' in msg) {
        const k = idKey(msg.id);
        if (k) pending.set(k, msg.method);
      }
      return [];
    }
    if (!isObject(msg)) return [`s2c: message is not a JSON object: ${truncateJson(msg, 200)}`];
    const v: string[] = [];
    if ('jsonrpc' in msg) v.push('s2c: carries "jsonrpc" (the reference server never sends it)');
    const hasId = 'id' in msg;
    const hasMethod = 'method' in msg;
    if (hasMethod) {
      if (typeof msg.method !== 'string') return [...v, 's2c: "method" is not a string'];
      const method = msg.method;
      if (hasId) {
        if (!vals.serverRequestMethods.has(method)) {
          return [...v, `s2c server request ${method}: unknown server request method (not in ServerRequest.json)`];
        }
        if (!validateServerRequest(msg)) v.push(...formatErrors(`s2c server request ${method}`, validateServerRequest.errors, msg));
      } else {
        if (!vals.notificationMethods.has(method)) {
          return [...v, `s2c notification ${method}: unknown notification method (not in ServerNotification.json)`];
        }
        if (!validateNotification(msg)) v.push(...formatErrors(`s2c notification ${method}`, validateNotification.errors, msg));
      }
      return v;
    }
    if (!hasId) return [...v, 's2c: neither a response (no "id") nor a notification/request (no "method")'];
    const k = idKey(msg.id);
    const method = k ? pending.get(k) : undefined;
    if (k) pending.delete(k);
    const label = `s2c response to ${method ?? '?'} (id ${truncateJson(msg.id, 60)})`;
    if (method === undefined) {
      v.push(`${label}: id does not match any outstanding client request (ids must be echoed verbatim, type included)`);
    }
    const hasResult = 'result' in msg;
    const hasError = 'error' in msg;
    if (hasResult && hasError) {
      v.push(`${label}: has both "result" and "error"`);
    } else if (hasError) {
      if (!validateError(msg)) v.push(...formatErrors(`${label} error`, validateError.errors, msg));
    } else if (hasResult) {
      const rv = method ? responseValidator(method) : undefined;
      if (rv && !rv.fn(msg.result)) v.push(...formatErrors(`${label} [${rv.file}]`, rv.fn.errors, msg.result, '/result'));
    } else {
      v.push(`${label}: has neither "result" nor "error"`);
    }
    return v;
  };

  const checkAll = (lines: readonly TranscriptLine[]): string[] => {
    const all: string[] = [];
    lines.forEach((l, i) => {
      for (const violation of check(l.dir, l.msg)) all.push(`#${i} ${violation}`);
    });
    return all;
  };

  return {
    check,
    checkAll,
    reset: () => pending.clear(),
    responseSchemaFor,
    assertConforms(lines) {
      const problems: string[] = [];
      lines.forEach((l, i) => {
        const vs = check(l.dir, l.msg);
        if (vs.length > 0) problems.push(`#${i} ${vs.map((s) => `\n    - ${s}`).join('')}\n    message: ${truncateJson(l.msg)}`);
      });
      if (problems.length > 0) {
        throw new Error(`${problems.length} non-conforming server message(s):\n${problems.join('\n')}`);
      }
    },
  };
}
