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

  // A search box inside a form: Enter searches (htmx) instead of submitting the form.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.hasAttribute && event.target.hasAttribute("data-enter-searches")) {
      event.preventDefault();
    }
  });
})();
