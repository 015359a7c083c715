"""Figures of a surface on its own: its contours, its curvature at a point and its Taylor models.

Every function takes ``ax=None`` (a new figure when ``None``) and returns the axes; ranges come from the surface
record (``surface.domain``). The figures of optimizer runs drawn over these live in :mod:`optimlib.viz.runs`.

>>> import optimlib as ol
>>> ax = plot_contour(ol.rosenbrock())
>>> ax.get_xlabel(), [line.get_label() for line in ax.lines]
('$x$', ['minimum'])
"""
import numpy as np

from .geometry import axis_label
from .style import OKABE_ITO

__all__ = ["plot_contour", "plot_hessian_directions", "plot_taylor"]

_GREY = "#8c8c8c"


def _new_axes(ax, projection=None, figsize=None):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=figsize)
    return fig.add_subplot(projection=projection)


def _grid(surface, resolution=160):
    (x0, x1), (y0, y1) = surface.domain
    X, Y = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    with np.errstate(all="ignore"):
        Z = np.asarray(surface.f(np.stack([X, Y], axis=-1)), float)
    return X, Y, np.broadcast_to(Z, X.shape)


def contour_levels(Z, n=14):
    """Levels at quantiles of the values: even coverage of any surface, steep or flat, bounded or not."""
    finite = Z[np.isfinite(Z)]
    return np.unique(np.quantile(finite, np.linspace(0.0, 1.0, n) ** 1.5))


def plot_contour(surface, ax=None, *, levels=14, filled=True, resolution=160, marks=True):
    """Contours of a 2-D surface over its domain, with its minima (stars) and saddle points (crosses)."""
    ax = _new_axes(ax)
    X, Y, Z = _grid(surface, resolution)
    lv = contour_levels(Z, levels) if np.ndim(levels) == 0 else np.asarray(levels)
    if filled:
        ax.contourf(X, Y, Z, levels=lv, cmap="Greys", vmax=lv[-1] + 2.5 * (lv[-1] - lv[0]), extend="both")
    ax.contour(X, Y, Z, levels=lv, colors=_GREY, linewidths=0.6)
    if marks:
        for pts, mk, lab in ((surface.minima, "*", "minimum"), (surface.saddles, "x", "saddle point")):
            pts = np.asarray(pts, float).reshape(-1, 2)
            if len(pts):
                ax.plot(pts[:, 0], pts[:, 1], mk, color="#444444", ms=10, label=lab, zorder=4)
    (xa, xb), (ya, yb) = surface.domain
    ax.set(xlim=(xa, xb), ylim=(ya, yb), xlabel=axis_label(surface, 0), ylabel=axis_label(surface, 1))
    return ax


def plot_hessian_directions(surface, point, ax=None, *, scale=None):
    """Contours with the Hessian's eigenvectors at ``point``, each arrow labelled with its eigenvalue."""
    ax = plot_contour(surface, ax, marks=False)
    p = np.asarray(point, float)
    lam, vecs = np.linalg.eigh(np.asarray(surface.hess(p), float))
    (xa, xb), (ya, yb) = surface.domain
    L = 0.18 * min(xb - xa, yb - ya) if scale is None else scale
    for i, (lv, color) in enumerate(zip(lam, (OKABE_ITO["blue"], OKABE_ITO["vermillion"]))):
        v = vecs[:, i] * L
        ax.annotate("", xy=p + v, xytext=p, arrowprops=dict(arrowstyle="->", color=color, lw=2))
        ax.annotate("", xy=p - v, xytext=p, arrowprops=dict(arrowstyle="-", color=color, lw=2, ls=":"))
        ax.text(*(p + 1.05 * v), f"$\\lambda_{i + 1} = {lv:.3g}$", color=color, fontsize=10, zorder=6,
                ha="left" if v[0] >= 0 else "right", va="bottom" if v[1] >= 0 else "top",  # beyond the tip
                bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=1.5))
    ax.plot(*p, "o", color="black", ms=6)
    return ax


def plot_taylor(surface, point, ax=None, *, direction=None, radius=None):
    """The surface along a line through ``point`` with its first- and second-order Taylor models.

    Along :math:`x(s) = p + s u` (``u`` the unit ``direction``, by default minus the gradient), the tangent
    model is :math:`f(p) + s\\, g^\\top u` and the quadratic one adds :math:`\\tfrac{s^2}{2} u^\\top H u`.
    """
    ax = _new_axes(ax)
    p = np.asarray(point, float)
    g = np.asarray(surface.grad(p), float)
    u = -g if direction is None else np.asarray(direction, float)
    if not np.any(u):
        raise ValueError("Invalid direction: zero (give a direction at a stationary point)")
    u = u / np.linalg.norm(u)
    r = 0.5 * min(b - a for a, b in surface.domain) if radius is None else radius
    s = np.linspace(-r, r, 201)
    f0, slope, curv = float(surface.f(p)), float(g @ u), float(u @ np.asarray(surface.hess(p)) @ u)
    ax.plot(s, surface.f(p + s[:, None] * u), color="black", lw=2, label="$f(p + s u)$")
    ax.plot(s, f0 + slope * s, color=OKABE_ITO["blue"], ls="--", label="first order (tangent)")
    ax.plot(s, f0 + slope * s + 0.5 * curv * s**2, color=OKABE_ITO["vermillion"], ls="-.",
            label="second order (quadratic)")
    ax.plot(0, f0, "o", color="black")
    ax.set(xlabel="step length $s$ along $u$", ylabel="$f$")
    ax.legend(fontsize=8)
    return ax
