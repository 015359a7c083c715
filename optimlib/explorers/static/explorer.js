/* optimlib web explorers: show precomputed optimizer runs; no optimizer logic here, no requests.
   Each <div class="ol-explorer"> holds its data in <script type="application/json" class="ol-data">.
   Loaded once per page (guard); later copies only scan for explorers not yet started. */
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
  var CROSS = "M-6,-6L6,6M-6,6L6,-6";

  function start(root) {
    var el = root.querySelector("script.ol-data");
    if (!el || root.getAttribute("data-ol-ready")) return;
    root.setAttribute("data-ol-ready", "1");
    var D = JSON.parse(el.textContent);
    var inputs = Array.prototype.slice.call(root.querySelectorAll("input.ol-slider"));
    var step = root.querySelector("input.ol-step");
    var dyn = root.querySelector(".ol-dyn");
    var status = root.querySelector(".ol-status");
    var play = root.querySelector("button.ol-play");
    var last = D.frames ? D.frames.length - 1 : 0;

    function render(quiet) {
      var pos = inputs.map(function (inp) { return +inp.value; });
      var vals = [];
      inputs.forEach(function (inp, j) {
        var t = D.sl[j].v[pos[j]];
        inp.setAttribute("aria-valuetext", t);
        var out = inp.parentNode.querySelector("output");
        if (out) out.textContent = t;
        vals.push(D.sl[j].l + " = " + t);
      });
      var fj = step ? +step.value : last, now = D.frames ? D.frames[fj] : null;
      if (step) {
        step.setAttribute("aria-valuetext", "step " + now);
        var so = step.parentNode.querySelector("output");
        if (so) so.textContent = now;
        vals.push("step " + now + " of " + D.steps);
      }
      var svg = [], notes = [], said = {}, order = [], seen = {};
      D.series.forEach(function (s) {
        var g = 0;
        for (var j = 0; j < s.u.length; j++) g += pos[s.u[j]] * s.st[j];
        var a = s.pts[g] || [], n = a.length / 2, dv = s.dv ? s.dv[g] : null;
        var hit = dv && (now === null || now >= dv[0]);
        if (D.frames && !hit) n = Math.min(n, fj + 1);
        var clip = ' clip-path="url(#' + D.uid + "-c" + s.p + ')"';
        if (order.indexOf(s.n) < 0) order.push(s.n);
        svg.push("<polyline" + clip + ' points="' + points(a, n) + '" fill="none" stroke="' + s.c +
                 '" stroke-width="' + s.lw + '" stroke-dasharray="' + s.da + '" stroke-linejoin="round"/>');
        if (s.end && n > 0) {
          svg.push("<g" + clip + '><path d="' + s.m + '" transform="translate(' + a[2 * n - 2] + "," +
                   a[2 * n - 1] + ")" + (s.mr ? " rotate(" + s.mr + ")" : "") + '" fill="' + s.c +
                   '" stroke="#fff" stroke-width="0.8"/></g>');
        }
        if (hit) {
          svg.push('<path d="' + CROSS + '" transform="translate(' + dv[1] + "," + dv[2] + ')" stroke="#000" ' +
                   'stroke-width="4.5"/><path d="' + CROSS + '" transform="translate(' + dv[1] + "," + dv[2] +
                   ')" stroke="' + s.c + '" stroke-width="2.5"/>');
          if (!seen[s.n]) {
            seen[s.n] = 1;
            said[s.n] = s.n + " diverged at " + (s.dw || "step") + " " + dv[0];
            notes.push([said[s.n], s.c]);
          }
        } else if (s.f && s.f[g] && !(s.n in said)) {
          said[s.n] = s.n + " " + s.f[g];
        }
      });
      notes.forEach(function (nt, i) {
        svg.push('<text class="ol-note" x="' + D.note[0] + '" y="' + (D.note[1] + 19 * i) + '" fill="' + nt[1] +
                 '" stroke="#fff" stroke-width="4" paint-order="stroke">' + esc(nt[0]) + "</text>");
      });
      svg.push('<text class="ol-values" x="' + D.head[0] + '" y="' + D.head[1] + '">' + esc(vals.join(" · ")) +
               "</text>");
      dyn.innerHTML = svg.join("");
      if (quiet) return;
      var done = !D.frames || fj === last;  // mid-race, only the divergences so far are stated
      var res = order.filter(function (nm) { return nm in said && (done || seen[nm]); })
                     .map(function (nm) { return said[nm]; });  // in legend order, as the live explorer says it
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
        render(false);
      };
      play.addEventListener("click", function () {
        if (timer) { stop(); return; }
        if (+step.value >= +step.max) step.value = 0;
        play.textContent = "Pause"; play.setAttribute("aria-pressed", "true");
        timer = setInterval(function () {
          if (+step.value >= +step.max) { stop(); return; }
          step.value = +step.value + 1;
          render(true);
        }, 50);
      });
    }
    render(false);
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
