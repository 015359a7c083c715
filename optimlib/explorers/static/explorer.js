/* optimlib web explorers: show precomputed optimizer runs; no optimizer logic here, no requests.
   Each <div class="ol-explorer"> holds its data in <script type="application/json" class="ol-data">; its figure
   is already drawn at the initial setting (optimlib/svg.py writes the same markup), so with JavaScript off the
   reader still sees it. Loaded once per page (guard); later copies only scan for explorers not yet started. */
(function () {
  "use strict";
  if (window.olExplorers) { window.olExplorers.scan(document.currentScript); return; }

  function esc(t) {
    return String(t).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function points(a, n) {
    var s = [];
    for (var i = 0; i < n; i++) s.push(a[2 * i] + "," + a[2 * i + 1]);
    return s.join(" ");
  }
  function upto(ks, now) {  // how many of the kept points (their steps ks, ascending) are at or before step now
    var n = 0;
    while (n < ks.length && ks[n] <= now) n++;
    return n;
  }
  var CROSS = "M-6,-6L6,6M-6,6L6,-6";

  function start(root) {
    var el = root.querySelector("script.ol-data");
    if (!el || root.getAttribute("data-ol-ready")) return;
    root.setAttribute("data-ol-ready", "1");
    var D = JSON.parse(el.textContent);
    var inputs = Array.prototype.slice.call(root.querySelectorAll("input.ol-slider"));
    var step = root.querySelector("input.ol-step");
    var svgEl = root.querySelector(".ol-figure svg");
    var panels = Array.prototype.slice.call(root.querySelectorAll("g.ol-p"));
    var dyn = panels.map(function (p) { return p.querySelector("g.ol-dyn"); });
    var top = root.querySelector("g.ol-top");
    var status = root.querySelector(".ol-status");
    var play = root.querySelector("button.ol-play");
    var last = D.frames ? D.frames.length - 1 : 0;
    var lay = "w";

    function layout() {  // side by side, or stacked when the explorer is narrower than D.brk CSS pixels
      var want = D.lay.n && root.clientWidth > 0 && root.clientWidth < D.brk ? "n" : "w";
      if (want === lay && svgEl.getAttribute("data-lay") === want) return;
      lay = want;
      var L = D.lay[lay];
      svgEl.setAttribute("viewBox", "0 0 " + L.vb[0] + " " + L.vb[1]);
      svgEl.setAttribute("data-lay", lay);
      panels.forEach(function (p, i) {
        p.setAttribute("transform", "translate(" + L.t[i][0] + "," + L.t[i][1] + ")");
      });
      Array.prototype.forEach.call(root.querySelectorAll("g.ol-leg"), function (g) {
        g.setAttribute("display", g.getAttribute("data-lay") === lay ? "inline" : "none");
      });
      render(true);
    }

    function render(quiet) {
      var pos = inputs.map(function (inp) { return +inp.value; });
      var vals = [];
      inputs.forEach(function (inp, j) {
        var t = D.sl[j].v[pos[j]];
        inp.setAttribute("aria-valuetext", t);
        var out = inp.parentNode.parentNode.querySelector("output");
        if (out) out.textContent = t;
        vals.push(D.sl[j].l + " = " + t);
      });
      var fj = step ? +step.value : last, now = D.frames ? D.frames[fj] : null;
      if (step) {
        step.setAttribute("aria-valuetext", "step " + now);
        var so = step.parentNode.parentNode.querySelector("output");
        if (so) so.textContent = now;
        vals.push("step " + now + " of " + D.steps);
      }
      var svg = panels.map(function () { return []; }), notes = [], said = {}, order = [], seen = {};
      D.series.forEach(function (s) {
        var g = 0;
        for (var j = 0; j < s.u.length; j++) g += pos[s.u[j]] * s.st[j];
        var a = s.pts[g] || [], n = a.length / 2, dv = s.dv ? s.dv[g] : null;
        var hit = dv && (now === null || now >= dv[0]);
        if (D.frames && !hit && s.ks) n = upto(s.ks[g], now);
        var out = svg[s.p], clip = ' clip-path="url(#' + D.uid + "-c" + s.p + ')"';
        var key = s.p + ":" + s.n;  // a name may stand in several panels, for different runs
        if (order.indexOf(key) < 0) order.push(key);
        out.push("<polyline" + clip + ' points="' + points(a, n) + '" fill="none" stroke="' + s.c + '" stroke-width="' +
                 s.lw + '" stroke-dasharray="' + s.da + '" stroke-linejoin="round"/>');
        if (s.end && n > 0) {
          out.push("<g" + clip + '><path d="' + s.m + '" transform="translate(' + a[2 * n - 2] + "," +
                   a[2 * n - 1] + ")" + (s.mr ? " rotate(" + s.mr + ")" : "") + '" fill="' + s.c +
                   '" stroke="#fff" stroke-width="0.8"/></g>');
        }
        if (hit) {
          out.push('<path d="' + CROSS + '" transform="translate(' + dv[1] + "," + dv[2] + ')" stroke="#000" ' +
                   'stroke-width="4.5"/><path d="' + CROSS + '" transform="translate(' + dv[1] + "," + dv[2] +
                   ')" stroke="' + s.c + '" stroke-width="2.5"/>');
          if (!seen[key]) {
            seen[key] = 1;
            said[key] = s.n + " diverged at " + (s.dw || "step") + " " + dv[0];
            if (!notes.some(function (nt) { return nt[0] === said[key]; })) notes.push([said[key], s.c]);
          }
        } else if (s.f && s.f[g] && !(key in said)) {
          said[key] = s.n + " " + s.f[g];
        }
      });
      dyn.forEach(function (d, i) { d.innerHTML = svg[i].join(""); });
      var t = [];
      if (!notes.length) {  // the settings, or (they are beside the sliders too) what diverged
        t.push('<text x="' + D.head[0] + '" y="' + D.head[1] + '">' + esc(vals.join(" · ")) + "</text>");
      }
      if (notes.length) {  // above the panels, never over the data: a cross in the run's colour, dark text
        t.push('<text x="' + D.head[0] + '" y="' + D.head[1] + '">' + notes.map(function (nt, i) {
          return '<tspan fill="' + nt[1] + '" font-weight="bold"' + (i ? ' dx="14"' : "") + ">✕ </tspan>" +
                 "<tspan>" + esc(nt[0]) + "</tspan>";
        }).join("") + "</text>");
      }
      top.innerHTML = t.join("");
      if (quiet) return;
      var done = !D.frames || fj === last;  // mid-race, only the divergences so far are stated
      var res = order.filter(function (k) { return k in said && (done || seen[k]); })
                     .map(function (k) { return said[k]; })  // in legend order, as the live explorer says it
                     .filter(function (t, i, all) { return all.indexOf(t) === i; });  // each once
      var head = vals.length ? vals.join(", ") + ". " : "";
      var text = head + (done && D.steps ? "After " + D.steps + " steps: " : "") +
                 (res.length ? res.join("; ") + "." : "");
      if (status.textContent !== text) status.textContent = text;  // "input" then "change": announce once
    }

    inputs.concat(step ? [step] : []).forEach(function (inp) {
      inp.addEventListener("input", function () { render(false); });
      inp.addEventListener("change", function () { render(false); });
    });
    if (play && step) {
      var timer = null;
      var stop = function () {
        clearInterval(timer); timer = null;
        play.textContent = "Play"; play.setAttribute("aria-pressed", "false");
        status.setAttribute("aria-live", "polite");  // announce where the race stopped, once
        status.textContent = "";
        render(false);
      };
      play.addEventListener("click", function () {
        if (timer) { stop(); return; }
        if (+step.value >= +step.max) step.value = 0;
        play.textContent = "Pause"; play.setAttribute("aria-pressed", "true");
        status.setAttribute("aria-live", "off");  // the sentence follows every frame, but is not read out each time
        timer = setInterval(function () {
          if (+step.value >= +step.max) { stop(); return; }
          step.value = +step.value + 1;
          render(false);
        }, 50);
      });
    }
    render(false);
    layout();
    if (window.ResizeObserver) new ResizeObserver(layout).observe(root);
    else window.addEventListener("resize", layout);
  }

  function scan(script) {
    var own = script && script.closest ? script.closest(".ol-explorer") : null;
    if (own) start(own);
    Array.prototype.forEach.call(document.querySelectorAll(".ol-explorer"), start);
  }
  window.olExplorers = { scan: scan };
  scan(document.currentScript);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { scan(); });
  setTimeout(function () { scan(); }, 0);
})();
