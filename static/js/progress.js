// Polls a job's progress (an import's rows done / total) and reloads the page when the job has finished.
(function () {
  var box = document.getElementById("progress");
  if (!box) { return; }
  var bar = box.querySelector(".progress-bar");
  // Counts as the page writes them: 1.234 in Vietnamese, 1,234 in English.
  var locale = document.documentElement.lang === "en" ? "en-GB" : "vi-VN";
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (p) {
        if (p.final) { location.reload(); return; }
        var done = box.querySelector("[data-done]"), total = box.querySelector("[data-total]");
        if (done && total) {  // a job that counts its rows (an import); an export shows a moving bar only
          done.textContent = p.done.toLocaleString(locale);
          total.textContent = p.total ? p.total.toLocaleString(locale) : "…";
          bar.style.width = (p.total ? Math.round(100 * p.done / p.total) : 5) + "%";
        }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
