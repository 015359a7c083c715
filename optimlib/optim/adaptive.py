"""Per-coordinate step sizes from past squared gradients: Adagrad, Adadelta, RMSProp."""
from typing import Any, NamedTuple

import numpy as np

from .._validate import check_hyperparameter
from ..base import chain, per_leaf, scale_by_learning_rate

__all__ = ["AdagradState", "AdadeltaState", "RMSPropState", "CenteredRMSPropState", "scale_by_adagrad",
           "scale_by_adadelta", "scale_by_rmsprop", "adagrad", "adadelta", "rmsprop"]


class AdagradState(NamedTuple):
    """``G``: the running sum of squared gradients, :math:`G_t = G_0 + \\sum_{s \\le t} g_s^2`."""

    G: Any


class AdadeltaState(NamedTuple):
    """``Eg2``: :math:`E[g^2]_t`; ``Edx2``: :math:`E[\\Delta x^2]_t` (of the unscaled update)."""

    Eg2: Any
    Edx2: Any


class RMSPropState(NamedTuple):
    """``Eg2``: the moving average of squared gradients :math:`E[g^2]_t`."""

    Eg2: Any


class CenteredRMSPropState(NamedTuple):
    """``Eg``: the moving average of the gradients :math:`E[g]_t`; ``Eg2``: of their squares :math:`E[g^2]_t`."""

    Eg: Any
    Eg2: Any


def scale_by_adagrad(eps=1e-10, initial_accumulator_value=0.0):
    r""":math:`G_t = G_{t-1} + g_t^2`, output :math:`g_t / (\sqrt{G_t} + \epsilon)`, :math:`G_0` = the initial value."""
    eps = check_hyperparameter("eps", eps)
    g0 = check_hyperparameter("initial_accumulator_value", initial_accumulator_value)

    def update(g, G):
        G = G + g * g
        return g / (np.sqrt(G) + eps), G

    return per_leaf(AdagradState, update, initial={"G": g0}, initial_accumulator_value=g0, eps=eps)


def adagrad(learning_rate, eps=1e-10, initial_accumulator_value=0.0):
    r"""Adagrad: each coordinate's rate shrinks with the sum of its squared gradients.

    .. math::
        \begin{aligned}
        &\textbf{input}: \eta \text{ (learning\_rate)},\ \delta \text{ (eps)};
            \quad \textbf{initialize}: G_0 \leftarrow \text{initial\_accumulator\_value} \\
        &\textbf{for}\ t = 1, 2, \ldots: \\
        &\quad G_t \leftarrow G_{t-1} + g_t^2 \\
        &\quad \theta_t \leftarrow \theta_{t-1} - \eta_t\, g_t / (\delta + \sqrt{G_t})
        \end{aligned}

    Args:
        learning_rate: :math:`\eta \ge 0` (torch's default is 0.01): a float, an array or a schedule.
        eps: :math:`\delta \ge 0`, added outside the square root.
        initial_accumulator_value: :math:`G_0 \ge 0`.

    .. note::
        This is ``torch.optim.Adagrad(lr, eps=eps, initial_accumulator_value=...)`` exactly (``lr_decay=0``) and
        Duchi et al.'s diagonal algorithm with :math:`\delta` outside the root. Optax's ``adagrad`` puts eps
        *inside* the root and starts :math:`G_0 = 0.1`. The rate of a coordinate never increases; under a
        constant gradient with :math:`\delta = 0` the :math:`t`-th step is :math:`\eta\,\mathrm{sign}(g)/\sqrt t`.

    References:
        Duchi, Hazan & Singer (2011), Adaptive subgradient methods for online learning and stochastic
        optimization, JMLR 12.

    Example:
        >>> import numpy as np
        >>> opt, p = adagrad(learning_rate=1.0, eps=0.0), np.array([0.0, 0.0])
        >>> state = opt.init(p)
        >>> steps = []
        >>> for _ in range(4):                      # constant gradient: steps 1, 1/sqrt 2, 1/sqrt 3, 1/2
        ...     updates, state = opt.update(np.array([5.0, -0.1]), state, p)
        ...     steps.append(updates[0])
        >>> print(np.round(steps, 4))
        [-1.     -0.7071 -0.5774 -0.5   ]
    """
    return chain(scale_by_adagrad(eps, initial_accumulator_value), scale_by_learning_rate(learning_rate))


def scale_by_adadelta(rho=0.9, eps=1e-6):
    r"""Zeiler's step :math:`\Delta x_t = \frac{\sqrt{E[\Delta x^2]_{t-1} + \epsilon}}{\sqrt{E[g^2]_t + \epsilon}} g_t`
    (sign not flipped), with both averages decaying at :math:`\rho`."""
    rho = check_hyperparameter("rho", rho, 0.0, 1.0)
    eps = check_hyperparameter("eps", eps)

    def update(g, Eg2, Edx2):
        Eg2 = rho * Eg2 + (1 - rho) * g * g
        dx = np.sqrt(Edx2 + eps) / np.sqrt(Eg2 + eps) * g
        Edx2 = rho * Edx2 + (1 - rho) * dx * dx
        return dx, Eg2, Edx2

    return per_leaf(AdadeltaState, update, rho=rho, eps=eps)


def adadelta(learning_rate=1.0, rho=0.9, eps=1e-6):
    r"""Adadelta: the step's numerator is the RMS of past updates, so no learning rate is needed.

    .. math::
        \begin{aligned}
        &\textbf{input}: \eta \text{ (learning\_rate)},\ \rho,\ \epsilon;
            \quad \textbf{initialize}: E[g^2]_0 \leftarrow 0,\ E[\Delta x^2]_0 \leftarrow 0 \\
        &\textbf{for}\ t = 1, 2, \ldots: \\
        &\quad E[g^2]_t \leftarrow \rho E[g^2]_{t-1} + (1 - \rho) g_t^2 \\
        &\quad \Delta x_t \leftarrow \frac{\sqrt{E[\Delta x^2]_{t-1} + \epsilon}}{\sqrt{E[g^2]_t + \epsilon}}\, g_t \\
        &\quad E[\Delta x^2]_t \leftarrow \rho E[\Delta x^2]_{t-1} + (1 - \rho) \Delta x_t^2 \\
        &\quad \theta_t \leftarrow \theta_{t-1} - \eta_t \Delta x_t
        \end{aligned}

    Args:
        learning_rate: :math:`\eta \ge 0`; the default 1.0 is Zeiler's algorithm exactly.
        rho: :math:`\rho \in [0, 1)`, decay of both averages (memory about :math:`1/(1-\rho)` steps).
        eps: :math:`\epsilon \ge 0`, inside both square roots.

    .. note::
        This is ``torch.optim.Adadelta(lr, rho, eps)`` exactly: the average of squared updates stores the
        unscaled :math:`\Delta x`, so :math:`\eta \ne 1` only rescales the steps. Zeiler (2012) used
        :math:`\rho = 0.95`, :math:`\epsilon = 10^{-6}`; torch's default and ours are :math:`\rho = 0.9`.
        The first step is :math:`\sqrt{\epsilon}\, g / \sqrt{(1-\rho) g^2 + \epsilon}`, about
        :math:`\sqrt{\epsilon / (1 - \rho)}` in size.

    References:
        Zeiler (2012), ADADELTA: an adaptive learning rate method, arXiv:1212.5701.

    Example:
        >>> import numpy as np
        >>> opt, p = adadelta(), np.array([0.0])
        >>> updates, state = opt.update(np.array([3.0]), opt.init(p), p)
        >>> print(updates.round(7))
        [-0.0031623]
    """
    return chain(scale_by_adadelta(rho, eps), scale_by_learning_rate(learning_rate))


def scale_by_rmsprop(decay=0.99, eps=1e-8, centered=False):
    r""":math:`E[g^2]_t = \gamma E[g^2]_{t-1} + (1-\gamma) g_t^2`, output :math:`g_t / (\sqrt{E[g^2]_t} + \epsilon)`;
    ``centered``: also :math:`E[g]_t = \gamma E[g]_{t-1} + (1-\gamma) g_t`, output
    :math:`g_t / (\sqrt{E[g^2]_t - E[g]_t^2} + \epsilon)`."""
    decay = check_hyperparameter("decay", decay, 0.0, 1.0)
    eps = check_hyperparameter("eps", eps)
    if not isinstance(centered, (bool, np.bool_)):
        raise ValueError(f"Invalid centered: {centered!r} (must be True or False)")

    def update(g, Eg2):
        Eg2 = decay * Eg2 + (1 - decay) * g * g
        return g / (np.sqrt(Eg2) + eps), Eg2

    def update_centered(g, Eg, Eg2):
        Eg = decay * Eg + (1 - decay) * g
        Eg2 = decay * Eg2 + (1 - decay) * g * g
        return g / (np.sqrt(Eg2 - Eg * Eg) + eps), Eg, Eg2

    if centered:
        return per_leaf(CenteredRMSPropState, update_centered, decay=decay, eps=eps)
    return per_leaf(RMSPropState, update, decay=decay, eps=eps)


def rmsprop(learning_rate, decay=0.99, eps=1e-8, centered=False):
    r"""RMSProp: divide the gradient by the root of a moving average of its square.

    .. math::
        \begin{aligned}
        &\textbf{input}: \eta \text{ (learning\_rate)},\ \gamma \text{ (decay)},\ \epsilon;
            \quad \textbf{initialize}: E[g^2]_0 \leftarrow 0 \\
        &\textbf{for}\ t = 1, 2, \ldots: \\
        &\quad E[g^2]_t \leftarrow \gamma E[g^2]_{t-1} + (1 - \gamma) g_t^2 \\
        &\quad \textbf{if}\ \text{centered}:\ E[g]_t \leftarrow \gamma E[g]_{t-1} + (1 - \gamma) g_t,
            \quad s_t \leftarrow E[g^2]_t - E[g]_t^2 \quad \textbf{else}\ s_t \leftarrow E[g^2]_t \\
        &\quad \theta_t \leftarrow \theta_{t-1} - \eta_t\, g_t / (\sqrt{s_t} + \epsilon)
        \end{aligned}

    Args:
        learning_rate: :math:`\eta \ge 0`: a float, an array or a schedule.
        decay: :math:`\gamma \in [0, 1)`, torch's ``alpha``.
        eps: :math:`\epsilon \ge 0`, added outside the square root.
        centered: divide by an estimate of the gradient's standard deviation, :math:`\sqrt{E[g^2] - E[g]^2}`,
            instead of its root mean square (Graves 2013).

    .. note::
        This is ``torch.optim.RMSprop(lr, alpha=decay, eps=eps, centered=centered)`` exactly (no momentum), with
        torch's default decay 0.99; Hinton's slide used 0.9. The slide has no eps; Ruder (2016) writes it inside
        the root, torch and we outside. There is no bias correction: the first step is
        :math:`\eta/\sqrt{1-\gamma}` in size when :math:`\epsilon = 0` (:math:`10\eta` at 0.99), and
        :math:`\eta/\sqrt{\gamma(1-\gamma)}` centered. Graves's version adds momentum to the centered step.

    References:
        Tieleman & Hinton (2012), Lecture 6.5, rmsprop, Coursera: Neural Networks for Machine Learning.
        Graves (2013), Generating sequences with recurrent neural networks, arXiv:1308.0850, eqs. (38)-(41).

    Example:
        >>> import numpy as np
        >>> opt, p = rmsprop(learning_rate=0.01, decay=0.99, eps=0.0), np.array([0.0, 0.0])
        >>> updates, state = opt.update(np.array([2.0, -1e-3]), opt.init(p), p)
        >>> print(updates.round(6))
        [-0.1  0.1]
    """
    return chain(scale_by_rmsprop(decay, eps, centered), scale_by_learning_rate(learning_rate))
