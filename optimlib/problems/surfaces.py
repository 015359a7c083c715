r"""Test surfaces: each a :class:`Surface` record built from one SymPy expression by :func:`surface_from_expr`.

``f``, ``grad`` and ``hess`` are compiled with :func:`~optimlib.lambdify_derivatives`: they take points
``(..., d)`` (one point, a batch, or a meshgrid stacked as ``np.stack([X, Y], axis=-1)``) and return ``(...)``,
``(..., d)`` and ``(..., d, d)``. Known stationary points are stored as arrays ``(k, d)``.

>>> s = rosenbrock()
>>> s.minima, s.f(s.minima[0]), s.grad(s.minima[0]), s.f_min
(array([[1., 1.]]), array(0.), array([0., 0.]), 0.0)
"""
from typing import Callable, NamedTuple

import numpy as np
import sympy as sp

from .._validate import check_scalar
from .symbolic import _symbols, lambdify_derivatives

__all__ = ["Surface", "surface_from_expr", "quadratic", "rosenbrock", "beale", "himmelblau", "saddle",
           "monkey_saddle", "plateau_saddle", "cycling_quartic", "double_well", "surface_catalogue"]

_NOT_SURFACES = ("Surface", "surface_from_expr", "surface_catalogue")  # the names of __all__ that build no surface


class Surface(NamedTuple):
    """A test function with its derivatives and landmarks. ``dim`` is the number of coordinates ``d``; ``f_min`` is
    :math:`f^*`, the least value at the known minima."""

    name: str
    expr: sp.Expr
    symbols: tuple
    f: Callable
    grad: Callable
    hess: Callable
    minima: np.ndarray
    saddles: np.ndarray
    maxima: np.ndarray
    domain: tuple
    start: np.ndarray

    @property
    def dim(self):
        return len(self.symbols)

    @property
    def f_min(self):
        """:math:`f^*`, the least value of ``f`` over the record's ``minima`` (``None`` if it lists none)."""
        if len(self.minima) == 0:
            return None
        with np.errstate(all="ignore"):
            return float(np.min(self.f(self.minima)))


def _points(name, value, d):
    arr = np.asarray(value, dtype=float).reshape(-1, d) if np.size(value) else np.empty((0, d))
    if not np.isfinite(arr).all():
        raise ValueError(f"Invalid {name}: {value!r} (must be finite points of dimension {d})")
    arr.flags.writeable = False  # a record's landmarks are constants
    return arr


def surface_from_expr(name, expr, symbols, *, domain, start, minima=(), saddles=(), maxima=()):
    """Build a :class:`Surface` from a SymPy expression of ``symbols``.

    Args:
      name: a label for legends and titles.
      expr: a scalar SymPy expression.
      symbols: its coordinates, in the order of the points' last axis.
      domain: a ``(low, high)`` pair per coordinate, the plotting window (``((xmin, xmax), (ymin, ymax))`` in 2-D).
      start: a default start point ``(d,)``.
      minima, saddles, maxima: known stationary points, anything reshaping to ``(k, d)``.
    """
    symbols = _symbols(symbols)
    d = len(symbols)
    domain = tuple((float(lo), float(hi)) for lo, hi in domain)
    if len(domain) != d or any(not lo < hi for lo, hi in domain):
        raise ValueError(f"Invalid domain: {domain!r} (must be {d} pairs (low, high) with low < high)")
    f, grad, hess = lambdify_derivatives(sp.sympify(expr), symbols)
    return Surface(name, sp.sympify(expr), symbols, f, grad, hess, _points("minima", minima, d),
                   _points("saddles", saddles, d), _points("maxima", maxima, d), domain,
                   _points("start", start, d)[0])


def quadratic(condition_number=10.0, angle=0.0):
    r"""The quadratic :math:`\tfrac12 x^\top A x` with :math:`A = R(\theta)\,\mathrm{diag}(1, \kappa)\,R(\theta)^\top`.

    The eigenvalues of the Hessian are 1 and ``condition_number`` :math:`\kappa \ge 1`; the axes are rotated
    counterclockwise by ``angle`` :math:`\theta` (radians). The minimum is the origin.
    """
    kappa = check_scalar("condition_number", condition_number, 1.0)
    x, y = sp.symbols("x y")
    theta = sp.sympify(angle)
    c, s = sp.cos(theta), sp.sin(theta)
    u, v = c * x + s * y, -s * x + c * y  # coordinates along the rotated eigenvectors
    expr = (u**2 + sp.nsimplify(kappa) * v**2) / 2
    return surface_from_expr(f"quadratic (kappa={kappa:g})", sp.expand(expr), (x, y),
                             domain=((-2, 2), (-2, 2)), start=(-1.5, 1.0), minima=(0, 0))


def rosenbrock(a=1.0, b=100.0):
    r"""Rosenbrock's banana :math:`(a - x)^2 + b (y - x^2)^2`, minimum :math:`(a, a^2)` (Rosenbrock 1960).

    ``a`` places the minimum; ``b > 0`` sets the steepness of the valley's walls (at :math:`b = 0` the minimum
    spreads into the line :math:`x = a`; below 0 it is a saddle and :math:`f` is unbounded below)."""
    a, b = check_scalar("a", a, None), check_scalar("b", b, 0.0, low_inclusive=False)
    x, y = sp.symbols("x y")
    a_, b_ = sp.nsimplify(a), sp.nsimplify(b)
    return surface_from_expr("Rosenbrock", (a_ - x)**2 + b_ * (y - x**2)**2, (x, y),
                             domain=((-abs(a) - 1, abs(a) + 1), (-1, a * a + 2)), start=(-1.2, 1.0),
                             minima=(a, a * a))


def beale():
    r"""Beale's function :math:`\sum_i (c_i - x + x y^i)^2`, :math:`c = (1.5, 2.25, 2.625)` (Beale 1958).

    The minimum is (3, 0.5), with saddles at (0, 1) and about (0.1005, -2.6445); long flat valleys make it slow
    for gradient descent."""
    x, y = sp.symbols("x y")
    c = (sp.Rational(3, 2), sp.Rational(9, 4), sp.Rational(21, 8))
    expr = sum((ci - x + x * y**i)**2 for i, ci in enumerate(c, start=1))
    return surface_from_expr("Beale", expr, (x, y), domain=((-4.5, 4.5), (-4.5, 4.5)), start=(1.0, 1.5),
                             minima=(3, 0.5), saddles=((0, 1), (0.10053793732415836, -2.644513585023125)))


def himmelblau():
    r"""Himmelblau's function :math:`(x^2 + y - 11)^2 + (x + y^2 - 7)^2`: four minima (value 0), four saddles and a
    local maximum (Himmelblau, *Applied Nonlinear Programming*, 1972)."""
    x, y = sp.symbols("x y")
    minima = ((3, 2), (-2.805118086952745, 3.131312518250573), (-3.779310253377747, -3.283185991286169),
              (3.584428340330492, -1.848126526964404))
    saddles = ((-3.07302575076439, -0.08135304428796751), (-0.1279613467306801, -1.953714980244576),
               (0.08667750455539635, 2.884254701174776), (3.385154183607021, 0.07385187983774929))
    return surface_from_expr("Himmelblau", (x**2 + y - 11)**2 + (x + y**2 - 7)**2, (x, y),
                             domain=((-5, 5), (-5, 5)), start=(-0.5, -4.0), minima=minima, saddles=saddles,
                             maxima=(-0.2708445906673476, -0.9230385564799815))


def saddle():
    r"""The saddle :math:`(x^2 - y^2)/2`: Hessian :math:`\mathrm{diag}(1, -1)`, one Newton step lands on the origin."""
    x, y = sp.symbols("x y")
    return surface_from_expr("saddle", (x**2 - y**2) / 2, (x, y), domain=((-2, 2), (-2, 2)),
                             start=(1.5, 1e-3), saddles=(0, 0))


def monkey_saddle():
    r"""The monkey saddle :math:`x^3 - 3 x y^2`: three descending valleys; its Hessian vanishes at the origin, so
    :func:`classify_stationary_point` calls the origin 'degenerate'. There is no minimum."""
    x, y = sp.symbols("x y")
    return surface_from_expr("monkey saddle", x**3 - 3 * x * y**2, (x, y), domain=((-1.5, 1.5), (-1.5, 1.5)),
                             start=(0.5, 0.05), saddles=(0, 0))


def plateau_saddle(separation=2.5):
    r"""A saddle on a plateau: :math:`1 - e^{-(x^2 + (y - s)^2)} - e^{-(x^2 + (y + s)^2)}`.

    Two Gaussian wells at :math:`(0, \pm s)` (``separation`` :math:`s`) sink into a plateau of height 1. Between
    them, at the origin, is a saddle whose curvatures are small (+0.0077 along x and -0.089 along y for
    :math:`s = 2.5`), so the gradient is tiny on a wide region around it: gradient descent crawls there
    (Dauphin et al. 2014). The minima sit at :math:`(0, \pm y^*)`, :math:`y^*` a hair below :math:`s` for far wells.
    The curvature at the origin along y is :math:`4(1 - 2s^2)e^{-s^2}`, negative only for :math:`s > 1/\sqrt{2}`;
    closer wells merge into one minimum at the origin, so ``separation`` must exceed :math:`1/\sqrt{2}`.
    """
    s = check_scalar("separation", separation, 2**-0.5, low_inclusive=False)
    x, y = sp.symbols("x y")
    s_ = sp.nsimplify(s)
    expr = 1 - sp.exp(-(x**2 + (y - s_)**2)) - sp.exp(-(x**2 + (y + s_)**2))
    y_star = float(sp.nsolve(sp.diff(expr.subs(x, 0), y), y, s, prec=30))
    return surface_from_expr("plateau saddle", expr, (x, y), domain=((-3, 3), (-s - 1.5, s + 1.5)),
                             start=(1.0, 0.05), minima=((0, y_star), (0, -y_star)), saddles=(0, 0))


def cycling_quartic():
    r"""A 1-D nonconvex quartic on which pure Newton cycles: :math:`f(x) = x^4/4 - x^2 + 2x`.

    :math:`f'(x) = x^3 - 2x + 2` and :math:`f''(x) = 3x^2 - 2 < 0` for :math:`|x| < \sqrt{2/3}`. Newton's step
    from 0 goes to :math:`0 - 2/(-2) = 1`, and from 1 to :math:`1 - 1/1 = 0`: it cycles forever, exactly. The one
    minimum is the real root :math:`x^* \approx -1.7693` of :math:`f'`; damped Newton reaches it.
    """
    x = sp.Symbol("x")
    expr = x**4 / 4 - x**2 + 2 * x
    root = float(sp.real_roots(sp.Poly(sp.diff(expr, x), x))[0].evalf(30))
    return surface_from_expr("cycling quartic", expr, (x,), domain=((-2.5, 2.0),), start=(0.0,), minima=(root,))


def double_well():
    r"""The 1-D double well :math:`x^4/4 - x^2/2`: minima at :math:`\pm 1`, a local maximum at 0.

    Pure Newton from :math:`|x_0| < 1/\sqrt{5}` converges to the maximum (:math:`x \mapsto 2x^3/(3x^2 - 1)`).
    """
    x = sp.Symbol("x")
    return surface_from_expr("double well", x**4 / 4 - x**2 / 2, (x,), domain=((-1.7, 1.7),), start=(0.3,),
                             minima=((-1,), (1,)), maxima=(0,))


def surface_catalogue():
    """Every test surface of the library, built with its defaults: ``{constructor name: Surface}``.

    The constructors are the names of this module's ``__all__`` other than :class:`Surface`,
    :func:`surface_from_expr` and this function, in that order: a surface added to ``__all__`` joins the catalogue
    (and the book's catalogue page, which is generated from it).

    >>> list(surface_catalogue())[:3]
    ['quadratic', 'rosenbrock', 'beale']
    """
    return {name: globals()[name]() for name in __all__ if name not in _NOT_SURFACES}
