"""The web explorer as one self-contained ``<div>``: the slider controls, the SVG, the status line, the data and
the inlined ``static/explorer.js``; and the figure's initial state written into the page (shown without
JavaScript; the script redraws the same markup on every move)."""
import hashlib
import html
import json
import pathlib

import numpy as np

from .sliders import _fmt
from .svg import FS, NARROW, W, _axes_svg, _layouts

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
        key = (s["p"], s["n"])  # a name may stand in several panels, for different runs
        if key not in order:
            order.append(key)
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
            if key not in seen:
                seen.add(key)
                said[key] = f'{s["n"]} diverged at {s.get("dw") or "step"} {dv[0]}'
                if all(t != said[key] for t, _ in notes):
                    notes.append((said[key], s["c"]))
        elif s.get("f") and s["f"][g] and key not in said:
            said[key] = f'{s["n"]} {s["f"][g]}'
    top = f'<text x="{data["head"][0]}" y="{data["head"][1]}">{html.escape(" · ".join(vals))}</text>'
    if notes:
        top = (f'<text x="{data["head"][0]}" y="{data["head"][1]}">' + "".join(
            f'<tspan fill="{c}" font-weight="bold"{" dx=" + chr(34) + "14" + chr(34) if i else ""}>✕ </tspan>'
            f"<tspan>{html.escape(t)}</tspan>" for i, (t, c) in enumerate(notes)) + "</text>")
    done = not frames or fj == len(frames) - 1  # mid-race, only the divergences so far are stated
    res = list(dict.fromkeys(said[k] for k in order if k in said and (done or k in seen)))  # each once
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
    """The explorer as one ``<div>`` (labelled range inputs, the SVG, a live status line, the data and the script),
    and its SVG alone: the figure at the starting positions, for a static rendering (the book's PDF).

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
    alt = html.escape(spec.alt)
    pos = [spec.initial[k] for k in spec.sliders]
    dyn, top, status = _dyn(data, pos, 0 if frames is None else len(frames) - 1)
    groups = "".join(f'<g class="ol-p" transform="translate(0,0)">{static[i].replace("@UID@", uid)}'
                     f'{_axes_svg(uid, i, p)}<g class="ol-dyn">{"".join(dyn.get(i, []))}</g></g>'
                     for i, p in enumerate(panels))
    legends = "".join(f'<g class="ol-leg" data-lay="{k}" display="{"inline" if k == "w" else "none"}">'
                      f'{v["leg"]}</g>' for k, v in lay.items())
    vb = lay["w"]["vb"]
    # <title class="nohighlight">: after a search, Sphinx highlights the words found on the page it opens, and on a
    # word inside an SVG <title> it calls getBBox, which a <title> lacks (an uncaught TypeError); it skips this class.
    big = f' style="max-width:{vb[0]}px"' if vb[0] < W else ""  # a small figure is not blown up on a desktop
    svg = (f'<svg viewBox="0 0 {vb[0]} {vb[1]}" xmlns="http://www.w3.org/2000/svg" role="img" font-size="{FS}" '
           f'font-family="system-ui,sans-serif" data-lay="w"{big}><title class="nohighlight">{alt}</title>'
           f'{groups}{legends}<g class="ol-top">{top}</g></svg>')
    body = f'<div class="ol-controls">{"".join(controls)}</div><div class="ol-figure">{svg}</div>'
    return _shell(uid, "ol-explorer", "ol", _CSS, spec.title, body, status, data, _JS,
                  f' role="figure" aria-label="{alt}"'), svg


def _shell(uid, cls, prefix, css, title, body, status, data, js, attrs=""):
    """A self-contained ``<div class=cls id=uid>``: its CSS, the title (``{prefix}-title``, if any), ``body``, a live
    status line (``{prefix}-status``), ``data`` as JSON (``{prefix}-data``) and the script that reads it."""
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    head = f'<p class="{prefix}-title">{html.escape(title)}</p>' if title else ""
    return (f'<div class="{cls}" id="{uid}"{attrs}><style>{css}</style>{head}{body}'
            f'<p class="{prefix}-status" aria-live="polite">{html.escape(status)}</p>'
            f'<script type="application/json" class="{prefix}-data">{payload}</script><script>{js}</script></div>')


_SEEN = {}


def _uid(*parts):
    """An element id from the explorer's content: the same in every build, different for different explorers
    (a repeat of the same explorer in one session gets a numbered suffix)."""
    h = "ol" + hashlib.sha1(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()[:10]
    _SEEN[h] = _SEEN.get(h, 0) + 1
    return h if _SEEN[h] == 1 else f"{h}-{_SEEN[h]}"
