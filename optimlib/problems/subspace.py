r"""What a slice of a network's loss holds and misses, over flat parameter vectors (NumPy only).

- the principal directions of an optimizer's path, as Li et al. (2018) draw paths (:func:`pca_directions`), and the
  share of a vector that lies in a span (:func:`fraction_in_span`): a random plane holds about :math:`\sqrt{2/d}`;
- curvature: the largest Hessian eigenvalue by power iteration on finite-difference Hessian-vector products
  (:func:`top_hessian_eigenvalue`), sharper than any direction a random slice shows.

>>> path = np.outer(np.linspace(1.0, 0.0, 5), [3.0, 4.0])      # a straight path to the origin
>>> directions, explained = pca_directions(path, k=1)
>>> directions.round(6), explained
(array([[0.6, 0.8]]), array([1.]))
>>> fraction_in_span(np.array([1.0, 1.0]), np.array([[1.0, 0.0]])).__round__(6)   # 1 / sqrt(2)
0.707107
"""
import numpy as np

from .landscape import _vector

__all__ = ["pca_directions", "fraction_in_span", "top_hessian_eigenvalue"]


def pca_directions(path, k=2):
    r"""The principal directions of an optimizer's path, as Li et al. (2018) draw paths.

    With :math:`\theta_0, \ldots, \theta_n` the rows of ``path``, the displacements :math:`\theta_i - \theta_n`
    from the final point are centered (as scikit-learn's ``PCA``, which Li et al.'s code uses, centers them) and
    decomposed, :math:`M = U \Sigma V^\top`; the directions are the first ``k`` rows of :math:`V^\top` and the
    explained variance of component :math:`i` is :math:`\sigma_i^2 / \sum_j \sigma_j^2`. The path's coordinates
    in the plane are ``(path - path[-1]) @ directions.T``.

    Args:
      path: the iterates, shape ``(n + 1, d)`` with ``n + 1 >= 2`` rows.
      k: the number of directions, ``1 <= k <= min(n + 1, d)``.

    Returns:
      ``(directions, explained)``: orthonormal rows of shape ``(k, d)``, each signed so that the path's first point
      has a non-negative coordinate, and the explained variance ratios, shape ``(k,)``.
    """
    path = np.asarray(path, dtype=float)
    if path.ndim != 2 or path.shape[0] < 2 or not np.isfinite(path).all():
        raise ValueError(f"Invalid path: shape {path.shape} (must be finite iterates of shape (n + 1, d), n >= 1)")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= min(path.shape):
        raise ValueError(f"Invalid k: {k!r} (must be an integer in [1, {min(path.shape)}])")
    M = path - path[-1]
    M = M - M.mean(axis=0)
    _, sigma, vt = np.linalg.svd(M, full_matrices=False)
    total = float((sigma**2).sum())
    if total == 0.0:
        raise ValueError("Invalid path: every iterate is the same point (no direction to find)")
    directions = vt[:k] * np.where((path[0] - path[-1]) @ vt[:k].T < 0, -1.0, 1.0)[:, None]
    return directions, sigma[:k] ** 2 / total


def fraction_in_span(vector, directions):
    r"""The share of ``vector`` that lies in the span of ``directions``:
    :math:`\lVert P v\rVert / \lVert v\rVert`, with :math:`P` the orthogonal projection onto the span (the
    directions need not be orthogonal: :math:`P` is computed by least squares).

    A random plane in :math:`\mathbb R^d` holds about :math:`\sqrt{2/d}` of a fixed vector.

    Args:
      vector: shape ``(d,)``, nonzero (e.g. the displacement :math:`\theta_n - \theta_0` of a path).
      directions: shape ``(k, d)``, linearly independent rows.

    Returns:
      A float in :math:`[0, 1]`.
    """
    v = _vector("vector", vector)
    D = np.asarray(directions, dtype=float)
    if D.ndim != 2 or D.shape[1] != v.shape[0] or not np.isfinite(D).all():
        raise ValueError(f"Invalid directions: shape {D.shape} (must be finite rows of shape (k, {v.shape[0]}))")
    norm = np.linalg.norm(v)
    if norm == 0.0:
        raise ValueError("Invalid vector: zero (its share in a span is undefined)")
    coef = np.linalg.lstsq(D.T, v, rcond=None)[0]
    return float(min(np.linalg.norm(D.T @ coef) / norm, 1.0))


def top_hessian_eigenvalue(grad, theta, rng, *, iters=50, eps=1e-4):
    r"""The Hessian eigenvalue of largest magnitude at ``theta``, from gradients only.

    Power iteration on Hessian-vector products by central differences of the gradient,

    .. math:: H v \approx \frac{\nabla L(\theta + \varepsilon v) - \nabla L(\theta - \varepsilon v)}{2\varepsilon},
        \qquad v \leftarrow \frac{Hv}{\lVert Hv\rVert},

    two gradients per iteration (exact for a quadratic; error :math:`O(\varepsilon^2)` otherwise). The estimate is
    the Rayleigh quotient :math:`v^\top H v` of the last unit vector.

    Args:
      grad: a callable, a flat point ``(d,)`` to its gradient ``(d,)``.
      theta: the point, shape ``(d,)``.
      rng: a ``numpy.random.Generator`` for the starting vector.
      iters: the number of iterations, >= 1.
      eps: the finite-difference step, > 0.

    Returns:
      ``(eigenvalue, vector)``: the estimate and its unit eigenvector, shape ``(d,)``.
    """
    theta = _vector("theta", theta)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"Invalid rng: {rng!r} (must be a numpy.random.Generator)")
    if isinstance(iters, bool) or not isinstance(iters, (int, np.integer)) or iters < 1:
        raise ValueError(f"Invalid iters: {iters!r} (must be an integer >= 1)")
    if not (isinstance(eps, (int, float, np.floating)) and np.isfinite(eps) and eps > 0):
        raise ValueError(f"Invalid eps: {eps!r} (must be > 0)")

    def hvp(v):
        return (np.asarray(grad(theta + eps * v)) - np.asarray(grad(theta - eps * v))) / (2 * eps)

    v = rng.standard_normal(theta.shape)
    v /= np.linalg.norm(v)
    for _ in range(iters):
        hv = hvp(v)
        v = hv / np.linalg.norm(hv)
    return float(v @ hvp(v)), v
