// The chairman's dashboard: a sparkline in each metric's tile, the cases chart, and the print button. Every
// figure drawn here is also in a table on the page (for screen readers and for print).
(function () {
  if (!window.Chart) { return; }
  document.querySelectorAll("canvas.sparkline").forEach(function (canvas) {
    var points = JSON.parse(canvas.dataset.points || "[]");
    new window.Chart(canvas, {
      type: "line",
      data: { datasets: [{
        data: points.map(function (p) { return { x: p[0], y: p[1] }; }),
        borderColor: "#0d6efd", borderWidth: 2, tension: 0.2,
        pointRadius: points.map(function (p) { return p[2] ? 2 : 4; }),
        pointStyle: points.map(function (p) { return p[2] ? "circle" : "triangle"; }),
        pointBackgroundColor: points.map(function (p) { return p[2] ? "#0d6efd" : "#ffc107"; })
      }] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { enabled: true } },
        scales: { x: { type: "linear", display: false }, y: { display: false } }
      }
    });
  });
  var cases = document.getElementById("cases-chart");
  if (cases) {
    var names = JSON.parse(cases.dataset.names);
    new window.Chart(cases, {
      type: "bar",
      data: {
        labels: JSON.parse(cases.dataset.labels),
        datasets: [
          { label: names.opened, data: JSON.parse(cases.dataset.opened), backgroundColor: "#0d6efd" },
          { label: names.open, data: JSON.parse(cases.dataset.open), backgroundColor: "#fd7e14" },
          { label: names.closed, data: JSON.parse(cases.dataset.closed), backgroundColor: "#198754" }
        ]
      },
      options: { animation: false, indexAxis: "y", plugins: { legend: { position: "bottom" } },
                 scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  var print = document.getElementById("print-dashboard");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
})();
