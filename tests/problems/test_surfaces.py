"""optimlib.problems.surfaces and .stationary: the Surface records, their derivatives and stationary points."""
import numpy as np
import pytest
import sympy as sp
from numpy.testing import assert_allclose

import optimlib as ol

SURFACES = {
    "quadratic": lambda: ol.quadratic(condition_number=25.0, angle=0.4),
    "rosenbrock": ol.rosenbrock,
    "rosenbrock_a2": lambda: ol.rosenbrock(a=2.0, b=10.0),
    "beale": ol.beale,
    "himmelblau": ol.himmelblau,
    "saddle": ol.saddle,
    "monkey_saddle": ol.monkey_saddle,
    "plateau_saddle": ol.plateau_saddle,
    "cycling_quartic": ol.cycling_quartic,
    "double_well": ol.double_well,
}


def test_every_surface_of_the_library_is_under_test():
    from optimlib.problems import surfaces
    factories = set(surfaces.__all__) - {"Surface", "surface_from_expr", "surface_catalogue"}
    assert factories <= set(SURFACES)


@pytest.fixture(params=list(SURFACES), scope="module")
def surface(request):
    return SURFACES[request.param]()


def _random_points(surface, n, seed=0):
    low, high = np.array(surface.domain).T
    return np.random.default_rng(seed).uniform(low, high, size=(n, surface.dim))


def test_record_shapes(surface):
    d = surface.dim
    assert isinstance(surface, ol.Surface) and len(surface.domain) == d
    assert surface.start.shape == (d,)
    for pts in (surface.minima, surface.saddles, surface.maxima):
        assert pts.ndim == 2 and pts.shape[1] == d
    assert set(surface.expr.free_symbols) <= set(surface.symbols)


def test_gradient_and_hessian_against_finite_differences(surface):
    x = _random_points(surface, 8)
    eps = 1e-6
    E = np.eye(surface.dim)
    fd_grad = np.stack([(surface.f(x + eps * e) - surface.f(x - eps * e)) / (2 * eps) for e in E], -1)
    fd_hess = np.stack([(surface.grad(x + eps * e) - surface.grad(x - eps * e)) / (2 * eps) for e in E], -1)
    scale = 1 + np.abs(surface.f(x))[:, None]
    assert_allclose(surface.grad(x) / scale, fd_grad / scale, atol=1e-6)
    assert_allclose(surface.hess(x) / scale[..., None], fd_hess / scale[..., None], atol=1e-6)
    assert_allclose(surface.hess(x), np.swapaxes(surface.hess(x), -1, -2))


def test_known_points(surface):
    for p in surface.minima:
        assert np.linalg.norm(surface.grad(p)) < 1e-8
        assert (np.linalg.eigvalsh(surface.hess(p)) > 0).all()
        assert ol.classify_stationary_point(surface, p) == "minimum"
    for p in surface.maxima:
        assert ol.classify_stationary_point(surface, p) == "maximum"
    for p in surface.saddles:
        kind = ol.classify_stationary_point(surface, p)
        assert kind == ("degenerate" if surface.name == "monkey saddle" else "saddle")
    assert np.isfinite(surface.f(surface.start))


def test_stationary_points_found_match_the_record(surface):
    points, kinds = ol.stationary_points(surface)
    expected = {"minimum": surface.minima, "maximum": surface.maxima, "saddle": surface.saddles}
    if surface.name == "monkey saddle":
        expected = {"degenerate": surface.saddles}
    for kind, pts in expected.items():
        found = points[[k == kind for k in kinds]]
        assert len(found) == len(pts), kind
        for p in pts:
            assert np.abs(found - p).max(-1).min() < 1e-7


def test_meshgrid_evaluation():
    s = ol.himmelblau()
    X, Y = np.meshgrid(np.linspace(-5, 5, 11), np.linspace(-5, 5, 9))
    P = np.stack([X, Y], -1)
    assert s.f(P).shape == (9, 11) and s.grad(P).shape == (9, 11, 2) and s.hess(P).shape == (9, 11, 2, 2)
    assert_allclose(s.f(P), (X**2 + Y - 11)**2 + (X + Y**2 - 7)**2)
    q = ol.quadratic(condition_number=4.0)
    assert q.hess(P).shape == (9, 11, 2, 2)
    assert_allclose(q.hess(P)[3, 4], np.diag([1.0, 4.0]))
    w = ol.double_well()
    assert w.f(np.linspace(-1, 1, 5)[:, None]).shape == (5,)
    assert w.hess(np.zeros((5, 1))).shape == (5, 1, 1)


def test_quadratic_condition_number_and_rotation():
    for kappa, angle in [(1.0, 0.0), (10.0, 0.0), (100.0, np.pi / 6), (3.5, -1.0)]:
        q = ol.quadratic(condition_number=kappa, angle=angle)
        H = q.hess(np.zeros(2))
        assert_allclose(np.linalg.eigvalsh(H), [1.0, kappa], rtol=1e-12)
        v = np.array([-np.sin(angle), np.cos(angle)])  # the rotated y axis is the steep direction
        assert_allclose(H @ v, kappa * v, rtol=1e-12, atol=1e-12)


def test_rosenbrock_against_scipy():
    so = pytest.importorskip("scipy.optimize")
    s = ol.rosenbrock()
    for p in _random_points(s, 5, seed=3):
        assert_allclose(s.f(p), so.rosen(p), rtol=1e-13)
        assert_allclose(s.grad(p), so.rosen_der(p), rtol=1e-13)
        assert_allclose(s.hess(p), so.rosen_hess(p), rtol=1e-13)


def test_saddle_facts():
    s = ol.saddle()
    assert s.expr == (s.symbols[0]**2 - s.symbols[1]**2) / 2
    assert_allclose(s.hess(np.array([0.3, -2.0])), np.diag([1.0, -1.0]))
    assert_allclose(np.linalg.eigvalsh(ol.plateau_saddle().hess(np.zeros(2))), [-0.0888009, 0.0077218], rtol=1e-5)
    assert ol.classify_stationary_point(ol.monkey_saddle(), np.zeros(2)) == "degenerate"


def test_cycling_quartic_has_one_minimum_and_is_nonconvex():
    s = ol.cycling_quartic()
    x = s.symbols[0]
    assert sp.diff(s.expr, x) == x**3 - 2 * x + 2
    assert_allclose(s.minima, [[-1.7692923542386314]], rtol=1e-14)
    assert s.hess(np.zeros(1))[0, 0] == -2.0


def test_validation():
    with pytest.raises(ValueError, match="condition_number: 0.5"):
        ol.quadratic(condition_number=0.5)
    with pytest.raises(ValueError, match="separation"):
        ol.plateau_saddle(separation=-1)
    with pytest.raises(ValueError, match=r"^Invalid separation: 0.0 \(must be > 0.707107\)$"):
        ol.plateau_saddle(separation=0.0)
    with pytest.raises(ValueError, match=r"^Invalid b: 0.0 \(must be > 0\)$"):
        ol.rosenbrock(b=0.0)
    with pytest.raises(ValueError, match=r"^Invalid a: nan \(must be finite\)$"):
        ol.rosenbrock(a=np.nan)
    with pytest.raises(ValueError, match=r"^Invalid condition_number: 'high' \(must be a number"):
        ol.quadratic(condition_number="high")
    x, y = sp.symbols("x y")
    with pytest.raises(ValueError, match="Invalid domain"):
        ol.surface_from_expr("bad", x + y, (x, y), domain=((0, 1),), start=(0, 0))
    with pytest.raises(ValueError, match="Invalid domain"):
        ol.surface_from_expr("bad", x + y, (x, y), domain=((0, 1), (2, 1)), start=(0, 0))
    with pytest.raises(ValueError, match="Invalid start"):
        ol.surface_from_expr("bad", x + y, (x, y), domain=((0, 1), (0, 1)), start=(np.nan, 0))
    with pytest.raises(ValueError, match="not stationary"):
        ol.classify_stationary_point(ol.rosenbrock(), np.zeros(2))
    with pytest.raises(ValueError, match="Invalid x: shape"):
        ol.classify_stationary_point(ol.rosenbrock(), np.zeros(3))


def test_f_min_is_the_least_value_over_the_minima():
    assert ol.rosenbrock().f_min == 0.0 and ol.saddle().f_min is None  # the saddle lists no minimum
    plateau = ol.plateau_saddle()
    assert plateau.f_min == float(plateau.f(plateau.minima).min()) and abs(plateau.f_min) < 1e-10
    x = sp.Symbol("x")
    tilted = ol.surface_from_expr("tilted wells", x**4 / 4 - x**2 / 2 + x / 10, (x,), domain=((-2, 2),),
                                  start=(0.0,), minima=((0.9459,), (-1.0488,)))
    assert tilted.f_min == float(tilted.f(tilted.minima[1])) < float(tilted.f(tilted.minima[0]))  # the deeper one


@pytest.mark.parametrize("separation", [0.3, 0.7])
def test_plateau_saddle_needs_wells_apart(separation):
    # closer than 1/sqrt(2) the wells merge: the origin is the one minimum, and the record would list it as a saddle
    # and twice as a minimum (the bug this validation fixed); the numerical search sees one minimum there
    x, y = sp.symbols("x y")
    s = sp.nsimplify(separation)
    merged = ol.surface_from_expr("merged", 1 - sp.exp(-(x**2 + (y - s)**2)) - sp.exp(-(x**2 + (y + s)**2)), (x, y),
                                  domain=((-3, 3), (-3, 3)), start=(1, 0))
    assert ol.stationary_points(merged)[1] == ["minimum"]
    for s in (separation, 2**-0.5):  # at 1/sqrt(2) exactly, the origin is a degenerate minimum
        with pytest.raises(ValueError, match="Invalid separation"):
            ol.plateau_saddle(s)


@pytest.mark.parametrize("separation", [0.71, 1.0, 4.0])
def test_plateau_saddle_record_matches_the_search_off_its_default(separation):
    surface = ol.plateau_saddle(separation)
    points, kinds = ol.stationary_points(surface)
    assert kinds == ["minimum", "saddle", "minimum"]
    assert_allclose(points, [surface.minima[1], surface.saddles[0], surface.minima[0]], atol=1e-7)


@pytest.mark.parametrize("b", [0.0, -1.0])
def test_rosenbrock_without_positive_b_has_no_minimum(b):
    x, y = sp.symbols("x y")
    flat = ol.surface_from_expr("b <= 0", (1 - x)**2 + b * (y - x**2)**2, (x, y), domain=((-2, 2), (-1, 3)),
                                start=(0, 0))
    assert "minimum" not in ol.stationary_points(flat)[1]  # a line of degenerate points, or a saddle
    with pytest.raises(ValueError, match="Invalid b"):
        ol.rosenbrock(b=b)


def test_surface_catalogue_is_every_constructor_with_its_defaults():
    from optimlib.problems import surfaces
    catalogue = ol.surface_catalogue()
    assert list(catalogue) == [n for n in surfaces.__all__
                               if n not in {"Surface", "surface_from_expr", "surface_catalogue"}]
    assert set(catalogue) <= set(SURFACES)
    for name, surface in catalogue.items():
        fresh = getattr(ol, name)()
        assert isinstance(surface, ol.Surface) and surface.expr == fresh.expr and surface.name == fresh.name
        assert_allclose(surface.start, fresh.start)
