r"""Newton's method and its family, in the optimizer protocol, for small problems with an exact Hessian.

Each optimizer is built from a callable ``hessian(x) -> (..., d, d)`` (a :class:`~optimlib.Surface`'s ``hess``)
and needs ``params`` in ``update``: the parameters are a vector ``(d,)`` or a batch of vectors ``(K, d)``. With
:math:`g = \nabla f(x)` and :math:`H = \nabla^2 f(x)` the updates are

- :func:`newton`: :math:`\Delta x = -\eta\, H^{-1} g` (pure Newton: :math:`\eta = 1`);
- :func:`damped_newton`: :math:`\Delta x = t\,p`, :math:`p = -H^{-1} g` (:math:`-g` where :math:`H` is not
  positive definite), :math:`t` from a backtracking (Armijo) line search;
- in :mod:`optimlib.optim.newton_variants`, the same step with another matrix: :func:`~optimlib.levenberg_marquardt`
  :math:`-(H + \mu I)^{-1} g`, :func:`~optimlib.saddle_free_newton` :math:`-(|H| + \mu I)^{-1} g`,
  :func:`~optimlib.gauss_newton` :math:`-(J^\top J + \mu I)^{-1} g` (least squares, :math:`J` the Jacobian of
  the residuals).

Each is a chain: a transform that returns the direction :math:`M^{-1} g` with its sign unchanged (here
:func:`scale_by_newton`, :math:`H^{-1}g`), then :func:`~optimlib.scale_by_learning_rate`, the one minus sign, so a
learning rate may be a float, an array ``(K, 1)`` for a batch, or a schedule. Only :func:`damped_newton` signs its
own step: its line search needs the descent direction :math:`p`. A step costs :math:`O(d^2)` memory for :math:`H` and
:math:`O(d^3)` time for the solve: :func:`~optimlib.newton_cost` measures both. Pure Newton jumps to the
stationary point of the local quadratic model, whatever its kind: onto a saddle or a maximum as readily as onto a
minimum (Dauphin et al., NIPS 2014). A singular :math:`H` gives non-finite updates, which :func:`optimlib.run`
reports as divergence.

>>> H = lambda x: np.broadcast_to(np.diag([1.0, -1.0]), x.shape + (2,))   # Hessian of (x^2 - y^2)/2
>>> x = np.array([0.7, -0.3]); g = x * np.array([1.0, -1.0])
>>> opt = newton(H)
>>> updates, _ = opt.update(g, opt.init(x), x)
>>> print(x + updates)                                                     # onto the saddle
[0. 0.]
"""
from typing import NamedTuple

import numpy as np

from .._validate import check_broadcast, check_hyperparameter, check_shapes
from ..base import GradientTransformation, chain, scale_by_learning_rate, stateless

__all__ = ["scale_by_newton", "newton", "damped_newton", "DampedNewtonState"]


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


def _solve_with(matrix, **hyperparameters):
    """A stateless transform returning :math:`M^{-1} g` (sign unchanged) for ``M = matrix(grads, params)``, a stack of
    matrices; NaN rows where ``M`` is singular."""
    def update(grads, state, params=None):
        M = matrix(grads, params)
        with np.errstate(all="ignore"):
            return _solve(M, np.asarray(grads, dtype=float)), state

    return stateless(update, **hyperparameters)


def scale_by_newton(hessian):
    r"""Newton's direction :math:`H(x)^{-1} g` (sign unchanged), ``hessian`` a callable ``(..., d) -> (..., d, d)``."""
    return _solve_with(lambda g, x: _matrix(hessian, g, x, "newton"))


def newton(hessian, learning_rate=1.0):
    r"""Newton's method: jump to the stationary point of the local quadratic model.

    .. math:: x_{t} \leftarrow x_{t-1} - \eta\, H(x_{t-1})^{-1} \nabla f(x_{t-1})

    One step reaches the minimizer :math:`A^{-1}b` of :math:`\tfrac12 x^\top A x - b^\top x` (:math:`A \succ 0`),
    and the saddle of :math:`(x^2 - y^2)/2` from anywhere.

    Args:
        hessian: :math:`H`, a callable ``(..., d) -> (..., d, d)`` (a Surface's ``hess``).
        learning_rate: :math:`\eta \ge 0`: a float, an array ``(K, 1)`` for a batch, or a schedule; 1 is pure
            Newton.

    .. note::
        No ``torch.optim`` or Optax counterpart (``torch.optim.LBFGS`` is quasi-Newton): the exact Hessian is
        evaluated and :math:`Hp = g` is solved (LU), never inverted. A singular :math:`H` gives a NaN step,
        which :func:`~optimlib.run` reports as divergence, not an exception.

    References:
        Nocedal & Wright (2006), *Numerical Optimization*, 2nd ed., Springer, ch. 3.3.

    Example:
        >>> A, b = np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([1.0, 0.0])
        >>> x = np.array([5.0, -7.0])
        >>> opt = newton(lambda x: A)
        >>> updates, _ = opt.update(A @ x - b, opt.init(x), x)
        >>> print(x + updates, np.linalg.solve(A, b))        # one step to the minimizer
        [ 0.4 -0.2] [ 0.4 -0.2]
    """
    return chain(scale_by_newton(hessian), scale_by_learning_rate(learning_rate))


class DampedNewtonState(NamedTuple):
    """``step_size``: the line search's last :math:`t` (0 if none was accepted); ``fallback``: where :math:`H` was
    not positive definite and the direction was :math:`-g`. Both have the batch shape (``()`` for one point)."""

    step_size: np.ndarray
    fallback: np.ndarray


def _finite_rows(H):
    """Which matrices of a stack are finite, and the stack with the others zeroed (each row decides for itself)."""
    finite = np.isfinite(H).all((-2, -1))
    return finite, np.where(finite[..., None, None], H, 0.0)


def damped_newton(f, hessian, *, c=1e-4, shrink=0.5, max_backtracks=50):
    r"""Newton's direction with a backtracking line search (Armijo condition).

    .. math::
        p = \begin{cases} -H^{-1} g & H \succ 0 \\ -g & \text{otherwise} \end{cases}, \qquad
        x \leftarrow x + t\,p, \quad t = \max\{\beta^j : f(x + \beta^j p) \le f(x) + c\,\beta^j g^\top p\}

    Starting from :math:`t = 1`, :math:`t` shrinks by :math:`\beta` until the sufficient decrease holds; if no
    :math:`t` is accepted within ``max_backtracks`` shrinks, the point stays (``step_size`` 0). Near a minimum
    :math:`t = 1` is accepted and convergence is quadratic. Each row of a batch searches on its own.

    Args:
        f: the objective, ``(..., d) -> (...)`` (a Surface's ``f``).
        hessian: :math:`H`, as in :func:`newton`.
        c: :math:`c \in (0, 1)`, the Armijo constant.
        shrink: :math:`\beta \in (0, 1)`.
        max_backtracks: the most shrinks per step (an integer >= 0).

    .. note::
        The fallback :math:`-g` is the simplest direction that always descends; Nocedal & Wright (ch. 3.4)
        modify the Hessian instead. Only sufficient decrease is checked, not the Wolfe curvature condition of
        ``torch.optim.LBFGS(line_search_fn="strong_wolfe")``.

    References:
        Armijo (1966), Pacific J. Math. 16(1); Nocedal & Wright (2006), *Numerical Optimization*, Algorithm 3.1.

    Example:
        >>> f, hess = lambda x: (x**4 / 4 - x**2 + 2 * x).sum(-1), lambda x: (3 * x**2 - 2)[..., None]
        >>> opt, x = damped_newton(f, hess), np.array([0.0])
        >>> updates, state = opt.update(x**3 - 2 * x + 2, opt.init(x), x)    # H = -2 < 0: step along -g
        >>> print(updates, state.fallback, state.step_size)
        [-2.] True 1.0
    """
    c = check_hyperparameter("c", c, 0.0, 1.0, low_inclusive=False)
    shrink = check_hyperparameter("shrink", shrink, 0.0, 1.0, low_inclusive=False)
    if not isinstance(max_backtracks, (int, np.integer)) or max_backtracks < 0:
        raise ValueError(f"Invalid max_backtracks: {max_backtracks!r} (must be an integer >= 0)")

    def per_row(value):  # an array (K, 1) of settings for a batch (K, d): one value per row, shape (K,)
        return np.asarray(value)[..., 0] if np.ndim(value) else value

    def init(params):
        batch = np.shape(params)[:-1]
        check_broadcast("c", c, params)
        check_broadcast("shrink", shrink, params)
        return DampedNewtonState(np.ones(batch), np.zeros(batch, dtype=bool))

    def update(grads, state, params=None):
        H = _matrix(hessian, grads, params, "damped_newton")
        g = np.asarray(grads, dtype=float)
        with np.errstate(all="ignore"):
            p = -_solve(H, g)
            finite, H = _finite_rows(H)
            fallback = ~((np.linalg.eigvalsh(H) > 0).all(-1) & finite & np.isfinite(p).all(-1))
            p = np.where(fallback[..., None], -g, p)
            slope = (g * p).sum(-1)
            f0, c_, beta = f(params), per_row(c), per_row(shrink)
            t = np.ones(g.shape[:-1])
            searching = np.ones(g.shape[:-1], dtype=bool)
            for _ in range(max_backtracks + 1):
                searching &= ~(f(params + t[..., None] * p) <= f0 + c_ * t * slope)
                if not searching.any():
                    break
                t = np.where(searching, beta * t, t)
            t = np.where(searching, 0.0, t)
            return t[..., None] * p, DampedNewtonState(t, fallback)

    return GradientTransformation(init, update)
