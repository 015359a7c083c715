"""Live explorers for Jupyter: ipywidgets sliders over one matplotlib figure, recomputed by optimlib on each move.

:func:`optimlib.explorer` returns a :class:`LiveExplorer` when a kernel runs (:func:`optimlib.curve_explorer` a
:class:`~optimlib.explorers.live_curve.LiveCurveExplorer`). A move reruns only the
optimizers that use the moved slider (``Spec.uses``, :mod:`optimlib.explorers.spec`), updates the artists of the one
figure in place and redraws only them over a cached background (blitting), then shows the figure as a PNG image
widget. ipywidgets and matplotlib are imported on first use, not with this module.
"""
import html

import numpy as np

from ..viz.geometry import axis_label, exit_point
from ..viz.style import optimizer_style
from ..viz.surface import plot_contour
from .sliders import _fmt, grid_index

__all__ = ["LiveExplorer"]

# Visually hidden, still read by screen readers (the usual 1-pixel clip).
_HIDDEN = {"width": "1px", "height": "1px", "overflow": "hidden", "margin": "0", "padding": "0"}


class _Live:
    """Sliders, the image of one figure and a status line; subclasses draw and update the figure's artists."""

    def _build_widgets(self, spec):
        import ipywidgets as widgets

        self.sliders = {}
        for name, values in spec.sliders.items():
            self.sliders[name] = widgets.SelectionSlider(
                options=[(_fmt(v), float(v)) for v in values], value=float(values[spec.initial[name]]),
                description=spec.labels[name], continuous_update=True,
                style={"description_width": "initial"}, layout={"width": "340px"})
        controls, watched = list(self.sliders.values()), list(self.sliders.values())
        self.step = None
        if spec.animate:
            self.step = widgets.IntSlider(value=spec.steps, min=0, max=spec.steps, description="step",
                                          continuous_update=True)
            play = widgets.Play(value=spec.steps, min=0, max=spec.steps, step=max(1, spec.steps // 100),
                                interval=50, description="play")
            widgets.jslink((play, "value"), (self.step, "value"))
            controls.append(widgets.HBox([play, self.step]))
            watched.append(self.step)
        for w in watched:
            w.observe(lambda change: self.update(), names="value")
        # No tooltip= on the Image: the JupyterLab widgets frontend throws on it (Image has no description) and
        # never draws the figure. The text alternative is a visually hidden line that screen readers read.
        self.image = widgets.Image(format="png")
        self.alt = widgets.HTML(f'<span role="img" aria-label="{html.escape(spec.alt)}">{html.escape(spec.alt)}'
                                '</span>', layout=_HIDDEN)
        self.status = widgets.HTML()
        self.widget = widgets.VBox([widgets.HBox(controls, layout={"flex_flow": "row wrap"}), self.alt,
                                    self.image, self.status])

    def _new_figure(self, ncols, width_ratios=None):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(9.6, 3.8), dpi=100)
        FigureCanvasAgg(self.figure)
        self.axes = list(np.ravel(self.figure.subplots(1, ncols, gridspec_kw={"width_ratios": width_ratios})))
        title = self.spec.title
        if title:  # static: drawn once into the cached background
            self.figure.suptitle(title, x=0.07, y=0.985, ha="left", fontsize=11, fontweight="bold")
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.84 if title else 0.9, wspace=0.28)
        self.title = self.axes[0].text(0.0, 1.05, "", transform=self.axes[0].transAxes, fontsize=10,
                                       clip_on=False)  # an axes text: blitting skips it, unlike a suptitle
        self._background, self._dynamic = None, []
        self._animate([self.title])

    def _animate(self, artists):
        for a in artists:
            a.set_animated(True)
        self._dynamic += list(artists)

    def set(self, **values):
        """Move sliders from code (``ex.set(learning_rate=0.01)``); each value must be on the slider's grid."""
        for name, v in values.items():
            if name == "step" and self.step is not None:
                self.step.value = int(v)
                continue
            if name not in self.sliders:
                raise ValueError(f"Invalid slider: {name!r} (sliders: {sorted(self.sliders)})")
            grid = self.spec.sliders[name]
            i = grid_index(grid, v)
            if i is None:
                raise ValueError(f"Invalid {name}: {v!r} (must be one of {[_fmt(g) for g in grid]})")
            self.sliders[name].value = float(grid[i])

    def _values(self):
        return {n: float(w.value) for n, w in self.sliders.items()}

    def render(self):
        """The figure as PNG bytes (Agg). The static layer (contours, axes, legend) is drawn once per set of
        axis limits and cached; each update draws only the changing artists over it (blitting)."""
        import io

        from PIL import Image

        canvas = self.figure.canvas
        key = tuple((ax.get_xlim(), ax.get_ylim()) for ax in self.axes)
        if self._background is None or self._background[0] != key:
            canvas.draw()  # animated artists are skipped
            self._background = (key, canvas.copy_from_bbox(self.figure.bbox))
        canvas.restore_region(self._background[1])
        for a in self._dynamic:
            (a.axes or self.figure).draw_artist(a)
        buf = canvas.buffer_rgba()
        out = io.BytesIO()
        Image.frombuffer("RGBA", (buf.shape[1], buf.shape[0]), buf, "raw", "RGBA", 0, 1).save(
            out, format="PNG", compress_level=1)
        return out.getvalue()

    def _show(self, text, values, step=None):
        """Show the status ``text`` and the figure, headed by the slider ``values`` (and the ``step`` of a race)."""
        self.title.set_text(" · ".join(self.spec.settings(values)
                                       + ([f"step {step} of {self.spec.steps}"] if step is not None else [])))
        self.status.value = f'<p aria-live="polite">{text}</p>'
        self.image.value = self.render()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class LiveExplorer(_Live):
    """The Jupyter explorer: ipywidgets sliders over one matplotlib figure, recomputed by optimlib on each move.

    Attributes: ``figure`` (the one matplotlib Figure, never replaced), ``axes`` (paths, loss), ``sliders``
    (``{name: widget}``), ``image`` (the ipywidgets.Image showing the figure), ``alt`` (its text alternative, an
    HTML widget hidden from sight), ``status`` (an HTML widget
    stating the values and results), ``widget`` (the whole box), ``runs`` (the current Trajectory of each
    optimizer), ``lines`` (``{name: {artist role: artist}}``). ``set(learning_rate=0.01)`` moves sliders from code.
    """

    def __init__(self, spec):
        self.spec, s = spec, spec.surface
        self.fstar = spec.fstar
        self._new_figure(2, [1, 1.25])
        ax0, ax1 = self.axes
        if spec.dim == 2:
            plot_contour(s, ax0, resolution=120)
        else:
            ax0.plot(*spec.curve(), color="#777", lw=1.5)
            ax0.set(xlim=s.domain[0], xlabel=axis_label(s, 0), ylabel="$f$")
        ax1.set(xlim=(0, spec.steps), xlabel="step $t$", yscale="log" if self.fstar is not None else "linear",
                ylabel="$f(x_t) - f^*$" if self.fstar is not None else "$f(x_t)$")
        self.lines = {}
        for name in spec.factories:
            st = optimizer_style(name)
            kw = dict(color=st["color"], ls=st["linestyle"], lw=1.8)
            self.lines[name] = dict(
                path=ax0.plot([], [], label=name, zorder=3, **kw)[0],
                end=ax0.plot([], [], st["marker"], color=st["color"], ms=8, mec="white", zorder=5)[0],
                cross=ax0.plot([], [], "X", color=st["color"], ms=12, mec="black", zorder=6, clip_on=False)[0],
                loss=ax1.plot([], [], **kw)[0],
                lcross=ax1.plot([], [], "X", color=st["color"], ms=10, mec="black", zorder=6, clip_on=False)[0],
                note=ax0.text(0.02, 0.97, "", transform=ax0.transAxes, color=st["color"], va="top", fontsize=9,
                              bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1), zorder=7))
            self._animate(self.lines[name].values())
        handles, names = ax0.get_legend_handles_labels()  # each optimizer's entry: its line and its marker
        handles = [(self.lines[n]["path"], self.lines[n]["end"]) if n in self.lines else h
                   for h, n in zip(handles, names)]
        ax0.legend(handles, names, loc="lower right", fontsize=8, framealpha=0.85)
        lim = spec.loss_limits()
        ax1.set_ylim(*(10.0 ** np.array(lim) if self.fstar is not None else lim))
        self._build_widgets(spec)
        self.runs, self._keys = {}, {}
        self.update()

    def update(self):
        """Rerun the optimizers whose sliders changed, update the artists in place and redraw the figure."""
        spec, (ax0, ax1) = self.spec, self.axes
        values = self._values()
        for name in spec.factories:
            key = tuple(values[u] for u in spec.uses[name])
            if self._keys.get(name) != key:
                self.runs[name], self._keys[name] = spec.run_one(name, values), key
        t = spec.steps if self.step is None else int(self.step.value)
        results, notes = {}, 0
        (xa, xb), (ya, yb) = ax0.get_xlim(), ax0.get_ylim()
        for name, tr in self.runs.items():
            a, n = self.lines[name], min(tr.n_valid, t + 1)
            P, g = tr.path[:n], spec.gap(tr.loss[:n])
            y = P[:, 1] if spec.dim == 2 else tr.loss[:n]
            a["path"].set_data(P[:, 0], y)
            a["end"].set_data(P[-1:, 0], y[-1:])
            a["loss"].set_data(np.arange(n), g)
            shown = bool(tr.diverged) and t >= tr.diverged_at
            e = exit_point(np.column_stack([P[:, 0], y]), (xa, ya), (xb, yb))
            a["cross"].set_data([e[0]] if shown else [], [e[1]] if shown else [])
            a["lcross"].set_data([n - 1] if shown else [], np.clip(g[-1:], *ax1.get_ylim()) if shown else [])
            a["note"].set_text(f"{name} diverged at step {tr.diverged_at}" if shown else "")
            a["note"].set_y(0.97 - 0.075 * notes)
            notes += shown
            results[name] = (None, tr.diverged_at) if tr.diverged else (spec.result(g[-1]), None)
        step = None if self.step is None else t
        self._show(spec.status(values, results, step), values, step)
