"""Hypothesis property tests of the optimizers' invariants."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import optimlib as ol
from loops import trajectory
from registry import NAMES, OPTIMIZERS

SETTINGS = settings(max_examples=40, deadline=None)
magnitudes = st.floats(1e-3, 1e3)
signs = st.sampled_from([-1.0, 1.0])
nonzero = st.builds(lambda m, s: m * s, magnitudes, signs)
betas = st.floats(0.0, 0.999)


def grad_sequences(steps=st.integers(1, 8), dim=st.integers(1, 3), elements=nonzero):
    return st.tuples(steps, dim).flatmap(
        lambda sd: st.lists(st.lists(elements, min_size=sd[1], max_size=sd[1]), min_size=sd[0], max_size=sd[0])
    ).map(np.array)


def updates_for(opt, grads):
    state, out = opt.init(np.zeros(grads.shape[1:])), []
    for g in grads:
        u, state = opt.update(g, state)
        out.append(u)
    return np.array(out)


@SETTINGS
@given(grad_sequences(), st.floats(1e-3, 1e3), betas, betas, st.floats(1e-4, 1.0))
def test_adam_with_eps_zero_is_invariant_to_gradient_scale(grads, c, b1, b2, lr):
    opt = ol.adam(lr, b1=b1, b2=b2, eps=0.0)
    assert_allclose(updates_for(opt, c * grads), updates_for(opt, grads), rtol=1e-10)


@SETTINGS
@given(grad_sequences(), st.floats(1e-3, 1e3), st.floats(1e-4, 1.0))
def test_adagrad_with_eps_zero_is_invariant_to_gradient_scale(grads, c, lr):
    opt = ol.adagrad(lr, eps=0.0)
    assert_allclose(updates_for(opt, c * grads), updates_for(opt, grads), rtol=1e-10)


@SETTINGS
@given(grad_sequences(), st.floats(1e-3, 1e3), betas, st.floats(1e-4, 1.0))
def test_rmsprop_with_eps_zero_is_invariant_to_gradient_scale(grads, c, decay, lr):
    opt = ol.rmsprop(lr, decay=decay, eps=0.0)
    assert_allclose(updates_for(opt, c * grads), updates_for(opt, grads), rtol=1e-10)


@SETTINGS
@given(grad_sequences(elements=st.floats(-1e3, 1e3)), grad_sequences(elements=st.floats(-1e3, 1e3)),
       st.floats(-10, 10), st.floats(-10, 10), st.floats(0, 1.0), st.floats(0.0, 0.99), st.booleans())
def test_sgd_is_linear_in_the_gradients(g1, g2, a, b, lr, momentum, nesterov):
    n, d = min(len(g1), len(g2)), min(g1.shape[1], g2.shape[1])
    g1, g2 = g1[:n, :d], g2[:n, :d]
    opt = ol.sgd(lr, momentum=momentum, nesterov=nesterov and momentum > 0)
    combined = updates_for(opt, a * g1 + b * g2)
    assert_allclose(combined, a * updates_for(opt, g1) + b * updates_for(opt, g2), rtol=1e-9, atol=1e-9)


def grid(name):
    per_setting = st.fixed_dictionaries(OPTIMIZERS[name].strategies())
    return st.lists(per_setting, min_size=1, max_size=4)


@pytest.mark.parametrize("name", NAMES)
def test_batched_equals_looped_for_random_grids(name):
    make = OPTIMIZERS[name].make

    @settings(max_examples=15, deadline=None)
    @given(grid(name), st.integers(1, 10))
    def check(settings_list, steps):
        K = len(settings_list)
        x0 = np.linspace(-1.0, 2.0, 2 * K).reshape(K, 2)
        grad = lambda x: np.stack([x[..., 0] ** 3 - x[..., 1], 3.0 * x[..., 1] + 0.5], axis=-1)
        batch = {k: np.array([[s[k]] for s in settings_list]) for k in settings_list[0]}
        x = trajectory(make(**batch), grad, x0, steps)[-1]
        for k, s in enumerate(settings_list):
            y = trajectory(make(**s), grad, x0[k], steps)[-1]
            assert_allclose(x[k], y, rtol=1e-12, atol=1e-14)

    check()
