// The signed-in session on this browser: the idle warning, and what log-out clears.
//
// <body> says (tanloi_portal/idle.py): data-idle-left, the seconds the server keeps the session without a request;
// data-idle-warning, how long before the end to warn; data-keepalive-url, the ping that keeps it. Several tabs
// share one session: the latest deadline any of them learnt is kept in localStorage, so an idle tab neither
// warns nor ends while another is in use. Typing counts as activity: it pings now and then by itself.
//
// Log-out removes everything the portal keeps in this browser (the drafts of static/js/offline-form.js, under
// "tanloi:"; "draft:" is their name before drafts were tied to a user). The server's log-out response also
// sends Clear-Site-Data; this covers a browser or a plain-HTTP address where that header is ignored.
(function () {
  var PREFIX = "tanloi:";
  var DEADLINE_KEY = PREFIX + "idle-deadline";
  var body = document.body;

  function storageKeys() {
    var keys = [];
    try {
      for (var i = 0; i < localStorage.length; i++) { keys.push(localStorage.key(i)); }
    } catch (e) { /* storage disabled */ }
    return keys;
  }
  function portalKey(key) { return key.indexOf(PREFIX) === 0 || key.indexOf("draft:") === 0; }
  function clearPortalStorage() {
    storageKeys().filter(portalKey).forEach(function (key) {
      try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
    });
  }

  document.querySelectorAll("form[data-logout-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var mine = PREFIX + "draft:" + body.dataset.userId + ":";
      var unsent = storageKeys().some(function (key) { return key.indexOf(mine) === 0; });
      if (unsent && !window.confirm(form.dataset.msgUnsent)) {
        event.preventDefault();
        return;
      }
      clearPortalStorage();
    });
  });

  if (!body.dataset.keepaliveUrl) { return; }
  var left = parseInt(body.dataset.idleLeft, 10);
  var warnBefore = parseInt(body.dataset.idleWarning, 10) * 1000;
  if (isNaN(left)) { return; }
  var box = document.getElementById("idle-warning");
  var deadlineText = box && box.querySelector("[data-idle-deadline]");
  var stay = box && box.querySelector("[data-idle-stay]");
  var deadline = 0;
  var timer = null;
  var lastPing = Date.now();
  // While someone types, ping at most this often: a long form is activity even if no page is loaded.
  var pingEvery = Math.min(5 * 60 * 1000, Math.max(10 * 1000, left * 1000 / 3));

  function storedDeadline() {
    try { return parseInt(localStorage.getItem(DEADLINE_KEY), 10) || 0; } catch (e) { return 0; }
  }
  function learn(seconds) {
    deadline = Date.now() + seconds * 1000;
    try {
      if (deadline > storedDeadline()) { localStorage.setItem(DEADLINE_KEY, String(deadline)); }
    } catch (e) { /* storage disabled: this tab alone */ }
    schedule();
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function hide() { if (box) { box.classList.add("d-none"); } }
  function schedule() {
    clearTimeout(timer);
    deadline = Math.max(deadline, storedDeadline());
    var now = Date.now();
    if (now >= deadline) {
      // The server has ended the session by now: reloading shows the log-in page with the reason.
      window.location.assign(window.location.href);
      return;
    }
    if (now >= deadline - warnBefore) {
      if (box) {
        var end = new Date(deadline);
        deadlineText.textContent = pad(end.getHours()) + ":" + pad(end.getMinutes());
        box.classList.remove("d-none");
      }
      // A second past the deadline, so that the server's clock has passed it too.
      timer = setTimeout(schedule, deadline - now + 1000);
    } else {
      hide();
      timer = setTimeout(schedule, deadline - warnBefore - now);
    }
  }
  function ping() {
    lastPing = Date.now();
    return fetch(body.dataset.keepaliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": body.dataset.csrfToken, "Accept": "application/json" },
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.ok) { learn(data.left); return; }
        if (data && data.login_url) { window.location.assign(data.login_url); }
      });
    }).catch(function () { /* offline: the warning stays, the user may try again */ });
  }

  if (stay) {
    stay.addEventListener("click", ping);
  }
  ["keydown", "input", "pointerdown"].forEach(function (name) {
    document.addEventListener(name, function () {
      if (Date.now() - lastPing >= pingEvery && (!box || box.classList.contains("d-none"))) { ping(); }
    }, { passive: true, capture: true });
  });
  window.addEventListener("storage", function (event) { if (event.key === DEADLINE_KEY) { schedule(); } });
  learn(left);
})();
