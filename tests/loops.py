"""What the tests share: the bare-protocol optimizer loop, and the torch oracle (required in CI)."""
import numpy as np

import optimlib as ol


def iterate(opt, grad, x0, steps):
    """The iterates x_0 .. x_steps and the updates u_1 .. u_steps of `opt` from x0 under `grad`, written with the
    bare protocol (no ol.run)."""
    x = np.array(x0, dtype=float)
    state, path, ups = opt.init(x), [x], []
    for _ in range(steps):
        updates, state = opt.update(grad(x), state, x)
        x = ol.apply_updates(x, updates)
        path.append(x)
        ups.append(updates)
    return np.array(path), np.array(ups)


def trajectory(opt, grad, x0, steps):
    """Iterates x_1 .. x_steps of `opt` from x0 under `grad`."""
    return iterate(opt, grad, x0, steps)[0][1:]


def require_torch():
    """torch, the oracle: skip without it, unless OPTIMLIB_REQUIRE_TORCH=1 (CI), where its absence is an error."""
    import os

    import pytest

    if os.environ.get("OPTIMLIB_REQUIRE_TORCH", "") not in ("", "0"):
        try:
            import torch
        except ImportError as error:
            raise RuntimeError("OPTIMLIB_REQUIRE_TORCH=1 but torch cannot be imported: the oracle tests cannot "
                               "run (pip install torch==2.13.0)") from error
        return torch
    return pytest.importorskip("torch")
