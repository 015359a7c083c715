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

import numpy as np

from .trajectory import run
from .style import optimizer_style

__all__ = ["explorer", "curve_explorer", "log_grid", "LiveExplorer", "LiveCurveExplorer", "SLIDER_LABELS"]

SLIDER_LABELS = {
    "learning_rate": "learning rate η", "momentum": "momentum μ", "b1": "β₁", "b2": "β₂", "decay": "decay ρ",
    "rho": "ρ", "weight_decay": "weight decay λ", "eps": "ε", "batch_size": "batch size", "steps": "steps",
    "damping": "damping λ", "mu": "μ", "condition_number": "condition number κ", "beta": "β",
    "noise": "noise level", "alpha": "α", "decay_rate": "decay rate", "lr": "learning rate η",
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


def axis_limits(arrays, log=False):
    """Axis limits that show the typical curves of ``arrays``; a curve far above the others (a blow-up) is left
    out. On a log axis the limits are in decades (log10 of the data), rounded out, at most 16 decades apart."""
    cs = []
    for a in arrays:
        a = np.asarray(a, float).ravel()
        a = a[np.isfinite(a)]
        if log:
            a = np.log10(a[a > 0])
        if a.size:
            cs.append(a)
    if not cs:
        return (-8.0, 1.0) if log else (0.0, 1.0)
    top, low = np.array([c.max() for c in cs]), np.array([c.min() for c in cs])
    span = max(np.median(top) - np.median(low), 1.0 if log else 0.1 * abs(np.median(top)) + 1e-12)
    keep = top <= np.median(top) + 2 * span
    if not log:
        keep &= low >= np.median(low) - 2 * span
    hi, lo = top[keep].max(), low[keep].min()
    if log:
        hi = np.ceil(hi + 0.2)
        return (float(np.floor(max(lo, hi - 16) - 0.2)), float(hi))
    pad = 0.05 * ((hi - lo) or max(abs(hi), 1.0))
    return (float(lo - pad), float(hi + pad))


class Spec:
    """The validated description of an explorer, shared by the live and the web renderings."""

    def __init__(self, surface, optimizers, sliders, *, x0=None, steps=200, initial=None, bound=None,
                 title=None, alt=None, animate=False, labels=None):
        if not optimizers:
            raise ValueError(f"Invalid optimizers: {optimizers!r} (give at least one name: factory)")
        self.surface, self.title, self.animate = surface, title, bool(animate)
        self.sliders = _check_sliders(sliders)
        if int(steps) != steps or steps < 1:
            raise ValueError(f"Invalid steps: {steps!r} (must be a positive integer)")
        self.steps = int(steps)
        self.x0 = np.asarray(surface.start if x0 is None else x0, dtype=float)
        self.dim = len(surface.domain)
        if self.dim not in (1, 2) or self.x0.shape != (self.dim,):
            raise ValueError(f"Invalid x0: {x0!r} (an explorer draws 1-D or 2-D surfaces: a point of shape (d,))")
        scale = max(abs(v) for pair in surface.domain for v in pair)
        self.bound = 100.0 * scale if bound is None else float(bound)
        self.factories, self.uses, self._grids = {}, {}, {}
        for name, factory in optimizers.items():
            self.factories[name] = factory
            self.uses[name] = _slider_args(name, factory, self.sliders)
        unused = set(self.sliders) - {s for u in self.uses.values() for s in u}
        if unused:
            raise ValueError(f"Invalid sliders: {sorted(unused)} change no optimizer (no factory takes them)")
        self.initial = _initial(initial, self.sliders)
        self.labels = _labels(labels, self.sliders)
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
        if name in self._grids:
            return self._grids[name]
        used = self.uses[name]
        shape = tuple(len(self.sliders[s]) for s in used)
        mesh = np.meshgrid(*[self.sliders[s] for s in used], indexing="ij")
        args = {s: m.reshape(-1, 1) for s, m in zip(used, mesh)}
        K = int(np.prod(shape))
        try:
            opt = self.factories[name](**args) if callable(self.factories[name]) else self.factories[name]
            with np.errstate(all="ignore"):
                traj = run(opt, self.surface, np.tile(self.x0, (K, 1)), self.steps, bound=self.bound)
        except (TypeError, ValueError):  # a factory that takes only scalars: one run per setting
            rows = [self.run_one(name, {s: float(m.flat[k]) for s, m in zip(used, mesh)}) for k in range(K)]
            traj = _stack(rows, self.steps)
        self._grids[name] = (traj, shape)
        return traj, shape


def _stack(runs, steps):
    """Single runs as one batched Trajectory: each row frozen at its last valid iterate, as ``run`` does."""
    def pad(a):
        return np.concatenate([a, np.repeat(a[-1:], steps + 1 - len(a), axis=0)])

    return type(runs[0])(np.stack([pad(r.path) for r in runs], 1), np.stack([pad(r.loss) for r in runs], 1),
                         np.stack([pad(r.grad_norm) for r in runs], 1), np.array([bool(r.diverged) for r in runs]),
                         np.array([-1 if r.diverged_at is None else r.diverged_at for r in runs]), steps)


def _check_sliders(sliders):
    out = {}
    for name, values in (sliders or {}).items():
        v = np.asarray(values, dtype=float).ravel()
        if v.size < 2 or not np.all(np.isfinite(v)):
            raise ValueError(f"Invalid sliders[{name!r}]: {values!r} (need at least two finite values)")
        out[name] = v
    return out


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
                raise ValueError(f"Invalid initial[{s!r}]: {initial[s]!r} (must be one of the slider's values "
                                 f"{[_fmt(x) for x in v]})")
            index[s] = int(hits[0])
        else:
            index[s] = (len(v) - 1) // 2
    extra = set(initial or ()) - set(sliders)
    if extra:
        raise ValueError(f"Invalid initial: {sorted(extra)} are not sliders")
    return index


def _labels(labels, sliders):
    extra = set(labels or ()) - set(sliders)
    if extra:
        raise ValueError(f"Invalid labels: {sorted(extra)} are not sliders")
    return {s: (labels or {}).get(s) or SLIDER_LABELS.get(s, s) for s in sliders}


def _default_alt(spec):
    names = ", ".join(spec.factories)
    where = spec.surface.name
    ctl = " and ".join(spec.labels.values()) or "the step"
    return (f"Paths of {names} on the {where} surface over {spec.steps} steps, with the loss per step on a log "
            f"scale; sliders set {ctl}.")


def loss_limits(spec, fstar):
    """The loss panel's y limits (decades if ``fstar`` is known) over every setting of the grid."""
    arrays, first = [], None
    for name in spec.factories:
        tr, _ = spec.run_grid(name)
        gap = tr.loss - fstar if fstar is not None else tr.loss
        first = gap[0, :1]
        arrays += [gap[:, r] for r in range(gap.shape[1]) if not tr.diverged[r]]
    return axis_limits(arrays + [first], log=fstar is not None)


def status(spec, values, runs):
    """The explorer's current state in words: slider values, then each optimizer's result."""
    head = ", ".join(f"{spec.labels[s]} = {_fmt(values[s])}" for s in spec.sliders)
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
            learning_rate, momentum: ol.sgd(learning_rate, momentum=momentum)``). For the website it is called
            once with arrays of shape ``(K, 1)`` (the optimlib optimizers accept them and the grid runs as one
            batch); a factory that only takes scalars is called once per setting instead. A value may also be
            a ready optimizer (``ol.newton(s.hess)``), which no slider changes. Names pick the look (colour,
            dashes, marker) from :func:`optimizer_style`.
        sliders: ``{name: values}``, the grid of each slider (e.g. :func:`log_grid` for a learning rate); the
            website holds every setting of the product grid, so keep grids moderate (about 10 x 6). Every slider
            must be used by some factory.
        x0: the start point (default ``surface.start``); steps: the number of updates (default 200).
        initial: ``{slider: value}``, the starting positions, each a value of its grid (default: the middle).
        labels: ``{slider: text}``, overriding :data:`SLIDER_LABELS`. Labels are plain text with Unicode
            symbols (``"momentum μ"``): no LaTeX, which a slider label cannot render.
        animate: add a step slider and a play/pause button (optimizers racing); works with no other slider.
        title: a heading drawn in the figure. alt: the figure's text alternative (a default is written from
            the names and sliders; give a better one that says what the reader should see).
        bound: a coordinate beyond which a run counts as diverged (default 100 times the domain's scale).

    A run that diverges is drawn up to its last valid point, marked with a cross and noted "<name> diverged at
    step k", in the figure and in the status sentence; nothing raises and no warning is printed.

    Example (one slider; the second optimizer ignores it)::

        bowl = ol.quadratic(condition_number=10.0)
        ol.explorer(bowl, {"GD": lambda learning_rate: ol.sgd(learning_rate), "Newton": ol.newton(bowl.hess)},
                    sliders={"learning_rate": [0.02, 0.1, 0.18, 0.2, 0.22]}, initial={"learning_rate": 0.1},
                    steps=100, title="GD on a quadratic", alt="...")

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

    For what is not a path on a 2-D surface: a fitted line, loss curves against epochs, a batch-size sweep.

    Args:
        draw: ``draw(**values)`` returns, for one setting of the sliders (its parameters, all of them), the
            curves to show: a dict ``{label: (x, y)}`` for one panel, or a list of such dicts, one per panel.
            A curve may also be ``(x, y, diverged_at)``, or a :class:`~optimlib.Trajectory` (its loss against
            the step, with its divergence). A curve whose values turn non-finite is cut there and flagged.
            On the website ``draw`` is called once per setting of the product grid; if it draws random numbers,
            seed them inside (``rng = np.random.default_rng(0)``) so that a setting always gives the same curves.
        sliders: ``{name: values}``, as for :func:`explorer`.
        panels: one dict per panel with optional ``xlabel``, ``ylabel``, ``xscale``/``yscale`` (``"linear"``
            or ``"log"``) and fixed ``xlim``/``ylim`` (default: the range of the curves over the whole grid,
            leaving out curves that blow up).
        static: one dict per panel, ``{label: (x, y)}`` drawn as grey points at every setting (the data).
        initial, labels, title, alt: as for :func:`explorer`.

    Curves take the look of their label from :func:`optimizer_style` (label them "GD", "Adam", ...).
    """
    if os.environ.get("OPTIMLIB_STATIC", "") not in ("", "0"):
        from .web import web_curve_explorer

        return web_curve_explorer(draw, sliders, **kwargs)
    return LiveCurveExplorer(CurveSpec(draw, sliders, **kwargs))


_PANEL_KEYS = {"xlabel", "ylabel", "xscale", "yscale", "xlim", "ylim"}


class CurveSpec:
    """The validated description of a curve explorer (see :func:`curve_explorer`)."""

    def __init__(self, draw, sliders, *, panels=None, static=None, initial=None, title=None, alt=None,
                 labels=None):
        if not callable(draw):
            raise ValueError(f"Invalid draw: {draw!r} (must be a function of the slider values)")
        self.draw, self.title, self.animate, self.steps = draw, title, False, None
        self.sliders = _check_sliders(sliders)
        if not self.sliders:
            raise ValueError(f"Invalid sliders: {sliders!r} (give at least one slider)")
        self.uses = _slider_args("draw", draw, self.sliders)
        unused = set(self.sliders) - set(self.uses)
        if unused:
            raise ValueError(f"Invalid sliders: {sorted(unused)} are not parameters of draw")
        self.initial = _initial(initial, self.sliders)
        self.labels = _labels(labels, self.sliders)
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

    def values(self, index):
        return {s: float(self.sliders[s][index[s]]) for s in self.sliders}

    def grid(self):
        """``draw`` at every setting of the product grid (the first slider slowest), computed once."""
        if not hasattr(self, "_grid"):
            import itertools

            names = list(self.sliders)
            self._grid = [self.curves({s: float(self.sliders[s][i]) for s, i in zip(names, idx)})
                          for idx in itertools.product(*[range(len(self.sliders[s])) for s in names])]
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

    def curves(self, values):
        """``draw`` at one setting, as a list of panels ``{label: (x, y, diverged_at or None, word)}``."""
        with np.errstate(all="ignore"):
            out = self.draw(**{s: values[s] for s in self.uses})
        panels = [out] if isinstance(out, dict) else list(out)
        return [{k: _as_curve(v) for k, v in d.items()} for d in panels]


def _as_curve(v):
    """(x, y, diverged_at, word) from a Trajectory or an (x, y) pair, cut at the first non-finite value."""
    if hasattr(v, "loss"):
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


class _Live:
    """Sliders, the image of one figure and a status line; subclasses draw and update the figure's artists."""

    def _build_widgets(self, spec):
        import ipywidgets as widgets

        self.sliders = {}
        for name, values in spec.sliders.items():
            self.sliders[name] = widgets.SelectionSlider(
                options=[(_fmt(v), float(v)) for v in values], value=float(values[spec.initial[name]]),
                description=spec.labels[name], continuous_update=True,
                style={"description_width": "initial"}, layout={"width": "340px"})
        controls, watched = list(self.sliders.values()), list(self.sliders.values())
        self.step = None
        if spec.animate:
            self.step = widgets.IntSlider(value=spec.steps, min=0, max=spec.steps, description="step",
                                          continuous_update=True)
            play = widgets.Play(value=spec.steps, min=0, max=spec.steps, step=max(1, spec.steps // 100),
                                interval=50, description="play")
            widgets.jslink((play, "value"), (self.step, "value"))
            controls.append(widgets.HBox([play, self.step]))
            watched.append(self.step)
        for w in watched:
            w.observe(lambda change: self.update(), names="value")
        self.image = widgets.Image(format="png")
        self.status = widgets.HTML()
        self.widget = widgets.VBox([widgets.HBox(controls, layout={"flex_flow": "row wrap"}), self.image,
                                    self.status])

    def _new_figure(self, ncols, width_ratios=None):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(9.6, 3.8), dpi=100)
        FigureCanvasAgg(self.figure)
        self.axes = list(np.ravel(self.figure.subplots(1, ncols, gridspec_kw={"width_ratios": width_ratios})))
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.9, wspace=0.28)
        self.title = self.axes[0].text(0.0, 1.05, "", transform=self.axes[0].transAxes, fontsize=10,
                                       clip_on=False)  # an axes text: blitting skips it, unlike a suptitle
        self._background, self._dynamic = None, []
        self._animate([self.title])

    def _animate(self, artists):
        for a in artists:
            a.set_animated(True)
        self._dynamic += list(artists)

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
                raise ValueError(f"Invalid {name}: {v!r} (must be one of {[_fmt(g) for g in grid]})")
            self.sliders[name].value = float(grid[hits[0]])

    def _values(self):
        return {n: float(w.value) for n, w in self.sliders.items()}

    def render(self):
        """The figure as PNG bytes (Agg). The static layer (contours, axes, legend) is drawn once per set of
        axis limits and cached; each update draws only the changing artists over it (blitting)."""
        import io

        from PIL import Image

        canvas = self.figure.canvas
        key = tuple((ax.get_xlim(), ax.get_ylim()) for ax in self.axes)
        if self._background is None or self._background[0] != key:
            canvas.draw()  # animated artists are skipped
            self._background = (key, canvas.copy_from_bbox(self.figure.bbox))
        canvas.restore_region(self._background[1])
        for a in self._dynamic:
            (a.axes or self.figure).draw_artist(a)
        buf = canvas.buffer_rgba()
        out = io.BytesIO()
        Image.frombuffer("RGBA", (buf.shape[1], buf.shape[0]), buf, "raw", "RGBA", 0, 1).save(
            out, format="PNG", compress_level=1)
        return out.getvalue()

    def _show(self, text, heading):
        self.title.set_text(heading)
        self.status.value = f'<p aria-live="polite">{text}</p>'
        self.image.value = self.render()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def _heading(labels, values, step=None, steps=None):
    parts = [f"{labels[k]} = {_fmt(v)}" for k, v in values.items()]
    return " · ".join(parts + ([f"step {step} of {steps}"] if step is not None else []))


class LiveExplorer(_Live):
    """The Jupyter explorer: ipywidgets sliders over one matplotlib figure, recomputed by optimlib on each move.

    Attributes: ``figure`` (the one matplotlib Figure, never replaced), ``axes`` (paths, loss), ``sliders``
    (``{name: widget}``), ``image`` (the ipywidgets.Image showing the figure), ``status`` (an HTML widget
    stating the values and results), ``widget`` (the whole box), ``runs`` (the current Trajectory of each
    optimizer), ``lines`` (``{name: {artist role: artist}}``). ``set(learning_rate=0.01)`` moves sliders from code.
    """

    def __init__(self, spec):
        from . import plotting

        self.spec, s = spec, spec.surface
        self._new_figure(2, [1, 1.25])
        ax0, ax1 = self.axes
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
        for name in spec.factories:
            st = optimizer_style(name)
            kw = dict(color=st["color"], ls=st["linestyle"], lw=1.8)
            self.lines[name] = dict(
                path=ax0.plot([], [], label=name, zorder=3, **kw)[0],
                end=ax0.plot([], [], st["marker"], color=st["color"], ms=8, mec="white", zorder=5)[0],
                cross=ax0.plot([], [], "X", color=st["color"], ms=12, mec="black", zorder=6, clip_on=False)[0],
                loss=ax1.plot([], [], **kw)[0],
                lcross=ax1.plot([], [], "X", color=st["color"], ms=10, mec="black", zorder=6, clip_on=False)[0],
                note=ax0.text(0.02, 0.97, "", transform=ax0.transAxes, color=st["color"], va="top", fontsize=9,
                              bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1), zorder=7))
            self._animate(self.lines[name].values())
        ax0.legend(loc="lower right", fontsize=8, framealpha=0.85)
        lim = loss_limits(spec, self.fstar)
        ax1.set_ylim(*(10.0 ** np.array(lim) if self.fstar is not None else lim))
        self._build_widgets(spec)
        self.runs, self._keys = {}, {}
        self.update()

    def update(self):
        """Rerun the optimizers whose sliders changed, update the artists in place and redraw the figure."""
        from .plotting import exit_point

        spec, (ax0, ax1) = self.spec, self.axes
        values = self._values()
        for name in spec.factories:
            key = tuple(values[u] for u in spec.uses[name])
            if self._keys.get(name) != key:
                self.runs[name], self._keys[name] = spec.run_one(name, values), key
        t = spec.steps if self.step is None else int(self.step.value)
        results, notes = {}, 0
        (xa, xb), (ya, yb) = ax0.get_xlim(), ax0.get_ylim()
        for name, tr in self.runs.items():
            a, n = self.lines[name], min(len(tr.path), t + 1)
            P = tr.path[:n]
            g = tr.loss[:n] - self.fstar if self.fstar is not None else tr.loss[:n]
            y = P[:, 1] if spec.dim == 2 else tr.loss[:n]
            a["path"].set_data(P[:, 0], y)
            a["end"].set_data(P[-1:, 0], y[-1:])
            a["loss"].set_data(np.arange(n), g)
            shown = bool(tr.diverged) and t >= tr.diverged_at
            e = exit_point(np.column_stack([P[:, 0], y]), (xa, ya), (xb, yb))
            a["cross"].set_data([e[0]] if shown else [], [e[1]] if shown else [])
            a["lcross"].set_data([n - 1] if shown else [], np.clip(g[-1:], *ax1.get_ylim()) if shown else [])
            a["note"].set_text(f"{name} diverged at step {tr.diverged_at}" if shown else "")
            a["note"].set_y(0.97 - 0.075 * notes)
            notes += shown
            if tr.diverged:
                results[name] = (None, tr.diverged_at)
            else:
                results[name] = (f"f − f* = {g[-1]:.2g}" if self.fstar is not None else f"f = {g[-1]:.3g}", None)
        step = None if self.step is None else t
        self._show(status(spec, values, results), _heading(spec.labels, values, step, spec.steps))


class LiveCurveExplorer(_Live):
    """The Jupyter form of :func:`curve_explorer`: one line per curve label, updated in place on each move."""

    def __init__(self, spec):
        self.spec = spec
        self._new_figure(len(spec.panels))
        self.lines = []
        first = spec.curves(spec.values(spec.initial))
        for i, (ax, p, curves, static) in enumerate(zip(self.axes, spec.panels, first, spec.static)):
            xlim, ylim = spec.limits(i)
            ax.set(xscale=p.get("xscale", "linear"), yscale=p.get("yscale", "linear"),
                   xlabel=p.get("xlabel", ""), ylabel=p.get("ylabel", ""),
                   xlim=10.0 ** np.array(xlim) if p.get("xscale") == "log" else xlim,
                   ylim=10.0 ** np.array(ylim) if p.get("yscale") == "log" else ylim)
            for label, (x, y) in static.items():
                ax.plot(x, y, "o", color="#888", ms=3, label=label)
            lines = {}
            for label in curves:
                st = optimizer_style(label)
                lines[label] = (ax.plot([], [], color=st["color"], ls=st["linestyle"], lw=1.8, label=label)[0],
                                ax.plot([], [], "X", color=st["color"], ms=10, mec="black")[0],
                                ax.text(0.02, 0.97, "", transform=ax.transAxes, color=st["color"], va="top",
                                        fontsize=9))
                self._animate(lines[label])
            self.lines.append(lines)
            ax.legend(fontsize=8)
        self._build_widgets(spec)
        self.update()

    def update(self):
        """Call ``draw`` at the current values and update every line in place."""
        values = self._values()
        notes = []
        for lines, curves in zip(self.lines, self.spec.curves(values)):
            n = 0
            for label, (line, cross, note) in lines.items():
                x, y, k, word = curves.get(label, (np.zeros(0), np.zeros(0), None, ""))
                line.set_data(x, y)
                cross.set_data(x[-1:] if k is not None else [], y[-1:] if k is not None else [])
                note.set_text(f"{label} diverged at {word} {k}" if k is not None else "")
                note.set_y(0.97 - 0.075 * n)
                n += k is not None
                if k is not None:
                    notes.append(f"{label} diverged at {word} {k}")
        text = ", ".join(f"{self.spec.labels[k]} = {_fmt(v)}" for k, v in values.items()) + ". "
        self._show(text + ("; ".join(dict.fromkeys(notes)) + "." if notes else ""), _heading(self.spec.labels, values))
