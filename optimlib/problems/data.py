r"""Seeded data sets, their losses and gradients, and the mini-batch sampler. Nothing is downloaded.

Every generator takes ``rng``, a ``numpy.random.Generator``; the library never seeds itself. Losses are averages
over the examples, so a gradient on a subset ``idx`` of :math:`m'` examples is an unbiased estimate of the full
gradient and costs :math:`O(m' d)` instead of :math:`O(m d)`.

- Least squares: :math:`L(w) = \frac{1}{2m}\lVert Xw - y\rVert^2`, :math:`\nabla L = \frac1m X^\top(Xw - y)`,
  Hessian :math:`X^\top X/m`.
- Logistic regression, labels :math:`y_i \in \{0, 1\}`, :math:`z = Xw`:
  :math:`L(w) = \frac1m\sum_i \log(1 + e^{z_i}) - y_i z_i`, :math:`\nabla L = \frac1m X^\top(\sigma(z) - y)`.

>>> rng = np.random.default_rng(0)
>>> data = linear_regression(200, 5, condition_number=100.0, noise=0.1, rng=rng)
>>> eig = np.linalg.eigvalsh(data.hessian)
>>> round(float(eig.max() / eig.min()), 6)
100.0
>>> [len(idx) for idx in minibatches(10, 4, rng)]
[4, 4, 2]
"""
from typing import NamedTuple

import numpy as np

from .._validate import check_scalar

__all__ = ["LinearRegression", "linear_regression", "SparseLogistic", "sparse_logistic", "Digits", "load_digits",
           "least_squares_loss", "least_squares_grad", "logistic_loss", "logistic_grad", "minibatches", "sampled_grad"]


def _check_int(name, value, low=1):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"Invalid {name}: {value!r} (must be an integer >= {low})")
    return int(value)


def _check_rng(rng):
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"Invalid rng: {rng!r} (must be a numpy.random.Generator, e.g. np.random.default_rng(0))")


class LinearRegression(NamedTuple):
    """``X (m, d)``, ``y (m,)``, the generating weights ``w_true``, the least-squares solution ``w_star`` and the
    Hessian :math:`X^\\top X/m` of the loss, whose eigenvalues run geometrically from 1 down to :math:`1/\\kappa`."""

    X: np.ndarray
    y: np.ndarray
    w_true: np.ndarray
    w_star: np.ndarray
    hessian: np.ndarray


def linear_regression(n, d, *, condition_number=10.0, noise=0.1, rng):
    r"""Least-squares data whose Hessian :math:`X^\top X / n` has exactly the given condition number.

    :math:`X = U \operatorname{diag}(\sqrt{n\lambda_i}) V^\top` with :math:`U` (orthonormal columns) and :math:`V`
    random, :math:`\lambda_i` geometric from 1 to :math:`1/\kappa` (so :math:`L = 1` and gradient descent is stable
    for :math:`\eta < 2`); :math:`y = X w_{true} + \text{noise}\cdot\varepsilon`, :math:`w_{true}, \varepsilon`
    standard normal. Needs ``n >= d``.
    """
    n, d = _check_int("n", n), _check_int("d", d)
    if n < d:
        raise ValueError(f"Invalid n: {n} (must be >= d = {d} for a unique least-squares solution)")
    condition_number = check_scalar("condition_number", condition_number, 1.0)
    noise = check_scalar("noise", noise)
    _check_rng(rng)
    U = np.linalg.qr(rng.standard_normal((n, d)))[0]
    V = np.linalg.qr(rng.standard_normal((d, d)))[0]
    lam = np.geomspace(1.0, 1.0 / condition_number, d)
    X = (U * np.sqrt(n * lam)) @ V.T
    w_true = rng.standard_normal(d)
    y = X @ w_true + noise * rng.standard_normal(n)
    w_star = V @ ((U.T @ y) / np.sqrt(n * lam))
    return LinearRegression(X, y, w_true, w_star, (V * lam) @ V.T)


class SparseLogistic(NamedTuple):
    """Binary features ``X (m, d)`` (0/1 floats), labels ``y`` in {0, 1}, ``w_true`` and each feature's
    probability of being 1, ``frequency (d,)``."""

    X: np.ndarray
    y: np.ndarray
    w_true: np.ndarray
    frequency: np.ndarray


def sparse_logistic(n, d, *, rng, exponent=1.0, max_frequency=0.5, weight_scale=2.0):
    r"""Logistic-regression data with rare features: feature :math:`j` is 1 with probability
    :math:`p_j = p_{max}\,(j + 1)^{-s}` (a power law, like word frequencies; ``exponent`` :math:`s`).

    Labels follow the model: :math:`y_i \sim \mathrm{Bernoulli}(\sigma(x_i^\top w_{true}))`,
    :math:`w_{true} \sim \mathcal N(0, \text{weight\_scale}^2 I)`. The rare features get few nonzero gradient
    entries: the setting Adagrad was designed for (Duchi, Hazan & Singer 2011).
    """
    n, d = _check_int("n", n), _check_int("d", d)
    _check_rng(rng)
    exponent = check_scalar("exponent", exponent)
    max_frequency = check_scalar("max_frequency", max_frequency, 0.0, 1.0, low_inclusive=False,
                                  high_inclusive=True)
    weight_scale = check_scalar("weight_scale", weight_scale)
    frequency = max_frequency * np.arange(1, d + 1, dtype=float) ** -exponent
    X = (rng.random((n, d)) < frequency).astype(float)
    w_true = weight_scale * rng.standard_normal(d)
    y = (rng.random(n) < _sigmoid(X @ w_true)).astype(float)
    return SparseLogistic(X, y, w_true, frequency)


class Digits(NamedTuple):
    """A split of scikit-learn's bundled digits: standardized features ``X_* (m, 64)`` and labels ``y_*`` in 0..9."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def load_digits(rng, n_train=1000, n_val=397):
    r"""The 1797 handwritten digits (8 × 8 pixels, 0–16) that ship inside scikit-learn, split at random into
    training, validation and test sets (the test set is the rest, 400 by default). Nothing is downloaded.

    The order is ``rng.permutation(1797)``: the first ``n_train`` images train, the next ``n_val`` validate.
    Features are standardized with the **training** split's mean :math:`\mu_j` and standard deviation
    :math:`\sigma_j` per pixel, :math:`x_j \mapsto (x_j - \mu_j)/\sigma_j`, and a pixel constant on the training
    split becomes 0 everywhere (so nothing of the validation or test sets leaks into the features).

    >>> d = load_digits(np.random.default_rng(0))
    >>> d.X_train.shape, d.X_val.shape, d.X_test.shape, sorted(set(d.y_test.tolist())) == list(range(10))
    ((1000, 64), (397, 64), (400, 64), True)
    """
    try:  # scikit-learn only when digits are asked for (it is not a dependency of optimlib)
        from sklearn.datasets import load_digits as _sklearn_digits
    except ImportError as err:
        raise ImportError("load_digits needs scikit-learn, which ships the digits: pip install scikit-learn") from err

    _check_rng(rng)
    n_train = _check_int("n_train", n_train)
    n_val = _check_int("n_val", n_val, low=0)
    bunch = _sklearn_digits()
    images, labels = bunch.data, bunch.target
    if n_train + n_val >= len(labels):
        raise ValueError(f"Invalid n_train + n_val: {n_train} + {n_val} (must leave test images: < {len(labels)})")
    order = rng.permutation(len(labels))
    train, val, test = order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]
    mean, std = images[train].mean(axis=0), images[train].std(axis=0)
    features = (images - mean) / np.where(std > 0, std, 1.0)
    return Digits(features[train], labels[train], features[val], labels[val], features[test], labels[test])


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # stable for any z, no overflow


def _subset(X, y, idx):
    return (X, y) if idx is None else (X[idx], y[idx])


def least_squares_loss(w, X, y, idx=None):
    r""":math:`\frac{1}{2m}\lVert Xw - y\rVert^2` over the examples ``idx`` (all by default); ``w`` is ``(d,)`` or a
    batch ``(..., d)``."""
    X, y = _subset(X, y, idx)
    r = w @ X.T - y
    return 0.5 * (r * r).mean(-1)


def least_squares_grad(w, X, y, idx=None):
    r""":math:`\frac1m X^\top(Xw - y)` over the examples ``idx``, shape of ``w``."""
    X, y = _subset(X, y, idx)
    return (w @ X.T - y) @ X / len(y)


def logistic_loss(w, X, y, idx=None):
    r""":math:`\frac1m\sum_i \log(1 + e^{z_i}) - y_i z_i`, :math:`z = Xw` (cross-entropy with labels in {0, 1})."""
    X, y = _subset(X, y, idx)
    z = w @ X.T
    return (np.logaddexp(0.0, z) - y * z).mean(-1)


def logistic_grad(w, X, y, idx=None):
    r""":math:`\frac1m X^\top(\sigma(Xw) - y)` over the examples ``idx``."""
    X, y = _subset(X, y, idx)
    return (_sigmoid(w @ X.T) - y) @ X / len(y)


def minibatches(n, batch_size, rng, *, drop_last=False):
    """Yield index arrays covering one shuffled epoch of ``n`` examples, ``batch_size`` at a time.

    Each index appears exactly once; the last batch is smaller unless ``drop_last`` drops it.
    """
    n, batch_size = _check_int("n", n), _check_int("batch_size", batch_size)
    _check_rng(rng)
    order = rng.permutation(n)
    stop = n - n % batch_size if drop_last else n
    return (order[start:start + batch_size] for start in range(0, stop, batch_size))


def sampled_grad(grad, n, batch_size, rng):
    """A ``grad_fn(x, step)`` for :func:`optimlib.run`: ``grad(x, idx)`` on successive mini-batches of shuffled
    epochs (a new permutation each epoch), e.g. ``grad = lambda w, idx: ol.least_squares_grad(w, X, y, idx)``.
    """
    n, batch_size = _check_int("n", n), _check_int("batch_size", batch_size)
    _check_rng(rng)
    batches = iter(())

    def grad_fn(x, step):
        nonlocal batches
        idx = next(batches, None)
        if idx is None:
            batches = minibatches(n, batch_size, rng)
            idx = next(batches)
        return grad(x, idx)

    return grad_fn
