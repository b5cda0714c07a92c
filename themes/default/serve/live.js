// Live reload and error overlay of `samplan serve`; never part of a published site.
// Asks the server for its build status, which it answers as soon as a build ends (a long poll):
// reloads the page when a new build of the site is served, and while the latest build failed
// shows its diagnostics in an overlay (built with textContent only: diagnostics are user text).
(function () {
  "use strict";
  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var statusUrl = data.status || "/_samplan/status";
  var text = {
    title: data.title || "The site could not be rebuilt",
    intro: data.intro || "Fix the errors below and save: the page reloads by itself.",
    hide: data.hide || "Hide"
  };
  var siteGeneration = null; // the build this page came from
  var overlay = null;
  var list = null;
  var dismissed = null; // the failed build whose overlay was hidden
  var delay = 400;
  var seen = null; // the generation (builds finished) of the last status heard
  var held = null; // the AbortController of a question the server holds

  function element(name, props) {
    var e = document.createElement(name);
    Object.keys(props || {}).forEach(function (k) { e.setAttribute(k, props[k]); });
    return e;
  }

  function build() {
    overlay = element("section", {
      "class": "samplan-live-errors",
      role: "alertdialog",
      "aria-modal": "false",
      "aria-labelledby": "samplan-live-title",
      "aria-describedby": "samplan-live-intro",
      tabindex: "-1"
    });
    overlay.style.cssText =
      "position:fixed;left:1rem;right:1rem;bottom:1rem;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "background:#fff;color:#1a1a1a;border:4px solid #a50e0e;border-radius:4px;padding:1rem 1.25rem;" +
      "box-shadow:0 4px 24px rgba(0,0,0,.35);font:1rem/1.5 system-ui,sans-serif";
    var title = element("h2", { id: "samplan-live-title" });
    title.style.cssText = "margin:0 0 .5rem;font-size:1.25rem;color:#a50e0e";
    title.textContent = text.title;
    var intro = element("p", { id: "samplan-live-intro" });
    intro.style.cssText = "margin:0 0 .5rem";
    intro.textContent = text.intro;
    list = element("ul");
    list.style.cssText = "margin:0 0 .75rem;padding-left:1.25rem;font-family:ui-monospace,monospace;font-size:.9rem;" +
      "white-space:pre-wrap;overflow-wrap:anywhere";
    var hide = element("button", { type: "button" });
    hide.textContent = text.hide;
    hide.addEventListener("click", function () {
      dismissed = overlay.getAttribute("data-generation");
      remove();
    });
    overlay.append(title, intro, list, hide);
  }

  function show(status) {
    if (String(status.generation) === dismissed) return;
    var fresh = !overlay;
    if (fresh) build();
    overlay.setAttribute("data-generation", String(status.generation));
    list.replaceChildren();
    (status.diagnostics || []).forEach(function (line) {
      var item = element("li");
      item.textContent = line;
      list.append(item);
    });
    if (fresh) {
      document.body.append(overlay);
      // The focus moves to the overlay only when this page has it: in a frame of another page
      // (the editor's preview) or in a tab in the background, the overlay never takes the focus
      // from where someone is typing.
      if (document.hasFocus()) overlay.focus();
    }
  }

  function remove() {
    if (overlay) overlay.remove();
    overlay = null;
  }

  function poll() {
    // After the first answer, a page that is shown names the last build heard of: the server
    // holds the question until a later build ends (or some seconds pass), so the page hears of it
    // at once. A held question keeps one of the browser's few connections to the server (six
    // over HTTP/1.1): a page in a tab behind others asks without holding, every 400 ms, and gives
    // up its held question when it is hidden, so that many open tabs never stall another page.
    var first = seen === null;
    var hold = !first && !document.hidden;
    var asked = Date.now();
    var url = hold ? statusUrl + (statusUrl.indexOf("?") < 0 ? "?" : "&") + "after=" + seen : statusUrl;
    held = hold && window.AbortController ? new AbortController() : null;
    fetch(url, held ? { cache: "no-store", signal: held.signal } : { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        held = null;
        delay = 400;
        // Asked again at once after a held question (or the first), else after a pause: also when
        // a server answers at once with nothing new (one that does not hold the question).
        var again = first || (hold && !(status.generation === seen && Date.now() - asked < 1000)) ? 0 : delay;
        seen = status.generation;
        if (siteGeneration === null) siteGeneration = status.site_generation;
        else if (status.site_generation !== siteGeneration) {
          window.location.reload();
          return;
        }
        if (status.ok) {
          dismissed = null;
          remove();
        } else {
          show(status);
        }
        window.setTimeout(poll, again);
      })
      .catch(function (error) {
        var gaveUp = held !== null && error && error.name === "AbortError";
        held = null;
        // Hidden meanwhile: asked again without holding. Else the server stopped or restarts:
        // tried again, less often.
        if (!gaveUp) delay = Math.min(delay * 2, 5000);
        window.setTimeout(poll, delay);
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden && held) held.abort();
  });
  poll();
})();
