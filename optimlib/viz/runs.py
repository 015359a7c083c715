"""The book's figures of optimizer runs. Every function takes ``ax=None`` (a new figure when ``None``) and returns
the axes.

Ranges come from the surface record (``surface.domain``); each optimizer keeps its look from
:func:`optimizer_style`. A diverged run is drawn up to its last finite point, marked with a cross and
noted "<name> diverged at step k"; the axes stay on the surface's domain.

>>> import numpy as np
>>> ax = plot_loss({"GD": np.array([1.0, 0.5, 0.25])})
>>> ax.get_yscale(), len(ax.lines)
('log', 1)
"""
import numpy as np

from .geometry import axis_label, exit_point
from .style import optimizer_style
from .surface import _grid, _new_axes, plot_contour

__all__ = ["plot_paths", "plot_loss", "plot_distance", "plot_surface3d", "small_multiples", "plot_race_frames"]


def _trace(run):
    """(path (n, d) or None, loss (n,) or None, diverged_at or None) of a Trajectory, a path or a loss array."""
    if hasattr(run, "path"):
        if np.ndim(run.path) != 2:
            raise ValueError(f"Invalid trajectory: path of shape {np.shape(run.path)} (plot one run: a path (n, d))")
        run = run.valid()
        return np.asarray(run.path, float), np.asarray(run.loss, float), run.diverged_at
    a = np.asarray(run, float)
    return (a, None, None) if a.ndim == 2 else (None, a, None)


def _note(ax, text, color):
    n = getattr(ax, "_ol_notes", 0)
    ax._ol_notes = n + 1
    text2d = getattr(ax, "text2D", ax.text)  # a 3-D axes places text on its 2-D face with text2D
    return text2d(0.02, 0.97 - 0.07 * n, text, transform=ax.transAxes, color=color, fontsize=9, va="top",
                   bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1.5), zorder=6)


def _subsample(n, max_points):
    return np.unique(np.linspace(0, n - 1, min(n, max_points)).round().astype(int))


def _draw_path(ax, name, path, diverged_at, max_points=400):
    st = optimizer_style(name)
    idx = _subsample(len(path), max_points)
    # one artist: the path, with the optimizer's marker on its last point (so the legend shows line and marker)
    (line,) = ax.plot(path[idx, 0], path[idx, 1], color=st["color"], ls=st["linestyle"], lw=1.6, label=name,
                      marker=st["marker"], markevery=[len(idx) - 1], ms=7, mec="white", mew=0.6, zorder=3)
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
    fstar = None if surface is None else surface.f_min

    def values(run):
        path, loss, k = _trace(run)
        if loss is None:
            loss = surface.f(path)
        return (loss - fstar if fstar is not None else loss), k

    return _curves(runs, ax, values, "$f(x_t) - f^*$" if fstar is not None else "loss $f(x_t)$")


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
        path, _, k = _trace(run)
        st = optimizer_style(name)
        if k is not None:
            _note(ax, f"{name} diverged at step {k}", st["color"])
        (xa, xb), (ya, yb) = surface.domain
        inside = (path[:, 0] >= xa) & (path[:, 0] <= xb) & (path[:, 1] >= ya) & (path[:, 1] <= yb)
        n = len(path) if inside.all() else int(np.argmin(inside))  # up to where it leaves the domain
        p = path[:n]
        ax.plot(p[:, 0], p[:, 1], np.minimum(surface.f(p), top), color=st["color"], ls=st["linestyle"], lw=2,
                marker=st["marker"], markevery=[len(p) - 1] if len(p) else None, ms=6, mec="white", label=name)
    ax.set(xlim=surface.domain[0], ylim=surface.domain[1], xlabel=axis_label(surface, 0), ylabel=axis_label(surface, 1),
           zlabel="$f$")
    return ax


def small_multiples(surface, panels, *, ncols=3, axes=None, panel_size=2.6, max_points=300):
    """One panel per setting: ``panels`` maps a title to ``{name: Trajectory}``; returns the array of axes."""
    n, fig = len(panels), None
    if axes is None:
        import matplotlib.pyplot as plt

        ncols = min(ncols, n)
        nrows = -(-n // ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size * ncols, panel_size * nrows + 0.4),
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
    if fig is None:  # the caller's axes: the legend goes in the first panel
        axes[0].legend(loc="lower right", fontsize=7, framealpha=0.85)
    else:  # our figure: one legend under the panels, where it hides no path
        entries = {}
        for ax in axes[:n]:
            entries.update(zip(*ax.get_legend_handles_labels()[::-1]))
        if entries:
            fig.legend(list(entries.values()), list(entries), loc="outside lower center",
                       ncols=min(len(entries), 7), fontsize=8, frameon=False)
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
