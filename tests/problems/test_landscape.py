"""optimlib.problems.landscape: closed forms (a quadratic's line is a parabola, its plane a quadric, its Hessian
known), filter norms equal to the target's per outgoing unit, PCA of a path on a line explaining everything."""
import numpy as np
import pytest
from numpy.testing import assert_allclose

import optimlib as ol


def _quadratic(A, c):
    """L(theta) = 1/2 (theta - c)^T A (theta - c) on a batch of points, and its gradient at one point."""
    loss = lambda P: 0.5 * np.einsum("ki,ij,kj->k", P - c, A, P - c)
    grad = lambda t: A @ (t - c)
    return loss, grad


def _spd(rng, d):
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    eig = np.linspace(0.5, 7.0, d)
    return Q @ np.diag(eig) @ Q.T, eig


def test_flatten_and_unflatten_are_inverse_for_a_batch_too():
    params = ol.init_mlp([4, 3, 2], np.random.default_rng(0))
    theta = ol.flatten_params(params)
    assert theta.shape == (4 * 3 + 3 + 3 * 2 + 2,)
    back = ol.unflatten_params(theta, params)
    assert list(back) == list(params) and all(np.array_equal(back[k], params[k]) for k in params)
    batch = ol.unflatten_params(np.stack([theta, -theta, 2 * theta]), params)
    assert batch["W1"].shape == (3, 4, 3) and batch["b2"].shape == (3, 2)
    assert_allclose(batch["W2"][2], 2 * params["W2"], rtol=0, atol=0)


def test_a_quadratic_along_a_line_is_its_parabola():
    # L((1 - alpha) a + alpha b) = 1/2 (u + alpha w)^T A (u + alpha w), u = a - c, w = b - a
    rng = np.random.default_rng(1)
    A, _ = _spd(rng, 5)
    c, a, b = rng.normal(size=(3, 5))
    loss, _ = _quadratic(A, c)
    alphas = np.linspace(-0.5, 1.5, 9)
    u, w = a - c, b - a
    parabola = 0.5 * (u @ A @ u) + alphas * (u @ A @ w) + 0.5 * alphas**2 * (w @ A @ w)
    assert_allclose(ol.loss_along_line(loss, a, b, alphas, chunk=2), parabola, rtol=1e-12)


def test_a_quadratic_on_a_plane_is_its_quadric_laid_out_as_meshgrid():
    rng = np.random.default_rng(2)
    A, _ = _spd(rng, 4)
    c = rng.normal(size=4)
    d1, d2 = rng.normal(size=(2, 4))
    loss, _ = _quadratic(A, c)
    xs, ys = np.linspace(-1, 1, 5), np.linspace(-2, 2, 3)
    F = ol.loss_on_plane(loss, c, d1, d2, xs, ys, chunk=4)
    X, Y = np.meshgrid(xs, ys)
    quadric = 0.5 * (X**2 * (d1 @ A @ d1) + 2 * X * Y * (d1 @ A @ d2) + Y**2 * (d2 @ A @ d2))
    assert F.shape == (3, 5)
    assert_allclose(F, quadric, rtol=1e-12, atol=1e-14)


def test_filter_norms_equal_the_targets_per_outgoing_unit_and_biases_are_zero():
    params = ol.init_mlp([6, 5, 3], np.random.default_rng(3))
    params = {k: v + 0.3 for k, v in params.items()}                 # nonzero biases, columns of unequal norm
    d = ol.filter_normalized_direction(params, np.random.default_rng(4))
    for key in ("W1", "W2"):                                          # one filter = one column W[:, j]
        assert_allclose(np.linalg.norm(d[key], axis=0), np.linalg.norm(params[key], axis=0), rtol=1e-12)
        assert not np.allclose(d[key], params[key])                   # a direction, not a copy
    assert not np.any(d["b1"]) and not np.any(d["b2"])
    again = ol.filter_normalized_direction(params, np.random.default_rng(4))
    assert all(np.array_equal(d[k], again[k]) for k in d)             # seeded: the same rng gives the same draw


def test_pca_of_a_path_on_a_line_explains_everything_and_a_plane_path_two_components():
    rng = np.random.default_rng(5)
    start, direction = rng.normal(size=(2, 30))
    t = np.sort(rng.uniform(0, 1, 12))[::-1] ** 2                     # unevenly spaced, ending at t = 0
    path = start + t[:, None] * direction
    dirs, explained = ol.pca_directions(path, k=2)
    assert_allclose(explained, [1.0, 0.0], atol=1e-12)
    assert_allclose(abs(dirs[0] @ direction) / np.linalg.norm(direction), 1.0, rtol=1e-12)
    assert (path[0] - path[-1]) @ dirs[0] > 0                         # signed towards the start
    assert_allclose(dirs @ dirs.T, np.eye(2), atol=1e-12)
    e1, e2 = np.linalg.qr(rng.normal(size=(30, 2)))[0].T              # a path in a plane: two components, sum 1
    s = np.linspace(0, 1, 20)
    curve = np.outer(np.cos(3 * s), e1) + np.outer(s**2, e2)
    assert_allclose(ol.pca_directions(curve, k=2)[1].sum(), 1.0, rtol=1e-12)
    cross = np.array([2 * e1, -2 * e1, e2, -e2, 0 * e1])              # variances 8 and 2 along e1, e2 (mean 0)
    dirs, explained = ol.pca_directions(cross, k=2)
    assert_allclose(explained, [0.8, 0.2], rtol=1e-12)
    assert_allclose(np.abs(dirs @ np.stack([e1, e2]).T), np.eye(2), atol=1e-12)


def test_fraction_in_span_is_one_inside_and_about_sqrt_2_over_d_for_a_random_plane():
    rng = np.random.default_rng(6)
    basis = rng.normal(size=(2, 400))
    assert ol.fraction_in_span(3 * basis[0] - basis[1], basis) == pytest.approx(1.0, abs=1e-12)
    e = np.zeros(400)
    e[0] = 1.0
    orthogonal = basis - np.outer(basis @ e, e)                      # a plane orthogonal to e
    assert ol.fraction_in_span(e, orthogonal) < 1e-12
    v = rng.normal(size=400)
    shares = [ol.fraction_in_span(v, rng.normal(size=(2, 400))) for _ in range(200)]
    assert np.mean(np.square(shares)) == pytest.approx(2 / 400, rel=0.15)


def test_top_hessian_eigenvalue_of_a_quadratic_is_its_largest_eigenvalue():
    rng = np.random.default_rng(7)
    A, eig = _spd(rng, 6)
    c = rng.normal(size=6)
    _, grad = _quadratic(A, c)
    lam, v = ol.top_hessian_eigenvalue(grad, rng.normal(size=6), np.random.default_rng(8), iters=200)
    assert lam == pytest.approx(eig.max(), rel=1e-8)
    assert_allclose(np.abs(A @ v), np.abs(eig.max() * v), atol=1e-6)
    shifted = lambda t: lam * t - grad(t)                            # lam I - H: its top is lam - lambda_min
    gap, _ = ol.top_hessian_eigenvalue(shifted, c, np.random.default_rng(9), iters=400)
    assert lam - gap == pytest.approx(eig.min(), abs=1e-6)


@pytest.mark.parametrize("call, match", [
    (lambda: ol.flatten_params({}), "Invalid params"),
    (lambda: ol.unflatten_params(np.zeros(5), {"W1": np.zeros((2, 3))}), "Invalid vector: shape \\(5,\\)"),
    (lambda: ol.filter_normalized_direction({"W1": np.ones((2, 2))}, 0), "Invalid rng: 0"),
    (lambda: ol.loss_along_line(lambda p: p.sum(1), np.zeros(2), np.zeros(3), [0.0]), "Invalid b: shape \\(3,\\)"),
    (lambda: ol.loss_along_line(lambda p: p.sum(1), np.zeros(2), np.ones(2), []), "Invalid alphas"),
    (lambda: ol.loss_along_line(lambda p: p.sum(), np.zeros(2), np.ones(2), [0.0, 1.0]), "Invalid loss: returned"),
    (lambda: ol.loss_on_plane(lambda p: p.sum(1), np.zeros(2), np.ones(2), np.ones(2), [0.0], [0.0], chunk=0),
     "Invalid chunk: 0"),
    (lambda: ol.pca_directions(np.zeros((1, 3))), "Invalid path: shape \\(1, 3\\)"),
    (lambda: ol.pca_directions(np.ones((4, 3))), "Invalid path: every iterate"),
    (lambda: ol.pca_directions(np.eye(4), k=5), "Invalid k: 5"),
    (lambda: ol.fraction_in_span(np.zeros(3), np.eye(3)[:2]), "Invalid vector: zero"),
    (lambda: ol.top_hessian_eigenvalue(lambda t: t, np.zeros(2), np.random.default_rng(0), eps=0.0),
     "Invalid eps: 0.0"),
])
def test_bad_input_raises_a_value_error_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
