// The overview's charts (uPlot). Data comes from the page's JSON block; every chart also has a
// text or table equivalent in the page, so the canvas is decoration for sighted readers.
(function () {
  "use strict";

  function barPaths() {
    return uPlot.paths.bars({ size: [0.55, 80] });
  }

  function categoryAxis(labels) {
    return {
      splits: function () { return labels.map(function (_, i) { return i; }); },
      values: function (_u, splits) { return splits.map(function (v) { return labels[v] || ""; }); },
      grid: { show: false },
    };
  }

  function size(el) {
    return { width: Math.max(el.clientWidth, 240), height: 200 };
  }

  function build(el, data) {
    var kind = el.getAttribute("data-chart");
    var dims = size(el);
    if (kind === "match_rate") {
      // One point per completed job, oldest first; the x axis names the job.
      var points = data.match_rate;
      var jobs = points.map(function (p) { return "#" + p.job; });
      return new uPlot({
        width: dims.width, height: dims.height, legend: { show: false },
        scales: { x: { time: false, range: [-0.5, points.length - 0.5] }, y: { range: [0, 100] } },
        axes: [categoryAxis(jobs), { values: function (_u, vals) { return vals.map(function (v) { return v + "%"; }); } }],
        series: [{}, { label: "Match rate", stroke: "#0b5cad", width: 2, fill: "rgba(11,92,173,0.08)", points: { show: true, size: 7 } }],
      }, [points.map(function (_, i) { return i; }), points.map(function (p) { return p.rate; })], el);
    }
    if (kind === "amounts") {
      var labels = ["Matched", "Open"];
      return new uPlot({
        width: dims.width, height: dims.height, legend: { show: false },
        scales: { x: { time: false, range: [-0.5, 1.5] } },
        axes: [categoryAxis(labels), {}],
        series: [{}, { label: "Amount", fill: "#2f7d4f", stroke: "#17663a", paths: barPaths(), points: { show: false } }],
      }, [[0, 1], [Number(data.amounts.matched), Number(data.amounts.unmatched)]], el);
    }
    if (kind === "ages") {
      var buckets = data.ages;
      var names = buckets.map(function (b) { return b.label; });
      return new uPlot({
        width: dims.width, height: dims.height, legend: { show: false },
        scales: { x: { time: false, range: [-0.5, buckets.length - 0.5] } },
        axes: [categoryAxis(names), {}],
        series: [{}, { label: "Records", fill: "#b86e00", stroke: "#8a4b00", paths: barPaths(), points: { show: false } }],
      }, [buckets.map(function (_, i) { return i; }), buckets.map(function (b) { return b.count; })], el);
    }
    return null;
  }

  function init() {
    var block = document.getElementById("chart-data");
    if (!block || typeof uPlot === "undefined") return;
    var data = JSON.parse(block.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = build(el, data);
      if (!chart || typeof ResizeObserver === "undefined") return;
      new ResizeObserver(function () { chart.setSize(size(el)); }).observe(el);
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
