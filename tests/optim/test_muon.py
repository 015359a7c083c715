"""Muon: Newton-Schulz against the SVD, the shape factors, decay, validation, a naive float64 loop written here,
and torch.optim.Muon (exactly with its iteration in float64; within bfloat16's accuracy as shipped)."""
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

import optimlib as ol
from loops import require_torch

RNG = np.random.default_rng(0)   # tests of exact facts only: their values do not depend on the draw
CUBIC = (1.5, -0.5, 0.0)     # the classical Newton-Schulz iteration X <- (3X - X X^T X) / 2: converges to U V^T


def polar(G):
    U, _, Vt = np.linalg.svd(G, full_matrices=False)
    return U @ Vt


@pytest.mark.parametrize("shape", [(7, 4), (4, 7), (5, 5)])
def test_newton_schulz_keeps_the_singular_vectors_and_maps_each_singular_value_by_the_quintic(shape):
    G = RNG.normal(size=shape)
    U, s, Vt = np.linalg.svd(G, full_matrices=False)
    a, b, c = ol.NS_COEFFICIENTS
    t = s / np.linalg.norm(G)
    for _ in range(5):
        t = a * t + b * t ** 3 + c * t ** 5
    assert_allclose(ol.orthogonalize(G), U @ np.diag(t) @ Vt, atol=1e-13)
    assert 0.6 < t.min() and t.max() < 1.25            # near 1, not at 1: by design of the coefficients


@pytest.mark.parametrize("shape", [(6, 3), (3, 6), (4, 4)])
def test_the_cubic_iteration_converges_to_the_polar_factor(shape):
    G = RNG.normal(size=shape)
    assert_allclose(ol.orthogonalize(G, CUBIC, ns_steps=60), polar(G), atol=1e-12)


def test_the_shape_factors():
    assert ol.muon_scale((32, 8)) == 2.0 and ol.muon_scale((8, 32)) == 1.0
    assert ol.muon_scale((8, 32), "original") == 1.0
    assert ol.muon_scale((32, 8), "match_rms_adamw") == ol.muon_scale((8, 32), "match_rms_adamw") == 0.2 * math.sqrt(32)


@pytest.mark.parametrize("shape", [(32, 16), (16, 64), (24, 24)])
def test_match_rms_adamw_gives_an_update_rms_of_point_two_times_the_rate(shape):
    # with an exact polar factor (full rank) the RMS of U V^T is 1 / sqrt(max(A, B))
    opt = ol.muon(0.01, momentum=0.0, weight_decay=0.0, ns_coefficients=CUBIC, ns_steps=60,
                  adjust_lr_fn="match_rms_adamw")
    W = np.zeros(shape)
    updates, _ = opt.update(RNG.normal(size=shape), opt.init(W), W)
    assert_allclose(np.sqrt(np.mean(updates ** 2)), 0.2 * 0.01, rtol=1e-12)


def test_decay_uses_the_unadjusted_rate():
    W = RNG.normal(size=(8, 2))                          # muon_scale = 2 for 'original', 0.2 * sqrt(8) for Moonshot's
    for fn in (None, "match_rms_adamw"):
        opt = ol.muon(0.1, weight_decay=0.5, adjust_lr_fn=fn)
        updates, _ = opt.update(np.zeros_like(W), opt.init(W), W)   # zero gradient: only the decay acts
        assert_allclose(W + updates, W * (1 - 0.1 * 0.5), rtol=1e-15)


def test_the_update_ignores_the_gradients_scale():
    W, G = np.zeros((5, 3)), RNG.normal(size=(5, 3))
    opt = ol.muon(0.02)
    u1, _ = opt.update(G, opt.init(W), W)
    u2, _ = opt.update(1e4 * G, opt.init(W), W)
    assert_allclose(u1, u2, rtol=1e-10)


def naive_muon(grad, W0, steps, lr, momentum, weight_decay, nesterov=True, coefficients=ol.NS_COEFFICIENTS,
               ns_steps=5, eps=1e-7, adjust_lr_fn=None):
    """The algorithm box, line by line, in float64; no transposition trick."""
    a, b, c = coefficients
    A, B = W0.shape
    scale = 0.2 * math.sqrt(max(A, B)) if adjust_lr_fn == "match_rms_adamw" else math.sqrt(max(1, A / B))
    W, buf, path = W0.copy(), np.zeros_like(W0), []
    for _ in range(steps):
        g = grad(W)
        buf = momentum * buf + (1 - momentum) * g
        X = (1 - momentum) * g + momentum * buf if nesterov else buf
        X = X / max(np.sqrt((X * X).sum()), eps)
        for _ in range(ns_steps):
            X = a * X + b * (X @ X.T) @ X + c * (X @ X.T) @ (X @ X.T) @ X
        W = W - lr * weight_decay * W - lr * scale * X
        path.append(W)
    return np.array(path)


def problem(shape, seed):
    """A start W0 and the gradient of the nonconvex matrix problem sum(W^4 / 4 - T W)."""
    rng = np.random.default_rng(seed)
    W0, T = rng.normal(size=shape), rng.normal(size=shape)
    return W0, lambda W: W ** 3 - T


SETTINGS = [dict(lr=0.02, momentum=0.95, weight_decay=0.1),
            dict(lr=0.05, momentum=0.9, weight_decay=0.0, nesterov=False),
            dict(lr=0.01, momentum=0.5, weight_decay=1.0, adjust_lr_fn="match_rms_adamw")]


def run_ours(W0, grad, steps, lr, **kw):
    opt, W = ol.muon(lr, **kw), W0.copy()
    state, path = opt.init(W), []
    for _ in range(steps):
        updates, state = opt.update(grad(W), state, W)
        W = ol.apply_updates(W, updates)
        path.append(W)
    return np.array(path)


@pytest.mark.parametrize("shape", [(6, 4), (4, 6)])
@pytest.mark.parametrize("kw", SETTINGS, ids=[str(s) for s in SETTINGS])
def test_equals_a_naive_float64_loop(kw, shape):
    W0, grad = problem(shape, 1)
    ours = run_ours(W0, grad, 40, **kw)
    assert_allclose(ours, naive_muon(grad, W0, 40, **kw), rtol=1e-11, atol=1e-13)


def test_converges_on_a_matrix_least_squares_problem():
    X = RNG.normal(size=(40, 6))
    W_star = RNG.normal(size=(6, 3))
    Y = X @ W_star
    grad = lambda W: X.T @ (X @ W - Y) / len(X)
    opt, W = ol.muon(ol.cosine_decay(0.1, 600), weight_decay=0.0), np.zeros((6, 3))
    state = opt.init(W)
    for _ in range(600):
        updates, state = opt.update(grad(W), state, W)
        W = ol.apply_updates(W, updates)
    assert_allclose(W, W_star, atol=1e-3)


@pytest.mark.parametrize("params", [np.zeros(3), np.zeros((2, 2, 2)), np.zeros(()), {"W": np.zeros((2, 3)),
                                                                                      "b": np.zeros(3)}])
def test_only_matrices(params):
    with pytest.raises(ValueError, match=r"Invalid params: shape \(.*\) \(muon only supports 2-D parameters"):
        ol.muon().init(params)


@pytest.mark.parametrize("make, message", [
    (lambda: ol.muon(-0.02), r"^Invalid learning_rate: -0.02 \(must be >= 0\)$"),
    (lambda: ol.muon(momentum=1.0), r"^Invalid momentum: 1.0 \(must be in \[0, 1\)\)$"),
    (lambda: ol.muon(momentum=np.array([0.9, 0.5])), r"Invalid momentum: .* \(must be a single number"),
    (lambda: ol.muon(weight_decay=-0.1), r"^Invalid weight_decay: -0.1 \(must be >= 0\)$"),
    (lambda: ol.muon(nesterov=1), r"^Invalid nesterov: 1 \(must be True or False\)$"),
    (lambda: ol.muon(ns_coefficients=(3.4, -4.7)), r"^Invalid ns_coefficients: \(3.4, -4.7\)"),
    (lambda: ol.muon(ns_coefficients=(3.4, "b", 2.0)), r"^Invalid ns_coefficients"),
    (lambda: ol.muon(ns_steps=2.5), r"^Invalid ns_steps: 2.5 \(must be an integer in \[0, 100\)\)$"),
    (lambda: ol.muon(ns_steps=100), r"^Invalid ns_steps: 100"),
    (lambda: ol.muon(ns_steps=True), r"^Invalid ns_steps: True"),
    (lambda: ol.muon(eps=-1e-7), r"^Invalid eps: -1e-07 \(must be >= 0\)$"),
    (lambda: ol.muon(adjust_lr_fn="rms"), r"^Invalid adjust_lr_fn: 'rms' \(must be one of"),
    (lambda: ol.orthogonalize(np.ones(3)), r"^Invalid G: shape \(3,\) \(must be a 2-D matrix\)$"),
])
def test_bad_hyperparameters_raise(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_gradient_shape_must_match():
    opt = ol.muon()
    with pytest.raises(ValueError, match="shape"):
        opt.update(np.ones((3, 2)), opt.init(np.zeros((2, 3))), np.zeros((2, 3)))


# ------------------------------------------------------------------------------------------- torch.optim.Muon

def torch_steps(torch, W0, grad, steps, kw, params_from=None):
    """torch.optim.Muon's iterates from W0 under grad; if params_from (our path) is given, each step starts
    from our previous iterate and the gradient there, so the one-step updates can be compared without
    compounding."""
    p = torch.tensor(W0.copy(), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Muon([p], **kw)
    updates, path = [], []
    for k in range(steps):
        if params_from is not None:
            with torch.no_grad():
                p.copy_(torch.tensor(W0 if k == 0 else params_from[k - 1]))
        before = p.detach().numpy().copy()
        p.grad = torch.tensor(grad(before))
        opt.step()
        path.append(p.detach().numpy().copy())
        updates.append(path[-1] - before)
    return np.array(path), np.array(updates)


@pytest.mark.parametrize("kw", SETTINGS, ids=[str(s) for s in SETTINGS])
def test_equals_torch_muon_with_its_iteration_in_float64(kw, monkeypatch):
    torch = require_torch()
    # torch casts to bfloat16 inside _zeropower_via_newtonschulz; make that cast a copy, and the rest of its
    # Muon (momentum, Nesterov, shape factor, decay, the iteration itself) must equal ours to round-off
    monkeypatch.setattr(torch.Tensor, "bfloat16", lambda self: self.clone())
    W0, grad = problem((6, 4), 2)
    ours = run_ours(W0, grad, 40, **kw)
    theirs, _ = torch_steps(torch, W0, grad, 40, kw)
    assert_allclose(ours, theirs, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (64, 32)])
@pytest.mark.parametrize("kw", SETTINGS, ids=[str(s) for s in SETTINGS])
def test_each_step_equals_torch_muon_in_bfloat16_to_its_precision(kw, shape):
    # bfloat16 keeps 8 significant bits (unit round-off 2^-8 = 0.39%). The input is rounded to it, and the
    # iteration's 5 steps of 3 products are rounded again; p'(0) = a = 3.4 amplifies the errors along small
    # singular values. Measured here: 0.3% to 3.8% of the update's Frobenius norm (largest on the 6 x 4 matrices).
    # Each step is compared from the same point and state (our previous iterate), so errors do not compound;
    # the bound is 6%. This catches a wrong shape factor (off by 40% or more), not every slip: dropping the
    # Nesterov form changes these updates by about as much as bfloat16 does, which is why the comparison
    # above, with torch's iteration run in float64, is the exact one.
    torch = require_torch()
    W0, grad = problem(shape, 3)
    ours = run_ours(W0, grad, 20, **kw)
    _, theirs = torch_steps(torch, W0, grad, 20, kw, params_from=ours)
    ours_updates = np.diff(np.concatenate([W0[None], ours]), axis=0)
    error = np.linalg.norm(ours_updates - theirs, axis=(1, 2)) / np.linalg.norm(theirs, axis=(1, 2))
    assert error.max() < 6e-2
    assert error.max() > 1e-5                            # bfloat16 really is in use: not round-off equality
