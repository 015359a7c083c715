"""optimlib: the optimizers of deep learning, small, exact and tested.

The public namespace is flat: ``import optimlib as ol`` then ``ol.adam``, ``ol.rosenbrock()``, ``ol.run``.
Importing the package has no side effects. NumPy-only modules load at once; the modules that need
SymPy, matplotlib, ipywidgets or Plotly load on first use of one of their names.
"""
import importlib

from .base import *  # noqa: F401,F403
from .schedules import *  # noqa: F401,F403
from .momentum import *  # noqa: F401,F403
from .adaptive import *  # noqa: F401,F403
from .adam_family import *  # noqa: F401,F403
from .weight_decay import *  # noqa: F401,F403
from .second_order import *  # noqa: F401,F403
from .newton_variants import *  # noqa: F401,F403
from .cost import *  # noqa: F401,F403
from .trajectory import *  # noqa: F401,F403
from .data import *  # noqa: F401,F403
from .mlp import *  # noqa: F401,F403
from .lion import *  # noqa: F401,F403
from .muon import *  # noqa: F401,F403
from .schedule_free import *  # noqa: F401,F403
from .partition import *  # noqa: F401,F403

__version__ = "0.1.0"

# Modules with heavy dependencies, loaded when one of their names is first asked for.
_LAZY_MODULES = ("symbolic", "functions", "surface_plots", "plotting", "sliders", "live", "explorers", "web")


def __getattr__(name):
    if name.startswith("__"):  # dunder probes (doctest's __wrapped__, copy, pickle) must not import everything
        raise AttributeError(name)
    for module_name in _LAZY_MODULES:
        module = importlib.import_module(f".{module_name}", __name__)
        if name in getattr(module, "__all__", ()):
            return getattr(module, name)
    raise AttributeError(f"module 'optimlib' has no attribute {name!r}")


def __dir__():
    names = set(globals())
    for module_name in _LAZY_MODULES:
        names.update(getattr(importlib.import_module(f".{module_name}", __name__), "__all__", ()))
    return sorted(names)
