// While a plate is typed, the vehicles it may be are listed; picking one fills the field.
(function () {
  var input = document.getElementById("plate"), box = document.getElementById("plate-matches");
  if (!input || !box || !window.fetch) return;
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch(box.dataset.src + encodeURIComponent(input.value.trim()), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(); })
        .then(function (html) { box.innerHTML = html; })
        .catch(function () { /* the search button still works */ });
    }, 300);
  });
  box.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick]");
    if (!button) return;
    event.preventDefault();
    input.value = button.value;
    box.innerHTML = "";
    input.focus();
  });
})();
