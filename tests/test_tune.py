"""ol.tune: the grid finds gradient descent's best rate on a quadratic, equals a loop, and rejects bad input."""
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import optimlib as ol

MU, L = 1.0, 10.0
BOWL = (lambda x: 0.5 * (MU * x[..., 0]**2 + L * x[..., 1]**2), lambda x: x * np.array([MU, L]))
GRID = np.geomspace(0.01, 1.0, 41)  # 20 points per decade


def gd(learning_rate):
    return ol.sgd(learning_rate)


def test_recovers_the_optimal_rate_of_gradient_descent_on_a_quadratic():
    res = ol.tune(gd, BOWL, np.array([1.0, 1.0]), 200, {"learning_rate": GRID}, f_star=0.0)
    eta_star = 2 / (L + MU)
    spacing = np.log10(GRID[1] / GRID[0])
    assert abs(np.log10(res.best["learning_rate"] / eta_star)) <= spacing  # within one grid step
    # rates at or above 2/L diverge: failures, inf, never NaN
    assert_array_equal(res.failed, GRID >= 2 / L + 1e-12)
    assert np.isinf(res.scores[res.failed]).all() and not np.isnan(res.scores).any()
    # after 200 steps the gap is sharp in eta: within 10x of the best only at the nearest grid values
    assert 0 <= res.width["learning_rate"] <= 2 * spacing and res.good[res.best_index]


def test_equals_a_loop_over_settings_and_starts_with_two_parameters():
    rng = np.random.default_rng(0)
    starts = rng.uniform(-1, 1, size=(3, 2))
    lrs, moms = np.geomspace(0.01, 0.3, 5), np.array([0.1, 0.5, 0.9])
    res = ol.tune(lambda learning_rate, momentum: ol.sgd(learning_rate, momentum=momentum), BOWL, starts, 60,
                  {"learning_rate": lrs, "momentum": moms}, f_star=0.0)
    for i, lr in enumerate(lrs):
        for j, mu in enumerate(moms):
            runs = [ol.run(ol.sgd(lr, momentum=mu), BOWL, s, 60) for s in starts]
            expected = np.inf if any(r.diverged for r in runs) else np.mean([r.loss[-1] for r in runs])
            assert_allclose(res.scores[i, j], expected, rtol=1e-12)
    flat = np.nanargmin(np.where(np.isinf(res.scores), np.nan, res.scores))
    assert res.best_index == tuple(np.unravel_index(flat, res.scores.shape))
    assert res.best == res.setting(res.best_index)


def test_the_width_is_the_contiguous_good_run_through_the_best_value():
    res = ol.tune(gd, BOWL, np.array([1.0, 1.0]), 10, {"learning_rate": GRID}, f_star=0.0)
    b = res.best_index[0]
    lo = b - next(i for i in range(b + 1) if i == b or not res.good[b - i - 1])
    hi = b + next(i for i in range(len(GRID) - b) if i == len(GRID) - b - 1 or not res.good[b + i + 1])
    assert 0 < lo < b < hi < len(GRID) - 1  # an interior region
    assert_allclose(res.width["learning_rate"], np.log10(GRID[hi] / GRID[lo]))


def test_a_custom_score_and_the_width_of_the_good_region():
    # an escape time from the saddle (x^2 - y^2)/2: steps until f < -1
    saddle = (lambda x: 0.5 * (x[..., 0]**2 - x[..., 1]**2), lambda x: x * np.array([1.0, -1.0]))

    def escape(traj):
        below = traj.loss < -1
        return np.where(below.any(0), below.argmax(0), np.inf).astype(float)

    lrs = np.geomspace(0.01, 1.0, 9)
    res = ol.tune(gd, saddle, np.array([1.0, 1e-6]), 400, {"learning_rate": lrs}, score=escape, good_factor=2.0,
                  count_divergence=False)  # the saddle is unbounded below: y runs off after it escapes
    # GD escapes like (1 + eta)^k: y_k = 1e-6 (1 + eta)^k reaches sqrt(2) at k = ln(sqrt(2) 1e6) / ln(1 + eta)
    k = np.ceil(np.log(np.sqrt(2) * 1e6) / np.log1p(lrs))
    assert_allclose(np.where(res.failed, np.inf, res.scores), np.where(k <= 400, k, np.inf))
    assert res.best["learning_rate"] == lrs[-1]
    good = res.scores <= 2 * res.scores.min()
    assert_array_equal(res.good, good)
    assert_allclose(res.width["learning_rate"], np.log10(lrs[-1] / lrs[good].min()))


@pytest.mark.parametrize("kwargs, name", [
    ({"steps": 0}, "steps"), ({"steps": 2.5}, "steps"), ({"steps": True}, "steps"),
    ({"grid": {}}, "grid"), ({"grid": {"learning_rate": [0.1]}}, "grid"),
    ({"grid": {"learning_rate": [0.1, -0.2]}}, "grid"), ({"grid": {"learning_rate": [0.2, 0.1]}}, "grid"),
    ({"grid": {"learning_rate": [0.1, np.nan]}}, "grid"), ({"grid": {"a": [1, 2], "b": [1, 2], "c": [1, 2]}}, "grid"),
    ({"grid": [0.1, 0.2]}, "grid"), ({"good_factor": 0.5}, "good_factor"), ({"f_star": None}, "f_star"),
    ({"x0": np.zeros((2, 2, 2))}, "x0"), ({"count_divergence": False}, "score"),
])
def test_bad_budgets_grids_and_arguments_raise_naming_the_argument(kwargs, name):
    args = {"steps": 10, "grid": {"learning_rate": GRID}, "f_star": 0.0, "x0": np.ones(2)} | kwargs
    with pytest.raises(ValueError, match=f"Invalid {name}"):
        ol.tune(gd, BOWL, args.pop("x0"), args.pop("steps"), args.pop("grid"), **args)


def test_a_gradient_function_is_passed_to_run():
    noisy = lambda x, step: BOWL[1](x) + 0.1 * np.cos(step + x)  # deterministic "noise"
    res = ol.tune(gd, BOWL, np.ones(2), 20, {"learning_rate": GRID[:5]}, f_star=0.0, grad_fn=noisy)
    loop = [ol.run(ol.sgd(lr), BOWL, np.ones(2), 20, grad_fn=noisy).loss[-1] for lr in GRID[:5]]
    assert_allclose(res.scores, loop, rtol=1e-12)


def test_a_score_of_the_wrong_shape_raises():
    with pytest.raises(ValueError, match="Invalid score"):
        ol.tune(gd, BOWL, np.ones(2), 5, {"learning_rate": GRID}, score=lambda t: np.zeros(3))


def test_uses_the_surface_f_min_by_default():
    bowl = ol.quadratic(condition_number=L)
    res = ol.tune(gd, bowl, np.array([1.0, 1.0]), 200, {"learning_rate": GRID})
    assert abs(np.log10(res.best["learning_rate"] / (2 / (L + MU)))) <= np.log10(GRID[1] / GRID[0])


# Hand-made scores (one per setting, in C order, whatever the runs did): the good region is scores <= 10 x best,
# and its width the decades between the extreme good values contiguous with the best one, on a grid of one value per
# decade (1e-4 ... 1), so that every width is a whole number of decades, the grid's edges included.
DECADES = 10.0 ** np.arange(-4, 1)


@pytest.mark.parametrize("scores, width", [
    ([50, 3, 1, 5, 200], 2),    # interior: good from 1e-3 to 1e-1
    ([2, 50, 1, 5, 200], 1),    # a good value cut off from the best by a bad one does not count
    ([20, 50, 1, 50, 20], 0),   # only the best
    ([3, 2, 1, 50, 90], 2),     # reaches the grid's low edge
    ([50, 5, 1, 2, 3], 3),      # reaches the grid's high edge
    ([1, 2, 50, 3, 4], 1),      # the best at the low edge (and a good end of the grid not contiguous with it)
    ([40, 30, 5, 2, 1], 2),     # the best at the high edge
    ([1, 1.5, 2, 3, 4], 4),     # the whole grid
])
def test_the_width_of_a_hand_made_good_region(scores, width):
    res = ol.tune(gd, BOWL, np.ones(2), 1, {"learning_rate": DECADES}, score=lambda t: np.array(scores, float))
    assert_array_equal(res.good, np.array(scores) <= 10 * min(scores))
    assert_allclose(res.width["learning_rate"], width, atol=1e-12)


def test_the_width_in_two_parameters_runs_along_the_lines_through_the_best_setting():
    table = np.array([[90, 90, 90],
                      [5, 90, 2],     # (1, 2) and (4, 1) are good but off both lines through the best (2, 0)
                      [1, 3, 90],
                      [4, 90, 90],
                      [90, 2, 90]], dtype=float)
    res = ol.tune(lambda learning_rate, momentum: ol.sgd(learning_rate, momentum=momentum), BOWL, np.ones(2), 1,
                  {"learning_rate": DECADES, "momentum": np.array([1e-3, 1e-2, 1e-1])}, score=lambda t: table.ravel())
    assert res.best_index == (2, 0)
    assert_allclose([res.width["learning_rate"], res.width["momentum"]], [2, 1], atol=1e-12)  # 1e-3..1e-1; 1e-3..1e-2
