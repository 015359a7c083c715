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
