/* 12345 desk: while the operator types the call, the open tickets that look like it (重复件) appear beside
   the form: the same caller (one click: "this is a repeat call") or the same subject, near and with a
   similar text (one click: "link as duplicate"). Debounced: one request when the typing pauses for
   data-similar-delay ms, and none when nothing the query reads has changed; an older answer arriving after
   a newer one is dropped. Bound by data attributes (the pages' CSP forbids inline scripts). */
(function () {
  "use strict";

  var FIELDS = ["caller_phone", "subject", "area", "lat", "lon", "title", "content"];

  function init() {
    var panel = document.querySelector("[data-similar-url]");
    var form = document.getElementById("call-form");
    if (!panel || !form) return;
    var url = panel.getAttribute("data-similar-url");
    var delay = parseInt(panel.getAttribute("data-similar-delay") || "400", 10);
    var target = panel.querySelector("[data-similar-target]");
    var timer = null;
    var sent = 0;
    var last = null;

    function query() {
      var params = new URLSearchParams();
      FIELDS.forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && field.value && field.value.trim()) params.set(name, field.value.trim());
      });
      return params.toString();
    }

    function run() {
      var q = query();
      if (q === last) return;
      last = q;
      var mine = ++sent;
      panel.setAttribute("aria-busy", "true");
      fetch(url + "?" + q, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (mine !== sent) return;
          target.innerHTML = html;
          panel.removeAttribute("aria-busy");
          panel.setAttribute("data-similar-answered", String(mine));
        })
        .catch(function () { panel.removeAttribute("aria-busy"); });
    }

    function schedule(event) {
      var name = event.target && event.target.name;
      if (FIELDS.indexOf(name) < 0) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(run, delay);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("pick", schedule);
    // A form sent back with errors: its values are there already.
    if (query()) run();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
