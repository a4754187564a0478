// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Bar lengths come as data attributes: the CSP forbids inline style attributes.
  function drawBars() {
    document.querySelectorAll(".bar[data-width]").forEach(function (bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.width))) + "%";
    });
  }

  function focusOn(element) {
    if (!element.hasAttribute("tabindex") && !element.matches("input, select, textarea, a, button")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  // Where the keyboard should be after a page loads as the answer to something the user
  // did: the first field a failed submit refused (its error is tied to it), a form-wide
  // error, the message that says what happened, or the results of a search. A page that
  // puts focus in a field itself (autofocus: the login, a scan field) keeps it there.
  function placeFocus() {
    if (document.querySelector("[autofocus]")) {
      return;
    }
    var invalid = document.querySelector("main [aria-invalid=true]");
    var formError = document.querySelector("main form .errors, main form .errorlist.nonfield");
    var message = document.querySelector("main .messages");
    var results = document.getElementById("results");
    if (invalid) {
      focusOn(invalid);
    } else if (formError) {
      focusOn(formError);
    } else if (message) {
      focusOn(message);
    } else if (results && window.location.search) {
      focusOn(results);
    }
  }

  function ready() {
    drawBars();
    placeFocus();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  // Buttons that ask before an irreversible move.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
