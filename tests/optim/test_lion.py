"""Lion: the exact facts of a sign update, validation, and the lion-pytorch package step for step."""
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import optimlib as ol
from loops import X0, iterate, quad_grad, require_oracle, require_torch, rosen_grad, trajectory



def test_every_coordinate_moves_by_exactly_the_learning_rate():
    # gradients spanning twelve orders of magnitude: without decay every step is +-lr on every coordinate
    grads = lambda x: np.array([1e6, -3.0, 1e-6, 0.5, -2e-3, 7.0]) * (1 + x ** 2)
    _, updates = iterate(ol.lion(0.01), grads, X0, 30)
    assert_array_equal(np.abs(updates), 0.01)


def test_the_step_is_the_sign_of_the_interpolation_then_the_average_moves():
    opt, p = ol.lion(0.1, b1=0.9, b2=0.99), np.zeros(3)
    state = opt.init(p)
    _, state = opt.update(np.array([1.0, 1.0, -1.0]), state, p)       # m = 0.01 g
    updates, state = opt.update(np.array([-0.05, -0.2, 0.05]), state, p)
    # c = 0.9 * 0.01 g1 + 0.1 g2 = [0.004, -0.011, -0.004]: the old average wins on coordinates 1 and 3
    assert_array_equal(updates, [-0.1, 0.1, 0.1])
    assert_allclose(state[0].m, 0.99 * 0.01 * np.array([1, 1, -1]) + 0.01 * np.array([-0.05, -0.2, 0.05]))


def test_decay_is_decoupled_and_scaled_by_the_learning_rate():
    opt, p = ol.lion(0.1, weight_decay=2.0), np.array([1.0, -3.0])
    updates, _ = opt.update(np.array([5.0, 5.0]), opt.init(p), p)
    assert_allclose(updates, -0.1 * (np.sign([5.0, 5.0]) + 2.0 * p), rtol=1e-15)


def test_b1_and_b2_zero_is_sign_descent():
    path = trajectory(ol.lion(0.05, b1=0.0, b2=0.0), quad_grad, X0, 20)
    x, expected = X0.copy(), []
    for _ in range(20):
        x = x - 0.05 * np.sign(quad_grad(x))
        expected.append(x)
    assert_allclose(path, expected, rtol=1e-15)


def test_one_buffer_half_of_adams():
    assert [type(s).__name__ for s in ol.lion(1e-3).init(np.zeros(2))][0] == "LionState"
    assert ol.lion(1e-3).init(np.zeros(2))[0]._fields == ("m",)


@pytest.mark.parametrize("make, message", [
    (lambda: ol.lion(-1e-4), r"^Invalid learning_rate: -0.0001 \(must be >= 0\)$"),
    (lambda: ol.lion(b1=1.5), r"^Invalid b1: 1.5 \(must be in \[0, 1\]\)$"),
    (lambda: ol.lion(b2=-0.1), r"^Invalid b2: -0.1 \(must be in \[0, 1\]\)$"),
    (lambda: ol.lion(weight_decay=-1.0), r"^Invalid weight_decay: -1.0 \(must be >= 0\)$"),
    (lambda: ol.lion(b1=np.array([[0.9], [np.nan]])), r"Invalid b1: nan at index \(1, 0\)"),
])
def test_bad_hyperparameters_raise(make, message):
    with pytest.raises(ValueError, match=message):
        make()


SETTINGS = [dict(lr=1e-2), dict(lr=3e-2, betas=(0.95, 0.98), weight_decay=0.5),
            dict(lr=1e-3, betas=(0.5, 0.9), weight_decay=10.0), dict(lr=5e-3, betas=(0.0, 0.99))]


@pytest.mark.parametrize("grad", [quad_grad, rosen_grad], ids=["quadratic", "rosenbrock"])
@pytest.mark.parametrize("kw", SETTINGS, ids=[str(s) for s in SETTINGS])
def test_step_for_step_equal_to_lion_pytorch(kw, grad):
    torch = require_torch()
    lion_pytorch = require_oracle("lion_pytorch", "lion-pytorch==0.2.5")
    b1, b2 = kw.get("betas", (0.9, 0.99))
    ours = trajectory(ol.lion(kw["lr"], b1, b2, kw.get("weight_decay", 0.0)), grad, X0, 60)
    p = torch.tensor(X0.copy(), dtype=torch.float64, requires_grad=True)
    opt, theirs = lion_pytorch.Lion([p], **kw), []
    for _ in range(60):
        p.grad = torch.tensor(grad(p.detach().numpy().copy()))
        opt.step()
        theirs.append(p.detach().numpy().copy())
    assert_allclose(ours, theirs, rtol=1e-13, atol=1e-15)
