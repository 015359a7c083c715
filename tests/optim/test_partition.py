"""partition: one optimizer per group of parameters, equal to running each on its own group."""
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import optimlib as ol


def mlp_problem():
    rng = np.random.default_rng(0)
    params = ol.init_mlp([8, 6, 3], rng)
    X, y = rng.normal(size=(20, 8)), rng.integers(0, 3, size=20)
    return params, (lambda p: ol.mlp_loss_and_grad(p, X, y, loss="cross_entropy")[1])


def by_ndim(key, p):
    return "muon" if p.ndim == 2 else "adamw"


def test_muon_on_matrices_and_adamw_on_biases_equals_each_run_alone():
    params, grad = mlp_problem()
    opt = ol.partition({"muon": ol.muon(0.02), "adamw": ol.adamw(3e-3)}, by_ndim)
    muon, adamw = ol.muon(0.02), ol.adamw(3e-3)
    W = {k: v for k, v in params.items() if k.startswith("W")}
    b = {k: v for k, v in params.items() if k.startswith("b")}
    state, s_w, s_b = opt.init(params), muon.init(W), adamw.init(b)
    for _ in range(15):
        g = grad(params)
        updates, state = opt.update(g, state, params)
        params = ol.apply_updates(params, updates)
        u_w, s_w = muon.update({k: g[k] for k in W}, s_w, W)
        u_b, s_b = adamw.update({k: g[k] for k in b}, s_b, b)
        W, b = ol.apply_updates(W, u_w), ol.apply_updates(b, u_b)
    for k in W:
        assert_array_equal(params[k], W[k])
    for k in b:
        assert_array_equal(params[k], b[k])
    assert list(updates) == list(params)                       # the updates keep the params' key order
    assert state.labels == {"W1": "muon", "b1": "adamw", "W2": "muon", "b2": "adamw"}


def test_labels_as_a_dict():
    params, grad = mlp_problem()
    labels = {"W1": "muon", "b1": "adamw", "W2": "adamw", "b2": "adamw"}   # the output layer on AdamW too
    opt = ol.partition({"muon": ol.muon(0.02), "adamw": ol.adamw(3e-3)}, labels)
    updates, state = opt.update(grad(params), opt.init(params), params)
    assert set(state.inner["muon"][0].B) == {"W1"}
    assert set(state.inner["adamw"][0].m) == {"b1", "W2", "b2"}


def test_without_the_partition_muon_refuses_the_biases():
    params, _ = mlp_problem()
    with pytest.raises(ValueError, match=r"Invalid params: shape \(6,\) \(muon only supports 2-D"):
        ol.muon(0.02).init(params)


@pytest.mark.parametrize("transforms, labels, params, message", [
    ({}, by_ndim, {"W": np.zeros((2, 2))}, r"Invalid transforms: \{\}"),
    ({"a": "adam"}, by_ndim, {"W": np.zeros((2, 2))}, r"Invalid transforms"),
    ({"muon": ol.muon()}, "muon", {"W": np.zeros((2, 2))}, r"Invalid labels: 'muon'"),
    ({"muon": ol.muon()}, by_ndim, {"W": np.zeros((2, 2)), "b": np.zeros(2)}, r"Invalid labels: \['adamw'\]"),
    ({"muon": ol.muon()}, {"W": "muon"}, {"W": np.zeros((2, 2)), "b": np.zeros(2)},
     r"Invalid labels: keys \['W'\] do not match params keys \['W', 'b'\]"),
    ({"muon": ol.muon()}, by_ndim, np.zeros((2, 2)), r"Invalid params: ndarray \(partition needs a dict"),
])
def test_bad_arguments_raise(transforms, labels, params, message):
    with pytest.raises(ValueError, match=message):
        ol.partition(transforms, labels).init(params)


def test_grads_must_have_the_params_keys():
    params = {"W": np.zeros((2, 2)), "b": np.zeros(2)}
    opt = ol.partition({"muon": ol.muon(), "adamw": ol.adamw()}, by_ndim)
    with pytest.raises(ValueError, match=r"Invalid grads: keys \['W'\] do not match params keys \['W', 'b'\]"):
        opt.update({"W": np.ones((2, 2))}, opt.init(params), params)
