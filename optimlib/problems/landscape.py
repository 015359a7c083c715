r"""Loss landscapes of a network: its loss on lines and planes, over flat parameter vectors.

A network's parameters (the dict of :func:`~optimlib.init_mlp`) are one point :math:`\theta \in \mathbb R^d`:
:func:`flatten_params` concatenates the leaves in the dict's order, :func:`unflatten_params` undoes it (for a batch
of points too). Every other function works on flat vectors, and takes the loss as a callable on a *batch* of points,
``loss(points) -> values`` with ``points`` of shape ``(K, d)`` and ``values`` of shape ``(K,)``, so that a line or a
grid is evaluated in a few calls.

- a line (Goodfellow, Vinyals & Saxe 2015): :math:`\alpha \mapsto L((1-\alpha)\,a + \alpha\,b)`;
- a plane (Li et al. 2018): :math:`(x, y) \mapsto L(c + x\,d_1 + y\,d_2)`, with directions normalized per filter
  (:func:`filter_normalized_direction`);

What such slices miss (the directions of a path, curvature) is measured by :mod:`optimlib.problems.subspace`.

>>> params = {"W1": np.ones((2, 3)), "b1": np.zeros(3)}
>>> theta = flatten_params(params)
>>> theta.shape
(9,)
>>> unflatten_params(np.stack([theta, 2 * theta]), params)["W1"].shape
(2, 2, 3)
>>> loss_along_line(lambda p: (p**2).sum(axis=1), np.zeros(2), np.ones(2), [0.0, 0.5, 1.0])
array([0. , 0.5, 2. ])
"""
import numpy as np

__all__ = ["flatten_params", "unflatten_params", "filter_normalized_direction", "loss_along_line", "loss_on_plane"]


def _check_params(params):
    if not isinstance(params, dict) or not params:
        raise ValueError(f"Invalid params: {type(params).__name__} (must be a non-empty dict of arrays)")


def _vector(name, value, d=None):
    v = np.asarray(value, dtype=float)
    if v.ndim != 1 or (d is not None and v.shape[0] != d) or not np.isfinite(v).all():
        want = f"({d},)" if d is not None else "(d,)"
        raise ValueError(f"Invalid {name}: shape {v.shape} (must be a finite vector of shape {want})")
    return v


def _grid(name, values):
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or v.size == 0 or not np.isfinite(v).all():
        raise ValueError(f"Invalid {name}: {values!r} (must be a non-empty 1-D array of finite numbers)")
    return v


def _evaluate(loss, points, chunk):
    """``loss`` on ``points`` (K, d), ``chunk`` rows per call."""
    if isinstance(chunk, bool) or not isinstance(chunk, (int, np.integer)) or chunk < 1:
        raise ValueError(f"Invalid chunk: {chunk!r} (must be an integer >= 1)")
    out = []
    for start in range(0, len(points), chunk):
        block = points[start:start + chunk]
        values = np.asarray(loss(block), dtype=float)
        if values.shape != (len(block),):
            raise ValueError(f"Invalid loss: returned shape {values.shape} for {len(block)} points "
                             f"(must return one value per point, shape ({len(block)},))")
        out.append(values)
    return np.concatenate(out)


def flatten_params(params):
    r"""The parameters as one vector :math:`\theta \in \mathbb R^d`: the leaves raveled and concatenated, in the
    dict's order.

    Args:
      params: a dict of arrays (e.g. from :func:`~optimlib.init_mlp`).

    Returns:
      An array of shape ``(d,)``, :math:`d = \sum_\text{leaves}` size.
    """
    _check_params(params)
    return np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in params.values()])


def unflatten_params(vector, like):
    """The inverse of :func:`flatten_params`, for one point or a batch.

    Args:
      vector: shape ``(..., d)``: one flat point, or any batch of them.
      like: a dict with the leaf shapes (the one that was flattened).

    Returns:
      A dict with the keys of ``like`` and leaves of shape ``(..., *like[key].shape)``.
    """
    _check_params(like)
    vector = np.asarray(vector, dtype=float)
    shapes = {k: np.shape(v) for k, v in like.items()}
    d = sum(int(np.prod(s)) for s in shapes.values())
    if vector.ndim < 1 or vector.shape[-1] != d:
        raise ValueError(f"Invalid vector: shape {vector.shape} (must end in d = {d}, the size of like)")
    out, start = {}, 0
    for key, shape in shapes.items():
        size = int(np.prod(shape))
        out[key] = vector[..., start:start + size].reshape(vector.shape[:-1] + shape)
        start += size
    return out


def filter_normalized_direction(params, rng):
    r"""A random direction normalized per filter to the parameters' scale (Li et al. 2018), biases zeroed.

    Each leaf :math:`\theta_i` of ``params`` gets a Gaussian direction :math:`d_i`. For a leaf with two or more
    axes (a weight matrix :math:`W` of shape ``(n_in, n_out)``, as in :func:`~optimlib.init_mlp`), a *filter* is
    the slice of one outgoing unit, the column :math:`W_{:,j}` (the row ``weight[j]`` in PyTorch's layout), and

    .. math:: d_{i,j} \leftarrow \frac{d_{i,j}}{\lVert d_{i,j}\rVert}\,\lVert\theta_{i,j}\rVert.

    Leaves with fewer than two axes (biases) get :math:`d_i = 0`, as in Li et al.'s code (``ignore='biasbn'``), so
    a plane spanned by such directions leaves the biases at the center's.

    Args:
      params: a dict of arrays, the point the direction is scaled to (a trained :math:`\theta^*`).
      rng: a ``numpy.random.Generator``.

    Returns:
      A dict shaped like ``params``.
    """
    _check_params(params)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"Invalid rng: {rng!r} (must be a numpy.random.Generator)")
    direction = {}
    for key, theta in params.items():
        theta = np.asarray(theta, dtype=float)
        d = rng.standard_normal(theta.shape)
        if theta.ndim < 2:
            direction[key] = np.zeros_like(theta)
            continue
        axes = tuple(range(theta.ndim - 1))           # every axis but the last: one filter per outgoing unit
        scale = np.linalg.norm(theta, axis=axes, keepdims=True) / np.linalg.norm(d, axis=axes, keepdims=True)
        direction[key] = d * scale
    return direction


def loss_along_line(loss, a, b, alphas, *, chunk=32):
    r"""The loss on the straight line through ``a`` and ``b`` (Goodfellow, Vinyals & Saxe 2015):

    .. math:: \ell(\alpha) = L\bigl((1 - \alpha)\,a + \alpha\,b\bigr),

    so :math:`\ell(0) = L(a)`, :math:`\ell(1) = L(b)`; :math:`\alpha < 0` and :math:`\alpha > 1` extend the line
    beyond the two points.

    Args:
      loss: a callable, ``(K, d)`` points to ``(K,)`` values.
      a, b: flat points of shape ``(d,)`` (e.g. the initialization and a trained solution).
      alphas: the positions, a 1-D array.
      chunk: at most this many points per call of ``loss``.

    Returns:
      The values :math:`\ell(\alpha)`, shape ``(len(alphas),)``.
    """
    a = _vector("a", a)
    b = _vector("b", b, a.shape[0])
    alphas = _grid("alphas", alphas)
    return _evaluate(loss, (1.0 - alphas)[:, None] * a + alphas[:, None] * b, chunk)


def loss_on_plane(loss, center, d1, d2, xs, ys, *, chunk=32):
    r"""The loss on the plane through ``center`` spanned by ``d1`` and ``d2`` (Li et al. 2018):

    .. math:: F_{jk} = L(c + x_k\,d_1 + y_j\,d_2),

    on the grid of ``xs`` by ``ys``, laid out like ``np.meshgrid(xs, ys)`` (rows follow ``ys``), ready for
    ``plt.contour(xs, ys, F)``.

    Args:
      loss: a callable, ``(K, d)`` points to ``(K,)`` values.
      center: a flat point :math:`c`, shape ``(d,)``.
      d1, d2: the directions, shape ``(d,)`` (e.g. flattened :func:`filter_normalized_direction`).
      xs, ys: the coordinates along ``d1`` and ``d2``, 1-D arrays.
      chunk: at most this many points per call of ``loss``.

    Returns:
      An array of shape ``(len(ys), len(xs))``.
    """
    center = _vector("center", center)
    d1, d2 = _vector("d1", d1, center.shape[0]), _vector("d2", d2, center.shape[0])
    xs, ys = _grid("xs", xs), _grid("ys", ys)
    X, Y = np.meshgrid(xs, ys)
    points = center + X.reshape(-1, 1) * d1 + Y.reshape(-1, 1) * d2
    return _evaluate(loss, points, chunk).reshape(X.shape)
