"""The protocol every optimizer keeps, as in Optax.

An optimizer is a :class:`GradientTransformation`: a pair of pure functions
``init(params) -> state`` and ``update(grads, state, params=None) -> (updates, state)``.
Optimizers are built by chaining small transforms; the minus sign of descent lives in one place only,
:func:`scale_by_learning_rate`. ``params``, ``grads`` and ``updates`` are a NumPy array or a (nested) ``dict`` of
arrays; :func:`tree_map` is the one helper that handles the container.

>>> import numpy as np
>>> opt = chain(scale(0.5), scale_by_learning_rate(0.1))
>>> params = np.array([1.0, -2.0])
>>> state = opt.init(params)
>>> updates, state = opt.update(np.array([2.0, 4.0]), state, params)
>>> print(apply_updates(params, updates))
[ 0.9 -2.2]
"""
from typing import Callable, NamedTuple

import numpy as np

__all__ = [
    "GradientTransformation", "ScaleByLearningRateState", "EmptyState", "chain", "apply_updates", "tree_map",
    "scale", "scale_by_learning_rate", "check_hyperparameter", "check_learning_rate", "check_shapes",
    "check_broadcast",
]


class GradientTransformation(NamedTuple):
    """Two pure functions: ``init(params) -> state``, ``update(grads, state, params=None) -> (updates, state)``."""

    init: Callable
    update: Callable


class EmptyState(NamedTuple):
    """The state of a transform that keeps none."""


class ScaleByLearningRateState(NamedTuple):
    """``count``: the number of updates already made (the step passed to a schedule)."""

    count: int


def tree_map(fn, tree, *rest):
    """Apply ``fn`` leaf by leaf to an array or to (nested) dicts of arrays with the same keys."""
    if isinstance(tree, dict):
        return {k: tree_map(fn, v, *(r[k] for r in rest)) for k, v in tree.items()}
    return fn(tree, *rest)


def apply_updates(params, updates):
    """Return ``params + updates`` leaf by leaf (new arrays; nothing is mutated).

    Raises ``ValueError`` if a shape differs (no silent broadcasting).
    """
    check_shapes(updates, params, "updates")
    return tree_map(np.add, params, updates)


def chain(*transforms):
    """Compose transforms: the updates of each are the input of the next. The state is a tuple of their states."""
    inits = tuple(t.init for t in transforms)
    updates = tuple(t.update for t in transforms)

    def init(params):
        return tuple(fn(params) for fn in inits)

    def update(grads, state, params=None):
        new_state = []
        for fn, s in zip(updates, state):
            grads, s = fn(grads, s, params)
            new_state.append(s)
        return grads, tuple(new_state)

    return GradientTransformation(init, update)


def scale(step_size):
    """Multiply the updates by a constant ``step_size`` (a float or an array broadcasting against the params)."""
    step_size = check_hyperparameter("step_size", step_size, low=None)

    def init(params):
        check_broadcast("step_size", step_size, params)
        return EmptyState()

    def update(grads, state, params=None):
        return tree_map(lambda g: step_size * g, grads), state

    return GradientTransformation(init, update)


def scale_by_learning_rate(learning_rate):
    r"""Multiply the updates by :math:`-\eta_t`: the one minus sign of every optimizer.

    ``learning_rate`` is a float, an array broadcasting against the params (one rate per row of a batch), or a
    schedule ``step -> rate`` called with the number of updates already made (0 for the first).
    If ``params`` is given, the updates must have its shapes.
    """
    learning_rate = check_learning_rate(learning_rate)
    schedule = learning_rate if callable(learning_rate) else None
    minus_lr = None if schedule else -learning_rate

    def constant_step(g):
        return minus_lr * g

    def init(params):
        check_broadcast("learning_rate", schedule(0) if schedule else learning_rate, params)
        return ScaleByLearningRateState(count=0)

    def update(grads, state, params=None):
        if params is not None:
            check_shapes(grads, params)
        if schedule is None:
            return tree_map(constant_step, grads), ScaleByLearningRateState(state.count + 1)
        rate = schedule(state.count)
        minus_rate = -float(rate) if np.ndim(rate) == 0 else -np.asarray(rate)
        return tree_map(lambda g: minus_rate * g, grads), ScaleByLearningRateState(state.count + 1)

    return GradientTransformation(init, update)


# ----------------------------------------------------------------------------------------------- validation

def _as_number(name, value):
    """A Python float for a scalar (so float32 params stay float32), a new float ndarray otherwise."""
    try:
        arr = np.asarray(value)
    except Exception:  # e.g. a ragged list
        arr = None
    if arr is None or arr.dtype.kind not in "iuf" or arr.size == 0:
        raise ValueError(f"Invalid {name}: {value!r} (must be a number or an array of numbers)")
    if arr.ndim == 0:
        return float(arr)
    return np.array(arr, dtype=arr.dtype if arr.dtype.kind == "f" else np.float64)


def check_hyperparameter(name, value, low=0.0, high=None, *, low_inclusive=True, high_inclusive=False):
    """Validate a hyperparameter and return it as a Python float or a float array.

    Every element must be finite and lie in the interval from ``low`` to ``high`` (``None``: unbounded),
    each end included or not. Otherwise raise ``ValueError`` naming the argument and the offending value,
    e.g. ``Invalid learning_rate: -0.1 (must be >= 0)``.

    >>> check_hyperparameter("momentum", [0.5, 1.0], 0.0, 1.0)
    Traceback (most recent call last):
    ...
    ValueError: Invalid momentum: 1.0 at index (1,) (must be in [0, 1))
    """
    number = _as_number(name, value)
    arr = np.asarray(number)
    bad = ~np.isfinite(arr)
    if low is not None:
        bad |= (arr < low) if low_inclusive else (arr <= low)
    if high is not None:
        bad |= (arr > high) if high_inclusive else (arr >= high)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f" at index {index}" if arr.ndim else ""
        raise ValueError(f"Invalid {name}: {float(arr[index])!r}{where} "
                         f"({_describe(low, high, low_inclusive, high_inclusive)})")
    return number


def _check_scalar(name, value, low=0.0, high=None, **inclusive):
    """:func:`check_hyperparameter` for a setting that must be one number (a data set's, a surface's)."""
    if np.ndim(value) != 0:
        raise ValueError(f"Invalid {name}: {value!r} (must be a single number)")
    return check_hyperparameter(name, value, low, high, **inclusive)


def _describe(low, high, low_inclusive, high_inclusive):
    g = "{:g}".format
    if low is not None and high is not None:
        return f"must be in {'[' if low_inclusive else '('}{g(low)}, {g(high)}{']' if high_inclusive else ')'}"
    if low is not None:
        return f"must be {'>=' if low_inclusive else '>'} {g(low)}"
    if high is not None:
        return f"must be {'<=' if high_inclusive else '<'} {g(high)}"
    return "must be finite"


def check_learning_rate(learning_rate, name="learning_rate"):
    """A learning rate is a number >= 0, an array of them, or a schedule (a callable; its step-0 value is checked)."""
    if callable(learning_rate):
        check_hyperparameter(f"{name} (schedule value at step 0)", learning_rate(0))
        return learning_rate
    if isinstance(learning_rate, str):
        raise ValueError(f"Invalid {name}: {learning_rate!r} (must be a number >= 0, an array of them, or a schedule "
                         f"step -> rate, e.g. ol.cosine_decay(0.1, 100) or ol.get_schedule('cosine', 0.1, 100))")
    return check_hyperparameter(name, learning_rate)


def check_shapes(grads, params, name="grads"):
    """Raise ``ValueError`` unless ``grads`` has exactly the keys and shapes of ``params``."""
    if isinstance(params, dict):
        if not isinstance(grads, dict) or grads.keys() != params.keys():
            keys = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
            raise ValueError(f"Invalid {name}: keys {keys} do not match params keys {sorted(params)}")
        for k in params:
            check_shapes(grads[k], params[k], f"{name}[{k!r}]")
    elif np.shape(grads) != np.shape(params):
        raise ValueError(f"Invalid {name}: shape {np.shape(grads)} does not match params shape {np.shape(params)}")


def check_broadcast(name, value, params):
    """Raise ``ValueError`` unless an array hyperparameter broadcasts to every params leaf without enlarging it."""
    if np.ndim(value) == 0 or params is None:
        return

    def check(p):
        shape = np.shape(p)
        try:
            ok = np.broadcast_shapes(np.shape(value), shape) == shape
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"Invalid {name}: shape {np.shape(value)} does not broadcast to params shape {shape}")

    tree_map(check, params)
