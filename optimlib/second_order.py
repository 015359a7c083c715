r"""Newton's method and its family, in the optimizer protocol, for small problems with an exact Hessian.

Each optimizer is built from a callable ``hessian(x) -> (..., d, d)`` (a :class:`~optimlib.Surface`'s ``hess``)
and needs ``params`` in ``update``: the parameters are a vector ``(d,)`` or a batch of vectors ``(K, d)``. With
:math:`g = \nabla f(x)` and :math:`H = \nabla^2 f(x)` the updates are

- :func:`newton`: :math:`\Delta x = -\eta\, H^{-1} g` (pure Newton: :math:`\eta = 1`);
- :func:`damped_newton`: :math:`\Delta x = t\,p`, :math:`p = -H^{-1} g` (:math:`-g` where :math:`H` is not
  positive definite), :math:`t` from a backtracking (Armijo) line search;
- :func:`levenberg_marquardt`: :math:`\Delta x = -(H + \mu I)^{-1} g`;
- :func:`saddle_free_newton`: :math:`\Delta x = -(|H| + \mu I)^{-1} g`, :math:`|H| = Q|\Lambda|Q^\top`;
- :func:`gauss_newton` (least squares, from the Jacobian :math:`J` of the residuals):
  :math:`\Delta x = -(J^\top J + \mu I)^{-1} g`.

A step costs :math:`O(d^2)` memory for :math:`H` and :math:`O(d^3)` time for the solve: :func:`newton_cost`
measures both. Pure Newton jumps to the stationary point of the local quadratic model, whatever its kind: onto a
saddle or a maximum as readily as onto a minimum (Dauphin et al., NIPS 2014). A singular :math:`H` gives
non-finite updates, which :func:`optimlib.run` reports as divergence.

>>> H = lambda x: np.broadcast_to(np.diag([1.0, -1.0]), x.shape + (2,))   # Hessian of (x^2 - y^2)/2
>>> x = np.array([0.7, -0.3]); g = x * np.array([1.0, -1.0])
>>> updates, _ = newton(H).update(g, None, x)
>>> print(x + updates)                                                     # onto the saddle
[0. 0.]
"""
import time
from typing import NamedTuple

import numpy as np

from .base import EmptyState, GradientTransformation, check_hyperparameter, check_shapes

__all__ = ["newton", "damped_newton", "levenberg_marquardt", "saddle_free_newton", "gauss_newton",
           "DampedNewtonState", "NewtonCost", "newton_cost", "loglog_slope"]


def _matrix(fn, grads, params, name, square=True):
    """Evaluate ``fn(params)``, a Hessian ``(..., d, d)`` (or a Jacobian ``(..., m, d)``), checking the shapes."""
    if params is None:
        raise ValueError(f"Invalid params: None ({name} needs params in update, to evaluate the derivatives)")
    check_shapes(grads, params)
    M, shape = np.asarray(fn(params), dtype=float), np.shape(params)
    if not (M.ndim == len(shape) + 1 and M.shape[:-2] + M.shape[-1:] == shape
            and (not square or M.shape[-2] == shape[-1])):
        kind = "hessian" if square else "jacobian"
        raise ValueError(f"Invalid {kind}: returned shape {M.shape} for params of shape {shape}")
    return M


def _solve(A, b):
    """Solve ``A x = b`` for a stack of matrices; NaN for the exactly singular ones (never raises)."""
    try:
        return np.linalg.solve(A, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        A2, b2 = np.reshape(A, (-1,) + A.shape[-2:]), np.reshape(b, (-1, b.shape[-1]))
        out = np.full(b2.shape, np.nan)
        for i in range(len(b2)):
            try:
                out[i] = np.linalg.solve(A2[i], b2[i])
            except np.linalg.LinAlgError:
                pass
        return out.reshape(b.shape)


def newton(hessian, learning_rate=1.0):
    r"""Newton's method :math:`x \leftarrow x - \eta H(x)^{-1} \nabla f(x)`; pure Newton is ``learning_rate=1``.

    One step reaches the minimizer :math:`A^{-1}b` of :math:`\tfrac12 x^\top A x - b^\top x` (:math:`A \succ 0`),
    and the saddle of :math:`(x^2 - y^2)/2` from anywhere. (Nocedal & Wright, *Numerical Optimization*, ch. 3.3.)
    """
    lr = check_hyperparameter("learning_rate", learning_rate)

    def update(grads, state, params=None):
        H = _matrix(hessian, grads, params, "newton")
        with np.errstate(all="ignore"):
            return -lr * _solve(H, grads), state

    return GradientTransformation(lambda params: EmptyState(), update)


class DampedNewtonState(NamedTuple):
    """``step_size``: the line search's last :math:`t` (0 if none was accepted); ``fallback``: where :math:`H` was
    not positive definite and the direction was :math:`-g`. Both have the batch shape (``()`` for one point)."""

    step_size: np.ndarray
    fallback: np.ndarray


def damped_newton(f, hessian, *, c=1e-4, shrink=0.5, max_backtracks=50):
    r"""Newton's direction with a backtracking line search (Armijo condition).

    Direction :math:`p = -H^{-1} g` where :math:`H` is positive definite, else the steepest-descent direction
    :math:`p = -g` (the simplest fallback that is always a descent direction; Nocedal & Wright ch. 3.4 discuss
    modified Hessians). Starting from :math:`t = 1`, :math:`t \leftarrow` ``shrink`` :math:`\cdot t` until
    :math:`f(x + t p) \le f(x) + c\, t\, g^\top p` (Nocedal & Wright, Algorithm 3.1). If no ``t`` is accepted
    within ``max_backtracks`` shrinks, the point stays (``step_size`` 0). Near a minimum the full step
    :math:`t = 1` is accepted and convergence is quadratic. ``f`` is the objective (``Surface.f``).
    """
    c = check_hyperparameter("c", c, 0.0, 1.0, low_inclusive=False)
    shrink = check_hyperparameter("shrink", shrink, 0.0, 1.0, low_inclusive=False)
    if not isinstance(max_backtracks, (int, np.integer)) or max_backtracks < 0:
        raise ValueError(f"Invalid max_backtracks: {max_backtracks!r} (must be an integer >= 0)")

    def init(params):
        batch = np.shape(params)[:-1]
        return DampedNewtonState(np.ones(batch), np.zeros(batch, dtype=bool))

    def update(grads, state, params=None):
        H = _matrix(hessian, grads, params, "damped_newton")
        g = np.asarray(grads, dtype=float)
        with np.errstate(all="ignore"):
            p = -_solve(H, g)
            eig = np.linalg.eigvalsh(H) if np.isfinite(H).all() else np.full(g.shape, np.nan)
            fallback = ~((eig > 0).all(-1) & np.isfinite(p).all(-1))
            p = np.where(fallback[..., None], -g, p)
            slope = (g * p).sum(-1)
            f0 = f(params)
            t = np.ones(g.shape[:-1])
            searching = np.ones(g.shape[:-1], dtype=bool)
            for _ in range(max_backtracks + 1):
                searching &= ~(f(params + t[..., None] * p) <= f0 + c * t * slope)
                if not searching.any():
                    break
                t = np.where(searching, shrink * t, t)
            t = np.where(searching, 0.0, t)
            return t[..., None] * p, DampedNewtonState(t, fallback)

    return GradientTransformation(init, update)


def levenberg_marquardt(hessian, mu):
    r"""Levenberg-Marquardt damping :math:`x \leftarrow x - (H + \mu I)^{-1}\nabla f(x)` with a fixed :math:`\mu \ge 0`.

    :math:`\mu \to 0` gives Newton's step; for large :math:`\mu` the step tends to :math:`-\nabla f/\mu`, gradient
    descent with learning rate :math:`1/\mu`. ``mu`` may be an array ``(K, 1)`` for a batch ``(K, d)``. (Levenberg
    1944; Marquardt 1963; the classic algorithm adapts :math:`\mu` each step, Nocedal & Wright ch. 10.3.)
    """
    mu = check_hyperparameter("mu", mu)

    def update(grads, state, params=None):
        H = _matrix(hessian, grads, params, "levenberg_marquardt")
        with np.errstate(all="ignore"):
            return -_solve(H + np.asarray(mu)[..., None] * np.eye(H.shape[-1]), grads), state

    return GradientTransformation(lambda params: EmptyState(), update)


def saddle_free_newton(hessian, mu=0.0):
    r"""Saddle-free Newton :math:`x \leftarrow x - (|H| + \mu I)^{-1}\nabla f(x)` (Dauphin et al., NIPS 2014).

    With :math:`H = Q\Lambda Q^\top`, :math:`|H| = Q|\Lambda|Q^\top`: along a direction of negative curvature the
    step goes downhill instead of toward the saddle, with Newton's scaling :math:`1/|\lambda_i|`. The damping
    :math:`\mu \ge 0` bounds the step where :math:`|\lambda_i|` is small (a zero eigenvalue with ``mu=0`` gives a
    non-finite step). Dauphin et al. approximate :math:`|H|` in a Krylov subspace; here it is exact.
    """
    mu = check_hyperparameter("mu", mu)

    def update(grads, state, params=None):
        H = _matrix(hessian, grads, params, "saddle_free_newton")
        with np.errstate(all="ignore"):
            if not np.isfinite(H).all():
                return np.full(H.shape[:-1], np.nan), state
            lam, Q = np.linalg.eigh(H)
            coords = (np.swapaxes(Q, -1, -2) @ np.asarray(grads, dtype=float)[..., None])[..., 0]
            return -(Q @ (coords / (np.abs(lam) + mu))[..., None])[..., 0], state

    return GradientTransformation(lambda params: EmptyState(), update)


def gauss_newton(jacobian, mu=0.0):
    r"""Gauss-Newton for :math:`f = \tfrac12\lVert r(x)\rVert^2`: :math:`x \leftarrow x - (J^\top J + \mu I)^{-1}
    \nabla f(x)`, with ``jacobian(x) -> (..., m, d)`` the Jacobian :math:`J` of the residuals :math:`r`.

    :math:`J^\top J` is the Hessian :math:`J^\top J + \sum_i r_i \nabla^2 r_i` without its second term: always
    positive semidefinite, exact at a zero-residual solution (fast local convergence there), and free of second
    derivatives. ``mu > 0`` gives Levenberg's damped least squares. (Nocedal & Wright ch. 10.3.)
    """
    mu = check_hyperparameter("mu", mu)

    def update(grads, state, params=None):
        J = _matrix(jacobian, grads, params, "gauss_newton", square=False)
        with np.errstate(all="ignore"):
            G = np.swapaxes(J, -1, -2) @ J + np.asarray(mu)[..., None] * np.eye(J.shape[-1])
            return -_solve(G, grads), state

    return GradientTransformation(lambda params: EmptyState(), update)


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
    if x.shape != y.shape or x.ndim != 1 or x.size < 2 or (x <= 0).any() or (y <= 0).any():
        raise ValueError(f"Invalid x, y: shapes {x.shape}, {y.shape} (need >= 2 positive values each, same shape)")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])
