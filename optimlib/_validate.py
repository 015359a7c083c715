"""Validation of hyperparameters and shapes, shared by every layer (package-private: not in ``ol.``).

Each check raises ``ValueError`` naming the argument and the offending value, as ``torch.optim`` does:
``Invalid learning_rate: -0.1 (must be >= 0)``.
"""
import numpy as np

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


def check_scalar(name, value, low=0.0, high=None, **inclusive):
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

    _each_leaf(check, params)


def _each_leaf(fn, tree):
    if isinstance(tree, dict):
        for v in tree.values():
            _each_leaf(fn, v)
    else:
        fn(tree)


def check_params(params, name="params"):
    """Raise ``ValueError`` unless ``params`` is an array, a number, or a (nested) dict of them: the containers
    :func:`~optimlib.tree_map` handles (a list of arrays would be read as one array)."""
    if isinstance(params, dict):
        for k, v in params.items():
            check_params(v, f"{name}[{k!r}]")
    elif isinstance(params, (list, tuple)):
        raise ValueError(f"Invalid {name}: a {type(params).__name__} (must be a NumPy array, a number, or a dict of "
                         f"them, e.g. {{'W': W, 'b': b}})")
