"""Stationary points of a surface: where the gradient vanishes, and what kind each is (from the Hessian's eigenvalues).

Works on any :class:`~optimlib.Surface` (or object with ``grad``, ``hess``, ``domain``, ``dim``, ``name``); NumPy
only.

>>> import optimlib as ol
>>> classify_stationary_point(ol.saddle(), np.zeros(2))
'saddle'
"""
import numpy as np

__all__ = ["classify_stationary_point", "stationary_points"]


def classify_stationary_point(surface, x, *, tol=1e-8, grad_tol=1e-6):
    r"""Classify a stationary point by the eigenvalues :math:`\lambda_i` of the Hessian.

    'minimum' if all :math:`\lambda_i > t`, 'maximum' if all :math:`< -t`, 'saddle' if some are above :math:`t`
    and some below :math:`-t`, 'degenerate' otherwise (a zero eigenvalue decides nothing), with
    :math:`t` = ``tol`` :math:`\cdot \max(1, \max_i |\lambda_i|)`. Raises ``ValueError`` if
    :math:`\lVert\nabla f(x)\rVert >` ``grad_tol``.
    """
    x = np.asarray(x, dtype=float)
    if x.shape != (surface.dim,):
        raise ValueError(f"Invalid x: shape {x.shape} (must be ({surface.dim},) for {surface.name})")
    g = float(np.linalg.norm(surface.grad(x)))
    if not g <= grad_tol:
        raise ValueError(f"Invalid x: {x.tolist()} is not stationary (|grad| = {g:.3g} > grad_tol = {grad_tol:g})")
    eig = np.linalg.eigvalsh(surface.hess(x))
    t = tol * max(1.0, np.abs(eig).max())
    if (eig > t).all():
        return "minimum"
    if (eig < -t).all():
        return "maximum"
    return "saddle" if (eig > t).any() and (eig < -t).any() else "degenerate"


def stationary_points(surface, *, grid=21, iterations=60, tol=1e-9):
    """Find stationary points in the domain: Newton's method on :math:`\\nabla f = 0` from a grid of starts.

    Returns ``(points, kinds)``: an array ``(k, d)`` sorted lexicographically and the classification of each.
    A numerical search: points whose Newton iteration does not converge from the grid are missed.
    """
    axes = [np.linspace(lo, hi, grid) for lo, hi in surface.domain]
    x = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, surface.dim)
    with np.errstate(all="ignore"):
        for _ in range(iterations):
            x = x - (np.linalg.pinv(surface.hess(x)) @ surface.grad(x)[..., None])[..., 0]
            x = x[np.isfinite(x).all(-1) & (np.abs(x) < 1e6).all(-1)]
        low, high = np.array(surface.domain).T
        ok = (np.linalg.norm(surface.grad(x), axis=-1) < tol) & (x >= low).all(-1) & (x <= high).all(-1)
    points = np.unique(np.round(x[ok], 7), axis=0)
    points = np.array([x[ok][np.abs(x[ok] - p).max(-1) < 1e-6][0] for p in points]).reshape(-1, surface.dim)
    return points, [classify_stationary_point(surface, p, grad_tol=np.inf) for p in points]
