/* outlet-watch: the interactive readings charts, drawn with the locally served plotly.js.
 *
 * Every element with data-live-chart="ID" is drawn from the JSON of <script id="ID"> (see
 * monitor/web/charts.py chart_spec): one panel per channel on one shared time axis (zoom and pan
 * act on every panel), hover values, limits as dashed red lines, readings flagged other than N as
 * lettered dots, leads shaded (click the label to open one), findings underlined. Once drawn, the
 * chart box gets the class "live", which hides the server-drawn SVG on screen (it stays for print
 * and for browsers without script). Nothing here is loaded from another site.
 */
(function () {
  'use strict';
  var PANEL = 150, GAP = 46, TOP = 34, BOTTOM = 46;
  var HOUR = 3600000;

  function axisName(i, full) { return (full ? 'yaxis' : 'y') + (i ? String(i + 1) : ''); }

  function draw(box) {
    var node = document.getElementById(box.getAttribute('data-live-chart'));
    var plot = box.querySelector('.chart-live');
    if (!node || !plot || typeof Plotly === 'undefined') return;
    var spec = JSON.parse(node.textContent);
    var texts = spec.texts, panels = spec.panels, n = Math.max(1, panels.length);
    var height = TOP + n * PANEL + (n - 1) * GAP + BOTTOM;
    var traces = [], shapes = [], annotations = [];
    var layout = {
      height: height,
      margin: {l: 64, r: 20, t: TOP, b: BOTTOM},
      showlegend: false,
      hovermode: 'x',
      hoverlabel: {namelength: -1},
      dragmode: 'zoom',
      font: {family: getComputedStyle(document.body).fontFamily, size: 12},
      xaxis: {
        type: 'date', range: spec.range, anchor: axisName(n - 1), showspikes: true,
        spikemode: 'across', spikesnap: 'cursor', spikethickness: 1, spikecolor: '#999',
        hoverformat: '%Y-%m-%d %H:%M',
        tickformatstops: [
          {dtickrange: [null, 86399999], value: '%m-%d %H:%M'},
          {dtickrange: [86399999, 'M1'], value: '%m-%d'},
          {dtickrange: ['M1', null], value: '%Y-%m'}
        ]
      }
    };
    panels.forEach(function (p, i) {
      var top = 1 - (i * (PANEL + GAP)) / (height - TOP - BOTTOM);
      var bottom = top - PANEL / (height - TOP - BOTTOM);
      var ya = axisName(i);
      layout[axisName(i, true)] = {
        domain: [Math.max(0, bottom), Math.min(1, top)], anchor: 'x', zeroline: false,
        rangemode: p.code === 'w01001' ? 'normal' : 'tozero', fixedrange: false
      };
      var xs = [], ys = [];
      for (var k = 0; k < p.m.length; k++) {
        if (k && p.m[k] - p.m[k - 1] > 90) {  // a missing hour breaks the line
          xs.push(spec.t0 + (p.m[k - 1] + 60) * 60000); ys.push(null);
        }
        xs.push(spec.t0 + p.m[k] * 60000); ys.push(p.y[k]);
      }
      traces.push({
        type: 'scatter', mode: 'lines', x: xs, y: ys, yaxis: ya, name: p.label,
        line: {color: '#1a73e8', width: 1.3}, connectgaps: false,
        hovertemplate: '%{y}<extra>' + p.label + '</extra>'
      });
      if (p.flags.length) {
        traces.push({
          type: 'scatter', mode: 'markers+text', yaxis: ya, name: texts.flag,
          x: p.flags.map(function (f) { return spec.t0 + f[0] * 60000; }),
          y: p.flags.map(function (f) { return f[1] === null ? 0 : f[1]; }),
          text: p.flags.map(function (f) { return f[2]; }),
          customdata: p.flags.map(function (f) { return f[2]; }),
          textposition: 'top center', textfont: {size: 10},
          marker: {size: 7, color: p.flags.map(function (f) { return spec.colours[f[2]] || '#000'; })},
          hovertemplate: texts.flag + ' %{customdata}: %{y}<extra></extra>'
        });
      }
      [p.low, p.high].forEach(function (bound) {
        if (bound === null || bound === undefined) return;
        shapes.push({
          type: 'line', xref: 'paper', x0: 0, x1: 1, yref: ya, y0: bound, y1: bound,
          line: {color: '#d93025', width: 1.5, dash: 'dash'}
        });
        annotations.push({
          xref: 'paper', x: 1, xanchor: 'right', yref: ya, y: bound, yanchor: 'bottom',
          text: texts.limit + ' ' + bound, showarrow: false, font: {color: '#d93025', size: 11}
        });
      });
      if (p.low !== null || p.high !== null) {  // the limit always in view
        var vals = p.y.filter(function (v) { return v !== null; });
        var hi = Math.max.apply(null, vals.concat([p.high === null ? -Infinity : p.high]));
        var lo = Math.min.apply(null, vals.concat([p.low === null ? Infinity : p.low]));
        if (p.code !== 'w01001') lo = Math.min(0, lo);
        var pad = (hi - lo) * 0.08 || 1;
        layout[axisName(i, true)].range = [lo - (p.code === 'w01001' ? pad : 0), hi + pad];
      }
      p.findings.forEach(function (f) {
        shapes.push({
          type: 'rect', xref: 'x', x0: f[0], x1: f[1], yref: ya + ' domain', y0: 0, y1: 0.035,
          fillcolor: '#e8710a', line: {width: 0}
        });
      });
      annotations.push({
        xref: 'paper', x: 0, xanchor: 'left', yref: 'paper', y: Math.min(1, top),
        yanchor: 'bottom', text: p.label + (p.m.length ? '' : ' · ' + texts.no_data),
        showarrow: false, font: {size: 12, color: '#222'}
      });
    });
    spec.shades.forEach(function (s) {
      shapes.push({
        type: 'rect', xref: 'x', x0: s[0], x1: s[1], yref: 'paper', y0: 0, y1: 1,
        fillcolor: '#f4b400', opacity: 0.18, line: {width: 0}, layer: 'below'
      });
      if (s[2]) {
        annotations.push({
          xref: 'x', x: (s[0] + s[1]) / 2, yref: 'paper', y: 1, yanchor: 'bottom',
          text: s[2], showarrow: false, captureevents: !!s[3], link: s[3],
          font: {size: 11, color: '#8a5a00'}
        });
      }
    });
    layout.shapes = shapes;
    layout.annotations = annotations;
    var config = {
      responsive: true, displaylogo: false, scrollZoom: true,
      modeBarButtonsToRemove: ['select2d', 'lasso2d'],
      toImageButtonOptions: {format: 'png', filename: box.getAttribute('data-name') || 'readings'}
    };
    if (texts.locale) {
      Plotly.register({
        moduleType: 'locale', name: texts.locale.name, dictionary: texts.locale.dictionary,
        format: texts.locale.format
      });
      config.locale = texts.locale.name;
    }
    Plotly.newPlot(plot, traces, layout, config).then(function () {
      plot.on('plotly_clickannotation', function (ev) {  // a lead's label opens the lead
        if (ev.annotation && ev.annotation.link) window.location.href = ev.annotation.link;
      });
      box.classList.add('live');
      plot.setAttribute('data-ready', '1');
    });
  }

  document.querySelectorAll('[data-live-chart]').forEach(draw);
})();
