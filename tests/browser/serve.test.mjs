// samplan serve in the browser: a page reloads by itself after a change (its question for the next
// build held by the server meanwhile, not asked again and again); a broken record shows
// the overlay with its diagnostics (a labelled alertdialog, no axe violation, no console error),
// while the last good page stays (styled under the page's Content-Security-Policy); fixing the
// record removes it.
//
//   SAMPLAN=build/samplan node --test tests/browser/serve.test.mjs   (scripts/test.sh runs it)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { HERE, axeViolations, closeBrowser, newContext, startServe, stopServe } from './lib.mjs';

const ACTIVITY = 'groups/alfa/plans/2025/activities/sip.md';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'samplan-serve-browser-'));
const content = path.join(work, 'content');
fs.cpSync(path.join(HERE, '../fixtures/base'), content, { recursive: true });
let server = null;

after(async () => {
  await closeBrowser();
  if (server && server.exitCode === null) server.kill('SIGINT');
  fs.rmSync(work, { recursive: true, force: true });
});

function editActivity(change) {
  const file = path.join(content, ACTIVITY);
  fs.writeFileSync(file, change(fs.readFileSync(file, 'utf8')));
}

test('serve reloads the page after a change and shows a broken record in an overlay', async () => {
  let base;
  ({ server, url: base } = await startServe(content, {
    cwd: work,
    address: /Webbplatsen visas på (http:\/\/127\.0\.0\.1:\d+\/)/,
  }));
  const context = await newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  const statusAsks = [];
  page.on('request', (r) => {
    if (r.url().includes('/_samplan/status')) statusAsks.push(r.url());
  });
  await page.goto(new URL('groups/alfa/2025/sip/', base).href, { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelector('h1')?.textContent.includes('Samordnad individuell plan'));

  // While nothing changes the page does not keep asking: its question after the first names the
  // build it knows, and the server holds it until the next build ends.
  await page.waitForTimeout(2500);
  assert.ok(statusAsks.length <= 2, `asked ${statusAsks.length} times: ${statusAsks.join(' ')}`);
  assert.match(statusAsks[statusAsks.length - 1], /\/_samplan\/status\?after=\d+$/);

  // Hidden (a tab behind others), it gives up its held question, which holds one of the
  // browser's few connections to serve, and asks without holding; shown, it holds again.
  const givenUp = [];
  page.on('requestfailed', (r) => {
    if (r.url().includes('/_samplan/status?after=')) givenUp.push(r.url());
  });
  const setHidden = (hidden) =>
    page.evaluate((h) => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  await setHidden(true);
  const asksBefore = statusAsks.length;
  await page.waitForTimeout(1500);
  const hiddenAsks = statusAsks.slice(asksBefore);
  assert.equal(givenUp.length, 1);
  assert.ok(hiddenAsks.length >= 2 && hiddenAsks.every((u) => !u.includes('after=')), hiddenAsks.join(' '));
  await setHidden(false);
  await page.waitForTimeout(1000);
  assert.match(statusAsks[statusAsks.length - 1], /\/_samplan\/status\?after=\d+$/);

  // A change reloads the page by itself.
  editActivity((t) => t.replace('Samordnad individuell plan', 'Omdöpt aktivitet'));
  await page.waitForFunction(() => document.querySelector('h1')?.textContent.includes('Omdöpt aktivitet'), null, {
    timeout: 20000,
  });

  // A broken record: the overlay lists the diagnostic over the last good page.
  const good = fs.readFileSync(path.join(content, ACTIVITY), 'utf8');
  editActivity((t) => t.replace('title = "Omdöpt aktivitet"', 'title = = "trasig'));
  const dialog = page.getByRole('alertdialog', { name: 'Webbplatsen kunde inte byggas om' });
  await dialog.waitFor({ timeout: 20000 });
  const text = await dialog.textContent();
  assert.match(text, /groups\/alfa\/plans\/2025\/activities\/sip\.md:2:\d+: error: /);
  assert.match(await page.locator('h1').textContent(), /Omdöpt aktivitet/);
  // The page's Content-Security-Policy lets the script (a file of the site) style its overlay.
  assert.equal(await page.locator('meta[http-equiv="Content-Security-Policy"]').count(), 1);
  assert.equal(await dialog.evaluate((e) => getComputedStyle(e).position), 'fixed');
  assert.deepEqual(await axeViolations(page, { include: '.samplan-live-errors' }), []);

  // Fixed: the page reloads with the new title and the overlay is gone.
  fs.writeFileSync(path.join(content, ACTIVITY), good.replace('Omdöpt aktivitet', 'Rättad aktivitet'));
  await page.waitForFunction(() => document.querySelector('h1')?.textContent.includes('Rättad aktivitet'), null, {
    timeout: 20000,
  });
  assert.equal(await page.getByRole('alertdialog').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();

  assert.equal(await stopServe(server), 0);
});
