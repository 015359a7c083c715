"""The book's figures. Every function takes ``ax=None`` (a new figure when ``None``) and returns the axes.

Ranges come from the surface record (``surface.domain``); each optimizer keeps its look from
:func:`optimizer_style`. A diverged run is drawn up to its last finite point, marked with a cross and
noted "<name> diverged at step k"; the axes stay on the surface's domain.

>>> import numpy as np
>>> ax = plot_loss({"GD": np.array([1.0, 0.5, 0.25])})
>>> ax.get_yscale(), len(ax.lines)
('log', 1)
"""
import numpy as np

from .style import OKABE_ITO, book_rc, book_style, optimizer_style, register_style, use_book_style  # noqa: F401

__all__ = ["plot_contour", "plot_paths", "plot_loss", "plot_distance", "plot_surface3d",
           "plot_hessian_directions", "plot_taylor", "small_multiples", "plot_race_frames",
           "OKABE_ITO", "optimizer_style", "register_style", "book_rc", "book_style", "use_book_style"]

_GREY = "#8c8c8c"


def _new_axes(ax, projection=None, figsize=None):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=figsize)
    return fig.add_subplot(projection=projection)


def _trace(run):
    """(path (n, d) or None, loss (n,) or None, diverged_at or None) of a Trajectory, a path or a loss array."""
    if hasattr(run, "path"):
        path, loss = np.asarray(run.path, float), np.asarray(run.loss, float)
        if path.ndim != 2:
            raise ValueError(f"Invalid trajectory: path of shape {path.shape} (plot one run: a path (n, d))")
        k = int(np.asarray(run.diverged_at).item()) if bool(np.any(run.diverged)) else None
        return path, loss, k
    a = np.asarray(run, float)
    return (a, None, None) if a.ndim == 2 else (None, a, None)


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
    ax.set(xlim=(xa, xb), ylim=(ya, yb), xlabel=_symbol(surface, 0), ylabel=_symbol(surface, 1))
    return ax


def _symbol(surface, i):
    syms = getattr(surface, "symbols", None)
    try:
        return f"${syms[i]}$"
    except (TypeError, IndexError):
        return ("$x$", "$y$")[i]


def _note(ax, text, color):
    n = getattr(ax, "_ol_notes", 0)
    ax._ol_notes = n + 1
    return ax.text(0.02, 0.97 - 0.07 * n, text, transform=ax.transAxes, color=color, fontsize=9, va="top",
                   bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1.5), zorder=6)


def exit_point(path, lo, hi):
    """Where a path leaves the box ``[lo, hi]`` for good (its last point if that is inside): the place to mark a
    run that diverged. ``path`` is ``(n, 2)``; the answer lies on the segment that crosses the border."""
    P, lo, hi = np.asarray(path, float), np.asarray(lo, float), np.asarray(hi, float)
    with np.errstate(all="ignore"):
        inside = np.all((P >= lo) & (P <= hi), axis=1)
        if inside[-1] or not inside.any():
            return np.clip(P[-1], lo, hi)
        i = len(P) - 1 - int(np.argmax(inside[::-1]))  # the last point inside
        p, q = P[i], P[i + 1]
        t = np.where(q > hi, (hi - p) / (q - p), np.where(q < lo, (lo - p) / (q - p), 1.0))
        return np.clip(p + np.nanmin(t) * (q - p), lo, hi)


def _subsample(n, max_points):
    return np.unique(np.linspace(0, n - 1, min(n, max_points)).round().astype(int))


def _draw_path(ax, name, path, diverged_at, max_points=400):
    st = optimizer_style(name)
    idx = _subsample(len(path), max_points)
    (line,) = ax.plot(path[idx, 0], path[idx, 1], color=st["color"], ls=st["linestyle"], lw=1.6, label=name,
                      zorder=3)
    ax.plot(*path[-1], st["marker"], color=st["color"], ms=7, mec="white", mew=0.6, zorder=5)
    if diverged_at is not None:
        (xa, xb), (ya, yb) = ax.get_xlim(), ax.get_ylim()
        end = exit_point(path, [min(xa, xb), min(ya, yb)], [max(xa, xb), max(ya, yb)])
        ax.plot(*end, "X", color=st["color"], ms=11, mec="black", mew=0.8, zorder=6)
        _note(ax, f"{name} diverged at step {diverged_at}", st["color"])
    return line


def plot_paths(surface, runs, ax=None, *, contour=True, max_points=400):
    """Optimizer paths over the contours of ``surface``: ``runs`` maps a name to a Trajectory (or a path)."""
    ax = plot_contour(surface, ax) if contour else _new_axes(ax)
    if not contour:
        (xa, xb), (ya, yb) = surface.domain
        ax.set(xlim=(xa, xb), ylim=(ya, yb))
    for name, run in runs.items():
        path, _, k = _trace(run)
        _draw_path(ax, name, path, k, max_points)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.85)
    return ax


def _curves(runs, ax, values, ylabel):
    ax = _new_axes(ax)
    tops, lows = [], []
    for name, run in runs.items():
        st = optimizer_style(name)
        y, k = values(run)
        y = np.asarray(y, float)
        steps = np.arange(len(y))
        with np.errstate(all="ignore"):
            ok = np.isfinite(y) & (y > 0)
        if ok.any():  # a diverged run must not stretch the axis: keep it near the converging runs' range
            tops.append(y[ok][0] if k is not None else y[ok].max())
            lows.append(y[ok].min())
        ax.plot(steps[ok], y[ok], color=st["color"], ls=st["linestyle"], lw=1.6, label=name)
        if k is not None and ok.any():
            ax.plot(steps[ok][-1], y[ok][-1], "X", color=st["color"], ms=10, mec="black", mew=0.8)
            _note(ax, f"{name} diverged at step {k}", st["color"])
    ax.set(yscale="log", xlabel="step $t$", ylabel=ylabel)
    if tops:
        ax.set_ylim(max(min(lows), max(tops) * 1e-16) / 2, max(tops) * 30)
    ax.legend(loc="lower left", fontsize=8)
    return ax


def plot_loss(runs, ax=None, *, surface=None):
    """Loss against step on a log scale; with ``surface`` (that has minima), the gap :math:`f(x_t) - f^*`."""
    fstar = _fstar(surface)

    def values(run):
        path, loss, k = _trace(run)
        if loss is None:
            loss = surface.f(path)
        return (loss - fstar if fstar is not None else loss), k

    return _curves(runs, ax, values, "$f(x_t) - f^*$" if fstar is not None else "loss $f(x_t)$")


def _fstar(surface):
    if surface is None or np.asarray(surface.minima).size == 0:
        return None
    return float(np.min(surface.f(np.asarray(surface.minima, float))))


def plot_distance(runs, surface, ax=None):
    """Distance to the nearest minimum of ``surface``, :math:`\\min_i \\|x_t - x^*_i\\|`, on a log scale."""
    minima = np.asarray(surface.minima, float)
    if minima.size == 0:
        raise ValueError(f"Invalid surface: {surface.name!r} has no minima to measure a distance to")

    def values(run):
        path, _, k = _trace(run)
        d = np.linalg.norm(path[:, None, :] - minima.reshape(1, -1, path.shape[-1]), axis=-1).min(axis=1)
        return d, k

    return _curves(runs, ax, values, "distance to the minimum $\\|x_t - x^*\\|$")


def plot_surface3d(surface, ax=None, *, runs=None, resolution=60, zclip=None):
    """A 3-D view of a 2-D surface (optionally with ``runs`` drawn on it); ``ax`` must be a 3-D axes."""
    ax = _new_axes(ax, projection="3d")
    X, Y, Z = _grid(surface, resolution)
    top = np.quantile(Z, 0.95) if zclip is None else zclip
    Zc = np.minimum(Z, top)
    ax.plot_surface(X, Y, Zc, cmap="viridis", alpha=0.75, linewidth=0, antialiased=True, rstride=1, cstride=1)
    for name, run in (runs or {}).items():
        path, _, _ = _trace(run)
        st = optimizer_style(name)
        (xa, xb), (ya, yb) = surface.domain
        inside = (path[:, 0] >= xa) & (path[:, 0] <= xb) & (path[:, 1] >= ya) & (path[:, 1] <= yb)
        n = len(path) if inside.all() else int(np.argmin(inside))  # up to where it leaves the domain
        p = path[:n]
        ax.plot(p[:, 0], p[:, 1], np.minimum(surface.f(p), top), color=st["color"], lw=2, label=name)
    ax.set(xlim=surface.domain[0], ylim=surface.domain[1], xlabel=_symbol(surface, 0), ylabel=_symbol(surface, 1),
           zlabel="$f$")
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
        ax.text(*(p + 1.12 * v), f"$\\lambda_{i + 1} = {lv:.3g}$", color=color, fontsize=10, ha="center")
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


def small_multiples(surface, panels, *, ncols=3, axes=None, panel_size=2.6, max_points=300):
    """One panel per setting: ``panels`` maps a title to ``{name: Trajectory}``; returns the array of axes."""
    n = len(panels)
    if axes is None:
        import matplotlib.pyplot as plt

        ncols = min(ncols, n)
        nrows = -(-n // ncols)
        _, axes = plt.subplots(nrows, ncols, figsize=(panel_size * ncols, panel_size * nrows),
                               squeeze=False, sharex=True, sharey=True, layout="constrained")
    axes = np.asarray(axes).ravel()
    for ax, (title, runs) in zip(axes, panels.items()):
        plot_contour(surface, ax, levels=10)
        for name, run in runs.items():
            path, _, k = _trace(run)
            _draw_path(ax, name, path, k, max_points)
        ax.set_title(title, fontsize=10)
    for ax in axes[n:]:
        ax.set_visible(False)
    axes[0].legend(loc="lower right", fontsize=7, framealpha=0.85)
    return axes


def plot_race_frames(surface, runs, steps=(5, 20, 50, 200), **kwargs):
    """The static version of a race: small multiples of every run up to each step in ``steps``."""
    panels = {}
    for t in steps:
        cut = {}
        for name, run in runs.items():
            path, _, k = _trace(run)
            cut[name] = path[: t + 1] if k is None or t < k else run
        panels[f"after {t} steps"] = cut
    return small_multiples(surface, panels, **kwargs)
