"""Phase-diagram speed: the closed form and one batched simulation over the (learning rate, momentum) grid of
chapter 6 (100 x 90 cells, 400 steps, eigenvalues 1 and 100), then the figure drawn to PNG. Target: under 2 s.

Run: .venv/bin/python bench/bench_phase.py
"""
import io
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import optimlib as ol  # noqa: E402

TARGET_S = 2.0


def build():
    kappa = 100.0
    pd = ol.phase_diagram([1.0, kappa], np.linspace(0.005, 4.2, 100) / kappa, np.linspace(0.0, 0.995, 90),
                          steps=400, window=150)
    fig, ax = plt.subplots(figsize=(6.2, 4.0), layout="constrained")
    ol.plot_phase_diagram(pd, ax=ax, optimum=ol.optimal_momentum(1.0, kappa)[:2])
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def main():
    ol.use_book_style()
    build()                                  # warm-up: imports, font cache
    times = []
    for _ in range(3):
        start = time.perf_counter()
        build()
        times.append(time.perf_counter() - start)
    best = min(times)
    print(f"phase diagram (9000 cells x 400 steps, closed form + simulation + figure): {best:.2f} s "
          f"(best of 3; target < {TARGET_S:.0f} s) {'PASS' if best < TARGET_S else 'MISS'}")


if __name__ == "__main__":
    main()
