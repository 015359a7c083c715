"""Schedule-free SGD and AdamW: the three sequences, the averaging weights, the evaluation point, validation, and
the facebookresearch `schedulefree` package step for step (its parameters, and x after optimizer.eval())."""
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import optimlib as ol
from loops import X0, quad_grad, require_oracle, require_torch, rosen_grad



def run(opt, grad, x0, steps):
    """The iterates y_1.. (the params), and the schedule-free states after each step."""
    y, states, path = np.array(x0, dtype=float), [], []
    state = opt.init(y)
    for _ in range(steps):
        updates, state = opt.update(grad(y), state, y)
        y = ol.apply_updates(y, updates)
        path.append(y)
        states.append(state[0])                 # the chain's one state, a ScheduleFreeState
    return np.array(path), states


@pytest.mark.parametrize("make, beta", [(ol.schedule_free_sgd, 0.7), (ol.schedule_free_adamw, 0.9)],
                         ids=["sgd", "adamw"])
def test_y_interpolates_z_and_x_and_x_is_the_uniform_average_of_z(make, beta):
    path, states = run(make(0.05, b1=beta, weight_decay=0.1), rosen_grad, X0, 30)
    zs = np.array([s.z for s in states])
    for t, (y, s) in enumerate(zip(path, states), start=1):
        assert_allclose(y, (1 - beta) * s.z + beta * s.x, rtol=1e-12, atol=1e-14)
        assert_allclose(s.x, zs[:t].mean(axis=0), rtol=1e-12, atol=1e-14)   # constant rate: c_t = 1/t
    assert states[0].count == 1 and states[-1].count == 30


def test_b1_zero_is_sgd_with_polyak_averaging():
    path, states = run(ol.schedule_free_sgd(0.05, b1=0.0), quad_grad, X0, 40)
    sgd = [X0]
    for _ in range(40):
        sgd.append(sgd[-1] - 0.05 * quad_grad(sgd[-1]))
    assert_allclose(path, sgd[1:], rtol=1e-13)
    assert_allclose(ol.schedule_free_eval_params(states[-1]), np.mean(sgd[1:], axis=0), rtol=1e-12)


def test_b1_one_takes_gradients_at_the_average():
    path, states = run(ol.schedule_free_sgd(0.05, b1=1.0), quad_grad, X0, 20)
    assert_allclose(path, [s.x for s in states], rtol=1e-15)


def test_warmup_weights_the_average_by_the_squared_rate():
    _, states = run(ol.schedule_free_sgd(0.2, b1=0.5, warmup_steps=4), quad_grad, X0, 8)
    rates = 0.2 * np.minimum(1.0, np.arange(1, 9) / 4)
    weights = rates ** 2
    zs = np.array([s.z for s in states])
    assert_allclose(states[-1].x, (weights[:, None] * zs).sum(0) / weights.sum(), rtol=1e-12)
    assert_allclose(states[-1].weight_sum, weights.sum(), rtol=1e-15)
    assert_allclose(zs[0] - X0, -0.05 * quad_grad(X0), rtol=1e-13)   # the first rate is 0.2 / 4


def test_weight_lr_power_zero_is_a_uniform_average_during_warmup():
    _, states = run(ol.schedule_free_sgd(0.2, warmup_steps=5, weight_lr_power=0.0), quad_grad, X0, 5)
    assert_allclose(states[-1].x, np.mean([s.z for s in states], axis=0), rtol=1e-12)


def test_adamw_direction_has_no_first_moment():
    opt, y = ol.schedule_free_adamw(0.1, b1=0.9, b2=0.99, eps=0.0), np.array([1.0, -2.0])
    updates, (state,) = opt.update(np.array([3.0, -1e-4]), opt.init(y), y)
    assert_allclose(state.z - y, [-0.1, 0.1], rtol=1e-15)        # first z step: gamma * sign(g), Adam's first step
    assert_allclose(updates, state.z - y, rtol=1e-15)            # c_1 = 1: x_1 = z_1 = y_1


def test_eval_params_found_in_a_chain_and_only_once():
    opt = ol.chain(ol.scale(1.0), ol.schedule_free_sgd(0.1))
    y = np.array([1.0, 2.0])
    updates, state = opt.update(np.array([1.0, 1.0]), opt.init(y), y)
    assert_array_equal(ol.schedule_free_eval_params(state), state[1][0].x)
    with pytest.raises(ValueError, match="holds 0 schedule-free states"):
        ol.schedule_free_eval_params(ol.adam().init(y))


def test_needs_params():
    opt = ol.schedule_free_sgd(0.1)
    with pytest.raises(ValueError, match=r"Invalid params: None"):
        opt.update(np.ones(2), opt.init(np.zeros(2)))


@pytest.mark.parametrize("make, message", [
    (lambda: ol.schedule_free_sgd(-1.0), r"^Invalid learning_rate: -1.0 \(must be >= 0\)$"),
    (lambda: ol.schedule_free_sgd(b1=1.5), r"^Invalid b1: 1.5 \(must be in \[0, 1\]\)$"),
    (lambda: ol.schedule_free_sgd(weight_decay=-0.1), r"^Invalid weight_decay: -0.1 \(must be >= 0\)$"),
    (lambda: ol.schedule_free_sgd(warmup_steps=-1), r"^Invalid warmup_steps: -1 \(must be an integer >= 0\)$"),
    (lambda: ol.schedule_free_sgd(warmup_steps=2.5), r"^Invalid warmup_steps: 2.5"),
    (lambda: ol.schedule_free_sgd(weight_lr_power=-2.0), r"^Invalid weight_lr_power: -2.0 \(must be >= 0\)$"),
    (lambda: ol.schedule_free_adamw(b2=1.0), r"^Invalid b2: 1.0 \(must be in \[0, 1\)\)$"),
    (lambda: ol.schedule_free_adamw(eps=-1e-8), r"^Invalid eps: -1e-08"),
    (lambda: ol.schedule_free_adamw(learning_rate="fast"), r"^Invalid learning_rate: 'fast'"),
])
def test_bad_hyperparameters_raise(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# ------------------------------------------------------------------------------------------ the schedulefree package

SGD_SETTINGS = [dict(lr=0.1, momentum=0.9), dict(lr=0.05, momentum=0.5, weight_decay=0.1, warmup_steps=10),
                dict(lr=0.2, momentum=0.95, warmup_steps=5, weight_lr_power=0.0)]
ADAMW_SETTINGS = [dict(lr=0.0025), dict(lr=0.05, betas=(0.9, 0.99), eps=1e-3, weight_decay=0.1, warmup_steps=10),
                  dict(lr=0.02, betas=(0.5, 0.9), eps=1e-6, warmup_steps=3, weight_lr_power=1.0)]


def ours_from(kw, adamw):
    kw = dict(kw)
    lr = kw.pop("lr")
    if adamw:
        b1, b2 = kw.pop("betas", (0.9, 0.999))
        return ol.schedule_free_adamw(lr, b1, b2, **kw)
    return ol.schedule_free_sgd(lr, kw.pop("momentum"), **kw)


@pytest.mark.parametrize("foreach", [False, True], ids=["loop", "foreach"])
@pytest.mark.parametrize("grad", [quad_grad, rosen_grad], ids=["quadratic", "rosenbrock"])
@pytest.mark.parametrize("adamw, kw", [(False, s) for s in SGD_SETTINGS] + [(True, s) for s in ADAMW_SETTINGS],
                         ids=[f"SGD{s}" for s in SGD_SETTINGS] + [f"AdamW{s}" for s in ADAMW_SETTINGS])
def test_step_for_step_equal_to_the_schedulefree_package(adamw, kw, grad, foreach):
    torch = require_torch()
    schedulefree = require_oracle("schedulefree", "schedulefree==1.4.1")
    ours, states = run(ours_from(kw, adamw), grad, X0, 50)
    p = torch.tensor(X0.copy(), dtype=torch.float64, requires_grad=True)
    cls = schedulefree.AdamWScheduleFree if adamw else schedulefree.SGDScheduleFree
    opt, theirs = cls([p], foreach=foreach, **kw), []
    opt.train()
    for _ in range(50):
        p.grad = torch.tensor(grad(p.detach().numpy().copy()))
        opt.step()
        theirs.append(p.detach().numpy().copy())
    assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)                      # the params: y
    opt.eval()                                                                 # the package moves them to x
    assert_allclose(ol.schedule_free_eval_params(states[-1]), p.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_the_weights_use_the_largest_rate_so_far():
    # a decaying rate: every weight is the first rate squared, so x stays the uniform average of the z iterates
    _, states = run(ol.schedule_free_sgd(ol.exponential_decay(0.1, 0.8), b1=0.5), quad_grad, X0, 10)
    assert_allclose(states[-1].x, np.mean([s.z for s in states], axis=0), rtol=1e-12)
    assert_allclose(states[-1].lr_max, 0.1, rtol=1e-15)
