r"""Explorers: sliders over hyperparameters, the optimizers' paths redrawn as they move.

One call, two renderings:

- in Jupyter, :func:`explorer` gives a live ipywidgets explorer: moving a slider reruns optimlib and updates the
  artists of one matplotlib figure (:class:`LiveExplorer`);
- when the book is built (the environment variable ``OPTIMLIB_STATIC=1``), the same call returns the kernel-free
  web explorer of :mod:`optimlib.web`: every setting of the slider grid precomputed by the same code, HTML sliders
  that switch between them with no server.

Each optimizer is given as a *factory*, a function whose parameter names are slider names; it is called with the
values it names (a factory may also be a ready optimizer, which no slider changes)::

    ol.explorer(ol.rosenbrock(),
                {"GD": lambda learning_rate: ol.sgd(learning_rate),
                 "Momentum": lambda learning_rate, momentum: ol.sgd(learning_rate, momentum=momentum)},
                sliders={"learning_rate": ol.log_grid(1e-4, 1e-2, 9), "momentum": [0.0, 0.5, 0.9, 0.99]})

For the website a factory is called once per optimizer, with arrays of shape ``(K, 1)`` holding the ``K`` settings
of the sliders it uses (their product grid), and :func:`optimlib.run` runs the whole grid as one batch.
"""
import inspect
import os
import time

import numpy as np

from .run import run

__all__ = ["explorer", "curve_explorer", "log_grid", "LiveExplorer", "SLIDER_LABELS"]

SLIDER_LABELS = {
    "learning_rate": "learning rate η", "momentum": "momentum μ", "b1": "β₁", "b2": "β₂", "decay": "decay ρ",
    "rho": "ρ", "weight_decay": "weight decay λ", "eps": "ε", "batch_size": "batch size", "steps": "steps",
    "damping": "damping λ", "condition_number": "condition number κ",
}


def log_grid(low, high, n):
    """``n`` values from ``low`` to ``high`` evenly spaced on a log scale, rounded to 3 significant digits.

    >>> log_grid(1e-3, 1e-1, 5)
    array([0.001  , 0.00316, 0.01   , 0.0316 , 0.1    ])
    """
    if not 0 < low < high or int(n) != n or n < 2:
        raise ValueError(f"Invalid log_grid: ({low!r}, {high!r}, {n!r}) (need 0 < low < high and an integer n >= 2)")
    return np.array([float(f"{v:.3g}") for v in np.geomspace(low, high, int(n))])


def _fmt(v):
    return f"{v:.3g}".replace("e-0", "e-").replace("e+0", "e")


class Spec:
    """The validated description of an explorer, shared by the live and the web renderings."""

    def __init__(self, surface, optimizers, sliders, *, x0=None, steps=200, initial=None, bound=None,
                 title=None, alt=None, animate=False):
        if not optimizers:
            raise ValueError(f"Invalid optimizers: {optimizers!r} (give at least one name: factory)")
        self.surface, self.title, self.animate = surface, title, bool(animate)
        self.sliders = {}
        for name, values in (sliders or {}).items():
            v = np.asarray(values, dtype=float).ravel()
            if v.size < 2 or not np.all(np.isfinite(v)):
                raise ValueError(f"Invalid sliders[{name!r}]: {values!r} (need at least two finite values)")
            self.sliders[name] = v
        if int(steps) != steps or steps < 1:
            raise ValueError(f"Invalid steps: {steps!r} (must be a positive integer)")
        self.steps = int(steps)
        self.x0 = np.asarray(surface.start if x0 is None else x0, dtype=float)
        self.dim = len(surface.domain)
        if self.dim not in (1, 2) or self.x0.shape != (self.dim,):
            raise ValueError(f"Invalid x0: {x0!r} (an explorer draws 1-D or 2-D surfaces: a point of shape (d,))")
        scale = max(abs(v) for pair in surface.domain for v in pair)
        self.bound = 100.0 * scale if bound is None else float(bound)
        self.factories, self.uses = {}, {}
        for name, factory in optimizers.items():
            self.factories[name] = factory
            self.uses[name] = _slider_args(name, factory, self.sliders)
        unused = set(self.sliders) - {s for u in self.uses.values() for s in u}
        if unused:
            raise ValueError(f"Invalid sliders: {sorted(unused)} change no optimizer (no factory takes them)")
        self.initial = _initial(initial, self.sliders)
        self.alt = alt or _default_alt(self)

    def values(self, index):
        """The slider values at the slider indices ``index`` (a dict name -> position)."""
        return {s: float(self.sliders[s][index[s]]) for s in self.sliders}

    def optimizer(self, name, values):
        factory = self.factories[name]
        return factory(**{s: values[s] for s in self.uses[name]}) if callable(factory) else factory

    def run_one(self, name, values):
        """One optimizer at one setting: a single Trajectory."""
        with np.errstate(all="ignore"):
            return run(self.optimizer(name, values), self.surface, self.x0, self.steps, bound=self.bound)

    def run_grid(self, name):
        """One optimizer at every setting of the sliders it uses (product grid, the first slider slowest).

        Returns ``(trajectory, shape)``: a batched Trajectory over ``K = prod(shape)`` rows.
        """
        used = self.uses[name]
        shape = tuple(len(self.sliders[s]) for s in used)
        mesh = np.meshgrid(*[self.sliders[s] for s in used], indexing="ij")
        args = {s: m.reshape(-1, 1) for s, m in zip(used, mesh)}
        K = int(np.prod(shape))
        opt = self.factories[name](**args) if callable(self.factories[name]) else self.factories[name]
        with np.errstate(all="ignore"):
            traj = run(opt, self.surface, np.tile(self.x0, (K, 1)), self.steps, bound=self.bound)
        return traj, shape


def _slider_args(name, factory, sliders):
    if not callable(factory):
        if not hasattr(factory, "update"):
            raise ValueError(f"Invalid optimizers[{name!r}]: {factory!r} (give a factory or an optimizer)")
        return ()
    used = []
    for p in inspect.signature(factory).parameters.values():
        if p.name in sliders:
            used.append(p.name)
        elif p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise ValueError(f"Invalid optimizers[{name!r}]: its factory takes {p.name!r}, which is not a slider "
                             f"(sliders: {sorted(sliders)})")
    return tuple(used)


def _initial(initial, sliders):
    index = {}
    for s, v in sliders.items():
        if initial and s in initial:
            hits = np.flatnonzero(np.isclose(v, initial[s], rtol=1e-9, atol=0))
            if not hits.size:
                raise ValueError(f"Invalid initial[{s!r}]: {initial[s]!r} (must be one of the slider's values)")
            index[s] = int(hits[0])
        else:
            index[s] = (len(v) - 1) // 2
    extra = set(initial or ()) - set(sliders)
    if extra:
        raise ValueError(f"Invalid initial: {sorted(extra)} are not sliders")
    return index


def _default_alt(spec):
    names = ", ".join(spec.factories)
    where = spec.surface.name
    ctl = " and ".join(SLIDER_LABELS.get(s, s) for s in spec.sliders) or "the step"
    return (f"Paths of {names} on the {where} surface over {spec.steps} steps, with the loss per step on a log "
            f"scale; sliders set {ctl}.")


def status(spec, values, runs):
    """The explorer's current state in words: slider values, then each optimizer's result."""
    head = ", ".join(f"{SLIDER_LABELS.get(s, s)} = {_fmt(values[s])}" for s in spec.sliders)
    parts = []
    for name, (gap, k) in runs.items():
        parts.append(f"{name} diverged at step {k}" if k is not None else f"{name} reaches {gap}")
    tail = f"After {spec.steps} steps: " + "; ".join(parts) + "."
    return f"{head}. {tail}" if head else tail


def explorer(surface, optimizers, sliders=None, **kwargs):
    """An interactive explorer of optimizers on a 1-D or 2-D surface: live in Jupyter, kernel-free on the website.

    Args:
        surface: a :class:`~optimlib.Surface` (2-D: paths over contours; 1-D: iterates on the curve).
        optimizers: ``{name: factory}``; a factory's parameter names are slider names (``lambda
            learning_rate, momentum: ol.sgd(learning_rate, momentum=momentum)``) and it must accept arrays
            of shape ``(K, 1)`` for them (the optimlib optimizers do); a value may also be an optimizer.
            Names pick the look (colour, dashes, marker) from :func:`optimizer_style`.
        sliders: ``{name: values}``, the grid of each slider (e.g. :func:`log_grid` for a learning rate).
            Every slider must be used by some factory. Labels come from :data:`SLIDER_LABELS`.
        x0: the start point (default ``surface.start``); steps: the number of updates (default 200).
        initial: ``{slider: value}``, the starting positions (default: the middle of each grid).
        animate: add a step slider and a play/pause button (optimizers racing).
        title: a heading drawn in the figure; alt: the figure's text alternative (a default is written).
        bound: a coordinate beyond which a run counts as diverged (default 100 times the domain's scale).

    Returns:
        With ``OPTIMLIB_STATIC=1`` in the environment, a :class:`~optimlib.web.WebExplorer` (HTML, no widget);
        otherwise a :class:`LiveExplorer`, which displays itself in Jupyter.
    """
    if os.environ.get("OPTIMLIB_STATIC", "") not in ("", "0"):
        from .web import web_explorer

        return web_explorer(surface, optimizers, sliders, **kwargs)
    return LiveExplorer(Spec(surface, optimizers, sliders, **kwargs))


def curve_explorer(draw, sliders, **kwargs):
    """An explorer of any curves computed from the slider values: live in Jupyter, kernel-free on the website.

    ``draw(**values)`` returns, for one setting of the sliders it names, the curves to show: a dict
    ``{label: (x, y)}`` for one panel, or a list of such dicts, one per panel. A curve may also be a
    :class:`~optimlib.Trajectory` (its loss against the step, with its divergence). A curve whose ``y`` turns
    non-finite is cut there and flagged as diverged. See :func:`optimlib.web.web_curve_explorer` for the keyword
    arguments (``panels``, ``static``, ``initial``, ``title``, ``alt``).
    """
    if os.environ.get("OPTIMLIB_STATIC", "") not in ("", "0"):
        from .web import web_curve_explorer

        return web_curve_explorer(draw, sliders, **kwargs)
    from .live import LiveCurveExplorer

    return LiveCurveExplorer(draw, sliders, **kwargs)


def _gap_limits(spec, arrays, log):
    from .web import _lin_limits, _log_limits

    return _log_limits(arrays) if log else _lin_limits(arrays)


class LiveExplorer:
    """The Jupyter explorer: ipywidgets sliders over one matplotlib figure, recomputed by optimlib on each move.

    Attributes: ``figure`` (the one matplotlib Figure, never replaced), ``axes`` (paths, loss), ``sliders``
    (``{name: widget}``), ``image`` (the ipywidgets.Image showing the figure), ``status`` (an HTML widget
    stating the values and results), ``widget`` (the whole box). ``set(learning_rate=0.01)`` moves sliders
    from code; ``runs`` holds the current Trajectory of each optimizer.
    """

    def __init__(self, spec):
        import ipywidgets as widgets
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from . import plotting

        self.spec, s = spec, spec.surface
        self.figure = Figure(figsize=(9.6, 3.8), dpi=100)
        FigureCanvasAgg(self.figure)
        ax0, ax1 = self.axes = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.9, wspace=0.25)
        minima = np.asarray(s.minima, float).reshape(-1, spec.dim)
        with np.errstate(all="ignore"):
            self.fstar = float(np.min(s.f(minima))) if minima.size else None
        if spec.dim == 2:
            plotting.plot_contour(s, ax0, resolution=120)
        else:
            xs = np.linspace(*s.domain[0], 400)
            ax0.plot(xs, s.f(xs[:, None]), color="#777", lw=1.5)
            ax0.set(xlim=s.domain[0], xlabel=plotting._symbol(s, 0), ylabel="$f$")
        ax1.set(xlim=(0, spec.steps), xlabel="step $t$", yscale="log" if self.fstar is not None else "linear",
                ylabel="$f(x_t) - f^*$" if self.fstar is not None else "$f(x_t)$")
        self.lines = {}
        for i, name in enumerate(spec.factories):
            st = optimizer_style(name)
            kw = dict(color=st["color"], ls=st["linestyle"], lw=1.8)
            self.lines[name] = dict(
                path=ax0.plot([], [], label=name, zorder=3, **kw)[0],
                end=ax0.plot([], [], st["marker"], color=st["color"], ms=8, mec="white", zorder=5)[0],
                cross=ax0.plot([], [], "X", color=st["color"], ms=12, mec="black", zorder=6)[0],
                loss=ax1.plot([], [], **kw)[0],
                lcross=ax1.plot([], [], "X", color=st["color"], ms=10, mec="black", zorder=6)[0],
                note=ax0.text(0.02, 0.97, "", transform=ax0.transAxes, color=st["color"], va="top", fontsize=9,
                              bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1), zorder=7))
        ax0.legend(loc="lower right", fontsize=8, framealpha=0.85)
        self.title = self.figure.suptitle("", fontsize=10, x=0.07, ha="left")
        self._dynamic = [a for d in self.lines.values() for a in d.values()] + [self.title]
        for a in self._dynamic:
            a.set_animated(True)
        self._background = None
        self.sliders = {}
        for name, values in spec.sliders.items():
            self.sliders[name] = widgets.SelectionSlider(
                options=[(_fmt(v), float(v)) for v in values], value=float(values[spec.initial[name]]),
                description=SLIDER_LABELS.get(name, name), continuous_update=True,
                style={"description_width": "initial"}, layout={"width": "340px"})
        controls = list(self.sliders.values())
        self.step = None
        if spec.animate:
            self.step = widgets.IntSlider(value=spec.steps, min=0, max=spec.steps, description="step",
                                          continuous_update=True)
            play = widgets.Play(value=spec.steps, min=0, max=spec.steps, step=max(1, spec.steps // 100),
                                interval=50, description="play")
            widgets.jslink((play, "value"), (self.step, "value"))
            controls.append(widgets.HBox([play, self.step]))
        for w in controls if not spec.animate else controls[:-1] + [self.step]:
            w.observe(self._on_change, names="value")
        self.image = widgets.Image(format="png")
        self.status = widgets.HTML()
        self.widget = widgets.VBox([widgets.HBox(controls, layout={"flex_flow": "row wrap"}), self.image,
                                    self.status])
        self.runs, self._keys = {}, {}
        self.update()

    def set(self, **values):
        """Move sliders from code (``ex.set(learning_rate=0.01)``); each value must be on the slider's grid."""
        for name, v in values.items():
            if name == "step" and self.step is not None:
                self.step.value = int(v)
                continue
            if name not in self.sliders:
                raise ValueError(f"Invalid slider: {name!r} (sliders: {sorted(self.sliders)})")
            grid = self.spec.sliders[name]
            hits = np.flatnonzero(np.isclose(grid, v, rtol=1e-9, atol=0))
            if not hits.size:
                raise ValueError(f"Invalid {name}: {v!r} (must be one of {_fmt_list(grid)})")
            self.sliders[name].value = float(grid[hits[0]])

    def _on_change(self, change):
        self.update()

    def update(self):
        """Rerun the optimizers whose sliders changed, update the artists in place and redraw the figure."""
        spec, ax0, ax1 = self.spec, *self.axes
        values = {n: float(w.value) for n, w in self.sliders.items()}
        for name in spec.factories:
            key = tuple(values[u] for u in spec.uses[name])
            if self._keys.get(name) != key:
                self.runs[name], self._keys[name] = spec.run_one(name, values), key
        t = spec.steps if self.step is None else int(self.step.value)
        results, notes, arrays = {}, 0, []
        for name, tr in self.runs.items():
            a, n = self.lines[name], min(len(tr.path), t + 1)
            P = tr.path[:n]
            g = tr.loss[:n] - self.fstar if self.fstar is not None else tr.loss[:n]
            a["path"].set_data(P[:, 0], P[:, 1] if spec.dim == 2 else tr.loss[:n])
            a["end"].set_data(a["path"].get_xdata()[-1:], a["path"].get_ydata()[-1:])
            a["loss"].set_data(np.arange(n), g)
            shown = tr.diverged and t >= tr.diverged_at
            (xa, xb), (ya, yb) = ax0.get_xlim(), ax0.get_ylim()
            ex, ey = (np.clip(a["path"].get_xdata()[-1], xa, xb), np.clip(a["path"].get_ydata()[-1], ya, yb))
            a["cross"].set_data([ex] if shown else [], [ey] if shown else [])
            a["lcross"].set_data([n - 1] if shown else [], g[-1:] if shown else [])
            a["note"].set_text(f"{name} diverged at step {tr.diverged_at}" if shown else "")
            a["note"].set_y(0.97 - 0.075 * notes)
            notes += bool(shown)
            if not tr.diverged:
                arrays.append(g)
                results[name] = (f"f − f* = {g[-1]:.2g}" if self.fstar is not None else f"f = {g[-1]:.3g}", None)
            else:
                results[name] = (None, tr.diverged_at)
        first = next(iter(self.runs.values())).loss[:1]
        arrays.append(first - self.fstar if self.fstar is not None else first)
        lo, hi = _gap_limits(spec, arrays, self.fstar is not None)
        if self.fstar is not None:
            lo, hi = 10.0 ** lo, 10.0 ** hi
        if self._background is not None:  # the loss axis only grows: steady axes, and a cached background
            cur = ax1.get_ylim()
            lo, hi = min(lo, cur[0]), max(hi, cur[1])
        ax1.set_ylim(lo, hi)
        text = status(spec, values, {k: v for k, v in results.items()})
        self.title.set_text(" · ".join(f"{SLIDER_LABELS.get(k, k)} = {_fmt(v)}" for k, v in values.items())
                            + (f" · step {t} of {spec.steps}" if self.step is not None else ""))
        self.status.value = f'<p aria-live="polite">{text}</p>'
        self.image.value = self.render()

    def render(self):
        """The figure as PNG bytes (Agg). The static layer (contours, axes, legend) is drawn once per set of
        axis limits and cached; each update draws only the changing artists over it (blitting)."""
        import io

        from PIL import Image

        canvas = self.figure.canvas
        key = self.axes[1].get_ylim()
        if self._background is None or self._background[0] != key:
            canvas.draw()  # animated artists are skipped
            self._background = (key, canvas.copy_from_bbox(self.figure.bbox))
        canvas.restore_region(self._background[1])
        for a in self._dynamic:
            a.axes.draw_artist(a) if a.axes is not None else self.figure.draw_artist(a)
        buf = canvas.buffer_rgba()
        out = io.BytesIO()
        Image.frombuffer("RGBA", (buf.shape[1], buf.shape[0]), buf, "raw", "RGBA", 0, 1).save(
            out, format="PNG", compress_level=1)
        return out.getvalue()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def _fmt_list(grid):
    return "[" + ", ".join(_fmt(v) for v in grid) + "]"


from .style import optimizer_style  # noqa: E402
