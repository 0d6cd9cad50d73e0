// While the board's figures are being recomputed, show the worker's progress and reload once it is done.
(function () {
  var box = document.getElementById("freshness");
  var shown = document.getElementById("freshness-progress");
  if (!box || !box.dataset.progressUrl) { return; }
  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (!data.stale) { window.location.reload(); return; }
        if (shown && data.total) { shown.textContent = data.done + "/" + data.total + " " + box.dataset.unit; }
        window.setTimeout(poll, 3000);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, 3000);
})();
