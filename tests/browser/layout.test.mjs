// Small things readers notice on the example site, measured in Chromium:
//
//   SITE_DIR=/tmp/site-out node --test --test-reporter=tap tests/browser/layout.test.mjs
//
// - the meeting paper of every group (three activities at most in its current plan) prints on one
//   A4 page (Chromium's PDF, its pages counted);
// - the start page's key figures fill their rows evenly (never 5 + 1) at every width;
// - a step number sits in a round circle wide enough for it ("10" too), in the lists and diagrams;
// - dates in tables never break over two lines at 1280 px (narrow.test.mjs: at 320 and 375 px);
// - no heading's text shows twice in a row (a table's caption repeating its heading).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { HERE, closeBrowser, inTabs, listHtmlFiles, newContext, pageUrl, report } from './lib.mjs';
import { startServer } from './server.mjs';

const SITE_DIR = path.resolve(process.env.SITE_DIR || path.join(HERE, '..', '..', 'output'));
let BASE = process.env.SITE_URL || null;
let ownServer = null;
const LONG = { timeout: 10 * 60 * 1000 };

before(async () => {
  if (!BASE && fs.existsSync(SITE_DIR)) {
    ownServer = await startServer(SITE_DIR);
    BASE = ownServer.url;
  }
});

after(async () => {
  await closeBrowser();
  if (ownServer) await ownServer.close();
});

const current = (rel) => !rel.startsWith('versions/') && !rel.startsWith('history/');

test('every meeting paper prints on one A4 page', LONG, async () => {
  const papers = listHtmlFiles(SITE_DIR).filter((rel) => rel.startsWith('meeting-papers/'));
  assert.ok(papers.length > 0, 'no meeting papers');
  const context = await newContext();
  const page = await context.newPage();
  const problems = [];
  let most = 0;
  for (const rel of papers) {
    await page.goto(pageUrl(BASE, rel));
    const activities = await page.locator('.paper-activity').count();
    most = Math.max(most, activities);
    const pdf = await page.pdf({ format: 'A4' });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    if (pages !== 1) problems.push(`${rel}: ${activities} activities print on ${pages} A4 pages`);
  }
  await context.close();
  assert.ok(most >= 3, `no meeting paper with three activities (at most ${most})`);
  report('meeting papers longer than one page', problems);
});

test('the key figures fill their rows evenly at every width', LONG, async () => {
  const context = await newContext();
  const page = await context.newPage();
  const problems = [];
  for (const width of [320, 375, 600, 800, 1024, 1280, 1600]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(pageUrl(BASE, 'index.html'));
    const rows = await page.$$eval('.figures > div', (cards) => {
      const byTop = new Map();
      for (const c of cards) {
        const top = Math.round(c.getBoundingClientRect().top);
        byTop.set(top, (byTop.get(top) || 0) + 1);
      }
      return [...byTop.values()];
    });
    if (rows.length === 0) problems.push(`${width} px: no key figures`);
    else if (new Set(rows).size > 1) problems.push(`${width} px: rows of ${rows.join(' + ')} figures`);
  }
  await context.close();
  report('key figures in uneven rows', problems);
});

test('step numbers sit in round circles wide enough for them', LONG, async () => {
  const pages = listHtmlFiles(SITE_DIR).filter(
    (rel) => current(rel) && /class="step-number|<svg class="diagram/.test(fs.readFileSync(path.join(SITE_DIR, rel), 'utf8')),
  );
  assert.ok(pages.length > 0, 'no page with step numbers');
  const context = await newContext();
  const page = await context.newPage();
  const problems = [];
  let two_digits = 0;
  for (const rel of pages) {
    await page.goto(pageUrl(BASE, rel));
    const found = await page.evaluate(() => {
      const out = { problems: [], two: 0 };
      for (const el of document.querySelectorAll('.step-number')) {
        const b = el.getBoundingClientRect();
        if (el.textContent.trim().length > 1) out.two++;
        if (Math.abs(b.width - b.height) > 0.5) out.problems.push(`"${el.textContent}" is ${b.width.toFixed(1)} × ${b.height.toFixed(1)} px, not round`);
        if (el.scrollWidth > el.clientWidth) out.problems.push(`"${el.textContent}" is wider than its circle`);
      }
      for (const circle of document.querySelectorAll('svg.diagram circle')) {
        const text = circle.nextElementSibling;
        if (!text || text.tagName !== 'text') continue;
        const c = circle.getBBox();
        const t = text.getBBox();
        if (text.textContent.trim().length > 1) out.two++;
        if (t.x < c.x || t.x + t.width > c.x + c.width || t.y < c.y || t.y + t.height > c.y + c.height)
          out.problems.push(`diagram step "${text.textContent}" reaches outside its circle`);
      }
      return out;
    });
    two_digits += found.two;
    for (const p of found.problems) problems.push(`${rel}: ${p}`);
  }
  await context.close();
  assert.ok(two_digits > 0, 'no step "10" to check (the samordningsförbund process has ten steps)');
  report('step numbers outside their circles', problems);
});

// At 1280 px; narrow.test.mjs checks the same at 320 and 375 px, with every other date of the page.
test('dates in tables stay on one line, and no heading repeats as the caption below it', LONG, async () => {
  const pages = listHtmlFiles(SITE_DIR).filter((rel) => current(rel) && /<table/.test(fs.readFileSync(path.join(SITE_DIR, rel), 'utf8')));
  const context = await newContext({ viewport: { width: 1280, height: 900 } });
  const found = new Map();
  try {
    await inTabs(context, pages, async (page, rel) => {
      await page.goto(pageUrl(BASE, rel));
      found.set(rel, await page.evaluate(() => {
        const out = [];
        for (const d of document.querySelectorAll('table .date')) {
          const lines = new Set([...d.getClientRects()].map((r) => Math.round(r.top)));
          if (lines.size > 1) out.push(`date "${d.textContent}" breaks over ${lines.size} lines`);
        }
        const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).clipPath === 'none';
        for (const caption of document.querySelectorAll('caption')) {
          const section = caption.closest('.table-scroll') || caption.closest('table');
          const heading = section?.previousElementSibling;
          if (heading && /^H[1-6]$/.test(heading.tagName) && visible(caption) &&
              heading.textContent.trim() === caption.textContent.trim())
            out.push(`"${caption.textContent.trim()}" shows as a heading and again as the table's caption`);
        }
        return out;
      }));
    });
  } finally {
    await context.close();
  }
  assert.ok(pages.length > 0 && found.size === pages.length, `visited ${found.size} of ${pages.length} pages with tables`);
  report('dates broken or headings repeated', pages.flatMap((rel) => (found.get(rel) ?? []).map((p) => `${rel} at 1280 px: ${p}`)));
});
