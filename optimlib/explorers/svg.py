"""The web explorers' SVG: viewBox geometry, axes, markers, legend and the panels' layouts.

:mod:`optimlib.explorers.web` decides what to draw; this module writes it down. A figure is one SVG in a fixed viewBox
(``W`` wide; panels ``PH`` high under a title band): static parts (axes, ticks, legend, the contours as an inline
PNG) as SVG elements, the precomputed curves as integer viewBox points in a JSON payload that the inlined
``static/explorer.js`` turns into polylines.
"""
import base64
import html
import io

import numpy as np

from ..viz.geometry import exit_point
from ..viz.style import optimizer_style
from .sliders import _fmt

W, PH, TOP = 960, 330, 40                 # viewBox width, panel height, top band (settings, divergence notes)
W1 = 540                                  # the width of a one-panel figure (drawn at most at this size, 1:1)
FS, BOT, ROW = 18, 60, 24                 # font size; band under a panel (ticks, axis label); legend row height
NARROW = 600                              # below this width (CSS px) the panels of an explorer are stacked


def _text_width(text, fs=FS):
    """A generous estimate of the width of ``text`` in the figure's sans-serif font (viewBox units)."""
    return fs * sum(0.42 if c in "⁻⁰¹²³⁴⁵⁶⁷⁸⁹" else 0.32 if c in ".,:;' ()" else 0.62 for c in text)


def _margin(ylim, ylog, ylabel):
    """The room left of a panel for its y tick labels and, turned on its side, its y label (viewBox units)."""
    ticks = max((_text_width(lab) for _, lab in _ticks(*ylim, ylog)), default=0.0)
    return float(np.ceil(ticks + 18 + (FS + 2 if ylabel else 0)))


class _Panel:
    def __init__(self, x, w, xlim, ylim, xlog=False, ylog=False, xlabel="", ylabel=""):
        self.x, self.y, self.w, self.h = x, TOP, w, PH
        self.xlim, self.ylim, self.xlog, self.ylog, self.xlabel, self.ylabel = xlim, ylim, xlog, ylog, xlabel, ylabel
        self.margin = _margin(ylim, ylog, ylabel)  # the y label's baseline clears the widest tick label
        ticks = max((_text_width(lab) for _, lab in _ticks(*ylim, ylog)), default=0.0)
        self.label_x = x - 8 - ticks - 6 - 0.25 * FS

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

    def exit_point(self, X, Y):
        """Where a diverged path (viewBox units) leaves the panel, or its last point if that is inside."""
        return exit_point(np.column_stack([X, Y]), (self.x, self.y), (self.x + self.w, self.y + self.h))


def _t(a, log):
    a = np.asarray(a, float)
    return np.log10(np.where(a > 0, a, 1e-300)) if log else a


def _ticks(lo, hi, log):
    from matplotlib.ticker import MaxNLocator

    if log:
        a, b = int(np.ceil(lo - 1e-9)), int(np.floor(hi + 1e-9))
        step = max(1, -(-(b - a) // 6))
        return [(float(e), "10" + str(e).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")))
                for e in range(a, b + 1, step)]
    vals = [v for v in MaxNLocator(6).tick_values(lo, hi) if lo - 1e-12 <= v <= hi + 1e-12]
    return [(float(v), _fmt(v, 6)) for v in vals]


def _marker_path(marker, r=5.5):
    """An SVG path ``d`` for a matplotlib marker name, centred on the origin."""
    def poly(n, r, rot=-90, inner=None):
        k = 2 * n if inner else n
        a = np.deg2rad(rot + np.arange(k) * 360 / k)
        rad = np.where(np.arange(k) % 2, inner or r, r) if inner else np.full(k, r)
        return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in zip(rad * np.cos(a), rad * np.sin(a))) + "Z"

    t = r * 0.36
    plus = f"M{-t},{-r}H{t}V{-t}H{r}V{t}H{t}V{r}H{-t}V{t}H{-r}V{-t}H{-t}Z"
    a, b = r * 0.75, r * 1.3  # the thin diamond "d": narrower than it is tall
    shapes = {"o": f"M{-r},0A{r},{r} 0 1,0 {r},0A{r},{r} 0 1,0 {-r},0Z", "s": poly(4, r * 1.2, -45),
              "^": poly(3, r * 1.2), "v": poly(3, r * 1.2, 90), ">": poly(3, r * 1.2, 0), "<": poly(3, r * 1.2, 180),
              "D": poly(4, r * 1.2, 0), "d": f"M0,{-b}L{a},0L0,{b}L{-a},0Z", "P": plus, "p": poly(5, r * 1.1),
              "h": poly(6, r * 1.1), "H": poly(6, r * 1.1, 0), "8": poly(8, r * 1.05, 22.5),
              "*": poly(5, r * 1.5, -90, r * 0.6)}
    if marker == "X":
        return plus, 45
    return shapes.get(marker, shapes["o"]), 0


def _style(name, lw=2.0):
    st = optimizer_style(name)
    dash = " ".join(f"{d * lw:g}" for d in st["dashes"]) if st["dashes"] else ""
    d, rot = _marker_path(st["marker"])
    return {"c": st["color"], "da": dash, "lw": lw, "m": d, "mr": rot}


def _axes_svg(uid, i, p, xticks=None):
    """Panel ``i``'s clip path (``{uid}-c{i}``), frame, ticks (``xticks``: ``(value, label)`` pairs in place of the
    automatic ones) and axis labels."""
    out = [f'<clipPath id="{uid}-c{i}"><rect x="{p.x}" y="{p.y}" width="{p.w}" height="{p.h}"/></clipPath>',
           f'<rect x="{p.x}" y="{p.y}" width="{p.w}" height="{p.h}" fill="none" stroke="#333" stroke-width="1"/>']
    for v, lab in xticks or _ticks(*p.xlim, p.xlog):
        X = p.x + (v - p.xlim[0]) / (p.xlim[1] - p.xlim[0]) * p.w
        out.append(f'<line x1="{X:.1f}" x2="{X:.1f}" y1="{p.y + p.h}" y2="{p.y + p.h + 5}" stroke="#333"/>'
                   f'<text x="{X:.1f}" y="{p.y + p.h + 27}" text-anchor="middle">{lab}</text>')
    for v, lab in _ticks(*p.ylim, p.ylog):
        Y = p.y + (1 - (v - p.ylim[0]) / (p.ylim[1] - p.ylim[0])) * p.h
        out.append(f'<line x1="{p.x - 5}" x2="{p.x}" y1="{Y:.1f}" y2="{Y:.1f}" stroke="#333"/>'
                   f'<text x="{p.x - 8}" y="{Y + 0.35 * FS:.1f}" text-anchor="end">{lab}</text>')
    out.append(f'<text x="{p.x + p.w / 2}" y="{p.y + p.h + 51}" text-anchor="middle">{html.escape(p.xlabel)}</text>'
               f'<text transform="translate({p.label_x:.1f},{p.y + p.h / 2}) rotate(-90)" text-anchor="middle">'
               f'{html.escape(p.ylabel)}</text>')
    return "".join(out)


def _contour_png(surface, w, h):
    """The filled contours of the surface over its domain, as a base64 PNG that fills the panel exactly."""
    import matplotlib

    from matplotlib.figure import Figure

    from ..viz.surface import plot_contour

    scale = 1.5
    fig = Figure(figsize=(w * scale / 100, h * scale / 100), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    with matplotlib.rc_context({"axes.linewidth": 0}):
        plot_contour(surface, ax, marks=False, resolution=150)
    ax.set_axis_off()
    return _png(fig, colors=24)


def _png(fig, colors, dpi=100, method=None):
    """A matplotlib figure as a base64 PNG with a palette of ``colors`` (a fraction of the bytes, no visible
    banding at the explorers' sizes)."""
    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB").quantize(colors=colors, method=method)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return base64.b64encode(buf.getvalue()).decode()


def _legend(names, x0, y, width):
    """One entry per name (line, dashes, marker, name), in rows that fit ``width``; returns (svg, rows)."""
    out, x, rows = [], x0, 1
    for name in names:
        step = 48 + _text_width(name) + 22
        if x + step > width and x > x0:
            x, y, rows = x0, y + ROW, rows + 1
        s = _style(name)
        rot = f" rotate({s['mr']})" if s["mr"] else ""
        out.append(f'<line x1="{x:.0f}" x2="{x + 34:.0f}" y1="{y}" y2="{y}" stroke="{s["c"]}" stroke-width="2.4" '
                   f'stroke-dasharray="{s["da"]}"/><path d="{s["m"]}" transform="translate({x + 17:.0f},{y}){rot}" '
                   f'fill="{s["c"]}" stroke="#fff" stroke-width="0.8"/>'
                   f'<text x="{x + 40:.0f}" y="{y + 0.35 * FS:.1f}">{html.escape(name)}</text>')
        x += step
    return "".join(out), rows


def _series(name, panel, used, shape, end, **extra):
    """An empty series in the form ``explorer.js`` reads: name ``n``, panel ``p``, the positions ``u`` of the
    sliders it uses and their strides ``st`` in the grid (the first slowest), an end marker or not (``end``), the
    look, then one entry per setting in ``pts`` (flat viewBox points) and ``dv`` (``[k, x, y]`` or ``None``)."""
    return {"n": name, "p": panel, "u": used, "st": [int(np.prod(shape[j + 1:])) for j in range(len(shape))],
            "end": end, **_style(name), "pts": [], "dv": [], **extra}


def _layouts(panels, names):
    """The figure's two layouts: side by side (``w``) and, for two or more panels, stacked (``n``, for narrow
    screens). Each: the viewBox size ``vb``, a translation ``t`` per panel, and its legend (svg, drawn at the
    bottom); the panels' own coordinates do not change, so the data serve both."""
    out = {}
    width = W if len(panels) > 1 else W1
    legend, rows = _legend(names, panels[0].x, TOP + PH + BOT + ROW // 2, width - 10)
    out["w"] = {"vb": [width, TOP + PH + BOT + ROW * rows + 4], "t": [[0, 0]] * len(panels), "leg": legend}
    if len(panels) > 1:
        width = float(np.ceil(max(p.margin + p.w + 20 for p in panels)))
        band = PH + BOT + 14
        t = [[round(p.margin - p.x, 1), i * band] for i, p in enumerate(panels)]
        y = TOP + len(panels) * band - 14 + ROW // 2
        legend, rows = _legend(names, panels[0].x, y, width - 10)
        out["n"] = {"vb": [width, y - ROW // 2 + ROW * rows + 4], "t": t, "leg": legend}
    return out
