// Draws a metric's yearly values on a time axis, with its targets as lines and its incomplete years marked
// (the data comes from the page, no request). The same figures are in the table below the chart.
(function () {
  var canvas = document.getElementById("metric-chart");
  var data = document.getElementById("metric-chart-data");
  if (!canvas || !data || !window.Chart) { return; }
  var chart = JSON.parse(data.textContent);
  var incomplete = {};
  chart.incomplete.forEach(function (year) { incomplete[year] = true; });
  var datasets = [{
    label: chart.label,
    data: chart.points,
    tension: 0.2,
    borderColor: "#0d6efd",
    pointRadius: 5,
    pointStyle: chart.points.map(function (p) { return incomplete[p.x] ? "triangle" : "circle"; }),
    pointBackgroundColor: chart.points.map(function (p) { return incomplete[p.x] ? "#ffc107" : "#0d6efd"; })
  }];
  var colours = ["#198754", "#6f42c1"];
  chart.targets.forEach(function (target, index) {
    datasets.push({
      label: chart.target_label + " " + target.year,
      data: [{ x: chart.from, y: target.value }, { x: target.year, y: target.value }],
      borderColor: colours[index % colours.length],
      borderDash: [6, 4],
      pointRadius: [0, 4],
      fill: false
    });
  });
  new window.Chart(canvas, {
    type: "line",
    data: { datasets: datasets },
    options: {
      locale: "vi-VN",
      parsing: true,
      plugins: {
        legend: { display: true, position: "bottom" },
        tooltip: {
          callbacks: {
            afterLabel: function (item) {
              return item.datasetIndex === 0 && incomplete[item.raw.x] ? chart.incomplete_label : "";
            }
          }
        }
      },
      scales: {
        x: { type: "linear", min: chart.from, max: chart.to, ticks: { stepSize: 1, callback: function (v) { return String(v); } } },
        y: { beginAtZero: true }
      }
    }
  });
})();
