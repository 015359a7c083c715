"""Kernel-free explorers for the website: every setting precomputed by optimlib, switched by HTML sliders.

:func:`web_explorer` takes the arguments of :func:`optimlib.explorer` and returns a :class:`WebExplorer`, a
self-contained piece of HTML: native ``<input type="range">`` sliders with labels, a figure (an SVG: the
surface's contours as an inline PNG, the paths and loss curves as polylines), and a sentence with ``aria-live``
stating the current values and results. A small script (``static/explorer.js``, inlined, loaded once per page)
only shows precomputed data: no optimizer logic runs in JavaScript, nothing is fetched.

The runs, limits and words come from :mod:`optimlib.explorers.spec`, as for the live explorer; this module decides what
to draw where, and :mod:`optimlib.explorers.svg` writes it as SVG and HTML.
"""
import pathlib

import numpy as np

from .sliders import _fmt
from .curve_spec import CurveSpec
from .spec import FLOOR, Spec, axis_limits
from .page import _SEEN, _html, _uid  # noqa: F401  (the id registry)
from .svg import PH, TOP, W, W1, _contour_png, _margin, _marker_path, _Panel, _series  # noqa: F401  (viewBox sizes)
from .thin import MAX_POINTS, _thin  # noqa: F401

__all__ = ["web_explorer", "web_curve_explorer", "WebExplorer"]

LOSS_W = 440  # the widest loss panel beside a path panel (viewBox units)
FRAMES = 101  # a race's step slider stops (Play shows one every 50 ms); the paths between them are drawn in full


class WebExplorer:
    """A kernel-free explorer: ``.html`` (a string), shown by Jupyter and Jupyter Book through ``_repr_html_``;
    ``.svg``, its figure at the sliders' starting positions, is its static rendering (``_repr_svg_``: what the
    book's PDF shows, and any frontend that cannot run HTML)."""

    def __init__(self, html_text, svg_text=None):
        self.html, self.svg = html_text, svg_text

    def _repr_html_(self):
        return self.html

    def _repr_svg_(self):
        return self.svg

    @property
    def nbytes(self):
        """The size of the HTML in bytes (UTF-8)."""
        return len(self.html.encode())

    def save(self, path):
        """Write a standalone HTML page holding this explorer."""
        pathlib.Path(path).write_text(f"<!doctype html><meta charset='utf-8'><body>{self.html}</body>")

    def __repr__(self):
        return f"<{type(self).__name__}: {self.nbytes / 1024:.0f} kB of HTML>"


def _page(key, spec, panels, series, frames, static, names):
    """The WebExplorer; its element id is a hash of ``key``, the sliders, the title and the data."""
    uid = _uid(key, {k: v.tolist() for k, v in spec.sliders.items()}, spec.title, series)
    return WebExplorer(*_html(uid, spec, panels, series, frames, static, names))


# --------------------------------------------------------------------------- explorers on a surface

def web_explorer(surface, optimizers, sliders=None, **kwargs):
    """The kernel-free explorer of :func:`optimlib.explorer` (same arguments), whatever the environment.

    Every setting of the sliders' product grid is run by :func:`optimlib.run` (one batched run per optimizer);
    paths and losses are rounded to the figure's units and thinned so that what is visible survives, two-step
    cycles and bounces included (``_thin`` in ``explorers/thin.py``). In a race (``animate``) every step is kept to that
    standard too, and the step slider cuts each path at its step.
    """
    spec = Spec(surface, optimizers, sliders, **kwargs)
    p0, p1 = _surface_panels(spec)
    frames = None
    if spec.animate:
        frames = np.unique(np.linspace(0, spec.steps, min(spec.steps + 1, FRAMES)).round().astype(int))
    order, series = list(spec.sliders), []
    for name in spec.factories:
        tr, shape = spec.run_grid(name)
        used = [order.index(u) for u in spec.uses[name]]
        race = frames is not None  # then each series also holds the step of each point drawn ("ks")
        paths = _series(name, 0, used, shape, 1, f=[], **({"ks": []} if race else {}))
        losses = _series(name, 1, used, shape, 0, **({"ks": []} if race else {}))
        gaps = spec.gap(tr.loss)
        for r in range(int(np.prod(shape))):
            nr = int(tr.n_valid[r])
            keep = None if frames is None else frames[frames < nr]
            P, g = tr.path[:nr, r], gaps[:nr, r]
            X, Y = p0.px(P[:, 0], P[:, 1] if spec.dim == 2 else tr.loss[:nr, r])
            LX, LY = p1.px(np.arange(nr), g)
            for s, (a, b) in ((paths, (X, Y)), (losses, (LX, LY))):
                pts, idx = _thin(a, b, keep)
                s["pts"].append(pts)
                if frames is not None:
                    s["ks"].append(idx.tolist())  # the step of each kept point
            if tr.diverged[r]:
                k = int(tr.diverged_at[r])
                paths["dv"].append([k, *np.round(p0.exit_point(X, Y), 1).tolist()])
                losses["dv"].append([k, *np.round(p1.clamp(LX[-1], LY[-1]), 1).tolist()])
                paths["f"].append(None)
            else:
                paths["dv"].append(None)
                losses["dv"].append(None)
                paths["f"].append("reaches " + spec.result(g[-1]))
        series += [paths, losses]
    return _page(surface.name, spec, [p0, p1], series, frames, [_static_marks(spec, p0), ""],
                 list(spec.factories))


def _surface_panels(spec):
    """The path panel (the surface's domain; for 1-D, the curve's range) and the loss panel."""
    s = spec.surface
    (xa, xb) = s.domain[0]
    sym = [str(v) for v in getattr(s, "symbols", ("x", "y"))]
    label = "f(x) − f*  (log scale)" if spec.fstar is not None else "f(x)"
    ylim1 = spec.loss_limits()
    if spec.dim == 2:
        (ya, yb) = s.domain[1]
        pw = float(np.clip(PH * (xb - xa) / (yb - ya), 0.6 * PH, 1.5 * PH))
        ylim0, labels0 = (ya, yb), (sym[0], sym[1])
    else:
        pw, ylim0, labels0 = 400.0, axis_limits([spec.curve()[1]]), (sym[0], f"f({sym[0]})")
    x0 = _margin(ylim0, False, labels0[1])
    p0 = _Panel(x0, pw, (xa, xb), ylim0, xlabel=labels0[0], ylabel=labels0[1])
    # the loss panel at most LOSS_W wide, at the right: stacked on a phone, neither panel makes the figure wider
    w1 = min(W - 28 - (x0 + p0.w + 30 + _margin(ylim1, spec.fstar is not None, label)), LOSS_W)
    p1 = _Panel(W - 28 - w1, w1, (0, spec.steps), ylim1, ylog=spec.fstar is not None, xlabel="step t", ylabel=label)
    return p0, p1


def _static_marks(spec, p0):
    """What every setting shows: the contours (as a PNG), minima and saddle points; for 1-D, the curve."""
    s, out = spec.surface, []
    if spec.dim == 2:
        out.append(f'<image href="data:image/png;base64,{_contour_png(s, p0.w, p0.h)}" x="{p0.x}" y="{p0.y}" '
                   f'width="{p0.w}" height="{p0.h}" preserveAspectRatio="none"/>')
        star = _marker_path("*", 7)[0]
        for pts, d, label in ((s.minima, star, "minimum"), (s.saddles, "M-5,-5L5,5M-5,5L5,-5", "saddle point")):
            for x, y in np.asarray(pts, float).reshape(-1, 2):
                X, Y = p0.px(x, y)
                out.append(f'<path d="{d}" transform="translate({X:.1f},{Y:.1f})" fill="#444" stroke="#444" '
                           f'stroke-width="2"><title class="nohighlight">{label}</title></path>')  # as in page.py
    else:
        pts = _thin(*p0.px(*spec.curve()))[0]
        out.append(f'<polyline points="{" ".join(f"{a},{b}" for a, b in zip(pts[::2], pts[1::2]))}" '
                   f'fill="none" stroke="#777" stroke-width="1.5" clip-path="url(#@UID@-c0)"/>')
    return "".join(out)


# --------------------------------------------------------------------------- explorers of any curves

def web_curve_explorer(draw, sliders, **kwargs):
    """The kernel-free form of :func:`optimlib.curve_explorer` (same arguments), whatever the environment.

    ``draw`` is called once per setting of the sliders' product grid; ``panels`` is a list (one per panel) of
    dicts with optional ``xlabel``, ``ylabel``, ``xscale``/``yscale`` (``"linear"`` or ``"log"``) and fixed
    ``xlim``/``ylim`` (by default the range of the curves that did not diverge, over the whole grid);
    ``static`` is a list (one per panel) of ``{label: (x, y)}`` drawn as grey points on every setting.
    """
    spec = CurveSpec(draw, sliders, **kwargs)
    shape = [len(v) for v in spec.sliders.values()]
    grid, n = spec.grid(), len(spec.panels)
    lims = [spec.limits(i) for i in range(n)]
    margins = [_margin(lims[i][1], p.get("yscale") == "log", p.get("ylabel", "")) for i, p in enumerate(spec.panels)]
    width = ((W if n > 1 else W1) - 28 - sum(margins) - 30 * (n - 1)) / n  # one panel: a smaller figure
    panels, series, static, x = [], [], [], 0.0
    for i, p in enumerate(spec.panels):
        x += margins[i]
        panel = _Panel(x, width, lims[i][0], lims[i][1], p.get("xscale") == "log",
                       p.get("yscale") == "log", p.get("xlabel", ""), p.get("ylabel", ""))
        x += width + 30
        panels.append(panel)
        marks = []
        for label, (cx, cy) in spec.static[i].items():
            X, Y = panel.px(cx, cy)
            marks.append(f'<g clip-path="url(#@UID@-c{i})" fill="#888">' + "".join(
                f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2.5"/>' for a, b in zip(X, Y)) + "</g>")
        static.append("".join(marks))
        for label in dict.fromkeys(k for g in grid for k in g[i]):
            s = _series(label, i, list(range(len(shape))), shape, 0, dw="step", f=[])
            for g in grid:
                cx, cy, k, word = g[i].get(label, (np.zeros(0), np.zeros(0), None, ""))
                X, Y = panel.px(cx, cy)
                s["pts"].append(_thin(X, Y)[0] if len(X) else [])
                s["dv"].append([k, *np.round(panel.clamp(X[-1], Y[-1]), 1).tolist()] if k is not None and len(X)
                               else None)
                s["dw"] = word or s["dw"]
                last = i == n - 1 and k is None and len(cy)  # the status quotes the last panel (often the loss)
                s["f"].append(f"ends at {p.get('ylabel') or 'y'} {_value(cy[-1], panel)}" if last else None)
            series.append(s)
    legend = list(dict.fromkeys(s["n"] for s in series))
    return _page("curves", spec, panels, series, None, static, legend)


def _value(y, panel):
    """A curve's last value in words: ``"= 0.012"``, or ``"below 10⁻⁶"`` under the floor of a log axis (or under
    :data:`~optimlib.explorers.spec.FLOOR`), where the value drawn is a floor, not a result."""
    floor = max(FLOOR, 10.0 ** panel.ylim[0]) if panel.ylog else None
    if floor is not None and y <= floor * (1 + 1e-9):
        return f"below {_fmt(floor)}"
    return f"= {_fmt(y, 2)}"
