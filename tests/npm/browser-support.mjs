// Shared pieces of the browser tests: Chromium through puppeteer-core, a watch on every
// request that leaves the service's origin, axe-core checks and screenshots.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(path.join(process.env.LOTSENNETZ_NPM_DIR, 'package.json'));
const puppeteer = require('puppeteer-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

export async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lotsennetz-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: process.env.LOTSENNETZ_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`],
  });
  return { browser, close: async () => { await browser.close(); fs.rmSync(profile, { recursive: true, force: true }); } };
}

/** A page that records the requests its documents from `allowed[0]` (the app; not a
 * provider's login page) make to any origin not in `allowed`, and its script errors. */
export async function watchedPage(browser, allowed, viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  page.setDefaultTimeout(15000);
  const foreign = [];
  page.on('request', (request) => {
    const url = request.url();
    const fromApp = (request.frame()?.url() || allowed[0]).startsWith(allowed[0]);
    if (fromApp && !/^(data|blob):/.test(url) && !allowed.some((origin) => url.startsWith(origin))) foreign.push(url);
  });
  const problems = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  return { page, foreign, problems };
}

/** Serious or critical axe-core violations on the current page, as readable lines. */
export async function axeViolations(page) {
  // Evaluated over the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
}

export async function screenshot(page, dir, name) {
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: false });
}

export async function signOutIfSignedIn(page) {
  const button = await page.$('#who button');
  if (button) {
    await button.click();
    await page.waitForSelector('h1');
  }
}
