r"""Run an optimizer on a surface from a start point and record the trajectory, stopping at divergence.

``run(optimizer, surface, x0, steps)`` iterates

.. math:: g_k = \nabla f(x_k), \qquad (u_k, s_{k+1}) = \mathrm{update}(g_k, s_k, x_k), \qquad x_{k+1} = x_k + u_k

and returns a :class:`Trajectory`. An iterate :math:`x_k` is **divergent** if a coordinate is not finite or exceeds
``bound`` in absolute value, or if :math:`f(x_k)` or :math:`\nabla f(x_k)` is not finite (a NaN from the optimizer
or from ``grad_fn`` included). ``diverged_at`` is the index :math:`k` of the first divergent iterate; from there on the
record is frozen at :math:`x_{k-1}`, so the outputs hold only finite, valid values. ``run`` never raises for divergence, never returns NaN and emits no warnings.

>>> import optimlib as ol
>>> quad = (lambda x: 0.5 * (x**2).sum(-1), lambda x: x)           # f = |x|^2 / 2, as an (f, grad) pair
>>> t = ol.run(ol.sgd(3.0), quad, np.array([1.0]), 50)              # eta * lambda = 3 > 2: x_k = (-2)^k
>>> t.diverged, t.diverged_at, t.path.shape, t.n_valid              # |x_20| = 2^20 > bound = 1e6
(True, 20, (51, 1), 20)
>>> t.valid().path[-1], t.path[-1]                                  # frozen at x_19 = (-2)^19
(array([-524288.]), array([-524288.]))
"""
import math
from typing import NamedTuple, Optional, Union

import numpy as np

from ._validate import check_shapes
from .base import apply_updates

__all__ = ["Trajectory", "run"]


class Trajectory(NamedTuple):
    """The record of a run of ``steps`` updates from ``x0`` with batch shape ``B`` (``()`` for one point).

    Attributes:
      path: iterates :math:`x_0, \\ldots, x_n`, :math:`n` = ``steps``, shape ``(steps + 1, *B, d)``, for one point
        and for a batch alike. A run (or a row of a batch) that diverged at iterate :math:`k` is frozen at its last
        valid iterate :math:`x_{k-1}`, repeated to the end: :attr:`n_valid` rows are valid, :meth:`valid` cuts a
        single run to them.
      loss: :math:`f(x_k)`, shape ``(steps + 1, *B)``, frozen likewise.
      grad_norm: :math:`\\lVert g_k\\rVert` of the gradient the optimizer was given (``grad_fn``'s if any).
      diverged: ``bool`` (single run) or a boolean array of shape ``B``.
      diverged_at: the index of the first divergent iterate: ``int`` or ``None`` (single run), or an integer
        array of shape ``B`` with -1 for rows that did not diverge.
      steps: the number of steps asked for.
    """

    path: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    diverged: Union[bool, np.ndarray]
    diverged_at: Union[Optional[int], np.ndarray]
    steps: int

    @property
    def n_valid(self):
        """The number of valid rows of ``path``: ``diverged_at`` if diverged, else ``steps + 1`` (an int, or an
        integer array of the batch shape)."""
        if np.ndim(self.diverged_at) == 0:
            return self.steps + 1 if self.diverged_at is None else int(self.diverged_at)
        return np.where(self.diverged, self.diverged_at, self.steps + 1)

    def valid(self):
        """A single run cut to its valid rows: ``path``, ``loss`` and ``grad_norm`` of length :attr:`n_valid`."""
        if np.ndim(self.diverged) != 0:
            raise ValueError(f"Invalid call: valid() of a batch of shape {np.shape(self.diverged)} (rows have "
                             f"different lengths: index row r with n_valid[r])")
        n = self.n_valid
        return self._replace(path=self.path[:n], loss=self.loss[:n], grad_norm=self.grad_norm[:n])

    def steps_to(self, tol, *, measure="loss", reference=None, relative=True, settle=False):
        r"""The number of steps the run needs to bring a measure :math:`m_k` of its iterates to ``tol`` or below.

        With ``settle=False`` it is the first :math:`k` with :math:`m_k \le` ``tol``; with ``settle=True`` the first
        :math:`k` from which :math:`m_j \le` ``tol`` for every :math:`j \ge k` up to the end of the run (a run that
        dips below and comes back out has not settled). A run that diverged never reaches.

        Args:
          tol: the tolerance, a number > 0.
          measure: ``"loss"``, :math:`m_k = |f(x_k) - r|` with :math:`r` = ``reference`` (default 0; pass
            ``surface.f_min`` for the gap to the minimum); ``"distance"``, :math:`m_k = \lVert x_k - r\rVert` with
            :math:`r` = ``reference``, a point (required); ``"grad_norm"``, :math:`m_k = \lVert g_k\rVert`.
          reference: see ``measure``; it broadcasts against the batch (a loss level per row, a point per row).
          relative: divide by the start's value, :math:`m_k / m_0` (a run that starts at 0 has reached at once).
          settle: count to the step from which the run stays within ``tol``.

        Returns:
          For one run, an ``int`` or ``None`` if never reached; for a batch, an integer array of the batch shape
          with -1 for "never" (as ``diverged_at``).

        >>> import optimlib as ol
        >>> t = ol.run(ol.sgd(1.5), (lambda x: 0.5 * (x**2).sum(-1), lambda x: x), np.array([1.0]), 20)  # x_k = (-1/2)^k
        >>> t.steps_to(1e-2, measure="distance", reference=np.zeros(1)), t.steps_to(1e-2)  # 2^-7 < 1e-2; f halves x
        (7, 4)
        """
        if isinstance(tol, bool) or not isinstance(tol, (int, float, np.number)) or not 0 < tol < math.inf:
            raise ValueError(f"Invalid tol: {tol!r} (must be a number > 0)")
        if measure == "loss":
            m = np.abs(self.loss - (0.0 if reference is None else np.asarray(reference, dtype=float)))
        elif measure == "distance":
            if reference is None:
                raise ValueError("Invalid reference: None (measure='distance' needs a point)")
            m = np.sqrt(((self.path - np.asarray(reference, dtype=float)) ** 2).sum(-1))
        elif measure == "grad_norm":
            if reference is not None:
                raise ValueError(f"Invalid reference: {reference!r} (measure='grad_norm' takes none)")
            m = self.grad_norm
        else:
            raise ValueError(f"Invalid measure: {measure!r} (must be 'loss', 'distance' or 'grad_norm')")
        if relative:
            with np.errstate(divide="ignore", invalid="ignore"):
                m = np.where(m[0] > 0, m / np.where(m[0] > 0, m[0], 1.0), 0.0)
        inside = m <= tol
        if settle:  # after the last step outside (or from 0); never if the last step is outside
            last_out = len(inside) - 1 - np.argmax(~inside[::-1], axis=0)
            k = np.where(inside.all(axis=0), 0, last_out + 1)
            reached = inside[-1]
        else:
            k, reached = np.argmax(inside, axis=0), inside.any(axis=0)
        k = np.where(reached & ~np.asarray(self.diverged), k, -1)
        if k.ndim == 0:
            return None if k < 0 else int(k)
        return k


def _objective(surface, grad_fn):
    """``(f, grad, d)`` from a Surface, any object with ``f`` and ``grad``, or an ``(f, grad)`` pair."""
    if hasattr(surface, "f") and hasattr(surface, "grad"):
        f, grad = surface.f, surface.grad
    elif isinstance(surface, tuple) and len(surface) == 2:
        f, grad = surface
    else:
        raise ValueError(f"Invalid surface: {type(surface).__name__} (must be a Surface, an object with f and "
                         f"grad, or an (f, grad) pair)")
    if not callable(f) or not (callable(grad) or grad_fn is not None):
        raise ValueError("Invalid surface: f and grad must be callables (grad may be None if grad_fn is given)")
    d = len(surface.symbols) if hasattr(surface, "symbols") else None
    return f, grad, d


def run(optimizer, surface, x0, steps, *, grad_fn=None, bound=1e6):
    """Apply ``optimizer`` for ``steps`` updates from ``x0`` on ``surface`` and return a :class:`Trajectory`.

    Args:
      optimizer: a ``GradientTransformation`` (``ol.adam(...)``, ``ol.newton(s.hess)``, ...).
      surface: a :class:`~optimlib.Surface`, an object with callables ``f`` and ``grad``, or a pair ``(f, grad)``;
        ``f`` maps ``(..., d)`` to ``(...)``, ``grad`` to ``(..., d)``.
      x0: the start, one point ``(d,)`` or a batch ``(K, d)`` (any ``(*B, d)``) run together, e.g. against a
        hyperparameter array of shape ``(K, 1)``.
      steps: the number of updates :math:`n \\ge 0`.
      grad_fn: optional ``grad_fn(x, step) -> (..., d)`` used instead of ``surface.grad``, ``step`` counting the
        updates already made (a noisy or mini-batch gradient).
      bound: a coordinate with absolute value above it counts as divergence.
    """
    f, grad, d = _objective(surface, grad_fn)
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps < 0:
        raise ValueError(f"Invalid steps: {steps!r} (must be an integer >= 0)")
    if not (isinstance(bound, (int, float, np.number)) and bound > 0):
        raise ValueError(f"Invalid bound: {bound!r} (must be a number > 0)")
    x = np.array(x0, dtype=float)
    if x.ndim == 0 or (d is not None and x.shape[-1] != d):
        raise ValueError(f"Invalid x0: shape {x.shape} (the last axis must hold the {d or 'd'} coordinates)")
    if not (np.isfinite(x).all() and (np.abs(x) <= bound).all()):
        raise ValueError(f"Invalid x0: {x.tolist()} (must be finite and within bound={bound:g})")
    gradient = grad_fn if grad_fn is not None else (lambda z, step: grad(z))
    with np.errstate(all="ignore"):
        fx, g = np.asarray(f(x), dtype=float), np.asarray(gradient(x, 0), dtype=float)
        check_shapes(g, x)
        gn = np.sqrt((g * g).sum(-1))
    if not (np.isfinite(fx).all() and np.isfinite(gn).all()):
        raise ValueError(f"Invalid x0: {x.tolist()} (the loss or the gradient at x0 is not finite)")
    path, loss, grad_norm = np.empty((steps + 1,) + x.shape), np.empty((steps + 1,) + fx.shape), \
        np.empty((steps + 1,) + gn.shape)
    path[0], loss[0], grad_norm[0] = x, fx, gn
    state = optimizer.init(x)
    with np.errstate(all="ignore"):
        return _iterate(optimizer.update, f, gradient, g, state, steps, bound, path, loss, grad_norm)


def _iterate(update, f, gradient, g, state, steps, bound, path, loss, grad_norm):
    """The one loop, for one point (batch shape ``()``) or a batch: a row that diverges is frozen at its last valid
    iterate (it sees a zero gradient there) and the run stops when no row is left."""
    x = path[0]
    alive = np.ones(x.shape[:-1], dtype=bool)
    diverged_at = np.full(x.shape[:-1], -1)
    one = x.ndim == 1  # one point: scalar checks (math), the cheap path of a long single run
    norm = (lambda g: math.sqrt(g @ g)) if one else (lambda g: np.sqrt((g * g).sum(-1)))
    finite = math.isfinite if one else (lambda a: np.isfinite(a).all())
    for k in range(1, steps + 1):
        updates, state = update(g, state, x)
        new_x = apply_updates(x, updates)
        fx, g = np.asarray(f(new_x), dtype=float), np.asarray(gradient(new_x, k), dtype=float)
        if g.shape != x.shape:
            check_shapes(g, x)
        gn = norm(g)
        if not (np.abs(new_x).max() <= bound and finite(fx) and finite(gn)):
            ok = (np.abs(new_x) <= bound).all(-1) & np.isfinite(fx) & np.isfinite(gn)
            diverged_at[alive & ~ok] = k
            alive &= ok
            frozen = ~alive
            new_x = np.where(frozen[..., None], x, new_x)
            fx, gn = np.where(frozen, loss[k - 1], fx), np.where(frozen, grad_norm[k - 1], gn)
            g = np.where(frozen[..., None], 0.0, g)  # frozen rows see a zero gradient at a finite point
            if not alive.any():
                path[k:], loss[k:], grad_norm[k:] = new_x, fx, gn
                break
        x = path[k] = new_x
        loss[k], grad_norm[k] = fx, gn
    if diverged_at.ndim == 0:
        k = int(diverged_at)
        return Trajectory(path, loss, grad_norm, k >= 0, k if k >= 0 else None, steps)
    return Trajectory(path, loss, grad_norm, diverged_at >= 0, diverged_at, steps)
