// Hostile content: every page of a site built from records full of script, event handlers and
// unsafe links is loaded in Chromium; no injected script may run, and the markup itself must
// hold no script element, event-handler attribute or unsafe URL that the theme did not write.
// The search page shows what Pagefind indexed (titles, excerpts, filter values such as a group's
// name) as text only, and every page carries a Content-Security-Policy that blocks inline script.
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
      if (!/^<script src="[^"]*assets\/(search|menu)\.js">$/.test(m[0])) problems.push(`${rel}: ${m[0]}`);
    }
    // Attribute by attribute (a quoted value may hold any text, "onerror=" too, escaped as it is).
    for (const m of html.matchAll(/<[a-z][a-z0-9-]*(?:\s+[^\s=>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*?\s+on[a-z]+\s*=/gi)) {
      problems.push(`${rel}: event handler in ${m[0].slice(0, 80)}`);
    }
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

// The policy every page must carry in a <meta> (a future slip in a template or script cannot run
// inline code): script only from the site itself, no plugins, no <base>.
const CSP_META = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/;

test('every page carries a Content-Security-Policy that forbids inline script', () => {
  const problems = [];
  for (const rel of listHtmlFiles(SITE_DIR)) {
    const html = fs.readFileSync(path.join(SITE_DIR, rel), 'utf8');
    const head = html.slice(0, html.indexOf('</head>'));
    const m = head.match(CSP_META);
    if (!m) {
      problems.push(`${rel}: no Content-Security-Policy meta in <head>`);
      continue;
    }
    // The policy applies only from where it stands: nothing may load before it.
    if (/<(script|link|style)\b/i.test(head.slice(0, m.index))) problems.push(`${rel}: something loads before the policy`);
    const policy = Object.fromEntries(
      m[1].split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name, values]),
    );
    const script = policy['script-src'] ?? policy['default-src'] ?? [];
    if (!script.includes("'self'") || script.some((v) => ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:'].includes(v))) {
      problems.push(`${rel}: script-src ${script.join(' ')}`);
    }
    if (script.includes("'wasm-unsafe-eval'") && rel !== 'search/index.html') problems.push(`${rel}: WebAssembly allowed off the search page`);
    if ((policy['object-src'] ?? []).join(' ') !== "'none'") problems.push(`${rel}: object-src is not 'none'`);
    if ((policy['base-uri'] ?? []).join(' ') !== "'none'") problems.push(`${rel}: base-uri is not 'none'`);
  }
  assert.deepEqual(problems, []);
});

test('the Content-Security-Policy blocks inline script and inline event handlers in the browser', async () => {
  const context = await newContext();
  const page = await context.newPage();
  const problems = [];
  const pages = ['index.html', 'search/index.html', 'groups/alfa/2025/utbildning/index.html', '404.html'];
  for (const rel of pages) {
    await page.goto(pageUrl(SITE_URL, rel), { waitUntil: 'load' });
    // What an injection would do: an inline <script> and an element with an onerror handler.
    const result = await page.evaluate(async () => {
      const violations = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
      const script = document.createElement('script');
      script.textContent = 'window.__inline = 1';
      document.body.append(script);
      const img = document.createElement('img');
      img.setAttribute('onerror', 'window.__handler = 1');
      img.setAttribute('src', 'does-not-exist.png');
      document.body.append(img);
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { inline: window.__inline, handler: window.__handler, violations };
    });
    if (result.inline !== undefined) problems.push(`${rel}: an inline script ran`);
    if (result.handler !== undefined) problems.push(`${rel}: an inline event handler ran`);
    for (const directive of ['script-src-elem', 'script-src-attr']) {
      if (!result.violations.includes(directive)) problems.push(`${rel}: no ${directive} violation reported (${result.violations.join(', ')})`);
    }
  }
  await context.close();
  assert.deepEqual(problems, []);
});

// The payloads of tests/fixtures/hostile that reach Pagefind as filter values and titles.
const SEARCH_PAYLOADS = [
  { filter: 'Grupp', text: `Alfa "<script>window.__pwned=10</script>" <img src=x onerror=alert(1)> & 'co'` },
  { filter: 'Målgrupp', text: 'Vuxna <img src=x onerror="window.__pwned=12"><svg onload=alert(12)>' },
  { filter: 'Fokusområde', text: 'Suicidprevention <img src=x onerror="window.__pwned=13"> <b>fet</b>' },
];
const TITLE_PAYLOAD = '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=14"> "citat" <b>fet</b>';
// Every element the search UI may make; anything else would come from the index's text.
const SEARCH_ELEMENTS = new Set([
  'DIV', 'FORM', 'LABEL', 'INPUT', 'BUTTON', 'P', 'H2', 'DETAILS', 'SUMMARY', 'FIELDSET', 'LEGEND', 'UL', 'OL', 'LI', 'A', 'SPAN', 'MARK',
]);

test('the search page shows titles, excerpts and filter values from the index as text only', { skip: !fs.existsSync(path.join(SITE_DIR, 'pagefind/pagefind.js')) && 'Pagefind is not installed' }, async () => {
  const context = await newContext();
  // Records every element added to the page while it lives, before any script of the page runs.
  await context.addInitScript(() => {
    window.__added = [];
    new MutationObserver((records) => {
      for (const r of records) {
        for (const node of r.addedNodes) {
          if (node.nodeType !== 1) continue;
          for (const el of [node, ...node.querySelectorAll('*')]) {
            const handlers = [...el.attributes].map((a) => a.name).filter((n) => n.startsWith('on'));
            // The page's own scripts (their markup is checked above) are the elements allowed.
            if (el.tagName === 'SCRIPT' && /assets\/(search|menu)\.js$/.test(el.getAttribute('src') ?? '')) continue;
            window.__added.push({ tag: el.tagName, handlers, inSearch: !!el.closest('#search') });
          }
        }
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const page = await context.newPage();
  const problems = [];
  page.on('dialog', async (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  for (const query of ['Alfa', 'citat', 'utbildning']) {
    await page.goto(`${pageUrl(SITE_URL, 'search/index.html')}?q=${encodeURIComponent(query)}`, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => {});
    const results = await page.locator('#search-results .search-result').first().waitFor({ timeout: 15_000 }).then(() => true, () => false);
    if (!results) problems.push(`?q=${query}: no results shown`);
    // Open every filter and choose each value, so that all of them are shown and searched with.
    for (const summary of await page.locator('#search-filters summary').all()) await summary.click();
    for (const box of await page.locator('#search-filters input[type="checkbox"]').all()) {
      await box.check();
      await page.waitForTimeout(200);
      await box.uncheck();
    }
    await page.waitForTimeout(500);
    const seen = await page.evaluate(() => ({
      pwned: window.__pwned,
      added: window.__added,
      filters: [...document.querySelectorAll('#search-filters details')].map((d) => ({
        name: d.querySelector('summary').textContent,
        values: [...d.querySelectorAll('label')].map((l) => l.firstChild.textContent.trim()),
      })),
      titles: [...document.querySelectorAll('#search-results h2')].map((h) => h.textContent),
      excerpts: [...document.querySelectorAll('#search-results .search-excerpt')].map((p) => p.textContent),
    }));
    if (seen.pwned !== undefined) problems.push(`?q=${query}: window.__pwned = ${seen.pwned}`);
    for (const el of seen.added) {
      if (el.handlers.length) problems.push(`?q=${query}: <${el.tag.toLowerCase()}> made with ${el.handlers.join(' ')}`);
      if (el.inSearch && !SEARCH_ELEMENTS.has(el.tag)) problems.push(`?q=${query}: <${el.tag.toLowerCase()}> made in the search UI`);
      if (['SCRIPT', 'IMG', 'SVG', 'IFRAME', 'OBJECT', 'EMBED', 'B'].includes(el.tag.toUpperCase())) problems.push(`?q=${query}: <${el.tag.toLowerCase()}> made on the page`);
    }
    if (query === 'Alfa') {
      for (const { filter, text } of SEARCH_PAYLOADS) {
        const shown = seen.filters.find((f) => f.name === filter);
        if (!shown) problems.push(`?q=${query}: no filter named ${filter} (filters: ${seen.filters.map((f) => f.name).join(', ')})`);
        else if (!shown.values.includes(text)) problems.push(`?q=${query}: filter ${filter} does not show ${text} as text (shows ${JSON.stringify(shown.values)})`);
      }
    }
    if (query === 'citat') {
      if (!seen.titles.some((t) => t.includes(TITLE_PAYLOAD))) problems.push(`?q=${query}: no result title shows ${TITLE_PAYLOAD} as text (${JSON.stringify(seen.titles)})`);
      if (!seen.excerpts.some((t) => t.includes('<img src=x onerror="window.__pwned=14">'))) problems.push(`?q=${query}: no excerpt shows the title's markup as text`);
    }
  }
  await context.close();
  assert.deepEqual(problems, []);
});
