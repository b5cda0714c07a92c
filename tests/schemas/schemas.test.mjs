// The JSON Schemas in schemas/ against the content model as samplan checks it:
//   node --test tests/schemas/schemas.test.mjs
// Every record of the example content and of the base fixture validates, and so does every record
// that `samplan new` writes (with the binary in $SAMPLAN, else build/samplan); every fixture case of
// tests/fixtures/cases/ whose error (or unknown-key warning) a schema can express is rejected, and
// every case whose findings lie beyond a schema (references to other records, dates relative to
// today, counts) is accepted, so editors do not mark valid records. Records are handed to the
// schema as Taplo hands them: TOML dates become strings "YYYY-MM-DD" (taplo::dom serialises a date
// node with its text), so a quoted date cannot be told from a date here either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { parse as parseToml, TomlDate } from 'smol-toml';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCHEMAS = path.join(REPO, 'schemas');
const CASES = path.join(REPO, 'tests/fixtures/cases');

// Which schema describes a record, by its path relative to the content folder.
const KINDS = [
  [/^site\.toml$/, 'site.json'],
  [/^regional\/plan\.toml$/, 'regional-plan.json'],
  [/^processes\/[^/]+\.toml$/, 'process.json'],
  [/^pages\/[^/]+\.md$/, 'page.json'],
  [/^groups\/[^/]+\/group\.toml$/, 'group.json'],
  [/^groups\/[^/]+\/evaluations\/[^/]+\.md$/, 'evaluation.json'],
  [/^groups\/[^/]+\/plans\/[^/]+\/plan\.toml$/, 'plan.json'],
  [/^groups\/[^/]+\/plans\/[^/]+\/activities\/[^/]+\.md$/, 'activity.json'],
];

function schemaFor(relative) {
  const kind = KINDS.find(([pattern]) => pattern.test(relative));
  return kind ? kind[1] : null;
}

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
ajv.addFormat('date', (s) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
});
const validators = new Map();
function validator(name) {
  if (!validators.has(name)) {
    const schema = JSON.parse(fs.readFileSync(path.join(SCHEMAS, name), 'utf8'));
    validators.set(name, ajv.compile(schema));
  }
  return validators.get(name);
}

// TOML values as Taplo hands them to the schema: dates and times as their text.
function asTaploJson(value) {
  if (value instanceof TomlDate) return value.toISOString();
  if (Array.isArray(value)) return value.map(asTaploJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asTaploJson(v)]));
  }
  return value;
}

// The record's data: a .toml file, or the TOML front matter between two lines '+++' of a .md file.
// Returns { data } or { problem } when the file does not parse.
function readRecord(file) {
  let text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.md')) {
    const lines = text.split('\n');
    if (lines[0].trimEnd() !== '+++') return { problem: 'no front matter' };
    const close = lines.findIndex((l, i) => i > 0 && l.trimEnd() === '+++');
    if (close < 0) return { problem: 'front matter not closed' };
    text = lines.slice(1, close).join('\n');
  }
  try {
    return { data: asTaploJson(parseToml(text)) };
  } catch (e) {
    return { problem: `TOML: ${e.message.split('\n')[0]}` };
  }
}

// Validates one record; returns the list of problems (empty when it is valid).
function problems(file, relative) {
  const name = schemaFor(relative);
  assert.ok(name, `no schema for ${relative}`);
  const record = readRecord(file);
  if (record.problem) return [record.problem];
  const validate = validator(name);
  if (validate(record.data)) return [];
  return validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`);
}

function recordsUnder(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(toml|md)$/.test(entry.name)) out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out.filter((r) => !r.startsWith('theme/')).sort();
}

for (const [label, root] of [['the example content', 'content'], ['the base fixture', 'tests/fixtures/base']]) {
  test(`every record of ${label} validates against its schema`, () => {
    const records = recordsUnder(path.join(REPO, root));
    assert.ok(records.length >= 8, `too few records under ${root}`);
    const kinds = new Set();
    for (const relative of records) {
      kinds.add(schemaFor(relative));
      assert.deepEqual(problems(path.join(REPO, root, relative), relative), [], relative);
    }
    if (root === 'content') assert.equal(kinds.size, KINDS.length, 'the example content has every kind of record');
  });
}

// What each fixture case means for the schemas. 'reject': the checker's error (or unknown-key
// warning) is one a schema expresses, so validation of the case's files must fail. 'accept': the
// checker's findings lie beyond a schema, so the files must validate. 'skip': nothing for a schema.
const CASE_VERDICTS = {
  'activity-reports': ['accept', 'reports due by today: a date relative to today'],
  'bad-id-file-name': ['skip', 'the id is the file name, not content'],
  'bad-id-goal': ['reject', 'id pattern'],
  'bad-id-group-folder': ['skip', 'the id is the folder name, not content'],
  'bad-value-activity-status': ['reject', 'status enum'],
  'bad-value-funding-amount': ['reject', 'amount_sek minimum 0'],
  'bad-value-group-kind': ['reject', 'kind enum'],
  'bad-value-rules-zero': ['reject', '[rules] between 1 and 1000'],
  'bad-value-site-compliance': ['reject', 'compliance enum'],
  'bad-value-title-length': ['reject', 'title maxLength 300'],
  'date-order-activity': ['accept', 'end before start compares two values, beyond JSON Schema'],
  'date-order-plan': ['accept', 'end before start compares two values, beyond JSON Schema'],
  'duplicate-id-goal': ['accept', 'ids unique across nested tables, beyond JSON Schema'],
  'final-report': ['reject', 'status "avslutad" requires [final_report] (dependencies/if-then)'],
  'final-report-not-sent': ['accept', 'a warning that asks for more, not a wrong record'],
  'front-matter-missing': ['skip', 'the +++ framing of a .md file comes before any schema (Taplo does not read .md)'],
  'front-matter-unclosed': ['skip', 'the +++ framing of a .md file comes before any schema (Taplo does not read .md)'],
  'indicator-values-local': ['accept', 'target date relative to today'],
  'indicator-values-regional': ['accept', 'target year relative to today'],
  'max-activities': ['accept', 'counts the files of a plan: across records'],
  'meeting-follow-up': ['accept', 'a warning about what was done, and only when the group has a plan'],
  'missing-file-plan': ['skip', 'a missing file has nothing to validate'],
  'missing-file-regional': ['skip', 'a missing file has nothing to validate'],
  'plan-not-sent': ['accept', 'a warning that asks for more, not a wrong record'],
  'plan-ended': ['accept', 'an end date relative to today'],
  'plan-revision': ['accept', 'revision interval relative to today and to git history'],
  'plan-revision-old-revision': ['accept', 'revision interval relative to today'],
  'required-activity-title': ['reject', 'required key'],
  'required-evaluation-date': ['reject', 'required key'],
  'required-process-steps': ['reject', 'required key'],
  'required-duplicate-principals': ['reject', 'principals: uniqueItems and minItems 2'],
  'required-group-principals': ['reject', 'principals: minItems 2'],
  'required-plan-decided': ['reject', 'status "beslutad" requires decided (if-then)'],
  'step-range-too-high': ['accept', 'the number of steps is in the process record'],
  'step-range-zero': ['reject', 'step minimum 1: no process has a step 0'],
  'subgoal-overdue': ['accept', 'a due date relative to today'],
  'toml-front-matter': ['reject', 'does not parse'],
  'toml-group-file': ['reject', 'does not parse'],
  'toml-process-cascade': ['reject', 'does not parse'],
  'toml-regional-cascade': ['reject', 'does not parse'],
  'type-float-step': ['accept', 'JSON Schema (draft 6 on) counts 4.0 as an integer, and JSON has no other 4.0'],
  'type-quoted-date': ['accept', 'Taplo hands a TOML date to the schema as a string, so "2025-01-15" and 2025-01-15 look alike'],
  'type-page-weight': ['reject', 'integer type'],
  'type-string-integer': ['reject', 'integer type'],
  'unexpected-file': ['skip', 'a .txt file is no record'],
  'unknown-key-misspelt': ['reject', 'additionalProperties: false (and the missing title)'],
  'unknown-key-nested': ['reject', 'additionalProperties: false in [assignment]; a warning for the checker'],
  'unknown-reference-focus-area': ['accept', 'reference to another record'],
  'unknown-reference-goal-other-area': ['accept', 'reference to another record'],
  'unknown-reference-member-principal': ['accept', 'reference to the group\'s principals list'],
  'unknown-reference-plan-process': ['accept', 'reference to another record'],
  'unknown-reference-process': ['accept', 'reference to another record'],
  'unknown-reference-target-group': ['accept', 'reference to site.toml'],
  'unknown-reference-working-group-principal': ['accept', 'reference to the group\'s principals'],
  'working-group-convener-none': ['reject', 'working_group contains a convener = true'],
  'working-group-convener-two': ['accept', 'exactly one convener needs maxContains (JSON Schema 2019-09), Taplo has draft 7'],
  'working-group-none': ['reject', 'a started activity requires working_group'],
  'working-group-principals': ['accept', 'one member per principal of the group: across records'],
};

// The case's own files (laid over the base fixture) that are records.
function caseRecords(dir) {
  const files = path.join(dir, 'files');
  if (!fs.existsSync(files)) return [];
  return recordsUnder(files).filter((r) => schemaFor(r));
}

const cases = fs.readdirSync(CASES, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

test('every fixture case has a verdict for the schemas', () => {
  assert.deepEqual(cases.filter((c) => !(c in CASE_VERDICTS)), []);
  assert.deepEqual(Object.keys(CASE_VERDICTS).filter((c) => !cases.includes(c)), []);
});

for (const name of cases) {
  const [verdict, reason] = CASE_VERDICTS[name] ?? ['skip', 'no verdict'];
  const dir = path.join(CASES, name);
  test(`fixture ${name}: ${verdict} (${reason})`, { skip: verdict === 'skip' ? reason : false }, () => {
    const expected = fs.readFileSync(path.join(dir, 'expected.txt'), 'utf8');
    const records = caseRecords(dir);
    assert.ok(records.length > 0, 'the case has records to validate');
    const found = records.flatMap((r) => problems(path.join(dir, 'files', r), r).map((p) => `${r}: ${p}`));
    if (verdict === 'reject') {
      // The checker must say the same: an error, or an unknown key.
      assert.match(expected, /: error: |\[unknown-key\]/);
      assert.notDeepEqual(found, [], 'the schema accepts a record the checker rejects');
    } else {
      assert.doesNotMatch(expected, /\[unknown-key\]/);
      assert.deepEqual(found, [], 'the schema rejects a record whose findings lie beyond it');
    }
  });
}

// content/.taplo.toml maps every kind of .toml record to the same schema as this test, so an
// editor opened on content/ validates the existing files too.
test('content/.taplo.toml maps each kind of TOML record to its schema', () => {
  const config = parseToml(fs.readFileSync(path.join(REPO, 'content/.taplo.toml'), 'utf8'));
  const globToRegExp = (glob) =>
    new RegExp('^' + glob.split('**/').map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('(?:.*/)?') + '$');
  for (const relative of recordsUnder(path.join(REPO, 'content')).filter((r) => r.endsWith('.toml'))) {
    const rules = config.rule.filter((r) => r.include.some((g) => globToRegExp(g).test(relative)));
    assert.equal(rules.length, 1, `${relative}: one rule`);
    assert.equal(path.basename(rules[0].schema.path), schemaFor(relative), relative);
    assert.ok(fs.existsSync(path.resolve(REPO, 'content', rules[0].schema.path)), rules[0].schema.path);
  }
});

// What `samplan new` writes validates too, '#:schema' line included.
const SAMPLAN = process.env.SAMPLAN || path.join(REPO, 'build/samplan');
test('the records samplan new writes validate against their schemas',
  { skip: fs.existsSync(SAMPLAN) ? false : `no samplan binary at ${SAMPLAN} (set SAMPLAN)` }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samplan-schemas-'));
    try {
      const content = path.join(dir, 'content');
      fs.cpSync(path.join(REPO, 'tests/fixtures/base'), content, { recursive: true });
      fs.cpSync(SCHEMAS, path.join(dir, 'schemas'), { recursive: true });
      const created = [
        ['group', 'beta'], ['plan', 'alfa', '2026'], ['activity', 'alfa', '2025', 'ny'], ['evaluation', 'alfa', 'utv'],
      ].map((args) => {
        const out = execFileSync(SAMPLAN, ['new', ...args, '--content', content], { encoding: 'utf8' });
        return path.relative(content, out.trim().replace(/^samplan: created /, '')).split(path.sep).join('/');
      });
      assert.deepEqual(created, ['groups/beta/group.toml', 'groups/alfa/plans/2026/plan.toml',
        'groups/alfa/plans/2025/activities/ny.md', 'groups/alfa/evaluations/utv.md']);
      for (const relative of created) assert.deepEqual(problems(path.join(content, relative), relative), [], relative);
      const group = fs.readFileSync(path.join(content, created[0]), 'utf8');
      assert.match(group, /^#:schema \.\.\/\.\.\/\.\.\/schemas\/group\.json\n/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
