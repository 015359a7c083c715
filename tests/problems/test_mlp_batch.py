"""optimlib.mlp_batch: each row of a stacked network is the single network of optimlib.mlp, trained alike."""
import numpy as np
import pytest
from numpy.testing import assert_allclose

import optimlib as ol

SIZES = [5, 7, 3]


def _nets(k=4, activation="tanh"):
    nets = [ol.init_mlp(SIZES, np.random.default_rng(s), activation=activation) for s in range(k)]
    rng = np.random.default_rng(99)
    return [{key: v + 0.1 * rng.normal(size=v.shape) for key, v in p.items()} for p in nets]  # nonzero biases


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("per_row", [False, True])
def test_each_row_is_the_single_network(activation, per_row):
    rng = np.random.default_rng(1)
    singles = _nets(activation=activation)
    X = rng.normal(size=(4, 6, 5)) if per_row else rng.normal(size=(6, 5))
    y = rng.integers(0, 3, size=(4, 6)) if per_row else rng.integers(0, 3, size=6)
    losses, grads = ol.mlp_batch_loss_and_grad(ol.stack_mlp(singles), X, y, activation=activation)
    acc = ol.mlp_batch_accuracy(ol.stack_mlp(singles), X, y, activation=activation)
    for k, p in enumerate(singles):
        Xk, yk = (X[k], y[k]) if per_row else (X, y)
        loss_k, grads_k = ol.mlp_loss_and_grad(p, Xk, yk, loss="cross_entropy", activation=activation)
        assert_allclose(losses[k], loss_k, rtol=1e-13)
        for key in p:
            assert_allclose(grads[key][k].reshape(p[key].shape), grads_k[key], rtol=1e-12, atol=1e-15,
                            err_msg=key)
        logits = ol.mlp_forward(p, Xk, activation=activation)
        assert acc[k] == np.mean(logits.argmax(axis=1) == yk)


def test_stack_and_unstack_round_trip():
    singles = _nets()
    back = ol.unstack_mlp(ol.stack_mlp(singles))
    for a, b in zip(singles, back):
        assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_grid_training_equals_separate_training():
    # one batched AdamW run over 3 learning rates x 2 decays equals 6 separate runs
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(20, 5)), rng.integers(0, 3, size=20)
    lrs, wds = np.repeat([1e-3, 1e-2, 1e-1], 2), np.tile([0.0, 0.5], 3)
    start = ol.init_mlp(SIZES, np.random.default_rng(0))
    nets = ol.stack_mlp([start] * 6)
    opt = ol.adamw(lrs.reshape(-1, 1, 1), weight_decay=wds.reshape(-1, 1, 1))
    state = opt.init(nets)
    for step in range(15):
        idx = np.arange(step, step + 8) % 20
        _, g = ol.mlp_batch_loss_and_grad(nets, X[idx], y[idx])
        updates, state = opt.update(g, state, nets)
        nets = ol.apply_updates(nets, updates)
    for k, (lr, wd) in enumerate(zip(lrs, wds)):
        p, single = start, ol.adamw(lr, weight_decay=wd)
        s = single.init(p)
        for step in range(15):
            idx = np.arange(step, step + 8) % 20
            _, g = ol.mlp_loss_and_grad(p, X[idx], y[idx], loss="cross_entropy")
            u, s = single.update(g, s, p)
            p = ol.apply_updates(p, u)
        for key in p:
            assert_allclose(nets[key][k].reshape(p[key].shape), p[key], rtol=1e-12, atol=1e-14)


def test_bad_input_raises_naming_the_argument():
    nets = ol.stack_mlp(_nets())
    X, y = np.zeros((6, 5)), np.zeros(6, dtype=int)
    with pytest.raises(ValueError, match="Invalid X"):
        ol.mlp_batch_loss_and_grad(nets, np.zeros((6, 4)), y)
    with pytest.raises(ValueError, match="Invalid y"):
        ol.mlp_batch_loss_and_grad(nets, X, np.full(6, 3))
    with pytest.raises(ValueError, match="Invalid y"):
        ol.mlp_batch_loss_and_grad(nets, X, np.zeros(6))
    with pytest.raises(ValueError, match="Invalid params"):
        ol.mlp_batch_loss_and_grad(_nets()[0], X, y)
    with pytest.raises(ValueError, match="Invalid activation"):
        ol.mlp_batch_loss_and_grad(nets, X, y, activation="sigmoid")
    with pytest.raises(ValueError, match="Invalid params_list"):
        ol.stack_mlp([])
    with pytest.raises(ValueError, match="Invalid params_list"):
        ol.stack_mlp([ol.init_mlp([5, 7, 3], np.random.default_rng(0)),
                      ol.init_mlp([5, 6, 3], np.random.default_rng(0))])
