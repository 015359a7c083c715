"""The optimizers: the book's subject, NumPy only. Each module holds one family; every name is also ``ol.<name>``.

===================  ==========================================================================================
``sgd``              :func:`trace`, :func:`sgd` (torch's form, with momentum or Nesterov), :func:`heavy_ball`
``adaptive``         Adagrad, Adadelta, RMSProp (plain and centered) and their ``scale_by_*`` transforms
``adam``             Adam and AMSGrad
``weight_decay``     L2 regularization and decoupled weight decay (AdamW)
``newton``           Newton's method and damped Newton (exact Hessian)
``newton_variants``  Levenberg-Marquardt, saddle-free Newton, Gauss-Newton
``cost``             what a Newton step costs against the dimension
``lion``             Lion: the sign of an interpolated momentum
``muon``             Muon: momentum orthogonalized by Newton-Schulz, for matrices; :func:`orthogonalize`
``schedule_free``    schedule-free SGD and AdamW (the y/z/x sequences; :func:`schedule_free_eval_params`)
``partition``        one optimizer per group of parameters (Muon for matrices, AdamW for the rest)
===================  ==========================================================================================
"""
import sys

from .sgd import *  # noqa: F401,F403
from .adaptive import *  # noqa: F401,F403
from .adam import *  # noqa: F401,F403
from .weight_decay import *  # noqa: F401,F403
from .newton import *  # noqa: F401,F403
from .newton_variants import *  # noqa: F401,F403
from .cost import *  # noqa: F401,F403
from .lion import *  # noqa: F401,F403
from .muon import *  # noqa: F401,F403
from .schedule_free import *  # noqa: F401,F403
from .partition import *  # noqa: F401,F403

# ``sgd``, ``adam`` and ``newton`` name a function and the module that holds it: the attribute is the function
# (``ol.optim.adam(...)``); the module is ``sys.modules["optimlib.optim.adam"]`` (``from optimlib.optim.adam import``).
MODULES = ("sgd", "adaptive", "adam", "weight_decay", "newton", "newton_variants", "cost", "lion", "muon",
           "schedule_free", "partition")
__all__ = [name for module in MODULES for name in sys.modules[f"{__name__}.{module}"].__all__]
