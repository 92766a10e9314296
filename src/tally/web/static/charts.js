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

  // Axis numbers as people read amounts: 0, 250, 1.5K, 2.4M (never "0,000" on every tick).
  var compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });

  // Category labels wider than their slot overlap: measure them with the axis font and turn them
  // when they would. The decision is left on the element (data-labels) for tests and styling.
  function fittedAxis(el, labels, plotWidth) {
    var context = document.createElement("canvas").getContext("2d");
    context.font = "12px system-ui, -apple-system, Segoe UI, Roboto, sans-serif";
    var widest = labels.reduce(function (w, l) { return Math.max(w, context.measureText(l).width); }, 0);
    var slot = plotWidth / Math.max(labels.length, 1);
    var fits = widest + 8 <= slot;
    el.setAttribute("data-labels", fits ? "level" : "turned");
    el.setAttribute("data-label-width", Math.ceil(widest));
    el.setAttribute("data-slot-width", Math.floor(slot));
    var axis = categoryAxis(labels);
    if (!fits) { axis.rotate = -40; axis.size = Math.ceil(widest * 0.7) + 14; }
    return axis;
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
      var jobs = points.map(function (p) { return "#" + p.number; });
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
        // From zero: bars compared by their height must start at the same baseline.
        scales: { x: { time: false, range: [-0.5, 1.5] }, y: { range: function (_u, _min, max) { return [0, max > 0 ? max * 1.1 : 1]; } } },
        axes: [categoryAxis(labels), {
          size: 56,
          values: function (_u, ticks) {
            var shown = ticks.map(function (v) { return compact.format(v); });
            el.setAttribute("data-ticks", JSON.stringify(shown));
            return shown;
          },
        }],
        series: [{}, { label: "Amount", fill: "#2f7d4f", stroke: "#17663a", paths: barPaths(), points: { show: false } }],
      }, [[0, 1], [Number(data.amounts.matched), Number(data.amounts.unmatched)]], el);
    }
    if (kind === "ages") {
      var buckets = data.ages;
      var names = buckets.map(function (b) { return b.label; });
      return new uPlot({
        width: dims.width, height: dims.height, legend: { show: false },
        padding: [12, 28, 0, 0],  // room for the last label when it is turned
        scales: { x: { time: false, range: [-0.5, buckets.length - 0.5] }, y: { range: function (_u, _min, max) { return [0, max > 0 ? max * 1.1 : 1]; } } },
        axes: [fittedAxis(el, names, dims.width - 60), { values: function (_u, ticks) { return ticks.map(function (v) { return Number.isInteger(v) ? compact.format(v) : ""; }); } }],
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
