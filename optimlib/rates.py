r"""Convergence rates of momentum methods on a quadratic: closed forms and their batched simulation.

On :math:`f(\theta) = \tfrac12 \theta^\top H \theta` heavy ball (``ol.sgd(eta, momentum=mu)``) and Nesterov
(``nesterov=True``) act on each eigen-coordinate :math:`x` of :math:`H` (eigenvalue :math:`\lambda`) separately,

.. math::
    x_{k+1} = a\,x_k - b\,x_{k-1}, \qquad
    (a, b) = \begin{cases} (1 + \mu - \eta\lambda,\ \mu) & \text{heavy ball,} \\
                           ((1 + \mu)(1 - \eta\lambda),\ \mu(1 - \eta\lambda)) & \text{Nesterov,} \end{cases}

the iteration matrix :math:`T = \begin{pmatrix} a & -b \\ 1 & 0 \end{pmatrix}` acting on :math:`(x_k, x_{k-1})`.
Its eigenvalues are the roots of :math:`z^2 - a z + b`, and the **rate** (spectral radius) is
:math:`\rho = \max |z|`: the error shrinks like :math:`\rho^k`. When :math:`a^2 < 4b` the roots are complex
conjugates, their product is :math:`b`, so :math:`\rho = \sqrt{b}` (:math:`\sqrt\mu` for heavy ball).

The **regime** of a coordinate names what its iterates do: ``"divergent"`` (:math:`\rho \ge 1`), ``"ripples"``
(complex roots: a decaying oscillation of period :math:`2\pi/\arg z`), ``"monotone"`` (real roots, the dominant
one positive) and ``"oscillating"`` (the dominant root negative: the sign flips every step). For a spectrum the
rate is the largest over its eigenvalues and the regime is that of the slowest coordinate.

>>> round(float(momentum_rate(0.5, 0.81, 1.0)), 12)      # complex roots: sqrt(mu)
0.9
>>> eta, mu, rho = optimal_momentum(0.01, 1.0)            # kappa = 100: rho = 9/11
>>> [round(float(v), 6) for v in (rho, eta, mu)]
[0.818182, 3.305785, 0.669421]
"""
import numpy as np

from .optim.sgd import sgd
from .run import run

__all__ = ["momentum_coefficients", "momentum_rate", "momentum_regime", "optimal_momentum", "gd_rate",
           "steps_to_tolerance", "envelope_rate", "PhaseDiagram", "phase_diagram", "REGIMES"]

REGIMES = ("monotone", "oscillating", "ripples", "divergent")
"""The four regimes :func:`momentum_regime` returns, as defined in the module docstring above."""


def _check(name, value, low=None, high=None, low_open=False):
    a = np.asarray(value, dtype=float)
    bad = ~np.isfinite(a)
    if low is not None:
        bad |= (a <= low) if low_open else (a < low)
    if high is not None:
        bad |= a >= high
    if bad.any():
        rng = f"{'(' if low_open else '['}{low}, {high if high is not None else 'inf'})"
        raise ValueError(f"Invalid {name}: {value!r} (must be finite and in {rng})")
    return a


def momentum_coefficients(learning_rate, momentum, curvature, nesterov=False):
    """``(a, b)`` of the recurrence :math:`x_{k+1} = a x_k - b x_{k-1}` along an eigenvalue ``curvature``."""
    eta = _check("learning_rate", learning_rate, 0.0)
    mu = _check("momentum", momentum, 0.0, 1.0)
    lam = _check("curvature", curvature, 0.0, low_open=True)
    if nesterov:
        return (1 + mu) * (1 - eta * lam), mu * (1 - eta * lam)
    return 1 + mu - eta * lam, mu + 0 * eta * lam


def _roots(a, b):
    disc = np.asarray(a * a - 4 * b, dtype=complex)
    s = np.sqrt(disc)
    return (a + s) / 2, (a - s) / 2, disc.real


def momentum_rate(learning_rate, momentum, curvature, nesterov=False):
    r"""The spectral radius :math:`\rho` of the iteration matrix along eigenvalue ``curvature`` (all arguments
    broadcast). ``momentum=0`` gives gradient descent's :math:`|1 - \eta\lambda|`."""
    z1, z2, _ = _roots(*momentum_coefficients(learning_rate, momentum, curvature, nesterov))
    return np.maximum(np.abs(z1), np.abs(z2))


def momentum_regime(learning_rate, momentum, curvature, nesterov=False):
    """The regime of each coordinate, an array of strings from :data:`REGIMES` (see the module docstring)."""
    z1, z2, disc = _roots(*momentum_coefficients(learning_rate, momentum, curvature, nesterov))
    big = np.where(np.abs(z1) >= np.abs(z2), z1, z2).real
    out = np.where(disc < 0, "ripples", np.where(big >= 0, "monotone", "oscillating"))
    return np.where(np.maximum(np.abs(z1), np.abs(z2)) >= 1, "divergent", out)


def optimal_momentum(lam_min, lam_max):
    r"""Polyak's tuned pair for the spectrum :math:`[\lambda_{\min}, \lambda_{\max}]`: ``(eta, mu, rho)`` with
    :math:`\eta = 4/(\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}})^2`,
    :math:`\mu = \rho^2`, :math:`\rho = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)`, :math:`\kappa = \lambda_{\max}/\lambda_{\min}`."""
    lo = float(_check("lam_min", lam_min, 0.0, low_open=True))
    hi = float(_check("lam_max", lam_max, 0.0, low_open=True))
    if hi < lo:
        raise ValueError(f"Invalid lam_max: {lam_max!r} (must be >= lam_min = {lam_min!r})")
    rho = (np.sqrt(hi) - np.sqrt(lo)) / (np.sqrt(hi) + np.sqrt(lo))
    return 4 / (np.sqrt(hi) + np.sqrt(lo)) ** 2, rho**2, rho


def gd_rate(lam_min, lam_max):
    r"""Gradient descent's best rate :math:`(\kappa - 1)/(\kappa + 1)`, at :math:`\eta = 2/(\lambda_{\min} +
    \lambda_{\max})`: ``(eta, rho)``."""
    lo = float(_check("lam_min", lam_min, 0.0, low_open=True))
    hi = float(_check("lam_max", lam_max, 0.0, low_open=True))
    return 2 / (lo + hi), (hi - lo) / (hi + lo)


def steps_to_tolerance(rate, tol):
    r"""The number of steps :math:`\lceil \ln(\mathrm{tol}) / \ln\rho \rceil` after which :math:`\rho^k \le`
    ``tol``: what the rate alone predicts (a repeated root adds a factor :math:`k`)."""
    rho = _check("rate", rate, 0.0, 1.0, low_open=True)
    t = float(_check("tol", tol, 0.0, 1.0, low_open=True))
    return np.ceil(np.log(t) / np.log(rho) - 1e-12).astype(int)


def envelope_rate(norms, window):
    r"""The rate measured from a run: :math:`(\max_{\text{last } w} \lVert x\rVert / \max_{\text{previous } w}
    \lVert x\rVert)^{1/w}` over the last ``2 * window`` entries of ``norms`` (steps on axis 0). Taking the maxima
    over windows follows the envelope of an oscillating error instead of its phase."""
    n = np.asarray(norms, dtype=float)
    if not (isinstance(window, (int, np.integer)) and 0 < window and 2 * window <= len(n)):
        raise ValueError(f"Invalid window: {window!r} (must be a positive integer, 2 * window <= {len(n)} steps)")
    late, early = n[-window:].max(0), n[-2 * window:-window].max(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (late / early) ** (1.0 / window)


class PhaseDiagram:
    """The rates of a momentum method over a grid of learning rates (columns) and momenta (rows).

    Attributes: ``learning_rates`` ``(n_eta,)``, ``momenta`` ``(n_mu,)``, ``curvatures`` (the spectrum),
    ``closed`` (the closed-form rate, ``(n_mu, n_eta)``), ``regime`` (of the slowest coordinate), ``simulated``
    (measured by :func:`envelope_rate` from one batched ``ol.run``; for a run that diverged, the growth per step
    up to its last valid iterate), ``diverged`` (``ol.run``'s flag), ``trajectory`` (the batched run), ``nesterov``.
    """

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def optimum(self):
        """The grid cell with the smallest closed-form rate: ``(eta, mu, rho)``."""
        i, j = np.unravel_index(np.argmin(self.closed), self.closed.shape)
        return float(self.learning_rates[j]), float(self.momenta[i]), float(self.closed[i, j])

    def error(self, where=None):
        """The largest ``|simulated - closed|`` over the cells where the closed form is below 1 (or ``where``)."""
        mask = (self.closed < 1) if where is None else where
        return float(np.abs(self.simulated - self.closed)[mask].max())


def phase_diagram(curvatures, learning_rates, momenta, *, steps=300, window=100, nesterov=False, bound=1e8):
    r"""The closed-form and simulated rates of momentum (or Nesterov) over the grid ``momenta`` x
    ``learning_rates`` on the diagonal quadratic :math:`\tfrac12\sum_i \lambda_i x_i^2`, ``curvatures`` the
    :math:`\lambda_i`. The whole grid runs as one batch of ``ol.run`` from :math:`x_0 = (1, \ldots, 1)`.

    Returns a :class:`PhaseDiagram`.
    """
    lam = _check("curvatures", np.atleast_1d(curvatures), 0.0, low_open=True)
    etas = _check("learning_rates", np.atleast_1d(learning_rates), 0.0)
    mus = _check("momenta", np.atleast_1d(momenta), 0.0, 1.0)
    if lam.ndim != 1 or etas.ndim != 1 or mus.ndim != 1:
        raise ValueError("Invalid grid: curvatures, learning_rates and momenta must be 1-D")
    E, M = np.meshgrid(etas, mus)                                    # (n_mu, n_eta)
    rates = momentum_rate(E[..., None], M[..., None], lam, nesterov)  # (n_mu, n_eta, d)
    slowest = np.argmax(rates, axis=-1)
    closed = np.take_along_axis(rates, slowest[..., None], -1)[..., 0]
    regimes = momentum_regime(E[..., None], M[..., None], lam, nesterov)
    regime = np.take_along_axis(regimes, slowest[..., None], -1)[..., 0]
    quad = (lambda x: 0.5 * (lam * x * x).sum(-1), lambda x: lam * x)
    K = E.size
    opt = sgd(E.reshape(K, 1), momentum=M.reshape(K, 1), nesterov=nesterov)
    tr = run(opt, quad, np.ones((K, lam.size)), steps, bound=bound)
    late = tr.path[-2 * window:]
    sim = envelope_rate(np.sqrt(np.einsum("tkd,tkd->tk", late, late)), window)
    if np.any(tr.diverged):
        rows = np.flatnonzero(tr.diverged)
        k = tr.diverged_at[rows] - 1                                 # the last valid iterate
        grow = np.linalg.norm(tr.path[k, rows], axis=-1) / np.linalg.norm(tr.path[0, rows], axis=-1)
        sim[rows] = grow ** (1.0 / np.maximum(k, 1))
    shape = E.shape
    return PhaseDiagram(learning_rates=etas, momenta=mus, curvatures=lam, closed=closed, regime=regime,
                        simulated=sim.reshape(shape), diverged=np.asarray(tr.diverged).reshape(shape),
                        trajectory=tr, nesterov=bool(nesterov))
