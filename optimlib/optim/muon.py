r"""Muon: momentum, orthogonalized by a Newton-Schulz iteration, for matrix-shaped parameters.

For a weight matrix :math:`W` the steepest-descent step of size :math:`\eta` under the spectral norm is
:math:`-\eta\, U V^\top`, where :math:`G = U \Sigma V^\top` is the (reduced) SVD of the gradient: every singular
value of the step is the same. Muon applies this to a momentum average of the gradients, and replaces the SVD
by a few steps of an odd matrix polynomial, :math:`X \leftarrow aX + b(XX^\top)X + c(XX^\top)^2X`, which pushes
every singular value of the Frobenius-normalized input towards 1 using matrix products only.
"""
import math
from numbers import Integral
from typing import Any, NamedTuple

import numpy as np

from .._validate import check_hyperparameter
from ..base import GradientTransformation, chain, per_leaf, scale_by_learning_rate, tree_map
from .weight_decay import add_decayed_weights

__all__ = ["NS_COEFFICIENTS", "MuonState", "orthogonalize", "muon_scale", "scale_by_muon", "muon"]

NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)
"""The quintic's coefficients :math:`(a, b, c)` of Jordan et al. (2024), torch's and Optax's defaults."""

ADJUST_LR_FNS = (None, "original", "match_rms_adamw")


class MuonState(NamedTuple):
    """``B``: the momentum buffer, an exponential average :math:`B_t = \\mu B_{t-1} + (1 - \\mu) g_t`."""

    B: Any


def _check_coefficients(ns_coefficients):
    values = tuple(ns_coefficients) if isinstance(ns_coefficients, (tuple, list)) else ()
    if len(values) != 3 or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in values):
        raise ValueError(f"Invalid ns_coefficients: {ns_coefficients!r} (must be three finite numbers (a, b, c))")
    return tuple(float(v) for v in values)


def _check_steps(ns_steps):
    if isinstance(ns_steps, bool) or not isinstance(ns_steps, Integral) or not 0 <= ns_steps < 100:
        raise ValueError(f"Invalid ns_steps: {ns_steps!r} (must be an integer in [0, 100))")
    return int(ns_steps)


def orthogonalize(G, ns_coefficients=NS_COEFFICIENTS, ns_steps=5, eps=1e-7):
    r"""Newton-Schulz orthogonalization of a matrix ``G`` ``(A, B)``, in ``G``'s own precision.

    :math:`X_0 = G/\max(\|G\|_F, \epsilon)` (transposed first if :math:`A > B`, so :math:`XX^\top` is the smaller
    Gram matrix), then ``ns_steps`` times :math:`X \leftarrow aX + (bM + cM^2)X` with :math:`M = XX^\top`. Each step
    maps every singular value :math:`s` of :math:`X` to :math:`p(s) = as + bs^3 + cs^5` and keeps the singular
    vectors, so the result is :math:`U\,p^{(k)}(\Sigma/\|G\|_F)\,V^\top`. With the default coefficients the
    singular values end near 1 but not at 1 (about 0.7 to 1.2), by design: :math:`p'(0) = a` is made large so
    that small singular values grow fast.

    This is ``torch.optim``'s ``_zeropower_via_newtonschulz`` in float64 instead of bfloat16.
    """
    G = np.asarray(G)
    if G.ndim != 2:
        raise ValueError(f"Invalid G: shape {G.shape} (must be a 2-D matrix)")
    a, b, c = _check_coefficients(ns_coefficients)
    ns_steps = _check_steps(ns_steps)
    eps = check_hyperparameter("eps", eps)
    tall = G.shape[0] > G.shape[1]
    X = G.T if tall else G
    X = X / max(float(np.linalg.norm(X)), eps)
    for _ in range(ns_steps):
        M = X @ X.T
        X = a * X + (b * M + c * (M @ M)) @ X
    return X.T if tall else X


def muon_scale(shape, adjust_lr_fn=None):
    r"""The factor Muon multiplies its orthogonalized update by, for a parameter of shape :math:`(A, B)`:
    :math:`\sqrt{\max(1, A/B)}` for ``None`` or ``'original'`` (Jordan et al.), :math:`0.2\sqrt{\max(A, B)}` for
    ``'match_rms_adamw'`` (Liu et al. 2025: an orthogonal :math:`A\times B` matrix has RMS
    :math:`1/\sqrt{\max(A, B)}`, so the update gets AdamW's typical RMS, 0.2)."""
    if adjust_lr_fn not in ADJUST_LR_FNS:
        raise ValueError(f"Invalid adjust_lr_fn: {adjust_lr_fn!r} (must be one of {ADJUST_LR_FNS})")
    A, B = shape
    if adjust_lr_fn == "match_rms_adamw":
        return 0.2 * math.sqrt(max(A, B))
    return math.sqrt(max(1.0, A / B))


def _check_matrix(p, name="params"):
    if np.ndim(p) != 2:
        raise ValueError(f"Invalid {name}: shape {np.shape(p)} (muon only supports 2-D parameters; optimize "
                         f"vectors and scalars with another optimizer, e.g. ol.partition({{'muon': ol.muon(...), "
                         f"'adamw': ol.adamw(...)}}, labels))")


def scale_by_muon(momentum=0.95, nesterov=True, ns_coefficients=NS_COEFFICIENTS, ns_steps=5, eps=1e-7,
                  adjust_lr_fn=None):
    r"""Muon's direction: :math:`B_t = \mu B_{t-1} + (1 - \mu) g_t`; :math:`\tilde B_t = (1 - \mu) g_t + \mu B_t`
    if ``nesterov`` else :math:`B_t`; output :math:`s\,\mathrm{NS}(\tilde B_t)` with :math:`s` from
    :func:`muon_scale`. Every params leaf must be a matrix."""
    mu = check_hyperparameter("momentum", momentum, 0.0, 1.0)
    if np.ndim(mu):
        raise ValueError(f"Invalid momentum: {momentum!r} (must be a single number: each matrix has one)")
    if not isinstance(nesterov, (bool, np.bool_)):
        raise ValueError(f"Invalid nesterov: {nesterov!r} (must be True or False)")
    coefficients, steps = _check_coefficients(ns_coefficients), _check_steps(ns_steps)
    eps = check_hyperparameter("eps", eps)
    if np.ndim(eps):
        raise ValueError(f"Invalid eps: {eps!r} (must be a single number)")
    muon_scale((1, 1), adjust_lr_fn)  # validates adjust_lr_fn

    def update(g, B):
        _check_matrix(g, "grads")
        B = mu * B + (1 - mu) * g                                             # momentum, an average
        direction = (1 - mu) * g + mu * B if nesterov else B                  # Nesterov's look-ahead mix
        return muon_scale(g.shape, adjust_lr_fn) * orthogonalize(direction, coefficients, steps, eps), B

    transform = per_leaf(MuonState, update)

    def init(params):
        tree_map(_check_matrix, params)
        return transform.init(params)

    return GradientTransformation(init, transform.update)


def muon(learning_rate=1e-3, momentum=0.95, weight_decay=0.1, nesterov=True, ns_coefficients=NS_COEFFICIENTS,
         ns_steps=5, eps=1e-7, adjust_lr_fn=None):
    r"""Muon (MomentUm Orthogonalized by Newton-Schulz), for 2-D parameters.

    .. math::
        \begin{aligned}
        &\textbf{input}: \eta \text{ (learning\_rate)},\ \mu \text{ (momentum)},\ \lambda \text{ (weight\_decay)},
            \ (a, b, c),\ k \text{ (ns\_steps)}, \\
        &\qquad s \text{ (the shape factor, adjust\_lr\_fn)}; \quad \textbf{initialize}: B_0 \leftarrow 0 \\
        &\textbf{for}\ t = 1, 2, \ldots: \\
        &\quad B_t \leftarrow \mu B_{t-1} + (1 - \mu) g_t \\
        &\quad \tilde B_t \leftarrow (1 - \mu) g_t + \mu B_t \ \text{if nesterov, else}\ B_t \\
        &\quad O_t \leftarrow \mathrm{NS}^{(a,b,c)}_k(\tilde B_t) \approx U_t V_t^\top,
            \ \text{where}\ \tilde B_t = U_t \Sigma_t V_t^\top \\
        &\quad \theta_t \leftarrow \theta_{t-1} - \eta_t \bigl(s\, O_t + \lambda\theta_{t-1}\bigr)
        \end{aligned}

    Args:
        learning_rate: :math:`\eta \ge 0`: a float or a schedule.
        momentum: :math:`\mu \in [0, 1)`. nesterov: use the Nesterov form :math:`\tilde B_t` above.
        weight_decay: :math:`\lambda \ge 0`, decoupled, multiplied by :math:`\eta_t` (not by :math:`s\eta_t`).
        ns_coefficients: :math:`(a, b, c)` of the quintic, :data:`NS_COEFFICIENTS` by default.
        ns_steps: :math:`k`, Newton-Schulz steps. eps: the floor on :math:`\|\tilde B_t\|_F`.
        adjust_lr_fn: ``None``/``'original'``: :math:`s = \sqrt{\max(1, A/B)}`; ``'match_rms_adamw'``:
            :math:`s = 0.2\sqrt{\max(A, B)}`, for a parameter of shape :math:`(A, B)` (:func:`muon_scale`).

    Every params leaf must be a matrix (``ValueError`` otherwise). For a network, give Muon the hidden layers'
    weight matrices and another optimizer the rest (biases, gains; Jordan et al. also keep the embedding and
    the output layer on AdamW), with :func:`~optimlib.partition`::

        opt = ol.partition({"muon": ol.muon(0.02), "adamw": ol.adamw(3e-4)},
                           lambda name, p: "muon" if p.ndim == 2 else "adamw")

    .. note::
        This is ``torch.optim.Muon(lr, weight_decay, momentum, nesterov, ns_coefficients, eps, ns_steps,
        adjust_lr_fn)`` with its defaults, except that the Newton-Schulz iteration runs in float64, not bfloat16:
        the two agree to about 1% of the step, not to round-off. torch's docstring writes the buffer as
        :math:`B_t = \mu B_{t-1} + g_t`; its code (and this) keeps the average (``lerp``), which differs by the
        factor :math:`1-\mu` that the normalization removes. :math:`A, B` are the rows and columns of the
        parameter as stored: torch stores a linear layer's weight as (out, in), ``ol.init_mlp`` as (in, out), so
        ``'original'`` scales those transposed; ``'match_rms_adamw'`` is symmetric. ``optax.contrib.muon`` uses
        a bias-corrected, Nadam-style momentum and is not step-for-step equal.

    References:
        Jordan, Jin, Boza, You, Cesista, Newhouse & Bernstein (2024), Muon: an optimizer for hidden layers in
        neural networks, kellerjordan.github.io/posts/muon. Liu et al. (2025), Muon is scalable for LLM
        training, arXiv:2502.16982.

    Example:
        >>> import numpy as np
        >>> opt, W = muon(learning_rate=0.1, weight_decay=0.0, momentum=0.0), np.zeros((2, 3))
        >>> G = np.array([[3.0, 0.0, 0.0], [0.0, 0.3, 0.0]])              # singular values 3 and 0.3
        >>> updates, state = opt.update(G, opt.init(W), W)
        >>> print(np.round(np.linalg.svd(updates, compute_uv=False) / 0.1, 3))   # nearly equal after 5 steps
        [0.709 0.702]
    """
    return chain(scale_by_muon(momentum, nesterov, ns_coefficients, ns_steps, eps, adjust_lr_fn),
                 add_decayed_weights(weight_decay), scale_by_learning_rate(learning_rate))
