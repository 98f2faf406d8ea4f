/* govhall's few behaviours, bound by data attributes instead of inline scripts, so the pages' Content-
   Security-Policy allows scripts from this site only (govhall/core/middleware.py). Loaded by base.html. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print], [data-take-call], #subject-options [data-subject]");
    if (!target) return;
    if (target.hasAttribute("data-print")) {
      window.print();
    } else if (target.hasAttribute("data-take-call")) {
      // 12345 desk: take the incoming call into the form's caller number.
      var phone = document.querySelector("[data-test=caller-phone]");
      phone.value = target.getAttribute("data-take-call");
      htmx.trigger(phone, "change");
      phone.focus();
    } else {
      // 12345 desk: a subject picked from the search's list.
      var subject = document.querySelector("[data-test=subject]");
      subject.value = target.getAttribute("data-subject");
      document.getElementById("subject-options").innerHTML = "";
      htmx.trigger(subject, "pick");
    }
  });

  // 12345 desk: a knowledge entry ticked in the search's hits stays cited (a hidden input of the call form)
  // while the operator searches again; a new list of hits shows the ticks of what is cited.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.hasAttribute || !box.hasAttribute("data-cite-entry")) return;
    var list = document.getElementById("kb-cited");
    var item = list.querySelector('[data-cite="' + box.value + '"]');
    if (box.checked && !item) {
      item = document.createElement("li");
      item.dataset.cite = box.value;
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "cite";
      input.value = box.value;
      input.setAttribute("form", "call-form");
      item.appendChild(input);
      item.appendChild(document.createTextNode(box.dataset.title));
      list.appendChild(item);
    } else if (!box.checked && item) {
      item.remove();
    }
  });
  document.addEventListener("htmx:afterSwap", function () {
    document.querySelectorAll("#knowledge-hits [data-cite-entry]").forEach(function (box) {
      box.checked = !!document.querySelector('#kb-cited [data-cite="' + box.value + '"]');
    });
  });

  // A search box inside a form: Enter searches (htmx) instead of submitting the form.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.hasAttribute && event.target.hasAttribute("data-enter-searches")) {
      event.preventDefault();
    }
  });
})();
