"""What a curve explorer shows (:func:`optimlib.curve_explorer`), computed once for both of its renderings: the
curves ``draw`` returns at each setting, their axis limits over the whole grid, and the status words."""
import itertools

import numpy as np

from .sliders import check_edges, check_sliders, slider_args
from .spec import _SliderSpec, axis_limits

_PANEL_KEYS = {"xlabel", "ylabel", "xscale", "yscale", "xlim", "ylim"}


class CurveSpec(_SliderSpec):
    """The validated description of a curve explorer (see :func:`optimlib.curve_explorer`) and its curves."""

    def __init__(self, draw, sliders, *, panels=None, static=None, initial=None, title=None, alt=None,
                 labels=None, edges=None):
        if not callable(draw):
            raise ValueError(f"Invalid draw: {draw!r} (must be a function of the slider values)")
        self.draw, self.title, self.animate, self.steps = draw, title, False, None
        self.sliders = check_sliders(sliders)
        if not self.sliders:
            raise ValueError(f"Invalid sliders: {sliders!r} (give at least one slider)")
        self.uses = slider_args("draw", draw, self.sliders)
        unused = set(self.sliders) - set(self.uses)
        if unused:
            raise ValueError(f"Invalid sliders: {sorted(unused)} are not parameters of draw")
        self._place_sliders(initial, labels)
        self.edges = check_edges(edges, self.sliders)
        first = self.curves(self.values(self.initial))
        self.panels = [dict(p) for p in (panels or [{} for _ in first])]
        if len(self.panels) != len(first):
            raise ValueError(f"Invalid panels: {len(self.panels)} given, draw returns {len(first)}")
        for p in self.panels:
            if set(p) - _PANEL_KEYS or any(p.get(k, "linear") not in ("linear", "log") for k in ("xscale", "yscale")):
                raise ValueError(f"Invalid panels: {p!r} (keys {sorted(_PANEL_KEYS)}; scales 'linear' or 'log')")
        self.static = [{k: _as_curve(v)[:2] for k, v in d.items()} for d in (static or [{}] * len(first))]
        self.alt = alt or ("Curves computed by optimlib for each setting of "
                           + " and ".join(self.labels.values()) + ".")

    def curves(self, values):
        """``draw`` at one setting, as a list of panels ``{label: (x, y, diverged_at or None, word)}``."""
        with np.errstate(all="ignore"):
            out = self.draw(**{s: values[s] for s in self.uses})
        panels = [out] if isinstance(out, dict) else list(out)
        return [{k: _as_curve(v) for k, v in d.items()} for d in panels]

    def grid(self):
        """``draw`` at every setting of the product grid (the first slider slowest), computed once."""
        if not hasattr(self, "_grid"):
            positions = itertools.product(*[range(len(v)) for v in self.sliders.values()])
            self._grid = [self.curves(self.values(dict(zip(self.sliders, idx)))) for idx in positions]
        return self._grid

    def limits(self, i):
        """``(xlim, ylim)`` of panel ``i`` (log axes in decades): given, or from the curves over the whole grid."""
        p, out = self.panels[i], []
        for axis, key, scale in ((0, "xlim", "xscale"), (1, "ylim", "yscale")):
            log = p.get(scale) == "log"
            if key in p:
                out.append(tuple(np.log10(p[key])) if log else tuple(p[key]))
                continue
            curves = [c for g in self.grid() for c in g[i].values()]
            data = [c[axis] for c in curves if c[2] is None] or [c[axis] for c in curves]
            out.append(axis_limits(data + [c[axis] for c in self.static[i].values()], log))
        return out

    def status(self, values, notes):
        """The state in words: slider values, then each divergence note (each once)."""
        return ", ".join(self.settings(values)) + ". " + ("; ".join(dict.fromkeys(notes)) + "." if notes else "")


def _as_curve(v):
    """(x, y, diverged_at, word) from a Trajectory or an (x, y) pair, cut at the first non-finite value."""
    if hasattr(v, "loss"):
        v = v.valid() if np.ndim(v.diverged) == 0 else v
        y = np.asarray(v.loss, float)
        y = y if y.ndim == 1 else y.reshape(len(y), -1)[:, 0]
        return np.arange(len(y), dtype=float), y, (int(v.diverged_at) if bool(np.any(v.diverged)) else None), \
            "step"
    k = v[2] if len(v) == 3 else None
    x, y = (np.asarray(a, float).ravel() for a in v[:2])
    if x.shape != y.shape:
        raise ValueError(f"Invalid curve: x of shape {x.shape} and y of shape {y.shape} (must match)")
    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.any():
        i = int(np.argmax(bad))
        return x[:i], y[:i], (f"{x[i]:g}" if np.isfinite(x[i]) else str(i)), "x ="
    return x, y, k, ("step" if k is not None else "")
