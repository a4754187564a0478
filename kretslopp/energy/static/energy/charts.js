// Draws every chart on the page from its Vega-Lite spec, which travels in a
// <script type="application/json"> block (the CSP allows no inline script).
// The Vega bundle itself is served from our own origin; see kretslopp/energy/vega.py.
(function () {
  "use strict";
  function draw() {
    if (typeof window.vegaEmbed !== "function") {
      return;
    }
    document.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      var block = document.getElementById(element.getAttribute("data-vega-spec"));
      if (!block) {
        return;
      }
      var spec = JSON.parse(block.textContent);
      // The spec has a fixed width for server-side SVG; on screen it fills its container.
      if (element.clientWidth > 0 && !spec.hconcat && !spec.vconcat) {
        spec.width = "container";
      }
      // ast + the bundled interpreter: expressions are interpreted, never eval'd (CSP).
      window.vegaEmbed(element, spec, {
        mode: "vega-lite",
        renderer: "svg",
        actions: false,
        ast: true,
        defaultStyle: false,
        tooltip: { disableDefaultStyle: true }
      }).then(function () {
        element.setAttribute("data-rendered", "true");
      }).catch(function (error) {
        element.setAttribute("data-render-error", String(error));
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
