"""Closed-form rates of momentum methods on a quadratic, against the iteration matrix, simulation and known facts."""
import numpy as np
import pytest

import optimlib as ol


def matrix_rate(eta, mu, lam, nesterov=False):
    """The spectral radius of the 2x2 iteration matrix on (x_k, x_{k-1}), written out in the test."""
    if nesterov:
        a, b = (1 + mu) * (1 - eta * lam), mu * (1 - eta * lam)
    else:
        a, b = 1 + mu - eta * lam, mu
    return np.abs(np.linalg.eigvals(np.array([[a, -b], [1.0, 0.0]]))).max()


@pytest.mark.parametrize("nesterov", [False, True])
def test_rate_is_the_spectral_radius(nesterov):
    rng = np.random.default_rng(0)
    for eta, mu, lam in zip(rng.uniform(0, 3, 200), rng.uniform(0, 0.999, 200), rng.uniform(0.01, 2, 200)):
        assert ol.momentum_rate(eta, mu, lam, nesterov) == pytest.approx(matrix_rate(eta, mu, lam, nesterov),
                                                                           abs=1e-9)


def test_gd_limit_and_ripples():
    eta = np.linspace(0.01, 2.5, 50)
    np.testing.assert_allclose(ol.momentum_rate(eta, 0.0, 1.0), np.abs(1 - eta), atol=1e-15)
    # complex roots: sqrt(mu), whatever eta (Goh's example; Distill prints 2 sqrt(beta))
    assert ol.momentum_rate(0.0017, 0.94, 1.0) == pytest.approx(np.sqrt(0.94), abs=1e-12)
    assert ol.momentum_regime(0.0017, 0.94, 1.0) == "ripples"


def test_stability_edge_and_regimes():
    eta, mu = np.meshgrid(np.linspace(0.01, 4.5, 300), np.linspace(0, 0.99, 100))
    stable = ol.momentum_rate(eta, mu, 1.0) < 1
    near = np.abs(eta - 2 * (1 + mu)) < 1e-9
    np.testing.assert_array_equal(stable[~near], (eta < 2 * (1 + mu))[~near])
    assert ol.momentum_regime(3.85, 0.9, 1.0) == "divergent" and ol.momentum_regime(3.75, 0.9, 1.0) != "divergent"
    assert ol.momentum_regime(0.1, 0.0, 1.0) == "monotone" and ol.momentum_regime(1.5, 0.0, 1.0) == "oscillating"


def test_nesterov_is_momentum_with_damped_mu():
    eta, mu, lam = 0.3, 0.9, np.array([0.1, 1.0, 2.5])
    np.testing.assert_allclose(ol.momentum_rate(eta, mu, lam, nesterov=True),
                               ol.momentum_rate(eta, mu * (1 - eta * lam), lam), atol=1e-12)
    # and the library's Nesterov follows that recurrence on lambda x^2 / 2
    run = ol.run(ol.sgd(eta, momentum=mu, nesterov=True), (lambda x: 0.5 * (x**2).sum(-1), lambda x: x),
                 np.array([1.0]), 30).path[:, 0]
    a, b = (1 + mu) * (1 - eta), mu * (1 - eta)
    np.testing.assert_allclose(run[2:], a * run[1:-1] - b * run[:-2], atol=1e-14)


def test_optimal_pair_and_counts():
    eta, mu, rho = ol.optimal_momentum(0.01, 1.0)
    assert (rho, eta, mu) == pytest.approx((9 / 11, 3.305785, 0.669421), abs=1e-6)
    dense = np.linspace(0.01, 1.0, 5001)
    assert ol.momentum_rate(eta, mu, dense).max() == pytest.approx(rho, abs=1e-6)
    eta_gd, rho_gd = ol.gd_rate(0.01, 1.0)
    assert rho_gd == pytest.approx(99 / 101) and eta_gd == pytest.approx(2 / 1.01)
    assert int(ol.steps_to_tolerance(rho, 1e-6)) == 69 and int(ol.steps_to_tolerance(rho_gd, 1e-6)) == 691


def test_envelope_rate():
    k = np.arange(301)
    assert ol.envelope_rate(0.9**k, 100) == pytest.approx(0.9, rel=1e-12)
    ripples = 0.95**k * np.abs(np.cos(0.7 * k))
    assert ol.envelope_rate(ripples, 100) == pytest.approx(0.95, abs=2e-3)
    with pytest.raises(ValueError, match="window"):
        ol.envelope_rate(0.9**k, 200)


def test_phase_diagram_agrees_with_closed_form():
    pd = ol.phase_diagram([1.0, 10.0], np.linspace(0.01, 0.42, 30), np.linspace(0, 0.99, 25), steps=400,
                          window=150)
    assert pd.closed.shape == pd.simulated.shape == pd.regime.shape == (25, 30)
    capped = lambda r: np.minimum(r, 1.1)
    assert np.abs(capped(pd.simulated) - capped(pd.closed)).max() < 0.015
    assert np.all(pd.closed[pd.diverged] > 1)
    eta, mu, rho = pd.optimum()
    assert rho == pytest.approx(ol.optimal_momentum(1.0, 10.0)[2], abs=0.03)
    nag = ol.phase_diagram([1.0, 10.0], [0.05], [0.9], nesterov=True)
    assert nag.closed[0, 0] == pytest.approx(max(matrix_rate(0.05, 0.9, l, True) for l in (1.0, 10.0)))


def test_bad_arguments_name_themselves():
    for kwargs, name in [(dict(learning_rate=-0.1, momentum=0.5, curvature=1.0), "learning_rate"),
                         (dict(learning_rate=0.1, momentum=1.0, curvature=1.0), "momentum"),
                         (dict(learning_rate=0.1, momentum=0.5, curvature=0.0), "curvature")]:
        with pytest.raises(ValueError, match=name):
            ol.momentum_rate(**kwargs)
    with pytest.raises(ValueError, match="lam_max"):
        ol.optimal_momentum(2.0, 1.0)
    with pytest.raises(ValueError, match="rate"):
        ol.steps_to_tolerance(1.2, 1e-6)
    with pytest.raises(ValueError, match="momenta"):
        ol.phase_diagram([1.0], [0.1], [1.5])


def test_plot_phase_diagram():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pd = ol.phase_diagram([1.0, 10.0], np.linspace(0.01, 0.42, 20), np.linspace(0, 0.99, 20), steps=100, window=40)
    ax = ol.plot_phase_diagram(pd, optimum=ol.optimal_momentum(1.0, 10.0)[:2])
    assert ax.get_xlabel() and any(t.get_text().startswith("ripples") for t in ax.texts)
    plt.close(ax.figure)
