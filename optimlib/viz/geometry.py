"""Figure geometry with NumPy only, shared by the static figures (:mod:`optimlib.viz`) and the explorers.

No matplotlib here: the web explorer draws its own SVG with the same answers.
"""
import numpy as np

__all__ = ["exit_point", "axis_label"]


def exit_point(path, lo, hi):
    """Where a path leaves the box ``[lo, hi]`` for good (its last point if that is inside): the place to mark a
    run that diverged. ``path`` is ``(n, 2)``; the answer lies on the segment that crosses the border."""
    P, lo, hi = np.asarray(path, float), np.asarray(lo, float), np.asarray(hi, float)
    with np.errstate(all="ignore"):
        inside = np.all((P >= lo) & (P <= hi), axis=1)
        if inside[-1] or not inside.any():
            return np.clip(P[-1], lo, hi)
        i = len(P) - 1 - int(np.argmax(inside[::-1]))  # the last point inside
        p, q = P[i], P[i + 1]
        t = np.where(q > hi, (hi - p) / (q - p), np.where(q < lo, (lo - p) / (q - p), 1.0))
        return np.clip(p + np.nanmin(t) * (q - p), lo, hi)


def axis_label(surface, i):
    """The label of coordinate ``i`` of a surface, as mathtext: ``"$x$"`` (``x``, ``y`` if it has no symbols)."""
    syms = getattr(surface, "symbols", None)
    try:
        return f"${syms[i]}$"
    except (TypeError, IndexError):
        return ("$x$", "$y$")[i]
