"""Every optimizer, driven by one registry: convergence, state shapes, purity, naive loops, batches, validation."""
import copy
import importlib
import inspect
import itertools
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import optimlib as ol
from loops import trajectory
from registry import NAMES, OPTIMIZERS

# A rotated quadratic with condition number 10, and Rosenbrock (1 - x)^2 + 100 (y - x^2)^2, written inline.
_c, _s = math.cos(0.5), math.sin(0.5)
_R = np.array([[_c, -_s], [_s, _c]])
A = _R @ np.diag([1.0, 10.0]) @ _R.T
B = np.array([1.0, -2.0])
X_QUAD = np.linalg.solve(A, B)


def quad_grad(x):
    return x @ A.T - B


def rosen_grad(p):
    x, y = p[..., 0], p[..., 1]
    return np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], axis=-1)


@pytest.mark.parametrize("name", NAMES)
def test_converges_on_a_quadratic(name):
    case = OPTIMIZERS[name]
    x = trajectory(case.make(**case.quad), quad_grad, [3.0, 3.0], 300)[-1]
    assert_allclose(x, X_QUAD, atol=1e-4)


@pytest.mark.parametrize("name", NAMES)
def test_converges_on_rosenbrock(name):
    case = OPTIMIZERS[name]
    x = trajectory(case.make(**case.rosen), rosen_grad, [-1.2, 1.0], case.rosen_steps)[-1]
    assert_allclose(x, [1.0, 1.0], atol=1e-2)


@pytest.mark.parametrize("name", NAMES)
def test_equals_a_naive_loop_in_paper_form(name):
    case = OPTIMIZERS[name]
    steps = 40
    ours = trajectory(case.make(**case.settings), rosen_grad, [-0.5, 0.8], steps)
    naive = case.naive(rosen_grad, [-0.5, 0.8], steps, **case.settings)
    assert_allclose(ours, naive, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("name", NAMES)
def test_batched_hyperparameters_equal_a_loop_over_settings(name):
    case = OPTIMIZERS[name]
    varied = set(inspect.signature(case.make).parameters) - {"nesterov", "centered"} - (
        {"momentum"} if name == "sgd" else set())  # sgd's momentum is the "momentum" entry
    assert set(case.grid) == varied, f"every hyperparameter of {name} is varied in its grid"
    x0 = np.array([[0.5, -1.0], [-1.0, 2.0], [2.0, 0.3]])
    batch = {k: np.array(v, dtype=float)[:, None] for k, v in case.grid.items()}
    batched = trajectory(case.make(**batch), quad_grad, x0, 25)
    for k in range(3):
        single = trajectory(case.make(**{h: v[k] for h, v in case.grid.items()}), quad_grad, x0[k], 25)
        assert_allclose(batched[:, k], single, rtol=1e-13, atol=1e-15)


def dict_params():
    rng = np.random.default_rng(1)
    return {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}


@pytest.mark.parametrize("name", NAMES)
def test_state_shapes_are_kept_and_no_input_is_mutated(name):
    case = OPTIMIZERS[name]
    opt = case.make(**case.settings)
    params = dict_params()
    rng = np.random.default_rng(2)
    state = opt.init(params)
    state_leaves = lambda s: [a for a in _leaves(s) if isinstance(a, np.ndarray)]
    shapes = [a.shape for a in state_leaves(state)]
    assert shapes or name == "sgd", "every optimizer but plain SGD keeps arrays"
    assert all(a.shape in {p.shape for p in params.values()} for a in state_leaves(state))
    for _ in range(3):
        grads = {k: rng.normal(size=v.shape) for k, v in params.items()}
        saved = [a.copy() for a in _leaves((grads, params, state))]
        updates, new_state = opt.update(grads, state, params)
        for before, after in zip(saved, _leaves((grads, params, state))):
            assert_array_equal(before, after)
        assert [a.shape for a in state_leaves(new_state)] == shapes
        assert {k: u.shape for k, u in updates.items()} == {k: p.shape for k, p in params.items()}
        params, state = ol.apply_updates(params, updates), new_state


def _leaves(tree):
    if isinstance(tree, dict):
        return [x for v in tree.values() for x in _leaves(v)]
    if isinstance(tree, tuple):
        return [x for v in tree for x in _leaves(v)]
    return [tree] if isinstance(tree, np.ndarray) else []


@pytest.mark.parametrize("name", NAMES)
def test_zero_dimensional_params_are_arrays_like_any_other(name):
    case = OPTIMIZERS[name]
    scalar = trajectory(case.make(**case.settings), lambda x: x**3 - 1.0, 0.5, 5)
    vector = trajectory(case.make(**case.settings), lambda x: x**3 - 1.0, [0.5], 5)
    assert scalar.shape == (5,)
    assert_array_equal(scalar, vector[:, 0])


@pytest.mark.parametrize("name", NAMES)
def test_float32_params_stay_float32(name):
    case = OPTIMIZERS[name]
    opt = case.make(**case.settings)
    params = np.array([0.5, -1.0], dtype=np.float32)
    state = opt.init(params)
    for _ in range(3):
        updates, state = opt.update(params * np.float32(2), state, params)
        params = ol.apply_updates(params, updates)
    assert params.dtype == np.float32
    assert all(a.dtype == np.float32 for a in _leaves(state))


@pytest.mark.parametrize("name", NAMES)
def test_grad_shape_must_match(name):
    case = OPTIMIZERS[name]
    opt = case.make(**case.settings)
    with pytest.raises(ValueError, match="shape"):
        opt.update(np.ones((3, 2)), opt.init(np.zeros(2)), np.zeros(2))
    with pytest.raises(ValueError, match="shape"):
        opt.update(np.ones(3), opt.init(np.zeros(2)), np.zeros(2))


@pytest.mark.parametrize("make, message", [
    (lambda: ol.sgd(-0.1), r"^Invalid learning_rate: -0.1 \(must be >= 0\)$"),
    (lambda: ol.sgd(np.array([[0.1], [-1.0]])), r"Invalid learning_rate: -1.0 at index \(1, 0\)"),
    (lambda: ol.sgd(0.1, momentum=1.0), r"^Invalid momentum: 1.0 \(must be in \[0, 1\)\)$"),
    (lambda: ol.sgd(0.1, momentum=-0.5), r"^Invalid momentum: -0.5"),
    (lambda: ol.sgd(0.1, momentum=np.array([0.5, 1.2])), r"Invalid momentum: 1.2 at index \(1,\)"),
    (lambda: ol.sgd(0.1, nesterov=True), r"Invalid momentum: 0.0 \(nesterov=True requires momentum > 0\)"),
    (lambda: ol.sgd(0.1, momentum=np.array([0.0, 0.5]), nesterov=True), r"nesterov=True requires momentum > 0"),
    (lambda: ol.sgd(0.1, momentum=0.5, nesterov="yes"), r"Invalid nesterov: 'yes'"),
    (lambda: ol.heavy_ball(0.1, momentum=1.5), r"Invalid momentum: 1.5"),
    (lambda: ol.adagrad(-1.0), r"Invalid learning_rate: -1.0"),
    (lambda: ol.adagrad(0.1, eps=-1e-10), r"^Invalid eps: -1e-10 \(must be >= 0\)$"),
    (lambda: ol.adagrad(0.1, initial_accumulator_value=-0.1), r"Invalid initial_accumulator_value: -0.1"),
    (lambda: ol.adadelta(rho=1.0), r"^Invalid rho: 1.0 \(must be in \[0, 1\)\)$"),
    (lambda: ol.adadelta(rho=-0.1), r"Invalid rho: -0.1"),
    (lambda: ol.adadelta(eps=-1.0), r"Invalid eps: -1.0"),
    (lambda: ol.adadelta(learning_rate=np.nan), r"Invalid learning_rate: nan"),
    (lambda: ol.rmsprop(0.01, decay=1.0), r"^Invalid decay: 1.0 \(must be in \[0, 1\)\)$"),
    (lambda: ol.rmsprop(0.01, eps=-1e-8), r"Invalid eps: -1e-08"),
    (lambda: ol.adam(b1=1.0), r"^Invalid b1: 1.0 \(must be in \[0, 1\)\)$"),
    (lambda: ol.adam(b2=-0.1), r"^Invalid b2: -0.1 \(must be in \[0, 1\)\)$"),
    (lambda: ol.adam(b2=np.array([[0.9], [1.5]])), r"Invalid b2: 1.5 at index \(1, 0\)"),
    (lambda: ol.adam(eps=-1e-8), r"Invalid eps: -1e-08"),
    (lambda: ol.adam(learning_rate="0.1"), r"Invalid learning_rate: '0.1'"),
    (lambda: ol.adamw(weight_decay=-0.01), r"^Invalid weight_decay: -0.01 \(must be >= 0\)$"),
    (lambda: ol.adamw(b1=1.1), r"Invalid b1: 1.1"),
    (lambda: ol.adam_l2(weight_decay=-1.0), r"Invalid weight_decay: -1.0"),
    (lambda: ol.amsgrad(b2=1.0), r"Invalid b2: 1.0"),
    (lambda: ol.scale_by_adam(bias_correction=True, eps=np.inf), r"Invalid eps: inf"),
])
def test_bad_hyperparameters_raise_at_construction(make, message):
    with pytest.raises(ValueError, match=message):
        make()


SIGNED = [name for name in NAMES if OPTIMIZERS[name].direction is not None]


@pytest.mark.parametrize("name", SIGNED)
def test_the_transforms_keep_the_gradient_sign_the_minus_is_applied_once(name):
    # the one minus sign is scale_by_learning_rate's: every other transform maps g > 0 (and params > 0) to a
    # positive update, and the full optimizers therefore step against the gradient
    transform = OPTIMIZERS[name].direction()
    params = np.array([0.5, 2.0])
    state = transform.init(params)
    for g in ([1.0, 3.0], [2.0, 0.5], [0.1, 0.2]):
        updates, state = transform.update(np.array(g), state, params)
        assert (updates > 0).all()


@pytest.mark.parametrize("name", NAMES)
def test_the_state_has_the_chapters_fields(name):
    case = OPTIMIZERS[name]
    state = case.make(**case.settings).init(np.zeros(2))
    assert tuple(getattr(s, "_fields", ()) for s in state) == case.states


@pytest.mark.parametrize("name", NAMES)
def test_updates_and_state_share_no_memory(name):
    case = OPTIMIZERS[name]
    opt = case.make(**case.settings)
    params, rng = dict_params(), np.random.default_rng(4)
    state = opt.init(params)
    for a, b in itertools.combinations(_leaves(state), 2):  # init never shares one array between two fields
        assert not np.shares_memory(a, b)
    grads = [{k: rng.normal(size=v.shape) for k, v in params.items()} for _ in range(3)]
    updates, state = opt.update(grads[0], state, params)
    for u in _leaves(updates):
        assert not any(np.shares_memory(u, a) for a in _leaves(state))
    # a caller that changes the returned arrays in place (updates *= ..., an in-place apply) changes nothing after
    kept = copy.deepcopy(state)
    expected = opt.update(grads[1], kept, params)[0]
    for u in _leaves(updates):
        u *= -1e6
    assert_equal_trees(opt.update(grads[1], state, params)[0], expected)


def assert_equal_trees(a, b):
    for x, y in zip(_leaves(a), _leaves(b), strict=True):
        assert_array_equal(x, y)


@pytest.mark.parametrize("name", NAMES)
def test_a_schedule_is_accepted_wherever_a_learning_rate_is(name):
    case = OPTIMIZERS[name]
    rates = []
    schedule = lambda t: rates.append(t) or 1e-3 * 0.5 ** t
    opt = case.make(**dict(case.settings, learning_rate=schedule))
    path = trajectory(opt, quad_grad, [1.0, -1.0], 3)
    assert np.isfinite(path).all() and rates[-3:] == [0, 1, 2]  # step 0 is also checked at construction


def test_weight_decay_needs_params():
    opt = ol.adamw()
    with pytest.raises(ValueError, match="Invalid params: None"):
        opt.update(np.ones(2), opt.init(np.zeros(2)))


def test_hyperparameter_array_must_broadcast_to_params():
    with pytest.raises(ValueError, match=r"Invalid b1: shape \(4, 1\) does not broadcast to params shape \(3, 2\)"):
        ol.adam(b1=np.full((4, 1), 0.9)).init(np.zeros((3, 2)))


def test_sgd_without_momentum_keeps_no_buffer():
    assert [type(s).__name__ for s in ol.sgd(0.1).init(np.zeros(2))] == ["ScaleByLearningRateState"]


def test_heavy_ball_velocity_form_differs_from_sgd_once_the_rate_changes():
    rate = ol.step_decay(0.1, step_size=2, gamma=0.1)
    torch_form = trajectory(ol.sgd(rate, momentum=0.9), quad_grad, [1.0, 1.0], 5)
    velocity = trajectory(ol.heavy_ball(rate, momentum=0.9), quad_grad, [1.0, 1.0], 5)
    assert_allclose(torch_form[:2], velocity[:2], rtol=1e-14)      # same while the rate is constant
    assert np.abs(torch_form[2:] - velocity[2:]).min() > 1e-3       # then not
    assert_allclose(velocity, naive_velocity_with_schedule(rate, [1.0, 1.0], 5), rtol=1e-13)


def naive_velocity_with_schedule(rate, x0, steps):
    x, v, path = np.array(x0), np.zeros(2), []
    for t in range(steps):
        v = 0.9 * v - rate(t) * quad_grad(x)
        x = x + v
        path.append(x)
    return np.array(path)


@pytest.mark.parametrize("bias_correction", [True, False])
@pytest.mark.parametrize("dtype, b1", [(np.float64, np.array([[0.9], [0.5], [0.0], [0.99]])), (np.float32, 0.9)])
def test_adams_large_leaf_path_equals_the_readable_body_bit_for_bit(bias_correction, dtype, b1, monkeypatch):
    # leaves of 2^16 entries or more take the allocation-light path: force each path on the same problem
    adam_module = importlib.import_module("optimlib.optim.adam")   # (ol.optim.adam is the function)
    rng = np.random.default_rng(3)
    params = rng.normal(size=(4, 300)).astype(dtype)
    grads = [rng.normal(size=params.shape).astype(dtype) for _ in range(5)]

    def steps(large):
        monkeypatch.setattr(adam_module, "_LARGE", 1 if large else 1 << 62)
        opt = ol.scale_by_adam(b1=b1, bias_correction=bias_correction)
        state, out = opt.init(params), []
        for g in grads:
            u, state = opt.update(g, state)
            out.append((u, state))
        return out

    for (u1, s1), (u2, s2) in zip(steps(True), steps(False)):
        assert u1.dtype == u2.dtype == s1.m.dtype == dtype
        assert np.array_equal(u1, u2) and np.array_equal(s1.m, s2.m) and np.array_equal(s1.v, s2.v)
