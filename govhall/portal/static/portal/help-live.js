// The shared draft of a remote help session, kept live: every second it asks what changed since the
// versions the page holds (fields, marks, state, the other side's presence) and applies it. The transport
// is a plain poll today; `apply(changes)` takes the same dictionary whoever delivers it (a WebSocket later).
(function () {
  "use strict";
  var root = document.getElementById("help-live");
  if (!root) return;
  var editing = "";
  var busy = false;

  function fieldForm(key) {
    return document.querySelector('form[data-field="' + key + '"]');
  }

  function setAll(selector, value) {
    document.querySelectorAll(selector).forEach(function (input) { input.value = value; });
  }

  function refreshMaterials() {
    fetch(root.dataset.materialsUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        var part = document.getElementById("help-materials");
        if (html && part) {
          part.outerHTML = html;
          if (window.htmx) window.htmx.process(document.getElementById("help-materials"));
        }
      });
  }

  function apply(changes) {
    if (changes.state !== root.dataset.state || changes.app_state !== "draft") {
      window.location.reload();  // taken, ended or submitted: the page is another one now
      return;
    }
    changes.fields.forEach(function (f) {
      var form = fieldForm(f.key);
      if (!form || form.querySelector("[data-test^=conflict]")) return;  // a conflict keeps both values
      var input = form.querySelector("[data-live=value]");
      var version = form.querySelector("[data-live=field-version]");
      var dirty = input.dataset.loaded !== undefined && input.value !== input.dataset.loaded;
      // A field being typed in keeps the typing and its old version: saving it then shows both values.
      if (document.activeElement === input && dirty) return;
      if (Number(version.value) >= f.version) return;
      input.value = f.value;
      input.dataset.loaded = f.value;
      version.value = f.version;
    });
    var presence = document.getElementById("presence");
    if (presence && presence.textContent !== changes.presence) presence.textContent = changes.presence;
    if (changes.marks_changed) refreshMaterials();
    root.dataset.draftVersion = changes.draft_version;
    root.dataset.sessionVersion = changes.session_version;
    setAll("[data-live=draft-version]", changes.draft_version);
    setAll("[data-live=session-version]", changes.session_version);
  }

  function poll() {
    if (busy) return;
    busy = true;
    var params = new URLSearchParams({
      draft: root.dataset.draftVersion,
      session: root.dataset.sessionVersion,
      editing: editing,
    });
    fetch(root.dataset.url + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (changes) { if (changes) apply(changes); })
      .catch(function () { /* the next tick tries again */ })
      .then(function () { busy = false; });
  }

  document.addEventListener("focusin", function (event) {
    var form = event.target.closest && event.target.closest("form[data-field]");
    editing = form ? form.dataset.field : "";
  });
  document.addEventListener("focusout", function () { editing = ""; });
  // Remember what each box held when it was filled, to tell the user's typing from a value pushed in.
  function remember() {
    document.querySelectorAll("[data-live=value]").forEach(function (input) {
      if (input.dataset.loaded === undefined) input.dataset.loaded = input.value;
    });
  }
  remember();
  document.body.addEventListener("htmx:afterSwap", remember);
  window.setInterval(poll, 1000);
  window.govhallHelpLive = { apply: apply };
})();
