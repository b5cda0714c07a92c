// The hosted editor (`samplan cms`, docs/editor.md) in the browser: Decap CMS from npm (this
// folder's devDependencies, as an office's CI installs it) with the configuration samplan
// generates, on Decap's in-memory test repository holding the example content. A new activity's
// form is in Swedish and offers the regional plan's focus areas and goals; an existing activity,
// edited and saved, is written back as TOML that `samplan check` accepts, dates still dates.
//
//   SAMPLAN=build/samplan node --test tests/browser/cms.test.mjs   (scripts/test.sh runs it)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'smol-toml';

import { HERE, closeBrowser, isLocalUrl, newContext } from './lib.mjs';
import { handler } from './server.mjs';

const SAMPLAN = path.resolve(process.env.SAMPLAN || path.join(HERE, '../../build/samplan'));
const CONTENT = path.join(HERE, '../../content');
const MODULES = path.join(HERE, 'node_modules');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'samplan-cms-browser-'));
const admin = path.join(work, 'site', 'admin');

// Decap's npm package declares some 600 packages of build tooling as dependencies, but its
// dist/ bundle needs none of them: only that package's own tarball is fetched (npm pack, which
// checks it against the registry's integrity hash), once, into an ignored folder beside this file.
const DECAP_VERSION = '3.16.3';
const DECAP = path.join(HERE, '.cache', `decap-cms-${DECAP_VERSION}`);
if (!fs.existsSync(path.join(DECAP, 'package/dist'))) {
  fs.mkdirSync(DECAP, { recursive: true });
  const tarball = execFileSync('npm', ['pack', `decap-cms@${DECAP_VERSION}`, '--silent', '--pack-destination', DECAP],
                               { encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', path.join(DECAP, tarball), '-C', DECAP, 'package/dist']);
}

// What the office's CI does (docs/editor.md): samplan cms, then the two npm packages beside it.
execFileSync(SAMPLAN, ['cms', '--content', CONTENT, '--output', admin, '--backend', 'test-repo'], { encoding: 'utf8' });
for (const f of fs.readdirSync(path.join(DECAP, 'package/dist')))
  if (f.endsWith('decap-cms.js')) fs.copyFileSync(path.join(DECAP, 'package/dist', f), path.join(admin, f));
fs.mkdirSync(path.join(admin, 'smol-toml'));
for (const f of fs.readdirSync(path.join(MODULES, 'smol-toml/dist')))
  if (f.endsWith('.js')) fs.copyFileSync(path.join(MODULES, 'smol-toml/dist', f), path.join(admin, 'smol-toml', f));

// The test repository's files: the example content, as Decap's test-repo backend reads them.
function tree(dir) {
  const out = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    out[e.name] = e.isDirectory() ? tree(p) : { content: fs.readFileSync(p, 'utf8') };
  }
  return out;
}
const repoFiles = { content: tree(CONTENT) };
const regional = parse(fs.readFileSync(path.join(CONTENT, 'regional/plan.toml'), 'utf8'));

const server = http.createServer(handler(path.join(work, 'site')));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/admin/`;

after(async () => {
  await closeBrowser();
  server.close();
  fs.rmSync(work, { recursive: true, force: true });
});

async function openCms() {
  const context = await newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(180000);  // Decap's script is large: a loaded machine takes its time
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Nothing from another server (no CDN): such requests are blocked, and named here.
  page.on('request', (r) => { if (!isLocalUrl(r.url())) errors.push('request to ' + r.url()); });
  await page.addInitScript((files) => { window.repoFiles = files; }, repoFiles);
  await page.goto(base);
  await page.getByRole('button', { name: 'Logga in' }).click();  // the test repository's sign-in, in Swedish
  return { context, page, errors };
}

// The texts of a select's options (Decap's react-select opens them on a click).
async function options(page, label) {
  await page.getByLabel(label, { exact: true }).click();
  const texts = await page.getByRole('option').allTextContents();
  await page.keyboard.press('Escape');
  return texts;
}

test('a new activity opens with the Swedish labels and the regional plan\'s focus areas and goals', async () => {
  const { context, page, errors } = await openCms();
  await page.goto(base + '#/collections/aktiviteter__trollhattan__2026/new');
  await page.getByLabel('Aktivitetens namn').waitFor();
  const labels = (await page.locator('label').allTextContents()).map((t) => t.trim());
  for (const expected of ['Aktivitetens namn', 'Målgrupp', 'Fokusområde', 'Mål', 'Startdatum', 'Slutdatum',
    'Uppdragshandling (frivillig)', 'Arbetsgrupp (frivillig)', 'Lokala indikatorer (frivillig)', 'Slutrapport (frivillig)',
    'Finansiering (frivillig)', 'Beskrivning för allmänheten (frivillig)'])
    assert.ok(labels.includes(expected), `no field labelled "${expected}" in ${JSON.stringify(labels)}`);
  // The schema's explanation is the help text.
  assert.match(await page.textContent('body'), /Id för ett fokusområde i den regionala planen \(krävs\)\./);

  const areas = await options(page, 'Fokusområde');
  assert.deepEqual(areas, regional.focus_areas.map((fa) => `${fa.title} (${fa.id})`));
  const goals = await options(page, 'Mål');
  assert.deepEqual(goals, regional.focus_areas.flatMap((fa) => fa.goals.map((g) => `${fa.title}: ${g.title} (${g.id})`)));
  assert.deepEqual(errors, []);
  await context.close();
});

test('an activity edited and saved is TOML that samplan check accepts, with its dates still dates', async () => {
  const { context, page, errors } = await openCms();
  await page.goto(base + '#/collections/aktiviteter__trollhattan__2026/entries/forsta-linjen-unga');
  const title = page.getByLabel('Aktivitetens namn');
  assert.equal(await title.inputValue(), 'En väg in – gemensam första linje för unga');
  await title.fill('En väg in – ändrad i webbredigeraren');
  await page.getByRole('button', { name: 'Publicera', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Publicera nu' }).click();
  await page.getByText('Ändringar sparade').waitFor();
  const saved = await page.evaluate(
    () => window.repoFiles.content.groups.trollhattan.plans['2026'].activities['forsta-linjen-unga.md'].content);
  assert.deepEqual(errors, []);
  await context.close();

  assert.match(saved, /^\+\+\+\ntitle = "En väg in – ändrad i webbredigeraren"\n/);
  assert.match(saved, /^start = 2026-01-15$/m);  // a TOML date, not a string
  assert.match(saved, /^date = 2026-06-30$/m);    // an indicator's value's date
  assert.match(saved, /\n\+\+\+\nTidigare fick unga/);  // the Markdown text after the front matter
  const copy = path.join(work, 'content');
  fs.cpSync(CONTENT, copy, { recursive: true });
  fs.writeFileSync(path.join(copy, 'groups/trollhattan/plans/2026/activities/forsta-linjen-unga.md'), saved);
  const check = (dir) => spawnSync(SAMPLAN, ['check', '--content', dir, '--today', '2026-06-01'], { encoding: 'utf8' });
  const before = check(CONTENT), afterSave = check(copy);
  assert.equal(afterSave.status, 0, afterSave.stdout + afterSave.stderr);
  assert.equal(afterSave.stdout, before.stdout);  // the same diagnostics (warnings) as before the save
});
