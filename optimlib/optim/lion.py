r"""Lion: the sign of an interpolated momentum (Chen et al. 2023).

Lion keeps one buffer, an exponential average :math:`m` of the gradients. Each step moves every coordinate by
exactly the learning rate, in the direction of the sign of :math:`c_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t`, an
interpolation between the old average and the new gradient; the buffer itself is then updated with a slower
:math:`\beta_2`. Decoupled weight decay is added as in AdamW.
"""
from typing import Any, NamedTuple

import numpy as np

from .._validate import check_hyperparameter
from ..base import chain, per_leaf, scale_by_learning_rate
from .weight_decay import add_decayed_weights

__all__ = ["LionState", "scale_by_lion", "lion"]


class LionState(NamedTuple):
    """``m``: the exponential average of the gradients, :math:`m_t = \\beta_2 m_{t-1} + (1 - \\beta_2) g_t`."""

    m: Any


def scale_by_lion(b1=0.9, b2=0.99):
    r"""Lion's direction :math:`\mathrm{sign}(\beta_1 m_{t-1} + (1 - \beta_1) g_t)`, then
    :math:`m_t = \beta_2 m_{t-1} + (1 - \beta_2) g_t`. Every entry of the output is -1, 0 or +1."""
    b1 = check_hyperparameter("b1", b1, 0.0, 1.0, high_inclusive=True)
    b2 = check_hyperparameter("b2", b2, 0.0, 1.0, high_inclusive=True)

    def update(g, m):
        direction = np.sign(b1 * m + (1 - b1) * g)                           # the sign of the interpolation
        m = b2 * m + (1 - b2) * g                                             # then the average moves
        return direction, m

    return per_leaf(LionState, update, b1=b1, b2=b2)


def lion(learning_rate=1e-4, b1=0.9, b2=0.99, weight_decay=0.0):
    r"""Lion (EvoLved Sign Momentum), found by program search.

    .. math::
        \begin{aligned}
        &\textbf{input}: \eta \text{ (learning\_rate)},\ \beta_1, \beta_2 \text{ (b1, b2)},\
            \lambda \text{ (weight\_decay)}; \quad \textbf{initialize}: m_0 \leftarrow 0 \\
        &\textbf{for}\ t = 1, 2, \ldots: \\
        &\quad c_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        &\quad \theta_t \leftarrow \theta_{t-1} - \eta_t \bigl(\mathrm{sign}(c_t) + \lambda\theta_{t-1}\bigr) \\
        &\quad m_t \leftarrow \beta_2 m_{t-1} + (1 - \beta_2) g_t
        \end{aligned}

    Without decay every coordinate moves by exactly :math:`\eta_t` (or 0 where :math:`c_t = 0`): the size of the
    gradient sets only the sign.

    Args:
        learning_rate: :math:`\eta \ge 0`: a float, an array broadcasting against the params, or a schedule.
        b1: :math:`\beta_1 \in [0, 1]`, the weight of the old average in the direction.
        b2: :math:`\beta_2 \in [0, 1]`, the decay of the average itself.
        weight_decay: :math:`\lambda \ge 0`, decoupled, multiplied by the current learning rate.

    .. note::
        This is the authors' code (``google/automl``, ``lion_pytorch.py``) and the ``lion-pytorch`` package,
        ``Lion(lr, betas=(b1, b2), weight_decay)``: :math:`\theta \leftarrow \theta(1 - \eta\lambda)`, then the
        sign step. ``optax.lion`` is the same algorithm but its ``weight_decay`` defaults to ``1e-3``, here and in
        torch to 0. The decay per step is :math:`\eta\lambda`: with a learning rate 3-10 times smaller than
        AdamW's, the authors use a :math:`\lambda` 3-10 times larger to keep the product.
        ``torch.optim`` (2.13) has no Lion.

    Reference:
        Chen, Liang, Huang, Real, Wang, Pham, Dong, Luong, Hsieh, Lu & Le (2023), Symbolic discovery of
        optimization algorithms, NeurIPS, arXiv:2302.06675.

    Example:
        >>> import numpy as np
        >>> opt, p = lion(learning_rate=0.1), np.array([1.0, 1.0, 1.0])
        >>> updates, state = opt.update(np.array([300.0, -1e-6, 0.5]), opt.init(p), p)
        >>> print(updates)                          # the same step on every coordinate, whatever |g|
        [-0.1  0.1 -0.1]
    """
    return chain(scale_by_lion(b1, b2), add_decayed_weights(weight_decay), scale_by_learning_rate(learning_rate))
