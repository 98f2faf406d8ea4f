// The board's chart: stacked bars of the open steps per department and light (ECharts, vendored).
// Drawn on load and again after each htmx refresh of the counts.
(function () {
  "use strict";
  var colours = { red: "#c62828", yellow: "#e3a008", green: "#2e9d4c", paused: "#8a94a6" };
  var chart = null;

  function draw() {
    var box = document.getElementById("board-chart");
    var source = document.getElementById("board-chart-data");
    if (!box || !source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    if (chart && chart.getDom() !== box) { chart.dispose(); chart = null; }
    chart = chart || echarts.init(box);
    var series = ["red", "yellow", "green", "paused"].map(function (light) {
      return {
        name: data.names[light], type: "bar", stack: "steps", data: data.series[light],
        itemStyle: { color: colours[light] }, emphasis: { focus: "series" }, barMaxWidth: 28
      };
    });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.labels, inverse: true, axisLabel: { width: 120, overflow: "truncate" } },
      series: series
    }, true);
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "board-counts") draw();
  });
  window.addEventListener("resize", function () { if (chart) chart.resize(); });
})();
