import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/artifacts/redact.js';
import { mdCode, mdFence, safeMarkdown, tail } from '../../src/artifacts/render-util.js';
import { buildTimeline } from '../../src/artifacts/timeline.js';
import { renderTranscript, TRANSCRIPT_OUTPUT_TAIL_LINES } from '../../src/artifacts/transcript.js';
import { DEMO_EVENTS, demoResult, fixTestsRun, RunScript } from '../fixtures/artifacts/synthetic-run.js';

/** The parts of a markdown document outside fenced code blocks. */
function outsideFences(md: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const raw of md.split('\n')) {
    const line = raw.replace(/^(> ?)+/, '');
    const m = /^(`{3,}|~{3,})/.exec(line);
    if (fence === null && m) fence = m[1]!;
    else if (fence !== null && m && m[1]![0] === fence[0] && m[1]!.length >= fence.length && line.trim() === m[1]) fence = null;
    else if (fence === null) out.push(line);
  }
  return out.join('\n');
}

describe('renderTranscript: the recorded demo run', () => {
  const t = buildTimeline(DEMO_EVENTS, null);
  const md = renderTranscript(t, demoResult(t, { finalMessage: 'Fixed `mean`.', budget: { exceeded: null, modelRequests: 5, toolCalls: 4, costUsd: 0.0123 } }));

  it('opens with the outcome and the run facts', () => {
    expect(md.split('\n')[0]).toBe('# ✅ tern run transcript: success');
    expect(md).toContain('exit 0 · turn completed · 1.1 s · 10,783 tokens · $0.012 (estimated)');
    expect(md).toContain('model `gpt-5.5`');
  });

  it('tells the conversation in order', () => {
    const order = ['### 👤 User', '### 💭 Reasoning', "```sh\nbash -c 'node --test'", "```sh\nbash -c 'cat src/stats.js'", '### ✏️ File change', '### 🤖 Agent', '### Turn completed'];
    const positions = order.map((s) => md.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('shows commands in fences with exit codes and output, diffs in diff fences', () => {
    expect(md).toContain('### ▶ Command (exit 1, failed, 251 ms)');
    expect(md).toMatch(/Output:\n\n```text\nTAP version 13\n/);
    expect(md).toContain('```diff\n@@ -3,7 +3,7 @@\n');
    expect(md).toContain('-  return sum / (values.length - 1);\n+  return sum / values.length;\n');
    expect(md).toContain('`src/stats.js` (update)');
  });

  it('quotes model text as markdown', () => {
    expect(md).toContain('> Fixed `mean` in src/stats.js: it divided the sum by `values.length - 1`');
    expect(md).toContain('> **Reproducing the failure**');
  });
});

describe('renderTranscript: hand-made runs', () => {
  it('shows approvals with their decision and rule on the command', () => {
    const run = fixTestsRun();
    const md = renderTranscript(buildTimeline(run.events, run.result()), run.result({ filesChanged: ['src/stats.js', 'CHANGELOG.md'] }));
    expect(md).toContain("### ▶ Command (declined) · +");
    expect(md).toContain('⛔ Approval: **decline** · rule `preset fix-tests: deny[0] git push --force*` · pushing is the publish phase’s job');
    expect(md).toContain('✅ Approval: **accept** · rule `preset fix-tests: allow[3] npm test`');
    expect(md).toContain('✅ Approval: **accept** · rule `preset fix-tests: files allow[0] src/**`');
    // Shown on their items, not twice.
    expect(md).not.toContain('### ⛔ Approval for command');
    expect(md).toContain('`CHANGELOG.md` (add)\n\n```diff\n@@ -0,0 +1,3 @@\n+# Changelog\n');
  });

  it('shows an approval whose item is unknown on its own', () => {
    const run = new RunScript().start('go');
    run.events.push({ ts: run.events.at(-1)!.ts + 1, dir: 's2c', msg: { method: 'item/fileChange/requestApproval', id: 0, params: { threadId: 't', turnId: 'u', itemId: 'call_x', startedAtMs: 0, reason: 'write outside cwd', grantRoot: '/' } } });
    run.events.push({ ts: run.events.at(-1)!.ts + 1, dir: 'c2s', msg: { id: 0, result: { decision: 'decline' } } });
    const record = { method: 'item/fileChange/requestApproval', itemId: 'call_x', subject: '/etc/passwd', decision: 'decline' as const, rule: 'files deny[0] /**', reason: null };
    const md = renderTranscript(buildTimeline(run.events, { approvals: [record] }), run.result({ approvals: [record] }));
    expect(md).toContain('### ⛔ Approval for file change: decline');
    expect(md).toContain('`/etc/passwd`\n\nRule: `files deny[0] /**`');
    expect(md).toContain('Server asked: write outside cwd');
  });

  it('a failed turn: the failure, the retry and the final error', () => {
    const run = new RunScript()
      .start('go')
      .error('Reconnecting... 1/2', { willRetry: true, code: { responseStreamDisconnected: { httpStatusCode: null } } })
      .error('stream disconnected', { willRetry: false, code: 'other', details: 'after 2 retries' })
      .end('failed', { message: 'stream disconnected', codexErrorInfo: 'other', additionalDetails: null });
    const result = run.result({ outcome: 'failed', failure: { kind: 'model', message: 'the turn failed: stream disconnected' }, exitCode: 1, turnStatus: 'failed' });
    const md = renderTranscript(buildTimeline(run.events, result), result);
    expect(md.split('\n')[0]).toBe('# ❌ tern run transcript: failed (model)');
    expect(md).toContain('**Failure (model):** the turn failed: stream disconnected');
    expect(md).toContain('### 🔁 Error, retrying');
    expect(md).toContain('`responseStreamDisconnected` Reconnecting... 1/2');
    expect(md).toContain('```text\nafter 2 retries\n```');
    expect(md).toMatch(/### Turn failed after \d+ ms/);
  });

  it('caps long output to its tail', () => {
    const output = Array.from({ length: 200 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const run = new RunScript().start('go').command('seq 200', { output });
    const md = renderTranscript(buildTimeline(run.events, null), run.result());
    expect(md).toContain(`Output (last ${TRANSCRIPT_OUTPUT_TAIL_LINES} of 200 lines):`);
    expect(md).toContain('line 200\n```');
    expect(md).toContain(`\nline ${200 - TRANSCRIPT_OUTPUT_TAIL_LINES + 1}\n`);
    expect(md).not.toContain(`\nline ${200 - TRANSCRIPT_OUTPUT_TAIL_LINES}\n`);
  });

  it('an incomplete run says so', () => {
    const run = new RunScript().start('go').command('npm test', { output: 'partial', incomplete: true }).agentMessage('half a sen', { incomplete: true });
    const md = renderTranscript(buildTimeline(run.events, null), run.result({ outcome: 'failed', failure: { kind: 'interrupted', message: 'SIGTERM' }, exitCode: 6, turnStatus: null }));
    expect(md).toContain('### ▶ Command (did not complete)');
    expect(md).toContain('### 🤖 Agent (incomplete)');
    expect(md).toContain('> half a sen');
  });

  it('keeps injected HTML, images and fences in model and tool text inert', () => {
    const run = fixTestsRun({ injection: true });
    const md = renderTranscript(buildTimeline(run.events, run.result()), run.result());
    const prose = outsideFences(md);
    // Outside code, no raw tag and no image survives.
    expect(prose).not.toMatch(/<(script|img|h1|\/pre)/i);
    expect(prose).not.toMatch(/!\[tracker\]\(/);
    expect(prose).toContain('&lt;script>window.__pwned');
    expect(prose).toContain('!\\[tracker](http://127.0.0.1:9/track.png)');
    // The tool output's ``` cannot close the fence it is in: that fence is longer.
    expect(md).toContain('````text\n> stats@1.0.0 test');
    expect(prose).not.toContain('| fake | table |\n');
    // The model's unclosed ``` is closed inside its blockquote.
    const agent = md.slice(md.indexOf('### 🤖 Agent'));
    expect(agent).toMatch(/> ```\n> \| fake \| table \|\n> ```\n/);
  });

  it('applies the redactor before escaping', () => {
    const secret = 'p4ss|w<rd&more';
    const run = new RunScript().start('go').command('env', { output: `X=${secret}\n` }).agentMessage(`It is ${secret}.`);
    const md = renderTranscript(buildTimeline(run.events, null), run.result(), { redact: createRedactor({}, [secret]) });
    expect(md).not.toContain('p4ss');
    expect(md).toContain('X=[REDACTED]');
  });
});

describe('markdown helpers', () => {
  it('mdFence outgrows any backtick run inside', () => {
    expect(mdFence('a ``` b ````` c', 'text')).toBe('``````text\na ``` b ````` c\n``````');
    expect(mdFence('plain')).toBe('```\nplain\n```');
  });

  it('mdCode keeps text on one line and escapes table pipes', () => {
    expect(mdCode('a|b\nc', true)).toBe('`a\\|b ⏎ c`');
    expect(mdCode('x `y` z')).toBe('``x `y` z``');
    expect(mdCode('`edge')).toBe('`` `edge ``');
  });

  it('safeMarkdown escapes HTML and images outside code only', () => {
    expect(safeMarkdown('a <b> `<c>` ![i](u)')).toBe('a &lt;b> `<c>` !\\[i](u)');
    expect(safeMarkdown('```\n<x>\n```\n<y>')).toBe('```\n<x>\n```\n&lt;y>');
    expect(safeMarkdown('~~~\nopen')).toBe('~~~\nopen\n~~~');
  });

  it('tail keeps the last lines and the last characters', () => {
    expect(tail('a\nb\nc\n', 2, 100)).toEqual({ text: 'b\nc', omittedLines: 1, totalLines: 3 });
    expect(tail('aaaa\nbbbb\ncccc', 10, 7)).toEqual({ text: 'cccc', omittedLines: 2, totalLines: 3 });
    expect(tail('', 10, 10)).toEqual({ text: '', omittedLines: 0, totalLines: 0 });
  });
});
