// A driver's page (/d/…): a service worker keeps it and its live part, so that
// with the network gone it still opens, showing the last state it heard, and
// says that it is offline.
(function () {
  "use strict";
  var note = document.getElementById("offline-note");
  var part = document.querySelector("[data-live-src]");

  function showNetwork() {
    if (note) note.hidden = navigator.onLine;
  }

  function showLastKnown() {
    // Offline, the service worker answers with the live part it kept last.
    if (navigator.onLine || !part) return;
    fetch(part.dataset.liveSrc, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(); })
      .then(function (html) { part.innerHTML = html; part.dataset.lastKnown = "true"; })
      .catch(function () { /* nothing kept yet: the page as it was kept stays */ });
  }

  window.addEventListener("online", showNetwork);
  window.addEventListener("offline", showNetwork);
  showNetwork();
  showLastKnown();

  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/d/sw.js", { scope: "/d/" }).catch(function () {});
  navigator.serviceWorker.ready.then(function (registration) {
    // This page was fetched before the worker was there: it keeps it now.
    var keep = [location.pathname + location.search];
    if (part) keep.push(part.dataset.liveSrc);
    registration.active.postMessage({ keep: keep });
    document.documentElement.dataset.offlineReady = "true";
  });
})();
