// The shared draft of a remote help session, kept live: what changed since the versions the page holds
// (fields, marks, state, the other side's presence) arrives pushed through server-sent events
// (help/<id>/events/), or, when EventSource is missing or the stream keeps failing (a proxy that buffers
// or blocks it), through a poll every second (help/<id>/live/). `apply(changes)` takes the same
// dictionary whoever delivers it. The stream also carries the text chat's new lines (shown here) and the
// call's signalling messages (handed to help-call.js as a "govhall:signal" event).
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

  // --- the chat and the call's signals -------------------------------------------------------------

  var chatLog = document.getElementById("chat-log");
  var chatForm = document.getElementById("chat-form");

  function addMessages(lines) {
    if (!chatLog || !lines) return;
    lines.forEach(function (m) {
      if (m.id > Number(root.dataset.message)) root.dataset.message = m.id;
      if (chatLog.querySelector('li[data-id="' + m.id + '"]')) return;
      var empty = chatLog.querySelector("[data-empty]");
      if (empty) empty.remove();
      var li = document.createElement("li");
      li.dataset.id = m.id;
      li.dataset.side = m.side;
      li.className = "help-chat__line help-chat__line--" + m.side;
      var who = document.createElement("strong");
      who.textContent = m.author;
      var text = document.createElement("span");
      text.dataset.test = "chat-text";
      text.textContent = m.text;
      li.appendChild(who);
      li.appendChild(document.createTextNode(root.dataset.separator || "："));
      li.appendChild(text);
      chatLog.appendChild(li);
    });
    chatLog.scrollTop = chatLog.scrollHeight;
  }

  function handOnSignals(list) {
    if (!list || !list.length) return;
    list.forEach(function (s) {
      if (s.id > Number(root.dataset.signal)) root.dataset.signal = s.id;
    });
    document.dispatchEvent(new CustomEvent("govhall:signal", { detail: list }));
  }

  function csrf() {
    var input = document.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  if (chatForm) {
    chatForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = document.getElementById("chat-text");
      var error = document.getElementById("chat-error");
      fetch(chatForm.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf(), "X-Requested-With": "fetch" },
        body: new FormData(chatForm),
      })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (answer) {
          if (answer.ok) {
            box.value = "";
            box.removeAttribute("aria-invalid");
            if (error) error.hidden = true;
            addMessages([answer.body]);
          } else if (error) {
            var errors = answer.body.errors || {};
            error.textContent = [].concat(errors.text || [], errors[""] || []).join(" ");
            error.hidden = false;
            box.setAttribute("aria-invalid", "true");
            box.setAttribute("aria-describedby", "chat-error");
          }
        })
        .catch(function () { chatForm.submit(); });  // the plain form then
    });
  }

  // --- transports ----------------------------------------------------------------------------------

  function poll() {
    if (busy) return;
    busy = true;
    var params = new URLSearchParams({
      draft: root.dataset.draftVersion,
      session: root.dataset.sessionVersion,
      message: root.dataset.message,
      signal: root.dataset.signal,
      editing: editing,
    });
    fetch(root.dataset.url + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (changes) {
        if (!changes || leaving) return;
        addMessages(changes.messages);
        handOnSignals(changes.signals);
        apply(changes);
      })
      .catch(function () { /* the next tick tries again */ })
      .then(function () { busy = false; });
  }

  var polling = null;
  function startPolling() {
    if (polling) return;
    root.dataset.transport = "poll";
    polling = window.setInterval(poll, 1000);
  }

  // Once the page is being left (a form posted, a link followed), a pushed change must not reload it:
  // that would cancel the navigation under way (the submission's receipt, say).
  var leaving = false;
  window.addEventListener("beforeunload", function () {
    leaving = true;
    if (stream) stream.close();
    if (polling) window.clearInterval(polling);
  });

  var stream = null;
  function listen() {
    var params = new URLSearchParams({
      draft: root.dataset.draftVersion,
      session: root.dataset.sessionVersion,
      message: root.dataset.message,
      signal: root.dataset.signal,
    });
    var failures = 0;
    stream = new EventSource(root.dataset.eventsUrl + "?" + params.toString());
    root.dataset.transport = "events";
    stream.onopen = function () { failures = 0; };
    stream.onmessage = function (event) { if (!leaving) apply(JSON.parse(event.data)); };
    stream.addEventListener("chat", function (event) { addMessages(JSON.parse(event.data)); });
    stream.addEventListener("signal", function (event) { handOnSignals(JSON.parse(event.data)); });
    stream.addEventListener("end", function () { stream.close(); });
    stream.onerror = function () {
      // EventSource reconnects by itself (a stream ends after a few minutes on purpose); three failures
      // in a row without an open between them: something in the way, poll instead.
      failures += 1;
      if (failures >= 3 || stream.readyState === EventSource.CLOSED) {
        stream.close();
        stream = null;
        startPolling();
      }
    };
  }

  // Presence over the stream: a small POST when the field changes, and every 3 s while in it (the
  // server forgets it after 5 s). The poll carries it itself (`editing=`).
  var sentEditing = "";
  function sendPresence(force) {
    if (polling || !root.dataset.presenceUrl) return;
    if (!force && editing === sentEditing) return;
    sentEditing = editing;
    var body = new FormData();
    body.append("editing", editing);
    fetch(root.dataset.presenceUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf() },
      body: body,
    }).catch(function () { /* presence is a nicety */ });
  }

  document.addEventListener("focusin", function (event) {
    var form = event.target.closest && event.target.closest("form[data-field]");
    editing = form ? form.dataset.field : "";
    sendPresence(false);
  });
  document.addEventListener("focusout", function () {
    editing = "";
    window.setTimeout(function () { sendPresence(false); }, 50);  // unless focus moved to another field
  });
  window.setInterval(function () { if (editing) sendPresence(true); }, 3000);
  // Remember what each box held when it was filled, to tell the user's typing from a value pushed in.
  function remember() {
    document.querySelectorAll("[data-live=value]").forEach(function (input) {
      if (input.dataset.loaded === undefined) input.dataset.loaded = input.value;
    });
  }
  remember();
  document.body.addEventListener("htmx:afterSwap", remember);
  if (window.EventSource && root.dataset.eventsUrl) listen();
  else startPolling();
  window.govhallHelpLive = { apply: apply, poll: startPolling };
})();
