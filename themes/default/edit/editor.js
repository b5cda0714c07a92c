// The editor's page: forms made from the content model's JSON Schemas, checked on the server as
// you type (the same rules as `samplan check`), saved as git commits. Every value is set as text
// (textContent, .value); the only HTML inserted is samplan's own Markdown rendering, which drops
// raw HTML exactly as on the site.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  let S = {};            // Swedish strings (sv.json)
  let records = [];
  let current = null;    // { address, base, record, original, choices, schema, preview }
  let timer = null, seq = 0, lastDiagnostics = [];

  async function api(path, body) {
    const options = body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
    const res = await fetch('/_edit/' + path, options);
    let json = {};
    try { json = await res.json(); } catch (e) { json = { message: res.statusText }; }
    return { status: res.status, json };
  }
  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === undefined || v === null) continue;
      if (k === 'text') e.textContent = v; else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c) e.append(c);
    return e;
  };
  const add = (parent, ...children) => { for (const c of children) if (c) parent.append(c); return parent; };
  const clone = (v) => JSON.parse(JSON.stringify(v));
  const fieldId = (path) => 'f-' + path.replace(/[^a-z0-9_-]/gi, '-');

  function status(text) { $('status').textContent = text; }

  // ---- the list of records and the new-record form
  async function loadRecords() {
    const { json } = await api('api/records');
    records = json.records || [];
    const list = $('records');
    list.replaceChildren();
    for (const r of records) {
      const b = el('button', { type: 'button', class: 'link', text: r.title + (r.draft ? ' (' + S.draft + ')' : '') });
      b.addEventListener('click', () => open(r));
      list.append(el('li', {}, el('span', { class: 'kind', text: S.kinds[r.kind] + ' · ' + [r.group, r.plan, r.id].filter(Boolean).join(' / ') }), b));
    }
    const groups = [...new Set(records.filter((r) => r.kind === 'group').map((r) => r.group))];
    const g = $('new-group');
    const keep = g.value;
    g.replaceChildren(...groups.map((id) => el('option', { value: id, text: id })));
    if (groups.includes(keep)) g.value = keep;
    fillPlans();
  }
  function fillPlans() {
    const plans = records.filter((r) => r.kind === 'plan' && r.group === $('new-group').value).map((r) => r.plan);
    $('new-plan').replaceChildren(...plans.map((id) => el('option', { value: id, text: id })));
    $('new-plan-row').hidden = $('new-kind').value !== 'activity';
  }

  async function open(r) {
    const { status: code, json } = await api('api/open', { kind: r.kind, group: r.group, plan: r.plan, id: r.id });
    if (code !== 200) { status(json.message); return; }
    await show(json, S.opened + ': ' + r.title);
  }

  async function create(event) {
    event.preventDefault();
    const kind = $('new-kind').value, group = $('new-group').value, id = $('new-id').value.trim();
    const address = { kind, group, plan: '', id: '' };
    if (kind === 'plan') address.plan = id;
    else if (kind === 'group') address.group = id;
    else address.id = id;
    if (kind === 'activity') address.plan = $('new-plan').value;
    const { status: code, json } = await api('api/new', address);
    if (code !== 200) { status(json.message); $('new-id').focus(); return; }
    await show(json, S.created);
  }

  // ---- the form
  async function show(loaded, message) {
    const schemaRes = await fetch('/_edit/schemas/' + (loaded.address.kind === 'evaluation' ? 'evaluation' : loaded.address.kind) + '.json');
    const schema = await schemaRes.json();
    current = { address: loaded.address, base: loaded.base, record: clone(loaded.record), original: loaded.record,
                choices: loaded.choices, schema, preview: loaded.preview };
    $('form-heading').textContent = S.kinds[loaded.address.kind] + ': ' + (current.record.data.title || current.record.data.name || '');
    $('record-form').hidden = false;
    $('commit-message').value = '';
    $('commit-message').dataset.auto = 'yes';
    lastDiagnostics = [];  // the previous record's
    render();
    status(message);
    setPreview(loaded.preview);
    $('editor').focus();
    check();
  }

  function setPreview(url) {
    $('preview-link').setAttribute('href', url);
    $('preview').setAttribute('src', url);
  }

  const resolveRef = (s) => (s && s.$ref ? Object.assign({}, current.schema.definitions[s.$ref.split('/').pop()], s, { $ref: undefined }) : s);
  const isMarkdown = (s) => /Markdown/.test(s.description || '') || /Markdown/.test(s.title || '');
  const getAt = (obj, path) => path.reduce((o, k) => (o == null ? undefined : o[k]), obj);
  function setAt(obj, path, value) {
    let o = obj;
    for (let i = 0; i < path.length - 1; i++) {
      if (o[path[i]] == null) o[path[i]] = typeof path[i + 1] === 'number' ? [] : {};
      o = o[path[i]];
    }
    o[path[path.length - 1]] = value;
  }
  const existed = (path) => getAt(current.original.data, path) !== undefined;

  function render() {
    // Made again when a choice changes what other fields offer (a focus area's goals): the
    // field that had the focus keeps it.
    const active = document.activeElement && document.activeElement.id;
    const fields = $('fields');
    fields.replaceChildren(...objectFields(current.schema, []));
    if (current.original.body !== undefined) {
      fields.append(textField({ title: 'Beskrivning för allmänheten', description: 'Markdown: texten som visas på sidan.' }, ['body'], true, true));
    }
    $('publish').hidden = !(current.record.data.draft === true);
    showDiagnostics(lastDiagnostics);
    if (active && fields.contains($(active))) $(active).focus();
  }

  function objectFields(schema, path) {
    const out = [];
    for (const [key, raw] of Object.entries(schema.properties || {})) out.push(field(key, resolveRef(raw), path.concat(key)));
    return out;
  }

  function label(schema, key) { return schema.title || key; }
  function help(schema, id) {
    const text = (schema.description || '').trim();
    return text ? el('p', { class: 'help', id: id + '-help', text }) : null;
  }
  function message(id) { return el('p', { class: 'message', id: id + '-message', hidden: true }); }
  function describedBy(schema, id) { return [schema.description ? id + '-help' : '', id + '-message'].filter(Boolean).join(' '); }

  function field(key, schema, path) {
    const value = getAt(current.record.data, path);
    const type = schema.type;
    if (type === 'object' && schema.properties) {
      const id = fieldId(path.join('.'));
      const fs = el('fieldset', { 'data-field': path.join('.'), id }, el('legend', { text: label(schema, key) }), help(schema, id), message(id));
      fs.append(...objectFields(schema, path));
      return fs;
    }
    if (type === 'array') return arrayField(key, schema, path, value || []);
    return scalarField(key, schema, path, value);
  }

  function arrayField(key, schema, path, items) {
    const id = fieldId(path.join('.'));
    const item = resolveRef(schema.items || {});
    const fs = el('fieldset', { 'data-field': path.join('.'), id }, el('legend', { text: label(schema, key) }), help(schema, id), message(id));
    items.forEach((_, i) => {
      const p = path.concat(i);
      const name = (item.title || label(schema, key)) + ' ' + (i + 1);
      let box;
      if (item.type === 'object') {
        box = el('fieldset', { 'data-field': p.join('.'), id: fieldId(p.join('.')) }, el('legend', { text: name }), message(fieldId(p.join('.'))));
        box.append(...objectFields(item, p));
      } else {
        box = el('div', { class: 'item' }, scalarField(name, Object.assign({}, item, { title: name }), p, items[i]));
      }
      const remove = el('button', { type: 'button', class: 'secondary', text: S.remove + ': ' + name });
      remove.addEventListener('click', () => {
        const list = getAt(current.record.data, path);
        list.splice(i, 1);
        render();
        changed();
        (document.getElementById(id).querySelector('button') || $('editor')).focus();
      });
      box.append(el('p', {}, remove));
      fs.append(box);
    });
    const add = el('button', { type: 'button', class: 'secondary', text: S.add + ': ' + (item.title || label(schema, key)).toLowerCase() });
    add.addEventListener('click', () => {
      let list = getAt(current.record.data, path);
      if (!Array.isArray(list)) { list = []; setAt(current.record.data, path, list); }
      list.push(item.type === 'object' ? {} : (item.format === 'date' ? { $date: '' } : ''));
      render();
      changed();
      const box = document.getElementById(fieldId(path.concat(list.length - 1).join('.')));
      const first = box && (box.matches('input,select,textarea') ? box : box.querySelector('input,select,textarea'));
      if (first) first.focus();
    });
    fs.append(el('p', {}, add));
    return fs;
  }

  // The lists a reference is chosen from.
  function referenceOptions(path) {
    const key = path[path.length - 1], c = current.choices, kind = current.address.kind;
    const top = path.length === 1;
    if (key === 'target_group' && top) return c.target_group.map((t) => [t.id, t.title]);
    if (key === 'focus_area' && top) return c.focus_area.map((f) => [f.id, f.title]);
    if (key === 'goal' && top && kind === 'activity') {
      const area = c.focus_area.find((f) => f.id === current.record.data.focus_area);
      return (area ? area.goals : []).map((g) => [g.id, g.title]);
    }
    if (key === 'process' && top) return c.process.map((p) => [p.id, p.title]);
    if (key === 'step' && top && kind === 'activity') {
      const pid = current.record.data.process || c.plan_process;
      const p = c.process.find((x) => x.id === pid);
      return p ? p.steps.map((title, i) => [String(i + 1), (i + 1) + '. ' + title]) : null;
    }
    if (key === 'principal') return c.principal.map((p) => [p, p]);
    return null;
  }

  function scalarField(key, schema, path, value) {
    const id = fieldId(path.join('.'));
    const wrap = el('div', { class: 'field' });
    const options = referenceOptions(path) || (schema.enum ? schema.enum.map((v) => [String(v), String(v)]) : null);
    let input;
    if (schema.type === 'boolean') {
      input = el('input', { type: 'checkbox', id, 'data-field': path.join('.'), 'aria-describedby': describedBy(schema, id) });
      input.checked = value === true;
      input.addEventListener('change', () => { setAt(current.record.data, path, input.checked); changed(); if (path.join('.') === 'draft') $('publish').hidden = !input.checked; });
      wrap.classList.add('check');
      add(wrap, input, el('label', { for: id, text: label(schema, key) }), help(schema, id), message(id));
      return wrap;
    }
    if (options) {
      input = el('select', { id, 'data-field': path.join('.'), 'aria-describedby': describedBy(schema, id) });
      const current_value = value == null ? '' : String(value);
      input.append(el('option', { value: '', text: S.none }));
      for (const [v, t] of options) input.append(el('option', { value: v, text: t === v ? v : t + ' (' + v + ')' }));
      if (current_value && !options.some(([v]) => v === current_value)) input.append(el('option', { value: current_value, text: current_value }));
      input.value = current_value;
      const numeric = schema.type === 'integer';
      input.addEventListener('change', () => {
        const v = input.value;
        update(path, v === '' ? undefined : (numeric ? Number(v) : v), numeric ? null : '');
        if (path.join('.') === 'focus_area' || path.join('.') === 'process') render();
      });
    } else if (schema.format === 'date') {
      input = el('input', { type: 'date', id, 'data-field': path.join('.'), 'aria-describedby': describedBy(schema, id) });
      input.value = value && value.$date ? value.$date : '';
      input.addEventListener('input', () => update(path, input.value ? { $date: input.value } : undefined, null));
    } else if (schema.type === 'integer' || schema.type === 'number') {
      input = el('input', { type: 'number', step: schema.type === 'integer' ? '1' : 'any', id, 'data-field': path.join('.'), 'aria-describedby': describedBy(schema, id) });
      input.value = value == null ? '' : String(value);
      input.addEventListener('input', () => update(path, input.value === '' ? undefined : Number(input.value), null));
    } else {
      return textField(schema, path, isMarkdown(schema), false, key);
    }
    add(wrap, el('label', { for: id, text: label(schema, key) }), input, help(schema, id), message(id));
    return wrap;
  }

  function textField(schema, path, markdown, body, key) {
    const id = fieldId(path.join('.'));
    const wrap = el('div', { class: 'field' });
    const value = body ? current.record.body : getAt(current.record.data, path);
    const input = markdown ? el('textarea', { id, rows: body ? 10 : 4 }) : el('input', { type: 'text', id });
    input.setAttribute('data-field', path.join('.'));
    input.setAttribute('aria-describedby', describedBy(schema, id));
    input.value = value == null ? '' : String(value);
    input.addEventListener('input', () => {
      if (body) { current.record.body = input.value; changed(); } else update(path, input.value === '' && !existed(path) ? undefined : input.value, '');
    });
    add(wrap, el('label', { for: id, text: label(schema, key || path[path.length - 1]) }), input, help(schema, id));
    if (markdown) {
      const out = el('div', { class: 'md-preview', id: id + '-preview', hidden: true, 'aria-live': 'polite' });
      const toggle = el('button', { type: 'button', class: 'secondary', 'aria-controls': id + '-preview', 'aria-expanded': 'false', text: S.preview });
      toggle.addEventListener('click', async () => {
        const shown = toggle.getAttribute('aria-expanded') === 'true';
        if (!shown) {
          const { json } = await api('api/markdown', { text: input.value });
          // samplan's own renderer: raw HTML is dropped, links are filtered, as on the site.
          out.innerHTML = json.html || '';
        }
        out.hidden = shown;
        toggle.setAttribute('aria-expanded', String(!shown));
        toggle.textContent = shown ? S.preview : S.hide_preview;
      });
      wrap.append(el('p', {}, toggle), out);
    }
    wrap.append(message(id));
    return wrap;
  }

  // A value typed: set, or removed when emptied (a key the record had keeps an empty string, or
  // is removed by null when it was a date or a number).
  function update(path, value, emptied) {
    if (value === undefined) {
      if (existed(path)) setAt(current.record.data, path, emptied === '' ? '' : null);
      else {
        const parent = getAt(current.record.data, path.slice(0, -1));
        if (parent && typeof parent === 'object' && !Array.isArray(parent)) delete parent[path[path.length - 1]];
        else if (Array.isArray(parent)) parent[path[path.length - 1]] = emptied === '' ? '' : null;
      }
    } else {
      setAt(current.record.data, path, value);
    }
    changed();
  }

  function changed() {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  }

  function request(extra) {
    return Object.assign({ address: current.address, base: current.base, record: current.record }, extra || {});
  }

  async function check() {
    if (!current) return;
    const mine = ++seq;
    const { status: code, json } = await api('api/check', request());
    if (mine !== seq) return;
    if (code !== 200) {
      showDiagnostics([{ field: '', severity: 'error', rule: 'edit', message: json.message || '' }]);
      return;
    }
    if ($('commit-message').dataset.auto === 'yes' && json.summary) $('commit-message').value = json.summary;
    showDiagnostics(json.diagnostics || []);
  }

  // The rule's sentence from the theme's strings (themes/default/i18n), with the nearest valid
  // value when there is one; samplan's own message only for a rule the strings do not know.
  function text(d) {
    return d.message_sv || d.message;
  }

  // Each diagnostic at its field (or the nearest enclosing one), else in the summary at the top.
  function showDiagnostics(list) {
    lastDiagnostics = list;
    for (const m of document.querySelectorAll('.message')) { m.hidden = true; m.textContent = ''; m.className = 'message'; }
    for (const f of document.querySelectorAll('[aria-invalid]')) f.removeAttribute('aria-invalid');
    const summary = $('summary');
    summary.replaceChildren();
    let errors = 0, warnings = 0;
    for (const d of list) {
      if (d.severity === 'error') errors++; else warnings++;
      let path = d.field || '', target = null;
      while (path && !(target = document.querySelector('[data-field="' + CSS.escape(path) + '"]'))) path = path.split('.').slice(0, -1).join('.');
      const box = target ? document.getElementById(target.id + '-message') : null;
      if (box) {
        box.hidden = false;
        box.classList.add(d.severity);
        box.textContent = (box.textContent ? box.textContent + ' ' : '') + (d.severity === 'error' ? 'Fel: ' : 'Varning: ') + text(d);
        if (d.severity === 'error') target.setAttribute('aria-invalid', 'true');
      } else {
        summary.append(el('p', { class: 'message ' + d.severity, text: (d.severity === 'error' ? 'Fel: ' : 'Varning: ') + text(d) }));
      }
    }
    const parts = [];
    if (errors) parts.push(errors + ' ' + S.errors);
    if (warnings) parts.push(warnings + ' ' + S.warnings);
    $('save').disabled = false;
    $('save').dataset.errors = String(errors);
    status(parts.length ? parts.join(', ') + '.' : S.ok);
  }

  async function siteGeneration() {
    try { return (await (await fetch('/_samplan/status')).json()).generation; } catch (e) { return null; }
  }
  // The preview shows the page again once serve has rebuilt the site after the save.
  async function reloadPreviewAfterBuild(before, url) {
    for (let i = 0; i < 100; i++) {
      const now = await siteGeneration();
      if (now === null || before === null || now > before) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    setPreview(url);
  }

  async function save(event) {
    if (event) event.preventDefault();
    clearTimeout(timer);
    const generation = await siteGeneration();
    const name = $('author-name').value.trim(), email = $('author-email').value.trim();
    localStorage.setItem('samplan-author', JSON.stringify({ name, email }));
    status(S.saving);
    const { status: code, json } = await api('api/save', request({ author: { name, email }, message: $('commit-message').value }));
    if (code === 200) {
      current.base = json.base;
      current.original = clone(current.record);
      current.address = json.address || current.address;
      showDiagnostics(json.diagnostics || []);
      status(json.message || S.saved);
      await loadRecords();
      reloadPreviewAfterBuild(generation, json.preview || current.preview);
      $('commit-message').value = '';
      $('commit-message').dataset.auto = 'yes';
      return;
    }
    if (json.diagnostics) {
      showDiagnostics(json.diagnostics);
      const first = document.querySelector('[aria-invalid=true]');
      if (first) first.focus();
      return;
    }
    status(S.conflict + ': ' + (json.message || code));  // what was typed stays in the form
  }

  async function init() {
    S = await (await fetch('/_edit/sv.json')).json();
    try {
      const a = JSON.parse(localStorage.getItem('samplan-author') || '{}');
      $('author-name').value = a.name || '';
      $('author-email').value = a.email || '';
    } catch (e) { /* nothing remembered */ }
    $('new-group').addEventListener('change', fillPlans);
    $('new-kind').addEventListener('change', fillPlans);
    $('new-form').addEventListener('submit', create);
    $('record-form').addEventListener('submit', save);
    $('commit-message').addEventListener('input', () => { $('commit-message').dataset.auto = 'no'; });
    $('publish').addEventListener('click', () => {
      current.record.data.draft = null;
      save(null);
    });
    await loadRecords();
  }
  init();
})();
