"""optimlib.problems.mlp: backpropagation against finite differences and PyTorch; training with the optimizers."""
import numpy as np
import pytest
from numpy.testing import assert_allclose

import optimlib as ol
from loops import require_torch


def _problem(loss, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(7, 3))
    y = rng.integers(0, 4, size=7) if loss == "cross_entropy" else rng.normal(size=(7, 4))
    return rng, X, y


@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_backprop_against_finite_differences(loss, activation):
    rng, X, y = _problem(loss)
    params = ol.init_mlp([3, 5, 6, 4], rng, activation=activation)
    params = {k: v + 0.1 * rng.normal(size=v.shape) for k, v in params.items()}  # nonzero biases too
    value, grads = ol.mlp_loss_and_grad(params, X, y, loss=loss, activation=activation)
    eps = 1e-6
    for key, p in params.items():
        fd = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            plus = {**params, key: p.copy()}
            minus = {**params, key: p.copy()}
            plus[key][i] += eps
            minus[key][i] -= eps
            fd[i] = (ol.mlp_loss_and_grad(plus, X, y, loss=loss, activation=activation)[0]
                     - ol.mlp_loss_and_grad(minus, X, y, loss=loss, activation=activation)[0]) / (2 * eps)
        assert_allclose(grads[key], fd, rtol=1e-5, atol=1e-8, err_msg=key)
    assert value == ol.mlp_loss_and_grad(params, X, y, loss=loss, activation=activation)[0]


@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_against_torch_autograd(loss, activation):
    torch = require_torch()
    rng, X, y = _problem(loss, seed=1)
    params = ol.init_mlp([3, 5, 4], rng, activation=activation)
    value, grads = ol.mlp_loss_and_grad(params, X, y, loss=loss, activation=activation)
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    act = torch.tanh if activation == "tanh" else torch.relu
    out = act(torch.tensor(X) @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"]
    assert_allclose(ol.mlp_forward(params, X, activation=activation), out.detach().numpy(), rtol=1e-12)
    target = torch.tensor(y)
    ref = torch.nn.MSELoss()(out, target) if loss == "mse" else torch.nn.CrossEntropyLoss()(out, target)
    ref.backward()
    assert_allclose(value, ref.item(), rtol=1e-12)
    for k in params:
        assert_allclose(grads[k], t[k].grad.numpy(), rtol=1e-10, atol=1e-14)


def test_init_shapes_and_scale():
    params = ol.init_mlp([50, 400, 1], np.random.default_rng(0), activation="relu")
    assert [params[k].shape for k in ("W1", "b1", "W2", "b2")] == [(50, 400), (400,), (400, 1), (1,)]
    assert params["W1"].std() == pytest.approx(np.sqrt(2 / 50), rel=0.05)
    assert (params["b1"] == 0).all()
    assert ol.mlp_forward(params, np.zeros((3, 50)), activation="relu").shape == (3, 1)


@pytest.mark.parametrize("make_opt", [lambda: ol.adam(0.01), lambda: ol.sgd(0.1, momentum=0.9)])
def test_optimizers_train_the_network(make_opt):
    rng = np.random.default_rng(0)
    X = np.linspace(-2, 2, 32)[:, None]
    y = np.sin(2 * X[:, 0])
    params = ol.init_mlp([1, 16, 1], rng)
    opt = make_opt()
    state = opt.init(params)
    first = ol.mlp_loss_and_grad(params, X, y)[0]
    for _ in range(300):
        value, grads = ol.mlp_loss_and_grad(params, X, y)
        updates, state = opt.update(grads, state, params)
        params = ol.apply_updates(params, updates)
    assert value < 0.1 * first
    # classification: a few hundred Adam steps fit two Gaussian blobs
    Xc = np.concatenate([rng.normal(-1, 0.5, size=(20, 2)), rng.normal(1, 0.5, size=(20, 2))])
    yc = np.repeat([0, 1], 20)
    params = ol.init_mlp([2, 8, 2], rng)
    opt = ol.adam(0.05)
    state = opt.init(params)
    for _ in range(200):
        _, grads = ol.mlp_loss_and_grad(params, Xc, yc, loss="cross_entropy")
        updates, state = opt.update(grads, state, params)
        params = ol.apply_updates(params, updates)
    assert (ol.mlp_forward(params, Xc).argmax(1) == yc).mean() >= 0.95


def test_validation():
    rng = np.random.default_rng(0)
    params = ol.init_mlp([2, 3, 1], rng)
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="Invalid sizes"):
        ol.init_mlp([2], rng)
    with pytest.raises(ValueError, match="Invalid sizes"):
        ol.init_mlp([2, 0, 1], rng)
    with pytest.raises(ValueError, match="Invalid activation: 'sigmoid'"):
        ol.init_mlp([2, 3], rng, activation="sigmoid")
    with pytest.raises(ValueError, match="Invalid rng"):
        ol.init_mlp([2, 3], 0)
    with pytest.raises(ValueError, match="Invalid loss: 'hinge'"):
        ol.mlp_loss_and_grad(params, X, np.zeros(4), loss="hinge")
    with pytest.raises(ValueError, match=r"Invalid X: shape \(4, 3\)"):
        ol.mlp_forward(params, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="Invalid y"):
        ol.mlp_loss_and_grad(params, X, np.zeros(5))
    with pytest.raises(ValueError, match="Invalid y"):
        ol.mlp_loss_and_grad(params, X, np.array([0, 1, 2, 0]), loss="cross_entropy")
    with pytest.raises(ValueError, match="Invalid params: keys"):
        ol.mlp_forward({"W1": params["W1"]}, X)
