r"""Different optimizers for different parameters of one model (Optax's ``multi_transform``).

``partition(transforms, labels)`` gives each entry of a ``dict`` of parameters a label and runs the transform of
that label on the entries that carry it: the usual way to train a network's weight matrices with
:func:`~optimlib.muon` and its biases with :func:`~optimlib.adamw`.

>>> import numpy as np
>>> import optimlib as ol
>>> params = {"W": np.ones((2, 2)), "b": np.ones(2)}
>>> opt = ol.partition({"sgd": ol.sgd(0.1), "none": ol.sgd(0.0)}, {"W": "sgd", "b": "none"})
>>> updates, state = opt.update({"W": np.ones((2, 2)), "b": np.ones(2)}, opt.init(params), params)
>>> print(updates["W"][0], updates["b"])
[-0.1 -0.1] [-0. -0.]
"""
from typing import Any, NamedTuple

from ..base import GradientTransformation

__all__ = ["PartitionState", "partition"]


class PartitionState(NamedTuple):
    """``labels``: a dict key -> label, fixed at ``init``; ``inner``: a dict label -> the state of that label's
    transform (over its own entries only)."""

    labels: Any
    inner: Any


def partition(transforms, labels):
    r"""Run ``transforms[label]`` on the entries of a params ``dict`` that carry ``label``.

    Args:
        transforms: a dict label -> ``GradientTransformation``.
        labels: a dict with the params' keys and label values, or a callable ``labels(key, leaf) -> label``
            (e.g. ``lambda key, p: "muon" if p.ndim == 2 else "adamw"``), applied to the params at ``init``.

    The params must be a flat ``dict`` of arrays. Each transform sees only its own entries, so its state (a step
    count included) is its own; a label with no entries is given none and keeps an empty state.
    """
    if not isinstance(transforms, dict) or not transforms or not all(
            isinstance(t, GradientTransformation) for t in transforms.values()):
        raise ValueError(f"Invalid transforms: {transforms!r} (must be a non-empty dict label -> optimizer)")
    if not (callable(labels) or isinstance(labels, dict)):
        raise ValueError(f"Invalid labels: {labels!r} (must be a dict key -> label or a callable (key, leaf))")

    def label_of(params):
        if not isinstance(params, dict):
            raise ValueError(f"Invalid params: {type(params).__name__} (partition needs a dict of arrays)")
        if isinstance(labels, dict):
            if labels.keys() != params.keys():
                raise ValueError(f"Invalid labels: keys {sorted(labels)} do not match params keys {sorted(params)}")
            named = dict(labels)
        else:
            named = {k: labels(k, p) for k, p in params.items()}
        unknown = sorted({str(v) for v in named.values() if v not in transforms})
        if unknown:
            raise ValueError(f"Invalid labels: {unknown} (not among the transforms' labels {sorted(transforms)})")
        return named

    def split(tree, named, label):
        return None if tree is None else {k: v for k, v in tree.items() if named[k] == label}

    def init(params):
        named = label_of(params)
        return PartitionState(named, {label: t.init(split(params, named, label)) for label, t in transforms.items()})

    def update(grads, state, params=None):
        named = state.labels
        if not isinstance(grads, dict) or grads.keys() != named.keys():
            keys = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
            raise ValueError(f"Invalid grads: keys {keys} do not match params keys {sorted(named)}")
        updates, inner = {}, {}
        for label, t in transforms.items():
            part, inner[label] = t.update(split(grads, named, label), state.inner[label], split(params, named, label))
            updates.update(part)
        return {k: updates[k] for k in grads}, PartitionState(named, inner)

    return GradientTransformation(init, update)
