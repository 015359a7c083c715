r"""Newton's step with another curvature matrix: :math:`H + \mu I`, :math:`|H| + \mu I`, :math:`J^\top J + \mu I`.

Pure Newton (:mod:`optimlib.optim.newton`) trusts :math:`H`; these variants change the matrix it solves with, so
that the step is defined where :math:`H` is singular (the damping :math:`\mu`), descends where :math:`H` has
negative curvature (:math:`|H|`), or needs only first derivatives of residuals (:math:`J^\top J`). They share
:func:`~optimlib.newton`'s conventions: a callable matrix of ``params``, a chain of the direction :math:`M^{-1}g`
and :func:`~optimlib.scale_by_learning_rate` (the minus sign; ``learning_rate`` a float, an array or a schedule,
1 by default), a batch ``(K, d)`` with ``mu`` of shape ``(K, 1)``, NaN (never an exception) where the matrix is
singular.
"""
import numpy as np

from .._validate import check_hyperparameter
from ..base import chain, scale_by_learning_rate, stateless
from .newton import _finite_rows, _matrix, _solve_with

__all__ = ["levenberg_marquardt", "saddle_free_newton", "gauss_newton"]


def _plus_mu(M, mu):
    """``M + mu I`` for a stack of matrices and a float or per-row ``mu``."""
    return M + np.asarray(mu)[..., None] * np.eye(M.shape[-1])


def levenberg_marquardt(hessian, mu, learning_rate=1.0):
    r"""Newton's step with the curvature raised by :math:`\mu`: :math:`x \leftarrow x - (H + \mu I)^{-1}\nabla f(x)`.

    :math:`\mu \to 0` gives Newton's step; for large :math:`\mu` the step tends to :math:`-\nabla f/\mu`, gradient
    descent with learning rate :math:`1/\mu`.

    Args:
        hessian: :math:`H`, as in :func:`~optimlib.newton`.
        mu: :math:`\mu \ge 0`, a float or an array ``(K, 1)``.
        learning_rate: :math:`\eta \ge 0`, a float, an array ``(K, 1)`` or a schedule (1: the full step).

    .. note::
        :math:`\mu` is fixed here; the classic algorithm adapts it every step (Nocedal & Wright ch. 10.3), and
        Marquardt scales by :math:`\mathrm{diag}(H)` where Levenberg (and this function) adds :math:`\mu I`.

    References:
        Levenberg (1944), Quart. Appl. Math. 2(2); Marquardt (1963), J. SIAM 11(2).

    Example:
        >>> hess = lambda x: np.diag([1.0, 4.0])
        >>> opt, x = levenberg_marquardt(hess, mu=1.0), np.zeros(2)
        >>> updates, _ = opt.update(np.ones(2), opt.init(x), x)
        >>> print(updates)                          # -(1 / (1 + 1), 1 / (4 + 1))
        [-0.5 -0.2]
    """
    mu = check_hyperparameter("mu", mu)
    damped = _solve_with(lambda g, x: _plus_mu(_matrix(hessian, g, x, "levenberg_marquardt"), mu), mu=mu)
    return chain(damped, scale_by_learning_rate(learning_rate))


def saddle_free_newton(hessian, mu=0.0, learning_rate=1.0):
    r"""Saddle-free Newton: Newton's step with every curvature made positive.

    .. math:: x \leftarrow x - (|H| + \mu I)^{-1}\nabla f(x), \qquad H = Q\Lambda Q^\top,\ |H| = Q|\Lambda|Q^\top

    Along a direction of negative curvature the step goes downhill instead of toward the saddle, with Newton's
    scaling :math:`1/|\lambda_i|`. A zero eigenvalue with ``mu=0`` gives a non-finite step.

    Args:
        hessian: :math:`H`, as in :func:`~optimlib.newton`.
        mu: :math:`\mu \ge 0`, the damping that bounds the step where :math:`|\lambda_i|` is small (a float or an
            array ``(K, 1)``).
        learning_rate: :math:`\eta \ge 0`, a float, an array ``(K, 1)`` or a schedule (1: the full step).

    .. note::
        Dauphin et al. approximate :math:`|H|` in a Krylov subspace (Lanczos) to scale to networks; here
        :math:`|H|` is exact, from a full eigendecomposition (:math:`O(d^3)`).

    References:
        Dauphin, Pascanu, Gulcehre, Cho, Ganguli & Bengio (2014), Identifying and attacking the saddle point
        problem in high-dimensional non-convex optimization, NIPS, arXiv:1406.2572.

    Example:
        >>> hess = lambda x: np.diag([1.0, -1.0])                # (x^2 - y^2) / 2
        >>> x = np.array([0.5, 0.1])
        >>> opt = saddle_free_newton(hess)
        >>> updates, _ = opt.update(x * [1.0, -1.0], opt.init(x), x)
        >>> print(x + updates)                      # x reaches 0, y doubles: away from the saddle
        [0.  0.2]
    """
    mu = check_hyperparameter("mu", mu)

    def update(grads, state, params=None):  # (|H| + mu I)^{-1} g, from the eigendecomposition H = Q diag(lam) Q^T
        finite, H = _finite_rows(_matrix(hessian, grads, params, "saddle_free_newton"))
        with np.errstate(all="ignore"):
            lam, Q = np.linalg.eigh(H)
            coords = (np.swapaxes(Q, -1, -2) @ np.asarray(grads, dtype=float)[..., None])[..., 0]
            step = (Q @ (coords / (np.abs(lam) + mu))[..., None])[..., 0]
            return np.where(finite[..., None], step, np.nan), state

    return chain(stateless(update, mu=mu), scale_by_learning_rate(learning_rate))


def gauss_newton(jacobian, mu=0.0, learning_rate=1.0):
    r"""Gauss-Newton for least squares :math:`f = \tfrac12\lVert r(x)\rVert^2`:

    .. math:: x \leftarrow x - (J^\top J + \mu I)^{-1} \nabla f(x), \qquad \nabla f = J^\top r

    :math:`J^\top J` is the Hessian :math:`J^\top J + \sum_i r_i \nabla^2 r_i` without its second term: always
    positive semidefinite, exact at a zero-residual solution (fast local convergence there), and free of second
    derivatives.

    Args:
        jacobian: :math:`J`, a callable ``(..., d) -> (..., m, d)``, the Jacobian of the residuals :math:`r`
            (:func:`~optimlib.lambdify_jacobian`).
        mu: :math:`\mu \ge 0` (a float or an array ``(K, 1)``).
        learning_rate: :math:`\eta \ge 0`, a float, an array ``(K, 1)`` or a schedule (1: the full step).

    .. note::
        ``mu > 0`` is Levenberg's damped least squares with a fixed :math:`\mu`; ``update`` takes the gradient
        :math:`J^\top r` as ``grads``, like every optimizer, rather than the residuals.

    References:
        Nocedal & Wright (2006), *Numerical Optimization*, 2nd ed., Springer, ch. 10.3.

    Example:
        >>> jac = lambda w: np.array([[1.0, 0.0], [-20 * w[0], 10.0]])   # r = (w0 - 1, 10 (w1 - w0^2))
        >>> opt, w = gauss_newton(jac), np.zeros(2)
        >>> state = opt.init(w)
        >>> for _ in range(2):
        ...     r = np.array([w[0] - 1, 10 * (w[1] - w[0] ** 2)])
        ...     updates, state = opt.update(jac(w).T @ r, state, w)
        ...     w = w + updates
        >>> print(w)                                # Rosenbrock as least squares: the minimum in two steps
        [1. 1.]
    """
    mu = check_hyperparameter("mu", mu)

    def gauss_newton_matrix(g, x):
        J = _matrix(jacobian, g, x, "gauss_newton", square=False)
        return _plus_mu(np.swapaxes(J, -1, -2) @ J, mu)

    return chain(_solve_with(gauss_newton_matrix, mu=mu), scale_by_learning_rate(learning_rate))
