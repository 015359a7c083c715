"""Learning-rate schedules: closed forms, validation, and use wherever a learning rate is accepted."""
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

import optimlib as ol
from loops import trajectory


def values(schedule, n):
    return np.array([schedule(t) for t in range(n)])


def test_constant():
    assert_allclose(values(ol.constant_schedule(0.3), 4), 0.3)


def test_step_decay_matches_torch_steplr_formula():
    assert_allclose(values(ol.step_decay(0.1, step_size=3, gamma=0.5), 7),
                    [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025])


def test_exponential_decay():
    assert_allclose(values(ol.exponential_decay(2.0, 0.9), 4), 2.0 * 0.9 ** np.arange(4))
    assert_allclose(ol.exponential_decay(2.0, 0.5, transition_steps=10)(10), 1.0)


def test_inverse_time_and_inverse_sqrt():
    t = np.arange(5)
    assert_allclose(values(ol.inverse_time_decay(1.0, decay_rate=0.5), 5), 1 / (1 + 0.5 * t))
    assert_allclose(values(ol.inverse_sqrt_decay(1.0, decay_rate=2.0), 5), 1 / np.sqrt(1 + 2 * t))


def test_robbins_monro_partial_sums():
    # 1/t: sum grows like log n, sum of squares stays bounded; 1/sqrt(t): squares grow like log n.
    n = 20000
    inv, inv_sqrt = values(ol.inverse_time_decay(1.0), n), values(ol.inverse_sqrt_decay(1.0), n)
    assert inv.sum() > 10 and (inv ** 2).sum() < math.pi ** 2 / 6 + 1e-9
    assert (inv_sqrt ** 2).sum() > 10


def test_cosine_decay_endpoints_and_midpoint():
    s = ol.cosine_decay(1.0, decay_steps=100, alpha=0.1)
    assert_allclose([s(0), s(50), s(100), s(1000)], [1.0, 0.55, 0.1, 0.1], atol=1e-12)


def test_warmup_is_linear_then_follows_the_shifted_schedule():
    inner = ol.exponential_decay(0.2, 0.5)
    s = ol.warmup(inner, warmup_steps=4)
    assert_allclose(values(s, 7), [0.0, 0.05, 0.1, 0.15, 0.2, 0.1, 0.05])
    assert_allclose(values(ol.warmup(0.4, 2, init_value=0.2), 4), [0.2, 0.3, 0.4, 0.4])


def test_array_init_value_runs_a_batch_and_keeps_shape():
    lr = ol.cosine_decay(np.array([[0.1], [0.2]]), decay_steps=10)
    assert_allclose(lr(5), [[0.05], [0.1]])


def test_sgd_under_a_schedule_takes_the_rate_of_each_step():
    # every optimizer takes a schedule (tests/optim: the registry); plain SGD: x_{t+1} = (1 - 0.1 * 0.5**t) x_t
    schedule = ol.step_decay(0.1, step_size=1, gamma=0.5)
    x = trajectory(ol.sgd(schedule), lambda x: x, [1.0], 3)[-1]
    assert_allclose(x, [(1 - 0.1) * (1 - 0.05) * (1 - 0.025)])


@pytest.mark.parametrize("make, message", [
    (lambda: ol.step_decay(-0.1, 3), r"Invalid init_value: -0.1 \(must be >= 0\)"),
    (lambda: ol.step_decay(0.1, 0), r"Invalid step_size: 0 \(must be an integer >= 1\)"),
    (lambda: ol.step_decay(0.1, 2.5), r"Invalid step_size: 2.5"),
    (lambda: ol.step_decay(0.1, 2, gamma=1.5), r"Invalid gamma: 1.5 \(must be in \[0, 1\]\)"),
    (lambda: ol.exponential_decay(0.1, 0.0), r"Invalid decay_rate: 0.0 \(must be in \(0, 1\]\)"),
    (lambda: ol.inverse_time_decay(0.1, -1.0), r"Invalid decay_rate: -1.0"),
    (lambda: ol.inverse_sqrt_decay(0.1, np.nan), r"Invalid decay_rate: nan"),
    (lambda: ol.cosine_decay(0.1, decay_steps=True), r"Invalid decay_steps: True"),
    (lambda: ol.cosine_decay(0.1, 10, alpha=2.0), r"Invalid alpha: 2.0"),
    (lambda: ol.warmup(ol.constant_schedule(0.1), warmup_steps=-1), r"Invalid warmup_steps: -1"),
    (lambda: ol.warmup(lambda t: -0.1, warmup_steps=2), r"Invalid schedule"),
    (lambda: ol.get_schedule("triangular", 0.1), r"Invalid schedule: 'triangular' \(must be one of constant"),
    (lambda: ol.get_schedule("cosine", 0.1), r"Invalid arguments for schedule 'cosine'"),
    (lambda: ol.sgd("cosine"), r"Invalid learning_rate: 'cosine' \(must be a number >= 0, an array of them, or a "
                                r"schedule step -> rate, e.g. ol.cosine_decay"),
    (lambda: ol.adam(learning_rate=[0.1, "x"]), r"Invalid learning_rate: \[0.1, 'x'\]"),
    (lambda: ol.adam(lambda t: -1e-3), r"Invalid learning_rate \(schedule value at step 0\): -0.001"),
])
def test_bad_schedule_arguments_raise_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_get_schedule_builds_each_by_name():
    assert ol.get_schedule("constant", 0.2)(7) == 0.2
    assert_allclose(ol.get_schedule("cosine", 1.0, decay_steps=4)(2), 0.5)
    assert_allclose(ol.get_schedule("step", 1.0, 2, gamma=0.1)(2), 0.1)
    assert_allclose(ol.get_schedule("exponential", 1.0, 0.5)(2), 0.25)
    assert_allclose(ol.get_schedule("inverse_sqrt", 1.0)(3), 0.5)
