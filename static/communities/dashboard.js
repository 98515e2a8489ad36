/* Officials' dashboard (communities): the 12-month trend (read from /api/v1/metrics/) and
   the management modes compared. No inline script: the page hands its settings over in the
   data-config attribute of #dashboard. */
(function () {
  "use strict";

  var root = document.getElementById("dashboard");
  if (!root || typeof echarts === "undefined") {
    return;
  }
  var config = JSON.parse(root.getAttribute("data-config"));
  var charts = [];
  var red = "#b71c1c";

  function metricInfo(code) {
    for (var i = 0; i < config.metrics.length; i += 1) {
      if (config.metrics[i].code === code) {
        return config.metrics[i];
      }
    }
    return config.metrics[0];
  }

  function axisLabel(info) {
    return info.percent ? "{value}%" : "{value}";
  }

  function makeChart(id) {
    var element = document.getElementById(id);
    if (!element) {
      return null;
    }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }

  function showMessage(chart, text) {
    chart.clear();
    chart.setOption({
      title: { text: text, left: "center", top: "middle", textStyle: { color: "#666", fontSize: 14 } }
    });
  }

  var trend = makeChart("trend-chart");

  function drawTrend(code) {
    var info = metricInfo(code);
    var query = new URLSearchParams({
      metric: code, scope: config.scope, scope_id: String(config.scope_id), until: config.until
    });
    fetch(config.api + "?" + query.toString(), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    }).then(function (data) {
      var months = data.results.map(function (point) { return point.period; });
      var values = data.results.map(function (point) { return point.chart; });
      trend.clear();
      trend.setOption({
        color: [red],
        grid: { left: 48, right: 16, top: 32, bottom: 32 },
        title: { text: data.label + (info.unit ? " (" + info.unit + ")" : ""), left: 0, textStyle: { fontSize: 14 } },
        tooltip: {
          trigger: "axis",
          formatter: function (items) {
            var point = data.results[items[0].dataIndex];
            return point.period + "<br>" + data.label + ": " + point.display;
          }
        },
        xAxis: { type: "category", data: months },
        yAxis: { type: "value", axisLabel: { formatter: axisLabel(info) } },
        series: [{ type: "line", data: values, connectNulls: false, symbolSize: 7, name: data.label }]
      });
    }).catch(function () {
      showMessage(trend, config.labels.load_error);
    });
  }

  if (trend) {
    drawTrend(config.metric);
    var picker = document.getElementById("trend-metric");
    if (picker) {
      picker.addEventListener("change", function () { drawTrend(picker.value); });
    }
  }

  var modes = makeChart("mode-chart");
  if (modes) {
    var info = metricInfo(config.metric);
    modes.setOption({
      grid: { left: 48, right: 16, top: 32, bottom: 64 },
      title: { text: config.modes.metric + (info.unit ? " (" + info.unit + ")" : ""), left: 0, textStyle: { fontSize: 14 } },
      tooltip: {
        trigger: "axis",
        valueFormatter: function (value) {
          if (value === null || value === undefined) {
            return config.labels.no_data;
          }
          return info.percent ? value + "%" : String(value);
        }
      },
      xAxis: { type: "category", data: config.modes.labels, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", axisLabel: { formatter: axisLabel(info) } },
      series: [{
        type: "bar", name: config.labels.value, data: config.modes.values,
        itemStyle: {
          color: function (params) { return params.dataIndex < 4 ? red : "#888"; }
        }
      }]
    });
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
}());
