import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  createRedactor,
  createStreamRedactor,
  encodedForms,
  MIN_ENCODED_LENGTH,
  PATTERN_HOLD_CAP,
  redactDeep,
  REDACTED,
  secretEnvValues,
} from '../../src/artifacts/redact.js';

describe('createRedactor', () => {
  const env = {
    MOCK_API_KEY: 'sk-test-secret-123456',
    DB_PASSWORD: 'hunter2hunter2',
    MY_TOKEN: 'plain-token-value',
    SHORT_SECRET: 'abc', // too short to be treated as a secret
    HOME: '/home/someone', // not a secret name
    GIT_AUTHOR_NAME: 'Jane Author', // matches AUTH but is not a secret
  };
  const redact = createRedactor(env, ['extra-literal-secret']);

  it('replaces values of secret-looking env vars', () => {
    expect(redact('pw=hunter2hunter2 tok=plain-token-value')).toBe(`pw=${REDACTED} tok=${REDACTED}`);
    expect(redact('key: sk-test-secret-123456.')).toBe(`key: ${REDACTED}.`);
  });

  it('keeps short values and non-secret names', () => {
    expect(redact('abc /home/someone Jane Author')).toBe('abc /home/someone Jane Author');
    expect(secretEnvValues(env).sort()).toEqual(['hunter2hunter2', 'plain-token-value', 'sk-test-secret-123456']);
  });

  it('replaces extra literal secrets', () => {
    expect(redact('x extra-literal-secret y')).toBe(`x ${REDACTED} y`);
  });

  it('replaces well-known token shapes from any source', () => {
    const r = createRedactor({});
    expect(r('OPENAI sk-proj-AbCdEf123456_xyz end')).toBe(`OPENAI ${REDACTED} end`);
    expect(r('gh ghp_' + 'a'.repeat(36))).toBe(`gh ${REDACTED}`);
    expect(r('gho_' + 'B1'.repeat(18) + ' ghs_' + 'c'.repeat(36))).toBe(`${REDACTED} ${REDACTED}`);
    expect(r('pat github_pat_11ABCDEFG0123456789_abcdefXYZ')).toBe(`pat ${REDACTED}`);
    expect(r('authorization: Bearer abc.def-ghi')).toBe(`authorization: Bearer ${REDACTED}`);
    expect(r('Authorization: bearer sk-whatever-123456')).toBe(`Authorization: bearer ${REDACTED}`);
  });

  it('leaves ordinary text alone', () => {
    const r = createRedactor({});
    const text = 'task-force risk-free desk-lamp; the ghost_ship; Bearer';
    expect(r(text)).toBe(text);
  });

  it('prefers the longest literal when secrets overlap', () => {
    const r = createRedactor({ A_KEY: 'abcdef', B_KEY: 'abcdefghij' });
    expect(r('abcdefghij abcdef')).toBe(`${REDACTED} ${REDACTED}`);
  });

  it('escapes regex characters in secret values', () => {
    const r = createRedactor({ WEIRD_SECRET: 'a.b*c+d(e)' });
    expect(r('x a.b*c+d(e) axbbbcd')).toBe(`x ${REDACTED} axbbbcd`);
  });
});

describe('redactDeep', () => {
  it('redacts every string in a JSON value, keys included, without mutating it', () => {
    const redact = createRedactor({ MOCK_API_KEY: 'sk-test-secret-123456', QUOTE_SECRET: 'he said "hi"\\' });
    const value = {
      method: 'item/completed',
      params: {
        item: { text: 'key is sk-test-secret-123456', list: ['a', 'he said "hi"\\ there', 3, null, true] },
        'sk-test-secret-123456': 1,
      },
    };
    const copy = structuredClone(value);
    const out = redactDeep(value, redact);
    expect(value).toEqual(copy);
    expect(out).toEqual({
      method: 'item/completed',
      params: {
        item: { text: `key is ${REDACTED}`, list: ['a', `${REDACTED} there`, 3, null, true] },
        [REDACTED]: 1,
      },
    });
    expect(JSON.stringify(out)).not.toContain('sk-test-secret');
    expect(JSON.stringify(out)).not.toContain('he said');
  });
});

// ---- named secrets, token shapes, encoded forms, streams ---------------------------------

const CANARY = 'zq-canary-7f3a9c2e1b-X';

/** Runs a shell snippet with $S set to `secret` (real coreutils encodings). */
function sh(script: string, secret: string): string {
  return execFileSync('sh', ['-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', S: secret }, encoding: 'utf8' });
}

/** Every substring of `s` of length `n` (to look for pieces of an encoding). */
function windows(s: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= s.length; i++) out.push(s.slice(i, i + n));
  return out;
}

/** Feeds `chunks` through a stream redactor and returns the concatenated output. */
function streamed(redact: ReturnType<typeof createRedactor>, chunks: readonly string[]): string {
  const s = createStreamRedactor(redact);
  let out = '';
  for (const c of chunks) out += s.push(c);
  return out + s.end();
}

/** A small deterministic PRNG (mulberry32), for random chunkings. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomChunks(text: string, random: () => number, maxLen: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(random() * maxLen);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

describe('named secrets', () => {
  it('redacts extra secrets of 6 characters and more, in any variable name', () => {
    const r = createRedactor({ DEPLOY_HOOK_URL: 'https://hooks.example/abc' }, ['abc123', 'short', 'https://hooks.example/abc']);
    expect(r('x abc123 y short z')).toBe(`x ${REDACTED} y short z`);
    expect(r('POST https://hooks.example/abc now')).toBe(`POST ${REDACTED} now`);
  });

  it('counts a value trimmed and each line of a multi-line value', () => {
    const pem = '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END KEY-----\n';
    const r = createRedactor({}, ['  padded-secret-9\n', pem]);
    expect(r('v=padded-secret-9;')).toBe(`v=${REDACTED};`);
    expect(r('line: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC')).toBe(`line: ${REDACTED}`);
    expect(r(pem)).toBe(REDACTED);
  });
});

describe('overlaps', () => {
  it('redacts overlapping secrets, and a token around a secret, as one stretch', () => {
    expect(createRedactor({}, ['abcdef', 'defghi'])('xx abcdefghi yy')).toBe(`xx ${REDACTED} yy`);
    expect(createRedactor({}, ['abcdef'])('key sk-abcdefghij end')).toBe(`key ${REDACTED} end`);
    expect(createRedactor({}, ['abcdef'])('Bearer xyz.abcdef.uvw')).toBe(`Bearer ${REDACTED}`);
  });
});

describe('token shapes', () => {
  const r = createRedactor({});

  it('redacts every GitHub token prefix and fine-grained PATs', () => {
    for (const p of ['ghp_', 'gho_', 'ghs_', 'ghu_', 'ghr_']) expect(r(`t=${p}${'A1b2C3d4E5'.repeat(3)};`)).toBe(`t=${REDACTED};`);
    expect(r('github_pat_11ABCDEFG0_abcdefXYZ0123456789')).toBe(REDACTED);
  });

  it('redacts OpenAI-style keys', () => {
    expect(r('OPENAI_API_KEY=sk-proj-AbCdEf123456_xyz-789')).toBe(`OPENAI_API_KEY=${REDACTED}`);
    expect(r('"sk-ant-api03-abcdefghij"')).toBe(`"${REDACTED}"`);
  });

  it('redacts Slack tokens of every kind', () => {
    for (const k of 'abposr') expect(r(`token xox${k}-1234567890-0987654321-AbCdEfGh ok`)).toBe(`token ${REDACTED} ok`);
  });

  it('redacts JWTs, signed or not', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    expect(r(`cookie=${jwt}; Path=/`)).toBe(`cookie=${REDACTED}; Path=/`);
    expect(r('t eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0. end')).toBe(`t ${REDACTED} end`);
  });

  it('redacts Bearer credentials, keeping the scheme', () => {
    expect(r('Authorization: Bearer eyJabc.def-ghi')).toBe(`Authorization: Bearer ${REDACTED}`);
  });

  it('leaves prose and code with sk, gh, xox and eyJ inside words alone', () => {
    const text = [
      'The risk-assessment and task-force desk-lamp; sk-learn is a library.',
      'const heyJude = keyJSON.parse(surveyJS); // eyJ alone, or eyJ.x',
      'ghost_ship ghp_short github_page xoxo xoxb-short; say "Bearer" or bearer.',
      'def ask_model(sk): return sk + "-suffix"  # ask-for-help',
    ].join('\n');
    expect(r(text)).toBe(text);
  });
});

describe('encoded forms', () => {
  const r = createRedactor({ MY_SERVICE_TOKEN: CANARY });

  it('derives base64 in three alignments, trimmed of the characters neighbouring bytes decide', () => {
    const forms = encodedForms(CANARY);
    // base64 of the canary at byte offset 0, 1 and 2, from coreutils.
    const aligned0 = sh('printf %s "$S" | base64', CANARY).trim();
    const aligned1 = sh("printf 'x%s' \"$S\" | base64", CANARY).trim();
    const aligned2 = sh("printf 'xy%s' \"$S\" | base64", CANARY).trim();
    // 22 bytes: offset 0 -> chars [0, 29); offset 1 -> [2, 30); offset 2 -> [3, 32).
    expect(forms).toContain(aligned0.slice(0, 29));
    expect(forms).toContain(aligned1.slice(2, 30));
    expect(forms).toContain(aligned2.slice(3, 32));
    expect(forms).toHaveLength(4); // plain + 3 base64; URL and JSON forms equal the plain one
  });

  it('redacts real base64 output of the secret, alone and after 1 or 2 bytes', () => {
    for (const script of ['printf %s "$S" | base64', "printf 'x%s' \"$S\" | base64", "printf 'xy%s' \"$S\" | base64", 'printf %s "$S" | base64 -w0']) {
      const out = sh(script, CANARY);
      const red = r(out);
      expect(red, script).toContain(REDACTED);
      for (const w of windows(sh('printf %s "$S" | base64 -w0', CANARY).slice(1, -3), 8)) expect(red).not.toContain(w);
    }
  });

  it('redacts the secret inside longer base64 output, line-wrapped at 76 columns, at every byte offset', () => {
    // For 0..79 bytes of text before the secret: `... | base64` as a shell prints it (one shell run).
    const outputs = sh(
      `lead=0; while [ $lead -lt 80 ]; do { head -c $lead /dev/zero | tr '\\0' 'a'; printf '%s and more text after it\\n' "$S"; } | base64; echo ===; lead=$((lead + 1)); done`,
      CANARY,
    )
      .split('===\n')
      .filter((o) => o.length > 0);
    expect(outputs).toHaveLength(80);
    let wrappedInside = 0;
    outputs.forEach((out, lead) => {
      const red = r(out);
      expect(red, `lead ${lead}`).toContain(REDACTED);
      // What is left decodes to no 6-byte piece of the canary.
      for (const piece of red.split(REDACTED)) {
        const decoded = Buffer.from(piece.replace(/\s/g, ''), 'base64').toString('latin1');
        for (const w of windows(CANARY, 6)) expect(decoded, `lead ${lead}`).not.toContain(w);
      }
      // The rest of the output is kept: at most the line break inside the secret is gone.
      const lost = out.split('\n').length - red.split('\n').length;
      expect(lost).toBeGreaterThanOrEqual(0);
      expect(lost).toBeLessThanOrEqual(1);
      wrappedInside += lost;
    });
    expect(wrappedInside).toBeGreaterThan(0); // some offsets put a line break inside the secret
  });

  it('redacts Basic auth credentials (user:secret, base64)', () => {
    const header = sh('printf "Authorization: Basic %s" "$(printf "ci-user:%s" "$S" | base64 -w0)"', CANARY);
    expect(r(header)).toContain(REDACTED);
    expect(r(header)).not.toMatch(/LWNhbmFyeS|1jYW5hcnkt|jYW5hcnk/);
  });

  it('redacts URL-encoded and JSON-escaped forms only when they differ from the plain secret', () => {
    const secret = 'p@ss w/"q\\ä\n123';
    const red = createRedactor({}, [secret]);
    expect(red(`url=https://x/?p=${encodeURIComponent(secret)}&y=1`)).toBe(`url=https://x/?p=${REDACTED}&y=1`);
    expect(red(`lower=${encodeURIComponent(secret).toLowerCase()}`)).toBe(`lower=${REDACTED}`);
    expect(red(`{"password": ${JSON.stringify(secret)}}`)).toBe(`{"password": "${REDACTED}"}`);
    expect(red(`{"password": "p@ss w/\\"q\\\\\\u00e4\\n123"}`)).toBe(`{"password": "${REDACTED}"}`);
    const forms = encodedForms(secret);
    expect(forms).toContain(JSON.stringify(secret).slice(1, -1));
    expect(forms).toContain(encodeURIComponent(secret));
    expect(encodedForms('abcdef123')).not.toContain(encodeURIComponent('abcdef123').toUpperCase());
    expect(new Set(encodedForms('abcdef123')).size).toBe(4);
  });

  it('keeps every form of a 6-byte secret at MIN_ENCODED_LENGTH or more, and none of a shorter one', () => {
    expect(encodedForms('abc123').filter((f) => f !== 'abc123').every((f) => f.length >= MIN_ENCODED_LENGTH)).toBe(true);
    expect(encodedForms('abc123')).toHaveLength(4);
    expect(encodedForms('abc12')).toEqual([]);
    const red = createRedactor({}, ['abc123']);
    for (const shift of ['', 'x', 'xy']) {
      const b64 = Buffer.from(`${shift}abc123`).toString('base64');
      expect(red(`data ${b64} end`)).toContain(REDACTED);
    }
  });
});

describe('createStreamRedactor', () => {
  const r = createRedactor({ MY_SERVICE_TOKEN: CANARY });
  const sentence = `The token is ${CANARY}, do not share it.`;

  it('redacts a secret split into 1-character chunks', () => {
    expect(streamed(r, [...sentence])).toBe(`The token is ${REDACTED}, do not share it.`);
  });

  it('redacts a secret whatever two or three pieces it is cut into', () => {
    const expected = r(sentence);
    for (let i = 0; i <= sentence.length; i++) {
      expect(streamed(r, [sentence.slice(0, i), sentence.slice(i)]), `cut at ${i}`).toBe(expected);
      for (let j = i; j <= sentence.length; j += 3) {
        expect(streamed(r, [sentence.slice(0, i), sentence.slice(i, j), sentence.slice(j)])).toBe(expected);
      }
    }
  });

  it('never emits a piece of the secret before it is complete, and holds back at most the longest form', () => {
    const s = createStreamRedactor(r);
    let emitted = '';
    for (const c of sentence) {
      emitted += s.push(c);
      expect(emitted).not.toContain(CANARY.slice(0, 2));
      expect(s.held).toBeLessThan(CANARY.length + 2);
    }
    emitted += s.end();
    expect(emitted).toBe(r(sentence));
  });

  it('redacts encoded forms and token shapes streamed in 1-character chunks', () => {
    const text = [
      `b64 ${Buffer.from(`xy${CANARY}`).toString('base64')} url ${encodeURIComponent(`a b ${CANARY}`)}`,
      'key sk-proj-AbCdEf123456_xyz-789 gh ghp_' + 'A1b2C3d4E5'.repeat(3) + ' pat github_pat_11ABCDEFG0_abcdef',
      'slack xoxb-1234567890-0987654321-AbCd jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.SflKxwRJSMeKKF2QT4fw end',
      'Authorization: Bearer abc.def-ghi-jkl\n',
    ].join('\n');
    const expected = r(text);
    expect(expected).not.toMatch(/sk-proj|ghp_A|github_pat_1|xoxb-1|eyJhbGci|abc\.def/);
    expect(streamed(r, [...text])).toBe(expected);
  });

  it('holds a complete token back until it ends, so no piece of it escapes', () => {
    const s = createStreamRedactor(r);
    expect(s.push('key: sk-abcdefgh')).toBe('key: ');
    expect(s.push('ijkl')).toBe('');
    expect(s.push('mnop rest')).toBe(`${REDACTED} rest`);
    expect(s.end()).toBe('');
  });

  it('lets a token longer than PATTERN_HOLD_CAP out redacted, and drops its continuation', () => {
    const s = createStreamRedactor(r);
    let out = s.push('key: sk-');
    for (let i = 0; i < PATTERN_HOLD_CAP + 100; i += 10) {
      out += s.push('abcdefghij');
      expect(s.held).toBeLessThanOrEqual(PATTERN_HOLD_CAP + CANARY.length + 10);
    }
    out += s.push('abc, then text');
    out += s.end();
    expect(out).toBe(`key: ${REDACTED}, then text`);
  });

  it('matches the plain redactor on random texts cut into random chunks', () => {
    const other = 'p@ss w/"q\\ä\n123456';
    const red = createRedactor({ MY_SERVICE_TOKEN: CANARY, DB_PASSWORD: other }, ['abcdef', 'defghi']);
    const pieces = [
      CANARY, other, 'abcdef', 'defghi', ...encodedForms(CANARY), ...encodedForms(other), Buffer.from(`xy${CANARY}`).toString('base64'),
      'sk-abcdefghij', 'sk-ab', `ghp_${'a'.repeat(20)}`, `github_pat_${'B'.repeat(15)}`, 'xoxb-1234567890-abc', 'eyJhbGciOiJI.eyJzdWIiOiIx.sig', 'eyJabc',
      'Bearer ', 'Bearer tok', 'bearer x', ' ', '\n', 'risk-assessment', 'heyJude', 'the ', 'zq-', 'zq-cana', 'a', 'e', 'g', 's', '-', '.', '_', '=', '%', '"',
    ];
    const random = rng(42);
    for (let round = 0; round < 3000; round++) {
      let text = '';
      const n = 1 + Math.floor(random() * 8);
      for (let i = 0; i < n; i++) text += pieces[Math.floor(random() * pieces.length)];
      text += ' end';
      const chunks = randomChunks(text, random, 1 + (round % 13));
      const out = streamed(red, chunks);
      expect(out, JSON.stringify(chunks)).toBe(red(text));
      expect(out).not.toContain(CANARY);
    }
  });

  it('passes ordinary text through unchanged, whatever the chunks', () => {
    const text = 'The risk-assessment said: ask-for-help; const heyJude = keyJSON.parse(surveyJS); ghost_ship; xoxo; to be or not.\n';
    expect(streamed(r, [...text])).toBe(text);
    const random = rng(7);
    for (let round = 0; round < 100; round++) expect(streamed(r, randomChunks(text, random, 6))).toBe(text);
  });

  it('redacts the cut-off beginning of a secret when the stream ends inside it (4 characters or more)', () => {
    expect(streamed(r, ['key ', CANARY.slice(0, 10)])).toBe(`key ${REDACTED}`);
    expect(streamed(r, ['key ', CANARY.slice(0, 4)])).toBe(`key ${REDACTED}`);
    expect(streamed(r, ['key ', CANARY.slice(0, 3)])).toBe(`key ${CANARY.slice(0, 3)}`);
    const s = createStreamRedactor(r);
    expect(s.push(`key ${CANARY.slice(0, 12)}`)).toBe('key ');
    expect(s.end()).toBe(REDACTED);
    expect(s.redactCompleted(`key ${CANARY.slice(0, 12)}`)).toBe(`key ${REDACTED}`);
    expect(s.redactCompleted('other text')).toBe('other text');
  });

  it('applies a redactor not made by createRedactor chunk by chunk', () => {
    const s = createStreamRedactor((t) => t.toUpperCase());
    expect(s.push('ab')).toBe('AB');
    expect(s.end()).toBe('');
    expect(s.held).toBe(0);
  });
});
