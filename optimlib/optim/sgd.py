"""Stochastic gradient descent, with heavy-ball or Nesterov momentum."""
from typing import Any, NamedTuple

import numpy as np

from .._validate import check_hyperparameter
from ..base import apply_updates, chain, per_leaf, scale_by_learning_rate  # noqa: F401

__all__ = ["TraceState", "trace", "sgd", "heavy_ball"]


class TraceState(NamedTuple):
    """``b``: the momentum buffer :math:`b_t = \\mu b_{t-1} + g_t` (torch's ``momentum_buffer``)."""

    b: Any


def trace(momentum, nesterov=False):
    r"""Accumulate the updates: :math:`b_t = \mu b_{t-1} + g_t`, output :math:`b_t`, or :math:`g_t + \mu b_t`
    if ``nesterov``. ``momentum`` is :math:`\mu`, a float or an array in [0, 1) broadcasting against the params.
    """
    mu = check_hyperparameter("momentum", momentum, 0.0, 1.0)
    if not isinstance(nesterov, (bool, np.bool_)):
        raise ValueError(f"Invalid nesterov: {nesterov!r} (must be True or False)")
    if nesterov and np.any(np.asarray(mu) == 0):
        raise ValueError(f"Invalid momentum: {momentum!r} (nesterov=True requires momentum > 0)")

    def update(g, b):
        b = mu * b + g
        return (g + mu * b if nesterov else b), b

    return per_leaf(TraceState, update, momentum=mu)


def sgd(learning_rate, momentum=0.0, nesterov=False):
    r"""Stochastic gradient descent, optionally with heavy-ball or Nesterov momentum.

    .. math::
        \begin{aligned}
        &\textbf{input}: \eta \text{ (learning\_rate)},\ \mu \text{ (momentum)},\ \text{nesterov};
            \quad \textbf{initialize}: b_0 \leftarrow 0 \\
        &\textbf{for}\ t = 1, 2, \ldots: \\
        &\quad b_t \leftarrow \mu b_{t-1} + g_t \\
        &\quad d_t \leftarrow g_t + \mu b_t \ \text{if nesterov, else}\ b_t \\
        &\quad \theta_t \leftarrow \theta_{t-1} - \eta_t d_t
        \end{aligned}

    With ``momentum=0`` this is plain gradient descent, :math:`\theta_t = \theta_{t-1} - \eta_t g_t`.

    Args:
        learning_rate: :math:`\eta \ge 0`: a float, an array broadcasting against the params, or a schedule.
        momentum: :math:`\mu \in [0, 1)`: a float or an array broadcasting against the params.
        nesterov: use Nesterov's accelerated gradient (requires ``momentum > 0``).

    .. note::
        This is ``torch.optim.SGD(lr, momentum, nesterov=nesterov)`` exactly (dampening 0; :math:`b_1 = g_1`).
        The textbook heavy ball (Polyak 1964) keeps a velocity, :math:`v_t = \mu v_{t-1} - \eta g_t`,
        :math:`\theta_t = \theta_{t-1} + v_t`; with a constant rate :math:`v_t = -\eta b_t` and the iterates are
        identical, but once :math:`\eta` changes (a schedule) the velocity form keeps old rates in :math:`v` while
        this form applies the new rate to the whole buffer: :func:`heavy_ball` gives the velocity form.
        With ``nesterov=True`` the stored parameters are the look-ahead point :math:`\theta + \mu v` of
        Sutskever et al. (2013), :math:`v_t = \mu v_{t-1} - \eta g(\theta_{t-1} + \mu v_{t-1})`,
        :math:`\theta_t = \theta_{t-1} + v_t` (the change of variables of Bengio et al. 2013): the gradient
        is taken at the stored point. In this convention the look-ahead has a plus sign; Ruder's minus sign
        belongs to his :math:`\theta \leftarrow \theta - v` convention.

    References:
        Polyak (1964), Some methods of speeding up the convergence of iteration methods, USSR Comput. Math.
        Math. Phys. 4(5). Nesterov (1983), Soviet Math. Dokl. 27. Sutskever, Martens, Dahl & Hinton (2013),
        On the importance of initialization and momentum in deep learning, ICML. Bengio, Boulanger-Lewandowski
        & Pascanu (2013), Advances in optimizing recurrent networks, ICASSP, arXiv:1212.0901.

    Example:
        >>> import numpy as np
        >>> opt = sgd(learning_rate=0.1, momentum=0.9)
        >>> params = np.array([1.0, -2.0])
        >>> state = opt.init(params)
        >>> for _ in range(2):                      # f(x) = |x|^2 / 2, gradient x
        ...     updates, state = opt.update(params, state, params)
        ...     params = apply_updates(params, updates)
        >>> print(params.round(4))                  # x_2 = (1 + mu - eta) x_1 - mu x_0, x_1 = 0.9 x_0
        [ 0.72 -1.44]
    """
    momentum = check_hyperparameter("momentum", momentum, 0.0, 1.0)
    if not nesterov and np.ndim(momentum) == 0 and momentum == 0.0:
        return chain(scale_by_learning_rate(learning_rate))
    return chain(trace(momentum, nesterov), scale_by_learning_rate(learning_rate))


def heavy_ball(learning_rate, momentum=0.9, nesterov=False):
    r"""Momentum in the velocity form of Polyak's heavy ball.

    .. math::
        v_t \leftarrow \mu v_{t-1} - \eta_t g_t, \qquad \theta_t \leftarrow \theta_{t-1} + v_t
        \qquad (\text{nesterov: } \theta_t \leftarrow \theta_{t-1} + \mu v_t - \eta_t g_t)

    The chain of :func:`sgd` in the other order: scale by :math:`-\eta_t` first, then accumulate, so the buffer
    holds the velocity :math:`v` (``state[1].b``) and the minus sign still lives in
    :func:`~optimlib.scale_by_learning_rate`.

    Args:
        learning_rate: :math:`\eta \ge 0`: a float, an array broadcasting against the params, or a schedule.
        momentum: :math:`\mu \in [0, 1)`.
        nesterov: the look-ahead form (requires ``momentum > 0``).

    .. note::
        With a constant rate this equals :func:`sgd` and ``torch.optim.SGD`` step for step (:math:`v_t =
        -\eta b_t`). Under a schedule each past gradient keeps the rate it was taken with, as in the velocity form
        of Sutskever et al. (2013); ``torch.optim.SGD`` and Optax's ``sgd`` apply the current rate to the whole
        buffer instead.

    References:
        Polyak (1964), USSR Comput. Math. Math. Phys. 4(5); Sutskever, Martens, Dahl & Hinton (2013), ICML.

    Example:
        >>> opt, p = heavy_ball(0.1, momentum=0.9), np.array([1.0])
        >>> s = opt.init(p)
        >>> u, s = opt.update(p, s, p)
        >>> print(s[1].b)                           # the velocity v_1 = -eta g_1
        [-0.1]
    """
    return chain(scale_by_learning_rate(learning_rate), trace(momentum, nesterov))
