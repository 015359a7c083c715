r"""Many small networks trained at once: the MLP of :mod:`optimlib.problems.mlp` with a leading batch axis of settings.

A hyperparameter grid (learning rate x weight decay x seed) trains as one set of arrays, as a grid of starting
points does in :func:`optimlib.run`. :func:`stack_mlp` stacks ``K`` parameter dicts from
:func:`~optimlib.init_mlp` into one dict with ``W_l`` of shape ``(K, n_{l-1}, n_l)`` and ``b_l`` of shape
``(K, 1, n_l)``: every leaf has three axes, so a hyperparameter array of shape ``(K, 1, 1)`` broadcasts against
all of them (``ol.adamw(learning_rate=lr.reshape(-1, 1, 1), ...)``). Row ``k`` is trained exactly as the single
network ``k`` would be:

.. math:: z_l^{(k)} = a_{l-1}^{(k)} W_l^{(k)} + b_l^{(k)}, \qquad
    \mathcal L^{(k)} = \frac1m\sum_i \log\sum_c e^{z^{(k)}_{L,ic}} - z^{(k)}_{L,i y_i},

with the gradients of each row's own loss (the rows do not interact). Inputs ``X`` are ``(m, n_0)``, shared by all
rows, or ``(K, m, n_0)``, one mini-batch per row.

>>> rng = np.random.default_rng(0)
>>> nets = stack_mlp([init_mlp([4, 3, 2], np.random.default_rng(s)) for s in range(5)])
>>> {k: v.shape for k, v in sorted(nets.items())}
{'W1': (5, 4, 3), 'W2': (5, 3, 2), 'b1': (5, 1, 3), 'b2': (5, 1, 2)}
>>> losses, grads = mlp_batch_loss_and_grad(nets, rng.normal(size=(6, 4)), rng.integers(0, 2, size=6))
>>> losses.shape, grads["W1"].shape
((5,), (5, 4, 3))
"""
import numpy as np

from .mlp import _check_activation, _layers, _propagate, init_mlp  # noqa: F401

__all__ = ["stack_mlp", "unstack_mlp", "mlp_batch_forward", "mlp_batch_loss_and_grad", "mlp_batch_accuracy"]


def stack_mlp(params_list):
    """``K`` parameter dicts of the same shapes (from :func:`~optimlib.init_mlp`) as one batched dict."""
    params_list = list(params_list)
    if not params_list:
        raise ValueError("Invalid params_list: empty (must hold at least one parameter dict)")
    n = _layers(params_list[0])
    for p in params_list[1:]:
        if _layers(p) != n or any(p[k].shape != params_list[0][k].shape for k in p):
            raise ValueError("Invalid params_list: the networks differ in shape (must all come from one size list)")
    out = {}
    for key in params_list[0]:
        leaves = [np.asarray(p[key], dtype=float) for p in params_list]
        out[key] = np.stack([leaf if leaf.ndim == 2 else leaf[None, :] for leaf in leaves])
    return out


def unstack_mlp(params):
    """The inverse of :func:`stack_mlp`: a list of ``K`` single-network dicts."""
    n_rows = _check_batched(params)
    return [{k: (v[i] if k.startswith("W") else v[i, 0]) for k, v in params.items()} for i in range(n_rows)]


def _check_batched(params):
    n = _layers(params)
    rows = {v.shape[0] for v in params.values() if np.ndim(v) == 3}
    if len(rows) != 1 or any(np.ndim(v) != 3 for v in params.values()) or \
            any(params[f"b{l}"].shape[1] != 1 for l in range(1, n + 1)):
        shapes = {k: np.shape(v) for k, v in sorted(params.items())}
        raise ValueError(f"Invalid params: shapes {shapes} (must be stacked: W (K, n_in, n_out), b (K, 1, n_out))")
    return rows.pop()


def _forward(params, X, activation):
    n_rows, n = _check_batched(params), _layers(params)
    X = np.asarray(X, dtype=float)
    n_in = params["W1"].shape[1]
    if not (X.ndim == 2 and X.shape[1] == n_in) and not (X.ndim == 3 and X.shape[::2] == (n_rows, n_in)):
        raise ValueError(f"Invalid X: shape {X.shape} (must be (m, {n_in}) or ({n_rows}, m, {n_in}))")
    return _propagate(params, X, n, activation)


def mlp_batch_forward(params, X, *, activation="tanh"):
    """Every network's output (logits), shape ``(K, m, n_L)``."""
    _check_activation(activation)
    return _forward(params, X, activation)[0][-1]


def _labels(y, n_rows, m, k):
    y = np.asarray(y)
    if y.shape not in ((m,), (n_rows, m)) or y.dtype.kind not in "iu" or (y < 0).any() or (y >= k).any():
        raise ValueError(f"Invalid y: shape {y.shape} (must be {m} or ({n_rows}, {m}) integer labels in [0, {k}))")
    return np.broadcast_to(y, (n_rows, m))


def mlp_batch_loss_and_grad(params, X, y, *, activation="tanh"):
    r"""Each network's softmax cross-entropy loss ``(K,)`` on ``(X, y)`` and its gradient, a dict shaped like
    ``params`` (backpropagation as in :func:`~optimlib.mlp_loss_and_grad`, one row per network).

    ``y``: integer labels, ``(m,)`` shared or ``(K, m)`` per row (with ``X`` of shape ``(K, m, n_0)``)."""
    _check_activation(activation)
    zs, activations = _forward(params, X, activation)
    out = zs[-1]
    n_rows, m, k = out.shape
    y = _labels(y, n_rows, m, k)
    shifted = out - out.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    rows, cols = np.arange(n_rows)[:, None], np.arange(m)[None, :]
    losses = -log_p[rows, cols, y].mean(axis=1)
    delta = np.exp(log_p)
    delta[rows, cols, y] -= 1.0
    delta /= m
    grads = {}
    for l in range(len(zs), 0, -1):
        a = activations[l - 1]
        grads[f"W{l}"] = np.swapaxes(a, -1, -2) @ delta
        grads[f"b{l}"] = delta.sum(axis=1, keepdims=True)
        if l > 1:
            back = delta @ np.swapaxes(params[f"W{l}"], -1, -2)
            delta = back * (1.0 - a**2) if activation == "tanh" else back * (zs[l - 2] > 0)
    return losses, {key: grads[key] for key in params}


def mlp_batch_accuracy(params, X, y, *, activation="tanh"):
    """The fraction of examples each network classifies correctly (the largest logit), shape ``(K,)``."""
    out = mlp_batch_forward(params, X, activation=activation)
    y = _labels(y, out.shape[0], out.shape[1], out.shape[2])
    return (out.argmax(axis=-1) == y).mean(axis=1)
