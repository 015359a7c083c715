"""optimlib.problems.data: seeded data sets, loss helpers and the mini-batch sampler."""
import numpy as np
import pytest
from numpy.testing import assert_allclose

import optimlib as ol


def test_linear_regression_condition_number_and_solution():
    for kappa in (1.0, 10.0, 1e4):
        data = ol.linear_regression(300, 8, condition_number=kappa, noise=0.5, rng=np.random.default_rng(1))
        assert data.X.shape == (300, 8) and data.y.shape == (300,) and data.w_true.shape == (8,)
        assert_allclose(data.hessian, data.X.T @ data.X / 300, atol=1e-12)
        eig = np.linalg.eigvalsh(data.X.T @ data.X / 300)
        assert_allclose([eig.min(), eig.max()], [1 / kappa, 1.0], rtol=1e-9)
        assert_allclose(data.w_star, np.linalg.lstsq(data.X, data.y, rcond=None)[0], rtol=1e-7, atol=1e-9)
        assert_allclose(ol.least_squares_grad(data.w_star, data.X, data.y), 0.0, atol=1e-10)
    clean = ol.linear_regression(50, 4, noise=0.0, rng=np.random.default_rng(2))
    assert_allclose(clean.w_star, clean.w_true, rtol=1e-10)


def test_reproducible_from_a_seed():
    a = ol.linear_regression(40, 3, rng=np.random.default_rng(7))
    b = ol.linear_regression(40, 3, rng=np.random.default_rng(7))
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    c = ol.sparse_logistic(100, 20, rng=np.random.default_rng(7))
    d = ol.sparse_logistic(100, 20, rng=np.random.default_rng(7))
    assert all(np.array_equal(u, v) for u, v in zip(c, d))
    e = [list(i) for i in ol.minibatches(20, 6, np.random.default_rng(3))]
    assert e == [list(i) for i in ol.minibatches(20, 6, np.random.default_rng(3))]
    assert not all(np.array_equal(u, v) for u, v in zip(a, ol.linear_regression(40, 3, rng=np.random.default_rng(8))))


def test_sparse_logistic_feature_frequency_law():
    n, d = 20000, 50
    data = ol.sparse_logistic(n, d, rng=np.random.default_rng(0), exponent=1.2, max_frequency=0.5)
    assert data.X.shape == (n, d) and set(np.unique(data.X)) <= {0.0, 1.0} and set(np.unique(data.y)) <= {0.0, 1.0}
    assert_allclose(data.frequency, 0.5 * np.arange(1, d + 1) ** -1.2)
    observed = data.X.mean(0)
    sigma = np.sqrt(data.frequency * (1 - data.frequency) / n)
    assert (np.abs(observed - data.frequency) < 5 * sigma).all()  # each within 5 binomial standard errors
    assert ol.loglog_slope(np.arange(1, 11), observed[:10]) == pytest.approx(-1.2, abs=0.05)
    # labels follow the logistic model: the true weights beat zero weights on the loss
    assert ol.logistic_loss(data.w_true, data.X, data.y) < ol.logistic_loss(np.zeros(d), data.X, data.y)


def _fd(loss, w, eps=1e-6):
    return np.array([(loss(w + eps * e) - loss(w - eps * e)) / (2 * eps) for e in np.eye(len(w))])


def test_gradients_against_finite_differences():
    rng = np.random.default_rng(4)
    lin = ol.linear_regression(60, 5, condition_number=30.0, rng=rng)
    log = ol.sparse_logistic(80, 6, rng=rng)
    w5, w6 = rng.normal(size=5), rng.normal(size=6)
    idx = np.array([3, 17, 42, 5])
    for loss, grad, data, w in [(ol.least_squares_loss, ol.least_squares_grad, lin, w5),
                                (ol.logistic_loss, ol.logistic_grad, log, w6)]:
        for subset in (None, idx):
            g = grad(w, data.X, data.y, subset)
            assert_allclose(g, _fd(lambda v: loss(v, data.X, data.y, subset), w), rtol=1e-6, atol=1e-8)
        # the subset loss is the loss of the subset's data; batches of w give one value per row
        assert_allclose(loss(w, data.X, data.y, idx), loss(w, data.X[idx], data.y[idx]))
        W = np.stack([w, 2 * w, -w])
        assert_allclose(loss(W, data.X, data.y), [loss(v, data.X, data.y) for v in W])
        assert_allclose(grad(W, data.X, data.y), [grad(v, data.X, data.y) for v in W])
    assert_allclose(ol.least_squares_loss(lin.w_true, lin.X, lin.y),
                    0.5 * np.mean((lin.X @ lin.w_true - lin.y) ** 2))
    assert np.isfinite(ol.logistic_loss(np.full(6, 1e4), log.X, log.y))  # no overflow for large margins


def test_minibatches_cover_each_index_once_per_epoch():
    rng = np.random.default_rng(0)
    for n, b in [(10, 3), (12, 4), (5, 7), (1, 1)]:
        batches = list(ol.minibatches(n, b, rng))
        assert sorted(np.concatenate(batches).tolist()) == list(range(n))
        assert [len(i) for i in batches[:-1]] == [b] * (len(batches) - 1) and 0 < len(batches[-1]) <= b
        dropped = list(ol.minibatches(n, b, rng, drop_last=True))
        assert all(len(i) == b for i in dropped) and len(dropped) == n // b
    first, second = (np.concatenate(list(ol.minibatches(100, 10, rng))) for _ in range(2))
    assert not np.array_equal(first, second)  # a new shuffle each epoch


def test_sampled_grad_with_run_averages_to_the_full_gradient():
    rng = np.random.default_rng(0)
    data = ol.linear_regression(40, 3, rng=rng)
    seen = []

    def grad(w, idx):
        seen.append(idx)
        return ol.least_squares_grad(w, data.X, data.y, idx)

    grad_fn = ol.sampled_grad(grad, 40, 8, rng)
    w = np.ones(3)
    mean = np.mean([grad_fn(w, k) for k in range(5)], axis=0)  # one epoch of equal-size batches
    assert_allclose(mean, ol.least_squares_grad(w, data.X, data.y), rtol=1e-12)
    assert sorted(np.concatenate(seen).tolist()) == list(range(40))
    f = lambda w: ol.least_squares_loss(w, data.X, data.y)
    t = ol.run(ol.sgd(0.5), (f, None), np.zeros(3), 400, grad_fn=grad_fn)
    assert not t.diverged and np.linalg.norm(t.path[-1] - data.w_star) < 0.1


def test_validation():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="Invalid condition_number: 0.5"):
        ol.linear_regression(10, 2, condition_number=0.5, rng=rng)
    with pytest.raises(ValueError, match="Invalid n: 3"):
        ol.linear_regression(3, 5, rng=rng)
    with pytest.raises(ValueError, match="Invalid noise"):
        ol.linear_regression(10, 2, noise=-1.0, rng=rng)
    with pytest.raises(ValueError, match="Invalid rng"):
        ol.linear_regression(10, 2, rng=0)
    with pytest.raises(ValueError, match="Invalid batch_size: 0"):
        ol.minibatches(10, 0, rng)
    with pytest.raises(ValueError, match="Invalid n: -1"):
        ol.minibatches(-1, 2, rng)
    with pytest.raises(ValueError, match="Invalid exponent"):
        ol.sparse_logistic(10, 3, rng=rng, exponent=-1.0)
    with pytest.raises(ValueError, match="Invalid max_frequency"):
        ol.sparse_logistic(10, 3, rng=rng, max_frequency=1.5)
    with pytest.raises(ValueError, match="Invalid d: 0"):
        ol.sparse_logistic(10, 0, rng=rng)
    with pytest.raises(ValueError, match=r"^Invalid condition_number: 'ten' \(must be a number"):
        ol.linear_regression(10, 2, condition_number="ten", rng=rng)
    with pytest.raises(ValueError, match=r"^Invalid noise: nan \(must be >= 0\)$"):
        ol.linear_regression(10, 2, noise=np.nan, rng=rng)
    with pytest.raises(ValueError, match=r"^Invalid max_frequency: 'half' \(must be a number"):
        ol.sparse_logistic(10, 3, rng=rng, max_frequency="half")
    with pytest.raises(ValueError, match=r"^Invalid weight_scale: \[1.0, 2.0\] \(must be a single number\)$"):
        ol.sparse_logistic(10, 3, rng=rng, weight_scale=[1.0, 2.0])


def test_load_digits_split_and_standardization():
    from sklearn.datasets import load_digits as sklearn_digits

    d = ol.load_digits(np.random.default_rng(0))
    raw = sklearn_digits()
    order = np.random.default_rng(0).permutation(1797)      # the documented split
    assert np.array_equal(d.y_train, raw.target[order[:1000]])
    assert np.array_equal(d.y_test, raw.target[order[1397:]])
    assert (len(d.y_train), len(d.y_val), len(d.y_test)) == (1000, 397, 400)
    varying = raw.data[order[:1000]].std(axis=0) > 0
    np.testing.assert_allclose(d.X_train.mean(axis=0), 0.0, atol=1e-12)   # the training split's own statistics
    np.testing.assert_allclose(d.X_train.std(axis=0)[varying], 1.0)
    assert not d.X_train[:, ~varying].any() and not d.X_test[:, ~varying].any()  # constant pixels are 0
    assert abs(d.X_test.mean()) > 1e-6                                      # test statistics not used


def test_load_digits_validation():
    with pytest.raises(ValueError, match="Invalid rng"):
        ol.load_digits(0)
    with pytest.raises(ValueError, match="Invalid n_train: 0"):
        ol.load_digits(np.random.default_rng(0), n_train=0)
    with pytest.raises(ValueError, match=r"Invalid n_train \+ n_val: 1000 \+ 797"):
        ol.load_digits(np.random.default_rng(0), n_val=797)
