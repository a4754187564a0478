// Import progress: post the confirmation in the background and follow the job's progress.
// Progressive enhancement: without this file the form posts normally and the result page
// appears when the import is done. A static file because the CSP forbids inline scripts.
(function () {
  "use strict";
  var POLL_MS = 700;

  function show(box, data) {
    var bar = box.querySelector("progress");
    var text = box.querySelector(".import-progress-text");
    if (data.total) {
      var share = Math.min(100, Math.round((100 * data.done) / data.total));
      // Checking the rows is the first half of the work, writing them the second.
      bar.value = data.phase === "writing" ? 50 + share / 2 : share / 2;
    }
    if (text && data.total) {
      text.textContent = data.done + " / " + data.total;
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
