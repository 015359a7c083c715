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

from ._validate import check_broadcast, check_hyperparameter, check_learning_rate, check_params, check_shapes

__all__ = ["GradientTransformation", "ScaleByLearningRateState", "EmptyState", "chain", "apply_updates", "tree_map",
           "per_leaf", "stateless", "scale", "scale_by_learning_rate"]


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


def per_leaf(state_type, update_leaf, *, initial=None, **hyperparameters):
    """A transform from ``update_leaf``, the algorithm written for one array (as ``jax.example_libraries``'s
    ``@optimizer``): the container, the shape checks and the state's arrays are handled here, once.

    ``update_leaf(g, *fields) -> (update, *new_fields)`` takes a gradient leaf and the leaves of the fields of
    ``state_type`` (a NamedTuple); if its first field is ``count``, the number of updates made, it is counted here
    and ``update_leaf(t, g, *fields)`` gets the step :math:`t` = count + 1. ``init`` gives every other field its own
    array shaped like each params leaf, zeros or ``initial[field]``, after checking that each array-valued
    ``hyperparameters`` value broadcasts to the params; ``update`` checks the grads against the state's shapes, and
    copies an update that would share memory with the new state.

    >>> class State(NamedTuple):
    ...     Eg2: np.ndarray
    >>> def update(g, Eg2):                                # RMSProp, decay 0.9, eps 0
    ...     Eg2 = 0.9 * Eg2 + 0.1 * g * g
    ...     return g / np.sqrt(Eg2), Eg2
    >>> rms = per_leaf(State, update)
    >>> updates, state = rms.update({"w": np.array([2.0])}, rms.init({"w": np.zeros(1)}))
    >>> print(updates["w"].round(4), state.Eg2["w"])
    [3.1623] [0.4]
    """
    counted = state_type._fields[0] == "count"
    fields = state_type._fields[1:] if counted else state_type._fields
    start = [(initial or {}).get(f, 0.0) for f in fields]

    def init(params):
        check_params(params)
        for name, value in hyperparameters.items():
            check_broadcast(name, value, params)
        leaves = [tree_map(lambda p: np.full_like(p, v), params) for v in start]  # one new array per field
        return state_type(0, *leaves) if counted else state_type(*leaves)

    def update(grads, state, params=None):
        leaves = state[1:] if counted else state
        check_shapes(grads, leaves[0])
        step = (state[0] + 1,) if counted else ()
        out, *new = _lift(lambda g, *s: _unshared(update_leaf(*step, g, *s)), grads, leaves)
        return out, state_type(*step, *new)

    return GradientTransformation(init, update)


def _lift(fn, grads, leaves):
    """``fn(g, *s) -> (u, *s')`` applied leaf by leaf; the results regrouped as trees ``(u, *s')``."""
    if not isinstance(grads, dict):
        return fn(grads, *leaves)
    parts = {k: _lift(fn, grads[k], [s[k] for s in leaves]) for k in grads}
    return tuple({k: part[i] for k, part in parts.items()} for i in range(len(leaves) + 1))


def _unshared(result):
    out, *new = result
    return (np.copy(out) if any(np.may_share_memory(out, s) for s in new) else out, *new)


def stateless(update, **hyperparameters):
    """A transform that keeps no state (:class:`EmptyState`) from ``update(grads, state, params)``; ``init`` checks
    that each array-valued ``hyperparameters`` value broadcasts to the params."""
    def init(params):
        for name, value in hyperparameters.items():
            check_broadcast(name, value, params)
        return EmptyState()

    return GradientTransformation(init, update)


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
        if not isinstance(state, tuple) or len(state) != len(updates):
            raise ValueError(f"Invalid state: {state!r} (must be the state from this optimizer's init, a tuple of "
                             f"{len(updates)})")
        new_state = []
        for fn, s in zip(updates, state):
            grads, s = fn(grads, s, params)
            new_state.append(s)
        return grads, tuple(new_state)

    return GradientTransformation(init, update)


def scale(step_size):
    """Multiply the updates by a constant ``step_size`` (a float or an array broadcasting against the params)."""
    step_size = check_hyperparameter("step_size", step_size, low=None)

    def update(grads, state, params=None):
        return tree_map(lambda g: step_size * g, grads), state

    return stateless(update, step_size=step_size)


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
