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

from .explorers import CurveSpec, Spec, _fmt, axis_limits, loss_limits
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


# --------------------------------------------------------------------------- explorers on a surface

def _exit_point(panel, X, Y):
    """Where a diverged path leaves the panel (or its last point, if inside), in viewBox units."""
    from .plotting import exit_point

    return exit_point(np.column_stack([X, Y]), (panel.x, panel.y), (panel.x + panel.w, panel.y + panel.h))


def _surface_panels(spec, fstar):
    s = spec.surface
    (xa, xb) = s.domain[0]
    sym = [str(v) for v in getattr(s, "symbols", ("x", "y"))]
    if spec.dim == 2:
        (ya, yb) = s.domain[1]
        pw = float(np.clip(PH * (xb - xa) / (yb - ya), 0.6 * PH, 1.5 * PH))
        p0 = _Panel(60, pw, (xa, xb), (ya, yb), xlabel=sym[0], ylabel=sym[1])
    else:
        xs = np.linspace(xa, xb, 400)
        with np.errstate(all="ignore"):
            fx = np.asarray(s.f(xs[:, None]), float)
        p0 = _Panel(60, 400, (xa, xb), axis_limits([fx]), xlabel=sym[0], ylabel=f"f({sym[0]})")
    x1 = 60 + p0.w + 90
    ylim = loss_limits(spec, fstar)
    label = "f(x) − f*  (log scale)" if fstar is not None else "f(x)"
    p1 = _Panel(x1, W - 20 - x1, (0, spec.steps), ylim, ylog=fstar is not None, xlabel="step t", ylabel=label)
    return p0, p1


def _surface_model(spec):
    s = spec.surface
    minima = np.asarray(s.minima, float).reshape(-1, spec.dim)
    with np.errstate(all="ignore"):
        fstar = float(np.min(s.f(minima))) if minima.size else None
    grids = {name: spec.run_grid(name) for name in spec.factories}
    valid, gaps = {}, {}
    for name, (tr, shape) in grids.items():
        n = np.where(tr.diverged, tr.diverged_at, spec.steps + 1)  # valid iterates per row
        valid[name] = n
        gaps[name] = tr.loss - fstar if fstar is not None else tr.loss
    p0, p1 = _surface_panels(spec, fstar)
    frames = None
    if spec.animate:
        frames = np.unique(np.linspace(0, spec.steps, min(spec.steps + 1, MAX_POINTS)).round().astype(int))
    order = list(spec.sliders)
    series = []
    for name, (tr, shape) in grids.items():
        used = [order.index(u) for u in spec.uses[name]]
        strides = [int(np.prod(shape[j + 1:])) for j in range(len(shape))]
        st = _style(name)
        paths = {"n": name, "p": 0, "u": used, "st": strides, "end": 1, **st, "pts": [], "dv": [], "f": []}
        losses = {"n": name, "p": 1, "u": used, "st": strides, "end": 0, **st, "pts": [], "dv": []}
        for r in range(int(np.prod(shape))):
            nr = int(valid[name][r])
            idx = np.arange(nr) if frames is None else np.union1d(frames[frames < nr], [nr - 1])
            P, g = tr.path[:nr, r], gaps[name][:nr, r]
            X, Y = p0.px(P[:, 0], P[:, 1]) if spec.dim == 2 else p0.px(P[:, 0], tr.loss[:nr, r])
            LX, LY = p1.px(np.arange(nr), g)
            paths["pts"].append(_thin(X[idx], Y[idx], keep_all=frames is not None))
            losses["pts"].append(_thin(LX[idx], LY[idx], keep_all=frames is not None))
            if tr.diverged[r]:
                k = int(tr.diverged_at[r])
                paths["dv"].append([k, *np.round(_exit_point(p0, X, Y), 1).tolist()])
                losses["dv"].append([k, *np.round(p1.clamp(LX[-1], LY[-1]), 1).tolist()])
                paths["f"].append(None)
            else:
                paths["dv"].append(None)
                losses["dv"].append(None)
                paths["f"].append(f"reaches f − f* = {g[-1]:.2g}" if fstar is not None else
                                  f"reaches f = {g[-1]:.3g}")
        series += [paths, losses]
    static = _static_marks(spec, p0, minima)
    return [p0, p1], series, frames, static


def _static_marks(spec, p0, minima):
    s, out = spec.surface, []
    if spec.dim == 2:
        out.append(f'<image href="data:image/png;base64,{_contour_png(s, p0.w, p0.h)}" x="{p0.x}" y="{p0.y}" '
                   f'width="{p0.w}" height="{p0.h}" preserveAspectRatio="none"/>')
        star = _marker_path("*", 7)[0]
        for pts, d, label in ((minima, star, "minimum"), (np.asarray(s.saddles, float).reshape(-1, 2),
                                                          "M-5,-5L5,5M-5,5L5,-5", "saddle point")):
            for x, y in pts:
                X, Y = p0.px(x, y)
                out.append(f'<path d="{d}" transform="translate({X:.1f},{Y:.1f})" fill="#444" stroke="#444" '
                           f'stroke-width="2"><title>{label}</title></path>')
    else:
        xs = np.linspace(*s.domain[0], 400)
        with np.errstate(all="ignore"):
            X, Y = p0.px(xs, np.asarray(s.f(xs[:, None]), float))
        pts = _thin(X, Y)
        out.append(f'<polyline points="{" ".join(f"{a},{b}" for a, b in zip(pts[::2], pts[1::2]))}" '
                   f'fill="none" stroke="#777" stroke-width="1.5" clip-path="url(#@UID@-c0)"/>')
    return "".join(out)


def _html(uid, spec_sliders, labels, initial, panels, series, frames, static, names, title, alt, steps):
    legend, rows = _legend(names, TOP + PH + LEG - 12)
    height = TOP + PH + LEG + 20 * (rows - 1)
    data = {"uid": uid, "series": series, "steps": steps, "head": [panels[0].x, 22],
            "note": [panels[0].x + 8, TOP + 18], "frames": None if frames is None else frames.tolist(),
            "sl": [{"l": labels[k], "v": [_fmt(v) for v in vals]} for k, vals in spec_sliders.items()]}
    controls = []
    for i, (k, vals) in enumerate(spec_sliders.items()):
        v0 = _fmt(vals[initial[k]])
        controls.append(f'<div class="ol-control"><label for="{uid}-s{i}">{html.escape(labels[k])}'
                        f'</label><input type="range" class="ol-slider" id="{uid}-s{i}" min="0" '
                        f'max="{len(vals) - 1}" step="1" value="{initial[k]}" aria-valuetext="{v0}">'
                        f'<output for="{uid}-s{i}">{v0}</output></div>')
    if frames is not None:
        controls.append(f'<div class="ol-control"><button type="button" class="ol-play" aria-pressed="false">Play'
                        f'</button><label for="{uid}-step">step</label><input type="range" class="ol-step" '
                        f'id="{uid}-step" min="0" max="{len(frames) - 1}" step="1" value="{len(frames) - 1}">'
                        f'<output for="{uid}-step">{frames[-1]}</output></div>')
    heading = f'<text x="{W - 20}" y="22" text-anchor="end" font-weight="bold">{html.escape(title)}</text>' \
        if title else ""
    svg = (f'<svg viewBox="0 0 {W} {height}" xmlns="http://www.w3.org/2000/svg" role="img" font-size="15" '
           f'font-family="system-ui,sans-serif"><title>{html.escape(alt)}</title><defs></defs>'
           f'{static.replace("@UID@", uid)}'
           + "".join(_axes_svg(uid, i, p) for i, p in enumerate(panels))
           + heading + legend + '<g class="ol-dyn"></g></svg>')
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return (f'<div class="ol-explorer" id="{uid}" role="figure" aria-label="{html.escape(alt)}">'
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


def web_explorer(surface, optimizers, sliders=None, **kwargs):
    """The kernel-free explorer of :func:`optimlib.explorer` (same arguments), whatever the environment.

    Every setting of the sliders' product grid is run by :func:`optimlib.run` (one batched run per optimizer);
    paths and losses are thinned to at most 100 points per curve and rounded to the figure's units.
    """
    spec = Spec(surface, optimizers, sliders, **kwargs)
    return _web_from_spec(spec)


def _web_from_spec(spec):
    panels, series, frames, static = _surface_model(spec)
    uid = _uid(spec.surface.name, {k: v.tolist() for k, v in spec.sliders.items()}, spec.title, series)
    return WebExplorer(_html(uid, spec.sliders, spec.labels, spec.initial, panels, series, frames, static,
                             list(spec.factories), spec.title, spec.alt, spec.steps))


# --------------------------------------------------------------------------- explorers of any curves

def web_curve_explorer(draw, sliders, **kwargs):
    """The kernel-free form of :func:`optimlib.curve_explorer` (same arguments), whatever the environment.

    ``draw`` is called once per setting of the sliders' product grid; ``panels`` is a list (one per panel) of
    dicts with optional ``xlabel``, ``ylabel``, ``xscale``/``yscale`` (``"linear"`` or ``"log"``) and fixed
    ``xlim``/``ylim`` (by default the range of the curves that did not diverge, over the whole grid);
    ``static`` is a list (one per panel) of ``{label: (x, y)}`` drawn as grey points on every setting.
    """
    spec = CurveSpec(draw, sliders, **kwargs)
    names = list(spec.sliders)
    shape = [len(spec.sliders[s]) for s in names]
    grid = spec.grid()
    n = len(spec.panels)
    width = (W - 20 - 60 - 90 * (n - 1)) / n
    panels, series, static = [], [], []
    for i, p in enumerate(spec.panels):
        labels = list(dict.fromkeys(k for g in grid for k in g[i]))
        lims = spec.limits(i)
        panel = _Panel(60 + i * (width + 90), width, lims[0], lims[1], p.get("xscale") == "log",
                       p.get("yscale") == "log", p.get("xlabel", ""), p.get("ylabel", ""))
        panels.append(panel)
        for label, (x, y) in spec.static[i].items():
            X, Y = panel.px(x, y)
            static.append(f'<g clip-path="url(#@UID@-c{i})" fill="#888">' + "".join(
                f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2.5"/>' for a, b in zip(X, Y)) + "</g>")
        for label in labels:
            s = {"n": label, "p": i, "u": list(range(len(names))),
                 "st": [int(np.prod(shape[j + 1:])) for j in range(len(shape))], "end": 0, **_style(label),
                 "pts": [], "dv": [], "dw": "step", "f": []}
            for g in grid:
                x, y, k, word = g[i].get(label, (np.zeros(0), np.zeros(0), None, ""))
                X, Y = panel.px(x, y)
                s["pts"].append(_thin(X, Y) if len(X) else [])
                s["dv"].append([k, *np.round(panel.clamp(X[-1], Y[-1]), 1).tolist()] if k is not None and len(X)
                               else None)
                s["dw"] = word or s["dw"]
                last = i == n - 1 and k is None and len(y)  # the status quotes the last panel (often the loss)
                s["f"].append(f"ends at {p.get('ylabel') or 'y'} = {y[-1]:.3g}" if last else None)
            series.append(s)
    uid = _uid("curves", {k: v.tolist() for k, v in spec.sliders.items()}, spec.title, series)
    legend = list(dict.fromkeys(s["n"] for s in series))
    return WebExplorer(_html(uid, spec.sliders, spec.labels, spec.initial, panels, series, None,
                             "".join(static), legend, spec.title, spec.alt, None))
