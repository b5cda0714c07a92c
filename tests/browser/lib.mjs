// Helpers of the browser tests: the site's files, URL <-> file mapping, the browser, and one
// crawl of every page whose results the checks share.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startServer } from './server.mjs';

const require = createRequire(import.meta.url);

export const HERE = path.dirname(fileURLToPath(import.meta.url));

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// ---------------------------------------------------------------------------------------------
// Files and URLs

/** Every .html file under `dir`, as sorted paths relative to it with '/' separators. */
export function listHtmlFiles(dir) {
  const out = [];
  const walk = (abs, rel) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const childAbs = path.join(abs, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(childAbs, childRel);
      else if (entry.isFile() && /\.html?$/i.test(entry.name)) out.push(childRel);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** URL of the page whose file is `rel` (relative to the site folder) on the server at `base`. */
export function pageUrl(base, rel) {
  return new URL(rel.split('/').map(encodeURIComponent).join('/'), base).href;
}

/**
 * The site-relative path ('groups/x/index.html') of an absolute URL on the server at `base`,
 * without query and fragment; a folder URL ('groups/x/') gets 'index.html'. Null when the URL
 * is not on that server.
 */
export function siteRel(base, href) {
  let url;
  try {
    url = new URL(href, base);
  } catch {
    return null;
  }
  const b = new URL(base);
  if (url.origin !== b.origin || !url.pathname.startsWith(b.pathname)) return null;
  let rel;
  try {
    rel = decodeURIComponent(url.pathname.slice(b.pathname.length));
  } catch {
    rel = url.pathname.slice(b.pathname.length);
  }
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  return rel;
}

const EXTERNAL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Classifies a link found as attribute `value` on the page at `pageHref`:
 *   { kind: 'external' }                             http(s):, mailto:, tel:, data:, ... or //host
 *   { kind: 'local', rel, fragment, sameDocument }   a file of the site (rel may not exist)
 *   { kind: 'outside', resolved }                    relative, but resolves outside the site
 */
export function classifyLink(base, pageHref, value) {
  const v = value.trim();
  if (EXTERNAL_SCHEME.test(v) || v.startsWith('//')) return { kind: 'external' };
  const url = new URL(v, pageHref);
  const rel = siteRel(base, url.href);
  if (rel === null) return { kind: 'outside', resolved: url.href };
  // URL resolution stops at the server's root, but a path-relative link that climbs above the
  // site's folder breaks when the site is published in a subfolder.
  const pathPart = v.split(/[?#]/)[0];
  if (pathPart && !pathPart.startsWith('/')) {
    const pageRel = siteRel(base, pageHref) ?? '';
    const joined = path.posix.normalize(path.posix.join(path.posix.dirname(pageRel), pathPart));
    if (joined === '..' || joined.startsWith('../')) return { kind: 'outside', resolved: joined };
  }
  let fragment = url.hash.slice(1);
  try {
    fragment = decodeURIComponent(fragment);
  } catch {
    /* keep as written */
  }
  const page = new URL(pageHref);
  const sameDocument = url.pathname === page.pathname && url.search === page.search;
  return { kind: 'local', rel, fragment, sameDocument, resolved: url.href };
}

/**
 * Does the site-relative path exist in `siteDir`? A folder counts only through its
 * index.html. Returns the file that the path resolves to (relative), or null.
 */
export function resolveFile(siteDir, rel) {
  const abs = path.resolve(siteDir, rel);
  const inside = path.relative(path.resolve(siteDir), abs);
  if (inside.startsWith('..') || path.isAbsolute(inside)) return null;
  let st;
  try {
    st = fs.statSync(abs);
  } catch {
    return null;
  }
  if (st.isFile()) return inside.split(path.sep).join('/');
  if (st.isDirectory()) {
    const index = path.join(abs, 'index.html');
    if (fs.existsSync(index) && fs.statSync(index).isFile()) {
      return path.relative(path.resolve(siteDir), index).split(path.sep).join('/');
    }
  }
  return null;
}

/** Is a request URL allowed, i.e. does it stay on 127.0.0.1 (or is it data:, blob:, about:)? */
export function isLocalUrl(href) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return false;
  }
  if (['data:', 'blob:', 'about:'].includes(url.protocol)) return true;
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) return false;
  return url.hostname === '127.0.0.1';
}

// ---------------------------------------------------------------------------------------------
// Browser

let browserPromise = null;

export async function launchBrowser() {
  if (!browserPromise) {
    browserPromise = (async () => {
      if (!fs.existsSync(CHROMIUM)) {
        throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
      }
      const { chromium } = await import('playwright-core');
      return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    })();
  }
  return browserPromise;
}

export async function closeBrowser() {
  if (!browserPromise) return;
  const p = browserPromise;
  browserPromise = null;
  try {
    await (await p).close();
  } catch {
    /* never launched */
  }
}

/**
 * A new browser context that aborts every request leaving 127.0.0.1 (after the page's
 * 'request' listeners have seen it), so that a page can never reach the network.
 */
export async function newContext(options = {}) {
  const browser = await launchBrowser();
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'sv-SE',
    serviceWorkers: 'block',
    ...options,
  });
  await context.route((url) => !isLocalUrl(url.href), (route) => route.abort('blockedbyclient'));
  return context;
}

/**
 * Calls `visit(page, rel)` once for each of `files`, in `concurrency` tabs of `context` at once
 * (BROWSER_TESTS_CONCURRENCY, default 2: one per core, as the crawl below).
 */
export async function inTabs(context, files, visit, concurrency = Number(process.env.BROWSER_TESTS_CONCURRENCY) || 2) {
  let next = 0;
  const worker = async () => {
    const page = await context.newPage();
    try {
      while (next < files.length) await visit(page, files[next++]);
    } finally {
      await page.close().catch(() => {});
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

// ---------------------------------------------------------------------------------------------
// The crawl: every page once, in the browser

// Runs in the page: what the structure, link and fragment checks need.
function extractPage() {
  const hiddenAncestor = (el) => el.closest('[hidden], [aria-hidden="true"], template');
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .filter((h) => !hiddenAncestor(h))
    .map((h) => ({ level: Number(h.tagName[1]), text: h.textContent.replace(/\s+/g, ' ').trim().slice(0, 60) }));
  const links = [];
  const collect = (selector, attr) => {
    for (const el of document.querySelectorAll(selector)) {
      const value = el.getAttribute(attr);
      if (value === null) continue;
      links.push({ tag: el.tagName.toLowerCase(), attr, value });
    }
  };
  collect('a[href]', 'href');
  collect('link[href]', 'href');
  collect('script[src]', 'src');
  collect('img[src]', 'src');
  const ids = [...document.querySelectorAll('[id]')].map((el) => el.id);
  for (const a of document.querySelectorAll('a[name]')) ids.push(a.getAttribute('name'));
  return {
    lang: document.documentElement.getAttribute('lang'),
    h1Count: document.querySelectorAll('h1').length,
    mainCount: document.querySelectorAll('main').length,
    visibleMainCount: [...document.querySelectorAll('main, [role="main"]')].filter((m) => !m.closest('[hidden]')).length,
    headings,
    links,
    ids,
  };
}

function formatTarget(target) {
  return (Array.isArray(target) ? target : [target])
    .map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t)))
    .join(' >>> ');
}

/**
 * A browser tab that visits pages one after the other. Reusing the tab (rather than a new tab
 * per page) keeps one renderer process, which caches the compiled axe-core script: about half
 * the time per page. Between two pages the tab goes to about:blank, so that nothing the
 * previous page does late is counted against the next one.
 */
async function openVisitor(context, base, AxeBuilder) {
  const page = await context.newPage();
  let current = null;
  page.on('console', (msg) => {
    if (!current || msg.type() !== 'error') return;
    const loc = msg.location();
    const where = loc?.url ? ` (${loc.url}${loc.lineNumber ? `:${loc.lineNumber}` : ''})` : '';
    current.consoleErrors.push(`console.error: ${msg.text()}${where}`);
  });
  page.on('pageerror', (err) => current?.consoleErrors.push(`uncaught exception: ${err.message}`));
  // The requests the page has under way, and when the last one started or ended.
  const net = { open: 0, last: 0, loaded: false, fetched: false };
  page.on('request', (req) => {
    net.open++;
    net.last = Date.now();
    if (net.loaded) net.fetched = true;
    if (current && !isLocalUrl(req.url())) current.foreignRequests.push(req.url());
  });
  const ended = () => {
    net.open = Math.max(0, net.open - 1);
    net.last = Date.now();
  };
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);

  const visit = async (rel, { axe: runAxe = true } = {}) => {
    const result = { rel, url: pageUrl(base, rel), consoleErrors: [], foreignRequests: [], error: null };
    try {
      await page.goto('about:blank');
      current = result;
      net.loaded = net.fetched = false;
      const response = await page.goto(result.url, { waitUntil: 'load', timeout: 30_000 });
      net.loaded = true;
      result.status = response ? response.status() : null;
      // Let scripts that start work on load (e.g. fetching a search index) finish: until no
      // request has been under way for 150 ms, or 500 ms once the page has fetched anything after
      // its load (at most 3 s). Playwright's 'networkidle' waits 500 ms even on a page that
      // fetches nothing, which is every page but the search page.
      if (await page.evaluate(() => document.scripts.length > 0)) await quiet(page, net);
      result.dom = await page.evaluate(extractPage);
      if (!runAxe) return result;
      // axe-core's minified build in legacy mode (axe.run in the page, no extra blank page per
      // analysis) takes about half the time of the defaults, with the same results. Legacy mode
      // does not test cross-origin frames; a page of this site has none (check 6).
      const axe = await new AxeBuilder({ page, axeSource: axeSource() })
        .withTags(AXE_TAGS)
        .setLegacyMode(true)
        .analyze();
      result.axe = axe.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => formatTarget(n.target)),
      }));
    } catch (err) {
      result.error = err.message.split('\n')[0];
    } finally {
      current = null;
    }
    return result;
  };
  return { visit, close: () => page.close().catch(() => {}) };
}

// Waits until none of the page's requests has been under way for 150 ms (500 ms once the page
// has fetched something after its load event), at most `limitMs`.
async function quiet(page, net, limitMs = 3_000) {
  const start = Date.now();
  while (Date.now() - start < limitMs) {
    if (net.open === 0 && Date.now() - net.last >= (net.fetched ? 500 : 150)) return;
    await page.waitForTimeout(25);
  }
}

let axeSourceText = null;
function axeSource() {
  if (axeSourceText === null) {
    axeSourceText = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  }
  return axeSourceText;
}

let crawlPromise = null;

/**
 * The pages axe-core checks: of the pages of one kind (the same top folder, depth and kind of
 * file name: an activity's page, an indicator's, a history page…), made from one template, at
 * most `perKind`, spread over the kind's pages in path order; every page of a kind with fewer.
 * axe costs about a second of CPU a page, and the pages of a kind differ in their data, which is
 * text the template escapes, more than in their markup. BROWSER_TESTS_AXE_ALL=1 checks every page.
 */
export function axeSample(files, perKind = Number(process.env.BROWSER_TESTS_AXE_PER_KIND) || 5) {
  if (process.env.BROWSER_TESTS_AXE_ALL === '1') return new Set(files);
  const kinds = new Map();
  for (const rel of [...files].sort()) {
    const parts = rel.split('/');
    const kind = `${parts[0]}/${parts.length}/${parts[parts.length - 1] === 'index.html' ? 'index' : 'file'}`;
    if (!kinds.has(kind)) kinds.set(kind, []);
    kinds.get(kind).push(rel);
  }
  const chosen = new Set();
  for (const pages of kinds.values())
    for (let i = 0; i < Math.min(perKind, pages.length); ++i) chosen.add(pages[Math.floor((i * pages.length) / Math.min(perKind, pages.length))]);
  return chosen;
}

/**
 * Visits every .html file of `siteDir` served at `base` (one browser, `concurrency` tabs), axe on
 * those axeSample() chooses, and returns { pages: Map(rel -> result), files: [rel], axed: Set }.
 * Memoised: the checks share one crawl.
 */
export function crawl(siteDir, base, { concurrency = Number(process.env.BROWSER_TESTS_CONCURRENCY) || 2 } = {}) {
  if (!crawlPromise) {
    crawlPromise = (async () => {
      const files = listHtmlFiles(siteDir);
      const axed = axeSample(files);
      const { default: AxeBuilder } = await import('@axe-core/playwright');
      const context = await newContext();
      const pages = new Map();
      let next = 0;
      const worker = async () => {
        const visitor = await openVisitor(context, base, AxeBuilder);
        try {
          while (next < files.length) {
            const rel = files[next++];
            pages.set(rel, await visitor.visit(rel, { axe: axed.has(rel) }));
          }
        } finally {
          await visitor.close();
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
      } finally {
        await context.close().catch(() => {});
      }
      return { files, axed, pages: new Map([...pages].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
    })();
  }
  return crawlPromise;
}

/** Fails with all problems listed, one per line, when there are any. */
export function report(title, problems, limit = 400) {
  if (problems.length === 0) return;
  const shown = problems.slice(0, limit);
  const more = problems.length > limit ? `\n  ... and ${problems.length - limit} more` : '';
  const err = new Error(`${title}: ${problems.length} problem(s)\n  ${shown.join('\n  ')}${more}`);
  err.stack = err.message; // the list is the useful part; no stack trace
  throw err;
}

// ---------------------------------------------------------------------------------------------
// The site under test

/**
 * The site a test file checks: `dir` is SITE_DIR (default: the repository's output/), `base`
 * its URL — SITE_URL when a server already serves it, else a server of our own that the
 * registered `before` hook starts. The `after` hook closes the browser and that server.
 */
export function useSite() {
  const site = {
    dir: path.resolve(process.env.SITE_DIR || path.join(HERE, '..', '..', 'output')),
    base: process.env.SITE_URL || null,
  };
  let ownServer = null;
  before(async () => {
    if (!site.base && fs.existsSync(site.dir)) {
      ownServer = await startServer(site.dir);
      site.base = ownServer.url;
    }
  });
  after(async () => {
    await closeBrowser();
    if (ownServer) await ownServer.close();
  });
  return site;
}

// ---------------------------------------------------------------------------------------------
// samplan serve

/** The samplan program under test: $SAMPLAN, else the build folder's. */
export const SAMPLAN = path.resolve(process.env.SAMPLAN || path.join(HERE, '../../build/samplan'));

/**
 * Starts `samplan serve --content <content> --port 0` in the folder `cwd` and waits until it
 * prints a line that `address` matches (at most 30 s); resolves to { server, url }: the child
 * process, and the address's first group. Rejects with what serve printed if it ends first.
 */
export function startServe(content, { cwd, address }) {
  const server = spawn(SAMPLAN, ['serve', '--content', content, '--port', '0'], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`samplan serve printed no address:\n${output}`)), 30000);
    const read = (chunk) => {
      output += chunk;
      const m = output.match(address);
      if (m) {
        clearTimeout(timer);
        resolve({ server, url: m[1] });
      }
    };
    server.stdout.on('data', read);
    server.stderr.on('data', read);
    server.on('exit', () => reject(new Error(`samplan serve ended:\n${output}`)));
  });
}

/** Stops a serve that startServe started, as Ctrl-C does; resolves to its exit code. */
export function stopServe(server) {
  const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
  server.kill('SIGINT');
  return exited;
}

/**
 * axe's violations of AXE_TAGS on `page` as it is now, one line each ("id: help (targets)"):
 * only within the elements `include` selects when it is given (a selector, or a list of them of
 * which any may select), never within those `exclude` does.
 */
export async function axeViolations(page, { include, exclude } = {}) {
  // Colours are measured once the page's transitions have ended: a label whose colour fades to
  // its focused state (Decap CMS's, 0.2 s) is otherwise measured halfway, on no colour a reader
  // ever sees for long. Endless animations (a spinner) are not waited for.
  await page.waitForFunction(() => document.getAnimations().every((a) =>
    a.playState !== 'running' || (a.effect && a.effect.getTiming().iterations === Infinity)), null, { timeout: 5000 })
    .catch(() => {});
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  let builder = new AxeBuilder({ page, axeSource: axeSource() });
  for (const selector of [include ?? []].flat()) builder = builder.include(selector);
  if (exclude) builder = builder.exclude(exclude);
  const axe = await builder.withTags(AXE_TAGS).setLegacyMode(true).analyze();
  return axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`);
}
