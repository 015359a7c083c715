"""Step-for-step equality with torch.optim (float64), under each registry entry's torch mapping.

Skipped without torch, except where ``OPTIMLIB_REQUIRE_TORCH=1`` (CI): there a missing oracle is an error."""
import numpy as np
import pytest
from numpy.testing import assert_allclose

import optimlib as ol
from loops import X0, X0_ROSEN, quad_grad, require_torch, rosen_grad, trajectory
from registry import NAMES, OPTIMIZERS

torch = require_torch()



def run_torch(cls, kwargs, grad, x0, steps=50, scheduler=None):
    p = torch.tensor(x0.copy(), dtype=torch.float64, requires_grad=True)
    opt = cls([p], **kwargs)
    sched = scheduler(opt) if scheduler else None
    path = []
    for _ in range(steps):
        p.grad = torch.tensor(grad(p.detach().numpy().copy()), dtype=torch.float64)
        opt.step()
        if sched:
            sched.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


O = torch.optim
# every (optimizer, torch mapping) pair of the registry
CASES = [(name, ours, getattr(O, cls), theirs) for name in NAMES for ours, cls, theirs in OPTIMIZERS[name].torch]
IDS = [f"{name}-{cls.__name__}({', '.join(f'{k}={v}' for k, v in kw.items())})" for name, _, cls, kw in CASES]


@pytest.mark.parametrize("grad", [quad_grad, rosen_grad], ids=["quadratic", "rosenbrock"])
@pytest.mark.parametrize("name, ours, cls, kwargs", CASES, ids=IDS)
def test_step_for_step_equal_to_torch(name, ours, cls, kwargs, grad):
    # on the nonconvex valley, round-off grows once sign-like methods chatter near the minimum: 25 steps
    x0, steps = (X0, 50) if grad is quad_grad else (X0_ROSEN, 25)
    case = OPTIMIZERS[name]
    path = trajectory(case.make(**ours), grad, x0, steps)
    theirs = run_torch(cls, {"foreach": False, **kwargs}, grad, x0, steps)
    assert np.all(np.isfinite(path))
    assert_allclose(path, theirs, rtol=case.torch_rtol, atol=1e-13)


def test_every_optimizer_with_a_torch_counterpart_is_compared():
    # torch's Adam has no switch for adam_no_bias; torch.optim has no Lion or schedule-free optimizers: their
    # oracles (lion-pytorch, schedulefree) are compared in test_lion.py and test_schedule_free.py
    without = {"adam_no_bias", "lion", "schedule_free_sgd", "schedule_free_adamw"}
    assert {name for name, *_ in CASES} == set(NAMES) - without


# torch's weight_decay in SGD, Adagrad, Adadelta and RMSprop is L2 regularization: add_l2 first in the chain.
# heavy_ball (the velocity form) equals SGD for a constant rate.
CHAINED = {
    "sgd_l2": (ol.chain(ol.add_l2(0.1), ol.sgd(0.01, momentum=0.9, nesterov=True)), O.SGD,
               dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.1)),
    "adagrad_l2": (ol.chain(ol.add_l2(0.3), ol.adagrad(0.1, initial_accumulator_value=0.2)), O.Adagrad,
                   dict(lr=0.1, initial_accumulator_value=0.2, weight_decay=0.3)),
    "adadelta_l2": (ol.chain(ol.add_l2(0.05), ol.adadelta(2.0, rho=0.8)), O.Adadelta,
                    dict(lr=2.0, rho=0.8, weight_decay=0.05)),
    "rmsprop_l2": (ol.chain(ol.add_l2(0.2), ol.rmsprop(0.01, decay=0.8)), O.RMSprop,
                   dict(lr=0.01, alpha=0.8, weight_decay=0.2)),
}


@pytest.mark.parametrize("grad", [quad_grad, rosen_grad], ids=["quadratic", "rosenbrock"])
@pytest.mark.parametrize("opt, cls, kwargs", list(CHAINED.values()), ids=list(CHAINED))
def test_l2_chains_equal_torch_weight_decay(opt, cls, kwargs, grad):
    x0, steps = (X0, 50) if grad is quad_grad else (X0_ROSEN, 25)
    assert_allclose(trajectory(opt, grad, x0, steps), run_torch(cls, {"foreach": False, **kwargs}, grad, x0, steps),
                    rtol=1e-11, atol=1e-13)


def test_dict_params_equal_torch_with_several_tensors():
    rng = np.random.default_rng(3)
    params = {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    grad = lambda p: {"W": p["W"] ** 3 - 1.0, "b": 2 * p["b"] + p["W"].sum(0)}
    opt, state = ol.adamw(0.05, weight_decay=0.1), None
    tensors = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in params.items()}
    topt = O.AdamW(list(tensors.values()), lr=0.05, weight_decay=0.1)
    state = opt.init(params)
    for _ in range(30):
        updates, state = opt.update(grad(params), state, params)
        params = ol.apply_updates(params, updates)
        for k, g in grad({k: t.detach().numpy() for k, t in tensors.items()}).items():
            tensors[k].grad = torch.tensor(g)
        topt.step()
    for k in params:
        assert_allclose(params[k], tensors[k].detach().numpy(), rtol=1e-11, atol=1e-13)


SCHEDULES = [
    (ol.step_decay(0.05, step_size=7, gamma=0.5), lambda o: torch.optim.lr_scheduler.StepLR(o, 7, gamma=0.5)),
    (ol.exponential_decay(0.05, 0.95), lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.95)),
    (ol.cosine_decay(0.05, decay_steps=40, alpha=0.1),
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=40, eta_min=0.005)),
]


@pytest.mark.parametrize("schedule, scheduler", SCHEDULES, ids=["StepLR", "ExponentialLR", "CosineAnnealingLR"])
@pytest.mark.parametrize("make, cls, kwargs", [
    (lambda lr: ol.sgd(lr, momentum=0.9), O.SGD, dict(momentum=0.9)),
    (lambda lr: ol.adam(lr, b1=0.8), O.Adam, dict(betas=(0.8, 0.999))),
    (lambda lr: ol.adamw(lr, weight_decay=0.5), O.AdamW, dict(weight_decay=0.5)),
], ids=["SGD", "Adam", "AdamW"])
def test_schedules_equal_torch_lr_schedulers(schedule, scheduler, make, cls, kwargs):
    ours = trajectory(make(schedule), quad_grad, X0, 40)
    theirs = run_torch(cls, dict(lr=0.05, foreach=False, **kwargs), quad_grad, X0, 40, scheduler)
    assert_allclose(ours, theirs, rtol=1e-11, atol=1e-13)
