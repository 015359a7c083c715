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
import html

import numpy as np

from .page import _shell, _uid
from .svg import BOT, FS, PH, TOP, _axes_svg, _margin, _Panel, _png
from .web import WebExplorer

__all__ = ["phase_explorer", "PhaseExplorer"]

MAP_W, RUN_W = 400, 420                # the panels' widths (each in its own SVG, in svg.py's units)
Y_LOG = (-12.0, 2.0)                   # the run panel's decades
_CSS = (".olp{margin:1em 0;font-family:system-ui,sans-serif;max-width:960px}.olp .olp-figs{display:flex;"
        "flex-wrap:wrap;gap:0 1em}.olp svg{flex:1 1 340px;min-width:0;max-width:100%;height:auto;display:block;"
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


class PhaseExplorer(WebExplorer):
    """The HTML of an interactive phase diagram (``.html``) and what it shows (``.data``), displayed by Jupyter
    and Jupyter Book; ``.svg``, what it first shows as one static figure (the book's PDF)."""

    def __init__(self, html_text, data, svg_text=None):
        super().__init__(html_text, svg_text)
        self.data = data


def _map_png(pd, optimum, w, h):
    """The map: the phase diagram drawn edge to edge (its star at ``optimum``), as a PNG data URL."""
    import matplotlib
    from matplotlib.figure import Figure
    from PIL import Image

    from ..viz.phase import plot_phase_diagram
    from ..viz.style import book_rc

    with matplotlib.rc_context({**book_rc(), "savefig.bbox": "standard"}):
        fig = Figure(figsize=(w / 110, h / 110))  # about 3.6 by 3 inches: the map's labels at a legible size
        ax = fig.add_axes((0, 0, 1, 1))
        plot_phase_diagram(pd, ax=ax, colorbar=False, optimum=optimum)
        ax.set_axis_off()
        return "data:image/png;base64," + _png(fig, colors=128, dpi=132, method=Image.Quantize.MEDIANCUT)


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
    xlim = tuple(float(v * np.max(ref.curvatures)) for v in (ref.learning_rates[0], ref.learning_rates[-1]))
    ylim, labels = (float(ref.momenta[0]), float(ref.momenta[-1])), ("η λmax", "momentum μ")
    pm = _Panel(_margin(ylim, False, labels[1]), MAP_W, xlim, ylim, xlabel=labels[0], ylabel=labels[1])
    label = "‖x_k‖ / ‖x_0‖  (log scale)"
    pr = _Panel(_margin(Y_LOG, True, label), RUN_W, (0, runs[ks[k0]].trajectory.steps), Y_LOG, ylog=True,
                xlabel="step k", ylabel=label)
    names = list(dict.fromkeys(str(r) for k in ks for r in np.ravel(runs[k].regime)))
    yv = lambda v: np.round(TOP + PH * (Y_LOG[1] - v) / (Y_LOG[1] - Y_LOG[0])).astype(int)
    out, centres = [], None
    for kappa in ks:
        coarse, lam = runs[kappa], float(np.max(runs[kappa].curvatures))
        steps = coarse.trajectory.steps
        every = max(1, steps // 40)
        ticks = np.arange(0, steps + 1, every)
        dx = RUN_W * every / steps
        norms = np.linalg.norm(coarse.trajectory.path, axis=-1)
        rel = np.log10(np.maximum(norms / norms[0], 1e-300))
        n_mu, n_eta = coarse.closed.shape
        if centres is None:
            cx, cy = pm.px(coarse.learning_rates * lam, coarse.momenta)
            centres = {"x": np.round(cx, 1).tolist(), "y": np.round(cy, 1).tolist()}
        cells = []
        for j in range(n_mu):
            for i in range(n_eta):
                r = j * n_eta + i
                dv = int(coarse.trajectory.diverged_at[r]) if coarse.diverged[j, i] else -1
                ys = yv(np.clip(rel[ticks[ticks < dv] if dv >= 0 else ticks, r], Y_LOG[0] - 1, Y_LOG[1] + 1))
                rho = float(coarse.closed[j, i])
                end = float(np.clip(steps * np.log10(max(rho, 1e-300)), -1e3, 1e3))
                cross = pr.exit_point(pr.x + dx * np.arange(len(ys)), ys) if dv >= 0 else None
                cells.append([f"{coarse.learning_rates[i] * lam:.2f}", f"{coarse.momenta[j]:.3f}", f"{rho:.3f}",
                              f"{coarse.simulated[j, i]:.3f}", names.index(str(coarse.regime[j, i])), dv,
                              ys.tolist(), int(yv(end)), None if cross is None else np.round(cross, 1).tolist()])
        star = optima[kappa] if optima is not None else maps[kappa].optimum()[:2]
        out.append({"kappa": f"{float(kappa):g}", "png": _map_png(maps[kappa], star, pm.w, pm.h), "cells": cells,
                    "dx": dx, "steps": int(steps)})
    c0 = int(np.argmin([float(c[2]) for c in out[k0]["cells"]]))   # the stored setting with the best rate
    data = {"kappas": out, "k0": k0, "c0": c0, "ne": len(centres["x"]), "nm": len(centres["y"]), "cx": centres["x"],
            "cy": centres["y"], "x0": pm.x, "y0": TOP, "pw": pm.w, "ph": PH, "rx": pr.x, "regimes": names}
    page, svg = _html(data, ks, k0, pm, pr, title, alt)
    return PhaseExplorer(page, data, svg)


def _svg(cls, p, label, inner):
    """One panel's SVG: the viewBox fits the panel, its ticks and labels (no band above it)."""
    return (f'<svg class="{cls}" viewBox="0 {TOP - 12} {p.x + p.w + 20:.0f} {PH + BOT + 12}" role="img" '
            f'aria-label="{html.escape(label)}" font-size="{FS}" font-family="system-ui,sans-serif">{inner}</svg>')


def _html(data, ks, k0, pm, pr, title, alt):
    uid = _uid("phase", data)
    alt = alt or ("Phase diagram over the step eta times lambda max and the momentum mu for a quadratic with "
                  "condition number kappa, and the run of the setting under the pointer.")
    eta_ticks = [(float(v), f"{v:g}") for v in range(int(np.ceil(pm.xlim[0])), int(np.floor(pm.xlim[1])) + 1)]
    svg_map = _svg("olp-svg-map", pm, alt, (
        f'<image class="olp-img" x="{pm.x}" y="{TOP}" width="{pm.w}" height="{PH}" preserveAspectRatio="none" '
        f'href="{data["kappas"][k0]["png"]}"/>{_axes_svg(uid, 0, pm, eta_ticks)}'
        f'<circle class="olp-mark" r="8" fill="none" stroke="#d55e00" stroke-width="3"/>'
        f'<rect class="olp-hit olp-map" x="{pm.x}" y="{TOP}" width="{pm.w}" height="{PH}" fill="transparent" '
        f'tabindex="0" role="application" aria-label="phase diagram: point or use the arrow keys to choose a '
        f'setting"/>'))
    y0 = TOP + PH * Y_LOG[1] / (Y_LOG[1] - Y_LOG[0])  # the error 10^0 at the start
    svg_run = _svg("olp-svg-run", pr, "the error of the chosen run against the step", (
        f'{_axes_svg(uid, 1, pr)}<g clip-path="url(#{uid}-c1)"><line class="olp-ref" x1="{pr.x}" y1="{y0:.1f}" '
        f'x2="{pr.x + pr.w}" y2="0" stroke="#777" stroke-dasharray="5 4"/><polyline class="olp-run" fill="none" '
        f'stroke="#e69f00" stroke-width="2.5"/></g><path class="olp-div" d="M-8,0H8M0,-8V8" stroke="#d55e00" '
        f'stroke-width="3.5" style="display:none"/><text x="{pr.x + pr.w - 6}" y="{TOP + PH - 8}" '
        f'text-anchor="end" fill="#555" font-size="14">the run (orange); ρᵏ of the closed form (dashed)</text>'))
    options = "".join(f'<option value="{i}"{" selected" if i == k0 else ""}>{float(k):g}</option>'
                      for i, k in enumerate(ks))
    menu = f'<label for="{uid}-k">condition number κ</label><select id="{uid}-k">{options}</select>'
    body = f'{menu}<div class="olp-figs">{svg_map}{svg_run}</div>'
    page = _shell(uid, "olp", "olp", _CSS, title, body, "", data, _JS.replace("@UID@", uid))
    return page, _print_svg(data, k0, pm, pr, svg_map, svg_run, alt)


def _print_svg(data, k0, pm, pr, svg_map, svg_run, alt):
    """One standalone SVG of what the page first shows (the book's PDF): the map and the run of the pinned setting
    side by side, drawn here as the page's script draws them (``show(c0)``), and its sentence under them."""
    d, c = data["kappas"][k0], data["c0"]
    e = d["cells"][c]
    svg_map = svg_map.replace('<circle class="olp-mark" r="8"', f'<circle class="olp-mark" r="8" '
                              f'cx="{data["cx"][c % data["ne"]]}" cy="{data["cy"][c // data["ne"]]}"')
    points = " ".join(f"{data['rx'] + t * d['dx']:.1f},{y}" for t, y in enumerate(e[6]))
    svg_run = svg_run.replace('y2="0"', f'y2="{e[7]}"').replace(
        '<polyline class="olp-run"', f'<polyline class="olp-run" points="{points}"')
    if e[5] >= 0:
        svg_run = svg_run.replace('style="display:none"', f'transform="translate({e[8][0]},{e[8][1]}) rotate(45)"')
    status = (f"κ = {d['kappa']}, η λmax = {e[0]}, μ = {e[1]}: closed-form rate {e[2]} ({data['regimes'][e[4]]}), "
              f"measured {e[3]}" + (f"; the run diverged at step {e[5]}." if e[5] >= 0 else "."))
    h, wm, wr = PH + BOT + 12, pm.x + pm.w + 20, pr.x + pr.w + 20
    place = lambda svg, x, w: svg.replace("<svg ", f'<svg x="{x:.0f}" y="0" width="{w:.0f}" height="{h}" ', 1)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {wm + wr:.0f} {h + 28}" font-size="{FS}" '
            f'font-family="system-ui,sans-serif"><title>{html.escape(alt)}</title>'
            f'<rect width="100%" height="100%" fill="#fff"/>{place(svg_map, 0, wm)}{place(svg_run, wm, wr)}'
            f'<text x="{pm.x}" y="{h + 20}">{html.escape(status)}</text></svg>')
