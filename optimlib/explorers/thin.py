"""How the web explorers thin a curve before drawing it: few points, every oscillation kept."""
import numpy as np

MAX_POINTS = 600                          # at most this many points per drawn curve


def _thin(X, Y, keep=None):
    """A curve's points as drawn: flat integer viewBox points ``[x0, y0, x1, y1, ...]``, at most ``MAX_POINTS``.

    Thinned so that what the eye sees survives, oscillations included: points are rounded to the viewBox grid,
    repeats dropped, a back-and-forth over one segment (a two-step cycle: A B A B ...) drawn once, then
    Ramer–Douglas–Peucker keeps every point that stands out from the line through its neighbours by 0.8
    unit or more (a bounce, a spike), coarsening only if a curve still has more than ``MAX_POINTS`` points.
    Returns ``(points, index)``: ``index`` gives the position in the input of each kept point. ``keep`` lists
    positions that must be kept (a race's frames); the ends are always kept.
    """
    P = np.column_stack([np.asarray(X, float), np.asarray(Y, float)]).round().astype(int)
    must = np.zeros(len(P), bool)
    must[[0, -1] if len(P) else []] = True
    if keep is not None:
        must[np.asarray(keep, int)] = True
    T, M, idx = list(map(tuple, P.tolist())), must.tolist(), []
    for i, q in enumerate(T):
        if idx and not M[i] and q == T[idx[-1]]:
            continue  # the same point again
        if len(idx) >= 3 and not M[i] and not M[idx[-1]] and q == T[idx[-2]] and T[idx[-1]] == T[idx[-3]]:
            idx.pop()  # A B A + B: the segment A-B again; keep "A B" (the B just seen is dropped with it)
            continue
        idx.append(i)
    idx = np.asarray(idx, int)
    if len(idx) > 2:
        tol = 0.8
        while True:
            kept = idx[_rdp(P[idx].astype(float), tol, must[idx])]
            if len(kept) <= MAX_POINTS or tol > 1e4:
                break
            tol *= 1.6
        idx = kept
    return P[idx].ravel().tolist(), idx


def _rdp(P, tol, must):
    """Ramer–Douglas–Peucker: the positions of ``P`` (n x 2) to keep at tolerance ``tol`` (``must`` always kept)."""
    keep = must.copy()
    keep[0] = keep[-1] = True
    anchors = np.flatnonzero(keep)
    stack = list(zip(anchors[:-1], anchors[1:]))
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        d, seg = P[a + 1:b] - P[a], P[b] - P[a]
        n = np.hypot(*seg)
        dist = np.abs(d[:, 0] * seg[1] - d[:, 1] * seg[0]) / n if n > 0 else np.hypot(d[:, 0], d[:, 1])
        j = int(np.argmax(dist))
        if dist[j] > tol:
            m = a + 1 + j
            keep[m] = True
            stack += [(a, m), (m, b)]
    return np.flatnonzero(keep)
