// Draws a metric's yearly values (the data comes from the page, no request).
(function () {
  var canvas = document.getElementById("metric-chart");
  var data = document.getElementById("metric-chart-data");
  if (!canvas || !data || !window.Chart) { return; }
  var chart = JSON.parse(data.textContent);
  new window.Chart(canvas, {
    type: "line",
    data: { labels: chart.labels, datasets: [{ label: chart.label, data: chart.values, spanGaps: true, tension: 0.2 }] },
    options: { locale: "vi-VN", plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } }
  });
})();
