r"""Explorers: sliders over hyperparameters, the optimizers' paths redrawn as they move.

One call, two renderings:

- in Jupyter, :func:`explorer` gives a live ipywidgets explorer: moving a slider reruns optimlib and updates the
  artists of one matplotlib figure (:class:`LiveExplorer`, in :mod:`optimlib.explorers.live`);
- when the book is built (the environment variable ``OPTIMLIB_STATIC=1``), the same call returns the kernel-free
  web explorer of :mod:`optimlib.explorers.web`: every setting of the slider grid precomputed by the same code, HTML sliders
  that switch between them with no server.

Both renderings read one description of the explorer (:mod:`optimlib.explorers.spec`: validation, runs, limits, words).
Each optimizer is given as a *factory*, a function whose parameter names are slider names; it is called with the
values it names (a factory may also be a ready optimizer, which no slider changes)::

    ol.explorer(ol.rosenbrock(),
                {"GD": lambda learning_rate: ol.sgd(learning_rate),
                 "Momentum": lambda learning_rate, momentum: ol.sgd(learning_rate, momentum=momentum)},
                sliders={"learning_rate": ol.log_grid(1e-4, 1e-2, 9), "momentum": [0.0, 0.5, 0.9, 0.99]})

For the website a factory is called once per optimizer, with arrays of shape ``(K, 1)`` holding the ``K`` settings
of the sliders it uses (their product grid), and :func:`optimlib.run` runs the whole grid as one batch.
"""
import os

from . import curve_spec, live_curve, page, phase, sliders, spec, svg, thin, web  # noqa: F401  (every submodule an attribute)
from .live import LiveExplorer
from .live_curve import LiveCurveExplorer
from .curve_spec import CurveSpec
from .spec import Spec

__all__ = ["explorer", "curve_explorer"]


def _static():
    """True when the book is being built (``OPTIMLIB_STATIC`` set, and not to 0): explorers render for the web."""
    return os.environ.get("OPTIMLIB_STATIC", "") not in ("", "0")


def explorer(surface, optimizers, sliders=None, **kwargs):
    """An interactive explorer of optimizers on a 1-D or 2-D surface: live in Jupyter, kernel-free on the website.

    Args:
        surface: a :class:`~optimlib.Surface` (2-D: paths over contours; 1-D: iterates on the curve).
        optimizers: ``{name: factory}``; a factory's parameter names are slider names (``lambda
            learning_rate, momentum: ol.sgd(learning_rate, momentum=momentum)``). For the website it is called
            once with arrays of shape ``(K, 1)`` (the optimlib optimizers accept them and the grid runs as one
            batch); a factory that only takes scalars is called once per setting instead. A value may also be
            a ready optimizer (``ol.newton(s.hess)``), which no slider changes. Names pick the look (colour,
            dashes, marker) from :func:`optimizer_style`.
        sliders: ``{name: values}``, the grid of each slider (e.g. :func:`log_grid` for a learning rate); the
            website holds every setting of the product grid, so keep grids moderate (about 10 x 6). Every slider
            must be used by some factory.
        x0: the start point (default ``surface.start``).
        steps: the number of updates (default 200).
        initial: ``{slider: value}``, the starting positions, each a value of its grid (default: the middle).
        labels: ``{slider: text}``, overriding :data:`SLIDER_LABELS`. Labels are plain text with Unicode
            symbols (``"momentum μ"``): no LaTeX, which a slider label cannot render. Give the unit where there
            is one (``"batch size B (examples)"``); each slider shows its first and last value under its track.
        edges: ``{slider: (value, text)}``, a stability edge the slider crosses, marked on its track on the
            website (``{"learning_rate": (2 / L, "2/L")}``).
        animate: add a step slider and a play/pause button (optimizers racing); works with no other slider.
        title: a heading shown above the figure.
        alt: the figure's text alternative (a default is written from the names and sliders; give a better one
            that says what the reader should see).
        bound: a coordinate beyond which a run counts as diverged (default 100 times the domain's scale). A run
            whose gap :math:`f - f^*` grows past 100 times its start counts as diverged there too.

    A run that diverges is drawn up to its last valid point, marked with a cross and noted "<name> diverged at
    step k", in the figure and in the status sentence; nothing raises and no warning is printed.

    Example (one slider; the second optimizer ignores it)::

        bowl = ol.quadratic(condition_number=10.0)
        ol.explorer(bowl, {"GD": lambda learning_rate: ol.sgd(learning_rate), "Newton": ol.newton(bowl.hess)},
                    sliders={"learning_rate": [0.02, 0.1, 0.18, 0.2, 0.22]}, initial={"learning_rate": 0.1},
                    steps=100, title="GD on a quadratic", alt="...")

    Returns:
        With ``OPTIMLIB_STATIC=1`` in the environment, a :class:`~optimlib.WebExplorer` (HTML, no widget);
        otherwise a :class:`LiveExplorer`, which displays itself in Jupyter.
    """
    if _static():
        from .web import web_explorer

        return web_explorer(surface, optimizers, sliders, **kwargs)
    return LiveExplorer(Spec(surface, optimizers, sliders, **kwargs))


def curve_explorer(draw, sliders, **kwargs):
    """An explorer of any curves computed from the slider values: live in Jupyter, kernel-free on the website.

    For what is not a path on a 2-D surface: a fitted line, loss curves against epochs, a batch-size sweep.

    Args:
        draw: ``draw(**values)`` returns, for one setting of the sliders (its parameters, all of them), the
            curves to show: a dict ``{label: (x, y)}`` for one panel, or a list of such dicts, one per panel.
            A curve may also be ``(x, y, diverged_at)``, or a :class:`~optimlib.Trajectory` (its loss against
            the step, with its divergence). A curve whose values turn non-finite is cut there and flagged.
            On the website ``draw`` is called once per setting of the product grid; if it draws random numbers,
            seed them inside (``rng = np.random.default_rng(0)``) so that a setting always gives the same curves.
        sliders: ``{name: values}``, as for :func:`explorer`.
        panels: one dict per panel with optional ``xlabel``, ``ylabel``, ``xscale``/``yscale`` (``"linear"``
            or ``"log"``) and fixed ``xlim``/``ylim`` (default: the range of the curves over the whole grid,
            leaving out curves that blow up).
        static: one dict per panel, ``{label: (x, y)}`` drawn as grey points at every setting (the data).
        initial, labels, edges, title, alt: as for :func:`explorer`.

    Curves take the look of their label from :func:`optimizer_style` (label them "GD", "Adam", ...).
    """
    if _static():
        from .web import web_curve_explorer

        return web_curve_explorer(draw, sliders, **kwargs)
    return LiveCurveExplorer(CurveSpec(draw, sliders, **kwargs))
