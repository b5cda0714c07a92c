// The hosted editor's glue (written by `samplan cms` beside index.html; docs/editor.md): loads
// Decap CMS and gives it samplan's TOML. Decap's own TOML reader fails on dates inside inline
// tables (`baseline = { date = 2026-01-15, value = 21 }`) and its writer quotes dates; samplan's
// records need both as TOML dates. So the records are read and written with smol-toml (TOML 1.0),
// dates become "YYYY-MM-DD" for Decap's date fields and TOML dates again on saving (for the keys
// that are dates in the JSON Schemas: data-dates), and empty optional values are left out.
const me = document.querySelector('script[data-cms]');
window.CMS_MANUAL_INIT = true;
const { parse, stringify, TomlDate } = await import(me.dataset.toml);
await new Promise((resolve, reject) => {
  const s = document.createElement('script');
  s.src = me.dataset.cms;
  s.onload = resolve;
  s.onerror = () => reject(new Error('could not load ' + me.dataset.cms));
  document.head.append(s);
});
const dateKeys = new Set(me.dataset.dates.split(' ').filter(Boolean));
const isDay = (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

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

const toml = {
  fromFile: (text) => fromToml(parse(text)),
  toFile: (data, order) => write(data, order),
};
// An activity or evaluation: TOML between +++ lines, then the Markdown text.
const frontMatter = {
  fromFile(text) {
    const m = /^\+\+\+[ \t]*\r?\n([\s\S]*?)\r?\n\+\+\+[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(text);
    if (!m) return { body: text };
    return { ...fromToml(parse(m[1])), body: m[2] };
  },
  toFile(data, order) {
    const { body, ...rest } = data;
    const head = write(rest, order);
    return '+++\n' + head + (head.endsWith('\n') ? '' : '\n') + '+++\n' + (body ? body.replace(/\n*$/, '\n') : '');
  },
};
window.CMS.registerCustomFormat('samplan-toml', 'toml', toml);
window.CMS.registerCustomFormat('samplan-toml-frontmatter', 'md', frontMatter);
window.CMS.init();
