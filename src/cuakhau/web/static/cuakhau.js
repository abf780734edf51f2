// Reading tools and live updates. The pages work without this file; it adds
// night mode, text size, print / PDF, read aloud, and refreshes live parts.
(function () {
  "use strict";
  var root = document.documentElement;
  var MIN_SIZE = -1, MAX_SIZE = 3;

  function store(key, value) {
    try {
      if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value);
    } catch (e) { /* storage blocked: the choice lasts for this page */ }
  }

  function setTheme(dark) {
    if (dark) root.dataset.theme = "dark"; else delete root.dataset.theme;
    store("cuakhau.theme", dark ? "dark" : null);
    var button = document.querySelector("[data-tool=night]");
    if (button) button.setAttribute("aria-pressed", String(dark));
  }

  function setSize(size) {
    size = Math.max(MIN_SIZE, Math.min(MAX_SIZE, size));
    if (size === 0) delete root.dataset.textSize; else root.dataset.textSize = String(size);
    store("cuakhau.textSize", size === 0 ? null : String(size));
  }

  // What reading aloud says: the main part's headings, paragraphs, lists and
  // messages, each once; a table says only its caption, not every cell.
  var READ = "h1, h2, h3, h4, p, li, dt, dd, caption, [role=status], [role=alert]";
  function mainText() {
    var main = document.getElementById("main") || document.body;
    var parts = [];
    main.querySelectorAll(READ).forEach(function (el) {
      if (!el.getClientRects().length || el.closest("[aria-hidden=true], nav, form")) return;
      if (el.closest("table") && el.tagName !== "CAPTION") return;
      if (el.parentElement.closest(READ)) return;
      var text = el.innerText.trim();
      if (text) parts.push(text);
    });
    return parts.join("\n");
  }

  function say(message) {
    var status = document.getElementById("tool-message");
    if (!status) return;
    status.textContent = message;
    status.hidden = !message;
  }

  // Voices load after the page: asked too early, the list is empty on some browsers.
  function withVoices(synth, then) {
    var voices = synth.getVoices();
    if (voices.length) { then(voices); return; }
    var done = false;
    function finish() { if (!done) { done = true; then(synth.getVoices()); } }
    if (synth.addEventListener) synth.addEventListener("voiceschanged", finish, { once: true });
    setTimeout(finish, 700);
  }

  function readAloud(button) {
    var synth = window.speechSynthesis;
    if (synth && synth.speaking) {
      synth.cancel(); button.setAttribute("aria-pressed", "false"); say(""); return;
    }
    if (!synth || !window.SpeechSynthesisUtterance) { say(button.dataset.noVoice); return; }
    withVoices(synth, function (voices) {
      var voice = voices.filter(function (v) {
        return v.lang.replace("_", "-").indexOf(root.lang) === 0;
      })[0];
      if (!voice) { button.setAttribute("aria-pressed", "false"); say(button.dataset.noVoice); return; }
      var utterance = new SpeechSynthesisUtterance(mainText());
      utterance.lang = root.lang === "vi" ? "vi-VN" : "en-GB";
      utterance.voice = voice;
      utterance.onend = utterance.onerror = function () { button.setAttribute("aria-pressed", "false"); };
      button.setAttribute("aria-pressed", "true");
      say("");
      synth.speak(utterance);
    });
  }

  var actions = {
    night: function () { setTheme(root.dataset.theme !== "dark"); },
    smaller: function () { setSize(Number(root.dataset.textSize || 0) - 1); },
    normal: function () { setSize(0); },
    larger: function () { setSize(Number(root.dataset.textSize || 0) + 1); },
    print: function () { window.print(); },
    read: readAloud,
    // On a phone the site's links and the reading tools fold behind one button.
    menu: function (button) {
      var open = root.classList.toggle("menu-open");
      button.setAttribute("aria-expanded", String(open));
    }
  };

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-tool]");
    if (button && actions[button.dataset.tool]) actions[button.dataset.tool](button);
  });
  // A form part that changes what else the form shows (the booking form's gate,
  // direction and day) asks the server again, keeping everything typed.
  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-refresh-windows]")) return;
    var button = event.target.form.querySelector("button[value=windows]");
    if (button) button.click();
  });
  // A table wider than its box scrolls inside it (cuakhau.css, a phone's width):
  // the keyboard must reach the box to scroll it, and a screen reader name it
  // (by the table's caption or the heading of its section).
  function reachScrollingTables(scope) {
    scope.querySelectorAll(".table-wrap:not([tabindex])").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth) return;
      box.tabIndex = 0;
      var section = box.closest("section");
      var title = box.querySelector("caption") || (section && section.querySelector("h2, h3"));
      if (!title) return;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", title.textContent.trim());
    });
  }
  // A table marked "cards" shows one card per row on a phone (cuakhau.css); each
  // cell carries its column's heading to show beside its value.
  function labelCards(scope) {
    scope.querySelectorAll("table.cards").forEach(function (table) {
      var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, column) {
          if (cell.colSpan === 1 && headings[column]) cell.dataset.label = headings[column];
        });
      });
    });
  }
  labelCards(document);
  reachScrollingTables(document);
  document.addEventListener("refreshed", function (event) {
    labelCards(event.target);
    reachScrollingTables(event.target);
  }, true);
  window.addEventListener("resize", function () { reachScrollingTables(document); });
  var night = document.querySelector("[data-tool=night]");
  if (night) night.setAttribute("aria-pressed", String(root.dataset.theme === "dark"));

  // Live parts: <div data-live-src="/fragment" data-live-stream="/api/v1/public/stream?…">
  // is fetched again (at most every half second) each time the stream says its queue changed.
  document.querySelectorAll("[data-live-src]").forEach(function (part) {
    var status = document.getElementById(part.dataset.liveStatus || "");
    var pending = null;
    function refresh() {
      pending = null;
      fetch(part.dataset.liveSrc, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(); })
        .then(function (html) { part.innerHTML = html; part.dispatchEvent(new Event("refreshed")); })
        .catch(function () { /* the next change or reconnect tries again */ });
    }
    var stream = new EventSource(part.dataset.liveStream);
    stream.addEventListener("queue_changed", function () {
      if (!pending) pending = setTimeout(refresh, 500);
    });
    stream.onopen = function () {
      if (status) status.textContent = status.dataset.live;
      part.dataset.liveConnected = "true";
    };
    stream.onerror = function () { if (status) status.textContent = status.dataset.offline; };
  });
})();
