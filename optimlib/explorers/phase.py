r"""An interactive phase diagram for the website: pick a condition number, point at a setting, see its run.

:func:`phase_explorer` draws diagrams computed by :func:`optimlib.phase_diagram` (closed form and one batched
``ol.run``), one per condition number :math:`\kappa`: a fine one as the map (drawn by
:func:`optimlib.plot_phase_diagram`) and a coarse one whose runs are shown, the error
:math:`\lVert x_k\rVert / \lVert x_0\rVert` against the step beside the closed form's :math:`\rho^k`. The result is
self-contained HTML (two SVGs that sit side by side or, on a phone, one above the other; a ``<select>`` for
:math:`\kappa`; a sentence with ``aria-live``). A small inline script only shows precomputed data: hovering over the
map previews the run of the nearest stored setting, a click pins it, the arrow keys move it. Nothing is fetched and
no optimizer runs in JavaScript; the same HTML displays in Jupyter, so the figure is the same live and on the page.

::

    maps = {k: ol.phase_diagram([1, k], np.linspace(0, 4.2, 61)[1:] / k, np.linspace(0, 0.99, 50)) for k in ks}
    runs = {k: ol.phase_diagram([1, k], np.linspace(0.1, 4.1, 21) / k, np.linspace(0.03, 0.97, 16), steps=120,
                                window=40) for k in ks}
    ol.phase_explorer(maps, runs, optima={k: ol.optimal_momentum(1, k)[:2] for k in ks})
"""
import base64
import hashlib
import html
import io
import json

import numpy as np


__all__ = ["phase_explorer", "PhaseExplorer"]

TOP, PH = 12, 300                      # each SVG's top margin and panel height (viewBox units)
MAP = (70, 360)                        # the map's left edge and width (its own SVG)
RUN = (70, 390)                        # the run panel's left edge and width (its own SVG)
Y_LOG = (-12.0, 2.0)                   # the run panel's decades
_CSS = (".olp{margin:1em 0;font-family:system-ui,sans-serif;max-width:960px}.olp .olp-figs{display:flex;"
        "flex-wrap:wrap;gap:0 1em}.olp svg{flex:1 1 420px;min-width:0;max-width:100%;height:auto;display:block;"
        "background:#fff}.olp .olp-title{font-weight:bold;margin:.4em 0 .2em}.olp .olp-map{cursor:crosshair}.olp .olp-status{font-size:.9em;"
        "min-height:2.6em;margin:.3em 0}.olp label{margin-right:.5em}.olp :focus-visible{outline:2px solid #0072b2}")
_JS = r"""(function(){const R=document.getElementById("@UID@"),D=JSON.parse(R.querySelector("script.olp-data").textContent),
S=R.querySelector("svg.olp-svg-map"),M=R.querySelector(".olp-hit"),I=R.querySelector("image.olp-img"),L=R.querySelector(".olp-run"),
F=R.querySelector(".olp-ref"),C=R.querySelector(".olp-mark"),X=R.querySelector(".olp-div"),T=R.querySelector(".olp-status"),
Q=R.querySelector("select");let k=D.k0,pin=D.c0;const ne=D.ne,nm=D.nm;
function px(c){return[D.cx[c%ne],D.cy[Math.floor(c/ne)]];}
function near(a,v){let b=0;for(let i=1;i<a.length;i++)if(Math.abs(a[i]-v)<Math.abs(a[b]-v))b=i;return b;}
function show(c){const d=D.kappas[k],e=d.cells[c],ys=e[6],p=[];for(let t=0;t<ys.length;t++)p.push((D.rx+t*d.dx).toFixed(1)+","+ys[t]);
L.setAttribute("points",p.join(" "));F.setAttribute("y2",e[7]);const q=px(c);C.setAttribute("cx",q[0]);C.setAttribute("cy",q[1]);
if(e[5]>=0){X.setAttribute("transform","translate("+e[8][0]+","+e[8][1]+") rotate(45)");X.style.display="";}
else X.style.display="none";
T.textContent="κ = "+d.kappa+", η λmax = "+e[0]+", μ = "+e[1]+": closed-form rate "+e[2]+" ("+D.regimes[e[4]]+"), measured "+e[3]+
(e[5]>=0?"; the run diverged at step "+e[5]+".":".")+(c===pin?"":" (hover; click to keep)");}
function cellAt(ev){const pt=S.createSVGPoint();pt.x=ev.clientX;pt.y=ev.clientY;const v=pt.matrixTransform(S.getScreenCTM().inverse());
return near(D.cy,v.y)*ne+near(D.cx,v.x);}
function setK(i){k=i;I.setAttribute("href",D.kappas[k].png);show(pin);}
M.addEventListener("pointermove",ev=>show(cellAt(ev)));M.addEventListener("pointerleave",()=>show(pin));
M.addEventListener("click",ev=>{pin=cellAt(ev);show(pin);});
M.addEventListener("keydown",ev=>{let i=pin%ne,j=Math.floor(pin/ne);const m={ArrowLeft:[-1,0],ArrowRight:[1,0],ArrowUp:[0,1],ArrowDown:[0,-1]}[ev.key];
if(!m)return;ev.preventDefault();i=Math.min(ne-1,Math.max(0,i+m[0]));j=Math.min(nm-1,Math.max(0,j+m[1]));pin=j*ne+i;show(pin);});
Q.addEventListener("change",()=>setK(+Q.value));setK(k);})();"""


class PhaseExplorer:
    """The HTML of an interactive phase diagram (``.html``), shown by Jupyter and Jupyter Book; ``.svg``, what it
    first shows as one static figure (``_repr_svg_``: the book's PDF)."""

    def __init__(self, html_text, data, svg_text=None):
        self.html, self.data, self.svg = html_text, data, svg_text

    def _repr_html_(self):
        return self.html

    def _repr_svg_(self):
        return self.svg

    @property
    def nbytes(self):
        return len(self.html.encode())

    def __repr__(self):
        return f"<PhaseExplorer: {self.nbytes / 1024:.0f} kB of HTML>"


def _png(pd, optimum):
    """The map: the phase diagram drawn edge to edge (its star at ``optimum``), as a base64 PNG data URL."""
    import matplotlib

    from ..viz.phase import plot_phase_diagram
    from ..viz.style import book_rc

    with matplotlib.rc_context({**book_rc(), "savefig.bbox": "standard"}):
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(MAP[1] / 100, PH / 100), dpi=100)
        ax = fig.add_axes([0, 0, 1, 1])
        plot_phase_diagram(pd, ax=ax, colorbar=False, optimum=optimum)
        ax.set_axis_off()
        raw = io.BytesIO()
        fig.savefig(raw, format="png", dpi=120)
        plt.close(fig)
    from PIL import Image

    buf = io.BytesIO()  # a 128-colour palette: a quarter of the bytes, no visible banding at this size
    Image.open(raw).convert("RGB").quantize(128, method=Image.Quantize.MEDIANCUT).save(buf, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _exit(X, Y):
    """Where a diverging run (viewBox points) leaves the run panel, or its last point if it stays inside."""
    inside = (Y >= TOP) & (Y <= TOP + PH)
    k = len(Y) - 1 if inside.all() else max(int(np.argmin(inside)) - 1, 0)
    return [round(float(np.clip(X[k], RUN[0], RUN[0] + RUN[1])), 1), int(np.clip(Y[k], TOP, TOP + PH))]


def _check(maps, runs, optima):
    if not isinstance(maps, dict) or not isinstance(runs, dict) or not maps or set(maps) != set(runs):
        raise ValueError("Invalid maps/runs: two non-empty dicts {kappa: PhaseDiagram} with the same keys")
    for name, group in (("maps", maps), ("runs", runs)):
        for k, pd in group.items():
            if not all(hasattr(pd, a) for a in ("closed", "simulated", "regime", "trajectory", "curvatures")):
                raise ValueError(f"Invalid {name}[{k!r}]: {type(pd).__name__} (must be an ol.phase_diagram result)")
    if optima is not None and (not isinstance(optima, dict) or set(optima) != set(maps)):
        raise ValueError("Invalid optima: a dict {kappa: (eta, mu)} with the keys of maps")


def phase_explorer(maps, runs, *, optima=None, initial=None, title=None, alt=None):
    """An interactive phase diagram over :math:`(\\eta, \\mu)`, one per condition number, with the runs.

    Args:
        maps: ``{kappa: PhaseDiagram}``, the diagrams drawn as maps (a fine grid; :func:`optimlib.phase_diagram`).
        runs: ``{kappa: PhaseDiagram}`` with the same keys: the settings whose runs are shown (a coarse grid;
            ``steps`` about 100 to 200). A diagram's x axis is :math:`\\eta\\lambda_{\\max}`.
        optima: ``{kappa: (eta, mu)}``, a star on each map (default: the best cell of the map's grid).
        initial: the kappa shown first (default the middle one of the menu).
        title: a heading above the figure. alt: the map's text alternative.

    Returns a :class:`PhaseExplorer`; its ``data`` holds what the page shows (per kappa: the map, and per
    setting ``[eta*L, mu, closed-form rate, measured rate, regime index, diverged_at or -1, run, rate line,
    where a diverging run leaves the panel]``).
    """
    _check(maps, runs, optima)
    ks = sorted(maps)
    k0 = len(ks) // 2 if initial is None else int(np.argmin([abs(float(k) - float(initial)) for k in ks]))
    ref = maps[ks[0]]
    lo_x, hi_x = [float(v * np.max(ref.curvatures)) for v in (ref.learning_rates[0], ref.learning_rates[-1])]
    lo_y, hi_y = float(ref.momenta[0]), float(ref.momenta[-1])
    px_x = lambda v: MAP[0] + MAP[1] * (v - lo_x) / (hi_x - lo_x)
    px_y = lambda v: TOP + PH * (hi_y - v) / (hi_y - lo_y)
    names = list(dict.fromkeys(str(r) for k in ks for r in np.ravel(runs[k].regime)))
    out, centres = [], None
    for kappa in ks:
        coarse, lam = runs[kappa], float(np.max(runs[kappa].curvatures))
        steps = coarse.trajectory.steps
        every = max(1, steps // 40)
        ticks = np.arange(0, steps + 1, every)
        dx = RUN[1] * every / steps
        yv = lambda v: np.round(TOP + PH * (Y_LOG[1] - v) / (Y_LOG[1] - Y_LOG[0])).astype(int)
        norms = np.linalg.norm(coarse.trajectory.path, axis=-1)
        rel = np.log10(np.maximum(norms / norms[0], 1e-300))
        n_mu, n_eta = coarse.closed.shape
        centres = centres or {"x": [round(float(px_x(e * lam)), 1) for e in coarse.learning_rates],
                              "y": [round(float(px_y(m)), 1) for m in coarse.momenta]}
        cells = []
        for j in range(n_mu):
            for i in range(n_eta):
                r = j * n_eta + i
                dv = int(coarse.trajectory.diverged_at[r]) if coarse.diverged[j, i] else -1
                keep = ticks[ticks < dv] if dv >= 0 else ticks
                ys = yv(np.clip(rel[keep, r], Y_LOG[0] - 1, Y_LOG[1] + 1)).tolist()
                rho = float(coarse.closed[j, i])
                end = float(np.clip(steps * np.log10(max(rho, 1e-300)), -1e3, 1e3))
                cells.append([f"{coarse.learning_rates[i] * lam:.2f}", f"{coarse.momenta[j]:.3f}", f"{rho:.3f}",
                              f"{coarse.simulated[j, i]:.3f}", names.index(str(coarse.regime[j, i])), dv, ys,
                              int(yv(end)), _exit(RUN[0] + dx * np.arange(len(ys)), np.array(ys)) if dv >= 0
                              else None])
        star = optima[kappa] if optima is not None else maps[kappa].optimum()[:2]
        out.append({"kappa": f"{float(kappa):g}", "png": _png(maps[kappa], star), "cells": cells, "dx": dx,
                    "steps": int(steps)})
    c0 = int(np.argmin([float(c[2]) for c in out[k0]["cells"]]))   # the stored setting with the best rate
    data = {"kappas": out, "k0": k0, "c0": c0, "ne": len(centres["x"]), "nm": len(centres["y"]), "cx": centres["x"],
            "cy": centres["y"], "x0": MAP[0], "y0": TOP, "pw": MAP[1], "ph": PH, "rx": RUN[0], "regimes": names}
    xlim, ylim = (lo_x, hi_x), (lo_y, hi_y)
    page, svg = _html(data, ks, k0, out[k0]["steps"], xlim, ylim, px_y, title, alt)
    return PhaseExplorer(page, data, svg)


def _axes(x, w, xlim, xticks, xlabel, ylabel, yticks):
    a = [f'<rect x="{x}" y="{TOP}" width="{w}" height="{PH}" fill="none" stroke="#333"/>']
    for v, label in xticks:
        X = x + w * (v - xlim[0]) / (xlim[1] - xlim[0])
        a.append(f'<line x1="{X:.1f}" x2="{X:.1f}" y1="{TOP + PH}" y2="{TOP + PH + 5}" stroke="#333"/>'
                 f'<text x="{X:.1f}" y="{TOP + PH + 18}" text-anchor="middle">{label}</text>')
    for Y, label in yticks:
        a.append(f'<line x1="{x - 5}" x2="{x}" y1="{Y:.1f}" y2="{Y:.1f}" stroke="#333"/>'
                 f'<text x="{x - 8}" y="{Y + 4:.1f}" text-anchor="end">{label}</text>')
    a.append(f'<text x="{x + w / 2}" y="{TOP + PH + 36}" text-anchor="middle">{xlabel}</text>'
             f'<text transform="translate({x - 48},{TOP + PH / 2}) rotate(-90)" text-anchor="middle">{ylabel}</text>')
    return "".join(a)


def _svgs(data, k0, steps, xlim, ylim, px_y, alt, uid, cell=None):
    """The map's SVG and the run panel's SVG. The page's script draws the run, the ring and the cross; with
    ``cell`` (an index into ``data["kappas"][k0]["cells"]``) they are drawn here, for a static figure."""
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    mu_ticks = [(px_y(v), f"{v:g}") for v in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0) if ylim[0] <= v <= ylim[1]]
    eta_ticks = [(v, f"{v:g}") for v in range(int(np.ceil(xlim[0])), int(np.floor(xlim[1])) + 1)]
    run_ticks = [(TOP + PH * (Y_LOG[1] - e) / (Y_LOG[1] - Y_LOG[0]), "10" + str(e).translate(sup))
                 for e in range(int(Y_LOG[0]), int(Y_LOG[1]) + 1, 2)]
    h = TOP + PH + 48
    mark, ref, run, cross = "", "0", "", ' style="display:none"'
    if cell is not None:  # as the script's show(cell)
        d = data["kappas"][k0]
        e = d["cells"][cell]
        mark = f' cx="{data["cx"][cell % data["ne"]]}" cy="{data["cy"][cell // data["ne"]]}"'
        ref = str(e[7])
        run = ' points="' + " ".join(f"{data['rx'] + t * d['dx']:.1f},{y}" for t, y in enumerate(e[6])) + '"'
        if e[5] >= 0:
            cross = f' transform="translate({e[8][0]},{e[8][1]}) rotate(45)"'
    svg_map = [f'<svg class="olp-svg-map" viewBox="0 0 {MAP[0] + MAP[1] + 20} {h}" role="img" '
               f'aria-label="{html.escape(alt)}" font-size="12" font-family="system-ui,sans-serif">',
               f'<image class="olp-img" x="{MAP[0]}" y="{TOP}" width="{MAP[1]}" height="{PH}" '
               f'preserveAspectRatio="none" href="{data["kappas"][k0]["png"]}"/>',
               _axes(MAP[0], MAP[1], xlim, eta_ticks, "η λmax", "momentum μ", mu_ticks),
               f'<circle class="olp-mark" r="6"{mark} fill="none" stroke="#d55e00" stroke-width="2.5"/>',
               f'<rect class="olp-hit olp-map" x="{MAP[0]}" y="{TOP}" width="{MAP[1]}" height="{PH}" '
               f'fill="transparent" tabindex="0" role="application" aria-label="phase diagram: point or use the '
               f'arrow keys to choose a setting"/></svg>']
    svg_run = [f'<svg class="olp-svg-run" viewBox="0 0 {RUN[0] + RUN[1] + 20} {h}" role="img" aria-label="the '
               f'error of the chosen run against the step" font-size="12" font-family="system-ui,sans-serif">',
               f'<clipPath id="{uid}-c"><rect x="{RUN[0]}" y="{TOP}" width="{RUN[1]}" height="{PH}"/></clipPath>',
               _axes(RUN[0], RUN[1], (0, steps), [(v, f"{v:g}") for v in np.linspace(0, steps, 6).round()],
                     "step k", "‖x_k‖ / ‖x_0‖  (log scale)", run_ticks),
               f'<g clip-path="url(#{uid}-c)"><line class="olp-ref" x1="{RUN[0]}" '
               f'y1="{TOP + PH * Y_LOG[1] / (Y_LOG[1] - Y_LOG[0]):.1f}" x2="{RUN[0] + RUN[1]}" y2="{ref}" stroke="#777" '
               f'stroke-dasharray="5 4"/><polyline class="olp-run"{run} fill="none" stroke="#e69f00" '
               f'stroke-width="2"/></g>',
               f'<path class="olp-div" d="M-7,0H7M0,-7V7" stroke="#d55e00" stroke-width="3"{cross}/>',
               f'<text x="{RUN[0] + RUN[1] - 6}" y="{TOP + PH - 8}" text-anchor="end" fill="#555">the run (orange); '
               f'ρᵏ of the closed form (dashed)</text></svg>']
    return "".join(svg_map), "".join(svg_run)


def _status(data, k0, cell):
    """The sentence the page's script writes for a pinned ``cell`` of the map of ``data["kappas"][k0]``."""
    d = data["kappas"][k0]
    e = d["cells"][cell]
    return (f"κ = {d['kappa']}, η λmax = {e[0]}, μ = {e[1]}: closed-form rate {e[2]} ({data['regimes'][e[4]]}), "
            f"measured {e[3]}" + (f"; the run diverged at step {e[5]}." if e[5] >= 0 else "."))


def _print_svg(data, k0, steps, xlim, ylim, px_y, alt, uid):
    """One standalone SVG of what the page first shows: the map and the run of the pinned setting side by side,
    the sentence under them (the static rendering: the book's PDF)."""
    svg_map, svg_run = _svgs(data, k0, steps, xlim, ylim, px_y, alt, uid + "-print", data["c0"])
    h, wm, wr = TOP + PH + 48, MAP[0] + MAP[1] + 20, RUN[0] + RUN[1] + 20
    place = lambda svg, x, w: svg.replace("<svg ", f'<svg x="{x}" y="0" width="{w}" height="{h}" ', 1)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {wm + wr} {h + 24}" font-size="12" '
            f'font-family="system-ui,sans-serif"><title>{html.escape(alt)}</title>'
            f'<rect width="100%" height="100%" fill="#fff"/>{place(svg_map, 0, wm)}{place(svg_run, wm, wr)}'
            f'<text x="{MAP[0]}" y="{h + 16}">{html.escape(_status(data, k0, data["c0"]))}</text></svg>')


def _html(data, ks, k0, steps, xlim, ylim, px_y, title, alt):
    """The explorer's HTML (the menu, the two SVGs, the status line, the data and the script) and its static SVG."""
    payload = json.dumps(data, separators=(",", ":"))
    uid = "olp-" + hashlib.sha1(payload.encode()).hexdigest()[:10]
    alt = alt or ("Phase diagram over the step eta times lambda max and the momentum mu for a quadratic with "
                  "condition number kappa, and the run of the setting under the pointer.")
    svg_map, svg_run = _svgs(data, k0, steps, xlim, ylim, px_y, alt, uid)
    heading = f'<p class="olp-title">{html.escape(title)}</p>' if title else ""
    options = "".join(f'<option value="{i}"{" selected" if i == k0 else ""}>{float(k):g}</option>'
                      for i, k in enumerate(ks))
    page = (f'<div class="olp" id="{uid}"><style>{_CSS}</style><label for="{uid}-k">condition number κ</label>'
            f'<select id="{uid}-k">{options}</select>{heading}<div class="olp-figs">' + svg_map + svg_run + '</div>' +
            f'<p class="olp-status" aria-live="polite"></p><script type="application/json" class="olp-data">'
            f'{payload}</script><script>{_JS.replace("@UID@", uid)}</script></div>')
    return page, _print_svg(data, k0, steps, xlim, ylim, px_y, alt, uid)
