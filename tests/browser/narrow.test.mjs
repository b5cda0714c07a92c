// Phones: every page of a generated site at 320 and 375 px wide (WCAG 2.1 1.4.10 Reflow).
//
//   SITE_DIR=… SITE_URL=… node --test narrow.test.mjs    (run.sh runs it on the example site and,
//                                                         with TESTS, on the hostile-content site)
//
// Every .html file is visited at 320 px, the width WCAG's reflow names; at 375 px the pages of
// every kind that axe checks (lib.mjs axeSample: at most five made from each template; all with
// BROWSER_TESTS_AXE_ALL=1). On each, it fails when
//   - the page scrolls sideways (document.documentElement.scrollWidth wider than the viewport);
//   - an element scrolls sideways on its own without being a labelled, keyboard-reachable region
//     (role="region" or <section>, tabindex="0", aria-label or aria-labelledby), or a table wider
//     than the screen is not inside one;
//   - a label of an SVG chart or timeline sticks out of its picture (clipped);
//   - a date (2026-02-16) is broken over two lines;
//   - a table's caption repeats the heading right above it (layout.test.mjs checks it at 1280 px);
//   - the header (site title, menu button, search) takes more than a third of the screen, or the
//     menu's links are on screen before the menu button is pressed, or pressing it (Enter) does
//     not show them, or the search field is not on screen, or its label is not on screen (WCAG
//     3.3.2) or is not the field's accessible name (2.5.3 Label in Name; at 1280 px too).
import { test } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';

import { axeSample, inTabs, listHtmlFiles, newContext, pageUrl, report, useSite } from './lib.mjs';

const served = useSite();
const WIDTHS = [320, 375];
const LONG = { timeout: 20 * 60 * 1000 };


// Runs in the page: what is wrong with it at the current width.
function narrowProblems() {
  const problems = [];
  const vw = window.innerWidth;
  const root = document.documentElement;
  const name = (el) => {
    const id = el.id ? `#${el.id}` : '';
    const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
    return `<${el.tagName.toLowerCase()}${id}${cls}>`;
  };
  if (root.scrollWidth > vw) {
    // Name the widest elements that reach past the right edge.
    const wide = [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > vw + 0.5 && !el.closest('.visually-hidden'))
      .filter((el) => !el.parentElement || el.parentElement.getBoundingClientRect().right <= vw + 0.5)
      .slice(0, 4)
      .map((el) => `${name(el)} ${Math.round(el.getBoundingClientRect().right)} px`);
    problems.push(`the page is ${root.scrollWidth} px wide (${wide.join(', ')})`);
  }
  // A region: role="region", or a <section> with a name (whose role is region).
  const isRegion = (el) =>
    (el.getAttribute('role') === 'region' || (el.tagName === 'SECTION' && !el.hasAttribute('role'))) &&
    el.getAttribute('tabindex') === '0' &&
    ((el.getAttribute('aria-label') ?? '').trim() !== '' ||
      (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).some((id) => id && document.getElementById(id)?.textContent.trim()));
  for (const el of document.body.querySelectorAll('*')) {
    const cs = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(cs.overflowX) || el.scrollWidth <= el.clientWidth + 1) continue;
    if (!isRegion(el)) problems.push(`${name(el)} scrolls sideways but is not a labelled region with tabindex="0"`);
  }
  for (const table of document.querySelectorAll('table')) {
    if (table.closest('.visually-hidden')) continue;
    if (table.getBoundingClientRect().width <= vw) continue;
    let scroller = table.parentElement;
    while (scroller && !['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX)) scroller = scroller.parentElement;
    if (!scroller || !isRegion(scroller)) problems.push(`a table "${(table.caption?.textContent ?? '').trim().slice(0, 40)}" is wider than the screen outside a scrolling region`);
  }
  for (const svg of document.querySelectorAll('svg')) {
    const box = svg.getBoundingClientRect();
    if (box.width === 0) continue;
    for (const text of svg.querySelectorAll('text')) {
      const r = text.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        problems.push(`the label "${text.textContent.trim().slice(0, 40)}" sticks out of its picture (${Math.round(r.left - box.left)}..${Math.round(r.right - box.left)} of ${Math.round(box.width)} px)`);
      }
    }
  }
  // Dates: every yyyy-mm-dd in the text lies on one line.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('.visually-hidden, script, style, title, desc, svg')) continue;
    for (const m of node.data.matchAll(/\d{4}-\d{2}-\d{2}/g)) {
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1) problems.push(`the date ${m[0]} is broken over two lines in ${name(parent)}`);
    }
  }
  // No heading's text shows again as the caption of the table right below it.
  for (const caption of document.querySelectorAll('caption')) {
    const heading = (caption.closest('.table-scroll') || caption.closest('table'))?.previousElementSibling;
    if (heading && /^H[1-6]$/.test(heading.tagName) && caption.getClientRects().length > 0 &&
        getComputedStyle(caption).clipPath === 'none' && heading.textContent.trim() === caption.textContent.trim())
      problems.push(`"${caption.textContent.trim()}" shows as a heading and again as the table's caption`);
  }
  return problems;
}

// Runs in the page: the header's parts on a narrow screen.
function headerInfo() {
  const visible = (el) => {
    if (!el || !el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const header = document.querySelector('.site-header');
  const summary = header?.querySelector('details summary');
  const links = [...(header?.querySelectorAll('nav a') ?? [])];
  const search = document.querySelector('#header-search-input');
  // The field's label, shown whole: not shrunk or clipped to a visually hidden pixel.
  const label = search?.labels?.[0];
  const labelBox = label?.getBoundingClientRect();
  const labelStyle = label ? getComputedStyle(label) : null;
  const labelText = label?.textContent.trim() ?? '';
  const labelShown = !!label && visible(label) && labelBox.width > 2 && labelBox.height > 2 && labelText !== '' &&
    labelStyle.clipPath === 'none' && ['auto', ''].includes(labelStyle.clip) && !label.closest('.visually-hidden');
  // Its accessible name: aria-labelledby, aria-label or its labels (an input's order); the label's words are in it.
  const named = search?.getAttribute('aria-labelledby')
    ? search.getAttribute('aria-labelledby').split(/\s+/).map((id) => document.getElementById(id)?.textContent.trim() ?? '').join(' ')
    : search?.getAttribute('aria-label') ?? [...(search?.labels ?? [])].map((l) => l.textContent.trim()).join(' ');
  return {
    height: header ? header.getBoundingClientRect().height : 0,
    button: summary ? { text: summary.textContent.trim(), visible: visible(summary) } : null,
    linksShown: links.filter(visible).length,
    links: links.length,
    searchShown: visible(search),
    label: labelText,
    labelShown,
    labelInName: labelText !== '' && named.toLowerCase().includes(labelText.toLowerCase()),
  };
}

const allFiles = fs.existsSync(served.dir) ? listHtmlFiles(served.dir) : [];

for (const width of WIDTHS) {
  test(`${width} px: no page scrolls sideways; wide tables scroll in labelled regions; labels and dates whole`, LONG, async (t) => {
    const sampled = axeSample(allFiles);
    const files = width === 320 ? allFiles : allFiles.filter((f) => sampled.has(f));
    const context = await newContext({ viewport: { width, height: 700 } });
    const problems = new Map();
    try {
      await inTabs(context, files, async (page, rel) => {
        await page.goto(pageUrl(served.base, rel), { waitUntil: 'load' });
        // The search page shows results and filters after its index loads: open them all.
        if (await page.locator('#search-input').count()) {
          await page.goto(`${pageUrl(served.base, rel)}?q=a`, { waitUntil: 'load' });
          await page.locator('#search-results .search-result').first().waitFor({ timeout: 5_000 }).catch(() => {});
          for (const s of await page.locator('#search-filters summary').all()) await s.click();
        }
        problems.set(rel, (await page.evaluate(narrowProblems)).map((p) => `${rel}: ${p}`));
      });
    } finally {
      await context.close();
    }
    t.diagnostic(`${files.length} pages at ${width} px`);
    report(`${width} px wide`, files.flatMap((f) => problems.get(f) ?? []));
  });
}

test('320 px: a compact header with a menu button (a disclosure) and the search field on screen, with its label', LONG, async (t) => {
  const problems = [];
  for (const javaScript of [true, false]) {
    const context = await newContext({ viewport: { width: 320, height: 640 }, javaScriptEnabled: javaScript });
    const page = await context.newPage();
    try {
      // Every page kind shares the header: the start page, a deep page and the not-found page.
      // (Archived versions have no search: their header has no search field; nor has the search
      // page, whose own field is the search.)
      const picks = allFiles.filter((f, i) => (i % 15 === 0 || f === 'index.html') && !f.startsWith('versions/') && f !== 'search/index.html');
      for (const rel of picks) {
        await page.goto(pageUrl(served.base, rel), { waitUntil: 'load' });
        const h = await page.evaluate(headerInfo);
        const where = `${rel} (JavaScript ${javaScript ? 'on' : 'off'})`;
        if (!h.button || !h.button.visible) {
          problems.push(`${where}: no menu button in the header`);
          continue;
        }
        if (!h.searchShown) problems.push(`${where}: the search field is not on screen`);
        if (!h.labelShown) problems.push(`${where}: the search field's label ("${h.label}") is not on screen`);
        if (!h.labelInName) problems.push(`${where}: the search field's accessible name does not hold its label "${h.label}"`);
        if (javaScript) {
          if (h.height > 640 / 3) problems.push(`${where}: the header is ${Math.round(h.height)} px high`);
          if (h.linksShown !== 0) problems.push(`${where}: ${h.linksShown} menu links shown before the menu button is pressed`);
          await page.locator('.site-header details summary').focus();
          await page.keyboard.press('Enter');
          const opened = await page.evaluate(headerInfo);
          if (opened.linksShown !== opened.links || opened.links === 0) problems.push(`${where}: Enter on "${h.button.text}" shows ${opened.linksShown} of ${opened.links} menu links`);
          const expanded = await page.locator('.site-header details').evaluate((d) => d.open);
          if (!expanded) problems.push(`${where}: the menu did not open`);
        } else if (h.linksShown !== h.links || h.links === 0) {
          // Without JavaScript the full list shows.
          problems.push(`${where}: without JavaScript only ${h.linksShown} of ${h.links} menu links are shown`);
        }
      }
      t.diagnostic(`${picks.length} pages, JavaScript ${javaScript ? 'on' : 'off'}`);
    } finally {
      await context.close();
    }
  }
  report('compact header', problems);
});

test('wide screens: the menu shows in full, with no menu button; the search field\'s label is shown', async () => {
  const context = await newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  try {
    await page.goto(pageUrl(served.base, 'index.html'), { waitUntil: 'load' });
    const h = await page.evaluate(headerInfo);
    const problems = [];
    if (h.button?.visible) problems.push('a menu button is shown at 1280 px');
    if (h.linksShown !== h.links || h.links === 0) problems.push(`${h.linksShown} of ${h.links} menu links shown at 1280 px`);
    if (!h.labelShown) problems.push(`the search field's label ("${h.label}") is not on screen at 1280 px`);
    if (!h.labelInName) problems.push(`the search field's accessible name does not hold its label "${h.label}" at 1280 px`);
    report('wide header', problems);
  } finally {
    await context.close();
  }
});
