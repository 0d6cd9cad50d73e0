// Polls an import's progress (rows done / total) and reloads the page when the job has finished.
(function () {
  var box = document.getElementById("progress");
  if (!box) { return; }
  var bar = box.querySelector(".progress-bar");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (p) {
        if (p.final) { location.reload(); return; }
        box.querySelector("[data-done]").textContent = p.done.toLocaleString("vi-VN");
        box.querySelector("[data-total]").textContent = p.total ? p.total.toLocaleString("vi-VN") : "…";
        bar.style.width = (p.total ? Math.round(100 * p.done / p.total) : 5) + "%";
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
