// Applied before the page is drawn, so a remembered night mode never flashes white.
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  try {
    if (localStorage.getItem("cuakhau.theme") === "dark") root.dataset.theme = "dark";
    var size = localStorage.getItem("cuakhau.textSize");
    if (size) root.dataset.textSize = size;
  } catch (e) { /* storage blocked: defaults apply */ }
})();
