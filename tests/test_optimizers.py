"""Every optimizer, driven by one registry: convergence, state shapes, purity, naive loops, batches, validation."""
import inspect
import math
from functools import partial
from typing import Callable, NamedTuple

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import optimlib as ol
from loops import trajectory

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


def adam_no_bias(learning_rate=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    return ol.chain(ol.scale_by_adam(b1, b2, eps, bias_correction=False), ol.scale_by_learning_rate(learning_rate))


# ------------------------------------------------------------------ naive loops, paper form, one coordinate at a time

def naive_momentum(grad, x0, steps, learning_rate, momentum=0.0):
    """Polyak's heavy ball in velocity form: v <- mu v - eta g(x); x <- x + v."""
    x, v, path = list(x0), [0.0] * len(x0), []
    for _ in range(steps):
        g = grad(np.array(x))
        for i in range(len(x)):
            v[i] = momentum * v[i] - learning_rate * g[i]
            x[i] = x[i] + v[i]
        path.append(list(x))
    return np.array(path)


def naive_nesterov(grad, x0, steps, learning_rate, momentum):
    """Sutskever's look-ahead form; returns the look-ahead points x + mu v, which sgd(nesterov=True) stores."""
    x, v, path = list(x0), [0.0] * len(x0), []
    for _ in range(steps):
        g = grad(np.array([x[i] + momentum * v[i] for i in range(len(x))]))
        for i in range(len(x)):
            v[i] = momentum * v[i] - learning_rate * g[i]
            x[i] = x[i] + v[i]
        path.append([x[i] + momentum * v[i] for i in range(len(x))])
    return np.array(path)


def naive_adagrad(grad, x0, steps, learning_rate, eps=1e-10, initial_accumulator_value=0.0):
    x, G, path = list(x0), [initial_accumulator_value] * len(x0), []
    for _ in range(steps):
        g = grad(np.array(x))
        for i in range(len(x)):
            G[i] += g[i] ** 2
            x[i] -= learning_rate * g[i] / (eps + math.sqrt(G[i]))
        path.append(list(x))
    return np.array(path)


def naive_adadelta(grad, x0, steps, learning_rate=1.0, rho=0.9, eps=1e-6):
    """Zeiler (2012), Algorithm 1 (times learning_rate, which is 1 in the paper)."""
    x, Eg2, Edx2, path = list(x0), [0.0] * len(x0), [0.0] * len(x0), []
    for _ in range(steps):
        g = grad(np.array(x))
        for i in range(len(x)):
            Eg2[i] = rho * Eg2[i] + (1 - rho) * g[i] ** 2
            dx = -math.sqrt(Edx2[i] + eps) / math.sqrt(Eg2[i] + eps) * g[i]
            Edx2[i] = rho * Edx2[i] + (1 - rho) * dx ** 2
            x[i] += learning_rate * dx
        path.append(list(x))
    return np.array(path)


def naive_rmsprop(grad, x0, steps, learning_rate, decay=0.99, eps=1e-8, centered=False):
    x, Eg, Eg2, path = list(x0), [0.0] * len(x0), [0.0] * len(x0), []
    for _ in range(steps):
        g = grad(np.array(x))
        for i in range(len(x)):
            Eg2[i] = decay * Eg2[i] + (1 - decay) * g[i] ** 2
            Eg[i] = decay * Eg[i] + (1 - decay) * g[i] if centered else 0.0
            x[i] -= learning_rate * g[i] / (math.sqrt(Eg2[i] - Eg[i] ** 2) + eps)
        path.append(list(x))
    return np.array(path)


def naive_adam(grad, x0, steps, learning_rate=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0, l2=0.0,
               amsgrad=False, bias_correction=True):
    """Kingma & Ba, Algorithm 1; L2 adds l2*x to g; decoupled decay subtracts weight_decay*lr*x (Loshchilov &
    Hutter, Algorithm 2, with their lambda = lr * weight_decay and eta_t = 1); amsgrad keeps max v."""
    n = len(x0)
    x, m, v, v_max, path = list(x0), [0.0] * n, [0.0] * n, [0.0] * n, []
    for t in range(1, steps + 1):
        g = grad(np.array(x))
        for i in range(n):
            gi = g[i] + l2 * x[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi ** 2
            v_max[i] = max(v_max[i], v[i])
            vv = v_max[i] if amsgrad else v[i]
            m_hat, v_hat = (m[i] / (1 - b1 ** t), vv / (1 - b2 ** t)) if bias_correction else (m[i], vv)
            x[i] -= learning_rate * (m_hat / (math.sqrt(v_hat) + eps) + weight_decay * x[i])
        path.append(list(x))
    return np.array(path)


# ------------------------------------------------------------------------------------------------- the registry

class Case(NamedTuple):
    make: Callable        # make(**hyperparameters) -> GradientTransformation
    quad: dict            # tuned for the quadratic (300 steps)
    rosen: dict           # tuned for Rosenbrock from (-1.2, 1)
    rosen_steps: int
    naive: Callable       # naive(grad, x0, steps, **hyperparameters) -> path, paper form
    settings: dict        # non-default hyperparameters for the naive comparison
    grid: dict            # name -> 3 values, for batched == looped


REGISTRY = {
    "sgd": Case(ol.sgd, dict(learning_rate=0.18), dict(learning_rate=2e-3), 10000, naive_momentum,
                dict(learning_rate=1e-3), dict(learning_rate=[0.01, 0.1, 0.15])),
    "momentum": Case(ol.sgd, dict(learning_rate=0.05, momentum=0.7), dict(learning_rate=1e-3, momentum=0.95), 3000,
                     naive_momentum, dict(learning_rate=1e-3, momentum=0.8),
                     dict(learning_rate=[0.01, 0.05, 0.1], momentum=[0.0, 0.5, 0.9])),
    "nesterov": Case(partial(ol.sgd, nesterov=True), dict(learning_rate=0.1, momentum=0.7),
                     dict(learning_rate=1e-3, momentum=0.95), 3000, naive_nesterov,
                     dict(learning_rate=1e-3, momentum=0.8),
                     dict(learning_rate=[0.01, 0.05, 0.1], momentum=[0.3, 0.5, 0.9])),
    "heavy_ball": Case(ol.heavy_ball, dict(learning_rate=0.05, momentum=0.7), dict(learning_rate=1e-3, momentum=0.95),
                       3000, naive_momentum, dict(learning_rate=1e-3, momentum=0.8),
                       dict(learning_rate=[0.01, 0.05, 0.1], momentum=[0.0, 0.5, 0.9])),
    "adagrad": Case(ol.adagrad, dict(learning_rate=2.0), dict(learning_rate=0.5), 10000, naive_adagrad,
                    dict(learning_rate=0.3, eps=1e-3, initial_accumulator_value=0.5),
                    dict(learning_rate=[0.1, 0.5, 1.0], eps=[0.0, 1e-3, 0.1], initial_accumulator_value=[0, 0.1, 1])),
    "adadelta": Case(ol.adadelta, dict(rho=0.95, eps=1e-4),
                     dict(learning_rate=ol.exponential_decay(1.0, 0.9997), rho=0.95, eps=1e-6), 12000,
                     naive_adadelta, dict(learning_rate=1.0, rho=0.8, eps=1e-4),
                     dict(learning_rate=[0.5, 1.0, 2.0], rho=[0.5, 0.9, 0.99], eps=[1e-6, 1e-4, 1e-2])),
    "rmsprop": Case(ol.rmsprop, dict(learning_rate=ol.cosine_decay(0.1, decay_steps=300)),
                    dict(learning_rate=ol.exponential_decay(0.01, 0.999), decay=0.99), 6000, naive_rmsprop,
                    dict(learning_rate=0.01, decay=0.7, eps=1e-3),
                    dict(learning_rate=[0.001, 0.01, 0.1], decay=[0.5, 0.9, 0.99], eps=[0.0, 1e-8, 1e-2])),
    "centered_rmsprop": Case(partial(ol.rmsprop, centered=True), dict(learning_rate=ol.cosine_decay(0.05, 300)),
                             dict(learning_rate=ol.exponential_decay(0.005, 0.999), decay=0.99), 6000,
                             partial(naive_rmsprop, centered=True), dict(learning_rate=0.01, decay=0.7, eps=1e-3),
                             dict(learning_rate=[0.001, 0.01, 0.1], decay=[0.5, 0.9, 0.99], eps=[0.0, 1e-8, 1e-2])),
    "adam": Case(ol.adam, dict(learning_rate=0.3, b1=0.5), dict(learning_rate=0.03), 3000, naive_adam,
                 dict(learning_rate=0.05, b1=0.8, b2=0.99, eps=1e-3),
                 dict(learning_rate=[0.01, 0.1, 0.3], b1=[0.0, 0.5, 0.9], b2=[0.9, 0.99, 0.999], eps=[0, 1e-8, 0.1])),
    "adam_no_bias": Case(adam_no_bias, dict(learning_rate=0.3, b1=0.5), dict(learning_rate=0.03), 3000,
                         partial(naive_adam, bias_correction=False),
                         dict(learning_rate=0.05, b1=0.8, b2=0.99, eps=1e-3),
                         dict(learning_rate=[0.01, 0.1, 0.3], b1=[0.0, 0.5, 0.9], b2=[0.9, 0.99, 0.999],
                              eps=[0.0, 1e-8, 0.1])),
    "adamw": Case(ol.adamw, dict(learning_rate=0.3, b1=0.5, weight_decay=1e-4),
                  dict(learning_rate=0.03, weight_decay=1e-4), 3000, naive_adam,
                  dict(learning_rate=0.05, b1=0.8, b2=0.99, eps=1e-3, weight_decay=0.3),
                  dict(learning_rate=[0.01, 0.1, 0.3], b1=[0.0, 0.5, 0.9], b2=[0.9, 0.99, 0.999],
                       eps=[0.0, 1e-8, 0.1], weight_decay=[0.0, 0.1, 1.0])),
    "adam_l2": Case(ol.adam_l2, dict(learning_rate=0.3, b1=0.5, weight_decay=1e-4),
                    dict(learning_rate=0.03, weight_decay=1e-4), 3000,
                    lambda grad, x0, steps, weight_decay, **kw: naive_adam(grad, x0, steps, l2=weight_decay, **kw),
                    dict(learning_rate=0.05, b1=0.8, b2=0.99, eps=1e-3, weight_decay=0.3),
                    dict(learning_rate=[0.01, 0.1, 0.3], b1=[0.0, 0.5, 0.9], b2=[0.9, 0.99, 0.999],
                         eps=[0.0, 1e-8, 0.1], weight_decay=[0.0, 0.1, 1.0])),
    "amsgrad": Case(ol.amsgrad, dict(learning_rate=0.3, b1=0.5), dict(learning_rate=0.1), 3000,
                    partial(naive_adam, amsgrad=True), dict(learning_rate=0.05, b1=0.8, b2=0.99, eps=1e-3),
                    dict(learning_rate=[0.01, 0.1, 0.3], b1=[0.0, 0.5, 0.9], b2=[0.9, 0.99, 0.999],
                         eps=[0.0, 1e-8, 0.1])),
}
NAMES = sorted(REGISTRY)


@pytest.mark.parametrize("name", NAMES)
def test_converges_on_a_quadratic(name):
    case = REGISTRY[name]
    x = trajectory(case.make(**case.quad), quad_grad, [3.0, 3.0], 300)[-1]
    assert_allclose(x, X_QUAD, atol=1e-4)


@pytest.mark.parametrize("name", NAMES)
def test_converges_on_rosenbrock(name):
    case = REGISTRY[name]
    x = trajectory(case.make(**case.rosen), rosen_grad, [-1.2, 1.0], case.rosen_steps)[-1]
    assert_allclose(x, [1.0, 1.0], atol=1e-2)


@pytest.mark.parametrize("name", NAMES)
def test_equals_a_naive_loop_in_paper_form(name):
    case = REGISTRY[name]
    steps = 40
    ours = trajectory(case.make(**case.settings), rosen_grad, [-0.5, 0.8], steps)
    naive = case.naive(rosen_grad, [-0.5, 0.8], steps, **case.settings)
    assert_allclose(ours, naive, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("name", NAMES)
def test_batched_hyperparameters_equal_a_loop_over_settings(name):
    case = REGISTRY[name]
    varied = set(inspect.signature(case.make).parameters) - {"nesterov", "centered"} - (
        {"momentum"} if name == "sgd" else set())
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
    case = REGISTRY[name]
    opt = case.make(**case.settings)
    params = dict_params()
    rng = np.random.default_rng(2)
    state = opt.init(params)
    state_leaves = lambda s: [a for a in _leaves(s) if isinstance(a, np.ndarray)]
    shapes = [a.shape for a in state_leaves(state)]
    assert shapes or name == "sgd", "every optimizer but plain SGD keeps arrays"
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
    case = REGISTRY[name]
    scalar = trajectory(case.make(**case.settings), lambda x: x**3 - 1.0, 0.5, 5)
    vector = trajectory(case.make(**case.settings), lambda x: x**3 - 1.0, [0.5], 5)
    assert scalar.shape == (5,)
    assert_array_equal(scalar, vector[:, 0])


@pytest.mark.parametrize("name", NAMES)
def test_float32_params_stay_float32(name):
    case = REGISTRY[name]
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
    case = REGISTRY[name]
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


@pytest.mark.parametrize("transform", [
    ol.trace(0.9), ol.trace(0.5, nesterov=True), ol.scale_by_adagrad(), ol.scale_by_adadelta(), ol.scale_by_rmsprop(),
    ol.scale_by_adam(), ol.scale_by_adam(bias_correction=False), ol.scale_by_amsgrad(), ol.add_decayed_weights(0.1),
], ids=["trace", "trace_nesterov", "adagrad", "adadelta", "rmsprop", "adam", "adam_no_bias", "amsgrad", "decay"])
def test_the_transforms_keep_the_gradient_sign_the_minus_is_applied_once(transform):
    # the one minus sign is scale_by_learning_rate's: every other transform maps g > 0 (and params > 0) to a
    # positive update, and the full optimizers therefore step against the gradient
    params = np.array([0.5, 2.0])
    state = transform.init(params)
    for g in ([1.0, 3.0], [2.0, 0.5], [0.1, 0.2]):
        updates, state = transform.update(np.array(g), state, params)
        assert (updates > 0).all()


def test_weight_decay_needs_params():
    opt = ol.adamw()
    with pytest.raises(ValueError, match="Invalid params: None"):
        opt.update(np.ones(2), opt.init(np.zeros(2)))


def test_hyperparameter_array_must_broadcast_to_params():
    with pytest.raises(ValueError, match=r"Invalid b1: shape \(4, 1\) does not broadcast to params shape \(3, 2\)"):
        ol.adam(b1=np.full((4, 1), 0.9)).init(np.zeros((3, 2)))


def test_sgd_without_momentum_keeps_no_buffer_and_with_momentum_keeps_b():
    assert [type(s).__name__ for s in ol.sgd(0.1).init(np.zeros(2))] == ["ScaleByLearningRateState"]
    state = ol.sgd(0.1, momentum=0.9).init(np.zeros(2))
    assert state[0]._fields == ("b",)
    assert ol.adam().init(np.zeros(2))[0]._fields == ("count", "m", "v")
    assert ol.amsgrad().init(np.zeros(2))[0]._fields == ("count", "m", "v", "v_max")
    assert ol.adagrad(0.1).init(np.zeros(2))[0]._fields == ("G",)
    assert ol.adadelta().init(np.zeros(2))[0]._fields == ("Eg2", "Edx2")
    assert ol.rmsprop(0.1).init(np.zeros(2))[0]._fields == ("Eg2",)


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
