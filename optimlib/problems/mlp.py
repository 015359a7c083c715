r"""A small multilayer perceptron in NumPy with hand-written backpropagation.

Parameters are a dict of arrays ``{'W1', 'b1', ..., 'WL', 'bL'}`` (``W_l`` of shape ``(n_{l-1}, n_l)``), which every
optimizer accepts: ``opt.init(params)``, ``opt.update(grads, state, params)``, ``ol.apply_updates``. For inputs
``X`` of shape ``(m, n_0)``, with :math:`\phi` = tanh or ReLU,

.. math:: a_0 = X, \quad z_l = a_{l-1} W_l + b_l, \quad a_l = \phi(z_l) \ (l < L), \quad \hat y = z_L.

Backpropagation (Rumelhart, Hinton & Williams 1986) runs the chain rule backwards from
:math:`\delta_L = \partial \mathcal L/\partial z_L`:
:math:`\partial\mathcal L/\partial W_l = a_{l-1}^\top \delta_l`, :math:`\partial\mathcal L/\partial b_l = \sum_i
\delta_{l,i}`, :math:`\delta_{l-1} = (\delta_l W_l^\top) \odot \phi'(z_{l-1})`. It only *computes* the gradient;
the optimizer makes the update. The losses match PyTorch's ``MSELoss()`` (mean over all entries) and
``CrossEntropyLoss()`` (softmax and negative log-likelihood, mean over examples).

>>> rng = np.random.default_rng(0)
>>> params = init_mlp([2, 8, 3], rng)
>>> sorted((k, v.shape) for k, v in params.items())
[('W1', (2, 8)), ('W2', (8, 3)), ('b1', (8,)), ('b2', (3,))]
>>> loss, grads = mlp_loss_and_grad(params, rng.normal(size=(5, 2)), np.array([0, 2, 1, 1, 0]),
...                                 loss="cross_entropy")
>>> grads.keys() == params.keys()
True
"""
import numpy as np

__all__ = ["init_mlp", "mlp_forward", "mlp_loss_and_grad"]

_ACTIVATIONS = ("tanh", "relu")
_LOSSES = ("mse", "cross_entropy")


def _check_activation(activation):
    if activation not in _ACTIVATIONS:
        raise ValueError(f"Invalid activation: {activation!r} (must be one of {_ACTIVATIONS})")


def _layers(params):
    n = len(params) // 2
    if n < 1 or set(params) != {f"{p}{l}" for l in range(1, n + 1) for p in "Wb"}:
        raise ValueError(f"Invalid params: keys {sorted(params)} (must be W1, b1, ..., WL, bL)")
    return n


def init_mlp(sizes, rng, *, activation="tanh"):
    r"""Random parameters for layer widths ``sizes`` :math:`(n_0, \ldots, n_L)`: :math:`W_l` normal with variance
    :math:`g/n_{l-1}` (:math:`g = 1` for tanh, LeCun et al. 1998; :math:`g = 2` for ReLU, He et al. 2015),
    :math:`b_l = 0`. ``rng`` is a ``numpy.random.Generator``."""
    _check_activation(activation)
    if len(sizes) < 2 or any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1 for s in sizes):
        raise ValueError(f"Invalid sizes: {list(sizes)!r} (must be >= 2 integers >= 1)")
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"Invalid rng: {rng!r} (must be a numpy.random.Generator)")
    gain = 1.0 if activation == "tanh" else 2.0
    params = {}
    for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{l}"] = rng.normal(0.0, np.sqrt(gain / fan_in), size=(fan_in, fan_out))
        params[f"b{l}"] = np.zeros(fan_out)
    return params


def _forward(params, X, activation):
    """The pre-activations ``zs`` and activations ``activations`` of every layer (for backpropagation)."""
    n = _layers(params)
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != params["W1"].shape[0]:
        raise ValueError(f"Invalid X: shape {X.shape} (must be (m, {params['W1'].shape[0]}))")
    return _propagate(params, X, n, activation)


def _propagate(params, X, n, activation):
    """Through the ``n`` layers: ``z_l = a_{l-1} W_l + b_l``, ``a_l = act(z_l)`` (one network, or K stacked: the
    same products broadcast over a leading axis)."""
    activations, zs = [X], []
    for l in range(1, n + 1):
        zs.append(activations[-1] @ params[f"W{l}"] + params[f"b{l}"])
        if l < n:
            activations.append(np.tanh(zs[-1]) if activation == "tanh" else np.maximum(zs[-1], 0.0))
    return zs, activations


def mlp_forward(params, X, *, activation="tanh"):
    """The network's output :math:`\\hat y = z_L` (no final nonlinearity: values or logits), shape ``(m, n_L)``."""
    _check_activation(activation)
    return _forward(params, X, activation)[0][-1]


def mlp_loss_and_grad(params, X, y, *, loss="mse", activation="tanh"):
    r"""The loss and its gradient with respect to every parameter, by backpropagation.

    Args:
      params: the dict from :func:`init_mlp`.
      X: inputs ``(m, n_0)``.
      y: for ``loss='mse'`` targets ``(m, n_L)`` (or ``(m,)`` if :math:`n_L = 1`),
        :math:`\mathcal L = \mathrm{mean}\,(\hat y - y)^2`; for ``loss='cross_entropy'`` integer class labels
        ``(m,)`` in :math:`[0, n_L)`, :math:`\mathcal L = \frac1m\sum_i \log\sum_k e^{\hat y_{ik}} - \hat y_{i y_i}`.
      loss, activation: as named.

    Returns ``(loss, grads)`` with ``grads`` a dict shaped like ``params``.
    """
    _check_activation(activation)
    if loss not in _LOSSES:
        raise ValueError(f"Invalid loss: {loss!r} (must be one of {_LOSSES})")
    zs, activations = _forward(params, X, activation)
    out, y = zs[-1], np.asarray(y)
    m, k = out.shape
    if loss == "mse":
        y = y.reshape(m, 1) if (y.shape == (m,) and k == 1) else y
        if y.shape != out.shape:
            raise ValueError(f"Invalid y: shape {y.shape} (must be {out.shape} for loss='mse')")
        diff = out - y
        value, delta = float(np.mean(diff * diff)), 2.0 * diff / diff.size
    else:
        if y.shape != (m,) or y.dtype.kind not in "iu" or (y < 0).any() or (y >= k).any():
            raise ValueError(f"Invalid y: must be {m} integer labels in [0, {k}) for loss='cross_entropy'")
        shifted = out - out.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        value = float(-log_p[np.arange(m), y].mean())
        delta = np.exp(log_p)
        delta[np.arange(m), y] -= 1.0
        delta /= m
    grads = {}
    for l in range(len(zs), 0, -1):
        grads[f"W{l}"] = activations[l - 1].T @ delta
        grads[f"b{l}"] = delta.sum(axis=0)
        if l > 1:
            back = delta @ params[f"W{l}"].T
            delta = back * (1.0 - activations[l - 1] ** 2) if activation == "tanh" else back * (zs[l - 2] > 0)
    return value, {key: grads[key] for key in params}
