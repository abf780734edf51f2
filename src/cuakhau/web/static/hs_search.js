// HS heading search on the booking form. Without this file the search button asks
// the server and each heading found is a button that fills the line; with it, the
// headings come as you type and choosing one fills the line without a reload.
(function () {
  "use strict";
  var DELAY_MS = 200, MIN_LENGTH = 2;
  var timers = new WeakMap();

  function line(element) { return element.closest("[data-cargo-line]"); }

  function field(cargoLine, name) {
    return cargoLine.querySelector("[name='cargo-" + cargoLine.dataset.cargoLine + "-" + name + "']");
  }

  function announce(box, count) {
    var status = box.querySelector("[data-hs-count]");
    status.textContent = count ? status.dataset.some.replace("{count}", count) : status.dataset.none;
  }

  function show(box, headings) {
    var list = box.querySelector(".hs-results");
    list.textContent = "";
    headings.forEach(function (heading) {
      var button = document.createElement("button");
      button.type = "button";
      button.dataset.hsCode = heading.code;
      button.dataset.description = heading.description;
      button.dataset.perishable = String(heading.perishable);
      var code = document.createElement("strong");
      code.textContent = heading.code;
      var keywords = document.createElement("span");
      keywords.className = "muted";
      keywords.textContent = heading.keywords.join(", ");
      button.append(code, " " + heading.description + " ", keywords);
      var item = document.createElement("li");
      item.append(button);
      list.append(item);
    });
    announce(box, headings.length);
  }

  // The latest search of each field: an answer to an older one, or one that comes
  // after a heading was chosen, is dropped.
  var latest = new WeakMap();

  function search(input) {
    var box = input.closest("[data-hs-line]");
    var query = input.value.trim();
    var asked = {};
    latest.set(input, asked);
    if (query.length < MIN_LENGTH) { box.querySelector(".hs-results").textContent = ""; return; }
    var url = input.dataset.hsSearch + "&q=" + encodeURIComponent(query);
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(); })
      .then(function (headings) { if (latest.get(input) === asked) show(box, headings); })
      .catch(function () { /* the search button still asks the server */ });
  }

  function choose(button) {
    var cargoLine = line(button);
    var input = cargoLine.querySelector("[data-hs-search]");
    clearTimeout(timers.get(input));
    latest.delete(input);
    field(cargoLine, "hs_code").value = button.dataset.hsCode;
    var description = field(cargoLine, "description");
    if (!description.value.trim()) description.value = button.dataset.description;
    if (button.dataset.perishable === "true") field(cargoLine, "perishable").checked = true;
    button.closest(".hs-results").textContent = "";
    field(cargoLine, "hs_code").focus();
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches("[data-hs-search]")) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { search(input); }, DELAY_MS));
  });
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches("[data-hs-search]")) return;
    var first = input.closest("[data-hs-line]").querySelector(".hs-results button");
    if (event.key === "Enter") {
      // Enter searches here; elsewhere in the form it books.
      event.preventDefault();
      search(input);
    } else if (event.key === "ArrowDown" && first) {
      event.preventDefault();
      first.focus();
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-hs-code]");
    if (!button || !line(button)) return;
    event.preventDefault();
    choose(button);
  });
})();
