"""The protocol: tree_map, chain, apply_updates, scale, scale_by_learning_rate and the validation helpers."""
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import optimlib as ol
from optimlib import _validate


def test_tree_map_on_array_and_nested_dict():
    assert_array_equal(ol.tree_map(np.add, np.ones(2), np.ones(2)), [2.0, 2.0])
    tree = {"w": np.ones((2, 3)), "inner": {"b": np.arange(3.0)}}
    out = ol.tree_map(lambda a, b: a * b, tree, tree)
    assert set(out) == {"w", "inner"}
    assert_array_equal(out["inner"]["b"], [0.0, 1.0, 4.0])
    assert out["w"].shape == (2, 3)


def test_apply_updates_adds_and_does_not_mutate():
    params = {"w": np.array([1.0, 2.0]), "b": np.array(3.0)}
    updates = {"w": np.array([0.5, -0.5]), "b": np.array(-1.0)}
    before = {k: v.copy() for k, v in params.items()}
    new = ol.apply_updates(params, updates)
    assert_array_equal(new["w"], [1.5, 1.5])
    assert_array_equal(new["b"], 2.0)
    for k in params:
        assert_array_equal(params[k], before[k])
        assert new[k] is not params[k]


def test_apply_updates_refuses_to_broadcast():
    with pytest.raises(ValueError, match=r"shape \(2,\) does not match params shape \(3, 2\)"):
        ol.apply_updates(np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="keys"):
        ol.apply_updates({"a": np.zeros(2)}, {"b": np.zeros(2)})


def test_chain_composes_in_order_and_keeps_a_tuple_of_states():
    opt = ol.chain(ol.scale(2.0), ol.scale_by_learning_rate(0.25))
    state = opt.init(np.zeros(2))
    assert isinstance(state, tuple) and len(state) == 2
    updates, state = opt.update(np.array([1.0, -4.0]), state)
    assert_array_equal(updates, [-0.5, 2.0])
    assert state[1].count == 1


def test_the_minus_sign_lives_in_scale_by_learning_rate():
    updates, _ = ol.scale_by_learning_rate(0.1).update(np.array([2.0]), ol.ScaleByLearningRateState(0))
    assert_allclose(updates, [-0.2])
    updates, _ = ol.scale(0.1).update(np.array([2.0]), ol.EmptyState())
    assert_allclose(updates, [0.2])


def test_learning_rate_schedule_sees_the_number_of_updates_made():
    seen = []

    def schedule(step):
        seen.append(step)
        return 1.0 / (step + 1)

    opt = ol.scale_by_learning_rate(schedule)
    state = opt.init(np.zeros(1))
    rates = []
    for _ in range(3):
        updates, state = opt.update(np.ones(1), state)
        rates.append(-updates[0])
    assert seen[-3:] == [0, 1, 2]
    assert_allclose(rates, [1.0, 0.5, 1 / 3])


def test_array_learning_rate_runs_a_batch_of_rates():
    opt = ol.scale_by_learning_rate(np.array([[0.1], [0.2], [0.3]]))
    updates, _ = opt.update(np.ones((3, 2)), opt.init(np.zeros((3, 2))))
    assert_allclose(updates, [[-0.1, -0.1], [-0.2, -0.2], [-0.3, -0.3]])


def test_array_hyperparameter_that_would_enlarge_the_params_is_refused_at_init():
    opt = ol.scale_by_learning_rate(np.array([[0.1], [0.2], [0.3]]))
    with pytest.raises(ValueError, match=r"Invalid learning_rate: shape \(3, 1\) does not broadcast"):
        opt.init(np.zeros(2))


def test_update_checks_grad_shape_against_params():
    opt = ol.scale_by_learning_rate(0.1)
    with pytest.raises(ValueError, match=r"Invalid grads: shape \(3,\) does not match params shape \(2,\)"):
        opt.update(np.ones(3), opt.init(np.zeros(2)), np.zeros(2))


def test_float32_stays_float32_with_numpy_float64_scalars():
    params = np.ones(4, dtype=np.float32)
    for lr in (0.1, np.float64(0.1), np.array(0.1), lambda step: np.float64(0.1) * np.cos(0.0)):
        opt = ol.scale_by_learning_rate(lr)
        updates, _ = opt.update(params, opt.init(params), params)
        assert updates.dtype == np.float32
        assert ol.apply_updates(params, updates).dtype == np.float32


@pytest.mark.parametrize("value, low, high, message", [
    (-0.1, 0.0, None, r"^Invalid learning_rate: -0.1 \(must be >= 0\)$"),
    (1.0, 0.0, 1.0, r"^Invalid learning_rate: 1.0 \(must be in \[0, 1\)\)$"),
    (np.nan, 0.0, None, r"^Invalid learning_rate: nan \(must be >= 0\)$"),
    (np.inf, None, None, r"^Invalid learning_rate: inf \(must be finite\)$"),
    ([[0.1], [-0.3]], 0.0, None, r"^Invalid learning_rate: -0.3 at index \(1, 0\) \(must be >= 0\)$"),
    ("fast", 0.0, None, r"^Invalid learning_rate: 'fast' \(must be a number or an array of numbers\)$"),
    (None, 0.0, None, r"Invalid learning_rate: None"),
    (True, 0.0, None, r"Invalid learning_rate: True"),
])
def test_check_hyperparameter_names_argument_and_value(value, low, high, message):
    with pytest.raises(ValueError, match=message):
        _validate.check_hyperparameter("learning_rate", value, low, high)


def test_check_hyperparameter_returns_float_or_float_array():
    assert type(_validate.check_hyperparameter("x", np.float64(0.5))) is float
    assert type(_validate.check_hyperparameter("x", 2)) is float
    arr = _validate.check_hyperparameter("x", [[1], [2]])
    assert arr.dtype == np.float64 and arr.shape == (2, 1)
    assert _validate.check_hyperparameter("x", np.ones(2, np.float32)).dtype == np.float32
    given = np.array([0.1, 0.2])
    kept = _validate.check_hyperparameter("x", given)
    given[0] = -1.0                                   # the caller's later edit does not reach the optimizer
    assert kept[0] == 0.1
    assert _validate.check_hyperparameter("x", 0.0, 0.0, low_inclusive=True) == 0.0
    with pytest.raises(ValueError, match=r"must be in \(0, 1\]"):
        _validate.check_hyperparameter("x", 0.0, 0.0, 1.0, low_inclusive=False, high_inclusive=True)


def test_check_learning_rate_validates_a_schedule_at_step_zero():
    assert callable(_validate.check_learning_rate(lambda t: 0.1))
    with pytest.raises(ValueError, match="learning_rate"):
        _validate.check_learning_rate(lambda t: -1.0)


def test_check_shapes_on_dicts():
    params = {"w": np.zeros((2, 2)), "b": np.zeros(2)}
    _validate.check_shapes({"w": np.ones((2, 2)), "b": np.ones(2)}, params)
    with pytest.raises(ValueError, match=r"grads\['b'\]: shape \(3,\)"):
        _validate.check_shapes({"w": np.ones((2, 2)), "b": np.ones(3)}, params)
    with pytest.raises(ValueError, match="keys"):
        _validate.check_shapes(np.ones(2), params)


def test_a_list_of_arrays_is_refused_at_init_with_a_clear_error():
    for opt in (ol.adam(), ol.sgd(0.1, momentum=0.9), ol.rmsprop(0.1)):
        with pytest.raises(ValueError, match=r"Invalid params: a list \(must be a NumPy array, a number, or a dict"):
            opt.init([np.zeros(2), np.zeros(3)])
        with pytest.raises(ValueError, match=r"Invalid params\['w'\]: a tuple"):
            opt.init({"w": (np.zeros(2),)})
