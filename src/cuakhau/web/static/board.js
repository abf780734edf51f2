// The board's charts: each [data-figure] element holds a plotly figure made by
// the server; this draws it, again when a live part is refreshed, and again in
// the colours of night mode. Without this file the tables beside them remain.
(function () {
  "use strict";
  if (!window.Plotly) return;

  function draw(element) {
    var figure = JSON.parse(element.dataset.figure);
    var style = getComputedStyle(document.body);
    var line = getComputedStyle(document.documentElement).getPropertyValue("--line").trim();
    var layout = Object.assign({}, figure.layout, {
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { color: style.color, family: style.fontFamily },
      // The page's language's decimal and group signs, as in its tables.
      separators: document.documentElement.dataset.separators
    });
    ["xaxis", "yaxis"].forEach(function (axis) {
      layout[axis] = Object.assign({ gridcolor: line, zerolinecolor: line }, layout[axis]);
    });
    window.Plotly.react(element, figure.data, layout, { displaylogo: false, responsive: true });
  }

  function drawAll(root) { root.querySelectorAll("[data-figure]").forEach(draw); }

  drawAll(document);
  // A live part replaced its content: draw its new chart. ("refreshed" does not
  // bubble, so it is caught on the way down.)
  document.addEventListener("refreshed", function (event) { drawAll(event.target); }, true);
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-tool=night]")) setTimeout(function () { drawAll(document); });
  });
})();
