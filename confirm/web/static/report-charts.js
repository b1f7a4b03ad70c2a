// 联席会议报表的图表：读取页面中 type="application/json" 的图表数据（与 PDF 中的图表同一组数据），用本站提供的
// Apache ECharts 绘制。未启用脚本时页面只显示表格；图表区域默认隐藏，由本脚本显示。
(function () {
  "use strict";
  function draw() {
    var data = document.getElementById("report-chart-data");
    var area = document.getElementById("report-charts");
    if (!data || !area || typeof echarts === "undefined") { return; }
    var charts = JSON.parse(data.textContent);
    area.hidden = false;
    var drawn = [];
    charts.forEach(function (c) {
      var box = document.createElement("figure");
      box.className = "report-chart";
      box.setAttribute("data-chart", c.key);
      var title = document.createElement("figcaption");
      title.textContent = c.title;
      var canvas = document.createElement("div");
      canvas.className = "report-chart-canvas";
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", c.title + "（数据见上表）");
      box.appendChild(title);
      box.appendChild(canvas);
      area.appendChild(box);
      var chart = echarts.init(canvas, null, { renderer: "canvas" });
      var percent = c.percent;
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis", valueFormatter: function (v) {
          return v === null || v === undefined ? "—" : (percent ? (v * 100).toFixed(1) + "%" : String(v));
        } },
        legend: { top: 0 },
        grid: { left: 48, right: 16, top: 72, bottom: 40 },
        xAxis: { type: "category", data: c.categories, axisLabel: { interval: 0, width: 110, overflow: "truncate" } },
        yAxis: { type: "value", minInterval: percent ? 0 : 1, max: percent ? 1 : null,
                 axisLabel: { formatter: percent ? function (v) { return Math.round(v * 100) + "%"; } : "{value}" } },
        series: c.series.map(function (s) {
          return { name: s[0], type: "bar", stack: c.stacked ? "all" : null, data: s[1].map(function (v) {
            return v === null ? "-" : v;
          }), label: { show: !c.stacked, position: "top", formatter: function (p) {
            return percent ? Math.round(p.value * 100) + "%" : (p.value ? String(p.value) : "");
          } } };
        })
      });
      drawn.push(chart);
    });
    window.addEventListener("resize", function () { drawn.forEach(function (ch) { ch.resize(); }); });
    area.setAttribute("data-drawn", String(drawn.length));
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
