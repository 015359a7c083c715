r"""Schedule-free training (Defazio et al. 2024): interpolate, take a base step, average.

Three sequences replace the learning-rate schedule. :math:`z` takes the base optimizer's steps with a constant
rate; :math:`x` is a running (weighted) average of the :math:`z` iterates, the point to evaluate; the gradient is
taken at :math:`y`, an interpolation between the two:

.. math::
    y_t = (1-\beta) z_t + \beta x_t, \qquad z_{t+1} = z_t - \gamma_t d_t(y_t), \qquad
    x_{t+1} = (1 - c_{t+1})\, x_t + c_{t+1}\, z_{t+1},

with :math:`c_{t+1} = w_{t+1}/\sum_{i \le t+1} w_i` and :math:`w_i = (\max_{j\le i}\gamma_j)^{p}`, so
:math:`c_{t+1} = 1/(t+1)` (a uniform average) once the rate is constant. :math:`\beta = 0` gives Polyak-Ruppert
averaging of SGD's iterates, :math:`\beta = 1` primal averaging (gradients at the average itself).

The parameters an optimizer here holds and returns updates for are :math:`y`; the evaluation point
:math:`x` is in the state: :func:`schedule_free_eval_params`.
"""
from numbers import Integral
from typing import Any, NamedTuple

import numpy as np

from .._validate import check_broadcast, check_hyperparameter, check_learning_rate, check_shapes
from ..base import GradientTransformation, chain, scale_by_learning_rate, tree_map
from .adam import scale_by_adam
from .weight_decay import add_decayed_weights

__all__ = ["ScheduleFreeState", "schedule_free", "schedule_free_sgd", "schedule_free_adamw",
           "schedule_free_eval_params"]


class ScheduleFreeState(NamedTuple):
    """``count``: steps made; ``z``: the base iterate; ``x``: the average (the evaluation point); ``weight_sum``:
    :math:`\\sum w_i`; ``lr_max``: the largest rate so far; ``base``: the state of the base step."""

    count: int
    z: Any
    x: Any
    weight_sum: Any
    lr_max: Any
    base: Any


def _warmed(learning_rate, warmup_steps):
    """The rate of step ``k`` (0 for the first): ``learning_rate`` times the linear warm-up ``min(1, (k+1)/w)``,
    evaluated once per step (the base step and the averaging weight both use it)."""
    schedule = learning_rate if callable(learning_rate) else (lambda k: learning_rate)
    last = {}

    def rate(k):
        if k not in last:
            last.clear()
            last[k] = schedule(k) * (min(1.0, (k + 1) / warmup_steps) if warmup_steps else 1.0)
        return last[k]

    return rate


def schedule_free(direction, learning_rate, b1=0.9, warmup_steps=0, weight_lr_power=2.0):
    r"""Schedule-free wrapper of a base direction :math:`d_t` (a transform that does not scale by the rate).

    Args:
        direction: a ``GradientTransformation`` giving :math:`d_t` from the gradient at :math:`y_t` (and
            :math:`y_t` as ``params``): ``ol.add_decayed_weights(wd)`` for SGD, Adam's scaling for AdamW.
        learning_rate: :math:`\gamma \ge 0`: a float, an array broadcasting against the params, or a schedule
            (schedule-free training is meant to need none but warm-up).
        b1: :math:`\beta \in [0, 1]`, the interpolation weight of :math:`x` in :math:`y`.
        warmup_steps: linear warm-up of the rate over this many steps (0: none).
        weight_lr_power: :math:`p \ge 0` in the averaging weights :math:`w_i = (\max_{j \le i} \gamma_j)^p`.

    The updates move :math:`y_t` to :math:`y_{t+1}`; ``update`` needs ``params`` (:math:`y_t`).
    """
    learning_rate = check_learning_rate(learning_rate)
    beta = check_hyperparameter("b1", b1, 0.0, 1.0, high_inclusive=True)
    if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, Integral) or warmup_steps < 0:
        raise ValueError(f"Invalid warmup_steps: {warmup_steps!r} (must be an integer >= 0)")
    power = check_hyperparameter("weight_lr_power", weight_lr_power)
    rate = _warmed(learning_rate, warmup_steps)
    base = chain(direction, scale_by_learning_rate(rate))      # z_{t+1} - z_t = -gamma_t d_t: the one minus sign

    def init(params):
        check_broadcast("b1", beta, params)
        copy = tree_map(np.array, params)
        return ScheduleFreeState(0, copy, tree_map(np.array, params), 0.0, 0.0, base.init(params))

    def update(grads, state, params=None):
        if params is None:
            raise ValueError("Invalid params: None (schedule-free needs y_t: update(grads, state, params))")
        check_shapes(grads, params)
        step, base_state = base.update(grads, state.base, params)
        lr_max = np.maximum(state.lr_max, rate(state.count))
        weight = lr_max ** power
        weight_sum = state.weight_sum + weight
        c = np.divide(weight, weight_sum, out=np.zeros_like(weight_sum, dtype=float), where=weight_sum > 0)
        c = float(c) if np.ndim(c) == 0 else c
        z = tree_map(np.add, state.z, step)
        x = tree_map(lambda x, z: (1 - c) * x + c * z, state.x, z)
        y = tree_map(lambda z, x: (1 - beta) * z + beta * x, z, x)
        updates = tree_map(np.subtract, y, params)
        return updates, ScheduleFreeState(state.count + 1, z, x, weight_sum, lr_max, base_state)

    return GradientTransformation(init, update)


def schedule_free_sgd(learning_rate=1.0, b1=0.9, weight_decay=0.0, warmup_steps=0, weight_lr_power=2.0):
    r"""Schedule-free SGD.

    .. math::
        \begin{aligned}
        &\textbf{input}: \gamma \text{ (learning\_rate)},\ \beta \text{ (b1)},\ \lambda \text{ (weight\_decay)},\
            p \text{ (weight\_lr\_power)} \\
        &\textbf{initialize}: z_1 = x_1 = y_1 = \theta_0,\ W_0 = 0 \\
        &\textbf{for}\ t = 1, 2, \ldots: \\
        &\quad d_t \leftarrow \nabla f(y_t) + \lambda y_t \\
        &\quad z_{t+1} \leftarrow z_t - \gamma_t d_t \\
        &\quad w_t \leftarrow (\max_{i \le t}\gamma_i)^p, \quad W_t \leftarrow W_{t-1} + w_t,
            \quad c_{t+1} \leftarrow w_t / W_t \\
        &\quad x_{t+1} \leftarrow (1 - c_{t+1})\, x_t + c_{t+1}\, z_{t+1} \\
        &\quad y_{t+1} \leftarrow (1 - \beta)\, z_{t+1} + \beta\, x_{t+1}
        \end{aligned}

    The params are :math:`y`; evaluate the model at :math:`x` = ``ol.schedule_free_eval_params(state)``. The
    state is a one-element chain state ``(ScheduleFreeState,)``, as every alias's is a chain's.

    Args:
        learning_rate: :math:`\gamma \ge 0` (a float, an array, or a schedule; with warm-up ``warmup_steps``).
        b1: :math:`\beta \in [0, 1]`: 0 is Polyak-Ruppert averaging of SGD, 1 primal averaging.
        weight_decay: :math:`\lambda \ge 0`, added to the gradient at :math:`y` (L2 form, as the package).
        warmup_steps, weight_lr_power: as in :func:`schedule_free`.

    .. note::
        This is ``schedulefree.SGDScheduleFree(lr, momentum=b1, weight_decay, warmup_steps, r=0,
        weight_lr_power)`` (facebookresearch), which stores only :math:`y` (in the parameters) and :math:`z`, and
        moves the parameters to :math:`x` when ``optimizer.eval()`` is called; here :math:`x` is kept in the
        state and the parameters always stay :math:`y`. The package's ``momentum`` must be in (0, 1); its
        defaults are those here. The authors' advice: rates 10-50 times larger than for SGD with a schedule.

    Reference:
        Defazio et al. (2024), The road less scheduled, NeurIPS, arXiv:2405.15682.

    Example:
        >>> import numpy as np
        >>> opt, y = schedule_free_sgd(learning_rate=0.5, b1=0.9), np.array([1.0])
        >>> state = opt.init(y)
        >>> for _ in range(3):                      # f = y^2 / 2
        ...     updates, state = opt.update(y, state, y)
        ...     y = y + updates
        >>> sf = state[0]                           # the chain's one state
        >>> print(sf.z, sf.x.round(6), y)           # y = 0.1 z + 0.9 x
        [0.06875] [0.272917] [0.2525]
    """
    return chain(schedule_free(add_decayed_weights(weight_decay), learning_rate, b1, warmup_steps, weight_lr_power))


def schedule_free_adamw(learning_rate=0.0025, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0, warmup_steps=0,
                        weight_lr_power=2.0):
    r"""Schedule-free AdamW: :func:`schedule_free_sgd` with the direction
    :math:`d_t = g_t/(\sqrt{v_t/(1-\beta_2^t)} + \epsilon) + \lambda y_t`,
    :math:`v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2`, :math:`g_t = \nabla f(y_t)`.

    There is no first moment: the interpolation and the average play its role, and ``b1`` is :math:`\beta` of
    :func:`schedule_free`. The direction is :func:`~optimlib.scale_by_adam` with :math:`\beta_1 = 0`, then
    decoupled decay at :math:`y`.

    Args:
        learning_rate: :math:`\gamma \ge 0`. b1: :math:`\beta \in [0, 1]`. b2: :math:`\beta_2 \in [0, 1)`.
        eps: :math:`\epsilon \ge 0`, outside the root. weight_decay: :math:`\lambda \ge 0`.
        warmup_steps, weight_lr_power: as in :func:`schedule_free`.

    .. note::
        This is ``schedulefree.AdamWScheduleFree(lr, betas=(b1, b2), eps, weight_decay, warmup_steps, r=0,
        weight_lr_power)``, with :math:`x` in the state instead of ``optimizer.eval()``. It is also Optax's
        ``contrib.schedule_free_adamw``, whose params are :math:`y` too (``schedule_free_eval_params``). The
        authors suggest rates 1-10 times larger than AdamW's with a schedule, and warm-up.

    Reference:
        Defazio et al. (2024), The road less scheduled, NeurIPS, arXiv:2405.15682.
    """
    direction = chain(scale_by_adam(0.0, b2, eps), add_decayed_weights(weight_decay))
    return chain(schedule_free(direction, learning_rate, b1, warmup_steps, weight_lr_power))


def schedule_free_eval_params(state):
    """The evaluation point :math:`x` of a schedule-free optimizer's state (found inside a ``chain`` or
    ``partition`` state too, for one schedule-free transform)."""
    found = _find(state)
    if len(found) != 1:
        raise ValueError(f"Invalid state: {type(state).__name__} holds {len(found)} schedule-free states "
                         f"(must hold exactly one)")
    return found[0].x


def _find(state):
    if isinstance(state, ScheduleFreeState):
        return [state]
    if isinstance(state, dict):
        return [s for v in state.values() for s in _find(v)]
    if isinstance(state, tuple):
        return [s for v in state for s in _find(v)]
    return []
