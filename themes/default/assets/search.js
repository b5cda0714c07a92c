// The search page: asks Pagefind's index through its JavaScript API (pagefind.js) and shows the
// results, filters and counts. Titles, excerpts, filter names and values come from the records
// (anyone's text): every element is made with createElement and every text set with
// textContent; nothing from the index is ever parsed as HTML. Reads ?q= (the header's search
// form sends it) and keeps it current. The page's Content-Security-Policy forbids inline script.
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root) return;
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var filterBox = document.getElementById("search-filters");
  var resultBox = document.getElementById("search-results");
  var attr = function (name) { return root.getAttribute("data-" + name) || ""; };

  var pagefind = null;
  var filterKeys = []; // in the order shown
  var totals = null; // Pagefind's filters(): filter key -> value -> pages
  // Keyed by filter names and values, which are anyone's text: Maps, never plain objects.
  var selected = new Map(); // filter key -> array of chosen values
  var countNodes = new Map(); // filter key -> Map(value -> the text node of its count)
  var searchId = 0;

  function make(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // "{count} träffar" with the number put in as text.
  function fill(template, count) {
    return template.split("{count}").join(String(count));
  }

  // Pagefind's excerpts are its text with "<" and ">" written as "&lt;" and "&gt;" and each
  // matching word wrapped in "<mark>" … "</mark>". Split on those two literal markers only:
  // the rest goes into text nodes, so a tag in the text stays text.
  function excerptNodes(excerpt) {
    var out = [];
    var decode = function (s) { return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">"); };
    String(excerpt || "").split("<mark>").forEach(function (part, i) {
      var end = i === 0 ? -1 : part.indexOf("</mark>");
      if (end >= 0) {
        out.push(make("mark", "", decode(part.slice(0, end))));
        part = part.slice(end + "</mark>".length);
      }
      if (part) textWithDates(decode(part), out);
    });
    return out;
  }

  // Text as nodes, each date (2026-02-16) in a span that style.css keeps on one line.
  function textWithDates(text, out) {
    var re = /\d{4}-\d{2}-\d{2}/g, at = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > at) out.push(document.createTextNode(text.slice(at, m.index)));
      out.push(make("span", "date", m[0]));
      at = m.index + m[0].length;
    }
    if (at < text.length) out.push(document.createTextNode(text.slice(at)));
  }

  // Only a link on this site: Pagefind's URLs are paths of indexed pages.
  function safeHref(url) {
    try {
      var u = new URL(url, window.location.href);
      return u.origin === window.location.origin && (u.protocol === "http:" || u.protocol === "https:") ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function label(key) {
    return root.getAttribute("data-label-" + key) || key.replace(/_/g, " ");
  }

  function own(object, key) {
    return object && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
  }

  // The filters' headings are shown at once, in the theme's order, so that nothing moves when
  // their values arrive (after the first results: see the end of this file).
  function showFilterHeadings() {
    filterKeys = attr("filters").split(" ").filter(Boolean);
    filterBox.replaceChildren();
    if (filterKeys.length) filterBox.append(make("h2", "search-filters-heading", attr("text-filters")));
    filterKeys.forEach(function (key) { filterBox.append(filterDetails(key)); });
  }

  function filterDetails(key) {
    var details = make("details", "search-filter");
    details.setAttribute("data-key", key);
    var fieldset = make("fieldset");
    var list = make("ul");
    list.append(make("li", "search-filter-loading", attr("text-filters-loading")));
    fieldset.append(make("legend", "visually-hidden", label(key)), list);
    details.append(make("summary", "", label(key)), fieldset);
    return details;
  }

  // Puts each filter's values (Pagefind's filters(): key -> value -> pages) under its heading; a
  // filter without values goes, one the theme does not name comes last.
  function buildFilters(all) {
    totals = all || {};
    var keys = Object.keys(totals).sort();
    filterKeys = filterKeys.concat(keys.filter(function (k) { return filterKeys.indexOf(k) < 0; }));
    filterKeys.forEach(function (key, k) {
      var details = Array.prototype.find.call(filterBox.querySelectorAll("details"), function (d) { return d.getAttribute("data-key") === key; });
      if (!details) filterBox.append(details = filterDetails(key));
      var values = Object.keys(own(totals, key) || {}).sort(function (a, b) { return a.localeCompare(b, document.documentElement.lang); });
      if (!values.length) {
        details.remove();
        return;
      }
      selected.set(key, []);
      countNodes.set(key, new Map());
      var list = details.querySelector("ul");
      list.replaceChildren();
      values.forEach(function (value, v) {
        var item = make("li");
        var box = make("input");
        box.type = "checkbox";
        box.id = "search-filter-" + k + "-" + v;
        box.value = value;
        box.addEventListener("change", function () {
          var chosen = selected.get(key);
          var at = chosen.indexOf(value);
          if (box.checked && at < 0) chosen.push(value);
          if (!box.checked && at >= 0) chosen.splice(at, 1);
          run(false);
        });
        var text = make("label", "", value + " ");
        text.htmlFor = box.id;
        var count = document.createTextNode("(" + own(own(totals, key), value) + ")");
        countNodes.get(key).set(value, count);
        var countSpan = make("span", "search-count");
        countSpan.append(count);
        text.append(countSpan);
        item.append(box, text);
        list.append(item);
      });
    });
    if (!filterBox.querySelector("details")) filterBox.replaceChildren();
  }

  function chosenFilters() {
    var filters = Object.create(null);
    var any = false;
    selected.forEach(function (values, key) {
      if (values.length) {
        filters[key] = { any: values.slice() };
        any = true;
      }
    });
    return any ? filters : null;
  }

  // Each value's number of pages: in the latest search, or in the whole index (`counts` null).
  function updateCounts(counts) {
    countNodes.forEach(function (nodes, key) {
      nodes.forEach(function (node, value) {
        node.textContent = "(" + (own(own(counts || totals, key), value) || 0) + ")";
      });
    });
  }

  function showResult(list, data) {
    var item = make("li", "search-result");
    var heading = make("h2");
    var href = safeHref(data.url);
    var title = (data.meta && data.meta.title) || data.url || "";
    if (href) {
      var link = make("a", "", title);
      link.href = href;
      heading.append(link);
    } else {
      heading.textContent = title;
    }
    var excerpt = make("p", "search-excerpt");
    excerpt.append.apply(excerpt, excerptNodes(data.excerpt));
    item.append(heading, excerpt);
    // The sections of the page that match, when there are some besides its top.
    var subs = (data.sub_results || []).filter(function (s) { return s.url !== data.url && safeHref(s.url); }).slice(0, 3);
    if (subs.length) {
      var sections = make("ul", "search-sections");
      subs.forEach(function (s) {
        var li = make("li");
        var a = make("a", "", s.title || "");
        a.href = safeHref(s.url);
        var p = make("p", "search-excerpt");
        p.append.apply(p, excerptNodes(s.excerpt));
        li.append(a, p);
        sections.append(li);
      });
      item.append(sections);
    }
    list.append(item);
  }

  function keepQueryInUrl(query) {
    var url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    if (url.href !== window.location.href) window.history.replaceState(null, "", url.href);
  }

  var shownAtOnce = 20;
  var found = null; // the latest search's result
  var shown = 0;
  var list = null;
  var more = null;

  // Shows the next results of the latest search; focuses the first of them when `focus`.
  function showMore(id, focus) {
    var batch = found.results.slice(shown, shown + shownAtOnce);
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (pages) {
      if (id !== searchId) return;
      var first = list.children.length;
      pages.forEach(function (data) { showResult(list, data); });
      shown += pages.length;
      more.hidden = shown >= found.results.length;
      var link = list.children[first] && list.children[first].querySelector("a");
      if (focus && link) link.focus();
    });
  }

  // Runs the search for the field's text and the chosen filters; `debounce` waits for typing to
  // pause. An older search that ends after a newer one started is dropped.
  function run(debounce) {
    if (!pagefind) return;
    var id = ++searchId;
    var query = input.value.trim();
    var filters = chosenFilters();
    keepQueryInUrl(query);
    if (!query && !filters) {
      status.textContent = "";
      resultBox.replaceChildren();
      updateCounts(null);
      return;
    }
    var options = filters ? { filters: filters } : {};
    var countsComplete = totals !== null; // a search counts only what filters Pagefind has loaded
    var search = debounce ? pagefind.debouncedSearch(query || null, options, 300) : pagefind.search(query || null, options);
    return search
      .then(function (result) {
        if (!result || id !== searchId) return null;
        found = result;
        shown = 0;
        list = make("ol", "search-results");
        more = make("button", "search-more", attr("text-more"));
        more.type = "button";
        more.hidden = true;
        more.addEventListener("click", function () { showMore(searchId, true); });
        return showMore(id, false).then(function () {
          if (id !== searchId) return;
          var total = found.results.length;
          updateCounts(found.filters);
          if (!countsComplete && totals !== null) refreshCounts();
          status.textContent = total === 0 ? attr("text-none") : fill(attr(total === 1 ? "text-one" : "text-many"), total);
          if (total === 0) resultBox.replaceChildren();
          else resultBox.replaceChildren(list, more);
        });
      })
      .catch(function () {
        if (id === searchId) status.textContent = attr("text-unavailable");
      });
  }

  // Counts the latest search again once every filter's values are loaded (its results stay).
  function refreshCounts() {
    var id = searchId;
    var query = input.value.trim();
    var filters = chosenFilters();
    if (!found || (!query && !filters)) return;
    pagefind.search(query || null, filters ? { filters: filters } : {}).then(function (result) {
      if (result && id === searchId) updateCounts(result.filters);
    }).catch(function () {});
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run(false);
  });
  input.addEventListener("input", function () { run(true); });

  var query = new URLSearchParams(window.location.search).get("q");
  if (query) input.value = query;

  var bundle = new URL(attr("bundle-path") || "pagefind/", window.location.href).href;
  // The index comes in parts (docs/publishing.md): pagefind/ and those listed in its parts.json,
  // merged here into one search. Only folders under pagefind/parts/ are taken from the list.
  function mergeParts(module) {
    return fetch(bundle + "parts.json")
      .then(function (response) { return response.ok ? response.json() : []; })
      .catch(function () { return []; })
      .then(function (parts) {
        var wanted = (Array.isArray(parts) ? parts : []).filter(function (p) {
          return typeof p === "string" && /^parts\/[A-Za-z0-9_-]+\/$/.test(p);
        });
        return wanted.map(function (p) { return module.mergeIndex(bundle + p); });
      });
  }

  // The first results come before the filters' values: those are fetched after them, so that a
  // part's filter files do not queue before the search's own files. A search asked while the
  // parts are still being merged waits in Pagefind for each part it reads.
  showFilterHeadings();
  import(bundle + "pagefind.js")
    .then(function (module) {
      return module.init().then(function () { return mergeParts(module); }).then(function (merging) {
        pagefind = module;
        var first = input.value.trim() ? run(false) : undefined;
        return Promise.all(merging).then(function () { return first; });
      }).then(function () { return module.filters(); }).then(function (all) {
        buildFilters(all);
        refreshCounts();
      });
    })
    .catch(function () {
      pagefind = null;
      searchId++;
      status.textContent = attr("text-unavailable");
    });
})();
