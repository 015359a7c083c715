"""Adam and AMSGrad: moment estimates, bias correction, and a second moment that never decreases.

Weight decay, as L2 regularization (:func:`~optimlib.adam_l2`) or decoupled (:func:`~optimlib.adamw`), is in
:mod:`optimlib.optim.weight_decay`.
"""
from typing import Any, NamedTuple

import numpy as np

from .._validate import check_hyperparameter
from ..base import chain, per_leaf, scale_by_learning_rate

__all__ = ["AdamState", "AMSGradState", "scale_by_adam", "scale_by_amsgrad", "adam", "amsgrad"]


class AdamState(NamedTuple):
    """``count``: :math:`t`, steps made; ``m``, ``v``: the first and second moment estimates (not bias-corrected)."""

    count: int
    m: Any
    v: Any


class AMSGradState(NamedTuple):
    """As :class:`AdamState`, plus ``v_max``: :math:`\\hat v_t = \\max(\\hat v_{t-1}, v_t)`."""

    count: int
    m: Any
    v: Any
    v_max: Any


def _moments(b1, b2, eps):
    return (check_hyperparameter("b1", b1, 0.0, 1.0), check_hyperparameter("b2", b2, 0.0, 1.0),
            check_hyperparameter("eps", eps))


def scale_by_adam(b1=0.9, b2=0.999, eps=1e-8, bias_correction=True):
    r"""Adam's direction :math:`\hat m_t / (\sqrt{\hat v_t} + \epsilon)`, with :math:`\hat m_t = m_t / (1 - \beta_1^t)`,
    :math:`\hat v_t = v_t / (1 - \beta_2^t)`; ``bias_correction=False`` uses :math:`m_t, v_t` themselves (then the
    first step is :math:`\alpha(1-\beta_1)/\sqrt{1-\beta_2}`, about :math:`3.16\alpha` at the defaults)."""
    b1, b2, eps = _moments(b1, b2, eps)

    def update(t, g, m, v):
        if np.size(g) >= _LARGE:
            return _adam_large(t, g, m, v, b1, b2, eps, bias_correction)
        m = b1 * m + (1 - b1) * g                                              # first moment
        v = b2 * v + (1 - b2) * g * g                                          # second moment
        c1, c2 = (1 - b1**t, 1 - b2**t) if bias_correction else (1.0, 1.0)    # bias corrections
        return (m / c1) / (np.sqrt(v / c2) + eps), m, v

    return per_leaf(AdamState, update, b1=b1, b2=b2, eps=eps)


_LARGE = 1 << 16  # leaves this big take the allocation-light path (make bench: 10M parameters)


def _adam_large(t, g, m, v, b1, b2, eps, bias_correction):
    """The equations of :func:`scale_by_adam`'s ``update``, in the same order of operations (so bit for bit the same
    numbers), with four new arrays instead of about ten: on large leaves allocating (and page-faulting) temporaries
    costs more than the arithmetic. Tested equal to the readable form (``tests/optim/test_optimizers.py``)."""
    c1, c2 = (1 - b1**t, 1 - b2**t) if bias_correction else (1.0, 1.0)
    u = np.multiply(g, 1 - b1)
    m = b1 * m
    m += u                                      # m = b1 m + (1 - b1) g
    np.multiply(g, 1 - b2, out=u)
    u *= g
    v = b2 * v
    v += u                                      # v = b2 v + (1 - b2) g^2
    np.divide(v, c2, out=u)
    np.sqrt(u, out=u)
    u += eps                                    # sqrt(v / c2) + eps
    return np.divide(np.divide(m, c1), u, out=u), m, v


def scale_by_amsgrad(b1=0.9, b2=0.999, eps=1e-8):
    r"""AMSGrad's direction as torch computes it: :func:`scale_by_adam` with :math:`v_t` replaced by the running
    maximum :math:`\hat v_t = \max(\hat v_{t-1}, v_t)` before the bias correction."""
    b1, b2, eps = _moments(b1, b2, eps)

    def update(t, g, m, v, v_max):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        v_max = np.maximum(v_max, v)                                           # never decreases
        return (m / (1 - b1**t)) / (np.sqrt(v_max / (1 - b2**t)) + eps), m, v, v_max

    return per_leaf(AMSGradState, update, b1=b1, b2=b2, eps=eps)


def adam(learning_rate=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    r"""Adam: momentum on the gradient, RMSProp-style scaling, and bias correction.

    .. math::
        \begin{aligned}
        &\textbf{input}: \alpha \text{ (learning\_rate)},\ \beta_1, \beta_2 \text{ (b1, b2)},\ \epsilon \text{ (eps)};
            \quad \textbf{initialize}: m_0 \leftarrow 0,\ v_0 \leftarrow 0 \\
        &\textbf{for}\ t = 1, 2, \ldots: \\
        &\quad m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        &\quad v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        &\quad \hat m_t \leftarrow m_t / (1 - \beta_1^t), \quad \hat v_t \leftarrow v_t / (1 - \beta_2^t) \\
        &\quad \theta_t \leftarrow \theta_{t-1} - \alpha_t\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)
        \end{aligned}

    Args:
        learning_rate: :math:`\alpha \ge 0`: a float, an array broadcasting against the params, or a schedule.
        b1: :math:`\beta_1 \in [0, 1)`, decay of the first moment.
        b2: :math:`\beta_2 \in [0, 1)`, decay of the second moment.
        eps: :math:`\epsilon \ge 0`, added to :math:`\sqrt{\hat v_t}` (outside the root).

    .. note::
        This is ``torch.optim.Adam(lr, betas=(b1, b2), eps=eps)``, Optax's ``adam`` and Algorithm 1 of Kingma & Ba
        exactly. Without bias correction, ``chain(scale_by_adam(bias_correction=False), scale_by_learning_rate(lr))``,
        the first step is :math:`\alpha(1-\beta_1)/\sqrt{1-\beta_2}`, about :math:`3.16\alpha` at the defaults.
        With :math:`\epsilon = 0` Adam is invariant to scaling the gradients. The paper's convergence proof is
        flawed (Reddi et al. 2018, :func:`amsgrad`).

    References:
        Kingma & Ba (2015), Adam: a method for stochastic optimization, ICLR, arXiv:1412.6980.

    Example:
        >>> import numpy as np
        >>> opt, p = adam(learning_rate=0.1, eps=0.0), np.array([1.0, 1.0])
        >>> updates, state = opt.update(np.array([3.0, -1e-6]), opt.init(p), p)
        >>> print(updates)                          # the first step is alpha * sign(g), whatever |g|
        [-0.1  0.1]
    """
    return chain(scale_by_adam(b1, b2, eps), scale_by_learning_rate(learning_rate))


def amsgrad(learning_rate=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    r"""AMSGrad: :func:`adam` with a non-decreasing second moment, :math:`\hat v_t \leftarrow
    \max(\hat v_{t-1}, v_t)/(1 - \beta_2^t)` in place of :math:`v_t/(1 - \beta_2^t)`. Arguments as in :func:`adam`.

    .. note::
        This is ``torch.optim.Adam(..., amsgrad=True)``: the maximum of the raw :math:`v_t`, then bias
        correction. Reddi et al.'s Algorithm 2 has no bias correction and a decaying :math:`\alpha_t=\alpha/\sqrt t`.

    References:
        Reddi, Kale & Kumar (2018), On the convergence of Adam and beyond, ICLR, arXiv:1904.09237.

    Example:
        >>> import numpy as np
        >>> opt, p = amsgrad(learning_rate=0.1, eps=0.0), np.array([0.0])
        >>> state = opt.init(p)
        >>> for g in (10.0, 0.0):
        ...     updates, state = opt.update(np.array([g]), state, p)
        >>> print(state[0].v, state[0].v_max)       # v decays, its running maximum does not
        [0.0999] [0.1]
    """
    return chain(scale_by_amsgrad(b1, b2, eps), scale_by_learning_rate(learning_rate))
