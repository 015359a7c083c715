"""What the optimizers run on: test surfaces, data sets and a small network. Every name is also ``ol.<name>``.

==============  ===================================================================================================
``symbolic``    SymPy to NumPy: gradients, Hessians and Jacobians compiled with ``lambdify(..., cse=True)``
``surfaces``    the :class:`~optimlib.problems.surfaces.Surface` record (with ``f_min``) and the test surfaces
``stationary``  stationary points of a surface and their kind (NumPy only)
``data``        seeded data sets, their losses and gradients, the mini-batch sampler (NumPy only)
``mlp``         a small multilayer perceptron with hand-written backpropagation (NumPy only)
``mlp_batch``   many such networks trained at once, one per hyperparameter setting (NumPy only)
``landscape``   a network's loss on lines and planes through its parameter space (NumPy only)
``subspace``    what such a slice holds and misses: a path's principal directions, the sharpest curvature (NumPy only)
==============  ===================================================================================================

SymPy loads with ``symbolic`` and ``surfaces`` only, on first use: importing ``data``, ``mlp``, ``mlp_batch``,
``landscape`` or ``subspace`` does not load it.
"""
import importlib

MODULES = ("symbolic", "surfaces", "stationary", "data", "mlp", "mlp_batch", "landscape", "subspace")


def __getattr__(name):
    if name in MODULES:  # submodules are attributes, loaded on first use (symbolic and surfaces need SymPy)
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(MODULES))
