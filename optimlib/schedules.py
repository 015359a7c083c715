r"""Learning-rate schedules: functions ``step -> rate``, accepted wherever a learning rate is.

``step`` counts the updates already made (0 for the first). Each factory validates its arguments and raises
``ValueError`` naming the argument and the value. ``init_value`` may be an array (one schedule per row of a
batch); the time factor is a Python float, so a float32 run stays float32.

Robbins & Monro (1951) need :math:`\sum_t \eta_t = \infty` and :math:`\sum_t \eta_t^2 < \infty`:
:func:`inverse_time_decay` meets both; :func:`inverse_sqrt_decay` does not (its squares sum like the harmonic
series), and a constant or :func:`cosine_decay` rate leaves SGD in a noise ball.

>>> lr = warmup(cosine_decay(0.1, decay_steps=100), warmup_steps=10)
>>> print([round(lr(t), 4) for t in (0, 5, 10, 60, 110, 500)])
[0.0, 0.05, 0.1, 0.05, 0.0, 0.0]
"""
import math

from ._validate import check_hyperparameter, check_learning_rate

__all__ = ["constant_schedule", "step_decay", "exponential_decay", "inverse_time_decay", "inverse_sqrt_decay",
           "cosine_decay", "warmup", "get_schedule"]


def _steps(name, value, low=1):
    if isinstance(value, bool) or not hasattr(value, "__index__") or int(value) < low:
        raise ValueError(f"Invalid {name}: {value!r} (must be an integer >= {low})")
    return int(value)


def constant_schedule(value):
    r""":math:`\eta_t = \eta_0`."""
    value = check_hyperparameter("value", value)
    return lambda step: value


def step_decay(init_value, step_size, gamma=0.1):
    r""":math:`\eta_t = \eta_0 \gamma^{\lfloor t / s \rfloor}`: multiply by ``gamma`` every ``step_size`` steps
    (``torch.optim.lr_scheduler.StepLR``).

    >>> print([round(step_decay(1.0, 2, 0.5)(t), 3) for t in range(5)])
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    init_value = check_hyperparameter("init_value", init_value)
    step_size = _steps("step_size", step_size)
    gamma = check_hyperparameter("gamma", gamma, 0.0, 1.0, high_inclusive=True)
    return lambda step: init_value * gamma ** (step // step_size)


def exponential_decay(init_value, decay_rate, transition_steps=1):
    r""":math:`\eta_t = \eta_0 \gamma^{t / T}` with :math:`\gamma` = ``decay_rate`` in (0, 1], :math:`T` =
    ``transition_steps`` (``torch.optim.lr_scheduler.ExponentialLR`` for :math:`T = 1`)."""
    init_value = check_hyperparameter("init_value", init_value)
    gamma = check_hyperparameter("decay_rate", decay_rate, 0.0, 1.0, low_inclusive=False, high_inclusive=True)
    transition_steps = _steps("transition_steps", transition_steps)
    return lambda step: init_value * gamma ** (step / transition_steps)


def inverse_time_decay(init_value, decay_rate=1.0):
    r""":math:`\eta_t = \eta_0 / (1 + k t)`, the :math:`1/t` schedule of Robbins & Monro (1951)."""
    init_value = check_hyperparameter("init_value", init_value)
    k = check_hyperparameter("decay_rate", decay_rate)
    return lambda step: init_value * (1.0 / (1.0 + k * step))


def inverse_sqrt_decay(init_value, decay_rate=1.0):
    r""":math:`\eta_t = \eta_0 / \sqrt{1 + k t}`."""
    init_value = check_hyperparameter("init_value", init_value)
    k = check_hyperparameter("decay_rate", decay_rate)
    return lambda step: init_value * (1.0 / math.sqrt(1.0 + k * step))


def cosine_decay(init_value, decay_steps, alpha=0.0):
    r""":math:`\eta_t = \eta_0 \left(\alpha + (1 - \alpha) \tfrac12 (1 + \cos(\pi \min(t, T) / T))\right)`:
    a half cosine from :math:`\eta_0` to :math:`\alpha\eta_0` over :math:`T` = ``decay_steps``, then flat
    (Loshchilov & Hutter, SGDR, ICLR 2017, without restarts)."""
    init_value = check_hyperparameter("init_value", init_value)
    decay_steps = _steps("decay_steps", decay_steps)
    alpha = check_hyperparameter("alpha", alpha, 0.0, 1.0, high_inclusive=True)

    def schedule(step):
        cosine = 0.5 * (1.0 + math.cos(math.pi * min(step, decay_steps) / decay_steps))
        return init_value * (alpha + (1.0 - alpha) * cosine)

    return schedule


def warmup(schedule, warmup_steps, init_value=0.0):
    r"""Linear warm-up: rise from ``init_value`` to ``schedule(0)`` over ``warmup_steps`` steps, then follow
    ``schedule`` shifted by ``warmup_steps``. ``schedule`` may be a float (a constant rate)."""
    schedule = check_learning_rate(schedule, "schedule")
    warmup_steps = _steps("warmup_steps", warmup_steps)
    init_value = check_hyperparameter("init_value", init_value)
    after = schedule if callable(schedule) else constant_schedule(schedule)
    peak = after(0)

    def warmed(step):
        if step < warmup_steps:
            frac = step / warmup_steps
            return init_value * (1.0 - frac) + peak * frac
        return after(step - warmup_steps)

    return warmed


_SCHEDULES = {"constant": constant_schedule, "step": step_decay, "exponential": exponential_decay,
              "inverse_time": inverse_time_decay, "inverse_sqrt": inverse_sqrt_decay, "cosine": cosine_decay}


def get_schedule(name, *args, **kwargs):
    """Build a schedule by name: one of ``constant``, ``step``, ``exponential``, ``inverse_time``,
    ``inverse_sqrt``, ``cosine`` (the arguments are the factory's).

    >>> print(round(get_schedule("inverse_time", 0.1, decay_rate=1.0)(9), 4))
    0.01
    """
    if name not in _SCHEDULES:
        raise ValueError(f"Invalid schedule: {name!r} (must be one of {', '.join(_SCHEDULES)})")
    try:
        return _SCHEDULES[name](*args, **kwargs)
    except TypeError as err:
        raise ValueError(f"Invalid arguments for schedule {name!r}: {err}") from None
