"""What a step costs: a Newton step's memory and time against dimension, and the power-law fit that reads them.

A Newton step stores the Hessian, :math:`O(d^2)` memory, and solves :math:`H p = g`, :math:`O(d^3)` time; a
gradient step needs :math:`O(d)` of both. :func:`newton_cost` measures the four on this machine and
:func:`loglog_slope` fits the exponent of each growth.
"""
import time
from typing import NamedTuple

import numpy as np

__all__ = ["NewtonCost", "newton_cost", "loglog_slope"]


class NewtonCost(NamedTuple):
    """Per-step costs against dimension ``d`` (arrays of the same length): bytes of the gradient (``8 d``) and of
    the Hessian (``8 d**2``), seconds for the Newton solve :math:`H^{-1}g` and for a gradient step
    :math:`x - \\eta g`."""

    d: np.ndarray
    gradient_bytes: np.ndarray
    hessian_bytes: np.ndarray
    solve_seconds: np.ndarray
    gradient_step_seconds: np.ndarray


def _best_time(fn, repeats):
    """Seconds per call: the best of ``repeats`` measurements, each of enough calls to last >= 1 ms."""
    def measure(number):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        return time.perf_counter() - start

    number = 1
    while measure(number) < 1e-3:
        number *= 4
    return min(measure(number) for _ in range(repeats)) / number


def newton_cost(dims, *, rng, repeats=3):
    """Measure a Newton step's memory and time against dimension on random positive-definite Hessians.

    For each ``d`` in ``dims``: :math:`H = MM^\\top/d + I` with :math:`M` standard normal (drawn from ``rng``);
    the solve time is the best of ``repeats`` timings of ``np.linalg.solve(H, g)`` (LU, :math:`O(d^3)`). Fit the
    growth with :func:`loglog_slope`. Timings depend on the machine and its load.

    >>> cost = newton_cost([10, 20], rng=np.random.default_rng(0), repeats=1)
    >>> cost.hessian_bytes.tolist(), cost.gradient_bytes.tolist()
    ([800, 3200], [80, 160])
    """
    dims = np.asarray(dims)
    if dims.ndim != 1 or dims.size == 0 or (dims < 1).any() or dims.dtype.kind not in "iu":
        raise ValueError(f"Invalid dims: {dims.tolist()!r} (must be a non-empty sequence of integers >= 1)")
    if not isinstance(repeats, (int, np.integer)) or repeats < 1:
        raise ValueError(f"Invalid repeats: {repeats!r} (must be an integer >= 1)")
    rows = []
    for d in dims.tolist():
        M = rng.standard_normal((d, d))
        H, g, x = M @ M.T / d + np.eye(d), rng.standard_normal(d), rng.standard_normal(d)
        rows.append((d, g.nbytes, H.nbytes, _best_time(lambda: np.linalg.solve(H, g), repeats),
                     _best_time(lambda: x - 0.1 * g, repeats)))
    return NewtonCost(*(np.array(col) for col in zip(*rows)))


def loglog_slope(x, y):
    """The exponent :math:`k` of a power law :math:`y \\approx C x^k`: the slope of the least-squares line through
    :math:`(\\log x, \\log y)`.

    >>> round(loglog_slope([1, 2, 4, 8], [3, 12, 48, 192]), 6)
    2.0
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or x.size < 2:
        raise ValueError(f"Invalid x, y: shapes {x.shape}, {y.shape} (must be one shape (n,) with n >= 2)")
    for name, values in (("x", x), ("y", y)):
        if not (values > 0).all():
            raise ValueError(f"Invalid {name}: {values.tolist()} (every value must be > 0 to take its log)")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])
