r"""From SymPy to NumPy: derivatives of an expression as fast functions of points.

A point has its coordinates on the **last axis**: a function of :math:`d` symbols takes an array of shape
``(..., d)``, so the same callable evaluates one point ``(d,)``, a batch ``(K, d)`` or a meshgrid stacked as
``np.stack([X, Y], axis=-1)``. Expressions are compiled once with ``sympy.lambdify(..., cse=True)`` (common
subexpressions computed once). A component that does not depend on the point (the Hessian of a quadratic, the
gradient of a linear term) is broadcast to the input's shape, so every output has shape ``(..., *shape)``.

For a scalar :math:`f`, :func:`gradient` is the column :math:`\nabla f` and :func:`hessian` the matrix
:math:`\nabla^2 f`. For a vector-valued map :math:`r:\mathbb{R}^d\to\mathbb{R}^m` (say the residuals of least
squares), :func:`jacobian` is the :math:`m\times d` matrix :math:`J_{ij} = \partial r_i/\partial w_j`; the Hessian of
:math:`\tfrac12\lVert r\rVert^2` is :math:`J^\top J + \sum_i r_i \nabla^2 r_i`, and Gauss-Newton keeps
:math:`J^\top J` only (Nocedal & Wright, *Numerical Optimization*, 2nd ed., 2006, section 10.3).

>>> import sympy as sp
>>> x, y = sp.symbols("x y")
>>> f, grad, hess = lambdify_derivatives((x**2 - y**2) / 2, (x, y))
>>> print(grad(np.array([1.0, 2.0])))
[ 1. -2.]
>>> hess(np.zeros((5, 3, 2))).shape        # a constant Hessian broadcast to a (5, 3) grid of points
(5, 3, 2, 2)
"""
import numpy as np
import sympy as sp

__all__ = ["to_numpy", "gradient", "hessian", "jacobian", "lambdify_derivatives", "lambdify_jacobian"]


def _symbols(symbols):
    symbols = tuple(symbols) if isinstance(symbols, (list, tuple, sp.Matrix)) else (symbols,)
    if not symbols or not all(isinstance(s, sp.Symbol) for s in symbols):
        raise ValueError(f"Invalid symbols: {symbols!r} (must be a non-empty sequence of SymPy symbols)")
    return symbols


def to_numpy(expr, symbols, *, shape=None):
    """Compile a SymPy expression (scalar, ``Matrix`` or nested list) into ``fn(x) -> (..., *shape)``.

    Args:
      expr: the expression; its free symbols must be among ``symbols``.
      symbols: the coordinates, in the order of the last axis of ``x``.
      shape: the output shape per point; default the expression's own (``()`` for a scalar, ``(m, n)`` for a
        matrix). A column gradient may ask for ``(d,)``.

    The returned function takes ``x`` of shape ``(..., d)`` and returns float64 values of shape
    ``(..., *shape)``; constant components are broadcast.
    """
    symbols = _symbols(symbols)
    array = sp.Array(expr) if isinstance(expr, (list, tuple, sp.MatrixBase, sp.NDimArray)) else sp.Array([expr])
    natural = array.shape if isinstance(expr, (list, tuple, sp.MatrixBase, sp.NDimArray)) else ()
    shape = natural if shape is None else tuple(shape)
    components = list(sp.flatten(array.tolist())) if array.rank() else [array[()]]
    if int(np.prod(shape, dtype=int)) != len(components):
        raise ValueError(f"Invalid shape: {shape} (the expression has {len(components)} components)")
    free = set().union(*(sp.sympify(c).free_symbols for c in components)) - set(symbols)
    if free:
        raise ValueError(f"Invalid expr: free symbols {sorted(map(str, free))} are not among symbols {symbols}")
    compiled = sp.lambdify(symbols, components, modules="numpy", cse=True)
    d = len(symbols)

    def fn(x):
        x = np.asarray(x, dtype=float)
        if x.ndim == 0 or x.shape[-1] != d:
            raise ValueError(f"Invalid x: shape {x.shape} (the last axis must have the {d} coordinates {symbols})")
        if x.ndim == 1:  # one point: the fast path used by run
            return np.array(compiled(*x), dtype=float).reshape(shape)
        batch = x.shape[:-1]
        values = compiled(*np.moveaxis(x, -1, 0))
        out = np.empty(batch + (len(values),))
        for i, v in enumerate(values):
            out[..., i] = v  # broadcasts constant components
        return out.reshape(batch + shape)

    fn.__doc__ = f"Evaluate {expr} at x of shape (..., {d}); returns shape (..., *{shape})."
    return fn


def gradient(expr, symbols):
    r"""The gradient :math:`\nabla f` of a scalar expression as a SymPy column ``Matrix`` of shape ``(d, 1)``."""
    symbols = _symbols(symbols)
    return sp.Matrix([sp.diff(expr, s) for s in symbols])


def hessian(expr, symbols):
    r"""The Hessian :math:`\nabla^2 f` (``(d, d)`` symmetric SymPy ``Matrix``) of a scalar expression."""
    return sp.hessian(expr, _symbols(symbols))


def jacobian(exprs, symbols):
    r"""The Jacobian :math:`J_{ij} = \partial r_i / \partial x_j` (``(m, d)`` SymPy ``Matrix``) of a vector map.

    For a scalar :math:`f` the Jacobian is the row :math:`\nabla f^\top` (shape ``(1, d)``).
    """
    return sp.Matrix(list(exprs) if not isinstance(exprs, sp.MatrixBase) else exprs).jacobian(sp.Matrix(
        _symbols(symbols)))


def lambdify_derivatives(expr, symbols):
    """Compile ``(f, grad, hess)`` of a scalar expression: shapes ``(...)``, ``(..., d)``, ``(..., d, d)``."""
    symbols = _symbols(symbols)
    d = len(symbols)
    return (to_numpy(expr, symbols), to_numpy(gradient(expr, symbols), symbols, shape=(d,)),
            to_numpy(hessian(expr, symbols), symbols))


def lambdify_jacobian(exprs, symbols):
    r"""Compile a vector map and its Jacobian: ``(r, J)`` with shapes ``(..., m)`` and ``(..., m, d)``.

    The Gauss-Newton matrix of :math:`\tfrac12\lVert r\rVert^2` is then ``J(x).swapaxes(-1, -2) @ J(x)``.

    >>> import sympy as sp
    >>> w0, w1 = sp.symbols("w0 w1")
    >>> r, J = lambdify_jacobian([w0 * w1 - 1, w0 - 2], (w0, w1))
    >>> print(J(np.array([1.0, 3.0])))
    [[3. 1.]
     [1. 0.]]
    """
    symbols = _symbols(symbols)
    exprs = list(exprs)
    return to_numpy(exprs, symbols), to_numpy(jacobian(exprs, symbols), symbols)
