// The drivers' pages' service worker (served at /d/sw.js, scope /d/): network
// first, each answer kept; when the network fails, the answer kept last. The
// event stream and the API are never kept.
var CACHE = "cuakhau-driver-1";
var SHARED = ["/static/outdoor.css", "/static/cuakhau.js", "/static/driver.js"];

function kept(request) {
  var path = new URL(request.url).pathname;
  return request.method === "GET" &&
    new URL(request.url).origin === self.location.origin &&
    ((path.indexOf("/d/") === 0 && path !== "/d/sw.js") || SHARED.indexOf(path) >= 0);
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) { return cache.addAll(SHARED); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.filter(function (name) { return name !== CACHE; })
          .map(function (name) { return caches.delete(name); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || [];
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(urls); }));
});

self.addEventListener("fetch", function (event) {
  if (!kept(event.request)) return;
  event.respondWith(
    fetch(event.request)
      .then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(event.request, copy); });
        }
        return response;
      })
      .catch(function () {
        return caches.match(event.request).then(function (answer) {
          return answer || Response.error();
        });
      })
  );
});
