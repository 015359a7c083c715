"""Exact facts about the optimizers, one test each: closed forms from the papers and from torch's documentation."""
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

import optimlib as ol
from loops import iterate


def quadratic(lam):
    """The gradient of f(x) = lam x^2 / 2 (lam may be an array: a diagonal quadratic)."""
    return lambda x: lam * x


# ---------------------------------------------------------------------------------------------- gradient descent

def test_gd_on_a_quadratic_is_a_geometric_sequence():
    lam, eta = 3.0, 0.2
    path, _ = iterate(ol.sgd(eta), quadratic(lam), [2.0], 30)
    assert_allclose(path[:, 0], 2.0 * (1 - eta * lam) ** np.arange(31), rtol=1e-13)


def test_gd_one_step_at_eta_lambda_1_oscillates_at_2_diverges_above():
    lam = 4.0
    one, _ = iterate(ol.sgd(1 / lam), quadratic(lam), [5.0], 1)
    assert one[-1, 0] == 0.0
    osc, _ = iterate(ol.sgd(2 / lam), quadratic(lam), [5.0], 6)
    assert_allclose(osc[:, 0], 5.0 * (-1.0) ** np.arange(7))
    div, _ = iterate(ol.sgd(2.1 / lam), quadratic(lam), [5.0], 50)
    assert abs(div[-1, 0]) > 5.0 * 1.05 ** 50 * 0.99


def test_gd_with_eta_2_over_L_plus_mu_contracts_by_kappa_minus_1_over_kappa_plus_1():
    mu, L = 1.0, 10.0
    path, _ = iterate(ol.sgd(2 / (L + mu)), quadratic(np.array([mu, 1.0, 5.0, L])), np.ones(4), 20)
    worst = np.abs(path[1:] / path[:-1]).max()
    assert_allclose(worst, (L / mu - 1) / (L / mu + 1), rtol=1e-12)


# ------------------------------------------------------------------------------------------------------ momentum

def test_momentum_obeys_the_three_term_recurrence():
    lam, eta, mu = 2.0, 0.3, 0.8
    path, _ = iterate(ol.sgd(eta, momentum=mu), quadratic(lam), [1.5], 40)
    x = path[:, 0]
    assert_allclose(x[1], (1 - eta * lam) * x[0], rtol=1e-15)
    assert_allclose(x[2:], (1 + mu - eta * lam) * x[1:-1] - mu * x[:-2], rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("eta, stable", [(3.75, True), (3.85, False)])
def test_momentum_stability_boundary_eta_lambda_below_2_1_plus_mu(eta, stable):
    # mu = 0.9, lambda = 1: the boundary is eta = 2 (1 + mu) = 3.8
    path, _ = iterate(ol.sgd(eta, momentum=0.9), quadratic(1.0), [1.0], 2000)
    assert (abs(path[-1, 0]) < 1e-3) == stable
    assert (abs(path[-1, 0]) > 1e3) == (not stable)


def test_underdamped_momentum_contracts_at_exactly_sqrt_mu():
    # For x_{k+1} = a x_k - mu x_{k-1}, Q_k = x_k^2 - a x_k x_{k-1} + mu x_{k-1}^2 obeys Q_{k+1} = mu Q_k, and Q is a
    # squared norm when a^2 < 4 mu: the iterates shrink by sqrt(mu) per step, whatever eta in that range.
    lam, mu = 1.0, 0.81
    for eta in (0.5, 1.0, 2.0, 3.0):
        a = 1 + mu - eta * lam
        assert a * a < 4 * mu
        x = iterate(ol.sgd(eta, momentum=mu), quadratic(lam), [1.0], 60)[0][:, 0]
        Q = x[1:] ** 2 - a * x[1:] * x[:-1] + mu * x[:-1] ** 2
        assert_allclose(Q, Q[0] * mu ** np.arange(60), rtol=1e-9)
        radius = np.abs(np.linalg.eigvals([[a, -mu], [1.0, 0.0]])).max()
        assert_allclose(radius, math.sqrt(mu), rtol=1e-12)


def test_polyak_tuned_momentum_rate_is_9_over_11_at_kappa_100():
    m, L = 1.0, 100.0
    eta = 4 / (math.sqrt(L) + math.sqrt(m)) ** 2
    mu = ((math.sqrt(L) - math.sqrt(m)) / (math.sqrt(L) + math.sqrt(m))) ** 2
    rate = math.sqrt(mu)
    assert_allclose(rate, 9 / 11, rtol=1e-15)
    lams = np.array([1.0, 2.0, 30.0, 99.0, 100.0])
    for lam in lams:
        radius = np.abs(np.linalg.eigvals([[1 + mu - eta * lam, -mu], [1.0, 0.0]])).max()
        assert radius <= rate + 1e-7          # critically damped at both ends, underdamped inside
    path, _ = iterate(ol.sgd(eta, momentum=mu), quadratic(lams), np.ones(5), 300)
    k = np.arange(301)[:, None]
    assert np.all(np.abs(path) <= 3 * (k + 1) * rate ** k)        # (1 + c k) r^k at the critically damped ends
    gd, _ = iterate(ol.sgd(2 / (L + m)), quadratic(lams), np.ones(5), 300)
    assert np.abs(path[-1]).max() < 1e-20 < np.abs(gd[-1]).max() * 1e-3   # 9/11 per step against 99/101


def test_momentum_terminal_step_is_eta_g_over_one_minus_mu():
    eta, mu, g = 0.1, 0.9, np.array([2.0, -0.5])
    _, ups = iterate(ol.sgd(eta, momentum=mu), lambda x: g, [0.0, 0.0], 200)
    t = np.arange(1, 201)[:, None]
    assert_allclose(ups, -eta * g * (1 - mu ** t) / (1 - mu), rtol=1e-12)
    assert_allclose(ups[-1], -10 * eta * g, rtol=1e-8)       # 10x at mu = 0.9


def test_averaged_momentum_equals_heavy_ball_with_eta_alpha_one_minus_beta():
    alpha, beta, lam = 0.4, 0.8, np.array([1.0, 3.0])
    x, m, averaged = np.array([1.0, -2.0]), np.zeros(2), []
    for _ in range(30):
        m = beta * m + (1 - beta) * lam * x
        x = x - alpha * m
        averaged.append(x)
    path, _ = iterate(ol.sgd(alpha * (1 - beta), momentum=beta), quadratic(lam), [1.0, -2.0], 30)
    assert_allclose(path[1:], averaged, rtol=1e-12)


# ------------------------------------------------------------------------------------------------------ Nesterov

def lookahead(lam, eta, mu, x0, steps, sign=+1):
    """v <- mu v - eta g(x + sign * mu v); x <- x + v. Returns the x and the look-ahead points x + mu v."""
    x, v, xs, ys = x0, 0.0, [], []
    for _ in range(steps):
        v = mu * v - eta * lam * (x + sign * mu * v)
        x = x + v
        xs.append(x)
        ys.append(x + mu * v)
    return np.array(xs), np.array(ys)


def test_nag_on_a_quadratic_equals_momentum_with_mu_one_minus_eta_lambda():
    lam, eta, mu = 2.0, 0.2, 0.9
    xs, _ = lookahead(lam, eta, mu, 1.0, 50)
    path, _ = iterate(ol.sgd(eta, momentum=mu * (1 - eta * lam)), quadratic(lam), [1.0], 50)
    assert_allclose(path[1:, 0], xs, rtol=1e-10, atol=1e-16)


def test_sgd_nesterov_stores_the_look_ahead_point_of_sutskever():
    lam, eta, mu = 2.0, 0.2, 0.9
    _, ys = lookahead(lam, eta, mu, 1.0, 50)
    path, _ = iterate(ol.sgd(eta, momentum=mu, nesterov=True), quadratic(lam), [1.0], 50)
    assert_allclose(path[1:, 0], ys, rtol=1e-10, atol=1e-16)


def test_the_notes_minus_sign_look_ahead_is_not_nag():
    lam, eta, mu = 2.0, 0.2, 0.9
    xs_wrong, ys_wrong = lookahead(lam, eta, mu, 1.0, 10, sign=-1)
    path, _ = iterate(ol.sgd(eta, momentum=mu, nesterov=True), quadratic(lam), [1.0], 10)
    nag = lookahead(lam, eta, mu, 1.0, 10)[0]
    assert np.abs(xs_wrong - nag).max() > 0.1
    assert np.abs(ys_wrong - path[1:, 0]).max() > 0.1


# ------------------------------------------------------------------------------------------------------- Adagrad

def test_adagrad_constant_gradient_t_th_step_is_eta_sign_g_over_sqrt_t():
    eta, g = 0.3, np.array([1e-4, -2.0, 50.0])
    _, ups = iterate(ol.adagrad(eta, eps=0.0), lambda x: g, np.zeros(3), 25)
    t = np.arange(1, 26)[:, None]
    assert_allclose(ups, -eta * np.sign(g) / np.sqrt(t), rtol=1e-13)


def test_adagrad_never_increases_a_coordinate_step_size():
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(50, 3)) * rng.uniform(0.01, 10, size=(50, 1))
    opt, state = ol.adagrad(0.1), ol.adagrad(0.1).init(np.zeros(3))
    ratios = []
    for g in grads:
        u, state = opt.update(g, state)
        ratios.append(-u / g)          # the per-coordinate rate eta / (delta + sqrt(G_t))
    assert np.all(np.diff(ratios, axis=0) <= 0)


# ------------------------------------------------------------------------------------------------------ Adadelta

def test_adadelta_first_step():
    _, ups = iterate(ol.adadelta(), lambda x: np.array([3.0]), [0.0], 1)
    assert_allclose(ups[0], [-0.0031623], atol=5e-8)
    for rho, eps, g in [(0.95, 1e-6, -0.2), (0.5, 1e-4, 7.0)]:
        _, ups = iterate(ol.adadelta(rho=rho, eps=eps), lambda x: np.array([g]), [0.0], 1)
        assert_allclose(ups[0], [-math.sqrt(eps) * g / math.sqrt((1 - rho) * g * g + eps)], rtol=1e-14)


# ------------------------------------------------------------------------------------------------------- RMSProp

@pytest.mark.parametrize("decay, factor", [(0.9, math.sqrt(10)), (0.99, 10.0)])
def test_rmsprop_first_step_is_eta_over_sqrt_one_minus_decay(decay, factor):
    _, ups = iterate(ol.rmsprop(0.01, decay=decay, eps=0.0), lambda x: np.array([0.2, -30.0]), [0.0, 0.0], 1)
    assert_allclose(ups[0], [-0.01 * factor, 0.01 * factor], rtol=1e-13)


def test_rmsprop_defaults_are_torchs():
    assert ol.rmsprop(0.01).init(np.zeros(1))[0]._fields == ("Eg2",)
    _, ups = iterate(ol.rmsprop(0.01, eps=0.0), lambda x: np.array([3.0]), [0.0], 1)
    assert_allclose(ups[0], [-0.1], rtol=1e-13)  # decay 0.99: eta / sqrt(0.01)


@pytest.mark.parametrize("decay", [0.99, 0.9, 0.5])
def test_centered_rmsprop_under_a_constant_gradient_steps_eta_over_sqrt_s_times_1_minus_s(decay):
    # E[g]_t = s g and E[g^2]_t = s g^2 with s = 1 - decay^t, so the centered denominator is sqrt(s (1 - s)) |g|:
    # the first step is eta / sqrt(decay (1 - decay)), and the steps grow as the variance estimate vanishes
    eta, g, steps = 0.01, -4.0, 6
    _, ups = iterate(ol.rmsprop(eta, decay=decay, eps=0.0, centered=True), lambda x: np.array([g]), [0.0], steps)
    s = 1 - decay ** np.arange(1, steps + 1)
    assert_allclose(ups[:, 0], eta / np.sqrt(s * (1 - s)), rtol=1e-9)
    assert ol.rmsprop(eta, centered=True).init(np.zeros(2))[0]._fields == ("Eg", "Eg2")


# ---------------------------------------------------------------------------------------------------------- Adam

def test_adam_first_step_is_alpha_sign_g():
    _, ups = iterate(ol.adam(0.05, eps=0.0), lambda x: np.array([1e-7, -3.0, 1e4]), np.zeros(3), 1)
    assert_allclose(ups[0], [-0.05, 0.05, -0.05], rtol=1e-14)


def test_adam_constant_gradient_every_step_is_alpha_sign_g():
    _, ups = iterate(ol.adam(0.05, b1=0.8, b2=0.99, eps=0.0), lambda x: np.array([0.3, -8.0]), np.zeros(2), 40)
    assert_allclose(ups, np.tile([-0.05, 0.05], (40, 1)), rtol=1e-12)


def test_adam_is_invariant_to_scaling_the_gradients():
    grad = lambda x: np.array([x[0] ** 3 - 1.0, 10 * x[1]])
    base, _ = iterate(ol.adam(0.1, eps=0.0), grad, [2.0, -1.0], 60)
    for c in (1e-4, 3.0, 1e5):
        scaled, _ = iterate(ol.adam(0.1, eps=0.0), lambda x: c * grad(x), [2.0, -1.0], 60)
        assert_allclose(scaled, base, rtol=1e-11)


@pytest.mark.parametrize("T", [1, 2, 10, 100])
def test_adam_after_T_minus_1_zero_gradients(T):
    alpha, b1, b2, g = 0.01, 0.9, 0.999, 4.0
    opt = ol.adam(alpha, b1, b2, eps=0.0)
    state = opt.init(np.zeros(1))
    with np.errstate(invalid="ignore"):          # eps = 0: the zero-gradient updates are 0/0, only m, v matter
        for _ in range(T - 1):
            _, state = opt.update(np.zeros(1), state)
    u, _ = opt.update(np.array([g]), state)
    expected = alpha * (1 - b1) / math.sqrt(1 - b2) * math.sqrt(1 - b2 ** T) / (1 - b1 ** T)
    assert_allclose(u, [-expected], rtol=1e-12)


def test_adam_without_bias_correction_first_step():
    alpha = 1e-3
    opt = ol.chain(ol.scale_by_adam(eps=0.0, bias_correction=False), ol.scale_by_learning_rate(alpha))
    u, _ = opt.update(np.array([5.0, -0.01]), opt.init(np.zeros(2)))
    expected = alpha * 0.1 / math.sqrt(0.001)
    assert_allclose(u, [-expected, expected], rtol=1e-13)
    assert_allclose(expected / alpha, 3.1623, rtol=1e-4)


# ------------------------------------------------------------------------------------------ weight decay versus L2

def test_adamw_with_zero_gradient_decays_geometrically():
    lr, wd = 0.1, 0.3
    path, _ = iterate(ol.adamw(lr, weight_decay=wd), lambda x: np.zeros(2), [2.0, -5.0], 20)
    assert_allclose(path, (1 - lr * wd) ** np.arange(21)[:, None] * np.array([2.0, -5.0]), rtol=1e-13)


def test_adam_l2_with_zero_gradient_first_step_is_lr_sign_theta():
    for wd in (1e-6, 1.0, 1e3):
        _, ups = iterate(ol.adam_l2(0.1, eps=0.0, weight_decay=wd), lambda x: np.zeros(2), [2.0, -5.0], 1)
        assert_allclose(ups[0], [-0.1, 0.1], rtol=1e-13)


def test_sgd_l2_equals_decoupled_decay_with_lambda_alpha_lambda_prime():
    alpha, lam_prime = 0.05, 0.4
    grad = lambda x: np.array([x[0] ** 3, 2.0 * x[1] - 1.0])
    l2, _ = iterate(ol.chain(ol.add_l2(lam_prime), ol.sgd(alpha)), grad, [1.0, 2.0], 30)
    lam, x, decayed = alpha * lam_prime, np.array([1.0, 2.0]), [np.array([1.0, 2.0])]
    for _ in range(30):                            # Loshchilov & Hutter: x <- (1 - lambda) x - alpha grad
        x = (1 - lam) * x - alpha * grad(x)
        decayed.append(x)
    assert_allclose(l2, decayed, rtol=1e-13)


def test_adam_l2_is_not_decoupled_decay():
    grad = lambda x: np.array([x[0] - 1.0, 100 * (x[1] - 1.0)])
    l2, _ = iterate(ol.adam_l2(0.01, weight_decay=0.1), grad, [2.0, 2.0], 50)
    decoupled, _ = iterate(ol.adamw(0.01, weight_decay=10.0), grad, [2.0, 2.0], 50)  # lr * wd = 0.1
    assert np.abs(l2 - decoupled).max() > 1e-2


# -------------------------------------------------------------------------------------- exponential moving averages

def test_ema_weights_sum_to_one_and_lag_rho_over_one_minus_rho():
    rho = np.array([[0.9], [0.999]])
    opt = ol.scale_by_adam(b1=rho, b2=0.5, bias_correction=False)
    state = opt.init(np.zeros((2, 1)))
    _, state = opt.update(np.ones((2, 1)), state)               # an impulse at k = 0, then zeros
    weights = [state.m[:, 0]]
    for _ in range(30000):
        _, state = opt.update(np.zeros((2, 1)), state)
        weights.append(state.m[:, 0])
    w = np.array(weights)                                       # w_k = (1 - rho) rho^k
    assert_allclose(w[:5, 0], 0.1 * 0.9 ** np.arange(5), rtol=1e-13)
    assert_allclose(w.sum(0), [1.0, 1.0], rtol=1e-12)
    lag = (np.arange(len(w))[:, None] * w).sum(0)
    assert_allclose(lag, [9.0, 999.0], rtol=1e-9)
