// The hosted editor's glue (written by `samplan cms` beside index.html; docs/editor.md): loads
// Decap CMS and gives it samplan's TOML and two lists that depend on another field.
//
// TOML: Decap's own reader fails on dates inside inline tables (`baseline = { date = 2026-01-15,
// value = 21 }`) and its writer quotes dates; samplan's records need both as TOML dates. So the
// records are read with smol-toml (TOML 1.0), dates become "YYYY-MM-DD" for Decap's date fields
// and TOML dates again on saving (for the keys that are dates in the JSON Schemas: data-dates),
// and empty optional values are left out. A save writes only what changed: the file's text is kept
// beside the form's data (under SOURCE, which is no field) and each changed value is replaced in
// it where it stands, a key added after its table's last key and a key emptied removed with its
// line, items and tables added or removed as blocks, so that comments, key order and the rest
// stay byte for byte. Only what it cannot place (a value that was a [table] and is now a text, …)
// writes the whole record anew.
//
// Lists: the goal offers the goals of the focus area chosen in the same record (samplan-goal),
// and the step the named steps of the record's process, or else the plan's (samplan-step). Both
// are native <select>s labelled by Decap's label (keyboard as any select), with their options
// from config.yml, which samplan cms makes from the content.
//
// Checks: samplan's rules on the record (the theme's sentences, data-rules) are worked out while
// typing and said at their fields in Decap's own place for a field's errors, and again before a
// save (preSave), which they refuse. Also: names and states Decap's markup lacks (axe), and
// Decap's Swedish phrases completed.
const me = document.querySelector('script[data-cms]');
window.CMS_MANUAL_INIT = true;
const { parse, stringify, TomlDate } = await import(me.dataset.toml);
// Decap's store (Redux), for the checks while typing (below): Decap's script makes it through the
// hook of Redux's developer tools when the page has one, so the page has one, which keeps the
// store and hands it on to the tools' own hook if a browser extension set one.
let store;
{
  const tools = window.__REDUX_DEVTOOLS_EXTENSION_COMPOSE__;
  window.__REDUX_DEVTOOLS_EXTENSION_COMPOSE__ = (...enhancers) => {
    const enhance = tools ? tools(...enhancers) : (make) => enhancers.reduceRight((next, e) => e(next), make);
    return (make) => (...args) => (store = enhance(make)(...args));
  };
}
await new Promise((resolve, reject) => {
  const s = document.createElement('script');
  s.src = me.dataset.cms;
  s.onload = resolve;
  s.onerror = () => reject(new Error('could not load ' + me.dataset.cms));
  document.head.append(s);
});
const dateKeys = new Set(me.dataset.dates.split(' ').filter(Boolean));
const isDay = (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
const SOURCE = '_samplan_source';  // the file's text as read, for a save that changes only what changed
const rules = JSON.parse(me.dataset.rules || '{}');  // rule id -> the theme's sentence
// Key -> the most characters its text (or each text of its list) may have, from the JSON Schemas.
const lengths = JSON.parse(me.dataset.lengths || '{}');
// The records' shapes by kind (keys, their titles, required keys, types), from the JSON Schemas,
// and each group's principals by group id: for the checks before a save.
const shapes = JSON.parse(me.dataset.shapes || '{}');
const groupPrincipals = JSON.parse(me.dataset.principals || '{}');
// What the warnings on a record need from beyond it, as of the content and git history this page
// was made from (samplan cms, cms_facts in src/edit/cms.cpp): the site's [rules], and each group's
// plans with their periods, activities and the date of the last commit that changed them.
const facts = JSON.parse(me.dataset.facts || '{}');

function fromToml(value) {
  if (value instanceof TomlDate) return value.toISOString();  // a local date: "2026-01-15"
  if (Array.isArray(value)) return value.map(fromToml);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromToml(v);
    return out;
  }
  return value;
}

function toToml(value, key) {
  if (dateKeys.has(key) && isDay(value)) return new TomlDate(value);
  if (Array.isArray(value)) {
    const items = value.map((v) => toToml(v, key)).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === SOURCE) continue;
      const t = toToml(v, k);
      if (t !== undefined) out[k] = t;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (value === '' || value === null || value === undefined) return undefined;
  return value;
}

// Keys in the order of the form's fields (Decap passes them as dotted paths), so that a save
// keeps the schema's order; keys the form does not know stay, after them.
function ordered(value, order, prefix = '') {
  if (Array.isArray(value)) return value.map((v) => ordered(v, order, prefix));
  if (!value || typeof value !== 'object' || value instanceof Date) return value;
  const rank = (k) => { const i = order.indexOf(prefix + k); return i < 0 ? order.length : i; };
  const out = {};
  for (const k of Object.keys(value).sort((a, b) => rank(a) - rank(b))) out[k] = ordered(value[k], order, prefix + k + '.');
  return out;
}
const write = (data, order) => stringify(ordered(toToml(data, '') || {}, order || []));

// ---- Saving only what changed ----

// Where the values of a TOML text lie: for each value, by its path (JSON of keys and indices),
// [start, end) of its text; for each key written `key = value` on its own line, that line
// (start, and end after its line break); for each table written with a header or the top, the
// end of its last `key = value` line and that line's indentation. Throws on what it does not read.
function locate(text) {
  const values = new Map(), lines = new Map(), tables = new Map(), headers = [];
  const counts = new Map();  // [[array]] path -> items so far
  const n = text.length;
  let i = 0;
  const fail = (why) => { throw new Error(`TOML at ${i}: ${why}`); };
  const blanks = () => { while (text[i] === ' ' || text[i] === '\t') i++; };
  const space = () => {
    for (;;) {
      blanks();
      if (text[i] === '\n' || text[i] === '\r') i++;
      else if (text[i] === '#') while (i < n && text[i] !== '\n') i++;
      else return;
    }
  };
  const bare = /[A-Za-z0-9_-]+/y;
  function string() {
    const q = text[i];
    if (text.startsWith(q.repeat(3), i)) {
      i += 3;
      for (;;) {
        if (i >= n) fail('unclosed string');
        if (q === '"' && text[i] === '\\') { i += 2; continue; }
        if (text.startsWith(q.repeat(3), i)) { i += 3; if (text[i] === q) i++; if (text[i] === q) i++; return; }
        i++;
      }
    }
    for (i++; text[i] !== q; i++) {
      if (i >= n || text[i] === '\n') fail('unclosed string');
      if (q === '"' && text[i] === '\\') i++;
    }
    i++;
  }
  function key() {
    if (text[i] === '"' || text[i] === "'") {
      const start = i;
      string();
      const raw = text.slice(start + 1, i - 1);
      if (raw.includes('\\')) fail('escaped key');
      return raw;
    }
    bare.lastIndex = i;
    const m = bare.exec(text);
    if (!m) fail('key');
    i += m[0].length;
    return m[0];
  }
  function keys() {
    const out = [key()];
    for (blanks(); text[i] === '.'; blanks()) { i++; blanks(); out.push(key()); }
    return out;
  }
  function value(path) {
    const start = i;
    const c = text[i];
    if (c === '"' || c === "'") {
      string();
    } else if (c === '[') {
      i++;
      for (let k = 0; ; k++) {
        space();
        if (text[i] === ']') break;
        value([...path, k]);
        space();
        if (text[i] === ',') i++;
        else if (text[i] !== ']') fail('array');
      }
      i++;
    } else if (c === '{') {
      i++;
      blanks();
      while (text[i] !== '}') {
        const ks = keys();
        blanks();
        if (text[i++] !== '=') fail('=');
        blanks();
        value([...path, ...ks]);
        blanks();
        if (text[i] === ',') { i++; blanks(); } else if (text[i] !== '}') fail('inline table');
      }
      i++;
    } else {
      const m = /[^\s,\]}#]+/y;
      m.lastIndex = i;
      if (!m.exec(text)) fail('value');
      i = m.lastIndex;
      if (/^\d{4}-\d\d-\d\d$/.test(text.slice(start, i)) && / \d/.test(text.slice(i, i + 2))) fail('date and time');
    }
    values.set(JSON.stringify(path), [start, i]);
  }
  let table = [];
  for (;;) {
    space();
    if (i >= n) break;
    const lineStart = text.lastIndexOf('\n', i - 1) + 1;
    if (text[i] === '[') {
      const many = text[i + 1] === '[';
      i += many ? 2 : 1;
      blanks();
      const ks = keys();
      blanks();
      if (text[i] !== ']' || (many && text[i + 1] !== ']')) fail('header');
      i += many ? 2 : 1;
      const path = [];
      ks.forEach((k, j) => {  // an earlier [[array]] on the way means its last item
        path.push(k);
        const id = JSON.stringify(path);
        if (counts.has(id) && !(many && j === ks.length - 1)) path.push(counts.get(id) - 1);
      });
      if (many) {
        const id = JSON.stringify(path);
        counts.set(id, (counts.get(id) || 0) + 1);
        path.push(counts.get(id) - 1);
      }
      table = path;
      headers.push({ path, start: lineStart });
      continue;
    }
    const keyStart = i;
    const ks = keys();
    blanks();
    if (text[i++] !== '=') fail('=');
    blanks();
    const path = [...table, ...ks];
    value(path);
    blanks();
    if (text[i] === '#') while (i < n && text[i] !== '\n') i++;
    let end = i;
    if (text[end] === '\r') end++;
    if (end < n && text[end] !== '\n') fail('more after a value');
    const ownLine = /^[ \t]*$/.test(text.slice(lineStart, keyStart));
    if (ownLine) lines.set(JSON.stringify(path), [lineStart, end < n ? end + 1 : end]);
    if (ks.length === 1 && ownLine) tables.set(JSON.stringify(table), { end: i, indent: text.slice(lineStart, keyStart) });
  }
  return { values, lines, tables, headers };
}

const isScalar = (v) => v instanceof Date || v === null || typeof v !== 'object';
const sameScalar = (a, b) => (a instanceof Date && b instanceof Date ? a.toISOString() === b.toISOString() : a === b);
const shape = (v) => (isScalar(v) ? 'scalar' : Array.isArray(v) ? 'array' : 'table');

// The edits that turn the value `a` into `b`, given where `a`'s values are written (`values`):
// {op: set, path, value} for a value written inline (a scalar, or an inline array or table of
// another shape: written anew in one piece), {op: del, path} for a key that is gone, {op: add,
// path, value} for a new key, {op: append, path, items} for items added to the end of a list of
// [[tables]], {op: remove, path} for a [table] or a [[table]] item that is gone (one item of a
// list, every item of a list emptied, a [table] emptied); null for another change of shape
// (a [table] that is now a text, …).
function differences(a, b, values, path = [], out = []) {
  const inline = values.has(JSON.stringify(path));
  if (shape(a) !== shape(b)) {
    if (!inline) return null;
    out.push({ op: 'set', path, value: b });
  } else if (isScalar(a)) {
    if (!sameScalar(a, b)) out.push({ op: 'set', path, value: b });
  } else if (Array.isArray(a)) {
    if (a.length !== b.length && inline) {
      out.push({ op: 'set', path, value: b });
      return out;
    }
    if (a.length > b.length) {  // items removed, the others as they were or edited
      const removed = removedItems(a, b, values, path);
      if (!removed) return null;
      for (let k = 0, j = 0; k < a.length; k++)
        if (removed.has(k)) out.push({ op: 'remove', path: [...path, k] });
        else if (!differences(a[k], b[j++], values, [...path, k], out)) return null;
      return out;
    }
    for (let k = 0; k < a.length; k++) if (!differences(a[k], b[k], values, [...path, k], out)) return null;
    if (b.length > a.length) out.push({ op: 'append', path, items: b.slice(a.length) });
  } else {
    const keysOf = (t) => JSON.stringify(Object.keys(t).sort());
    if (inline && keysOf(a) !== keysOf(b)) {  // an inline table with a key more or less
      out.push({ op: 'set', path, value: b });
      return out;
    }
    for (const k of Object.keys(a))
      if (!(k in b)) {
        if (values.has(JSON.stringify([...path, k]))) out.push({ op: 'del', path: [...path, k] });
        else if (shape(a[k]) === 'table') out.push({ op: 'remove', path: [...path, k] });  // a [table] removed
        else if (Array.isArray(a[k]) && a[k].every((t) => shape(t) === 'table'))  // a list of [[tables]] removed
          a[k].forEach((_, j) => out.push({ op: 'remove', path: [...path, k, j] }));
        else return null;
      }
    for (const k of Object.keys(b))
      if (!(k in a)) out.push({ op: 'add', path: [...path, k], value: b[k] });
      else if (!differences(a[k], b[k], values, [...path, k], out)) return null;
  }
  return out;
}

// Which items of the list `a` (at `path`) are gone from the shorter `b`: `b`'s items matched in
// order to items of `a` (a.length - b.length of them left over, removed) so that the edits left
// to the matched items weigh least (any number removed, the others as they were or edited). An
// edit weighs 1, a changed text less the more of it stays (its common start and end); a change
// of an item's own name (its `id`, else `name`, `title` or `date`: the key that says which item it
// is) weighs KEY times as much, so that an item that keeps its name is taken for itself. Of two
// matchings that weigh the same, the one that removes later items (the others keep their
// places). null when no matching can be written in place.
const KEY = 10;
const NAMES = ['id', 'name', 'title', 'date'];
function unlike(x, y) {  // 0 (same) .. 1 (nothing in common) for two texts; else 1
  if (typeof x !== 'string' || typeof y !== 'string') return 1;
  const most = Math.max(x.length, y.length), least = Math.min(x.length, y.length);
  let head = 0, tail = 0;
  while (head < least && x[head] === y[head]) head++;
  while (tail < least - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  return most ? 1 - (head + tail) / most : 0;
}
// How much the edits that turn the item `x` (at `at`) into `y` weigh (Infinity: not in place).
function weight(x, y, values, at) {
  const found = differences(x, y, values, at, []);
  if (!found) return Infinity;
  const name = x && typeof x === 'object' && !Array.isArray(x) ? NAMES.find((k) => k in x) : undefined;
  let sum = 0;
  for (const c of found) {
    const rest = c.path.slice(at.length);
    const w = c.op === 'set' ? unlike(valueAt(x, rest), c.value) : 1;
    sum += rest.length === 1 && rest[0] === name ? KEY * w : w;
  }
  return sum;
}
function removedItems(a, b, values, path) {
  const gone = a.length - b.length;
  // least[i][j]: the least weight matching b[0..j) to items of a[0..i), the others removed.
  const least = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(Infinity));
  least[0][0] = 0;
  for (let i = 1; i <= a.length; i++)
    for (let j = Math.max(0, i - gone); j <= Math.min(i, b.length); j++) {
      let w = j <= i - 1 ? least[i - 1][j] : Infinity;  // a[i-1] removed
      if (j > 0 && least[i - 1][j - 1] < Infinity) {  // a[i-1] is b[j-1]
        w = Math.min(w, least[i - 1][j - 1] + weight(a[i - 1], b[j - 1], values, [...path, i - 1]));
      }
      least[i][j] = w;
    }
  if (least[a.length][b.length] === Infinity) return null;
  const removed = new Set();
  for (let i = a.length, j = b.length; i > 0; i--) {
    if (j <= i - 1 && least[i - 1][j] === least[i][j]) removed.add(i - 1);  // removing the later one first
    else j--;
  }
  return removed;
}

// A value as TOML text; a string that was a multi-line """string""" stays one.
function tomlText(value, was) {
  if (typeof value === 'string' && was && was.startsWith('"""') && value.includes('\n') && !/[\x00-\x08\x0b-\x1f\x7f]/.test(value)) {
    const body = value.replace(/\\/g, '\\\\').replace(/"(?="")/g, '\\"').replace(/"$/, '\\"');
    return '"""\n' + body + '"""';
  }
  if (!isScalar(value)) return inlineText(value);
  return stringify({ v: value }).replace(/^v = /, '').replace(/\n$/, '');
}
const keyText = (k) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k));
// An array or table on one line: [ 1, 2 ], { date = 2026-06-30, value = 9 }.
function inlineText(v) {
  if (isScalar(v)) return tomlText(v);
  if (Array.isArray(v)) return '[ ' + v.map(inlineText).join(', ') + ' ]';
  return '{ ' + Object.entries(v).map(([k, x]) => keyText(k) + ' = ' + inlineText(x)).join(', ') + ' }';
}
// A [table] or [[table]] with its keys, one a line (tables within it inline).
const block = (header, table, brk) =>
  [header, ...Object.entries(table).map(([k, x]) => keyText(k) + ' = ' + tomlText(x))].join(brk);

// A value compared whatever its keys' order: dates as dates.
function canonical(v) {
  if (v instanceof Date) return { date: v.toISOString() };
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}
const same = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

// `source` (TOML) with the form's `data` written into it where it changed; null when that cannot
// be done in place (the caller writes the whole record). `order`: the form's fields, for new keys.
function edited(source, data, order) {
  try {
    const before = toToml(fromToml(parse(source)), '') || {};
    const after = ordered(toToml(data, '') || {}, order || []);
    const { values, lines, tables, headers } = locate(source);
    const changes = differences(before, after, values);
    if (!changes) return null;
    if (!changes.length) return source;
    const brk = source.includes('\r\n') ? '\r\n' : '\n';
    const end = source.replace(/\s*$/, '').length;  // where a new [table] goes
    const isTable = (v) => v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
    const edits = [];
    for (const [seq, c] of changes.entries()) {
      const id = JSON.stringify(c.path);
      const name = c.path.map(keyText).join('.');
      if (c.op === 'set') {
        const span = values.get(id);
        if (!span) return null;
        edits.push({ start: span[0], end: span[1], text: tomlText(c.value, source.slice(span[0], span[1])), seq });
      } else if (c.op === 'del') {
        const line = lines.get(id);
        if (!line) return null;
        edits.push({ start: line[0], end: line[1], text: '', seq });
      } else if (c.op === 'remove') {
        // A [table] or a [[table]] item: from its header (and the blank lines before it) to the
        // next header outside it, less the blank lines and comments just above that header; the
        // last one, from the end of what comes before it to the end of the text's last line.
        const at = headers.findIndex((x) => JSON.stringify(x.path) === id);
        if (at < 0) return null;
        const inside = (x) => JSON.stringify(x.path.slice(0, c.path.length)) === id;
        const next = headers.slice(at + 1).find((x) => !inside(x));
        let start = headers[at].start, stop = next ? next.start : source.length;
        while (/\n[ \t]*\r?\n$/.test(source.slice(0, start))) start = source.lastIndexOf('\n', start - 2) + 1;
        if (next) while (/\n[ \t]*(#[^\n]*)?\r?\n$/.test(source.slice(0, stop))) stop = source.lastIndexOf('\n', stop - 2) + 1;
        else [start, stop] = [source.slice(0, start).replace(/\s*$/, '').length, source.replace(/\s*$/, '').length];
        if (stop < start) return null;
        edits.push({ start, end: stop, text: '', seq });
      } else if (c.op === 'append') {
        // After the list's last item's last key, as [[name]] blocks (a list within a list: none).
        const item = tables.get(JSON.stringify([...c.path, valueAt(before, c.path).length - 1]));
        if (!item || c.path.some((k) => typeof k === 'number') || !c.items.every(isTable)) return null;
        edits.push({ start: item.end, end: item.end, seq,
                     text: c.items.map((t) => brk + brk + block(`[[${name}]]`, t, brk)).join('') });
      } else if (c.path.length === 1 && isTable(c.value)) {  // a new [table] at the end
        edits.push({ start: end, end, seq, text: brk + brk + block(`[${name}]`, c.value, brk) });
      } else if (c.path.length === 1 && Array.isArray(c.value) && c.value.every(isTable)) {  // a new list of [[tables]]
        edits.push({ start: end, end, seq, text: c.value.map((t) => brk + brk + block(`[[${name}]]`, t, brk)).join('') });
      } else {  // a new key after its table's last key
        const table = tables.get(JSON.stringify(c.path.slice(0, -1)));
        if (!table) return null;
        edits.push({ start: table.end, end: table.end, seq,
                     text: brk + table.indent + keyText(c.path.at(-1)) + ' = ' + tomlText(c.value) });
      }
    }
    edits.sort((x, y) => y.start - x.start || y.seq - x.seq);
    let out = source;
    for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
    // Whatever this wrote must read as the form's data, or the whole record is written.
    return same(toToml(fromToml(parse(out)), '') || {}, after) ? out : null;
  } catch {
    return null;
  }
}
const valueAt = (v, path) => path.reduce((x, k) => x[k], v);

const toml = {
  fromFile: (text) => ({ ...fromToml(parse(text)), [SOURCE]: text }),
  toFile(data, order) {
    const source = data[SOURCE];
    return (typeof source === 'string' && edited(source, data, order)) || write(data, order);
  },
};
// An activity or evaluation: TOML between +++ lines, then the Markdown text.
const FRONT = /^(\+\+\+[ \t]*\r?\n)([\s\S]*?)(\r?\n\+\+\+[ \t]*(?:\r?\n|$))([\s\S]*)$/;
const frontMatter = {
  fromFile(text) {
    const m = FRONT.exec(text);
    if (!m) return { body: text };
    return { ...fromToml(parse(m[2])), body: m[4], [SOURCE]: text };
  },
  toFile(data, order) {
    const { body, ...rest } = data;
    const m = typeof data[SOURCE] === 'string' ? FRONT.exec(data[SOURCE]) : null;
    const text = body ? body.replace(/\n*$/, '\n') : '';
    if (m) {
      const head = edited(m[2], rest, order);
      const untouched = (body || '') === m[4] || text === m[4];
      if (head !== null) return m[1] + head + m[3] + (untouched ? m[4] : text);
    }
    const head = write(rest, order);
    return '+++\n' + head + (head.endsWith('\n') ? '' : '\n') + '+++\n' + text;
  },
};
window.CMS.registerCustomFormat('samplan-toml', 'toml', toml);
window.CMS.registerCustomFormat('samplan-toml-frontmatter', 'md', frontMatter);

// ---- Lists that depend on another field ----

const { h, createClass } = window;
const plain = (v) => (v && typeof v.toJS === 'function' ? v.toJS() : v);
// A field of the record as it is now (Decap re-renders a field only when its own value changes,
// so the lists that follow another field read the record themselves, when told it changed).
const fieldOf = (props, name) => {
  const entry = typeof props.getEntry === 'function' ? props.getEntry() : props.entry;
  return plain(entry && entry.getIn(['data', name]));
};
const CHANGED = 'samplan-field-changed';

// A <select> of `choices` ({label, value}) for the field, with a first empty choice saying
// `empty`; a value not among the choices is shown as it is, with `problem` beside the list.
// It tells the other lists when it changes; with `follows`, it draws again when another one does.
function selectControl({ choices, empty, problem, toValue, follows = false }) {
  return createClass({
    componentDidMount() {
      this.refresh = () => this.forceUpdate();
      if (follows) window.addEventListener(CHANGED, this.refresh);
    },
    componentWillUnmount() {
      window.removeEventListener(CHANGED, this.refresh);
    },
    shouldComponentUpdate(next) {
      return next.value !== this.props.value || next.classNameWrapper !== this.props.classNameWrapper;
    },
    wrong() {
      const v = this.props.value;
      return v !== undefined && v !== null && v !== '' && !choices(this.props).some((o) => o.value === String(v));
    },
    isValid() {
      return this.wrong() ? { error: { type: 'CUSTOM', message: problem(this.props) } } : true;
    },
    change(e) {
      this.props.onChange(toValue(e.target.value));
      window.dispatchEvent(new CustomEvent(CHANGED));
    },
    render() {
      const { forID, value, classNameWrapper, setActiveStyle, setInactiveStyle } = this.props;
      const list = choices(this.props);
      const wrong = this.wrong();
      const options = [h('option', { key: '', value: '' }, empty(this.props))];
      for (const o of list) options.push(h('option', { key: o.value, value: o.value }, o.label));
      if (wrong) options.push(h('option', { key: 'x', value: String(value) }, String(value)));
      const note = forID + '-samplan-problem';
      return h('div', { className: 'samplan-list' },
        h('select', {
          id: forID, className: classNameWrapper, value: value === undefined || value === null ? '' : String(value),
          onChange: this.change, onFocus: setActiveStyle, onBlur: setInactiveStyle,
          'aria-invalid': wrong ? 'true' : undefined, 'aria-describedby': wrong ? note : undefined,
        }, options),
        wrong ? h('p', { id: note, style: { color: '#a4000f', margin: '0.5em 0 0' } }, problem(this.props)) : null);
    },
  });
}
const preview = createClass({ render() { return h('p', null, String(this.props.value ?? '')); } });

const goals = (props) => {
  const area = fieldOf(props, 'focus_area');
  return (area && plain(props.field.getIn(['options_by_focus_area', area]))) || [];
};
window.CMS.registerWidget('samplan-goal', selectControl({
  choices: goals,
  empty: (props) => (fieldOf(props, 'focus_area') ? 'Välj ett mål' : 'Välj först ett fokusområde'),
  problem: () => 'Målet hör inte till det valda fokusområdet: välj ett av dess mål.',
  toValue: (v) => v,
  follows: true,
}), preview);

const steps = (props) => {
  const process = fieldOf(props, 'process') || props.field.get('plan_process');
  return plain(props.field.getIn(['options_by_process', process])) || [];
};
window.CMS.registerWidget('samplan-step', selectControl({
  choices: steps,
  empty: () => 'Välj ett steg',
  problem: () => (rules['step-range'] || 'Steget finns inte i processen.') + ' Välj ett av dess steg.',
  toValue: (v) => (v === '' ? '' : Number(v)),
  follows: true,
}), preview);
// The other references (target group, focus area, process, principal): the content's own list;
// a member's principal (of a group or of an activity's working group): the group's principals
// as they are now (memberPrincipals, below), so that one added since the configuration was made
// can be chosen.
window.CMS.registerWidget('samplan-select', selectControl({
  choices: (props) => {
    const list = props.field.get('name') === 'principal' ? memberPrincipals(props) : null;
    return list ? list.map((p) => ({ label: p, value: p })) : plain(props.field.get('options')) || [];
  },
  empty: () => 'Välj',
  problem: () => 'Värdet finns inte i listan: välj ett av dess val.',
  toValue: (v) => v,
  follows: true,
}), preview);

// Before a save: samplan's rules on the record as a whole that the form cannot check at a field.
// A record that breaks one is not saved; Decap says why ("Kunde inte spara …").
// Characters as `samplan check` counts them: code points (an emoji is one, not two UTF-16 units).
const chars = (text) => [...text].length;
// Today's date where the browser is, as samplan check takes it without --today ("2026-06-01").
const today = () => {
  const t = new Date();
  return `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')}`;
};
// Dates as samplan's (core/date.cpp): whole months from one day to another, and a day some
// months later (the last of its month when the month is shorter).
const ymd = (day) => day.split('-').map(Number);
const iso = (y, m, d) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
function monthsUntil(from, to) {
  const [y1, m1, d1] = ymd(from), [y2, m2, d2] = ymd(to);
  let months = (y2 - y1) * 12 + (m2 - m1);
  if (months > 0 && d2 < d1) months--;
  if (months < 0 && d2 > d1) months++;
  return months;
}
const daysIn = (y, m) => (m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);
function addMonths(day, months) {
  const [y, m, d] = ymd(day);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12), month = (total % 12) + 1;
  return iso(year, month, Math.min(d, daysIn(year, month)));
}
const fill = (sentence, args) => sentence.replace(/\{(\d)\}/g, (_, n) => args[n] ?? '');
// A problem of the record: `sentence` (the theme's, with its values), said of the field at the
// path `at` (keys and list indices of the record's data), which `where` names in words ("Slutrapport
// › Datum"); `missing` for a required key that is not there; `value`, the value it is about when
// the field holds more than one (”Västra Götalandsregionen”). Decap's message at a save says
// `where: sentence`; at the field, the value and the sentence.
const problem = (at, where, sentence, missing = false, value = '') => ({ at, where, sentence, missing, value });
const said = (p) => (p.where ? p.where + ': ' : '') + p.sentence;
const atField = (p) => (p.value ? p.value + ': ' : '') + p.sentence;
// Each text longer than its key allows (with the other fields, those in a closed list item too).
function tooLong(value, key, out, at = []) {
  if (typeof value === 'string') {
    if (!Object.hasOwn(lengths, key) || chars(value) <= lengths[key]) return;
    const start = [...value].slice(0, 30).join('');
    const sentence = rules['bad-value_length'] || 'Texten har {0} tecken; högst {1} är tillåtna.';
    const element = typeof at.at(-1) === 'number';  // one text of a list of texts: which one
    out.push(problem(at, `”${start}…”`, fill(sentence, [String(chars(value)), String(lengths[key])]), false, element ? `”${start}…”` : ''));
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => tooLong(v, key, out, [...at, i]));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== SOURCE) tooLong(v, k, out, [...at, k]);
  }
}
// markdown-limits (samplan check's content/content.cpp, markdown_too_deep, which this follows
// line by line): every text of the record (each may be Markdown) and its Markdown body. A text is
// refused when a line outside fenced code has more than 500 '|', a GFM table more than 50,000
// cells (rows to the next blank line times its delimiter row's columns), or a line opens more
// than 32 lists and block quotes inside one another (its markers `>`, `-`, `+`, `*`, `1.`, `1)`,
// and its indentation: two columns a level, a tab four columns).
const MOST_NESTING = 32, MOST_CELLS = 50000, MOST_PIPES = 500;
const utf8Length = (text) => new TextEncoder().encode(text).length;
function delimiterColumns(line) {  // a GFM table's delimiter row ("|---|:--:|"): its columns, or 0
  let dashes = 0, columns = 0, pipes = 0, inCell = false;
  for (const c of line) {
    if (c === '-') { dashes++; if (!inCell) { columns++; inCell = true; } }
    else if (c === '|') { pipes++; inCell = false; }
    else if (c !== ':' && c !== ' ' && c !== '\t' && c !== '\r') return 0;
  }
  return dashes > 0 && pipes > 0 ? columns : 0;
}
const thematicBreak = (line) => /^[ \t\r]*([-*_])(?:[ \t\r]*\1){2,}[ \t\r]*$/.test(line);
function tooDeep(text) {
  let tableColumns = 0, tableRows = 0, fence = '';
  for (const line of text.split('\n')) {
    const first = line.search(/[^ ]/);
    if (first >= 0 && first < 4 && ['```', '~~~'].includes(line.slice(first, first + 3))) {
      if (!fence) fence = line.slice(first, first + 3);
      else if (line.slice(first, first + 3) === fence) fence = '';
      continue;
    }
    if (fence) continue;
    if (line.split('|').length - 1 > MOST_PIPES) return true;
    if (!/[^ \t\r]/.test(line)) tableColumns = 0;  // a blank line ends a table
    else if (tableColumns > 0) { if (tableColumns * ++tableRows > MOST_CELLS) return true; }
    else if ((tableColumns = delimiterColumns(line)) > 0) tableRows = 0;
    // samplan counts a line's bytes (UTF-8): a line of at most 32 is not looked at.
    if (line.length <= MOST_NESTING && utf8Length(line) <= MOST_NESTING) continue;
    if (thematicBreak(line)) continue;
    let i = 0, indent = 0;
    for (; i < line.length && (line[i] === ' ' || line[i] === '\t'); i++) indent += line[i] === '\t' ? 4 : 1;
    let depth = Math.floor(indent / 2);
    while (i < line.length) {
      let next = i;
      if (line[i] === '>') next = i + 1;
      else if ('-+*'.includes(line[i]) && i + 1 < line.length && (line[i + 1] === ' ' || line[i + 1] === '\t')) next = i + 2;
      else {
        let e = i;
        while (e < line.length && e - i < 9 && line[e] >= '0' && line[e] <= '9') e++;
        if (e > i && e + 1 < line.length && (line[e] === '.' || line[e] === ')') && (line[e + 1] === ' ' || line[e + 1] === '\t')) next = e + 2;
      }
      if (next === i) break;
      if (++depth > MOST_NESTING) return true;
      i = next;
      while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    }
  }
  return false;
}
// The Markdown body's label in the form (cms.cpp's; no key of the JSON Schemas).
const BODY = 'Beskrivning för allmänheten';
// Said at the text's field, named for a save's message by the labels on the way (`shape`: the
// record's, data-shapes).
function markdownLimits(value, shape, out, at = [], where = '') {
  if (typeof value === 'string') {
    if (tooDeep(value)) out.push(problem(at, where, rules['markdown-limits'] || 'Texten är för stor eller för djupt nästlad.'));
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => markdownLimits(v, shape?.items, out, [...at, i], `${where} ${i + 1}`.trim()));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === SOURCE) continue;
      const inner = shape?.keys?.[k];
      markdownLimits(v, inner, out, [...at, k], named(where, inner?.title || (k === 'body' && !at.length ? BODY : `”${k}”`)));
    }
  }
}
// The first value of `list` that is there twice.
const twice = (list) => (Array.isArray(list) ? list.find((v, i) => v && list.indexOf(v) !== i) : undefined);

// The kind of record a collection holds, and its group (config.yml's collection names).
const KINDS = { grupper: 'group', planer: 'plan', aktiviteter: 'activity', utvarderingar: 'evaluation' };
const kindOf = (collection) => KINDS[String(collection || '').split('__')[0]];
const groupOf = (collection, slug) => (collection === 'grupper' ? slug : String(collection || '').split('__')[1]);

// The front matter (or the whole TOML file) a save would write, read as samplan reads it
// (integers apart from other numbers), or null when it cannot be written or read.
function written(d, kind) {
  let text = null;
  try {
    if (kind === 'activity' || kind === 'evaluation') {
      text = frontMatter.toFile(d, []);
      const m = FRONT.exec(text);
      return { text, file: m ? parse(m[2], { integersAsBigInt: true }) : null };
    }
    text = toml.toFile(d, []);
    return { text, file: parse(text, { integersAsBigInt: true }) };
  } catch {
    return { text, file: null };
  }
}
// file-too-large: samplan reads no record larger than this (bytes of UTF-8).
const MOST_BYTES = 1024 * 1024;
// A TOML value's type in the words of the shapes.
function typeOf(v) {
  if (v instanceof TomlDate) return v.isDate() ? 'date' : 'datetime';
  if (typeof v === 'bigint') return 'integer';
  if (typeof v === 'number') return 'float';
  if (Array.isArray(v)) return 'array';
  if (v && typeof v === 'object') return 'table';
  return typeof v;  // string, boolean
}
const fits = (type, want) => want === 'any' || type === want || (want === 'number' && (type === 'integer' || type === 'float'));
const blank = (v) => typeof v === 'string' && !/[^ \t\r\n]/.test(v);
const named = (where, label) => (where ? where + ' › ' : '') + label;
// What samplan's reader says of `value` (at the path `at`) against `shape`: type (a value of
// another kind than the key's, e.g. a quoted date or a number in quotes from a file edited by
// hand), required (a required key missing or blank in a table that is there: a [final_report]
// without its date) as errors, unknown-key (a key the content model does not know) as warnings.
function shapeProblems(value, shape, where, errors, warnings, at = []) {
  const type = typeOf(value);
  if (!fits(type, shape.type)) {
    errors.push(problem(at, where, rules.type || 'Fel slags värde.'));
    return;
  }
  if (shape.type === 'array') {
    value.forEach((v, i) => shapeProblems(v, shape.items, `${where} ${i + 1}`.trim(), errors, warnings, [...at, i]));
  } else if (shape.type === 'table') {
    for (const key of shape.required || []) {
      const v = value[key];
      if (v === undefined || blank(v))
        errors.push(problem([...at, key], named(where, (shape.keys[key] || {}).title || key), rules.required || 'Fältet måste fyllas i.', true));
    }
    for (const [key, v] of Object.entries(value)) {
      const inner = shape.keys[key];
      if (inner) shapeProblems(v, inner, named(where, inner.title || key), errors, warnings, [...at, key]);
      else if (!shape.open) warnings.push(problem([...at, key], named(where, `”${key}”`), rules['unknown-key'] || 'Okänd nyckel.'));
    }
  }
}
const title = (kind, key) => shapes[kind]?.keys?.[key]?.title || key;
// A group's principals: as saved in this session (postSave, below); else as its file is in the
// repository, read through Decap's backend each time a record of the group is opened (so with a
// principal added in a commit since the configuration was made, by anyone); else as its record is
// in Decap's store (the group or the groups' collection opened in this session); else as they were
// when the configuration was made (data-principals).
const savedPrincipals = new Map();
// The principals a member of the record in the form chooses from: a group's own, as in the form
// (a principal just added to it too); an activity's group's (principalsOf); null: the list of the
// configuration.
function memberPrincipals(props) {
  const entry = typeof props.getEntry === 'function' ? props.getEntry() : props.entry;
  const collection = entry && entry.get('collection');
  const kind = kindOf(collection);
  if (kind === 'group') {
    const own = [...new Set(texts(plain(entry.getIn(['data', 'principals']))))];
    return own.length ? own : null;
  }
  return kind === 'activity' ? principalsOf(groupOf(collection, entry.get('slug'))) : null;
}
const readPrincipals = new Map();
const texts = (list) => (Array.isArray(list) ? list.filter((p) => typeof p === 'string' && p) : []);
function principalsOf(group) {
  if (savedPrincipals.has(group)) return savedPrincipals.get(group);
  if (readPrincipals.has(group)) return readPrincipals.get(group);
  const entry = store && store.getState().entries?.getIn(['entities', `grupper.${group}`]);
  const list = texts(plain(entry && entry.getIn(['data', 'principals'])));
  return list.length ? list : groupPrincipals[group] || [];
}
// Decap's backend (GitLab's, GitHub's or the test repository's), kept as Decap makes it: its
// getEntry(path) reads a file of the repository with the signed-in person's access, and its
// entriesByFolder(folder, extension, depth) lists a folder's files with their text (readGroup and
// readPlans, below: the only places that read the repository past Decap's own forms).
let backend;
for (const name of ['gitlab', 'github', 'gitea', 'bitbucket', 'azure', 'git-gateway', 'proxy', 'test-repo']) {
  const registered = window.CMS.getBackend && window.CMS.getBackend(name);
  if (!registered || typeof registered.init !== 'function') continue;
  const init = registered.init;
  registered.init = (...args) => (backend = init(...args));
}
// The group's file in the repository (config.yml's groups' collection), read again; the promise
// while it is read, else null. When read, the record in the form is checked again.
const reading = new Map();
const collectionsOf = () => {  // config.yml's collections, as Decap holds them
  const config = store && store.getState().config;  // a plain object in Decap 3.16
  const list = plain(config && (typeof config.get === 'function' ? config.get('collections') : config.collections));
  return Array.isArray(list) ? list : [];
};
function readGroup(group) {
  const file = collectionsOf().find((c) => c.name === 'grupper')?.files?.find((f) => f.name === group)?.file;
  if (!backend || typeof backend.getEntry !== 'function' || !file) return null;
  const done = Promise.resolve()
    .then(() => backend.getEntry(file))
    .then(({ data }) => {
      const list = texts(parse(String(data)).principals);
      if (list.length) readPrincipals.set(group, list);
    })
    .catch(() => {})  // not read (no access, no network): the other sources above
    .finally(() => {
      if (reading.get(group) === done) reading.delete(group);
      seen = { data: undefined, found: null };
      sync();
    });
  reading.set(group, done);
  return done;
}
// The group's plans (their periods) and a plan's activities (how many) as they are in the
// repository now, listed through Decap's backend (its entriesByFolder(folder, extension, depth),
// which every backend of Decap 3.16 has, beside getEntry above: the only two of its internals this
// reads through) each time a group, a plan or a new activity is opened: for meeting-follow-up,
// plan-ended and max-activities (plansOf, below). Until listed, or when that fails, the
// configuration's (data-facts).
const livePlans = new Map();  // group -> [{id, start, end}]
const liveCounts = new Map();  // "group/plan" -> activities
function readPlans(group, plan) {
  const plans = collectionsOf().find((c) => c.name === 'planer__' + group)?.folder;
  if (!backend || typeof backend.entriesByFolder !== 'function' || !plans) return null;
  const activities = plan && (collectionsOf().find((c) => c.name === `aktiviteter__${group}__${plan}`)?.folder || `${plans}/${plan}/activities`);
  const done = Promise.all([
    Promise.resolve().then(() => backend.entriesByFolder(plans, 'toml', 2)).then((entries) => {
      const list = [];
      for (const e of entries) {
        const m = /([^/]+)\/plan\.toml$/.exec(e.file.path);
        if (!m || e.file.path !== `${plans}/${m[1]}/plan.toml`) continue;
        const t = fromToml(parse(String(e.data)));
        list.push({ id: m[1], start: isDay(t.start) ? t.start : undefined, end: isDay(t.end) ? t.end : undefined });
      }
      // (A listing without the plan opened, or empty, is taken for one that failed.)
      if (list.length && (!plan || list.some((p) => p.id === plan))) livePlans.set(group, list);
    }).catch(() => {}),  // not listed (no access, no network, a plan that is not TOML): the configuration's
    activities ? Promise.resolve().then(() => backend.entriesByFolder(activities, 'md', 1)).then((entries) => {
      const count = entries.filter((e) => e.file.path.startsWith(activities + '/')).length;
      if (count) liveCounts.set(group + '/' + plan, count);
    }).catch(() => {}) : null,
  ]).finally(() => {
    if (reading.get('plans:' + group) === done) reading.delete('plans:' + group);
    seen = { data: undefined, found: null };
    sync();
  });
  reading.set('plans:' + group, done);
  return done;
}
window.CMS.registerEventListener({
  name: 'postSave',
  handler: ({ entry }) => {
    if (entry.get('collection') !== 'grupper') return;
    const list = texts(plain(entry.getIn(['data', 'principals'])));
    if (list.length) savedPrincipals.set(entry.get('slug'), list);
  },
});
// The problems of the record `d` of `collection` (entry `slug`): {errors: [problem], warnings:
// [problem]}.
function problems(d, collection, slug, isNew = false) {
  const out = [], warnings = [];
  const kind = kindOf(collection);
  tooLong(d, '', out);
  markdownLimits(d, shapes[kind], out);
  // duplicate-id within the record: a principal listed twice (a group), a local indicator's id
  // used twice (an activity).
  const principal = twice(d.principals);
  if (principal && rules['duplicate-id']) out.push(problem(['principals'], `Huvudmän: ”${principal}”`, rules['duplicate-id'], false, `”${principal}”`));
  const indicator = twice((Array.isArray(d.indicators) ? d.indicators : []).map((i) => i && i.id));
  if (indicator && rules['duplicate-id']) out.push(problem(['indicators'], `Lokala indikatorer: ”${indicator}”`, rules['duplicate-id'], false, `”${indicator}”`));
  // required: a plan that is decided or finished has its decision date.
  if (/^planer__/.test(collection || '') && ['beslutad', 'avslutad'].includes(d.status) && !isDay(d.decided) && rules.required)
    out.push(problem(['decided'], 'Beslutsdatum', rules.required));
  if (isDay(d.start) && isDay(d.end) && d.end < d.start) out.push(problem(['end'], '', rules['date-order']));
  // final-report: an activity's (a finished plan has none).
  if (kind === 'activity' && d.status === 'avslutad' && !toToml(d.final_report, 'final_report'))
    out.push(problem(['final_report'], '', rules['final-report']));
  // What the save would write, against the schema and the group's principals.
  const save = kind && shapes[kind] ? written(d, kind) : { text: null, file: null };
  const file = save.file;
  if (typeof save.text === 'string' && save.text.length > MOST_BYTES / 4 && new TextEncoder().encode(save.text).length > MOST_BYTES)
    out.push(problem(kind === 'activity' || kind === 'evaluation' ? ['body'] : [], '', rules['file-too-large'] || 'Posten är större än 1 MiB.'));
  if (file) shapeProblems(file, shapes[kind], '', out, warnings);
  const rec = file || d;
  // required: a group has at least two different principals (samplan check: "needs at least two
  // principals (huvudmän): a collaboration has two sides").
  if (kind === 'group' && Array.isArray(rec.principals) && new Set(rec.principals).size < 2)
    out.push(problem(['principals'], title('group', 'principals'), rules.required_principals || rules.required || ''));
  // The guidance's warnings that need only this record and today's date (the browser's), as
  // samplan check gives them: said at the save, which goes on.
  // Each is said at the field it is about (`at`), while typing too.
  const warning = (rule, args, at) => { if (rules['warning_' + rule]) warnings.push(problem(at, '', fill(rules['warning_' + rule], args))); };
  const day = today();
  if (kind === 'plan' && (d.status || 'utkast') !== 'utkast' && isDay(d.decided) && !isDay(d.sent_to_office))
    warning('plan-not-sent', [d.decided], ['sent_to_office']);
  if (kind === 'activity') {
    const report = d.final_report && typeof d.final_report === 'object' ? d.final_report : null;
    if (d.status === 'avslutad' && toToml(report, 'final_report') && !isDay(report.sent_to_office))
      warning('final-report-not-sent', [report.date || ''], ['final_report', 'sent_to_office']);
    if (['planerad', 'pågår'].includes(d.status || 'planerad'))
      (Array.isArray(d.subgoals) ? d.subgoals : []).forEach((g, n) => {
        if (g && g.done !== true && isDay(g.due) && g.due < day) warning('subgoal-overdue', [g.title || '', g.due], ['subgoals', n, 'due']);
      });
    (Array.isArray(d.indicators) ? d.indicators : []).forEach((i, n) => {
      if (i && i.target && isDay(i.target.date) && i.target.date < day && !(Array.isArray(i.values) && i.values.length))
        warning('indicator-values', [i.title || i.id || '', i.target.date], ['indicators', n, 'values']);
    });
  }
  beyond(d, rec, kind, collection, slug, isNew, day, warning);
  if (kind === 'activity') {
    // As samplan check: a planned activity may be without its working group; once it has
    // members, or is no longer planned, exactly one convener and someone from each of the
    // group's principals.
    const members = (Array.isArray(rec.working_group) ? rec.working_group : []).filter((m) => m && typeof m === 'object');
    if (members.length || (rec.status || 'planerad') !== 'planerad') {
      if (members.filter((m) => m.convener === true).length !== 1) out.push(problem(['working_group'], '', rules['working-group-convener']));
      const label = title('activity', 'working_group');
      for (const p of principalsOf(groupOf(collection, slug)))
        if (!members.some((m) => m.principal === p)) out.push(problem(['working_group'], `${label}: ”${p}”`, rules['working-group-principals'], false, `”${p}”`));
    }
  }
  return { errors: out.filter((p) => p.sentence), warnings };
}

// ---- The warnings that need more than the record ----
// From the site's settings, the group's other records and git history, as this page was made
// (data-facts: the last build's) and as saved in this session; docs/editor.md's table says how
// each one is counted. Each as samplan check gives it on the record, at the field it points to.
const savedPlans = new Map();  // "group/plan" -> {id, start, end, changed}: plans saved in this session
function plansOf(group) {
  const built = facts.plans?.[group] || [];
  const activities = (p) => liveCounts.get(group + '/' + p.id) ?? built.find((b) => b.id === p.id)?.activities ?? 0;
  const now = livePlans.has(group)
    ? livePlans.get(group).map((p) => ({ ...p, changed: built.find((b) => b.id === p.id)?.changed }))
    : built;
  const list = now.map((p) => savedPlans.get(group + '/' + p.id) || { ...p, activities: activities(p) });
  for (const [key, p] of savedPlans) if (key.startsWith(group + '/') && !list.some((x) => x.id === p.id)) list.push(p);
  return list;
}
const members = (list) => (Array.isArray(list) ? list.filter((m) => m && typeof m === 'object') : []);
const convenerOf = (r) => { const m = members(r.working_group).find((x) => x.convener === true); return m ? String(m.name ?? '') : ''; };
const principalsFrom = (r) => JSON.stringify([...new Set(members(r.working_group).map((m) => (typeof m.principal === 'string' ? m.principal : '')))].sort());
// A plan's id from its entry's slug: the plans' collection finds each by its path, "2026/plan".
const planId = (slug) => String(slug ?? '').replace(/\/plan$/, '');
// The front matter of a file as read (the record's text before the form changed it), read once.
let sourceRead = { text: null, value: null };
function frontOf(text) {
  if (typeof text !== 'string') return null;
  if (sourceRead.text !== text) {
    const m = FRONT.exec(text);
    let value = null;
    try { value = m ? parse(m[2]) : null; } catch { value = null; }
    sourceRead = { text, value };
  }
  return sourceRead.value;
}
function beyond(d, rec, kind, collection, slug, isNew, day, warning) {
  const group = groupOf(collection, slug);
  const settings = facts.rules || {};
  if (kind === 'group' && plansOf(group).length)  // meeting-follow-up: a group that has a plan
    members(d.meetings).forEach((m) => {
      if (m.plan_followed_up !== true) warning('meeting-follow-up', [isDay(m.date) ? m.date : ''], ['meetings', d.meetings.indexOf(m), 'plan_followed_up']);
    });
  if (kind === 'plan') {
    const id = planId(slug);
    const own = isNew ? null : plansOf(group).find((p) => p.id === id);
    // max-activities: the plan's activities as of the last build.
    const max = settings.max_activities_per_plan;
    if (own && Number.isInteger(max) && own.activities > max) warning('max-activities', [String(own.activities), String(max)], []);
    // plan-ended: the group's newest plan (by start; of two alike, the first by id) has ended.
    const self = { id: isNew ? '' : id, start: isDay(d.start) ? d.start : null, end: isDay(d.end) ? d.end : null };
    const list = [...plansOf(group).filter((p) => isNew || p.id !== id), self].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    let newest = null;
    for (const p of list) if (!newest || (p.start && (!newest.start || p.start > newest.start))) newest = p;
    if (newest === self && self.end && self.end < day && !(self.start && self.end < self.start)) warning('plan-ended', [self.end], ['end']);
    // plan-revision: from the last `revised`, else the last commit that changed the plan, else `decided`.
    const interval = settings.revision_interval_months;
    if (d.status === 'beslutad' && isDay(d.decided) && !(isDay(d.end) && d.end < day) && Number.isInteger(interval)) {
      let last = (Array.isArray(d.revised) ? d.revised.filter(isDay) : []).sort().at(-1) || (own && own.changed) || null;
      if (!last || last < d.decided) last = d.decided;
      if (addMonths(last, interval) < day) warning('plan-revision', [last, String(interval)], ['decided']);
    }
  }
  if (kind === 'activity') {
    // max-activities: a new activity that takes its plan over the most (as of the last build).
    const max = settings.max_activities_per_plan;
    const plan = plansOf(group).find((p) => p.id === String(collection).split('__')[2]);
    if (isNew && plan && Number.isInteger(max) && plan.activities + 1 > max)
      warning('max-activities', [String(plan.activities + 1), String(max)], []);
    // activity-reports: an ongoing activity's reports, one per 12 / reports_per_year months since its start.
    const per = settings.reports_per_year;
    if (d.status === 'pågår' && isDay(d.start) && Number.isInteger(per)) {
      const until = isDay(d.end) && d.end < day ? d.end : day;
      const months = monthsUntil(d.start, until);
      const expected = Math.floor((months * per) / 12);
      const actual = members(d.reports).filter((r) => isDay(r.date) && r.date <= day).length;
      if (months > 0 && actual < expected) warning('activity-reports', [String(actual), String(expected), until], ['status']);
    }
    // The …-changed warnings: what CI will say once this save is the latest commit that changed the
    // activity, comparing it with the file as read (the version before it), dated today.
    const before = isNew ? null : frontOf(d[SOURCE]);
    if (before && rec) {
      const [was, now] = [convenerOf(before), convenerOf(rec)];
      if (was !== now) warning('working-group-convener-changed', [was, now, day], ['working_group']);
      if (principalsFrom(before) !== principalsFrom(rec)) warning('working-group-principals-changed', [day], ['working_group']);
    }
  }
}
window.CMS.registerEventListener({
  name: 'postSave',
  handler: ({ entry }) => {
    const collection = entry.get('collection');
    if (kindOf(collection) !== 'plan') return;
    const d = plain(entry.get('data')) || {};
    const group = groupOf(collection, entry.get('slug'));
    const id = planId(entry.get('slug'));
    const had = plansOf(group).find((p) => p.id === id);
    savedPlans.set(group + '/' + id, { id, start: isDay(d.start) ? d.start : undefined, end: isDay(d.end) ? d.end : undefined,
                                        activities: had ? had.activities : 0, changed: today() });
  },
});

// Warnings (samplan check's, which do not stop a save: unknown-key, …) are said in a region of the
// page's own, with a button that closes it: at a save all of them, while typing those that
// belong to no field (below); the next save says them again or clears them.
let notice;
function warn(sentences) {
  if (!notice && !sentences.length) return;
  if (!notice) {
    notice = document.createElement('div');
    notice.className = 'samplan-notice';
    notice.setAttribute('role', 'status');
    notice.text = document.createElement('p');
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Stäng';
    close.addEventListener('click', () => { notice.hidden = true; });
    notice.append(notice.text, close);
    document.body.append(notice);
  }
  notice.text.textContent = sentences.length ? 'Varning (sparas ändå): ' + sentences.join(' ') : '';
  notice.hidden = !sentences.length;
}
// The refusals thrown below, as Decap passes them on (String(error)).
const refusals = new Set();
window.CMS.registerEventListener({
  name: 'preSave',
  handler: ({ entry }) => {
    // The group's file, or its plans and activities, being read (the record just opened): the
    // check waits for them.
    const group = groupOf(entry.get('collection'), entry.get('slug'));
    const pending = [reading.get(group), reading.get('plans:' + group)].filter(Boolean);
    return pending.length ? Promise.all(pending).then(() => refuse(entry)) : refuse(entry);
  },
});
function refuse(entry) {
  const found = problems(plain(entry.get('data')) || {}, entry.get('collection'), entry.get('slug'), entry.get('newRecord') === true);
  warn(found.warnings.map(said));
  if (!found.errors.length) return;
  // Decap says "Kunde inte spara inlägg: " and the error as a string: without a name it is
  // only the rules' sentences (not "Error: …").
  const refusal = new Error(found.errors.map(said).join(' '));
  refusal.name = '';
  refusals.add(String(refusal));
  throw refusal;
}
// A refused save leaves the promise of Decap's save rejected with no handler (its toolbar's
// button awaits it and nothing catches), which the page would report as an uncaught error,
// though Decap has already said why at the fields or in its message. Those two rejections are
// handled here: a refusal of the check above (Decap rejects with its action
// ENTRY_PERSIST_FAILURE, which carries the error as a string), and a save refused because a
// field is invalid (Decap rejects with nothing, and the form shows the field's error). Any
// other rejection is left to the page.
window.addEventListener('unhandledrejection', (event) => {
  const r = event.reason;
  const refused = r && r.type === 'ENTRY_PERSIST_FAILURE' && r.payload && refusals.has(r.payload.error);
  const invalid = r === undefined && document.querySelector('[class*="ControlErrorsList"] li');
  if (refused || invalid) event.preventDefault();
});

// ---- Checked while typing ----
// Each time the record in the form changes, the problems above are worked out again and each
// error is shown at its field, in Decap's own place for a field's errors (the list beside its
// label, and the field's red border), as Decap's store holds them (fieldsErrors, by the field's
// id): those errors are samplan's (marked LIVE) beside Decap's own, which stay as they are. Decap
// refuses to save a record while a field has an error, and the check above refuses it too. A
// required key that a new record does not have yet is not said while typing (the form would
// start full of errors); Decap says it at the save. Warnings are said at their fields too, in a
// list of samplan's own (Decap would refuse a save while its store holds any message at a
// field), and those of no field in the page's box; all of them again at the save (above).
const LIVE = 'samplan';
const CONTROL = '[class*="ControlContainer"]';
// The field a control (its container) is part of: the control one level up, or null at the top.
const outer = (control) => control.parentElement?.closest(CONTROL) || null;
// Decap's id of the field at `at` (keys and list indices), as the form draws it ("title-field-12",
// its label's `for`), and whether the whole path was found: a field not drawn or not shown (in an
// item of a list that is closed) is said at the nearest field that is, the list itself.
function fieldAt(at, data) {
  let scope = null, index = null, found = 0;
  const shown = [];  // the ids of the fields found on the way that are on the screen
  const end = () => ({ id: shown.length ? shown.at(-1).id : null, whole: shown.length > 0 && shown.at(-1).found === at.length });
  for (const key of at) {
    if (typeof key === 'number') {
      index = key;
      found++;
      continue;
    }
    const inside = [...(scope || document).querySelectorAll('label[for]')].filter((label) => {
      const m = /^(.*)-field-\d+$/.exec(label.htmlFor);
      return m && m[1] === key && label.closest(CONTROL) && outer(label.closest(CONTROL)) === scope;
    });
    // In a list: the item's field when every item's fields are drawn, in the items' order.
    const list = index === null ? null : at.slice(0, found - 1).reduce((v, k) => (v ? v[k] : v), data);
    const label = index === null ? (inside.length === 1 ? inside[0] : null)
      : Array.isArray(list) && inside.length === list.length ? inside[index] : null;
    if (!label) return end();
    scope = label.closest(CONTROL);
    index = null;
    found++;
    if (label.getClientRects().length) shown.push({ id: label.htmlFor, found });
  }
  return end();
}
let seen = { data: undefined, found: null, warnings: [] };
let shownRecord = '';  // the record in the form (collection/slug)
let fieldless = null;  // the warnings of the record that belong to no field drawn, as last said
let syncing = false;
// The messages of `found` (problems) by the id of the field each is said at (the nearest drawn),
// and the problems said at none.
function byField(found, data, prefix = '') {
  const want = new Map(), none = [];
  for (const p of found) {
    const { id, whole } = fieldAt(p.at, data);
    if (!id) { none.push(p); continue; }
    const message = prefix + (whole ? atField(p) : said(p));
    if (!want.has(id)) want.set(id, []);
    if (!want.get(id).includes(message)) want.get(id).push(message);
  }
  return { want, none };
}
// Warnings at their fields: a list of the field's own (class WARNINGS) under its label, in the
// field's description (aria-describedby), the field not invalid: Decap's store has no place for
// a message that does not stop a save (its fieldsErrors do). Drawn again whenever Decap draws
// the field anew; a list no longer wanted goes.
const WARNINGS = 'samplan-warnings';
function showWarnings(want) {
  for (const list of document.querySelectorAll('ul.' + WARNINGS)) {
    const label = document.querySelector(`label[for="${CSS.escape(list.dataset.field)}"]`);
    const texts = want.get(list.dataset.field);
    if (!texts || !label || list.previousElementSibling !== label.parentElement) list.remove();
    else if (JSON.stringify([...list.children].map((li) => li.textContent)) !== JSON.stringify(texts))
      list.replaceChildren(...texts.map((t) => Object.assign(document.createElement('li'), { textContent: t })));
  }
  for (const [id, texts] of want) {
    const label = document.querySelector(`label[for="${CSS.escape(id)}"]`);
    if (!label || document.getElementById(id + '-warnings')) continue;
    const list = document.createElement('ul');
    list.className = WARNINGS;
    list.id = id + '-warnings';
    list.dataset.field = id;
    list.append(...texts.map((t) => Object.assign(document.createElement('li'), { textContent: t })));
    label.parentElement.after(list);  // after the label's bar (the label and Decap's errors)
  }
  for (const control of document.querySelectorAll('[data-samplan-warnings]')) {
    const id = control.getAttribute('data-samplan-warnings');
    if (document.getElementById(id)) continue;
    const described = (control.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== id);
    if (described.length) control.setAttribute('aria-describedby', described.join(' '));
    else control.removeAttribute('aria-describedby');
    control.removeAttribute('data-samplan-warnings');
  }
  for (const list of document.querySelectorAll('ul.' + WARNINGS)) {
    const control = document.getElementById(list.dataset.field);
    if (!control) continue;
    const described = (control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    if (!described.includes(list.id)) control.setAttribute('aria-describedby', [...described, list.id].join(' '));
    setOnce(control, 'data-samplan-warnings', list.id);
  }
}
// The lists that follow the record (a member's principal: the group's principals) draw again.
const followers = () => queueMicrotask(() => window.dispatchEvent(new CustomEvent(CHANGED)));
function sync() {
  if (!store || syncing) return;
  syncing = true;
  try {
    const draft = store.getState().entryDraft;
    const entry = draft && draft.get('entry');
    if (!entry || !entry.get('collection')) return;
    const opened = entry.get('collection') + '/' + entry.get('slug');
    if (opened !== shownRecord) {
      shownRecord = opened;
      fieldless = null;
      const kind = kindOf(entry.get('collection')), group = groupOf(entry.get('collection'), entry.get('slug'));
      if (kind === 'activity') readGroup(group);
      if (kind === 'group') readPlans(group);
      if (kind === 'plan') readPlans(group, entry.get('newRecord') === true ? null : planId(entry.get('slug')));
      if (kind === 'activity' && entry.get('newRecord') === true) readPlans(group, String(entry.get('collection')).split('__')[2]);
    }
    const dataMap = entry.get('data');
    const data = plain(dataMap) || {};
    if (seen.data !== dataMap) {
      const isNew = entry.get('newRecord');
      const found = problems(data, entry.get('collection'), entry.get('slug'), isNew === true);
      seen = { data: dataMap, found: found.errors.filter((p) => !(p.missing && isNew && p.at.length === 1)), warnings: found.warnings };
      followers();
    }
    const { want } = byField(seen.found, data);
    // Warnings: at their fields; those of no field drawn (a key the content model does not know,
    // at the top) in the page's box, when they change.
    const warned = byField(seen.warnings, data, 'Varning: ');
    showWarnings(warned.want);
    const none = warned.none.map(said);
    // (Not before the form is drawn: every warning would be of no field for a moment.)
    if (JSON.stringify(none) !== JSON.stringify(fieldless) && document.querySelector(CONTROL)) {
      fieldless = none;
      warn(none);
    }
    const have = draft.get('fieldsErrors');
    const ids = new Set(want.keys());
    if (have) have.forEach((errors, id) => { if ([...errors].some((e) => e && e[LIVE])) ids.add(id); });
    for (const id of ids) {
      const current = [...((have && have.get(id)) || [])];
      const next = [...current.filter((e) => !(e && e[LIVE])),
                    ...(want.get(id) || []).map((message) => ({ type: 'CUSTOM', message, [LIVE]: true }))];
      if (JSON.stringify(next) !== JSON.stringify(current))
        store.dispatch({ type: 'DRAFT_VALIDATION_ERRORS', payload: { uniquefieldId: id, errors: next } });
    }
  } finally {
    syncing = false;
  }
}
let watching = false;
function watch() {
  if (store && !watching) {
    watching = true;
    store.subscribe(sync);
  }
}
watch();

// ---- Names and states Decap's own markup lacks (axe, WCAG 2.1 AA; docs/editor.md) ----
// Each is set on the element Decap draws, whenever it draws it, and only when missing, so that
// what Decap sets itself wins.
const setOnce = (el, name, value) => { if (el.getAttribute(name) !== value) el.setAttribute(name, value); };
function mend(root) {
  // A field's errors (Decap's list beside its label: its own and samplan's, above) are not tied
  // to the field: they describe it (aria-describedby), and a text field or list says it is
  // invalid (aria-invalid), for as long as the list is there.
  for (const list of root.querySelectorAll('[class*="ControlErrorsList"]')) {
    const label = list.parentElement?.querySelector('label[for]');
    const control = label && document.getElementById(label.htmlFor);
    if (!control) continue;
    list.id = label.htmlFor + '-errors';
    const described = (control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    if (!described.includes(list.id)) control.setAttribute('aria-describedby', [...described, list.id].join(' '));
    if (control.matches('input, select, textarea')) setOnce(control, 'aria-invalid', 'true');
    control.setAttribute('data-samplan-errors', list.id);
  }
  for (const control of root.querySelectorAll('[data-samplan-errors]')) {
    const id = control.getAttribute('data-samplan-errors');
    if (document.getElementById(id)) continue;
    const described = (control.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== id);
    if (described.length) control.setAttribute('aria-describedby', described.join(' '));
    else control.removeAttribute('aria-describedby');
    control.removeAttribute('aria-invalid');
    control.removeAttribute('data-samplan-errors');
  }
  // The preview pane: an <iframe> without a name (frame-title).
  const frame = root.querySelector('#preview-pane');
  if (frame && !frame.title) frame.title = 'Förhandsvisning';
  // The Markdown editor's text box (rich-text mode) has no name (aria-input-field-name): its
  // field's label names it.
  for (const box of root.querySelectorAll('[data-slate-editor][role="textbox"]:not([aria-labelledby])')) {
    const label = box.closest('[class*="ControlContainer"]')?.querySelector('label');
    if (!label) continue;
    if (!label.id) label.id = (label.htmlFor || 'samplan-field') + '-label';
    box.setAttribute('aria-labelledby', label.id);
  }
  // Its mode switch (rich text or Markdown) has no name (button-name) and, in rich-text mode,
  // no state (aria-required-attr): it is named as its "Markdown" side, on in Markdown mode.
  for (const toggle of root.querySelectorAll('[class*="ToolbarToggle"] button[role="switch"]')) {
    setOnce(toggle, 'aria-label', 'Markdown');
    if (!toggle.hasAttribute('aria-checked')) toggle.setAttribute('aria-checked', 'false');
  }
  // Its menu buttons (headings) are a button inside a button (nested-interactive): the outer
  // one, which has the keyboard and the menu, is named after the inner one, and the inner one
  // is taken out of the focus order and the pointer's way (disabled; CSS keeps its look).
  for (const inner of root.querySelectorAll('.cms-editor-visual [class*="ToolbarDropdownWrapper"] [role="button"] > button:not([disabled])')) {
    setOnce(inner.parentElement, 'aria-label', inner.title || inner.textContent);
    inner.setAttribute('data-samplan-inner', '');
    inner.disabled = true;
  }
  // A list's items: the drag handle is a button without a name (aria-command-name), the buttons
  // that open or close an item and remove it are icons without a name (button-name).
  for (const handle of root.querySelectorAll('[role="button"][aria-roledescription="sortable"]:not([aria-label])'))
    handle.setAttribute('aria-label', 'Flytta');
  for (const bar of root.querySelectorAll('[class*="ListItemTopBar"]')) {
    const buttons = [...bar.children].filter((c) => c.tagName === 'BUTTON');
    if (buttons.length !== 2) continue;
    if (!buttons[0].hasAttribute('aria-label')) buttons[0].setAttribute('aria-label', 'Visa eller dölj');
    if (!buttons[1].hasAttribute('aria-label')) buttons[1].setAttribute('aria-label', 'Ta bort');
  }
}
new MutationObserver(() => { mend(document); watch(); sync(); }).observe(document.body, {
  childList: true, subtree: true, attributes: true, attributeFilter: ['aria-checked', 'disabled'],
});

// ---- Decap's Swedish, completed ----
// Decap CMS 3.16.3's Swedish phrases lack some that its English has (Decap then shows the
// English: "Add arbetsgrupp", "Strikethrough", "Expand", …) or leave them English ("Rich Text").
// Here they are in Swedish, over Decap's own (which win nowhere else); docs/editor.md.
const SWEDISH = {
  auth: { loginWithForgejo: 'Logga in med Forgejo' },
  collection: {
    collectionTop: { viewAsList: 'Visa som lista', viewAsGrid: 'Visa som rutnät' },
    entries: { unpublishedHeader: 'Opublicerade inlägg' },
  },
  editor: {
    editorControl: { field: { widgetLabel: 'Fält' } },
    editorControlPane: {
      i18n: {
        copyFromLocale: 'Fyll i från ett annat språk',
        copyFromLocaleConfirm: 'Vill du fylla i uppgifterna från %{locale}?\nAllt som står här nu skrivs över.',
      },
    },
    editorInterface: { toggleNotes: 'Visa eller dölj anteckningar' },
    editorNotesPane: {
      title: 'Anteckningar',
      emptyState: 'Inga anteckningar ännu. Skriv den första nedan.',
      addNote: 'Lägg till anteckning',
      addPlaceholder: 'Skriv en anteckning …',
      editPlaceholder: 'Ändra anteckningen …',
      save: 'Spara',
      cancel: 'Avbryt',
      edit: 'Ändra',
      delete: 'Ta bort',
      resolve: 'Markera som klar',
      unresolve: 'Markera som ej klar',
      confirmDelete: 'Vill du ta bort anteckningen?',
      shortcut: 'Tips: Ctrl+Enter lägger till anteckningen.',
    },
    editorToolbar: {
      statusInfoTooltipDraft: 'Inlägget är ett utkast. Sätt status till ”För granskning” när det är klart att granskas.',
      statusInfoTooltipInReview: 'Inlägget granskas; du behöver inte göra något mer, men du kan fortfarande ändra det.',
    },
    editorWidgets: {
      markdown: {
        richText: 'Formaterad text',
        strikethrough: 'Genomstruken',
        toggleMode: { rich: 'Byt till formaterad text', markdown: 'Byt till Markdown' },
      },
      image: { chooseMultiple: 'Välj bilder', addMore: 'Lägg till fler bilder', removeAll: 'Ta bort alla bilder' },
      file: { chooseMultiple: 'Välj filer', addMore: 'Lägg till fler filer', removeAll: 'Ta bort alla filer' },
      datetime: { setToNow: 'Sätt till nu (%{fieldLabel})' },
      list: { add: 'Lägg till: %{item}', addType: 'Lägg till: %{item}' },
      object: { expand: 'Visa', collapse: 'Dölj' },
    },
  },
  mediaLibrary: { mediaLibraryModal: { close: 'Stäng' } },
  ui: {
    settingsDropdown: { account: 'Kontoinställningar' },
    toast: {
      noteAdded: 'Anteckningen är tillagd',
      onFailToAddNote: 'Kunde inte lägga till anteckningen: %{details}',
      noteUpdated: 'Anteckningen är ändrad',
      onFailToUpdateNote: 'Kunde inte ändra anteckningen: %{details}',
      noteDeleted: 'Anteckningen är borttagen',
      onFailToDeleteNote: 'Kunde inte ta bort anteckningen: %{details}',
      noteResolved: 'Anteckningen är markerad som klar',
      noteReopened: 'Anteckningen är öppnad igen',
      onFailToToggleNote: 'Kunde inte ändra anteckningens status: %{details}',
    },
  },
};
const merged = (base, over) => {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = v && typeof v === 'object' ? merged((base || {})[k] || {}, v) : v;
  return out;
};
window.CMS.registerLocale('sv', merged(window.CMS.getLocale('sv') || {}, SWEDISH));

window.CMS.init();
