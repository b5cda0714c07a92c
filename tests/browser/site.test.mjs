// Browser checks of a generated samplan site. Run through run.sh:
//
//   bash tests/browser/run.sh [OUTPUT_DIR]
//
// or directly with SITE_DIR (and optionally SITE_URL, a server already serving SITE_DIR):
//
//   SITE_DIR=/tmp/site-out node --test --test-reporter=tap tests/browser/site.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import {
  HERE,
  classifyLink,
  crawl,
  listHtmlFiles,
  newContext,
  pageUrl,
  report,
  resolveFile,
  siteRel,
  useSite,
} from './lib.mjs';

const served = useSite();

const LONG = { timeout: 15 * 60 * 1000 };


const siteExists = () => fs.existsSync(path.join(served.dir, 'index.html'));

test('the site folder has an index.html', () => {
  assert.ok(siteExists(), `no index.html in ${served.dir}: build the site first`);
});

// 1 -------------------------------------------------------------------------------------------
test('html-validate: every .html file is valid (recommended preset, .htmlvalidate.json)', LONG, async (t) => {
  assert.ok(siteExists(), `no site in ${served.dir}`);
  const { HtmlValidate, StaticConfigLoader } = await import('html-validate');
  const config = JSON.parse(fs.readFileSync(path.join(HERE, '.htmlvalidate.json'), 'utf8'));
  const validator = new HtmlValidate(new StaticConfigLoader(config));
  const files = listHtmlFiles(served.dir);
  const problems = [];
  let warnings = 0;
  for (const rel of files) {
    const res = await validator.validateFile(path.join(served.dir, rel));
    for (const result of res.results) {
      for (const m of result.messages) {
        const line = `${rel}:${m.line}:${m.column}  ${m.ruleId}  ${m.message}`;
        if (m.severity >= 2) problems.push(line);
        else {
          warnings++;
          t.diagnostic(`warning ${line}`);
        }
      }
    }
  }
  t.diagnostic(`validated ${files.length} files: ${problems.length} errors, ${warnings} warnings`);
  report('html-validate errors', problems);
});

// The crawl-based checks: every page is visited once and the results are shared.
async function crawled() {
  assert.ok(siteExists(), `no site in ${served.dir}`);
  return crawl(served.dir, served.base);
}

function crawlErrors({ pages }) {
  return [...pages.values()]
    .filter((p) => p.error || (p.status !== 200 && p.status != null))
    .map((p) => `${p.rel}: page could not be checked: ${p.error ?? `HTTP status ${p.status}`}`);
}

// 2 -------------------------------------------------------------------------------------------
test('axe-core: no WCAG 2.0/2.1 A and AA or 2.2 AA violations on the pages of every kind', LONG, async (t) => {
  const site = await crawled();
  const problems = crawlErrors(site);
  for (const p of site.pages.values()) {
    for (const v of p.axe ?? []) {
      const targets = v.targets.slice(0, 8).join(' | ') + (v.targets.length > 8 ? ` | ... (${v.targets.length} nodes)` : '');
      problems.push(`${p.rel}: ${v.id} [${v.impact}] ${v.help} -> ${targets}`);
    }
  }
  t.diagnostic(`axe-core checked ${site.axed.size} of ${site.pages.size} pages (BROWSER_TESTS_AXE_ALL=1: all)`);
  report('axe-core violations', problems);
});

// 3 -------------------------------------------------------------------------------------------
test('links: every relative href/src resolves to a file of the site, every #fragment to an id', LONG, async (t) => {
  const site = await crawled();
  const problems = crawlErrors(site);
  let checked = 0;
  let fragments = 0;
  for (const p of site.pages.values()) {
    if (!p.dom) continue;
    for (const link of p.dom.links) {
      const what = `<${link.tag} ${link.attr}="${link.value}">`;
      const c = classifyLink(served.base, p.url, link.value);
      if (c.kind === 'external') continue;
      checked++;
      if (c.kind === 'outside') {
        problems.push(`${p.rel}: ${what} points outside the site (${c.resolved})`);
        continue;
      }
      const file = resolveFile(served.dir, c.rel);
      if (!file) {
        problems.push(`${p.rel}: ${what} -> ${c.rel} does not exist`);
        continue;
      }
      if (!c.fragment || c.fragment.startsWith(':~:')) continue;
      fragments++;
      const target = c.sameDocument ? p : site.pages.get(file);
      if (!target) {
        problems.push(`${p.rel}: ${what} has fragment #${c.fragment} but ${file} is not an HTML page`);
      } else if (!target.dom) {
        problems.push(`${p.rel}: ${what}: ${file} could not be loaded to look for #${c.fragment}`);
      } else if (!target.dom.ids.includes(c.fragment)) {
        problems.push(`${p.rel}: ${what}: no id="${c.fragment}" in ${file}`);
      }
    }
  }
  t.diagnostic(`checked ${checked} relative links (${fragments} with a fragment) on ${site.pages.size} pages`);
  report('broken internal links', problems);
});

// 4 -------------------------------------------------------------------------------------------
const GOAL = /^regional\/[^/]+\/[^/]+\/index\.html$/;
const ACTIVITY = /^groups\/[^/]+\/[^/]+\/[^/]+\/index\.html$/;
const GROUP = /^groups\/[^/]+\/index\.html$/;
const MAX_TABS = 400;

// The site-relative targets of the href attributes in a page's file (for picking a goal page
// that has activities to go on to; the walk itself uses only the keyboard).
function hrefsInFile(rel) {
  const html = fs.readFileSync(path.join(served.dir, rel), 'utf8');
  const pageHref = pageUrl(served.base, rel);
  const out = [];
  for (const m of html.matchAll(/<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
    const value = (m[1] ?? m[2] ?? m[3]).replace(/&amp;/g, '&');
    const c = classifyLink(served.base, pageHref, value);
    if (c.kind === 'local') out.push(c.rel);
  }
  return out;
}

// Runs in the page: the focused element and whether its focus can be seen.
function focusInfo() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return { tag: null };
  const cs = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  const shadow = cs.boxShadow !== '' && cs.boxShadow !== 'none';
  const onScreen = r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
  return {
    tag: el.tagName.toLowerCase(),
    hrefAttr: el.getAttribute('href'),
    href: el.tagName === 'A' ? el.href : null,
    text: (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 50),
    outline: `${cs.outlineStyle} ${cs.outlineWidth}`,
    boxShadow: cs.boxShadow,
    indicator: outline || shadow,
    onScreen,
    rect: `${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}x${Math.round(r.height)}`,
  };
}

const describe = (f) => (f.tag ? `<${f.tag}${f.hrefAttr != null ? ` href="${f.hrefAttr}"` : ''}> "${f.text}"` : '(nothing)');

function assertFocusVisible(f, where) {
  assert.ok(
    f.indicator,
    `${where}: focused ${describe(f)} has no visible focus indicator (outline: ${f.outline}; box-shadow: ${f.boxShadow})`,
  );
  assert.ok(f.onScreen, `${where}: focused ${describe(f)} is not visible on screen (box ${f.rect})`);
}

test('keyboard: start page -> goal -> activity -> group with Tab and Enter only; skip link first; focus visible', LONG, async (t) => {
  assert.ok(siteExists(), `no site in ${served.dir}`);
  const files = listHtmlFiles(served.dir);
  const goalsWithActivities = new Set(
    files.filter((f) => GOAL.test(f) && hrefsInFile(f).some((h) => ACTIVITY.test(h))),
  );
  assert.ok(goalsWithActivities.size > 0, 'no goal page (regional/<focus-area>/<goal>/index.html) links to an activity page');

  const steps = [
    { from: 'start page', to: 'a goal page with activities', want: (rel) => GOAL.test(rel) && goalsWithActivities.has(rel), pattern: GOAL },
    { from: 'goal page', to: 'an activity page', want: (rel) => ACTIVITY.test(rel), pattern: ACTIVITY },
    { from: 'activity page', to: 'its group page', want: (rel) => GROUP.test(rel), pattern: GROUP },
  ];

  const context = await newContext();
  try {
    const page = await context.newPage();
    page.on('pageerror', (err) => t.diagnostic(`uncaught exception on ${page.url()}: ${err.message}`));
    await page.goto(pageUrl(served.base, 'index.html'), { waitUntil: 'load' });
    const walk = ['index.html'];
    for (const step of steps) {
      const here = siteRel(served.base, page.url());
      // The first Tab on the page lands on the skip link.
      await page.keyboard.press('Tab');
      let f = await page.evaluate(focusInfo);
      assert.ok(
        f.tag === 'a' && typeof f.hrefAttr === 'string' && f.hrefAttr.startsWith('#') && f.hrefAttr.length > 1,
        `${here}: the first Tab focuses ${describe(f)}, not a skip link (<a href="#main">)`,
      );
      assertFocusVisible(f, `${here} (skip link)`);

      // Then Tab on until the wanted link has the focus.
      const seen = [describe(f)];
      let tabs = 1;
      while (!(f.tag === 'a' && f.href && step.want(siteRel(served.base, f.href) ?? ''))) {
        if (tabs >= MAX_TABS) {
          assert.fail(
            `${here}: no link to ${step.to} reached in ${MAX_TABS} presses of Tab; focus went through:\n    ` +
              [...new Set(seen)].slice(0, 60).join('\n    '),
          );
        }
        await page.keyboard.press('Tab');
        tabs++;
        f = await page.evaluate(focusInfo);
        seen.push(describe(f));
      }
      assertFocusVisible(f, `${here} (link to ${step.to})`);
      t.diagnostic(`${here}: ${tabs} x Tab to ${describe(f)}, Enter`);

      try {
        await Promise.all([
          page.waitForURL((u) => step.pattern.test(siteRel(served.base, u.href) ?? ''), { timeout: 15_000 }),
          page.keyboard.press('Enter'),
        ]);
      } catch (err) {
        assert.fail(`${here}: Enter on ${describe(f)} did not lead to ${step.to} (now at ${page.url()}): ${err.message.split('\n')[0]}`);
      }
      await page.waitForLoadState('load');
      const now = siteRel(served.base, page.url());
      assert.match(now ?? page.url(), step.pattern, `${here}: Enter on ${describe(f)} led to ${page.url()}`);
      walk.push(now);
    }
    t.diagnostic(`walked ${walk.join(' -> ')}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) err.stack = err.message; // the message says it all
    throw err;
  } finally {
    await context.close().catch(() => {});
  }
});

// 5 -------------------------------------------------------------------------------------------
test('structure: <html lang="sv|en">, exactly one <h1>, one <main>, no skipped heading level', LONG, async (t) => {
  const site = await crawled();
  const problems = crawlErrors(site);
  for (const p of site.pages.values()) {
    if (!p.dom) continue;
    const d = p.dom;
    if (!/^(sv|en)(-[A-Za-z0-9]+)*$/.test(d.lang ?? '')) {
      problems.push(`${p.rel}: <html lang="${d.lang ?? ''}">, expected "sv" or "en"`);
    }
    if (d.h1Count !== 1) problems.push(`${p.rel}: ${d.h1Count} <h1> elements, expected exactly one`);
    if (d.mainCount < 1) problems.push(`${p.rel}: no <main> element`);
    else if (d.visibleMainCount !== 1) problems.push(`${p.rel}: ${d.visibleMainCount} visible main landmarks, expected one`);
    let prev = 1; // a page may open with an h2 (e.g. in its banner) before its h1, but not with an h3
    let prevText = '(start of page)';
    for (const h of d.headings) {
      if (h.level > prev + 1) {
        problems.push(`${p.rel}: heading level skipped: h${prev} "${prevText}" -> h${h.level} "${h.text}"`);
      }
      prev = h.level;
      prevText = h.text;
    }
  }
  t.diagnostic(`checked ${site.pages.size} pages`);
  report('page structure', problems);
});

// 6 -------------------------------------------------------------------------------------------
test('console and network: no console errors, no request leaves 127.0.0.1', LONG, async (t) => {
  const site = await crawled();
  const problems = crawlErrors(site);
  for (const p of site.pages.values()) {
    for (const e of p.consoleErrors) problems.push(`${p.rel}: ${e}`);
    for (const u of new Set(p.foreignRequests)) problems.push(`${p.rel}: request to ${u} (not 127.0.0.1)`);
  }
  t.diagnostic(`watched ${site.pages.size} pages`);
  report('console errors and foreign requests', problems);
});

// 7 -------------------------------------------------------------------------------------------
// The search page (assets/search.js over Pagefind's index): ?q= from the header form is searched,
// the number of results is announced, excerpts keep words apart, filters carry the theme's names,
// everything works with the keyboard, at 320 px wide, and nothing on screen moves as the results
// arrive.
const searchBuilt = () => fs.existsSync(path.join(served.dir, 'pagefind', 'pagefind.js'));

test('search: ?q= is searched, results announced, Swedish filter names, keyboard, 320 px, no layout shift', {
  ...LONG,
  skip: siteExists() && !searchBuilt() && 'Pagefind is not installed: no index to search',
}, async (t) => {
  assert.ok(siteExists(), `no site at ${served.dir}`);
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  const { AXE_TAGS } = await import('./lib.mjs');
  const context = await newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && !/favicon/.test(m.location()?.url ?? '') && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  const problems = [];
  const status = page.locator('#search-status[role="status"]');

  await page.goto(`${pageUrl(served.base, 'search/index.html')}?q=samordning`, { waitUntil: 'load' });
  await page.locator('#search-results .search-result a').first().waitFor({ timeout: 15_000 });
  if ((await page.inputValue('#search-input')) !== 'samordning') problems.push('?q= is not in the search field');
  const announced = await status.textContent();
  const count = await page.locator('#search-results .search-result').count();
  if (!/^\d+ träff(ar)?$/.test(announced) || count < 1) problems.push(`status says "${announced}" with ${count} results shown`);
  const filterNames = await page.locator('#search-filters summary').allTextContents();
  assert.deepEqual(filterNames, ['Grupp', 'Fokusområde', 'Målgrupp', 'Status']);
  // A label and its value are separate words in the index ("Status Avslutad", not "StatusAvslutad").
  for (const excerpt of await page.locator('#search-results .search-excerpt').allTextContents()) {
    const glued = excerpt.match(/(Status|Grupp|Handlingsplan|Målgrupp|Period)(Planerad|Pågår|Avslutad|Avbruten|Lokal|Vuxna|Barn|\d)/);
    if (glued) problems.push(`an excerpt glues words together: "${glued[0]}"`);
  }
  const shift = await page.evaluate(() => window.__shift);
  if (shift >= 0.1) problems.push(`layout shift ${shift.toFixed(3)} while the results arrived (at most 0.1)`);

  // Keyboard only: field -> button -> first filter; Enter opens it, Space chooses its first value.
  await page.focus('#search-input');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  if ((await page.evaluate(() => document.activeElement.textContent)) !== 'Grupp') problems.push('Tab from the field does not reach the filters');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await page.waitForFunction((before) => document.getElementById('search-status').textContent !== before, announced, { timeout: 15_000 })
    .catch(() => problems.push(`choosing a group did not change "${announced}"`));
  await page.keyboard.press('Space');
  // A group that has results: the count beside it is the number of results when it is chosen.
  const group = page.locator('#search-filters details').first().locator('li').filter({ hasText: /\([1-9]\d*\)$/ }).first();
  const expected = Number((await group.textContent()).match(/\((\d+)\)$/)[1]);
  await group.locator('input').check();
  const want = expected === 1 ? '1 träff' : `${expected} träffar`;
  await page.waitForFunction((w) => document.getElementById('search-status').textContent === w, want, { timeout: 15_000 })
    .catch(async () => problems.push(`choosing ${await group.textContent()} announced "${await status.textContent()}", not "${want}"`));
  const narrowed = await page.locator('#search-results .search-result').count();
  if (narrowed !== expected || narrowed > count) problems.push(`choosing ${await group.textContent()} shows ${narrowed} results`);
  // A new search from the field, with Enter; ?q= follows it.
  await page.fill('#search-input', 'suicidprevention');
  await page.keyboard.press('Enter');
  await page.waitForURL(/[?&]q=suicidprevention/, { timeout: 15_000 }).catch(() => problems.push('?q= does not follow the field'));

  const axe = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  for (const v of axe.violations) problems.push(`axe: ${v.id} ${v.help} -> ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);

  // 320 px wide (WCAG 1.4.10): no horizontal scrolling.
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(`${pageUrl(served.base, 'search/index.html')}?q=samordning`, { waitUntil: 'load' });
  await page.locator('#search-results .search-result').first().waitFor({ timeout: 15_000 });
  for (const summary of await page.locator('#search-filters summary').all()) await summary.click();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > 320) problems.push(`at 320 px the page is ${width} px wide`);

  await context.close();
  for (const e of errors) problems.push(`console: ${e}`);
  t.diagnostic(`"samordning": ${announced}; one group chosen: ${narrowed} results`);
  report('search page', problems);
});

// The first results do not wait for the filters: with every filter file of the index held back,
// the results of ?q= are shown, the filters' headings are in place (so nothing moves when their
// values come), and once the files are let through the values come with the latest search's
// counts.
test('search: the results come before the filters\' values, and the counts follow them', {
  ...LONG,
  skip: siteExists() && !searchBuilt() && 'Pagefind is not installed: no index to search',
}, async () => {
  assert.ok(siteExists(), `no site at ${served.dir}`);
  const context = await newContext();
  const page = await context.newPage();
  const problems = [];
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  let held = 0;
  await page.route(/\.pf_filter(\?|$)/, async (route) => {
    held++;
    await released;
    await route.continue().catch(() => {});
  });
  await page.goto(`${pageUrl(served.base, 'search/index.html')}?q=samordning`, { waitUntil: 'load' });
  const results = page.locator('#search-results .search-result');
  await results.first().waitFor({ timeout: 15_000 })
    .catch(() => problems.push('no results were shown while the filter files were held back'));
  const summaries = await page.locator('#search-filters summary').allTextContents();
  if (summaries.join() !== 'Grupp,Fokusområde,Målgrupp,Status') problems.push(`before their values, the filters' headings are "${summaries.join()}"`);
  if (await page.locator('#search-filters input[type=checkbox]').count() !== 0) problems.push('filter values were shown before their files came');
  release();
  // Each group's count is the number of this search's results in that group.
  await page.locator('#search-filters details').first().locator('summary').click();
  const group = page.locator('#search-filters details').first().locator('li').filter({ hasText: /\([1-9]\d*\)$/ }).first();
  const counted = await group.waitFor({ timeout: 15_000 }).then(() => true, () => false);
  if (!counted) problems.push('no group has a count above 0 once the filter files came');
  else {
    const groupText = await group.textContent();
    const inGroup = Number(groupText.match(/\((\d+)\)$/)[1]);
    const all = Number((await page.textContent('#search-status')).match(/^(\d+)/)?.[1] ?? 0);
    let sum = 0;
    for (const text of await page.locator('#search-filters details').first().locator('li').allTextContents()) sum += Number(text.match(/\((\d+)\)$/)?.[1] ?? 0);
    if (sum > all) problems.push(`the groups' counts add up to ${sum}, more than the ${all} results of the search`);
    await group.locator('input').check();
    const want = inGroup === 1 ? '1 träff' : `${inGroup} träffar`;
    await page.waitForFunction((w) => document.getElementById('search-status').textContent === w, want, { timeout: 15_000 })
      .catch(async () => problems.push(`choosing ${groupText} announced "${await page.textContent('#search-status')}", not "${want}"`));
  }
  if (held === 0) problems.push('the index has no filter files to hold back');
  await context.close();
  report('search page, filters after the results', problems);
});
