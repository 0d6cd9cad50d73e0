// Keeps what a collaborator types in the browser until the server has it.
// Every change is saved to localStorage; sending goes through fetch so that a lost connection leaves the
// page (and the typed values) in place with a "send again" button. The hidden client_id travels with the
// draft, so a resend after a half-received request is recognised by the server and stored once.
// Drafts belong to the signed-in user (<body data-user-id>): another user of the same phone never gets them, and
// log-out removes them all (static/js/session.js, and the log-out response's Clear-Site-Data header).
(function () {
  var form = document.querySelector("form[data-offline-form]");
  var user = document.body.dataset.userId;
  if (!form || !user) { return; }
  var key = "tanloi:draft:" + user + ":" + form.dataset.draftKey;
  var notice = document.getElementById("draft-notice");
  var resend = form.querySelector("[data-resend]");
  var submit = form.querySelector("button[type=submit]");

  function say(text, kind) {
    notice.textContent = text;
    notice.className = "alert alert-" + (kind || "info");
  }
  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "submit" && el.type !== "button";
    });
  }
  function save() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { data[el.name] = el.value; }
      } else { data[el.name] = el.value; }
    });
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or disabled */ }
  }
  function restore() {
    var raw = null;
    try { raw = localStorage.getItem(key); } catch (e) { return; }
    if (!raw) { return; }
    var data = JSON.parse(raw);
    // Only a form the server sent back empty is filled from the draft; a form with errors shows the server's.
    if (form.querySelector(".is-invalid, .alert-block")) { return; }
    fields().forEach(function (el) {
      if (!(el.name in data)) { return; }
      if (el.type === "radio" || el.type === "checkbox") { el.checked = data[el.name] === el.value; }
      else { el.value = data[el.name]; }
    });
    say(form.dataset.msgRestored);
  }
  function send() {
    save();
    submit.disabled = true;
    say(form.dataset.msgSending);
    fetch(form.action || location.href, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) {
          var stored = response.redirected && new URL(response.url).pathname === form.dataset.sentUrl;
          if (response.redirected && !stored) {
            // Sent somewhere else (the session expired and log-in is asked, a captive portal...): the
            // report is not stored, so the draft stays for "send again" after logging in.
            say(form.dataset.msgOffline, "warning");
            submit.disabled = false;
            resend.classList.remove("d-none");
            return;
          }
          if (stored) {
            // Stored: forget the draft and show the page the server sent on (it carries the "sent" message,
            // and fetching it again would cost a second request on a weak connection).
            try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
            history.replaceState(null, "", response.url);
          }
          // Otherwise the server answered with the form and its messages: show that page.
          document.open(); document.write(html); document.close();
        });
      })
      .catch(function () {
        submit.disabled = false;
        say(form.dataset.msgOffline, "warning");
        resend.classList.remove("d-none");
      });
  }
  restore();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function (event) { event.preventDefault(); send(); });
  resend.addEventListener("click", send);
})();
