// The leaders' dashboard: four charts drawn with the vendored ECharts from the JSON embedded in the page
// (#stats-charts). Clicking a bar, a point or a slice opens the list of its cases.
(function () {
  "use strict";
  var colours = { red: "#c62828", yellow: "#e3a008", green: "#2e9d4c", paused: "#8a94a6" };
  var charts = [];

  function follow(chart, urlOf) {
    chart.on("click", function (params) {
      var url = urlOf(params);
      if (url) window.location.href = url;
    });
  }

  function make(id) {
    var box = document.getElementById(id);
    if (!box) return null;
    var chart = echarts.init(box);
    charts.push(chart);
    return chart;
  }

  function draw() {
    var source = document.getElementById("stats-charts");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);

    var trend = make("chart-trend");
    if (trend) {
      var t = data.trend;
      var bars = ["received", "accepted", "concluded"].map(function (key) {
        return { name: t.names[key], type: "bar", data: t.series[key], barMaxWidth: 18 };
      });
      bars.push({ name: t.names.on_time_rate, type: "line", yAxisIndex: 1, data: t.rate, connectNulls: false });
      trend.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: t.labels },
        yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %" } }],
        series: bars
      });
      follow(trend, function (p) { return t.urls[p.dataIndex]; });
    }

    var kinds = make("chart-kinds");
    if (kinds) {
      var k = data.kinds.items;
      kinds.setOption({
        animation: false,
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d} %)" },
        legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"], data: k.map(function (i) { return { name: i.name, value: i.value }; }) }]
      });
      follow(kinds, function (p) { return k[p.dataIndex] && k[p.dataIndex].url; });
    }

    var departments = make("chart-departments");
    if (departments) {
      var d = data.departments;
      departments.setOption({
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + " %"; } },
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", min: 0, max: 100 },
        yAxis: { type: "category", data: d.labels, inverse: true, axisLabel: { width: 120, overflow: "truncate" } },
        series: [{ name: d.name, type: "bar", data: d.values, barMaxWidth: 18, itemStyle: { color: "#1f5fa8" } }]
      });
      follow(departments, function (p) { return d.urls[p.dataIndex]; });
    }

    var lights = make("chart-lights");
    if (lights) {
      var l = data.lights.items;
      lights.setOption({
        animation: false,
        tooltip: { trigger: "item" },
        legend: { bottom: 0 },
        series: [{
          type: "pie", radius: ["35%", "65%"],
          data: l.map(function (i) { return { name: i.name, value: i.value, itemStyle: { color: colours[i.key] } }; })
        }]
      });
      follow(lights, function (p) { return l[p.dataIndex] && l[p.dataIndex].url; });
    }
  }

  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
