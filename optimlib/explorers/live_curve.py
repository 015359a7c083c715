"""The live form of :func:`optimlib.curve_explorer`: the curves ``draw`` returns, one matplotlib line each, updated
in place on every slider move (the widgets and the drawing are shared with the surface explorer, in ``live._Live``)."""
import numpy as np

from ..viz.style import optimizer_style
from .live import _Live

__all__ = ["LiveCurveExplorer"]


class LiveCurveExplorer(_Live):
    """The Jupyter form of :func:`optimlib.curve_explorer`: one line per curve label, updated in place on each move."""

    def __init__(self, spec):
        self.spec = spec
        self._new_figure(len(spec.panels))
        self.lines = []
        first = spec.curves(spec.values(spec.initial))
        for i, (ax, p, curves, static) in enumerate(zip(self.axes, spec.panels, first, spec.static)):
            xlim, ylim = spec.limits(i)
            ax.set(xscale=p.get("xscale", "linear"), yscale=p.get("yscale", "linear"),
                   xlabel=p.get("xlabel", ""), ylabel=p.get("ylabel", ""),
                   xlim=10.0 ** np.array(xlim) if p.get("xscale") == "log" else xlim,
                   ylim=10.0 ** np.array(ylim) if p.get("yscale") == "log" else ylim)
            for label, (x, y) in static.items():
                ax.plot(x, y, "o", color="#888", ms=3, label=label)
            lines = {}
            for label in curves:
                st = optimizer_style(label)
                lines[label] = (ax.plot([], [], color=st["color"], ls=st["linestyle"], lw=1.8, label=label)[0],
                                ax.plot([], [], "X", color=st["color"], ms=10, mec="black")[0],
                                ax.text(0.02, 0.97, "", transform=ax.transAxes, color=st["color"], va="top",
                                        fontsize=9))
                self._animate(lines[label])
            self.lines.append(lines)
            ax.legend(fontsize=8)
        self._build_widgets(spec)
        self.update()

    def update(self):
        """Call ``draw`` at the current values and update every line in place."""
        values = self._values()
        notes = []
        for lines, curves in zip(self.lines, self.spec.curves(values)):
            n = 0
            for label, (line, cross, note) in lines.items():
                x, y, k, word = curves.get(label, (np.zeros(0), np.zeros(0), None, ""))
                line.set_data(x, y)
                cross.set_data(x[-1:] if k is not None else [], y[-1:] if k is not None else [])
                note.set_text(f"{label} diverged at {word} {k}" if k is not None else "")
                note.set_y(0.97 - 0.075 * n)
                n += k is not None
                if k is not None:
                    notes.append(f"{label} diverged at {word} {k}")
        self._show(self.spec.status(values, notes), values)
