"""The web explorers' encoding: viewBox geometry, SVG axes, markers and legend, and the self-contained HTML.

:mod:`optimlib.explorers.web` decides what to draw; this module writes it down. A figure is one SVG in a fixed viewBox
(``W`` wide; panels ``PH`` high under a title band): static parts (axes, ticks, legend, the contours as an inline
PNG) as SVG elements, the precomputed curves as integer viewBox points in a JSON payload that the inlined
``static/explorer.js`` turns into polylines.
"""
import base64
import hashlib
import html
import io
import json
import pathlib

import numpy as np

from ..viz.geometry import exit_point
from ..viz.style import optimizer_style
from .sliders import _fmt

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

    def exit_point(self, X, Y):
        """Where a diverged path (viewBox units) leaves the panel, or its last point if that is inside."""
        return exit_point(np.column_stack([X, Y]), (self.x, self.y), (self.x + self.w, self.y + self.h))


def _t(a, log):
    a = np.asarray(a, float)
    return np.log10(np.where(a > 0, a, 1e-300)) if log else a


def _thin(X, Y, keep_all=False):
    """Drop points closer than 1.2 units to the last kept one, then cap at MAX_POINTS (always keep the ends).

    With ``keep_all`` (the frames of a race, already at most MAX_POINTS + 1) every point is kept."""
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
    if len(idx) > MAX_POINTS and not keep_all:
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


def _axes_svg(uid, i, p):
    out = [f'<clipPath id="{uid}-c{i}"><rect x="{p.x}" y="{p.y}" width="{p.w}" height="{p.h}"/></clipPath>',
           f'<rect x="{p.x}" y="{p.y}" width="{p.w}" height="{p.h}" fill="none" stroke="#333" stroke-width="1"/>']
    for v, lab in _ticks(*p.xlim, p.xlog):
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

    from ..viz.surface import plot_contour

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
    """One entry per name (line, dashes, marker, name), in rows that fit the width; returns (svg, rows)."""
    out, x, rows = [], 60, 1
    for name in names:
        width = 48 + 8.5 * len(name) + 20
        if x + width > W and x > 60:
            x, y, rows = 60, y + 20, rows + 1
        s = _style(name)
        rot = f" rotate({s['mr']})" if s["mr"] else ""
        out.append(f'<line x1="{x}" x2="{x + 34}" y1="{y}" y2="{y}" stroke="{s["c"]}" stroke-width="2.4" '
                   f'stroke-dasharray="{s["da"]}"/><path d="{s["m"]}" transform="translate({x + 17},{y}){rot}" '
                   f'fill="{s["c"]}" stroke="#fff" stroke-width="0.8"/>'
                   f'<text x="{x + 40}" y="{y + 4}">{html.escape(name)}</text>')
        x += width
    return "".join(out), rows


def _series(name, panel, used, shape, end, **extra):
    """An empty series in the form ``explorer.js`` reads: name ``n``, panel ``p``, the positions ``u`` of the
    sliders it uses and their strides ``st`` in the grid (the first slowest), an end marker or not (``end``), the
    look, then one entry per setting in ``pts`` (flat viewBox points) and ``dv`` (``[k, x, y]`` or ``None``)."""
    return {"n": name, "p": panel, "u": used, "st": [int(np.prod(shape[j + 1:])) for j in range(len(shape))],
            "end": end, **_style(name), "pts": [], "dv": [], **extra}


def _html(uid, spec, panels, series, frames, static, names):
    """The explorer as one ``<div>``: labelled range inputs, the SVG, a live status line, the data and the script.

    ``spec`` gives the sliders, their labels and starting positions, the title, alt text and steps; ``series`` the
    curves; ``static`` the SVG drawn once (``@UID@`` stands for ``uid``); ``names`` the legend's entries."""
    legend, rows = _legend(names, TOP + PH + LEG - 12)
    height = TOP + PH + LEG + 20 * (rows - 1)
    data = {"uid": uid, "series": series, "steps": spec.steps, "head": [panels[0].x, 22],
            "note": [panels[0].x + 8, TOP + 18], "frames": None if frames is None else frames.tolist(),
            "sl": [{"l": spec.labels[k], "v": [_fmt(v) for v in vals]} for k, vals in spec.sliders.items()]}
    controls = []
    for i, (k, vals) in enumerate(spec.sliders.items()):
        at = spec.initial[k]
        controls.append(f'<div class="ol-control"><label for="{uid}-s{i}">{html.escape(spec.labels[k])}'
                        f'</label><input type="range" class="ol-slider" id="{uid}-s{i}" min="0" '
                        f'max="{len(vals) - 1}" step="1" value="{at}" aria-valuetext="{_fmt(vals[at])}">'
                        f'<output for="{uid}-s{i}">{_fmt(vals[at])}</output></div>')
    if frames is not None:
        controls.append(f'<div class="ol-control"><button type="button" class="ol-play" aria-pressed="false">Play'
                        f'</button><label for="{uid}-step">step</label><input type="range" class="ol-step" '
                        f'id="{uid}-step" min="0" max="{len(frames) - 1}" step="1" value="{len(frames) - 1}">'
                        f'<output for="{uid}-step">{frames[-1]}</output></div>')
    heading = f'<text x="{W - 20}" y="22" text-anchor="end" font-weight="bold">{html.escape(spec.title)}</text>' \
        if spec.title else ""
    alt = html.escape(spec.alt)
    svg = (f'<svg viewBox="0 0 {W} {height}" xmlns="http://www.w3.org/2000/svg" role="img" font-size="15" '
           f'font-family="system-ui,sans-serif"><title>{alt}</title><defs></defs>{static.replace("@UID@", uid)}'
           + "".join(_axes_svg(uid, i, p) for i, p in enumerate(panels))
           + heading + legend + '<g class="ol-dyn"></g></svg>')
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return (f'<div class="ol-explorer" id="{uid}" role="figure" aria-label="{alt}">'
            f'<style>{_CSS}</style><div class="ol-controls">{"".join(controls)}</div>'
            f'<div class="ol-figure">{svg}</div><p class="ol-status" aria-live="polite"></p>'
            f'<script type="application/json" class="ol-data">{payload}</script>'
            f'<script>{_JS}</script></div>')


_SEEN = {}


def _uid(*parts):
    """An element id from the explorer's content: the same in every build, different for different explorers
    (a repeat of the same explorer in one session gets a numbered suffix)."""
    h = "ol" + hashlib.sha1(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()[:10]
    _SEEN[h] = _SEEN.get(h, 0) + 1
    return h if _SEEN[h] == 1 else f"{h}-{_SEEN[h]}"
