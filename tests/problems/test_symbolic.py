"""optimlib.problems.symbolic: SymPy expressions compiled to NumPy, on points, batches and meshgrids."""
import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose

import optimlib as ol
from optimlib.problems.symbolic import gradient, hessian, jacobian, lambdify_derivatives, lambdify_jacobian, to_numpy

x, y, z = sp.symbols("x y z")


def test_point_batch_and_meshgrid_agree():
    f, grad, hess = lambdify_derivatives(sp.sin(x) * y**3 + sp.exp(x * y), (x, y))
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(4, 3, 2))
    batch = f(pts), grad(pts), hess(pts)
    assert [b.shape for b in batch] == [(4, 3), (4, 3, 2), (4, 3, 2, 2)]
    for i in range(4):
        for j in range(3):
            assert_allclose(f(pts[i, j]), batch[0][i, j], rtol=1e-14)
            assert_allclose(grad(pts[i, j]), batch[1][i, j], rtol=1e-14)
            assert_allclose(hess(pts[i, j]), batch[2][i, j], rtol=1e-14)
    X, Y = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(0, 2, 7))
    assert_allclose(f(np.stack([X, Y], -1)), np.sin(X) * Y**3 + np.exp(X * Y), rtol=1e-14)


def test_constant_components_broadcast():
    # the Hessian of x^2 - y^2 is constant; the gradient of a linear term is constant
    _, grad, hess = lambdify_derivatives(x**2 - y**2 + 3 * y, (x, y))
    X, Y = np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 6))
    H = hess(np.stack([X, Y], -1))
    assert H.shape == (6, 4, 2, 2)
    assert_allclose(H, np.broadcast_to([[2.0, 0.0], [0.0, -2.0]], H.shape))
    G = grad(np.stack([X, Y], -1))
    assert_allclose(G[..., 0], 2 * X)
    assert_allclose(G[..., 1], -2 * Y + 3)
    f, grad, hess = lambdify_derivatives(2 * x - y, (x, y))
    assert grad(np.zeros((3, 2))).shape == (3, 2)
    assert_allclose(grad(np.zeros((3, 2))), [[2, -1]] * 3)
    assert_allclose(hess(np.ones(2)), np.zeros((2, 2)))
    assert to_numpy(sp.Integer(7), (x,))(np.zeros((2, 5, 1))).shape == (2, 5)


def test_symbolic_derivatives_match_definitions():
    expr = x**2 * y + sp.cos(z) * x
    assert list(gradient(expr, (x, y, z))) == [2 * x * y + sp.cos(z), x**2, -sp.sin(z) * x]
    assert hessian(expr, (x, y, z)).is_symmetric()
    assert jacobian([expr], (x, y, z)) == gradient(expr, (x, y, z)).T  # the Jacobian of a scalar is grad^T


def test_jacobian_of_residuals_and_gauss_newton():
    # residuals of a tiny nonlinear least-squares fit y_i ~ a * exp(b t_i)
    a, b = sp.symbols("a b")
    t = np.array([0.0, 0.5, 1.0, 1.5])
    data = 2.0 * np.exp(-0.7 * t)
    residuals = [a * sp.exp(b * ti) - yi for ti, yi in zip(t, data)]
    r, J = lambdify_jacobian(residuals, (a, b))
    w = np.array([1.5, -0.2])
    assert r(w).shape == (4,) and J(w).shape == (4, 2)
    assert J(np.ones((3, 2))).shape == (3, 4, 2)
    eps = 1e-6
    fd = np.stack([(r(w + eps * e) - r(w - eps * e)) / (2 * eps) for e in np.eye(2)], axis=-1)
    assert_allclose(J(w), fd, rtol=1e-7, atol=1e-9)
    # Hessian of 1/2 |r|^2 = J^T J + sum_i r_i hess(r_i); equal to J^T J at a zero-residual solution
    _, _, hess = lambdify_derivatives(sum(ri**2 for ri in residuals) / 2, (a, b))
    second = sum(ri * to_numpy(hessian(e, (a, b)), (a, b))(w) for ri, e in zip(r(w), residuals))
    assert_allclose(hess(w), J(w).T @ J(w) + second, rtol=1e-10)
    w_star = np.array([2.0, -0.7])
    assert_allclose(hess(w_star), J(w_star).T @ J(w_star), rtol=1e-10)
    assert np.abs(hess(w) - J(w).T @ J(w)).max() > 1e-2  # away from it the two differ


def test_validation():
    with pytest.raises(ValueError, match="Invalid x: shape"):
        to_numpy(x + y, (x, y))(np.zeros(3))
    with pytest.raises(ValueError, match="Invalid expr: free symbols"):
        to_numpy(x + z, (x, y))
    with pytest.raises(ValueError, match="Invalid symbols"):
        to_numpy(x, ())
    with pytest.raises(ValueError, match="Invalid shape"):
        to_numpy(sp.Matrix([x, y]), (x, y), shape=(3,))


def test_lazy_names_in_package():
    assert ol.lambdify_derivatives is lambdify_derivatives and ol.jacobian is jacobian
