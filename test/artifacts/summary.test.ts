import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/artifacts/redact.js';
import { renderSummary, SUMMARY_MAX_APPROVALS, SUMMARY_MAX_COMMANDS, SUMMARY_MAX_FILES } from '../../src/artifacts/summary.js';
import { buildTimeline } from '../../src/artifacts/timeline.js';
import { DEMO_EVENTS, demoResult, fixTestsRun, RunScript } from '../fixtures/artifacts/synthetic-run.js';

/** Table rows of the section under `heading`. */
function rows(md: string, heading: string): string[] {
  const start = md.indexOf(heading);
  if (start < 0) return [];
  const lines = md.slice(start).split('\n').slice(1);
  const table = lines.slice(lines.findIndex((l) => l.startsWith('|')));
  return table.slice(2, table.findIndex((l) => !l.startsWith('|')) >= 0 ? table.findIndex((l) => !l.startsWith('|')) : undefined);
}

describe('renderSummary: the recorded demo run', () => {
  const t = buildTimeline(DEMO_EVENTS, null);
  const md = renderSummary(t, demoResult(t));

  it('has the outcome, duration, tokens and cost in one table', () => {
    expect(md.split('\n')[0]).toBe('### ✅ tern run: success');
    expect(md).toContain('| Outcome | success · exit 0 · turn completed |');
    expect(md).toContain('| Duration | 1.1 s |');
    expect(md).toContain('| Tokens | 10,783 (input 10,615, cached 4,010, output 168) |');
    expect(md).toContain('| Cost | n/a (no price for the model) |');
    expect(md).toContain('| Commands | 3 (1 failed) |');
    expect(md).toContain('| Model requests | 5 |');
  });

  it('lists files changed and commands with exit codes', () => {
    expect(md).toContain('#### Files changed (1)\n\n- `src/stats.js`');
    expect(rows(md, '#### Commands (3)')).toEqual([
      "| 1 | `bash -c 'node --test'` | 1 | failed |",
      "| 2 | `bash -c 'cat src/stats.js'` | 0 | completed |",
      "| 3 | `bash -c 'node --test'` | 0 | completed |",
    ]);
    expect(md).not.toContain('#### Approvals');
  });

  it('folds the final message into a fence', () => {
    expect(md).toContain('<details><summary>Final message</summary>\n\n```text\nFixed `mean` in src/stats.js');
  });
});

describe('renderSummary: hand-made runs', () => {
  it('lists approvals with the rule that decided, and the declined command with its rule', () => {
    const run = fixTestsRun();
    const result = run.result({ filesChanged: ['src/stats.js', 'CHANGELOG.md'], budget: { exceeded: null, modelRequests: 6, toolCalls: 5, costUsd: 0.0241 } });
    const md = renderSummary(buildTimeline(run.events, result), result);
    expect(md).toContain('| Approvals | 5 (1 not accepted) |');
    expect(md).toContain('| Cost | $0.024 (estimated) |');
    expect(rows(md, '#### Approvals (5)')).toEqual([
      "| ✅ accept | command | `bash -lc 'npm test'` | `preset fix-tests: allow[3] npm test` |",
      "| ✅ accept | command | `bash -lc 'cat src/stats.js'` | `preset fix-tests: allow[1] cat` |",
      '| ✅ accept | file change | `src/stats.js, CHANGELOG.md` | `preset fix-tests: files allow[0] src/**` |',
      "| ⛔ decline | command | `bash -lc 'git push --force origin HEAD'` | `preset fix-tests: deny[0] git push --force*` |",
      "| ✅ accept | command | `bash -lc 'npm test'` | `preset fix-tests: allow[3] npm test` |",
    ]);
    expect(rows(md, '#### Commands (4)')[2]).toBe("| 3 | `bash -lc 'git push --force origin HEAD'` | – | declined by `preset fix-tests: deny[0] git push --force*` |");
  });

  it('a failed run: kind and message up front, the budget named, errors listed', () => {
    const run = new RunScript()
      .start('go')
      .modelResponse(900_000)
      .error('Reconnecting... 1/2', { willRetry: true })
      .interrupt()
      .end('interrupted');
    const result = run.result({
      outcome: 'failed',
      failure: { kind: 'budget', message: 'token budget reached: 900,000 > 500,000 tokens' },
      exitCode: 5,
      turnStatus: 'interrupted',
      budget: { exceeded: 'tokens', modelRequests: 2, toolCalls: 0, costUsd: 1.8 },
    });
    const md = renderSummary(buildTimeline(run.events, result), result);
    expect(md.split('\n')[0]).toBe('### ❌ tern run: failed (budget)');
    expect(md).toContain('> **budget:** token budget reached: 900,000 \\> 500,000 tokens');
    expect(md).toContain('| Outcome | failed (budget) · exit 5 · turn interrupted |');
    expect(md).toContain('| Budget | **tokens budget reached** |');
    expect(md).toContain('| Model requests | 2 (1 retried) |');
    expect(md).toContain('| Cost | $1.80 (estimated) |');
    expect(md).toContain('#### Errors (1)\n\n- retried `other`: Reconnecting... 1/2');
  });

  it('caps long lists with named limits', () => {
    const run = new RunScript().start('go');
    const n = Math.max(SUMMARY_MAX_COMMANDS, SUMMARY_MAX_APPROVALS) + 7;
    for (let i = 0; i < n; i++) run.command(`echo ${i}`, { output: `${i}\n`, approval: { decision: 'accept', rule: `allow[0] echo` } });
    const files = Array.from({ length: SUMMARY_MAX_FILES + 3 }, (_, i) => `f${i}.txt`);
    const result = run.result({ filesChanged: files });
    const md = renderSummary(buildTimeline(run.events, result), result);
    expect(rows(md, `#### Commands (${n})`)).toHaveLength(SUMMARY_MAX_COMMANDS);
    expect(md).toContain(`_…and ${n - SUMMARY_MAX_COMMANDS} more commands (see transcript.md)._`);
    expect(rows(md, `#### Approvals (${n})`)).toHaveLength(SUMMARY_MAX_APPROVALS);
    expect(md).toContain(`_…and ${n - SUMMARY_MAX_APPROVALS} more approvals (see transcript.md)._`);
    expect(md).toContain(`_…and 3 more files (see transcript.md)._`);
    expect(md).not.toContain(`f${SUMMARY_MAX_FILES}.txt`);
  });

  it('keeps injected HTML, pipes and backticks in cells and messages inert', () => {
    const run = new RunScript()
      .start('go')
      .command('echo "<script>alert(1)</script>" | tee `x` ``', { output: 'ok\n', approval: { decision: 'accept', rule: 'allow[0] <img src=x onerror=alert(1)>' } })
      .agentMessage('<script>alert(2)</script>\n```\n![t](http://127.0.0.1:9/t.png)');
    const result = run.result({
      outcome: 'failed',
      failure: { kind: 'model', message: '<img src=x onerror=alert(3)> [click](http://127.0.0.1:9/) **bold** | pipe' },
      exitCode: 1,
    });
    const md = renderSummary(buildTimeline(run.events, result), result);
    // Table cells: inline code, pipes escaped, one line each.
    expect(rows(md, '#### Commands (1)')).toEqual(['| 1 | ``` echo "<script>alert(1)</script>" \\| tee `x` `` ``` | 0 | completed |']);
    expect(rows(md, '#### Approvals (1)')[0]).toContain('| `allow[0] <img src=x onerror=alert(1)>` |');
    // The failure line is escaped text.
    expect(md).toContain('> **model:** \\<img src=x onerror=alert(3)\\> \\[click\\](http://127.0.0.1:9/) \\*\\*bold\\*\\* \\| pipe');
    // The final message sits in a fence longer than any run inside.
    expect(md).toContain('````text\n<script>alert(2)</script>\n```\n![t](http://127.0.0.1:9/t.png)\n````');
    // Outside code spans and fences there is no raw tag.
    const prose = md
      .replace(/(`{3,})text\n[\s\S]*?\n\1/g, '')
      .replace(/(`+) ?[\s\S]*? ?\1/g, '');
    expect(prose).not.toMatch(/(?<!\\)<(script|img)/);
  });

  it('applies the redactor before escaping, and renders no environment', () => {
    const secret = 'hunter2|<&>';
    process.env.TERN_TEST_SUMMARY_SECRET = 'do-not-render-me';
    try {
      const run = new RunScript().start('go').command(`curl -H 'x: ${secret}'`, { output: '' });
      const result = run.result({ failure: { kind: 'server', message: `died with ${secret}` }, outcome: 'failed', exitCode: 3 });
      const md = renderSummary(buildTimeline(run.events, result), result, { redact: createRedactor({}, [secret]) });
      expect(md).not.toContain('hunter2');
      expect(md).toContain("`curl -H 'x: [REDACTED]'`");
      expect(md).not.toContain('do-not-render-me');
    } finally {
      delete process.env.TERN_TEST_SUMMARY_SECRET;
    }
  });
});
