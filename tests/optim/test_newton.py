"""optimlib.optim.newton, newton_variants and cost: Newton's method and its family, against closed forms."""
import numpy as np
import pytest
from numpy.testing import assert_allclose

import optimlib as ol
from loops import trajectory


def one_step(opt, grads, params):
    """``opt.update`` from a fresh state: (updates, state)."""
    return opt.update(grads, opt.init(params), params)


def _spd(d, seed):
    M = np.random.default_rng(seed).normal(size=(d, d))
    return M @ M.T / d + 0.1 * np.eye(d)


def _quadratic(A, b):
    """f = 1/2 x^T A x - b^T x for a batch of points (..., d)."""
    f = lambda x: 0.5 * np.einsum("...i,ij,...j->...", x, A, x) - x @ b
    grad = lambda x: x @ A - b
    hess = lambda x: np.broadcast_to(A, x.shape + A.shape[-1:])
    return f, grad, hess


def _step(opt, grad, x, state=None):
    state = opt.init(x) if state is None else state
    updates, state = opt.update(grad(x), state, x)
    return ol.apply_updates(x, updates), state


@pytest.mark.parametrize("d", [1, 3, 8])
def test_one_newton_step_solves_a_quadratic(d):
    A, b = _spd(d, d), np.random.default_rng(1).normal(size=d)
    f, grad, hess = _quadratic(A, b)
    x_star = np.linalg.solve(A, b)
    x0 = np.random.default_rng(2).normal(size=(5, d))
    for opt in (ol.newton(hess), ol.damped_newton(f, hess), ol.levenberg_marquardt(hess, mu=0.0),
                ol.saddle_free_newton(hess)):
        x1, _ = _step(opt, grad, x0)
        assert_allclose(x1, np.broadcast_to(x_star, x0.shape), rtol=1e-9, atol=1e-9)
        assert_allclose(_step(opt, grad, x0[0])[0], x_star, rtol=1e-9, atol=1e-9)


def test_newton_lands_on_the_saddle_and_saddle_free_escapes():
    s = ol.saddle()
    x0 = np.random.default_rng(0).uniform(-2, 2, size=(20, 2))
    x1, _ = _step(ol.newton(s.hess), s.grad, x0)
    assert_allclose(x1, 0.0, atol=1e-15)
    x1, _ = _step(ol.saddle_free_newton(s.hess), s.grad, x0)
    # |H| = I: x goes to the saddle's coordinate 0, y doubles: away along the negative-curvature direction
    assert_allclose(x1, x0 * np.array([0.0, 2.0]), atol=1e-15)
    t = ol.run(ol.saddle_free_newton(s.hess), s, np.array([0.5, 1e-3]), 10)
    assert_allclose(t.path[1:], np.stack([np.zeros(10), 1e-3 * 2.0 ** np.arange(1, 11)], -1), rtol=1e-14)
    t = ol.run(ol.newton(s.hess), s, np.array([0.5, 1e-3]), 10)
    assert_allclose(t.path[1:], 0.0, atol=1e-15)


def test_pure_newton_cycles_on_the_quartic_and_damped_newton_converges():
    s = ol.cycling_quartic()
    t = ol.run(ol.newton(s.hess), s, s.start, 40)
    assert not t.diverged
    assert_allclose(t.path[:, 0], np.tile([0.0, 1.0], 21)[:41])  # 0, 1, 0, 1, ... exactly
    opt = ol.damped_newton(s.f, s.hess)
    t = ol.run(opt, s, s.start, 40)
    assert_allclose(t.path[-1], s.minima[0], rtol=1e-12)
    assert np.all(np.diff(t.loss) <= 1e-15)  # the line search makes every step a descent step
    _, state = _step(opt, s.grad, s.start)
    assert state.fallback and state.step_size == 1.0  # H = -2 < 0 at 0: the direction is -g


def test_pure_newton_goes_to_the_maximum_of_the_double_well():
    s = ol.double_well()
    t = ol.run(ol.newton(s.hess), s, np.array([0.3]), 20)
    assert abs(t.path[-1, 0]) < 1e-12 and ol.classify_stationary_point(s, t.path[-1]) == "maximum"
    t = ol.run(ol.damped_newton(s.f, s.hess), s, np.array([0.3]), 30)
    assert_allclose(t.path[-1], [1.0], rtol=1e-12)


def test_damped_newton_on_rosenbrock_batch():
    s = ol.rosenbrock()
    x0 = np.array([[-1.2, 1.0], [0.0, 0.0], [2.0, -1.0], [-0.5, 2.5]])
    t = ol.run(ol.damped_newton(s.f, s.hess), s, x0, 60)
    assert not t.diverged.any()
    assert_allclose(t.path[-1], np.ones((4, 2)), atol=1e-10)
    assert (np.diff(t.loss, axis=0) <= 1e-12).all()


def test_armijo_condition_holds():
    s = ol.himmelblau()
    opt = ol.damped_newton(s.f, s.hess, c=0.3, shrink=0.7)
    x = np.random.default_rng(5).uniform(-5, 5, size=(50, 2))
    updates, state = opt.update(s.grad(x), opt.init(x), x)
    direction = np.where(state.fallback[:, None], -s.grad(x), -np.linalg.solve(s.hess(x), s.grad(x)[..., None])[..., 0])
    t = state.step_size
    assert_allclose(updates, t[:, None] * direction, rtol=1e-12, atol=1e-14)
    assert (s.f(x + updates) <= s.f(x) + 0.3 * t * (s.grad(x) * direction).sum(-1) + 1e-12).all()
    assert state.fallback.any() and (~state.fallback).any()
    # t is the largest 0.7^j accepted: the previous candidate t/0.7 violates Armijo
    bigger = np.minimum(t / 0.7, 1.0)
    rejected = t < 1.0
    f_big = s.f(x + bigger[:, None] * direction)
    assert (f_big[rejected] > (s.f(x) + 0.3 * bigger * (s.grad(x) * direction).sum(-1))[rejected]).all()


def test_levenberg_marquardt_interpolates_between_newton_and_gradient_descent():
    s = ol.rosenbrock()
    x = np.array([-0.7, 0.4])
    g, H = s.grad(x), s.hess(x)
    small, _ = one_step(ol.levenberg_marquardt(s.hess, mu=1e-10), g, x)
    assert_allclose(small, -np.linalg.solve(H, g), rtol=1e-7)
    mu = 1e8
    large, _ = one_step(ol.levenberg_marquardt(s.hess, mu=mu), g, x)
    assert_allclose(large, -g / mu, rtol=1e-5)
    # a batch of damping values, one per row, equals a loop
    mus = np.array([[0.1], [1.0], [10.0]])
    xs = np.tile(x, (3, 1))
    batch, _ = one_step(ol.levenberg_marquardt(s.hess, mu=mus), s.grad(xs), xs)
    for i, m in enumerate(mus[:, 0]):
        assert_allclose(batch[i], -np.linalg.solve(H + m * np.eye(2), g), rtol=1e-12)


def test_saddle_free_newton_matches_eigen_formula():
    s = ol.himmelblau()
    x = np.array([0.1, -1.5])
    lam, Q = np.linalg.eigh(s.hess(x))
    assert lam[0] < 0 < lam[1]
    step, _ = one_step(ol.saddle_free_newton(s.hess, mu=0.5), s.grad(x), x)
    expected = -Q @ np.diag(1 / (np.abs(lam) + 0.5)) @ Q.T @ s.grad(x)
    assert_allclose(step, expected, rtol=1e-12)
    assert step @ s.grad(x) < 0  # always a descent direction


def test_singular_hessian_gives_divergence_not_an_exception():
    m = ol.monkey_saddle()
    x = np.array([[0.0, 0.0], [0.5, 0.1]])
    updates, _ = one_step(ol.newton(m.hess), m.grad(x), x)
    assert np.isnan(updates[0]).all() and np.isfinite(updates[1]).all()
    t = ol.run(ol.saddle_free_newton(m.hess), m, np.zeros(2), 5)  # |H| = 0 and g = 0: the step is 0/0
    assert t.diverged and t.diverged_at == 1 and t.n_valid == 1 and (t.path == 0).all()
    t = ol.run(ol.saddle_free_newton(m.hess, mu=0.1), m, np.zeros(2), 5)  # damping makes it well defined
    assert not t.diverged and (t.path == 0).all()


def test_validation():
    s = ol.saddle()
    with pytest.raises(ValueError, match="Invalid mu: -1.0"):
        ol.levenberg_marquardt(s.hess, mu=-1.0)
    with pytest.raises(ValueError, match="Invalid mu: -0.5"):
        ol.saddle_free_newton(s.hess, mu=-0.5)
    with pytest.raises(ValueError, match="Invalid learning_rate: -1.0"):
        ol.newton(s.hess, learning_rate=-1.0)
    with pytest.raises(ValueError, match="Invalid c: 1.5"):
        ol.damped_newton(s.f, s.hess, c=1.5)
    with pytest.raises(ValueError, match="Invalid shrink: 0.0"):
        ol.damped_newton(s.f, s.hess, shrink=0.0)
    with pytest.raises(ValueError, match="max_backtracks"):
        ol.damped_newton(s.f, s.hess, max_backtracks=-1)
    opt = ol.newton(s.hess)
    with pytest.raises(ValueError, match="needs params"):
        opt.update(np.ones(2), opt.init(np.ones(2)))
    with pytest.raises(ValueError, match=r"Invalid state: None \(must be the state"):
        opt.update(np.ones(2), None, np.ones(2))
    with pytest.raises(ValueError, match="Invalid grads: shape"):
        one_step(ol.newton(s.hess), np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="Invalid hessian"):
        one_step(ol.newton(lambda x: np.eye(3)), np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="Invalid dims"):
        ol.newton_cost([0, 10], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="Invalid repeats"):
        ol.newton_cost([10], rng=np.random.default_rng(0), repeats=0)


def test_newton_cost_and_slope():
    cost = ol.newton_cost([8, 16, 32], rng=np.random.default_rng(0), repeats=1)
    assert cost.d.tolist() == [8, 16, 32]
    assert cost.hessian_bytes.tolist() == [8 * 64, 8 * 256, 8 * 1024]
    assert ol.loglog_slope(cost.d, cost.hessian_bytes) == pytest.approx(2.0)
    assert ol.loglog_slope(cost.d, cost.gradient_bytes) == pytest.approx(1.0)
    assert (cost.solve_seconds > 0).all() and (cost.gradient_step_seconds > 0).all()
    assert ol.loglog_slope([1, 10, 100], [5, 5e3, 5e6]) == pytest.approx(3.0)


def test_gauss_newton():
    sp = pytest.importorskip("sympy")
    # linear residuals r = A x - b: J^T J is the exact Hessian, one step solves least squares
    rng = np.random.default_rng(0)
    A, b = rng.normal(size=(6, 3)), rng.normal(size=6)
    jac = lambda x: np.broadcast_to(A, np.shape(x)[:-1] + A.shape)
    x0 = rng.normal(size=(4, 3))
    updates, _ = one_step(ol.gauss_newton(jac), (x0 @ A.T - b) @ A, x0)
    assert_allclose(x0 + updates, np.broadcast_to(np.linalg.lstsq(A, b, rcond=None)[0], x0.shape), rtol=1e-10)
    # nonlinear zero-residual fit y = a exp(b t): converges, and its matrix is J^T J, not the Hessian
    a_, b_ = sp.symbols("a b")
    t = np.linspace(0, 1.5, 5)
    residuals = [a_ * sp.exp(b_ * ti) - 2.0 * np.exp(-0.7 * ti) for ti in t]
    r, J = ol.lambdify_jacobian(residuals, (a_, b_))
    s = ol.surface_from_expr("fit", sum(ri**2 for ri in residuals) / 2, (a_, b_), domain=((0, 3), (-2, 1)),
                             start=(1.0, 0.0), minima=(2.0, -0.7))
    x = np.array([1.0, 0.0])
    step, _ = one_step(ol.gauss_newton(J), s.grad(x), x)
    assert_allclose(step, -np.linalg.solve(J(x).T @ J(x), J(x).T @ r(x)), rtol=1e-12)
    assert np.abs(step + np.linalg.solve(s.hess(x), s.grad(x))).max() > 1e-3  # differs from Newton's step
    traj = ol.run(ol.gauss_newton(J), s, s.start, 12)
    assert_allclose(traj.path[-1], [2.0, -0.7], rtol=1e-12)
    damped, _ = one_step(ol.gauss_newton(J, mu=1e8), s.grad(x), x)
    assert_allclose(damped, -s.grad(x) / 1e8, rtol=1e-5)
    with pytest.raises(ValueError, match="Invalid mu: -1.0"):
        ol.gauss_newton(J, mu=-1.0)
    with pytest.raises(ValueError, match="Invalid jacobian"):
        one_step(ol.gauss_newton(lambda x: np.ones(3)), np.ones(2), np.ones(2))


def _exp_surface():
    """f = exp(x) + x^2 (1-D): its Hessian overflows to inf at x = 800 while x stays finite."""
    sp = pytest.importorskip("sympy")
    x = sp.Symbol("x")
    return ol.surface_from_expr("exp", sp.exp(x) + x**2, (x,), domain=((-1, 1),), start=(0.5,))


def test_a_row_with_a_non_finite_hessian_does_not_spoil_the_others():
    s = _exp_surface()
    X = np.array([[0.5], [800.0], [-0.3]])
    with np.errstate(over="ignore"):
        g = s.grad(X)
    for make in (lambda: ol.newton(s.hess), lambda: ol.saddle_free_newton(s.hess),
                 lambda: ol.levenberg_marquardt(s.hess, mu=0.1), lambda: ol.damped_newton(s.f, s.hess)):
        opt = make()
        with np.errstate(over="ignore", invalid="ignore"):
            batch, batch_state = opt.update(g, opt.init(X), X)
        assert np.isnan(batch[1]).all()
        for row in (0, 2):
            single, single_state = make().update(g[row], make().init(X[row]), X[row])
            assert_allclose(batch[row], single, rtol=1e-15)
            if isinstance(single_state, ol.DampedNewtonState):
                assert batch_state.fallback[row] == single_state.fallback
                assert batch_state.step_size[row] == single_state.step_size


def himmelblau_jacobian(p):
    """Himmelblau's f = |r|^2 with r = (x^2 + y - 11, x + y^2 - 7): J of sqrt(2) r, so that J^T J is GN's matrix."""
    x, y = p[..., 0], p[..., 1]
    return np.sqrt(2) * np.stack([np.stack([2 * x, np.ones_like(x)], -1), np.stack([np.ones_like(y), 2 * y], -1)], -2)


@pytest.mark.parametrize("make, grid", [
    (lambda h, f, v: ol.newton(h, learning_rate=v), [0.1, 0.5, 1.0]),
    (lambda h, f, v: ol.levenberg_marquardt(h, mu=v), [0.0, 1.0, 100.0]),
    (lambda h, f, v: ol.saddle_free_newton(h, mu=v), [0.0, 0.5, 3.0]),
    (lambda h, f, v: ol.gauss_newton(himmelblau_jacobian, mu=v), [1e-3, 1.0, 10.0]),
    (lambda h, f, v: ol.damped_newton(f, h, c=v), [1e-4, 0.3, 0.6]),
    (lambda h, f, v: ol.damped_newton(f, h, shrink=v), [0.1, 0.5, 0.9]),
], ids=["newton", "levenberg_marquardt", "saddle_free_newton", "gauss_newton", "damped_newton_c",
        "damped_newton_shrink"])
def test_batched_hyperparameters_equal_a_loop_over_settings(make, grid):
    s = ol.himmelblau()
    x0 = np.array([[0.3, -1.2], [-3.0, 2.5], [2.0, 0.5]])
    batched = ol.run(make(s.hess, s.f, np.array(grid)[:, None]), s, x0, 15)
    for k, value in enumerate(grid):
        single = ol.run(make(s.hess, s.f, value), s, x0[k], 15)
        assert_allclose(batched.path[:, k], single.path, rtol=1e-12, atol=1e-14)


def test_the_newton_family_takes_its_minus_sign_and_its_rate_from_scale_by_learning_rate():
    s, x = ol.rosenbrock(), np.array([[-1.2, 1.0], [0.5, 0.5]])
    direction, _ = one_step(ol.scale_by_newton(s.hess), s.grad(x), x)
    assert_allclose(direction, np.linalg.solve(s.hess(x), s.grad(x)[..., None])[..., 0])  # +H^-1 g, no sign
    eta = np.array([[0.5], [2.0]])                                   # one rate per row of the batch
    for make in (lambda lr: ol.newton(s.hess, lr), lambda lr: ol.levenberg_marquardt(s.hess, 0.1, lr),
                 lambda lr: ol.saddle_free_newton(s.hess, 0.1, lr),
                 lambda lr: ol.gauss_newton(lambda x: np.broadcast_to(np.eye(2), x.shape + (2,)), 0.1, lr)):
        full, _ = one_step(make(1.0), s.grad(x), x)
        assert_allclose(one_step(make(eta), s.grad(x), x)[0], eta * full, rtol=1e-14)
        rates = []
        opt = make(lambda t: rates.append(t) or 0.5 ** (t + 1))       # a schedule, called with the step count
        path = trajectory(opt, s.grad, x[0], 3)
        assert rates[-3:] == [0, 1, 2] and np.isfinite(path).all()  # (step 0 is also checked at construction)
        assert_allclose(path[0] - x[0], 0.5 * one_step(make(1.0), s.grad(x[0]), x[0])[0], rtol=1e-14)
