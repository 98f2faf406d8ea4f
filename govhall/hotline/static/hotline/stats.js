// The hotline's statistics page: three charts drawn with the vendored ECharts from the JSON embedded in the
// page (#hotline-stats-charts). The tables under them carry the links to the tickets.
(function () {
  "use strict";
  var charts = [];

  function make(id) {
    var box = document.getElementById(id);
    if (!box) return null;
    var chart = echarts.init(box);
    charts.push(chart);
    return chart;
  }

  function draw() {
    var source = document.getElementById("hotline-stats-charts");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);

    var units = make("chart-hotline-units");
    if (units) {
      units.setOption({
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: { left: 8, right: 24, top: 48, bottom: 8, containLabel: true },
        xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %" } },
        yAxis: { type: "category", data: data.units.labels, inverse: true, axisLabel: { width: 110, overflow: "truncate" } },
        series: data.units.series.map(function (s) {
          return { name: s.name, type: "bar", data: s.values, barMaxWidth: 12 };
        })
      });
    }

    var channels = make("chart-hotline-channels");
    if (channels) {
      channels.setOption({
        animation: false,
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d} %)" },
        legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"], data: data.channels }]
      });
    }

    var subjects = make("chart-hotline-subjects");
    if (subjects) {
      subjects.setOption({
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: data.subjects.labels, inverse: true, axisLabel: { width: 110, overflow: "truncate" } },
        series: [{ type: "bar", data: data.subjects.values, barMaxWidth: 18, itemStyle: { color: "#1f5fa8" } }]
      });
    }
  }

  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
