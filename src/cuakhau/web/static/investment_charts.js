// Draws each [data-chart] as a bar chart once plotly.js (served by the app) is there.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.Plotly) return;
  var dark = document.documentElement.dataset.theme === "dark";
  var ink = dark ? "#e8ecef" : "#1b1f24";
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var chart = JSON.parse(box.dataset.chart);
    var bar = { type: "bar", orientation: "h", marker: { color: dark ? "#7fb3ea" : "#0b5394" },
                x: chart.values.slice().reverse(), y: chart.labels.slice().reverse() };
    // The page's language's separators on the axis too; labels get the room they need.
    var layout = { margin: { l: 10, r: 20, t: 10, b: 40 }, height: 80 + 28 * chart.labels.length,
                   paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
                   font: { color: ink }, separators: document.documentElement.dataset.separators,
                   xaxis: { title: { text: chart.axis }, tickformat: ",.0f" },
                   yaxis: { automargin: true } };
    Plotly.newPlot(box, [bar], layout, { displaylogo: false, responsive: true })
      .then(function () { box.dataset.rendered = "true"; });
  });
});
