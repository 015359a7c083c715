r"""Weight decay two ways: L2 regularization added to the gradient, or decay decoupled from the step (AdamW).

Both add :math:`\lambda\theta` with the same transform; only its place in the chain differs. Before a
preconditioner (:func:`add_l2`, :func:`adam_l2`) the decay is rescaled with the gradient; after it
(:func:`add_decayed_weights`, :func:`adamw`) every weight decays at the rate :math:`\eta_t\lambda`. For SGD the two
coincide with :math:`\lambda = \alpha\lambda'`; for Adam they do not (Loshchilov & Hutter 2019, Props. 1 and 2).
"""
from .._validate import check_hyperparameter, check_shapes
from ..base import apply_updates, chain, scale_by_learning_rate, stateless, tree_map  # noqa: F401
from .adam import scale_by_adam

__all__ = ["add_decayed_weights", "add_l2", "adamw", "adam_l2"]


def add_decayed_weights(weight_decay=1e-2):
    r"""Add :math:`\lambda\theta` to the updates (needs ``params``). Placed after the preconditioner it is
    decoupled weight decay (AdamW); placed first it is L2 regularization (:func:`add_l2`)."""
    wd = check_hyperparameter("weight_decay", weight_decay)

    def update(updates, state, params=None):
        if params is None:
            raise ValueError("Invalid params: None (weight decay needs the params: update(grads, state, params))")
        check_shapes(updates, params)
        return tree_map(lambda u, p: u + wd * p, updates, params), state

    return stateless(update, weight_decay=wd)


def add_l2(weight_decay=1e-2):
    r"""L2 regularization: add the gradient :math:`\lambda'\theta` of :math:`\tfrac{\lambda'}{2}\|\theta\|^2` to the
    gradient. The same arithmetic as :func:`add_decayed_weights`; the name says it goes first in a chain."""
    return add_decayed_weights(weight_decay)


def adamw(learning_rate=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=1e-2):
    r"""AdamW: Adam with weight decay decoupled from the adaptive step.

    The algorithm of :func:`~optimlib.adam` with :math:`\lambda` (``weight_decay``), its last line becoming

    .. math::
        \theta_t \leftarrow \theta_{t-1} - \alpha_t \bigl(\hat m_t / (\sqrt{\hat v_t} + \epsilon)
            + \lambda \theta_{t-1}\bigr)

    Args:
        learning_rate, b1, b2, eps: as in :func:`~optimlib.adam`.
        weight_decay: :math:`\lambda \ge 0`, multiplied by the current learning rate.

    .. note::
        This is ``torch.optim.AdamW(lr, betas, eps, weight_decay)`` exactly: :math:`\theta \leftarrow
        \theta(1 - \alpha_t\lambda)`, then the Adam step. Loshchilov & Hutter write :math:`\theta_t = \theta_{t-1}
        - \eta_t(\alpha\hat m_t/(\sqrt{\hat v_t}+\epsilon) + \lambda_{\rm paper}\theta_{t-1})` with :math:`\eta_t`
        a schedule multiplier, so torch's (and our) ``weight_decay`` is :math:`\lambda_{\rm paper}/\alpha`. Unlike
        :func:`adam_l2`, the decay is not divided by :math:`\sqrt{\hat v_t}`.

    References:
        Loshchilov & Hutter (2019), Decoupled weight decay regularization, ICLR, arXiv:1711.05101.

    Example:
        >>> import numpy as np
        >>> opt, p = adamw(learning_rate=0.1, weight_decay=0.5), np.array([2.0])
        >>> state = opt.init(p)
        >>> for _ in range(3):                      # zero loss gradient: p_t = (1 - 0.05)^t p_0
        ...     updates, state = opt.update(np.zeros(1), state, p)
        ...     p = apply_updates(p, updates)
        >>> print(p.round(6))
        [1.71475]
    """
    return chain(scale_by_adam(b1, b2, eps), add_decayed_weights(weight_decay), scale_by_learning_rate(learning_rate))


def adam_l2(learning_rate=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=1e-2):
    r"""Adam with L2 regularization: :math:`g_t \leftarrow \nabla f(\theta_{t-1}) + \lambda'\theta_{t-1}`, then
    :func:`~optimlib.adam`. ``weight_decay`` is :math:`\lambda' \ge 0`; the other arguments are as in :func:`~optimlib.adam`.

    .. note::
        This is ``torch.optim.Adam(lr, betas, eps, weight_decay)``, what libraries long called weight decay.
        For SGD, L2 with :math:`\lambda'` equals decoupled decay with :math:`\lambda = \alpha\lambda'`; for Adam
        it does not: the decay term is divided by :math:`\sqrt{\hat v_t}`, so weights with large past gradients
        are regularized less (Loshchilov & Hutter 2019, Prop. 2). With zero loss gradient and :math:`\epsilon=0`
        the first step is :math:`\alpha\,\mathrm{sign}(\theta_0)` whatever :math:`\lambda'`.

    References:
        Loshchilov & Hutter (2019), Decoupled weight decay regularization, ICLR, arXiv:1711.05101.

    Example:
        >>> import numpy as np
        >>> opt, p = adam_l2(learning_rate=0.1, eps=0.0, weight_decay=1e-4), np.array([2.0, -3.0])
        >>> updates, state = opt.update(np.zeros(2), opt.init(p), p)
        >>> print(updates)
        [-0.1  0.1]
    """
    return chain(add_l2(weight_decay), scale_by_adam(b1, b2, eps), scale_by_learning_rate(learning_rate))
