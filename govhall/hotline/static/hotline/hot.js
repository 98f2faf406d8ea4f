// Hot topics (热点): the week's bar chart on the board and the month's on the hot list, drawn with the
// vendored ECharts from the JSON embedded in the page. Clicking a bar opens the tickets behind it. The
// board's topics are replaced by htmx every minute: the chart is drawn again after each swap.
(function () {
  "use strict";
  var charts = [];

  function make(id) {
    var box = document.getElementById(id);
    if (!box) return null;
    var old = echarts.getInstanceByDom(box);
    if (old) old.dispose();
    var chart = echarts.init(box);
    charts.push(chart);
    return chart;
  }

  function read(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function bars(chart, labels) {
    return {
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: labels, inverse: true, axisLabel: { width: 140, overflow: "truncate" } }
    };
  }

  function open(urls) {
    return function (params) {
      var list = urls[params.seriesIndex] || [];
      if (list[params.dataIndex]) window.location.href = list[params.dataIndex];
    };
  }

  function draw() {
    if (typeof echarts === "undefined") return;
    var week = read("hot-week-chart");
    var weekChart = week && make("chart-hot-week");
    if (weekChart) {
      var option = bars(weekChart, week.labels);
      option.series = [
        { name: document.getElementById("chart-hot-week").getAttribute("aria-label"), type: "bar", data: week.counts, barMaxWidth: 16, itemStyle: { color: "#b3261e" } },
        { name: "≥", type: "scatter", data: week.thresholds, symbol: "diamond", symbolSize: 10, itemStyle: { color: "#1f5fa8" } }
      ];
      option.legend = { show: false };
      weekChart.setOption(option);
      weekChart.on("click", open([week.urls, week.urls]));
    }
    var month = read("hot-month-chart");
    var monthChart = month && make("chart-hot-month");
    if (monthChart) {
      var opt = bars(monthChart, month.labels);
      opt.series = [
        { name: month.names[0], type: "bar", data: month.counts, barMaxWidth: 14, itemStyle: { color: "#b3261e" } },
        { name: month.names[1], type: "bar", data: month.previous, barMaxWidth: 14, itemStyle: { color: "#8a9bb0" } }
      ];
      monthChart.setOption(opt);
      monthChart.on("click", open([month.urls, month.previous_urls]));
    }
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSwap", draw);
  window.addEventListener("resize", function () { charts.forEach(function (c) { if (!c.isDisposed()) c.resize(); }); });
})();
