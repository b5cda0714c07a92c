// The site's charts (indicator charts, plan timelines and process diagrams: SVG made by samplan at build time), on
// every page that has one, at 320 px and at 1280 px wide:
//
//   SITE_DIR=/tmp/site-out node --test --test-reporter=tap tests/browser/charts.test.mjs
//
// Each chart must have an accessible name (role="img", aria-labelledby naming its <title> and
// <desc>, both with text) and the same figures as a table beside it, its rows in date order and
// its values the chart's labels (a process diagram: its steps in its description); no text of the chart may reach outside its viewBox (getBBox in
// Chromium: no label is cut off), no two value labels may cover each other, the chart must fit
// the screen (no sideways scrolling for it), and axe must find nothing in it.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { axeViolations, inTabs, listHtmlFiles, newContext, pageUrl, report, useSite } from './lib.mjs';

const served = useSite();
const LONG = { timeout: 15 * 60 * 1000 };


// The pages with a chart, from the files (the current site only: archived versions repeat them).
function chartPages() {
  return listHtmlFiles(served.dir).filter(
    (rel) => !rel.startsWith('versions/') && /<svg class="(chart|diagram)/.test(fs.readFileSync(path.join(served.dir, rel), 'utf8')),
  );
}

// Runs in the page: every problem of every chart on it.
function chartProblems() {
  const problems = [];
  const charts = [...document.querySelectorAll('svg.chart, svg.diagram')];
  charts.forEach((svg, index) => {
    const where = `chart ${index + 1} (${svg.querySelector('title')?.textContent ?? 'no title'})`;
    // An accessible name and description.
    const ids = (svg.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean);
    if (svg.getAttribute('role') !== 'img') problems.push(`${where}: role is not img`);
    if (ids.length < 1) problems.push(`${where}: no aria-labelledby`);
    for (const id of ids) {
      const el = document.getElementById(id);
      if (!el || !svg.contains(el) || el.textContent.trim() === '') problems.push(`${where}: aria-labelledby "${id}" names no text in the chart`);
    }
    // The same figures as a table, in date order.
    const table = svg.parentElement.querySelector('table');
    if (svg.classList.contains('diagram')) {
      // A process diagram: its steps are the list below it; its description names them all.
      const steps = svg.querySelectorAll('rect.diagram-step').length;
      const desc = svg.querySelector('desc')?.textContent ?? '';
      if (steps < 1 || !desc.includes(`${steps} `)) problems.push(`${where}: ${steps} steps, description "${desc}"`);
    } else if (!table || !table.querySelector('caption')?.textContent.trim()) {
      problems.push(`${where}: no table with a caption beside the chart`);
    } else {
      const rows = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent.trim()));
      const labels = [...svg.querySelectorAll('text.chart-value')].map((t) => t.textContent.trim());
      if (labels.length > 0) {
        const dates = rows.map((r) => r[0]);
        const sorted = [...dates].sort();
        if (dates.join('|') !== sorted.join('|')) problems.push(`${where}: table not in date order: ${dates.join(', ')}`);
        const values = rows.map((r) => r[2]).sort().join('|');
        if (values !== [...labels].sort().join('|')) problems.push(`${where}: table values ${values} are not the chart's ${labels.join('|')}`);
      } else {
        // A timeline: one bar per row, rows in the order of their periods.
        const bars = svg.querySelectorAll('rect.bar').length;
        if (bars !== rows.length) problems.push(`${where}: ${bars} bars but ${rows.length} table rows`);
        const periods = rows.map((r) => r[1]);
        if (periods.join('|') !== [...periods].sort().join('|')) problems.push(`${where}: table not in date order: ${periods.join(', ')}`);
      }
    }
    // No text outside the viewBox.
    const vb = svg.viewBox.baseVal;
    if (!vb || vb.width === 0) problems.push(`${where}: no viewBox`);
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBBox();
      if (b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 || b.y + b.height > vb.y + vb.height + 0.5)
        problems.push(`${where}: "${t.textContent}" is cut off (box ${b.x.toFixed(1)},${b.y.toFixed(1)} ${b.width.toFixed(1)}x${b.height.toFixed(1)} in viewBox ${vb.width}x${vb.height})`);
    }
    // No value label over another.
    const boxes = [...svg.querySelectorAll('text.chart-value')].map((t) => [t.textContent, t.getBBox()]);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [ta, a] = boxes[i];
        const [tb, b] = boxes[j];
        if (a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5)
          problems.push(`${where}: labels "${ta}" and "${tb}" overlap`);
      }
    // The chart fits the screen and its column.
    const r = svg.getBoundingClientRect();
    if (r.left < 0 || r.right > document.documentElement.clientWidth + 0.5) problems.push(`${where}: ${Math.round(r.left)}–${Math.round(r.right)} px is off the screen`);
    if (r.height < 50) problems.push(`${where}: only ${Math.round(r.height)} px high`);
  });
  return { count: charts.length, problems };
}

test('charts: accessible name, the same figures as a table in date order, no label cut off, fits at 320 and 1280 px, axe clean', LONG, async (t) => {
  assert.ok(fs.existsSync(path.join(served.dir, 'index.html')), `no site in ${served.dir}`);
  const pages = chartPages();
  const problems = new Map();
  let charts = 0;
  const axed = new Set();
  for (const width of [320, 1280]) {
    const context = await newContext({ viewport: { width, height: 900 } });
    try {
      await inTabs(context, pages, async (page, rel) => {
        await page.goto(pageUrl(served.base, rel), { waitUntil: 'load' });
        const found = await page.evaluate(chartProblems);
        charts += found.count;
        const mine = found.problems.map((p) => `${rel} at ${width} px: ${p}`);
        // axe on one page of each kind (the whole site is axe-checked by site.test.mjs at 1280 px).
        const kind = rel.split('/').map((part, i, all) => (i === 0 || part === 'index.html' ? part : i === all.length - 1 ? '*.html' : '*')).join('/');
        if (width === 320 && !axed.has(kind)) {
          axed.add(kind);
          const include = [];
          for (const selector of ['.chart-figure', '.process-diagram'])
            if ((await page.locator(selector).count()) > 0) include.push(selector);
          for (const v of await axeViolations(page, { include: include.length ? include : undefined })) mine.push(`${rel}: axe ${v}`);
        }
        problems.set(`${width} ${rel}`, mine);
      });
    } finally {
      await context.close();
    }
  }
  t.diagnostic(`${pages.length} pages, ${charts / 2} charts, each at 320 and 1280 px`);
  assert.ok(pages.length > 0, 'no page of the site has a chart');
  report('charts', [320, 1280].flatMap((width) => pages.flatMap((rel) => problems.get(`${width} ${rel}`) ?? [])));
});
