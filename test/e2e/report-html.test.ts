/**
 * report.html in a real browser: headless Chromium (Debian's `chromium`, installed by .ci/run) driven
 * by playwright-core opens the page from a file:// URL. The timeline must show the commands, the diff
 * and the approvals with their rules; a <script> injected through tool output and model text must not
 * run; and the page must make no network request at all (only the file:// document itself is loaded).
 *
 * Without Chromium (or playwright-core) the test cannot run: it fails under CI=true, and skips with the
 * reason locally. `UPDATE_SCREENSHOT=1` rewrites docs/report-screenshot.png (the README's picture).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/artifacts/report-html.js';
import { buildTimeline } from '../../src/artifacts/timeline.js';
import { FIX_TESTS_PATCH, fixTestsRun } from '../fixtures/artifacts/synthetic-run.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const SCREENSHOT = path.join(ROOT, 'docs', 'report-screenshot.png');

// This machine and CI have no network: keep Chromium from trying to reach anything on its own.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

type Playwright = typeof import('playwright-core');
type BrowserContext = Awaited<ReturnType<Playwright['chromium']['launchPersistentContext']>>;
type Page = Awaited<ReturnType<BrowserContext['newPage']>>;

let playwright: Playwright | null = null;
try {
  playwright = await import('playwright-core');
} catch {
  playwright = null;
}
const hasChromium = existsSync(CHROMIUM);
const missing = !hasChromium ? `${CHROMIUM} is missing (apt-get install chromium)` : !playwright ? 'playwright-core is not installed (npm install)' : null;
if (missing && !process.env.CI) console.warn(`skipping report.html browser test: ${missing}`);

interface Opened {
  page: Page;
  requests: string[];
  consoleErrors: string[];
  url: string;
}

describe.skipIf(missing !== null && !process.env.CI)('report.html in headless Chromium', () => {
  let dir: string;
  let context: BrowserContext;

  async function open(name: string, html: string): Promise<Opened> {
    const file = path.join(dir, name);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const page = await context.newPage();
    const requests: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(url, { waitUntil: 'load' });
    return { page, requests, consoleErrors, url };
  }

  beforeAll(async () => {
    expect(missing, missing ?? '').toBeNull();
    dir = mkdtempSync(path.join(os.tmpdir(), 'tern-report-'));
    context = await playwright!.chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
      colorScheme: 'light',
      offline: true,
    });
  });

  afterAll(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the timeline: commands, approvals with their rules, the diff; makes no request', async () => {
    const run = fixTestsRun();
    const result = run.result({ filesChanged: ['CHANGELOG.md', 'src/stats.js'], budget: { exceeded: null, modelRequests: 6, toolCalls: 5, costUsd: 0.0241 } });
    const { page, requests, consoleErrors, url } = await open('report.html', renderReport(buildTimeline(run.events, result), result, FIX_TESTS_PATCH));

    expect(await page.title()).toBe('tern run: success');
    expect(await page.getByTestId('outcome').textContent()).toBe('success');

    const commands = await page.getByTestId('command').allTextContents();
    expect(commands).toEqual(["bash -lc 'npm test'", "bash -lc 'cat src/stats.js'", "bash -lc 'git push --force origin HEAD'", "bash -lc 'npm test'"]);
    await expect(page.locator('li.k-command').first().locator('.badge', { hasText: 'exit 1' }).isVisible()).resolves.toBe(true);
    // The failed command's short output is unfolded; the others are folded.
    expect(await page.getByTestId('output').first().isVisible()).toBe(true);
    expect(await page.getByTestId('output').first().textContent()).toContain('not ok 1 - mean of three numbers');

    // Approvals: on their items in the timeline, and in the table, each with the deciding rule.
    const inline = page.locator('li.k-command, li.k-fileChange').getByTestId('approval');
    expect(await inline.count()).toBe(5);
    const push = page.locator('li.k-command', { hasText: 'git push --force' });
    expect(await push.getByTestId('approval').textContent()).toContain('declinerule preset fix-tests: deny[0] git push --force*');
    const table = await page.getByTestId('approvals').locator('tbody tr').allInnerTexts();
    expect(table).toHaveLength(5);
    expect(table[3]).toMatch(/decline\s+command\s+bash -lc 'git push --force origin HEAD'\s+preset fix-tests: deny\[0\] git push --force\*\s+pushing is the publish phase’s job/);

    // The diff, coloured: a deleted and an added line in the timeline and in diff.patch.
    const change = page.locator('li.k-fileChange');
    expect(await change.locator('.dl.del').first().innerText()).toContain('return sum / (values.length - 1);');
    expect(await change.locator('.dl.add').first().innerText()).toContain('return sum / values.length; // the count, not count - 1');
    const background = (el: unknown) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor;
    const addColour = await change.locator('.dl.add').first().evaluate(background);
    const delColour = await change.locator('.dl.del').first().evaluate(background);
    expect(addColour).not.toBe(delColour);
    expect(await change.locator('.dl.add .t-kw', { hasText: 'return' }).count()).toBeGreaterThan(0);
    expect(await page.getByTestId('patch').locator('.dl.add').allInnerTexts()).toHaveLength(4);

    // Tokens and cost.
    const stats = await page.getByTestId('stats').innerText();
    expect(stats).toMatch(/Tokens\s+11,983/);
    expect(stats).toMatch(/Cost\s+\$0\.024/);

    // The page's own script runs under the CSP (and only it).
    expect(await page.locator('body').getAttribute('data-script')).toBe('ran');
    await page.getByRole('button', { name: 'Collapse all' }).click();
    expect(await page.getByTestId('output').first().isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Expand all' }).click();
    expect(await page.getByTestId('output').nth(1).isVisible()).toBe(true);
    await page.locator('input[data-filter="command"]').uncheck();
    expect(await page.locator('li.k-command').first().isVisible()).toBe(false);
    await page.locator('input[data-filter="command"]').check();

    expect(requests).toEqual([url]);
    expect(consoleErrors).toEqual([]);

    // The README's picture: the top of the page as it opens.
    await page.reload({ waitUntil: 'load' });
    const shot = process.env.UPDATE_SCREENSHOT ? SCREENSHOT : path.join(dir, 'report-screenshot.png');
    mkdirSync(path.dirname(shot), { recursive: true });
    await page.setViewportSize({ width: 1280, height: 1900 });
    await page.screenshot({ path: shot, fullPage: false });
    await page.close();
  });

  it('an injected <script> or handler in tool output and model text does not run, and fetches nothing', async () => {
    const run = fixTestsRun({ injection: true });
    const result = run.result({ filesChanged: ['src/stats.js'] });
    const { page, requests, consoleErrors, url } = await open('injected.html', renderReport(buildTimeline(run.events, result), result, FIX_TESTS_PATCH));

    expect(await page.evaluate(() => (globalThis as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await page.title()).toBe('tern run: success');
    expect(await page.locator('#fake').count()).toBe(0);
    expect(await page.locator('main img, main script').count()).toBe(0);
    // The text is shown as text.
    expect(await page.getByTestId('output').first().textContent()).toContain('<script>window.__pwned = "script"; document.title = "pwned"</script>');
    expect(await page.getByTestId('message').last().textContent()).toContain('<img src="http://127.0.0.1:9/pixel.png" onerror="window.__pwned = \'img\'">');

    expect(requests).toEqual([url]);
    // No CSP violation either: nothing got past the escaping for the CSP to stop.
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('the request listener does see fetches (control: the same injection unescaped, without the CSP)', async () => {
    const { page, requests, url } = await open('control.html', '<!doctype html><html><body><img src="http://127.0.0.1:9/pixel.png"></body></html>');
    await page.waitForTimeout(200);
    expect(requests).toContain(url);
    expect(requests).toContain('http://127.0.0.1:9/pixel.png');
    await page.close();
  });
});
