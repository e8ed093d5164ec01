// report.html as text: the safety properties that do not need a browser (the browser test,
// test/e2e/report-html.test.ts, opens the page in headless Chromium).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/artifacts/redact.js';
import { escapeHtml, highlightLine, languageOf, renderDiff, renderMessageText, renderReport, REPORT_CSP, splitPatch } from '../../src/artifacts/report-html.js';
import { buildTimeline } from '../../src/artifacts/timeline.js';
import { FIX_TESTS_PATCH, fixTestsRun, RunScript } from '../fixtures/artifacts/synthetic-run.js';

const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'artifacts');

/** Every tag in the page with its attribute names. Escaped text has no `<`, so every tag is the renderer's own. */
function tags(html: string): { name: string; attrs: string[] }[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)].map((m) => ({
    name: m[1]!.toLowerCase(),
    attrs: [...m[2]!.matchAll(/([a-zA-Z-:]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?/g)].map((a) => a[1]!.toLowerCase()),
  }));
}

const ALLOWED_ATTRS = new Set(['class', 'id', 'lang', 'charset', 'http-equiv', 'content', 'name', 'type', 'checked', 'open', 'style', 'data-filter', 'data-kind', 'data-testid']);

describe('renderReport', () => {
  const run = fixTestsRun({ injection: true });
  const result = run.result({ filesChanged: ['CHANGELOG.md', 'src/stats.js'] });
  const html = renderReport(buildTimeline(run.events, result), result, FIX_TESTS_PATCH);

  it('is one document with a strict CSP first in <head>', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy"')).toBe(true);
    expect(REPORT_CSP).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[A-Za-z0-9+/=]+'; img-src 'none'/);
    expect(html).toContain(`content="${REPORT_CSP}"`);
  });

  it('has exactly one script, and the CSP hash is its hash', () => {
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(tags(html).filter((t) => t.name === 'script')).toHaveLength(1);
    const hash = createHash('sha256').update(scripts[0]![1]!, 'utf8').digest('base64');
    expect(REPORT_CSP).toContain(`'sha256-${hash}'`);
  });

  it('loads nothing: no URL-bearing attribute, no link, img, iframe, object, @import or url()', () => {
    const found = tags(html);
    expect(found.map((t) => t.name).filter((n) => ['link', 'img', 'iframe', 'object', 'embed', 'base', 'form', 'video', 'audio', 'source', 'svg'].includes(n))).toEqual([]);
    expect([...new Set(found.flatMap((t) => t.attrs))].filter((a) => !ALLOWED_ATTRS.has(a))).toEqual([]);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(style).not.toMatch(/url\(|@import|@font-face/i);
  });

  it('escapes injected markup in tool output and model text', () => {
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<h1 id="fake">');
    expect(html).toContain('&lt;script&gt;window.__pwned = &quot;script&quot;; document.title = &quot;pwned&quot;&lt;/script&gt;');
    expect(html).toContain('&lt;/pre&gt;&lt;/details&gt;&lt;/li&gt;&lt;/ol&gt;&lt;h1 id=&quot;fake&quot;&gt;');
    expect(html).toContain('![tracker](http://127.0.0.1:9/track.png)');
  });

  it('shows the header, the approvals with rules, the commands, and the diff', () => {
    expect(html).toContain('<span class="badge b-success" data-testid="outcome">success</span>');
    expect(html).toContain('<span class="rule">preset fix-tests: deny[0] git push --force*</span>');
    expect(html).toContain('<div class="cmd" data-testid="command">bash -lc &#39;git push --force origin HEAD&#39;</div>');
    expect(html).toContain('data-testid="patch"');
    expect(html).toContain('<span class="path mono">src/stats.js</span> <span class="dim">+1 −1</span>');
  });

  it('names no URL of its own (a clean run has none at all)', () => {
    const clean = fixTestsRun();
    expect(renderReport(buildTimeline(clean.events, clean.result()), clean.result(), FIX_TESTS_PATCH)).not.toMatch(/https?:|file:|data:|blob:/i);
  });

  it('a failed run shows the failure; nothing recorded is needed for the page to render', () => {
    const empty = new RunScript();
    const failed = renderReport(
      buildTimeline([], null),
      empty.result({ outcome: 'failed', failure: { kind: 'server', message: 'app server exited with code 1 <before initialize>' }, exitCode: 3, turnStatus: null, threadId: null, turnId: null }),
      null,
    );
    expect(failed).toContain('<div class="failure" data-testid="failure"><b>server:</b> app server exited with code 1 &lt;before initialize&gt;</div>');
    expect(failed).toContain('No protocol events were recorded.');
  });

  it('applies the redactor before escaping', () => {
    const secret = 's3cr3t"<&>';
    const r = new RunScript().start('go').command('env', { output: `TOKEN=${secret}\n` }).agentMessage(`the token is ${secret}`);
    const out = renderReport(buildTimeline(r.events, null), r.result(), `+${secret}\n`, { redact: createRedactor({}, [secret]) });
    expect(out).not.toContain('s3cr3t');
    expect(out).toContain('TOKEN=[REDACTED]');
  });

  it('renders the recorded demo run', () => {
    const demo = readFileSync(path.join(FIXTURES, 'demo-fix-tests.events.jsonl'), 'utf8');
    const patch = readFileSync(path.join(FIXTURES, 'demo-fix-tests.diff.patch'), 'utf8');
    const t = buildTimeline(demo, null);
    const page = renderReport(t, run.result({ approvals: [], filesChanged: ['src/stats.js'] }), patch);
    expect(page).toContain("bash -c &#39;node --test&#39;");
    expect(page).toContain('<span class="badge b-fail">exit 1</span>');
    expect((page.match(/class="dl add"/g) ?? []).length).toBe(2);
  });
});

describe('report pieces', () => {
  it('escapeHtml', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('colours code tokens by file type', () => {
    const js = languageOf('src/a.ts');
    expect(highlightLine('const x = "a<b" + f(1); // done', js)).toBe(
      '<span class="t-kw">const</span> x = <span class="t-str">&quot;a&lt;b&quot;</span> + <span class="t-fn">f</span>(<span class="t-num">1</span>); <span class="t-com">// done</span>',
    );
    expect(highlightLine('url = "http://x" # note', languageOf('a.py'))).toBe('url = <span class="t-str">&quot;http://x&quot;</span> <span class="t-com"># note</span>');
    expect(highlightLine('<b>plain</b>', languageOf('README.md'))).toBe('&lt;b&gt;plain&lt;/b&gt;');
  });

  it('numbers diff lines from the hunk header', () => {
    const html = renderDiff('@@ -10,3 +10,3 @@\n a\n-b\n+c\n d\n', 'x.txt');
    const rows = [...html.matchAll(/<div class="dl (\w+)"><span class="n">(\d*)<\/span><span class="n">(\d*)<\/span>/g)].map((m) => m.slice(1).join(' '));
    expect(rows).toEqual(['hunk  ', 'ctx 10 10', 'del 11 ', 'add  11', 'ctx 12 12']);
  });

  it('splits a patch into files', () => {
    expect(splitPatch(FIX_TESTS_PATCH).map((f) => [f.path, f.added, f.deleted])).toEqual([
      ['CHANGELOG.md', 3, 0],
      ['src/stats.js', 1, 1],
    ]);
  });

  it('renders message markdown minimally and safely', () => {
    expect(renderMessageText('**Fix** `a<b` now\n```js\nx <y>\n```\nend')).toBe('<strong>Fix</strong> <code>a&lt;b</code> now\n<pre><code>x &lt;y&gt;</code></pre>end');
  });
});
