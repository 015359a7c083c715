"""The phase diagram of a momentum method: its rate over (learning rate, momentum), closed form and simulation.

``plot_phase_diagram(ol.phase_diagram(...))`` draws the closed-form rate as colour, its contour lines (solid)
with the simulated rate's contour lines on top (dashed: where they coincide the simulation confirms the
theory), the divergent region in grey, the regimes' names and the best cell of the grid.
"""
import numpy as np

from .style import OKABE_ITO

__all__ = ["plot_phase_diagram"]

_NAMES = {"monotone": "monotone", "oscillating": "oscillating", "ripples": "ripples\n(rate √μ)",
          "divergent": "divergent"}


def plot_phase_diagram(pd, ax=None, levels=None, scale=None, optimum=None, labels=True, colorbar=True):
    """Draw a :class:`~optimlib.PhaseDiagram` on ``ax`` (created if ``None``) and return ``ax``.

    Args:
        pd: the diagram, from :func:`optimlib.phase_diagram`.
        levels: the rates whose contour lines are drawn (default 0.5, 0.8, 0.9, 0.95, 0.99 above the grid's best).
        scale: the x axis shows ``scale * learning_rate`` (default the largest curvature: the axis is
            :math:`\\eta\\lambda_{\\max}`).
        optimum: a point ``(eta, mu)`` to mark with a star (e.g. :func:`optimlib.optimal_momentum`'s pair).
        labels: write the regimes' names in their regions. colorbar: add a colour bar for the rate.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 3.6), layout="constrained")
    scale = float(np.max(pd.curvatures)) if scale is None else float(scale)
    x, y = pd.learning_rates * scale, pd.momenta
    best = float(pd.closed.min())
    rate = np.ma.masked_where(pd.closed >= 1, pd.closed)
    mesh = ax.pcolormesh(x, y, rate, shading="nearest", cmap="viridis_r", vmin=best, vmax=1.0, rasterized=True)
    ax.pcolormesh(x, y, np.ma.masked_where(pd.closed < 1, np.ones_like(pd.closed)), shading="nearest",
                  cmap=ListedColormap(["#d9d9d9"]), rasterized=True)
    if levels is None:
        levels = [v for v in (0.5, 0.8, 0.9, 0.95, 0.99) if v > best]
    X, Y = np.meshgrid(x, y)
    if levels:
        cs = ax.contour(X, Y, pd.closed, levels=levels, colors="white", linewidths=1.2)
        ax.clabel(cs, fmt="%g", fontsize=7)
        ax.contour(X, Y, np.minimum(pd.simulated, 1.5), levels=levels, colors="black", linewidths=0.8,
                   linestyles="--")
    ax.contour(X, Y, pd.closed, levels=[1.0], colors=OKABE_ITO["vermillion"], linewidths=1.5)
    for r in ("ripples", "oscillating"):   # the regions' edges, thin
        if np.any(pd.regime == r):
            ax.contour(X, Y, (pd.regime == r).astype(float), levels=[0.5], colors="#f0f0f0", linewidths=0.8,
                       linestyles=":")
    if labels:
        for r in _NAMES:
            i, j = np.nonzero(pd.regime == r)
            if len(i) < 0.01 * pd.regime.size:
                continue
            k = np.argmin((i - i.mean()) ** 2 + (j - j.mean()) ** 2)   # the region's cell nearest its centre
            ax.text(x[j[k]], y[i[k]], _NAMES[r], ha="center", va="center", fontsize=8,
                    color="black", bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.75))
    if optimum is not None:
        ax.plot(optimum[0] * scale, optimum[1], "*", ms=13, mfc="white", mec="black", mew=1.2, zorder=5)
    ax.set(xlabel=r"$\eta\,\lambda_{\max}$" if scale != 1 else r"$\eta$", ylabel=r"momentum $\mu$",
           xlim=(x[0], x[-1]), ylim=(y[0], y[-1]))
    if colorbar:
        ax.figure.colorbar(mesh, ax=ax, label=r"rate $\rho$ (closed form)", shrink=0.9)
    return ax
