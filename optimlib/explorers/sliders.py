"""Slider grids: the values an explorer's sliders step through, their labels, and the checks on them.

A slider holds a fixed grid of values (the website precomputes every setting), so a value is always found by its
position on the grid. Shared by every explorer, live (:mod:`optimlib.explorers.live`) or on the web (:mod:`optimlib.explorers.web`).
"""
import inspect

import numpy as np

__all__ = ["log_grid", "SLIDER_LABELS"]

SLIDER_LABELS = {
    "learning_rate": "learning rate η", "momentum": "momentum μ", "b1": "β₁", "b2": "β₂", "decay": "decay ρ",
    "rho": "ρ", "weight_decay": "weight decay λ", "eps": "ε", "batch_size": "batch size B", "steps": "steps",
    "damping": "damping λ", "mu": "damping μ", "condition_number": "condition number κ", "beta": "β",
    "noise": "noise σ", "alpha": "α", "decay_rate": "decay rate (per epoch)", "lr": "learning rate η",
}
"""Default slider labels, ``{argument: text}``: the symbol and unit a slider shows when ``labels=`` does not name it."""


def log_grid(low, high, n):
    """``n`` values from ``low`` to ``high`` evenly spaced on a log scale, rounded to 3 significant digits.

    >>> log_grid(1e-3, 1e-1, 5)
    array([0.001  , 0.00316, 0.01   , 0.0316 , 0.1    ])
    """
    if not 0 < low < high or int(n) != n or n < 2:
        raise ValueError(f"Invalid log_grid: ({low!r}, {high!r}, {n!r}) (need 0 < low < high and an integer n >= 2)")
    return np.array([float(f"{v:.3g}") for v in np.geomspace(low, high, int(n))])


def _fmt(v, digits=3):
    """A number as an explorer shows it: :func:`optimlib.format_number` (``digits`` significant figures, a true
    minus, ``a × 10ⁿ`` outside [0.001, 10⁴)) without trailing zeros, as a slider's grid reads best
    (``0.00123``, ``2.5``, ``1.78 × 10⁻⁴``, ``10⁻¹²``, ``−3``)."""
    from ..viz.numbers import format_number

    v = float(v)
    if not np.isfinite(v):
        return str(v)
    head, times, power = format_number(v, sig=digits).partition(" × ")
    if "." in head:
        head = head.rstrip("0").rstrip(".")
    if times and head.lstrip("\u2212") == "1":
        return head[:-1] + power  # "10⁻⁴", not "1 × 10⁻⁴"
    return head + times + power


def grid_index(grid, value):
    """The position of ``value`` on ``grid`` (equal to 1e-9 relative), or ``None`` if it is not on the grid."""
    hits = np.flatnonzero(np.isclose(grid, value, rtol=1e-9, atol=0))
    return int(hits[0]) if hits.size else None


def check_sliders(sliders):
    """``{name: values}`` as ``{name: float array}``; each grid needs at least two finite values."""
    out = {}
    for name, values in (sliders or {}).items():
        v = np.asarray(values, dtype=float).ravel()
        if v.size < 2 or not np.all(np.isfinite(v)):
            raise ValueError(f"Invalid sliders[{name!r}]: {values!r} (need at least two finite values)")
        out[name] = v
    return out


def slider_args(name, factory, sliders):
    """The sliders that ``factory`` takes, in its parameter order (``()`` for a ready optimizer)."""
    if not callable(factory):
        if not hasattr(factory, "update"):
            raise ValueError(f"Invalid optimizers[{name!r}]: {factory!r} (give a factory or an optimizer)")
        return ()
    used = []
    for p in inspect.signature(factory).parameters.values():
        if p.name in sliders:
            used.append(p.name)
        elif p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise ValueError(f"Invalid optimizers[{name!r}]: its factory takes {p.name!r}, which is not a slider "
                             f"(sliders: {sorted(sliders)})")
    return tuple(used)


def initial_index(initial, sliders):
    """The starting position of each slider: ``initial[name]`` (a value on its grid) or the middle."""
    index = {}
    for s, v in sliders.items():
        if initial and s in initial:
            index[s] = grid_index(v, initial[s])
            if index[s] is None:
                raise ValueError(f"Invalid initial[{s!r}]: {initial[s]!r} (must be one of the slider's values "
                                 f"{[_fmt(x) for x in v]})")
        else:
            index[s] = (len(v) - 1) // 2
    extra = set(initial or ()) - set(sliders)
    if extra:
        raise ValueError(f"Invalid initial: {sorted(extra)} are not sliders")
    return index


def check_edges(edges, sliders):
    """``{slider: (value, text)}`` (or ``{slider: value}``): where a slider crosses a stability edge, and what to
    call it (``(0.2, "2/L")``), marked on the slider's track."""
    out = {}
    for name, edge in (edges or {}).items():
        value, text = edge if isinstance(edge, (tuple, list)) else (edge, "")
        if name not in sliders or not np.isfinite(float(value)):
            raise ValueError(f"Invalid edges[{name!r}]: {edge!r} (give a finite value for one of the sliders "
                             f"{sorted(sliders)})")
        out[name] = (float(value), str(text))
    return out


def slider_labels(labels, sliders):
    """Each slider's label: ``labels[name]``, else :data:`SLIDER_LABELS`, else the name itself."""
    extra = set(labels or ()) - set(sliders)
    if extra:
        raise ValueError(f"Invalid labels: {sorted(extra)} are not sliders")
    return {s: (labels or {}).get(s) or SLIDER_LABELS.get(s, s) for s in sliders}
