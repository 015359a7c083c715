r"""An interactive phase diagram for the website: pick a condition number, point at a setting, see its run.

:func:`phase_explorer` precomputes, for each condition number :math:`\kappa` offered, the phase diagram of
heavy ball (or Nesterov) on the quadratic with eigenvalues 1 and :math:`\kappa` (:func:`optimlib.phase_diagram`:
closed form and one batched ``ol.run``, drawn by :func:`optimlib.plot_phase_diagram`) and, on a coarser grid of
settings :math:`(\eta, \mu)`, the runs themselves: the error :math:`\lVert x_k\rVert / \lVert x_0\rVert` against
the step. The result is self-contained HTML (an SVG, a ``<select>`` for :math:`\kappa`, a sentence with
``aria-live``); a small inline script only shows precomputed data: hovering over the map previews the run of the
nearest setting, a click (or Enter) pins it, the arrow keys move it. Nothing is fetched and no optimizer runs in
JavaScript. The same HTML displays in Jupyter, so the figure is identical live and on the page.
"""
import base64
import hashlib
import html
import io
import json

import numpy as np

from ..optim.rates import REGIMES, momentum_rate, optimal_momentum, phase_diagram

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
function px(c){const i=c%ne,j=Math.floor(c/ne);return[D.x0+(i+.5)*D.cw,D.y0+D.ph-(j+.5)*D.ch];}
function show(c){const d=D.kappas[k],e=d.cells[c],ys=e[6],p=[];for(let t=0;t<ys.length;t++)p.push((D.rx+t*D.dx).toFixed(1)+","+ys[t]);
L.setAttribute("points",p.join(" "));F.setAttribute("y2",e[7]);const q=px(c);C.setAttribute("cx",q[0]);C.setAttribute("cy",q[1]);
if(e[5]>=0){X.setAttribute("transform","translate("+e[8][0]+","+e[8][1]+") rotate(45)");X.style.display="";}
else X.style.display="none";
T.textContent="κ = "+d.kappa+", η λmax = "+e[0]+", μ = "+e[1]+": closed-form rate "+e[2]+" ("+D.regimes[e[4]]+"), measured "+e[3]+
(e[5]>=0?"; the run diverged at step "+e[5]+".":".")+(c===pin?"":" (hover; click to keep)");}
function cellAt(ev){const pt=S.createSVGPoint();pt.x=ev.clientX;pt.y=ev.clientY;const v=pt.matrixTransform(S.getScreenCTM().inverse());
const i=Math.min(ne-1,Math.max(0,Math.floor((v.x-D.x0)/D.cw))),j=Math.min(nm-1,Math.max(0,Math.floor((D.y0+D.ph-v.y)/D.ch)));return j*ne+i;}
function setK(i){k=i;I.setAttribute("href",D.kappas[k].png);show(pin);}
M.addEventListener("pointermove",ev=>show(cellAt(ev)));M.addEventListener("pointerleave",()=>show(pin));
M.addEventListener("click",ev=>{pin=cellAt(ev);show(pin);});
M.addEventListener("keydown",ev=>{let i=pin%ne,j=Math.floor(pin/ne);const m={ArrowLeft:[-1,0],ArrowRight:[1,0],ArrowUp:[0,1],ArrowDown:[0,-1]}[ev.key];
if(!m)return;ev.preventDefault();i=Math.min(ne-1,Math.max(0,i+m[0]));j=Math.min(nm-1,Math.max(0,j+m[1]));pin=j*ne+i;show(pin);});
Q.addEventListener("change",()=>setK(+Q.value));setK(k);})();"""


class PhaseExplorer:
    """The HTML of an interactive phase diagram (``.html``), shown by Jupyter and Jupyter Book."""

    def __init__(self, html_text, data):
        self.html, self.data = html_text, data

    def _repr_html_(self):
        return self.html

    @property
    def nbytes(self):
        return len(self.html.encode())

    def __repr__(self):
        return f"<PhaseExplorer: {self.nbytes / 1024:.0f} kB of HTML>"


def _png(pd, kappa, nesterov):
    """The map for one kappa: the phase diagram drawn edge to edge, as a base64 PNG data URL."""
    import matplotlib

    from ..viz.phase import plot_phase_diagram
    from ..viz.style import book_rc

    with matplotlib.rc_context({**book_rc(), "savefig.bbox": "standard"}):
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(MAP[1] / 100, PH / 100), dpi=100)
        ax = fig.add_axes([0, 0, 1, 1])
        eta, mu = _best(kappa, nesterov, pd)
        plot_phase_diagram(pd, ax=ax, colorbar=False, optimum=(eta, mu))
        ax.set_axis_off()
        raw = io.BytesIO()
        fig.savefig(raw, format="png", dpi=120)
        plt.close(fig)
    from PIL import Image

    buf = io.BytesIO()  # a 128-colour palette: a quarter of the bytes, no visible banding at this size
    Image.open(raw).convert("RGB").quantize(128, method=Image.Quantize.MEDIANCUT).save(buf, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _best(kappa, nesterov, pd):
    """The star: Polyak's pair for heavy ball, the best grid cell for Nesterov."""
    if not nesterov:
        return optimal_momentum(1.0, kappa)[:2]
    return pd.optimum()[:2]


def _exit(X, Y):
    """Where a diverging run (viewBox points) leaves the run panel, or its last point if it stays inside."""
    inside = (Y >= TOP) & (Y <= TOP + PH)
    k = len(Y) - 1 if inside.all() else max(int(np.argmin(inside)) - 1, 0)
    return [round(float(np.clip(X[k], RUN[0], RUN[0] + RUN[1])), 1), int(np.clip(Y[k], TOP, TOP + PH))]


def _check(kappas, n_eta, n_mu, steps):
    k = np.atleast_1d(np.asarray(kappas, dtype=float))
    if k.ndim != 1 or k.size == 0 or not np.all(np.isfinite(k)) or np.any(k < 1):
        raise ValueError(f"Invalid kappas: {kappas!r} (must be condition numbers >= 1)")
    for name, v, low in (("n_eta", n_eta, 2), ("n_mu", n_mu, 2), ("steps", steps, 20)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < low:
            raise ValueError(f"Invalid {name}: {v!r} (must be an integer >= {low})")
    return k


def phase_explorer(kappas=(10.0, 100.0, 1000.0), *, nesterov=False, n_eta=21, n_mu=16, steps=120,
                   initial=None, title=None, alt=None):
    """An interactive phase diagram of heavy ball (or Nesterov, ``nesterov=True``) over :math:`(\\eta, \\mu)`.

    Args:
        kappas: the condition numbers offered in the menu (the quadratic has eigenvalues 1 and kappa).
        n_eta, n_mu: the grid of settings whose runs are stored (:math:`\\eta\\lambda_{\\max}` in (0, 4.2],
            :math:`\\mu` in [0.005, 0.995]); the map itself is drawn on a finer grid.
        steps: the length of each run. initial: the kappa shown first (default the middle one).
        title: a heading in the figure. alt: the figure's text alternative.

    Returns a :class:`PhaseExplorer`; its ``data`` holds what the page shows (per kappa: the map, and per
    setting ``[eta*L, mu, closed-form rate, measured rate, regime index, diverged_at or -1, run, rate line]``).
    """
    ks = _check(kappas, n_eta, n_mu, steps)
    k0 = int(len(ks) // 2) if initial is None else int(np.argmin(np.abs(ks - float(initial))))
    ph, cw, ch = PH, MAP[1] / n_eta, PH / n_mu
    eta_l = (np.arange(n_eta) + 0.5) * 4.2 / n_eta                  # cell centres of the map
    mus = 0.005 + (np.arange(n_mu) + 0.5) * 0.99 / n_mu
    every = max(1, steps // 40)
    ticks = np.arange(0, steps + 1, every)
    dx = RUN[1] * every / steps
    yv = lambda v: np.round(TOP + PH * (Y_LOG[1] - v) / (Y_LOG[1] - Y_LOG[0])).astype(int)
    out = []
    for kappa in ks:
        fine = phase_diagram([1.0, kappa], np.linspace(0.0, 4.2, 61)[1:] / kappa, np.linspace(0.005, 0.995, 50),
                             steps=240, window=80, nesterov=nesterov)
        coarse = phase_diagram([1.0, kappa], eta_l / kappa, mus, steps=steps, window=steps // 3,
                               nesterov=nesterov)
        norms = np.linalg.norm(coarse.trajectory.path, axis=-1)
        rel = np.log10(np.maximum(norms / norms[0], 1e-300))
        cells = []
        for j in range(n_mu):
            for i in range(n_eta):
                r = j * n_eta + i
                dv = int(coarse.trajectory.diverged_at[r]) if coarse.diverged[j, i] else -1
                keep = ticks[ticks < dv] if dv >= 0 else ticks
                ys = yv(np.clip(rel[keep, r], Y_LOG[0] - 1, Y_LOG[1] + 1)).tolist()
                rho = float(momentum_rate(eta_l[i] / kappa, mus[j], np.array([1.0, kappa]), nesterov).max())
                end = float(np.clip(steps * np.log10(rho), -1e3, 1e3))
                cells.append([f"{eta_l[i]:.2f}", f"{mus[j]:.3f}", f"{rho:.3f}", f"{coarse.simulated[j, i]:.3f}",
                              REGIMES.index(str(coarse.regime[j, i])), dv, ys, int(yv(end)),
                              _exit(RUN[0] + dx * np.arange(len(ys)), np.array(ys)) if dv >= 0 else None])
        out.append({"kappa": f"{kappa:g}", "png": _png(fine, kappa, nesterov), "cells": cells})
    c0 = int(np.argmin([float(c[2]) for c in out[k0]["cells"]]))   # the stored setting with the best rate
    data = {"kappas": out, "k0": k0, "c0": c0, "ne": n_eta, "nm": n_mu, "x0": MAP[0], "y0": TOP, "ph": ph,
            "cw": cw, "ch": ch, "rx": RUN[0], "dx": dx, "regimes": list(REGIMES)}
    return PhaseExplorer(_html(data, ks, k0, steps, nesterov, title, alt), data)


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


def _html(data, ks, k0, steps, nesterov, title, alt):
    payload = json.dumps(data, separators=(",", ":"))
    uid = "olp-" + hashlib.sha1(payload.encode()).hexdigest()[:10]
    method = "Nesterov" if nesterov else "heavy ball"
    alt = alt or (f"Phase diagram of {method} over the step eta times lambda max and the momentum mu for a "
                  f"quadratic with condition number kappa, and the run of the setting under the pointer.")
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    mu_ticks = [(TOP + PH - PH * (v - 0.005) / 0.99, f"{v:g}") for v in (0.2, 0.4, 0.6, 0.8)]
    run_ticks = [(TOP + PH * (Y_LOG[1] - e) / (Y_LOG[1] - Y_LOG[0]), "10" + str(e).translate(sup))
                 for e in range(int(Y_LOG[0]), int(Y_LOG[1]) + 1, 2)]
    h = TOP + PH + 48
    svg_map = [f'<svg class="olp-svg-map" viewBox="0 0 {MAP[0] + MAP[1] + 20} {h}" role="img" '
               f'aria-label="{html.escape(alt)}" font-size="12" font-family="system-ui,sans-serif">',
               f'<image class="olp-img" x="{MAP[0]}" y="{TOP}" width="{MAP[1]}" height="{PH}" '
               f'preserveAspectRatio="none" href="{data["kappas"][k0]["png"]}"/>',
               _axes(MAP[0], MAP[1], (0, 4.2), [(v, f"{v:g}") for v in range(5)], "η λmax", "momentum μ",
                     mu_ticks),
               '<circle class="olp-mark" r="6" fill="none" stroke="#d55e00" stroke-width="2.5"/>',
               f'<rect class="olp-hit olp-map" x="{MAP[0]}" y="{TOP}" width="{MAP[1]}" height="{PH}" '
               f'fill="transparent" tabindex="0" role="application" aria-label="phase diagram: point or use the '
               f'arrow keys to choose a setting"/></svg>']
    svg_run = [f'<svg class="olp-svg-run" viewBox="0 0 {RUN[0] + RUN[1] + 20} {h}" role="img" aria-label="the '
               f'error of the chosen run against the step" font-size="12" font-family="system-ui,sans-serif">',
               f'<clipPath id="{uid}-c"><rect x="{RUN[0]}" y="{TOP}" width="{RUN[1]}" height="{PH}"/></clipPath>',
               _axes(RUN[0], RUN[1], (0, steps), [(v, f"{v:g}") for v in np.linspace(0, steps, 6).round()],
                     "step k", "‖x_k‖ / ‖x_0‖  (log scale)", run_ticks),
               f'<g clip-path="url(#{uid}-c)"><line class="olp-ref" x1="{RUN[0]}" '
               f'y1="{TOP + PH * Y_LOG[1] / (Y_LOG[1] - Y_LOG[0]):.1f}" x2="{RUN[0] + RUN[1]}" y2="0" stroke="#777" '
               f'stroke-dasharray="5 4"/><polyline class="olp-run" fill="none" stroke="#e69f00" stroke-width="2"/></g>',
               '<path class="olp-div" d="M-7,0H7M0,-7V7" stroke="#d55e00" stroke-width="3" style="display:none"/>',
               f'<text x="{RUN[0] + RUN[1] - 6}" y="{TOP + PH - 8}" text-anchor="end" fill="#555">the run (orange); '
               f'ρᵏ of the closed form (dashed)</text></svg>']
    heading = f'<p class="olp-title">{html.escape(title)}</p>' if title else ""
    options = "".join(f'<option value="{i}"{" selected" if i == k0 else ""}>{k:g}</option>' for i, k in enumerate(ks))
    return (f'<div class="olp" id="{uid}"><style>{_CSS}</style><label for="{uid}-k">condition number κ</label>'
            f'<select id="{uid}-k">{options}</select>{heading}<div class="olp-figs">' + "".join(svg_map) +
            "".join(svg_run) + '</div>' +
            f'<p class="olp-status" aria-live="polite"></p><script type="application/json" class="olp-data">'
            f'{payload}</script><script>{_JS.replace("@UID@", uid)}</script></div>')
