r"""Tune an optimizer's hyperparameters on a deterministic log-grid, every setting in one batched run.

``tune(factory, problem, x0, steps, grid)`` evaluates the optimizer ``factory(**setting)`` at every point of the
product grid :math:`\{\eta_1, \ldots, \eta_m\}` (times :math:`\{\beta_1, \ldots, \beta_p\}` for a second
parameter), each for the same budget of ``steps`` updates from the same start(s), and scores each setting by the
final gap

.. math:: s(\eta) = \frac{1}{S} \sum_{j=1}^{S} \bigl( f(x_n^{(j)}(\eta)) - f^* \bigr),

the mean over the ``S`` starts of the loss after :math:`n` steps above :math:`f^*` (``problem.f_min`` unless
given). A setting any of whose runs diverged is a **failure**: its score is :math:`+\infty`, never NaN. The best
setting minimizes :math:`s`; the **good region** is the set of settings with

.. math:: s(\eta) \le c\, s(\eta^\star) \qquad (c = \texttt{good\_factor}, \text{ default } 10),

and its **width** along each parameter, measured in decades (:math:`\log_{10}` of the ratio of the extreme good
values contiguous with the best one, through the best point), is a sensitivity measure: a wide region means the
optimizer forgives a mis-set hyperparameter; 0 means only the best grid value is good. The width cannot be finer
than the grid's spacing.

All settings run as one batch: the hyperparameters are passed as arrays of shape ``(K, 1)`` (``(K, 1, 1)`` with
several starts) against parameters of shape ``(K, d)`` (``(K, S, d)``), so ``factory`` must accept array-valued
hyperparameters, as every optimlib optimizer does. A ``score`` callable replaces the final gap (e.g. an escape
time); it receives the batched :class:`~optimlib.Trajectory` and returns one non-negative number per run.

On the quadratic with Hessian eigenvalues :math:`\mu = 1` and :math:`L = 10`, gradient descent's best rate is
:math:`2/(L + \mu) = 0.1818`, and the grid finds the value nearest to it:

>>> import numpy as np, optimlib as ol
>>> bowl = (lambda x: 0.5 * (x[..., 0]**2 + 10 * x[..., 1]**2), lambda x: x * np.array([1.0, 10.0]))
>>> res = ol.tune(lambda learning_rate: ol.sgd(learning_rate), bowl, np.array([1.0, 1.0]), 100,
...               {"learning_rate": np.geomspace(0.01, 1.0, 41)}, f_star=0.0)
>>> round(res.best["learning_rate"], 4), int(res.failed.sum())      # rates above 2/L = 0.2 diverge
(0.1778, 14)
"""
from typing import Callable, NamedTuple, Optional

import numpy as np

from .run import run

__all__ = ["TuneResult", "tune"]


class TuneResult(NamedTuple):
    """What :func:`tune` found.

    Attributes:
      names: the tuned parameters, in grid order (one or two names).
      values: the grid of each parameter, a tuple of 1-D arrays.
      scores: the score of each setting, shape ``(m,)`` or ``(m, p)``; ``inf`` for a failure.
      failed: ``True`` where a run of the setting diverged (or its score was not finite).
      best: ``{name: value}`` of the best setting (the first minimum in grid order).
      best_index: its index in ``scores``.
      best_score: its score.
      good: the good region, a boolean array like ``scores``.
      width: ``{name: decades}``, the width of the good region through the best point along each parameter.
      trajectory: the batched :class:`~optimlib.Trajectory`, batch shape ``(K,)`` or ``(K, S)`` with ``K`` the
        settings in C order of ``scores``.
    """

    names: tuple
    values: tuple
    scores: np.ndarray
    failed: np.ndarray
    best: dict
    best_index: tuple
    best_score: float
    good: np.ndarray
    width: dict
    trajectory: object

    def setting(self, index):
        """``{name: value}`` of the setting at ``index`` of ``scores``."""
        index = np.atleast_1d(index)
        return {n: float(v[i]) for n, v, i in zip(self.names, self.values, index)}


def _check_grid(grid):
    if not isinstance(grid, dict) or not 1 <= len(grid) <= 2:
        raise ValueError(f"Invalid grid: {grid!r} (must be a dict of one or two parameter names to values)")
    values = []
    for name, v in grid.items():
        try:
            a = np.array(v, dtype=float)
        except (TypeError, ValueError):
            a = np.array([np.nan])
        if not isinstance(name, str) or a.ndim != 1 or a.size < 2 or not np.isfinite(a).all() or (a <= 0).any() \
                or (np.diff(a) <= 0).any():
            raise ValueError(f"Invalid grid: {name!r}: {v!r} (must be at least 2 positive, finite, strictly "
                             f"increasing values: a log-grid such as np.geomspace(1e-3, 1, 13))")
        values.append(a)
    return tuple(grid), tuple(values)


def _width(good, values, best_index):
    """Decades spanned by the good values contiguous with the best one along each axis through it."""
    width = []
    for axis, v in enumerate(values):
        line = good[tuple(slice(None) if a == axis else i for a, i in enumerate(best_index))]
        lo = hi = best_index[axis]
        while lo > 0 and line[lo - 1]:
            lo -= 1
        while hi < len(line) - 1 and line[hi + 1]:
            hi += 1
        width.append(float(np.log10(v[hi] / v[lo])))
    return width


def tune(factory, problem, x0, steps, grid, *, f_star=None, score: Optional[Callable] = None, good_factor=10.0,
         bound=1e6, count_divergence=True, grad_fn=None):
    """Run ``factory`` at every setting of ``grid`` for ``steps`` updates from ``x0`` and pick the best.

    Args:
      factory: ``factory(**setting) -> GradientTransformation``, e.g. ``lambda learning_rate, b1:
        ol.adam(learning_rate, b1=b1)``; it receives arrays (see the module docstring).
      problem: what :func:`~optimlib.run` accepts (a Surface, an object with ``f`` and ``grad``, an ``(f, grad)``
        pair).
      x0: one start ``(d,)`` or several ``(S, d)``, shared by every setting.
      steps: the budget, the number of updates (an integer >= 1).
      grid: ``{name: values}`` for one or two parameters, each at least 2 positive increasing values.
      f_star: the optimal value for the gap (default ``problem.f_min``); needed unless ``score`` is given.
      score: optional ``score(trajectory) -> array`` of the batch shape, non-negative, lower is better.
      good_factor: the good region is ``scores <= good_factor * best_score`` (a number >= 1).
      bound, grad_fn: passed to :func:`~optimlib.run` (``grad_fn(x, step)``, e.g. a noisy gradient, receives the
        whole batch ``(K, d)`` or ``(K, S, d)``).
      count_divergence: ``True`` (default): a diverged run fails its setting. ``False`` leaves the verdict to
        ``score`` (required then), which sees the frozen trajectory, e.g. an escape time on a surface unbounded
        below, where every escaping run eventually leaves any bound.

    Returns:
      a :class:`TuneResult`.
    """
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps < 1:
        raise ValueError(f"Invalid steps: {steps!r} (the budget must be an integer >= 1)")
    names, values = _check_grid(grid)
    if not (isinstance(good_factor, (int, float, np.number)) and np.isfinite(good_factor) and good_factor >= 1):
        raise ValueError(f"Invalid good_factor: {good_factor!r} (must be a number >= 1)")
    if score is None:
        f_star = getattr(problem, "f_min", None) if f_star is None else f_star
        if f_star is None or not np.isfinite(f_star):
            raise ValueError(f"Invalid f_star: {f_star!r} (give f_star or a score: the problem has no f_min)")
    if not count_divergence and score is None:
        raise ValueError("Invalid score: None (count_divergence=False needs a score that judges diverged runs)")
    x0 = np.asarray(x0, dtype=float)
    if x0.ndim not in (1, 2):
        raise ValueError(f"Invalid x0: shape {x0.shape} (must be one start (d,) or several (S, d))")
    shape = tuple(len(v) for v in values)
    mesh = np.meshgrid(*values, indexing="ij")
    k, extra = int(np.prod(shape)), (1,) * x0.ndim
    setting = {n: m.reshape((k,) + extra) for n, m in zip(names, mesh)}
    traj = run(factory(**setting), problem, np.broadcast_to(x0, (k,) + x0.shape), steps, bound=bound,
               grad_fn=grad_fn)
    with np.errstate(all="ignore"):
        per_run = np.asarray(score(traj) if score is not None else traj.loss[-1] - f_star, dtype=float)
    if per_run.shape != traj.diverged.shape:
        raise ValueError(f"Invalid score: returned shape {per_run.shape} (must be the batch shape "
                         f"{traj.diverged.shape})")
    failed_run = traj.diverged if count_divergence else np.zeros(traj.diverged.shape, bool)
    per_run = np.where(failed_run, np.inf, np.maximum(per_run, 0.0))  # round-off can put f a hair below f*
    if np.isnan(per_run).any():
        per_run = np.where(np.isnan(per_run), np.inf, per_run)
    scores = (per_run.mean(axis=-1) if x0.ndim == 2 else per_run).reshape(shape)
    failed = ~np.isfinite(scores)
    scores = np.where(failed, np.inf, scores)
    best_index = tuple(int(i) for i in np.unravel_index(np.argmin(scores), shape))
    best_score = float(scores[best_index])
    good = ~failed & (scores <= good_factor * max(best_score, np.finfo(float).tiny))
    if failed.all():
        good[:] = False
    width = dict(zip(names, _width(good, values, best_index))) if good.any() else {n: 0.0 for n in names}
    best = {n: float(v[i]) for n, v, i in zip(names, values, best_index)}
    return TuneResult(names, values, scores, failed, best, best_index, best_score, good, width, traj)
