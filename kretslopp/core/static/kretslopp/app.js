// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Filter forms submit themselves when a select changes.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("form[data-autosubmit] select")) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
  // Bar lengths come as data attributes: the CSP forbids inline style attributes.
  function drawBars() {
    document.querySelectorAll(".bar[data-width]").forEach(function (bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.width))) + "%";
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawBars);
  } else {
    drawBars();
  }
  // Buttons that ask before an irreversible move.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
