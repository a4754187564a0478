// Draws every chart on the page from its Vega-Lite spec, which travels in a
// <script type="application/json"> block (the CSP allows no inline script).
// The Vega bundle itself is served from our own origin; see kretslopp/energy/vega.py.
// Numbers follow the page's language (the "chart-locale" block, the same d3 locale the
// server renders its SVG with); the figure around each chart carries its name, summary and
// table, which Vega cannot overwrite when it draws.
(function () {
  "use strict";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var NARROW = 560; // px: below this a legend lists its entries under each other

  function readJson(id) {
    var block = document.getElementById(id);
    return block ? JSON.parse(block.textContent) : null;
  }

  // The drawn chart as a downloadable SVG file with <title> and <desc>, so it keeps its
  // Swedish name and summary outside the page.
  function offerSvg(element, view) {
    var link = document.querySelector('[data-svg-for="' + element.id + '"]');
    if (!link || !view || typeof view.toSVG !== "function") {
      return;
    }
    view.toSVG().then(function (markup) {
      var doc = new DOMParser().parseFromString(markup, "image/svg+xml");
      var root = doc.documentElement;
      var name = document.getElementById(element.id + "-name");
      var summary = document.getElementById(element.id + "-summary");
      var title = doc.createElementNS(SVG_NS, "title");
      var desc = doc.createElementNS(SVG_NS, "desc");
      title.textContent = name ? name.textContent : "";
      desc.textContent = summary ? summary.textContent : "";
      root.insertBefore(desc, root.firstChild);
      root.insertBefore(title, root.firstChild);
      root.setAttribute("role", "img");
      var blob = new Blob([new XMLSerializer().serializeToString(doc)], {
        type: "image/svg+xml"
      });
      link.href = URL.createObjectURL(blob);
      link.hidden = false;
    });
  }

  function draw() {
    if (typeof window.vegaEmbed !== "function") {
      return;
    }
    var locale = readJson("chart-locale") || {};
    document.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      var spec = readJson(element.getAttribute("data-vega-spec"));
      if (!spec) {
        return;
      }
      // The spec has a fixed width for server-side SVG; on screen it fills its container.
      if (element.clientWidth > 0 && !spec.hconcat && !spec.vconcat) {
        spec.width = "container";
      }
      // The figure's caption shows the name on screen, where it can wrap on a narrow one;
      // the server's SVG keeps the title drawn in.
      delete spec.title;
      if (element.clientWidth < NARROW && spec.config && spec.config.legend) {
        spec.config.legend.columns = 1;
      }
      // ast + the bundled interpreter: expressions are interpreted, never eval'd (CSP).
      window.vegaEmbed(element, spec, {
        mode: "vega-lite",
        renderer: "svg",
        actions: false,
        ast: true,
        defaultStyle: false,
        formatLocale: locale.format,
        timeFormatLocale: locale.time,
        tooltip: { disableDefaultStyle: true }
      }).then(function (result) {
        element.setAttribute("data-rendered", "true");
        offerSvg(element, result.view);
      }).catch(function (error) {
        element.setAttribute("data-render-error", String(error));
      });
    });
  }

  // Content shown on hover must be dismissible without moving the pointer (WCAG 1.4.13).
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var tooltip = document.getElementById("vg-tooltip-element");
      if (tooltip) {
        tooltip.classList.remove("visible");
      }
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
