// Import progress: post the confirmation in the background and follow the job's progress.
// Progressive enhancement: without this file the form posts normally and the result page
// appears when the import is done. A static file because the CSP forbids inline scripts.
(function () {
  "use strict";
  var POLL_MS = 700;

  // Numbers as the page's language writes them (Swedish: 12 345, with a space).
  function number(value) {
    var language = document.documentElement.lang || undefined;
    return Number(value).toLocaleString(language);
  }

  function figure(box, selector, text) {
    var cell = box.querySelector(selector);
    if (cell) {
      cell.textContent = text;
    }
  }

  function show(box, data) {
    var bar = box.querySelector("progress");
    var text = box.querySelector(".import-progress-text");
    if (data.percent !== undefined) {
      bar.value = data.percent;
      figure(box, ".progress-done",
        number(data.done) + (data.total ? " / " + number(data.total) : ""));
      figure(box, ".progress-rate",
        data.rows_per_second === null ? "–" : number(data.rows_per_second));
      figure(box, ".progress-errors", number(data.errors));
      if (text && data.state_label) {
        text.textContent = data.state_label;
      }
      return;
    }
    if (data.total) {
      var share = Math.min(100, Math.round((100 * data.done) / data.total));
      // Checking the rows is the first half of the work, writing them the second.
      bar.value = data.phase === "writing" ? 50 + share / 2 : share / 2;
    }
    if (text && data.total) {
      text.textContent = number(data.done) + " / " + number(data.total);
    }
  }

  function follow(box, url, stopWhenFinished) {
    var timer = window.setInterval(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          show(box, data);
          if (stopWhenFinished && data.finished) {
            window.clearInterval(timer);
            window.location.assign(data.url);
          }
        })
        .catch(function () { /* the next poll tries again */ });
    }, POLL_MS);
    return timer;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.import-confirm") || !window.fetch) {
      return;
    }
    event.preventDefault();
    var box = form.querySelector(".import-progress");
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    box.hidden = false;
    var timer = follow(box, form.getAttribute("data-progress-url"), false);
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        window.clearInterval(timer);
        window.location.assign(response.url);
      })
      .catch(function () {
        window.clearInterval(timer);
        form.submit();
      });
  });

  function start() {
    var box = document.querySelector(".import-progress[data-progress-url]");
    if (box) {
      follow(box, box.getAttribute("data-progress-url"), true);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
