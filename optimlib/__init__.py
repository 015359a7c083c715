"""optimlib: the optimizers of deep learning, small, exact and tested.

The public namespace is flat: ``import optimlib as ol`` then ``ol.adam``, ``ol.rosenbrock()``, ``ol.run``. The files
are in layers, each importing only the layers above it in this list:

- ``base``, ``schedules``, ``run``: the protocol, learning-rate schedules, running an optimizer (NumPy);
- ``optim/``: the optimizers (NumPy);
- ``rates``: momentum and Nesterov on a quadratic, closed forms and their batched simulation (NumPy; uses ``run``
  and ``optim``);
- ``tune``: a log-grid of hyperparameters run as one batch, best setting and width of the good region (NumPy; uses
  ``run``);
- ``problems/``: surfaces (SymPy), data sets and a small network (NumPy);
- ``viz/``: figures (matplotlib);
- ``explorers/``: interactive figures, live (ipywidgets) and for the website (HTML).

Importing the package has no side effects and loads NumPy only. The core is imported at once; every other name is
listed in ``_LAZY`` with the module that defines it, which is imported on first use of the name (so ``ol.log_grid``
does not load SymPy, and ``dir(ol)`` or a typo loads nothing).
"""
import importlib

from .base import *  # noqa: F401,F403
from .schedules import *  # noqa: F401,F403
from .run import *  # noqa: F401,F403
from .optim import *  # noqa: F401,F403
from .rates import *  # noqa: F401,F403
from .tune import *  # noqa: F401,F403
from .problems.data import *  # noqa: F401,F403
from .problems.mlp import *  # noqa: F401,F403
from .problems.mlp_batch import *  # noqa: F401,F403
from . import base, optim, problems, schedules  # noqa: F401,E402

__version__ = "0.1.0"

# Every name that loads on first use, by the module that defines it (each module's ``__all__``; tests/test_package.py
# checks that the two agree).
_LAZY_MODULES = {
    "problems.symbolic": ("to_numpy", "gradient", "hessian", "jacobian", "lambdify_derivatives", "lambdify_jacobian"),
    "problems.surfaces": ("Surface", "surface_from_expr", "quadratic", "rosenbrock", "beale", "himmelblau", "saddle",
                          "monkey_saddle", "plateau_saddle", "cycling_quartic", "double_well", "surface_catalogue"),
    "problems.stationary": ("classify_stationary_point", "stationary_points"),
    "problems.landscape": ("flatten_params", "unflatten_params", "filter_normalized_direction", "loss_along_line",
                           "loss_on_plane"),
    "problems.subspace": ("pca_directions", "fraction_in_span", "top_hessian_eigenvalue"),
    "viz.style": ("OKABE_ITO", "optimizer_style", "register_style", "book_rc", "book_style", "use_book_style"),
    "viz.geometry": ("exit_point", "axis_label"),
    "viz.numbers": ("format_number",),
    "viz.surface": ("plot_contour", "plot_hessian_directions", "plot_taylor"),
    "viz.runs": ("plot_paths", "plot_loss", "plot_distance", "plot_surface3d", "small_multiples", "plot_race_frames"),
    "viz.phase": ("plot_phase_diagram",),
    "explorers": ("explorer", "curve_explorer"),
    "explorers.sliders": ("log_grid", "SLIDER_LABELS"),
    "explorers.live": ("LiveExplorer",),
    "explorers.live_curve": ("LiveCurveExplorer",),
    "explorers.web": ("web_explorer", "web_curve_explorer", "WebExplorer"),
    "explorers.phase": ("phase_explorer", "PhaseExplorer"),
}
_LAZY = {name: module for module, names in _LAZY_MODULES.items() for name in names}
_SUBPACKAGES = ("viz", "explorers")  # attributes on first use (problems is imported with data and mlp)


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif name in _SUBPACKAGES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'optimlib' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | set(_SUBPACKAGES))
