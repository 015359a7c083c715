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
    return require_oracle("torch", "torch==2.13.0")


def require_oracle(module, package):
    """An oracle package (torch, lion_pytorch, schedulefree): skip without it, unless OPTIMLIB_REQUIRE_TORCH=1 (CI),
    where its absence is an error."""
    import importlib
    import os

    import pytest

    if os.environ.get("OPTIMLIB_REQUIRE_TORCH", "") not in ("", "0"):
        try:
            return importlib.import_module(module)
        except ImportError as error:
            raise RuntimeError(f"OPTIMLIB_REQUIRE_TORCH=1 but {module} cannot be imported: the oracle tests cannot "
                               f"run (pip install {package})") from error
    return pytest.importorskip(module)


# The oracle tests' two problems (torch, lion-pytorch, schedulefree): a random positive-definite quadratic in 6-D and
# a mild Rosenbrock-like valley, sum of (1 - x_i)^2 + 5 (x_{i+1} - x_i^2)^2, gentle enough for 50 SGD steps.
_RNG = np.random.default_rng(0)
D = 6
_M = _RNG.normal(size=(D, D))
A = _M @ _M.T / D + 0.1 * np.eye(D)
B = _RNG.normal(size=D)
X0 = _RNG.normal(size=D)
X0_ROSEN = 0.5 * X0


def quad_grad(x):
    return A @ x - B


def rosen_grad(x):
    g = np.zeros_like(x)
    g[:-1] += -2 * (1 - x[:-1]) - 20 * x[:-1] * (x[1:] - x[:-1] ** 2)
    g[1:] += 10 * (x[1:] - x[:-1] ** 2)
    return g
