/*
 * Understudy graphs: one uPlot chart per figure, one line per volume, the last hour. The node sends the whole hour
 * when the stream opens ("series-all") and each new sample after that ("series").
 */
(function () {
  'use strict';
  var root = document.getElementById('graphs');
  if (!root || !window.uPlot) {
    return;
  }
  var KEEP = 1800;
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
  var CHARTS = [
    { id: 'graph-throughput', metrics: ['throughput'], unit: 'B/s' },
    { id: 'graph-latency', metrics: ['latencyP99Ms'], unit: 'ms' },
    { id: 'graph-dirty', metrics: ['dirty', 'backlog'], unit: 'B' },
    { id: 'graph-resync', metrics: ['resyncPercent'], unit: '%' }
  ];
  var plots = {};
  var data = {};
  var volumes = [];

  function bytes(v) {
    var u = ['', 'Ki', 'Mi', 'Gi', 'Ti'];
    var i = 0;
    while (Math.abs(v) >= 1024 && i < u.length - 1) { v /= 1024; i++; }
    return (Math.round(v * 10) / 10) + ' ' + u[i];
  }

  function build(all) {
    volumes = Object.keys(all.volumes).sort();
    CHARTS.forEach(function (c) {
      var el = document.getElementById(c.id);
      if (plots[c.id]) { plots[c.id].destroy(); }
      el.textContent = '';
      var first = volumes.length ? all.volumes[volumes[0]] : { t: [] };
      var columns = [first.t.slice()];
      var series = [{}];
      var n = 0;
      volumes.forEach(function (v) {
        c.metrics.forEach(function (m) {
          columns.push(all.volumes[v][m].slice(-first.t.length));
          series.push({ label: v + (c.metrics.length > 1 ? ' ' + m : ''), stroke: COLORS[n++ % COLORS.length],
            width: 1.5, dash: m === 'backlog' ? [6, 4] : undefined });
        });
      });
      data[c.id] = columns;
      var axis = c.unit === 'B' || c.unit === 'B/s'
        ? { values: function (u, ticks) { return ticks.map(function (t) { return bytes(t) + (c.unit === 'B/s' ? '/s' : ''); }); }, size: 70 }
        : { label: c.unit, size: 60 };
      plots[c.id] = new uPlot({ width: Math.max(320, el.clientWidth || 600), height: 220, series: series,
        scales: { x: { time: true } }, axes: [{}, axis], legend: { live: true } }, columns, el);
    });
    root.setAttribute('data-points', String(data[CHARTS[0].id][0].length));
  }

  function append(latest) {
    if (!volumes.length) {
      return;
    }
    CHARTS.forEach(function (c) {
      var cols = data[c.id];
      if (!cols) { return; }
      var t = latest.volumes[volumes[0]] ? latest.volumes[volumes[0]].t : [];
      if (!t.length || (cols[0].length && cols[0][cols[0].length - 1] >= t[0])) { return; }
      cols[0].push(t[0]);
      var i = 1;
      volumes.forEach(function (v) {
        c.metrics.forEach(function (m) {
          var s = latest.volumes[v];
          cols[i++].push(s && s[m].length ? s[m][0] : null);
        });
      });
      if (cols[0].length > KEEP) { cols.forEach(function (col) { col.shift(); }); }
      plots[c.id].setData(cols);
    });
    root.setAttribute('data-points', String(data[CHARTS[0].id][0].length));
  }

  window.understudyOn('series-all', function (ev) { build(JSON.parse(ev.data)); });
  window.understudyOn('series', function (ev) { append(JSON.parse(ev.data)); });
})();
