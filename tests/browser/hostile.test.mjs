// Hostile content: every page of a site built from records full of script, event handlers and
// unsafe links is loaded in Chromium; no injected script may run, and the markup itself must
// hold no script element, event-handler attribute or unsafe URL that the theme did not write.
//
//   SITE_DIR=… SITE_URL=… node --test hostile.test.mjs   (run.sh sets both: TESTS=hostile.test.mjs)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { closeBrowser, listHtmlFiles, newContext, pageUrl } from './lib.mjs';

const SITE_DIR = process.env.SITE_DIR;
const SITE_URL = process.env.SITE_URL;

after(closeBrowser);

test('the markup holds no injected script, handler or unsafe URL', () => {
  const problems = [];
  for (const rel of listHtmlFiles(SITE_DIR)) {
    const html = fs.readFileSync(path.join(SITE_DIR, rel), 'utf8');
    for (const m of html.matchAll(/<script\b[^>]*>/gi)) {
      if (!/src="[^"]*(assets\/search\.js|pagefind\/pagefind-ui\.js)"/.test(m[0])) problems.push(`${rel}: ${m[0]}`);
    }
    for (const m of html.matchAll(/<[a-z][^>]*\son[a-z]+\s*=/gi)) problems.push(`${rel}: event handler in ${m[0].slice(0, 80)}`);
    for (const m of html.matchAll(/(?:href|src)\s*=\s*"\s*(javascript|vbscript|data|file|ftp):/gi)) problems.push(`${rel}: ${m[0]}`);
  }
  assert.deepEqual(problems, []);
});

test('no injected script runs in the browser', async () => {
  const context = await newContext();
  const page = await context.newPage();
  const ran = [];
  page.on('dialog', async (dialog) => {
    ran.push(`${page.url()}: dialog ${dialog.message()}`);
    await dialog.dismiss();
  });
  for (const rel of listHtmlFiles(SITE_DIR)) {
    await page.goto(pageUrl(SITE_URL, rel), { waitUntil: 'load' });
    const pwned = await page.evaluate(() => window.__pwned);
    if (pwned !== undefined) ran.push(`${rel}: window.__pwned = ${pwned}`);
  }
  await context.close();
  assert.deepEqual(ran, []);
});
