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

W, PH, TOP = 960, 330, 40                 # viewBox width, panel height, top band (settings, divergence notes)
W1 = 540                                  # the width of a one-panel figure (drawn at most at this size, 1:1)
FS, BOT, ROW = 18, 60, 24                 # font size; band under a panel (ticks, axis label); legend row height
NARROW = 600                              # below this width (CSS px) the panels of an explorer are stacked
MAX_POINTS = 600                          # at most this many points per drawn curve
_JS = (pathlib.Path(__file__).parent / "static" / "explorer.js").read_text()
_CSS = (".ol-explorer{margin:1em 0;font-family:system-ui,sans-serif;max-width:960px;text-align:left}"
        ".ol-explorer .ol-title{font-weight:bold;margin:.2em 0 .4em}"
        ".ol-explorer .ol-controls{display:flex;flex-wrap:wrap;gap:.3em 1.5em;align-items:center}"
        ".ol-explorer .ol-control{display:flex;flex-wrap:wrap;align-items:center;gap:0 .5em;max-width:100%}"
        ".ol-explorer .ol-control label{min-width:8.5em}"
        ".ol-explorer .ol-track{position:relative;display:inline-block;padding:1.1em 0 1.1em}"
        ".ol-explorer .ol-track input{width:11em;max-width:60vw;margin:0;display:block}"
        ".ol-explorer .ol-range{position:absolute;left:0;right:0;bottom:0;display:flex;"
        "justify-content:space-between;font-size:.75em;line-height:1.2;color:#555}"
        ".ol-explorer .ol-edge{position:absolute;top:.1em;bottom:1.1em;width:0;border-left:2px solid #D55E00;"
        "pointer-events:none}.ol-explorer .ol-edge span{position:absolute;top:-.1em;left:0;transform:translateX(-50%);"
        "white-space:nowrap;font-size:.75em;line-height:1.2;color:#A04000}"
        ".ol-explorer output{min-width:4.5em;font-variant-numeric:tabular-nums}"
        ".ol-explorer .ol-figure svg{width:100%;height:auto;display:block;background:#fff}"
        ".ol-explorer .ol-status{font-size:.9em;margin:.3em 0;min-height:2.6em}"
        ".ol-explorer button{padding:.15em .9em}")


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


def _thin(X, Y, keep=None):
    """A curve's points as drawn: flat integer viewBox points ``[x0, y0, x1, y1, ...]``, at most ``MAX_POINTS``.

    Thinned so that what the eye sees survives, oscillations included: points are rounded to the viewBox grid,
    repeats dropped, a back-and-forth over one segment (a two-step cycle: A B A B ...) drawn once, then
    Ramer–Douglas–Peucker keeps every point that stands out from the line through its neighbours by 0.8
    unit or more (a bounce, a spike), coarsening only if a curve still has more than ``MAX_POINTS`` points.
    Returns ``(points, index)``: ``index`` gives the position in the input of each kept point. ``keep`` lists
    positions that must be kept (a race's frames); the ends are always kept.
    """
    P = np.column_stack([np.asarray(X, float), np.asarray(Y, float)]).round().astype(int)
    must = np.zeros(len(P), bool)
    must[[0, -1] if len(P) else []] = True
    if keep is not None:
        must[np.asarray(keep, int)] = True
    T, M, idx = list(map(tuple, P.tolist())), must.tolist(), []
    for i, q in enumerate(T):
        if idx and not M[i] and q == T[idx[-1]]:
            continue  # the same point again
        if len(idx) >= 3 and not M[i] and not M[idx[-1]] and q == T[idx[-2]] and T[idx[-1]] == T[idx[-3]]:
            idx.pop()  # A B A + B: the segment A-B again; keep "A B" (the B just seen is dropped with it)
            continue
        idx.append(i)
    idx = np.asarray(idx, int)
    if len(idx) > 2:
        tol = 0.8
        while True:
            kept = idx[_rdp(P[idx].astype(float), tol, must[idx])]
            if len(kept) <= MAX_POINTS or tol > 1e4:
                break
            tol *= 1.6
        idx = kept
    return P[idx].ravel().tolist(), idx


def _rdp(P, tol, must):
    """Ramer–Douglas–Peucker: the positions of ``P`` (n x 2) to keep at tolerance ``tol`` (``must`` always kept)."""
    keep = must.copy()
    keep[0] = keep[-1] = True
    anchors = np.flatnonzero(keep)
    stack = list(zip(anchors[:-1], anchors[1:]))
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        d, seg = P[a + 1:b] - P[a], P[b] - P[a]
        n = np.hypot(*seg)
        dist = np.abs(d[:, 0] * seg[1] - d[:, 1] * seg[0]) / n if n > 0 else np.hypot(d[:, 0], d[:, 1])
        j = int(np.argmax(dist))
        if dist[j] > tol:
            m = a + 1 + j
            keep[m] = True
            stack += [(a, m), (m, b)]
    return np.flatnonzero(keep)


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


def _axes_svg(uid, i, p):
    out = [f'<clipPath id="{uid}-c{i}"><rect x="{p.x}" y="{p.y}" width="{p.w}" height="{p.h}"/></clipPath>',
           f'<rect x="{p.x}" y="{p.y}" width="{p.w}" height="{p.h}" fill="none" stroke="#333" stroke-width="1"/>']
    for v, lab in _ticks(*p.xlim, p.xlog):
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


def _dyn(data, pos, fj):
    """The figure's changing parts at slider positions ``pos`` (and frame ``fj``), as ``explorer.js`` draws
    them: the SVG of each panel and of the top band, and the status sentence. Written into the page so that, with
    JavaScript off, the explorer still shows its initial figure and says it; the script redraws the same markup
    on every move."""
    frames = data["frames"]
    now = frames[fj] if frames else None
    vals = [f"{sl['l']} = {sl['v'][p]}" for sl, p in zip(data["sl"], pos)]
    if frames:
        vals.append(f"step {now} of {data['steps']}")
    panels, notes, seen, said, order = {}, [], set(), {}, []
    for s in data["series"]:
        if s["n"] not in order:
            order.append(s["n"])
        g = sum(pos[u] * st for u, st in zip(s["u"], s["st"]))
        a, dv = s["pts"][g] if g < len(s["pts"]) else [], s["dv"][g] if s.get("dv") else None
        n = len(a) // 2
        hit = dv is not None and (now is None or now >= dv[0])
        if frames and not hit and s.get("ks"):
            n = sum(1 for k in s["ks"][g] if k <= now)
        out, clip = panels.setdefault(s["p"], []), f' clip-path="url(#{data["uid"]}-c{s["p"]})"'
        pts = " ".join(f"{a[2 * i]},{a[2 * i + 1]}" for i in range(n))
        out.append(f'<polyline{clip} points="{pts}" fill="none" stroke="{s["c"]}" stroke-width="{s["lw"]:g}" '
                   f'stroke-dasharray="{s["da"]}" stroke-linejoin="round"/>')
        if s["end"] and n > 0:
            rot = f" rotate({s['mr']})" if s["mr"] else ""
            out.append(f'<g{clip}><path d="{s["m"]}" transform="translate({a[2 * n - 2]},{a[2 * n - 1]}){rot}" '
                       f'fill="{s["c"]}" stroke="#fff" stroke-width="0.8"/></g>')
        if hit:
            cross = "M-6,-6L6,6M-6,6L6,-6"
            out.append(f'<path d="{cross}" transform="translate({dv[1]},{dv[2]})" stroke="#000" stroke-width="4.5"/>'
                       f'<path d="{cross}" transform="translate({dv[1]},{dv[2]})" stroke="{s["c"]}" '
                       f'stroke-width="2.5"/>')
            if s["n"] not in seen:
                seen.add(s["n"])
                said[s["n"]] = f'{s["n"]} diverged at {s.get("dw") or "step"} {dv[0]}'
                notes.append((said[s["n"]], s["c"]))
        elif s.get("f") and s["f"][g] and s["n"] not in said:
            said[s["n"]] = f'{s["n"]} {s["f"][g]}'
    top = f'<text x="{data["head"][0]}" y="{data["head"][1]}">{html.escape(" · ".join(vals))}</text>'
    if notes:
        top = (f'<text x="{data["head"][0]}" y="{data["head"][1]}">' + "".join(
            f'<tspan fill="{c}" font-weight="bold"{" dx=" + chr(34) + "14" + chr(34) if i else ""}>✕ </tspan>'
            f"<tspan>{html.escape(t)}</tspan>" for i, (t, c) in enumerate(notes)) + "</text>")
    done = not frames or fj == len(frames) - 1  # mid-race, only the divergences so far are stated
    res = [said[n] for n in order if n in said and (done or n in seen)]
    status = (", ".join(vals) + ". " if vals else "") + (f"After {data['steps']} steps: " if done and data["steps"]
                                                          else "") + ("; ".join(res) + "." if res else "")
    return panels, top, status


def _position(grid, value):
    """Where ``value`` sits along a slider over ``grid`` (0 at the first value, 1 at the last), interpolating
    between neighbours (on a log scale when the grid is positive and spans more than a decade)."""
    g = np.asarray(grid, float)
    log = g.min() > 0 and g.max() / g.min() > 10
    t = np.log(g) if log else g
    v = np.log(value) if log else value
    return float(np.interp(v, t, np.arange(len(g))) / (len(g) - 1)) if np.all(np.diff(t) > 0) else None


def _control(uid, i, label, vals, at, edge=None):
    """A labelled slider over ``vals`` at position ``at``: its first and last values under the track, its
    current value beside it, and a stability edge ``(value, text)`` marked on the track if given."""
    mark = ""
    if edge is not None:
        where = _position(vals, edge[0])
        if where is not None and 0 <= where <= 1:
            text = f"{edge[1]} = {_fmt(edge[0])}" if edge[1] else _fmt(edge[0])
            mark = (f'<span class="ol-edge" style="left:calc(8px + (100% - 16px) * {where:.3f})" '
                    f'title="stability edge: {html.escape(text)}"><span>{html.escape(text)}</span></span>')
    return (f'<div class="ol-control"><label for="{uid}-s{i}">{html.escape(label)}</label>'
            f'<span class="ol-track"><input type="range" class="ol-slider" id="{uid}-s{i}" min="0" '
            f'max="{len(vals) - 1}" step="1" value="{at}" aria-valuetext="{_fmt(vals[at])}">'
            f'<span class="ol-range" aria-hidden="true"><span>{_fmt(vals[0])}</span><span>{_fmt(vals[-1])}</span>'
            f'</span>{mark}</span><output for="{uid}-s{i}">{_fmt(vals[at])}</output></div>')


def _html(uid, spec, panels, series, frames, static, names):
    """The explorer as one ``<div>``: labelled range inputs, the SVG, a live status line, the data and the script.

    ``spec`` gives the sliders, their labels, edges and starting positions, the title, alt text and steps;
    ``series`` the curves; ``static`` the SVG drawn once in each panel (``@UID@`` stands for ``uid``); ``names``
    the legend's entries."""
    lay = _layouts(panels, names)
    data = {"uid": uid, "series": series, "steps": spec.steps, "head": [panels[0].x, 26],
            "frames": None if frames is None else frames.tolist(), "brk": NARROW,
            "lay": {k: {"vb": v["vb"], "t": v["t"]} for k, v in lay.items()},
            "sl": [{"l": spec.labels[k], "v": [_fmt(v) for v in vals]} for k, vals in spec.sliders.items()]}
    if "n" not in lay:
        data["lay"]["n"] = None
    edges = getattr(spec, "edges", None) or {}
    controls = [_control(uid, i, spec.labels[k], vals, spec.initial[k], edges.get(k))
                for i, (k, vals) in enumerate(spec.sliders.items())]
    if frames is not None:
        controls.append(f'<div class="ol-control"><button type="button" class="ol-play" aria-pressed="false">Play'
                        f'</button><label for="{uid}-step">step</label><span class="ol-track"><input type="range" '
                        f'class="ol-step" id="{uid}-step" min="0" max="{len(frames) - 1}" step="1" '
                        f'value="{len(frames) - 1}"><span class="ol-range" aria-hidden="true"><span>0</span>'
                        f'<span>{frames[-1]}</span></span></span><output for="{uid}-step">{frames[-1]}</output></div>')
    title = f'<p class="ol-title">{html.escape(spec.title)}</p>' if spec.title else ""
    alt = html.escape(spec.alt)
    pos = [spec.initial[k] for k in spec.sliders]
    dyn, top, status = _dyn(data, pos, 0 if frames is None else len(frames) - 1)
    groups = "".join(f'<g class="ol-p" transform="translate(0,0)">{static[i].replace("@UID@", uid)}'
                     f'{_axes_svg(uid, i, p)}<g class="ol-dyn">{"".join(dyn.get(i, []))}</g></g>'
                     for i, p in enumerate(panels))
    legends = "".join(f'<g class="ol-leg" data-lay="{k}" display="{"inline" if k == "w" else "none"}">'
                      f'{v["leg"]}</g>' for k, v in lay.items())
    vb = lay["w"]["vb"]
    big = f' style="max-width:{vb[0]}px"' if vb[0] < W else ""  # a small figure is not blown up on a desktop
    svg = (f'<svg viewBox="0 0 {vb[0]} {vb[1]}" xmlns="http://www.w3.org/2000/svg" role="img" font-size="{FS}" '
           f'font-family="system-ui,sans-serif" data-lay="w"{big}><title>{alt}</title>{groups}{legends}'
           f'<g class="ol-top">{top}</g></svg>')
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return (f'<div class="ol-explorer" id="{uid}" role="figure" aria-label="{alt}">'
            f'<style>{_CSS}</style>{title}<div class="ol-controls">{"".join(controls)}</div>'
            f'<div class="ol-figure">{svg}</div><p class="ol-status" aria-live="polite">{html.escape(status)}</p>'
            f'<script type="application/json" class="ol-data">{payload}</script>'
            f'<script>{_JS}</script></div>')


_SEEN = {}


def _uid(*parts):
    """An element id from the explorer's content: the same in every build, different for different explorers
    (a repeat of the same explorer in one session gets a numbered suffix)."""
    h = "ol" + hashlib.sha1(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()[:10]
    _SEEN[h] = _SEEN.get(h, 0) + 1
    return h if _SEEN[h] == 1 else f"{h}-{_SEEN[h]}"
