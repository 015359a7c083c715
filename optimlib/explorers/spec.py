"""What an explorer shows, computed once for both of its renderings.

A :class:`Spec` validates the arguments of :func:`optimlib.explorer` and runs the optimizers, one setting at a time
(:mod:`optimlib.explorers.live`, on each slider move) or over the sliders' whole product grid as one batch
(:mod:`optimlib.explorers.web`, precomputed); a :class:`~optimlib.explorers.curve_spec.CurveSpec` does the same for :func:`optimlib.curve_explorer`. Both
renderings take their runs, axis limits and words from here, so the live and the web explorer cannot disagree.
"""
import numpy as np

from ..run import run
from .sliders import _fmt, check_edges, check_sliders, initial_index, slider_args, slider_labels

FLOOR = 1e-12   # a loss gap below it is reported as "below 10⁻¹²", not as a number that is round-off
BLOWUP = 100.0  # a run whose loss gap exceeds this many times its start counts as diverged (still in bounds)


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


class _SliderSpec:
    """What every explorer holds: slider grids (``sliders``), starting positions (``initial``) and ``labels``."""

    def _place_sliders(self, initial, labels):
        self.initial = initial_index(initial, self.sliders)
        self.labels = slider_labels(labels, self.sliders)

    def values(self, index):
        """The slider values at the slider positions ``index`` (a dict name -> position)."""
        return {s: float(self.sliders[s][index[s]]) for s in self.sliders}

    def settings(self, values):
        """Each slider's label and value, ``["learning rate η = 0.001", ...]``."""
        return [f"{self.labels[s]} = {_fmt(values[s])}" for s in self.sliders]


class Spec(_SliderSpec):
    """The validated description of an explorer (see :func:`optimlib.explorer`) and its runs."""

    def __init__(self, surface, optimizers, sliders, *, x0=None, steps=200, initial=None, bound=None,
                 title=None, alt=None, animate=False, labels=None, edges=None):
        if not optimizers:
            raise ValueError(f"Invalid optimizers: {optimizers!r} (give at least one name: factory)")
        self.surface, self.title, self.animate = surface, title, bool(animate)
        self.sliders = check_sliders(sliders)
        if int(steps) != steps or steps < 1:
            raise ValueError(f"Invalid steps: {steps!r} (must be a positive integer)")
        self.steps = int(steps)
        self.x0 = np.asarray(surface.start if x0 is None else x0, dtype=float)
        self.dim = len(surface.domain)
        if self.dim not in (1, 2) or self.x0.shape != (self.dim,):
            raise ValueError(f"Invalid x0: {x0!r} (an explorer draws 1-D or 2-D surfaces: a point of shape (d,))")
        scale = max(abs(v) for pair in surface.domain for v in pair)
        self.bound = 100.0 * scale if bound is None else float(bound)
        self.factories = dict(optimizers)
        self.uses = {name: slider_args(name, factory, self.sliders) for name, factory in optimizers.items()}
        unused = set(self.sliders) - {s for u in self.uses.values() for s in u}
        if unused:
            raise ValueError(f"Invalid sliders: {sorted(unused)} change no optimizer (no factory takes them)")
        self._place_sliders(initial, labels)
        self.edges = check_edges(edges, self.sliders)
        self.fstar = surface.f_min  # the loss is drawn as the gap f - f* when the minima are known
        self.alt = alt or (f"Paths of {', '.join(self.factories)} on the {surface.name} surface over {self.steps} "
                           f"steps, with the loss per step on a log scale; sliders set "
                           f"{' and '.join(self.labels.values()) or 'the step'}.")
        self._grids = {}

    def optimizer(self, name, values):
        """The optimizer ``name`` at the slider ``values`` (floats, or ``(K, 1)`` arrays for a grid)."""
        factory = self.factories[name]
        return factory(**{s: values[s] for s in self.uses[name]}) if callable(factory) else factory

    def run_one(self, name, values):
        """One optimizer at one setting: a single Trajectory."""
        with np.errstate(all="ignore"):
            traj = run(self.optimizer(name, values), self.surface, self.x0, self.steps, bound=self.bound)
        return self._blowup(traj)

    def run_grid(self, name):
        """One optimizer at every setting of the sliders it uses (product grid, the first slider slowest).

        Returns ``(trajectory, shape)``: a batched Trajectory over ``K = prod(shape)`` rows, computed once.
        """
        if name not in self._grids:
            used = self.uses[name]
            shape = tuple(len(self.sliders[s]) for s in used)
            mesh = np.meshgrid(*[self.sliders[s] for s in used], indexing="ij")
            K = int(np.prod(shape))
            try:
                opt = self.optimizer(name, {s: m.reshape(-1, 1) for s, m in zip(used, mesh)})
                with np.errstate(all="ignore"):
                    traj = run(opt, self.surface, np.tile(self.x0, (K, 1)), self.steps, bound=self.bound)
            except (TypeError, ValueError):  # a factory that takes only scalars: one run per setting
                traj = _stack([self.run_one(name, {s: float(m.flat[k]) for s, m in zip(used, mesh)})
                               for k in range(K)])
            self._grids[name] = (self._blowup(traj), shape)
        return self._grids[name]

    def _blowup(self, traj):
        """``traj`` with a run that stays in bounds but whose gap :math:`f - f^*` grows past :data:`BLOWUP` times
        its start and never comes back below it flagged as diverged at the first step of that final stretch, and
        frozen there (as ``run`` does to one that leaves the bound), so that every explorer says "diverged at step
        k" of it rather than quoting a huge loss. A run that overshoots and recovers (a large first step) is not."""
        if self.fstar is None:
            return traj
        with np.errstate(all="ignore"):
            gap = np.asarray(traj.loss, float) - self.fstar
            big = gap > BLOWUP * np.maximum(gap[:1], FLOOR)
            big = np.flip(np.logical_and.accumulate(np.flip(big, 0), 0), 0)  # big from this step to the end
        if not big.any():
            return traj
        single = np.ndim(traj.diverged) == 0
        path, loss, norm = (np.array(a, float, copy=True) for a in (traj.path, traj.loss, traj.grad_norm))
        if single:  # as a batch of one row
            path, loss, norm, big = path[:, None], loss[:, None], norm[:, None], big[:, None]
        diverged = np.atleast_1d(np.array(traj.diverged, bool))
        at = np.atleast_1d(np.array(-1 if traj.diverged_at is None else traj.diverged_at))
        for r in np.flatnonzero(big.any(axis=0)):
            k = int(np.argmax(big[:, r]))
            if diverged[r] and k >= at[r]:
                continue
            path[k:, r], loss[k:, r], norm[k:, r] = path[k - 1, r], loss[k - 1, r], norm[k - 1, r]  # frozen, as run
            diverged[r], at[r] = True, k
        if single:
            return traj._replace(path=path[:, 0], loss=loss[:, 0], grad_norm=norm[:, 0], diverged=bool(diverged[0]),
                                 diverged_at=int(at[0]) if diverged[0] else None)
        return traj._replace(path=path, loss=loss, grad_norm=norm, diverged=diverged, diverged_at=at)

    def gap(self, loss):
        """The loss as drawn: :math:`f - f^*` when the minima are known, else :math:`f`."""
        return loss - self.fstar if self.fstar is not None else loss

    def result(self, gap):
        """Where a run ends, in words (``"f − f* = 0.0012"``, ``"f − f* below 10⁻¹²"``), from its last ``gap``."""
        if self.fstar is None:
            return f"f = {_fmt(gap, 2)}"
        return f"f − f* below {_fmt(FLOOR)}" if gap < FLOOR else f"f − f* = {_fmt(gap, 2)}"

    def loss_limits(self):
        """The loss panel's y limits (decades if f* is known) over every setting of the grid."""
        arrays, first = [], None
        for name in self.factories:
            tr, _ = self.run_grid(name)
            gap = self.gap(tr.loss)
            first = gap[0, :1]
            arrays += [gap[:, r] for r in range(gap.shape[1]) if not tr.diverged[r]]
        return axis_limits(arrays + [first], log=self.fstar is not None)

    def curve(self):
        """A 1-D surface sampled over its domain: ``(x, f(x))``, 400 points."""
        xs = np.linspace(*self.surface.domain[0], 400)
        with np.errstate(all="ignore"):
            return xs, np.asarray(self.surface.f(xs[:, None]), float)

    def status(self, values, results, step=None):
        """The state in words: slider values, then each result ``{name: (words, diverged_at or None)}``.

        With ``step`` (a race shown at that step), the head names the step, as the web explorer does, and mid-race
        (``step < steps``) only the divergences up to that step are stated."""
        settings = self.settings(values) + ([f"step {step} of {self.steps}"] if step is not None else [])
        done = step is None or step >= self.steps
        parts = [f"{name} diverged at step {k}" if k is not None else f"{name} reaches {words}"
                 for name, (words, k) in results.items() if done or (k is not None and k <= step)]
        tail = (f"After {self.steps} steps: " if done else "") + ("; ".join(parts) + "." if parts else "")
        return f"{', '.join(settings)}. {tail}".strip() if settings else tail


def _stack(runs):
    """Single runs (each ``steps + 1`` rows, frozen after divergence) as one batched Trajectory."""
    return runs[0]._replace(path=np.stack([r.path for r in runs], 1), loss=np.stack([r.loss for r in runs], 1),
                            grad_norm=np.stack([r.grad_norm for r in runs], 1),
                            diverged=np.array([r.diverged for r in runs]),
                            diverged_at=np.array([-1 if r.diverged_at is None else r.diverged_at for r in runs]))
