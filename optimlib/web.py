"""Kernel-free explorers for the website: every setting precomputed by optimlib, switched by HTML sliders.

:func:`web_explorer` takes the arguments of :func:`optimlib.explorer` and returns a :class:`WebExplorer`, a
self-contained piece of HTML: native ``<input type="range">`` sliders with labels, a figure (an SVG: the
surface's contours as an inline PNG, the paths and loss curves as polylines), and a sentence with ``aria-live``
stating the current values and results. A small script (``static/explorer.js``, inlined, loaded once per page)
only shows precomputed data: no optimizer logic runs in JavaScript, nothing is fetched.
"""
import base64
import hashlib
import html
import io
import json
import pathlib

import numpy as np

from .explorers import SLIDER_LABELS, Spec, _fmt, _slider_args, _initial
from .style import optimizer_style

__all__ = ["web_explorer", "web_curve_explorer", "WebExplorer"]

W, PH, TOP, LEG = 960, 330, 34, 64        # viewBox width, panel height, title band, bottom band (ticks, legend)
MAX_POINTS = 100                          # points per drawn curve
_JS = (pathlib.Path(__file__).parent / "static" / "explorer.js").read_text()
_CSS = (".ol-explorer{margin:1em 0;font-family:system-ui,sans-serif;max-width:960px}"
        ".ol-explorer .ol-controls{display:flex;flex-wrap:wrap;gap:.3em 1.5em;align-items:center}"
        ".ol-explorer .ol-control{display:flex;align-items:center;gap:.5em}"
        ".ol-explorer .ol-control input{width:11em}.ol-explorer output{min-width:4.5em;font-variant-numeric:"
        "tabular-nums}.ol-explorer .ol-figure svg{width:100%;height:auto;display:block;background:#fff}"
        ".ol-explorer .ol-status{font-size:.9em;margin:.3em 0;min-height:2.6em}"
        ".ol-explorer button{padding:.15em .9em}")


class WebExplorer:
    """A kernel-free explorer: ``.html`` (a string), shown by Jupyter and Jupyter Book through ``_repr_html_``."""

    def __init__(self, html_text):
        self.html = html_text

    def _repr_html_(self):
        return self.html

    @property
    def nbytes(self):
        """The size of the HTML in bytes (UTF-8)."""
        return len(self.html.encode())

    def save(self, path):
        """Write a standalone HTML page holding this explorer."""
        pathlib.Path(path).write_text(f"<!doctype html><meta charset='utf-8'><body>{self.html}</body>")

    def __repr__(self):
        return f"<WebExplorer: {self.nbytes / 1024:.0f} kB of HTML>"


# --------------------------------------------------------------------------- geometry

class _Panel:
    def __init__(self, x, w, xlim, ylim, xlog=False, ylog=False, xlabel="", ylabel=""):
        self.x, self.y, self.w, self.h = x, TOP, w, PH
        self.xlim, self.ylim, self.xlog, self.ylog, self.xlabel, self.ylabel = xlim, ylim, xlog, ylog, xlabel, ylabel

    def px(self, x, y):
        """Data to viewBox coordinates (log axes take log10 of the data); clamped far outside the panel."""
        with np.errstate(all="ignore"):
            u = (_t(x, self.xlog) - self.xlim[0]) / (self.xlim[1] - self.xlim[0])
            v = (_t(y, self.ylog) - self.ylim[0]) / (self.ylim[1] - self.ylim[0])
        u = np.clip(np.nan_to_num(u, nan=-50, neginf=-50, posinf=50), -50, 50)
        v = np.clip(np.nan_to_num(v, nan=-50, neginf=-50, posinf=50), -50, 50)
        return self.x + u * self.w, self.y + (1 - v) * self.h

    def clamp(self, X, Y):
        return np.clip(X, self.x, self.x + self.w), np.clip(Y, self.y, self.y + self.h)


def _t(a, log):
    a = np.asarray(a, float)
    return np.log10(np.where(a > 0, a, 1e-300)) if log else a


def _thin(X, Y, keep_all=False):
    """Drop points closer than 1.2 units to the last kept one, then cap at MAX_POINTS (always keep the ends)."""
    if keep_all or len(X) <= 2:
        idx = np.arange(len(X))
    else:
        idx, last = [0], (X[0], Y[0])
        for i in range(1, len(X) - 1):
            if abs(X[i] - last[0]) + abs(Y[i] - last[1]) >= 1.2:
                idx.append(i)
                last = (X[i], Y[i])
        idx.append(len(X) - 1)
        idx = np.asarray(idx)
    if len(idx) > MAX_POINTS:
        idx = idx[np.unique(np.linspace(0, len(idx) - 1, MAX_POINTS).round().astype(int))]
    return np.column_stack([X[idx], Y[idx]]).round().astype(int).ravel().tolist()


def _ticks(lo, hi, log):
    from matplotlib.ticker import MaxNLocator

    if log:
        a, b = int(np.ceil(lo - 1e-9)), int(np.floor(hi + 1e-9))
        step = max(1, -(-(b - a) // 6))
        return [(float(e), "10" + str(e).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")))
                for e in range(a, b + 1, step)]
    vals = [v for v in MaxNLocator(6).tick_values(lo, hi) if lo - 1e-12 <= v <= hi + 1e-12]
    return [(float(v), f"{v:g}") for v in vals]


def _log_limits(values):
    """Decade limits of a log axis from positive data arrays (the first array: the runs that did not diverge)."""
    pos = [np.log10(v[np.isfinite(v) & (v > 0)]) for v in values if np.size(v)]
    pos = [p for p in pos if p.size]
    if not pos:
        return (-8.0, 1.0)
    hi = np.ceil(max(p.max() for p in pos) + 0.2)
    lo = np.floor(max(min(p.min() for p in pos), hi - 16) - 0.2)
    return (float(lo), float(hi))


def _lin_limits(values, pad=0.05):
    vals = np.concatenate([np.ravel(v)[np.isfinite(np.ravel(v))] for v in values] + [np.zeros(0)])
    if not vals.size:
        return (0.0, 1.0)
    lo, hi = float(vals.min()), float(vals.max())
    span = (hi - lo) or max(abs(hi), 1.0)
    return (lo - pad * span, hi + pad * span)


# --------------------------------------------------------------------------- markers and static SVG

def _marker_path(marker, r=5.5):
    """An SVG path ``d`` for a matplotlib marker name, centred on the origin."""
    def poly(n, r, rot=-90, inner=None):
        k = 2 * n if inner else n
        a = np.deg2rad(rot + np.arange(k) * 360 / k)
        rad = np.where(np.arange(k) % 2, inner or r, r) if inner else np.full(k, r)
        return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in zip(rad * np.cos(a), rad * np.sin(a))) + "Z"

    t = r * 0.36
    plus = f"M{-t},{-r}H{t}V{-t}H{r}V{t}H{t}V{r}H{-t}V{t}H{-r}V{-t}H{-t}Z"
    shapes = {"o": f"M{-r},0A{r},{r} 0 1,0 {r},0A{r},{r} 0 1,0 {-r},0Z", "s": poly(4, r * 1.2, -45),
              "^": poly(3, r * 1.2), "v": poly(3, r * 1.2, 90), "D": poly(4, r * 1.2, 0), "d": poly(4, r * 1.2, 0),
              "P": plus, "p": poly(5, r * 1.1), "h": poly(6, r * 1.1), "*": poly(5, r * 1.5, -90, r * 0.6)}
    if marker == "X":
        return f'{plus}" transform-extra="rotate(45)'
    return shapes.get(marker, shapes["o"])


def _style(name, lw=2.0):
    st = optimizer_style(name)
    dash = " ".join(f"{d * lw:g}" for d in st["dashes"]) if st["dashes"] else ""
    return {"c": st["color"], "da": dash, "lw": lw, "m": _marker_path(st["marker"])}


def _axes_svg(uid, i, p):
    out = [f'<clipPath id="{uid}-c{i}"><rect x="{p.x}" y="{p.y}" width="{p.w}" height="{p.h}"/></clipPath>',
           f'<rect x="{p.x}" y="{p.y}" width="{p.w}" height="{p.h}" fill="none" stroke="#333" stroke-width="1"/>']
    for v, lab in _ticks(*p.xlim, False):
        X = p.x + (v - p.xlim[0]) / (p.xlim[1] - p.xlim[0]) * p.w
        out.append(f'<line x1="{X:.1f}" x2="{X:.1f}" y1="{p.y + p.h}" y2="{p.y + p.h + 5}" stroke="#333"/>'
                   f'<text x="{X:.1f}" y="{p.y + p.h + 18}" text-anchor="middle">{lab}</text>')
    for v, lab in _ticks(*p.ylim, p.ylog):
        Y = p.y + (1 - (v - p.ylim[0]) / (p.ylim[1] - p.ylim[0])) * p.h
        out.append(f'<line x1="{p.x - 5}" x2="{p.x}" y1="{Y:.1f}" y2="{Y:.1f}" stroke="#333"/>'
                   f'<text x="{p.x - 8}" y="{Y + 4:.1f}" text-anchor="end">{lab}</text>')
    out.append(f'<text x="{p.x + p.w / 2}" y="{p.y + p.h + 36}" text-anchor="middle">{html.escape(p.xlabel)}</text>'
               f'<text transform="translate({p.x - 44},{p.y + p.h / 2}) rotate(-90)" text-anchor="middle">'
               f'{html.escape(p.ylabel)}</text>')
    return "".join(out)


def _contour_png(surface, w, h):
    """The filled contours of the surface over its domain, as a base64 PNG that fills the panel exactly."""
    import matplotlib

    from matplotlib.figure import Figure
    from PIL import Image

    from .plotting import plot_contour

    scale = 1.5
    fig = Figure(figsize=(w * scale / 100, h * scale / 100), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    with matplotlib.rc_context({"axes.linewidth": 0}):
        plot_contour(surface, ax, marks=False, resolution=150)
    ax.set_axis_off()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB").quantize(colors=24)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return base64.b64encode(buf.getvalue()).decode()


def _legend(names, y):
    out, x = [], 60
    for name in names:
        s = _style(name)
        m = s["m"].split('" transform-extra="')
        rot = f" rotate({m[1][7:-1]})" if len(m) > 1 else ""
        out.append(f'<line x1="{x}" x2="{x + 34}" y1="{y}" y2="{y}" stroke="{s["c"]}" stroke-width="2.4" '
                   f'stroke-dasharray="{s["da"]}"/><path d="{m[0]}" transform="translate({x + 17},{y}){rot}" '
                   f'fill="{s["c"]}" stroke="#fff" stroke-width="0.8"/>'
                   f'<text x="{x + 40}" y="{y + 4}">{html.escape(name)}</text>')
        x += 48 + 8 * len(name) + 20
    return "".join(out)
