"""optimlib.run: trajectories, divergence as a state, batches."""
import types
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

import optimlib as ol


@pytest.fixture(autouse=True)
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # run must never emit RuntimeWarnings, even while diverging
        yield


def _finite(t):
    return all(np.isfinite(a).all() for a in (t.path, t.loss, t.grad_norm))


def test_gradient_descent_diverges_at_the_right_step():
    q = ol.quadratic(condition_number=1.0)  # f = |x|^2 / 2, lambda = 1
    x0 = np.array([1.0, 0.5])
    t = ol.run(ol.sgd(3.0), q, x0, 100)  # eta * lambda = 3: x_k = (-2)^k x0
    assert t.diverged is True and t.diverged_at == 20  # 2^19 < 1e6 < 2^20
    assert t.path.shape == (101, 2) and t.loss.shape == (101,) and t.grad_norm.shape == (101,)  # one shape
    assert t.n_valid == 20 and t.valid().path.shape == (20, 2) and t.valid().loss.shape == (20,)
    assert_allclose(t.valid().path, (-2.0) ** np.arange(20)[:, None] * x0, rtol=0)
    assert (t.path[20:] == t.path[19]).all() and (t.loss[20:] == t.loss[19]).all()  # frozen at x_19
    assert _finite(t) and t.steps == 100
    t = ol.run(ol.sgd(1.9), q, x0, 100)
    assert not t.diverged and t.diverged_at is None and t.path.shape == (101, 2) and t.n_valid == 101
    assert t.valid().path.shape == (101, 2)
    t = ol.run(ol.sgd(2.0), q, x0, 50)  # eta * lambda = 2 oscillates forever between x0 and -x0
    assert not t.diverged
    assert_allclose(t.path[-2:], [-x0, x0], rtol=0)


def test_overflow_is_divergence_without_warnings():
    q = (lambda x: 0.5 * (x * x).sum(-1), lambda x: x)
    t = ol.run(ol.sgd(3.0), q, np.array([1.0]), 2000, bound=np.inf)
    assert t.diverged and t.diverged_at == 512  # x_k^2 = 4^k overflows first, at k = 512
    assert _finite(t) and t.path[-1, 0] == -(2.0**511)
    t = ol.run(ol.sgd(3.0), q, np.ones((2, 1)), 2000, bound=np.inf)
    assert (t.diverged_at == 512).all() and t.path.shape == (2001, 2, 1) and _finite(t)


def test_batch_freezes_diverged_rows_and_continues_the_others():
    q = ol.quadratic(condition_number=1.0)
    eta = np.array([[0.5], [1.9], [2.1], [3.0]])
    x0 = np.tile([1.0, -0.5], (4, 1))
    t = ol.run(ol.sgd(eta), q, x0, 200)
    assert t.path.shape == (201, 4, 2) and t.loss.shape == (201, 4) and t.grad_norm.shape == (201, 4)
    assert t.diverged.tolist() == [False, False, True, True]
    assert t.diverged_at.tolist() == [-1, -1, 145, 20]  # |1 - 2.1|^k exceeds 1e6 at k = 145, 2^k at k = 20
    assert t.n_valid.tolist() == [201, 201, 145, 20]
    assert _finite(t)
    with pytest.raises(ValueError, match=r"Invalid call: valid\(\) of a batch"):
        t.valid()
    for row in range(4):
        single = ol.run(ol.sgd(float(eta[row, 0])), q, x0[row], 200)
        assert single.path.shape == t.path[:, row].shape  # the same shape, single or batched
        assert_allclose(t.path[:, row], single.path, rtol=1e-15)
        assert_allclose(t.loss[:, row], single.loss, rtol=1e-15)
        n = single.n_valid
        assert (t.path[n:, row] == single.path[n - 1]).all()  # frozen at the last finite point
        assert (t.loss[n:, row] == single.loss[n - 1]).all()


def test_batch_stops_early_when_all_rows_diverged():
    q = ol.quadratic(condition_number=1.0)
    calls = []
    grad = lambda x, step: calls.append(step) or x
    t = ol.run(ol.sgd(np.array([[3.0], [5.0]])), q, np.ones((2, 2)), 500, grad_fn=grad)
    assert t.diverged_at.tolist() == [20, 10]  # |x_k| = 2^k and 4^k pass 1e6 at k = 20 and 10
    assert len(calls) == 21 and t.path.shape == (501, 2, 2)
    assert (t.path[20:] == t.path[19]).all() and _finite(t)


def test_nan_gradient_is_divergence():
    s = ol.rosenbrock()
    grad_fn = lambda x, step: s.grad(x) if step < 7 else np.full_like(x, np.nan)
    t = ol.run(ol.sgd(1e-3), s, s.start, 20, grad_fn=grad_fn)
    assert t.diverged and t.diverged_at == 7 and t.n_valid == 7 and t.path.shape == (21, 2) and _finite(t)
    x0 = np.stack([s.start, s.start + 0.1])
    grad_fn = lambda x, step: np.where((step >= 4) & (np.arange(2)[:, None] == 1), np.inf, s.grad(x))
    t = ol.run(ol.sgd(1e-3), s, x0, 10, grad_fn=grad_fn)
    assert t.diverged_at.tolist() == [-1, 4] and _finite(t)


def test_nan_from_the_optimizer_is_divergence():
    def update(grads, state, params=None):
        return (np.full_like(grads, np.nan) if state == 3 else -0.01 * grads), state + 1

    opt = ol.GradientTransformation(lambda params: 0, update)
    s = ol.himmelblau()
    t = ol.run(opt, s, s.start, 10)
    assert t.diverged_at == 4 and t.valid().path.shape == (4, 2) and t.path.shape == (11, 2) and _finite(t)


def test_loss_and_grad_norm_agree_with_the_surface():
    s = ol.rosenbrock()
    t = ol.run(ol.sgd(1e-3, momentum=0.9), s, s.start, 300)
    assert_allclose(t.loss, s.f(t.path), rtol=1e-14)
    assert_allclose(t.grad_norm, np.linalg.norm(s.grad(t.path), axis=-1), rtol=1e-14)
    assert t.loss[-1] < 0.1 * t.loss[0]
    x0 = np.random.default_rng(0).uniform(-1.5, 1.5, size=(6, 2))
    t = ol.run(ol.adam(0.05), s, x0, 100)
    assert_allclose(t.loss, s.f(t.path), rtol=1e-14)


def test_follows_a_hand_written_loop():
    s = ol.beale()
    opt = ol.sgd(1e-3, momentum=0.5)
    x, state, path = s.start, opt.init(s.start), [s.start]
    for _ in range(25):
        updates, state = opt.update(s.grad(x), state, x)
        x = ol.apply_updates(x, updates)
        path.append(x)
    assert_allclose(ol.run(opt, s, s.start, 25).path, path, rtol=1e-15)


def test_surface_forms_and_grad_fn_steps():
    f, grad = (lambda x: (x**2).sum(-1), lambda x: 2 * x)
    x0 = np.array([1.0, 2.0])
    a = ol.run(ol.sgd(0.1), (f, grad), x0, 5)
    b = ol.run(ol.sgd(0.1), types.SimpleNamespace(f=f, grad=grad), x0, 5)
    assert_allclose(a.path, b.path)
    assert_allclose(a.path[-1], 0.8**5 * x0)
    seen = []
    c = ol.run(ol.sgd(0.1), (f, None), x0, 5, grad_fn=lambda x, step: seen.append(step) or grad(x))
    assert seen == [0, 1, 2, 3, 4, 5]
    assert_allclose(c.path, a.path)
    t = ol.run(ol.sgd(0.1), (f, grad), x0, 0)
    assert t.path.shape == (1, 2) and not t.diverged


def test_validation():
    s = ol.rosenbrock()
    opt = ol.sgd(0.01)
    with pytest.raises(ValueError, match="Invalid steps: -1"):
        ol.run(opt, s, s.start, -1)
    with pytest.raises(ValueError, match="Invalid steps: 2.5"):
        ol.run(opt, s, s.start, 2.5)
    with pytest.raises(ValueError, match="Invalid bound: 0"):
        ol.run(opt, s, s.start, 5, bound=0)
    with pytest.raises(ValueError, match=r"Invalid x0: shape \(3,\)"):
        ol.run(opt, s, np.zeros(3), 5)
    with pytest.raises(ValueError, match="Invalid x0"):
        ol.run(opt, s, np.array([np.nan, 0.0]), 5)
    with pytest.raises(ValueError, match="Invalid x0"):
        ol.run(opt, s, np.array([2e6, 0.0]), 5)
    with pytest.raises(ValueError, match="Invalid surface"):
        ol.run(opt, 42, s.start, 5)
    with pytest.raises(ValueError, match="Invalid grads: shape"):
        ol.run(opt, s, s.start, 5, grad_fn=lambda x, step: np.zeros(3))


@pytest.mark.parametrize("x0", [np.array([1.0, 2.0]), np.ones((3, 2))], ids=["single", "batch"])
def test_a_gradient_of_the_wrong_shape_raises_at_any_step(x0):
    q = (lambda x: (x**2).sum(-1), None)
    for bad_from in (0, 3):
        grad_fn = lambda x, step: 2 * x if step < bad_from else (2 * x)[..., None]
        with pytest.raises(ValueError, match=r"Invalid grads: shape \(.*, 1\) does not match params shape"):
            ol.run(ol.sgd(0.1), q, x0, 10, grad_fn=grad_fn)


def test_a_gradient_given_as_a_list_is_accepted():
    q = (lambda x: (x**2).sum(-1), None)
    t = ol.run(ol.sgd(0.1), q, np.array([1.0, 2.0]), 5, grad_fn=lambda x, step: [2 * x[0], 2 * x[1]])
    assert_allclose(t.path[-1], 0.8**5 * np.array([1.0, 2.0]))


# steps_to: the steps to a tolerance, first hit or settled, one run or a batch, diverged runs never reach

def _geometric(rate, steps=30):
    """x_k = (1 - rate)^k on f = x^2 / 2: |x_k| / |x_0| = |1 - rate|^k exactly."""
    quad = (lambda x: 0.5 * (x**2).sum(-1), lambda x: x)
    return ol.run(ol.sgd(rate), quad, np.ones(1) if np.ndim(rate) == 0 else np.ones((len(rate), 1)), steps)


def test_steps_to_first_hit_matches_the_closed_form():
    t = _geometric(0.5)                                    # |x_k| = 2^-k, f_k / f_0 = 4^-k
    assert t.steps_to(1e-3, measure="distance", reference=[0.0]) == 10      # 2^-10 = 9.8e-4
    assert t.steps_to(1e-3) == 5                                            # 4^-5 = 9.8e-4
    assert t.steps_to(1e-3, measure="grad_norm") == 10                      # g = x
    assert t.steps_to(2.0 ** -10, measure="distance", reference=[0.0]) == 10  # <= counts
    assert t.steps_to(1e-3, relative=False) == 5                            # f_0 = 1/2: 4^-5 / 2
    assert t.steps_to(1e-30) is None                                        # not within 30 steps


def test_steps_to_settle_waits_for_the_last_exit():
    # the distance to 0.5 of x_k = (-1/2)^k * 2: 2.5, 1.5, 0.0, 1.0, 0.0, 0.75, ... inside 0.6 at k = 2 first,
    # and for good only once |x_k| + 0.5 <= 0.6 never fails again
    t = ol.run(ol.sgd(1.5), (lambda x: 0.5 * (x**2).sum(-1), lambda x: x), np.array([2.0]), 12)
    d = np.abs(t.path[:, 0] - 0.5)
    first, last_out = int(np.argmax(d <= 0.6)), int(np.nonzero(d > 0.6)[0][-1])
    assert first < last_out + 1
    assert t.steps_to(0.6, measure="distance", reference=[0.5], relative=False) == first
    assert t.steps_to(0.6, measure="distance", reference=[0.5], relative=False, settle=True) == last_out + 1
    assert t.steps_to(0.1, measure="distance", reference=[0.5], relative=False, settle=True) is None  # ends outside


def test_steps_to_batch_and_divergence():
    t = _geometric(np.array([[0.5], [0.9], [1.0], [3.0]]))   # 2^-k, 10^-k, at 0 after one step, diverges
    assert t.diverged.tolist() == [False, False, False, True]
    assert t.steps_to(1e-3, measure="distance", reference=0.0).tolist() == [10, 3, 1, -1]
    assert t.steps_to(1e-3, measure="distance", reference=0.0, settle=True).tolist() == [10, 3, 1, -1]
    with_loss_levels = t.steps_to(1e-3, reference=np.zeros(4))
    assert with_loss_levels.tolist() == [5, 2, 1, -1]


def test_steps_to_a_run_that_starts_at_its_target_has_reached():
    t = _geometric(0.5)
    assert t.steps_to(1e-3, measure="distance", reference=[1.0]) == 0   # x_0 = 1 is the reference


def test_steps_to_validation():
    t = _geometric(0.5)
    for bad in (0, -1e-3, float("nan"), float("inf"), True, "1e-3"):
        with pytest.raises(ValueError, match="Invalid tol"):
            t.steps_to(bad)
    with pytest.raises(ValueError, match="Invalid measure: 'gap'"):
        t.steps_to(1e-3, measure="gap")
    with pytest.raises(ValueError, match="Invalid reference: None"):
        t.steps_to(1e-3, measure="distance")
    with pytest.raises(ValueError, match="Invalid reference"):
        t.steps_to(1e-3, measure="grad_norm", reference=0.0)


def test_steps_to_a_run_that_reaches_then_diverges_never_reaches():
    rate = lambda step: 0.5 if step < 10 else 5.0           # |x_10| = 2^-10, then x <- -4x until it blows up
    t = ol.run(ol.sgd(rate), (lambda x: 0.5 * (x**2).sum(-1), lambda x: x), np.ones(1), 40)
    assert t.diverged and t.diverged_at > 10
    assert t.steps_to(1e-3, measure="distance", reference=[0.0]) is None
